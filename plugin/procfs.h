/*
 * procfs: ancestry read from /proc at event time, for what the audit
 * records do not show.
 *
 * The shipped rules record only the ssh family's execs, so the process
 * table (procs.h) seldom knows an alert's parents: the README's
 * allowlist example, ancestor=*\/ansible-playbook, could never match.  In
 * plugin mode (the events are of this host and of now) context_ancestry()
 * asks procfs_lookup() for a parent the table does not have: its ppid
 * and comm from /proc/PID/stat, its argv from /proc/PID/cmdline (both
 * readable without privilege), its exe from /proc/PID/exe when the
 * plugin may read that link (else the argv's first word).  A process
 * that started after the event is a reused pid and is refused.  The
 * entry goes into the table marked from_proc, so the alert says which
 * source each ancestor came from ("source":"exec" or "proc").  Replay
 * never reads /proc.
 *
 * The parsers are pure functions of bytes (capped, tested in
 * check_keys); the reader opens with O_NOFOLLOW and reads at most
 * PROCFS_MAX_READ bytes.
 */
#ifndef SW_PROCFS_H
#define SW_PROCFS_H

#include <stddef.h>

#include "procs.h"

#define PROCFS_MAX_READ	4096

/* Turns /proc lookups on (plugin mode) or off (the default). */
void	 procfs_enable(int on);
int	 procfs_enabled(void);
/*
 * Parses /proc/PID/stat text: the ppid (4th field, after the comm, which
 * may hold spaces and parentheses: the last ')' ends it) and the start
 * time in clock ticks since boot (22nd).  Returns 0, or -1 if malformed.
 */
int	 procfs_parse_stat(const char *buf, size_t n, long long *ppid,
	    unsigned long long *start_ticks);
/*
 * Joins the NUL-separated /proc/PID/cmdline words with spaces into out
 * (outsz, NUL-terminated; cut marked by returning 1).  Returns 0 or 1.
 */
int	 procfs_parse_cmdline(const char *buf, size_t n, char *out,
	    size_t outsz);
/*
 * Fills e (node "", pid, ppid, exe, argv, t = t_event, from_proc) from
 * /proc/pid when that process started no later than t_event (seconds
 * since the epoch; 0 skips the check).  Returns 0, or -1.
 */
int	 procfs_lookup(long long pid, double t_event, struct proc *e);

#endif
