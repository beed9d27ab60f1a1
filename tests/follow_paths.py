#!/usr/bin/env python3
# follow_paths.py LIVE.json REPLAY.json: the maximal ssh-path alerts the
# follower raised live equal the multi-hop paths (two links or more) that
# `--replay --correlate' printed for the same log.  A live path that is a
# run of a longer live path was raised before its last hop came; it is not
# counted.  Prints both sets and exits 1 when they differ.
import json
import sys


def hops(path):
    return tuple((h['node'], h['ses'], h.get('pid')) for h in path)


def load(name, rule):
    out = []
    for line in open(name):
        if not line.startswith('{'):
            continue
        o = json.loads(line)
        if 'path' not in o or (rule and o.get('rule') != 'ssh-path'):
            continue
        out.append(hops(o['path']))
    return out


def part(a, b):
    # By (node, session): the last hop of a shorter path has no client.
    a = [h[:2] for h in a]
    b = [h[:2] for h in b]
    return len(a) < len(b) and any(b[i:i + len(a)] == a
                                   for i in range(len(b) - len(a) + 1))


live = load(sys.argv[1], True)
batch = [p for p in load(sys.argv[2], False) if len(p) >= 3]
if len(set(live)) != len(live):
    print('FAIL: a path raised twice live')
    sys.exit(1)
maximal = {p for p in live if not any(part(p, q) for q in live)}
if maximal != set(batch):
    print('FAIL: live paths differ from --replay --correlate')
    print('live only:', sorted(maximal - set(batch)))
    print('replay only:', sorted(set(batch) - maximal))
    sys.exit(1)
print('%d paths live (%d raised) = %d from --replay --correlate' %
      (len(maximal), len(live), len(batch)))
