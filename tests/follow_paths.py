#!/usr/bin/env python3
# follow_paths.py A B: the multi-host paths of A and B are the same.
# Each file is read as one of:
#  - the follower's output: its ssh-path alerts, of which the maximal
#    ones count (a path that is a run of a longer one was raised before
#    the longer one's last hop came); a path raised twice is an error;
#  - `--replay --correlate' output, or a fleet generator's planted.json:
#    its {"path":[...]} lines of two links or more.
# A hop is (node, session, client pid; none for the last).  Prints the
# counts, and the differences when there are some (exit 1).
import json
import sys


def hops(path):
    return tuple((h['node'], h['ses'], h.get('pid')) for h in path)


def part(a, b):
    # By (node, session): the last hop of a shorter path has no client.
    a = [h[:2] for h in a]
    b = [h[:2] for h in b]
    return len(a) < len(b) and any(b[i:i + len(a)] == a
                                   for i in range(len(b) - len(a) + 1))


def load(name):
    alerts, paths = [], []
    for line in open(name):
        if not line.startswith('{'):
            continue
        o = json.loads(line)
        if 'path' not in o:
            continue
        if o.get('rule') == 'ssh-path':
            alerts.append(hops(o['path']))
        elif len(o['path']) >= 3:
            paths.append(hops(o['path']))
    if not alerts:
        return set(paths), len(paths), 'paths'
    if len(set(alerts)) != len(alerts):
        print('FAIL: %s: a path raised twice' % name)
        sys.exit(1)
    return ({p for p in alerts if not any(part(p, q) for q in alerts)},
            len(alerts), 'ssh-path alerts')


a, na, ka = load(sys.argv[1])
b, nb, kb = load(sys.argv[2])
if a != b:
    print('FAIL: the paths differ')
    print('only in %s:' % sys.argv[1], sorted(a - b))
    print('only in %s:' % sys.argv[2], sorted(b - a))
    sys.exit(1)
print('%d paths in both (%d %s, %d %s)' % (len(a), na, ka, nb, kb))
