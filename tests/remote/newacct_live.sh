#!/bin/bash
# shellcheck disable=SC2317 # hooks and sw_wait_for conditions
# newacct_live.sh: an account created AFTER the shipped and generated
# rules were loaded (issue 12: "each route alerts live with the shipped
# packages' rules on an account created after installation"), on the
# real kernel with the built plugin in plugin mode.
#
#   useradd swna1 (after the rules) -> ADD_USER -> private auditd
#     -> plugin audisp-sshwatch (plugin mode): account-unwatched, and
#        its inotify watch of the home (homewatch.h)
#   swna1 writes ~/.ssh/authorized_keys (a real ssh-keygen key) and
#   ~/.ssh/config (DynamicForward 15200): no audit rule records either.
#
# Asserted: account-unwatched (id=UID); authorized-keys-write for the
# file, with the tag inotify, seen-by=inotify and the key's fingerprint as
# `ssh-keygen -lf' prints it, and a key that then really logs in to a
# real sshd (127.0.0.1:2261, own configuration); ssh-config-planted with
# the DynamicForward 15200 line; nothing else about the home for the
# benign acts around them (an admin's touch in the home, the account's
# own key pair and known_hosts, a .ssh made by the account); then, once
# the generator and the load run again (what audisp-sshwatch-genrules.path
# does), a write of authorized_keys alerts by its audit record (with the
# writer's uid), the inotify watch of the account ends (its log line, and
# covered in the homewatch statistics line) and raises no second alert.
# Before that reload, usermod -d -m moves the home: the new one is
# watched (account-unwatched for the change), the files moved are not
# reported again, an authorized_keys2 written there is.
#
# Needs root and a free kernel audit subsystem, else exit 77; the kernel
# audit state found is restored on exit (lib.sh); the account is removed.
. "${srcdir:-.}/tests/remote/lib.sh"
sw_need_root
sw_need auditctl ssh ssh-keygen setpriv flock useradd userdel usermod pgrep
[ -x /usr/sbin/sshd ] || sw_skip "missing /usr/sbin/sshd"
getent passwd sshd >/dev/null || sw_skip "no sshd privilege separation user"
sw_init
sw_kernel_take

U=swna1
PORT=2261
RULES_IN=$top_builddir/rules.d/25-sshwatch.rules
GENRULES=$top_builddir/scripts/audisp-sshwatch-genrules
[ -f "$RULES_IN" ] || sw_fail "$RULES_IN not made by configure"
[ -f "$GENRULES" ] || sw_fail "$GENRULES not made by configure"
getent passwd "$U" >/dev/null && sw_fail "account $U exists already"
del_user() {
	if getent passwd "$U" >/dev/null; then
		userdel -r "$U" >/dev/null 2>&1 ||
			echo "$SW_NAME: could not remove $U" >&2
	fi
}
SW_HOOKS+=(del_user)
home() {
	getent passwd "$1" | cut -d: -f6
}
as() {
	local u=$1

	shift
	setpriv --reuid="$u" --regid="$u" --init-groups -- \
	    env -i PATH=/usr/bin:/bin HOME="$(home "$u")" USER="$u" \
	    LOGNAME="$u" "$@"
}

# ------------------------------------------- private auditd, plugin
L=$SW_T/local
mkdir -p "$L/plugins.d"
chmod 0700 "$L" "$L/plugins.d"
J=$L/alerts.json
ERR=$L/plugin.err
cat >"$L/sshwatch.conf" <<EOF
audit_sink = no
syslog_alerts = no
dedup_window = 0
json_file = $J
EOF
chmod 0600 "$L/sshwatch.conf"
"$PLUGIN" -t -c "$L/sshwatch.conf" | grep -qx "watch_new_homes = yes" ||
	sw_fail "watch_new_homes is not on by default"
# The plugin's messages (-s: standard error, which auditd sends to
# /dev/null) to a file of ours, through a wrapper.
cat >"$L/plugin.sh" <<EOF
#!/bin/sh
exec "$PLUGIN" -s -c "$L/sshwatch.conf" 2>>"$ERR"
EOF
chmod 0750 "$L/plugin.sh"
sw_local_plugin "$L" "$L/plugin.sh"
PPID_=$(pgrep -P "$SW_LPID" | head -n 1)
[ -n "$PPID_" ] || sw_fail "no plugin process under auditd"

# ------------------------------------------- the shipped rules, then genrules
R=$SW_T/rules.d
mkdir -p "$R"
cp "$RULES_IN" "$R/25-sshwatch.rules"
load_rules() {
	getent passwd | awk -F: '$6 !~ "^/(var/)?tmp/"' >"$SW_T/passwd"
	sh "$GENRULES" -o "$R/26-sshwatch-homes.rules" --passwd "$SW_T/passwd" \
	    >"$SW_T/gen.out" 2>&1 || sw_fail "genrules: $(cat "$SW_T/gen.out")"
	{
		echo "-D"
		cat "$R/25-sshwatch.rules" "$R/26-sshwatch-homes.rules"
	} >"$SW_T/audit.rules"
	auditctl -R "$SW_T/audit.rules" >"$SW_T/load.out" 2>&1 &&
		! grep -qi error "$SW_T/load.out"
}
# Again if an account of another test went away in between.
load_rules || load_rules || sw_fail "auditctl -R: $(cat "$SW_T/load.out")"
sw_log "loaded $(auditctl -l | wc -l) shipped and generated rules"

# ------------------------------------------- the account, after the rules
useradd -m -s /bin/sh "$U" || sw_fail "useradd $U"
# Not locked (sshd without PAM refuses a locked account), no password.
usermod -p '*' "$U" || sw_fail "usermod $U"
H=$(home "$U")
UIDU=$(id -u "$U")
chmod 0700 "$H"
! auditctl -l | grep -qF "$H" || sw_fail "a rule names $H already"
sw_wait_for 10 grep -q "watching the home of $U " "$ERR" ||
	sw_fail "the plugin does not watch $H: $(cat "$ERR")"

# Benign: an admin's touch in the home, the account's .ssh, key pair
# and known_hosts.
touch "$H/.admin-note"
as "$U" mkdir -m 0700 "$H/.ssh" || sw_fail "mkdir ~/.ssh"
as "$U" ssh-keygen -q -t ed25519 -N '' -f "$H/.ssh/id_ed25519" ||
	sw_fail "ssh-keygen as $U"
echo "127.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ6IbAzLYidLOXRdldRSOC6aJ/1SplkuZih5qJebtB9+" |
	as "$U" sh -c "cat >>'$H/.ssh/known_hosts'" || sw_fail "known_hosts"
sw_nap 2

# The routes: a planted key (another's, made with ssh-keygen) and a
# planted client configuration, written by the account itself.
ssh-keygen -q -t ed25519 -N '' -C swna-planted -f "$SW_T/planted" ||
	sw_fail "ssh-keygen"
chmod 0644 "$SW_T/planted.pub"

FP=$(ssh-keygen -lf "$SW_T/planted.pub" | awk '{ print $2 }')
as "$U" sh -c "umask 077; cat >>'$H/.ssh/authorized_keys'" \
    <"$SW_T/planted.pub" || sw_fail "authorized_keys"
printf 'Host *\n\tDynamicForward 15200\n' |
	as "$U" sh -c "umask 077; cat >'$H/.ssh/config'" || sw_fail "config"

have() {
	python3 - "$J" "$@" <<'EOF'
import json, sys
path, rule, *want = sys.argv[1:]
for line in open(path):
    a = json.loads(line)
    if a["rule"] != rule:
        continue
    m = a.get("match") or []
    if all(any(w in x for x in m) or w in a.get("tags", []) for w in want):
        sys.exit(0)
sys.exit(1)
EOF
}
sw_wait_for 10 have authorized-keys-write "$H/.ssh/authorized_keys" \
    seen-by=inotify inotify "$FP" ||
	sw_fail "no authorized-keys-write by inotify: $(cat "$J")"
sw_wait_for 10 have ssh-config-planted "$H/.ssh/config" seen-by=inotify \
    "DynamicForward 15200" ||
	sw_fail "no ssh-config-planted by inotify: $(cat "$J")"
have account-unwatched "id=$UIDU" ||
	sw_fail "no account-unwatched for id=$UIDU: $(cat "$J")"

# The planted key is a way in: a real login with it.
S=$SW_T/sshd
mkdir -p "$S" /run/sshd
chmod 0755 "$S"
ssh-keygen -q -t ed25519 -N '' -f "$S/hostkey" || sw_fail "host key"
cat >"$S/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $S/hostkey
PidFile $S/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers $U
EOF
/usr/sbin/sshd -t -f "$S/sshd_config" || sw_fail "bad sshd config"
sw_spawn /usr/sbin/sshd -D -f "$S/sshd_config" -E "$S/sshd.log" &
sw_track $!
sw_wait_for 10 sw_listening "$PORT" || sw_fail "sshd does not listen"
ssh -o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -i "$SW_T/planted" -p "$PORT" \
    "$U@127.0.0.1" echo newacct-ok </dev/null >"$SW_T/ssh.out" 2>&1
grep -qx newacct-ok "$SW_T/ssh.out" ||
	sw_fail "the planted key does not log in: $(cat "$SW_T/ssh.out" "$S/sshd.log")"

# Nothing else about the home: the benign acts raised nothing.
python3 - "$J" "$H" <<'EOF' || sw_fail "alerts on benign acts: $(cat "$J")"
import json, sys
path, home = sys.argv[1:]
bad = 0
for line in open(path):
    a = json.loads(line)
    f = (a.get("file") or {}).get("path") or ""
    if not f.startswith(home + "/"):
        continue
    if f in (home + "/.ssh/authorized_keys", home + "/.ssh/config") and \
            a["rule"] in ("authorized-keys-write", "ssh-config-planted",
                "authorized-keys-added"):
        continue
    print("unexpected: %s %s" % (a["rule"], f))
    bad += 1
# Other accounts' homes may be watched too (other tests' accounts):
# the inotify alerts counted are this home's.
n = sum(1 for l in open(path) if '"seen-by=inotify"' in l and
        ((json.loads(l).get("file") or {}).get("path") or "").startswith(home + "/"))
if n != 2:
    print("%d inotify alerts, not 2" % n)
    bad += 1
sys.exit(1 if bad else 0)
EOF

# usermod -d -m: the home moves (one rename); the new one is watched from
# the USER_CHAUTHTOK record, the files moved with it are no news, a new
# file there is.
H2=$H.moved
usermod -d "$H2" -m "$U" || sw_fail "usermod -d"
watching_twice() {
	[ "$(grep -c "watching the home of $U " "$ERR")" -ge 2 ]
}
sw_wait_for 10 watching_twice ||
	sw_fail "the plugin does not watch the moved home $H2: $(cat "$ERR")"
sw_wait_for 5 have account-unwatched "id=$UIDU" \
    "op=changing home directory" ||
	sw_fail "no account-unwatched for the home change: $(cat "$J")"
ssh-keygen -q -t ed25519 -N '' -C swna-moved -f "$SW_T/moved" ||
	sw_fail "ssh-keygen"
chmod 0644 "$SW_T/moved.pub"
FP3=$(ssh-keygen -lf "$SW_T/moved.pub" | awk '{ print $2 }')
as "$U" sh -c "umask 077; cat >'$H2/.ssh/authorized_keys2'" \
    <"$SW_T/moved.pub" || sw_fail "authorized_keys2"
sw_wait_for 10 have authorized-keys-write "$H2/.ssh/authorized_keys2" \
    seen-by=inotify "$FP3" ||
	sw_fail "no authorized-keys-write by inotify in the moved home: $(cat "$J")"
sw_nap 1.5
python3 - "$J" "$H2" <<'EOF' || sw_fail "the moved files alerted again: $(cat "$J")"
import json, sys
path, home = sys.argv[1:]
n = [json.loads(l)["file"]["path"] for l in open(path)
     if '"seen-by=inotify"' in l and
     ((json.loads(l).get("file") or {}).get("path") or "").startswith(home + "/")]
sys.exit(0 if n == [home + "/.ssh/authorized_keys2"] else 1)
EOF
H=$H2

# The path unit's work: generate and load again; audit covers the home.
load_rules || load_rules || sw_fail "auditctl -R: $(cat "$SW_T/load.out")"
auditctl -l | grep -qF -- "-F dir=$H/.ssh" || sw_fail "no rule for $H/.ssh now"
ssh-keygen -q -t ed25519 -N '' -C swna-second -f "$SW_T/second" ||
	sw_fail "ssh-keygen"
chmod 0644 "$SW_T/second.pub"
FP2=$(ssh-keygen -lf "$SW_T/second.pub" | awk '{ print $2 }')
as "$U" sh -c "cat >>'$H/.ssh/authorized_keys'" <"$SW_T/second.pub" ||
	sw_fail "authorized_keys (second)"
by_audit() {
	python3 - "$J" "$H/.ssh/authorized_keys" "$UIDU" <<'EOF'
import json, sys
path, f, uid = sys.argv[1], sys.argv[2], int(sys.argv[3])
for line in open(path):
    a = json.loads(line)
    if a["rule"] == "authorized-keys-write" and \
            (a.get("file") or {}).get("path") == f and \
            (a.get("process") or {}).get("uid") == uid:
        sys.exit(0)
sys.exit(1)
EOF
}
sw_wait_for 10 by_audit ||
	sw_fail "no authorized-keys-write from the audit record: $(cat "$J")"
sw_nap 2
ST=$(sw_plugin_stats "$PPID_" "$ERR" homewatch) ||
	sw_fail "no statistics: $(tail -n 5 "$ERR")"
sw_log "$ST"
# The counters are the host's (other tests' accounts are watched too):
# this account's end of watch is its own log line.
[ "$(sw_stat_value "$ST" covered)" -ge 1 ] || sw_fail "covered is 0: $ST"
grep -q "an audit rule covers the .ssh of $U now" "$ERR" ||
	sw_fail "the watch of $U did not end: $(cat "$ERR")"
! grep -q "$FP2.*seen-by=inotify\|seen-by=inotify.*$FP2" "$J" ||
	sw_fail "the second key alerted by inotify too: $(cat "$J")"
sw_log "$U: account-unwatched, authorized-keys-write and ssh-config-planted by inotify, the key logs in; usermod -d -m followed; audit takes over after the reload"
exit 0
