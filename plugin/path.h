/*
 * path: lexical path arithmetic for names taken from audit records.
 *
 * The kernel logs a name as the process gave it; a relative one is
 * relative to the CWD record (or to a directory descriptor).  These helpers
 * join and normalise such names without touching the file system: the
 * event may come from another host, another time, or a file since removed.
 * Symbolic links are therefore not followed; `..' is applied lexically.
 */
#ifndef SW_PATH_H
#define SW_PATH_H

#include <stddef.h>

#include "buf.h"

/*
 * Writes the normal form of name (joined to dir when name is relative and
 * dir is not NULL) into out: one '/' between components, no `.', `..'
 * applied.  A relative name with no dir stays relative.  Returns 0, or -1
 * when out is full.
 */
int	 path_join(const char *dir, size_t dirlen, const char *name,
	    size_t namelen, struct buf *out);
/* The last component of p[0..n) (after the last '/'); sets *blen. */
const char *path_base(const char *p, size_t n, size_t *blen);
/*
 * The directory component just above the last one: for "/a/.ssh/k" it is
 * ".ssh".  Returns NULL when there is none.
 */
const char *path_parent_base(const char *p, size_t n, size_t *blen);
/* Does p start with the directory prefix dir ("/tmp" matches "/tmp/x")? */
int	 path_under(const char *p, size_t n, const char *dir);

/*
 * Takes the root directory of a process out of a normal absolute path:
 * /proc/self/root/X, /proc/thread-self/root/X and /proc/PID/root/X name X
 * (for the process itself; a PID's root is taken to be this one, which
 * it is outside containers).  Applied in place, repeatedly; returns the
 * number of prefixes taken out.
 */
int	 path_strip_proc_root(struct buf *b);
/*
 * path_join() of a name with no directory, then path_strip_proc_root():
 * "/dev//null", "/dev/./null", "/proc/self/root/dev/null" are all
 * "/dev/null".  Returns 0, or -1 when out is full.
 */
int	 path_normal(const char *name, size_t n, struct buf *out);

#endif
