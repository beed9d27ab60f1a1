#!/bin/bash
# persist_rules.sh [SECONDS]: the audit records per second that section 4
# of rules.d/25-sshwatch.rules (sshd persistence: PAM, OpenSSH programs
# and the library directories) and the /etc/ssh watch add on a busy host.
#
# Loads those rules alone in a private auditd (as root, the kernel audit
# free; holds /tmp/sshwatch-kernel-audit.lock) and runs a busy load for
# SECONDS (default 10) in a private mount namespace: a loop writing and
# deleting files under /var/tmp, execs of common programs, sshd -t, reads
# of the PAM stack and sshd_config (what every login does), ldd of sshd
# (reading every library it loads).  Then one simulated upgrade of
# openssh-server (its files rewritten as dpkg does, FILE.dpkg-new renamed
# over FILE) on copies bound over /usr/lib/openssh and /usr/sbin, so the
# host's files are never touched.  Prints the records the rules produced
# during the load (and per second) and for the upgrade.
set -eu
SECS=${1:-10}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
RULES=${RULES:-$TOP/rules.d/25-sshwatch.rules}
GENRULES=${GENRULES:-$TOP/scripts/audisp-sshwatch-genrules}
[ "$(id -u)" -eq 0 ] || { echo "persist_rules.sh: needs root" >&2; exit 77; }
[ -r "$RULES" ] && [ -r "$GENRULES" ] ||
	{ echo "persist_rules.sh: $RULES or $GENRULES missing (make first)" >&2; exit 1; }
if [ "${PR_NS:-}" != 1 ]; then
	exec 8>>/tmp/sshwatch-kernel-audit.lock
	flock -w 900 8 || { echo "persist_rules.sh: kernel audit busy" >&2; exit 77; }
	PR_NS=1 exec unshare --mount --propagation private -- bash "$0" "$@"
fi
# From here on, in the private mount namespace only.
[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = 0 ] ||
	{ echo "persist_rules.sh: kernel audit in use" >&2; exit 77; }
W=$(mktemp -d /var/tmp/sshw-prbench.XXXXXX)
chmod 0711 "$W"
auditctl -l >"$W/orig.rules"
ORIG_EN=$(auditctl -s | awk '$1 == "enabled" { print $2 }')
APID=
TOUCHED=
cleanup() {
	set +e
	if [ -n "$TOUCHED" ]; then
		auditctl -D >/dev/null
		grep -qx 'No rules' "$W/orig.rules" ||
			auditctl -R "$W/orig.rules" >/dev/null
	fi
	if [ -n "$APID" ]; then
		kill -TERM "$APID"
		wait "$APID"
	fi
	[ -z "$TOUCHED" ] || auditctl -e "$ORIG_EN" >/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
mount -t tmpfs -o size=4m,mode=0755 sshw-run /run
mkdir -m 0755 /run/sshd
for d in /usr/lib/openssh /usr/sbin; do
	c=$W/copy$(echo "$d" | tr / _)
	cp -a "$d" "$c"
	mount --bind "$c" "$d"
done
mkdir -m 0700 "$W/ad" "$W/ad/plugins.d"
printf '%s\n' "local_events = yes" "write_logs = yes" \
    "log_file = $W/ad/audit.log" "log_format = RAW" \
    "flush = INCREMENTAL_ASYNC" "freq = 50" "max_log_file = 1024" \
    "num_logs = 2" "max_log_file_action = ROTATE" "space_left = 75" \
    "space_left_action = SYSLOG" "admin_space_left = 50" \
    "admin_space_left_action = SUSPEND" "disk_full_action = SUSPEND" \
    "disk_error_action = SUSPEND" "q_depth = 20000" \
    "plugin_dir = $W/ad/plugins.d" >"$W/ad/auditd.conf"
chmod 0600 "$W/ad/auditd.conf"
TOUCHED=1
auditd -n -c "$W/ad" 2>"$W/ad/err" &
APID=$!
for _ in $(seq 100); do
	[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$APID" ] && break
	sleep 0.1
done
[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$APID" ] ||
	{ echo "persist_rules.sh: auditd did not register" >&2; exit 1; }
# The watches of section 4 and /etc/ssh, and the generated ones of this
# machine (PAM modules, OpenSSH helpers, libraries), nothing else.
auditctl -D >/dev/null
grep -- '^-w /etc/ssh ' "$RULES" >"$W/rules"
sed -n '/^## 4\./,$p' "$RULES" | grep -- '^-w ' >>"$W/rules"
sh "$GENRULES" -n 2>/dev/null | grep -- '^-w ' >>"$W/rules"
n=0
while read -r r; do
	# shellcheck disable=SC2086 # the words of the rule
	if auditctl $r >/dev/null; then
		n=$((n + 1))
	else
		echo "persist_rules.sh: FAILED to load: $r" >&2
	fi
done <"$W/rules"
total=$(wc -l <"$W/rules")
sleep 1
count() { grep -c 'key="sshwatch-' "$W/ad/audit.log" 2>/dev/null || true; }
before=$(count)
end=$((SECONDS + SECS))
ops=0
while [ $SECONDS -lt "$end" ]; do
	for i in $(seq 50); do echo "$i" >"$W/f$i"; done
	rm -f "$W"/f*
	cat /etc/ssh/sshd_config /etc/pam.d/sshd /etc/pam.d/common-* \
	    >/dev/null 2>&1 || true
	/usr/sbin/sshd -t -f /etc/ssh/sshd_config 2>/dev/null || true
	ldd /usr/sbin/sshd >/dev/null
	ls /usr/lib/x86_64-linux-gnu >/dev/null 2>&1 || true
	date >/dev/null
	id >/dev/null
	ops=$((ops + 1))
done
sleep 1
load=$(($(count) - before))
before=$(count)
# An openssh-server upgrade as dpkg does it, on the bound copies.
files=0
for f in /usr/sbin/sshd /usr/lib/openssh/*; do
	[ -f "$f" ] || continue
	cp -p "$f" "$f.dpkg-new"
	mv "$f.dpkg-new" "$f"
	files=$((files + 1))
done
sleep 1
upgrade=$(($(count) - before))
echo "persist_rules: $n of $total watches loaded; busy load for $SECS s ($ops rounds of" \
    "writes, execs and reads of the watched files): $load records" \
    "($(awk -v a="$load" -v s="$SECS" 'BEGIN { printf "%.2f", a / s }')" \
    "records/s); an openssh-server upgrade of $files files: $upgrade records"
