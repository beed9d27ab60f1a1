#!/bin/bash
# sockrules.sh [-n N]: the audit records the shipped socket and copy rules
# (rules.d/25-sshwatch.rules.in sections 4 and 5, and the loader rules of
# audisp-sshwatch-genrules) add, measured on the running kernel.
#
#   busy       N execs of other programs, each of which connects (bash's
#              /dev/tcp to a local listener): the rules must add nothing
#   ssh-heavy  N/20 ssh logins (key auth, `true') to a private sshd on
#              127.0.0.1:2301: what they add per login and per second
#   servers    N/100 starts of a program that listens on one socket (a
#              daemon's start-up): one sshwatch-listen record each
# Prints, for each load, its duration, the records of key sshwatch-sock,
# sshwatch-copy and sshwatch-listen (every successful listen(2) of any
# program) and their rate, and the listens the rest of the host made
# during the run (its normal activity), by program.  Needs root and a free kernel audit
# (`auditctl -s' pid 0); holds /tmp/sshwatch-kernel-audit.lock, runs a
# private auditd (RAW log) and restores the audit state it found.  Not
# root, audit busy or a tool missing: it says so and exits 0 (a benchmark,
# not a test).
set -eu
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
TOP=${top_builddir:-$SRC}
N=2000
while getopts n: o; do
	case $o in
	n) N=$OPTARG ;;
	*) echo "usage: sockrules.sh [-n N]" >&2; exit 2 ;;
	esac
done
U=sshw-sk-b PORT=2301 LPORT=2302
say() { echo "sockrules.sh: $*" >&2; }
skip() { say "skipped: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root (it loads audit rules)"
for t in auditd auditctl ssh ssh-keygen useradd userdel python3 flock; do
	command -v "$t" >/dev/null || skip "missing $t"
done
[ -x "$TOP/scripts/audisp-sshwatch-genrules" ] || skip "build first"
exec 8>>/tmp/sshwatch-kernel-audit.lock
flock -w 900 8 || skip "kernel audit lock held for 900 s"
ks() { auditctl -s | awk -v k="$1" '$1 == k { print $2; exit }'; }
[ "$(ks pid)" = 0 ] || skip "kernel audit in use by pid $(ks pid)"
[ "$(ks enabled)" != 2 ] || skip "kernel audit locked"
! getent passwd "$U" >/dev/null || skip "user $U exists"

W=$(mktemp -d /var/tmp/sshw-bench.XXXXXX)
chmod 0711 "$W"
E=$(ks enabled) F=$(ks failure) R=$(ks rate_limit) B=$(ks backlog_limit)
auditctl -l >"$W/orig.rules"
ADP= SSHDP= LP= TOUCHED= MADE=
cleanup() {
	set +e
	if [ -n "$TOUCHED" ]; then
		auditctl -D >/dev/null
		grep -qx 'No rules' "$W/orig.rules" || auditctl -R "$W/orig.rules" >/dev/null
		auditctl -f "$F" >/dev/null; auditctl -r "$R" >/dev/null
		auditctl -b "$B" >/dev/null
	fi
	for p in $ADP $SSHDP $LP; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	[ -z "$TOUCHED" ] || auditctl -e "$E" >/dev/null
	if [ -n "$MADE" ]; then
		pkill -u "$U" 2>/dev/null   # only our test user's processes
		userdel -r "$U" 2>/dev/null
	fi
	[ -z "${SSHW_KEEP:-}" ] || cp "$W/a/audit.log" "$SSHW_KEEP"
	rm -rf "$W"
}
trap cleanup EXIT

MADE=1
useradd -m -s /bin/bash "$U"
runuser -u "$U" -- mkdir -m 0700 "/home/$U/.ssh"
runuser -u "$U" -- ssh-keygen -q -t ed25519 -N '' -f "/home/$U/.ssh/id_ed25519"
runuser -u "$U" -- cp "/home/$U/.ssh/id_ed25519.pub" "/home/$U/.ssh/authorized_keys"
ssh-keygen -q -t ed25519 -N '' -f "$W/hostkey"
printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1,2 "$W/hostkey.pub")" >"/home/$U/.ssh/known_hosts"
chown "$U:" "/home/$U/.ssh/known_hosts"
printf 'Port %s\nListenAddress 127.0.0.1\nHostKey %s/hostkey\nPidFile none\nUsePAM yes\nPasswordAuthentication no\nAllowUsers %s\nMaxStartups 100\n' \
	"$PORT" "$W" "$U" >"$W/sshd_config"
[ -d /run/sshd ] || mkdir -m 0755 /run/sshd
/usr/sbin/sshd -D -f "$W/sshd_config" -E "$W/sshd.log" &
SSHDP=$!
python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $LPORT)); s.listen(512)
while True:
    c, _ = s.accept(); c.close()" &
LP=$!
sleep 1

{
	sed -e 's|@sbindir@|/usr/sbin|g' "$SRC/rules.d/25-sshwatch.rules.in" |
		grep -E '^-a|^-w' | grep -v -- '-w /root/.ssh\|-w /etc/ssh'
	"$TOP/scripts/audisp-sshwatch-genrules" -n 2>/dev/null |
		grep -E 'key=sshwatch-(exec|sock|copy)$'
} >"$W/rules"
mkdir -m 0700 "$W/a" "$W/a/plugins.d"
cat >"$W/a/auditd.conf" <<EOF
log_file = $W/a/audit.log
log_format = RAW
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 2048
max_log_file_action = IGNORE
space_left = 75
admin_space_left = 50
disk_full_action = SUSPEND
disk_error_action = SUSPEND
plugin_dir = $W/a/plugins.d
q_depth = 20000
EOF
chmod 0640 "$W/a/auditd.conf"
TOUCHED=1
auditd -n -c "$W/a" >/dev/null 2>&1 &
ADP=$!
for _ in $(seq 50); do [ "$(ks pid)" = "$ADP" ] && break; sleep 0.1; done
[ "$(ks pid)" = "$ADP" ] || { say "auditd did not start"; exit 1; }
auditctl -b 8192 >/dev/null
auditctl -R "$W/rules" >/dev/null

count() { grep -E "^type=SYSCALL .*key=\"sshwatch-$1\"" "$W/a/audit.log" | grep -c . || true; }
sock0=$(count sock) copy0=$(count copy) listen0=$(count listen)
t0=$(date +%s.%N)
for ((i = 0; i < N; i++)); do
	/bin/bash -c "exec 3<>/dev/tcp/127.0.0.1/$LPORT" 2>/dev/null || true
done
t1=$(date +%s.%N)
sleep 2
sock1=$(count sock) copy1=$(count copy) listen1=$(count listen)
# of those, by the storm's own programs (other processes of the host may
# run ssh meanwhile)
storm=$(grep -E '^type=SYSCALL .*exe="/usr/bin/bash" key="sshwatch-(sock|copy|listen)"' "$W/a/audit.log" | grep -c . || true)
M=$((N / 20))
for ((i = 0; i < M; i++)); do
	runuser -u "$U" -- ssh -o BatchMode=yes -p "$PORT" "$U@127.0.0.1" true || true
done
t2=$(date +%s.%N)
sleep 2
sock2=$(count sock) copy2=$(count copy) listen2=$(count listen)
K=$((N / 100))
for ((i = 0; i < K; i++)); do
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)'
done
sleep 2
listen3=$(count listen)
lost=$(ks lost)
# The listens of the whole run, by program (the host's other activity).
byexe=$(grep -E '^type=SYSCALL .*key="sshwatch-listen"' "$W/a/audit.log" |
	grep -v 'exe="/usr/bin/python3' |
	sed -n 's/.* exe=\("[^"]*"\|[0-9A-F]*\) .*/\1/p' | sort | uniq -c |
	awk '{ printf "%s%s x%s", s, $2, $1; s = ", " }')
echo "sshwatch-listen of the rest of the host over the busy and ssh-heavy loads: $listen2 (${byexe:-none})"
echo "busy load: $((listen1 - listen0)) sshwatch-listen records; ssh-heavy load: $((listen2 - listen1)); $K server starts: $((listen3 - listen2))"

python3 - "$N" "$M" "$t0" "$t1" "$t2" "$sock0" "$sock1" "$sock2" "$copy0" "$copy1" "$copy2" "$lost" "$storm" <<'EOF'
import sys
n, m = int(sys.argv[1]), int(sys.argv[2])
t0, t1, t2 = map(float, sys.argv[3:6])
s0, s1, s2, c0, c1, c2 = map(int, sys.argv[6:12])
busy, heavy = t1 - t0, t2 - t1
print('busy host: %d exec+connect of bash in %.1f s (%.0f/s): '
      '%d sshwatch-sock and %d sshwatch-copy events added (%.2f/s), '
      '%s of them by the storm\'s bash'
      % (n, busy, n / busy, s1 - s0, c1 - c0, (s1 - s0 + c1 - c0) / busy,
         sys.argv[13]))
print('ssh-heavy: %d ssh logins in %.1f s (%.1f/s): %d sshwatch-sock events '
      '(%.1f per login, %.1f/s), %d sshwatch-copy'
      % (m, heavy, m / heavy, s2 - s1, (s2 - s1) / max(m, 1),
         (s2 - s1) / heavy, c2 - c1))
print('kernel lost counter: %s' % sys.argv[12])
EOF
