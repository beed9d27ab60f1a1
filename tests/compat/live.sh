#!/bin/bash
# shellcheck disable=SC2317 # sw_wait_for conditions
# tests/compat/live.sh: the plugin live under one audit release's own
# daemon and tools (run by check-compat.sh for each point of the matrix).
#
#   SW_AUDIT_PREFIX: the release's prefix (its sbin/ goes first in PATH:
#   auditd, auditctl, augenrules, ausearch); empty: the system's.
#   srcdir, top_builddir: the source tree and the plugin build to test.
#
#   real `ssh -D' exec -> kernel audit (rules.d/25-sshwatch.rules as
#   configured, loaded by the release's augenrules) -> the release's
#   auditd -n -c DIR (local_events = yes) -> the plugin (plugins.d entry,
#   active = yes) -> its remote channel -> the release's auditd as an
#   aggregator (local_events = no, tcp_listen_port on loopback)
#
# Asserted: the tools are the release's; augenrules loads the shipped rules
# (auditctl -l shows them); the release's auditd logs the ssh exec under
# key sshwatch-exec (found with its ausearch -k); the plugin alerts
# ssh-dynamic-forward on it; the alert reaches the aggregator exactly once
# and that release's ausearch -i decodes it (type ANOM_EXEC, the rule, the
# command line).  Ends with a "LIVE:" line saying what ran.
#
# Like tests/remote/live_chain.sh: root, a private network and mount
# namespace (tests/remote/lib.sh), the kernel audit lock, the kernel audit
# state restored on exit; exit 77 with the reason when any of that is
# missing.  /etc/audit is a private copy inside the mount namespace
# (augenrules writes /etc/audit/audit.rules).
. "${srcdir:-.}/tests/remote/lib.sh"
# (lib.sh put SW_AUDIT_PREFIX/sbin first in PATH.)
P=${SW_AUDIT_PREFIX:-}
SW_NAME=compat-live
sw_need_root
sw_need auditd auditctl augenrules ausearch ssh setpriv flock
if [ -n "$P" ]; then
	for t in auditd auditctl augenrules ausearch; do
		[ "$(command -v $t)" = "$P/sbin/$t" ] ||
			sw_fail "$t is $(command -v $t), not the release's"
	done
fi
sw_init
sw_kernel_take
# Aggregator ports of this test: 6306-6316.
PORT=${SW_COMPAT_PORT:-6306}

# -------------------------------------------------------- aggregator
AGG=$SW_T/agg
sw_agg_start "$AGG" "$PORT"

# ------------------------------------ private auditd with the plugin
L=$SW_T/local
mkdir -p "$L/plugins.d"
chmod 0700 "$L" "$L/plugins.d"
sw_plugin_conf "$L/sshwatch.conf" "$PORT" "$L" name=compatnode
echo "$L/audit.log" >"$L/logpath"
{
	cat <<EOC
local_events = yes
write_logs = yes
log_file = $L/audit.log
name_format = user
name = compatnode
plugin_dir = $L/plugins.d
q_depth = 8000
EOC
	sw_auditd_common
} >"$L/auditd.conf"
# The shipped entry (conf/plugins.d/sshwatch.conf), made active and
# pointed at this build and this test's config.
sed -e 's/^active = .*/active = yes/' \
    -e "s|^path = .*|path = $PLUGIN|" \
    -e "s|^args = .*|args = -c $L/sshwatch.conf|" \
    "$top_builddir/conf/plugins.d/sshwatch.conf" >"$L/plugins.d/sshwatch.conf"
grep -q '^active = yes' "$L/plugins.d/sshwatch.conf" ||
	sw_fail "cannot activate the plugins.d entry"
chmod 0600 "$L/auditd.conf" "$L/plugins.d/sshwatch.conf"
SW_KTOUCHED=1
sw_spawn auditd -n -c "$L" >"$L/auditd.out" 2>&1 &
SW_LPID=$!
sw_wait_for 10 sw_kernel_pid_is "$SW_LPID" ||
	sw_fail "the release's auditd did not register with the kernel: $(cat "$L/auditd.out")"
# auditd -n gives its plugins /dev/null for output; the plugin opens its
# JSON file once its sinks are up.
sw_wait_for 10 test -e "$L/alerts.json" ||
	sw_fail "the plugin did not start: $(cat "$L/auditd.out")"

# --------------------------------------------- rules via augenrules
mkdir -p "$SW_T/etc-audit/rules.d"
cp "$top_builddir/rules.d/25-sshwatch.rules" "$SW_T/etc-audit/rules.d/"
if [ -x "$top_builddir/scripts/audisp-sshwatch-genrules" ]; then
	sh "$top_builddir/scripts/audisp-sshwatch-genrules" \
	    -o "$SW_T/etc-audit/rules.d/26-sshwatch-homes.rules" \
	    >"$SW_T/genrules.out" 2>&1 ||
		sw_fail "genrules: $(cat "$SW_T/genrules.out")"
fi
mount --bind "$SW_T/etc-audit" /etc/audit ||
	sw_fail "cannot bind a private /etc/audit"
SW_MOUNTS+=(/etc/audit)
auditctl -b 8192 >/dev/null
augenrules --load >"$SW_T/augenrules.out" 2>&1 ||
	sw_fail "augenrules --load: $(cat "$SW_T/augenrules.out")"
auditctl -l >"$SW_T/loaded.rules"
nexec=$(grep -c 'key=sshwatch-exec' "$SW_T/loaded.rules")
nall=$(grep -c 'sshwatch' "$SW_T/loaded.rules")
[ "$nexec" -ge 10 ] ||
	sw_fail "augenrules loaded $nexec sshwatch-exec rules: $(cat "$SW_T/loaded.rules")"

# ------------------------------------------------------ a real ssh -D
# To the test's sshd port on loopback, where nothing listens in this
# namespace: the connection is refused, the exec is audited.
setpriv --reuid=65534 --regid=65534 --clear-groups -- \
    ssh -o BatchMode=yes -o ConnectTimeout=1 -N -D 1089 -p 2306 \
    127.0.0.1 </dev/null >"$SW_T/ssh.out" 2>&1 || true

ours() {
	python3 - "$L/alerts.json" <<'PY'
import json, sys
try:
    alerts = [json.loads(l) for l in open(sys.argv[1])]
except FileNotFoundError:
    alerts = []
for a in alerts:
    p = a["process"]
    if a["rule"] == "ssh-dynamic-forward" and p["uid"] == 65534 and \
            "1089" in (p.get("argv") or []):
        print("%s:%d" % (a["time"], a["serial"]))
PY
}
have_ours() {
	[ -n "$(ours)" ]
}
arrived() {
	local m

	m=$(sw_match "$L/alerts.json" "$(sw_agg_log "$AGG")")
	[ "$(echo "$m" | cut -d' ' -f3)" = 0 ]
}
sw_wait_for 20 have_ours ||
	sw_fail "no ssh-dynamic-forward alert: $(head -c 500 "$L/alerts.json" 2>/dev/null); $(tail -n 5 "$L/auditd.out")"
EV=$(ours | head -n 1)
sw_wait_for 20 arrived ||
	sw_fail "the alert did not reach the aggregator: $(sw_match "$L/alerts.json" "$(sw_agg_log "$AGG")")"

# ---------------------------------------------------------- read back
ALOG=$(sw_agg_log "$AGG")
read -r na nr nm nd nu <<<"$(sw_match "$L/alerts.json" "$ALOG")"
if [ "$nm" != 0 ] || [ "$nd" != 0 ] || [ "$nu" != 0 ] || [ "$nr" != "$na" ]; then
	sw_fail "alerts/records/missing/duplicates/unknown: $na $nr $nm $nd $nu"
fi
# The release's auditd logged the exec under the shipped rules' key.
n=$(ausearch -if "$L/audit.log" -k sshwatch-exec -x ssh --raw 2>/dev/null |
	grep -c 'type=EXECVE .*"1089"')
[ "$n" -ge 1 ] || sw_fail "ausearch -k sshwatch-exec finds no ssh -D exec in the local log"
# The release's ausearch reads the alert back from the aggregator.
ausearch -if "$ALOG" -m ANOM_EXEC -i >"$SW_T/agg.i" 2>"$SW_T/agg.i.err" ||
	sw_fail "ausearch -m ANOM_EXEC -i: $(cat "$SW_T/agg.i.err")"
grep -a " event=$EV " "$SW_T/agg.i" >"$SW_T/ours.i" ||
	sw_fail "ausearch -i: no record of event $EV: $(head -c 600 "$SW_T/agg.i")"
for w in "node=compatnode type=ANOM_EXEC" " rule=ssh-dynamic-forward " \
    "cmd=ssh -o BatchMode=yes -o ConnectTimeout=1 -N -D 1089 -p 2306 127.0.0.1 " \
    " exe=/usr/bin/ssh "; do
	grep -qF -- "$w" "$SW_T/ours.i" ||
		sw_fail "ausearch -i record lacks '$w': $(cat "$SW_T/ours.i")"
done
ver=$(auditctl -v 2>&1 | head -n 1)
echo "LIVE: $ver: auditd -n -c, augenrules loaded $nall sshwatch rules ($nexec exec), ssh -D alert $EV arrived $nr/$na at the aggregator, read back by ausearch -i"
