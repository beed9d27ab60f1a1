/*
 * context: what the bare event lacks -- who started the process, and
 * whether its session came in over SSH.
 *
 * Fed every framed event, before the gate (pipeline.c), from the raw
 * record text (rawrec.h): each successful execve goes into the process
 * table (procs.h); sshd's USER_START and USER_END records open and close
 * entries of the session table (sessions.h).  The rules then ask for an
 * alert's ancestry and its session's origin.  The cost is a few field
 * reads per execve, so the gate still keeps auparse for the events that
 * matter.
 */
#ifndef SW_CONTEXT_H
#define SW_CONTEXT_H

#include "framer.h"
#include "procs.h"
#include "sessions.h"

/* /proc is asked about events at most this old, in seconds (procfs.h). */
#define CONTEXT_PROCFS_AGE	60
#define CONTEXT_PROCFS_SKEW	5	/* nor from this far in the future */

struct context_stats {
	unsigned long long	 execs;		/* execve seen */
	unsigned long long	 sessions_opened;
	unsigned long long	 sessions_closed;
	unsigned long long	 procfs_reads;	/* parents read from /proc */
};

struct context;

struct context	*context_new(void);
void		 context_free(struct context *c);
/* Learns from one framed event. */
void		 context_observe(struct context *c,
		    const struct framer_event *fe);
/*
 * The ancestors of a process (pid's parent first): up to max entries
 * (PROCS_DEPTH at most), each exec'd no later than time t.  A parent the
 * table has no exec record for is read from /proc when that is on
 * (context_set_procfs()) and the event is this host's: then its source
 * says so, and one gone or whose pid was reused ends the walk.  The
 * entries stay valid until the next context_observe() of an exec or the
 * next call with other arguments.  Returns how many were found.
 */
size_t		 context_ancestry(struct context *c, const char *node,
		    long long ppid, double t, const struct proc **out,
		    size_t max);
const struct session *context_session(struct context *c, const char *node,
		    long long ses);
const struct context_stats *context_stats(const struct context *c);
struct correlate;
/* Also tells corr about every SSH session opened (replay --correlate). */
void		 context_set_correlate(struct context *c,
		    struct correlate *corr);
struct procs	*context_procs(struct context *c);
/*
 * Plugin mode only: reads parents the table lacks from this host's /proc
 * at the time of analysis (procfs.h).  Off by default (replay).
 */
void		 context_set_procfs(struct context *c, int on);
/*
 * May /proc be read for an event of node at time t: /proc reads are on,
 * node is this host and the event at most CONTEXT_PROCFS_AGE seconds old
 * (the same test as for ancestors)?  1 or 0.
 */
int		 context_procfs_ok(const struct context *c, const char *node,
		    double t);
struct sessions	*context_sessions(struct context *c);

/* "1795820294.263" as seconds; 0 when it is not a time. */
double		 context_time(const char *stamp, size_t n);

#endif
