#!/bin/bash
# tests/capture/capture-pkg.sh -- a real kernel capture of a package
# manager replacing an OpenSSH binary (issue 13: "a package upgrade of
# openssh-server is low"), beside the same replacement by a plain cp, for
# tests/fixtures/sshd-pkg/.
#
# Usage (as root, on a Debian test VM whose kernel audit is free):
#     tests/capture/capture-pkg.sh [OUTDIR]
#
# The host's real /usr/bin/dpkg installs a small package built here with
# dpkg-deb --build (sshw-pkgtest: /usr/lib/openssh/sftp-server, the host's
# own bytes, taken over from openssh-sftp-server with --force-overwrite,
# and a postinst that puts it in place once more with cp and mv, as a
# maintainer script would).  All of it happens in a private mount
# namespace (`unshare --mount') on copies bound over /var/lib/dpkg and
# /usr/lib/openssh; dpkg logs to a file of the work directory.  The host
# is checked unchanged afterwards, outside the namespace: `dpkg --verify'
# of the OpenSSH packages and the sha256 of their binaries, of dpkg's
# status file and of /var/log/dpkg.log, before and after, must be equal.
#
# A private auditd (auditd -n -c DIR) with the shipped rules
# (rules.d/25-sshwatch.rules, no exec rule for dpkg or sh) and the
# generated ones (audisp-sshwatch-genrules -n: the OpenSSH helper and
# library directories) runs `tee' (the stream handed to plugins) and the
# built audisp-sshwatch in plugin mode (live-alerts.json: plugin mode can
# read /proc while dpkg and its scripts still run).  The kernel lock
# /tmp/sshwatch-kernel-audit.lock is held for the whole run; the audit
# state found is restored and auditd stopped by pid.
set -eu
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8 TZ=UTC
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OUT=${1:-$HERE/../fixtures/sshd-pkg}
PLUGIN=${PLUGIN:-$TOP/plugin/audisp-sshwatch}
GENRULES=$TOP/scripts/audisp-sshwatch-genrules
LOCK=/tmp/sshwatch-kernel-audit.lock
PKGS="openssh-server openssh-client openssh-sftp-server"
BINS="/usr/lib/openssh/sftp-server /usr/sbin/sshd /usr/bin/ssh \
/usr/lib/openssh/ssh-keysign /var/lib/dpkg/status /var/log/dpkg.log"

skip() { echo "capture-pkg.sh: SKIP: $*" >&2; exit 77; }
die() { echo "capture-pkg.sh: ERROR: $*" >&2; exit 1; }
say() { printf '[capture-pkg %(%T)T] %s\n' -1 "$*" >&2; }

[ "$(id -u)" -eq 0 ] || skip "must run as root"
for t in auditd auditctl ausearch dpkg dpkg-deb unshare flock python3 \
	sha256sum; do
	command -v "$t" >/dev/null 2>&1 || skip "missing tool: $t"
done
[ -x "$PLUGIN" ] || die "$PLUGIN is not built"
[ -x /usr/lib/openssh/sftp-server ] || skip "no /usr/lib/openssh/sftp-server"

# The host's state, outside any namespace: taken before and after.
host_state() {
	# shellcheck disable=SC2086 # the list of packages
	dpkg --verify $PKGS 2>&1
	echo "dpkg --verify rc=$?"
	# shellcheck disable=SC2086 # the list of files
	sha256sum $BINS
	stat -c '%n %s %Y' /var/lib/dpkg/status /var/lib/dpkg/info/openssh-sftp-server.list
	# shellcheck disable=SC2086 # the list of packages
	dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\n' \
	    $PKGS sshw-pkgtest 2>&1
	return 0
}

if [ "${PKG_CAP_NS:-}" != 1 ]; then
	exec 8>>"$LOCK"
	flock -w 900 8 || skip "the kernel audit lock was held for 900 s"
	BEFORE=$(host_state)
	rc=0
	PKG_CAP_NS=1 unshare --mount --propagation private -- \
	    bash "$0" "$@" || rc=$?
	AFTER=$(host_state)
	if [ "$BEFORE" != "$AFTER" ]; then
		diff <(echo "$BEFORE") <(echo "$AFTER") >&2
		die "the host changed"
	fi
	say "host unchanged: $(echo "$AFTER" | grep -c .) lines of state equal"
	echo "$AFTER" >&2
	exit $rc
fi

STATUS=$(auditctl -s) || skip "auditctl -s failed"
st() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$STATUS"; }
[ "$(st pid)" = 0 ] || skip "kernel audit in use by pid $(st pid)"
[ "$(st enabled)" != 2 ] || skip "kernel audit locked"

W=$(mktemp -d /var/tmp/sshw-cappkg.XXXXXX)
chmod 0711 "$W"
ORIG_ENABLED=$(st enabled)
ORIG_RATE=$(st rate_limit)
ORIG_BACKLOG=$(st backlog_limit)
auditctl -l >"$W/orig.rules"
AUDITD_PID=
TOUCHED=

stop_pid() {
	local n=0
	kill -TERM "$1" 2>/dev/null || true
	while kill -0 "$1" 2>/dev/null && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	set +e
	if [ -n "$AUDITD_PID" ]; then
		auditctl -D >/dev/null
		stop_pid "$AUDITD_PID"
	fi
	if [ -n "$TOUCHED" ]; then
		auditctl -D >/dev/null
		grep -qx 'No rules' "$W/orig.rules" ||
			auditctl -R "$W/orig.rules" >/dev/null
		auditctl -r "$ORIG_RATE" >/dev/null
		auditctl -b "$ORIG_BACKLOG" >/dev/null
		auditctl -e "$ORIG_ENABLED" >/dev/null
	fi
	rm -rf "$W"
	[ $rc -eq 0 ] || echo "capture-pkg.sh: failed ($rc); state restored" >&2
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------- the private file system
bind_copy() { # DIR: a copy of DIR bound over it (this namespace only)
	local c
	c=$W/copy$(echo "$1" | tr / _)
	cp -a "$1" "$c"
	mount --bind "$c" "$1"
}
cp -p /usr/lib/openssh/sftp-server "$W/sftp-server.orig"
bind_copy /var/lib/dpkg
bind_copy /usr/lib/openssh

# The package: the host's sftp-server bytes, and a postinst that installs
# them once more through a temporary name, as maintainer scripts do.
# A write by a script's last command can be high live: its shell may be
# gone before the plugin reads /proc, and no exec record names it.
P=$W/pkg
mkdir -p "$P/DEBIAN" "$P/usr/lib/openssh"
cp -p "$W/sftp-server.orig" "$P/usr/lib/openssh/sftp-server"
cat >"$P/DEBIAN/control" <<EOF
Package: sshw-pkgtest
Version: 1.0
Architecture: $(dpkg --print-architecture)
Maintainer: audisp-sshwatch tests <root@localhost>
Description: audisp-sshwatch capture: dpkg writes an OpenSSH binary
EOF
cat >"$P/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
cp -p /usr/lib/openssh/sftp-server /usr/lib/openssh/sftp-server.sshw-tmp
mv -f /usr/lib/openssh/sftp-server.sshw-tmp /usr/lib/openssh/sftp-server
# The rest of a maintainer script (debhelper's snippets): its shell is
# still there when the plugin reads /proc for mv's parents.
sleep 0.5
exit 0
EOF
chmod 0755 "$P/DEBIAN/postinst"
dpkg-deb --root-owner-group --build "$P" "$W/sshw-pkgtest_1.0.deb" >/dev/null

# ------------------------------------------------------- private auditd
AD=$W/auditd
mkdir -m 0700 "$AD" "$AD/plugins.d"
cat >"$AD/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $AD/audit.log
log_format = RAW
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 1024
num_logs = 2
max_log_file_action = ROTATE
name_format = none
space_left = 75
space_left_action = SYSLOG
admin_space_left = 50
admin_space_left_action = SUSPEND
disk_full_action = SUSPEND
disk_error_action = SUSPEND
q_depth = 20000
overflow_action = SYSLOG
plugin_dir = $AD/plugins.d
end_of_event_timeout = 2
EOF
cat >"$AD/plugins.d/stream.conf" <<EOF
active = yes
direction = out
path = /usr/bin/tee
type = always
args = -a $AD/stream.txt
format = string
EOF
cat >"$AD/sshwatch.conf" <<EOF
json_file = $AD/live-alerts.json
syslog_alerts = no
audit_sink = no
dedup_window = 0
EOF
cat >"$AD/plugins.d/sshwatch.conf" <<EOF
active = yes
direction = out
path = $PLUGIN
type = always
args = -c $AD/sshwatch.conf
format = string
EOF
chmod 0600 "$AD/auditd.conf" "$AD"/plugins.d/*.conf "$AD/sshwatch.conf"
TOUCHED=1
auditd -n -c "$AD" >/dev/null 2>"$AD/auditd.err" &
AUDITD_PID=$!
for _ in $(seq 100); do
	[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$AUDITD_PID" ] &&
		break
	sleep 0.1
done
[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$AUDITD_PID" ] ||
	die "auditd did not register: $(cat "$AD/auditd.err")"
sleep 1

# The rules: the shipped file as it is and genrules' output for this host.
auditctl -D >/dev/null
"$GENRULES" -n >"$W/gen.rules"
cat "$TOP/rules.d/25-sshwatch.rules" "$W/gen.rules" |
    awk '/^-/ { if (seen[$0]++) next } { print }' >"$W/all.rules"
auditctl -R "$W/all.rules" >"$W/auditctl.out" 2>&1 ||
	say "auditctl -R: $(grep -ci error "$W/auditctl.out") errors"
auditctl -l | grep -Eq -- '(-w |dir=)/usr/lib/openssh( |/)' ||
	die "no watch on /usr/lib/openssh: $(tail -3 "$W/auditctl.out")"
auditctl -l >"$W/loaded.rules"

PIDS="$$,$AUDITD_PID"
: >"$W/scenarios.tsv"
# scenario ID WHAT COMMAND: runs COMMAND (bash -c) as root in a subshell
# with a session of its own (loginuid 0).
scenario() {
	local id=$1 what=$2 cmd=$3
	(
		echo 0 >/proc/self/loginuid
		exec bash -c "$cmd"
	) >>"$W/scenarios.log" 2>&1 &
	local pid=$!
	PIDS="$PIDS,$pid"
	wait $pid || die "scenario $id exited $?: $(tail -5 "$W/scenarios.log")"
	printf '%s\troot\t%s\t%s\n' "$id" "$what" "$cmd" >>"$W/scenarios.tsv"
	sleep 1
}

DPKG="dpkg --log=$W/dpkg.log --no-triggers --force-overwrite"
say "scenarios"
scenario pkg-dpkg-install "dpkg -i of a package that replaces sftp-server (dpkg writes it; its postinst cp and mv it)" \
    "$DPKG -i $W/sshw-pkgtest_1.0.deb"
scenario pkg-dpkg-remove "dpkg -r of the package (sftp-server deleted: no alert)" \
    "$DPKG -r sshw-pkgtest"
scenario plain-cp "the same bytes put on sftp-server by a plain cp" \
    "cp $W/sftp-server.orig /usr/lib/openssh/sftp-server"

sleep 3
auditctl -D >/dev/null
stop_pid "$AUDITD_PID"
AUDITD_PID=
grep -q 'status installed sshw-pkgtest' "$W/dpkg.log" ||
	die "dpkg did not install the package: $(tail -5 "$W/scenarios.log")"

say "writing $OUT"
mkdir -p "$OUT/raw"
python3 "$HERE/filter_events.py" --pids "$PIDS" --uids 4294967294 \
    "$AD/audit.log:$OUT/raw/audit.log" "$AD/stream.txt:$OUT/stream.txt"
ausearch --raw -if "$OUT/raw/audit.log" >"$OUT/ausearch-raw.txt" 2>/dev/null || true
ausearch -if "$OUT/raw/audit.log" >"$OUT/ausearch.txt" 2>/dev/null || true
cp "$AD/live-alerts.json" "$OUT/live-alerts.json"
cp "$W/scenarios.tsv" "$OUT/scenarios.tsv"
cp "$W/loaded.rules" "$OUT/loaded.rules"
cp "$W/dpkg.log" "$OUT/dpkg.log"
chmod 0644 "$OUT"/*.txt "$OUT"/*.json "$OUT"/*.tsv "$OUT"/*.rules \
    "$OUT"/*.log "$OUT/raw/audit.log"
say "done: $(wc -l <"$OUT/raw/audit.log") records, $(wc -l <"$OUT/live-alerts.json") live alerts"
