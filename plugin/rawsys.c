/*
 * rawsys: one walk over a SYSCALL record's words (see rawsys.h).
 */
#include "config.h"

#include <string.h>

#include <libaudit.h>

#include "rawrec.h"
#include "rawsys.h"

/* Is word w (n bytes) "key=value" with a value?  Then *v is the value. */
static int
is(const char *w, size_t n, const char *key, size_t klen, const char **v,
    size_t *vn)
{
	if (n <= klen || memcmp(w, key, klen) != 0)
		return 0;
	*v = w + klen;
	*vn = n - klen;
	return 1;
}

/* Sets a number field once: the first word of its name counts. */
static void
first_num(long long *f, int *seen, const char *v, size_t n)
{
	if (!*seen) {
		*f = rawrec_decimal(v, n);
		*seen = 1;
	}
}

int
rawsys_syscall_is(const struct rawsys *s, long long x86_64, long long i386,
    long long aarch64)
{
	static const char *const arch[] = { "c000003e", "40000003",
	    "c00000b7" };
	const long long nr[] = { x86_64, i386, aarch64 };
	size_t i;

	if (s->syscall < 0 || s->archlen != 8)
		return 0;
	for (i = 0; i < 3; i++)
		if (nr[i] == s->syscall && memcmp(s->arch, arch[i], 8) == 0)
			return 1;
	return 0;
}

void
rawsys_parse(struct rawsys *s, const char *rec, size_t len)
{
	const char *end, *p, *sp, *v;
	size_t n, vn;
	int seen[7] = { 0 };

	memset(s, 0, sizeof(*s));
	s->syscall = s->items = s->ppid = s->pid = s->auid = s->uid =
	    s->ses = -1;
	s->success = -1;
	if (rec == NULL)
		return;
	s->rec = rec;
	s->len = len;
	if ((end = memchr(rec, AUDIT_INTERP_SEPARATOR, len)) == NULL)
		end = rec + len;
	for (p = rec; p < end; p = sp + 1) {
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
			sp = end;
		n = (size_t)(sp - p);
		switch (n > 0 ? *p : 0) {
		case 'a':
			if (is(p, n, "arch=", 5, &v, &vn) && s->arch == NULL) {
				s->arch = v;
				s->archlen = vn;
			} else if (is(p, n, "a0=", 3, &v, &vn) &&
			    s->a0 == NULL) {
				s->a0 = v;
				s->a0len = vn;
			} else if (is(p, n, "auid=", 5, &v, &vn))
				first_num(&s->auid, &seen[0], v, vn);
			break;
		case 'e':
			/* The last exe= counts, as rawrec_field(from_end). */
			if (is(p, n, "exe=", 4, &v, &vn)) {
				s->exe = v;
				s->exelen = vn - (v[vn - 1] == '\'');
			}
			break;
		case 'i':
			if (is(p, n, "items=", 6, &v, &vn))
				first_num(&s->items, &seen[1], v, vn);
			break;
		case 'p':
			if (is(p, n, "pid=", 4, &v, &vn))
				first_num(&s->pid, &seen[2], v, vn);
			else if (is(p, n, "ppid=", 5, &v, &vn))
				first_num(&s->ppid, &seen[3], v, vn);
			break;
		case 's':
			if (is(p, n, "syscall=", 8, &v, &vn))
				first_num(&s->syscall, &seen[4], v, vn);
			else if (is(p, n, "ses=", 4, &v, &vn))
				first_num(&s->ses, &seen[5], v, vn);
			else if (is(p, n, "success=", 8, &v, &vn) &&
			    s->success == -1)
				s->success = vn == 3 && memcmp(v, "yes", 3) == 0;
			break;
		case 'u':
			if (is(p, n, "uid=", 4, &v, &vn))
				first_num(&s->uid, &seen[6], v, vn);
			break;
		default:
			break;
		}
	}
}
