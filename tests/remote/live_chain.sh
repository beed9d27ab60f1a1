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
# never used (lib.sh, "kernel audit").
. "${srcdir:-.}/tests/remote/lib.sh"
sw_need_root
sw_need auditctl ssh setpriv flock
command -v audisp-remote >/dev/null ||
	sw_skip "missing audisp-remote (audispd-plugins)"
sw_init
sw_kernel_take

# ------------------------------------------------------- aggregator
AGG=$SW_T/agg
PORT=$(sw_free_port)
sw_agg_start "$AGG" "$PORT"

# ------------------------------------------- private auditd, plugin
L=$SW_T/local
mkdir -p "$L"
cat >"$L/sshwatch.conf" <<EOF
audit_sink = yes
syslog_alerts = no
json_file = $L/alerts.json
EOF
chmod 0600 "$L/sshwatch.conf"
"$PLUGIN" -t -c "$L/sshwatch.conf" >/dev/null || sw_fail "bad plugin config"
sw_local_start "$L" "$PORT" chainnode "$L/sshwatch.conf"
# auditd -n gives its plugins /dev/null for output: the plugin's log goes
# nowhere here.  Its JSON file is opened when its sinks are up.
sw_wait_for 10 test -e "$L/alerts.json" ||
	sw_fail "the plugin did not start: $(cat "$L/auditd.out")"
PLUGIN_PID=
for p in $(pgrep -P "$SW_LPID"); do
	[ "$(readlink "/proc/$p/exe")" -ef "$PLUGIN" ] && PLUGIN_PID=$p
done
[ -n "$PLUGIN_PID" ] || sw_fail "cannot find the plugin's pid"
sw_log "private auditd $SW_LPID, plugin $PLUGIN_PID, aggregator on port $PORT"

auditctl -b 8192 >/dev/null
sw_kernel_rule always,exit -F arch=b64 -S execve -k sshw-test ||
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
sw_kernel_unrule always,exit -F arch=b64 -S execve -k sshw-test

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
