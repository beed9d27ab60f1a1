#!/bin/bash
# follow.sh: --follow --correlate beside a real aggregator auditd fed by
# real audisp-remote clients, one per node.
#
# The nodes' records: a fleet log of 4 nodes (tests/bench/fleet: the real
# captures' events with node names, serials, times, pids and addresses
# rewritten per node, clocks skewed by up to 2 s, 8 lateral-movement
# paths of 2 to 4 links planted across the nodes).  Each node's records
# go, as its auditd (name_format = user) would hand them to a plugin,
# into the standard input of an audisp-remote of its own (format =
# managed, its own configuration bound over /etc/audit/audisp-remote.conf
# in a mount namespace of its own) that sends them to the aggregator
# (local_events = no, tcp_listen_port), in 30 slices, round-robin.
# Meanwhile:
#  - the aggregator rotates its log by itself (max_log_file = 1 MiB,
#    auditd 3.0.9 ignores SIGUSR1 with local_events = no), three times or
#    so over the run;
#  - after a slice where a planted path is half done (KILL) the follower
#    is killed (SIGKILL, once it has caught up); slices KILL+1..KILL+5,
#    over which the log rotates, arrive while it is down; then it is
#    started again with the same state file;
#  - after slice 30, once it has caught up, it is stopped (SIGTERM).
# Then:
#  - the paths it raised live (maximal ssh-path alerts, both runs) equal
#    what `--replay --correlate' finds on the rotated logs afterwards, and
#    equal the planted paths (none missed, none invented, none raised
#    twice);
#  - the events it delivered (both runs) add up to the events in the
#    logs: none was lost or read twice across the rotations and restart;
#  - the JSON file holds what standard output does, and every ssh-path
#    alert reached a top-level aggregator over the remote channel, once;
#  - some planted path had hops on both sides of a rotation, and some on
#    both sides of the restart (else the test proved nothing).
. "${srcdir:-.}/tests/remote/lib.sh"
sw_init
command -v audisp-remote >/dev/null ||
	sw_skip "missing audisp-remote (audispd-plugins)"
[ -e /etc/audit/audisp-remote.conf ] ||
	sw_skip "no /etc/audit/audisp-remote.conf to bind a config over"

NODES=4
SLICES=30
F=$SW_T/fleet
python3 "$srcdir/tests/bench/fleet" -n "$NODES" -r 20 -d 40 -p 16 -s 2 \
    --seed 7 "$F" 2>"$SW_T/fleet.err" ||
	sw_fail "fleet: $(cat "$SW_T/fleet.err")"
# Slice k of node i: $F/s.k.i (its records in log order).  Prints KILL: a
# slice after which a planted path has hops still to come and such that
# the aggregator's log will pass a multiple of max_log_file (1 MiB: it
# rotates) during slices KILL+1..KILL+5, while the follower is down.
read -r KILL < <(python3 - "$F" "$NODES" "$SLICES" <<'EOF'
import json, sys
d, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lines = open(d + '/audit.log', 'rb').read().split(b'\n')[:-1]
# Cut only between events: at a record whose stamp differs.
def stamp(l):
    return l.split(b' msg=audit(', 1)[1].split(b')', 1)[0]
cuts, per = [0], len(lines) / k
for s in range(1, k):
    c = int(s * per)
    while c < len(lines) and stamp(lines[c]) == stamp(lines[c - 1]):
        c += 1
    cuts.append(c)
cuts.append(len(lines))
for s in range(k):
    out = [[] for _ in range(n)]
    for l in lines[cuts[s]:cuts[s + 1]]:
        out[int(l.split(b' ', 1)[0][9:])].append(l + b'\n')
    for i in range(n):
        open('%s/s.%d.%d' % (d, s + 1, i), 'wb').write(b''.join(out[i]))
def slice_of(needle):
    for s in range(k):
        if any(needle in l for l in lines[cuts[s]:cuts[s + 1]]):
            return s + 1
spans = []
for l in open(d + '/planted.json'):
    p = json.loads(l)['path']
    spans.append((slice_of(b' pid=%d ' % p[0]['pid']),
                  slice_of(b' ses=%d ' % p[-1]['ses'])))
size = [0]
for s in range(k):
    size.append(size[-1] + sum(len(l) + 1 for l in lines[cuts[s]:cuts[s + 1]]))
MB, margin = 1 << 20, 30000
def rotates_in(a, b):
    return any(size[a] + margin < m * MB < size[b] - margin
               for m in range(1, 64))
kill = next((a for a, b in sorted(spans) if a < b and a + 5 < k and
             rotates_in(a, a + 5) and not rotates_in(a - 1, a + 1)), None)
print(kill)
EOF
)
[ -n "$KILL" ] && [ "$KILL" != None ] ||
	sw_fail "no slice to kill the follower after (see the fleet's seed)"

# ------------------------------------------------------------ aggregator
AGG=$SW_T/agg
PORT=$(sw_free_port)
sw_agg_conf "$AGG" "$PORT"
# auditd's own rotation, by size (auditd 3.0.9 with local_events = no
# ignores SIGUSR1); every rotated file kept for the replay afterwards.
sed -i -e 's/^num_logs = .*/num_logs = 9/' \
    -e 's/^max_log_file = .*/max_log_file = 1/' "$AGG/auditd.conf"
sw_spawn auditd -n -c "$AGG" >>"$AGG/auditd.out" 2>&1 &
echo $! >"$AGG/pid"
sw_track "$(cat "$AGG/pid")"
sw_wait_for 10 sw_listening "$PORT" ||
	sw_fail "aggregator did not listen: $(cat "$AGG/auditd.out")"
LOG=$AGG/audit.log

# --------------------------------------------------- one audisp-remote a node
remote=$(command -v audisp-remote)
FDS=()
for ((i = 0; i < NODES; i++)); do
	N=$SW_T/node$i
	mkdir -p "$N"
	cat >"$N/audisp-remote.conf" <<EOC
remote_server = 127.0.0.1
port = $PORT
local_port = any
transport = tcp
mode = immediate
queue_file = $N/remote.queue
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
	chmod 0640 "$N/audisp-remote.conf"
	mkfifo "$N/in"
	sw_spawn unshare -m --propagation private sh -c \
	    'mount --bind "$1" /etc/audit/audisp-remote.conf && exec "$2"' \
	    sh "$N/audisp-remote.conf" "$remote" <"$N/in" \
	    >"$N/out" 2>&1 &
	sw_track $!
	exec {fd}>"$N/in"
	FDS+=("$fd")
	SW_FDS+=("$fd")
done
# (audisp-remote connects when its first record comes: feed() waits for
# the records to be logged instead.)

# Records of the fleet in the aggregator's logs.
logged() {
	cat "$LOG".* "$LOG" 2>/dev/null | grep -ac '^node=node'
}
FED=0
feed() {
	local i

	for ((i = 0; i < NODES; i++)); do
		cat "$F/s.$1.$i" >&"${FDS[$i]}"
		FED=$((FED + $(wc -l <"$F/s.$1.$i")))
	done
	sw_wait_for 30 eval '[ "$(logged)" -ge $FED ]' ||
		sw_fail "slice $1: $(logged) of $FED records logged"
}
rotations() {
	ls "$LOG".* 2>/dev/null | wc -l
}

# ------------------------------------------------------------- follower
C=$SW_T/sw.conf
# Every alert shown (no repeat collapsing): which of several alike
# alerts comes first depends on when events end, and an aggregator's log
# has no EOE records: the follower ends them by age, the replay by count.
# The sinks of plugin mode: a JSON file, and the remote channel to a
# top-level aggregator (as a fleet split by host group would forward its
# groups' alerts).
TOP=$SW_T/top
TPORT=$(sw_free_port)
sw_agg_start "$TOP" "$TPORT"
mkdir "$SW_T/out"
sw_plugin_conf "$C" "$TPORT" "$SW_T/out" "dedup_window=0" "name=agg1"
STATE=$SW_T/follow.state
FPID=
start_follower() {
	sw_spawn "$PLUGIN" --follow "$LOG" --state "$STATE" --correlate \
	    --hosts "$F/hosts" --skew 5 -s -c "$C" >"$SW_T/live.$1.json" \
	    2>"$SW_T/follow.$1.err" &
	FPID=$!
	sw_track "$FPID"
	sw_wait_for 10 grep -qs "following" "$SW_T/follow.$1.err" ||
		sw_fail "follower $1 did not start: $(cat "$SW_T/follow.$1.err")"
}
# Caught up: the state file's read point is the end of the current log.
caught_up() {
	local ino size

	ino=$(stat -c %i "$LOG") size=$(stat -c %s "$LOG")
	awk -v i="$ino" -v s="$size" '/^end / { ok = ($3 == i && $4 == s) }
	    END { exit !ok }' "$STATE" 2>/dev/null
}

start_follower 1
for ((s = 1; s <= SLICES; s++)); do
	feed "$s"
	if [ "$s" -eq "$KILL" ]; then
		sw_wait_for 30 caught_up || sw_fail "follower 1 never caught up"
		sw_nap 3	# events ended by age (see below)
		sw_wait_for 30 caught_up || sw_fail "follower 1 never caught up"
		kill -USR1 "$FPID"
		sw_wait_for 10 grep -q "statistics: follow" "$SW_T/follow.1.err" ||
			sw_fail "follower 1 gave no statistics"
		kill -KILL "$FPID"
		wait "$FPID" 2>/dev/null
		sw_untrack "$FPID"
		DOWN=$(rotations)
		sw_log "follower killed after slice $s ($DOWN rotations so far)"
	fi
	if [ "$s" -eq $((KILL + 5)) ]; then
		[ "$(rotations)" -gt "$DOWN" ] ||
			sw_fail "the log did not rotate while the follower was down"
		start_follower 2
		sw_log "follower started again after slice $s ($(rotations) rotations so far)"
	fi
done
sw_wait_for 60 caught_up || sw_fail "follower 2 never caught up"
# Idle for longer than the follower's 2 s: the last events (no EOE in an
# aggregator's log) are ended by age, not left open at the stop.
sw_nap 4
kill -TERM "$FPID"
wait "$FPID" || sw_fail "follower 2 exited $?: $(tail -5 "$SW_T/follow.2.err")"
sw_untrack "$FPID"
grep -q "stopping: follow .*rotations=[1-9]" "$SW_T/follow.2.err" ||
	sw_fail "follower 2 did not go through the rotation it was down for: $(grep 'stopping: follow' "$SW_T/follow.2.err")"
grep -q "stopping: follow .*warm_events=[1-9]" "$SW_T/follow.2.err" ||
	sw_fail "follower 2 read nothing again before resuming"

# ---------------------------------------------------------------- checks
n=$(logged)
[ "$n" -eq "$(wc -l <"$F/audit.log")" ] ||
	sw_fail "the aggregator logged $n of $(wc -l <"$F/audit.log") records"
cat "$SW_T/live.1.json" "$SW_T/live.2.json" >"$SW_T/live.json"
"$PLUGIN" --replay --correlate --hosts "$F/hosts" --skew 5 -c "$C" \
    "$LOG".* "$LOG" >"$SW_T/replay.json" 2>"$SW_T/replay.err" ||
	sw_fail "replay: $(cat "$SW_T/replay.err")"
out=$(python3 "$srcdir/tests/follow_paths.py" "$SW_T/live.json" \
    "$SW_T/replay.json") || sw_fail "live against replay: $out"
sw_log "live against --replay --correlate: $out"
out=$(python3 "$srcdir/tests/follow_paths.py" "$SW_T/live.json" \
    "$F/planted.json") || sw_fail "live against planted: $out"
sw_log "live against planted: $out"
# The same alerts in the JSON file, and as records at the top level.
cmp -s "$SW_T/live.json" "$SW_T/out/alerts.json" ||
	sw_fail "json_file and standard output differ"
P=$(grep -c '^{"rule":"ssh-path"' "$SW_T/live.json")
sw_wait_for 30 eval '[ "$(sw_records "$TOP" | grep -c " rule=ssh-path ")" -ge $P ]' ||
	sw_fail "$(sw_records "$TOP" | grep -c " rule=ssh-path ") of $P ssh-path records reached the top-level aggregator"
n=$(sw_records "$TOP" | grep " rule=ssh-path " | sed 's/.* path=//' | sort -u | wc -l)
[ "$n" -eq "$P" ] || sw_fail "$n distinct ssh-path records at the top, not $P"
sw_records "$TOP" | grep -q "^node=agg1 type=ANOM_EXEC .* rule=ssh-path severity=high links=[0-9] node=\"node000[0-9]\" path=[0-9A-F]* res=success'$" ||
	sw_fail "ssh-path records not shaped as expected: $(sw_records "$TOP" | grep -m1 ssh-path)"
sw_log "$P ssh-path alerts in the JSON file and at the top-level aggregator"

# Every event of the logs delivered once: the events the first run
# delivered (its statistics, asked for with SIGUSR1 before it was killed)
# and the second run's add up to the events in the logs.  (Rule alerts
# are not compared one for one: the aggregator's log has no EOE records,
# so the follower ends events by age and the replay by count, and an
# alert that depends on an earlier event -- ancestry, a rename after a
# write -- may see it on one side and not yet on the other.)
e1=$(sw_stat_value "$(sw_stat_line "$SW_T/follow.1.err" statistics follow)" events)
e2=$(sw_stat_value "$(sw_stat_line "$SW_T/follow.2.err" stopping follow)" events)
want=$(cat "$LOG".* "$LOG" | python3 -c '
import sys
keys = set()
for l in sys.stdin.buffer:
    if b" msg=audit(" in l:
        node = l.split(b" type=", 1)[0] if l.startswith(b"node=") else b""
        keys.add((node, l.split(b" msg=audit(", 1)[1].split(b")", 1)[0]))
print(len(keys))')
[ -n "$e1" ] && [ -n "$e2" ] && [ "$((e1 + e2))" -eq "$want" ] ||
	sw_fail "events delivered: $e1 + $e2, in the logs: $want"
sw_log "events: $e1 before the kill + $e2 after = $want in the logs"
# The test exercised what it claims: a path across a rotation, and a path
# across the restart (first hop fed by slice 15, last hop after it).
python3 - "$F" "$LOG" "$SLICES" "$KILL" <<'EOF' || sw_fail "the scenario did not happen"
import glob, json, sys
d, log, k, kill = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def where_file(needle):
    for f in sorted(glob.glob(log + '.*'), key=lambda x: -int(x.rsplit('.', 1)[1])) + [log]:
        if needle in open(f, 'rb').read():
            return f
def where_slice(needle):
    for s in range(1, k + 1):
        for f in glob.glob('%s/s.%d.*' % (d, s)):
            if needle in open(f, 'rb').read():
                return s
rot = restart = 0
for l in open(d + '/planted.json'):
    p = json.loads(l)['path']
    first = (' pid=%d ' % p[0]['pid']).encode()
    last = (' ses=%d ' % p[-1]['ses']).encode()
    if where_file(first) != where_file(last):
        rot += 1
    if where_slice(first) <= kill < where_slice(last):
        restart += 1
print('%d paths across a rotation, %d across the restart' % (rot, restart),
      file=sys.stderr)
sys.exit(0 if rot and restart else 1)
EOF
exit 0
