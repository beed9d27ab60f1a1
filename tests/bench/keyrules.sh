#!/bin/bash
# keyrules.sh [SECONDS] [ACCOUNTS]: the audit records per second that the
# key rules add on a busy host (issue 12, item 1): the rules
# audisp-sshwatch-genrules writes per account (writes to ~/.ssh, reads
# there by another login, real or effective uid, renames and mounts onto
# it), the shipped /root/.ssh watch and open_by_handle_at rules, and the
# io_uring rule when an auditctl here takes it.
#
# Loads rules.d/25-sshwatch.rules and the generated rules for ACCOUNTS
# (default 50) made-up accounts (a passwd file given with --passwd: homes
# under a temporary directory with a ~/.ssh holding authorized_keys and
# id_ed25519, owned by uids 20001...; no real account is touched) in a
# private auditd (as root, the kernel audit free; holds
# /tmp/sshwatch-kernel-audit.lock; in a private mount namespace), then
# runs each load for SECONDS (default 10):
#   busy   execs of common programs, files written and deleted in /var/tmp
#          and in the homes outside .ssh, a listing of each home, and the
#          owners reading their own keys (as ssh and sshd do at a login:
#          uid, euid and auid the owner's or unset)
#   admin  root's rounds over every account: ls -la ~/.ssh, cat of
#          authorized_keys, chmod 600 of it, and one tar of every .ssh
#          (a backup)
# Prints, per load and per rule key, the events and records (all the
# records of an event) and their rate.  Not root, audit busy or a tool
# missing: it says so and exits 0 (a benchmark, not a test).
set -eu
export LC_ALL=C
SECS=${1:-10}
NACC=${2:-50}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
RULES=${RULES:-$TOP/rules.d/25-sshwatch.rules}
GENRULES=${GENRULES:-$TOP/scripts/audisp-sshwatch-genrules}
say() { echo "keyrules.sh: $*" >&2; }
skip() { say "skipped: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root (it loads audit rules)"
for t in auditd auditctl setpriv unshare flock tar; do
	command -v "$t" >/dev/null || skip "missing $t"
done
[ -r "$RULES" ] && [ -r "$GENRULES" ] ||
	{ echo "keyrules.sh: $RULES or $GENRULES missing (make first)" >&2; exit 1; }
if [ "${KR_NS:-}" != 1 ]; then
	exec 8>>/tmp/sshwatch-kernel-audit.lock
	flock -w 900 8 || skip "kernel audit lock held for 900 s"
	KR_NS=1 exec unshare --mount --propagation private -- bash "$0" "$@"
fi
# From here on, in the private mount namespace only.
ks() { auditctl -s | awk -v k="$1" '$1 == k { print $2; exit }'; }
[ "$(ks pid)" = 0 ] || skip "kernel audit in use by pid $(ks pid)"
[ "$(ks enabled)" != 2 ] || skip "kernel audit locked"
W=$(mktemp -d /var/tmp/sshw-krbench.XXXXXX)
chmod 0711 "$W"
auditctl -l >"$W/orig.rules"
ORIG_EN=$(ks enabled) ORIG_B=$(ks backlog_limit)
APID='' TOUCHED='' UCTL=''
cleanup() {
	set +e
	if [ -n "$TOUCHED" ]; then
		# (-D deletes every rule, the io_uring one too.)
		auditctl -D >/dev/null
		grep -qx 'No rules' "$W/orig.rules" ||
			auditctl -R "$W/orig.rules" >/dev/null
		auditctl -b "$ORIG_B" >/dev/null
	fi
	if [ -n "$APID" ]; then
		kill -TERM "$APID"
		wait "$APID"
	fi
	[ -z "$TOUCHED" ] || auditctl -e "$ORIG_EN" >/dev/null
	[ -z "${KR_KEEP:-}" ] || cp "$W/ad/audit.log" "$KR_KEEP"
	rm -rf "$W"
}
trap cleanup EXIT
mount -t tmpfs -o size=4m,mode=0755 sshw-run /run

# ------------------------------------------------------------ accounts
mkdir -m 0755 "$W/home"
: >"$W/passwd"
for i in $(seq "$NACC"); do
	u=$((20000 + i)) h=$W/home/u$i
	echo "u$i:x:$u:$u::$h:/bin/sh" >>"$W/passwd"
	mkdir -p "$h/.ssh" "$h/.cache"
	echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBench$i u$i@host" \
	    >"$h/.ssh/authorized_keys"
	printf '%s\n' '-----BEGIN OPENSSH PRIVATE KEY-----' "bench $i" \
	    >"$h/.ssh/id_ed25519"
	echo "profile $i" >"$h/.profile"
	chmod 0700 "$h/.ssh"
	chmod 0600 "$h/.ssh/authorized_keys" "$h/.ssh/id_ed25519"
	chown -R "$u:$u" "$h"
	chmod 0711 "$h"
done

# ------------------------------------------------ private auditd, rules
mkdir -m 0700 "$W/ad" "$W/ad/plugins.d"
printf '%s\n' "local_events = yes" "write_logs = yes" \
    "log_file = $W/ad/audit.log" "log_format = RAW" \
    "flush = INCREMENTAL_ASYNC" "freq = 50" "max_log_file = 1024" \
    "num_logs = 2" "max_log_file_action = ROTATE" "space_left = 75" \
    "space_left_action = SYSLOG" "admin_space_left = 50" \
    "admin_space_left_action = SUSPEND" "disk_full_action = SUSPEND" \
    "disk_error_action = SUSPEND" "q_depth = 20000" \
    "plugin_dir = $W/ad/plugins.d" >"$W/ad/auditd.conf"
chmod 0600 "$W/ad/auditd.conf"
TOUCHED=1
auditd -n -c "$W/ad" 2>"$W/ad/err" &
APID=$!
for _ in $(seq 100); do
	[ "$(ks pid)" = "$APID" ] && break
	sleep 0.1
done
[ "$(ks pid)" = "$APID" ] ||
	{ echo "keyrules.sh: auditd did not register" >&2; exit 1; }
auditctl -D >/dev/null
auditctl -b 8192 >/dev/null
# An auditctl that takes the io_uring rule: the system's, or an io_uring
# build of tests/compat.
URULE="-a always,io_uring -S openat,openat2 -F key=sshwatch-uring"
for a in "$(command -v auditctl)" \
    "${SW_COMPAT_CACHE:-/var/cache/sshwatch-compat}"/*/sbin/auditctl; do
	[ -x "$a" ] || continue
	if sh "$GENRULES" -n --passwd "$W/passwd" --auditctl "$a" 2>/dev/null |
	    grep -qxF -- "$URULE"; then
		UCTL=$a
		break
	fi
done
{
	grep -- '^-[aw] ' "$RULES"
	sh "$GENRULES" -n --passwd "$W/passwd" --io-uring no 2>/dev/null |
	    grep -- '^-[aw] '
} | awk '!seen[$0]++' >"$W/rules"
n=0 failed=0
while read -r r; do
	# shellcheck disable=SC2086 # the words of the rule
	if auditctl $r >/dev/null 2>&1; then
		n=$((n + 1))
	else
		failed=$((failed + 1))	# a missing file of a -w watch
	fi
done <"$W/rules"
uring="none (no auditctl here takes it)"
if [ -n "$UCTL" ]; then
	# shellcheck disable=SC2086 # the words of the rule
	if "$UCTL" $URULE >/dev/null 2>&1; then
		n=$((n + 1))
		uring="loaded with $("$UCTL" -v)"
	else
		uring="refused by $UCTL"
	fi
fi
say "$n rules loaded ($failed refused: watches of files this machine lacks);" \
    "io_uring rule: $uring"
sleep 1

# The keys of the key rules.  The kernel audit is the whole host's: the
# other rules loaded (exec, socket, sshd) also see other people's
# processes, which are no part of these loads.
KEYS='key="sshwatch-(home|homes|keyread|move|authkeys|handle|uring)"'
# The log's lines from $1 on: per rule key, events and records.
tally() {
	tail -n +"$1" "$W/ad/audit.log" | awk -v secs="$2" -v ld="$3" \
	    -v keys="$KEYS" '
	match($0, /msg=audit\([0-9.]+:[0-9]+\)/) {
		s = substr($0, RSTART + 10, RLENGTH - 11)
		n[s]++
	}
	/^type=(SYSCALL|URINGOP) / && $0 ~ keys &&
	    match($0, / key="sshwatch-[a-z]+"/) {
		k[s] = substr($0, RSTART + 6, RLENGTH - 7)
	}
	END {
		for (s in k) {
			ev[k[s]]++
			rec[k[s]] += n[s]
			te++
			tr += n[s]
		}
		for (x in ev)
			printf "keyrules: %-6s %-18s %6d events %7d records " \
			    "(%.1f records/s)\n", ld, x, ev[x], rec[x],
			    rec[x] / secs
		printf "keyrules: %-6s %-18s %6d events %7d records " \
		    "(%.1f records/s)\n", ld, "all", te, tr, tr / secs
	}' | sort
}
lines() { wc -l <"$W/ad/audit.log"; }

# ---------------------------------------------------------------- busy
from=$(($(lines) + 1))
end=$((SECONDS + SECS))
rounds=0
while [ $SECONDS -lt "$end" ]; do
	for i in $(seq 20); do echo "$i" >"$W/f$i"; done
	rm -f "$W"/f*
	for _ in 1 2 3 4 5; do
		i=$((RANDOM % NACC + 1)) u=$((20000 + i)) h=$W/home/u$i
		setpriv --reuid="$u" --regid="$u" --clear-groups -- sh -c \
		    "echo x >'$h/.cache/f'; cat '$h/.profile' >/dev/null;
		    ls '$h' >/dev/null; rm -f '$h/.cache/f';
		    cat '$h/.ssh/id_ed25519' '$h/.ssh/authorized_keys' >/dev/null"
	done
	date >/dev/null
	id >/dev/null
	ls /usr/bin >/dev/null
	true
	rounds=$((rounds + 1))
done
sleep 2
busy_rounds=$rounds
tally "$from" "$SECS" busy >"$W/busy"

# --------------------------------------------------------------- admin
from=$(($(lines) + 1))
end=$((SECONDS + SECS))
rounds=0
while [ $SECONDS -lt "$end" ]; do
	for i in $(seq "$NACC"); do
		h=$W/home/u$i
		ls -la "$h/.ssh" >/dev/null
		cat "$h/.ssh/authorized_keys" >/dev/null
		chmod 0600 "$h/.ssh/authorized_keys"
	done
	# (Through cat: GNU tar reads nothing when it writes to /dev/null.)
	tar -cf - -C "$W/home" . | cat >/dev/null
	rounds=$((rounds + 1))
done
sleep 2
admin_rounds=$rounds
tally "$from" "$SECS" admin >"$W/admin"

# ------------------------------------------------ one command at a time
# The events (and records) one admin command on one account adds.
one() {
	local from

	sleep 1
	from=$(($(lines) + 1))
	"$@" >/dev/null 2>&1 || true
	sleep 1.5
	tail -n +"$from" "$W/ad/audit.log" | awk -v c="$*" -v keys="$KEYS" '
	match($0, /msg=audit\([0-9.]+:[0-9]+\)/) {
		s = substr($0, RSTART + 10, RLENGTH - 11)
		n[s]++
	}
	/^type=(SYSCALL|URINGOP) / && $0 ~ keys { k[s] = 1 }
	END {
		for (s in k) { e++; r += n[s] }
		printf "keyrules: one    %s: %d events, %d records\n",
		    c, e, r
	}' | sed "s|$W/home/||g"
}
h1=$W/home/u1
{
	one ls -la "$h1/.ssh"
	one cat "$h1/.ssh/authorized_keys"
	one chmod 0600 "$h1/.ssh/authorized_keys"
	one sh -c "tar -cf - -C '$h1' .ssh | cat"
	one setpriv --reuid=20001 --regid=20001 --clear-groups -- \
	    cat "$h1/.ssh/id_ed25519"
} >"$W/one"

echo "keyrules: $NACC accounts, $n rules loaded; io_uring rule: $uring"
echo "keyrules: busy: $busy_rounds rounds in $SECS s (each: 20 files written" \
    "and deleted, 5 owners writing, listing and reading in their homes and" \
    "reading their own keys, 4 execs)"
cat "$W/busy"
echo "keyrules: admin: $admin_rounds rounds in $SECS s (each: ls -la, cat" \
    "and chmod of authorized_keys for all $NACC accounts, one tar of every home)"
cat "$W/admin"
cat "$W/one"
