#!/bin/sh
# context_fixtures.sh: the real context capture (tests/fixtures/context):
# every scenario raises exactly its expected rules with the default config
# and its expected_allowed rules under the documented allowlist
# (allow.conf); no alert falls outside a scenario; the loop of 200
# identical tunnels collapses into one alert and one repeat record; and
# --correlate prints the three-host paths that happened (chain2, chain3,
# bastion, bastion-bob), each hop in its own session.
set -eu
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
P=$top_builddir/plugin/audisp-sshwatch
F=$srcdir/tests/fixtures/context
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }

# The allowlist must be root-owned and not group/other writable: a copy.
cp "$F/allow.conf" "$T/allow.conf"
chmod 0600 "$T/allow.conf"

"$P" --replay "$F/audit.log" >"$T/default.json"
"$P" --replay -c "$T/allow.conf" "$F/audit.log" >"$T/allowed.json"
"$P" --replay --correlate --hosts "$F/hosts" "$F/audit.log" >"$T/corr.json"

python3 - "$F/scenarios.tsv" "$T" <<'EOF'
import json, sys
tsv, t = sys.argv[1], sys.argv[2]
scen = []
for line in open(tsv):
    if line.startswith('#') or not line.strip():
        continue
    f = line.rstrip('\n').split('\t')
    scen.append((f[0], f[1], f[2], f[3]))
bad = 0
for label, col in (('default', 2), ('allowed', 3)):
    alerts = [json.loads(l) for l in open('%s/%s.json' % (t, label))]
    full = [a for a in alerts if 'repeat' not in a]
    for s in scen:
        want = set() if s[col] == '-' else set(s[col].split(','))
        got = {a['rule'] for a in full if a['process'].get('cwd') == s[1]}
        if got != want:
            print('FAIL %s %s: want %s got %s' % (label, s[0],
                  sorted(want), sorted(got)))
            bad += 1
    cwds = {s[1] for s in scen}
    stray = [a['rule'] for a in full if a['process'].get('cwd') not in cwds]
    if stray:
        print('FAIL %s: alerts outside the scenarios: %s' % (label, stray))
        bad += 1
    reps = [a for a in alerts if 'repeat' in a]
    loop = [a for a in full if a['process'].get('cwd', '').endswith('/loop')]
    if len(loop) != 1 or len(reps) != 1 or reps[0]['repeat']['count'] != 199:
        print('FAIL %s: loop of 200 not one alert + one repeat of 199: '
              '%d alerts, repeats %s' % (label, len(loop),
              [r['repeat'] for r in reps]))
        bad += 1
paths = [json.loads(l)['path'] for l in open(t + '/corr.json')
         if l.startswith('{"path"')]
long = [[(h['ses'], h.get('pid')) for h in p] for p in paths if len(p) >= 3]
want = [
    # chain2: login .1 -> ssh to .2
    [(1036, 2599), (1037, 2621), (1038, None)],
    # chain-scp: scp (and its ssh child, the same connection) to .2
    [(1039, 2698), (1040, 2732), (1041, None)],
    # chain3: .1 -> .2 -> .3 as bob
    [(1042, 2907), (1043, 2964), (1044, 2997), (1045, None)],
    # bastion: .2 -> .3
    [(1046, 3142), (1047, 3231), (1048, None)],
    # bastion-bob
    [(1049, None), (1050, None), (1051, None)],
]
for w in want:
    hit = [p for p in long if [s for s, _ in p] == [s for s, _ in w] and
           all(wp is None or wp == gp for (_, wp), (_, gp) in zip(w, p))]
    if not hit:
        print('FAIL correlate: no path %s in %s' % (w, long))
        bad += 1
if len(long) != len(want):
    print('FAIL correlate: %d multi-hop paths, want %d: %s' %
          (len(long), len(want), long))
    bad += 1
print('%d scenarios x 2 configs, %d multi-hop paths: %s' %
      (len(scen), len(long), 'FAIL' if bad else 'ok'))
sys.exit(1 if bad else 0)
EOF
