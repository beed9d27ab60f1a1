/*
 * buf: a growable byte buffer with a hard ceiling.
 *
 * Every string this plugin builds from untrusted input (argv, paths, JSON
 * and audit records) goes through a buf.  A buf never grows past the ceiling
 * given to buf_init(): an append that would cross it fails, leaves the
 * buffer as it was and sets the `over' flag, so callers can count the loss
 * instead of growing without limit.
 */
#ifndef SW_BUF_H
#define SW_BUF_H

#include <stddef.h>
#include <stdarg.h>

struct buf {
	char	*p;		/* always NUL-terminated when non-NULL */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* ceiling on len */
	int	 over;		/* an append was refused */
};

void	 buf_init(struct buf *b, size_t max);
void	 buf_free(struct buf *b);
void	 buf_reset(struct buf *b);
int	 buf_add(struct buf *b, const void *p, size_t n);
int	 buf_addc(struct buf *b, int c);
int	 buf_adds(struct buf *b, const char *s);
/* Appends the bytes p[0..n) as upper-case hex, two digits a byte. */
int	 buf_addhex(struct buf *b, const void *p, size_t n);
int	 buf_addf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* Returns the contents as a NUL-terminated string ("" when empty). */
const char *buf_str(const struct buf *b);
/*
 * Ends a record begun at offset start: 0 when it fit, else it is taken
 * back out (no partial record is ever left) and -1.
 */
int	 buf_end_record(struct buf *b, size_t start);

#endif
