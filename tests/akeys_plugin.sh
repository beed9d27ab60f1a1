#!/bin/bash
# shellcheck disable=SC2317 # cleanup runs from the EXIT trap
# akeys_plugin.sh: plugin mode reads authorized_keys for the account whose
# home holds it (audisp-sshwatch(8), PRIVILEGES and authorized-keys-added).
#
# The real plugin, as root, in a private mount namespace whose /etc/passwd
# holds root and two test accounts with homes in a temporary directory:
#  - sshw-ak-a (uid 4301): home 0700, .ssh 0700, authorized_keys 0600
#    holding key1 (read at the start, before the capability drop);
#  - sshw-ak-b (uid 4302): home 0700 whose .ssh is a link to a directory
#    of root's (0700) holding an authorized_keys of root's.
# After the drop (CAP_DAC_READ_SEARCH alone kept), key2 is appended to
# a's file and a write record for it is sent: one authorized-keys-added
# alert naming key2 with the fingerprint `ssh-keygen -lf' prints, not
# key1.  A key is appended to root's file and a write record for b's
# path is sent: no alert, root's keys never named, and the log says
# "authorized_keys ... not read: a directory the account cannot search".
# Needs root, unshare, ssh-keygen and a plugin built with libcap-ng (exit
# 77 otherwise).  Uses no kernel audit.
set -u
export LC_ALL=C
NAME=akeys_plugin
top_builddir=${top_builddir:-.}
PLUGIN=$top_builddir/plugin/audisp-sshwatch
PID=
T=

skip() {
	echo "SKIP: $NAME: $*" >&2
	exit 77
}

fail() {
	echo "FAIL: $NAME: $*" >&2
	[ -z "$T" ] || [ ! -f "$T/err" ] || sed 's/^/plugin: /' "$T/err" >&2
	exit 1
}

cleanup() {
	local rc=$?

	trap - EXIT
	if [ -n "$PID" ]; then
		kill -KILL "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	[ -z "$T" ] || rm -rf --one-file-system "$T"
	exit "$rc"
}

[ -z "${SSHWATCH_PACKAGE_BUILD:-}" ] || skip "inside a package build"
[ "$(id -u)" -eq 0 ] || skip "needs root (the plugin must start with capabilities)"
[ -x "$PLUGIN" ] || fail "$PLUGIN is not built"
grep -qx "#define HAVE_LIBCAP_NG 1" "$top_builddir/config.h" ||
	skip "built without libcap-ng (configure --with-libcap-ng)"
for t in unshare ssh-keygen python3; do
	command -v "$t" >/dev/null || skip "missing tool: $t"
done

T=$(mktemp -d "${TMPDIR:-/tmp}/sshw-$NAME.XXXXXX") || fail "mktemp"
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
chmod 0711 "$T"
for k in 1 2 3; do
	ssh-keygen -q -t ed25519 -N '' -C "key$k" -f "$T/k$k" ||
		fail "ssh-keygen"
done
fp() { ssh-keygen -lf "$1" | cut -d' ' -f2; }
fp1=$(fp "$T/k1.pub") fp2=$(fp "$T/k2.pub") fp3=$(fp "$T/k3.pub")
A=$T/home/a
B=$T/home/b
mkdir -p "$A/.ssh" "$B" "$T/r/.ssh"
chmod 0755 "$T/home"
cp "$T/k1.pub" "$A/.ssh/authorized_keys"
cp "$T/k3.pub" "$T/r/.ssh/authorized_keys"
ln -s "$T/r/.ssh" "$B/.ssh"
chmod 0600 "$A/.ssh/authorized_keys" "$T/r/.ssh/authorized_keys"
chmod 0700 "$A" "$A/.ssh" "$B" "$T/r" "$T/r/.ssh"
chown -R 4301:4301 "$A"
chown -hR 4302:4302 "$B"
{
	echo 'root:x:0:0:root:/root:/bin/sh'
	echo "sshw-ak-a:x:4301:4301::$A:/bin/sh"
	echo "sshw-ak-b:x:4302:4302::$B:/bin/sh"
} >"$T/passwd"
chmod 0644 "$T/passwd"
cat >"$T/plugin.conf" <<EOC
audit_sink = no
syslog_alerts = no
openssh_version = 9.2
dedup_window = 0
json_file = $T/alerts.json
sshd_config = $T/missing/sshd_config
EOC
chmod 0600 "$T/plugin.conf"
"$PLUGIN" -t -c "$T/plugin.conf" >/dev/null || fail "bad config"

# wait_log TEXT: waits up to 10 s for a log line holding TEXT.
wait_log() {
	local i

	for ((i = 0; i < 100; i++)); do
		grep -qF -- "$1" "$T/err" 2>/dev/null && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	grep -qF -- "$1" "$T/err" 2>/dev/null
}

# write_event SERIAL UID PATH: an openat(O_WRONLY|O_CREAT|O_APPEND) of PATH.
write_event() {
	local s=$1 u=$2 p=$3

	printf '%s\n' \
	    "type=SYSCALL msg=audit(20.00$s:$s): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=55 a2=441 a3=1b6 items=2 ppid=1 pid=30$s auid=$u uid=$u gid=$u euid=$u suid=$u fsuid=$u egid=$u sgid=$u fsgid=$u tty=pts0 ses=9 comm=\"bash\" exe=\"/usr/bin/bash\" key=(null)" \
	    "type=CWD msg=audit(20.00$s:$s): cwd=\"/\"" \
	    "type=PATH msg=audit(20.00$s:$s): item=0 name=\"${p%/*}/\" inode=10 dev=fe:00 mode=040700 ouid=$u ogid=$u rdev=00:00 nametype=PARENT cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0" \
	    "type=PATH msg=audit(20.00$s:$s): item=1 name=\"$p\" inode=11 dev=fe:00 mode=0100600 ouid=$u ogid=$u rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0" \
	    "type=EOE msg=audit(20.00$s:$s): " >&"$IN"
}

mkfifo "$T/in"
# shellcheck disable=SC2016 # expanded by the inner sh
unshare -m --propagation private sh -c \
    'mount --bind "$1" /etc/passwd && exec "$2" -s -c "$3" <"$4"' sh \
    "$T/passwd" "$PLUGIN" "$T/plugin.conf" "$T/in" 2>"$T/err" &
PID=$!
exec {IN}>"$T/in"
wait_log "started, following OpenSSH" || fail "the plugin did not start"
wait_log "capabilities kept: dac_read_search" ||
	fail "no \"capabilities kept: dac_read_search\" line"
grep -qF "$B/.ssh/authorized_keys not read: a directory the account cannot search" "$T/err" ||
	fail "b's authorized_keys through root's directory was not refused at the start"

# a: key2 appended after the drop.
cat "$T/k2.pub" >>"$A/.ssh/authorized_keys"
write_event 1 4301 "$A/.ssh/authorized_keys"
# b: root's file through the link changes; b's path is named.
cat "$T/k1.pub" >>"$T/r/.ssh/authorized_keys"
write_event 2 4302 "$B/.ssh/authorized_keys"
exec {IN}>&-
for ((i = 0; i < 100; i++)); do
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
wait "$PID"
rc=$?
PID=
[ "$rc" -eq 0 ] || fail "the plugin exited with $rc"
[ "$(grep -cF "$B/.ssh/authorized_keys not read: a directory the account cannot search" "$T/err")" -ge 2 ] ||
	fail "the write to b's authorized_keys was not refused with its reason"

python3 - "$T/alerts.json" "$A/.ssh/authorized_keys" "$fp1" "$fp2" "$fp3" <<'EOP' ||
import json, sys
path, fp1, fp2, fp3 = sys.argv[2:6]
text = open(sys.argv[1]).read()
alerts = [json.loads(l) for l in text.splitlines() if l.strip()]
added = [a for a in alerts if a.get("rule") == "authorized-keys-added"]
bad = []
if len(added) != 1 or (added[0].get("file") or {}).get("path") != path:
    bad.append("authorized-keys-added: %r" % added)
else:
    keys = added[0].get("keys") or []
    if [(k.get("fingerprint"), k.get("type"), k.get("comment"))
            for k in keys] != [(fp2, "ssh-ed25519", "key2")]:
        bad.append("keys added: %r, not %s" % (keys, fp2))
for fp in (fp1, fp3):
    if fp in text:
        bad.append("%s (not added, or root's) is in an alert" % fp)
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
EOP
	fail "alerts: $(cat "$T/alerts.json" 2>/dev/null)"
echo "$NAME: key2 ($fp2) reported after the drop; b's link into root's directory refused"
