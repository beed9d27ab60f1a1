# shellcheck shell=bash
# tests/remote/lib.sh: helpers for the remote-channel tests (sourced).
#
# Every test runs as root inside a network and a mount namespace of its
# own (sw_init re-executes the script under `unshare --net --mount'):
# auditd 3.0.9 listens on all addresses and has no option to bind one, and
# in a private network namespace "all addresses" is the loopback device
# alone.  /run is a private tmpfs there too, so that the aggregators'
# /run/auditd.pid neither touches the host's nor clashes with a test
# running beside this one.  The namespaces die with the test.
#
# The aggregator is a private auditd (`auditd -n -c DIR') that does not
# touch the kernel audit (local_events = no) and only takes the remote
# protocol on tcp_listen_port, logging what it gets to DIR/audit.log.
#
# Everything a test starts is recorded (sw_track) and stopped by pid on
# exit; the temporary directory is removed; mounts are undone.

set -u
export LC_ALL=C
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# make check-compat (tests/compat/check-compat.sh): SW_AUDIT_PREFIX is the
# prefix of the audit-userspace release under test, whose auditd, ausearch
# and aureport then run instead of the system's.
if [ -n "${SW_AUDIT_PREFIX:-}" ]; then
	[ -x "$SW_AUDIT_PREFIX/sbin/auditd" ] || {
		echo "FAIL: no auditd in SW_AUDIT_PREFIX=$SW_AUDIT_PREFIX" >&2
		exit 1
	}
	PATH=$SW_AUDIT_PREFIX/sbin:$PATH
fi

SW_NAME=${SW_NAME:-$(basename "$0" .sh)}
SW_PIDS=()
SW_MOUNTS=()
# Descriptors the test holds open (the plugins' standard inputs).
SW_FDS=()
SW_T=
# Hooks run by sw_cleanup after the processes are stopped (live_chain uses
# one to restore the kernel audit state).
SW_HOOKS=()
# The lock every test that changes the kernel audit takes (the same as
# tests/install/lib.sh's), in /tmp, which the namespaces share.
# shellcheck disable=SC2034 # for live_chain.sh
SW_AUDIT_LOCK=/tmp/sshwatch-kernel-audit.lock

sw_skip() {
	echo "SKIP: $SW_NAME: $*"
	exit 77
}

sw_fail() {
	echo "FAIL: $SW_NAME: $*" >&2
	exit 1
}

sw_log() {
	printf '[%s %(%T)T] %s\n' "$SW_NAME" -1 "$*" >&2
}

# Sleeps.  (Not `read -t': bash 5.2 can crash when a trapped signal
# arrives in it -- "longjmp causes uninitialized stack frame" -- and then
# nothing is cleaned up.)
sw_nap() {
	sleep "$1"
}

# sw_track PID: stop PID when the test ends.
sw_track() {
	SW_PIDS+=("$1")
}

sw_untrack() {
	local i

	for i in "${!SW_PIDS[@]}"; do
		[ "${SW_PIDS[$i]}" != "$1" ] || unset "SW_PIDS[$i]"
	done
}

# sw_spawn COMMAND...: execs COMMAND without the descriptors the test holds
# (a plugin's standard input left open in an aggregator would keep that
# plugin from ever seeing the end of its stream).  Run it with `&'.
sw_spawn() {
	local fd

	for fd in "${SW_FDS[@]}"; do
		eval "exec $fd>&-"
	done
	exec "$@"
}

# sw_close_fd FD: closes one of the descriptors in SW_FDS.
sw_close_fd() {
	local i

	eval "exec $1>&-"
	for i in "${!SW_FDS[@]}"; do
		[ "${SW_FDS[$i]}" != "$1" ] || unset "SW_FDS[$i]"
	done
}

# sw_stop_pid PID [SIGNAL]: signals one of our children, waits for it
# (SIGKILL after 10 s) and returns its exit status.
sw_stop_pid() {
	local pid=$1 sig=${2:-TERM} n=0 rc=0

	kill -s "$sig" "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 100 ]; do
		sw_nap 0.1
		n=$((n + 1))
	done
	kill -s KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || rc=$?
	sw_untrack "$pid"
	return "$rc"
}

# The indices of array $1, last first (the arrays have holes).
sw_rindex() {
	local -n arr=$1
	local idx=("${!arr[@]}") i

	for ((i = ${#idx[@]} - 1; i >= 0; i--)); do
		echo "${idx[$i]}"
	done
}

sw_cleanup() {
	local rc=$? i h

	set +e
	trap - EXIT INT TERM HUP
	for i in $(sw_rindex SW_PIDS); do
		sw_stop_pid "${SW_PIDS[$i]}"
	done
	for h in "${SW_HOOKS[@]}"; do
		"$h"
	done
	# Debugging: SW_KEEP=DIR keeps the files of a failed test.
	if [ -n "${SW_KEEP:-}" ] && [ -n "$SW_T" ] && [ "$rc" -ne 0 ] &&
	    [ "$rc" -ne 77 ]; then
		mkdir -p "$SW_KEEP" && cp -a "$SW_T" "$SW_KEEP/" &&
			echo "$SW_NAME: kept $SW_T in $SW_KEEP" >&2
	fi
	for i in $(sw_rindex SW_MOUNTS); do
		umount -l "${SW_MOUNTS[$i]}"
	done
	if [ -n "$SW_T" ] && [ -d "$SW_T" ]; then
		rm -rf --one-file-system "$SW_T"
	fi
	exit "$rc"
}

# sw_need TOOL...: skips the test when a tool is missing.
sw_need() {
	local t

	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || sw_skip "missing tool: $t"
	done
}

sw_need_root() {
	[ "$(id -u)" -eq 0 ] ||
		sw_skip "needs root (private auditd, network namespace)"
}

# sw_init: checks root and the tools, enters the namespaces (re-executing
# the script), makes $SW_T and sets PLUGIN and FIXTURES.
sw_init() {
	sw_need_root
	sw_need auditd ausearch aureport unshare ip ss python3 mount
	srcdir=$(cd "${srcdir:-.}" && pwd) || sw_fail "no srcdir"
	top_builddir=$(cd "${top_builddir:-.}" && pwd) || sw_fail "no top_builddir"
	export srcdir top_builddir
	PLUGIN=$top_builddir/plugin/audisp-sshwatch
	# shellcheck disable=SC2034 # for the tests
	FIXTURES=$srcdir/tests/fixtures/real
	[ -x "$PLUGIN" ] || sw_fail "$PLUGIN is not built"
	if [ "${SW_IN_NS:-}" != "$SW_NAME" ]; then
		unshare --net --mount --propagation private true 2>/dev/null ||
			sw_skip "cannot make network and mount namespaces (unshare)"
		SW_IN_NS=$SW_NAME exec unshare --net --mount \
		    --propagation private -- bash "$0"
	fi
	ip link set lo up || sw_fail "cannot bring up lo in the namespace"
	umask 077
	SW_T=$(mktemp -d "${TMPDIR:-/tmp}/sshw-$SW_NAME.XXXXXX") ||
		sw_fail "mktemp"
	trap sw_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	chmod 0711 "$SW_T"
	sw_private_run
}

# A tmpfs over /run (auditd writes /run/auditd.pid), keeping syslog's
# socket directory reachable so auditd's messages still reach the journal.
sw_private_run() {
	local j=/run/systemd/journal keep=$SW_T/.journal

	if ! [ -d "$j" ] || ! mkdir "$keep" ||
	    ! mount --bind "$j" "$keep"; then
		keep=
	fi
	mount -t tmpfs -o size=4m,mode=0755 sshw-run /run ||
		sw_fail "cannot mount a private /run"
	if [ -n "$keep" ] && ! { mkdir -p "$j" &&
	    mount --move "$keep" "$j"; }; then
		umount -l "$keep"
	fi
}

# sw_mount_tmpfs DIR SIZE: a tmpfs on DIR (undone on exit).
sw_mount_tmpfs() {
	mount -t tmpfs -o "size=$2,mode=0700" sshw-tmpfs "$1" || return 1
	SW_MOUNTS+=("$1")
}

sw_umount() {
	local i

	umount "$1" || return 1
	for i in "${!SW_MOUNTS[@]}"; do
		[ "${SW_MOUNTS[$i]}" != "$1" ] || unset "SW_MOUNTS[$i]"
	done
}

# sw_wait_for SECONDS COMMAND...: runs COMMAND every 0.1 s until it
# succeeds (returns 0) or SECONDS pass (returns 1).
sw_wait_for() {
	local end=$((SECONDS + $1))

	shift
	while ! "$@"; do
		[ "$SECONDS" -le "$end" ] || return 1
		sw_nap 0.1
	done
}

# A TCP port nobody listens on in this namespace.
sw_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

sw_listening() {
	[ -n "$(ss -Hltn "sport = :$1")" ]
}

# ------------------------------------------------------------ aggregator

# What marks an alert record.  Quoted like this it cannot come from the
# kernel's records of a command line that merely mentions op=sshwatch
# (an argument with an apostrophe is logged in hex).
SW_MARK=" msg='op=sshwatch "

# sw_agg_conf DIR PORT [LOG_FILE]: writes DIR/auditd.conf.
# What every auditd.conf of the tests holds (an aggregator's, a private
# local auditd's): raw logs, rotation, and actions that never halt.
sw_auditd_common() {
	cat <<'EOF'
log_format = RAW
flush = INCREMENTAL_ASYNC
freq = 1
max_log_file = 100
num_logs = 2
max_log_file_action = ROTATE
space_left = 10
space_left_action = SYSLOG
admin_space_left = 5
admin_space_left_action = SYSLOG
disk_full_action = SUSPEND
disk_error_action = SYSLOG
transport = TCP
distribute_network = no
overflow_action = SYSLOG
max_restarts = 10
EOF
}

sw_agg_conf() {
	local dir=$1 port=$2 log=${3:-$1/audit.log}

	mkdir -p "$dir/plugins.d"
	chmod 0700 "$dir" "$dir/plugins.d"
	echo "$log" >"$dir/logpath"
	{
		cat <<EOF
local_events = no
write_logs = yes
log_file = $log
name_format = none
tcp_listen_port = $port
tcp_listen_queue = 5
tcp_max_per_addr = 4
plugin_dir = $dir/plugins.d
q_depth = 1200
EOF
		sw_auditd_common
	} >"$dir/auditd.conf"
	chmod 0600 "$dir/auditd.conf"
}

sw_agg_pid() {
	cat "$1/pid"
}

# sw_agg_start DIR PORT [LOG_FILE]: starts an aggregator and waits until it
# listens.  Its pid is in DIR/pid.
sw_agg_start() {
	local dir=$1 port=$2 pid

	sw_agg_conf "$@"
	sw_spawn auditd -n -c "$dir" >>"$dir/auditd.out" 2>&1 &
	pid=$!
	sw_track "$pid"
	echo "$pid" >"$dir/pid"
	sw_wait_for 10 sw_listening "$port" ||
		sw_fail "aggregator did not listen on port $port: $(cat "$dir/auditd.out")"
	kill -0 "$pid" 2>/dev/null ||
		sw_fail "aggregator died: $(cat "$dir/auditd.out")"
}

# sw_agg_stop DIR [SIGNAL]
sw_agg_stop() {
	sw_stop_pid "$(sw_agg_pid "$1")" "${2:-TERM}" || true
	rm -f "$1/pid"
}

# sw_agg_log DIR: the aggregator's log file.
sw_agg_log() {
	cat "$1/logpath"
}

# sw_records DIR: the alert records an aggregator logged (every log file,
# oldest first).
sw_records() {
	local log

	log=$(sw_agg_log "$1")
	cat "$log".1 "$log" 2>/dev/null | grep -a "$SW_MARK" || true
}

sw_count() {
	sw_records "$@" | wc -l
}

# sw_have_records DIR N: at least N alert records logged.
sw_have_records() {
	[ "$(sw_count "$1")" -ge "$2" ]
}

# --------------------------------------------------------------- plugin

# sw_plugin_conf FILE PORT DIR [key=value...]: a plugin config with the
# remote sink on 127.0.0.1:PORT, spool and JSON file in DIR; key=value
# replaces a default or adds a key.
sw_plugin_conf() {
	local file=$1 port=$2 dir=$3 kv k v line
	local -A over=()
	local defaults=(
		"remote_server=127.0.0.1" "remote_port=$port"
		"spool_file=$dir/spool" "audit_sink=no" "syslog_alerts=no"
		"json_file=$dir/alerts.json" "name_format=user" "name=testnode"
		"network_retry_time=1" "network_retry_max=2" "ack_timeout=5"
		"heartbeat_timeout=0" "spool_max_size=64M"
		"spool_full_action=drop_new" "forward_timeout=30")

	shift 3
	for kv in "$@"; do
		over[${kv%%=*}]=${kv#*=}
	done
	: >"$file"
	for kv in "${defaults[@]}"; do
		k=${kv%%=*}
		v=${kv#*=}
		if [ -n "${over[$k]+x}" ]; then
			v=${over[$k]}
			unset "over[$k]"
		fi
		[ "$v" = "-" ] || echo "$k = $v" >>"$file"
	done
	for k in "${!over[@]}"; do
		line="$k = ${over[$k]}"
		echo "$line" >>"$file"
	done
	chmod 0600 "$file"
	"$PLUGIN" -t -c "$file" >/dev/null || sw_fail "bad plugin config $file"
}

# sw_plugin_start NAME CONF: starts the plugin in plugin mode (-s) reading
# the FIFO $SW_T/NAME.in, stderr to $SW_T/NAME.err.  Sets SW_PLUGIN_PID and
# SW_PLUGIN_FD (our end of its standard input).
sw_plugin_start() {
	local name=$1 conf=$2

	rm -f "$SW_T/$name.in"
	mkfifo "$SW_T/$name.in"
	sw_spawn "$PLUGIN" -s -c "$conf" <"$SW_T/$name.in" \
	    2>>"$SW_T/$name.err" &
	SW_PLUGIN_PID=$!
	sw_track "$SW_PLUGIN_PID"
	exec {SW_PLUGIN_FD}>"$SW_T/$name.in"
	SW_FDS+=("$SW_PLUGIN_FD")
}

# Closes the plugin's standard input (end of stream) and waits for it;
# returns its exit status.
sw_plugin_eof() {
	local rc=0

	sw_close_fd "$SW_PLUGIN_FD"
	sw_stop_pid "$SW_PLUGIN_PID" 0 || rc=$?
	return "$rc"
}

# sw_stat_line ERRFILE WHEN SINK: the last "WHEN: SINK ..." line the plugin
# logged (WHEN: statistics or stopping; SINK: remote_sink or records).
sw_stat_line() {
	grep -a "$2: $3" "$1" | tail -n 1
}

# sw_stat_value LINE KEY: the value of KEY= in a statistics line.
sw_stat_value() {
	local v

	v=$(printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | tail -n 1)
	echo "${v:--1}"
}

# sw_plugin_stats PID ERRFILE [SINK]: asks for statistics (SIGUSR1) and
# prints the "statistics: SINK" line it gets (default remote_sink).  The
# records= line comes last.
sw_plugin_stats() {
	local pid=$1 err=$2 before

	before=$(grep -ac "statistics: records=" "$err")
	kill -USR1 "$pid" || return 1
	sw_wait_for 5 sw_more_lines "$err" "statistics: records=" "$before" ||
		return 1
	sw_stat_line "$err" statistics "${3:-remote_sink}"
}

sw_more_lines() {
	[ "$(grep -ac "$2" "$1")" -gt "$3" ]
}

# ---------------------------------------------------------------- checks

# sw_replay_json FILE OUT: the alerts a plain replay of FILE finds (JSON
# lines in OUT); prints how many.
sw_replay_json() {
	"$PLUGIN" --replay "$1" >"$2" || sw_fail "replay of $1 failed"
	wc -l <"$2"
}

# sw_match JSON LOG...: matches every JSON alert with the aggregator's
# records by event=TIME:SERIAL and rule= (a repeat record by its
# last_event=, the time and serial its JSON line carries).  Prints "alerts
# records missing duplicates unknown": alerts in the JSON file, alert
# records logged, alerts with no record, extra copies of a record, records
# matching no alert.
sw_match() {
	python3 - "$@" <<'EOF'
import json, re, sys
alerts = {}
for line in open(sys.argv[1], encoding="utf-8", errors="surrogateescape"):
    a = json.loads(line)
    k = (a["time"], str(a["serial"]), a["rule"])
    alerts[k] = alerts.get(k, 0) + 1
seen, nrec = {}, 0
pat = re.compile(r" (?:last_)?event=([0-9.]+):([0-9]+) (?!repeated=)")
rule = re.compile(r" rule=([a-z0-9-]+)")
for path in sys.argv[2:]:
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        continue
    for raw in f:
        line = raw.decode("utf-8", "surrogateescape")
        if " msg='op=sshwatch " not in line:
            continue
        nrec += 1
        e, r = pat.search(line), rule.search(line)
        k = (e.group(1), e.group(2), r.group(1)) if e and r else None
        seen[k] = seen.get(k, 0) + 1
missing = sum(1 for k in alerts if k not in seen)
dups = sum(n - 1 for k, n in seen.items() if k in alerts)
unknown = sum(n for k, n in seen.items() if k not in alerts)
print(sum(alerts.values()), nrec, missing, dups, unknown)
EOF
}

# sw_gen_stream FILE N [PORT]: N synthetic `ssh -D PORT host' events in the
# auditd string format (SYSCALL, EXECVE, CWD, PATH, PROCTITLE, EOE), each
# with its own serial and pid.
sw_gen_stream() {
	python3 - "$@" <<'EOF'
import sys
out, n = sys.argv[1], int(sys.argv[2])
port = sys.argv[3] if len(sys.argv) > 3 else "1080"
t0, s0 = 1795900000, 500000
with open(out, "w") as f:
    for i in range(n):
        ts = "%d.%03d:%d" % (t0 + i // 1000, i % 1000, s0 + i)
        pid = 20000 + i
        argv = ["ssh", "-N", "-D", port, "user%d@127.0.0.1" % i]
        ex = " ".join('a%d="%s"' % (j, a) for j, a in enumerate(argv))
        title = "\0".join(argv).encode().hex().upper()
        f.write(
            f"type=SYSCALL msg=audit({ts}): arch=c000003e syscall=59 "
            f"success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=19999 "
            f"pid={pid} auid=1001 uid=1001 gid=1001 euid=1001 suid=1001 "
            f"fsuid=1001 egid=1001 sgid=1001 fsgid=1001 tty=(none) "
            f"ses=7 comm=\"ssh\" exe=\"/usr/bin/ssh\" key=\"sshw-exec\"\n"
            f"type=EXECVE msg=audit({ts}): argc={len(argv)} {ex}\n"
            f"type=CWD msg=audit({ts}): cwd=\"/tmp\"\n"
            f"type=PATH msg=audit({ts}): item=0 name=\"/usr/bin/ssh\" "
            f"inode=10977289 dev=fe:00 mode=0100755 ouid=0 ogid=0 "
            f"rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 "
            f"cap_fver=0 cap_frootid=0\n"
            f"type=PROCTITLE msg=audit({ts}): proctitle={title}\n"
            f"type=EOE msg=audit({ts}): \n")
EOF
}

# sw_split_stream FILE PARTS: cuts an audit stream into PARTS files
# FILE.0 ... at event boundaries (after an EOE record).
sw_split_stream() {
	python3 - "$@" <<'EOF'
import sys
path, parts = sys.argv[1], int(sys.argv[2])
lines = open(path, "rb").read().splitlines(keepends=True)
size = len(lines) // parts + 1
part, cur, out = 0, [], []
for line in lines:
    cur.append(line)
    if b" type=EOE " in b" " + line and len(cur) >= size and part < parts - 1:
        out.append(cur)
        cur, part = [], part + 1
out.append(cur)
for i, chunk in enumerate(out):
    open("%s.%d" % (path, i), "wb").write(b"".join(chunk))
print(len(out))
EOF
}

# ------------------------------------------------------ hostile stream
# tests/remote/hostile.py's stream and checks (injection.sh,
# injection_kernel.sh).

# sw_hostile_counts CASES: sets NEV (events), NEXEC and NFILE (alerts
# expected on executions and on files) and NAL (all alerts).
sw_hostile_counts() {
	# shellcheck disable=SC2034 # for the tests
	read -r NEV NEXEC NFILE < <(python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))
print(len(c), *(sum(len(x["rules"]) for x in c if x["kind"] == k)
                for k in ("exec", "file")))' "$1") ||
		sw_fail "cannot read $1"
	NAL=$((NEXEC + NFILE))
}

# sw_hostile_json CASES FILE: the JSON sink's FILE holds one valid line
# per expected alert, each decoding to the bytes of its case.
sw_hostile_json() {
	local out n longest

	out=$(python3 "$srcdir/tests/remote/hostile.py" json "$1" "$2" 2>&1) ||
		sw_fail "$(basename "$2"): $out"
	read -r n longest <<<"$out"
	[ "$n" -eq "$NAL" ] || sw_fail "$(basename "$2"): $n alerts, want $NAL"
	sw_log "$(basename "$2"): $n alerts, one JSON line each (the longest" \
	    "$longest bytes); argv, host, path, owner, cwd decode to the bytes"
}

# sw_hostile_records CASES NODE OUTER LOG...: the logs hold one whole
# record per expected alert, each decoding to the bytes of its case (see
# hostile.py).  Sets SW_NREC and SW_LONGEST (bytes).
sw_hostile_records() {
	local out

	out=$(python3 "$srcdir/tests/remote/hostile.py" records "$@" 2>&1) ||
		sw_fail "$4: $out"
	# shellcheck disable=SC2034 # for the tests
	read -r SW_NREC SW_LONGEST <<<"$out"
	[ "$SW_NREC" -eq "$NAL" ] ||
		sw_fail "$4: $SW_NREC records, want $NAL"
}

# sw_probe_acct_hex DIR: does this ausearch -i decode a hex acct= with a
# letter in it?  audit 3.1.5's does not (its is_hex_string() tests isdigit,
# 3.1.2 and 4.x test isxdigit): it shows the hex as logged.  Exports
# SW_AUSEARCH_RAW_HEX_ACCT=1 for hostile.py then, and says so.
sw_probe_acct_hex() {
	local p=$1/acct-probe.log

	echo "type=ANOM_MOD_ACCT msg=audit(1700000000.000:1): pid=1 uid=0 auid=0 ses=1 msg='op=probe acct=6E6F0A6C696E65 exe=\"/x\" res=success'" >"$p"
	if ausearch -if "$p" -i 2>/dev/null | grep -q ' acct=no\\012line '; then
		SW_AUSEARCH_RAW_HEX_ACCT=0
	elif ausearch -if "$p" -i 2>/dev/null |
	    grep -q ' acct=6E6F0A6C696E65 '; then
		SW_AUSEARCH_RAW_HEX_ACCT=1
		sw_log "this ausearch -i shows a hex acct= with letters as logged (audit 3.1.5)"
	else
		sw_fail "ausearch -i shows the probe's acct= neither decoded nor as logged: $(ausearch -if "$p" -i 2>&1 | head -c 300)"
	fi
	export SW_AUSEARCH_RAW_HEX_ACCT
}

# sw_hostile_ausearch CASES LOG DIR: in LOG, ausearch finds the alert
# records by type and result; of the alert records alone (DIR/ours.log: a
# kernel's log may hold other anomalies, such as a crash's ANOM_ABEND),
# ausearch -i decodes each (hostile.py ausearch) and aureport --anomaly
# lists them all.  DIR holds their output.
sw_hostile_ausearch() {
	local cases=$1 log=$2 d=$3 n rc=0

	n=$(ausearch -if "$log" --raw -m ANOM_EXEC 2>/dev/null |
		grep -ac "$SW_MARK")
	[ "$n" -eq "$NEXEC" ] ||
		sw_fail "ausearch -m ANOM_EXEC finds $n of $NEXEC"
	n=$(ausearch -if "$log" --raw -m ANOM_MOD_ACCT 2>/dev/null |
		grep -ac "$SW_MARK")
	[ "$n" -eq "$NFILE" ] ||
		sw_fail "ausearch -m ANOM_MOD_ACCT finds $n of $NFILE"
	n=$(ausearch -if "$log" --raw -sv yes 2>/dev/null | grep -ac "$SW_MARK")
	[ "$n" -eq "$NAL" ] || sw_fail "ausearch -sv yes finds $n of $NAL"
	n=$(ausearch -if "$log" --raw -sv no 2>/dev/null | grep -ac "$SW_MARK")
	[ "$n" -eq 0 ] || sw_fail "ausearch -sv no finds $n records"
	grep -a "$SW_MARK" "$log" >"$d/ours.log"
	ausearch -if "$d/ours.log" -i >"$d/all.i" 2>"$d/all.i.err" || rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$d/all.i.err" ]; then
		sw_fail "ausearch -i exited $rc: $(head -c 300 "$d/all.i.err")"
	fi
	sw_probe_acct_hex "$d"
	n=$(python3 "$srcdir/tests/remote/hostile.py" ausearch "$cases" \
	    "$d/all.i" "$log" 2>&1) || sw_fail "ausearch -i: $n"
	[ "$n" -eq "$NAL" ] || sw_fail "ausearch -i shows $n of $NAL records"
	n=$(aureport -if "$d/ours.log" --anomaly 2>/dev/null |
		grep -acE '^[0-9]+\. .* ANOM_(EXEC|MOD_ACCT) ')
	[ "$n" -eq "$NAL" ] || sw_fail "aureport --anomaly lists $n of $NAL"
}

# ---------------------------------------------------------- kernel audit
# For the tests on the real kernel (live_chain.sh, injection_kernel.sh):
# a private auditd registers with the kernel audit, which must be free (no
# auditd, configuration not locked).  They take SW_AUDIT_LOCK, save the
# kernel audit state (rules, enabled, backlog limit and wait time, rate
# limit) and put it back on exit; -e 2 and -f 2 are never used.

SW_KSTATUS=
# Set once the kernel audit state may have been changed.
SW_KTOUCHED=
# The private auditd's pid, and the rules a test loaded (auditctl -a
# arguments, one a line).
SW_LPID=
SW_KRULES=()

sw_kst() {
	awk -v k="$1" '$1 == k { print $2; exit }' <<<"$SW_KSTATUS"
}

# sw_kernel_free: skips the test unless the kernel audit is free, and in
# a package build (SSHWATCH_PACKAGE_BUILD: debian/rules, the spec's
# %check), which must not touch the build host's kernel audit.
sw_kernel_free() {
	[ -z "${SSHWATCH_PACKAGE_BUILD:-}" ] ||
		sw_skip "inside a package build (the kernel audit is the host's)"
	SW_KSTATUS=$(auditctl -s 2>/dev/null) ||
		sw_skip "auditctl -s failed (no kernel audit?)"
	[ "$(sw_kst pid)" = 0 ] ||
		sw_skip "kernel audit owned by pid $(sw_kst pid) (another auditd)"
	[ "$(sw_kst enabled)" != 2 ] ||
		sw_skip "kernel audit configuration is locked (enabled 2)"
}

# sw_kernel_take: after sw_init, takes the lock of every test that changes
# the kernel audit (tests/install takes it too), held until the state is
# restored but not by our children; checks again that the kernel audit is
# free and saves its state, which sw_cleanup restores.
sw_kernel_take() {
	exec {SW_LOCKFD}>>"$SW_AUDIT_LOCK" || sw_fail "cannot open $SW_AUDIT_LOCK"
	SW_FDS+=("$SW_LOCKFD")
	flock -w 600 "$SW_LOCKFD" ||
		sw_skip "another test has held the kernel audit for 600 s"
	sw_kernel_free
	SW_ORIG_ENABLED=$(sw_kst enabled)
	SW_ORIG_BACKLOG=$(sw_kst backlog_limit)
	SW_ORIG_BWT=$(sw_kst backlog_wait_time)
	SW_ORIG_RATE=$(sw_kst rate_limit)
	auditctl -l >"$SW_T/orig.rules" || sw_fail "auditctl -l failed"
	SW_HOOKS+=(sw_kernel_stop)
}

# sw_kernel_rule ARG...: loads the audit rule `auditctl -a ARG...', deleted
# first on exit.
sw_kernel_rule() {
	SW_KTOUCHED=1
	auditctl -a "$@" >/dev/null || return 1
	SW_KRULES+=("$*")
}

# sw_kernel_unrule ARG...: deletes a rule sw_kernel_rule loaded.
sw_kernel_unrule() {
	local i

	auditctl -d "$@" >/dev/null || return 1
	for i in "${!SW_KRULES[@]}"; do
		[ "${SW_KRULES[$i]}" != "$*" ] || unset "SW_KRULES[$i]"
	done
}

# sw_gone PID: the process has ended (a zombie has).
sw_gone() {
	case $(ps -o stat= -p "$1") in
	'' | Z*) return 0 ;;
	*) return 1 ;;
	esac
}

# The rules go first, then the private auditd and its plugins (which
# auditd only signals), then the kernel audit state is put back.
sw_kernel_stop() {
	local r kids p

	for r in "${SW_KRULES[@]}"; do
		# shellcheck disable=SC2086 # the words of the rule
		auditctl -d $r >/dev/null 2>&1
	done
	SW_KRULES=()
	if [ -n "$SW_LPID" ]; then
		kids=$(pgrep -P "$SW_LPID")
		sw_stop_pid "$SW_LPID"
		for p in $kids; do
			sw_wait_for 10 sw_gone "$p" || kill -s KILL "$p"
		done
		SW_LPID=
	fi
	sw_kernel_restore
}

sw_kernel_restore() {
	[ -n "$SW_KTOUCHED" ] || return 0
	SW_KTOUCHED=
	# Another auditd may have come meanwhile: then its state is not ours.
	SW_KSTATUS=$(auditctl -s)
	if [ "$(sw_kst pid)" != 0 ]; then
		echo "$SW_NAME: pid $(sw_kst pid) owns the kernel audit now; its state is left alone" >&2
		return 0
	fi
	auditctl -D >/dev/null
	if ! grep -qx 'No rules' "$SW_T/orig.rules"; then
		auditctl -R "$SW_T/orig.rules" >/dev/null ||
			echo "$SW_NAME: could not reload the rules: $(cat "$SW_T/orig.rules")" >&2
	fi
	auditctl -r "$SW_ORIG_RATE" >/dev/null
	auditctl -b "$SW_ORIG_BACKLOG" >/dev/null
	[ -z "$SW_ORIG_BWT" ] ||
		auditctl --backlog_wait_time "$SW_ORIG_BWT" >/dev/null
	auditctl -e "$SW_ORIG_ENABLED" >/dev/null
}

sw_kernel_pid_is() {
	[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$1" ]
}

# sw_local_plugin DIR PATH [ARGS]: after sw_kernel_take, a private auditd
# in DIR that registers with the kernel, logs to DIR/audit.log and runs one
# plugin, PATH with ARGS (format string).  Returns once auditd is
# registered and DIR/alerts.json exists (the plugin's json_file, made at
# its start); sets SW_LPID and a backlog limit of 8192.
sw_local_plugin() {
	local d=$1 path=$2 args=${3:-}

	mkdir -p "$d/plugins.d"
	chmod 0700 "$d" "$d/plugins.d"
	{
		cat <<EOC
local_events = yes
write_logs = yes
log_file = $d/audit.log
plugin_dir = $d/plugins.d
q_depth = 8000
EOC
		sw_auditd_common
	} >"$d/auditd.conf"
	{
		printf 'active = yes\ndirection = out\npath = %s\n' "$path"
		printf 'type = always\n'
		[ -z "$args" ] || printf 'args = %s\n' "$args"
		printf 'format = string\n'
	} >"$d/plugins.d/sshwatch.conf"
	chmod 0600 "$d/auditd.conf" "$d/plugins.d/sshwatch.conf"
	SW_KTOUCHED=1
	sw_spawn auditd -n -c "$d" >"$d/auditd.out" 2>&1 &
	SW_LPID=$!
	sw_wait_for 10 sw_kernel_pid_is "$SW_LPID" ||
		sw_fail "private auditd did not register: $(cat "$d/auditd.out")"
	sw_wait_for 10 test -e "$d/alerts.json" ||
		sw_fail "the plugin did not start: $(cat "$d/auditd.out" \
		    "$d/plugin.err" 2>/dev/null)"
	auditctl -b 8192 >/dev/null
}

sw_connected() {
	[ -n "$(ss -Htn state established "( dport = :$1 )")" ]
}

# sw_local_start DIR PORT NAME [PLUGIN_CONF]: the private auditd, in DIR:
# it registers with the kernel (local_events = yes), logs to DIR/audit.log
# as node NAME and forwards every record through audisp-remote (format =
# managed) to the aggregator on 127.0.0.1:PORT; with PLUGIN_CONF it also
# runs the plugin with `-c PLUGIN_CONF'.  audisp-remote only reads
# /etc/audit/audisp-remote.conf: a wrapper runs it in a mount namespace of
# its own with DIR's file bound over that path.  Returns once auditd is
# registered and audisp-remote connected.  Sets SW_LPID.  (sw_agg_log,
# sw_records and sw_count work on DIR as on an aggregator's.)
sw_local_start() {
	local dir=$1 port=$2 name=$3 pconf=${4:-} remote

	remote=$(command -v audisp-remote) ||
		sw_fail "missing audisp-remote"
	mkdir -p "$dir/plugins.d"
	chmod 0700 "$dir" "$dir/plugins.d"
	echo "$dir/audit.log" >"$dir/logpath"
	{
		cat <<EOC
local_events = yes
write_logs = yes
log_file = $dir/audit.log
name_format = user
name = $name
tcp_listen_queue = 5
tcp_max_per_addr = 1
plugin_dir = $dir/plugins.d
q_depth = 8000
EOC
		sw_auditd_common
	} >"$dir/auditd.conf"
	cat >"$dir/audisp-remote.conf" <<EOC
remote_server = 127.0.0.1
port = $port
local_port = any
transport = tcp
mode = immediate
queue_file = $dir/remote.queue
queue_depth = 10240
format = managed
network_retry_time = 1
max_tries_per_record = 3
max_time_per_record = 5
heartbeat_timeout = 0
network_failure_action = syslog
disk_low_action = ignore
disk_full_action = syslog
disk_error_action = syslog
remote_ending_action = reconnect
generic_error_action = syslog
generic_warning_action = syslog
queue_error_action = syslog
overflow_action = syslog
startup_failure_action = warn_once_continue
EOC
	cat >"$dir/audisp-remote.sh" <<EOC
#!/bin/sh
# audisp-remote with this test's configuration, in its own mount namespace.
exec unshare -m --propagation private sh -c 'mount --bind "\$1" /etc/audit/audisp-remote.conf && exec "\$2"' sh "$dir/audisp-remote.conf" "$remote"
EOC
	cat >"$dir/plugins.d/au-remote.conf" <<EOC
active = yes
direction = out
path = $dir/audisp-remote.sh
type = always
format = string
EOC
	# (auditd 3.0.9 takes at most two words of args.)
	if [ -n "$pconf" ]; then
		cat >"$dir/plugins.d/sshwatch.conf" <<EOC
active = yes
direction = out
path = $PLUGIN
type = always
args = -c $pconf
format = string
EOC
	fi
	chmod 0600 "$dir/auditd.conf" "$dir/plugins.d"/*.conf
	chmod 0640 "$dir/audisp-remote.conf"
	chmod 0755 "$dir/audisp-remote.sh"
	SW_KTOUCHED=1
	sw_spawn auditd -n -c "$dir" >"$dir/auditd.out" 2>&1 &
	SW_LPID=$!
	sw_wait_for 10 sw_kernel_pid_is "$SW_LPID" ||
		sw_fail "private auditd did not register with the kernel: $(cat "$dir/auditd.out")"
	sw_wait_for 10 sw_connected "$port" ||
		sw_fail "audisp-remote did not connect to the aggregator: $(cat "$dir/auditd.out")"
}
