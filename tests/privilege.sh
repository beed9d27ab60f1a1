#!/bin/bash
# shellcheck disable=SC2317 # cleanup runs from the EXIT trap
# privilege.sh: what plugin mode keeps of root's privileges, and where its
# signals land (audisp-sshwatch(8), PRIVILEGES and SIGNALS).
#
# The plugin runs as root in plugin mode, started by this script (so this
# shell is its parent), reading a FIFO, logging to standard error (-s).
#  1. audit_sink = yes, a remote sink (no aggregator: it only spools) and
#     a JSON file; authorized_keys_paths names one file in a home of mode
#     0700 that another uid owns:
#     - the start-up look found that file (one more than in run 2, whose
#       config does not name it): it ran before the drop, with
#       CAP_DAC_READ_SEARCH;
#     - in every thread (main, audit sink, remote sink): CapEff and CapPrm
#       0000000020000004 (CAP_AUDIT_WRITE and CAP_DAC_READ_SEARCH),
#       CapInh, CapBnd and CapAmb 0, NoNewPrivs 1; the log says
#       "capabilities kept: dac_read_search, audit_write; bounding set:
#       none";
#     - after the drop, the client configuration a client of uid 4242
#       reads (ssh -F FILE, FILE 0600 in that 0700 home) is read: the
#       alert names FILE:LINE (CAP_DAC_READ_SEARCH kept, for reading);
#     - the sink threads block every signal that can be blocked (1-31 but
#       SIGKILL and SIGSTOP); the main thread blocks none of SIGHUP,
#       SIGINT, SIGUSR1, SIGTERM;
#     - SIGHUP: "configuration reloaded", still running, the restarted
#       sink threads with the same capabilities and masks;
#     - an alert after the reload reaches the kernel (SIGUSR1 statistics:
#       audit_sink sent=1 refused=0): the capability kept still works,
#       in the thread and socket the reload made.  Only when no audit
#       daemon is registered, so that no real audit trail gets the record;
#     - SIGTERM from another process: "stopped by a signal from pid N,
#       not the parent (pid M)", N that process and M this shell.
#  2. audit_sink = no: CapEff and CapPrm 0000000000000004
#     (CAP_DAC_READ_SEARCH alone), CapBnd 0 in every thread, "capabilities
#     kept: dac_read_search"; a reload that turns audit_sink on is
#     refused with the reason and the plugin runs on; a SIGTERM from this
#     shell, the parent, stops it with no "not the parent" line.
#     It runs first: its count of authorized_keys files is run 1's base.
# Needs root with CAP_AUDIT_WRITE and a plugin built with libcap-ng (exit
# 77 otherwise).
# Takes the kernel audit lock the live tests take: run 1 sends a record.
set -u
export LC_ALL=C
NAME=privilege
top_builddir=${top_builddir:-.}
PLUGIN=$top_builddir/plugin/audisp-sshwatch
LOCK=/tmp/sshwatch-kernel-audit.lock
PID=
T=

skip() {
	echo "SKIP: $NAME: $*"
	exit 77
}

fail() {
	echo "FAIL: $NAME: $*" >&2
	[ -z "$T" ] || [ ! -f "$T/err" ] || sed 's/^/plugin: /' "$T/err" >&2
	exit 1
}

say() {
	printf '[%s %(%T)T] %s\n' "$NAME" -1 "$*" >&2
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
# We hand the plugin what we hold: it must include CAP_AUDIT_WRITE (29).
eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
(( (16#$eff >> 29) & 1 )) || skip "this shell lacks CAP_AUDIT_WRITE"
command -v flock >/dev/null || skip "missing tool: flock"

T=$(mktemp -d "${TMPDIR:-/tmp}/sshw-$NAME.XXXXXX") || fail "mktemp"
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
exec {LOCKFD}>>"$LOCK" || fail "cannot open $LOCK"
flock -w 600 "$LOCKFD" || skip "another test kept the kernel audit lock"

# A home of mode 0700 that root can search only with CAP_DAC_READ_SEARCH
# (in a directory its owner may search: the plugin reads a client's files
# only where that client could).
chmod 0711 "$T"
mkdir -p "$T/home/alice/.ssh"
: >"$T/home/alice/.ssh/authorized_keys"
printf 'Host h\n  DynamicForward 1080\n' >"$T/home/alice/.ssh/config"
chmod 0600 "$T/home/alice/.ssh/config"
chown -R 4242:4242 "$T/home/alice"
chmod 0700 "$T/home/alice" "$T/home/alice/.ssh"

# conf FILE AUDIT_SINK [key = value...]: a plugin config, root's, 0600.
conf() {
	local file=$1 audit=$2

	shift 2
	{
		echo "audit_sink = $audit"
		echo "syslog_alerts = no"
		echo "openssh_version = 9.2"
		echo "dedup_window = 0"
		echo "json_file = $T/alerts.json"
		echo "remote_server = 127.0.0.1"
		echo "heartbeat_timeout = 0"
		echo "spool_file = $T/spool"
		printf '%s\n' "$@"
	} >"$file"
	chmod 0600 "$file"
	"$PLUGIN" -t -c "$file" >/dev/null || fail "bad config $file"
}

# start CONF: the plugin on the FIFO $T/in (our end: fd $IN), its log in
# $T/err; waits until it has started.  Sets PID.
start() {
	rm -f "$T/in" "$T/err"
	mkfifo "$T/in"
	"$PLUGIN" -s -c "$1" <"$T/in" 2>"$T/err" {LOCKFD}>&- &
	PID=$!
	exec {IN}>"$T/in"
	wait_log "started, following OpenSSH" || fail "the plugin did not start"
}

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

# stopped: waits up to 10 s for the plugin to exit, with status 0 (told
# to stop; a sanitizer's report would make it non-zero).
stopped() {
	local i rc=0

	for ((i = 0; i < 100; i++)); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$PID" 2>/dev/null && fail "the plugin did not stop"
	wait "$PID" || rc=$?
	PID=
	exec {IN}>&-
	[ "$rc" -eq 0 ] || fail "the plugin exited with status $rc"
}

# field STATUS_FILE NAME: one field of a /proc status file.
field() {
	awk -v k="$2:" '$1 == k { print $2; exit }' "$1"
}

# check_threads COUNT CAPS: the plugin has COUNT threads, each with CapEff
# and CapPrm CAPS, empty CapInh, CapBnd and CapAmb, and NoNewPrivs 1; the
# main thread blocks none of HUP, INT, USR1, TERM; every other thread
# blocks all of 1-31 but KILL and STOP.
check_threads() {
	local want=$1 caps=$2 task tid n=0 f v blk sig

	for task in /proc/"$PID"/task/*; do
		tid=${task##*/}
		n=$((n + 1))
		for f in CapEff CapPrm; do
			v=$(field "$task/status" $f)
			[ "$v" = "$caps" ] ||
				fail "thread $tid: $f $v, not $caps"
		done
		for f in CapInh CapBnd CapAmb; do
			v=$(field "$task/status" $f)
			[ "$v" = 0000000000000000 ] ||
				fail "thread $tid: $f $v, not 0"
		done
		v=$(field "$task/status" NoNewPrivs)
		[ "$v" = 1 ] || fail "thread $tid: NoNewPrivs $v"
		v=$(field "$task/status" SigBlk)
		blk=$((16#$v))
		if [ "$tid" = "$PID" ]; then
			# Read while it waits in ppoll(), which lets them in.
			for sig in 1 2 10 15; do
				(( ((blk >> (sig - 1)) & 1) == 0 )) ||
					fail "main thread blocks signal $sig (SigBlk $v)"
			done
		else
			for ((sig = 1; sig <= 31; sig++)); do
				case $sig in 9 | 19) continue ;; esac
				(( (blk >> (sig - 1)) & 1 )) ||
					fail "thread $tid does not block signal $sig (SigBlk $v)"
			done
		fi
		say "thread $tid: CapEff $(field "$task/status" CapEff)" \
		    "CapPrm $(field "$task/status" CapPrm)" \
		    "CapBnd $(field "$task/status" CapBnd)" \
		    "SigBlk $v NoNewPrivs $(field "$task/status" NoNewPrivs)"
	done
	[ "$n" -eq "$want" ] || fail "$n threads, not $want"
}

# tasks: the plugin's thread ids, on one line.
tasks() {
	local t

	for t in /proc/"$PID"/task/*; do
		printf '%s ' "${t##*/}"
	done
}

# known_at_start: N of "N authorized_keys files known at start".
known_at_start() {
	sed -n 's/.*: \([0-9]*\) authorized_keys files known at start$/\1/p' \
	    "$T/err" | head -n 1
}

AUDIT_WRITE=0000000020000004
DAC_READ_SEARCH=0000000000000004
# A client of uid 4242 reading its own 0600 file with -F.
EV_CONF="type=SYSCALL msg=audit(11.001:2): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=101 auid=4242 uid=4242 gid=4242 euid=4242 suid=4242 fsuid=4242 egid=4242 sgid=4242 fsgid=4242 tty=pts0 ses=8 comm=\"ssh\" exe=\"/usr/bin/ssh\" key=(null)
type=EXECVE msg=audit(11.001:2): argc=4 a0=\"ssh\" a1=\"-F\" a2=\"$T/home/alice/.ssh/config\" a3=\"h\"
type=CWD msg=audit(11.001:2): cwd=\"/\"
type=PROCTITLE msg=audit(11.001:2): proctitle=737368
type=EOE msg=audit(11.001:2): "
EV='type=SYSCALL msg=audit(10.001:1): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=100 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=7 comm="ssh" exe="/usr/bin/ssh" key=(null)
type=EXECVE msg=audit(10.001:1): argc=4 a0="ssh" a1="-fND1080" a2="alice@h" a3="true"
type=CWD msg=audit(10.001:1): cwd="/home/alice"
type=PROCTITLE msg=audit(10.001:1): proctitle=737368
type=EOE msg=audit(10.001:1): '

# ------------------------------------------------------ 2. audit_sink = no
# (First, for the number of authorized_keys files the accounts alone give.)
conf "$T/off.conf" no
start "$T/off.conf"
base=$(known_at_start)
[ -n "$base" ] || fail "no \"known at start\" line"
wait_log "capabilities kept: dac_read_search; bounding set: none" ||
	fail "no \"capabilities kept: dac_read_search\" line"
check_threads 2 "$DAC_READ_SEARCH"
conf "$T/off.conf" yes
kill -HUP "$PID"
wait_log "reload refused, keeping the running configuration: audit_sink = yes needs CAP_AUDIT_WRITE" ||
	fail "a reload turning audit_sink on was not refused"
kill -0 "$PID" 2>/dev/null || fail "the plugin died at the refused reload"
check_threads 2 "$DAC_READ_SEARCH"
# SIGTERM from the parent: no line about it.
kill -TERM "$PID"
stopped
grep -q "stopping: records=" "$T/err" || fail "no statistics at the stop"
! grep -q "not the parent" "$T/err" ||
	fail "a SIGTERM from the parent was logged: $(grep "not the parent" "$T/err")"
say "audit_sink = no: CAP_DAC_READ_SEARCH alone kept, reload refused, parent's SIGTERM not logged"

# ----------------------------------------------------- 1. audit_sink = yes
conf "$T/on.conf" yes "authorized_keys_paths = $T/home/*/.ssh/authorized_keys"
start "$T/on.conf"
n=$(known_at_start)
[ "$n" = $((base + 1)) ] ||
	fail "$n authorized_keys files known at start, not $((base + 1)): the look into the 0700 home failed"
wait_log "capabilities kept: dac_read_search, audit_write; bounding set: none" ||
	fail "no \"capabilities kept: dac_read_search, audit_write\" line"
check_threads 3 "$AUDIT_WRITE"
# After the drop, a 0600 client configuration in a 0700 home of uid 4242.
printf '%s\n' "$EV_CONF" >&"$IN"
for ((i = 0; i < 50; i++)); do
	grep -qF "home/alice/.ssh/config:2: DynamicForward 1080" \
	    "$T/alerts.json" 2>/dev/null && break
	sleep 0.1
done
grep -qF "home/alice/.ssh/config:2: DynamicForward 1080" "$T/alerts.json" ||
	fail "the 0600 client configuration was not read after the drop"
say "a 0600 ~/.ssh/config in a 0700 home of uid 4242 read after the drop"
before=$(tasks)

kill -HUP "$PID"
wait_log "configuration reloaded" || fail "no \"configuration reloaded\" line"
kill -0 "$PID" 2>/dev/null || fail "the plugin died at the reload"
# The sink threads restart; wait until both new ones are there.
for ((i = 0; i < 50; i++)); do
	after=$(tasks)
	[ "$after" != "$before" ] && [ "$(wc -w <<<"$after")" -eq 3 ] && break
	sleep 0.1
done
[ "$after" != "$before" ] || fail "the sink threads did not restart ($after)"
check_threads 3 "$AUDIT_WRITE"

if command -v auditctl >/dev/null &&
    auditctl -s 2>/dev/null | grep -qx "pid 0"; then
	printf '%s\n' "$EV" >&"$IN"
	for ((i = 0; i < 20; i++)); do
		kill -USR1 "$PID"
		sleep 0.5
		grep -q "statistics: audit_sink queued=1 sent=1 refused=0" \
		    "$T/err" && break
	done
	grep -q "statistics: audit_sink queued=1 sent=1 refused=0" "$T/err" ||
		fail "the alert did not reach the kernel: $(grep "audit_sink" "$T/err" | tail -n 1)"
	say "an alert after the reload reached the kernel (sent=1 refused=0)"
else
	say "not sending an alert to the kernel: auditctl missing or an audit daemon is registered"
fi

# SIGTERM from another process, whose pid is not our shell's.
sh -c 'echo $$ >"$1"; exec kill -TERM "$2"' sh "$T/sender" "$PID"
sender=$(cat "$T/sender")
[ "$sender" != $$ ] || fail "the sender is this shell"
stopped
grep -qF "stopped by a signal from pid $sender, not the parent (pid $$)" \
    "$T/err" ||
	fail "no \"stopped by a signal from pid $sender, not the parent (pid $$)\" line: $(grep "stopped by" "$T/err")"
say "audit_sink = yes: CAP_AUDIT_WRITE and CAP_DAC_READ_SEARCH in every thread, through a reload; SIGTERM from pid $sender logged"
exit 0
