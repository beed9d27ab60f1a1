#!/bin/bash
# aggregator.sh: alerts reach a real auditd aggregator over the audit
# remote protocol, one record each, and auditd's own tools read them.
#
# 1. Replay mode: the enriched capture replayed with --forward to a private
#    auditd listening on loopback.  N is what a plain replay finds (95 when
#    these tests were written; the count belongs to the detection tests).
#    The run must print the same alerts, say "N alerts delivered ... 0
#    still spooled" and exit 0; the aggregator's log must hold exactly N
#    op=sshwatch records, one per JSON alert (matched by event=TIME:SERIAL
#    and rule=), each one line of the documented shape; `ausearch -i' must
#    decode each record's cmd, exe and path to the alert's argv, exe and
#    path; ausearch -ua, --session, -x, -sv yes, -p and aureport --anomaly
#    must find a known alert, and the same queries with other values must
#    not.
# 2. Plugin mode: the same capture as auditd's string stream on standard
#    input; the same N alerts must arrive, and the plugin's stop
#    statistics must say delivered=N spooled=0.
. "${srcdir:-.}/tests/remote/lib.sh"
sw_init

N=$(sw_replay_json "$FIXTURES/enriched/audit.log" "$SW_T/expected.json")
[ "$N" -gt 0 ] || sw_fail "the capture gives no alert"

# ---------------------------------------------------------- replay mode
AGG=$SW_T/agg
PORT=$(sw_free_port)
sw_agg_start "$AGG" "$PORT"
R=$SW_T/replay
mkdir "$R"
sw_plugin_conf "$R/sw.conf" "$PORT" "$R"

sw_log "replaying the enriched capture to the aggregator on port $PORT"
rc=0
"$PLUGIN" -s -c "$R/sw.conf" --replay --forward \
    "$FIXTURES/enriched/audit.log" >"$R/out.json" 2>"$R/err" || rc=$?
[ "$rc" -eq 0 ] || sw_fail "replay --forward exited $rc: $(cat "$R/err")"
grep -q "$N alerts delivered to 127.0.0.1, 0 still spooled" "$R/err" ||
	sw_fail "no \"$N alerts delivered\": $(cat "$R/err")"
cmp -s "$R/alerts.json" "$R/out.json" ||
	sw_fail "json_file and standard output differ"
cmp -s "$R/alerts.json" "$SW_T/expected.json" ||
	sw_fail "--forward changed the alerts of the replay"

LOG=$AGG/audit.log
# Every record was acknowledged, so it is in the log already.
n=$(sw_count "$AGG")
[ "$n" -eq "$N" ] || sw_fail "aggregator logged $n alert records, not $N"
m=$(sw_match "$R/alerts.json" "$LOG")
[ "$m" = "$N $N 0 0 0" ] ||
	sw_fail "alerts/records/missing/duplicates/unknown: $m"
# Each record is one line of the expected shape.
bad=$(grep -a "op=sshwatch" "$LOG" | grep -avcE \
    "^node=testnode type=ANOM_(EXEC|MOD_ACCT) msg=audit\([0-9]+\.[0-9]{3}:[0-9]+\): pid=[0-9]+ uid=[0-9]+ auid=[0-9]+ ses=[0-9]+ msg='op=sshwatch .* res=success'$")
[ "$bad" -eq 0 ] || sw_fail "$bad records are not shaped as expected"

# ------------------------------------------------------ ausearch -i decode
ausearch -if "$LOG" -m ANOM_EXEC -i >"$R/exec.i" 2>"$R/exec.i.err" ||
	sw_fail "ausearch -m ANOM_EXEC -i: $(cat "$R/exec.i.err")"
ausearch -if "$LOG" -m ANOM_MOD_ACCT -i >"$R/acct.i" 2>"$R/acct.i.err" ||
	sw_fail "ausearch -m ANOM_MOD_ACCT -i: $(cat "$R/acct.i.err")"
out=$(python3 - "$R/alerts.json" "$R/exec.i" "$R/acct.i" 2>&1 <<'EOF'
import json, re, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
recs = {}
for path, typ in ((sys.argv[2], "ANOM_EXEC"), (sys.argv[3], "ANOM_MOD_ACCT")):
    for rec in open(path, encoding="utf-8", errors="replace").read().split("----"):
        rec = rec.strip()
        if not rec:
            continue
        m = re.search(r" (?:last_)?event=([0-9.]+:[0-9]+) (?!repeated=)",
                      rec)
        r = re.search(r" rule=(\S+) ", rec)
        if not (m and r) or "type=%s " % typ not in rec:
            sys.exit("unexpected ausearch -i record: " + rec[:300])
        recs.setdefault((m.group(1), r.group(1)), []).append(rec)
def acct(a):
    # record_type(): an alert on a file is ANOM_MOD_ACCT.  A repeat
    # record has the type of what it counts (not in its JSON line).
    return None if "repeat" in a else "file" in a
bad, checked, cut, reps = [], 0, 0, 0
nexec = sum(1 for a in alerts if acct(a) is False)
nacct = sum(1 for a in alerts if acct(a) is True)
for a in alerts:
    key = ("%s:%d" % (a["time"], a["serial"]), a["rule"])
    got = recs.get(key, [])
    if len(got) != 1:
        bad.append("%s: %d decoded records" % (key, len(got)))
        continue
    rec, p = got[0], a["process"]
    want = ["exe=%s " % p["exe"], " ses=%d " % p["ses"]]
    if acct(a) is True and "type=ANOM_MOD_ACCT " not in rec:
        bad.append("%s: not ANOM_MOD_ACCT" % (key,))
    if acct(a) is False and "type=ANOM_EXEC " not in rec:
        bad.append("%s: not ANOM_EXEC" % (key,))
    if "file" in a:
        want.append(" path=%s operation=%s" % (a["file"]["path"],
                                               a["file"]["operation"]))
    if "repeat" in a:
        reps += 1
        want.append(" repeated=%d " % a["repeat"]["count"])
    elif p.get("argv") is not None:
        cmd = " ".join(p["argv"])
        m = re.search(r" cmd=(.*) argc=(\d+)( cmd_len=(\d+))?", rec)
        if not m:
            bad.append("%s: no cmd" % (key,))
        elif m.group(4) is not None:
            cut += 1
            if not (cmd.startswith(m.group(1)) and len(m.group(1)) > 1000
                    and int(m.group(4)) == len(cmd.encode())):
                bad.append("%s: shortened cmd does not fit" % (key,))
        elif m.group(1) != cmd or int(m.group(2)) != len(p["argv"]):
            bad.append("%s: cmd %r != %r" % (key, m.group(1)[:80], cmd[:80]))
    for w in want:
        if w not in rec:
            bad.append("%s: no %r" % (key, w))
    checked += 1
types = {}
for k, v in recs.items():
    for r in v:
        t = r.split(" type=", 1)[1].split(" ", 1)[0]
        types[t] = types.get(t, 0) + 1
if sum(types.values()) != len(alerts) or types.get("ANOM_EXEC", 0) < nexec \
        or types.get("ANOM_MOD_ACCT", 0) < nacct:
    bad.append("decoded %s, expected %d ANOM_EXEC and %d ANOM_MOD_ACCT "
               "besides %d repeats" % (types, nexec, nacct, reps))
if bad:
    sys.exit("; ".join(bad[:10]))
print(checked, nexec, nacct, cut, reps)
EOF
) || sw_fail "ausearch -i: $out"
read -r nchk nexec nacct ncut nrep <<<"$out"
if [ "$nchk" -ne "$N" ] || [ "$nexec" -eq 0 ] || [ "$nacct" -eq 0 ] ||
    [ "$ncut" -eq 0 ]; then
	sw_fail "ausearch -i checked $out (alerts, exec, acct, shortened)"
fi
sw_log "ausearch -i decoded all $nchk records ($nexec ANOM_EXEC, $nacct ANOM_MOD_ACCT, $ncut with a shortened cmd, $nrep repeat records)"

# ----------------------------------------- ausearch and aureport queries
# A known alert: the first -D tunnel of the capture.
read -r EV A_UID SES EXE PID < <(python3 - "$R/alerts.json" <<'EOF'
import json, sys
for l in open(sys.argv[1]):
    a = json.loads(l)
    if a["rule"] == "ssh-dynamic-forward" and "repeat" not in a:
        p = a["process"]
        print("%s:%d" % (a["time"], a["serial"]), p["uid"], p["ses"],
              p["exe"], p["pid"])
        break
EOF
)
[ -n "$PID" ] || sw_fail "no ssh-dynamic-forward alert in the JSON"
KNOWN="event=$EV "
# finds OPTION...: the known alert is among what ausearch returns.
finds() {
	ausearch -if "$LOG" --raw "$@" 2>/dev/null | grep -aF "$KNOWN" |
		grep -qa "rule=ssh-dynamic-forward"
}
finds -ua "$A_UID" || sw_fail "ausearch -ua $A_UID does not find $KNOWN"
finds --session "$SES" || sw_fail "ausearch --session $SES does not find $KNOWN"
finds -x "$EXE" || sw_fail "ausearch -x $EXE does not find $KNOWN"
finds -sv yes || sw_fail "ausearch -sv yes does not find $KNOWN"
finds -p "$PID" || sw_fail "ausearch -p $PID does not find $KNOWN"
finds -m ANOM_EXEC -ua "$A_UID" -p "$PID" ||
	sw_fail "ausearch -m ANOM_EXEC -ua -p does not find $KNOWN"
# Controls: the same queries with other values must not find it.
! finds -ua 4242 || sw_fail "ausearch -ua 4242 finds $KNOWN"
! finds -p 1 || sw_fail "ausearch -p 1 finds $KNOWN"
! finds -sv no || sw_fail "ausearch -sv no finds $KNOWN"
! finds -m ANOM_MOD_ACCT || sw_fail "ausearch -m ANOM_MOD_ACCT finds $KNOWN"
n=$(ausearch -if "$LOG" --raw -sv yes 2>/dev/null | grep -ac "op=sshwatch")
[ "$n" -eq "$N" ] || sw_fail "ausearch -sv yes finds $n of $N records"
# ausearch -x finds every alert by its exe, ANOM_MOD_ACCT ones too (it
# reads exe= only after acct=); it matches the start of the path, so
# /usr/bin/ssh also finds /usr/bin/ssh-add.
python3 - "$R/alerts.json" >"$R/exes" <<'EOF'
import json, sys
exes = [json.loads(l)["process"]["exe"] for l in open(sys.argv[1])]
for e in sorted(set(exes)):
    print(e, sum(1 for x in exes if x.startswith(e)))
EOF
[ "$(wc -l <"$R/exes")" -gt 3 ] || sw_fail "too few executables: $(cat "$R/exes")"
while read -r exe w; do
	n=$(ausearch -if "$LOG" --raw -x "$exe" 2>/dev/null | grep -ac "op=sshwatch")
	[ "$n" -eq "$w" ] ||
		sw_fail "ausearch -x $exe finds $n records, $w alerts have it"
done <"$R/exes"

aureport -if "$LOG" --anomaly >"$R/anomaly" 2>&1 ||
	sw_fail "aureport --anomaly: $(cat "$R/anomaly")"
n=$(grep -acE '^[0-9]+\. .* ANOM_(EXEC|MOD_ACCT) ' "$R/anomaly")
[ "$n" -eq "$N" ] || sw_fail "aureport --anomaly lists $n anomalies, not $N"
grep -aqE "^[0-9]+\. .* ANOM_EXEC $EXE .* $A_UID [0-9]+\$" "$R/anomaly" ||
	sw_fail "aureport --anomaly has no ANOM_EXEC line for $EXE, auid $A_UID"
sw_log "ausearch -ua/--session/-x/-sv/-p and aureport --anomaly find the alerts"

# ----------------------------------------------------------- plugin mode
AGG2=$SW_T/agg2
PORT2=$(sw_free_port)
sw_agg_start "$AGG2" "$PORT2"
P=$SW_T/plugin
mkdir "$P"
sw_plugin_conf "$P/sw.conf" "$PORT2" "$P"
sw_log "feeding the captured stream to the plugin (port $PORT2)"
sw_plugin_start plugin "$P/sw.conf"
cat "$FIXTURES/enriched/stream.txt" >&"$SW_PLUGIN_FD"
sw_wait_for 60 sw_have_records "$AGG2" "$N" ||
	sw_fail "plugin mode: $(sw_count "$AGG2") of $N records arrived"
rc=0
sw_plugin_eof || rc=$?
[ "$rc" -eq 0 ] || sw_fail "plugin exited $rc: $(cat "$SW_T/plugin.err")"
st=$(sw_stat_line "$SW_T/plugin.err" stopping remote_sink)
if [ "$(sw_stat_value "$st" delivered)" -ne "$N" ] ||
    [ "$(sw_stat_value "$st" spooled)" -ne 0 ]; then
	sw_fail "plugin stop statistics: $st"
fi
n=$(sw_count "$AGG2")
[ "$n" -eq "$N" ] || sw_fail "plugin mode: $n records, not $N"
m=$(sw_match "$P/alerts.json" "$AGG2/audit.log")
[ "$m" = "$N $N 0 0 0" ] ||
	sw_fail "plugin mode alerts/records/missing/duplicates/unknown: $m"
# The same alerts as the replay.
m=$(sw_match "$R/alerts.json" "$AGG2/audit.log")
[ "$m" = "$N $N 0 0 0" ] ||
	sw_fail "plugin mode records against the replay's alerts: $m"
sw_log "plugin mode delivered the same $N alerts"
exit 0
