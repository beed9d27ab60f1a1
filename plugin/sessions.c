/*
 * sessions: bounded table of SSH-opened audit sessions (see sessions.h).
 * A ring in the order sessions opened: when full, the oldest makes room;
 * lookups go newest first, so a reused session id finds the latest login.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sessions.h"

struct sessions {
	struct session		*e;		/* ring, insertion order */
	size_t			 max, n, head;
	unsigned long long	 seq;
	unsigned long long	 evicted;
};

struct sessions *
sessions_new(size_t max)
{
	struct sessions *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->e = calloc(max, sizeof(*s->e))) == NULL) {
		free(s);
		return NULL;
	}
	s->max = max;
	return s;
}

void
sessions_free(struct sessions *s)
{
	if (s == NULL)
		return;
	free(s->e);
	free(s);
}

static struct session *
find(const struct sessions *s, const char *node, long long ses)
{
	size_t i;
	struct session *best = NULL;

	/* Newest first: a reused session id belongs to the latest login. */
	for (i = 0; i < s->n; i++) {
		struct session *e = &s->e[(s->head + s->n - 1 - i) % s->max];

		if (e->ses == ses && strcmp(e->node, node) == 0) {
			best = e;
			break;
		}
	}
	return best;
}

void
sessions_open(struct sessions *s, const struct session *in)
{
	struct session *e;

	if (s->n == s->max) {
		s->head = (s->head + 1) % s->max;
		s->n--;
		s->evicted++;
	}
	e = &s->e[(s->head + s->n) % s->max];
	*e = *in;
	e->ended = 0;
	e->seq = ++s->seq;
	s->n++;
}

void
sessions_close(struct sessions *s, const char *node, long long ses)
{
	struct session *e = find(s, node, ses);

	if (e != NULL)
		e->ended = 1;
}

int
sessions_relogin(struct sessions *s, const char *node, long long old_ses,
    long long new_ses)
{
	const struct session *o;
	struct session copy;

	if (new_ses < 0 || new_ses == 4294967295LL || new_ses == old_ses ||
	    (o = sessions_find(s, node, old_ses)) == NULL)
		return 0;
	copy = *o;		/* o may be evicted by sessions_open() */
	copy.ses = new_ses;
	copy.relogin_from = old_ses;
	sessions_open(s, &copy);
	return 1;
}

const struct session *
sessions_find(const struct sessions *s, const char *node, long long ses)
{
	if (ses < 0 || ses == 4294967295LL)
		return NULL;
	return find(s, node != NULL ? node : "", ses);
}

size_t
sessions_count(const struct sessions *s)
{
	return s->n;
}

unsigned long long
sessions_evicted(const struct sessions *s)
{
	return s->evicted;
}
