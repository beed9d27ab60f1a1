/*
 * rawrec: field access on raw record text (see rawrec.h).
 */
#include "config.h"

#include <string.h>

#include <libaudit.h>

#include "rawrec.h"

#define RAWREC_MAX_KEYS	8	/* keys rawrec_fields() looks for at once */

static const char *
value_of(const char *word, const char *end, size_t klen, size_t *vlen)
{
	*vlen = (size_t)(end - word) - klen;
	if (*vlen > 0 && word[klen + *vlen - 1] == '\'')
		(*vlen)--;
	return word + klen;
}

/*
 * The first word of each key (klen[i] bytes) in the raw part, into
 * vals[i]/vlens[i] (NULL when missing); the walk ends once all are found.
 */
static inline __attribute__((always_inline)) void
forward(const char *rec, size_t len, const char *const *keys,
    const size_t *klen, size_t nkeys, const char **vals, size_t *vlens)
{
	const char *end, *p, *sp, *start;
	size_t i, left = nkeys;

	for (i = 0; i < nkeys; i++)
		vals[i] = NULL;
	if ((end = memchr(rec, AUDIT_INTERP_SEPARATOR, len)) == NULL)
		end = rec + len;
	for (p = rec; p < end && left > 0; p = sp + 1) {
		sp = memchr(p, ' ', (size_t)(end - p));
		if (sp == NULL)
			sp = end;
		/* msg='op=... starts a user record's own fields. */
		if (*p == 'm' && (size_t)(sp - p) > 5 &&
		    memcmp(p, "msg='", 5) == 0)
			start = p + 5;
		else
			start = p;
		for (i = 0; i < nkeys; i++) {
			if (*start == *keys[i] && vals[i] == NULL &&
			    (size_t)(sp - start) > klen[i] &&
			    memcmp(start, keys[i], klen[i]) == 0) {
				vals[i] = value_of(start, sp, klen[i],
				    &vlens[i]);
				left--;
				break;
			}
		}
	}
}

const char *
rawrec_field(const char *rec, size_t len, const char *key, size_t klen,
    int from_end, size_t *vlen)
{
	const char *end, *p, *sp, *start, *v;

	if (!from_end) {
		forward(rec, len, &key, &klen, 1, &v, vlen);
		return v;
	}
	if ((end = memchr(rec, AUDIT_INTERP_SEPARATOR, len)) == NULL)
		end = rec + len;
	for (sp = end; sp > rec;) {
		p = memrchr(rec, ' ', (size_t)(sp - rec));
		start = p != NULL ? p + 1 : rec;
		if ((size_t)(sp - start) > klen &&
		    memcmp(start, key, klen) == 0)
			return value_of(start, sp, klen, vlen);
		if (p == NULL)
			break;
		sp = p;
	}
	return NULL;
}

void
rawrec_fields(const char *rec, size_t len, const char *const *keys,
    size_t nkeys, const char **vals, size_t *vlens)
{
	size_t i, klen[RAWREC_MAX_KEYS];

	if (nkeys > RAWREC_MAX_KEYS)
		nkeys = RAWREC_MAX_KEYS;
	for (i = 0; i < nkeys; i++)
		klen[i] = strlen(keys[i]);
	forward(rec, len, keys, klen, nkeys, vals, vlens);
}

long long
rawrec_num(const char *rec, size_t len, const char *key, size_t klen)
{
	const char *v;
	size_t n = 0;

	v = rawrec_field(rec, len, key, klen, 0, &n);
	return rawrec_decimal(v, n);
}
