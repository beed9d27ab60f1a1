#!/bin/bash
# tests/capture/capture-keys.sh -- capture REAL audit logs of key theft by
# every route of issue 12 and of the false alarms around it, with the
# SHIPPED rules (rules.d/25-sshwatch.rules.in) plus the output of the
# shipped audisp-sshwatch-genrules, for tests/fixtures/keys/.
#
# Usage (as root): tests/capture/capture-keys.sh [OUTDIR]
# OUTDIR defaults to tests/fixtures/keys; it gets audit.log (ENRICHED, node
# keyhost, our events only: filter_events.py), ausearch-raw.txt and
# ausearch.txt (ausearch --raw and default output of that log),
# scenarios.tsv (id, session id, expected rules, expected file paths) and
# rules.txt (the rules loaded, as `auditctl -l' lists them).
#
# It holds /tmp/sshwatch-kernel-audit.lock for the whole run, exits 77 when
# not root, when a tool is missing or when the kernel audit is in use, and
# puts back the kernel audit state it found (rules, enabled, rate, backlog)
# on exit; it stops only the auditd it started (by pid) and deletes the
# users sshw-ky-a (the victim), sshw-ky-b, sshw-ky-c (made during the
# capture: an account newer than the rules), sshw-ky-d (home "/home/
# sshw-ky-d x": a space, watched by inode) and /tmp/swky it creates
# (SWKY_PREFIX and SWKY_DIR change those names, SWKY_PORT the port).
#
# plugin-live.json and plugin-live.log: plugin mode (-s) run as root on
# this host in the middle of the capture, while the victim's files are
# still there -- its start-up (the authorized_keys hard link made before
# the rules were loaded: a warning), the key read under a neutral name
# (~/.ssh/backup: a private key by its first bytes) and the write through
# the hard link -- fed the filtered log up to the keycontent scenario.
#
# relogin: root logs in over SSH to our own sshd (127.0.0.1:2304), resets
# its loginuid (echo 0 > /proc/self/loginuid: a new session id) and runs
# ssh: ssh-chain must still be raised in the new session (relogin-after).
# The rules are generated and loaded BEFORE the test accounts exist: the
# first scenario (accounts) makes them and then does what the shipped
# audisp-sshwatch-genrules.service does when /etc/passwd changes (the
# generator, then the rules loaded; auditctl -R here, augenrules there).
# Each scenario runs as root in a bash that first sets its own loginuid
# (a LOGIN record, a new session id) -- 0 for root's scenarios, the
# victim's uid for the owner's own reads -- and cds to /tmp/swky/<id>.
set -eu
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C TZ=UTC
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OUT=${1:-$HERE/../fixtures/keys}
FILTER=$HERE/filter_events.py
LOCK=/tmp/sshwatch-kernel-audit.lock
# SWKY_PREFIX, SWKY_PORT, SWKY_DIR: another helper's own names (a
# capture beside another one on the same host).
PFX=${SWKY_PREFIX:-sshw-ky}
W=${SWKY_DIR:-/tmp/swky}
A=$PFX-a
B=$PFX-b
C=$PFX-c
D=$PFX-d
DH="/home/$D x"
NODE=keyhost

skip() { echo "capture-keys.sh: SKIP: $*" >&2; exit 77; }
die() { echo "capture-keys.sh: ERROR: $*" >&2; exit 1; }
say() { echo "[capture-keys] $*" >&2; }

[ "$(id -u)" = 0 ] || skip "needs root"
for t in auditd auditctl ssh ssh-keygen setpriv tar rsync useradd python3 cc unshare mount ss git; do
	command -v "$t" >/dev/null || skip "missing $t"
done
[ -x "$TOP/plugin/audisp-sshwatch" ] || skip "build the plugin first (make)"
! id "$A" >/dev/null 2>&1 || die "user $A exists (leftover?)"
! id "$C" >/dev/null 2>&1 || die "user $C exists (leftover?)"
! id "$D" >/dev/null 2>&1 || die "user $D exists (leftover?)"
[ ! -e "/home/$B.moved" ] || die "/home/$B.moved exists (leftover?)"
[ ! -e "$W" ] || die "$W exists (leftover?)"

exec 9>>"$LOCK"
flock -w 600 9 || skip "kernel audit lock held for 600 s"
STATUS=$(auditctl -s)
st() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$STATUS"; }
[ "$(st pid)" = 0 ] || skip "kernel audit in use by pid $(st pid)"
[ "$(st enabled)" != 2 ] || skip "kernel audit locked"
ORIG_E=$(st enabled) ORIG_R=$(st rate_limit) ORIG_B=$(st backlog_limit)
mkdir -m 0755 "$W"
auditctl -l >"$W/orig.rules"
AUDITD_PID= TOUCHED= SSHD_PID=

cleanup() {
	set +e
	if [ -n "$TOUCHED" ]; then
		auditctl -D >/dev/null
	fi
	if [ -n "$SSHD_PID" ]; then
		kill -TERM "$SSHD_PID"
		wait "$SSHD_PID" 2>/dev/null
	fi
	if [ -n "$AUDITD_PID" ]; then
		kill -TERM "$AUDITD_PID"
		for _ in $(seq 50); do
			kill -0 "$AUDITD_PID" 2>/dev/null || break
			sleep 0.1
		done
	fi
	if [ -n "$TOUCHED" ]; then
		grep -qx 'No rules' "$W/orig.rules" ||
			auditctl -R "$W/orig.rules" >/dev/null
		auditctl -r "$ORIG_R" >/dev/null
		auditctl -b "$ORIG_B" >/dev/null
		auditctl -e "$ORIG_E" >/dev/null
	fi
	for u in "$A" "$B" "$C" "$D"; do
		id "$u" >/dev/null 2>&1 && userdel -r "$u" >/dev/null 2>&1
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The victim (made by the first scenario, after the rules were generated
# and loaded): keys at the top of ~/.ssh and in a subdirectory.
AH=/home/$A
[ "$(useradd -D | sed -n 's/^HOME=//p')" = /home ] || skip "useradd's HOME is not /home"

# The plugin's binary, and a library that plants a key from any program
# it is preloaded into (issue 12: a never-rule on the plugin's exe let
# `LD_PRELOAD=evil.so audisp-sshwatch --version' write unrecorded).
mkdir -p "$W/sbin"
cp "$TOP/plugin/audisp-sshwatch" "$W/sbin/audisp-sshwatch"
cat >"$W/evil.c" <<EOC
#include <fcntl.h>
#include <unistd.h>
__attribute__((constructor)) static void
plant(void)
{
	static const char k[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPreloadPlantedKeyxxxxxxxxxxxxxxxxxxxxxxx evil\\n";
	int fd = open("$AH/.ssh/authorized_keys", O_WRONLY | O_APPEND);

	if (fd >= 0) {
		(void)!write(fd, k, sizeof(k) - 1);
		close(fd);
	}
}
EOC
cc -shared -fPIC -o "$W/evil.so" "$W/evil.c"
# A write through a file handle (open_by_handle_at: no name at all).
cat >"$W/byhandle.c" <<'EOC'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
int
main(int argc, char **argv)
{
	struct file_handle *h = malloc(sizeof(*h) + MAX_HANDLE_SZ);
	int mnt, mfd, fd;

	if (argc != 3 || h == NULL)
		return 2;
	h->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, argv[1], h, &mnt, 0) == -1 ||
	    (mfd = open(argv[2], O_RDONLY | O_DIRECTORY)) == -1 ||
	    (fd = open_by_handle_at(mfd, h, O_WRONLY | O_APPEND)) == -1)
		return 1;
	return write(fd, "# by handle\n", 12) == 12 ? 0 : 1;
}
EOC
cc -o "$W/handle-open" "$W/byhandle.c"

# The shipped rules and the generated ones for these accounts.
sed "s|@sbindir@|$W/sbin|g" "$TOP/rules.d/25-sshwatch.rules.in" >"$W/25.rules"
sed -e "s|@PACKAGE_VERSION@|capture|" -e "s|@sysconfdir@|/etc|g" \
    "$TOP/scripts/audisp-sshwatch-genrules.in" >"$W/genrules"
# regen: what audisp-sshwatch-genrules.service does when /etc/passwd
# changes (the generator, then the rules loaded), for root and the test
# accounts only (not the other accounts of this machine).
cat >"$W/regen" <<EOC
#!/bin/sh
set -e
grep -E "^(root|$A|$B|$D):" /etc/passwd >"$W/passwd"
sh "$W/genrules" -n --passwd "$W/passwd" >"$W/26.rules"
{ echo "-D"; cat "$W/25.rules" "$W/26.rules"; } >"$W/audit.rules"
[ "\$1" = load ] || exit 0
auditctl -R "$W/audit.rules" >"$W/load.out" 2>&1
EOC
chmod 0755 "$W/regen"
"$W/regen"

# Our own sshd on 127.0.0.1:2304 for the relogin scenario: root logs in
# with a key from $W/ak (AuthorizedKeysFile there: root's own files are
# not touched), UsePAM yes (pam_loginuid, USER_START with addr=).
PORT=${SWKY_PORT:-2304}
ss -Hltn "( sport = :$PORT )" | grep -q . && die "port $PORT busy"
ssh-keygen -q -t ed25519 -N "" -f "$W/hostkey"
ssh-keygen -q -t ed25519 -N "" -f "$W/client"
mkdir -m 0755 "$W/ak"
cp "$W/client.pub" "$W/ak/root"
echo "[127.0.0.1]:$PORT $(cat "$W/hostkey.pub")" >"$W/known_hosts"
cat >"$W/sshd_config" <<EOC
Port $PORT
ListenAddress 127.0.0.1
HostKey $W/hostkey
PidFile $W/sshd.pid
AuthorizedKeysFile $W/ak/%u
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
EOC
/usr/sbin/sshd -D -f "$W/sshd_config" -E "$W/sshd.log" &
SSHD_PID=$!
for _ in $(seq 50); do
	ss -Hltn "( sport = :$PORT )" | grep -q . && break
	sleep 0.1
done

ADIR=$W/auditd
mkdir -m 0700 "$ADIR" "$ADIR/log" "$ADIR/plugins.d"
cat >"$ADIR/auditd.conf" <<EOC
local_events = yes
write_logs = yes
log_file = $ADIR/log/audit.log
log_group = root
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 1024
num_logs = 5
name_format = USER
name = $NODE
max_log_file_action = ROTATE
space_left = 75
space_left_action = SYSLOG
admin_space_left = 50
admin_space_left_action = SUSPEND
disk_full_action = SUSPEND
disk_error_action = SUSPEND
plugin_dir = $ADIR/plugins.d
q_depth = 20000
end_of_event_timeout = 2
EOC
chmod 0640 "$ADIR/auditd.conf"
TOUCHED=1
auditd -n -c "$ADIR" >/dev/null 2>"$ADIR/auditd.err" &
AUDITD_PID=$!
for n in $(seq 100); do
	[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$AUDITD_PID" ] && break
	kill -0 "$AUDITD_PID" 2>/dev/null || die "auditd died: $(cat "$ADIR/auditd.err")"
	sleep 0.1
done
auditctl -R "$W/audit.rules" >"$W/load.out" 2>&1 || die "rules: $(cat "$W/load.out")"
auditctl -l >"$W/loaded.rules"
say "auditd $AUDITD_PID, $(grep -c '^-' "$W/loaded.rules") rules"

# id  loginuid  expected-rules  expected-paths  command
# (tar opens HOME unrecorded (-C), then .ssh relative to it: the path is
# known from .ssh down only; touch is an authorized-keys-write of low
# severity, see the man page.  mvswap and bindmount come last: they put
# another directory in the place of the victim's .ssh; the bind mount
# stays inside its own mount namespace.)
SCEN=$(cat <<EOS
accounts	0	account-unwatched	-	useradd -m -s /bin/bash $A && useradd -m -s /bin/bash $B && runuser -u $A -- sh -c 'umask 077; mkdir -p ~/.ssh/keys && ssh-keygen -q -t ed25519 -N "" -f ~/.ssh/id_ed25519 && ssh-keygen -q -t ecdsa -m PEM -N "" -f ~/.ssh/keys/prod.pem && cp ~/.ssh/id_ed25519.pub ~/.ssh/authorized_keys && ssh-keygen -q -t ed25519 -N "" -f ~/.ssh/backup' && useradd -m -d "$DH" -s /bin/bash $D && runuser -u $D -- sh -c 'umask 077; mkdir ~/.ssh && : >~/.ssh/authorized_keys' && mkdir -m 700 $W/hardlink && ln $AH/.ssh/authorized_keys $W/hardlink/ak && $W/regen load
setpriv	0	ssh-key-read	$AH/.ssh/id_ed25519	setpriv --reuid=$A --regid=$A --clear-groups cat $AH/.ssh/id_ed25519 >/dev/null
subdir	0	ssh-key-read	$AH/.ssh/keys/prod.pem	cat $AH/.ssh/keys/prod.pem >/dev/null
tar	0	ssh-key-read	.ssh/backup,.ssh/id_ed25519,.ssh/keys/prod.pem	tar -C $AH -cf $W/tar/k.tar .ssh
rsync	0	ssh-key-read	$AH/.ssh/backup,$AH/.ssh/id_ed25519,$AH/.ssh/keys/prod.pem	rsync -a $AH/.ssh/ $W/rsync/copy/
cwd	0	ssh-key-read	$AH/.ssh/id_ed25519	cd $AH/.ssh && cat ./id_ed25519 >/dev/null
symlink	0	ssh-key-read	$W/symlink/d/id_ed25519	ln -s $AH/.ssh d && cat d/id_ed25519 >/dev/null
touch	0	authorized-keys-write	$AH/.ssh/authorized_keys	touch $AH/.ssh/authorized_keys
chmod	0	-	-	chmod 0600 $AH/.ssh/authorized_keys && chown $A: $AH/.ssh/authorized_keys
alias	0	authorized-keys-write	$W/alias/d/authorized_keys2	ls $AH/.ssh >/dev/null && ln -s $AH/.ssh d && cat $AH/.ssh/id_ed25519.pub >d/authorized_keys2
devfd	0	authorized-keys-write	/dev/fd/3/authorized_keys2	rm -f $AH/.ssh/authorized_keys2 && exec 3<$AH/.ssh && cat $AH/.ssh/id_ed25519.pub >/dev/fd/3/authorized_keys2
preload	0	authorized-keys-write	$AH/.ssh/authorized_keys	LD_PRELOAD=$W/evil.so $W/sbin/audisp-sshwatch --version >/dev/null
byhandle	0	authorized-keys-write	$AH/.ssh/authorized_keys	$W/handle-open $AH/.ssh/authorized_keys /
spacehome	0	authorized-keys-write	$DH/.ssh/authorized_keys,$DH/.ssh/authorized_keys2	cat $AH/.ssh/id_ed25519.pub >>"$DH/.ssh/authorized_keys" && cat $AH/.ssh/id_ed25519.pub >"$DH/.ssh/authorized_keys2"
procwd	0	authorized-keys-write	$AH/.ssh/authorized_keys2	cd $AH/.ssh && echo "# k" >>/proc/self/cwd/authorized_keys2
hardlink	0	authorized-keys-write	$W/hardlink/ak	echo "# k" >>$W/hardlink/ak
keycontent	0	ssh-key-read	$AH/.ssh/backup	cat $AH/.ssh/backup >/dev/null
idfile	$A	ssh-identity-file	-	runuser -u $A -- sh -c 'umask 077; ssh-keygen -q -t ed25519 -N "" -f ~/.ssh/work' && runuser -u $A -- ssh -i $AH/.ssh/work -o BatchMode=yes -o ConnectTimeout=2 -p 1 nobody@127.0.0.1 true; true
idread	0	ssh-key-read	$AH/.ssh/work	cat $AH/.ssh/work >/dev/null
cpbak	0	-	-	cp $AH/.ssh/authorized_keys $AH/.ssh/authorized_keys.bak
pubread	0	-	-	cat $AH/.ssh/id_ed25519.pub $AH/.ssh/authorized_keys >/dev/null
owner	$A	-	-	runuser -u $A -- cat $AH/.ssh/id_ed25519 $AH/.ssh/keys/prod.pem >/dev/null
newacct	0	account-unwatched	-	useradd -m -s /bin/bash $C
relogin	0	ssh-identity-file	-	ssh -i $W/client -p $PORT -o UserKnownHostsFile=$W/known_hosts -o BatchMode=yes root@127.0.0.1 "cat /proc/self/sessionid >$W/relogin/ses.login; echo 0 >/proc/self/loginuid; cat /proc/self/sessionid >$W/relogin/ses.after; cd $W/relogin; ssh -o BatchMode=yes -o ConnectTimeout=2 -p 1 nobody@127.0.0.1 true; true"
gitfetch	0	ssh-identity-file	-	git init -q --bare $W/gitfetch/repo.git && ssh -i $W/client -p $PORT -o UserKnownHostsFile=$W/known_hosts -o BatchMode=yes root@127.0.0.1 "cat /proc/self/sessionid >$W/gitfetch/ses.inner; cd $W/gitfetch; GIT_SSH_COMMAND='ssh -i $W/client -o UserKnownHostsFile=$W/known_hosts -o BatchMode=yes' git ls-remote ssh://root@127.0.0.1:$PORT$W/gitfetch/repo.git"
mvswap	0	ssh-dir-replaced	$AH/.ssh	mkdir -m 700 $AH/.stage && mv $AH/.ssh $AH/.ssh.old && mv $AH/.stage $AH/.ssh
bindmount	0	ssh-dir-replaced	$AH/.ssh	mkdir -m 700 fake && unshare -m sh -c "mount --make-rprivate / && mount --bind $W/bindmount/fake $AH/.ssh"
usermod	0	account-unwatched	-	usermod -d /home/$B.moved -m $B
EOS
)
# Plugin mode on this host while the victim's files are there (see the
# top): the filtered log so far on standard input, as auditd would feed it.
live_plugin() {
	sleep 3
	mkdir -m 0700 "$W/live"
	python3 "$FILTER" --pids "$PIDS,$SSHD_PID" --ses "${SESS:-0}" \
	    --uids "$(id -u "$A"),$(id -u "$B")" "$ADIR/log/audit.log:$W/live/in.log"
	cat >"$W/live/plugin.conf" <<EOC
json_file = $W/live/plugin.json
audit_sink = no
syslog_alerts = no
name_format = none
EOC
	chmod 0600 "$W/live/plugin.conf"
	# Detached (setsid -f: its parent gone, it is no child of ours), so
	# that its own opens (the client binaries' identity) stay out of the
	# fixture as another process's events.
	setsid -f sh -c '"$1" -s -c "$2/plugin.conf" <"$2/in.log" \
	    2>"$2/plugin.log"; echo $? >"$2/rc"' sh "$TOP/plugin/audisp-sshwatch" \
	    "$W/live" </dev/null >/dev/null 2>&1
	for _ in $(seq 300); do
		[ -s "$W/live/rc" ] && break
		sleep 0.1
	done
	[ "$(cat "$W/live/rc" 2>/dev/null)" = 0 ] ||
		die "live plugin: $(cat "$W/live/plugin.log")"
}
: >"$W/scenarios.tsv"
PIDS=$$
SESS=
while IFS='	' read -r id luid rules path cmd; do
	mkdir -p "$W/$id"
	# A user name as loginuid: its uid (the account is made meanwhile).
	case $luid in
	*[!0-9]*) luid=$(id -u "$luid") ;;
	esac
	bash -c 'echo "$1" >/proc/self/loginuid && cat /proc/self/sessionid >"$2/$3/ses" &&
	    cd "$2/$3" && eval "$4"' sh "$luid" "$W" "$id" "$cmd" </dev/null &
	pid=$!
	PIDS=$PIDS,$pid
	wait "$pid" || die "scenario $id failed"
	printf '%s\t%s\t%s\t%s\n' "$id" "$(cat "$W/$id/ses")" "$rules" "$path" >>"$W/scenarios.tsv"
	if [ -f "$W/$id/ses.inner" ]; then
		# git ls-remote over ssh inside the SSH login: ssh-chain low
		# (and -i with a key under /tmp: ssh-identity-file high).
		printf '%s\t%s\t%s\t%s\n' "$id-inner" "$(cat "$W/$id/ses.inner")" \
		    ssh-identity-file,ssh-chain - >>"$W/scenarios.tsv"
		SESS=$SESS,$(cat "$W/$id/ses.inner")
	fi
	if [ -f "$W/$id/ses.after" ]; then
		# The session that reset its loginuid inside the SSH login.
		printf '%s\t%s\t%s\t%s\n' "$id-after" "$(cat "$W/$id/ses.after")" \
		    ssh-chain - >>"$W/scenarios.tsv"
		SESS=$SESS,$(cat "$W/$id/ses.login"),$(cat "$W/$id/ses.after")
	fi
	say "$id: ses $(cat "$W/$id/ses")"
	if [ "$id" = keycontent ]; then
		live_plugin
	fi
done <<<"$SCEN"
[ "$(cut -f1 "$W/scenarios.tsv" | grep -vc -- '-')" -eq "$(grep -c . <<<"$SCEN")" ] ||
	die "not every scenario ran: $(cut -f1 "$W/scenarios.tsv" | tr '\n' ' ')"
sleep 3
# The rules in force at the end (after the accounts scenario's reload).
auditctl -l >"$W/loaded.rules"
auditctl -D >/dev/null
kill -TERM "$AUDITD_PID"
for _ in $(seq 100); do kill -0 "$AUDITD_PID" 2>/dev/null || break; sleep 0.1; done
AUDITD_PID=
AU=$(id -u "$A")
mkdir -p "$OUT"
python3 "$FILTER" --pids "$PIDS,$SSHD_PID" --ses "$SESS" --uids "$AU,$(id -u "$B")" \
    "$ADIR/log/audit.log:$OUT/audit.log"
{
	echo "# id	ses	expected rules	expected file paths (victim $A, uid $AU)"
	cat "$W/scenarios.tsv"
} >"$OUT/scenarios.tsv"
cp "$W/loaded.rules" "$OUT/rules.txt"
# The live run's alerts of our sessions, and its log lines naming ours.
python3 - "$W/live/plugin.json" "$W/scenarios.tsv" >"$OUT/plugin-live.json" <<'PY'
import json, sys
ses = {int(l.split('\t')[1]) for l in open(sys.argv[2]) if l.strip()}
for l in open(sys.argv[1]):
    if json.loads(l)['process'].get('ses') in ses:
        sys.stdout.write(l)
PY
grep -F -e "$AH/" -e "$W/" "$W/live/plugin.log" >"$OUT/plugin-live.log" || :
# The same events as ausearch prints them (--raw, and its default form).
ausearch --raw -if "$OUT/audit.log" >"$OUT/ausearch-raw.txt"
ausearch -if "$OUT/audit.log" >"$OUT/ausearch.txt"
say "wrote $OUT: $(wc -l <"$OUT/audit.log") lines"
