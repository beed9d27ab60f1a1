/*
 * idfiles: IdentityFile paths of recent ssh runs, per account (see
 * idfiles.h).  Fed by the exec rules, read by the key-read rule.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idfiles.h"

struct idfile {
	char			 node[IDFILES_NODELEN + 1]; /* "": local */
	long long		 uid;
	unsigned long long	 used;		/* 0: free slot */
	size_t			 len;
	char			 path[IDFILES_MAX_PATH];
};

struct idfiles {
	struct idfile		*e;
	size_t			 max;
	size_t			 n;
	unsigned long long	 clock;
	unsigned long long	 evicted;
	unsigned long long	 refused;
};

struct idfiles *
idfiles_new(size_t max)
{
	struct idfiles *t;

	if (max == 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->e = calloc(max, sizeof(*t->e))) == NULL) {
		free(t);
		return NULL;
	}
	t->max = max;
	return t;
}

void
idfiles_free(struct idfiles *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t);
}

static int
same_node(const struct idfile *e, const char *node)
{
	return strcmp(e->node, node != NULL ? node : "") == 0;
}

int
idfiles_note(struct idfiles *t, const char *node, long long uid,
    const char *path, size_t n)
{
	struct idfile *e, *free_slot = NULL, *oldest = NULL, *mine = NULL;
	size_t i, nmine = 0;

	if (t == NULL)
		return -1;
	if (n == 0 || n >= IDFILES_MAX_PATH || path[0] != '/' ||
	    memchr(path, '\0', n) != NULL || uid < 0 ||
	    (node != NULL && strlen(node) > IDFILES_NODELEN)) {
		t->refused++;
		return -1;
	}
	t->clock++;
	for (i = 0; i < t->max; i++) {
		e = &t->e[i];
		if (e->used == 0) {
			if (free_slot == NULL)
				free_slot = e;
			continue;
		}
		if (oldest == NULL || e->used < oldest->used)
			oldest = e;
		if (e->uid != uid || !same_node(e, node))
			continue;
		if (e->len == n && memcmp(e->path, path, n) == 0) {
			e->used = t->clock;	/* seen again */
			return 0;
		}
		nmine++;
		if (mine == NULL || e->used < mine->used)
			mine = e;
	}
	/* The account's own oldest first, then the table's. */
	if (nmine >= IDFILES_PER_ACCOUNT)
		e = mine;
	else if (free_slot != NULL)
		e = free_slot;
	else
		e = oldest;
	if (e == NULL)
		return -1;	/* not reached: max > 0 */
	if (e->used != 0)
		t->evicted++;
	else
		t->n++;
	snprintf(e->node, sizeof(e->node), "%s", node != NULL ? node : "");
	e->uid = uid;
	e->used = t->clock;
	memcpy(e->path, path, n);
	e->path[n] = '\0';
	e->len = n;
	return 0;
}

long long
idfiles_lookup(const struct idfiles *t, const char *node, const char *path,
    size_t n)
{
	const struct idfile *e, *best = NULL;
	size_t i;

	if (t == NULL)
		return -1;
	for (i = 0; i < t->max; i++) {
		e = &t->e[i];
		if (e->used != 0 && e->len == n && same_node(e, node) &&
		    memcmp(e->path, path, n) == 0 &&
		    (best == NULL || e->used > best->used))
			best = e;
	}
	return best != NULL ? best->uid : -1;
}

size_t
idfiles_count(const struct idfiles *t)
{
	return t->n;
}

unsigned long long
idfiles_evicted(const struct idfiles *t)
{
	return t->evicted;
}

unsigned long long
idfiles_refused(const struct idfiles *t)
{
	return t->refused;
}
