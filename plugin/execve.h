/*
 * execve: rebuild the exact argv of an EXECVE event.
 *
 * The kernel logs argv as fields of one or more EXECVE records: `argc=N',
 * then `aI=VALUE' per argument, where VALUE is quoted or hex (auval.h).  An
 * argument too long for one record is split: `aI_len=TOTAL' and pieces
 * `aI[0]=...', `aI[1]=...', possibly across several records.  TOTAL is the
 * length of the encoded value: a 20000-byte argument logged as hex (as
 * the kernel logs split arguments) has aI_len=40000.  Feed every
 * field of every EXECVE record of one event, in order, to execve_field();
 * execve_finish() then yields the argv.
 *
 * Input is untrusted: argc, the bytes of one argument and the bytes of the
 * whole argv are capped (struct execve_limits).  Anything cut, missing or
 * malformed sets `truncated' and is counted in `anomalies'.
 *
 * A value that is neither quoted, hex of even length nor (null) -- a log
 * cut or damaged after the kernel wrote it -- is not a cap: its argument
 * is kept as logged, marked in out_raw, and counted in `undecodable', and
 * `truncated' is not set for it.
 */
#ifndef SW_EXECVE_H
#define SW_EXECVE_H

#include <stddef.h>

#include "buf.h"

struct execve_limits {
	size_t	max_argc;	/* arguments kept */
	size_t	max_arg_bytes;	/* bytes kept of one argument */
	size_t	max_total;	/* bytes kept of all arguments */
};

/* Defaults: see execve.c. */
extern const struct execve_limits execve_default_limits;

struct execve_arg {
	struct buf	 b;
	long long	 declared;	/* aI_len, or -1 */
	long long	 encoded;	/* encoded length of the pieces seen */
	long		 next_piece;	/* next aI[K] expected */
	int		 seen;
	int		 raw;		/* a piece was kept undecoded */
};

struct execve {
	struct execve_limits	 lim;
	long long		 argc;		/* declared, or -1 */
	size_t			 nslots;
	size_t			 cap;
	struct execve_arg	*args;
	size_t			 total;
	struct buf		 scratch;	/* one decoded value */
	unsigned		 anomalies;
	unsigned		 undecodable;	/* values kept as logged */
	int			 truncated;
	/* Result, valid after execve_finish(). */
	size_t			 out_argc;
	const char		**out_argv;	/* NUL-terminated strings */
	size_t			*out_len;	/* their exact lengths */
	unsigned char		*out_raw;	/* 1: kept as logged */
};

void	 execve_init(struct execve *x, const struct execve_limits *lim);
void	 execve_free(struct execve *x);
/*
 * Takes one field of an EXECVE record.  Returns 0 when the field was used,
 * 1 when it is not an argv field (ignored), -1 when it was malformed or
 * over a cap (counted, and `truncated' set).  An undecodable value is used
 * (0): kept raw and counted in `undecodable'.
 */
int	 execve_field(struct execve *x, const char *name, size_t nlen,
	    const char *val, size_t vlen);
/* Builds out_argc/out_argv/out_len.  Returns 0, or -1 on no memory. */
int	 execve_finish(struct execve *x);

#endif
