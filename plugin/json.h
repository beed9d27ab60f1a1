/*
 * json: JSON string and hex encoding for alerts.
 *
 * Every string in an alert comes from untrusted input.  json_str() escapes
 * quotes, backslashes and control bytes; bytes that are not valid UTF-8
 * cannot be carried by a JSON string, so they become U+FFFD and the call
 * reports it: the writer then adds an exact twin field in hex (see
 * alert.c), so nothing is lost and ordinary strings stay readable.
 */
#ifndef SW_JSON_H
#define SW_JSON_H

#include <stddef.h>

#include "buf.h"

/* Is s[0..n) valid UTF-8 (no overlongs, surrogates or > U+10FFFF)? */
int	 json_utf8_valid(const char *s, size_t n);
/*
 * Appends s[0..n) as a JSON string literal.  Returns 1 when invalid UTF-8
 * was replaced, 0 when the string is exact, -1 when b is full.
 */
int	 json_str(struct buf *b, const char *s, size_t n);
/* Appends "HEX" (upper case) of s[0..n).  Returns -1 when b is full. */
int	 json_hex(struct buf *b, const char *s, size_t n);
/* Decodes a JSON string literal body (for tests and fuzzing). */
int	 json_unescape(const char *s, size_t n, struct buf *out);

#endif
