#!/bin/bash
# flood.sh: peak memory of the plugin under hostile input, and the counters
# that say what it dropped.  Each flood is generated on the fly and piped
# into the plugin's stdin (plugin mode, JSON alerts to a file):
#   incomplete  1,000,000 events, interleaved, none ever completed
#   bigarg      one 100 MB argument: as one record line, and split the
#               kernel's way (aN_len, aN[i]) over 7,500-byte pieces
#   sessions    100,000 distinct sessions (LOGIN + USER_START records)
#   garbage     1,000,000 lines that are not audit records, binary too
# Prints, per flood, the peak RSS and the plugin's closing counters.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=${top_builddir:-$(cd "$HERE/../.." && pwd)}
plugin=$TOP/plugin/audisp-sshwatch
[ -x /usr/bin/time ] || { echo "flood.sh: needs GNU time" >&2; exit 1; }
command -v python3 >/dev/null || { echo "flood.sh: needs python3" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf 'json_file = %s/alerts.json\nsyslog_alerts = no\naudit_sink = no\n' "$T" > "$T/conf"
chmod 600 "$T/conf"

gen() {
	python3 - "$1" <<'EOF'
import sys, os
w = sys.stdout.buffer.write
kind = sys.argv[1]
SYS = (b"type=SYSCALL msg=audit(%d.000:%d): arch=c000003e syscall=59 "
       b"success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=%d "
       b"auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 "
       b"egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm=\"ssh\" "
       b"exe=\"/usr/bin/ssh\" key=(null)\n")
if kind == "incomplete":
    # Each event gets its SYSCALL, then 500 events later its EXECVE; no EOE.
    out = []
    for i in range(1, 1000001):
        out.append(SYS % (1000 + i // 1000, i, i))
        if i > 500:
            j = i - 500
            out.append(b"type=EXECVE msg=audit(%d.000:%d): argc=2 "
                       b"a0=\"ssh\" a1=\"-D1080\"\n" % (1000 + j // 1000, j))
        if len(out) > 10000:
            w(b"".join(out)); out = []
    w(b"".join(out))
elif kind == "bigarg":
    piece = b"41" * 3750                     # 3,750 bytes as hex
    n = 100 * 1024 * 1024 // 3750
    # One line holding all of it.
    w(SYS % (2000, 1, 1))
    w(b"type=EXECVE msg=audit(2000.000:1): argc=2 a0=\"ssh\" a1=")
    for _ in range(n):
        w(piece)
    w(b"\ntype=EOE msg=audit(2000.000:1): \n")
    # The kernel's way: a1_len and pieces, 2 per record.
    w(SYS % (2001, 2, 2))
    w(b"type=EXECVE msg=audit(2001.000:2): argc=3 a0=\"ssh\" a1=\"-D1080\" "
      b"a2_len=%d\n" % (n * 7500))
    for k in range(0, n, 2):
        w(b"type=EXECVE msg=audit(2001.000:2): a2[%d]=%s a2[%d]=%s\n"
          % (k, piece, k + 1, piece))
    w(b"type=EOE msg=audit(2001.000:2): \n")
elif kind == "sessions":
    out = []
    for s in range(1, 100001):
        out.append(b"type=LOGIN msg=audit(3000.000:%d): pid=%d uid=0 "
                   b"subj=unconfined old-auid=4294967295 auid=%d tty=(none) "
                   b"old-ses=4294967295 ses=%d res=1\n" % (2 * s, s, 1000 + s, s))
        out.append(b"type=USER_START msg=audit(3000.000:%d): pid=%d uid=0 "
                   b"auid=%d ses=%d msg='op=PAM:session_open "
                   b"grantors=pam_unix acct=\"u%d\" exe=\"/usr/sbin/sshd\" "
                   b"hostname=10.0.%d.%d addr=10.0.%d.%d terminal=ssh "
                   b"res=success'\n" % (2 * s + 1, s, 1000 + s, s, s,
                   s // 256 % 256, s % 256, s // 256 % 256, s % 256))
        if len(out) > 10000:
            w(b"".join(out)); out = []
    w(b"".join(out))
elif kind == "garbage":
    out = []
    for i in range(1000000):
        if i % 3 == 0:
            out.append(os.urandom(64).replace(b"\n", b"x") + b"\n")
        elif i % 3 == 1:
            out.append(b"type=SYSCALL msg=audit(garbage): x=%d\n" % i)
        else:
            out.append(b"node= type= msg=audit(1.2:) \x1d\x00\n")
        if len(out) > 10000:
            w(b"".join(out)); out = []
    w(b"".join(out))
EOF
}

for f in incomplete bigarg sessions garbage; do
	gen "$f" > "$T/$f.in"
	/usr/bin/time -f "%M %e" -o "$T/t" "$plugin" -s -c "$T/conf" \
	    < "$T/$f.in" 2> "$T/$f.log" || true
	read -r rss secs < "$T/t"
	printf '%-10s %6.0f MB input  peak RSS %6d KB  %5.1f s\n' "$f" \
	    "$(($(wc -c < "$T/$f.in") / 1000000))" "$rss" "$secs"
	grep -o 'stopping: .*' "$T/$f.log" | tr ' ' '\n' | grep -Ev '=0$|^stopping:' | paste -sd' ' | sed 's/^/           /'
	rm -f "$T/$f.in" "$T/alerts.json"
done
