/*
 * inodes: the authorized_keys files we know by device and inode.
 *
 * A write through a symbolic or hard link reaches the kernel under the
 * link's name: the PATH record then says `name="link"', but its inode is
 * the authorized_keys file's.  The rules remember the (dev, inode) of every
 * authorized_keys file a record names (reads included) and treat a write
 * to a remembered inode as a write to that file, whatever the name.  The
 * plugin also seeds the table at start from the files themselves (stat of
 * each account's ~/.ssh/authorized_keys{,2} and the configured paths).
 * The table is bounded; the least recently used entry makes room.
 */
#ifndef SW_INODES_H
#define SW_INODES_H

#include <stddef.h>

#include "cfg.h"
#include "users.h"

#define INODES_MAX	4096
#define INODES_DEVLEN	16	/* "fe:00", "103:2" */

struct inodes;

struct inodes	*inodes_new(size_t max);
void		 inodes_free(struct inodes *t);
/* Remembers that dev/ino is the file path (replacing what it was). */
void		 inodes_note(struct inodes *t, const char *dev,
		    unsigned long long ino, const char *path, size_t n);
void		 inodes_forget(struct inodes *t, const char *dev,
		    unsigned long long ino);
/* The path remembered for dev/ino, or NULL. */
const char	*inodes_lookup(struct inodes *t, const char *dev,
		    unsigned long long ino);
size_t		 inodes_count(const struct inodes *t);
unsigned long long inodes_evicted(const struct inodes *t);
/*
 * Seeds the table from the file system: every account's
 * ~/.ssh/authorized_keys{,2} and the files matching the configured
 * authorized_keys_paths.  Returns the number of files found.
 */
size_t		 inodes_seed(struct inodes *t, const struct users *u,
		    const struct cfg *cfg);

#endif
