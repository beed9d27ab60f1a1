/*
 * procs: bounded process table with pid-hash lookup and CLOCK eviction
 * (an O(1) approximation of least recently used; see procs.h).
 * Fixed-size entries: no allocation after procs_new().
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "procs.h"

struct procs {
	struct proc		*e;
	size_t			 max, n;
	int			*bucket;
	size_t			 nbucket;
	size_t			 hand;		/* CLOCK eviction */
	unsigned long long	 evicted;
};

static size_t
hash(const struct procs *p, const char *node, long long pid)
{
	unsigned long long h = (unsigned long long)pid * 0x9e3779b97f4a7c15ULL;

	for (; *node != '\0'; node++)
		h = (h ^ (unsigned char)*node) * 0x100000001b3ULL;
	return (size_t)(h % p->nbucket);
}

struct procs *
procs_new(size_t max)
{
	struct procs *p;
	size_t i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->max = max;
	p->nbucket = max * 2 + 1;
	p->e = calloc(max, sizeof(*p->e));
	p->bucket = malloc(p->nbucket * sizeof(*p->bucket));
	if (p->e == NULL || p->bucket == NULL) {
		procs_free(p);
		return NULL;
	}
	for (i = 0; i < p->nbucket; i++)
		p->bucket[i] = -1;
	return p;
}

void
procs_free(struct procs *p)
{
	if (p == NULL)
		return;
	free(p->e);
	free(p->bucket);
	free(p);
}

static void
unlink_entry(struct procs *p, int idx)
{
	struct proc *e = &p->e[idx];
	int *link = &p->bucket[hash(p, e->node, e->pid)];

	while (*link != -1 && *link != idx)
		link = &p->e[*link].next;
	if (*link == idx)
		*link = e->next;
	e->live = 0;
}

static int
find_idx(const struct procs *p, const char *node, long long pid)
{
	int i;

	for (i = p->bucket[hash(p, node, pid)]; i != -1; i = p->e[i].next)
		if (p->e[i].pid == pid && strcmp(p->e[i].node, node) == 0)
			return i;
	return -1;
}

void
procs_exec(struct procs *p, const struct proc *in)
{
	int idx;
	struct proc *e;

	if ((idx = find_idx(p, in->node, in->pid)) != -1) {
		/* The same pid exec'd again (or reused): the newer wins. */
		if (p->e[idx].t > in->t)
			return;
		unlink_entry(p, idx);
	} else if (p->n < p->max) {
		idx = (int)p->n++;
	} else {
		/*
		 * CLOCK: the hand passes over entries used since it last
		 * came by (clearing the mark) and takes the first one not.
		 */
		while (p->e[p->hand].used) {
			p->e[p->hand].used = 0;
			p->hand = (p->hand + 1) % p->n;
		}
		idx = (int)p->hand;
		p->hand = (p->hand + 1) % p->n;
		unlink_entry(p, idx);
		p->evicted++;
	}
	e = &p->e[idx];
	*e = *in;
	/* Not marked: a process nobody asked for as a parent goes first. */
	e->used = 0;
	e->live = 1;
	{
		size_t b = hash(p, e->node, e->pid);

		e->next = p->bucket[b];
		p->bucket[b] = idx;
	}
}

const struct proc *
procs_find(struct procs *p, const char *node, long long pid, double t)
{
	int idx = find_idx(p, node != NULL ? node : "", pid);

	if (idx == -1 || p->e[idx].t > t + 0.0005)
		return NULL;
	p->e[idx].used = 1;
	return &p->e[idx];
}

const char *
procs_source_name(enum proc_source s)
{
	switch (s) {
	case PROC_SRC_PROC:
		return "proc";
	case PROC_SRC_GONE:
		return "gone";
	case PROC_SRC_REUSED:
		return "reused";
	default:
		return "exec";
	}
}

size_t
procs_count(const struct procs *p)
{
	return p->n;
}

unsigned long long
procs_evicted(const struct procs *p)
{
	return p->evicted;
}
