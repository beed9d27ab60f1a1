#!/bin/sh
# smoke.sh SECONDS TARGET...: runs each libFuzzer harness for SECONDS from
# its seeds (plus what earlier runs found, in fuzz-corpus/TARGET).  A
# crash leaves its input in fuzz-crash/ and fails the run.
set -eu
srcdir=${srcdir:-.}
secs=$1
shift
mkdir -p fuzz-crash
# libauparse's own leak on forged quotes (lsan.supp says which).
LSAN_OPTIONS=suppressions=$(cd "$srcdir" && pwd)/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
export LSAN_OPTIONS
fail=0
for t in "$@"; do
	mkdir -p "fuzz-corpus/$t"
	echo "fuzz-smoke: $t for ${secs}s"
	if ! tests/fuzz/fuzz_$t -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix="fuzz-crash/$t-" \
	    "fuzz-corpus/$t" "$srcdir/tests/fuzz/seeds/$t" \
	    >"fuzz-$t.log" 2>&1; then
		tail -n 60 "fuzz-$t.log"
		fail=1
	fi
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|cov:' \
	    "fuzz-$t.log" | tail -n 3
done
exit $fail
