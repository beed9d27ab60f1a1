/*
 * plantwait: configuration files read again after their writer's open
 * (see plantwait.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "plantwait.h"

struct plantwait {
	struct plantwait_entry	*e;
	size_t			 n, max;
	struct plantwait_stats	 st;
};

static const long long steps[] = {
	PLANTWAIT_STEP1_MS, PLANTWAIT_STEP2_MS, PLANTWAIT_STEP3_MS,
	PLANTWAIT_STEP4_MS
};
#define NSTEPS	(sizeof(steps) / sizeof(steps[0]))

struct plantwait *
plantwait_new(size_t max)
{
	struct plantwait *pw;

	if (max == 0 || (pw = calloc(1, sizeof(*pw))) == NULL)
		return NULL;
	if ((pw->e = calloc(max, sizeof(*pw->e))) == NULL) {
		free(pw);
		return NULL;
	}
	pw->max = max;
	return pw;
}

static void
entry_free(struct plantwait_entry *e)
{
	free(e->path);
	free(e->text);
	memset(e, 0, sizeof(*e));
}

/* Removes entry i, keeping the others in the order they were added. */
static void
drop(struct plantwait *pw, size_t i)
{
	entry_free(&pw->e[i]);
	memmove(&pw->e[i], &pw->e[i + 1], (pw->n - i - 1) * sizeof(*pw->e));
	pw->n--;
	memset(&pw->e[pw->n], 0, sizeof(*pw->e));
}

void
plantwait_free(struct plantwait *pw)
{
	size_t i;

	if (pw == NULL)
		return;
	for (i = 0; i < pw->n; i++)
		entry_free(&pw->e[i]);
	free(pw->e);
	free(pw);
}

int
plantwait_add(struct plantwait *pw, long long now, const char *path,
    size_t pathlen, long long uid, int item, const char *text, size_t len,
    const char *text2, size_t len2)
{
	struct plantwait_entry ne;
	size_t i;

	if (pathlen == 0 || pathlen >= PLANTWAIT_MAX_PATH ||
	    len > PLANTWAIT_MAX_TEXT || len2 > PLANTWAIT_MAX_TEXT - len) {
		pw->st.too_big++;
		return -1;
	}
	memset(&ne, 0, sizeof(ne));
	if ((ne.path = malloc(pathlen + 1)) == NULL ||
	    (ne.text = malloc(len + len2 + 1)) == NULL) {
		entry_free(&ne);
		pw->st.too_big++;
		return -1;
	}
	memcpy(ne.path, path, pathlen);
	ne.path[pathlen] = '\0';
	memcpy(ne.text, text, len);
	memcpy(ne.text + len, text2, len2);
	ne.len = len + len2;
	ne.text[ne.len] = '\0';
	ne.uid = uid;
	ne.item = item;
	ne.t0 = now;
	for (i = 0; i < pw->n; i++)
		if (pw->e[i].uid == uid && strcmp(pw->e[i].path, ne.path) == 0)
			break;
	if (i < pw->n) {
		pw->st.merged++;
		drop(pw, i);
	} else if (pw->n == pw->max) {
		pw->st.evicted++;
		drop(pw, 0);		/* the oldest */
	}
	pw->e[pw->n++] = ne;		/* ownership moves to the table */
	pw->st.added++;
	return 0;
}

static long long
due(const struct plantwait_entry *e)
{
	return e->t0 + steps[e->step];
}

long long
plantwait_next(const struct plantwait *pw, long long now)
{
	long long best = -1, d;
	size_t i;

	for (i = 0; i < pw->n; i++) {
		d = due(&pw->e[i]) - now;
		if (d < 0)
			d = 0;
		if (best < 0 || d < best)
			best = d;
	}
	return best;
}

size_t
plantwait_run(struct plantwait *pw, long long now, int all, plantwait_fn fn,
    void *arg)
{
	size_t i = 0, done = 0;
	int hit;

	while (i < pw->n) {
		struct plantwait_entry *e = &pw->e[i];

		if (!all && due(e) > now) {
			i++;
			continue;
		}
		pw->st.reread++;
		done++;
		hit = fn(arg, e);
		if (hit)
			pw->st.found++;
		if (hit || all || (size_t)++e->step >= NSTEPS) {
			if (!hit)
				pw->st.forgotten++;
			drop(pw, i);
		} else
			i++;
	}
	return done;
}

size_t
plantwait_count(const struct plantwait *pw)
{
	return pw->n;
}

const struct plantwait_stats *
plantwait_stats(const struct plantwait *pw)
{
	return &pw->st;
}
