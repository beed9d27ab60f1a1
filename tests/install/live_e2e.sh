#!/bin/bash
# shellcheck disable=SC2317 # hooks and sw_wait_for conditions
# live_e2e.sh: the installed package, end to end, on the real kernel.
#
#   make install DESTDIR=T/root
#   -> a private auditd (local_events = yes) whose plugin_dir is the
#      installed plugins.d, the entry's active/path/args adjusted to the
#      installed tree, the installed sshwatch.conf given the aggregator
#   -> the installed 25-sshwatch.rules and the rules the installed
#      audisp-sshwatch-genrules writes, loaded as augenrules would
#   -> a real sshd on 127.0.0.1 and a test account with a password
#   -> the seed's four behaviours, run as that account:
#        1. a password login with StrictHostKeyChecking=no (sshpass)
#        2. ssh -D 1080 -N -f
#        3. an attacker key appended to ~/.ssh/authorized_keys
#        4. ssh -i /tmp/stolen_id_rsa (the attacker key) logging in
#   -> each one's alert (ssh-no-hostcheck, ssh-dynamic-forward,
#      authorized-keys-write, ssh-identity-file) must reach a real
#      aggregator (auditd with tcp_listen_port, on the namespace's
#      loopback) over the plugin's remote channel, and `ausearch' and
#      `aureport --anomaly' there must find it (-m, -ua, -i, --node).
# Also checked: every login succeeded; the kernel recorded the execs and
# the write under the installed rules' keys; the alerts are in the local
# audit trail too (audit_sink); there is no never-rule: a rule on the
# spool directory records a write by another program, and nothing the
# plugin does itself (dropped by pid) raises an alert naming its exe.
#
# Runs in a network and mount namespace (tests/remote/lib.sh): sshd, both
# auditds and the plugin talk over that namespace's loopback only.  Needs
# root, the tools and a free kernel audit (no auditd registered), else
# exits 77.  Restores everything: the kernel's audit rules and settings,
# the test account (userdel), /tmp/stolen_id_rsa; every process it
# started is stopped by pid.
if ! [ -f "${srcdir:-.}/tests/remote/lib.sh" ]; then
	echo "FAIL: live_e2e: ${srcdir:-.}/tests/remote/lib.sh is missing" \
	    "(is tests/remote/ in EXTRA_DIST?)" >&2
	exit 1
fi
. "${srcdir:-.}/tests/remote/lib.sh"
. "${srcdir:-.}/tests/install/lib.sh"
SW_NAME=live_e2e
SI_NAME=live_e2e
si_no_package_build
[ "$(id -u)" -eq 0 ] || sw_skip "needs root (auditd, sshd, a test account)"
si_need auditd auditctl ausearch aureport sshd ssh ssh-keygen sshpass \
    useradd userdel chpasswd runuser flock setsid
SSHD=$(command -v sshd)
auditctl -s >/dev/null 2>&1 || sw_skip "auditctl -s failed (no kernel audit?)"
[ "$(si_audit_status pid)" = 0 ] ||
	sw_skip "kernel audit owned by pid $(si_audit_status pid) (another auditd)"
sw_init
SI_T=$SW_T
si_paths
si_audit_free
# Our daemons must not hold the lock after us.
SW_FDS+=("$SI_LOCKFD")
si_audit_save
SW_HOOKS+=(si_audit_restore)

# ------------------------------------------------------------ install
R=$SW_T/root
si_install "$R"
BIN=$R$sbindir/audisp-sshwatch
GEN=$R$sbindir/audisp-sshwatch-genrules
ENTRY=$R$sysconfdir/audit/plugins.d/sshwatch.conf
CONF=$R$sysconfdir/audit/sshwatch.conf
RULES=$R$sysconfdir/audit/rules.d/25-sshwatch.rules
SPOOL=$R$localstatedir/spool/audisp-sshwatch
for f in "$BIN" "$GEN" "$ENTRY" "$CONF" "$RULES"; do
	[ -f "$f" ] || sw_fail "not installed: $f"
done
[ -d "$SPOOL" ] || sw_fail "no spool directory $SPOOL"

# ---------------------------------------------------------- aggregator
AGG=$SW_T/agg
AGG_PORT=$(sw_free_port)
sw_agg_start "$AGG" "$AGG_PORT"
ALOG=$(sw_agg_log "$AGG" 2>/dev/null || echo "$AGG/audit.log")

# ------------------------------------------------------- test account
U=swe2e$$
U=${U:0:30}
H=$SW_T/home/$U
PW=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
! getent passwd "$U" >/dev/null || sw_fail "account $U exists already"
mkdir -p "$SW_T/home"
chmod 0711 "$SW_T/home"
useradd -M -d "$H" -s /bin/sh -c "sshwatch live_e2e" "$U" >"$SW_T/useradd.out" 2>&1 ||
	sw_fail "useradd: $(cat "$SW_T/useradd.out")"
# The account exists only for this test: every process it runs is ours
# (sessions of our sshd, the background ssh -D).  They go first, then it.
drop_account() {
	local n=0 p

	while [ -n "$(ps -o pid= -u "$U" 2>/dev/null)" ] && [ "$n" -lt 50 ]; do
		for p in $(ps -o pid= -u "$U" 2>/dev/null); do
			kill -s "$([ "$n" -lt 30 ] && echo TERM || echo KILL)" "$p" 2>/dev/null
		done
		sw_nap 0.2
		n=$((n + 1))
	done
	n=0
	until userdel "$U" >/dev/null 2>&1 || [ "$n" -ge 10 ]; do
		sw_nap 0.5
		n=$((n + 1))
	done
	if getent passwd "$U" >/dev/null; then
		echo "live_e2e: could not remove the account $U" >&2
		return 1
	fi
	if getent group "$U" >/dev/null; then
		groupdel "$U" >/dev/null 2>&1
	fi
	return 0
}
SW_HOOKS+=(drop_account)
printf '%s:%s\n' "$U" "$PW" | chpasswd || sw_fail "chpasswd"
UID_U=$(id -u "$U")
mkdir -p "$H/.ssh"
chown -R "$U:" "$H"
chmod 0755 "$H"
chmod 0700 "$H/.ssh"
as_user() {
	runuser -u "$U" -- env -i PATH=/usr/bin:/bin HOME="$H" USER="$U" \
	    LOGNAME="$U" "$@"
}
as_user ssh-keygen -q -t ed25519 -N '' -C "$U own key" -f "$H/.ssh/id_ed25519" ||
	sw_fail "ssh-keygen for $U"
as_user cp "$H/.ssh/id_ed25519.pub" "$H/.ssh/authorized_keys"

# The "stolen" key, in /tmp as the seed has it.
STOLEN=/tmp/stolen_id_rsa
[ ! -e "$STOLEN" ] && [ ! -e "$STOLEN.pub" ] || STOLEN=/tmp/stolen_id_rsa.$$
drop_stolen() {
	rm -f "$STOLEN" "$STOLEN.pub"
}
SW_HOOKS+=(drop_stolen)
ssh-keygen -q -t rsa -b 2048 -N '' -C "attacker" -f "$STOLEN" ||
	sw_fail "ssh-keygen $STOLEN"
chown "$U:" "$STOLEN" "$STOLEN.pub"

# ---------------------------------------------------------------- sshd
SSHD_PORT=$(sw_free_port)
S=$SW_T/sshd
mkdir -p "$S" /run/sshd
chmod 0755 /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$S/host_ed25519" || sw_fail "host key"
cat >"$S/sshd_config" <<EOF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $S/host_ed25519
PidFile $S/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM yes
StrictModes no
AllowUsers $U
PermitRootLogin no
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
Subsystem sftp internal-sftp
LogLevel VERBOSE
EOF
"$SSHD" -t -f "$S/sshd_config" >"$S/check.out" 2>&1 ||
	sw_fail "sshd -t: $(cat "$S/check.out")"
sw_spawn "$SSHD" -D -e -f "$S/sshd_config" >>"$S/sshd.log" 2>&1 &
sw_track $!
sw_wait_for 10 sw_listening "$SSHD_PORT" ||
	sw_fail "sshd does not listen: $(cat "$S/sshd.log")"

# ------------------------------------------------ the installed plugin
sed -i -e 's|^active = no$|active = yes|' \
    -e "s|^path = .*|path = $BIN|" \
    -e "s|^args = .*|args = -c $CONF|" "$ENTRY"
if ! grep -qx "active = yes" "$ENTRY" || ! grep -qx "path = $BIN" "$ENTRY"; then
	sw_fail "could not adjust $ENTRY: $(cat "$ENTRY")"
fi
cat >>"$CONF" <<EOF

# live_e2e
remote_server = 127.0.0.1
remote_port = $AGG_PORT
name_format = user
name = e2e-sender
spool_file = $SPOOL/remote.spool
json_file = $SW_T/alerts.json
syslog_alerts = no
network_retry_max = 2
ack_timeout = 5
EOF
"$BIN" -t -c "$CONF" >"$SW_T/conf.t" 2>&1 || sw_fail "-t: $(cat "$SW_T/conf.t")"

# ---------------------------------------------------- private auditd
L=$SW_T/sender
mkdir -p "$L"
chmod 0700 "$L"
cat >"$L/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $L/audit.log
log_format = RAW
log_group = root
flush = INCREMENTAL_ASYNC
freq = 1
max_log_file = 100
num_logs = 2
name_format = none
max_log_file_action = ROTATE
space_left = 10
space_left_action = SYSLOG
admin_space_left = 5
admin_space_left_action = SYSLOG
disk_full_action = SUSPEND
disk_error_action = SYSLOG
distribute_network = no
plugin_dir = $R$sysconfdir/audit/plugins.d
q_depth = 4000
overflow_action = SYSLOG
max_restarts = 10
EOF
chmod 0600 "$L/auditd.conf"
kernel_pid_is() {
	[ "$(si_audit_status pid)" = "$1" ]
}
sw_spawn auditd -n -s enable -c "$L" >"$L/auditd.out" 2>&1 &
LPID=$!
sw_track "$LPID"
sw_wait_for 10 kernel_pid_is "$LPID" ||
	sw_fail "the private auditd did not register with the kernel: $(cat "$L/auditd.out")"
plugin_pid() {
	local p

	for p in $(ps -o pid= --ppid "$LPID"); do
		[ "$(readlink "/proc/$p/exe")" = "$BIN" ] && echo "$p"
	done
}
sw_wait_for 10 test -n "$(plugin_pid)" ||
	sw_fail "auditd did not start the installed plugin: $(cat "$L/auditd.out")"
sw_log "auditd $LPID runs $BIN (pid $(plugin_pid)); aggregator on $AGG_PORT, sshd on $SSHD_PORT"

# --------------------------------------------------------------- rules
cp "$RULES" "$SW_T/25.rules"
if grep -q -- "^-a never" "$SW_T/25.rules"; then
	sw_fail "the installed rules have a never-rule"
fi
"$GEN" -o "$SW_T/26.rules" >"$SW_T/gen.out" 2>&1 ||
	sw_fail "genrules: $(cat "$SW_T/gen.out")"
grep -q -- "-F dir=$H/.ssh -F perm=wa -F key=sshwatch-home" "$SW_T/26.rules" ||
	sw_fail "no rule for $H/.ssh: $(cat "$SW_T/26.rules")"
# The control rule: the plugin writes the spool.
echo "-a always,exit -F arch=b64 -F dir=$SPOOL -F perm=wa -F key=sshwatch-e2e-spool" \
    >"$SW_T/27.rules"
{
	echo "-D"
	echo "-b 8192"
	cat "$SW_T/25.rules" "$SW_T/26.rules" "$SW_T/27.rules"
} >"$SW_T/audit.rules"
auditctl -R "$SW_T/audit.rules" >"$SW_T/load.out" 2>&1 ||
	sw_fail "auditctl -R: $(cat "$SW_T/load.out")"
sw_log "loaded $(auditctl -l | wc -l) rules"
# A write to the spool directory by another program: it must be recorded.
touch "$SPOOL/control" && rm -f "$SPOOL/control"

# ------------------------------------------------------- the behaviours
SSH_OPTS=(-p "$SSHD_PORT")
# 1. Password login, host key not checked.
if ! as_user env SSHPASS="$PW" sshpass -e ssh -o StrictHostKeyChecking=no \
    -o PubkeyAuthentication=no "${SSH_OPTS[@]}" "$U@127.0.0.1" true \
    </dev/null >"$SW_T/b1.out" 2>&1; then
	sw_fail "password login failed: $(cat "$SW_T/b1.out"; tail -n 5 "$S/sshd.log")"
fi
# 2. A SOCKS proxy in the background; -E names its log, to find its pid.
if ! as_user setsid ssh -D 1080 -N -f -o BatchMode=yes -E "$H/b2.log" \
    "${SSH_OPTS[@]}" "$U@127.0.0.1" </dev/null >"$SW_T/b2.out" 2>&1; then
	sw_fail "ssh -D 1080 -N -f failed: $(cat "$SW_T/b2.out" "$H/b2.log")"
fi
SOCKS_PID=
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/exe" 2>/dev/null)" = /usr/bin/ssh ] || continue
	if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "-E $H/b2.log"; then
		SOCKS_PID=${p#/proc/}
		sw_track "$SOCKS_PID"
	fi
done
[ -n "$SOCKS_PID" ] || sw_fail "cannot find the background ssh -D"
# 3. The attacker's key appended to authorized_keys.
as_user sh -c 'cat "$1" >>"$2"' sh "$STOLEN.pub" "$H/.ssh/authorized_keys" ||
	sw_fail "could not append to authorized_keys"
# 4. A login with the stolen key, from /tmp.
if ! as_user ssh -i "$STOLEN" -o BatchMode=yes -o IdentitiesOnly=yes \
    "${SSH_OPTS[@]}" "$U@127.0.0.1" true </dev/null >"$SW_T/b4.out" 2>&1; then
	sw_fail "login with $STOLEN failed: $(cat "$SW_T/b4.out"; tail -n 5 "$S/sshd.log")"
fi
sw_log "ran the four behaviours as $U (uid $UID_U)"

# ------------------------------------------------------------- checks
# An alert record for rule $1 about our account at the aggregator.
at_aggregator() {
	grep -a "op=sshwatch " "$ALOG" 2>/dev/null | grep -a " rule=$1 " |
		grep -qa "msg='op=sshwatch uid=$UID_U "
}
for rule in ssh-no-hostcheck ssh-dynamic-forward authorized-keys-write \
    ssh-identity-file; do
	sw_wait_for 30 at_aggregator "$rule" ||
		sw_fail "no $rule alert at the aggregator: $(grep -a op=sshwatch "$ALOG"; tail -n 5 "$L/auditd.out")"
done
sw_log "the four alerts reached the aggregator"

# ausearch and aureport on the aggregator's log.
finds() {	# RULE ausearch-options...
	local rule=$1

	shift
	ausearch -if "$ALOG" --raw "$@" 2>/dev/null | grep -a " rule=$rule " |
		grep -qa "msg='op=sshwatch uid=$UID_U "
}
for rule in ssh-no-hostcheck ssh-dynamic-forward ssh-identity-file; do
	finds "$rule" -m ANOM_EXEC -ua "$UID_U" ||
		sw_fail "ausearch -m ANOM_EXEC -ua $UID_U does not find $rule"
	finds "$rule" -m ANOM_EXEC,ANOM_MOD_ACCT --node e2e-sender ||
		sw_fail "ausearch --node e2e-sender does not find $rule"
	finds "$rule" -x /usr/bin/ssh -m ANOM_EXEC ||
		sw_fail "ausearch -x /usr/bin/ssh does not find $rule"
done
finds authorized-keys-write -m ANOM_MOD_ACCT -ua "$UID_U" ||
	sw_fail "ausearch -m ANOM_MOD_ACCT -ua $UID_U does not find authorized-keys-write"
! finds ssh-dynamic-forward -m ANOM_MOD_ACCT ||
	sw_fail "ausearch -m ANOM_MOD_ACCT finds ssh-dynamic-forward"
! finds ssh-dynamic-forward -m ANOM_EXEC -ua 4242 ||
	sw_fail "ausearch -ua 4242 finds ssh-dynamic-forward"
ausearch -if "$ALOG" -m ANOM_EXEC,ANOM_MOD_ACCT -ua "$UID_U" -i >"$SW_T/agg.i" 2>&1 ||
	sw_fail "ausearch -i: $(cat "$SW_T/agg.i")"
for want in "rule=ssh-dynamic-forward" "cmd=ssh -D 1080 -N -f -o BatchMode=yes" \
    "rule=ssh-identity-file" "cmd=ssh -i $STOLEN" "rule=ssh-no-hostcheck" \
    "cmd=ssh -o StrictHostKeyChecking=no" "rule=authorized-keys-write" \
    "path=$H/.ssh/authorized_keys operation=append" "exe=/usr/bin/ssh"; do
	grep -qF -- "$want" "$SW_T/agg.i" || sw_fail "ausearch -i shows no \"$want\""
done
aureport -if "$ALOG" --anomaly -i >"$SW_T/anomaly" 2>&1 ||
	sw_fail "aureport --anomaly: $(cat "$SW_T/anomaly")"
n=$(grep -cE "ANOM_(EXEC|MOD_ACCT) " "$SW_T/anomaly")
[ "$n" -ge 4 ] || sw_fail "aureport --anomaly lists $n anomalies: $(cat "$SW_T/anomaly")"
sw_log "ausearch -m/-ua/--node/-x/-i and aureport --anomaly find them"

# The local trail: the installed rules' records, and the alerts.
LLOG=$L/audit.log
grep -a "type=SYSCALL" "$LLOG" | grep -a 'key="sshwatch-exec"' | grep -qa "uid=$UID_U " ||
	sw_fail "no sshwatch-exec syscall record of $U in the local log"
grep -a "type=SYSCALL" "$LLOG" | grep -a 'key="sshwatch-home"' | grep -qa "uid=$UID_U " ||
	sw_fail "no sshwatch-home syscall record of $U in the local log"
for rule in ssh-no-hostcheck ssh-dynamic-forward authorized-keys-write ssh-identity-file; do
	grep -a "op=sshwatch " "$LLOG" | grep -qa " rule=$rule " ||
		sw_fail "no $rule record in the local audit trail"
done
# No never-rule: our touch is recorded; whatever the plugin's own calls
# leave (dropped by pid) raises nothing.
spool_recs=$(grep -a 'key="sshwatch-e2e-spool"' "$LLOG")
printf '%s\n' "$spool_recs" | grep -qa 'exe="/usr/bin/touch"' ||
	sw_fail "the control write to the spool directory was not recorded"
if grep -qF "\"exe\":\"$BIN\"" "$SW_T/alerts.json"; then
	sw_fail "an alert about the plugin's own system calls"
fi
[ -s "$SW_T/alerts.json" ] || sw_fail "no JSON alert file"
sw_log "local trail: exec and home records, the alerts; none about the plugin itself"

# Stop the SOCKS client, then auditd (and so the plugin), in the reverse
# order of their start, then put the kernel back ourselves, so that a
# failure to restore fails the test.
sw_stop_pid "$SOCKS_PID" || true
sw_stop_pid "$LPID" || true
sw_wait_for 10 kernel_pid_is 0 || sw_fail "the kernel audit pid is not 0 after auditd stopped"
si_audit_restore || sw_fail "the kernel audit state was not restored"
exit 0
