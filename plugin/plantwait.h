/*
 * plantwait: client configuration files opened for writing that held
 * nothing yet, remembered to be read again once the writer is done.
 *
 * The file rules (rules.h) see the open(2) of a writer, not its write(2)s:
 * an editor, or `(sleep 1; echo DynamicForward 1080) > ~/.ssh/config',
 * writes after the event was analysed.  Waiting in the event path would
 * stall the plugin, so the pipeline (pipeline.h) hands such a file here
 * with the event's text, and reads it again from its main loop:
 * PLANTWAIT_STEP1_MS to PLANTWAIT_STEP4_MS after the open, then forgets
 * it.  The event is parsed again for the alert, so the alert
 * carries the original event's context (time, process, ancestry) and
 * nothing points into an event that is gone.
 *
 * The table is bounded (PLANTWAIT_MAX files, PLANTWAIT_MAX_TEXT bytes of
 * event text each): a new file past the cap evicts the oldest, counted.
 * The clock is the caller's: monotonic milliseconds in plugin mode, the
 * events' own stamps in replay (the pipeline chooses).
 */
#ifndef SW_PLANTWAIT_H
#define SW_PLANTWAIT_H

#include <stddef.h>

#define PLANTWAIT_MAX		64		/* files waiting at once */
#define PLANTWAIT_MAX_TEXT	(64 * 1024)	/* one event's records */
#define PLANTWAIT_MAX_PATH	4096
#define PLANTWAIT_STEP1_MS	200
#define PLANTWAIT_STEP2_MS	500
#define PLANTWAIT_STEP3_MS	1000
#define PLANTWAIT_STEP4_MS	3000

struct plantwait_stats {
	unsigned long long	 added;
	unsigned long long	 merged;	/* the same file again */
	unsigned long long	 evicted;	/* past PLANTWAIT_MAX */
	unsigned long long	 too_big;	/* event or path over caps */
	unsigned long long	 reread;	/* re-reads done */
	unsigned long long	 found;		/* re-reads that alerted */
	unsigned long long	 forgotten;	/* still nothing at the end */
};

/* What a re-read is given: the file and the event that opened it. */
struct plantwait_entry {
	char		*path;		/* absolute, resolved */
	long long	 uid;		/* the writer's: read as this account */
	int		 item;		/* its PATH record in the event */
	char		*text;		/* the event's records, EOE last */
	size_t		 len;
	long long	 t0;		/* when it was added (caller's clock) */
	int		 step;		/* re-reads done */
};

struct plantwait;

struct plantwait *plantwait_new(size_t max);
void		 plantwait_free(struct plantwait *pw);
/*
 * Remembers path (pathlen bytes, for account uid, PATH record item) with
 * a copy of the event's text (text, then text2: the EOE record), added at
 * time now.  The same path and uid already waiting is replaced by this
 * newer event (counted as merged).  Returns 0; -1 when the path or the
 * text is over its cap or memory is short (counted, nothing kept).
 */
int		 plantwait_add(struct plantwait *pw, long long now,
		    const char *path, size_t pathlen, long long uid, int item,
		    const char *text, size_t len, const char *text2,
		    size_t len2);
/*
 * Milliseconds from now until the next re-read is due (0: overdue), or
 * -1 when nothing waits.
 */
long long	 plantwait_next(const struct plantwait *pw, long long now);
/*
 * A re-read: returns 1 when the file now raised its alert (the entry is
 * forgotten), 0 when it still holds nothing worth one.
 */
typedef int	(*plantwait_fn)(void *arg, const struct plantwait_entry *e);
/*
 * Calls fn for each entry due at now (every entry, once, when all is
 * set: the end of input), and forgets those that alerted or had their
 * last re-read.  Returns the number of re-reads.  fn must not add.
 */
size_t		 plantwait_run(struct plantwait *pw, long long now, int all,
		    plantwait_fn fn, void *arg);
size_t		 plantwait_count(const struct plantwait *pw);
const struct plantwait_stats *plantwait_stats(const struct plantwait *pw);

#endif
