/*
 * rawrec: reading a field straight from a record's text, without
 * tokenising it.  For the gate and the context tables, which look at a
 * few fields of many records before (or instead of) auparse.
 *
 * Kernel records are space-separated name=value words whose values never
 * hold a space (the kernel hex-encodes those), so walking the words finds
 * a field exactly; the ENRICHED part after 0x1d is left out.  In a
 * user-space record the text inside msg='...' is walked the same way.
 */
#ifndef SW_RAWREC_H
#define SW_RAWREC_H

#include <stddef.h>

/*
 * The raw value of field `key' ("exe=", with the '='), or NULL.  Walks
 * from the back when from_end is set (for fields near the end, like
 * SYSCALL's exe).  A trailing "'" (the end of msg='...') is not part of
 * the value.
 */
const char *rawrec_field(const char *rec, size_t len, const char *key,
	    size_t klen, int from_end, size_t *vlen);
/*
 * Several fields in one walk: vals[i] (vlens[i]) is what rawrec_field(rec,
 * len, keys[i], strlen(keys[i]), 0, ...) gives, NULL when missing.  The
 * walk ends once every key is found.  At most 8 keys; more are not
 * looked for (their vals[] are left as they were).  For the gate's PATH records, whose
 * name=, inode= and dev= come early and one after the other.
 */
void rawrec_fields(const char *rec, size_t len, const char *const *keys,
	    size_t nkeys, const char **vals, size_t *vlens);
#define RAWREC_MAX_DIGITS	18	/* of a decimal value: fits a long long */

/*
 * A decimal value (v NULL: missing) as a number; -1 when missing or not a
 * number.  Inline: the SYSCALL reader (rawsys.c) asks it seven times a
 * record.
 */
static inline long long
rawrec_decimal(const char *v, size_t n)
{
	size_t i;
	long long r = 0;

	if (v == NULL || n == 0 || n > RAWREC_MAX_DIGITS)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		r = r * 10 + (v[i] - '0');
	}
	return r;
}

/* rawrec_decimal() of the value of rawrec_field(rec, len, key, klen, 0). */
long long rawrec_num(const char *rec, size_t len, const char *key,
	    size_t klen);

#endif
