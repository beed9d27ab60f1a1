/*
 * json: string escaping (see json.h).
 */
#include "config.h"

#include <string.h>

#include "auval.h"
#include "json.h"

/* Length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int
json_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;

	while (i < n) {
		if ((l = utf8_seq(p + i, n - i)) == 0)
			return 0;
		i += l;
	}
	return 1;
}

int
json_str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l, start;
	int lossy = 0;

	if (buf_addc(b, '"') == -1)
		return -1;
	while (i < n) {
		/* Copy a run of plain bytes at once. */
		start = i;
		while (i < n && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' &&
		    p[i] != '\\')
			i++;
		if (i > start && buf_add(b, s + start, i - start) == -1)
			return -1;
		if (i >= n)
			break;
		if (p[i] == '"' || p[i] == '\\') {
			char e[2] = { '\\', (char)p[i] };

			if (buf_add(b, e, 2) == -1)
				return -1;
			i++;
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			char e[6] = { '\\', 'u', '0', '0', hex[p[i] >> 4],
			    hex[p[i] & 0xf] };

			if (p[i] == '\n' && buf_add(b, "\\n", 2) == -1)
				return -1;
			else if (p[i] == '\t' && buf_add(b, "\\t", 2) == -1)
				return -1;
			else if (p[i] == '\r' && buf_add(b, "\\r", 2) == -1)
				return -1;
			else if (p[i] != '\n' && p[i] != '\t' && p[i] != '\r' &&
			    buf_add(b, e, 6) == -1)
				return -1;
			i++;
		} else if ((l = utf8_seq(p + i, n - i)) > 0) {
			if (buf_add(b, s + i, l) == -1)
				return -1;
			i += l;
		} else {
			if (buf_add(b, "\xef\xbf\xbd", 3) == -1)
				return -1;
			lossy = 1;
			i++;
		}
	}
	if (buf_addc(b, '"') == -1)
		return -1;
	return lossy;
}

int
json_hex(struct buf *b, const char *s, size_t n)
{
	if (buf_addc(b, '"') == -1 || buf_addhex(b, s, n) == -1)
		return -1;
	return buf_addc(b, '"');
}

/* Appends code point cp as UTF-8. */
static int
put_utf8(struct buf *out, unsigned long cp)
{
	char u[4];

	if (cp < 0x80)
		return buf_addc(out, (int)cp);
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		return buf_add(out, u, 2);
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return buf_add(out, u, 3);
	}
	u[0] = (char)(0xf0 | cp >> 18);
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return buf_add(out, u, 4);
}

static long
hex4(const char *s)
{
	long v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		if ((d = auval_hexdigit((unsigned char)s[i])) < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

int
json_unescape(const char *s, size_t n, struct buf *out)
{
	size_t i = 0;
	long cp, lo;

	while (i < n) {
		if (s[i] != '\\') {
			if (buf_addc(out, s[i++]) == -1)
				return -1;
			continue;
		}
		if (++i >= n)
			return -1;
		switch (s[i]) {
		case '"': case '\\': case '/':
			cp = s[i];
			break;
		case 'n': cp = '\n'; break;
		case 't': cp = '\t'; break;
		case 'r': cp = '\r'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'u':
			if (i + 4 >= n)
				return -1;
			if ((cp = hex4(s + i + 1)) < 0)
				return -1;
			i += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && i + 6 < n &&
			    s[i + 1] == '\\' && s[i + 2] == 'u' &&
			    (lo = hex4(s + i + 3)) >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 6;
			}
			break;
		default:
			return -1;
		}
		i++;
		if (put_utf8(out, (unsigned long)cp) == -1)
			return -1;
	}
	return 0;
}
