/*
 * auval: the audit convention for untrusted string values.
 *
 * The kernel and libaudit write a string field either "quoted" (when it
 * holds only printable ASCII other than space and '"'), as upper-case hex
 * of its bytes (anything else), or as the bare word (null).  auval_decode()
 * recovers the exact bytes; auval_encode() produces the same encoding, so
 * that a value we write can never add, split or forge a field.
 */
#ifndef SW_AUVAL_H
#define SW_AUVAL_H

#include <stddef.h>

#include "buf.h"

enum auval_kind {
	AUVAL_INVALID = -1,	/* neither quoted, hex nor (null) */
	AUVAL_QUOTED = 0,
	AUVAL_HEX = 1,
	AUVAL_NULL = 2,		/* (null) or (none): no value */
};

/*
 * Decodes the raw field value raw[0..n) and appends its bytes to out.
 * Returns its kind; on AUVAL_INVALID nothing is appended.  On a full
 * buffer the kind is returned and out->over is set.
 */
enum auval_kind auval_decode(const char *raw, size_t n, struct buf *out);

/* Does s[0..n) need hex encoding to be a safe audit field value? */
int	 auval_needs_hex(const char *s, size_t n);

/*
 * Appends s[0..n) encoded for an audit record: "quoted" when safe, upper
 * case hex otherwise.  Returns -1 when out is full.
 */
int	 auval_encode(const char *s, size_t n, struct buf *out);

/* Value of one hex digit, or -1. */
int	 auval_hexdigit(int c);

#endif
