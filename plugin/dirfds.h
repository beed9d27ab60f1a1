/*
 * dirfds: the directory descriptors each process opened, as far as the
 * records show them, so names given relative to a descriptor can be
 * resolved.
 *
 * tar, rsync, find and cp -r walk a tree with openat(dirfd, "id_rsa"):
 * the PATH record of that open holds the bare name, and the SYSCALL record
 * only the descriptor number (a0).  When the same process's earlier
 * openat of the directory was recorded too (the ~/.ssh watch rules record
 * it: an open of the directory itself is a read of it), its exit value is
 * the descriptor and its PATH record the directory's name.  The rules
 * (rules.c) feed every successful open of a directory here and look a
 * descriptor up before falling back to "relative to a directory the
 * record does not show".
 *
 * Entries are keyed by (node, pid, fd).  A later open that returns the
 * same fd replaces the entry; an exec by the process forgets all of its
 * entries (an execve record of that pid); close(2) is not recorded by the
 * shipped rules, so a closed descriptor is forgotten only when reused or
 * evicted.  The table is bounded (DIRFDS_MAX entries, least recently used
 * evicted, counted), and each path is capped at DIRFDS_MAX_PATH bytes.
 */
#ifndef SW_DIRFDS_H
#define SW_DIRFDS_H

#include <stddef.h>

#include "event.h"

#define DIRFDS_MAX	1024
#define DIRFDS_MAX_PATH	4096
#define DIRFDS_NODELEN	64

struct rawsys;
struct dirfds;

struct dirfds	*dirfds_new(size_t max);
void		 dirfds_free(struct dirfds *t);
/*
 * Remembers that fd of process pid on node (NULL: local) is the directory
 * path[0..n): absolute, or relative to a directory the records never
 * showed (`tar -C HOME .ssh' opens HOME unrecorded, then ".ssh" relative
 * to it).  Empty paths, paths over DIRFDS_MAX_PATH or with a NUL, and
 * negative pids or fds are refused (returns -1, counted); 0 otherwise.
 */
int		 dirfds_note(struct dirfds *t, const char *node, long long pid,
		    long long fd, const char *path, size_t n);
/* The directory fd of pid stands for, or NULL. */
const char	*dirfds_lookup(struct dirfds *t, const char *node,
		    long long pid, long long fd);
/* Forgets every descriptor of pid (it ran exec, or exited). */
void		 dirfds_forget_pid(struct dirfds *t, const char *node,
		    long long pid);
/*
 * Feeds one finished event: a successful open/openat/openat2 whose PATH
 * item is a directory is remembered under its exit value (a name relative
 * to an earlier descriptor is joined to it); a successful execve forgets
 * the process's descriptors.  Returns 1 when something was noted.
 */
int		 dirfds_feed(struct dirfds *t, const struct event *ev);
/*
 * Resolves a name the event gave relative to descriptor fd: the remembered
 * directory joined to name in out.  Returns 1 when out holds an absolute
 * (normalised) path, 2 when it holds a path relative to a directory the
 * records never showed (".ssh/id_rsa"), 0 when fd is unknown (out
 * untouched).
 */
int		 dirfds_resolve(struct dirfds *t, const struct event *ev,
		    long long fd, const char *name, size_t n, struct buf *out);
/*
 * For the gate (gate.c), before the event is parsed: does the SYSCALL
 * record sys (its fields read by rawsys.h) of an event from node (NULL: local) name, as a0, a
 * descriptor its process opened on a directory with a .ssh component?
 * Then a bare name in that event (tar's "backup") is under .ssh whatever
 * it is called, and the key rules must see it.
 */
int		 dirfds_gate(struct dirfds *t, const char *node,
		    size_t nodelen, const struct rawsys *sys);
size_t		 dirfds_count(const struct dirfds *t);
unsigned long long dirfds_evicted(const struct dirfds *t);
unsigned long long dirfds_refused(const struct dirfds *t);

#endif
