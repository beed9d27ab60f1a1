# shellcheck shell=bash
# tests/install/lib.sh: helpers for the install and packaging tests
# (sourced by each tests/install/*.sh).
#
# Each test exits 0 (pass), 1 (fail) or 77 (skip, with the reason on
# standard output).  Everything a test makes lives in one temporary
# directory, removed on exit; what it changes outside (kernel audit rules
# and settings) it saves first and puts back in its exit hook, checking
# that it did.

set -u
export LC_ALL=C
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

SI_NAME=${SI_NAME:-$(basename "$0" .sh)}
SI_T=
SI_HOOKS=()
# The lock every test that changes the kernel's audit state takes, so
# that two of them never run at once (make -j).  It is in /tmp: the
# tests that run in a mount namespace of their own see it too.
SI_AUDIT_LOCK=/tmp/sshwatch-kernel-audit.lock

si_skip() {
	echo "SKIP: $SI_NAME: $*"
	exit 77
}

si_fail() {
	echo "FAIL: $SI_NAME: $*" >&2
	exit 1
}

si_log() {
	printf '[%s %(%T)T] %s\n' "$SI_NAME" -1 "$*" >&2
}

si_cleanup() {
	local rc=$? h

	set +e
	trap - EXIT INT TERM HUP
	for ((h = ${#SI_HOOKS[@]} - 1; h >= 0; h--)); do
		"${SI_HOOKS[$h]}" || rc=1
	done
	if [ -n "$SI_T" ] && [ -d "$SI_T" ]; then
		if [ -n "${SI_KEEP:-}" ] && [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
			mkdir -p "$SI_KEEP" && cp -a "$SI_T" "$SI_KEEP/" &&
				echo "$SI_NAME: kept $SI_T in $SI_KEEP" >&2
		fi
		rm -rf --one-file-system "$SI_T"
	fi
	exit "$rc"
}

# si_init: the temporary directory, the exit hook, srcdir and
# top_builddir as absolute paths, and the configured directories
# (prefix, sbindir, sysconfdir, localstatedir, mandir, PACKAGE_VERSION).
si_init() {
	srcdir=$(cd "${srcdir:-.}" && pwd) || si_fail "no srcdir"
	top_builddir=$(cd "${top_builddir:-.}" && pwd) || si_fail "no top_builddir"
	export srcdir top_builddir
	MAKE=${MAKE:-make}
	SI_T=$(mktemp -d "${TMPDIR:-/tmp}/sshw-$SI_NAME.XXXXXX") ||
		si_fail "mktemp"
	chmod 0755 "$SI_T"
	trap si_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	si_paths
}

# The directories `configure' chose, from the Makefile.
si_paths() {
	local out

	out=$(cd "$top_builddir" && env -u MAKEFLAGS -u MFLAGS \
	    make -s --no-print-directory install-paths 2>&1) ||
		si_fail "make install-paths: $out"
	eval "$out"
}

# si_install DESTDIR: `make install' of the build tree into DESTDIR.
si_install() {
	local dest=$1

	(cd "$top_builddir" && env -u MAKEFLAGS -u MFLAGS \
	    make -s --no-print-directory install DESTDIR="$dest") \
	    >"$SI_T/install.log" 2>&1 ||
		si_fail "make install DESTDIR=$dest: $(tail -n 20 "$SI_T/install.log")"
}

# Tests that change the system (kernel audit, daemons, packages) do not
# run inside a package build, which must not touch the build host.
si_no_package_build() {
	[ -z "${SSHWATCH_PACKAGE_BUILD:-}" ] ||
		si_skip "inside a package build"
}

# si_need TOOL...: skip (or, in CI, fail) when a tool is missing.
si_need() {
	local t

	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 && continue
		if [ -n "${CI:-}" ]; then
			si_fail "missing tool in CI: $t (scripts/install-deps)"
		fi
		si_skip "missing tool: $t"
	done
}

si_need_root() {
	[ "$(id -u)" -eq 0 ] || si_skip "needs root: $*"
}

# One value of `auditctl -s'.
si_audit_status() {
	auditctl -s 2>/dev/null | awk -v k="$1" '$1 == k { print $2; exit }'
}

# si_audit_free: skip unless the kernel audit is ours to change: no
# audit daemon registered (pid 0) and the configuration not locked
# (enabled 2).  Takes the lock first.
si_audit_free() {
	local pid en

	si_need auditctl flock
	exec {SI_LOCKFD}>>"$SI_AUDIT_LOCK" ||
		si_fail "cannot open $SI_AUDIT_LOCK"
	flock -w 600 "$SI_LOCKFD" ||
		si_skip "another test kept the kernel audit for 10 minutes"
	pid=$(si_audit_status pid)
	en=$(si_audit_status enabled)
	[ -n "$pid" ] || si_skip "auditctl -s does not answer (no kernel audit?)"
	[ "$pid" = 0 ] ||
		si_skip "the kernel audit is in use (auditd pid $pid)"
	[ "$en" != 2 ] || si_skip "the audit configuration is locked (enabled 2)"
}

# si_audit_save: saves the kernel's audit rules and settings, and
# registers the hook that puts them back.
si_audit_save() {
	local k

	auditctl -l >"$SI_T/audit.rules.saved" 2>&1 ||
		si_fail "auditctl -l: $(cat "$SI_T/audit.rules.saved")"
	for k in enabled failure rate_limit backlog_limit backlog_wait_time; do
		printf '%s %s\n' "$k" "$(si_audit_status "$k")"
	done >"$SI_T/audit.status.saved"
	SI_HOOKS+=(si_audit_restore)
}

# Puts back what si_audit_save saved, and checks it did.
si_audit_restore() {
	local rc=0 en fa rl bl bw

	auditctl -D >/dev/null 2>&1 || rc=1
	if ! grep -qx "No rules" "$SI_T/audit.rules.saved"; then
		auditctl -R "$SI_T/audit.rules.saved" >/dev/null 2>&1 || rc=1
	fi
	read -r _ en < <(grep '^enabled ' "$SI_T/audit.status.saved")
	read -r _ fa < <(grep '^failure ' "$SI_T/audit.status.saved")
	read -r _ rl < <(grep '^rate_limit ' "$SI_T/audit.status.saved")
	read -r _ bl < <(grep '^backlog_limit ' "$SI_T/audit.status.saved")
	read -r _ bw < <(grep '^backlog_wait_time ' "$SI_T/audit.status.saved")
	auditctl -e "$en" -f "$fa" -r "$rl" -b "$bl" >/dev/null 2>&1 || rc=1
	[ -z "$bw" ] || auditctl --backlog_wait_time "$bw" >/dev/null 2>&1 || rc=1
	auditctl -l >"$SI_T/audit.rules.after" 2>&1
	if ! cmp -s "$SI_T/audit.rules.saved" "$SI_T/audit.rules.after"; then
		echo "$SI_NAME: the audit rules were not restored:" >&2
		diff "$SI_T/audit.rules.saved" "$SI_T/audit.rules.after" >&2
		rc=1
	fi
	if [ "$(si_audit_status enabled)" != "$en" ]; then
		echo "$SI_NAME: audit enabled flag not restored" >&2
		rc=1
	fi
	return "$rc"
}

# si_expected_rules FILE...: the rules of FILEs as `auditctl -l' prints
# them: no comments or control lines, `-S all' where no syscall is named.
si_expected_rules() {
	cat "$@" | sed -e 's/#.*//' -e 's/[[:space:]]*$//' | awk '
	/^-a / {
		if ($0 !~ / -S /) {
			# -S all goes after the arch field, or first.
			if (match($0, / -F arch=b(32|64)/))
				$0 = substr($0, 1, RSTART + RLENGTH - 1) " -S all" \
				    substr($0, RSTART + RLENGTH)
			else
				sub(/^-a [a-z]+,[a-z]+/, "& -S all")
		}
		print
		next
	}
	/^-w / { print }'
}
