#!/bin/bash
# genrules.sh: audisp-sshwatch-genrules on a made-up passwd and sshd
# configuration (no root needed, nothing outside a temporary directory).
#
# The fixture has: root and an ordinary user whose ~/.ssh exists; a user
# whose home has no ~/.ssh yet; a home that does not exist; placeholder
# homes (/, /nonexistent, /dev/null); a home shared by system accounts
# and one shared by a system account and a user; two users sharing one
# home; a home with a space; and an sshd_config with
# `AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/keys/%u' that
# includes, by a relative glob, a file with a Match block naming
# %h/.config/ssh/keys and an absolute %u pattern.  Asserts:
#  - the exact home and AuthorizedKeysFile rules (dir= when the directory
#    exists, path= for its creation when not, reads by others), the
#    skips, the authorized_keys_paths hint, no duplicate rule;
#  - an authorized_keys file with a second hard link is watched by inode
#    too;
#  - the exec rules name real files (no link) and /bin only where /bin
#    is not /usr/bin;
#  - -n prints the same and writes nothing; -o writes mode 0640;
#  - a second run with nothing changed leaves the file alone (same
#    inode, same time); a change replaces it (rename) and leaves no
#    temporary file; a failing run leaves the old file whole;
#  - usage errors exit 2.
. "${srcdir:-.}/tests/install/lib.sh"
si_init

GEN=$top_builddir/scripts/audisp-sshwatch-genrules
[ -x "$GEN" ] || si_fail "$GEN is not built"
T=$SI_T
mkdir -p "$T/home/alice/.ssh" "$T/home/bob" "$T/root/.ssh" \
    "$T/shared/sys" "$T/shared/mixed" "$T/shared/users" "$T/sp ace" \
    "$T/h al/.ssh" \
    "$T/etc/ssh/sshd_config.d" "$T/keys" "$T/home/alice/.config/ssh" \
    "$T/out"
: >"$T/h al/.ssh/authorized_keys"
# alice's authorized_keys has a second name (linked before the rules).
: >"$T/home/alice/.ssh/authorized_keys"
ln "$T/home/alice/.ssh/authorized_keys" "$T/ak-link"
cat >"$T/passwd" <<EOF
root:x:0:0:root:$T/root:/bin/bash
daemon:x:1:1:daemon:/:/usr/sbin/nologin
bin:x:2:2:bin:$T/shared/sys:/usr/sbin/nologin
sync:x:4:65534:sync:$T/shared/sys/:/bin/sync
games:x:5:60:games:$T/shared/mixed:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
null:x:998:998::/dev/null:/usr/sbin/nologin
alice:x:1000:1000:Alice:$T/home/alice:/bin/bash
bob:x:1001:1001::$T/home/bob/:/bin/bash
carol:x:1002:1002::$T/home/carol:/bin/bash
dave:x:1003:1003::$T/shared/mixed:/bin/bash
erin:x:1004:1004::$T/shared/users:/bin/bash
frank:x:1005:1005::$T/shared/users:/bin/bash
gus:x:1006:1006::$T/sp ace:/bin/bash
hal:x:1008:1008::$T/h al:/bin/bash
+nisuser::::::
short:x:1007
EOF
cat >"$T/etc/ssh/sshd_config" <<EOF
# A test sshd_config.
Include sshd_config.d/*.conf
AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/keys/%u
PasswordAuthentication no
EOF
cat >"$T/etc/ssh/sshd_config.d/10-match.conf" <<EOF
Match User alice,bob
	AuthorizedKeysFile=%h/.config/ssh/keys "$T/keys/%u/authorized_keys"
EOF
cat >"$T/etc/ssh/sshd_config.d/20-nested.conf" <<EOF
include $T/etc/ssh/extra.conf
EOF
cat >"$T/etc/ssh/extra.conf" <<EOF
authorizedkeysfile none
EOF
args=(--passwd "$T/passwd" --sshd-config "$T/etc/ssh/sshd_config")

"$GEN" -n "${args[@]}" >"$T/out.n" 2>"$T/err.n" ||
	si_fail "genrules -n: $(cat "$T/err.n")"
[ -z "$(ls -A "$T/out")" ] || si_fail "-n wrote something"

rules() {
	grep -- "^-a" "$1" | grep -v "key=sshwatch-exec" |
	    grep -v "key=sshwatch-sock" | grep -v "key=sshwatch-copy" |
	    grep -v "key=sshwatch-uring"
}
pair() {
	echo "-a always,exit -F arch=b64 $1"
	echo "-a always,exit -F arch=b32 $1"
}
{
	pair "-F dir=$T/root/.ssh -F perm=wa -F key=sshwatch-home"
	pair "-F dir=$T/root/.ssh -F perm=r -F euid!=$(id -u) -F key=sshwatch-keyread"
	pair "-F dir=$T/root/.ssh -F perm=r -F auid!=$(id -u) -F auid!=-1 -F key=sshwatch-keyread"
	pair "-F dir=$T/root/.ssh -F perm=r -F uid!=$(id -u) -F auid!=-1 -F key=sshwatch-keyread"
	pair "-F dir=$T/home/alice/.ssh -F perm=wa -F key=sshwatch-home"
	pair "-F dir=$T/home/alice/.ssh -F perm=r -F euid!=$(id -u) -F key=sshwatch-keyread"
	pair "-F dir=$T/home/alice/.ssh -F perm=r -F auid!=$(id -u) -F auid!=-1 -F key=sshwatch-keyread"
	pair "-F dir=$T/home/alice/.ssh -F perm=r -F uid!=$(id -u) -F auid!=-1 -F key=sshwatch-keyread"
	pair "-F path=$T/home/bob/.ssh -F perm=wa -F key=sshwatch-home"
	pair "-F path=$T/shared/users/.ssh -F perm=wa -F key=sshwatch-home"
	# A directory renamed or mounted onto each ~/.ssh (by name).
	for h in root home/alice home/bob shared/users; do
		echo "-a always,exit -F arch=b64 -S rename,mount,renameat,renameat2,move_mount -F path=$T/$h/.ssh -F key=sshwatch-move"
		echo "-a always,exit -F arch=b32 -S mount,rename,renameat,renameat2,move_mount -F path=$T/$h/.ssh -F key=sshwatch-move"
	done
	# carol's home does not exist: its creation.
	pair "-F path=$T/home/carol -F perm=wa -F key=sshwatch-home"
	# AuthorizedKeysFile, sorted: /etc/ssh/keys is the host's, the rest ours.
	sed -n 's/^\(-a always,exit -F arch=b64 .*-F \(dir\|path\)=\/etc\/ssh\/keys .*\)$/\1/p' "$T/out.n"
	sed -n 's/^\(-a always,exit -F arch=b32 .*-F \(dir\|path\)=\/etc\/ssh\/keys .*\)$/\1/p' "$T/out.n"
	# %h/.config/ssh/keys: only alice has the directory; the others
	# have not even its parent (a note, no rule).
	pair "-F dir=$T/home/alice/.config/ssh -F perm=wa -F key=sshwatch-authkeys"
	# $T/keys/%u/authorized_keys: one directory per account, none made.
	for u in root alice bob erin frank gus hal; do
		pair "-F path=$T/keys/$u -F perm=wa -F key=sshwatch-authkeys"
	done
	# hal's home has a space: its .ssh and authorized_keys by inode
	# (stat's own major and minor, not the generator's arithmetic).
	for f in "$T/h al/.ssh" "$T/h al/.ssh/authorized_keys"; do
		pair "-S all -F inode=$(stat -c %i "$f") -F devmajor=$(stat -c %Hd "$f") -F devminor=$(stat -c %Ld "$f") -F perm=wa -F key=sshwatch-home"
	done
	# alice's authorized_keys has two names: by inode as well.
	f=$T/home/alice/.ssh/authorized_keys
	pair "-S all -F inode=$(stat -c %i "$f") -F devmajor=$(stat -c %Hd "$f") -F devminor=$(stat -c %Ld "$f") -F perm=wa -F key=sshwatch-home"
} >"$T/want"
rules "$T/out.n" >"$T/got"
# /etc/ssh/keys is on this machine: a rule or a note, whatever it is.
grep -q "/etc/ssh/keys" "$T/out.n" || si_fail "no line for /etc/ssh/keys"
if ! diff -u <(sort "$T/want") <(sort "$T/got") >"$T/diff"; then
	si_fail "rules differ from the expected ones: $(cat "$T/diff")"
fi
# The order: homes in passwd order, then the sorted AuthorizedKeysFile dirs.
grep -n "dir=$T/root/.ssh -F perm=wa" "$T/out.n" | head -n 1 | grep -q . ||
	si_fail "no root rule"
[ "$(grep -c -- "^-a" "$T/out.n")" -eq "$(grep -- "^-a" "$T/out.n" | sort -u | wc -l)" ] ||
	si_fail "duplicate rules"

for want in "skipped $T/shared/sys: shared with a system account" \
    "skipped $T/shared/mixed: shared with a system account" \
    "skipped (characters a rule cannot hold): $T/sp ace/.ssh" \
    "# $T/home/bob/.config/ssh: its parent does not exist; no rule" \
    "# $T/home/bob/.ssh does not exist yet: watch for its creation" \
    "# AuthorizedKeysFile .ssh/authorized_keys" \
    "# AuthorizedKeysFile /etc/ssh/keys/%u" \
    "# AuthorizedKeysFile %h/.config/ssh/keys" \
    "# AuthorizedKeysFile $T/keys/%u/authorized_keys" \
    "# sshwatch.conf: authorized_keys_paths =" " /etc/ssh/keys/*" \
    " $T/keys/*/authorized_keys"; do
	grep -qF -- "$want" "$T/out.n" || si_fail "missing: $want"
done
# carol has a rule: the creation of her missing home (above).
for bad in "/nonexistent" "/dev/null/" "dir=/.ssh" "path=/.ssh" "carol/.ssh" "none"; do
	if grep -- "^-a" "$T/out.n" | grep -qF -- "$bad"; then
		si_fail "a rule for $bad"
	fi
done
grep -qF "skipped $T/sp ace/.ssh" "$T/err.n" ||
	si_fail "no warning about the home with a space"

# Exec rules: real loader files, and /bin only where it is not /usr/bin.
grep -- "-F key=sshwatch-exec" "$T/out.n" >"$T/exec" || true
while read -r line; do
	f=$(printf '%s\n' "$line" | sed -n 's/.* -F exe=\([^ ]*\) .*/\1/p')
	if [ -n "$f" ]; then
		if ! [ -f "$f" ] || [ -L "$f" ]; then
			si_fail "exe= not a real file: $line"
		fi
		printf '%s\n' "$line" | grep -q -- "-S execve,execveat" ||
			si_fail "loader rule without -S execve: $line"
		continue
	fi
	p=$(printf '%s\n' "$line" | sed -n 's/.* -F path=\(\/bin\/[^ ]*\) -F perm=x .*/\1/p')
	[ -n "$p" ] || si_fail "unexpected exec rule: $line"
	[ "$(readlink -f "$p")" != "$(readlink -f "/usr$p")" ] ||
		si_fail "$p is /usr$p, yet has a rule"
done <"$T/exec"
for l in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do
	[ -e "$l" ] || continue
	grep -qF -- "-F exe=$(readlink -f "$l") " "$T/exec" ||
		si_fail "no rule for the loader $l"
done
# Socket rules of the loader (sockrules.h): one pair per loader file.
for l in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do
	[ -e "$l" ] || continue
	[ "$(grep -F -- "-F exe=$(readlink -f "$l") " "$T/out.n" | grep -c "key=sshwatch-sock$")" -eq 6 ] ||
		si_fail "not 6 socket rules (bind, listen, connect x 2 arches) for the loader $l"
done

# -o: the file, its mode, and what a second run does.
OUT=$T/out/26-sshwatch-homes.rules
"$GEN" -o "$OUT" "${args[@]}" >"$T/o1" 2>&1 || si_fail "genrules -o: $(cat "$T/o1")"
cmp -s "$OUT" "$T/out.n" || si_fail "-o and -n differ"
[ "$(stat -c %a "$OUT")" = 640 ] || si_fail "mode $(stat -c %a "$OUT"), not 640"
grep -q "wrote $OUT" "$T/o1" || si_fail "no \"wrote\": $(cat "$T/o1")"
before=$(stat -c '%i %Y.%y' "$OUT")
sleep 1
"$GEN" -o "$OUT" "${args[@]}" >"$T/o2" 2>&1 || si_fail "second run: $(cat "$T/o2")"
grep -q "unchanged" "$T/o2" || si_fail "second run: $(cat "$T/o2")"
[ "$(stat -c '%i %Y.%y' "$OUT")" = "$before" ] ||
	si_fail "a run with nothing changed touched the file"
# A new account: the file is replaced by a rename (a new inode).
mkdir -p "$T/home/hank/.ssh"
echo "hank:x:1008:1008::$T/home/hank:/bin/sh" >>"$T/passwd"
"$GEN" -o "$OUT" "${args[@]}" >"$T/o3" 2>&1 || si_fail "third run: $(cat "$T/o3")"
grep -q -- "-F dir=$T/home/hank/.ssh -F perm=wa" "$OUT" || si_fail "hank missing"
[ "$(stat -c %i "$OUT")" != "${before%% *}" ] ||
	si_fail "the file was rewritten in place, not renamed over"
[ "$(ls -A "$T/out")" = "26-sshwatch-homes.rules" ] ||
	si_fail "left behind: $(ls -A "$T/out")"
# A failing run leaves the file whole and no temporary file.
cp "$OUT" "$T/kept"
if "$GEN" -o "$OUT" --passwd "$T/missing" >"$T/o4" 2>&1; then
	si_fail "a missing --passwd file did not fail"
fi
cmp -s "$OUT" "$T/kept" || si_fail "a failing run changed the file"
[ "$(ls -A "$T/out")" = "26-sshwatch-homes.rules" ] ||
	si_fail "a failing run left: $(ls -A "$T/out")"
# An output directory that does not exist.
if "$GEN" -o "$T/nodir/x.rules" "${args[@]}" >"$T/o5" 2>&1; then
	si_fail "a missing output directory did not fail"
fi

# io_uring: forced on or off, or as the auditctl's version and parser say
# (fake auditctls: too old; 3.1 or later built without io_uring, which
# does not know the op msg_ring; built with it, which prints nothing but
# its failure to send from a user namespace).
URING_RULE="-a always,io_uring -S openat,openat2 -F key=sshwatch-uring"
"$GEN" -n "${args[@]}" --io-uring yes | grep -qxF -- "$URING_RULE" ||
	si_fail "--io-uring yes wrote no io_uring rule"
"$GEN" -n "${args[@]}" --io-uring no | grep -qx "# no io_uring rule: --io-uring no" ||
	si_fail "--io-uring no"
"$GEN" -n "${args[@]}" --io-uring no | grep -q "io_uring -S" &&
	si_fail "--io-uring no wrote an io_uring rule"
fake() {
	printf '#!/bin/sh\n[ "$1" != -v ] || { echo "auditctl version %s"; exit 0; }\n%s\nexit 1\n' \
	    "$1" "$2" >"$T/auditctl-$1"
	chmod 0755 "$T/auditctl-$1"
}
fake 3.0.9 'echo "Append rule - bad keyword always,io_uring" >&2'
fake 3.1.2 'case "$*" in *msg_ring*) echo "Syscall name unknown: msg_ring" >&2 ;; esac'
fake 4.2.1 'echo "The audit system is disabled" >&2'
"$GEN" -n "${args[@]}" --auditctl "$T/auditctl-3.0.9" |
    grep -qx "# no io_uring rule: auditctl 3.0.9 is older than 3.1" ||
	si_fail "auditctl 3.0.9 was not found too old"
"$GEN" -n "${args[@]}" --auditctl "$T/auditctl-3.1.2" |
    grep -qx "# no io_uring rule: auditctl 3.1.2 was built without io_uring" ||
	si_fail "an auditctl without io_uring was not found out"
if unshare --user --map-root-user true 2>/dev/null; then
	"$GEN" -n "${args[@]}" --auditctl "$T/auditctl-4.2.1" |
	    grep -qxF -- "$URING_RULE" ||
		si_fail "auditctl 4.2.1 with io_uring got no io_uring rule"
else
	"$GEN" -n "${args[@]}" --auditctl "$T/auditctl-4.2.1" |
	    grep -qx "# no io_uring rule: no user namespace to ask auditctl 4.2.1 in" ||
		si_fail "no user namespace, yet an io_uring rule"
fi
rc=0
"$GEN" --io-uring maybe >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || si_fail "--io-uring maybe exits $rc, not 2"

# Usage.
rc=0
"$GEN" --bogus >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || si_fail "a bad option exits $rc, not 2"
rc=0
"$GEN" -o >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || si_fail "-o without a file exits $rc, not 2"
"$GEN" --version | grep -q "^audisp-sshwatch-genrules $PACKAGE_VERSION$" ||
	si_fail "--version"
si_log "rules, skips, hint, idempotence, atomic replacement and errors as expected"
exit 0
