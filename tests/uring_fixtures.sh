#!/bin/sh
# uring_fixtures.sh: the real io_uring capture (tests/fixtures/uring, see
# its README): another account's key read through io_uring is an
# ssh-key-read (high) of that key, and the events that name no file, or
# name a .ssh only by an inode the plugin was not taught, raise nothing --
# in four forms: --replay of the auditd log, of `ausearch --raw' and of
# default ausearch output, and plugin mode (-s, the log on standard input,
# alerts to a json_file).
set -eu
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
P=$top_builddir/plugin/audisp-sshwatch
F=$srcdir/tests/fixtures/uring
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
command -v python3 >/dev/null || { echo "SKIP: needs python3" >&2; exit 77; }

"$P" --replay "$F/audit.log" >"$T/raw.json"
"$P" --replay "$F/ausearch-raw.txt" >"$T/ausearch-raw.json"
"$P" --replay "$F/ausearch.txt" >"$T/ausearch.json"
cat >"$T/plugin.conf" <<EOC
json_file = $T/plugin.json
audit_sink = no
syslog_alerts = no
name_format = none
EOC
chmod 0600 "$T/plugin.conf"
"$P" -s -c "$T/plugin.conf" <"$F/audit.log" 2>"$T/plugin.err" ||
	{ cat "$T/plugin.err" >&2; exit 1; }

python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
bad = 0
for form in ('raw', 'ausearch-raw', 'ausearch', 'plugin'):
    alerts = [json.loads(l) for l in open('%s/%s.json' % (t, form))]
    got = sorted((a['serial'], a['rule'], a['severity'], a['file']['path'])
                 for a in alerts)
    want = [(98557, 'ssh-key-read', 'high',
             '/home/sshw-ur-a/.ssh/id_ed25519')]
    if got != want:
        print('FAIL: %s: %s, not %s' % (form, got, want))
        bad += 1
    else:
        print('ok: %s: %s' % (form, got))
sys.exit(1 if bad else 0)
PY
