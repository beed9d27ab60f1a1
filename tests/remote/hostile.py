# tests/remote/hostile.py: the hostile audit stream of injection.sh and
# injection_kernel.sh, and the checks of what the sinks made of it.
#
#   python3 hostile.py gen STREAM CASES
#	writes STREAM, events shaped like the kernel's (string format, an
#	EOE after each), and CASES, a JSON list saying what each event must
#	give (below).
#   python3 hostile.py json CASES ALERTS
#	checks the JSON sink's file; prints the number of alerts.
#   python3 hostile.py records CASES NODE OUTER LOG...
#	checks the alert records in auditd logs; prints the number of
#	records and the length of the longest.  OUTER is "actor" (the
#	remote channel: the outer pid= and uid= are the actor's) or
#	"kernel:PID" (the audit trail: the kernel writes the sender's pid,
#	PID, and uid 0).
#   python3 hostile.py ausearch CASES ILOG LOG...
#	checks that ausearch -i's output ILOG shows each record of LOGS
#	once, its cmd=, path= and acct= decoded (bytes below 0x20 in octal,
#	up to a NUL: auparse's escaping of C strings); prints the number.
#
# The hostile bytes: a newline, an apostrophe, a double quote, \x1d
# (auditd's enriched separator), the text of a forged record, " node=evil
# type=", invalid UTF-8 (ff fe) and all of them at once.  They go through
# argv (a trailing argument, and the forged text as destination host) and
# through file names (the home directory in the path of an authorized_keys
# write, and a relative name in a hostile cwd).  Besides: a 100 KB and a
# 1 MiB argument split the kernel's way (aN_len=, aN[K]= pieces of 7,500
# hex characters, one piece a record after the first); NUL bytes inside
# arguments (a forged EXECVE: the kernel cannot log one), whose PROCTITLE
# then splits into more words than argc; PROCTITLEs naming another command
# than EXECVE's argv (the plugin must take argv from EXECVE); a path of
# about 3,000 bytes, over the 1,024 a record keeps of a path; and an argv
# of two 512 KiB arguments of control bytes, of which the plugin keeps
# 128 KiB each, whose JSON would take 2 MiB (\u00XX and a _hex twin).
#
# Each case in CASES, byte strings as hex:
#   event     "SECONDS.MSEC:SERIAL";  name: what the case is about
#   kind      "exec" (an execve of /usr/bin/ssh) or "file" (bash's
#             openat(AT_FDCWD, NAME, O_WRONLY|O_CREAT|O_APPEND))
#   rules     the rules expected on it, in order ([] for none)
#   argv      the arguments of its EXECVE records
#   kept      the bytes of each the plugin keeps: execve.c's caps keep
#             131,072 of one argument (the kernel's own MAX_ARG_STRLEN;
#             of the 1 MiB one the framer passes the first 1.5 MiB of
#             the event, the rest of its pieces being dropped and counted)
#   host      the destination as OpenSSH sees it: argv is C strings, so
#             an argument ends at its first NUL
#   json_cut  true when the alert's JSON line, whole, would be over
#             ALERT_MAX_LINE (1 MiB): then its long strings may be cut to
#             exact prefixes (of at least 1,000 bytes) with truncated =
#             true, and strings up to 1,000 bytes stay whole
#   cwd, path, owner: the CWD record, the resolved name of the file
#             written and the account whose home holds it (/home/NAME/)
import json
import os
import re
import string
import sys

PIECE = 7500            # MAX_EXECVE_AUDIT_LEN: hex characters of one piece
ARG_KEPT = 131072       # execve_default_limits.max_arg_bytes
TITLE_MAX = 128         # the kernel logs this much of the command line
MAX_BODY = 8192         # RECORD_MAX_BODY
CAP_PATH = 1024         # record.c: encoded bytes of a path= value

FORGED = b"type=ANOM_EXEC msg=audit(1.2:3): res=failed"
ALL = b"x\n' \" \x1d " + FORGED + b" node=evil type= \xff\xfe'"
HOSTILE = [
    ("newline", b"line1\nline2"),
    ("apostrophe", b"it's"),
    ("quote", b'say "hi"'),
    ("gs", b"a\x1db\x1dc"),
    ("forged", FORGED),
    ("node", b" node=evil type="),
    ("utf8", b"\xff\xfe"),
    ("all", ALL),
]
# What may appear in no log outside a hex value.
TELLTALES = ("node=evil", "res=failed", "msg=audit(1.2:3)")
BIG = (string.ascii_letters * 2000)[:100000].encode()
HUGE = (ALL * (1048576 // len(ALL) + 1))[:1048576]
# Control bytes: 6 bytes each in JSON (\u00XX), 2 more in a _hex twin.
CTL = bytes(c for c in range(1, 32) if c not in b"\t\n\r") + b"\x7f"
CTL_HALF = b"\xff" + (CTL * (524288 // len(CTL) + 1))[:524287]
DF = [b"ssh", b"-D", b"1080"]


# ------------------------------------------------------------ the stream

def plain(a):
    return all(0x21 <= c <= 0x7e and c != 0x22 for c in a)


def title(words):
    return b"\0".join(words)[:TITLE_MAX].hex().upper().encode()


class Stream:
    def __init__(self, path):
        self.out = open(path, "wb")
        self.cases = []

    def event(self, name, kind, rules):
        i = len(self.cases)
        self.ts = b"1795900100.%03d:%d" % (i, 700000 + i)
        self.pid = 30000 + i
        case = {"event": self.ts.decode(), "kind": kind, "rules": rules,
                "name": name}
        self.cases.append(case)
        return case

    def rec(self, rtype, body):
        self.out.write(b"type=" + rtype + b" msg=audit(" + self.ts + b"): " +
                       body + b"\n")

    def syscall(self, nr, args, items, comm, exe, key):
        self.rec(b"SYSCALL", b"arch=c000003e syscall=%d success=yes exit=3 "
                 b"%s items=%d ppid=29999 pid=%d auid=1001 uid=1001 "
                 b"gid=1001 euid=1001 suid=1001 fsuid=1001 egid=1001 "
                 b"sgid=1001 fsgid=1001 tty=pts0 ses=42 comm=\"%s\" "
                 b"exe=\"%s\" key=\"%s\"" % (nr, args, items, self.pid,
                                              comm, exe, key))

    def eoe(self):
        self.rec(b"EOE", b"")


def execve_records(argv):
    """EXECVE the kernel's way: short arguments in the first record, a long
    one as aN_len= and pieces, one piece a record after the first."""
    recs, cur = [], b"argc=%d" % len(argv)
    for j, a in enumerate(argv):
        h = a.hex().upper().encode()
        if len(h) <= PIECE:
            cur += b' a%d="%s"' % (j, a) if plain(a) else b" a%d=%s" % (j, h)
            continue
        for k in range(0, len(h), PIECE):
            if k == 0:
                cur += b" a%d_len=%d" % (j, len(h))
            else:
                recs.append(cur)
                cur = b""
            cur += b" a%d[%d]=%s" % (j, k // PIECE, h[k:k + PIECE])
    recs.append(cur)
    return recs


def exec_event(s, name, argv, rules=("ssh-dynamic-forward",), words=None,
               hosti=3):
    """One execve of /usr/bin/ssh, its destination in argv[hosti].  words:
    the PROCTITLE's words, when they are not argv's (the kernel logs the
    process's memory, which may differ)."""
    case = s.event(name, "exec", list(rules))
    s.syscall(59, b"a0=1 a1=2 a2=3 a3=0", 2, b"ssh", b"/usr/bin/ssh",
              b"sshw-exec")
    recs = execve_records(argv)
    for r in recs:
        s.rec(b"EXECVE", r)
    s.rec(b"CWD", b'cwd="/tmp"')
    s.rec(b"PATH", b'item=0 name="/usr/bin/ssh" inode=10977289 dev=fe:00 '
          b"mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 "
          b"cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0")
    words = argv if words is None else words
    s.rec(b"PROCTITLE", b"proctitle=" + title(words))
    s.eoe()
    host = argv[hosti].split(b"\0")[0]
    case.update(argv=[a.hex() for a in argv],
                kept=[min(len(a), ARG_KEPT) for a in argv],
                host=host.hex(), execve_records=len(recs),
                title_words=len(b"\0".join(words)[:TITLE_MAX].split(b"\0")))


def file_event(s, name, cwd, fname, resolved, owner):
    """`echo KEY >> NAME' in bash, as a real capture logs it."""
    case = s.event(name, "file", ["authorized-keys-write"])
    s.syscall(257, b"a0=ffffff9c a1=7fff49efd9af a2=441 a3=1b6", 1,
              b"bash", b"/usr/bin/bash", b"ssh-keys")
    s.rec(b"CWD", b"cwd=" + cwd.hex().upper().encode())
    s.rec(b"PATH", b"item=0 name=" + fname.hex().upper().encode() +
          b" inode=%d dev=fe:00 mode=0100600 ouid=1002 ogid=1002 "
          b"rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 "
          b"cap_fver=0 cap_frootid=0" % (1065000 + len(s.cases)))
    s.rec(b"PROCTITLE", b"proctitle=" +
          title([b"bash", b"-c", b"echo key >> " + fname]))
    s.eoe()
    case.update(cwd=cwd.hex(), path=resolved.hex(), owner=owner.hex())


def gen(stream, cases):
    s = Stream(stream)
    for name, h in HOSTILE:
        exec_event(s, "argument: " + name, DF + [b"host", h])
    exec_event(s, "destination: forged", DF + [b"evil'" + FORGED +
                                               b" node=evil type="])
    exec_event(s, "destination: 100 KB", DF + [BIG])
    exec_event(s, "argument: 1 MiB", DF + [b"host", HUGE])
    assert s.cases[-2]["execve_records"] == 27
    assert s.cases[-1]["execve_records"] == 280
    # Whole, the JSON of this argv would take 2 MiB: over ALERT_MAX_LINE.
    exec_event(s, "argv: 1 MiB of control bytes", DF + [b"host", CTL_HALF,
                                                        CTL_HALF[::-1]])
    s.cases[-1]["json_cut"] = True
    # NUL bytes: the PROCTITLE splits where EXECVE does not.
    exec_event(s, "argument: NULs", DF + [b"host", b"a\x00b\x00"])
    assert s.cases[-1]["title_words"] == 7      # 5 arguments, 7 words
    exec_event(s, "destination: NUL", DF + [b"h\x00" + FORGED])
    # PROCTITLE and EXECVE disagree: EXECVE wins, both ways.
    exec_event(s, "proctitle: another command", DF + [b"host"],
               words=[b"ls", b"-l", b"/"])
    exec_event(s, "proctitle: a tunnel", [b"ssh", b"host", b"uptime"],
               rules=(), words=DF + [b"host"], hosti=1)
    for name, h in HOSTILE:
        p = b"/home/" + h + b"/.ssh/authorized_keys"
        file_event(s, "path: " + name, b"/tmp", p, p, h)
    # (Not the path of "path: all", or it is a repeat of that alert.)
    home = b"/home/" + ALL
    file_event(s, "relative name in a hostile cwd", home + b"/line1\nline2",
               b"../.ssh/authorized_keys2", home + b"/.ssh/authorized_keys2",
               ALL)
    deep = home + (b"/" + ALL) * (3000 // (len(ALL) + 1))
    file_event(s, "path: 3,000 bytes", deep, b".ssh/authorized_keys",
               deep + b"/.ssh/authorized_keys", ALL)
    s.out.close()
    json.dump(s.cases, open(cases, "w"), indent=1)


# ---------------------------------------------------------------- checks

class Checker:
    def __init__(self, cases):
        self.cases = json.load(open(cases))
        self.bad = []

    def fail(self, case, msg):
        self.bad.append("%s (%s): %s" % (case["name"] if case else "-",
                                         case["event"] if case else "-",
                                         msg))

    def done(self, result):
        if self.bad:
            print("; ".join(self.bad[:10]) +
                  ("; ... %d in all" % len(self.bad)
                   if len(self.bad) > 10 else ""))
            sys.exit(1)
        print(result)


def kept_argv(c):
    return [bytes.fromhex(a)[:k] for a, k in zip(c["argv"], c["kept"])]


def jbytes(obj, key):
    """The exact bytes of a JSON string field: its _hex twin when there
    is one (the string is not UTF-8), else the string as UTF-8."""
    if key + "_hex" in obj:
        v = obj[key + "_hex"]
        if isinstance(v, list):
            return [bytes.fromhex(x) for x in v]
        return bytes.fromhex(v)
    v = obj.get(key)
    if isinstance(v, list):
        return [x.encode("utf-8") for x in v]
    return v.encode("utf-8") if v is not None else None


def check_json(cases, path):
    ck = Checker(cases)
    raw = open(path, "rb").read()
    if raw and not raw.endswith(b"\n"):
        ck.fail(None, "the JSON file does not end with a newline")
    alerts = []
    for n, line in enumerate(raw.split(b"\n")[:-1]):
        try:
            a = json.loads(line.decode("utf-8"))
        except ValueError as e:
            ck.fail(None, "line %d is not JSON (%s): %r" % (n + 1, e,
                                                             line[:80]))
            continue
        if not isinstance(a, dict) or "rule" not in a:
            ck.fail(None, "line %d is not an alert: %r" % (n + 1, line[:80]))
            continue
        alerts.append(a)
    byev = {}
    for a in alerts:
        byev.setdefault("%s:%d" % (a["time"], a["serial"]), []).append(a)
    known = set()
    for c in ck.cases:
        known.add(c["event"])
        got = byev.get(c["event"], [])
        if [a["rule"] for a in got] != c["rules"]:
            ck.fail(c, "alerts %s, want %s" % ([a["rule"] for a in got],
                                               c["rules"]))
            continue
        for a in got:
            p = a["process"]
            if c["kind"] == "exec":
                argv = jbytes(p, "argv")
                want = kept_argv(c)
                cut = want != [bytes.fromhex(x) for x in c["argv"]]
                if c.get("json_cut") and argv is not None and \
                        len(argv) == len(want) and all(
                            w.startswith(g) and (g == w or len(g) >= 1000)
                            for g, w in zip(argv, want)):
                    # Cut to fit the line: exact prefixes, short ones whole.
                    want = argv
                    cut = True
                if argv != want:
                    ck.fail(c, "argv %r... != %r..." % (
                        [x[:40] for x in argv or []],
                        [x[:40] for x in want]))
                if a["truncated"] != cut:
                    ck.fail(c, "truncated is %s" % a["truncated"])
                if jbytes(a["destination"], "host") != \
                        bytes.fromhex(c["host"]):
                    ck.fail(c, "destination.host %r" %
                            jbytes(a["destination"], "host")[:40])
            else:
                f = a.get("file") or {}
                if jbytes(f, "path") != bytes.fromhex(c["path"]):
                    ck.fail(c, "file.path %r" % (jbytes(f, "path") or
                                                 b"")[:60])
                if jbytes(f, "owner") != bytes.fromhex(c["owner"]):
                    ck.fail(c, "file.owner %r" % jbytes(f, "owner"))
                if f.get("resolved") is not True or \
                        f.get("operation") != "append":
                    ck.fail(c, "file %r" % {k: f.get(k) for k in
                                            ("resolved", "operation")})
                if jbytes(p, "cwd") != bytes.fromhex(c["cwd"]):
                    ck.fail(c, "process.cwd %r" % (jbytes(p, "cwd") or
                                                   b"")[:60])
                if a["truncated"]:
                    ck.fail(c, "truncated")
    for ev in byev:
        if ev not in known:
            ck.fail(None, "alert on unknown event %s" % ev)
    want = sum(len(c["rules"]) for c in ck.cases)
    if len(alerts) != want:
        ck.fail(None, "%d alerts, want %d" % (len(alerts), want))
    ck.done("%d %d" % (len(alerts), max(len(l) for l in raw.split(b"\n"))))


def value(ck, c, rec, name):
    """The bytes of NAME= in a record: quoted, or hex."""
    m = re.search(r" %s=(\S+)" % name, rec)
    if m is None:
        return None
    v = m.group(1)
    if v.startswith('"'):
        if not v.endswith('"') or len(v) < 2:
            ck.fail(c, "%s= badly quoted: %r" % (name, v[:80]))
        return v[1:-1].encode()
    if not re.fullmatch(r"[0-9A-F]+", v) or len(v) % 2:
        ck.fail(c, "%s= neither quoted nor hex: %r" % (name, v[:80]))
        return b""
    return bytes.fromhex(v)


def number(rec, name):
    m = re.search(r" %s=(\d+)" % name, rec)
    return int(m.group(1)) if m else None


def check_value(ck, c, rec, name, want, must_cut):
    """NAME= is WANT, or a prefix of it followed by NAME_len=len(WANT);
    a prefix when must_cut."""
    got, full = value(ck, c, rec, name), number(rec, name + "_len")
    if got is None:
        ck.fail(c, "no %s=" % name)
    elif full is None:
        if got != want or must_cut:
            ck.fail(c, "%s= %r != %r" % (name, got[:60], want[:60]))
    elif full != len(want) or not want.startswith(got) or \
            len(got) < min(len(want), 100):
        ck.fail(c, "%s= %r, %s_len=%d: not a prefix of %d bytes" % (
            name, got[:60], name, full, len(want)))
    return got


def check_records(cases, node, outer, logs):
    ck = Checker(cases)
    kernel_pid = outer[7:] if outer.startswith("kernel:") else None
    mine = {c["event"]: c for c in ck.cases}
    ours, longest = [], 0
    for path in logs:
        raw = open(path, "rb").read()
        if raw and not raw.endswith(b"\n"):
            ck.fail(None, "%s does not end with a newline" % path)
        text = raw.decode("ascii", "replace")
        for t in TELLTALES:
            if t in text:
                ck.fail(None, "%r appears in %s" % (t, path))
        for line in raw.split(b"\n")[:-1]:
            m = re.search(rb" event=([0-9.]+:[0-9]+) ", line)
            if b"op=sshwatch" not in line or m is None or \
                    m.group(1).decode() not in mine:
                continue
            c = mine[m.group(1).decode()]
            if any(b < 0x20 or b > 0x7e for b in line):
                ck.fail(c, "a record holds a byte outside printable ASCII")
                continue
            ours.append((c, line.decode("ascii")))
            longest = max(longest, len(line))
    shape = re.compile(
        r"node=%s type=(ANOM_EXEC|ANOM_MOD_ACCT) msg=audit\(\d+\.\d{3}:\d+\):"
        r" pid=(\d+) uid=(\d+) auid=\d+ ses=\d+ (?:subj=\S+ )?"
        r"msg='op=sshwatch [^']* res=success'$" % re.escape(node))
    for c in ck.cases:
        recs = [r for cc, r in ours if cc is c]
        if len(recs) != len(c["rules"]):
            ck.fail(c, "%d records, want %d" % (len(recs), len(c["rules"])))
            continue
        for rec in recs:
            m = shape.match(rec)
            if m is None or rec.count("'") != 2:
                ck.fail(c, "not one whole record: %r" % rec[:200])
                continue
            want_type = "ANOM_EXEC" if c["kind"] == "exec" else \
                "ANOM_MOD_ACCT"
            if m.group(1) != want_type:
                ck.fail(c, "type %s" % m.group(1))
            if kernel_pid is not None and (m.group(2) != kernel_pid or
                                           m.group(3) != "0"):
                ck.fail(c, "outer pid=%s uid=%s" % m.group(2, 3))
            if kernel_pid is None and (
                    m.group(2) != str(30000 + ck.cases.index(c)) or
                    m.group(3) != "1001"):
                ck.fail(c, "outer pid=%s uid=%s" % m.group(2, 3))
            body = rec[rec.index("msg='op=sshwatch ") + 4:]
            if len(body) - 1 > MAX_BODY:
                ck.fail(c, "a message of %d bytes" % (len(body) - 1))
            if " rule=%s " % c["rules"][0] not in rec or \
                    " uid=1001 auid=1001 ses=42 " not in body:
                ck.fail(c, "rule or actor: %r" % rec[:200])
            if c["kind"] == "exec":
                argv = kept_argv(c)
                want = b" ".join(argv)
                cut = argv != [bytes.fromhex(x) for x in c["argv"]]
                cmd = check_value(ck, c, rec, "cmd", want,
                                  2 * len(want) > MAX_BODY)
                if number(rec, "argc") != len(argv):
                    ck.fail(c, "argc=%s" % number(rec, "argc"))
                if ("truncated=yes" if cut else "truncated=no") not in rec:
                    ck.fail(c, "truncated= is not %s" % cut)
                check_value(ck, c, rec, "dest", bytes.fromhex(c["host"]),
                            False)
                if value(ck, c, rec, "exe") != b"/usr/bin/ssh":
                    ck.fail(c, "exe=")
                if cmd is not None and b"\0" in want and b"\0" not in cmd:
                    ck.fail(c, "cmd= lost its NUL bytes")
            else:
                path = bytes.fromhex(c["path"])
                check_value(ck, c, rec, "path", path,
                            2 * len(path) > CAP_PATH)
                check_value(ck, c, rec, "acct", bytes.fromhex(c["owner"]),
                            False)
                if value(ck, c, rec, "exe") != b"/usr/bin/bash" or \
                        " operation=append " not in rec or \
                        "truncated=no" not in rec:
                    ck.fail(c, "exe=, operation= or truncated=: %r" %
                            rec[-200:])
                # acct= before exe=, or ausearch -x misses the record.
                if rec.find(" acct=") > rec.find(" exe="):
                    ck.fail(c, "acct= after exe=")
    ck.done("%d %d" % (len(ours), longest))


def tty(b):
    """A value as ausearch -i shows it: auparse's TTY escaping writes bytes
    below 0x20 in octal, and a decoded value is a C string."""
    b = b.split(b"\0")[0]
    return b"".join(b"\\%03o" % c if c < 0x20 else bytes([c]) for c in b)


# Set by lib.sh's sw_hostile_ausearch when the ausearch under test does
# not decode a hex acct= holding a letter (audit 3.1.5).
RAW_HEX_ACCT = os.environ.get("SW_AUSEARCH_RAW_HEX_ACCT") == "1"


def check_ausearch(cases, ilog, logs):
    """Every record of ours in LOGS is one line in ILOG (ausearch -i's
    output of them) whose cmd=, path= and acct= are the raw record's,
    decoded."""
    ck = Checker(cases)
    mine = {c["event"]: c for c in ck.cases}
    ilines = open(ilog, "rb").read().split(b"\n")
    n = 0
    for path in logs:
        for line in open(path, "rb").read().split(b"\n"):
            m = re.search(rb" event=([0-9.]+:[0-9]+) ", line)
            if b"op=sshwatch" not in line or m is None or \
                    m.group(1).decode() not in mine:
                continue
            c, rec = mine[m.group(1).decode()], line.decode("ascii")
            shown = [i for i in ilines if b" event=%s " % m.group(1) in i
                     and b"op=sshwatch" in i]
            if len(shown) != 1:
                ck.fail(c, "ausearch -i shows %d lines" % len(shown))
                continue
            n += 1
            for name in ("cmd", "path", "acct"):
                v = value(ck, c, rec, name)
                want = None if v is None else tty(v)
                # audit 3.1.5's ausearch takes a hex acct= for hex only
                # when it has no letter (is_hex_string() tests isdigit):
                # lib.sh's probe found this ausearch so, and then such a
                # value must be shown as logged, the hex itself.
                raw = re.search(r" %s=([0-9A-F]+) " % name, rec)
                if name == "acct" and RAW_HEX_ACCT and raw and \
                        re.search(r"[A-F]", raw.group(1)):
                    want = raw.group(1).encode()
                if v is not None and b" %s=%s " % (name.encode(), want) \
                        not in shown[0]:
                    ck.fail(c, "ausearch -i does not show %s=%r" % (
                        name, tty(v)[:60]))
    ck.done(n)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "gen":
        gen(*args)
    elif cmd == "json":
        check_json(*args)
    elif cmd == "ausearch":
        check_ausearch(args[0], args[1], args[2:])
    elif cmd == "records":
        check_records(args[0], args[1], args[2], args[3:])
    else:
        sys.exit("usage: hostile.py gen|json|records|ausearch ...")


main()
