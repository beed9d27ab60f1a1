#!/bin/bash
# shellcheck disable=SC2317 # sw_wait_for conditions
# injection_kernel.sh: the hostile events of injection.sh through the
# audit trail sink, on the real kernel.
#
#   tests/remote/hostile.py's stream -> plugin (plugin mode, audit_sink =
#     yes, json_file, no remote) -> its ANOM_EXEC / ANOM_MOD_ACCT records
#     through the kernel -> private auditd's log (node chainnode)
#     -> audisp-remote (format = managed) -> aggregator auditd on loopback
#
# The plugin runs on its own, not under auditd, with the stream on its
# standard input; it ends at the end of its input once its sinks are
# drained.  The private auditd, audisp-remote and the aggregator are set up
# as in live_chain.sh (lib.sh, "kernel audit"); no audit rule is loaded.
# Asserted:
#  - the plugin exits 0, and its statistics say every alert was written to
#    the JSON file (none too long, one cut to fit: alert_json_cut=1) and
#    accepted by the kernel (sent=N refused=0);
#  - the JSON file: as in injection.sh (one valid line per alert, argv,
#    host, path, owner, cwd decode to the bytes, the 1 MiB argument an
#    exact prefix of 131,072 bytes with truncated = true, the argv of
#    control bytes cut to exact prefixes with truncated = true);
#  - the private auditd's log and the aggregator's: one record per alert
#    (none for the event whose tunnel only PROCTITLE shows), a whole line
#    of printable ASCII of the shape "node=chainnode type=ANOM_EXEC" or
#    "ANOM_MOD_ACCT" "msg=audit(...): pid=<the plugin's pid> uid=0 auid=
#    ses= [subj=] msg='op=sshwatch uid=1001 ... res=success'", a message
#    of at most 8,192 bytes, none of the forged texts anywhere in either
#    log outside a hex value; cmd=, dest=, path=, acct= decode to the
#    bytes, or to an exact prefix followed by cmd_len=, dest_len=,
#    path_len= (see injection.sh);
#  - in each log, ausearch -m finds each type, -sv yes all, -sv no none;
#    ausearch -i shows each cmd=, path=, acct= decoded; aureport
#    --anomaly lists them all.
#
# Needs root and a free kernel audit subsystem, else exit 77; the audit
# state found is restored on exit.
. "${srcdir:-.}/tests/remote/lib.sh"
sw_need_root
sw_need auditctl flock
command -v audisp-remote >/dev/null ||
	sw_skip "missing audisp-remote (audispd-plugins)"
sw_init
sw_kernel_take

D=$SW_T/inj
mkdir "$D"
python3 "$srcdir/tests/remote/hostile.py" gen "$D/stream" "$D/cases" ||
	sw_fail "no stream"
sw_hostile_counts "$D/cases"

AGG=$SW_T/agg
PORT=$(sw_free_port)
sw_agg_start "$AGG" "$PORT"
L=$SW_T/local
sw_local_start "$L" "$PORT" chainnode
auditctl -b 8192 >/dev/null
sw_log "private auditd $SW_LPID, aggregator on port $PORT"

cat >"$D/sw.conf" <<EOF
audit_sink = yes
syslog_alerts = no
json_file = $D/alerts.json
EOF
chmod 0600 "$D/sw.conf"
"$PLUGIN" -t -c "$D/sw.conf" >/dev/null || sw_fail "bad plugin config"
sw_spawn "$PLUGIN" -s -c "$D/sw.conf" <"$D/stream" >/dev/null \
    2>"$D/err" &
KPID=$!
sw_track "$KPID"
sw_wait_for 60 sw_gone "$KPID" ||
	sw_fail "the plugin did not end at the end of its input: $(cat "$D/err")"
rc=0
wait "$KPID" || rc=$?
sw_untrack "$KPID"
[ "$rc" -eq 0 ] || sw_fail "the plugin exited $rc: $(cat "$D/err")"
sw_log "plugin $KPID read $NEV hostile events ($(wc -c <"$D/stream") bytes)"
line=$(sw_stat_line "$D/err" stopping "audit_sink")
if [ "$(sw_stat_value "$line" sent)" -ne "$NAL" ] ||
    [ "$(sw_stat_value "$line" refused)" -ne 0 ]; then
	sw_fail "audit sink: $line (want sent=$NAL refused=0)"
fi
# One JSON line cut to fit (hostile.py's json_cut case), counted.
line=$(sw_stat_line "$D/err" stopping "records")
if [ "$(sw_stat_value "$line" alerts)" -ne "$NAL" ] ||
    [ "$(sw_stat_value "$line" json_written)" -ne "$NAL" ] ||
    [ "$(sw_stat_value "$line" alert_too_long)" -ne 0 ] ||
    [ "$(sw_stat_value "$line" alert_json_cut)" -ne 1 ]; then
	sw_fail "plugin: $line (want alerts=$NAL json_written=$NAL" \
	    "alert_too_long=0 alert_json_cut=1)"
fi

sw_hostile_json "$D/cases" "$D/alerts.json"

# The records in the private auditd's log and at the aggregator.
sw_wait_for 20 sw_have_records "$L" "$NAL" ||
	sw_fail "$(sw_count "$L") of $NAL records in the private auditd's log"
sw_wait_for 20 sw_have_records "$AGG" "$NAL" ||
	sw_fail "$(sw_count "$AGG") of $NAL records reached the aggregator"
for dir in "$L" "$AGG"; do
	where=$(basename "$dir")
	log=$(sw_agg_log "$dir")
	sw_hostile_records "$D/cases" chainnode "kernel:$KPID" "$log"
	sw_log "$where: $SW_NREC records, one line each (the longest" \
	    "$SW_LONGEST bytes); cmd, dest, path, acct decode to the bytes"
	mkdir "$D/$where"
	sw_hostile_ausearch "$D/cases" "$log" "$D/$where"
done
sw_log "both logs: ausearch -sv no finds none; -m and -sv yes find all" \
    "$NAL, -i decodes them, aureport --anomaly lists them"
exit 0
