/*
 * framer: records to complete events (see framer.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libaudit.h>

#include "buf.h"
#include "framer.h"
#include "rawsys.h"

/*
 * The kernel never writes a record longer than MAX_AUDIT_MESSAGE_LENGTH
 * (8970 bytes); auditd's ENRICHED form adds the interpretations.  A real
 * event has a few records; an execve's argv takes one record per 7,500
 * logged bytes.  MAX_EVENT_BYTES keeps an argv of about 1 MiB logged as
 * text (half that as hex), more than execve.h keeps anyway; auparse holds
 * a few copies of what it is given, so this bounds its memory too.
 */
#define MAX_EVENT_BYTES		(1536 * 1024)

const struct framer_limits framer_stream_limits = {
	.max_line = 65536,
	.max_pending = 1024,
	.max_event_bytes = MAX_EVENT_BYTES,
	.max_event_records = 4096,
	.window = 4096,
};

const struct framer_limits framer_replay_limits = {
	.max_line = 65536,
	.max_pending = 1024,
	.max_event_bytes = MAX_EVENT_BYTES,
	.max_event_records = 4096,
	.window = 256,
};

struct pend {
	struct buf		 text;
	struct framer_rec	*recs;
	size_t			 nrecs, caprecs;
	size_t			 keyoff, nodelen, stampoff, stamplen;
	int			 has_node;
	unsigned		 flags;
	unsigned long long	 last_seq;	/* record count at last add */
	time_t			 last_time;
};

/* Buffers of completed events, kept for the next ones. */
#define FRAMER_SPARES		16
#define FRAMER_SPARE_MAX	(64 * 1024)

struct spare {
	struct buf		 text;
	struct framer_rec	*recs;
	size_t			 caprecs;
};

struct framer {
	struct framer_limits	 lim;
	struct spare		 spares[FRAMER_SPARES];
	size_t			 nspares;
	framer_fn		 fn;
	void			*ctx;
	struct buf		 partial;
	int			 skipping;	/* inside an over-long line */
	struct pend		*pend;		/* open events, oldest first */
	size_t			 npend;
	unsigned long long	 seq;
	unsigned long long	 oldest_seq;	/* <= every open last_seq */
	time_t			 now;		/* wall clock, per feed */
	struct framer_stats	 st;
};

struct framer *
framer_new(const struct framer_limits *lim, framer_fn fn, void *ctx)
{
	struct framer *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->lim = *lim;
	f->fn = fn;
	f->ctx = ctx;
	f->now = time(NULL);
	buf_init(&f->partial, lim->max_line);
	if ((f->pend = calloc(lim->max_pending, sizeof(*f->pend))) == NULL) {
		free(f);
		return NULL;
	}
	return f;
}

/* Frees an event's buffers, or keeps them for the next event. */
static void
pend_release(struct framer *f, struct pend *p)
{
	struct spare *sp;

	if (f != NULL && f->nspares < FRAMER_SPARES &&
	    p->text.cap <= FRAMER_SPARE_MAX) {
		sp = &f->spares[f->nspares++];
		sp->text = p->text;
		sp->recs = p->recs;
		sp->caprecs = p->caprecs;
	} else {
		buf_free(&p->text);
		free(p->recs);
	}
	memset(p, 0, sizeof(*p));
}

void
framer_free(struct framer *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->npend; i++)
		pend_release(NULL, &f->pend[i]);
	for (i = 0; i < f->nspares; i++) {
		buf_free(&f->spares[i].text);
		free(f->spares[i].recs);
	}
	free(f->pend);
	buf_free(&f->partial);
	free(f);
}

int
framer_type_stands_alone(int type)
{
	/* User-space messages and auditd's own, which never get an EOE. */
	return (type >= AUDIT_FIRST_USER_MSG && type <= 1299) ||
	    (type >= AUDIT_FIRST_USER_MSG2 && type <= AUDIT_LAST_USER_MSG2);
}

/*
 * The record types of nearly every line, without libaudit's search over
 * all names; -1 sends the rest to audit_name_to_msg_type().
 */
static int
common_type(const char *p, size_t n)
{
	static const struct {
		const char	*name;
		size_t		 len;
		int		 type;
	} t[] = {
		{ "PATH", 4, AUDIT_PATH },
		{ "SYSCALL", 7, AUDIT_SYSCALL },
		{ "CWD", 3, AUDIT_CWD },
		{ "PROCTITLE", 9, AUDIT_PROCTITLE },
		{ "EXECVE", 6, AUDIT_EXECVE },
		{ "EOE", 3, AUDIT_EOE },
		{ "BPRM_FCAPS", 10, AUDIT_BPRM_FCAPS },
		{ "SOCKADDR", 8, AUDIT_SOCKADDR },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (n == t[i].len && memcmp(p, t[i].name, n) == 0)
			return t[i].type;
	return -1;
}

int
framer_parse_header(const char *line, size_t len, int *type,
    const char **node, size_t *nodelen, const char **stamp, size_t *stamplen)
{
	const char *p = line, *end = line + len, *sp, *close;
	char name[64];
	size_t n;

	*node = NULL;
	*nodelen = 0;
	if (len > 5 && memcmp(p, "node=", 5) == 0) {
		p += 5;
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
			return -1;
		*node = p;
		*nodelen = (size_t)(sp - p);
		p = sp + 1;
	}
	if ((size_t)(end - p) < 5 || memcmp(p, "type=", 5) != 0)
		return -1;
	p += 5;
	if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
		return -1;
	n = (size_t)(sp - p);
	if (n == 0 || n >= sizeof(name))
		return -1;
	if ((*type = common_type(p, n)) == -1) {
		memcpy(name, p, n);
		name[n] = '\0';
		*type = audit_name_to_msg_type(name);
	}
	p = sp + 1;
	if ((size_t)(end - p) < 10 || memcmp(p, "msg=audit(", 10) != 0)
		return -1;
	p += 10;
	if ((close = memchr(p, ')', (size_t)(end - p))) == NULL)
		return -1;
	/* SEC.MSEC:SERIAL, digits only around one '.' and one ':'. */
	for (sp = p; sp < close; sp++)
		if ((*sp < '0' || *sp > '9') && *sp != '.' && *sp != ':')
			return -1;
	if (memchr(p, ':', (size_t)(close - p)) == NULL || close == p)
		return -1;
	*stamp = p;
	*stamplen = (size_t)(close - p);
	return 0;
}

/* The open event with this key, newest first (the usual hit). */
static struct pend *
pend_find(struct framer *f, const char *node, size_t nodelen,
    const char *stamp, size_t stamplen)
{
	size_t i;

	for (i = f->npend; i-- > 0;) {
		struct pend *p = &f->pend[i];

		if (p->stamplen != stamplen || p->nodelen != nodelen ||
		    p->has_node != (node != NULL))
			continue;
		if (memcmp(p->text.p + p->stampoff, stamp, stamplen) != 0)
			continue;
		if (nodelen > 0 &&
		    memcmp(p->text.p + p->keyoff, node, nodelen) != 0)
			continue;
		return p;
	}
	return NULL;
}

/* Hands event i to the callback and removes it from the open list. */
static void
pend_complete(struct framer *f, size_t i, unsigned flags)
{
	struct pend *p = &f->pend[i];
	struct framer_event fe;
	struct rawsys sys;
	size_t r;

	p->flags |= flags;
	if (p->flags & FE_FORCED)
		f->st.forced++;
	if (p->flags & FE_CUT)
		f->st.cut_events++;
	f->st.events++;
	memset(&fe, 0, sizeof(fe));
	fe.text = buf_str(&p->text);
	fe.len = p->text.len;
	fe.recs = p->recs;
	fe.nrecs = p->nrecs;
	fe.node = p->has_node ? p->text.p + p->keyoff : NULL;
	fe.nodelen = p->nodelen;
	fe.stamp = p->text.p + p->stampoff;
	fe.stamplen = p->stamplen;
	fe.flags = p->flags;
	for (r = 0; r < p->nrecs && p->recs[r].type != AUDIT_SYSCALL; r++)
		;
	if (r < p->nrecs)
		rawsys_parse(&sys, fe.text + p->recs[r].off, p->recs[r].len);
	else
		rawsys_parse(&sys, NULL, 0);
	fe.sys = &sys;
	f->fn(f->ctx, &fe);
	pend_release(f, p);
	memmove(&f->pend[i], &f->pend[i + 1],
	    (f->npend - i - 1) * sizeof(*f->pend));
	f->npend--;
	memset(&f->pend[f->npend], 0, sizeof(*f->pend));
}

/* Appends one record line to an open event, within its caps. */
static void
pend_append(struct framer *f, struct pend *p, const char *line, size_t len,
    int type)
{
	struct framer_rec *r;

	/* Over a cap the record is dropped, but the event is still alive. */
	p->last_seq = f->seq;
	if (p->nrecs >= f->lim.max_event_records ||
	    p->text.len + len + 1 > f->lim.max_event_bytes) {
		p->flags |= FE_CUT;
		return;
	}
	if (p->nrecs == p->caprecs) {
		size_t ncap = p->caprecs ? p->caprecs * 2 : 8;

		if ((r = realloc(p->recs, ncap * sizeof(*r))) == NULL) {
			p->flags |= FE_CUT;
			return;
		}
		p->recs = r;
		p->caprecs = ncap;
	}
	r = &p->recs[p->nrecs];
	r->off = p->text.len;
	r->len = len;
	r->type = type;
	if (buf_add(&p->text, line, len) == -1 ||
	    buf_addc(&p->text, '\n') == -1) {
		p->text.len = r->off;
		p->flags |= FE_CUT;
		return;
	}
	p->nrecs++;
	p->last_seq = f->seq;
}

/* Opens a new event whose first record is line. */
static struct pend *
pend_open(struct framer *f, const char *line, size_t len, int type,
    const char *node, size_t nodelen, const char *stamp, size_t stamplen)
{
	struct pend *p;

	if (f->npend == f->lim.max_pending) {
		f->st.forced_by_cap++;
		pend_complete(f, 0, FE_FORCED);
	}
	if (f->npend == 0)
		f->oldest_seq = f->seq;
	p = &f->pend[f->npend++];
	memset(p, 0, sizeof(*p));
	if (f->nspares > 0) {
		struct spare *sp = &f->spares[--f->nspares];

		p->text = sp->text;
		p->text.max = f->lim.max_event_bytes;
		buf_reset(&p->text);
		p->recs = sp->recs;
		p->caprecs = sp->caprecs;
	} else
		buf_init(&p->text, f->lim.max_event_bytes);
	p->has_node = node != NULL;
	p->nodelen = nodelen;
	p->keyoff = node != NULL ? (size_t)(node - line) : 0;
	p->stampoff = (size_t)(stamp - line);
	p->stamplen = stamplen;
	p->last_time = f->now;
	pend_append(f, p, line, len, type);
	if (p->nrecs == 0) {		/* could not even hold one record */
		pend_release(f, p);
		f->npend--;
		f->st.cut_events++;
		return NULL;
	}
	if (f->npend > f->st.pending_high)
		f->st.pending_high = f->npend;
	return p;
}

/*
 * Completes the events that `window' records of others have passed.
 * oldest_seq is a lower bound of the open events' last_seq, so the scan
 * runs only when one of them may be due, not on every record.
 */
static void
pend_expire(struct framer *f)
{
	unsigned long long oldest = f->seq;
	size_t i = 0;

	if (f->npend == 0 || f->seq - f->oldest_seq <= f->lim.window)
		return;
	while (i < f->npend) {
		if (f->seq - f->pend[i].last_seq > f->lim.window) {
			pend_complete(f, i, FE_FORCED);
			continue;
		}
		if (f->pend[i].last_seq < oldest)
			oldest = f->pend[i].last_seq;
		i++;
	}
	f->oldest_seq = oldest;
}

int
framer_line(struct framer *f, const char *line, size_t len)
{
	const char *node, *stamp;
	size_t nodelen, stamplen;
	struct pend *p;
	int type;

	f->st.lines++;
	while (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return 0;
	if (framer_parse_header(line, len, &type, &node, &nodelen, &stamp,
	    &stamplen) == -1) {
		f->st.bad_lines++;
		return -1;
	}
	f->st.records++;
	f->seq++;
	p = pend_find(f, node, nodelen, stamp, stamplen);
	/*
	 * The window counts from each event's own last record, so every
	 * record may end any open event, not only the oldest one.
	 */
	if (type == AUDIT_EOE) {
		if (p == NULL)
			f->st.stray_eoe++;
		else
			pend_complete(f, (size_t)(p - f->pend), 0);
		pend_expire(f);
		return 0;
	}
	if (p != NULL) {
		p->last_time = f->now;
		pend_append(f, p, line, len, type);
		if (framer_type_stands_alone(type))
			pend_complete(f, (size_t)(p - f->pend), 0);
		pend_expire(f);
		return 0;
	}
	pend_expire(f);
	p = pend_open(f, line, len, type, node, nodelen, stamp, stamplen);
	if (p != NULL && framer_type_stands_alone(type))
		pend_complete(f, (size_t)(p - f->pend), 0);
	return 0;
}

void
framer_feed(struct framer *f, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;

	f->now = time(NULL);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			if (!f->skipping &&
			    buf_add(&f->partial, p, (size_t)(end - p)) == -1) {
				f->st.long_lines++;
				f->skipping = 1;
				buf_reset(&f->partial);
			}
			return;
		}
		if (f->skipping) {
			f->skipping = 0;
		} else if (f->partial.len > 0) {
			if (buf_add(&f->partial, p, (size_t)(nl - p)) == -1)
				f->st.long_lines++;
			else
				framer_line(f, f->partial.p, f->partial.len);
			buf_reset(&f->partial);
		} else if ((size_t)(nl - p) > f->lim.max_line) {
			f->st.long_lines++;
		} else {
			framer_line(f, p, (size_t)(nl - p));
		}
		p = nl + 1;
	}
}

void
framer_age(struct framer *f, time_t now, time_t idle)
{
	size_t i = 0;

	while (i < f->npend) {
		if (now - f->pend[i].last_time >= idle)
			pend_complete(f, i, FE_FORCED);
		else
			i++;
	}
}

void
framer_flush(struct framer *f)
{
	/* A last line without its '\n' is still a record. */
	if (f->partial.len > 0 && !f->skipping)
		framer_line(f, f->partial.p, f->partial.len);
	buf_reset(&f->partial);
	f->skipping = 0;
	while (f->npend > 0)
		pend_complete(f, 0, FE_FORCED);
}

size_t
framer_pending(const struct framer *f)
{
	return f->npend;
}

const struct framer_stats *
framer_stats(const struct framer *f)
{
	return &f->st;
}
