#!/bin/bash
# shellcheck disable=SC2317 # sw_wait_for conditions
# faults.sh: the remote channel through failures -- nothing is lost.
#
# N is the number of alerts of the enriched capture (95 when these tests
# were written), taken from a plain replay so that detection changes do not
# break them.
# (a) aggregator down while the alerts happen: replay --forward with a
#     short forward_timeout exits 1 with "N still spooled"; with the
#     aggregator up, a second run (--replay --forward /dev/null) says "N
#     alerts delivered" and delivers the N from the spool, each once;
# (b) aggregator SIGKILLed in the middle of the stream and restarted on the
#     same port: every alert arrives at least once (duplicates counted);
# (c) plugin SIGKILLed with N alerts in its spool (aggregator down):
#     restarted with the aggregator up, it delivers all N, each once;
# (d) aggregator's disk full (its log on a tiny tmpfs): the plugin logs
#     "did not log an alert", keeps the rest spooled and stays up; after
#     the disk has room and auditd logs again, all are delivered;
# (e) spool at its cap (64K, aggregator down, 2000 alerts), drop_new and
#     drop_oldest: the plugin survives, its stop statistics count the drops
#     (drop_spool_new / drop_spool_oldest) and account for every alert, the
#     live spool stays under the cap, the file under the cap plus its
#     header (drop_new) or twice the cap (drop_oldest: pushed-out alerts
#     leave a prefix until compaction), and what survives is the oldest
#     (drop_new) or newest (drop_oldest) alerts.
# SW_ONLY=abcde runs only some of them.
. "${srcdir:-.}/tests/remote/lib.sh"
sw_init
ONLY=${SW_ONLY:-abcde}
STREAM=$FIXTURES/enriched/stream.txt
N=$(sw_replay_json "$FIXTURES/enriched/audit.log" "$SW_T/expected.json")
NS=$(sw_replay_json "$STREAM" "$SW_T/expected-stream.json")
if [ "$N" -eq 0 ] || [ "$NS" -ne "$N" ]; then
	sw_fail "the capture gives $N alerts, its stream $NS"
fi

# Conditions for sw_wait_for.
# none_missing JSON LOG: every alert has a record.
none_missing() {
	local m

	m=$(sw_match "$1" "$2")
	[ "$(echo "$m" | cut -d' ' -f3)" = 0 ]
}

# spooled_is ERRFILE N: the plugin's statistics say spooled=N.
spooled_is() {
	local st

	st=$(sw_plugin_stats "$SW_PLUGIN_PID" "$1") || return 1
	[ "$(sw_stat_value "$st" spooled)" -eq "$2" ]
}

# ------------------------------------------------------------------ (a)
case_a() {
	local d=$SW_T/a port rc=0 m

	mkdir "$d"
	port=$(sw_free_port)
	sw_plugin_conf "$d/sw.conf" "$port" "$d" forward_timeout=2
	sw_log "(a) replay with the aggregator down"
	"$PLUGIN" -s -c "$d/sw.conf" --replay --forward \
	    "$FIXTURES/enriched/audit.log" >/dev/null 2>"$d/err1" || rc=$?
	[ "$rc" -eq 1 ] || sw_fail "(a) replay exited $rc, not 1: $(cat "$d/err1")"
	grep -q "0 alerts delivered to 127.0.0.1, $N still spooled in $d/spool" \
	    "$d/err1" || sw_fail "(a) no \"$N still spooled\": $(cat "$d/err1")"
	cmp -s "$d/alerts.json" "$SW_T/expected.json" || sw_fail "(a) json_file"

	sw_agg_start "$d/agg" "$port"
	sw_log "(a) aggregator up: replay of /dev/null delivers the spool"
	rc=0
	"$PLUGIN" -s -c "$d/sw.conf" --replay --forward /dev/null \
	    >/dev/null 2>"$d/err2" || rc=$?
	[ "$rc" -eq 0 ] || sw_fail "(a) second run exited $rc: $(cat "$d/err2")"
	grep -q "$N alerts waiting in $d/spool" "$d/err2" ||
		sw_fail "(a) the spool was not found: $(cat "$d/err2")"
	grep -q "$N alerts delivered to 127.0.0.1, 0 still spooled" \
	    "$d/err2" || sw_fail "(a) second run: $(cat "$d/err2")"
	m=$(sw_match "$d/alerts.json" "$d/agg/audit.log")
	[ "$m" = "$N $N 0 0 0" ] ||
		sw_fail "(a) alerts/records/missing/duplicates/unknown: $m"
	[ "$(stat -c %s "$d/spool")" -eq 64 ] ||
		sw_fail "(a) spool not emptied: $(stat -c %s "$d/spool") bytes"
	sw_agg_stop "$d/agg"
}

# ------------------------------------------------------------------ (b)
case_b() {
	local d=$SW_T/b port m parts i rc=0 st

	mkdir "$d"
	port=$(sw_free_port)
	sw_plugin_conf "$d/sw.conf" "$port" "$d"
	cp "$STREAM" "$d/stream"
	parts=$(sw_split_stream "$d/stream" 4)
	[ "$parts" -eq 4 ] || sw_fail "(b) split into $parts parts"
	sw_agg_start "$d/agg" "$port"
	sw_plugin_start b "$d/sw.conf"
	sw_log "(b) first quarter of the stream, then kill -9 the aggregator"
	cat "$d/stream.0" >&"$SW_PLUGIN_FD"
	sw_wait_for 30 sw_have_records "$d/agg" 1 ||
		sw_fail "(b) nothing delivered before the kill"
	cat "$d/stream.1" >&"$SW_PLUGIN_FD"
	sw_agg_stop "$d/agg" KILL
	i=$(sw_count "$d/agg")
	sw_log "(b) aggregator killed with $i records logged; third quarter"
	cat "$d/stream.2" >&"$SW_PLUGIN_FD"
	sw_nap 1.5
	kill -0 "$SW_PLUGIN_PID" || sw_fail "(b) the plugin died"
	sw_agg_start "$d/agg" "$port"
	sw_log "(b) aggregator restarted on port $port; last quarter"
	cat "$d/stream.3" >&"$SW_PLUGIN_FD"
	sw_wait_for 60 none_missing "$d/alerts.json" "$d/agg/audit.log" ||
		sw_fail "(b) missing after the restart: $(sw_match "$d/alerts.json" "$d/agg/audit.log")"
	sw_plugin_eof || rc=$?
	[ "$rc" -eq 0 ] || sw_fail "(b) plugin exited $rc"
	st=$(sw_stat_line "$SW_T/b.err" stopping remote_sink)
	if [ "$(sw_stat_value "$st" spooled)" -ne 0 ] ||
	    [ "$(sw_stat_value "$st" connects)" -lt 2 ]; then
		sw_fail "(b) stop statistics: $st"
	fi
	m=$(sw_match "$d/alerts.json" "$d/agg/audit.log")
	read -r na nr nm nd nu <<<"$m"
	if [ "$na" -ne "$N" ] || [ "$nm" -ne 0 ] || [ "$nu" -ne 0 ] ||
	    [ "$nr" -ne $((na + nd)) ]; then
		sw_fail "(b) alerts/records/missing/duplicates/unknown: $m"
	fi
	sw_log "(b) all $N alerts arrived, $nd duplicates (resent=$(sw_stat_value "$st" resent), connects=$(sw_stat_value "$st" connects))"
	sw_agg_stop "$d/agg"
}

# ------------------------------------------------------------------ (c)
case_c() {
	local d=$SW_T/c port m rc=0 st

	mkdir "$d"
	port=$(sw_free_port)
	sw_plugin_conf "$d/sw.conf" "$port" "$d"
	sw_log "(c) the stream with the aggregator down, then kill -9 the plugin"
	sw_plugin_start c1 "$d/sw.conf"
	cat "$STREAM" >&"$SW_PLUGIN_FD"
	sw_wait_for 30 spooled_is "$SW_T/c1.err" "$N" ||
		sw_fail "(c) never spooled=$N: $(sw_stat_line "$SW_T/c1.err" statistics remote_sink)"
	sw_stop_pid "$SW_PLUGIN_PID" KILL || true
	sw_close_fd "$SW_PLUGIN_FD"
	[ "$(stat -c %s "$d/spool")" -gt 64 ] || sw_fail "(c) spool is empty"
	[ "$(wc -l <"$d/alerts.json")" -eq "$N" ] || sw_fail "(c) json_file"

	sw_agg_start "$d/agg" "$port"
	sw_log "(c) plugin restarted with the aggregator up, no input"
	sw_plugin_start c2 "$d/sw.conf"
	sw_wait_for 30 sw_have_records "$d/agg" "$N" ||
		sw_fail "(c) $(sw_count "$d/agg") of $N delivered after the restart"
	sw_plugin_eof || rc=$?
	[ "$rc" -eq 0 ] || sw_fail "(c) plugin exited $rc"
	grep -q "$N alerts waiting in $d/spool" "$SW_T/c2.err" ||
		sw_fail "(c) the restarted plugin did not find the spool"
	st=$(sw_stat_line "$SW_T/c2.err" stopping remote_sink)
	if [ "$(sw_stat_value "$st" delivered)" -ne "$N" ] ||
	    [ "$(sw_stat_value "$st" spooled)" -ne 0 ]; then
		sw_fail "(c) stop statistics: $st"
	fi
	m=$(sw_match "$d/alerts.json" "$d/agg/audit.log")
	[ "$m" = "$N $N 0 0 0" ] ||
		sw_fail "(c) alerts/records/missing/duplicates/unknown: $m"
	sw_agg_stop "$d/agg"
}

# ------------------------------------------------------------------ (d)
case_d() {
	local d=$SW_T/d port fs rc=0 st n sp

	mkdir "$d"
	port=$(sw_free_port)
	sw_plugin_conf "$d/sw.conf" "$port" "$d" disk_full_action=syslog \
	    disk_error_action=syslog disk_low_action=warn_once
	fs=$d/logfs
	mkdir "$fs"
	sw_mount_tmpfs "$fs" 32k || sw_fail "(d) cannot mount a tmpfs"
	sw_agg_start "$d/agg" "$port" "$fs/audit.log"
	sw_log "(d) aggregator's log on a 32k tmpfs; the stream"
	sw_plugin_start d "$d/sw.conf"
	cat "$STREAM" >&"$SW_PLUGIN_FD"
	sw_wait_for 30 grep -q "did not log an alert" "$SW_T/d.err" ||
		sw_fail "(d) no \"did not log an alert\": $(cat "$SW_T/d.err")"
	st=$(sw_plugin_stats "$SW_PLUGIN_PID" "$SW_T/d.err") ||
		sw_fail "(d) no statistics; plugin alive? $(cat "$SW_T/d.err")"
	sp=$(sw_stat_value "$st" spooled)
	n=$(sw_count "$d/agg")
	if [ "$sp" -le 0 ] || [ "$(sw_stat_value "$st" not_logged)" -le 0 ] ||
	    [ "$n" -ge "$N" ]; then
		sw_fail "(d) disk full: $n logged, statistics: $st"
	fi
	sw_log "(d) disk full: $n logged, $sp spooled; room again and SIGUSR2"
	sw_nap 2
	kill -0 "$SW_PLUGIN_PID" || sw_fail "(d) the plugin died"
	mount -o remount,size=64m "$fs" || sw_fail "(d) remount"
	kill -USR2 "$(sw_agg_pid "$d/agg")"
	# auditd 3.0.9 without local_events never acts on SIGUSR2: it asks the
	# kernel who sent the signal and does not read the answer (its
	# netlink socket is not watched in aggregate-only mode).  Then the
	# aggregator is restarted, as an admin would have to.
	if ! sw_wait_for 6 sw_have_records "$d/agg" $((n + 1)); then
		sw_log "(d) auditd ignored SIGUSR2 (aggregate-only mode); restarting it"
		sw_agg_stop "$d/agg"
		sw_agg_start "$d/agg" "$port" "$fs/audit.log"
	fi
	sw_wait_for 60 none_missing "$d/alerts.json" "$fs/audit.log" ||
		sw_fail "(d) after resume: $(sw_match "$d/alerts.json" "$fs/audit.log")"
	sw_plugin_eof || rc=$?
	[ "$rc" -eq 0 ] || sw_fail "(d) plugin exited $rc"
	st=$(sw_stat_line "$SW_T/d.err" stopping remote_sink)
	[ "$(sw_stat_value "$st" spooled)" -eq 0 ] ||
		sw_fail "(d) stop statistics: $st"
	m=$(sw_match "$d/alerts.json" "$fs/audit.log")
	read -r na nr nm nd nu <<<"$m"
	if [ "$na" -ne "$N" ] || [ "$nm" -ne 0 ] || [ "$nu" -ne 0 ]; then
		sw_fail "(d) alerts/records/missing/duplicates/unknown: $m"
	fi
	sw_log "(d) all $N delivered after the resume ($nd duplicates)"
	sw_agg_stop "$d/agg"
	sw_umount "$fs" || sw_fail "(d) umount"
}

# ------------------------------------------------------------------ (e)
case_e() {
	local policy=$1 d=$SW_T/e-$1 port rc=0 st rs max=0 sz cap=65536
	local alerts delivered spooled dnew dold dq bytes m

	mkdir "$d"
	port=$(sw_free_port)
	sw_plugin_conf "$d/sw.conf" "$port" "$d" spool_max_size=64K \
	    "spool_full_action=$policy"
	[ -s "$SW_T/gen.stream" ] || sw_gen_stream "$SW_T/gen.stream" 2000
	sw_log "(e) $policy: 2000 alerts, aggregator down, 64K spool"
	sw_plugin_start "e-$policy" "$d/sw.conf"
	cat "$SW_T/gen.stream" >&"$SW_PLUGIN_FD"
	sw_close_fd "$SW_PLUGIN_FD"
	# Watch the spool file until the plugin ends.
	while kill -0 "$SW_PLUGIN_PID" 2>/dev/null; do
		sz=$(stat -c %s "$d/spool" 2>/dev/null || echo 0)
		[ "$sz" -le "$max" ] || max=$sz
		sw_nap 0.02
	done
	sw_stop_pid "$SW_PLUGIN_PID" || rc=$?
	[ "$rc" -eq 0 ] || sw_fail "(e) $policy: plugin exited $rc"
	st=$(sw_stat_line "$SW_T/e-$policy.err" stopping remote_sink)
	rs=$(sw_stat_line "$SW_T/e-$policy.err" stopping records)
	if [ -z "$st" ] || [ -z "$rs" ]; then
		sw_fail "(e) $policy: no stop statistics: $(tail -n 5 "$SW_T/e-$policy.err")"
	fi
	alerts=$(sw_stat_value "$rs" alerts)
	delivered=$(sw_stat_value "$st" delivered)
	spooled=$(sw_stat_value "$st" spooled)
	bytes=$(sw_stat_value "$st" spool_bytes)
	dnew=$(sw_stat_value "$st" drop_spool_new)
	dold=$(sw_stat_value "$st" drop_spool_oldest)
	dq=$(sw_stat_value "$st" drop_queue_full)
	[ "$alerts" -eq 2000 ] || sw_fail "(e) $policy: $alerts alerts, not 2000"
	[ $((delivered + spooled + dnew + dold + dq)) -eq "$alerts" ] ||
		sw_fail "(e) $policy: alerts not accounted for: $st"
	if [ "$bytes" -gt "$cap" ] || [ "$spooled" -le 0 ]; then
		sw_fail "(e) $policy: live spool over the cap: $st"
	fi
	sz=$(stat -c %s "$d/spool")
	[ "$sz" -le "$max" ] || max=$sz
	case $policy in
	drop_new)
		if [ "$dnew" -le 0 ] || [ "$dold" -ne 0 ]; then
			sw_fail "(e) drop_new: $st"
		fi
		# Nothing was acknowledged: the file is the header and the
		# live entries.
		[ "$max" -le $((64 + cap)) ] ||
			sw_fail "(e) drop_new: spool file reached $max bytes"
		;;
	drop_oldest)
		if [ "$dold" -le 0 ] || [ "$dnew" -ne 0 ]; then
			sw_fail "(e) drop_oldest: $st"
		fi
		# Each alert pushes one out: the acknowledged prefix grows
		# until compaction, which keeps it under the live part.
		[ "$max" -le $((64 + 2 * cap)) ] ||
			sw_fail "(e) drop_oldest: spool file reached $max bytes"
		;;
	esac
	sw_log "(e) $policy: $spooled spooled ($bytes bytes), drop_spool_new=$dnew drop_spool_oldest=$dold; spool file at most $max bytes"

	# Deliver the survivors: the oldest for drop_new, the newest for
	# drop_oldest.
	sw_agg_start "$d/agg" "$port"
	rc=0
	"$PLUGIN" -s -c "$d/sw.conf" --replay --forward /dev/null \
	    >/dev/null 2>"$d/err2" || rc=$?
	if [ "$rc" -ne 0 ] || ! grep -q "$spooled alerts delivered to 127.0.0.1, 0 still spooled" "$d/err2"; then
		sw_fail "(e) $policy: delivering the spool: $(cat "$d/err2")"
	fi
	m=$(python3 - "$d/alerts.json" "$d/agg/audit.log" "$policy" <<'EOF'
import json, re, sys
order = [json.loads(l)["serial"] for l in open(sys.argv[1])]
got = [int(m.group(1)) for m in
       re.finditer(r" event=[0-9.]+:([0-9]+) ", open(sys.argv[2]).read())]
want = order[:len(got)] if sys.argv[3] == "drop_new" else order[-len(got):]
print("ok" if got == want and got else "got %d records, first %s, want first %s"
      % (len(got), got[:3], want[:3]))
EOF
)
	[ "$m" = ok ] || sw_fail "(e) $policy: survivors: $m"
	sw_agg_stop "$d/agg"
}

case $ONLY in *a*) case_a ;; esac
case $ONLY in *b*) case_b ;; esac
case $ONLY in *c*) case_c ;; esac
case $ONLY in *d*) case_d ;; esac
case $ONLY in *e*) case_e drop_new && case_e drop_oldest ;; esac
exit 0
