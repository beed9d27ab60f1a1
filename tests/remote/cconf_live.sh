#!/bin/bash
# shellcheck disable=SC2317 # hooks and sw_wait_for conditions
# cconf_live.sh: options moved out of the argv into client configuration
# files, on the real kernel with real clients and a real sshd.
#
#   ssh (real, as sshw-cc-a) -> kernel audit -> private auditd
#     -> plugin audisp-sshwatch in plugin mode (reads the files)
#   then the same log replayed with and without --read-configs.
#
# In the test's own network and mount namespaces (lib.sh): sshd -D on
# 127.0.0.1:2302 with a configuration of its own (key login of the test
# accounts only); a directory bound over /etc/ssh/ssh_config.d (so the
# host's is never touched: Debian's ssh_config includes *.conf from it).
# The accounts sshw-cc-a and sshw-cc-b are made for the test and removed
# after it.  Routes, each a real login that sets its forwards up:
#   1. ~/.ssh/config (0600, home 0700) written by the account itself:
#      DynamicForward, StrictHostKeyChecking no, UserKnownHostsFile
#      /dev//null for Host cc-user;
#   2. a file given with -F: ForwardAgent yes, LocalForward;
#   3. /etc/ssh/ssh_config.d/cc.conf: RemoteForward for Host cc-sys;
#   4. ~/.ssh/config again: LocalForward under `Match host cc-exec exec
#      "true"' (ssh runs the command; the plugin never does: confidence
#      medium, the note says why).
# Asserted in plugin mode: ssh-dynamic-forward, ssh-no-hostcheck,
# ssh-agent-forward, ssh-local-forward (twice), ssh-remote-forward, each naming
# FILE:LINE in match, and ssh-config-planted for the write of
# ~/.ssh/config; in replay with --read-configs the same client alerts,
# from the raw log, `ausearch --raw' and default `ausearch' output;
# in replay without it none of them (the files are not read).
#
# Needs root and a free kernel audit subsystem, else exit 77; the kernel
# audit state found is restored on exit (lib.sh).
. "${srcdir:-.}/tests/remote/lib.sh"
sw_need_root
sw_need auditctl ssh ssh-keygen setpriv flock useradd userdel
[ -x /usr/sbin/sshd ] || sw_skip "missing /usr/sbin/sshd"
getent passwd sshd >/dev/null || sw_skip "no sshd privilege separation user"
sw_init
sw_kernel_take

UA=sshw-cc-a
UB=sshw-cc-b
PORT=2302

# ------------------------------------------------------------ accounts
del_users() {
	local u

	for u in "$UA" "$UB"; do
		if getent passwd "$u" >/dev/null; then
			userdel -r "$u" >/dev/null 2>&1 ||
				echo "$SW_NAME: could not remove $u" >&2
		fi
	done
}
for u in "$UA" "$UB"; do
	getent passwd "$u" >/dev/null && sw_fail "account $u exists already"
done
SW_HOOKS+=(del_users)
for u in "$UA" "$UB"; do
	useradd -m -s /bin/sh "$u" || sw_fail "useradd $u"
	# Not locked (sshd without PAM refuses a locked account), no password.
	usermod -p '*' "$u" || sw_fail "usermod $u"
done
HA=$(getent passwd "$UA" | cut -d: -f6)
chmod 0700 "$HA"
as_a() {
	setpriv --reuid="$UA" --regid="$UA" --init-groups -- "$@"
}
as_a mkdir -m 0700 "$HA/.ssh" || sw_fail "mkdir ~/.ssh"
as_a ssh-keygen -q -t ed25519 -N '' -f "$HA/.ssh/id_ed25519" ||
	sw_fail "ssh-keygen"

# ---------------------------------------------------------------- sshd
S=$SW_T/sshd
mkdir -p "$S/ak" /run/sshd
chmod 0755 "$S" "$S/ak"
ssh-keygen -q -t ed25519 -N '' -f "$S/hostkey" || sw_fail "host key"
cp "$HA/.ssh/id_ed25519.pub" "$S/ak/$UA"
chmod 0644 "$S/ak/$UA"
cat >"$S/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $S/hostkey
PidFile $S/sshd.pid
AuthorizedKeysFile $S/ak/%u
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers $UA $UB
AllowTcpForwarding yes
AllowAgentForwarding yes
EOF
/usr/sbin/sshd -t -f "$S/sshd_config" || sw_fail "bad sshd config"
sw_spawn /usr/sbin/sshd -D -f "$S/sshd_config" -E "$S/sshd.log" &
sw_track $!
sw_wait_for 10 sw_listening "$PORT" || sw_fail "sshd does not listen"

# ------------------------------------------- /etc/ssh/ssh_config.d
D=$SW_T/ssh_config.d
mkdir -p "$D"
chmod 0755 "$D"
cat >"$D/cc.conf" <<EOF
# test route 3
Host cc-sys
	HostName 127.0.0.1
	Port $PORT
	StrictHostKeyChecking accept-new
	UserKnownHostsFile $SW_T/known_sys
	RemoteForward 127.0.0.1:19091 127.0.0.1:$PORT
EOF
chmod 0644 "$D/cc.conf"
mkdir -p /etc/ssh/ssh_config.d
mount --bind "$D" /etc/ssh/ssh_config.d || sw_fail "bind mount"
SW_MOUNTS+=(/etc/ssh/ssh_config.d)
: >"$SW_T/known_sys"
chmod 0666 "$SW_T/known_sys"

# ------------------------------------------- private auditd, plugin
L=$SW_T/local
mkdir -p "$L/plugins.d"
chmod 0700 "$L" "$L/plugins.d"
cat >"$L/sshwatch.conf" <<EOF
audit_sink = no
syslog_alerts = no
dedup_window = 0
json_file = $L/alerts.json
EOF
chmod 0600 "$L/sshwatch.conf"
"$PLUGIN" -t -c "$L/sshwatch.conf" >/dev/null || sw_fail "bad plugin config"
sw_local_plugin "$L" "$PLUGIN" "-c $L/sshwatch.conf"
UIDA=$(id -u "$UA")
sw_kernel_rule always,exit -F arch=b64 -S execve -F uid="$UIDA" \
    -k sshw-cc || sw_fail "cannot load the execve rule"
# What audisp-sshwatch-genrules writes for a home's .ssh (perm=wa).
sw_kernel_rule always,exit -F arch=b64 -F dir="$HA/.ssh" -F perm=wa \
    -k sshw-cc || sw_fail "cannot load the .ssh rule"

# ------------------------------------------------------ real commands
# 1. The account writes its own ~/.ssh/config.
as_a sh -c "umask 077; cat >'$HA/.ssh/config'" <<EOF
Host cc-user
	HostName 127.0.0.1
	Port $PORT
	DynamicForward 127.0.0.1:11080
	StrictHostKeyChecking no
	UserKnownHostsFile /dev//null
Match host cc-exec exec "true"
	HostName 127.0.0.1
	Port $PORT
	StrictHostKeyChecking no
	UserKnownHostsFile /dev/null
	LocalForward 127.0.0.1:18082 127.0.0.1:$PORT
EOF
cat >"$SW_T/cc-f.conf" <<EOF
Host cc-f
	HostName 127.0.0.1
	Port $PORT
	ForwardAgent yes
	LocalForward 127.0.0.1:18081 127.0.0.1:$PORT
	StrictHostKeyChecking no
	UserKnownHostsFile $SW_T/known_f
EOF
chmod 0644 "$SW_T/cc-f.conf"
: >"$SW_T/known_f"
chmod 0666 "$SW_T/known_f"
run() {
	as_a ssh -o BatchMode=yes -o ConnectTimeout=5 "$@" \
	    </dev/null >>"$SW_T/ssh.out" 2>&1
}
run cc-user 'echo cc-user-ok' || sw_fail "route 1 login failed: $(tail -n 3 "$SW_T/ssh.out")"
run -F "$SW_T/cc-f.conf" cc-f 'echo cc-f-ok' || sw_fail "route 2 login failed: $(tail -n 3 "$SW_T/ssh.out")"
run cc-sys 'echo cc-sys-ok' || sw_fail "route 3 login failed: $(tail -n 3 "$SW_T/ssh.out")"
run cc-exec 'echo cc-exec-ok' || sw_fail "route 4 login failed: $(tail -n 3 "$SW_T/ssh.out")"
for w in cc-user-ok cc-f-ok cc-sys-ok cc-exec-ok; do
	grep -qx "$w" "$SW_T/ssh.out" || sw_fail "no $w: $(cat "$SW_T/ssh.out")"
done
sw_log "four real logins as $UA through 127.0.0.1:$PORT"

# ------------------------------------------------------------ checks
# The alerts of one JSON stream: "rule match..." lines.
summary() {
	python3 - "$1" <<'EOF'
import json, sys
for l in open(sys.argv[1]):
    a = json.loads(l)
    print(a["rule"], "|", " ; ".join(a.get("match") or []), "|",
          a.get("confidence"), "|", a.get("note") or "")
EOF
}
CFG_A="$HA/.ssh/config"
want_client() {
	local f=$1

	grep -q "^ssh-dynamic-forward | $CFG_A:4: DynamicForward 127.0.0.1:11080 | high" "$f" &&
	grep -q "^ssh-no-hostcheck | .*$CFG_A:5: StrictHostKeyChecking no" "$f" &&
	grep -q "^ssh-agent-forward | $SW_T/cc-f.conf:4: ForwardAgent yes | high" "$f" &&
	grep -q "^ssh-local-forward | $SW_T/cc-f.conf:5: LocalForward" "$f" &&
	grep -q "^ssh-remote-forward | /etc/ssh/ssh_config.d/cc.conf:7: RemoteForward" "$f" &&
	grep -q "^ssh-local-forward | $CFG_A:12: LocalForward 127.0.0.1:18082 127.0.0.1:$PORT | medium | set under a Match" "$f"
}
plugin_done() {
	summary "$L/alerts.json" >"$SW_T/plugin.sum" 2>/dev/null &&
	want_client "$SW_T/plugin.sum" &&
	grep -q "^ssh-config-planted | $CFG_A ; $CFG_A:4: DynamicForward" "$SW_T/plugin.sum"
}
sw_wait_for 20 plugin_done || {
	cat "$SW_T/plugin.sum" >&2
	sw_fail "plugin mode: not every alert"
}
grep -q "^ssh-config-planted | .*$CFG_A:5: StrictHostKeyChecking no ; $CFG_A:6: UserKnownHostsFile /dev//null" \
    "$SW_T/plugin.sum" || sw_fail "ssh-config-planted does not name lines 5 and 6"
sw_log "plugin mode: $(wc -l <"$SW_T/plugin.sum") alerts, every route seen with FILE:LINE"
sw_kernel_unrule always,exit -F arch=b64 -S execve -F uid="$UIDA" -k sshw-cc
sw_kernel_unrule always,exit -F arch=b64 -F dir="$HA/.ssh" -F perm=wa -k sshw-cc
sw_stop_pid "$SW_LPID"
SW_LPID=

"$PLUGIN" --replay --local-users --read-configs "$L/audit.log" \
    >"$SW_T/replay1.json" || sw_fail "replay --read-configs failed"
summary "$SW_T/replay1.json" >"$SW_T/replay1.sum"
want_client "$SW_T/replay1.sum" || {
	cat "$SW_T/replay1.sum" >&2
	sw_fail "replay --read-configs: not every alert"
}
# The same events as ausearch gives them (--raw, and its default form).
ausearch -if "$L/audit.log" --raw >"$SW_T/as-raw.txt" 2>/dev/null ||
	sw_fail "ausearch --raw"
ausearch -if "$L/audit.log" >"$SW_T/as-default.txt" 2>/dev/null ||
	sw_fail "ausearch"
for f in as-raw as-default; do
	"$PLUGIN" --replay --local-users --read-configs "$SW_T/$f.txt" \
	    >"$SW_T/$f.json" || sw_fail "replay --read-configs $f failed"
	summary "$SW_T/$f.json" >"$SW_T/$f.sum"
	want_client "$SW_T/$f.sum" || {
		cat "$SW_T/$f.sum" >&2
		sw_fail "replay --read-configs of $f: not every alert"
	}
done
"$PLUGIN" --replay --local-users "$L/audit.log" >"$SW_T/replay0.json" ||
	sw_fail "replay failed"
summary "$SW_T/replay0.json" >"$SW_T/replay0.sum"
if grep -q "^ssh-dynamic-forward\|^ssh-remote-forward\|^ssh-local-forward\|^ssh-config-planted" \
    "$SW_T/replay0.sum"; then
	cat "$SW_T/replay0.sum" >&2
	sw_fail "replay without --read-configs read the files"
fi
sw_log "replay --read-configs (raw log, ausearch --raw, ausearch): $(wc -l <"$SW_T/replay1.sum"), $(wc -l <"$SW_T/as-raw.sum"), $(wc -l <"$SW_T/as-default.sum") alerts, every route; without: $(wc -l <"$SW_T/replay0.sum") (none from files)"
exit 0
