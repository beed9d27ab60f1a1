#!/bin/bash
# stall.sh [COPIES]: does a stalled remote sink slow the reading of stdin?
#
# The real load log (mkstream.awk, COPIES copies, default 2) is written into
# the plugin's standard input twice: once with a live aggregator (a private
# auditd taking the remote protocol on loopback) and once with the same
# aggregator frozen by SIGSTOP, so that it accepts the connection (the
# kernel does) but reads and acknowledges nothing and its TCP window fills.  Repeat collapsing is off, so that every alert goes to the
# remote sink.  Prints, for each, the time the whole stream took to be read
# (the writer's time: the plugin has consumed all but a pipe buffer when
# it returns), the read rate, and the remote sink's counters (sent, acked,
# spooled, queue depth) taken right after.
#
# Needs root (private auditd in its own network namespace; tests/remote/lib.sh).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=${top_builddir:-$(cd "$HERE/../.." && pwd)}
COPIES=${1:-2}
export srcdir=${srcdir:-$TOP} top_builddir=$TOP
SW_NAME=stall
# shellcheck source=../remote/lib.sh
. "$HERE/../remote/lib.sh"
sw_init

xz -dc "$HERE/load.log.xz" >"$SW_T/load.log"
awk -v copies="$COPIES" -f "$HERE/mkstream.awk" "$SW_T/load.log" \
    >"$SW_T/stream"
bytes=$(stat -c %s "$SW_T/stream")
events=$(grep -c '^type=EOE' "$SW_T/stream")

one() {
	local label=$1 stop=$2 port agg t0 t1 line

	port=$(sw_free_port)
	agg=$SW_T/agg-$label
	sw_agg_start "$agg" "$port"
	sw_plugin_conf "$SW_T/$label.conf" "$port" "$SW_T" \
	    "spool_file=$SW_T/$label.spool" "json_file=$SW_T/$label.json" \
	    dedup_window=0 forward_timeout=1
	sw_plugin_start "$label" "$SW_T/$label.conf"
	[ "$stop" = no ] || kill -STOP "$(sw_agg_pid "$agg")"
	t0=$(date +%s.%N)
	cat "$SW_T/stream" >&"$SW_PLUGIN_FD"
	t1=$(date +%s.%N)
	line=$(sw_plugin_stats "$SW_PLUGIN_PID" "$SW_T/$label.err") ||
		sw_fail "$label: no statistics"
	awk -v l="$label" -v t0="$t0" -v t1="$t1" -v b="$bytes" -v e="$events" \
	    'BEGIN { d = t1 - t0; printf "%-8s read %d events (%.1f MB) in %.3f s: %.0f events/s, %.1f MB/s\n", l, e, b / 1e6, d, e / d, b / 1e6 / d }'
	echo "         ${line#*statistics: }"
	[ "$stop" = no ] || kill -CONT "$(sw_agg_pid "$agg")"
	sw_plugin_eof || true
	sw_agg_stop "$agg"
}

echo "stall.sh: $events events, $COPIES copies of the load log"
one live no
one stopped yes
