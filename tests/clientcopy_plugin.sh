#!/bin/bash
# clientcopy_plugin.sh: the live path of the client-copy rule (clientcopy.h)
# in plugin mode, on real processes of this test, without the kernel
# audit.  A "client" is named with ssh_paths (a copy of python, REF);
# processes that listen on 127.0.0.1 run
#   copy   another file with REF's bytes     -> ssh-forward-listen, via
#          "copy", "copy of REF", the socket of the listen's descriptor
#          (port, exact), medium (loopback, one step up), confidence high
#   ref    REF itself (its bind is the socket rules' business) -> nothing
#   other  REF's bytes and one more (another size, not hashed) -> nothing
# The listen record of each is written to the plugin's standard input as
# auditd would hand it (the time now, the real pid and descriptor): /proc
# is read for events of this host at most 60 seconds old.  Run as root,
# the children give up every capability (so that the plugin, which keeps
# two, may read their /proc/PID/exe and fd, as for any process of its
# own account); not root, they are the plugin's own account.
set -eu
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
P=$top_builddir/plugin/audisp-sshwatch
skip() { echo "SKIP: $*" >&2; exit 77; }
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3"
case $(uname -m) in
x86_64) ARCH=c000003e SC=50 ;;
aarch64) ARCH=c00000b7 SC=201 ;;
*) skip "listen's syscall number not known for $(uname -m)" ;;
esac
PY=$(readlink -f /usr/bin/python3)
T=$(mktemp -d)
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT
chmod 0755 "$T"
cp "$PY" "$T/ref"
cp "$PY" "$T/copy"
{ cat "$PY"; printf 'x'; } >"$T/other"
chmod 0755 "$T/ref" "$T/copy" "$T/other"
DROP=
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || skip "needs setpriv as root"
	DROP="setpriv --inh-caps=-all --bounding-set=-all --"
fi

# name: starts $T/name listening; sets PID, FD, PORT.
start() {
	# shellcheck disable=SC2086 # DROP is a command or nothing
	$DROP "$T/$1" -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.fileno(), s.getsockname()[1], flush=True); time.sleep(60)' \
	    >"$T/$1.out" &
	PID=$!
	PIDS="$PIDS $PID"
	for _ in $(seq 100); do [ -s "$T/$1.out" ] && break; sleep 0.05; done
	read -r FD PORT <"$T/$1.out" || { echo "FAIL: $1 did not start"; exit 1; }
}

serial=100
# name pid fd: the listen event of the process, as auditd hands it.
record() {
	local now hexexe

	now=$(date +%s.%3N)
	serial=$((serial + 1))
	hexexe=$(printf '%s' "$T/$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
	printf 'type=SYSCALL msg=audit(%s:%s): arch=%s syscall=%s success=yes exit=0 a0=%x a1=1 a2=0 a3=0 items=0 ppid=%s pid=%s auid=4294967295 uid=%s gid=0 euid=%s suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="python3" exe=%s subj=unconfined key="sshwatch-listen"\n' \
	    "$now" "$serial" "$ARCH" "$SC" "$3" "$$" "$2" "$(id -u)" "$(id -u)" "$hexexe"
	printf 'type=PROCTITLE msg=audit(%s:%s): proctitle=707974686F6E33\n' \
	    "$now" "$serial"
	printf 'type=EOE msg=audit(%s:%s): \n' "$now" "$serial"
}

printf 'json_file = %s/alerts.json\nsyslog_alerts = no\naudit_sink = no\ndedup_window = 0\nssh_paths = %s/ref\n' \
    "$T" "$T" >"$T/plugin.conf"
chmod 0600 "$T/plugin.conf"
start copy
CPID=$PID CFD=$FD CPORT=$PORT
start ref
RPID=$PID RFD=$FD
start other
OPID=$PID OFD=$FD
{
	record copy "$CPID" "$CFD"
	record ref "$RPID" "$RFD"
	record other "$OPID" "$OFD"
} >"$T/stream"
"$P" -c "$T/plugin.conf" <"$T/stream" >"$T/plugin.out" 2>&1 || {
	echo "FAIL: plugin exited $?: $(cat "$T/plugin.out")"
	exit 1
}
touch "$T/alerts.json"
/usr/bin/python3 - "$T" "$CPID" "$CPORT" <<'PYEOF'
import json, sys
t, cpid, cport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
alerts = [json.loads(l) for l in open(t + '/alerts.json')]
bad = 0
def fail(msg):
    global bad
    print('FAIL: ' + msg)
    bad += 1
mine = [a for a in alerts if a['rule'] == 'ssh-forward-listen']
if len(mine) != 1:
    fail('want one ssh-forward-listen (the copy), got %d: %s' % (len(mine), alerts))
for a in mine:
    if a['process']['pid'] != cpid:
        fail('alert of pid %s, not the copy %d' % (a['process']['pid'], cpid))
    if a.get('via') != 'copy':
        fail('via %r' % a.get('via'))
    if not any(m.startswith('copy of %s/ref' % t) for m in a['match']):
        fail('no "copy of REF" in %s' % a['match'])
    s = a.get('socket')
    if not s or s.get('port') != cport or s.get('operation') != 'listen' \
            or s.get('address') != '127.0.0.1':
        fail('socket %s, want listen 127.0.0.1:%d' % (s, cport))
    if a['severity'] != 'medium' or a['confidence'] != 'high':
        fail('severity %s confidence %s' % (a['severity'], a['confidence']))
    if 'client-copy' not in a['tags']:
        fail('tags %s' % a['tags'])
print('clientcopy_plugin: %d alerts: %s' % (len(alerts), 'FAIL' if bad else 'ok'))
sys.exit(1 if bad else 0)
PYEOF
