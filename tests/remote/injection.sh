#!/bin/bash
# injection.sh: no argv can forge, split or corrupt a record on the
# aggregator.
#
# A synthetic audit stream (records shaped like the kernel's: SYSCALL of
# /usr/bin/ssh, EXECVE with hex-encoded arguments, CWD, PATH, PROCTITLE,
# EOE) holds one `ssh -D 1080' event per hostile argument: a newline, an
# apostrophe, a double quote, \x1d (auditd's enriched separator), the text
# of a forged record ("type=ANOM_EXEC msg=audit(1.2:3): res=failed"),
# " node=evil type=", invalid UTF-8 (ff fe), all of them at once, the
# forged record as the destination host, and one 100 KB argument split
# the kernel's way (a3_len=200000, then a3[0]..a3[26] of 7,500 hex
# characters over several EXECVE records).  Replayed with --forward to a
# real aggregator:
#  - exactly one alert per event, and one record per alert;
#  - every line of the aggregator's log is a record auditd wrote itself or
#    one of ours, starting "node=testnode type=ANOM_EXEC msg=audit(",
#    ending "res=success'", with no byte outside printable ASCII and no
#    apostrophe but msg='...''s own;
#  - cmd= decoded (hex or quoted) is the argv joined by spaces, byte for
#    byte; the 100 KB one is shortened, says cmd_len=<full length>, is a
#    prefix of it and stays one record under 8,954 bytes; dest= decodes
#    to the destination;
#  - ausearch -sv no finds none of them; ausearch -i parses them all.
. "${srcdir:-.}/tests/remote/lib.sh"
sw_init

D=$SW_T/inj
mkdir "$D"
# The stream and, per event, its argv (hex) for the checks.
python3 - "$D/stream" "$D/cases" <<'EOF'
import json, string, sys

BIG = (string.ascii_letters * 2000)[:100000].encode()
forged = b"type=ANOM_EXEC msg=audit(1.2:3): res=failed"
cases = [
    [b"ssh", b"-D", b"1080", b"host", b"line1\nline2"],
    [b"ssh", b"-D", b"1080", b"host", b"it's"],
    [b"ssh", b"-D", b"1080", b"host", b'say "hi"'],
    [b"ssh", b"-D", b"1080", b"host", b"a\x1db\x1dc"],
    [b"ssh", b"-D", b"1080", b"host", forged],
    [b"ssh", b"-D", b"1080", b"host", b" node=evil type="],
    [b"ssh", b"-D", b"1080", b"host", b"\xff\xfe"],
    [b"ssh", b"-D", b"1080", b"host",
     b"x\n' \" \x1d " + forged + b" node=evil type= \xff\xfe'"],
    [b"ssh", b"-D", b"1080", b"evil'" + forged + b" node=evil type="],
    [b"ssh", b"-D", b"1080", BIG],
]
PIECE = 7500    # MAX_EXECVE_AUDIT_LEN: hex characters of one piece

def plain(a):
    return all(0x21 <= c <= 0x7e and c != 0x22 for c in a)

out, meta = open(sys.argv[1], "wb"), []
for i, argv in enumerate(cases):
    ts = b"1795900100.%03d:%d" % (i, 700000 + i)
    hdr = lambda t: b"type=" + t + b" msg=audit(" + ts + b"): "
    pid = 30000 + i
    out.write(hdr(b"SYSCALL") + b"arch=c000003e syscall=59 success=yes "
              b"exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=29999 pid=%d "
              b"auid=1001 uid=1001 gid=1001 euid=1001 suid=1001 fsuid=1001 "
              b"egid=1001 sgid=1001 fsgid=1001 tty=pts0 ses=42 comm=\"ssh\" "
              b"exe=\"/usr/bin/ssh\" key=\"sshw-exec\"\n" % pid)
    # EXECVE the kernel's way: short arguments in the first record, a
    # long one as aN_len= and pieces, one piece a record after the first.
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
    for j, r in enumerate(recs):
        out.write(hdr(b"EXECVE") + (r if j == 0 else r) + b"\n")
    out.write(hdr(b"CWD") + b'cwd="/tmp"\n')
    out.write(hdr(b"PATH") + b'item=0 name="/usr/bin/ssh" inode=10977289 '
              b"dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 "
              b"nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 "
              b"cap_frootid=0\n")
    out.write(hdr(b"PROCTITLE") + b"proctitle=" +
              b"\0".join(argv)[:128].hex().upper().encode() + b"\n")
    out.write(hdr(b"EOE") + b"\n")
    meta.append({"event": ts.decode(), "argv": [a.hex() for a in argv],
                 "execve_records": len(recs)})
json.dump(meta, open(sys.argv[2], "w"))
EOF
[ -s "$D/stream" ] || sw_fail "no stream"
NEV=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$D/cases")

AGG=$SW_T/agg
PORT=$(sw_free_port)
sw_agg_start "$AGG" "$PORT"
sw_plugin_conf "$D/sw.conf" "$PORT" "$D"
sw_log "replaying $NEV hostile events to the aggregator on port $PORT"
rc=0
"$PLUGIN" -s -c "$D/sw.conf" --replay --forward "$D/stream" \
    >/dev/null 2>"$D/err" || rc=$?
[ "$rc" -eq 0 ] || sw_fail "replay --forward exited $rc: $(cat "$D/err")"
grep -q "$NEV alerts delivered to 127.0.0.1, 0 still spooled" "$D/err" ||
	sw_fail "not $NEV alerts delivered: $(cat "$D/err")"
LOG=$AGG/audit.log

out=$(python3 - "$D/cases" "$D/alerts.json" "$LOG" 2>&1 <<'EOF'
import json, re, sys

cases = json.load(open(sys.argv[1]))
alerts = [json.loads(l) for l in open(sys.argv[2])]
raw = open(sys.argv[3], "rb").read()
bad = []

# One alert per event.
byev = {}
for a in alerts:
    byev.setdefault("%s:%d" % (a["time"], a["serial"]), []).append(a)
for c in cases:
    got = byev.get(c["event"], [])
    if [a["rule"] for a in got] != ["ssh-dynamic-forward"]:
        bad.append("event %s: alerts %s" % (c["event"],
                                             [a["rule"] for a in got]))
if len(alerts) != len(cases):
    bad.append("%d alerts for %d events" % (len(alerts), len(cases)))

# The log: only auditd's own records and ours, whole, printable ASCII.
if any(b < 0x20 and b != 0x0a or b > 0x7e for b in raw):
    bad.append("the log holds a byte outside printable ASCII")
lines = raw.decode("ascii", "replace").split("\n")
if lines[-1] != "":
    bad.append("the log does not end with a newline")
ours = []
shape = re.compile(r"node=testnode type=ANOM_EXEC msg=audit\(\d+\.\d{3}:\d+\):"
                   r" pid=\d+ uid=\d+ auid=\d+ ses=\d+ msg='op=sshwatch "
                   r"[^']* res=success'$")
for line in lines[:-1]:
    if re.match(r"type=DAEMON_[A-Z]+ msg=audit\(", line) and \
            "op=sshwatch" not in line:
        continue
    if not shape.match(line) or line.count("'") != 2:
        bad.append("a line is not one of our records: %r" % line[:160])
        continue
    if len(line) > 8954:
        bad.append("a record of %d bytes" % len(line))
    ours.append(line)
for s in ("node=evil", "res=failed", "msg=audit(1.2:3)"):
    if s in raw.decode("ascii", "replace"):
        bad.append("%r appears in the log" % s)
if len(ours) != len(alerts):
    bad.append("%d records for %d alerts" % (len(ours), len(alerts)))

def value(rec, name):
    m = re.search(r" %s=(\S+)" % name, rec)
    if m is None:
        return None
    v = m.group(1)
    if v.startswith('"'):
        if not v.endswith('"') or len(v) < 2:
            bad.append("%s= badly quoted: %r" % (name, v[:80]))
        return v[1:-1].encode()
    if not re.fullmatch(r"[0-9A-F]+", v) or len(v) % 2:
        bad.append("%s= neither quoted nor hex: %r" % (name, v[:80]))
        return b""
    return bytes.fromhex(v)

checked = cut = 0
for c in cases:
    recs = [r for r in ours if " event=%s " % c["event"] in r]
    if len(recs) != 1:
        bad.append("event %s: %d records" % (c["event"], len(recs)))
        continue
    rec, argv = recs[0], [bytes.fromhex(a) for a in c["argv"]]
    want = b" ".join(argv)
    cmd = value(rec, "cmd")
    argc = re.search(r" argc=(\d+)", rec)
    if argc is None or int(argc.group(1)) != len(argv):
        bad.append("event %s: argc" % c["event"])
    m = re.search(r" cmd_len=(\d+)", rec)
    if len(want) > 4000:
        cut += 1
        if m is None or int(m.group(1)) != len(want):
            bad.append("event %s: cmd_len=%s, want %d" % (
                c["event"], m and m.group(1), len(want)))
        if cmd is None or not want.startswith(cmd) or len(cmd) < 2000:
            bad.append("event %s: shortened cmd is not a prefix" % c["event"])
        if c["execve_records"] < 20:
            bad.append("the long argument was not split")
    elif m is not None or cmd != want:
        bad.append("event %s: cmd %r != %r" % (c["event"], cmd, want))
    host = argv[3]
    dest = value(rec, "dest")
    dlen = re.search(r" dest_len=(\d+)", rec)
    if dest is None or (dest != host and not (
            dlen and int(dlen.group(1)) == len(host) and
            host.startswith(dest))):
        bad.append("event %s: dest %r" % (c["event"], (dest or b"")[:40]))
    checked += 1
if cut != 1:
    bad.append("%d shortened command lines, expected 1" % cut)
if bad:
    print("; ".join(bad[:8]))
    sys.exit(1)
print(checked)
EOF
) || sw_fail "$out"
[ "$out" -eq "$NEV" ] || sw_fail "checked $out of $NEV records"
sw_log "$NEV records, one line each, cmd and dest decode to the argv"

# auditd's tools.
n=$(ausearch -if "$LOG" --raw -m ANOM_EXEC 2>/dev/null | grep -ac "op=sshwatch")
[ "$n" -eq "$NEV" ] || sw_fail "ausearch -m ANOM_EXEC finds $n of $NEV"
n=$(ausearch -if "$LOG" --raw -sv yes 2>/dev/null | grep -ac "op=sshwatch")
[ "$n" -eq "$NEV" ] || sw_fail "ausearch -sv yes finds $n of $NEV"
n=$(ausearch -if "$LOG" --raw -sv no 2>/dev/null | grep -ac "op=sshwatch")
[ "$n" -eq 0 ] || sw_fail "ausearch -sv no finds $n records"
rc=0
ausearch -if "$LOG" -i >"$D/all.i" 2>"$D/all.i.err" || rc=$?
if [ "$rc" -ne 0 ] || [ -s "$D/all.i.err" ]; then
	sw_fail "ausearch -i exited $rc: $(head -c 300 "$D/all.i.err")"
fi
n=$(grep -ac "type=ANOM_EXEC .*op=sshwatch" "$D/all.i")
[ "$n" -eq "$NEV" ] || sw_fail "ausearch -i shows $n of $NEV records"
# Decoded, the forged text shows only inside a cmd= value.
n=$(grep -a "type=ANOM_EXEC" "$D/all.i" | grep -ac "res=failed")
[ "$n" -ge 1 ] || sw_fail "ausearch -i does not decode the forged cmd"
n=$(aureport -if "$LOG" --anomaly 2>/dev/null | grep -acE '^[0-9]+\. .* ANOM_EXEC ')
[ "$n" -eq "$NEV" ] || sw_fail "aureport --anomaly lists $n of $NEV"
sw_log "ausearch -sv no finds none; ausearch -i and aureport read all $NEV"
exit 0
