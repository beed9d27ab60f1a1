/*
 * follow: an audit log as auditd writes it, in place of stdin.
 *
 * The front end of --follow, for an aggregator whose auditd writes every
 * node's events to one log but does not hand remote events to plugins.
 * It reads FILE's complete lines into a framer (framer.h) as they are
 * appended, woken by inotify on FILE's directory (writes, creations and
 * renames there; no polling), and:
 *  - rotation (FILE renamed to FILE.1, a new FILE created): the old file
 *    is read to its end first, then the files after it in order (several
 *    rotations while it slept are found by inode among FILE.1..N);
 *  - truncation (the file shorter than what was read): read again from 0;
 *  - a partial last line is not taken until its '\n' arrives (a rotated
 *    file's last line is taken as it is: nothing more will come);
 *  - an aggregator's log has no EOE records: until the log shows one, the
 *    PROCTITLE record the kernel writes last in each syscall event ends
 *    that event, so that it does not wait for later ones;
 *  - a state file (written atomically: temporary file, fsync, rename)
 *    holds the device, inode and offset before the first record of the
 *    oldest event not yet complete, the point read up to, and the events
 *    completed after that offset.  On start the follower goes back to that
 *    offset (in FILE, or in the FILE.N that now has that inode) and skips
 *    the records of those events until it passes the point read up to, so
 *    no event is read twice or skipped across its own restart, even when
 *    the log was rotated meanwhile.
 * An event still open when the follower stops is not delivered; it is read
 * again, whole, after the restart.  Before resuming, what came before the
 * resume point (the previous rotated file and the current one up to that
 * point) is read through the framer again with its events handed to fn
 * while the caller has no output yet, so that the context of later events
 * (sessions, ancestry, links of a path not yet complete) is what it was.
 */
#ifndef SW_FOLLOW_H
#define SW_FOLLOW_H

#include <stddef.h>
#include <time.h>

#include "framer.h"

#define FOLLOW_MAX_ROTATED	99	/* FILE.1 .. FILE.99 searched */
#define FOLLOW_MAX_LINE		(256 * 1024)
#define FOLLOW_MAX_DONE		65536	/* events remembered in the state */
#define FOLLOW_BUDGET		(4 * 1024 * 1024)	/* bytes a pump */

#define FOLLOW_KEY_MAX		192	/* "NODE STAMP" of one event */
#define FOLLOW_STATE_LINE	(2 * FOLLOW_KEY_MAX + 16)

/* A state file's content (follow_state_parse()). */
struct follow_state {
	unsigned long long	 sdev, sino;	/* resume: file and offset */
	long long		 soff;
	int			 has_end;
	unsigned long long	 edev, eino;	/* read up to */
	long long		 eoff;
	char			(*keys)[FOLLOW_KEY_MAX];	/* sorted */
	size_t			 nkeys;
};

/*
 * Parses a state file's bytes (pure: fuzzed as is): "sshwatch-follow 1",
 * then "safe DEV INO OFF", "end DEV INO OFF" and at most FOLLOW_MAX_DONE
 * "done HEX" lines (the events completed after the safe offset, their
 * "NODE STAMP" in lower-case hex), each at most FOLLOW_STATE_LINE bytes.
 * Returns 0 with *st filled (free with follow_state_free()), or -1 with
 * err set and nothing to free.
 */
int		 follow_state_parse(const char *buf, size_t len,
		    struct follow_state *st, char *err, size_t errsz);
void		 follow_state_free(struct follow_state *st);

struct follow_stats {
	unsigned long long	 bytes, lines;
	unsigned long long	 events;
	unsigned long long	 rotations;	/* files finished and left */
	unsigned long long	 truncations;
	unsigned long long	 long_lines;	/* over FOLLOW_MAX_LINE */
	unsigned long long	 unterminated;	/* last lines without '\n' */
	unsigned long long	 resumed_skipped; /* records read before */
	unsigned long long	 state_writes, state_failures;
	unsigned long long	 lost_files;	/* rotated away unseen */
	unsigned long long	 warm_events;	/* read again at start */
	unsigned long long	 eoe_made;	/* events ended at PROCTITLE */
	size_t			 pending;	/* events open */
};

struct follow;

/*
 * Follows path into a framer of its own, which hands complete events to
 * fn.  statepath may be NULL (no state: start at the beginning of path);
 * from_start ignores the state file's content.  When resuming, the events
 * before the resume point are handed to fn during this call: the caller
 * connects its outputs afterwards.  Returns NULL with err set.
 */
struct follow	*follow_new(const char *path, const char *statepath,
		    int from_start, const struct framer_limits *lim,
		    framer_fn fn, void *ctx, char *err, size_t errsz);
void		 follow_free(struct follow *f);
/* The descriptor to wait on for readability. */
int		 follow_fd(const struct follow *f);
/*
 * Reads what there is (at most FOLLOW_BUDGET bytes) after taking the
 * inotify events.  Returns 1 when more is waiting, 0 when caught up.
 */
int		 follow_pump(struct follow *f);
/* Completes events with no record for `idle' seconds (framer_age()). */
void		 follow_age(struct follow *f, time_t now, time_t idle);
/* Writes the state file if anything changed.  Returns 0 or -1. */
int		 follow_checkpoint(struct follow *f);
struct framer	*follow_framer(struct follow *f);
const struct follow_stats *follow_stats(struct follow *f);

#endif
