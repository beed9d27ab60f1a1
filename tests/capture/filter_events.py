#!/usr/bin/python3
"""filter_events.py -- keep only the audit events that capture.sh caused.

Used by capture.sh on the logs of its private auditd. Other processes that
happen to run on the machine during a capture (a developer's shell, cron,
...) are audited by the same execve rule; their events are dropped here.
Whole events are kept or dropped; kept lines are copied byte for byte.

Usage: filter_events.py --pids P1,P2,.. --uids U1,U2 IN:OUT [IN:OUT ...]

The IN files are read in the order given (oldest rotated log first) as one
stream to decide which events are ours; each IN is then written to its OUT.

An event (all records sharing msg=audit(TIME:SERIAL)) is ours when
  - it has a DAEMON_* (auditd) or CONFIG_CHANGE record, or
  - one of its records has pid= in the set P of our processes: the seed pids
    (the script, sshd, auditd and one per scenario) and, transitively, every
    pid whose SYSCALL record names a ppid already in P, or
  - one of its records has ses= in the set S of our sessions: the new ses= of
    every LOGIN record whose pid is in P, whose old-ses is in S, or whose
    auid is one of the test users (they only ever log in through our sshd).
Each scenario of capture.sh sets its own loginuid, so it has a session id of
its own and all its processes, forked or exec'd, carry it.
"""
import argparse
import re
import sys

KEY = re.compile(rb"msg=audit\((\d+\.\d+:\d+)\)")
TYPE = re.compile(rb"(?:^|\s)type=([A-Z_0-9]+)\s")
PID = re.compile(rb"(?<![\w-])pid=(\d+)")
PPID = re.compile(rb"(?<![\w-])ppid=(\d+)")
SES = re.compile(rb"(?<![\w-])ses=(\d+)")
OLD_SES = re.compile(rb"(?<![\w-])old-ses=(\d+)")
AUID = re.compile(rb"(?<![\w-])auid=(\d+)")
UNSET = 4294967295


def first(rx, line):
    m = rx.search(line)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pids", required=True)
    ap.add_argument("--uids", required=True)
    ap.add_argument("--ses", default="",
                    help="session ids known to be ours (comma-separated)")
    ap.add_argument("pairs", nargs="+")
    a = ap.parse_args()
    pids = {int(x) for x in a.pids.split(",") if x}
    uids = {int(x) for x in a.uids.split(",") if x}
    pairs = [p.split(":", 1) for p in a.pairs]

    files = []  # (out, [(key, line)])
    events = {}  # key -> dict
    for src, dst in pairs:
        recs = []
        with open(src, "rb") as f:
            for line in f.read().splitlines(keepends=True):
                m = KEY.search(line)
                key = m.group(1) if m else None
                recs.append((key, line))
                if key is None:
                    continue
                ev = events.setdefault(
                    key, {"types": set(), "pids": set(), "ses": set(),
                          "sys": [], "login": []})
                body = line.split(b"\x1d", 1)[0]  # drop ENRICHED part
                t = TYPE.search(body)
                typ = t.group(1).decode() if t else ""
                ev["types"].add(typ)
                pid = first(PID, body)
                if pid is not None:
                    ev["pids"].add(pid)
                ses = first(SES, body)
                if typ == "SYSCALL":
                    ppid = first(PPID, body)
                    if pid is not None and ppid is not None:
                        ev["sys"].append((pid, ppid))
                if typ == "LOGIN":
                    ev["login"].append(
                        (pid, ses, first(OLD_SES, body), first(AUID, body)))
                elif ses is not None and ses != UNSET:
                    ev["ses"].add(ses)
        files.append((dst, recs))

    sessions = {int(x) for x in a.ses.split(",") if x}
    changed = True
    while changed:
        changed = False
        for ev in events.values():
            for pid, ppid in ev["sys"]:
                if ppid in pids and pid not in pids:
                    pids.add(pid)
                    changed = True
            for pid, new, old, auid in ev["login"]:
                if new is None or new == UNSET or new in sessions:
                    continue
                if pid in pids or old in sessions or auid in uids:
                    sessions.add(new)
                    changed = True

    def ours(ev):
        if any(t.startswith("DAEMON_") or t == "CONFIG_CHANGE"
               for t in ev["types"]):
            return True
        if ev["pids"] & pids or ev["ses"] & sessions:
            return True
        return any(new in sessions for _, new, _, _ in ev["login"])

    keep = {k for k, ev in events.items() if ours(ev)}
    for dst, recs in files:
        kept, dropped = set(), set()
        with open(dst, "wb") as f:
            for key, line in recs:
                if key is None or key in keep:
                    f.write(line)
                    kept.add(key)
                else:
                    dropped.add(key)
        print("filter_events: %s: kept %d events, dropped %d foreign"
              % (dst, len(kept - {None}), len(dropped)), file=sys.stderr)


if __name__ == "__main__":
    main()
