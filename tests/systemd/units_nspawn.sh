#!/bin/sh
# tests/systemd/units_nspawn.sh: the shipped units
# audisp-sshwatch-genrules.{path,service} under a real systemd (PID 1 of
# a Debian 12 container booted with systemd-nspawn), from the package
# this tree builds.
#
# NOT part of `make check': it needs root, debootstrap, systemd-nspawn,
# the Debian build dependencies and a Debian mirror over the network, and
# takes a few minutes.  Run it by hand, as root, from a source tree or an
# unpacked release tarball:
#     sh tests/systemd/units_nspawn.sh
# It exits 77, with the reason on stderr, when one of those is missing.
#
# What it does:
#  1. builds the .deb from this tree (dpkg-buildpackage -b, its tests
#     left out: DEB_BUILD_OPTIONS=nocheck) in a copy, debootstraps
#     bookworm (systemd, auditd, openssh-client and the runtime libraries)
#     into $SW_NSPAWN_ROOT (default /var/tmp/sw-nspawn) and installs the
#     package there with dpkg -i;
#  2. boots it (systemd-nspawn -b, private network, CAP_AUDIT_CONTROL
#     dropped) and, inside: `systemd-analyze verify' of both units,
#     enables the path unit, adds accounts with useradd -m and asserts
#     that the service ran on each change: the generator wrote the new
#     homes into 26-sshwatch-homes.rules, augenrules merged them into
#     /etc/audit/audit.rules, and six accounts added one after the other
#     are all there (systemd drops a path event that comes while the
#     service runs: the service loops until /etc/passwd holds still).
#
# The kernel audit is never touched: the kernel refuses rule changes from
# any PID namespace but the first, and the container has no
# CAP_AUDIT_CONTROL, so augenrules' `auditctl -R' fails in the container
# ("You must be root to run this program.") and the service ends with
# status 4 after augenrules has written /etc/audit/audit.rules; that is
# asserted too.  When the service leaves the rules alone while the plugin
# is inactive (active = no in plugins.d/sshwatch.conf), that is asserted
# first; the accounts are then added with active = yes (auditd does not
# run in the container, so no plugin starts).
#
# Environment: SW_NSPAWN_ROOT (the root file system; made and removed by
# this script, refused if it exists without this script's mark),
# SW_NSPAWN_MIRROR (default http://deb.debian.org/debian), SW_NSPAWN_DEB
# (a prebuilt audisp-sshwatch .deb instead of building one),
# SW_NSPAWN_KEEP=1 (leave the root file system for inspection).
set -eu
export LC_ALL=C

ROOT=${SW_NSPAWN_ROOT:-/var/tmp/sw-nspawn}
MIRROR=${SW_NSPAWN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
MARK=.sw-nspawn-root
SVC=audisp-sshwatch-genrules.service
PTH=audisp-sshwatch-genrules.path
RULES=/etc/audit/rules.d/26-sshwatch-homes.rules
srcdir=$(cd "$(dirname "$0")/../.." && pwd)

skip() {
	echo "units_nspawn: SKIP: $*" >&2
	exit 77
}
fail() {
	echo "units_nspawn: FAIL: $*" >&2
	exit 1
}
say() {
	echo "units_nspawn: $*"
}

[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, systemd-nspawn)"
for t in debootstrap systemd-nspawn nsenter dpkg-deb; do
	command -v "$t" >/dev/null 2>&1 ||
	    skip "$t not found (apt-get install debootstrap systemd-container)"
done
if [ -z "${SW_NSPAWN_DEB:-}" ]; then
	command -v dpkg-buildpackage >/dev/null 2>&1 ||
	    skip "dpkg-buildpackage not found (apt-get install dpkg-dev debhelper)"
	(cd "$srcdir" && dpkg-checkbuilddeps -B >/dev/null 2>&1) ||
	    skip "build dependencies missing: $(cd "$srcdir" && dpkg-checkbuilddeps -B 2>&1 || true)"
fi
if command -v curl >/dev/null 2>&1; then
	curl -fsS -m 20 -o /dev/null "$MIRROR/dists/$SUITE/Release" ||
	    skip "mirror $MIRROR unreachable"
elif command -v wget >/dev/null 2>&1; then
	wget -q -T 20 -O /dev/null "$MIRROR/dists/$SUITE/Release" ||
	    skip "mirror $MIRROR unreachable"
fi
if [ -e "$ROOT" ] && [ ! -e "$ROOT/$MARK" ]; then
	fail "$ROOT exists and was not made by this script: remove it or set SW_NSPAWN_ROOT"
fi

work=$(mktemp -d /tmp/sw-units-nspawn.XXXXXX)
NSPID=
LEADER=
cleanup() {
	set +e
	if [ -n "$NSPID" ] && kill -0 "$NSPID" 2>/dev/null; then
		if [ -n "$LEADER" ]; then
			kill -s RTMIN+4 "$LEADER" 2>/dev/null # poweroff
		fi
		i=0
		while kill -0 "$NSPID" 2>/dev/null && [ $i -lt 60 ]; do
			sleep 0.5
			i=$((i + 1))
		done
		kill -0 "$NSPID" 2>/dev/null && kill -KILL "$NSPID"
		wait "$NSPID" 2>/dev/null
	fi
	rmdir "/run/systemd/nspawn/propagate/$(basename "$ROOT")" 2>/dev/null
	if [ "${SW_NSPAWN_KEEP:-0}" = 1 ]; then
		echo "units_nspawn: kept $ROOT and $work" >&2
	else
		[ -e "$ROOT/$MARK" ] && rm -rf "$ROOT"
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# 1. The package.
if [ -n "${SW_NSPAWN_DEB:-}" ]; then
	deb=$SW_NSPAWN_DEB
else
	say "building the .deb from $srcdir"
	mkdir "$work/src"
	if [ -e "$srcdir/.git" ] && command -v git >/dev/null 2>&1; then
		# The working tree as it is (tracked and new files), no build
		# products.
		git -C "$srcdir" ls-files -z -co --exclude-standard |
		    (cd "$srcdir" && tar --null -T - -cf -) |
		    tar -C "$work/src" -xf -
	else
		cp -a "$srcdir/." "$work/src/"
		if [ -f "$work/src/Makefile" ]; then
			make -C "$work/src" distclean >/dev/null 2>&1 || true
		fi
	fi
	(cd "$work/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
	    dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
		tail -n 40 "$work/build.log" >&2
		fail "dpkg-buildpackage failed"
	}
	deb=$(ls "$work"/audisp-sshwatch_*.deb)
fi
[ -f "$deb" ] || fail "no package: $deb"

# The root file system.
rm -rf "$ROOT"
mkdir -p "$ROOT"
: >"$ROOT/$MARK"
say "debootstrap $SUITE into $ROOT"
debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,dbus,auditd,openssh-client,libauparse0,libaudit1,libcap-ng0 \
    "$SUITE" "$ROOT" "$MIRROR" >"$work/debootstrap.log" 2>&1 || {
	tail -n 20 "$work/debootstrap.log" >&2
	skip "debootstrap $SUITE from $MIRROR failed (network?)"
}
cp "$deb" "$ROOT/root/sw.deb"
# --register=no --keep-unit: no machined or system bus needed on the host.
NSPAWN="systemd-nspawn -q --register=no --keep-unit --private-network -D $ROOT"
$NSPAWN dpkg -i /root/sw.deb >"$work/dpkg.log" 2>&1 || {
	cat "$work/dpkg.log" >&2
	fail "dpkg -i in the container failed"
}
say "installed $(basename "$deb")"

# 2. Boot.
$NSPAWN --drop-capability=CAP_AUDIT_CONTROL --console=read-only -b \
    >"$work/boot.log" 2>&1 &
NSPID=$!
i=0
while [ -z "$LEADER" ] && [ $i -lt 60 ]; do
	sleep 0.5
	kill -0 "$NSPID" 2>/dev/null || break
	LEADER=$(cat "/proc/$NSPID/task/$NSPID/children" 2>/dev/null |
	    awk '{ print $1 }')
	i=$((i + 1))
done
if [ -z "$LEADER" ]; then
	tail -n 30 "$work/boot.log" >&2
	fail "systemd-nspawn -b did not start a container (see above)"
fi
in_ct() {
	nsenter -t "$LEADER" -a -- "$@"
}
i=0
state=
while [ $i -lt 120 ]; do
	state=$(in_ct systemctl is-system-running 2>/dev/null || true)
	case $state in
	running|degraded) break ;;
	esac
	sleep 0.5
	i=$((i + 1))
done
case $state in
running|degraded) say "container booted: $state (PID 1 $(in_ct cat /proc/1/comm))" ;;
*)
	tail -n 30 "$work/boot.log" >&2
	fail "container not up after 60 s: $state" ;;
esac
[ "$(in_ct cat /proc/1/comm)" = systemd ] || fail "PID 1 of the container is not systemd"

# The container cannot change the kernel audit.
if in_ct auditctl -s >/dev/null 2>&1; then
	fail "auditctl -s works in the container: the kernel audit would be changed"
fi

say "systemd-analyze verify"
unitdir=$(in_ct systemctl show -p FragmentPath --value "$SVC" | sed 's|/[^/]*$||')
[ -n "$unitdir" ] || fail "$SVC not found by systemd"
in_ct systemd-analyze verify --man=no "$unitdir/$PTH" "$unitdir/$SVC" \
    >"$work/verify.log" 2>&1 || {
	cat "$work/verify.log" >&2
	fail "systemd-analyze verify $PTH $SVC"
}
if [ -s "$work/verify.log" ]; then
	cat "$work/verify.log" >&2
	fail "systemd-analyze verify has warnings"
fi
say "verify: both units clean"

in_ct systemctl enable --now "$PTH" >/dev/null 2>&1 || fail "enable --now $PTH"
[ "$(in_ct systemctl is-enabled "$PTH")" = enabled ] || fail "$PTH not enabled"
[ "$(in_ct systemctl is-active "$PTH")" = active ] || fail "$PTH not active"

# starts: how many times the service started so far.
starts() {
	in_ct journalctl -q -u "$SVC" -o cat | grep -c '^Starting ' || true
}
# settle N: wait until the service has started more than N times and is
# neither starting nor has a job.
settle() {
	_n=$1
	_i=0
	while [ $_i -lt 120 ]; do
		sleep 0.5
		_i=$((_i + 1))
		[ "$(starts)" -gt "$_n" ] || continue
		_s=$(in_ct systemctl show -p ActiveState --value "$SVC")
		_j=$(in_ct systemctl list-jobs --no-legend "$SVC" | wc -l)
		if [ "$_s" != activating ] && [ "$_j" = 0 ]; then
			sleep 1
			_s=$(in_ct systemctl show -p ActiveState --value "$SVC")
			[ "$_s" != activating ] && return 0
		fi
	done
	fail "$SVC did not run within 60 s"
}
# has_home NAME FILE: a rule on /home/NAME/.ssh, or on /home/NAME itself
# when the generator ran before useradd made the home (useradd writes
# /etc/passwd first).
has_home() {
	in_ct grep -Eq "^-a .* -F (path|dir)=/home/$1(/\.ssh)? " "$2"
}

CONF=/etc/audit/plugins.d/sshwatch.conf
in_ct grep -q '^active = no$' "$CONF" || fail "$CONF: not installed inactive"
if in_ct systemctl cat "$SVC" | grep -q "$CONF"; then
	# The service is gated on the plugin's state.
	n=$(starts)
	in_ct useradd -m swunits0
	settle "$n"
	in_ct journalctl -q -u "$SVC" -o cat | grep -q 'not active' ||
	    fail "inactive plugin: no 'not active' line in the journal"
	[ "$(in_ct systemctl show -p Result --value "$SVC")" = success ] ||
	    fail "inactive plugin: the service did not succeed"
	if in_ct test -e "$RULES" && has_home swunits0 "$RULES"; then
		fail "inactive plugin: swunits0 is in $RULES"
	fi
	say "plugin inactive: the service ran and left the rules alone"
else
	say "the service is not gated on the plugin's state"
fi
in_ct sed -i 's/^active = no$/active = yes/' "$CONF"

# One account.
n=$(starts)
in_ct useradd -m swunits1
settle "$n"
say "after useradd -m swunits1:"
in_ct systemctl status --no-pager -n 0 "$PTH" "$SVC" 2>&1 | sed 's/^/    /' || true
in_ct journalctl -q -u "$SVC" --no-pager | tail -n 8 | sed 's/^/    /'
in_ct grep -n swunits1 "$RULES" | sed 's/^/    /'
has_home swunits1 "$RULES" || fail "swunits1's ~/.ssh is not in $RULES"
in_ct journalctl -q -u "$SVC" -o cat | grep -q "wrote $RULES" ||
    fail "no 'wrote $RULES' in the service's journal"
has_home swunits1 /etc/audit/audit.rules ||
    fail "augenrules did not merge swunits1's rules into /etc/audit/audit.rules"
# augenrules ran and its auditctl -R refused to load without
# CAP_AUDIT_CONTROL ("You must be root to run this program.", status 4;
# with the capability the kernel refuses it, PID namespace: status 1).
r=$(in_ct systemctl show -p Result --value "$SVC")
st=$(in_ct systemctl show -p ExecMainStatus --value "$SVC")
[ "$r" = exit-code ] && [ "$st" = 4 ] ||
    fail "expected the load to fail in the container (Result=exit-code, status 4), got $r $st"
in_ct journalctl -q -u "$SVC" -o cat | grep -q 'You must be root' ||
    fail "no auditctl refusal in the service's journal"
say "swunits1 in $RULES and /etc/audit/audit.rules; its load refused without CAP_AUDIT_CONTROL, as expected ($r, status $st)"

# Accounts one after the other: a change while the service runs.
n=$(starts)
in_ct sh -c 'for i in 1 2 3 4 5 6; do useradd -m swburst$i; done'
settle "$n"
missing=
for i in 1 2 3 4 5 6; do
	has_home "swburst$i" "$RULES" || missing="$missing swburst$i"
done
[ -z "$missing" ] || fail "accounts added one after the other missing from $RULES:$missing"
say "6 accounts added one after the other: all 6 in $RULES ($(( $(starts) - n )) start(s))"

say "PASS"
