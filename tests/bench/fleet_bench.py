#!/usr/bin/env python3
"""fleet_bench.py [-r RATE] [-d SECONDS] [-p PATHS] [N ...]: the follower
(--follow --correlate) on fleet logs (tests/bench/fleet) of N nodes.

For each N (default 10 100 1000), on one core (taskset -c 0):
  throughput  the whole log written beforehand, followed from its start
              until the state file says it is all read: events per CPU
              second (user + system) and per wall second;
  live        the same log written again into a new file at real speed
              (each event at its true time, as the aggregator's auditd
              would write it), the follower beside it: latency from the
              write of a path's last hop record to its ssh-path alert on
              the follower's output (median, 99th percentile, max);
              paths found live versus planted (found, missed, invented);
              peak RSS (VmHWM) of the live run, in total and per node.
Prints one line per N and exits 1 when a planted path was missed or one
was invented.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get('top_builddir', os.path.normpath(
    os.path.join(HERE, '..', '..')))
PLUGIN = os.path.join(TOP, 'plugin', 'audisp-sshwatch')
SKEW = 2.0


def hops(path):
    return tuple((h['node'], h['ses'], h.get('pid')) for h in path)


def part(a, b):
    a = [h[:2] for h in a]
    b = [h[:2] for h in b]
    return len(a) < len(b) and any(b[i:i + len(a)] == a
                                   for i in range(len(b) - len(a) + 1))


def proc_status(pid):
    hwm = 0
    with open('/proc/%d/status' % pid) as fp:
        for line in fp:
            if line.startswith('VmHWM:'):
                hwm = int(line.split()[1])
    with open('/proc/%d/stat' % pid) as fp:
        f = fp.read().rsplit(')', 1)[1].split()
    cpu = (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')
    return hwm, cpu


def follower(d, log, state):
    conf = os.path.join(d, 'c.conf')
    return subprocess.Popen(
        ['taskset', '-c', '0', PLUGIN, '--follow', log, '--state', state,
         '--correlate', '--hosts', os.path.join(d, 'hosts'), '--skew',
         str(2 * SKEW + 1), '-s', '-c', conf],
        stdout=subprocess.PIPE, stderr=open(os.path.join(d, 'err'), 'a'))


def state_end(state):
    try:
        for line in open(state):
            if line.startswith('end '):
                return int(line.split()[3])
    except (OSError, ValueError, IndexError):
        pass
    return -1


def throughput(d, events):
    log = os.path.join(d, 'audit.log')
    state = os.path.join(d, 'state.tp')
    size = os.path.getsize(log)
    t0 = time.time()
    p = follower(d, log, state)
    out = []
    th = threading.Thread(target=lambda: out.extend(p.stdout))
    th.start()
    while state_end(state) != size:
        time.sleep(0.05)
        if p.poll() is not None:
            sys.exit('follower died')
    wall = time.time() - t0
    hwm, cpu = proc_status(p.pid)
    p.terminate()
    p.wait()
    th.join()
    return events / max(cpu, 1e-3), events / wall, cpu, hwm


def live(d, planted, last_hops):
    src = os.path.join(d, 'audit.log')
    log = os.path.join(d, 'live', 'audit.log')
    state = os.path.join(d, 'live', 'state')
    os.makedirs(os.path.dirname(log))
    open(log, 'w').close()
    feed = [line.split('\t') for line in open(os.path.join(d, 'feed.tsv'))]
    p = follower(d, log, state)
    alerts = []

    def reader():
        for line in p.stdout:
            if line.startswith(b'{"rule":"ssh-path"'):
                alerts.append((time.time(), json.loads(line)))
    th = threading.Thread(target=reader)
    th.start()
    time.sleep(0.3)
    wrote = {}          # last hop (node, ses) -> wall time written
    with open(src, 'rb') as inp, open(log, 'ab', buffering=0) as out:
        start = time.time()
        pos = 0
        i = 0
        while i < len(feed):
            now = time.time() - start
            j = i
            while j < len(feed) and float(feed[j][0]) <= now:
                j += 1
            if j == i:
                time.sleep(max(0.0, min(0.005, float(feed[i][0]) - now)))
                continue
            # Up to each last hop separately, so its write time is exact.
            k = i
            while k < j:
                m = k
                while m < j and feed[m][2].strip() != '1':
                    m += 1
                upto = int(feed[min(m, j - 1)][1])
                out.write(inp.read(upto - pos))
                pos = upto
                if m < j:
                    wrote[last_hops[len([x for x in wrote])]] = time.time()
                k = m + 1
            i = j
    time.sleep(3)
    hwm, cpu = proc_status(p.pid)
    p.terminate()
    p.wait()
    th.join()
    got = [hops(a['path']) for _, a in alerts]
    maximal = {g for g in got if not any(part(g, q) for q in got)}
    lat = []
    for t, a in alerts:
        last = (a['path'][-1]['node'], a['path'][-1]['ses'])
        if last in wrote and hops(a['path']) in planted:
            lat.append(t - wrote[last])
    lat.sort()
    return maximal, lat, hwm, cpu, len(got) - len(set(got))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-r', type=float, default=5.0)
    ap.add_argument('-d', type=float, default=30.0)
    ap.add_argument('-p', type=int, default=30)
    ap.add_argument('n', type=int, nargs='*', default=[10, 100, 1000])
    a = ap.parse_args()
    bad = 0
    for n in a.n:
        d = tempfile.mkdtemp(prefix='fleet%d.' % n)
        try:
            subprocess.check_call([os.path.join(HERE, 'fleet'), '-n',
                                   str(n), '-r', str(a.r), '-d', str(a.d),
                                   '-p', str(a.p), '-s', str(SKEW), '-C',
                                   d])
            with open(os.path.join(d, 'c.conf'), 'w') as fp:
                fp.write('audit_sink = no\nsyslog_alerts = no\n')
            os.chmod(os.path.join(d, 'c.conf'), 0o600)
            planted = [hops(json.loads(line)['path'])
                       for line in open(os.path.join(d, 'planted.json'))]
            # feed.tsv flags last hops in log order: their planted paths.
            order = sorted(planted, key=lambda pth: 0)
            events = sum(1 for _ in open(os.path.join(d, 'feed.tsv')))
            # Last hops in the order the log has them.
            lasts = []
            for line in open(os.path.join(d, 'audit.log'), 'rb'):
                if b'type=USER_START' in line and b'acct="op' in line:
                    f = line.split()
                    node = f[0][5:].decode()
                    ses = int([x for x in f if x.startswith(b'ses=')][0][4:])
                    if (node, ses) in {pth[-1][:2] for pth in order}:
                        lasts.append((node, ses))
            eps_cpu, eps_wall, cpu, hwm_tp = throughput(d, events)
            found, lat, hwm, lcpu, twice = live(d, set(planted), lasts)
            miss = set(planted) - found
            inv = found - set(planted)
            bad += len(miss) + len(inv) + twice
            q = (lambda f: lat[min(len(lat) - 1, int(f * len(lat)))] * 1000
                 if lat else float('nan'))
            rate = n * a.r
            print('N=%-5d %6d events %8.0f ev/s/cpu (%.0fx the fleet\'s '
                  '%.0f ev/s) %8.0f ev/s wall | live: RSS %.1f MB '
                  '(%.1f KB/node) cpu %.1f%% | latency ms p50 %.1f p99 '
                  '%.1f max %.1f | paths planted %d found %d missed %d '
                  'invented %d raised-twice %d' % (
                      n, events, eps_cpu, eps_cpu / rate, rate, eps_wall,
                      hwm / 1024, hwm / n, 100 * lcpu / a.d, q(0.5),
                      q(0.99), q(1.0) if lat else float('nan'),
                      len(planted), len(found & set(planted)), len(miss),
                      len(inv), twice))
            sys.stdout.flush()
        finally:
            shutil.rmtree(d, ignore_errors=True)
    return 1 if bad else 0


sys.exit(main())
