#!/bin/sh
# tests/compat/check-compat.sh: `make check-compat', the plugin against
# each audit-userspace release it claims (README.md, "Supported audit
# releases").
#
# The points of the matrix: the system's own libaudit/libauparse and
# auditd (Debian 12: 3.0.9), then every audit-userspace-X.Y.Z.tar.gz in
# SW_COMPAT_DIR (default: ../shared/compat from the source tree; exit 77
# with the reason when it is absent).  For each release:
#   1. build-audit.sh builds it into a prefix under SW_COMPAT_CACHE
#      (default /var/cache/sshwatch-compat, or ~/.cache/sshwatch-compat
#      when not root), once per tarball checksum;
#   2. the plugin is configured (--enable-werror) and built out of tree in
#      a scratch directory with PKG_CONFIG_PATH and an rpath on that
#      prefix, and ldd must show the plugin and a test suite loading that
#      prefix's libaudit and libauparse (the system's for 3.0.9);
#   3. the replay, fixture, plugin-mode, gate and rule suites run there
#      (`make check TESTS=...'; SW_COMPAT_TESTS overrides the list);
#   4. tests/compat/live.sh runs the plugin under that release's auditd on
#      the real kernel, the shipped rules loaded by its augenrules, the
#      alerts sent to its aggregator and read back with its ausearch
#      (exit 77 there -- not root, kernel audit busy -- is reported as a
#      skip and does not fail the run).
# A failure at one release does not stop the others; the summary at the
# end gives one line per release, and the exit status is 1 if any failed.
# SW_COMPAT_ONLY="3.1.2 system" limits the run to those points.
set -u
export LC_ALL=C
srcdir=$(cd "${srcdir:-.}" && pwd)
compat=${SW_COMPAT_DIR:-$srcdir/../shared/compat}
if [ "$(id -u)" -eq 0 ]; then
	cache=${SW_COMPAT_CACHE:-/var/cache/sshwatch-compat}
else
	cache=${SW_COMPAT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sshwatch-compat}
fi
tests=${SW_COMPAT_TESTS:-"tests/check_replay tests/check_fixtures tests/check_plugin tests/check_gate tests/check_rules tests/remote/aggregator.sh tests/remote/injection.sh tests/remote/faults.sh"}
jobs=${SW_COMPAT_JOBS:-2}
here=$srcdir/tests/compat

if [ ! -d "$compat" ]; then
	echo "SKIP: check-compat: no audit-userspace tarballs: $compat is" \
	    "not a directory (set SW_COMPAT_DIR)" >&2
	exit 77
fi
compat=$(cd "$compat" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/sshw-compat.XXXXXX") || exit 1
if [ -n "${SW_COMPAT_KEEP:-}" ]; then
	trap 'echo "check-compat: kept $work" >&2' EXIT
else
	trap 'rm -rf "$work"' EXIT
fi
summary=$work/summary
: >"$summary"
failed=0
t0=$(date +%s)

say() {
	printf 'check-compat: %s\n' "$*" >&2
}

# A VPATH build needs a source tree that is not configured in place.  A
# tree configured in place (the usual `./configure && make') is copied:
# its git-tracked files, or else what `make distdir' would ship.
src=$srcdir
if [ -f "$srcdir/config.status" ] || [ ! -x "$srcdir/configure" ]; then
	src=$work/src
	mkdir "$src"
	if git -C "$srcdir" rev-parse --show-toplevel >/dev/null 2>&1; then
		say "copying the git-tracked files of $srcdir to $src"
		(cd "$srcdir" && git ls-files -z --cached --others \
		    --exclude-standard | xargs -0 tar cf - --no-recursion) |
			tar xf - -C "$src" || exit 1
		# Built files the copy picked up as untracked ones.
		(cd "$src" && rm -f config.status config.log Makefile \
		    config.h stamp-h1)
	else
		say "$srcdir is configured in place and is not a git" \
		    "checkout; run check-compat from a VPATH build"
		exit 1
	fi
	(cd "$src" && autoreconf -fi) >"$work/autoreconf.log" 2>&1 || {
		cat "$work/autoreconf.log" >&2
		exit 1
	}
fi

# check_counts BUILDDIR: "suite:checks" for each test log, and the total.
check_counts() {
	awk '/^[0-9]+%: Checks: / {
		n = $3; sub(",", "", n)
		f = FILENAME; sub(".*/", "", f); sub("\\.log$", "", f)
		sub("^check_", "", f)
		printf "%s%s:%d", sep, f, n; sep = " "; tot += n
	} END { printf " (%d checks)\n", tot }' "$1"/tests/*.log
}

# script_results BUILDDIR: "; NAME RESULT" for each shell test that ran.
script_results() {
	for f in "$1"/tests/remote/*.trs; do
		[ -f "$f" ] || continue
		n=${f##*/}
		printf '; %s %s' "${n%.trs}" \
		    "$(sed -n 's/^:test-result: //p' "$f")"
	done
}

# run_point NAME PREFIX: one release (PREFIX empty: the system's).
run_point() {
	name=$1
	prefix=$2
	b=$work/build-$name
	log=$work/$name.log
	mkdir "$b"
	say "$name: building the plugin in $b"
	if [ -n "$prefix" ]; then
		pcp=$prefix/lib/pkgconfig
		ldf="-Wl,-rpath,$prefix/lib -L$prefix/lib"
	else
		pcp=
		ldf=
	fi
	# `check TESTS=' builds the test programs too, running nothing.
	if ! (cd "$b" && PKG_CONFIG_PATH=$pcp "$src/configure" \
	    --enable-werror LDFLAGS="$ldf" && make -j"$jobs" &&
	    make -j"$jobs" check TESTS=) >"$log" 2>&1
	then
		tail -n 30 "$log" >&2
		echo "$name | FAIL: plugin build | | " >>"$summary"
		return 1
	fi
	ver=$(PKG_CONFIG_PATH=$pcp pkg-config --modversion auparse)
	# The binaries must load this release's libraries.
	for lib in libaudit.so.1 libauparse.so.0; do
		if [ -n "$prefix" ]; then
			want=$(readlink -f "$prefix/lib/$lib")
		else
			want=$(readlink -f "$(ldconfig -p |
			    awk -v l="$lib" '$1 == l && /x86-64|64bit/ { print $NF; exit }')")
		fi
		for bin in plugin/audisp-sshwatch tests/check_fixtures; do
			got=$(ldd "$b/$bin" | awk -v l="$lib" '$1 == l { print $3 }')
			got=$(readlink -f "$got")
			if [ "$got" != "$want" ]; then
				say "$name: $bin loads $lib from '$got', not $want"
				echo "$name | $ver | FAIL: links $got | | " >>"$summary"
				return 1
			fi
		done
	done
	say "$name: the plugin and check_fixtures load $want (auparse $ver)"
	say "$name: make check TESTS='$tests'"
	if ! (cd "$b" && SW_AUDIT_PREFIX=$prefix make -j"$jobs" check \
	    TESTS="$tests") >>"$log" 2>&1
	then
		for f in "$b"/tests/*.log "$b"/tests/remote/*.log; do
			grep -q '^:test-result: \(FAIL\|ERROR\)' "${f%.log}.trs" 2>/dev/null ||
				continue
			echo "===== $f" >&2
			tail -n 40 "$f" >&2
		done
		echo "$name | $ver | built, linked | FAIL: $(check_counts "$b") | " >>"$summary"
		return 1
	fi
	suites="$(check_counts "$b")$(script_results "$b")"
	say "$name: suites passed: $suites"
	# What differs between releases, as the suites saw it.
	grep -h '^realpath:' "$b/tests/check_fixtures.log" 2>/dev/null |
		sed "s/^/check-compat: $name: /" >&2
	say "$name: live test (tests/compat/live.sh)"
	rc=0
	srcdir=$src top_builddir=$b SW_AUDIT_PREFIX=$prefix \
	    bash "$here/live.sh" >"$work/$name.live" 2>&1 || rc=$?
	cat "$work/$name.live" >&2
	case $rc in
	0) live=$(grep '^LIVE:' "$work/$name.live" | tail -n 1) ;;
	77) live="skipped: $(grep '^SKIP:' "$work/$name.live" | tail -n 1)" ;;
	*) live="FAIL ($rc)" ;;
	esac
	echo "$name | $ver | built, linked | $suites | $live" >>"$summary"
	[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ]
}

want() {
	[ -z "${SW_COMPAT_ONLY:-}" ] && return 0
	case " $SW_COMPAT_ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

if want system; then
	run_point system "" || failed=1
fi
found=0
for tb in "$compat"/audit-userspace-*.tar.gz; do
	[ -f "$tb" ] || continue
	found=$((found + 1))
	v=${tb##*/audit-userspace-}
	v=${v%.tar.gz}
	want "$v" || continue
	s=$(date +%s)
	if ! prefix=$(sh "$here/build-audit.sh" "$tb" "$cache"); then
		echo "$v | FAIL: audit build | | | " >>"$summary"
		failed=1
		continue
	fi
	say "$v: audit in $prefix ($(($(date +%s) - s)) s)"
	run_point "$v" "$prefix" || failed=1
done
if [ "$found" -eq 0 ]; then
	say "no audit-userspace-*.tar.gz in $compat"
	failed=1
fi
echo "check-compat: release | auparse | build | suites | live"
cat "$summary"
echo "check-compat: $(($(date +%s) - t0)) s"
exit "$failed"
