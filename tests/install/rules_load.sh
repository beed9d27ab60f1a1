#!/bin/bash
# rules_load.sh: every shipped audit rule loads on the real kernel.
#
# Installs into a temporary root, writes the per-account rules with the
# installed audisp-sshwatch-genrules (this machine's accounts and sshd
# configuration, plus a test account whose ~/.ssh exists, so that the
# recursive -F dir= form is loaded too), joins the installed
# 25-sshwatch.rules and the generated file as augenrules would (by name,
# after a -D), loads the result with `auditctl -R' and checks that
# `auditctl -l' lists exactly those rules, in that order, with no
# never-rule.  Needs root and a free kernel audit (no auditd
# registered), else exits 77; the rules and settings found are put back
# and checked.
. "${srcdir:-.}/tests/install/lib.sh"
si_no_package_build
si_need_root "loads audit rules"
si_need auditctl
si_init
si_audit_free
si_audit_save

R=$SI_T/root
si_install "$R"
RULES=$R$sysconfdir/audit/rules.d
GEN=$R$sbindir/audisp-sshwatch-genrules
[ -f "$RULES/25-sshwatch.rules" ] || si_fail "25-sshwatch.rules not installed"
[ -x "$GEN" ] || si_fail "audisp-sshwatch-genrules not installed"

# This machine's accounts, and one whose ~/.ssh exists.
mkdir -p "$SI_T/home/swload/.ssh"
{
	getent passwd || cat /etc/passwd
	echo "swload:x:64999:64999::$SI_T/home/swload:/bin/sh"
} >"$SI_T/passwd"
"$GEN" -o "$RULES/26-sshwatch-homes.rules" --passwd "$SI_T/passwd" \
    >"$SI_T/gen.out" 2>&1 || si_fail "genrules: $(cat "$SI_T/gen.out")"
grep -q -- "-F dir=$SI_T/home/swload/.ssh -F perm=wa" \
    "$RULES/26-sshwatch-homes.rules" ||
	si_fail "no dir= rule for the test account: $(cat "$RULES/26-sshwatch-homes.rules")"

cp "$RULES/25-sshwatch.rules" "$SI_T/25-sshwatch.rules"
# As augenrules does: the files in name order, after a -D.
{
	echo "-D"
	cat "$SI_T/25-sshwatch.rules" "$RULES/26-sshwatch-homes.rules"
} >"$SI_T/audit.rules"
si_expected_rules "$SI_T/25-sshwatch.rules" \
    "$RULES/26-sshwatch-homes.rules" >"$SI_T/expected"
n=$(wc -l <"$SI_T/expected")
[ "$n" -ge 20 ] || si_fail "only $n rules to load"

if ! auditctl -R "$SI_T/audit.rules" >"$SI_T/load.out" 2>&1; then
	si_fail "auditctl -R refused a rule: $(cat "$SI_T/load.out")"
fi
if grep -qi "error" "$SI_T/load.out"; then
	si_fail "auditctl -R: $(cat "$SI_T/load.out")"
fi
auditctl -l >"$SI_T/loaded" 2>&1 || si_fail "auditctl -l: $(cat "$SI_T/loaded")"
if ! diff -u "$SI_T/expected" "$SI_T/loaded" >"$SI_T/diff"; then
	si_fail "auditctl -l differs from the rules files: $(cat "$SI_T/diff")"
fi
# No never-rule (the plugin drops its own events by pid).
if grep -q "^-a never" "$SI_T/loaded"; then
	si_fail "a never-rule was loaded"
fi
# Every kind of rule made it in.
for want in "-F path=/usr/bin/ssh -F perm=x" "-F path=/usr/bin/ssh-agent -F perm=x" \
    "-w /root/.ssh -p wa -k sshwatch-home" "-w /etc/ssh -p wa -k sshwatch-config" \
    "-F dir=$SI_T/home/swload/.ssh -F perm=wa -F key=sshwatch-home" \
    "-F dir=$SI_T/home/swload/.ssh -F perm=r -F euid!=0 -F key=sshwatch-keyread" \
    "-F dir=$SI_T/home/swload/.ssh -F perm=r -F auid!=0 -F auid!=-1 -F key=sshwatch-keyread" \
    "-F dir=$SI_T/home/swload/.ssh -F perm=r -F uid!=0 -F auid!=-1 -F key=sshwatch-keyread"; do
	grep -qF -- "$want" "$SI_T/loaded" || si_fail "not loaded: $want"
done
for arch in b64 b32; do
	grep -q -- "-a always,exit -F arch=$arch -S all -F path=/usr/bin/scp -F perm=x" \
	    "$SI_T/loaded" || si_fail "no $arch exec rule for scp"
done
si_log "auditctl -R loaded all $n rules; auditctl -l lists them in order"

# Loading the same files again (augenrules --load twice) works: the -D.
auditctl -R "$SI_T/audit.rules" >"$SI_T/load2.out" 2>&1 ||
	si_fail "second load: $(cat "$SI_T/load2.out")"
auditctl -l | cmp -s - "$SI_T/loaded" || si_fail "second load lists other rules"
exit 0
