/*
 * filter: allowlist and repeat collapsing (see filter.h).
 */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "context.h"
#include "filter.h"

struct rkey {
	unsigned long long	 hash;
	double			 start;		/* window start, event time */
	struct repeat		 r;
};

struct filter {
	const struct cfg	*cfg;
	const struct users	*users;
	alert_fn		 fn;
	repeat_fn		 rfn;
	suppressed_fn		 sfn;
	void			*ctx;
	unsigned long long	*hits;		/* per allow entry */
	size_t			 nhits;
	struct rkey		*keys;
	size_t			 nkeys;
	struct filter_stats	 st;
	/* The latest alert's event time, and when (monotonic) it came. */
	double			 ev_last;
	double			 ev_last_at;
};

static double
mono_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct filter *
filter_new(const struct cfg *cfg, const struct users *u, alert_fn fn,
    repeat_fn rfn, suppressed_fn sfn, void *ctx)
{
	struct filter *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	if ((f->keys = calloc(FILTER_MAX_KEYS, sizeof(*f->keys))) == NULL) {
		free(f);
		return NULL;
	}
	f->users = u;
	f->fn = fn;
	f->rfn = rfn;
	f->sfn = sfn;
	f->ctx = ctx;
	filter_configure(f, cfg);
	return f;
}

void
filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	free(f->hits);
	free(f->keys);
	free(f);
}

void
filter_configure(struct filter *f, const struct cfg *cfg)
{
	f->cfg = cfg;
	free(f->hits);
	f->nhits = cfg->nallow;
	f->hits = calloc(cfg->nallow + 1, sizeof(*f->hits));
}

static int
glob(const char *pat, const char *s)
{
	return s != NULL && fnmatch(pat, s, 0) == 0;
}

/* A user condition: a name, or a number. */
static int
user_is(const struct filter *f, const char *pat, long long id,
    const char *name)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", id);
	if (strcmp(pat, num) == 0)
		return 1;
	if (name == NULL && id >= 0)
		name = users_name_of_uid(f->users, id);
	return name != NULL && glob(pat, name);
}

/* The n-th word (0 or 1) of a command line, into out. */
static const char *
word(const char *line, int n, char *out, size_t outsz)
{
	size_t len;

	while (n-- > 0 && (line = strchr(line, ' ')) != NULL)
		line++;
	if (line == NULL)
		return NULL;
	len = strcspn(line, " ");
	if (len >= outsz)
		len = outsz - 1;
	memcpy(out, line, len);
	out[len] = '\0';
	return out;
}

static int
ancestor_is(const char *pat, const struct alert *a)
{
	char w[PROCS_ARGV];
	size_t i;

	for (i = 0; i < a->nanc; i++)
		if (glob(pat, a->anc[i]->exe) ||
		    glob(pat, word(a->anc[i]->argv, 0, w, sizeof(w))) ||
		    glob(pat, word(a->anc[i]->argv, 1, w, sizeof(w))))
			return 1;
	return 0;
}

static int
entry_matches(const struct filter *f, const struct allow_entry *e,
    const struct alert *a)
{
	const struct event *ev = a->ev;
	size_t i;
	int ok;

	if (!glob(e->pat[ALLOW_RULE], a->rule))
		return 0;
	if (e->pat[ALLOW_USER] != NULL &&
	    !user_is(f, e->pat[ALLOW_USER], ev->uid, ev->uid_name))
		return 0;
	if (e->pat[ALLOW_AUID] != NULL &&
	    !user_is(f, e->pat[ALLOW_AUID], ev->auid, ev->auid_name))
		return 0;
	if (e->pat[ALLOW_EXE] != NULL &&
	    !(ev->have_exe && glob(e->pat[ALLOW_EXE], buf_str(&ev->exe))))
		return 0;
	if (e->pat[ALLOW_ANCESTOR] != NULL &&
	    !ancestor_is(e->pat[ALLOW_ANCESTOR], a))
		return 0;
	if (e->pat[ALLOW_DEST] != NULL && (a->destination_host == NULL ||
	    fnmatch(e->pat[ALLOW_DEST], a->destination_host, FNM_CASEFOLD) !=
	    0))
		return 0;
	if (e->pat[ALLOW_KEY] != NULL) {
		for (ok = 0, i = 0; i < a->nkeys && !ok; i++)
			ok = glob(e->pat[ALLOW_KEY], a->keys[i].path);
		if (!ok)
			return 0;
	}
	if (e->pat[ALLOW_PATH] != NULL && !glob(e->pat[ALLOW_PATH],
	    a->file_path))
		return 0;
	if (e->pat[ALLOW_FROM] != NULL && (a->session == NULL ||
	    !glob(e->pat[ALLOW_FROM], a->session->addr)))
		return 0;
	return 1;
}

/* FNV-1a over the fields that make alerts "the same". */
static unsigned long long
fnv(unsigned long long h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;	/* field separator */
}

static unsigned long long
key_of(const struct alert *a)
{
	const struct event *ev = a->ev;
	unsigned long long h = 0xcbf29ce484222325ULL;
	size_t i;

	h = fnv(h, a->rule, strlen(a->rule));
	if (ev->node != NULL)
		h = fnv(h, ev->node, strlen(ev->node));
	h = fnv(h, &ev->uid, sizeof(ev->uid));
	h = fnv(h, &ev->auid, sizeof(ev->auid));
	h = fnv(h, ev->exe.p != NULL ? ev->exe.p : "", ev->exe.len);
	if (a->file_path != NULL)
		h = fnv(h, a->file_path, a->file_pathlen);
	/* mv .ssh away, then another dir onto it: not a repeat. */
	if (a->file_op != NULL)
		h = fnv(h, a->file_op, strlen(a->file_op));
	h = fnv(h, &a->severity, sizeof(a->severity));
	/* What matched: two accounts added are not one repeated. */
	for (i = 0; i < a->nmatch; i++)
		if (a->match[i] != NULL)
			h = fnv(h, a->match[i], strlen(a->match[i]));
	for (i = 0; ev->have_execve && i < ev->x.out_argc; i++)
		h = fnv(h, ev->x.out_argv[i], ev->x.out_len[i]);
	return h;
}

static void
close_key(struct filter *f, size_t i)
{
	struct rkey *k = &f->keys[i];

	if (k->r.suppressed > 0 && f->rfn != NULL) {
		f->st.repeat_records++;
		f->rfn(f->ctx, &k->r);
	}
	f->keys[i] = f->keys[--f->nkeys];
	f->st.keys = f->nkeys;
}

void
filter_tick(struct filter *f, double now)
{
	size_t i = 0;

	while (i < f->nkeys) {
		if (now >= f->keys[i].start + f->keys[i].r.window)
			close_key(f, i);
		else
			i++;
	}
}

void
filter_tick_idle(struct filter *f)
{
	if (f->nkeys > 0)
		filter_tick(f, f->ev_last + (mono_now() - f->ev_last_at));
}

void
filter_flush(struct filter *f)
{
	while (f->nkeys > 0)
		close_key(f, 0);
}

static void
copy_str(char *dst, size_t dstsz, const char *s, size_t n)
{
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Opens a key for a's first alert of a window. */
static struct rkey *
open_key(struct filter *f, const struct alert *a, unsigned long long h,
    double now)
{
	const struct event *ev = a->ev;
	struct rkey *k;
	size_t i, oldest;

	if (f->nkeys == FILTER_MAX_KEYS) {
		for (oldest = 0, i = 1; i < f->nkeys; i++)
			if (f->keys[i].start < f->keys[oldest].start)
				oldest = i;
		f->st.keys_evicted++;
		close_key(f, oldest);
	}
	k = &f->keys[f->nkeys++];
	f->st.keys = f->nkeys;
	memset(k, 0, sizeof(*k));
	k->hash = h;
	k->start = now;
	k->r.rule = a->rule;
	k->r.severity = a->severity;
	k->r.confidence = a->confidence;
	k->r.tags = a->tags;
	k->r.file_rule = a->file_path != NULL;
	if (ev->node != NULL)
		copy_str(k->r.node, sizeof(k->r.node), ev->node,
		    strlen(ev->node));
	k->r.uid = ev->uid;
	k->r.auid = ev->auid;
	k->r.ses = ev->ses;
	copy_str(k->r.exe, sizeof(k->r.exe), buf_str(&ev->exe), ev->exe.len);
	copy_str(k->r.first_time, sizeof(k->r.first_time), ev->time,
	    strlen(ev->time));
	k->r.first_serial = ev->serial;
	k->r.window = f->cfg->dedup_window;
	return k;
}

void
filter_alert(void *arg, const struct alert *a)
{
	struct filter *f = arg;
	const struct event *ev = a->ev;
	struct rkey *k = NULL;
	unsigned long long h;
	double now;
	size_t i;

	for (i = 0; i < f->cfg->nallow && i < f->nhits; i++)
		if (entry_matches(f, &f->cfg->allow[i], a)) {
			f->hits[i]++;
			f->st.allowed++;
			if (f->cfg->report_suppressed && f->sfn != NULL)
				f->sfn(f->ctx, a, f->cfg->allow[i].src);
			return;
		}
	if (f->cfg->dedup_window == 0) {
		f->st.passed++;
		f->fn(f->ctx, a);
		return;
	}
	now = context_time(ev->time, strlen(ev->time));
	if (now > f->ev_last) {
		f->ev_last = now;
		f->ev_last_at = mono_now();
	}
	filter_tick(f, now);
	h = key_of(a);
	for (i = 0; i < f->nkeys; i++)
		if (f->keys[i].hash == h) {
			k = &f->keys[i];
			break;
		}
	if (k == NULL)
		k = open_key(f, a, h, now);
	k->r.pid = ev->pid;
	copy_str(k->r.last_time, sizeof(k->r.last_time), ev->time,
	    strlen(ev->time));
	k->r.last_serial = ev->serial;
	if (k->r.passed < (unsigned long long)f->cfg->dedup_limit) {
		k->r.passed++;
		f->st.passed++;
		f->fn(f->ctx, a);
		return;
	}
	k->r.suppressed++;
	f->st.repeats++;
}

size_t
filter_pending(const struct filter *f)
{
	size_t i, n = 0;

	for (i = 0; i < f->nkeys; i++)
		n += f->keys[i].r.suppressed > 0;
	return n;
}

const struct filter_stats *
filter_stats(const struct filter *f)
{
	return &f->st;
}

unsigned long long
filter_allow_hits(const struct filter *f, size_t i, const char **src)
{
	if (i >= f->nhits || i >= f->cfg->nallow)
		return 0;
	*src = f->cfg->allow[i].src;
	return f->hits[i];
}

size_t
filter_allow_count(const struct filter *f)
{
	return f->cfg->nallow < f->nhits ? f->cfg->nallow : f->nhits;
}
