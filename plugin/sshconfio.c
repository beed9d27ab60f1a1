/*
 * sshconfio: safe reads of client configuration files (see sshconfio.h).
 */
#include "config.h"

#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "safeopen.h"
#include "sshconfio.h"

/*
 * Every ssh, scp and sftp run reads the same few files (/etc/ssh/ssh_config,
 * its drop-ins, the account's own file), so the files read are kept, by
 * path and account, with the identity stat(2) gives them.  A later read of
 * the path stats it: the same device, inode, size, mtime and ctime is the
 * same file, read safely for this account before (a write changes mtime,
 * a chmod or chown ctime), and its kept bytes are handed out; anything else
 * is read anew through safeopen.h.  A path that stat(2) does not find at
 * all is absent without the component walk.  Only files up to
 * CACHE_MAX_FILE bytes are kept, CACHE_SLOTS of them, the oldest replaced.
 * (One pipeline thread uses it.)
 */
#define CACHE_SLOTS	32
#define CACHE_MAX_FILE	(64 * 1024)

struct cached {
	char		*path;
	long long	 uid;
	struct stat	 st;
	char		*data;
	size_t		 len;
};

static struct cached cache[CACHE_SLOTS];
static size_t cache_next;

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* A copy of path's kept bytes for uid, or -1. */
static int
cache_get(const char *path, long long uid, const struct stat *st,
    char **data, size_t *len)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++) {
		struct cached *c = &cache[i];

		if (c->path == NULL || c->uid != uid ||
		    strcmp(c->path, path) != 0 || !same_file(&c->st, st))
			continue;
		if ((*data = malloc(c->len + 1)) == NULL)
			return -1;
		memcpy(*data, c->data, c->len);
		(*data)[c->len] = '\0';
		*len = c->len;
		return 0;
	}
	return -1;
}

static void
cache_put(const char *path, long long uid, const struct stat *st,
    const char *data, size_t len)
{
	struct cached *c = &cache[cache_next];
	char *p, *d;

	if (len > CACHE_MAX_FILE || (p = strdup(path)) == NULL)
		return;
	if ((d = malloc(len + 1)) == NULL) {
		free(p);
		return;
	}
	memcpy(d, data, len);
	d[len] = '\0';
	free(c->path);
	free(c->data);
	c->path = p;
	c->uid = uid;
	c->st = *st;
	c->data = d;
	c->len = len;
	cache_next = (cache_next + 1) % CACHE_SLOTS;
}

int
sshconfio_read(void *arg, const char *path, char **data, size_t *len,
    const char **why)
{
	struct sshconfio *c = arg;
	struct stat before, after;
	int r, known;

	if (stat(path, &before) == -1) {
		if (errno == ENOENT)
			return SSHCONF_READ_ABSENT;
		known = 0;
	} else {
		known = S_ISREG(before.st_mode);
		if (known && cache_get(path, c->uid, &before, data, len) == 0) {
			c->files_read++;
			c->cached++;
			return SSHCONF_READ_OK;
		}
	}
	/* One byte over the cap, so that the parser sees and counts it. */
	r = safeopen_read(path, c->uid, 0, SSHCONF_MAX_BYTES + 1, data, len,
	    why);
	if (r == SAFEOPEN_ABSENT)
		return SSHCONF_READ_ABSENT;
	if (r != SAFEOPEN_OK) {
		c->refused++;
		return SSHCONF_READ_FAIL;
	}
	c->files_read++;
	/* Kept only when the file did not change while it was read. */
	if (known && stat(path, &after) == 0 && same_file(&before, &after) &&
	    (size_t)before.st_size == *len)
		cache_put(path, c->uid, &before, *data, *len);
	return SSHCONF_READ_OK;
}

/*
 * The names an Include pattern matched, kept like the files above: by the
 * pattern, while stat(2) shows its directory (the part before the last
 * '/', when that part has no wildcard) unchanged -- a name added, removed
 * or renamed there changes the directory's mtime.
 */
struct cached_glob {
	char		*pattern;
	struct stat	 st;
	char		**names;
	int		 n;
};

static struct cached_glob gcache[CACHE_SLOTS];
static size_t gcache_next;

static void
names_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static char **
names_copy(char *const *v, int n)
{
	char **c;
	int i;

	if ((c = calloc((size_t)n + 1, sizeof(*c))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if ((c[i] = strdup(v[i])) == NULL) {
			names_free(c);
			return NULL;
		}
	return c;
}

/* stat(2) of pattern's directory, when it has no wildcard; else -1. */
static int
glob_dir_stat(const char *pattern, struct stat *st)
{
	const char *slash = strrchr(pattern, '/');
	char dir[4096];
	size_t n;

	if (slash == NULL || (n = (size_t)(slash - pattern)) == 0 ||
	    n >= sizeof(dir))
		return -1;
	memcpy(dir, pattern, n);
	dir[n] = '\0';
	if (strpbrk(dir, "*?[\\") != NULL || stat(dir, st) == -1 ||
	    !S_ISDIR(st->st_mode))
		return -1;
	return 0;
}

static int
io_glob(void *arg, const char *pattern, char ***names, const char **why)
{
	struct stat st;
	glob_t gl;
	char **v;
	size_t i, n;
	int r, known;

	(void)arg;
	*names = NULL;
	known = glob_dir_stat(pattern, &st) == 0;
	for (i = 0; known && i < CACHE_SLOTS; i++) {
		struct cached_glob *g = &gcache[i];

		if (g->pattern != NULL && strcmp(g->pattern, pattern) == 0 &&
		    same_file(&g->st, &st)) {
			if (g->n == 0)
				return 0;
			if ((*names = names_copy(g->names, g->n)) == NULL) {
				*why = "out of memory";
				return -1;
			}
			return g->n;
		}
	}
	memset(&gl, 0, sizeof(gl));
	r = glob(pattern, 0, NULL, &gl);
	if (r != 0 && r != GLOB_NOMATCH) {
		*why = "glob failed";
		return -1;
	}
	n = r == GLOB_NOMATCH ? 0 : gl.gl_pathc;
	if (n > SSHCONF_MAX_GLOB)
		n = SSHCONF_MAX_GLOB;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL) {
		globfree(&gl);
		*why = "out of memory";
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((v[i] = strdup(gl.gl_pathv[i])) == NULL)
			break;
	globfree(&gl);
	if (known && i == n) {
		struct cached_glob *g = &gcache[gcache_next];
		char *p = strdup(pattern);
		char **c = names_copy(v, (int)n);

		if (p != NULL && c != NULL) {
			free(g->pattern);
			names_free(g->names);
			g->pattern = p;
			g->st = st;
			g->names = c;
			g->n = (int)n;
			gcache_next = (gcache_next + 1) % CACHE_SLOTS;
		} else {
			free(p);
			names_free(c);
		}
	}
	if (i == 0) {
		free(v);
		return 0;
	}
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
