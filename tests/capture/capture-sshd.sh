#!/bin/bash
# tests/capture/capture-sshd.sh -- real kernel captures of SSH persistence
# on the server side (issue 13) for tests/fixtures/sshd/.
#
# Usage (as root, on a test VM whose kernel audit is free):
#     tests/capture/capture-sshd.sh [OUTDIR]
#
# Everything that would change the host happens in a private mount
# namespace (`unshare --mount'), on copies bound over the originals:
# /etc/ssh, /etc/pam.d, /usr/lib/openssh, the PAM module directory, and a
# tmpfs on /run.  The only changes outside are the two test users
# (sshw-sd-a, sshw-sd-b, removed at the end) and /var/lib/k (the issue's
# AuthorizedKeysFile directory, removed at the end).  sshd is the host's
# binary run from the copied /etc/ssh/sshd_config on 127.0.0.1:2303.
#
# A private auditd (auditd -n -c DIR) runs two plugins: `tee', which keeps
# the exact stream auditd hands its plugins, and the freshly built
# audisp-sshwatch in plugin mode, whose JSON alerts are kept as
# live-alerts.json (they show what plugin mode says when it can read the
# files).  The kernel lock /tmp/sshwatch-kernel-audit.lock is held for the
# whole run; the audit state found is restored and auditd stopped by pid.
#
# Outputs in OUTDIR: raw/audit.log (our events: filter_events.py), the
# stream auditd handed its plugins (stream.txt, same events), ausearch-raw.txt
# and ausearch.txt of the log, live-alerts.json, the two planted public
# keys, and scenarios.tsv (id, user, what it does, the command).
set -eu
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8 TZ=UTC
unset SSH_AUTH_SOCK SSH_AGENT_PID
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OUT=${1:-$HERE/../fixtures/sshd}
PLUGIN=${PLUGIN:-$TOP/plugin/audisp-sshwatch}
A=sshw-sd-a
B=sshw-sd-b
PORT=2303
LOCK=/tmp/sshwatch-kernel-audit.lock
PAMDIR=/usr/lib/x86_64-linux-gnu/security

skip() { echo "capture-sshd.sh: SKIP: $*" >&2; exit 77; }
die() { echo "capture-sshd.sh: ERROR: $*" >&2; exit 1; }
say() { printf '[capture-sshd %(%T)T] %s\n' -1 "$*" >&2; }

[ "$(id -u)" -eq 0 ] || skip "must run as root"
for t in auditd auditctl ausearch ssh scp sftp ssh-keygen unshare flock \
	python3 useradd userdel runuser; do
	command -v "$t" >/dev/null 2>&1 || skip "missing tool: $t"
done
[ -x "$PLUGIN" ] || die "$PLUGIN is not built"
[ -d "$PAMDIR" ] || skip "no $PAMDIR"

# Into a private mount namespace, holding the kernel lock.
if [ "${SSHD_CAP_NS:-}" != 1 ]; then
	exec 8>>"$LOCK"
	flock -w 900 8 || skip "the kernel audit lock was held for 900 s"
	SSHD_CAP_NS=1 exec unshare --mount --propagation private -- \
	    bash "$0" "$@"
fi

STATUS=$(auditctl -s) || skip "auditctl -s failed"
st() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$STATUS"; }
[ "$(st pid)" = 0 ] || skip "kernel audit in use by pid $(st pid)"
[ "$(st enabled)" != 2 ] || skip "kernel audit locked"
for u in $A $B; do
	! getent passwd $u >/dev/null || die "user $u exists (leftover?)"
done
[ ! -e /var/lib/k ] || die "/var/lib/k exists (leftover?)"

W=$(mktemp -d /var/tmp/sshw-capsshd.XXXXXX)
chmod 0711 "$W"
ORIG_ENABLED=$(st enabled)
ORIG_RATE=$(st rate_limit)
ORIG_BACKLOG=$(st backlog_limit)
auditctl -l >"$W/orig.rules"
AUDITD_PID=
SSHD_PID=
TOUCHED=
USERS_MADE=
VARLIBK=

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
	local rc=$? u p
	set +e
	if [ -n "$AUDITD_PID" ]; then
		auditctl -D >/dev/null
		stop_pid "$AUDITD_PID"
	fi
	[ -z "$SSHD_PID" ] || stop_pid "$SSHD_PID"
	if [ -n "$TOUCHED" ]; then
		auditctl -D >/dev/null
		grep -qx 'No rules' "$W/orig.rules" ||
			auditctl -R "$W/orig.rules" >/dev/null
		auditctl -r "$ORIG_RATE" >/dev/null
		auditctl -b "$ORIG_BACKLOG" >/dev/null
		auditctl -e "$ORIG_ENABLED" >/dev/null
	fi
	if [ -n "$USERS_MADE" ]; then
		for u in $A $B; do
			for p in $(ps -o pid= -u $u 2>/dev/null); do
				kill -KILL "$p" 2>/dev/null
			done
			userdel -r $u 2>/dev/null || userdel $u
			rm -rf "/home/${u:?}"
		done
	fi
	[ -z "$VARLIBK" ] || rm -rf /var/lib/k
	rm -f /tmp/sshw-sd-f.txt /tmp/sshw-sd-rc /tmp/sshw-sd-k.tgz \
	    /tmp/sshw-sd-key /tmp/sshw-sd-key.pub
	rm -rf "$W"
	[ $rc -eq 0 ] || echo "capture-sshd.sh: failed ($rc); state restored" >&2
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------- the private file system
bind_copy() { # DIR: a copy of DIR bound over it (this namespace only)
	local c=$W/copy$(echo "$1" | tr / _)
	cp -a "$1" "$c"
	mount --bind "$c" "$1"
}
mount -t tmpfs -o size=4m,mode=0755 sshw-run /run
mkdir -m 0755 /run/sshd
bind_copy /etc/ssh
bind_copy /etc/pam.d
bind_copy /usr/lib/openssh
bind_copy "$PAMDIR"
rm -f /etc/ssh/sshd_config.d/*.conf /etc/ssh/sshrc
ssh-keygen -q -t ed25519 -N '' -f "$W/hostkey"
cat >/etc/ssh/sshd_config <<EOF
# sshd of tests/capture/capture-sshd.sh (drop-ins first, as on Debian)
Include /etc/ssh/sshd_config.d/*.conf
Port $PORT
ListenAddress 127.0.0.1
HostKey $W/hostkey
PidFile none
UsePAM yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $A $B
ClientAliveInterval 0
LogLevel VERBOSE
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
/usr/sbin/sshd -t -f /etc/ssh/sshd_config

USERS_MADE=1
for u in $A $B; do
	useradd -m -s /bin/bash -c "sshwatch sshd capture" $u
	chmod 0755 /home/$u
	runuser -u $u -- mkdir -m 0755 /home/$u/.ssh
	runuser -u $u -- ssh-keygen -q -t ed25519 -N '' -C "$u@capture" \
	    -f /home/$u/.ssh/id_ed25519
	cp /home/$u/.ssh/id_ed25519.pub /home/$u/.ssh/authorized_keys
	chown $u: /home/$u/.ssh/authorized_keys
	chmod 0644 /home/$u/.ssh/authorized_keys
	printf '[127.0.0.1]:%s %s\n' $PORT "$(cut -d' ' -f1,2 "$W/hostkey.pub")" \
	    >/home/$u/.ssh/known_hosts
	chown $u: /home/$u/.ssh/known_hosts
done
mkdir -m 0755 /var/lib/k
VARLIBK=1
ssh-keygen -q -t ed25519 -N '' -C planted@attacker -f "$W/evil"
ssh-keygen -q -t rsa -b 3072 -N '' -C backdoor@attacker -f "$W/evil2"
chmod 0644 "$W/evil" "$W/evil2"
echo data >"$W/f.txt"
printf '#!/bin/sh\ncat >/dev/null\nexit 0\n' >"$W/hook.sh"
chmod 0755 "$W/hook.sh"
chmod 0644 "$W/f.txt"

/usr/sbin/sshd -D -f /etc/ssh/sshd_config -E "$W/sshd.log" &
SSHD_PID=$!
for _ in $(seq 100); do
	(exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break
	sleep 0.1
done

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

# The rules: the shipped ones that matter here (rules.d/25-, 27-), the
# generated home watches, and every execve (for ancestry and sessions).
auditctl -D >/dev/null
for r in "-w /etc/ssh -p wa -k sshwatch-config" \
	"-w /etc/pam.d -p wa -k sshwatch-pam" \
	"-w $PAMDIR -p wa -k sshwatch-pam" \
	"-w /usr/lib/openssh -p wa -k sshwatch-binary" \
	"-w /usr/sbin/sshd -p wa -k sshwatch-binary" \
	"-w /var/lib/k -p wa -k sshwatch-home" \
	"-w /home/$A/.ssh -p wa -k sshwatch-home" \
	"-w /home/$B/.ssh -p wa -k sshwatch-home" \
	"-a always,exit -F arch=b64 -S execve,execveat -k sshw-exec"; do
	# shellcheck disable=SC2086 # the words of the rule
	auditctl $r >/dev/null
done

AUID_A=$(id -u $A)
AUID_B=$(id -u $B)
PIDS="$$,$SSHD_PID,$AUDITD_PID"
: >"$W/scenarios.tsv"
# scenario ID WHAT USER COMMAND: runs COMMAND (bash -c) in a subshell
# with a session of its own (loginuid), as USER.
scenario() {
	local id=$1 what=$2 user=$3 cmd=$4 uid
	uid=$(id -u "$user")
	(
		echo "$uid" >/proc/self/loginuid
		if [ "$user" = root ]; then
			exec bash -c "$cmd"
		else
			exec runuser -u "$user" -- bash -c "$cmd"
		fi
	) >>"$W/scenarios.log" 2>&1 &
	local pid=$!
	PIDS="$PIDS,$pid"
	wait $pid || say "scenario $id exited $?"
	printf '%s\t%s\t%s\t%s\n' "$id" "$user" "$what" "$cmd" >>"$W/scenarios.tsv"
	sleep 0.5
}
SSHO="-p $PORT -o BatchMode=yes -o ConnectTimeout=10"

say "benign cases"
scenario benign-sshd-t "sshd -t and -T, reading the configuration" root \
    "/usr/sbin/sshd -t -f /etc/ssh/sshd_config; /usr/sbin/sshd -T -f /etc/ssh/sshd_config -C user=$A,host=h,addr=127.0.0.1 >/dev/null; cat /etc/ssh/sshd_config /etc/pam.d/sshd >/dev/null"
scenario benign-login "a shell command, sftp and scp through sshd" $A \
    "ssh $SSHO $A@127.0.0.1 true; echo ls | sftp -b - -P $PORT -o BatchMode=yes $A@127.0.0.1 >/dev/null; scp -P $PORT -o BatchMode=yes $W/f.txt $A@127.0.0.1:/tmp/sshw-sd-f.txt"
scenario benign-keygen-own "ssh-keygen into the user's own ~/.ssh" $A \
    "ssh-keygen -q -t ed25519 -N '' -f ~/.ssh/id_new"
scenario benign-clientalive "an admin changes ClientAliveInterval (sed -i)" root \
    "sed -i 's/^ClientAliveInterval 0/ClientAliveInterval 300/' /etc/ssh/sshd_config"

say "attacks"
scenario akf-reproduction "AuthorizedKeysFile /var/lib/k/%u added, sshd reloaded, key dropped, login with it" root \
    "echo 'AuthorizedKeysFile .ssh/authorized_keys /var/lib/k/%u' >>/etc/ssh/sshd_config; kill -HUP $SSHD_PID; sleep 1; cat $W/evil.pub >/var/lib/k/$B; sleep 0.5; runuser -u $A -- ssh -i $W/evil $SSHO $B@127.0.0.1 'echo planted-login-ok'"
scenario plant-options "a key with command=, from=, no-pty appended to authorized_keys" root \
    "printf 'command=\"/bin/sh -i\",no-pty,from=\"127.0.0.1\" %s\n' \"\$(cat $W/evil2.pub)\" >>/home/$A/.ssh/authorized_keys"
scenario ak-truncate "authorized_keys truncated (covering tracks)" root \
    ": >/home/$B/.ssh/authorized_keys"
scenario ak-delete "authorized_keys deleted" root \
    "rm /home/$A/.ssh/authorized_keys"
scenario dropin-root "a drop-in under sshd_config.d opens root logins and empty passwords" root \
    "printf 'PermitRootLogin yes\nPermitEmptyPasswords yes\nPermitUserEnvironment yes\nMatch User $B\n    ForceCommand /tmp/x\n' >/etc/ssh/sshd_config.d/10-evil.conf"
scenario pam-exec "pam_exec.so with expose_authtok added to /etc/pam.d/sshd, and a session hook" root \
    "echo 'auth optional pam_exec.so expose_authtok quiet $W/hook.sh' >>/etc/pam.d/sshd; echo 'session optional pam_exec.so quiet $W/hook.sh' >>/etc/pam.d/sshd"
scenario pam-exec-login "a login (the planted key): sshd's PAM session stack runs the hook" $A \
    "ssh -i $W/evil $SSHO $B@127.0.0.1 true; true"
scenario pam-module "a new module in the PAM module directory" root \
    "cp $PAMDIR/pam_permit.so $PAMDIR/pam_sshw_sd.so"
scenario hook-rc "~/.ssh/rc written by the user" $A \
    "echo 'touch /tmp/sshw-sd-rc' >~/.ssh/rc"
scenario hook-env "~/.ssh/environment written (PermitUserEnvironment is yes now)" $A \
    "echo 'LD_PRELOAD=/tmp/sshw-sd.so' >~/.ssh/environment"
scenario hook-sshrc "/etc/ssh/sshrc created" root \
    "echo 'true' >/etc/ssh/sshrc"
scenario binary-replace "sftp-server replaced by rename" root \
    "cp /bin/true /usr/lib/openssh/sftp-server.new && mv /usr/lib/openssh/sftp-server.new /usr/lib/openssh/sftp-server"
scenario hunt-find "find for private key names" $A \
    "find /home -name 'id_*' 2>/dev/null >/dev/null; true"
scenario hunt-grep "grep -r for PRIVATE KEY" root \
    "grep -rl 'PRIVATE KEY' /home/$B >/dev/null; true"
scenario hunt-tar "an archive of another account's .ssh" root \
    "tar czf /tmp/sshw-sd-k.tgz /home/$B/.ssh 2>/dev/null"
scenario keygen-foreign "ssh-keygen into another account's .ssh" root \
    "ssh-keygen -q -t ed25519 -N '' -f /home/$B/.ssh/id_planted"
scenario keygen-tmp "ssh-keygen into /tmp" $A \
    "ssh-keygen -q -t ed25519 -N '' -f /tmp/sshw-sd-key"

sleep 3
auditctl -D >/dev/null
stop_pid "$AUDITD_PID"
AUDITD_PID=
stop_pid "$SSHD_PID"
SSHD_PID=
grep -q planted-login-ok "$W/scenarios.log" ||
	die "the planted key did not log in: $(tail -5 "$W/scenarios.log")"

say "writing $OUT"
mkdir -p "$OUT/raw"
python3 "$HERE/filter_events.py" --pids "$PIDS" --uids "$AUID_A,$AUID_B" \
    "$AD/audit.log:$OUT/raw/audit.log" "$AD/stream.txt:$OUT/stream.txt"
ausearch --raw -if "$OUT/raw/audit.log" >"$OUT/ausearch-raw.txt" 2>/dev/null || true
ausearch -if "$OUT/raw/audit.log" >"$OUT/ausearch.txt" 2>/dev/null || true
cp "$AD/live-alerts.json" "$OUT/live-alerts.json"
cp "$W/scenarios.tsv" "$OUT/scenarios.tsv"
# The planted public keys, for the fingerprints' check (ssh-keygen -lf).
cp "$W/evil.pub" "$OUT/planted-ed25519.pub"
cp "$W/evil2.pub" "$OUT/planted-rsa.pub"
chmod 0644 "$OUT"/*.txt "$OUT"/*.json "$OUT"/*.tsv "$OUT"/*.pub \
    "$OUT/raw/audit.log"
say "done: $(wc -l <"$OUT/raw/audit.log") records, $(wc -l <"$OUT/live-alerts.json") live alerts"
