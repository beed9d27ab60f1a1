/*
 * inodes: bounded (dev, inode) -> authorized_keys path table (see
 * inodes.h).  A linear table is enough: a host has a few hundred
 * authorized_keys files at most, and it is searched only for writes.
 */
#include "config.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "inodes.h"

struct ientry {
	char			 dev[INODES_DEVLEN];
	unsigned long long	 ino;
	char			*path;
	unsigned long long	 used;		/* for LRU eviction */
};

struct inodes {
	struct ientry		*e;
	size_t			 n, max;
	unsigned long long	 clock;
	unsigned long long	 evicted;
};

struct inodes *
inodes_new(size_t max)
{
	struct inodes *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->e = calloc(max, sizeof(*t->e))) == NULL) {
		free(t);
		return NULL;
	}
	t->max = max;
	return t;
}

void
inodes_free(struct inodes *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->e[i].path);
	free(t->e);
	free(t);
}

static struct ientry *
find(struct inodes *t, const char *dev, unsigned long long ino)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].ino == ino && strcmp(t->e[i].dev, dev) == 0)
			return &t->e[i];
	return NULL;
}

void
inodes_note(struct inodes *t, const char *dev, unsigned long long ino,
    const char *path, size_t n)
{
	struct ientry *e;
	char *p;
	size_t i, old;

	if (strlen(dev) >= INODES_DEVLEN || ino == 0)
		return;
	if ((p = malloc(n + 1)) == NULL)
		return;
	memcpy(p, path, n);
	p[n] = '\0';
	if ((e = find(t, dev, ino)) == NULL) {
		if (t->n < t->max)
			e = &t->e[t->n++];
		else {
			for (old = 0, i = 1; i < t->n; i++)
				if (t->e[i].used < t->e[old].used)
					old = i;
			e = &t->e[old];
			t->evicted++;
		}
		memcpy(e->dev, dev, strlen(dev) + 1);
		e->ino = ino;
	}
	free(e->path);
	e->path = p;
	e->used = ++t->clock;
}

void
inodes_forget(struct inodes *t, const char *dev, unsigned long long ino)
{
	struct ientry *e = find(t, dev, ino);

	if (e == NULL)
		return;
	free(e->path);
	*e = t->e[--t->n];
	memset(&t->e[t->n], 0, sizeof(t->e[t->n]));
}

const char *
inodes_lookup(struct inodes *t, const char *dev, unsigned long long ino)
{
	struct ientry *e = find(t, dev, ino);

	if (e == NULL)
		return NULL;
	e->used = ++t->clock;
	return e->path;
}

size_t
inodes_count(const struct inodes *t)
{
	return t->n;
}

unsigned long long
inodes_evicted(const struct inodes *t)
{
	return t->evicted;
}

/* Notes path if it is a regular file; the kernel logs dev as "%02x:%02x". */
static int
seed_one(struct inodes *t, const char *path)
{
	struct stat st;
	char dev[INODES_DEVLEN];

	if (lstat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	snprintf(dev, sizeof(dev), "%02x:%02x", major(st.st_dev),
	    minor(st.st_dev));
	inodes_note(t, dev, (unsigned long long)st.st_ino, path,
	    strlen(path));
	return 1;
}

size_t
inodes_seed(struct inodes *t, const struct users *u, const struct cfg *cfg)
{
	static const char *const names[] = { "authorized_keys",
	    "authorized_keys2" };
	char path[4096];
	glob_t g;
	size_t i, j, found = 0;

	for (i = 0; i < u->n; i++) {
		if (u->e[i].home == NULL)
			continue;
		for (j = 0; j < 2; j++) {
			if (snprintf(path, sizeof(path), "%s/.ssh/%s",
			    u->e[i].home, names[j]) >= (int)sizeof(path))
				continue;
			found += (size_t)seed_one(t, path);
		}
	}
	for (i = 0; i < cfg->authorized_keys_paths.n; i++) {
		if (glob(cfg->authorized_keys_paths.v[i], GLOB_NOSORT, NULL,
		    &g) != 0)
			continue;
		for (j = 0; j < g.gl_pathc && found < INODES_MAX; j++)
			found += (size_t)seed_one(t, g.gl_pathv[j]);
		globfree(&g);
	}
	return found;
}
