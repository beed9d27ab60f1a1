#!/bin/bash
# tests/capture/capture-context.sh -- capture REAL audit logs of SSH chains
# and automation (Ansible-like, CI-like runs), repeated clients and key theft
# for the context fixtures (tests/fixtures/context/): process ancestry,
# sessions that came in over SSH, the allowlist, repeat collapsing and
# cross-host correlation.
#
# Usage (as root):
#     tests/capture/capture-context.sh [OUTDIR]
# OUTDIR defaults to tests/fixtures/context (relative to this script). It
# writes OUTDIR/audit.log and OUTDIR/scenarios.tsv; README.md, allow.conf
# and hosts there are written by hand and not touched.
#
# Same rules as capture.sh: run it only on a disposable test VM whose kernel
# audit subsystem is free (`auditctl -s` shows "pid 0"). It exits 77 (skip)
# when not root, when the audit subsystem is in use or locked, or when a tool
# is missing (apt-get install auditd openssh-server openssh-client python3);
# SSHW_WAIT=<seconds> waits that long for a busy audit subsystem to become
# free before skipping. It exits 1 when leftovers of an earlier run are in the
# way (users sshw-*, /tmp/sshw-ctx, port 2222 busy, ...).
#
# One run, log_format = ENRICHED, name_format = USER, name = hostA:
#   1. creates users sshw-alice, sshw-bob, sshw-deploy and sshw-ci (homes,
#      ~/.ssh 0700, an ed25519 key each, each key authorized for its own
#      account; bob's private key copied to alice's ~/.ssh/bob_key; known_hosts
#      pre-seeded for alice and bob, not for deploy and ci, whose scenarios
#      are about host-key checking), /root/.ssh if missing, the scenario tree
#      /tmp/sshw-ctx/<id> and two stand-in automation tools,
#      /tmp/sshw-ctx/bin/ansible-playbook (python3) and gitlab-runner (bash);
#   2. starts its own sshd (/usr/sbin/sshd -D -f <own config>) with its own
#      host key on 127.0.0.1, 127.0.0.2 and 127.0.0.3 port 2222 (three
#      "hosts"), UsePAM yes (sshd's USER_START/USER_END carry acct= and
#      addr=), public keys only;
#   3. starts a private auditd (auditd -n -c DIR), loads context.rules and
#      runs every scenario of the table below, each in its own cwd
#      /tmp/sshw-ctx/<id>, as the user the line names; commands that run
#      inside an ssh session first `cd /tmp/sshw-ctx/<id>`, so every process
#      a scenario expects alerts from runs in that directory;
#   4. deletes the rules, stops auditd (SIGTERM, by pid) and copies its log
#      to OUTDIR/audit.log, keeping only our events (filter_events.py: whole
#      events of other processes on the machine are dropped, records are
#      never edited), and writes OUTDIR/scenarios.tsv from the table.
# Each scenario first sets its own loginuid (as a login would: the kernel
# logs a LOGIN record and gives it a session id of its own).
#
# Debugging: SSHW_ONLY=<regex> runs only the matching scenario ids;
# SSHW_KEEP=<dir> keeps the scenario output, the sshd log and the unfiltered
# auditd directory there.
#
# On exit (also on error or Ctrl-C) it restores the kernel audit state it
# found (enabled, failure, rate_limit, backlog_limit, backlog_wait_time and
# the `auditctl -l` rules), kills only the processes it started (by pid: its
# children, the processes in the scenario sessions and directories, and
# processes running as its own test users), and removes the users, files and
# directories it created. It never uses `auditctl -e 2` or `-f 2`.
set -eu

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8 TZ=UTC
unset SSH_AUTH_SOCK SSH_AGENT_PID SSH_ASKPASS DISPLAY
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../fixtures/context}
RULES=$HERE/context.rules
FILTER=$HERE/filter_events.py

SCN=/tmp/sshw-ctx
ALICE=sshw-alice
BOB=sshw-bob
DEPLOY=sshw-deploy
CI=sshw-ci
TEST_USERS=("$ALICE" "$BOB" "$DEPLOY" "$CI")
ADDRS=(127.0.0.1 127.0.0.2 127.0.0.3)
PORT=2222
NODE=hostA
DEFAULT_TIMEOUT=30
ONLY=${SSHW_ONLY:-}
KEEP=${SSHW_KEEP:-}
WAIT=${SSHW_WAIT:-0}

# --------------------------------------------------------------- scenarios
# TAB-separated: id, user, expected (default config), expected_allowed
# (with tests/fixtures/context/allow.conf), timeout (- = DEFAULT_TIMEOUT),
# not-before (- or <id>+<seconds>: start at least that long after scenario
# <id> ended), command (run with bash -c, as typed). Expected: sorted rule
# ids the plugin must raise for the processes whose cwd is /tmp/sshw-ctx/<id>.
# Order matters: the loop comes after every login of sshw-alice (so that
# --correlate cannot pair its 200 refused clients with a later session), and
# ansible-direct runs the very command of ansible more than the plugin's
# default dedup_window (60 s) later, so that it is not collapsed into a
# repeat of ansible's alerts.
SCENARIOS=$(
	cat <<'EOF'
trap-local	sshw-alice	-	-	-	-	ssh -p 2222 sshw-alice@127.0.0.1 true
trap-login	sshw-alice	-	-	-	-	ssh -p 2222 sshw-alice@127.0.0.1 'cd /tmp/sshw-ctx/trap-login && ls'
chain2	sshw-alice	ssh-chain	ssh-chain	-	-	ssh -p 2222 sshw-alice@127.0.0.1 'cd /tmp/sshw-ctx/chain2 && ssh -o BatchMode=yes -p 2222 sshw-alice@127.0.0.2 true'
chain-scp	sshw-alice	ssh-chain	ssh-chain	-	-	ssh -p 2222 sshw-alice@127.0.0.1 'cd /tmp/sshw-ctx/chain-scp && scp -P 2222 f.txt sshw-alice@127.0.0.2:/tmp/sshw-ctx/chain-scp/copy.txt'
chain3	sshw-alice	ssh-chain,ssh-identity-file	ssh-chain,ssh-identity-file	-	-	ssh -p 2222 sshw-alice@127.0.0.1 'cd /tmp/sshw-ctx/chain3 && ssh -b 127.0.0.2 -p 2222 sshw-alice@127.0.0.2 "cd /tmp/sshw-ctx/chain3 && ssh -i /home/sshw-alice/.ssh/bob_key -p 2222 sshw-bob@127.0.0.3 true"'
bastion	sshw-alice	ssh-chain	-	-	-	ssh -p 2222 sshw-alice@127.0.0.2 'cd /tmp/sshw-ctx/bastion && ssh -p 2222 sshw-alice@127.0.0.3 true'
bastion-bob	sshw-bob	ssh-chain	ssh-chain	-	-	ssh -p 2222 sshw-bob@127.0.0.2 'cd /tmp/sshw-ctx/bastion-bob && ssh -p 2222 sshw-bob@127.0.0.3 true'
ansible	sshw-deploy	ssh-identity-file,ssh-no-hostcheck	-	-	-	/tmp/sshw-ctx/bin/ansible-playbook site.yml
ci	sshw-ci	ssh-identity-file,ssh-no-hostcheck	-	-	-	/tmp/sshw-ctx/bin/gitlab-runner
ci-direct	sshw-ci	ssh-identity-file,ssh-no-hostcheck	ssh-identity-file,ssh-no-hostcheck	-	-	cp /home/sshw-ci/.ssh/id_ed25519 /tmp/sshw-ctx/ci/manual_key && ssh -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -i /tmp/sshw-ctx/ci/manual_key -p 2222 sshw-ci@127.0.0.1 true; rc=$?; rm -f /tmp/sshw-ctx/ci/manual_key; exit $rc
keytheft	root	ssh-key-read	ssh-key-read	-	-	cat /home/sshw-bob/.ssh/id_ed25519 >/dev/null && cp /home/sshw-bob/.ssh/id_ed25519 /tmp/sshw-ctx/keytheft/stolen
keytheft-add	root	ssh-add-key,ssh-key-read	ssh-add-key,ssh-key-read	-	-	eval "$(ssh-agent -s)" >/dev/null && ssh-add /home/sshw-bob/.ssh/id_ed25519; rc=$?; ssh-agent -k >/dev/null; exit $rc
keypub	root	-	-	-	-	cat /home/sshw-bob/.ssh/id_ed25519.pub /home/sshw-bob/.ssh/authorized_keys /home/sshw-bob/.ssh/known_hosts /home/sshw-bob/.ssh/config >/dev/null
keyown	sshw-alice	-	-	-	-	cat /home/sshw-alice/.ssh/id_ed25519 >/dev/null && cp /home/sshw-alice/.ssh/id_ed25519 /tmp/sshw-ctx/keyown/copy
loop	sshw-alice	ssh-dynamic-forward	ssh-dynamic-forward	120	-	for ((i = 0; i < 200; i++)); do ssh -o BatchMode=yes -o ConnectTimeout=1 -D 1090 -N -p 1 127.0.0.1; done; true
ansible-direct	sshw-deploy	ssh-identity-file,ssh-no-hostcheck	ssh-identity-file,ssh-no-hostcheck	-	ansible+65	ssh -o StrictHostKeyChecking=no -o BatchMode=yes -i /home/sshw-deploy/.ssh/id_ed25519 -p 2222 sshw-deploy@127.0.0.1 true
EOF
)

WORK=
AUDITD_PID=
SSHD_PID=
AUDIT_TOUCHED=
USERS_MADE=
ROOT_SSH_MODE=
RUNSSHD_MADE=
SCN_MADE=
OUR_SES=()

skip() { echo "capture-context.sh: SKIP: $*" >&2; exit 77; }
die() { echo "capture-context.sh: ERROR: $*" >&2; exit 1; }
say() { printf '[capture-context %(%T)T] %s\n' -1 "$*" >&2; }

# sleep without starting a process (keeps the captured log free of noise)
nap() { read -r -t "$1" -u 9 _ || true; }

# ---------------------------------------------------------------- checks
[ "$(id -u)" -eq 0 ] || skip "must run as root"
for t in auditd auditctl ssh scp ssh-add ssh-agent ssh-keygen runuser \
	useradd userdel ps; do
	command -v "$t" >/dev/null 2>&1 || skip "missing tool: $t"
done
for t in /usr/sbin/sshd /usr/bin/python3 /usr/lib/openssh/sftp-server; do
	[ -x "$t" ] || skip "missing $t"
done
if [ ! -r "$RULES" ] || [ ! -r "$FILTER" ]; then
	die "context.rules or filter_events.py missing next to $0"
fi

audit_pid() { auditctl -s 2>/dev/null | awk '$1 == "pid" { print $2; exit }'; }
STATUS=$(auditctl -s 2>/dev/null) || skip "auditctl -s failed (kernel without audit?)"
st() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$STATUS"; }
if [ "$(st pid)" != 0 ] && [ "$WAIT" -gt 0 ]; then
	say "kernel audit in use by pid $(st pid); waiting up to ${WAIT}s"
	end=$((SECONDS + WAIT))
	while [ "$(audit_pid)" != 0 ] && [ "$SECONDS" -lt "$end" ]; do sleep 2; done
	STATUS=$(auditctl -s 2>/dev/null)
fi
[ "$(st pid)" = 0 ] || skip "kernel audit subsystem in use (auditctl -s shows pid $(st pid)); stop auditd first"
[ "$(st enabled)" != 2 ] || skip "audit configuration is locked (enabled 2)"

for u in "${TEST_USERS[@]}"; do
	! getent passwd "$u" >/dev/null || die "user $u exists (leftover?); remove it: userdel -r $u"
	[ ! -e "/home/$u" ] || die "/home/$u exists (leftover?); remove it first"
done
[ ! -e "$SCN" ] || die "$SCN exists (leftover?); remove it first"
for a in "${ADDRS[@]}"; do
	if (exec 3<>"/dev/tcp/$a/$PORT") 2>/dev/null; then
		die "$a:$PORT is already in use"
	fi
done

# ------------------------------------------------------ save audit state
WORK=$(mktemp -d /var/tmp/sshw-context.XXXXXX)
trap 'rm -rf "$WORK"' EXIT # replaced by cleanup() below
chmod 0711 "$WORK"
cd "$WORK"
ORIG_ENABLED=$(st enabled)
ORIG_FAILURE=$(st failure)
ORIG_RATE=$(st rate_limit)
ORIG_BACKLOG=$(st backlog_limit)
ORIG_BWT=$(st backlog_wait_time)
auditctl -l >"$WORK/orig.rules"
say "audit state found: enabled $ORIG_ENABLED failure $ORIG_FAILURE rate_limit $ORIG_RATE backlog_limit $ORIG_BACKLOG backlog_wait_time ${ORIG_BWT:-?}, $(grep -cvx 'No rules' "$WORK/orig.rules") rules"
mkfifo "$WORK/nap"
exec 9<>"$WORK/nap"

restore_audit() {
	[ -n "$AUDIT_TOUCHED" ] || return 0
	auditctl -D >/dev/null
	if ! grep -qx 'No rules' "$WORK/orig.rules"; then
		auditctl -R "$WORK/orig.rules" >/dev/null ||
			echo "capture-context.sh: WARNING: could not reload the original rules ($WORK/orig.rules)" >&2
	fi
	auditctl -f "$ORIG_FAILURE" >/dev/null
	auditctl -r "$ORIG_RATE" >/dev/null
	auditctl -b "$ORIG_BACKLOG" >/dev/null
	if [ -n "$ORIG_BWT" ]; then auditctl --backlog_wait_time "$ORIG_BWT" >/dev/null; fi
	auditctl -e "$ORIG_ENABLED" >/dev/null
	AUDIT_TOUCHED=
	say "audit state restored (enabled $ORIG_ENABLED)"
}

# SIGTERM a child we started, wait for it, SIGKILL after 10 s
stop_pid() {
	local pid=$1 n=0
	kill -TERM "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 100 ]; do nap 0.1; n=$((n + 1)); done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# send signal $1 to every process whose cwd is directory $2 (ours: the
# scenario tree exists only while we run)
kill_in_dir() {
	local c p
	for c in /proc/[0-9]*/cwd; do
		[[ $c -ef $2 ]] || continue
		p=${c#/proc/}
		p=${p%/cwd}
		kill "-$1" "$p" 2>/dev/null || true
	done
}

# send signal $1 to every process of audit session $2 (a session one of our
# scenario shells opened by setting its loginuid: only its processes have it;
# e.g. the ssh-agent of keytheft-add, which runs in /)
kill_in_ses() {
	local f p s
	for f in /proc/[0-9]*/sessionid; do
		s=
		# (no newline in the file: read fails but sets s)
		{ read -r s <"$f"; } 2>/dev/null || :
		[ "$s" = "$2" ] || continue
		p=${f#/proc/}
		p=${p%/sessionid}
		[ "$p" != "$$" ] || continue
		kill "-$1" "$p" 2>/dev/null || true
	done
}

# kill every process running as one of our test users (all started by us)
kill_user_procs() {
	local u pids sig
	for sig in TERM KILL; do
		for u in "${TEST_USERS[@]}"; do
			getent passwd "$u" >/dev/null || continue
			pids=$(ps -o pid= -u "$u" || true)
			# shellcheck disable=SC2086 # word splitting of the pid list is wanted
			[ -z "$pids" ] || kill "-$sig" $pids 2>/dev/null || true
		done
		[ "$sig" = KILL ] || nap 0.5
	done
}

teardown_env() {
	local d s u
	for s in "${OUR_SES[@]}"; do kill_in_ses TERM "$s"; done
	if [ -d "$SCN" ]; then
		for d in "$SCN"/*/; do [ -d "$d" ] && kill_in_dir TERM "${d%/}"; done
	fi
	kill_user_procs
	for s in "${OUR_SES[@]}"; do kill_in_ses KILL "$s"; done
	if [ -n "$SSHD_PID" ]; then stop_pid "$SSHD_PID"; SSHD_PID=; fi
	if [ -n "$USERS_MADE" ]; then
		for u in "${TEST_USERS[@]}"; do
			if getent passwd "$u" >/dev/null; then userdel -r "$u" 2>/dev/null || userdel "$u" || true; fi
			rm -rf "/home/${u:?}" "/var/mail/${u:?}"
		done
		USERS_MADE=
	fi
	if [ -n "$SCN_MADE" ]; then rm -rf "$SCN"; SCN_MADE=; fi
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
		mkdir -p "$KEEP" && cp -r "$WORK"/scenarios.log "$WORK"/sshd.log "$WORK"/auditd "$KEEP/" 2>/dev/null
	fi
	rm -rf "$WORK"
	[ "$rc" -eq 0 ] || echo "capture-context.sh: failed (exit $rc); state restored" >&2
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------------- scenario table
ID=() US=() EXP=() EXPA=() TO=() NB=() CMD=()
while IFS=$'\t' read -r id user exp expa to nb cmd; do
	[ -n "$cmd" ] || die "bad scenario line for $id"
	case $user in root | "$ALICE" | "$BOB" | "$DEPLOY" | "$CI") ;; *) die "unknown user $user" ;; esac
	ID+=("$id") US+=("$user") EXP+=("$exp") EXPA+=("$expa") TO+=("$to")
	NB+=("$nb") CMD+=("$cmd")
done <<<"$SCENARIOS"
say "${#ID[@]} scenarios"

# ------------------------------------------------------------ environment
mkdir -p "$WORK/sshd"
ssh-keygen -q -t ed25519 -N '' -C sshw-context-host -f "$WORK/sshd/ssh_host_ed25519_key"
HOSTKEY=$(cut -d' ' -f1,2 "$WORK/sshd/ssh_host_ed25519_key.pub")
if [ ! -d /run/sshd ]; then mkdir -m 0755 /run/sshd; RUNSSHD_MADE=1; fi
{
	echo "# sshd for tests/capture/capture-context.sh: three \"hosts\""
	echo "Port $PORT"
	for a in "${ADDRS[@]}"; do echo "ListenAddress $a"; done
	cat <<EOF
HostKey $WORK/sshd/ssh_host_ed25519_key
PidFile none
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers ${TEST_USERS[*]}
AllowTcpForwarding yes
AllowAgentForwarding yes
X11Forwarding no
PrintMotd no
StrictModes yes
LogLevel VERBOSE
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
} >"$WORK/sshd/sshd_config"
/usr/sbin/sshd -t -f "$WORK/sshd/sshd_config"

as_user() { runuser -u "$1" -- "${@:2}"; }

setup_env() {
	local u i a dir
	say "setting up users, keys and scenario tree"
	USERS_MADE=1
	for u in "${TEST_USERS[@]}"; do
		useradd -m -s /bin/bash -c "sshwatch context capture $u" "$u"
		chmod 0755 "/home/$u"
		as_user "$u" mkdir -m 0700 "/home/$u/.ssh"
		as_user "$u" ssh-keygen -q -t ed25519 -N '' -C "$u@sshw-context" -f "/home/$u/.ssh/id_ed25519"
		as_user "$u" cp "/home/$u/.ssh/id_ed25519.pub" "/home/$u/.ssh/authorized_keys"
		chmod 0600 "/home/$u/.ssh/authorized_keys"
	done
	# alice and bob: host keys known for the three "hosts", no prompts;
	# deploy and ci: nothing (their scenarios skip host-key checking)
	for u in "$ALICE" "$BOB"; do
		for a in "${ADDRS[@]}"; do printf '[%s]:%s %s\n' "$a" "$PORT" "$HOSTKEY"; done >"/home/$u/.ssh/known_hosts"
		printf 'Host *\n    BatchMode yes\n    ConnectTimeout 10\n' >"/home/$u/.ssh/config"
		chown "$u:" "/home/$u/.ssh/known_hosts" "/home/$u/.ssh/config"
	done
	# chain3: bob's private key, readable by alice (her file)
	cp "/home/$BOB/.ssh/id_ed25519" "/home/$ALICE/.ssh/bob_key"
	chown "$ALICE:" "/home/$ALICE/.ssh/bob_key"
	chmod 0600 "/home/$ALICE/.ssh/bob_key"
	if [ -d /root/.ssh ]; then
		[ -e "$WORK/root-ssh.orig" ] || cp -a /root/.ssh "$WORK/root-ssh.orig"
		ROOT_SSH_MODE=backup
	else
		mkdir -m 0700 /root/.ssh
		ROOT_SSH_MODE=created
	fi

	SCN_MADE=1
	mkdir -m 0755 "$SCN" "$SCN/bin"
	cat >"$SCN/bin/ansible-playbook" <<'EOF'
#!/usr/bin/python3
"""Stand-in for ansible-playbook (tests/capture/capture-context.sh): runs
the ssh command of a playbook task through /bin/sh -c."""
import subprocess
import sys

CMD = ("ssh -o StrictHostKeyChecking=no -o BatchMode=yes"
       " -i /home/sshw-deploy/.ssh/id_ed25519 -p 2222"
       " sshw-deploy@127.0.0.1 true")
sys.exit(subprocess.call(CMD, shell=True))
EOF
	cat >"$SCN/bin/gitlab-runner" <<'EOF'
#!/bin/bash
# Stand-in for a CI runner job (tests/capture/capture-context.sh): copies
# the deploy key to a fresh file, uses it with throwaway known hosts, and
# removes it.
set -u
umask 077
key=/tmp/sshw-ctx/ci/deploy_key
rm -f "$key"
cp /home/sshw-ci/.ssh/id_ed25519 "$key"
ssh -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -i /tmp/sshw-ctx/ci/deploy_key -p 2222 sshw-ci@127.0.0.1 true
rc=$?
rm -f "$key"
exit "$rc"
EOF
	chmod 0755 "$SCN/bin/ansible-playbook" "$SCN/bin/gitlab-runner"
	for i in "${!ID[@]}"; do
		u=${US[$i]}
		dir=$SCN/${ID[$i]}
		mkdir -m 0755 "$dir"
		echo "scenario ${ID[$i]}" >"$dir/f.txt"
		chown -R "$u:" "$dir"
	done
}

start_sshd() {
	local a n
	/usr/sbin/sshd -D -f "$WORK/sshd/sshd_config" -E "$WORK/sshd.log" &
	SSHD_PID=$!
	for a in "${ADDRS[@]}"; do
		n=0
		until (exec 3<>"/dev/tcp/$a/$PORT") 2>/dev/null; do
			kill -0 "$SSHD_PID" 2>/dev/null || die "sshd died; see $WORK/sshd.log"
			[ "$n" -lt 100 ] || die "sshd does not listen on $a:$PORT"
			nap 0.1
			n=$((n + 1))
		done
	done
	say "sshd running, pid $SSHD_PID, on ${ADDRS[*]} port $PORT"
}

ADIR=
start_auditd() {
	ADIR=$WORK/auditd
	mkdir -m 0700 "$ADIR" "$ADIR/log" "$ADIR/plugins.d"
	cat >"$ADIR/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $ADIR/log/audit.log
log_group = root
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 1024
num_logs = 5
priority_boost = 4
name_format = USER
name = $NODE
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
	chmod 0640 "$ADIR/auditd.conf"
	# a last look: another session may have taken the kernel audit meanwhile
	[ "$(audit_pid)" = 0 ] || skip "kernel audit subsystem taken by pid $(audit_pid) meanwhile"
	AUDIT_TOUCHED=1
	auditd -n -c "$ADIR" >/dev/null 2>"$ADIR/auditd.err" &
	AUDITD_PID=$!
	local n=0 p
	until [ "$(audit_pid)" = "$AUDITD_PID" ]; do
		if ! kill -0 "$AUDITD_PID" 2>/dev/null; then
			AUDITD_PID=
			p=$(audit_pid)
			[ "$p" = 0 ] || skip "kernel audit subsystem taken by pid $p meanwhile"
			die "auditd died: $(cat "$ADIR/auditd.err")"
		fi
		[ "$n" -lt 100 ] || die "auditd did not register with the kernel"
		nap 0.1
		n=$((n + 1))
	done
	nap 0.5
	say "auditd running, pid $AUDITD_PID, log_format ENRICHED, node $NODE"
}

SLOG=
declare -A UIDS=([root]=0) ENDED=()
# Each scenario runs in a subshell that first gives itself the loginuid of
# the scenario's user (as a login would; the kernel logs a LOGIN record and
# starts a new session id), notes that session id, cds to /tmp/sshw-ctx/<id>
# and execs the command with bash -c, through runuser for the test users.
run_one() { # index
	local i=$1 dir pid rc=0 n=0 to uid ses="" nb ended wait_for
	dir=$SCN/${ID[$i]}
	to=${TO[$i]}
	[ "$to" != - ] || to=$DEFAULT_TIMEOUT
	uid=${UIDS[${US[$i]}]}
	nb=${NB[$i]}
	ended=
	[ "$nb" = - ] || ended=${ENDED[${nb%+*}]:-}
	if [ -n "$ended" ]; then
		wait_for=$((ended + ${nb#*+} - SECONDS))
		if [ "$wait_for" -gt 0 ]; then
			say "${ID[$i]}: waiting ${wait_for}s (not before ${nb%+*} + ${nb#*+}s)"
			nap "$wait_for"
		fi
	fi
	printf '=== %s (%s): %s\n' "${ID[$i]}" "${US[$i]}" "${CMD[$i]}" >>"$SLOG"
	rm -f "$WORK/ses"
	if [ "${US[$i]}" = root ]; then
		(printf '%s' "$uid" >/proc/self/loginuid && { read -r s </proc/self/sessionid || :; } &&
			printf '%s\n' "${s:-}" >"$WORK/ses" && cd "$dir" &&
			exec /usr/bin/bash -c "${CMD[$i]}" 9>&-) </dev/null >>"$SLOG" 2>&1 &
	else
		(printf '%s' "$uid" >/proc/self/loginuid && { read -r s </proc/self/sessionid || :; } &&
			printf '%s\n' "${s:-}" >"$WORK/ses" && cd "$dir" &&
			exec runuser -u "${US[$i]}" -- /usr/bin/bash -c "${CMD[$i]}" 9>&-) </dev/null >>"$SLOG" 2>&1 &
	fi
	pid=$!
	OUR_PIDS+=",$pid"
	while kill -0 "$pid" 2>/dev/null; do
		if [ -z "$ses" ] && [ -s "$WORK/ses" ]; then
			read -r ses <"$WORK/ses" || true
			[ -z "$ses" ] || OUR_SES+=("$ses")
		fi
		if [ "$n" -eq $((to * 10)) ]; then
			printf '... timeout after %ss, killing\n' "$to" >>"$SLOG"
			kill -TERM "$pid" 2>/dev/null || true
			kill_in_dir TERM "$dir"
			[ -z "$ses" ] || kill_in_ses TERM "$ses"
		elif [ "$n" -eq $((to * 10 + 50)) ]; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
		nap 0.1
		n=$((n + 1))
	done
	wait "$pid" || rc=$?
	if [ -z "$ses" ] && [ -s "$WORK/ses" ]; then
		read -r ses <"$WORK/ses" || true
		[ -z "$ses" ] || OUR_SES+=("$ses")
	fi
	printf '... exit %s (ses %s)\n' "$rc" "${ses:-?}" >>"$SLOG"
	printf '%s\t%s\n' "${ID[$i]}" "$rc" >>"$WORK/rc"
	ENDED[${ID[$i]}]=$SECONDS
	# let stragglers end, then end whatever the scenario left
	nap 0.5
	kill_in_dir TERM "$dir"
	[ -z "$ses" ] || kill_in_ses TERM "$ses"
	nap 0.3
}

OUR_PIDS=
run_capture() {
	local i u uids=""
	SLOG=$WORK/scenarios.log
	: >"$SLOG"
	: >"$WORK/rc"
	setup_env
	for u in "${TEST_USERS[@]}"; do
		UIDS[$u]=$(id -u "$u")
		uids+=${uids:+,}${UIDS[$u]}
	done
	start_sshd
	start_auditd
	OUR_PIDS="$$,$SSHD_PID,$AUDITD_PID"
	auditctl -b 8192 >/dev/null
	auditctl -R "$RULES" >/dev/null
	say "rules loaded; running scenarios"
	for i in "${!ID[@]}"; do
		if [ -n "$ONLY" ] && ! [[ ${ID[$i]} =~ $ONLY ]]; then continue; fi
		run_one "$i"
	done
	nap 1
	auditctl -D >/dev/null
	nap 1
	stop_pid "$AUDITD_PID"
	AUDITD_PID=
	auditctl -e 0 >/dev/null
	say "auditd stopped; lost counter: $(auditctl -s | awk '$1 == "lost" { print $2 }')"
	[ ! -e "$ADIR/log/audit.log.1" ] || die "auditd rotated its log (too many events?)"
	# keep our events only (see filter_events.py)
	python3 "$FILTER" --pids "$OUR_PIDS" --uids "$uids" "$ADIR/log/audit.log:$OUT/audit.log"
	chmod 0644 "$OUT/audit.log"
}

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT/audit.log" "$OUT/scenarios.tsv"

say "kernel $(uname -r); $(auditctl -v); $(ssh -V 2>&1)"
run_capture

{
	printf '#id\tcwd\texpected\texpected_allowed\tuser\tcommand\n'
	for i in "${!ID[@]}"; do
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${ID[$i]}" "$SCN/${ID[$i]}" \
			"${EXP[$i]}" "${EXPA[$i]}" "${US[$i]}" "${CMD[$i]}"
	done
} >"$OUT/scenarios.tsv"
chmod 0644 "$OUT/scenarios.tsv"

say "scenario exit codes:"
while IFS=$'\t' read -r id rc; do printf '  %-16s %3s\n' "$id" "$rc" >&2; done <"$WORK/rc"
say "done; outputs in $OUT"
ls -l "$OUT" >&2
