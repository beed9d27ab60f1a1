/*
 * path: lexical join and normalisation (see path.h).
 */
#include "config.h"

#include <string.h>

#include "path.h"

/* Appends one component to the normal form held in out. */
static int
path_add(struct buf *out, const char *c, size_t clen)
{
	if (out->len > 0 && !(out->len == 1 && out->p[0] == '/') &&
	    buf_addc(out, '/') == -1)
		return -1;
	return buf_add(out, c, clen);
}

/* Applies `..' to the normal form held in out. */
static int
path_up(struct buf *out)
{
	size_t j;

	if (out->len == 1 && out->p[0] == '/')
		return 0;			/* "/.." is "/" */
	if (out->len == 0 || (out->len >= 2 &&
	    memcmp(out->p + out->len - 2, "..", 2) == 0 &&
	    (out->len == 2 || out->p[out->len - 3] == '/')))
		return path_add(out, "..", 2);	/* relative, nothing to undo */
	for (j = out->len; j-- > 0;)
		if (out->p[j] == '/')
			break;
	if (j == (size_t)-1)
		out->len = 0;
	else
		out->len = j == 0 ? 1 : j;	/* keep the root's '/' */
	out->p[out->len] = '\0';
	return 0;
}

/* Appends the components of s[0..n) to out, applying `.' and `..'. */
static int
path_push(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, start, clen;

	while (i < n) {
		while (i < n && s[i] == '/')
			i++;
		start = i;
		while (i < n && s[i] != '/')
			i++;
		clen = i - start;
		if (clen == 0 || (clen == 1 && s[start] == '.'))
			continue;
		if (clen == 2 && s[start] == '.' && s[start + 1] == '.') {
			if (path_up(out) == -1)
				return -1;
		} else if (path_add(out, s + start, clen) == -1)
			return -1;
	}
	return 0;
}

int
path_join(const char *dir, size_t dirlen, const char *name, size_t namelen,
    struct buf *out)
{
	int absolute = namelen > 0 && name[0] == '/';

	buf_reset(out);
	if (!absolute && dir != NULL && dirlen > 0 && dir[0] == '/') {
		if (buf_addc(out, '/') == -1 ||
		    path_push(out, dir, dirlen) == -1)
			return -1;
	} else if (absolute && buf_addc(out, '/') == -1)
		return -1;
	if (path_push(out, name, namelen) == -1)
		return -1;
	if (out->len == 0 && buf_addc(out, '.') == -1)
		return -1;
	return 0;
}

const char *
path_base(const char *p, size_t n, size_t *blen)
{
	size_t i = n;

	while (i > 0 && p[i - 1] != '/')
		i--;
	*blen = n - i;
	return p + i;
}

const char *
path_parent_base(const char *p, size_t n, size_t *blen)
{
	size_t end = n;

	while (end > 0 && p[end - 1] != '/')
		end--;
	if (end == 0)
		return NULL;
	end--;				/* the '/' before the base */
	return path_base(p, end, blen);
}

int
path_under(const char *p, size_t n, const char *dir)
{
	size_t dl = strlen(dir);

	return n > dl && memcmp(p, dir, dl) == 0 && p[dl] == '/';
}

/* The length of "/proc/self/root", ... at the start of p, or 0. */
static size_t
proc_root_len(const char *p, size_t n)
{
	static const char *const fixed[] = { "/proc/self/root",
	    "/proc/thread-self/root", NULL };
	size_t i, l;

	for (i = 0; fixed[i] != NULL; i++) {
		l = strlen(fixed[i]);
		if (n >= l && memcmp(p, fixed[i], l) == 0 &&
		    (n == l || p[l] == '/'))
			return l;
	}
	if (n < 7 || memcmp(p, "/proc/", 6) != 0)
		return 0;
	for (i = 6; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		;
	if (i == 6 || n < i + 5 || memcmp(p + i, "/root", 5) != 0 ||
	    (n > i + 5 && p[i + 5] != '/'))
		return 0;
	return i + 5;
}

int
path_strip_proc_root(struct buf *b)
{
	size_t l;
	int n = 0;

	while (b->len > 0 && (l = proc_root_len(b->p, b->len)) > 0) {
		if (l == b->len) {
			b->len = 1;		/* the root itself */
		} else {
			memmove(b->p, b->p + l, b->len - l);
			b->len -= l;
		}
		b->p[b->len] = '\0';
		n++;
	}
	return n;
}

int
path_normal(const char *name, size_t n, struct buf *out)
{
	if (path_join(NULL, 0, name, n, out) == -1)
		return -1;
	path_strip_proc_root(out);
	return 0;
}
