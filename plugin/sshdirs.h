/*
 * sshdirs: each account's .ssh directory known by device and inode, so a
 * write through any other name of it is still a write into it.
 *
 * `ln -s /home/bob/.ssh d; cat k.pub > d/authorized_keys2', or the same
 * through /dev/fd/3/ or /proc/self/cwd/: the PATH records name no .ssh,
 * but the kernel logs the PARENT item -- the directory the file is
 * created in -- with its device and inode, which are .ssh's.  The rules
 * (rules.c) ask sshdirs_parent() for such an item when a name they cannot
 * place is an authorized_keys name.
 *
 * The directories share the (dev, inode) table of inodes.h (its path then
 * ends in "/.ssh"; the gate lets through any event that names a known
 * inode, PARENT items included).  The plugin seeds it at start
 * (sshdirs_seed(): lstat of every account's HOME/.ssh, and a warning for
 * an authorized_keys file with more than one hard link -- a link made
 * before the rules were loaded is a way to write it under another name);
 * the records keep it current (sshdirs_learn(): a directory named .ssh
 * that a record opens or creates -- mkdir, a rename into .ssh -- is noted,
 * one deleted or renamed away is forgotten).
 */
#ifndef SW_SSHDIRS_H
#define SW_SSHDIRS_H

#include <stddef.h>

#include "event.h"
#include "inodes.h"
#include "users.h"

/* Called once per authorized_keys file with more than one link. */
typedef void (*sshdirs_multilink_fn)(const char *path, unsigned long nlink);

/*
 * Notes HOME/.ssh of every account in u (a directory, not a link) in t,
 * and calls fn (when not NULL) for every HOME/.ssh/authorized_keys{,2}
 * with st_nlink > 1.  Returns the number of directories noted.
 */
size_t		 sshdirs_seed(struct inodes *t, const struct users *u,
		    sshdirs_multilink_fn fn);
/* Notes or forgets the .ssh directories one event shows (see above). */
int		 sshdirs_learn(struct inodes *t, const struct event *ev);
/*
 * The known .ssh directory that is a PARENT item of ev, or NULL.  Its
 * path is the one remembered (the account's own name for it).
 */
const char	*sshdirs_parent(struct inodes *t, const struct event *ev);

/*
 * Does ev put another directory in the place of a .ssh directory?  A
 * successful rename whose CREATE item is a directory named .ssh (mv
 * ~/.stage ~/.ssh: 2), one whose DELETE item is (mv ~/.ssh ~/.old: the
 * kernel's dir= watch now follows the old directory: 1), or a successful
 * mount or move_mount naming a .ssh directory (a mount over it: 2).  The
 * path (absolute when the record allows) is left in path and the
 * operation ("rename-into", "rename-away", "mount") in *op.  Returns 0
 * when none.
 */
int		 sshdirs_replaced(const struct event *ev, struct buf *path,
		    const char **op);

#endif
