/*
 * sshconfio: the opener behind sshconf.h -- reads a client configuration
 * file of this host for the account that runs the client.
 *
 * The plugin reads these files with more privilege than the account that
 * controls them (root, with CAP_DAC_READ_SEARCH: see PRIVILEGES in
 * audisp-sshwatch(8)).  So that no account can make it read what the
 * account itself could not (a link to /etc/shadow, to another user's
 * ~/.ssh, a FIFO that blocks, a device), a path is resolved here one
 * component at a time from `/' with openat(O_PATH | O_NOFOLLOW):
 *  - every directory must be searchable by the account through its owner
 *    or other permission bits (group membership is not judged: a
 *    directory searchable only through a group is refused);
 *  - a symbolic link is read with readlinkat() and its target resolved
 *    the same way, component by component (at most SSHCONFIO_MAX_LINKS),
 *    so a link can lead only where the account could go itself;
 *  - the file must be a regular file readable by the account by owner or
 *    other bits, and it is opened with O_NOFOLLOW | O_NONBLOCK relative
 *    to its directory, checked again (same device and inode) and read up
 *    to SSHCONF_MAX_BYTES.
 * The account root (uid 0) may read anything root may.  Include globs
 * are expanded with glob(3) (names only; each name is then read as
 * above).
 */
#ifndef SW_SSHCONFIO_H
#define SW_SSHCONFIO_H

#include <stddef.h>

#include "sshconf.h"

#define SSHCONFIO_MAX_LINKS	8	/* symbolic links followed per path */
#define SSHCONFIO_MAX_PATH	4096

struct sshconfio {
	long long	 uid;		/* the account the files are read for */
	unsigned long long files_read, refused;
};

/* Fills io with the callbacks, reading for the account in *arg. */
void	 sshconfio_init(struct sshconf_io *io, struct sshconfio *arg,
	    long long uid);

/*
 * The read callback itself (see struct sshconf_io), usable alone: the
 * planted-config rule reads one file with it.
 */
int	 sshconfio_read(void *arg, const char *path, char **data, size_t *len,
	    const char **why);

#endif
