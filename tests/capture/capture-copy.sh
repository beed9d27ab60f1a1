#!/bin/bash
# tests/capture/capture-copy.sh -- capture REAL audit logs of copies of the
# ssh client listening (a SOCKS forward run by a cp copy, by `ld.so ./copy'
# and by a memfd copy), for tests/fixtures/sock-copy: the shipped rules of
# rules.d (sections 2, 4 and 5, the listen rule of every program among
# them) plus the exec, socket and copy rules the built
# audisp-sshwatch-genrules writes for this machine (the loaders).  The
# same scheme as capture-sock.sh, whose fixture it completes.
#
# Usage (as root):   tests/capture/capture-copy.sh [OUTDIR]
# OUTDIR defaults to tests/fixtures/sock-copy. It writes OUTDIR/audit.log
# (the private auditd's RAW log, filtered to our events), ausearch-raw.txt,
# ausearch.txt, scenarios.tsv and loaded.rules; README.md there is written
# by hand and not touched.
#
# Run it only on a test VM whose kernel audit is free (`auditctl -s` shows
# "pid 0"). It holds /tmp/sshwatch-kernel-audit.lock for the whole run,
# exits 77 when not root, when the kernel audit is in use or locked or a
# tool is missing, and 1 when leftovers are in the way (user swcp1,
# /tmp/swcp-copy, port 2251 busy).
#
# One run, log_format = RAW: creates user swcp1 (an ed25519 key authorized
# for itself), starts its own sshd (/usr/sbin/sshd -D -f <own config>) on
# 127.0.0.1:2251, a private auditd (auditd -n -c DIR), loads the rules and
# runs each scenario in its own cwd and audit session through `timeout'
# (forwards on 15100-15104, held three seconds); then deletes the rules,
# stops auditd by pid, keeps our events only (filter_events.py) and writes
# the ausearch outputs.  On exit it restores the kernel audit state it
# found, kills only the processes it started (by pid, or running as swcp1)
# and removes the user and files it made.
set -eu

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8 TZ=UTC
unset SSH_AUTH_SOCK SSH_AGENT_PID SSH_ASKPASS DISPLAY
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OUT=${1:-$HERE/../fixtures/sock-copy}
FILTER=$HERE/filter_events.py
LOCK=/tmp/sshwatch-kernel-audit.lock
SCN=/tmp/swcp-copy
A=swcp1
TEST_USERS=("$A")
PORT=2251
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2 2>/dev/null || true)
S="-o BatchMode=yes -o ConnectTimeout=5 -p $PORT"

# ---------------------------------------------------------------- scenarios
# TAB-separated: id, user, expected in a replay (sorted "rule:severity"
# pairs, "-" for none), timeout (seconds), command (bash -c).  @S@ is the
# common client options, @LDSO@ the loader.  A replay recognises only the
# memfd copy (a read of the client, then a listen of the same pid under
# another exe); the cp and ld.so copies are ssh-client-copied there.
SCENARIOS=$(
	cat <<'EOF'
real-D	swcp1	ssh-dynamic-forward:high,ssh-forward-listen:low	3	ssh @S@ -N -D 15100 swcp1@127.0.0.1
copy-D	swcp1	ssh-client-copied:medium	3	cp /usr/bin/ssh ./x && ./x @S@ -N -D 15101 swcp1@127.0.0.1
ldso-copy-D	swcp1	ssh-client-copied:medium	3	cp /usr/bin/ssh ./c && @LDSO@ ./c @S@ -N -D 15102 swcp1@127.0.0.1
memfd-D	swcp1	ssh-client-copied:medium,ssh-forward-listen:medium	3	python3 -c 'import os, sys; f = os.memfd_create("x"); os.write(f, open("/usr/bin/ssh", "rb").read()); os.execv("/proc/self/fd/%d" % f, ["x"] + sys.argv[1:])' @S@ -N -D 15103 swcp1@127.0.0.1
server	swcp1	-	3	python3 -c 'import socket, time; s = socket.socket(); s.bind(("127.0.0.1", 15104)); s.listen(1); time.sleep(1)'
EOF
)

WORK= AUDITD_PID= SSHD_PID= AUDIT_TOUCHED= USERS_MADE= SCN_MADE=
RUNSSHD_MADE=

skip() { echo "capture-copy.sh: SKIP: $*" >&2; exit 77; }
die() { echo "capture-copy.sh: ERROR: $*" >&2; exit 1; }
say() { printf '[capture-copy %(%T)T] %s\n' -1 "$*" >&2; }
nap() { read -r -t "$1" -u 9 _ || true; }

[ "$(id -u)" -eq 0 ] || skip "must run as root"
for t in auditd auditctl ausearch ssh ssh-keygen runuser useradd userdel \
	timeout python3 flock; do
	command -v "$t" >/dev/null 2>&1 || skip "missing tool: $t"
done
[ -x /usr/sbin/sshd ] || skip "missing /usr/sbin/sshd"
[ -n "$LDSO" ] || skip "no /lib64/ld-linux-x86-64.so.2"
[ -x "$TOP/scripts/audisp-sshwatch-genrules" ] || skip "build first (scripts/audisp-sshwatch-genrules)"

exec 8>>"$LOCK"
flock -w 900 8 || skip "the kernel audit lock was held for 900 s"
audit_pid() { auditctl -s 2>/dev/null | awk '$1 == "pid" { print $2; exit }'; }
STATUS=$(auditctl -s 2>/dev/null) || skip "auditctl -s failed"
st() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$STATUS"; }
[ "$(st pid)" = 0 ] || skip "kernel audit in use by pid $(st pid)"
[ "$(st enabled)" != 2 ] || skip "audit configuration is locked"
for u in "${TEST_USERS[@]}"; do
	! getent passwd "$u" >/dev/null || die "user $u exists (leftover?)"
done
[ ! -e "$SCN" ] || die "$SCN exists (leftover?)"
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then die "port $PORT busy"; fi

WORK=$(mktemp -d /var/tmp/swcp-copy.XXXXXX)
chmod 0711 "$WORK"
ORIG_ENABLED=$(st enabled) ORIG_FAILURE=$(st failure) ORIG_RATE=$(st rate_limit)
ORIG_BACKLOG=$(st backlog_limit) ORIG_BWT=$(st backlog_wait_time)
auditctl -l >"$WORK/orig.rules"
mkfifo "$WORK/nap"
exec 9<>"$WORK/nap"

stop_pid() {
	local pid=$1 n=0
	kill -TERM "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 100 ]; do nap 0.1; n=$((n + 1)); done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

kill_user_procs() {
	local u pids sig
	for sig in TERM KILL; do
		for u in "${TEST_USERS[@]}"; do
			getent passwd "$u" >/dev/null || continue
			pids=$(ps -o pid= -u "$u" || true)
			# shellcheck disable=SC2086
			[ -z "$pids" ] || kill "-$sig" $pids 2>/dev/null || true
		done
		[ "$sig" = KILL ] || nap 0.5
	done
}

cleanup() {
	local rc=$? u
	set +e
	trap - EXIT INT TERM HUP
	if [ -n "$AUDITD_PID" ]; then auditctl -D >/dev/null 2>&1; stop_pid "$AUDITD_PID"; fi
	[ -z "$SSHD_PID" ] || stop_pid "$SSHD_PID"
	kill_user_procs
	if [ -n "$USERS_MADE" ]; then
		for u in "${TEST_USERS[@]}"; do
			userdel -r "$u" 2>/dev/null || userdel "$u" 2>/dev/null
			rm -rf "/home/${u:?}" "/var/mail/${u:?}"
		done
	fi
	[ -z "$SCN_MADE" ] || rm -rf "$SCN"
	[ -z "$RUNSSHD_MADE" ] || rmdir /run/sshd 2>/dev/null
	if [ -n "$AUDIT_TOUCHED" ]; then
		auditctl -D >/dev/null
		grep -qx 'No rules' "$WORK/orig.rules" || auditctl -R "$WORK/orig.rules" >/dev/null
		auditctl -f "$ORIG_FAILURE" >/dev/null
		auditctl -r "$ORIG_RATE" >/dev/null
		auditctl -b "$ORIG_BACKLOG" >/dev/null
		[ -z "$ORIG_BWT" ] || auditctl --backlog_wait_time "$ORIG_BWT" >/dev/null
		auditctl -e "$ORIG_ENABLED" >/dev/null
		say "audit state restored"
	fi
	exec 9>&-
	[ -z "${SSHW_KEEP:-}" ] || cp -r "$WORK" "$SSHW_KEEP"
	rm -rf "$WORK"
	[ "$rc" -eq 0 ] || echo "capture-copy.sh: failed (exit $rc); state restored" >&2
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------------------ environment
USERS_MADE=1
for u in "${TEST_USERS[@]}"; do
	useradd -m -s /bin/bash -c "sshwatch copy capture $u" "$u"
	chmod 0755 "/home/$u"
	runuser -u "$u" -- mkdir -m 0700 "/home/$u/.ssh"
	runuser -u "$u" -- ssh-keygen -q -t ed25519 -N '' -f "/home/$u/.ssh/id_ed25519"
	runuser -u "$u" -- cp "/home/$u/.ssh/id_ed25519.pub" "/home/$u/.ssh/authorized_keys"
done
mkdir -p "$WORK/sshd"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/sshd/hostkey"
HOSTKEY=$(cut -d' ' -f1,2 "$WORK/sshd/hostkey.pub")
for u in "${TEST_USERS[@]}"; do
	printf '[127.0.0.1]:%s %s\n' "$PORT" "$HOSTKEY" >"/home/$u/.ssh/known_hosts"
	chown "$u:" "/home/$u/.ssh/known_hosts"
done

[ -d /run/sshd ] || { mkdir -m 0755 /run/sshd; RUNSSHD_MADE=1; }
cat >"$WORK/sshd/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $WORK/sshd/hostkey
PidFile none
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers ${TEST_USERS[*]}
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
LogLevel VERBOSE
EOF
/usr/sbin/sshd -t -f "$WORK/sshd/sshd_config"

SCN_MADE=1
mkdir -m 0755 "$SCN"
ID=() US=() EXP=() TO=() CMD=()
while IFS=$'\t' read -r id user exp to cmd; do
	ID+=("$id") US+=("$user") EXP+=("$exp") TO+=("$to") CMD+=("$cmd")
	mkdir -m 0777 "$SCN/$id"
done <<<"$SCENARIOS"

/usr/sbin/sshd -D -f "$WORK/sshd/sshd_config" -E "$WORK/sshd.log" &
SSHD_PID=$!
n=0
until (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do
	kill -0 "$SSHD_PID" 2>/dev/null || die "sshd died: $(cat "$WORK/sshd.log")"
	[ "$n" -lt 100 ] || die "sshd does not listen"
	nap 0.1; n=$((n + 1))
done

# ----------------------------------------------------------------- rules
{
	sed -e "s|@sbindir@|/usr/sbin|g" "$TOP/rules.d/25-sshwatch.rules.in" |
		grep -v -- '-w /root/.ssh\|-w /etc/ssh'
	# the machine-dependent exec, socket and copy rules, as the built
	# audisp-sshwatch-genrules writes them (the per-home rules left out)
	"$TOP/scripts/audisp-sshwatch-genrules" -n 2>/dev/null |
		grep -E 'key=sshwatch-(exec|sock|copy)$'
} >"$WORK/capture.rules"

ADIR=$WORK/auditd
mkdir -m 0700 "$ADIR" "$ADIR/log" "$ADIR/plugins.d"
cat >"$ADIR/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $ADIR/log/audit.log
log_group = root
log_format = RAW
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 1024
num_logs = 5
max_log_file_action = ROTATE
space_left = 75
space_left_action = SYSLOG
admin_space_left = 50
admin_space_left_action = SUSPEND
disk_full_action = SUSPEND
disk_error_action = SUSPEND
tcp_listen_queue = 5
transport = TCP
distribute_network = no
q_depth = 20000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = $ADIR/plugins.d
end_of_event_timeout = 2
EOF
chmod 0640 "$ADIR/auditd.conf"
[ "$(audit_pid)" = 0 ] || skip "kernel audit taken meanwhile"
AUDIT_TOUCHED=1
auditd -n -c "$ADIR" >/dev/null 2>"$ADIR/auditd.err" &
AUDITD_PID=$!
n=0
until [ "$(audit_pid)" = "$AUDITD_PID" ]; do
	kill -0 "$AUDITD_PID" 2>/dev/null || { AUDITD_PID=; die "auditd died: $(cat "$ADIR/auditd.err")"; }
	[ "$n" -lt 100 ] || die "auditd did not register"
	nap 0.1; n=$((n + 1))
done
auditctl -b 8192 >/dev/null
auditctl -R "$WORK/capture.rules" >"$WORK/auditctl.out" 2>&1 ||
	die "rules did not load: $(cat "$WORK/auditctl.out")"
auditctl -l >"$WORK/loaded.rules"
say "$(grep -c . "$WORK/loaded.rules") rules loaded; running ${#ID[@]} scenarios"

# --------------------------------------------------------------- scenarios
declare -A UIDS=([root]=0 [$A]=$(id -u "$A"))
OUR_PIDS="$$,$SSHD_PID,$AUDITD_PID"
: >"$WORK/times"
for i in "${!ID[@]}"; do
	cmd=${CMD[$i]//@S@/$S}
	cmd=${cmd//@LDSO@/$LDSO}
	t0=$(date +%s.%N)
	if [ "${US[$i]}" = root ]; then
		(printf 0 >/proc/self/loginuid && cd "$SCN/${ID[$i]}" &&
			exec timeout -k 2 "${TO[$i]}" /usr/bin/bash -c "$cmd" 9>&- 8>&-) \
			</dev/null >>"$WORK/scenarios.log" 2>&1 &
	else
		(printf '%s' "${UIDS[${US[$i]}]}" >/proc/self/loginuid && cd "$SCN/${ID[$i]}" &&
			exec timeout -k 2 "${TO[$i]}" runuser -u "${US[$i]}" -- /usr/bin/bash -c "$cmd" 9>&- 8>&-) \
			</dev/null >>"$WORK/scenarios.log" 2>&1 &
	fi
	pid=$!
	OUR_PIDS+=",$pid"
	rc=0
	wait "$pid" || rc=$?
	nap 1
	t1=$(date +%s.%N)
	printf '%s\t%s\t%s\t%s\n' "${ID[$i]}" "$t0" "$t1" "$rc" >>"$WORK/times"
	say "${ID[$i]}: exit $rc"
done
nap 1
auditctl -D >/dev/null
nap 1
stop_pid "$AUDITD_PID"
AUDITD_PID=
say "auditd stopped; lost $(auditctl -s | awk '$1 == "lost" { print $2 }')"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
python3 "$FILTER" --pids "$OUR_PIDS" --uids "${UIDS[$A]}" \
	"$ADIR/log/audit.log:$OUT/audit.log"
ausearch --raw -if "$OUT/audit.log" >"$OUT/ausearch-raw.txt" 2>/dev/null || true
ausearch -if "$OUT/audit.log" >"$OUT/ausearch.txt" 2>/dev/null || true
{
	printf '#id\tuser\tstart\tend\texit\texpected\tcommand\n'
	for i in "${!ID[@]}"; do
		IFS=$'\t' read -r _ t0 t1 rc < <(grep -P "^${ID[$i]}\t" "$WORK/times")
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${ID[$i]}" "${US[$i]}" \
			"$t0" "$t1" "$rc" "${EXP[$i]}" "${CMD[$i]}"
	done
} >"$OUT/scenarios.tsv"
cp "$WORK/loaded.rules" "$OUT/loaded.rules"
chmod 0644 "$OUT"/*
say "wrote $OUT: $(wc -l <"$OUT/audit.log") records"
cat "$WORK/scenarios.log" >&2
