/*
 * procfs: a live process's ancestry facts from /proc, for the plugin.
 *
 * Part of the context step (context.h).  The shipped rules record only
 * the execs of ssh and its kin, so the process table (procs.h) rarely has
 * the shells and tools that started a client.  In plugin mode, and only
 * there (a replayed log's pids are not this host's), context_ancestry()
 * asks this module for a parent the table does not know, at the time the
 * event is analysed: /proc/PID/stat (ppid, comm, start time),
 * /proc/PID/cmdline and the /proc/PID/exe link.
 *
 * The files are read through a descriptor of the /proc/PID directory, so
 * that every read is of the same process: once it exits, reads through
 * that descriptor fail instead of reaching a new process that took the
 * pid.  Each read is bounded (PROCFS_STAT_MAX, PROCFS_CMDLINE_MAX) and
 * /proc never blocks a reader.  A process that started after the event
 * is not its parent (the pid was reused); one that is gone is said to
 * be.  exe needs ptrace access to the process (CAP_SYS_PTRACE for
 * another user's, or for a process with capabilities the plugin gave
 * up); without it exe is left empty and argv and comm still say what
 * runs.  stat and cmdline are readable by every process unless /proc is
 * mounted with hidepid.
 *
 * The parsers are pure functions over bytes (fuzzable); procfs_read() is
 * the small opener.
 */
#ifndef SW_PROCFS_H
#define SW_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

#include "procs.h"

#define PROCFS_STAT_MAX		1024	/* bytes of /proc/PID/stat read */
#define PROCFS_CMDLINE_MAX	4096	/* bytes of /proc/PID/cmdline read */

struct procfs_stat {
	char		 comm[PROCS_COMM];
	char		 state;
	long long	 ppid;
	unsigned long long starttime;	/* clock ticks after boot */
};

/*
 * Parses the text of /proc/PID/stat (n bytes; comm may hold spaces and
 * parentheses: it ends at the last ')').  Returns NULL and fills *out, or
 * a static string saying what is wrong.
 */
const char	*procfs_parse_stat(const char *b, size_t n,
		    struct procfs_stat *out);
/*
 * Turns cmdline bytes (arguments ended by NULs) into one display string
 * in out[0..outsz): arguments joined by spaces, cut (returns 1) when it
 * does not fit or when the input was cut at the read cap (incomplete).
 */
int		 procfs_cmdline(const char *b, size_t n, int incomplete,
		    char *out, size_t outsz);

/*
 * Fills *out with process pid as it is now, for an event of time t
 * (seconds since the epoch): out->source is PROC_SRC_PROC with ppid,
 * comm, argv, exe when readable and t = its start time; PROC_SRC_REUSED
 * when the process now holding pid started after t (not the ancestor);
 * PROC_SRC_GONE when there is no such process (or /proc hides it).
 * Never blocks.
 */
void		 procfs_read(long long pid, double t, struct proc *out);
/*
 * Reads at most cap bytes of the regular file name under the directory
 * dfd (a /proc directory: never blocks) into b, without following a link.
 * Returns the length, or -1; *full is set when cap was reached.
 */
ssize_t		 procfs_read_at(int dfd, const char *name, char *b, size_t cap,
		    int *full);
/* Seconds since the epoch at which this host booted (sub-second). */
double		 procfs_boot_time(void);

#endif
