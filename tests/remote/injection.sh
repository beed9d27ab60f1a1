#!/bin/bash
# injection.sh: no argv and no file name can forge, split or corrupt an
# alert, in the JSON file or in a record on the aggregator.
#
# The stream (tests/remote/hostile.py, which says what each case must
# give) is shaped like the kernel's: per case an execve of /usr/bin/ssh
# (SYSCALL, EXECVE with the arguments quoted or hex, split the kernel's
# way when long, CWD, PATH, PROCTITLE, EOE) or bash's openat of an
# authorized_keys file for appending (SYSCALL syscall=257 a2=441, CWD,
# PATH with the name in hex, PROCTITLE, EOE).  The hostile bytes -- a
# newline, an apostrophe, a double quote, \x1d, the text of a forged
# record, " node=evil type=", invalid UTF-8 (ff fe), all at once -- are in
# a trailing argument of `ssh -D 1080 host', in the destination host, in
# the home directory of /home/NAME/.ssh/authorized_keys and in the cwd a
# relative name is resolved against.  Besides: a 100 KB destination and a
# 1 MiB argument, split into aN[K] pieces; NUL bytes inside arguments (a
# forged EXECVE) with a PROCTITLE that splits them into more words; a
# PROCTITLE naming another command than EXECVE (both ways: a tunnel in
# EXECVE only alerts, a tunnel in PROCTITLE only does not); a path of
# about 3,000 bytes; two 512 KiB arguments of control bytes, whose JSON
# would take 2 MiB.
#
# Replayed with --forward to a real aggregator (auditd), and asserted:
#  - exactly the expected alerts (ssh-dynamic-forward, authorized-keys-
#    write; none where only PROCTITLE shows a tunnel), all delivered;
#  - JSON (json_file and replay's standard output): one valid JSON object
#    a line per alert; process.argv (argv_hex when not UTF-8) is EXECVE's
#    argv byte for byte, NULs included (\u0000); the 1 MiB argument is
#    kept as its first 131,072 bytes, exactly, with truncated = true; the
#    control bytes' line is cut to fit, not lost: each long argument an
#    exact prefix of 1,000 bytes or more, truncated = true;
#    destination.host is the host as OpenSSH sees it (up to a NUL);
#    file.path, file.owner and process.cwd (or their _hex) are the
#    resolved path, the home's account and the cwd, byte for byte;
#  - the aggregator's log holds only auditd's own records and ours, each
#    one line of printable ASCII, "node=testnode type=ANOM_EXEC" or
#    "ANOM_MOD_ACCT" (file alerts) "msg=audit(...): pid= uid= auid= ses=
#    msg='op=sshwatch ... res=success'" with the actor's pid and uid
#    outside, no apostrophe but msg='...''s own, none of the forged texts
#    outside a hex value, a message of at most 8,192 bytes;
#  - in each record cmd= decodes to EXECVE's argv joined by spaces (NULs
#    as 00), or to a prefix of it with cmd_len=<its length> when it does
#    not fit (the 100 KB, 1 MiB and control-byte ones; of an argument over
#    the caps that length counts the 131,072 bytes kept, and truncated=yes
#    says it was cut); argc= is EXECVE's argc; dest= decodes to the host (or a prefix
#    with dest_len=); path= to the resolved path (the 3,000-byte one a
#    prefix with path_len=), acct= to the account, before exe=;
#  - ausearch -sv no finds none of them, -m ANOM_EXEC and -m ANOM_MOD_ACCT
#    find each kind, -sv yes all; ausearch -i shows each record once with
#    its cmd=, path= and acct= decoded (bytes below 0x20 in octal, up to a
#    NUL); aureport --anomaly lists them all.
. "${srcdir:-.}/tests/remote/lib.sh"
sw_init

D=$SW_T/inj
mkdir "$D"
HOSTILE=$srcdir/tests/remote/hostile.py
python3 "$HOSTILE" gen "$D/stream" "$D/cases" || sw_fail "no stream"
sw_hostile_counts "$D/cases"

AGG=$SW_T/agg
PORT=$(sw_free_port)
sw_agg_start "$AGG" "$PORT"
sw_plugin_conf "$D/sw.conf" "$PORT" "$D"
sw_log "replaying $NEV hostile events ($(wc -c <"$D/stream") bytes)" \
    "to the aggregator on port $PORT"
rc=0
"$PLUGIN" -s -c "$D/sw.conf" --replay --forward "$D/stream" \
    >"$D/out.json" 2>"$D/err" || rc=$?
[ "$rc" -eq 0 ] || sw_fail "replay --forward exited $rc: $(cat "$D/err")"
grep -q "$NAL alerts delivered to 127.0.0.1, 0 still spooled" "$D/err" ||
	sw_fail "not $NAL alerts delivered: $(cat "$D/err")"
LOG=$AGG/audit.log

# The JSON sink, and replay's standard output.
sw_hostile_json "$D/cases" "$D/alerts.json"
sw_hostile_json "$D/cases" "$D/out.json"

# The aggregator's log: auditd's own records and ours, nothing else.
out=$(python3 - "$LOG" 2>&1 <<'EOF'
import re, sys
raw = open(sys.argv[1], "rb").read()
bad = []
if any(b < 0x20 and b != 0x0a or b > 0x7e for b in raw):
    bad.append("the log holds a byte outside printable ASCII")
for line in raw.decode("ascii", "replace").split("\n")[:-1]:
    if re.match(r"type=DAEMON_[A-Z]+ msg=audit\(", line) and \
            "op=sshwatch" not in line:
        continue
    if not line.startswith("node=testnode type=ANOM_") or \
            " msg='op=sshwatch " not in line:
        bad.append("a line is not one of our records: %r" % line[:160])
print("; ".join(bad[:5]))
sys.exit(1 if bad else 0)
EOF
) || sw_fail "aggregator: $out"
sw_hostile_records "$D/cases" testnode actor "$LOG"
sw_log "aggregator: $SW_NREC records, one line each (the longest" \
    "$SW_LONGEST bytes); cmd, dest, path, acct decode to the bytes"
sw_hostile_ausearch "$D/cases" "$LOG" "$D"
sw_log "ausearch -sv no finds none; -m and -sv yes find all $NAL," \
    "-i decodes them, aureport --anomaly lists them"
exit 0
