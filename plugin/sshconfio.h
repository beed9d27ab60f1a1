/*
 * sshconfio: the opener behind sshconf.h -- reads a client configuration
 * file of this host for the account that runs the client.
 *
 * The plugin reads these files with more privilege than the account that
 * controls them, so each is opened through safeopen.h for that account
 * (links resolved by hand, each one as the account could follow it;
 * every directory searchable and the file readable by the account; a
 * regular file; read up to SSHCONF_MAX_BYTES + 1, so that the parser
 * counts an oversize file).  The account root (uid 0) may read anything
 * root may.  Include globs are expanded with glob(3) (names only; each
 * name is then read as above).  Files read are kept by path and account
 * and handed out again while stat(2) shows the same file (sshconfio.c).
 */
#ifndef SW_SSHCONFIO_H
#define SW_SSHCONFIO_H

#include <stddef.h>

#include "sshconf.h"

struct sshconfio {
	long long	 uid;		/* the account the files are read for */
	unsigned long long files_read, refused;
	unsigned long long cached;	/* of files_read: kept bytes */
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
