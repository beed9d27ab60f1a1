/*
 * procpath: names through /proc that stand for the process's own working
 * directory -- resolved by the rules (rules.c, item_path()) with the
 * event's CWD record.
 *
 * `cd ~bob/.ssh && echo k >> /proc/self/cwd/authorized_keys2' opens an
 * existing file, so the kernel logs one PATH item, named as given, and no
 * PARENT: neither the text nor a directory inode shows the .ssh.  The
 * process's cwd is the CWD record of the same event, so
 * /proc/self/cwd/REST, /proc/thread-self/cwd/REST and /proc/PID/cwd/REST
 * (PID the event's own process) name CWD/REST.  A pure function of its
 * bytes; other processes' /proc/PID/cwd are not resolved (their cwd is
 * not in the record).
 */
#ifndef SW_PROCPATH_H
#define SW_PROCPATH_H

#include <stddef.h>

/*
 * Is name[0..n) "/proc/self/cwd", "/proc/thread-self/cwd" or
 * "/proc/PID/cwd" (PID == pid), alone or followed by '/'?  Returns 1 and
 * sets *rest to the offset of what follows the cwd component (n when
 * nothing does), or 0.
 */
int	 procpath_cwd(const char *name, size_t n, long long pid,
	    size_t *rest);

#endif
