#!/bin/sh
# mkseeds.sh: (re)writes the seed corpora in tests/fuzz/seeds from the
# real captures in tests/fixtures, with the built plugin finding the
# events that alert.  Run from the top of a built tree; the seeds are
# committed, so this runs only when the captures change.
set -eu
plugin=${PLUGIN:-plugin/audisp-sshwatch}
out=tests/fuzz/seeds
fx=tests/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"
mkdir -p "$out"/stream "$out"/encode "$out"/sshopt "$out"/cfg \
	"$out"/spool "$out"/rmw "$out"/json "$out"/sshconf "$out"/sockaddr \
	"$out"/follow "$out"/procfs

# stream: each alerting event of the plugin stream auditd handed a real
# plugin, with the four events before it, behind a first byte choosing
# the gate, the limits and the split.
"$plugin" --replay "$fx/real/raw/stream.txt" 2>/dev/null |
	python3 -c 'import json,sys
for l in sys.stdin:
	d = json.loads(l); print(d["serial"])' | sort -un >"$tmp/serials"
python3 - "$fx/real/raw/stream.txt" "$tmp/serials" "$out/stream" <<'PY'
import re, sys, os
recs = {}
order = []
for line in open(sys.argv[1], 'rb'):
    m = re.search(rb'msg=audit\([0-9.]+:([0-9]+)\)', line)
    if not m:
        continue
    s = int(m.group(1))
    if s not in recs:
        recs[s] = []
        order.append(s)
    recs[s].append(line)
idx = {s: i for i, s in enumerate(order)}
for k, s in enumerate(int(x) for x in open(sys.argv[2])):
    if s not in idx:
        continue
    i = idx[s]
    body = b''.join(b''.join(recs[t]) for t in order[max(0, i - 4):i + 1])
    flags = bytes([(k * 37) & 0xff])
    with open(os.path.join(sys.argv[3], 'alert-%d' % s), 'wb') as f:
        f.write(flags + body)
PY
# Other forms: ENRICHED log lines, ausearch output, the context capture
# (LOGIN/USER_START sessions), 200 lines each.
i=0
for f in "$fx/real/enriched/audit.log" "$fx/real/ausearch.txt" \
	"$fx/real/ausearch-raw.txt" "$fx/context/audit.log"; do
	i=$((i + 1))
	for start in 1 2001 4001; do
		{ printf '\003'; sed -n "${start},$((start + 199))p" "$f"; } \
			>"$out/stream/form$i-$start"
	done
done

# The key capture (descriptor-relative names, renames, mounts, handles,
# ADD_USER, USER_CHAUTHTOK, LOGIN, /proc/self/cwd): 200 lines from every
# 200th, to the end.
for start in $(seq 1 200 "$(wc -l <"$fx/keys/audit.log")"); do
	{ printf '\003'; sed -n "${start},$((start + 199))p" "$fx/keys/audit.log"; } \
		>"$out/stream/keys-$start"
done

# The io_uring capture (URINGOP records, io_uring_enter's, PATH items
# without names).
{ printf '\003'; cat "$fx/uring/audit.log"; } >"$out/stream/uring"

# encode: identity file, host, exe, cwd, remote command words.
printf '%s\0%s\0%s\0%s\0%s\0%s' "~/.ssh/id_ed25519" "sshw-alice@127.0.0.1" \
	/usr/bin/tee /tmp/sshw-cap/t105-ak-tee ls -la >"$out/encode/plain"
printf '%s\0%s\0%s\0%s\0%s' "/tmp/k ey\"q" "h\nnode=evil type=ANOM_EXEC" \
	"/usr/bin/t\035ee" "/tmp/\377\376" "res=failed'" >"$out/encode/forged"
printf '%s\0%s\0%s\0%s' "../../etc/k" "../x" "" "rel/dir" \
	>"$out/encode/relative"

# sshopt: the commands of the real scenarios, as the argv ssh got.
python3 - "$fx/real/scenarios.tsv" "$out/sshopt" <<'PY'
import shlex, sys, os
progs = {'ssh': 1, 'scp': 2, 'sftp': 3, 'ssh-add': 4, 'ssh-agent': 5}
n = 0
for line in open(sys.argv[1]):
    if line.startswith('#'):
        continue
    cols = line.rstrip('\n').split('\t')
    try:
        words = shlex.split(cols[4])
    except ValueError:
        continue
    while words and words[0] not in progs:
        words = words[1:]
    if not words:
        continue
    n += 1
    with open(os.path.join(sys.argv[2], cols[0]), 'wb') as f:
        f.write(bytes([progs[words[0]] - 1, n % 13]) +
                b'\0'.join(w.encode() for w in words))
PY

# cfg: the shipped config and the context capture's allow list.
cp conf/sshwatch.conf "$out/cfg/sshwatch.conf"
cp "$fx/context/allow.conf" "$out/cfg/allow.conf"

# rmw: the replies an auditd 3.0.9 server sends (lib/private.h framing).
python3 - "$out/rmw" <<'PY'
import struct, sys, os
def h(t, seq, payload=b''):
    return struct.pack('<IBBIHI', 0xff0000fe, 0, 0, t, len(payload), seq) + payload
for name, t, p in (('ack', 0x40000000, b''), ('disklow', 0x50000001, b'disk low'),
                   ('diskfull', 0x60000001, b'disk full'),
                   ('diskerror', 0x60000002, b'disk error'),
                   ('ending', 0x40000001, b''), ('message', 0, b'type=X')):
    open(os.path.join(sys.argv[1], name), 'wb').write(h(t, 1, p) + h(0x40000000, 2))
PY

# procfs: real /proc/PID/stat and cmdline (this shell's, sshd's title
# shape), a comm with parentheses and spaces, and git's remote command.
cat /proc/$$/stat >"$out/procfs/stat-self"
printf '4242 (a) (b c)) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 10\n' >"$out/procfs/stat-parens"
printf '/usr/bin/python3\000/usr/local/bin/ansible-playbook\000site.yml\000' >"$out/procfs/cmdline-ansible"
printf 'sshd: alice@notty      \000\000' >"$out/procfs/cmdline-title"
printf "git-upload-pack '/srv/it'\\\\''s.git'" >"$out/procfs/git-one-word"
printf 'git-upload-pack\000/srv/r.git' >"$out/procfs/git-two-words"

# json: values the captures hold, and forged ones.
printf '%s' "/home/sshw-alice/.ssh/authorized_keys" >"$out/json/path"
printf 'a\nb"c\\d\035e\377f\000g caf\303\251 \355\240\200' >"$out/json/mixed"

# sockaddr: saddr= values of the socket capture, an abstract name, bad hex.
i=0
for h in $(grep -o 'saddr=[0-9A-F]*' "$fx/sock/audit.log" | cut -d= -f2 |
    sort -u | head -12); do
	i=$((i + 1))
	printf '%s' "$h" >"$out/sockaddr/capture-$i"
done
printf '0100006162630064' >"$out/sockaddr/abstract"
printf 'zz00' >"$out/sockaddr/bad"

:

# sshconf: a release byte (bit 7: -F), then files split at NUL: the
# user's file, the system file, files an Include glob finds.
printf '\005Host h*\n DynamicForward 1080\nMatch user u exec "true"\n ForwardAgent yes\n' >"$out/sshconf/host-match"
printf '\205Include /f*\nHost * !h1\n ProxyCommand nc %%h %%p\000StrictHostKeyChecking=no\000Include /f2\000Match final host x\n IdentityFile ~/k' >"$out/sshconf/include-loop"
printf '\001HostName %%h.int\nMatch host *.int,!y originalhost h?\n "LocalForward" 1 x:2\nMATCH User=u\n UserKnownHostsFile /dev//null\000EIO' >"$out/sshconf/hostname-eio"

# spool: real spool files the plugin wrote, replaying the capture with
# its aggregator down (nothing listens on 127.0.0.1:9): all alerts, and
# a 64K spool where drop_oldest pushed the first ones out.
for policy in drop_new drop_oldest; do
	for size in 67108864 65536; do
		c=$tmp/sw-$policy-$size.conf
		printf '%s\n' "remote_server = 127.0.0.1" "remote_port = 9" \
			"forward_timeout = 1" "syslog_alerts = no" \
			"audit_sink = no" "spool_file = $tmp/spool-$policy-$size" \
			"spool_max_size = $size" "spool_full_action = $policy" >"$c"
		chmod 600 "$c"
		"$plugin" -s -c "$c" --replay --forward \
			"$fx/real/enriched/audit.log" "$fx/context/audit.log" \
			"$fx/real/raw/audit.log" >/dev/null 2>&1 || true
		head -c 70000 "$tmp/spool-$policy-$size" \
			>"$out/spool/$policy-$size"
	done
done

# follow: state files as the follower writes them -- a resume point with
# the events done after it, one without any, and one cut short.
k1=$(printf 'hostA 1795825559.951:49340' | od -An -tx1 | tr -d ' \n')
k2=$(printf 'node0001 1796000001.250:13345' | od -An -tx1 | tr -d ' \n')
printf 'sshwatch-follow 1\nsafe 65024 10960902 804173\nend 65024 10960902 804590\ndone %s\ndone %s\n' \
    "$k1" "$k2" >"$out/follow/done"
printf 'sshwatch-follow 1\nsafe 65024 10960902 1104173\nend 65024 10960902 1104173\n' \
    >"$out/follow/caught-up"
printf 'sshwatch-follow 1\nsafe 65024 10960902 804173\nend 65024 109' \
    >"$out/follow/cut"

# clientcopy: lines of this host's /proc/net/tcp, tcp6 and unix behind
# the byte choosing the parser, an fd link, listen SYSCALL records.
mkdir -p "$out/clientcopy"
i=0
for f in tcp tcp6 unix; do
	# shellcheck disable=SC2059 # the octal escape of byte i
	{ printf "\\$(printf %03o "$i")"; sed -n 2p "/proc/net/$f"; } \
		>"$out/clientcopy/$f" 2>/dev/null || true
	i=$((i + 1))
done
printf '\002%s' '0000000000000000: 00000002 00000000 00010000 0001 01 31337 /tmp/a
0000000000000000: 00000002 00000000 00010000 0001 01 1 @forged' \
	>"$out/clientcopy/unix-newline"
printf '\003socket:[123456]' >"$out/clientcopy/fd-link"
printf '\004type=SYSCALL msg=audit(1796274298.308:12345): arch=c000003e syscall=50 success=yes exit=0 a0=3' \
	>"$out/clientcopy/gate-x86_64"
printf '\004arch=40000003 syscall=363 success=yes' >"$out/clientcopy/gate-i386"

echo "mkseeds: $(find "$out" -type f | wc -l) seeds in all"
