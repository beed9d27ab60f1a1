/*
 * sshconfio: safe reads of client configuration files (see sshconfio.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sshconfio.h"

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
 * Resolves path for the account, without following any link the kernel
 * would follow for us.  On success returns an O_RDONLY descriptor of the
 * regular file and its stat.
 */
static int
open_as(const struct sshconfio *c, const char *path, struct stat *st,
    const char **why)
{
	char work[SSHCONFIO_MAX_PATH], tmp[SSHCONFIO_MAX_PATH];
	char comp[256], target[SSHCONFIO_MAX_PATH];
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
		if (S_ISLNK(cst.st_mode)) {
			/* Resolve the link's text ourselves, with our checks. */
			if (++links > SSHCONFIO_MAX_LINKS) {
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
			if (!may(&cst, c->uid, 1)) {
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
		if (!may(&cst, c->uid, 4)) {
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
sshconfio_read(void *arg, const char *path, char **data, size_t *len,
    const char **why)
{
	struct sshconfio *c = arg;
	struct stat st;
	size_t want, got = 0;
	ssize_t r;
	char *buf;
	int fd;

	*data = NULL;
	*len = 0;
	*why = NULL;
	if ((fd = open_as(c, path, &st, why)) == -1) {
		if (*why == NULL)
			return SSHCONF_READ_ABSENT;
		c->refused++;
		return SSHCONF_READ_FAIL;
	}
	want = st.st_size > SSHCONF_MAX_BYTES ? SSHCONF_MAX_BYTES + 1 :
	    (size_t)st.st_size;
	if ((buf = malloc(want + 1)) == NULL) {
		close(fd);
		*why = "out of memory";
		return SSHCONF_READ_FAIL;
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
	c->files_read++;
	*data = buf;
	*len = got;
	return SSHCONF_READ_OK;
}

static int
io_glob(void *arg, const char *pattern, char ***names, const char **why)
{
	glob_t gl;
	char **v;
	size_t i, n;
	int r;

	(void)arg;
	*names = NULL;
	memset(&gl, 0, sizeof(gl));
	r = glob(pattern, 0, NULL, &gl);
	if (r == GLOB_NOMATCH)
		return 0;
	if (r != 0) {
		*why = "glob failed";
		return -1;
	}
	n = gl.gl_pathc > SSHCONF_MAX_GLOB ? SSHCONF_MAX_GLOB : gl.gl_pathc;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL) {
		globfree(&gl);
		*why = "out of memory";
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((v[i] = strdup(gl.gl_pathv[i])) == NULL)
			break;
	globfree(&gl);
	*names = v;
	return (int)i;
}

void
sshconfio_init(struct sshconf_io *io, struct sshconfio *arg, long long uid)
{
	memset(arg, 0, sizeof(*arg));
	arg->uid = uid;
	io->read = sshconfio_read;
	io->glob = io_glob;
	io->arg = arg;
}
