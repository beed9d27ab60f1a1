#!/bin/bash
# shellcheck disable=SC2317 # hooks and sw_wait_for conditions
# live_quiet.sh: issue 12's false alarms on the real kernel, plugin mode.
#
#   real commands -> kernel audit (the shipped exec rules only) -> private
#   auditd (local_events = yes, name = this host's name) -> the plugin
#
# with a real sshd on 127.0.0.1 port 2308 (its own config and host key,
# UsePAM yes: its USER_START opens the sessions ssh-chain follows) and two
# test users, sshw-fa-a and sshw-fa-b.  The shipped rules record only the
# execs of ssh and its kin, so every parent below has no exec record: the
# plugin reads it from /proc (ANCESTRY FROM /PROC in audisp-sshwatch(8)).
# Asserted, on the plugin's JSON file:
#   - a stand-in ansible-playbook (a python3 script, as the real one is)
#     running `ssh -o StrictHostKeyChecking=no': the README's allowlist
#     line matches (ancestor from /proc) and the alert is suppressed;
#   - the same ssh from bash: not suppressed;
#   - `git ls-remote' and `git clone' over ssh inside a session that came in
#     over SSH: ssh-chain at low with git's note (the parent, git, read
#     from /proc by its comm: the plugin may not read another user's exe);
#   - the same git-upload-pack typed by hand in such a session: high;
#   - `ssh -i' and `ssh-add' of the user's own key, and a ControlMaster
#     started with `ssh -M -f -N': each one alert, low.
#
# Needs root, git, sshd and a free kernel audit subsystem (else exit 77).
# Everything runs in the test's own network and mount namespaces (lib.sh);
# the users are deleted and the audit state is restored on exit.
. "${srcdir:-.}/tests/remote/lib.sh"
sw_need_root
sw_need auditctl ssh sshd ssh-keygen setpriv flock git useradd userdel
command -v audisp-remote >/dev/null ||
	sw_skip "missing audisp-remote (audispd-plugins)"
[ -x /usr/bin/python3 ] || sw_skip "missing /usr/bin/python3"
A=sshw-fa-a
B=sshw-fa-b
SSHD_PORT=2308
for u in "$A" "$B"; do
	! id "$u" >/dev/null 2>&1 || sw_fail "user $u exists (leftover?)"
done
sw_init
sw_kernel_take

# ------------------------------------------------------------ users
del_users() {
	local u

	# (sshd and its sessions, the users' only processes, are stopped
	# by pid before the hooks run.)
	for u in "$A" "$B"; do
		! id "$u" >/dev/null 2>&1 || userdel -r -f "$u" >/dev/null 2>&1
	done
	return 0
}
SW_HOOKS+=(del_users)
for u in "$A" "$B"; do
	useradd -m -s /bin/bash "$u" || sw_fail "useradd $u"
	usermod -p '*' "$u"	# not locked ("!"), no password either
	install -d -m 0700 -o "$u" -g "$u" "/home/$u/.ssh"
done
as() {
	local u=$1

	shift
	setpriv --reuid="$u" --regid="$u" --init-groups -- env -i \
	    HOME="/home/$u" USER="$u" LOGNAME="$u" PATH=/usr/bin:/bin \
	    "$@"
}
as "$A" ssh-keygen -q -t ed25519 -N '' -f "/home/$A/.ssh/id_ed25519" ||
	sw_fail "ssh-keygen"
for u in "$A" "$B"; do
	install -m 0600 -o "$u" -g "$u" "/home/$A/.ssh/id_ed25519.pub" \
	    "/home/$u/.ssh/authorized_keys"
done
as "$B" git init -q --bare "/home/$B/repo.git" || sw_fail "git init"

# ------------------------------------------------------------- sshd
# Privilege separation wants /run/sshd: /run is the test's own tmpfs.
mkdir -p /run/sshd
chmod 0755 /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$SW_T/hostkey" || sw_fail "host key"
cat >"$SW_T/sshd_config" <<EOC
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $SW_T/hostkey
PidFile $SW_T/sshd.pid
UsePAM yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
AllowUsers $A $B
EOC
printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d' ' -f1,2 \
    "$SW_T/hostkey.pub")" >"/home/$A/.ssh/known_hosts"
chown "$A:$A" "/home/$A/.ssh/known_hosts"
sw_spawn /usr/sbin/sshd -D -e -f "$SW_T/sshd_config" \
    >"$SW_T/sshd.log" 2>&1 &
sw_track $!
sw_wait_for 10 sw_listening "$SSHD_PORT" ||
	sw_fail "sshd did not listen: $(cat "$SW_T/sshd.log")"

# ------------------------------------------- private auditd, plugin
AGG=$SW_T/agg
PORT=$(sw_free_port)
sw_agg_start "$AGG" "$PORT"
L=$SW_T/local
mkdir -p "$L"
cat >"$L/sshwatch.conf" <<EOC
audit_sink = no
syslog_alerts = no
json_file = $L/alerts.json
dedup_window = 0
report_suppressed = yes
allow = rule=ssh-no-hostcheck user=$A ancestor=*/ansible-playbook
EOC
chmod 0600 "$L/sshwatch.conf"
"$PLUGIN" -t -c "$L/sshwatch.conf" >/dev/null || sw_fail "bad plugin config"
sw_local_start "$L" "$PORT" "$(hostname)" "$L/sshwatch.conf"
sw_wait_for 10 test -e "$L/alerts.json" ||
	sw_fail "the plugin did not start: $(cat "$L/auditd.out")"

auditctl -b 8192 >/dev/null
# The shipped exec rules (rules.d/25-sshwatch.rules), 64-bit.
for p in ssh scp sftp ssh-add ssh-agent; do
	sw_kernel_rule always,exit -F arch=b64 -F path=/usr/bin/$p -F perm=x \
	    -F key=sshwatch-exec || sw_fail "cannot load the exec rule of $p"
done

# ------------------------------------------------------ real commands
SSH="ssh -o BatchMode=yes -p $SSHD_PORT"
mkdir -p "$SW_T/bin"
chmod 0755 "$SW_T/bin"
cat >"$SW_T/bin/ansible-playbook" <<EOC
#!/usr/bin/python3
# A stand-in for ansible-playbook: python3 running a script of that name.
import subprocess, sys
sys.exit(subprocess.call(["ssh", "-o", "StrictHostKeyChecking=no",
    "-o", "BatchMode=yes", "-p", "$SSHD_PORT", "$A@127.0.0.1", "true"]))
EOC
chmod 0755 "$SW_T/bin/ansible-playbook"
run() {
	as "$A" "$@" </dev/null >>"$SW_T/cmd.out" 2>&1 ||
		sw_fail "failed: $*: $(tail -n 5 "$SW_T/cmd.out")"
}
run "$SW_T/bin/ansible-playbook" site.yml
run bash -c "$SSH -o StrictHostKeyChecking=no $A@127.0.0.1 true"
REPO=ssh://$B@127.0.0.1:$SSHD_PORT/home/$B/repo.git
run $SSH "$A@127.0.0.1" "cd /tmp && git ls-remote $REPO && rm -rf /tmp/sshw-fa-clone && git clone -q $REPO /tmp/sshw-fa-clone 2>&1; rm -rf /tmp/sshw-fa-clone"
run $SSH "$A@127.0.0.1" "$SSH $B@127.0.0.1 \"git-upload-pack '/home/$B/repo.git'\" </dev/null >/dev/null 2>&1; true"
# One's own key by -i and by ssh-add; a ControlMaster sent to the
# background with -fN, stopped through its socket.
run $SSH -i "/home/$A/.ssh/id_ed25519" "$A@127.0.0.1" true
run bash -c 'eval "$(ssh-agent -s)" >/dev/null &&
	ssh-add -q ~/.ssh/id_ed25519; rc=$?; ssh-agent -k >/dev/null; exit $rc'
CM="-o ControlPath=$SW_T/cm/%C"
mkdir -m 0700 "$SW_T/cm"
chown "$A" "$SW_T/cm"
run $SSH -M $CM -f -N "$A@127.0.0.1"
run $SSH $CM -O exit "$A@127.0.0.1"
sw_log "ran the commands: $(grep -c . "$SW_T/cmd.out") lines of output"

# ------------------------------------------------------------ checks
A_UID=$(id -u "$A")
verdict() {
	/usr/bin/python3 - "$L/alerts.json" "$A" "$B" "$A_UID" <<'EOP'
import json, sys
path, a, b, a_uid = sys.argv[1:5]
try:
    alerts = [json.loads(l) for l in open(path)]
except FileNotFoundError:
    alerts = []
def argv(x):
    return " ".join(x["process"].get("argv") or [])
hc = [x for x in alerts if x["rule"] == "ssh-no-hostcheck"]
ans = [x for x in hc if any("ansible-playbook" in (p.get("argv") or "")
       and p.get("source") == "proc" for p in x.get("ancestry", []))]
hand = [x for x in hc if x not in ans]
chains = [x for x in alerts if x["rule"] == "ssh-chain"]
git = [x for x in chains if "git-upload-pack '/home/%s/repo.git'" % b
       in argv(x) and any(p.get("comm") == "git" and
       p.get("source") == "proc" for p in x.get("ancestry", [])[:1])]
bare = [x for x in chains if x not in git]
def own(rule):
    return [x for x in alerts if x["rule"] == rule and
            x["process"]["uid"] == int(a_uid)]
ident, added, master = (own("ssh-identity-file"), own("ssh-add-key"),
                        own("ssh-no-command"))
quiet = (len(ident) == 1 and ident[0]["severity"] == "low" and
         ident[0]["keys"][0]["location"] == "own-home" and
         len(added) == 1 and added[0]["severity"] == "low" and
         len(master) == 1 and master[0]["severity"] == "low" and
         "-M" in master[0]["process"]["argv"] and
         not [x for x in alerts if x["rule"] != "ssh-no-command" and
              "-M" in x["process"]["argv"]])
ok = (len(ans) == 1 and ans[0].get("suppressed") is True and
      len(hand) == 1 and not hand[0].get("suppressed") and
      len(git) == 2 and all(x["severity"] == "low" and
      x.get("note", "").startswith("git's ssh transport") for x in git) and
      len(bare) == 1 and bare[0]["severity"] == "high" and
      "note" not in bare[0] and quiet)
print("ansible %d (suppressed %s), by hand %d, git chains %d %s, "
      "hand-typed chain %d %s, own -i %s, ssh-add %s, ControlMaster %s" % (
      len(ans), [x.get("suppressed") for x in ans], len(hand), len(git),
      [x["severity"] for x in git], len(bare), [x["severity"] for x in bare],
      [x["severity"] for x in ident], [x["severity"] for x in added],
      [x["severity"] for x in master]))
sys.exit(0 if ok else 1)
EOP
}
settled() {
	verdict >/dev/null
}
sw_wait_for 20 settled ||
	sw_fail "$(verdict); alerts: $(cat "$L/alerts.json")"
sw_log "$(verdict)"
if [ -n "${SW_QUIET_SAVE:-}" ]; then
	cp "$L/audit.log" "$SW_QUIET_SAVE/audit.log"
	cp "$L/alerts.json" "$SW_QUIET_SAVE/alerts.json"
fi
exit 0
