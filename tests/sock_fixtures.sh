#!/bin/sh
# sock_fixtures.sh: the real socket captures (tests/fixtures/sock, made by
# tests/capture/capture-sock.sh with the shipped rules, and
# tests/fixtures/sock-copy, copies of the client listening, made by
# tests/capture/capture-copy.sh): every scenario
# raises exactly its expected "rule:severity" pairs, no alert falls outside
# a scenario, in the three replay formats (the raw log, `ausearch --raw',
# default `ausearch') and in plugin mode (the log on standard input).
# Socket records carry no CWD: an alert belongs to the scenario whose
# start..end window (scenarios.tsv) holds its time (the latest started).  Repeat collapsing is
# off (dedup_window = 0) so that every alert is counted.
set -eu
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
P=$top_builddir/plugin/audisp-sshwatch
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
command -v python3 >/dev/null || { echo "SKIP: needs python3" >&2; exit 77; }

printf 'dedup_window = 0\nopenssh_version = 9.2\n' >"$T/replay.conf"
chmod 0600 "$T/replay.conf"
rc=0
for F in "$srcdir/tests/fixtures/sock" "$srcdir/tests/fixtures/sock-copy"; do
echo "${F##*/}:"
for f in audit.log ausearch-raw.txt ausearch.txt; do
	"$P" --replay -c "$T/replay.conf" "$F/$f" >"$T/$f.json"
done
printf 'json_file = %s\nsyslog_alerts = no\naudit_sink = no\nopenssh_version = 9.2\ndedup_window = 0\n' \
	"$T/plugin.json" >"$T/plugin.conf"
chmod 0600 "$T/plugin.conf"
rm -f "$T/plugin.json"
"$P" -c "$T/plugin.conf" <"$F/audit.log" >"$T/plugin.out" 2>&1 || {
	echo "FAIL: plugin mode exited $?: $(cat "$T/plugin.out")"
	exit 1
}

python3 - "$F/scenarios.tsv" "$T" <<'PYEOF' || rc=1
import json, sys
tsv, t = sys.argv[1], sys.argv[2]
scen = []
for line in open(tsv):
    if line.startswith('#') or not line.strip():
        continue
    f = line.rstrip('\n').split('\t')
    want = set() if f[5] == '-' else set(f[5].split(','))
    # The kernel stamps records from its coarse clock (a tick, 1-10 ms,
    # behind date(1)): a window starts 20 ms early.  Scenarios are a
    # second apart (capture-sock.sh naps 1 s after each).
    scen.append((f[0], float(f[2]) - 0.020, float(f[3]), want))
bad = 0
for label in ('audit.log', 'ausearch-raw.txt', 'ausearch.txt', 'plugin'):
    alerts = [json.loads(l) for l in open('%s/%s.json' % (t, label))]
    n = 0
    seen = set()
    def owner(a):
        # The last scenario started by then (and not ended before it).
        t = float(a['time'])
        cand = [s for s in scen if s[1] <= t]
        return cand[-1][0] if cand and t <= cand[-1][2] else None
    for name, t0, t1, want in scen:
        mine = [a for a in alerts if owner(a) == name]
        got = {'%s:%s' % (a['rule'], a['severity']) for a in mine}
        seen |= {id(a) for a in mine}
        if got != want:
            print('FAIL %s %s: want %s got %s' % (label, name, sorted(want),
                  sorted(got)))
            bad += 1
        n += 1
    stray = ['%s@%s' % (a['rule'], a['time']) for a in alerts
             if id(a) not in seen]
    if stray:
        print('FAIL %s: alerts outside the scenarios: %s' % (label, stray))
        bad += 1
    # The socket object of every socket rule, the ANOM type of the record.
    # (A copy's listen has it only when /proc gave its own socket.)
    for a in alerts:
        if a['rule'] in ('ssh-forward-listen', 'ssh-control-master',
                         'ssh-agent-hijack', 'sshd-tunnel-connect',
                         'sshd-tunnel-listen') and 'socket' not in a and \
                a.get('via') not in ('copy', 'ld.so copy'):
            print('FAIL %s: %s without "socket"' % (label, a['rule']))
            bad += 1
    print('%s: %d alerts, %d scenarios' % (label, len(alerts), n))
print('sock fixtures: %s' % ('FAIL' if bad else 'ok'))
sys.exit(1 if bad else 0)
PYEOF
done
exit $rc
