#!/bin/sh
# Runs every fuzz harness once over each input of its seed corpus
# (tests/fuzz/seeds/TARGET) and of its regression corpus
# (tests/fuzz/regress/TARGET: inputs that once crashed it).  A harness
# aborts on any broken property, so this fails when one comes back.
# FUZZ_WRAP, when set, runs before each harness (make check-valgrind).
set -eu
[ -z "${FUZZ_WRAP:-}" ] || echo "regress: each harness under $FUZZ_WRAP"
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
# libauparse's own leak on forged quotes (lsan.supp says which), for
# sanitizer builds.
LSAN_OPTIONS=suppressions=$(cd "$srcdir" && pwd)/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
export LSAN_OPTIONS
fail=0
total=0
nharness=0
for t in stream encode sshopt cfg spool rmw json sshconf sockaddr follow procfs \
    sshdconf akeys clientcopy; do
	bin=$top_builddir/tests/fuzz/fuzz_$t
	files=$(find "$srcdir/tests/fuzz/seeds/$t" "$srcdir/tests/fuzz/regress/$t" \
	    -type f 2>/dev/null | sort)
	n=$(printf '%s\n' "$files" | grep -c . || true)
	if [ "$n" -eq 0 ]; then
		echo "FAIL $t: no seed inputs in $srcdir/tests/fuzz/seeds/$t"
		fail=1
		continue
	fi
	# shellcheck disable=SC2086
	if ${FUZZ_WRAP:-} "$bin" $files >"fuzz_$t.regress.log" 2>&1; then
		echo "ok   $t: $n inputs"
	else
		echo "FAIL $t: see below"
		tail -n 40 "fuzz_$t.regress.log"
		fail=1
	fi
	rm -f "fuzz_$t.regress.log"
	total=$((total + n))
	nharness=$((nharness + 1))
done
echo "regress: $total inputs over $nharness harnesses"
exit $fail
