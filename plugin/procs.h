/*
 * procs: the processes seen executing, for ancestry.
 *
 * A bounded table, filled from every successful execve on the stream
 * (context.h reads them from the raw records, before the gate, so that
 * events auparse never sees still count).  Per process: node, pid, ppid,
 * auid, uid, ses, the time of its exec, and the start of its exe and argv
 * (display only: cut at PROCS_EXE and PROCS_ARGV bytes, marked).  A pid
 * is reused by the kernel; an entry is the parent of an event only if it
 * was exec'd no later than the event (procs_parent()).  Each lookup of a
 * parent refreshes it, so the long-lived shells and daemons that start
 * things stay; one not used lately makes room (CLOCK).
 */
#ifndef SW_PROCS_H
#define SW_PROCS_H

#include <stddef.h>

#define PROCS_MAX	8192
#define PROCS_EXE	160
#define PROCS_ARGV	320
#define PROCS_NODE	64
#define PROCS_DEPTH	8	/* ancestors followed at most */

struct proc {
	char		 node[PROCS_NODE];	/* "" when none */
	long long	 pid, ppid, auid, uid, ses;
	double		 t;			/* exec time, seconds */
	char		 exe[PROCS_EXE];
	char		 argv[PROCS_ARGV];	/* args joined by spaces */
	int		 cut;			/* exe or argv was cut */
	int		 from_proc;		/* read from /proc (procfs.h) */
	/* Table links. */
	int		 used;			/* since the hand passed */
	int		 next;			/* hash chain, -1 ends */
	int		 live;
};

struct procs;

struct procs	*procs_new(size_t max);
void		 procs_free(struct procs *p);
/* Records an exec (replacing an older entry of the same pid). */
void		 procs_exec(struct procs *p, const struct proc *e);
/*
 * The process that was pid on node at time t: exec'd no later than t.
 * Refreshes it.  NULL when unknown.
 */
const struct proc *procs_find(struct procs *p, const char *node,
		    long long pid, double t);
size_t		 procs_count(const struct procs *p);
unsigned long long procs_evicted(const struct procs *p);

#endif
