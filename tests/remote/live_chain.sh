#!/bin/bash
# shellcheck disable=SC2317 # hooks and sw_wait_for conditions
# live_chain.sh: the whole chain on the real kernel.
#
#   real ssh execve -> kernel audit -> private auditd (local_events = yes)
#     -> plugin audisp-sshwatch (audit_sink = yes) -> its ANOM_EXEC record
#        back through the kernel into the private auditd's log
#     -> audisp-remote (format = managed) -> aggregator auditd on loopback
#
# Everything runs in the test's own network namespace (lib.sh): the
# kernel's audit netlink works from any network namespace (auditd
# registers with the kernel, the plugin's records reach it), so the
# private auditd, audisp-remote and the aggregator all talk over that
# namespace's loopback, and the aggregator listens nowhere else.
# audisp-remote only reads /etc/audit/audisp-remote.conf: a wrapper runs it
# in a mount namespace of its own with the test's file bound over that
# path.
#
# One execve rule is loaded and three real ssh commands run as nobody
# (uid 65534) -- -D, -L and -R to 127.0.0.1 port 1: nothing listens, the
# connection is refused, but the exec is audited.  Asserted: the plugin
# alerts on each; each alert's record is in the private auditd's log and
# reaches the aggregator exactly once, as "node=chainnode type=ANOM_EXEC",
# with the plugin's pid and uid 0 outside and the actor's uid 65534
# inside, and `ausearch -i' decodes its cmd to the argv.
#
# Needs root and a free kernel audit subsystem (`auditctl -s' pid 0, not
# locked), else exit 77.  The audit state found (rules, enabled, backlog
# limit and wait time, rate limit) is restored on exit; -e 2 and -f 2 are
# never used.
. "${srcdir:-.}/tests/remote/lib.sh"
sw_need_root
sw_need auditctl ssh setpriv flock
REMOTE=$(command -v audisp-remote) || sw_skip "missing audisp-remote (audispd-plugins)"
STATUS=$(auditctl -s 2>/dev/null) || sw_skip "auditctl -s failed (no kernel audit?)"
st() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$STATUS"; }
[ "$(st pid)" = 0 ] || sw_skip "kernel audit owned by pid $(st pid) (another auditd)"
[ "$(st enabled)" != 2 ] || sw_skip "kernel audit configuration is locked (enabled 2)"
sw_init
# The lock of every test that changes the kernel audit (tests/install
# takes it too), held until the state is restored; not for our children.
exec {LOCKFD}>>"$SW_AUDIT_LOCK" || sw_fail "cannot open $SW_AUDIT_LOCK"
SW_FDS+=("$LOCKFD")
flock -w 90 "$LOCKFD" ||
	sw_skip "another test has held the kernel audit for 90 s"
STATUS=$(auditctl -s)
[ "$(st pid)" = 0 ] || sw_skip "kernel audit owned by pid $(st pid) (another auditd)"
[ "$(st enabled)" != 2 ] || sw_skip "kernel audit configuration is locked (enabled 2)"

# ------------------------------------------------ kernel audit state
ORIG_ENABLED=$(st enabled)
ORIG_BACKLOG=$(st backlog_limit)
ORIG_BWT=$(st backlog_wait_time)
ORIG_RATE=$(st rate_limit)
auditctl -l >"$SW_T/orig.rules"
TOUCHED=

LPID=

# gone PID: the process has ended (a zombie has).
gone() {
	case $(ps -o stat= -p "$1") in
	'' | Z*) return 0 ;;
	*) return 1 ;;
	esac
}

# The rules go first, then the private auditd and its plugins (which
# auditd only signals), then the kernel audit state is put back.
stop_chain() {
	local kids p

	[ -z "$TOUCHED" ] || auditctl -d always,exit -F arch=b64 -S execve \
	    -k sshw-test >/dev/null 2>&1
	if [ -n "$LPID" ]; then
		kids=$(pgrep -P "$LPID")
		sw_stop_pid "$LPID"
		for p in $kids; do
			sw_wait_for 10 gone "$p" || kill -s KILL "$p"
		done
		LPID=
	fi
	restore_audit
}

restore_audit() {
	[ -n "$TOUCHED" ] || return 0
	TOUCHED=
	# Another auditd may have come meanwhile: then its state is not ours.
	STATUS=$(auditctl -s)
	if [ "$(st pid)" != 0 ]; then
		echo "live_chain: pid $(st pid) owns the kernel audit now; its state is left alone" >&2
		return 0
	fi
	auditctl -D >/dev/null
	if ! grep -qx 'No rules' "$SW_T/orig.rules"; then
		auditctl -R "$SW_T/orig.rules" >/dev/null ||
			echo "live_chain: could not reload the rules: $(cat "$SW_T/orig.rules")" >&2
	fi
	auditctl -r "$ORIG_RATE" >/dev/null
	auditctl -b "$ORIG_BACKLOG" >/dev/null
	[ -z "$ORIG_BWT" ] || auditctl --backlog_wait_time "$ORIG_BWT" >/dev/null
	auditctl -e "$ORIG_ENABLED" >/dev/null
}
SW_HOOKS+=(stop_chain)

# ------------------------------------------------------- aggregator
AGG=$SW_T/agg
PORT=$(sw_free_port)
sw_agg_start "$AGG" "$PORT"

# ---------------------------------------------------- private auditd
L=$SW_T/local
mkdir -p "$L/plugins.d"
chmod 0700 "$L" "$L/plugins.d"
cat >"$L/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $L/audit.log
log_format = RAW
flush = INCREMENTAL_ASYNC
freq = 1
max_log_file = 100
num_logs = 2
name_format = user
name = chainnode
max_log_file_action = ROTATE
space_left = 10
space_left_action = SYSLOG
admin_space_left = 5
admin_space_left_action = SYSLOG
disk_full_action = SUSPEND
disk_error_action = SYSLOG
tcp_listen_queue = 5
tcp_max_per_addr = 1
transport = TCP
distribute_network = no
plugin_dir = $L/plugins.d
q_depth = 8000
overflow_action = SYSLOG
max_restarts = 10
EOF
cat >"$L/sshwatch.conf" <<EOF
audit_sink = yes
syslog_alerts = no
json_file = $L/alerts.json
EOF
cat >"$L/audisp-remote.conf" <<EOF
remote_server = 127.0.0.1
port = $PORT
local_port = any
transport = tcp
mode = immediate
queue_file = $L/remote.queue
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
EOF
cat >"$L/audisp-remote.sh" <<EOF
#!/bin/sh
# audisp-remote with this test's configuration, in its own mount namespace.
exec unshare -m --propagation private sh -c 'mount --bind "\$1" /etc/audit/audisp-remote.conf && exec "\$2"' sh "$L/audisp-remote.conf" "$REMOTE"
EOF
# (auditd 3.0.9 takes at most two words of args.)
cat >"$L/plugins.d/sshwatch.conf" <<EOF
active = yes
direction = out
path = $PLUGIN
type = always
args = -c $L/sshwatch.conf
format = string
EOF
cat >"$L/plugins.d/au-remote.conf" <<EOF
active = yes
direction = out
path = $L/audisp-remote.sh
type = always
format = string
EOF
chmod 0600 "$L/auditd.conf" "$L/sshwatch.conf" "$L/plugins.d"/*.conf
chmod 0640 "$L/audisp-remote.conf"
chmod 0755 "$L/audisp-remote.sh"
"$PLUGIN" -t -c "$L/sshwatch.conf" >/dev/null || sw_fail "bad plugin config"

kernel_pid_is() {
	[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$1" ]
}
established() {
	[ -n "$(ss -Htn state established "( dport = :$PORT )")" ]
}
TOUCHED=1
sw_spawn auditd -n -c "$L" >"$L/auditd.out" 2>&1 &
LPID=$!
sw_wait_for 10 kernel_pid_is "$LPID" ||
	sw_fail "private auditd did not register with the kernel: $(cat "$L/auditd.out")"
# auditd -n gives its plugins /dev/null for output: the plugin's log goes
# nowhere here.  Its JSON file is opened when its sinks are up.
sw_wait_for 10 test -e "$L/alerts.json" ||
	sw_fail "the plugin did not start: $(cat "$L/auditd.out")"
sw_wait_for 10 established ||
	sw_fail "audisp-remote did not connect to the aggregator: $(cat "$L/auditd.out")"
PLUGIN_PID=
for p in $(pgrep -P "$LPID"); do
	[ "$(readlink "/proc/$p/exe")" -ef "$PLUGIN" ] && PLUGIN_PID=$p
done
[ -n "$PLUGIN_PID" ] || sw_fail "cannot find the plugin's pid"
sw_log "private auditd $LPID, plugin $PLUGIN_PID, aggregator on port $PORT"

auditctl -b 8192 >/dev/null
auditctl -a always,exit -F arch=b64 -S execve -k sshw-test >/dev/null ||
	sw_fail "cannot load the execve rule"

# ------------------------------------------------------ real commands
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@" \
	    </dev/null >>"$SW_T/ssh.out" 2>&1 || true
}
as_nobody ssh -o StrictHostKeyChecking=no -o BatchMode=yes -D 1089 -N \
    -o ConnectTimeout=1 127.0.0.1 -p 1
as_nobody ssh -o BatchMode=yes -o ConnectTimeout=1 -N \
    -L 18080:127.0.0.1:80 127.0.0.1 -p 1
as_nobody ssh -o BatchMode=yes -o ConnectTimeout=1 \
    -R 19090:127.0.0.1:22 127.0.0.1 -p 1 true
sw_log "ran three ssh commands as uid 65534"

# The alerts of our three commands: rule, argv.
ours() {
	python3 - "$L/alerts.json" <<'EOF'
import json, sys
want = {"ssh-dynamic-forward": "-D", "ssh-local-forward": "-L",
        "ssh-remote-forward": "-R"}
try:
    alerts = [json.loads(l) for l in open(sys.argv[1])]
except FileNotFoundError:
    alerts = []
for a in alerts:
    p = a["process"]
    if a["rule"] in want and p["uid"] == 65534 and \
            want[a["rule"]] in (p.get("argv") or []):
        print("%s:%d %s %s" % (a["time"], a["serial"], a["rule"],
                               " ".join(p["argv"])))
EOF
}
have_ours() {
	[ "$(ours | wc -l)" -ge 3 ]
}
arrived() {
	local m

	m=$(sw_match "$L/alerts.json" "$(sw_agg_log "$AGG")")
	[ "$(echo "$m" | cut -d' ' -f3)" = 0 ]
}
sw_wait_for 20 have_ours ||
	sw_fail "the plugin did not alert on the three commands: $(ours); $(tail -n 5 "$L/auditd.out")"
sw_wait_for 20 arrived ||
	sw_fail "not every alert reached the aggregator: $(sw_match "$L/alerts.json" "$(sw_agg_log "$AGG")")"
auditctl -d always,exit -F arch=b64 -S execve -k sshw-test >/dev/null

# ------------------------------------------------------------ checks
ALOG=$(sw_agg_log "$AGG")
m=$(sw_match "$L/alerts.json" "$ALOG")
read -r na nr nm nd nu <<<"$m"
if [ "$nm" -ne 0 ] || [ "$nd" -ne 0 ] || [ "$nu" -ne 0 ] || [ "$nr" -ne "$na" ]; then
	sw_fail "aggregator: alerts/records/missing/duplicates/unknown: $m"
fi
m=$(sw_match "$L/alerts.json" "$L/audit.log")
read -r _ _ nm2 nd2 nu2 <<<"$m"
if [ "$nm2" -ne 0 ] || [ "$nd2" -ne 0 ] || [ "$nu2" -ne 0 ]; then
	sw_fail "local log: alerts/records/missing/duplicates/unknown: $m"
fi
ausearch -if "$ALOG" -m ANOM_EXEC -i >"$SW_T/agg.i" 2>&1 ||
	sw_fail "ausearch -m ANOM_EXEC -i on the aggregator: $(cat "$SW_T/agg.i")"
while read -r ev rule cmd; do
	rec=$(grep -aF "$SW_MARK" "$ALOG" | grep -a " event=$ev " |
		grep -a "rule=$rule ")
	[ "$(printf '%s\n' "$rec" | grep -c .)" -eq 1 ] ||
		sw_fail "$rule: not one record: $rec"
	case $rec in
	"node=chainnode type=ANOM_EXEC msg=audit("*"): pid=$PLUGIN_PID uid=0 "*"msg='op=sshwatch uid=65534 "*" res=success'"*) ;;
	*) sw_fail "$rule: record not as expected: $rec" ;;
	esac
	grep -a " event=$ev " "$SW_T/agg.i" | grep -a "rule=$rule " |
		grep -qaF " cmd=$cmd argc=" ||
		sw_fail "$rule: ausearch -i does not show cmd=$cmd"
done < <(ours)
sw_log "$na alerts: in the local log and once each at the aggregator, decoded by ausearch -i"
exit 0
