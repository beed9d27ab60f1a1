/*
 * safeopen: the opener of files a record names (see safeopen.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safeopen.h"

/* May the account do `bit' (4 read, 1 search) by owner or other bits? */
static int
may(const struct stat *st, long long uid, unsigned bit)
{
	if (uid == 0)
		return 1;
	if ((long long)st->st_uid == uid)
		return (st->st_mode & (bit << 6)) != 0;
	return (st->st_mode & bit) != 0;
}

/* Takes the next component of *rest into comp; 0 when none is left. */
static int
next_comp(const char **rest, char *comp, size_t compsz)
{
	const char *p = *rest, *e;
	size_t n;

	while (*p == '/')
		p++;
	if (*p == '\0')
		return 0;
	e = strchr(p, '/');
	n = e != NULL ? (size_t)(e - p) : strlen(p);
	if (n >= compsz)
		n = compsz - 1;
	memcpy(comp, p, n);
	comp[n] = '\0';
	*rest = p + n;
	return 1;
}

static int
only_slashes(const char *p)
{
	while (*p == '/')
		p++;
	return *p == '\0';
}

/*
 * With SAFEOPEN_OWNED: is what st describes owned by the account or root,
 * and, for root, writable by nobody else (a sticky directory aside)?
 */
static const char *
not_owned(const struct stat *st, long long uid, unsigned flags)
{
	if (!(flags & SAFEOPEN_OWNED))
		return NULL;
	if (st->st_uid != 0 && (long long)st->st_uid != uid)
		return uid == 0 ? "not owned by root" :
		    "owned by another account";
	if (uid == 0 && !S_ISLNK(st->st_mode) && (st->st_mode & 022) != 0 &&
	    !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX)))
		return "writable by group or others";
	return NULL;
}

/*
 * Resolves path for the account, without following any link the kernel
 * would follow for us (safeopen.h).
 */
int
safeopen_fd(const char *path, long long uid, unsigned flags, struct stat *st,
    const char **why)
{
	char work[SAFEOPEN_MAX_PATH], tmp[SAFEOPEN_MAX_PATH];
	char comp[256], target[SAFEOPEN_MAX_PATH];
	const char *rest;
	struct stat cst;
	int cur = -1, fd = -1, rfd = -1, links = 0, last;
	ssize_t tl;
	size_t wl;

	if (path[0] != '/' || strlen(path) >= sizeof(work)) {
		*why = "not an absolute path";
		return -1;
	}
	memcpy(work, path, strlen(path) + 1);
	rest = work;
	if ((cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		*why = "cannot open /";
		return -1;
	}
	while (next_comp(&rest, comp, sizeof(comp))) {
		last = only_slashes(rest);
		if (strcmp(comp, ".") == 0 && !last)
			continue;
		fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1) {
			*why = errno == ENOENT ? NULL : strerror(errno);
			goto fail;
		}
		if (fstat(fd, &cst) == -1) {
			*why = strerror(errno);
			goto fail;
		}
		if ((*why = not_owned(&cst, uid, flags)) != NULL)
			goto fail;
		if (S_ISLNK(cst.st_mode)) {
			if (last && (flags & SAFEOPEN_NOFOLLOW)) {
				*why = "a symbolic link";
				goto fail;
			}
			/* The link's text, resolved here with our checks. */
			if (++links > SAFEOPEN_MAX_LINKS) {
				*why = "too many symbolic links";
				goto fail;
			}
			tl = readlinkat(fd, "", target, sizeof(target) - 1);
			if (tl <= 0) {
				*why = "unreadable symbolic link";
				goto fail;
			}
			target[tl] = '\0';
			wl = (size_t)tl + strlen(rest) + 2;
			if (wl >= sizeof(tmp)) {
				*why = "path too long";
				goto fail;
			}
			memcpy(tmp, target, (size_t)tl);
			tmp[tl] = '/';
			memcpy(tmp + tl + 1, rest, strlen(rest) + 1);
			memcpy(work, tmp, wl);
			rest = work;
			close(fd);
			fd = -1;
			if (target[0] == '/') {
				close(cur);
				if ((cur = open("/", O_PATH | O_DIRECTORY |
				    O_CLOEXEC)) == -1) {
					*why = "cannot open /";
					goto fail;
				}
			}
			continue;
		}
		if (!last) {
			if (!S_ISDIR(cst.st_mode)) {
				*why = "not a directory";
				goto fail;
			}
			if (!may(&cst, uid, 1)) {
				*why = "a directory the account cannot search";
				goto fail;
			}
			close(cur);
			cur = fd;
			fd = -1;
			continue;
		}
		if (!S_ISREG(cst.st_mode)) {
			*why = "not a regular file";
			goto fail;
		}
		if (!may(&cst, uid, 4)) {
			*why = "not readable by the account";
			goto fail;
		}
		/* O_NONBLOCK: should it have become a FIFO, do not wait. */
		rfd = openat(cur, comp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC);
		if (rfd == -1) {
			*why = strerror(errno);
			goto fail;
		}
		if (fstat(rfd, st) == -1 || st->st_dev != cst.st_dev ||
		    st->st_ino != cst.st_ino || !S_ISREG(st->st_mode)) {
			*why = "replaced while it was opened";
			close(rfd);
			rfd = -1;
			goto fail;
		}
		close(fd);
		close(cur);
		return rfd;
	}
	*why = "a directory";
 fail:
	if (fd != -1)
		close(fd);
	if (cur != -1)
		close(cur);
	return -1;
}

int
safeopen_read(const char *path, long long uid, unsigned flags, size_t max,
    char **data, size_t *len, const char **why)
{
	struct stat st;
	size_t want, got = 0;
	ssize_t r;
	char *buf;
	int fd;

	*data = NULL;
	*len = 0;
	*why = NULL;
	if ((fd = safeopen_fd(path, uid, flags, &st, why)) == -1)
		return *why == NULL ? SAFEOPEN_ABSENT : SAFEOPEN_FAIL;
	want = (unsigned long long)st.st_size > max ? max : (size_t)st.st_size;
	if ((buf = malloc(want + 1)) == NULL) {
		close(fd);
		*why = "out of memory";
		return SAFEOPEN_FAIL;
	}
	while (got < want) {
		r = read(fd, buf + got, want - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return SAFEOPEN_OK;
}
