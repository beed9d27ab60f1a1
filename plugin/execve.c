/*
 * execve: argv reassembly from EXECVE fields (see execve.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "auval.h"
#include "execve.h"

/*
 * Linux caps one argument at MAX_ARG_STRLEN (128 KiB) and, by default, the
 * whole argv and environment at a quarter of the stack limit (2 MiB).  We
 * keep a little more than a real argument can hold, so a real one is never
 * cut, and a bounded amount in all.
 */
const struct execve_limits execve_default_limits = {
	.max_argc = 16384,
	.max_arg_bytes = 131072,
	.max_total = 1048576,
};

void
execve_init(struct execve *x, const struct execve_limits *lim)
{
	memset(x, 0, sizeof(*x));
	x->lim = lim != NULL ? *lim : execve_default_limits;
	x->argc = -1;
	buf_init(&x->scratch, (size_t)-1 / 2);
}

void
execve_free(struct execve *x)
{
	size_t i;

	for (i = 0; i < x->nslots; i++)
		buf_free(&x->args[i].b);
	free(x->args);
	free(x->out_argv);
	free(x->out_len);
	free(x->out_raw);
	buf_free(&x->scratch);
	memset(x, 0, sizeof(*x));
	x->argc = -1;
}

static int
execve_bad(struct execve *x)
{
	x->anomalies++;
	x->truncated = 1;
	return -1;
}

/* Parses a decimal number in s[0..n) without sign; -1 when not one. */
static long long
parse_dec(const char *s, size_t n)
{
	long long v = 0;
	size_t i;

	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Returns the slot of argument idx, growing the table; NULL past a cap. */
static struct execve_arg *
execve_slot(struct execve *x, long long idx)
{
	size_t i, ncap;
	struct execve_arg *na;

	if (idx < 0 || (size_t)idx >= x->lim.max_argc)
		return NULL;
	if (x->argc >= 0 && idx >= x->argc)
		return NULL;
	if ((size_t)idx >= x->cap) {
		ncap = x->cap ? x->cap : 8;
		while (ncap <= (size_t)idx)
			ncap *= 2;
		if (ncap > x->lim.max_argc)
			ncap = x->lim.max_argc;
		na = realloc(x->args, ncap * sizeof(*na));
		if (na == NULL)
			return NULL;
		x->args = na;
		x->cap = ncap;
	}
	for (i = x->nslots; i <= (size_t)idx; i++) {
		memset(&x->args[i], 0, sizeof(x->args[i]));
		buf_init(&x->args[i].b, x->lim.max_arg_bytes);
		x->args[i].declared = -1;
	}
	if ((size_t)idx >= x->nslots)
		x->nslots = (size_t)idx + 1;
	return &x->args[idx];
}

/*
 * Appends the decoded value to argument a, keeping what fits under the
 * per-argument and whole-argv caps.
 */
static int
execve_append(struct execve *x, struct execve_arg *a, const char *val,
    size_t vlen)
{
	size_t take, room;
	enum auval_kind k;
	int cut = 0;

	buf_reset(&x->scratch);
	k = auval_decode(val, vlen, &x->scratch);
	if (k == AUVAL_INVALID) {
		/*
		 * Odd-length or non-hex bytes: the log was cut or damaged,
		 * nothing went over a cap.  Keep the value as logged and
		 * mark the argument, so that no byte is silently lost.
		 */
		if (buf_add(&x->scratch, val, vlen) == -1)
			return execve_bad(x);
		a->raw = 1;
		x->undecodable++;
	} else if (k == AUVAL_NULL || x->scratch.over)
		return execve_bad(x);
	/* aI_len counts encoded characters: hex digits, or quoted bytes. */
	a->encoded += (long long)(k == AUVAL_QUOTED ? vlen - 2 : vlen);
	take = x->scratch.len;
	room = x->lim.max_arg_bytes - a->b.len;
	if (take > room) {
		take = room;
		cut = 1;
	}
	room = x->lim.max_total - x->total;
	if (take > room) {
		take = room;
		cut = 1;
	}
	if (buf_add(&a->b, x->scratch.p, take) == -1)
		return execve_bad(x);
	x->total += take;
	return cut ? execve_bad(x) : 0;
}

int
execve_field(struct execve *x, const char *name, size_t nlen,
    const char *val, size_t vlen)
{
	struct execve_arg *a;
	const char *p;
	long long idx, piece;
	size_t i;

	if (nlen == 4 && memcmp(name, "argc", 4) == 0) {
		long long n = parse_dec(val, vlen);

		if (n < 0 || (x->argc >= 0 && x->argc != n))
			return execve_bad(x);
		x->argc = n;
		if ((size_t)n > x->lim.max_argc)
			execve_bad(x);
		return 0;
	}
	if (nlen < 2 || name[0] != 'a' || name[1] < '0' || name[1] > '9')
		return 1;
	for (i = 1; i < nlen && name[i] >= '0' && name[i] <= '9'; i++)
		;
	idx = parse_dec(name + 1, i - 1);
	p = name + i;
	if (idx < 0)
		return execve_bad(x);
	if ((a = execve_slot(x, idx)) == NULL)
		return execve_bad(x);
	if (i == nlen) {			/* aI=VALUE */
		if (a->seen)
			return execve_bad(x);
		a->seen = 1;
		return execve_append(x, a, val, vlen);
	}
	if ((size_t)(name + nlen - p) == 4 && memcmp(p, "_len", 4) == 0) {
		if (a->declared >= 0 || a->seen)
			return execve_bad(x);
		if ((a->declared = parse_dec(val, vlen)) < 0)
			return execve_bad(x);
		return 0;
	}
	if (*p == '[' && name[nlen - 1] == ']') {	/* aI[K]=VALUE */
		piece = parse_dec(p + 1, (size_t)(name + nlen - 1 - (p + 1)));
		if (piece < 0 || piece != a->next_piece || a->declared < 0)
			return execve_bad(x);
		a->next_piece++;
		return execve_append(x, a, val, vlen);
	}
	return execve_bad(x);
}

int
execve_finish(struct execve *x)
{
	size_t n, i;

	n = x->argc >= 0 ? (size_t)x->argc : x->nslots;
	if (n > x->lim.max_argc)
		n = x->lim.max_argc;
	if (n > x->nslots && execve_slot(x, (long long)n - 1) == NULL &&
	    n > 0)
		return -1;
	free(x->out_argv);
	free(x->out_len);
	free(x->out_raw);
	x->out_argv = calloc(n + 1, sizeof(*x->out_argv));
	x->out_len = calloc(n + 1, sizeof(*x->out_len));
	x->out_raw = calloc(n + 1, sizeof(*x->out_raw));
	if (x->out_argv == NULL || x->out_len == NULL || x->out_raw == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		struct execve_arg *a = &x->args[i];

		/* A raw piece's length says nothing: it is marked already. */
		if (a->declared >= 0) {
			if (a->seen || (a->encoded != a->declared && !a->raw))
				execve_bad(x);
		} else if (!a->seen)
			execve_bad(x);
		if (a->b.p == NULL)
			buf_add(&a->b, "", 0);
		x->out_argv[i] = a->b.p != NULL ? a->b.p : "";
		x->out_len[i] = a->b.len;
		x->out_raw[i] = a->raw != 0;
	}
	x->out_argc = n;
	return 0;
}
