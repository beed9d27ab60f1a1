/*
 * Helpers the fuzz harnesses share: a strict JSON reader that hands back
 * the strings it finds by path, a decoder of audit records through
 * libauparse, and a failure that every harness reports the same way.
 *
 * Each harness defines LLVMFuzzerTestOneInput().  Built with
 * --enable-fuzzing it links libFuzzer; otherwise standalone.c gives it a
 * main() that runs it over files, so `make check' replays the seed
 * corpora and every crash kept in tests/fuzz/regress/ with gcc too.
 */
#ifndef SW_FUZZUTIL_H
#define SW_FUZZUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints what broke and aborts, so that the fuzzer keeps the input. */
void	 fuzz_fail(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * Called for every string in a JSON text with its path: "a.b", "a[2]",
 * "a.b[0].c".  The value is decoded (escapes resolved), len exact.
 */
typedef void (*json_visit_fn)(void *ctx, const char *path, const char *s,
	    size_t len);

/*
 * Checks that s[0..n) is exactly one JSON value followed by at most one
 * '\n' (RFC 8259, no duplicates checked) and visits its strings.
 * Returns 0, or -1 when it is not.
 */
int	 json_walk(const char *s, size_t n, json_visit_fn fn, void *ctx);

/*
 * Parses one audit record line with libauparse and appends the bytes of
 * its field `name' to out: as auparse interprets it with no escaping
 * (interpret = 1), or decoded from the raw value ("TEXT" or HEX) as any
 * reader of the audit format would.  Returns 1 when found, 0 when the
 * record has no such field, -1 when the record or value does not parse.
 */
int	 audit_field(const char *record, const char *name, int interpret,
	    struct buf *out);

/*
 * Checks the shape of one audit record line: space-separated name=value
 * tokens (inside one msg='...'), each value "TEXT" with no quote in it or
 * a bare word with no quote or '=', one type= and one res=.  Returns 0, or
 * -1 with the first bad token described in why.
 */
int	 record_tokens_ok(const char *line, char *why, size_t whysz);

struct alert;
/*
 * Encodes an alert as JSON and as an audit record and decodes both again:
 * each must be one line, and every string (exe, argv, cwd, destination,
 * keys, file path, the command line) must come back byte for byte, or as
 * a marked prefix where the record cuts it.  Aborts when not.
 */
void	 fuzz_check_alert(const struct alert *a);

#endif
