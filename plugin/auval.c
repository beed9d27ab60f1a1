/*
 * auval: decode and encode audit string values (see auval.h).
 */
#include "config.h"

#include <string.h>

#include "auval.h"

int
auval_hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

enum auval_kind
auval_decode(const char *raw, size_t n, struct buf *out)
{
	size_t i;

	if (n >= 2 && raw[0] == '"' && raw[n - 1] == '"') {
		buf_add(out, raw + 1, n - 2);
		return AUVAL_QUOTED;
	}
	if ((n == 6 && memcmp(raw, "(null)", 6) == 0) ||
	    (n == 6 && memcmp(raw, "(none)", 6) == 0))
		return AUVAL_NULL;
	if (n == 0 || n % 2 != 0)
		return AUVAL_INVALID;
	for (i = 0; i < n; i++)
		if (auval_hexdigit((unsigned char)raw[i]) < 0)
			return AUVAL_INVALID;
	for (i = 0; i < n; i += 2) {
		int c = auval_hexdigit((unsigned char)raw[i]) << 4 |
		    auval_hexdigit((unsigned char)raw[i + 1]);

		if (buf_addc(out, c) == -1)
			break;
	}
	return AUVAL_HEX;
}

int
auval_needs_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* Same test as libaudit's audit_value_needs_encoding(). */
		if (c == '"' || c < 0x21 || c > 0x7e)
			return 1;
	}
	return 0;
}

int
auval_encode(const char *s, size_t n, struct buf *out)
{
	if (!auval_needs_hex(s, n)) {
		if (buf_addc(out, '"') == -1 || buf_add(out, s, n) == -1 ||
		    buf_addc(out, '"') == -1)
			return -1;
		return 0;
	}
	return buf_addhex(out, s, n);
}
