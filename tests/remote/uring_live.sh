#!/bin/bash
# shellcheck disable=SC2317,SC2034 # hooks, sw_wait_for conditions, lib.sh state
# uring_live.sh: an authorized_keys file planted and a private key read
# through io_uring, on the real kernel, caught live.
#
#   tests/uring_open (IORING_OP_OPENAT, IORING_OP_WRITE/READ, raw system
#   calls) -> kernel audit, the io_uring rule audisp-sshwatch-genrules
#   writes, loaded by an auditctl built with io_uring -> private auditd
#   -> plugin audisp-sshwatch in plugin mode.
#
# The accounts sshw-ur-a and sshw-ur-b are made for the test and removed
# after it (a's ~/.ssh holds authorized_keys and id_ed25519, the key made
# readable to others so that b can read it).  Routes:
#   1. b reads a's id_ed25519 through io_uring (an open that does not
#      block: done inside io_uring_enter, logged with its name);
#   2. root creates a's ~/.ssh/authorized_keys2 and writes a key line
#      through io_uring (the create is handed to an io-wq worker, logged
#      by inode only: a's .ssh is known to the plugin from its start);
#   3. root appends to a's existing authorized_keys through io_uring:
#      Linux 6.18 logs it without any PATH record (see the man page, IO_URING
#      AND FILE HANDLES); the test asserts the records it gets and, when
#      they name nothing, that the plugin stays as silent as it must.
# Asserted: the kernel logs URINGOP records with the rule's key for each
# route; ssh-key-read (high) for route 1 naming the key; an
# authorized-keys-write naming a's .ssh for route 2; the key line is
# really in authorized_keys2 (the write went through).
#
# The auditctl: the first of `auditctl' in the PATH and the io_uring
# builds of tests/compat (/var/cache/sshwatch-compat/*/sbin/auditctl, made
# by `SW_AUDIT_IO_URING=1 tests/compat/build-audit.sh TARBALL CACHE') for
# which audisp-sshwatch-genrules writes the io_uring rule; none: exit 77.
# Needs root and a free kernel audit subsystem, else exit 77; the kernel
# audit state found is restored on exit (lib.sh).
. "${srcdir:-.}/tests/remote/lib.sh"
sw_need_root
sw_need auditctl setpriv flock useradd userdel
sw_init
URING_OPEN=${top_builddir:?}/tests/uring_open
GEN=$top_builddir/scripts/audisp-sshwatch-genrules
[ -x "$URING_OPEN" ] || sw_fail "$URING_OPEN is not built"
[ -x "$GEN" ] || sw_fail "$GEN is not built"
[ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" = 0 ] ||
	sw_skip "io_uring is disabled (kernel.io_uring_disabled)"
RULE="-a always,io_uring -S openat,openat2 -F key=sshwatch-uring"
ACTL=
for a in "$(command -v auditctl)" \
    "${SW_COMPAT_CACHE:-/var/cache/sshwatch-compat}"/*/sbin/auditctl; do
	[ -x "$a" ] || continue
	if sh "$GEN" -n --auditctl "$a" 2>/dev/null | grep -qxF -- "$RULE"; then
		ACTL=$a
		break
	fi
done
[ -n "$ACTL" ] ||
	sw_skip "no auditctl takes io_uring rules (3.1 or later built --with-io_uring; SW_AUDIT_IO_URING=1 tests/compat/build-audit.sh builds one)"
sw_log "auditctl: $ACTL ($("$ACTL" -v))"
sw_kernel_take

UA=sshw-ur-a
UB=sshw-ur-b
del_users() {
	local u

	for u in "$UA" "$UB"; do
		if getent passwd "$u" >/dev/null; then
			userdel -r "$u" >/dev/null 2>&1 ||
				echo "$SW_NAME: could not remove $u" >&2
		fi
	done
}
for u in "$UA" "$UB"; do
	getent passwd "$u" >/dev/null && sw_fail "account $u exists already"
done
SW_HOOKS+=(del_users)
for u in "$UA" "$UB"; do
	useradd -m -s /bin/sh "$u" || sw_fail "useradd $u"
done
HA=$(getent passwd "$UA" | cut -d: -f6)
chmod 0711 "$HA"
as_a() {
	setpriv --reuid="$UA" --regid="$UA" --init-groups -- "$@"
}
as_a mkdir -m 0711 "$HA/.ssh" || sw_fail "mkdir ~/.ssh"
as_a sh -c "umask 077; echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwnUr+own a@host' >'$HA/.ssh/authorized_keys'" ||
	sw_fail "authorized_keys"
as_a sh -c "printf '%s\n' '-----BEGIN OPENSSH PRIVATE KEY-----' 'not a real key' >'$HA/.ssh/id_ed25519'" ||
	sw_fail "id_ed25519"
chmod 0644 "$HA/.ssh/id_ed25519"

# ------------------------------------------- private auditd, plugin
L=$SW_T/local
mkdir -p "$L/plugins.d"
chmod 0700 "$L" "$L/plugins.d"
cat >"$L/sshwatch.conf" <<EOC
audit_sink = no
syslog_alerts = no
dedup_window = 0
json_file = $L/alerts.json
EOC
chmod 0600 "$L/sshwatch.conf"
"$PLUGIN" -t -c "$L/sshwatch.conf" >/dev/null || sw_fail "bad plugin config"
sw_local_plugin "$L" "$PLUGIN" "-c $L/sshwatch.conf"
# The rule as genrules writes it, loaded by the auditctl that takes it
# (the system's 3.0.9 cannot delete it by its text: auditctl -D, which
# sw_kernel_stop runs, deletes every rule whatever its filter).
unrule() {
	"$ACTL" -d always,io_uring -S openat,openat2 -F key=sshwatch-uring \
	    >/dev/null 2>&1
}
SW_HOOKS=(unrule "${SW_HOOKS[@]}")
# shellcheck disable=SC2086 # the words of the rule
"$ACTL" $RULE || sw_fail "$ACTL refused: $RULE"
"$ACTL" -l | grep -q "io_uring.*sshwatch-uring" ||
	sw_fail "the io_uring rule is not listed: $("$ACTL" -l)"

# ------------------------------------------------------ real commands
setpriv --reuid="$UB" --regid="$UB" --init-groups -- \
    "$URING_OPEN" read "$HA/.ssh/id_ed25519" >"$SW_T/stolen" ||
	sw_fail "route 1: the read failed"
grep -q "not a real key" "$SW_T/stolen" || sw_fail "route 1: nothing read"
PLANT="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIUringPlant uring@attacker"
"$URING_OPEN" write "$HA/.ssh/authorized_keys2" "$PLANT" ||
	sw_fail "route 2: the write failed"
grep -qxF -- "$PLANT" "$HA/.ssh/authorized_keys2" ||
	sw_fail "route 2: the key line is not in authorized_keys2"
"$URING_OPEN" write "$HA/.ssh/authorized_keys" "$PLANT" ||
	sw_fail "route 3: the write failed"

# ------------------------------------------------------------- results
alerts() {
	python3 - "$L/alerts.json" "$1" "$2" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    a = json.loads(line)
    if a["rule"] == sys.argv[2] and sys.argv[3] in json.dumps(a["file"]):
        n += 1
print(n)
PY
}
read_ok() { [ "$(alerts ssh-key-read "$HA/.ssh/id_ed25519")" -ge 1 ]; }
plant_ok() { [ "$(alerts authorized-keys-write "$HA/.ssh")" -ge 1 ]; }
sw_wait_for 10 read_ok ||
	sw_fail "no ssh-key-read for route 1: $(cat "$L/alerts.json")"
sw_wait_for 10 plant_ok ||
	sw_fail "no authorized-keys-write for route 2: $(cat "$L/alerts.json")"
nuring=$(grep -c '^type=URINGOP.*key="sshwatch-uring"' "$L/audit.log")
[ "$nuring" -ge 3 ] ||
	sw_fail "$nuring URINGOP records with the rule's key, not 3 or more"
sev=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    a = json.loads(l)
    if a["rule"] == "ssh-key-read":
        print(a["severity"]); break' "$L/alerts.json")
[ "$sev" = high ] || sw_fail "route 1's ssh-key-read is $sev, not high"
# Route 3: what the kernel logged for the open of the existing file.
named=$(grep -c "^type=PATH.*name=\"$HA/.ssh/authorized_keys\"" "$L/audit.log" || true)
sw_log "LIVE: io_uring via $("$ACTL" -v): $nuring URINGOP records;" \
    "key read by another account: ssh-key-read ($sev);" \
    "authorized_keys2 created: authorized-keys-write" \
    "($(alerts authorized-keys-write "$HA/.ssh") alerts in all);" \
    "append to the existing authorized_keys: $named PATH records name it"
exit 0
