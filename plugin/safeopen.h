/*
 * safeopen: the one opener of files an audit record names -- reads a
 * file of this host for the account that controls it.
 *
 * The plugin reads these files (client configurations for sshconfio.h,
 * authorized_keys for akeys.h, sshd's PAM stack for sshdwatch.h) with
 * more privilege than the account that controls them: root, with
 * CAP_DAC_READ_SEARCH (see PRIVILEGES in audisp-sshwatch(8)).  So that no
 * account can make it read what the account itself could not (a link to
 * /etc/shadow, a ~/.ssh linked to root's or another account's, a FIFO
 * that blocks, a device), a path is resolved here one component at a
 * time from `/' with openat(O_PATH | O_NOFOLLOW):
 *  - every directory must be searchable by the account through its owner
 *    or other permission bits (group membership is not judged: a
 *    directory searchable only through a group is refused);
 *  - a symbolic link is read with readlinkat() and its target resolved
 *    the same way, component by component (at most SAFEOPEN_MAX_LINKS),
 *    so a link can lead only where the account could go itself;
 *  - the file must be a regular file readable by the account by owner or
 *    other bits, and it is opened with O_NOFOLLOW | O_NONBLOCK relative
 *    to its directory, checked again (same device and inode) and read up
 *    to the caller's cap.
 * The account root (uid 0) may read anything root may.  Two flags make
 * it stricter:
 *  - SAFEOPEN_NOFOLLOW: the file itself may not be a symbolic link;
 *  - SAFEOPEN_OWNED: every directory, link and the file met on the way
 *    must be owned by the account or by root (as sshd's StrictModes asks
 *    of authorized_keys), so a link into another account's directory is
 *    refused even where the account could read it; for root, each must
 *    also be writable by nobody else (group and other write bits clear,
 *    but in a sticky directory), as cfg.c asks of the plugin's own
 *    configuration: a path root-owned all the way.
 */
#ifndef SW_SAFEOPEN_H
#define SW_SAFEOPEN_H

#include <stddef.h>
#include <sys/stat.h>

#define SAFEOPEN_MAX_LINKS	8	/* symbolic links followed per path */
#define SAFEOPEN_MAX_PATH	4096

#define SAFEOPEN_NOFOLLOW	0x1	/* the file itself not a link */
#define SAFEOPEN_OWNED		0x2	/* owned by the account or root */

#define SAFEOPEN_OK		0
#define SAFEOPEN_FAIL		(-1)	/* refused or failed: *why says */
#define SAFEOPEN_ABSENT		1	/* a component does not exist */

/*
 * Opens path for the account uid under flags.  Returns an O_RDONLY
 * descriptor of the regular file and fills *st, or -1 with *why the
 * reason (NULL when a component does not exist: the file is absent).
 */
int	 safeopen_fd(const char *path, long long uid, unsigned flags,
	    struct stat *st, const char **why);
/*
 * Reads path for the account uid under flags: at most max bytes into
 * *data (malloc'd, NUL-terminated; *len bytes; a file longer than max
 * gives max bytes, so a caller that must refuse an oversize file passes
 * its cap + 1 and checks *len).  Returns SAFEOPEN_OK, SAFEOPEN_ABSENT
 * (*why NULL), or SAFEOPEN_FAIL with *why the reason.
 */
int	 safeopen_read(const char *path, long long uid, unsigned flags,
	    size_t max, char **data, size_t *len, const char **why);

#endif
