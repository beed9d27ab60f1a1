/*
 * buf: bounded growable byte buffer (see buf.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->over = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->over = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

int
buf_end_record(struct buf *b, size_t start)
{
	if (!b->over)
		return 0;
	b->len = start;
	if (b->p != NULL)
		b->p[start] = '\0';
	return -1;
}

/* Makes room for n more bytes plus the terminating NUL. */
static int
buf_reserve(struct buf *b, size_t n)
{
	size_t need, ncap;
	char *np;

	if (n > b->max || b->len > b->max - n) {
		b->over = 1;
		return -1;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
	if ((np = realloc(b->p, ncap)) == NULL) {
		b->over = 1;
		return -1;
	}
	b->p = np;
	b->cap = ncap;
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
buf_addc(struct buf *b, int c)
{
	char ch = (char)c;

	return buf_add(b, &ch, 1);
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addhex(struct buf *b, const void *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++) {
		char pair[2] = { hex[c[i] >> 4], hex[c[i] & 0xf] };

		if (buf_add(b, pair, 2) == -1)
			return -1;
	}
	return 0;
}

int
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || buf_reserve(b, (size_t)n) == -1)
		return -1;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return r;
}

const char *
buf_str(const struct buf *b)
{
	return b->p != NULL ? b->p : "";
}
