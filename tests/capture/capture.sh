#!/bin/bash
# tests/capture/capture.sh -- capture REAL audit logs from the running kernel
# for the audisp-sshwatch test fixtures (tests/fixtures/real/).
#
# Usage (as root):
#     tests/capture/capture.sh [OUTDIR]
# OUTDIR defaults to tests/fixtures/real (relative to this script). Existing
# fixture files there are overwritten; README.md there is not touched.
#
# Run it only on a disposable test VM whose kernel audit subsystem is free:
# `auditctl -s` must show "pid 0" (no auditd running). It exits 77 (skip)
# when not root, when the audit subsystem is in use or locked, or when a tool
# is missing (apt-get install auditd openssh-server openssh-client sshpass
# python3). It exits 1 when leftovers of an earlier run are in the way
# (users sshw-alice/sshw-bob, /tmp/sshw-cap, port 2222 busy, ...).
#
# What it does, twice -- run A: log_format = RAW, with the log rotated for
# real (SIGUSR1) after scenario groups 1 and 2; run B: log_format = ENRICHED,
# name_format = hostname:
#   1. creates users sshw-alice and sshw-bob (homes, ed25519 keys, a password
#      for alice, alice's and bob's keys authorized for alice), /root/.ssh if
#      missing, the scenario tree /tmp/sshw-cap/<id> and the few key copies
#      the scenarios use (/tmp/stolen_id_rsa, /dev/shm/k, /var/tmp/k, /tmp/k);
#   2. starts its own sshd (/usr/sbin/sshd -D -f <own config>) on
#      127.0.0.1:2222 with its own host key, UsePAM yes, forwarding and
#      tunnels allowed, password authentication on;
#   3. starts a private auditd (auditd -n -c DIR) whose plugin_dir holds one
#      plugin, `/usr/bin/tee -a DIR/stream.txt`, format string: it records
#      the exact stream auditd hands to its plugins;
#   4. loads capture.rules with auditctl and runs every scenario of
#      scenarios.def, each in its own cwd /tmp/sshw-cap/<id>, as the user the
#      line names; tunnels left behind by `ssh -f` are killed by pid;
#   5. deletes the rules, stops auditd (SIGTERM, by pid), copies its logs to
#      OUTDIR/raw (run A) or OUTDIR/enriched (run B), and tears 1-2 down
#      (run B's only after the ausearch outputs, so that -i can name users).
# Each scenario first sets its own loginuid (as a login would: the kernel logs
# a LOGIN record and gives it a session id of its own). The copied logs keep
# only the events of the scenarios, sshd, auditd and auditctl: whole events
# of other processes that ran on the machine meanwhile are dropped by
# filter_events.py; records are never edited.
# Finally it writes OUTDIR/ausearch-raw.txt, ausearch.txt (all events of run
# A, raw and default format), ausearch-i.txt (a small `ausearch -i` sample:
# the events of two scenarios) and scenarios.tsv (from scenarios.def).
#
# Debugging: SSHW_ONLY=<regex> runs only the matching scenario ids;
# SSHW_KEEP=<dir> keeps the raw material (see below).
#
# On exit (also on error or Ctrl-C) it restores the kernel audit state it
# found (enabled, failure, rate_limit, backlog_limit, backlog_wait_time and
# the `auditctl -l` rules), kills only the processes it started (by pid, or
# processes running as its own test users), and removes the users, files and
# directories it created. It never uses `auditctl -e 2` or `-f 2`.
set -eu

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8 TZ=UTC
unset SSH_AUTH_SOCK SSH_AGENT_PID SSH_ASKPASS DISPLAY
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../fixtures/real}
RULES=$HERE/capture.rules
DEFS=$HERE/scenarios.def

SCN=/tmp/sshw-cap
ALICE=sshw-alice
BOB=sshw-bob
ALICE_PW=S3cret-sshw
PORT=2222
DEFAULT_TIMEOUT=20
STATIC_FILES=(/tmp/stolen_id_rsa /dev/shm/k /var/tmp/k /tmp/k)
# debugging knobs: SSHW_ONLY=<bash regex> runs only the matching scenario ids;
# SSHW_KEEP=<dir> keeps the scenario outputs, sshd logs and the unfiltered
# auditd directories there
ONLY=${SSHW_ONLY:-}
KEEP=${SSHW_KEEP:-}

WORK=
AUDITD_PID=
SSHD_PID=
AUDIT_TOUCHED=
USERS_MADE=
ROOT_SSH_MODE=
RUNSSHD_MADE=

skip() { echo "capture.sh: SKIP: $*" >&2; exit 77; }
die() { echo "capture.sh: ERROR: $*" >&2; exit 1; }
say() { printf '[capture %(%T)T] %s\n' -1 "$*" >&2; }

# sleep without starting a process (keeps the captured logs free of noise)
nap() { read -r -t "$1" -u 9 _ || true; }

# ---------------------------------------------------------------- checks
[ "$(id -u)" -eq 0 ] || skip "must run as root"
for t in auditd auditctl ausearch ssh scp sftp ssh-add ssh-agent ssh-keygen \
	ssh-copy-id sshpass python3 runuser useradd userdel chpasswd ps; do
	command -v "$t" >/dev/null 2>&1 || skip "missing tool: $t"
done
[ -x /usr/sbin/sshd ] || skip "missing /usr/sbin/sshd (openssh-server)"
[ -x /usr/lib/openssh/sftp-server ] || skip "missing /usr/lib/openssh/sftp-server"
if [ ! -r "$RULES" ] || [ ! -r "$DEFS" ]; then
	die "capture.rules or scenarios.def missing next to $0"
fi

STATUS=$(auditctl -s 2>/dev/null) || skip "auditctl -s failed (kernel without audit?)"
st() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$STATUS"; }
[ "$(st pid)" = 0 ] || skip "kernel audit subsystem in use (auditctl -s shows pid $(st pid)); stop auditd first"
[ "$(st enabled)" != 2 ] || skip "audit configuration is locked (enabled 2)"

for u in "$ALICE" "$BOB"; do
	! getent passwd "$u" >/dev/null || die "user $u exists (leftover?); remove it: userdel -r $u"
	[ ! -e "/home/$u" ] || die "/home/$u exists (leftover?); remove it first"
done
[ ! -e "$SCN" ] || die "$SCN exists (leftover?); remove it first"
for f in "${STATIC_FILES[@]}"; do
	[ ! -e "$f" ] || die "$f exists (leftover?); remove it first"
done
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
	die "127.0.0.1:$PORT is already in use"
fi

# ------------------------------------------------------ save audit state
WORK=$(mktemp -d /var/tmp/sshw-capture.XXXXXX)
trap 'rm -rf "$WORK"' EXIT # replaced by cleanup() below
chmod 0711 "$WORK"
cd "$WORK"
ORIG_ENABLED=$(st enabled)
ORIG_FAILURE=$(st failure)
ORIG_RATE=$(st rate_limit)
ORIG_BACKLOG=$(st backlog_limit)
ORIG_BWT=$(st backlog_wait_time)
auditctl -l >"$WORK/orig.rules"
mkfifo "$WORK/nap"
exec 9<>"$WORK/nap"

restore_audit() {
	[ -n "$AUDIT_TOUCHED" ] || return 0
	auditctl -D >/dev/null
	if ! grep -qx 'No rules' "$WORK/orig.rules"; then
		auditctl -R "$WORK/orig.rules" >/dev/null ||
			echo "capture.sh: WARNING: could not reload the original rules ($WORK/orig.rules)" >&2
	fi
	auditctl -f "$ORIG_FAILURE" >/dev/null
	auditctl -r "$ORIG_RATE" >/dev/null
	auditctl -b "$ORIG_BACKLOG" >/dev/null
	if [ -n "$ORIG_BWT" ]; then auditctl --backlog_wait_time "$ORIG_BWT" >/dev/null; fi
	auditctl -e "$ORIG_ENABLED" >/dev/null
	AUDIT_TOUCHED=
}

# SIGTERM a child we started, wait for it, SIGKILL after 10 s
stop_pid() {
	local pid=$1 n=0
	kill -TERM "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 100 ]; do nap 0.1; n=$((n + 1)); done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# SIGTERM every process whose cwd is directory $1 (our scenario processes)
kill_in_dir() {
	local c p
	for c in /proc/[0-9]*/cwd; do
		[[ $c -ef $1 ]] || continue
		p=${c#/proc/}
		p=${p%/cwd}
		kill -TERM "$p" 2>/dev/null || true
	done
}

# kill every process running as one of our test users (all started by us)
kill_user_procs() {
	local u pids
	for u in "$ALICE" "$BOB"; do
		getent passwd "$u" >/dev/null || continue
		pids=$(ps -o pid= -u "$u" || true)
		# shellcheck disable=SC2086 # word splitting of the pid list is wanted
		[ -z "$pids" ] || kill -TERM $pids 2>/dev/null || true
	done
	nap 0.5
	for u in "$ALICE" "$BOB"; do
		getent passwd "$u" >/dev/null || continue
		pids=$(ps -o pid= -u "$u" || true)
		# shellcheck disable=SC2086
		[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
	done
}

teardown_env() {
	local d f
	if [ -d "$SCN" ]; then
		for d in "$SCN"/*/; do [ -d "$d" ] && kill_in_dir "${d%/}"; done
	fi
	kill_user_procs
	if [ -n "$SSHD_PID" ]; then stop_pid "$SSHD_PID"; SSHD_PID=; fi
	if [ -n "$USERS_MADE" ]; then
		for u in "$ALICE" "$BOB"; do
			if getent passwd "$u" >/dev/null; then userdel -r "$u" 2>/dev/null || userdel "$u" || true; fi
			rm -rf "/home/${u:?}" "/var/mail/${u:?}"
		done
		USERS_MADE=
	fi
	rm -rf "$SCN"
	for f in "${STATIC_FILES[@]}"; do rm -f "$f"; done
	case $ROOT_SSH_MODE in
	created) rm -rf /root/.ssh ;;
	backup) rm -rf /root/.ssh && cp -a "$WORK/root-ssh.orig" /root/.ssh ;;
	esac
	ROOT_SSH_MODE=
}

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM HUP
	if [ -n "$AUDITD_PID" ]; then
		auditctl -D >/dev/null 2>&1
		stop_pid "$AUDITD_PID"
		AUDITD_PID=
	fi
	teardown_env
	restore_audit
	if [ -n "$RUNSSHD_MADE" ]; then rmdir /run/sshd 2>/dev/null; fi
	exec 9>&-
	if [ -n "$KEEP" ]; then
		mkdir -p "$KEEP" && cp -r "$WORK"/scenarios-*.log "$WORK"/sshd-*.log "$WORK"/auditd-* "$KEEP/" 2>/dev/null
	fi
	rm -rf "$WORK"
	[ "$rc" -eq 0 ] || echo "capture.sh: failed (exit $rc); state restored" >&2
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------------------- scenarios
G=() ID=() US=() EXP=() CWD=() PREP=() TO=() CMD=()
while IFS=$'\t' read -r g id user exp cwd prep to cmd; do
	case $g in '#'* | '') continue ;; esac
	[ -n "$cmd" ] || die "scenarios.def: bad line for $id"
	G+=("$g") ID+=("$id") US+=("$user") EXP+=("$exp") CWD+=("$cwd")
	PREP+=("$prep") TO+=("$to") CMD+=("$cmd")
done <"$DEFS"
say "${#ID[@]} scenario lines in $DEFS"

# ------------------------------------------------------------ environment
mkdir -p "$WORK/sshd"
ssh-keygen -q -t ed25519 -N '' -C sshw-capture-host -f "$WORK/sshd/ssh_host_ed25519_key"
HOSTKEY=$(cut -d' ' -f1,2 "$WORK/sshd/ssh_host_ed25519_key.pub")
HOSTKEY_LINES="[127.0.0.1]:$PORT $HOSTKEY
[127.0.0.2]:$PORT $HOSTKEY"
if [ ! -d /run/sshd ]; then mkdir -m 0755 /run/sshd; RUNSSHD_MADE=1; fi
cat >"$WORK/sshd/sshd_config" <<EOF
# sshd for tests/capture/capture.sh
Port $PORT
ListenAddress 127.0.0.1
# a second loopback address, only so that "ssh -J 127.0.0.1 127.0.0.2" is a
# real jump (ssh refuses a jump host equal to the destination: "jumphost loop")
ListenAddress 127.0.0.2
HostKey $WORK/sshd/ssh_host_ed25519_key
PidFile none
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $ALICE $BOB
AllowTcpForwarding yes
AllowAgentForwarding yes
PermitTunnel yes
X11Forwarding no
PrintMotd no
StrictModes yes
LogLevel VERBOSE
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
/usr/sbin/sshd -t -f "$WORK/sshd/sshd_config"

as_user() { runuser -u "$1" -- "${@:2}"; }

copy_key() { # src dst owner
	cp "$1" "$2"
	chown "$3:" "$2"
	chmod 0600 "$2"
}

setup_env() {
	local u i dir
	say "setting up users, keys and scenario tree"
	USERS_MADE=1
	for u in "$ALICE" "$BOB"; do
		useradd -m -s /bin/bash -c "sshwatch capture $u" "$u"
		chmod 0755 "/home/$u"
		as_user "$u" mkdir -m 0755 "/home/$u/.ssh"
		as_user "$u" ssh-keygen -q -t ed25519 -N '' -C "$u@sshw-capture" -f "/home/$u/.ssh/id_ed25519"
		printf '%s\n' "$HOSTKEY_LINES" >"/home/$u/.ssh/known_hosts"
		printf 'Host *\n    BatchMode yes\n    ConnectTimeout 10\n' >"/home/$u/.ssh/config"
		chown "$u:" "/home/$u/.ssh/known_hosts" "/home/$u/.ssh/config"
	done
	printf '%s:%s\n' "$ALICE" "$ALICE_PW" | chpasswd
	ALICE_UID=$(id -u "$ALICE")
	BOB_UID=$(id -u "$BOB")
	{
		echo '# marker'
		cat "/home/$ALICE/.ssh/id_ed25519.pub" "/home/$BOB/.ssh/id_ed25519.pub"
	} >"/home/$ALICE/.ssh/authorized_keys"
	{ echo '# marker'; cat "/home/$BOB/.ssh/id_ed25519.pub"; } >"/home/$BOB/.ssh/authorized_keys"
	for u in "$ALICE" "$BOB"; do
		chown "$u:" "/home/$u/.ssh/authorized_keys"
		chmod 0644 "/home/$u/.ssh/authorized_keys"
	done
	if [ -d /root/.ssh ]; then
		[ -e "$WORK/root-ssh.orig" ] || cp -a /root/.ssh "$WORK/root-ssh.orig"
		ROOT_SSH_MODE=backup
	else
		mkdir -m 0700 /root/.ssh
		ROOT_SSH_MODE=created
	fi
	printf '%s\n' "$HOSTKEY_LINES" >>/root/.ssh/known_hosts

	mkdir -m 0755 "$SCN"
	for i in "${!ID[@]}"; do
		[ "${G[$i]}" != x ] || continue
		u=${US[$i]}
		dir=$SCN/${ID[$i]}
		mkdir -m 0755 "$dir"
		echo "scenario ${ID[$i]}" >"$dir/f.txt"
		printf 'pwd\nls\n' >"$dir/batch.txt"
		case ${PREP[$i]} in
		-) ;;
		stolen) copy_key "/home/$BOB/.ssh/id_ed25519" /tmp/stolen_id_rsa "$ALICE" ;;
		shm) copy_key "/home/$ALICE/.ssh/id_ed25519" /dev/shm/k "$ALICE" ;;
		vartmp) [ -e /var/tmp/k ] || copy_key "/home/$ALICE/.ssh/id_ed25519" /var/tmp/k "$ALICE" ;;
		tmpk) copy_key "/home/$ALICE/.ssh/id_ed25519" /tmp/k "$ALICE" ;;
		k) copy_key "/home/$ALICE/.ssh/id_ed25519" "$dir/k" "$u" ;;
		ak) cp "/home/$u/.ssh/authorized_keys" "$dir/ak.new" ;;
		newkey) ssh-keygen -q -t ed25519 -N '' -C "newkey@sshw-capture" -f "$dir/newkey" ;;
		*) die "unknown prep ${PREP[$i]} for ${ID[$i]}" ;;
		esac
		chown -R "$u:" "$dir"
	done
}

start_sshd() { # run
	/usr/sbin/sshd -D -f "$WORK/sshd/sshd_config" -E "$WORK/sshd-$1.log" &
	SSHD_PID=$!
	local n=0
	until (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do
		kill -0 "$SSHD_PID" 2>/dev/null || die "sshd died; see $WORK/sshd-$1.log"
		[ "$n" -lt 100 ] || die "sshd does not listen on 127.0.0.1:$PORT"
		nap 0.1
		n=$((n + 1))
	done
	say "sshd running, pid $SSHD_PID"
}

ADIR=
start_auditd() { # run log_format name_format
	ADIR=$WORK/auditd-$1
	mkdir -m 0700 "$ADIR" "$ADIR/log" "$ADIR/plugins.d"
	cat >"$ADIR/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $ADIR/log/audit.log
log_group = root
log_format = $2
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 1024
num_logs = 5
priority_boost = 4
name_format = $3
max_log_file_action = ROTATE
space_left = 75
space_left_action = SYSLOG
verify_email = no
action_mail_acct = root
admin_space_left = 50
admin_space_left_action = SUSPEND
disk_full_action = SUSPEND
disk_error_action = SUSPEND
use_libwrap = no
tcp_listen_queue = 5
tcp_max_per_addr = 1
transport = TCP
distribute_network = no
q_depth = 20000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = $ADIR/plugins.d
end_of_event_timeout = 2
EOF
	cat >"$ADIR/plugins.d/stream.conf" <<EOF
active = yes
direction = out
path = /usr/bin/tee
type = always
args = -a $ADIR/stream.txt
format = string
EOF
	chmod 0640 "$ADIR/auditd.conf" "$ADIR/plugins.d/stream.conf"
	AUDIT_TOUCHED=1
	# tee also copies the stream to its stdout, which it inherits from auditd
	auditd -n -c "$ADIR" >/dev/null 2>"$ADIR/auditd.err" &
	AUDITD_PID=$!
	local n=0
	until [ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$AUDITD_PID" ]; do
		kill -0 "$AUDITD_PID" 2>/dev/null || die "auditd died: $(cat "$ADIR/auditd.err")"
		[ "$n" -lt 100 ] || die "auditd did not register with the kernel"
		nap 0.1
		n=$((n + 1))
	done
	nap 0.5
	say "auditd running, pid $AUDITD_PID, log_format $2"
}

SLOG=
ALICE_UID=
BOB_UID=
# Each scenario runs in a subshell that first gives itself the loginuid of
# the scenario's user (as a login would; the kernel logs a LOGIN record and
# starts a new session id), cds to /tmp/sshw-cap/<id> and execs the command
# with bash -c, through runuser for the test users.
run_one() { # index
	local i=$1 dir pid rc=0 n=0 to uid
	dir=$SCN/${ID[$i]}
	to=${TO[$i]}
	[ "$to" != - ] || to=$DEFAULT_TIMEOUT
	case ${US[$i]} in
	root) uid=0 ;;
	"$ALICE") uid=$ALICE_UID ;;
	"$BOB") uid=$BOB_UID ;;
	*) die "unknown user ${US[$i]}" ;;
	esac
	printf '=== %s (%s): %s\n' "${ID[$i]}" "${US[$i]}" "${CMD[$i]}" >>"$SLOG"
	if [ "${US[$i]}" = root ]; then
		(printf '%s' "$uid" >/proc/self/loginuid && cd "$dir" &&
			exec /usr/bin/bash -c "${CMD[$i]}" 9>&-) </dev/null >>"$SLOG" 2>&1 &
	else
		(printf '%s' "$uid" >/proc/self/loginuid && cd "$dir" &&
			exec runuser -u "${US[$i]}" -- /usr/bin/bash -c "${CMD[$i]}" 9>&-) </dev/null >>"$SLOG" 2>&1 &
	fi
	pid=$!
	OUR_PIDS+=",$pid"
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$n" -eq $((to * 10)) ]; then
			printf '... timeout after %ss, killing\n' "$to" >>"$SLOG"
			kill -TERM "$pid" 2>/dev/null || true
			kill_in_dir "$dir"
		elif [ "$n" -eq $((to * 10 + 50)) ]; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
		nap 0.1
		n=$((n + 1))
	done
	wait "$pid" || rc=$?
	printf '... exit %s\n' "$rc" >>"$SLOG"
	printf '%s\t%s\n' "${ID[$i]}" "$rc" >>"$WORK/rc-$RUN"
	# let tunnels (ssh -f) live a moment, then end whatever the scenario left
	nap 0.5
	kill_in_dir "$dir"
	nap 0.3
}

run_group() { # group
	local i
	say "run $RUN: scenario group $1"
	for i in "${!ID[@]}"; do
		[ "${G[$i]}" = "$1" ] || continue
		if [ -n "$ONLY" ] && ! [[ ${ID[$i]} =~ $ONLY ]]; then continue; fi
		run_one "$i"
	done
	nap 1
}

rotate_log() { # index of the oldest log that must appear
	local n=0
	kill -USR1 "$AUDITD_PID"
	until [ -e "$ADIR/log/audit.log.$1" ]; do
		[ "$n" -lt 100 ] || die "auditd did not rotate its log"
		nap 0.1
		n=$((n + 1))
	done
	nap 0.5
}

OUR_PIDS=
run_capture() { # run log_format name_format outdir
	RUN=$1
	SLOG=$WORK/scenarios-$RUN.log
	: >"$SLOG"
	setup_env
	start_sshd "$RUN"
	start_auditd "$RUN" "$2" "$3"
	OUR_PIDS="$$,$SSHD_PID,$AUDITD_PID"
	auditctl -b 8192 >/dev/null
	auditctl -R "$RULES" >/dev/null
	say "run $RUN: rules loaded"
	run_group 1
	[ "$RUN" != A ] || rotate_log 1
	run_group 2
	[ "$RUN" != A ] || rotate_log 2
	run_group 3
	auditctl -D >/dev/null
	nap 1
	stop_pid "$AUDITD_PID"
	AUDITD_PID=
	auditctl -e 0 >/dev/null
	say "run $RUN: auditd stopped; lost counter: $(auditctl -s | awk '$1 == "lost" { print $2 }')"
	# keep our events only (see filter_events.py); oldest log first
	mkdir -p "$4"
	local f pairs=()
	for f in audit.log.4 audit.log.3 audit.log.2 audit.log.1 audit.log; do
		[ ! -e "$ADIR/log/$f" ] || pairs+=("$ADIR/log/$f:$4/$f")
	done
	python3 "$HERE/filter_events.py" --pids "$OUR_PIDS" --uids "$ALICE_UID,$BOB_UID" "${pairs[@]}"
	python3 "$HERE/filter_events.py" --pids "$OUR_PIDS" --uids "$ALICE_UID,$BOB_UID" \
		"$ADIR/stream.txt:$4/stream.txt"
	chmod 0644 "$4"/*
}

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -rf "$OUT/raw" "$OUT/enriched"

say "kernel $(uname -r); $(auditctl -v); $(ssh -V 2>&1)"
run_capture A RAW NONE "$OUT/raw"
teardown_env
run_capture B ENRICHED HOSTNAME "$OUT/enriched"
# the test users of run B still exist here, so ausearch -i can name them

# ------------------------------------------------------- derived outputs
say "writing ausearch outputs and scenarios.tsv"
# ausearch needs a search criterion to print everything: "-m all" matches
# every record type. "-if DIR" reads DIR/audit.log and its rotated siblings,
# oldest first (it prints "NOTE - using logs in DIR/audit.log" on stderr).
ausearch -if "$OUT/raw" -m all --raw >"$OUT/ausearch-raw.txt" 2>/dev/null
ausearch -if "$OUT/raw" -m all >"$OUT/ausearch.txt" 2>/dev/null
cat "$OUT/raw/audit.log.2" "$OUT/raw/audit.log.1" "$OUT/raw/audit.log" >"$WORK/runA.log"
# small interpreted sample: every event of two scenarios
: >"$OUT/ausearch-i.txt"
for s in t01-dyn-seed t100-ak-echo-seed; do
	grep -a "cwd=\"$SCN/$s\"" "$WORK/runA.log" |
		sed -n 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/p' | sort -un |
		while read -r e; do
			ausearch -if "$WORK/runA.log" -a "$e" -i 2>/dev/null >>"$OUT/ausearch-i.txt" || true
		done
done

{
	printf '#id\tcwd\texpected\tuser\tcommand\n'
	for i in "${!ID[@]}"; do
		c=${CWD[$i]}
		[ "$c" != - ] || c=$SCN/${ID[$i]}
		printf '%s\t%s\t%s\t%s\t%s\n' "${ID[$i]}" "$c" "${EXP[$i]}" "${US[$i]}" "${CMD[$i]}"
	done
} >"$OUT/scenarios.tsv"
chmod 0644 "$OUT"/*.txt "$OUT/scenarios.tsv"

say "scenario exit codes (id, run A, run B):"
awk -F '\t' 'NR == FNR { a[$1] = $2; next } { printf "  %-28s %3s %3s\n", $1, a[$1], $2 }' "$WORK/rc-A" "$WORK/rc-B" >&2
say "done; outputs in $OUT"
ls -l "$OUT" "$OUT/raw" "$OUT/enriched" >&2
