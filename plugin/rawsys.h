/*
 * rawsys: the fields of an event's SYSCALL record, read once.
 *
 * The context tables, the gate and sshdwatch all ask the same SYSCALL
 * record for its pid, ppid, ids, syscall and exe, for every event; walking
 * the record's words for each question cost more than everything else the
 * gate does.  The framer reads the record once (rawsys_parse()) and hands
 * the result with the event (framer_event.sys).
 *
 * Values are as rawrec.h finds them: a number is the first word of that
 * name in the raw part (before the ENRICHED separator), exe is the last
 * one, and the strings point into the record's text.
 */
#ifndef SW_RAWSYS_H
#define SW_RAWSYS_H

#include <stddef.h>

struct rawsys {
	const char	*rec;		/* NULL: the event has no SYSCALL */
	size_t		 len;
	/* Decimal fields; -1 when missing or not a number. */
	long long	 syscall, items, ppid, pid, auid, uid, ses;
	int		 success;	/* 1 yes, 0 no, -1 missing */
	const char	*arch, *a0, *exe;	/* raw values, or NULL */
	size_t		 archlen, a0len, exelen;
};

/*
 * Reads the fields above from the SYSCALL record rec (len bytes, no
 * newline); rec NULL gives an empty one.  Never fails: what is missing is
 * -1 or NULL.
 */
void	rawsys_parse(struct rawsys *s, const char *rec, size_t len);
/*
 * Is s the system call numbered x86_64 on x86_64, i386 on i386 and
 * aarch64 on aarch64 (by its arch field; -1: not on that arch)?  1 or 0.
 */
int	rawsys_syscall_is(const struct rawsys *s, long long x86_64,
	    long long i386, long long aarch64);

#endif
