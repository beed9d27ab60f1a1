/*
 * framer: cut a byte stream of audit records into complete events.
 *
 * First step of the pipeline, before anything is tokenised.  The framer
 * reads only each record's header -- an optional `node=NAME ', `type=NAME '
 * and `msg=audit(SEC.MSEC:SERIAL):' -- and groups records by (node, stamp).
 * An event is complete when:
 *  - its EOE record arrives (the plugin stream has one after every kernel
 *    event with a syscall context);
 *  - it is a record type that always stands alone (user-space and daemon
 *    messages: types 1100-1299 and 2100-2999, which is how sshd's and
 *    PAM's USER_START, USER_LOGIN, ... arrive);
 *  - `window' records of other events have passed since its last record
 *    (saved logs have no EOE; records of concurrent events interleave only
 *    over a short distance);
 *  - framer_age() finds it idle, or framer_flush() ends the input.
 * Every dimension is capped: line length, open events, bytes and records
 * per event.  What goes over is dropped or cut and counted, never grown.
 *
 * A complete event is handed to the callback as one buffer holding its
 * records (each ending in '\n', the EOE record left out).
 */
#ifndef SW_FRAMER_H
#define SW_FRAMER_H

#include <stddef.h>
#include <time.h>

struct rawsys;

struct framer_rec {
	size_t	 off;		/* into framer_event.text */
	size_t	 len;		/* without the '\n' */
	int	 type;		/* audit record type, -1 if unknown */
};

#define FE_FORCED	0x1	/* completed without EOE by cap, age or flush */
#define FE_CUT		0x2	/* records were dropped by a cap */

struct framer_event {
	const char		*text;
	size_t			 len;
	const struct framer_rec	*recs;
	size_t			 nrecs;
	const char		*node;		/* NULL when none */
	size_t			 nodelen;
	const char		*stamp;		/* "SEC.MSEC:SERIAL" */
	size_t			 stamplen;
	unsigned		 flags;
	/* The first SYSCALL record's fields, read once (rawsys.h). */
	const struct rawsys	*sys;
};

struct framer_limits {
	size_t		 max_line;	/* bytes of one record line */
	size_t		 max_pending;	/* events open at once */
	size_t		 max_event_bytes;
	size_t		 max_event_records;
	unsigned long	 window;	/* records before an event is done */
};

extern const struct framer_limits framer_stream_limits;
extern const struct framer_limits framer_replay_limits;

struct framer_stats {
	unsigned long long	 lines;
	unsigned long long	 records;
	unsigned long long	 events;
	unsigned long long	 bad_lines;	/* not an audit record */
	unsigned long long	 long_lines;	/* over max_line, dropped */
	unsigned long long	 forced;	/* completed without EOE */
	unsigned long long	 forced_by_cap;	/* max_pending evictions */
	unsigned long long	 cut_events;	/* lost records to a cap */
	unsigned long long	 stray_eoe;
	size_t			 pending_high;	/* most events open at once */
};

typedef void (*framer_fn)(void *ctx, const struct framer_event *fe);

struct framer;

struct framer	*framer_new(const struct framer_limits *lim, framer_fn fn,
		    void *ctx);
void		 framer_free(struct framer *f);
/* Takes any bytes: splits lines, keeping a partial one for later. */
void		 framer_feed(struct framer *f, const char *data, size_t len);
/*
 * Takes one whole line (without its '\n').  Returns 0, or -1 when the line
 * is not an audit record (counted in bad_lines).
 */
int		 framer_line(struct framer *f, const char *line, size_t len);
/* Completes events with no record for `idle' seconds before `now'. */
void		 framer_age(struct framer *f, time_t now, time_t idle);
/* Completes every open event (end of input); a partial line is dropped. */
void		 framer_flush(struct framer *f);
size_t		 framer_pending(const struct framer *f);
const struct framer_stats *framer_stats(const struct framer *f);

/*
 * Parses a record header.  On success returns 0 and sets the type, the
 * node (or NULL) and the stamp; -1 when line is not an audit record.
 */
int		 framer_parse_header(const char *line, size_t len, int *type,
		    const char **node, size_t *nodelen, const char **stamp,
		    size_t *stamplen);
/* Is this record type always an event of its own? */
int		 framer_type_stands_alone(int type);

#endif
