#!/bin/bash
# run.sh [-n RUNS] [-c COPIES]: the plugin against the auparse cost floor
# (and laurel, when installed) on a real load.
#
# load.log.xz is a real capture from a busy host (47,251 events, 313,109
# records: every execve, connects, file writes and some ssh use).  It is
# turned into the stream auditd hands a plugin (mkstream.awk), COPIES times
# over, and each command reads it on stdin, RUNS times, alternating:
#   plugin  audisp-sshwatch in plugin mode: detection on, alerts as JSON to
#           a file, no other output
#   floor   tests/bench/floor.c: auparse fed the same way, every record and
#           field walked once (the cost of any auparse-based plugin)
#   laurel  a peer audit plugin (Debian package laurel), if installed
# Prints the median time, events/s and peak RSS of each, and the ratios.
# Only ratios from one run mean anything on a shared machine.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=${top_builddir:-$(cd "$HERE/../.." && pwd)}
RUNS=5 COPIES=2
while getopts n:c: o; do
	case $o in
	n) RUNS=$OPTARG ;;
	c) COPIES=$OPTARG ;;
	*) echo "usage: run.sh [-n RUNS] [-c COPIES]" >&2; exit 2 ;;
	esac
done
plugin=$TOP/plugin/audisp-sshwatch
[ -x "$plugin" ] || { echo "run.sh: build the plugin first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "run.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
xz -dc "$HERE/load.log.xz" | awk -v copies="$COPIES" -f "$HERE/mkstream.awk" > "$T/stream"
# shellcheck disable=SC2046
cc -O2 -o "$T/floor" "$HERE/floor.c" $(pkg-config --cflags --libs auparse audit)
printf 'json_file = %s/alerts.json\nsyslog_alerts = no\naudit_sink = no\nopenssh_version = 9.2\n' "$T" > "$T/sshwatch.conf"
chmod 600 "$T/sshwatch.conf"
printf 'directory = "%s/laurel"\nstatusreport-period = 0\n[auditlog]\nfile = "out.json"\nsize = 4000000000\n[enrich]\nexecve-env = []\ncontainer = false\nscript = false\n' "$T" > "$T/laurel.toml"
chmod 600 "$T/laurel.toml"

names=(plugin floor)
cmds=("$plugin -c $T/sshwatch.conf" "$T/floor")
if command -v laurel >/dev/null; then
	names+=(laurel)
	cmds+=("laurel -c $T/laurel.toml")
fi
for ((r = 0; r < RUNS; r++)); do
	for i in "${!names[@]}"; do
		rm -rf "$T/laurel" "$T/alerts.json"
		mkdir -p "$T/laurel"
		/usr/bin/time -f "%e %M" -o "$T/t" bash -c "${cmds[$i]} < $T/stream > /dev/null 2>&1" || true
		cat "$T/t" >> "$T/${names[$i]}.times"
		[ "${names[$i]}" != plugin ] || wc -l < "$T/alerts.json" > "$T/alerts"
	done
done
events=$(grep -c '^type=EOE' "$T/stream")
alerts=$(cat "$T/alerts")
med() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
declare -A W
echo "stream: $events events, $(wc -c < "$T/stream") bytes; $RUNS runs each; plugin raised $alerts alerts"
for n in "${names[@]}"; do
	W[$n]=$(cut -d' ' -f1 "$T/$n.times" | med)
	rss=$(cut -d' ' -f2 "$T/$n.times" | sort -n | tail -1)
	awk -v n="$n" -v w="${W[$n]}" -v rss="$rss" -v ev="$events" 'BEGIN {
		printf "%-7s median %7.3f s  %10.0f events/s  peak RSS %6d KB\n",
		    n, w, ev / (w > 0 ? w : 0.001), rss }'
done
for n in "${names[@]:1}"; do
	awk -v a="${W[plugin]}" -v b="${W[$n]}" -v n="$n" 'BEGIN {
		printf "plugin/%s time ratio: %.3f\n", n, (b > 0 ? a / b : 0) }'
done
