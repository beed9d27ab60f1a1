/*
 * auval: decode and encode audit string values (see auval.h).
 */
#include "config.h"

#include <string.h>

#include "auval.h"

#define AUVAL_CHUNK	256	/* bytes decoded before each append */

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

/*
 * Appends k bytes, or as many as fit under the buffer's ceiling (then
 * -1, with over set): what one buf_addc() a byte would have left.
 */
static int
add_capped(struct buf *out, const char *p, size_t k)
{
	size_t room = out->max > out->len ? out->max - out->len : 0;

	if (k <= room)
		return buf_add(out, p, k);
	if (room > 0)
		(void)buf_add(out, p, room);
	out->over = 1;
	return -1;
}

enum auval_kind
auval_decode(const char *raw, size_t n, struct buf *out)
{
	char chunk[AUVAL_CHUNK];
	size_t i, k = 0;

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
		chunk[k++] = (char)(auval_hexdigit((unsigned char)raw[i]) << 4 |
		    auval_hexdigit((unsigned char)raw[i + 1]));
		if (k == sizeof(chunk)) {
			if (add_capped(out, chunk, k) == -1)
				return AUVAL_HEX;
			k = 0;
		}
	}
	if (k > 0)
		(void)add_capped(out, chunk, k);
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
