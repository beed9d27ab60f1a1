/*
 * replay: saved audit data in, framed events out.
 *
 * The offline front end, in place of the plugin's stdin loop.  Each input
 * (a file, or `-' for standard input) is recognised by its first lines:
 *  - raw audit.log or `ausearch --raw' output: one record a line, RAW or
 *    ENRICHED (the 0x1d separator), with or without `node=';
 *  - default `ausearch' output: blocks of one event after `----' and a
 *    `time->' line (either starts a block: excerpts often lose the
 *    `----'), its records printed last to first; each block is put back
 *    in the order the kernel wrote it;
 *  - `ausearch -i' output, in any locale's date format, is refused: its
 *    values are interpreted and the exact bytes are gone.
 * The format is decided on the first audit record: a line that is no
 * record (a comment, text around an excerpt, `type=UNKNOWN[N] msg=?') is
 * skipped with a warning naming file and line, wherever it is.  An EXECVE
 * argument that cannot be decoded (odd-length or non-hex: a cut log) is
 * reported with its file, line and field and replayed as logged.
 * Inputs are replayed in the order of their first event (for the same
 * first event, audit.log.N before audit.log.N-1), so rotated logs may be
 * named in any order and an event cut by a rotation is joined.
 * Anything else gets an error naming the file and line, and the rest of
 * the input is still read.
 */
#ifndef SW_REPLAY_H
#define SW_REPLAY_H

#include <stddef.h>
#include <stdio.h>

#include "framer.h"

enum replay_format {
	RF_UNKNOWN = 0,		/* not audit data */
	RF_RAW,			/* audit.log, ausearch --raw */
	RF_AUSEARCH,		/* default ausearch output */
	RF_INTERPRETED,		/* ausearch -i: refused */
};

#define REPLAY_MAX_LINE		(256 * 1024)
#define REPLAY_MAX_BLOCK	4096	/* records of one ausearch block */

struct replay_stats {
	unsigned long long	 bytes;
	unsigned long long	 lines;
	unsigned long		 errors;	/* reported problems */
	unsigned long		 refused;	/* inputs not read at all */
	unsigned long		 skipped;	/* lines not records */
	unsigned long		 undecodable;	/* argv kept raw */
};

/* What the line says about its input's format (RF_UNKNOWN: nothing). */
enum replay_format replay_classify(const char *line, size_t len);

/* Called about once a second while replaying, when given. */
typedef void (*replay_progress_fn)(void *ctx, const struct replay_stats *st);

/*
 * Reads every input into fr, then flushes it.  Problems go to errfp as
 * "audisp-sshwatch: FILE:LINE: ...".  Returns 0 when every input was read
 * without a problem, 1 otherwise (a line skipped or an argument not
 * decodable is a problem: st->skipped and st->undecodable count them).
 */
int	 replay_run(char *const *paths, size_t npaths, struct framer *fr,
	    FILE *errfp, struct replay_stats *st);
/* replay_run() reporting progress to fn (NULL: none). */
int	 replay_run_progress(char *const *paths, size_t npaths,
	    struct framer *fr, FILE *errfp, struct replay_stats *st,
	    replay_progress_fn fn, void *ctx);

#endif
