/*
 * replay: saved input formats (see replay.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libaudit.h>

#include "auval.h"
#include "buf.h"
#include "log.h"
#include "replay.h"

/* At most this many bad-line messages per input; the rest are counted. */
#define REPLAY_MAX_MESSAGES	10

/* A bounded line reader over a file descriptor. */
struct lreader {
	int		 fd;
	char		*buf;
	size_t		 cap, start, end;
	int		 eof;
	unsigned long	 lineno;
	unsigned long long bytes;
};

struct input {
	const char	*name;
	struct lreader	 lr;
	enum replay_format fmt;
	int		 ok;		/* readable and recognised */
	/* The first event's stamp, for ordering inputs. */
	int		 has_stamp;
	unsigned long long sec, msec, serial;
	/*
	 * The earliest first stamp of the files of its log (audit.log and
	 * its rotations audit.log.N: the same name less ".N").
	 */
	int		 ghas;
	unsigned long long gsec, gmsec, gserial;
	/* Lines read while recognising the input, replayed first. */
	char		**held;
	size_t		*heldlen;
	unsigned long	*heldno;
	size_t		 nheld;
	unsigned	 messages;
	unsigned long	 suppressed;
};

static int
lr_open(struct lreader *lr, const char *path)
{
	memset(lr, 0, sizeof(*lr));
	if (strcmp(path, "-") == 0)
		lr->fd = STDIN_FILENO;
	else if ((lr->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	lr->cap = REPLAY_MAX_LINE + 1;
	if ((lr->buf = malloc(lr->cap)) == NULL) {
		if (lr->fd != STDIN_FILENO)
			close(lr->fd);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static void
lr_close(struct lreader *lr)
{
	if (lr->fd > STDIN_FILENO)
		close(lr->fd);
	free(lr->buf);
	lr->buf = NULL;
	lr->fd = -1;
}

/*
 * Next line (without '\n').  Returns 1 with the line in *line and *len,
 * 2 when a line over REPLAY_MAX_LINE was skipped, 0 at end of input, -1 on
 * a read error.
 */
static int
lr_next(struct lreader *lr, const char **line, size_t *len)
{
	char *nl;
	ssize_t r;
	int skipped = 0;

	for (;;) {
		nl = memchr(lr->buf + lr->start, '\n', lr->end - lr->start);
		if (nl != NULL) {
			*line = lr->buf + lr->start;
			*len = (size_t)(nl - *line);
			lr->start = (size_t)(nl - lr->buf) + 1;
			lr->lineno++;
			if (skipped) {
				lr->start = (size_t)(nl - lr->buf) + 1;
				return 2;
			}
			return 1;
		}
		if (lr->eof) {
			if (lr->end > lr->start && !skipped) {
				*line = lr->buf + lr->start;
				*len = lr->end - lr->start;
				lr->start = lr->end;
				lr->lineno++;
				return 1;
			}
			if (skipped) {
				lr->lineno++;
				lr->start = lr->end;
				return 2;
			}
			return 0;
		}
		if (lr->start > 0) {
			memmove(lr->buf, lr->buf + lr->start,
			    lr->end - lr->start);
			lr->end -= lr->start;
			lr->start = 0;
		}
		if (lr->end == lr->cap) {
			/* Over-long line: drop what we hold and go on. */
			skipped = 1;
			lr->start = lr->end = 0;
		}
		r = read(lr->fd, lr->buf + lr->end, lr->cap - lr->end);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			lr->eof = 1;
		lr->end += (size_t)r;
		lr->bytes += (unsigned long long)r;
	}
}

/*
 * Is p (after "msg=audit(") an interpreted time stamp: a date starting
 * with a digit, one space, a time with ':', then ')' within 64 bytes?
 */
static int
interpreted_stamp(const char *p, const char *end)
{
	const char *close, *sp;

	if (end - p > 64)
		end = p + 64;
	if (p >= end || *p < '0' || *p > '9' ||
	    (close = memchr(p, ')', (size_t)(end - p))) == NULL ||
	    (sp = memchr(p, ' ', (size_t)(close - p))) == NULL)
		return 0;
	return memchr(sp, ':', (size_t)(close - sp)) != NULL;
}

/*
 * A record of a type this libaudit has no name for and no time stamp, as
 * some tools write it: "[node=N ]type=UNKNOWN[1329] msg=?".
 */
static int
unknown_record(const char *line, size_t len)
{
	const char *p = line, *end = line + len, *sp;

	if (len > 5 && memcmp(p, "node=", 5) == 0) {
		if ((sp = memchr(p, ' ', len)) == NULL)
			return 0;
		p = sp + 1;
	}
	return (size_t)(end - p) >= 13 && memcmp(p, "type=UNKNOWN[", 13) == 0;
}

/* Why a line that is no record is skipped. */
static const char *
skip_reason(const char *line, size_t len, enum replay_format f)
{
	if (f == RF_INTERPRETED)
		return "interpreted (ausearch -i) record, skipped";
	if (f == RF_AUSEARCH)
		return "ausearch output inside a raw log, skipped";
	if (unknown_record(line, len))
		return "record of an unknown type without a time stamp "
		    "(type=UNKNOWN[...] msg=?), skipped";
	return "not an audit record, skipped";
}

enum replay_format
replay_classify(const char *line, size_t len)
{
	const char *node, *stamp, *m;
	size_t nodelen, stamplen;
	int type;

	if ((len == 4 && memcmp(line, "----", 4) == 0) ||
	    (len >= 6 && memcmp(line, "time->", 6) == 0))
		return RF_AUSEARCH;
	if (framer_parse_header(line, len, &type, &node, &nodelen, &stamp,
	    &stamplen) == 0)
		return RF_RAW;
	/*
	 * ausearch -i: msg=audit(11/27/2026 22:20:29.123:456), or the date
	 * of another locale (20.9.2024 10:22:51.155:2171, 2024-09-20 ...):
	 * a date, a space and a time where the raw form has SEC.MSEC:SERIAL.
	 */
	m = memmem(line, len, "msg=audit(", 10);
	if (m != NULL && interpreted_stamp(m + 10, line + len) &&
	    (memmem(line, len, "type=", 5) == line ||
	    memmem(line, len, " type=", 6) != NULL))
		return RF_INTERPRETED;
	return RF_UNKNOWN;
}

static int
is_blank(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return 0;
	return 1;
}

static void
report(FILE *errfp, struct input *in, struct replay_stats *st,
    unsigned long lineno, const char *what)
{
	st->errors++;
	if (in->messages >= REPLAY_MAX_MESSAGES) {
		in->suppressed++;
		return;
	}
	in->messages++;
	if (lineno > 0)
		fprintf(errfp, "audisp-sshwatch: %s:%lu: %s\n", in->name,
		    lineno, what);
	else
		fprintf(errfp, "audisp-sshwatch: %s: %s\n", in->name, what);
}

static int
hold(struct input *in, const char *line, size_t len, unsigned long no)
{
	char **h;
	size_t *hl;
	unsigned long *hn;

	h = realloc(in->held, (in->nheld + 1) * sizeof(*h));
	if (h != NULL)
		in->held = h;
	hl = realloc(in->heldlen, (in->nheld + 1) * sizeof(*hl));
	if (hl != NULL)
		in->heldlen = hl;
	hn = realloc(in->heldno, (in->nheld + 1) * sizeof(*hn));
	if (hn != NULL)
		in->heldno = hn;
	if (h == NULL || hl == NULL || hn == NULL)
		return -1;
	if ((in->held[in->nheld] = malloc(len + 1)) == NULL)
		return -1;
	memcpy(in->held[in->nheld], line, len);
	in->held[in->nheld][len] = '\0';
	in->heldlen[in->nheld] = len;
	in->heldno[in->nheld] = no;
	in->nheld++;
	return 0;
}

/* Parses "SEC.MSEC:SERIAL" for ordering. */
static void
stamp_of(const char *line, size_t len, struct input *in)
{
	const char *node, *stamp, *p, *end;
	size_t nodelen, stamplen;
	unsigned long long v[3] = { 0, 0, 0 };
	int type, k = 0;

	if (framer_parse_header(line, len, &type, &node, &nodelen, &stamp,
	    &stamplen) == -1)
		return;
	for (p = stamp, end = stamp + stamplen; p < end && k < 3; p++) {
		if (*p == '.' || *p == ':')
			k++;
		else if (v[k] < 100000000000000000ULL)
			v[k] = v[k] * 10 + (unsigned long long)(*p - '0');
	}
	in->has_stamp = 1;
	in->sec = v[0];
	in->msec = v[1];
	in->serial = v[2];
}

/*
 * Opens an input and reads until its format is known and its first record
 * seen, holding those lines for later.  The format is decided on the first
 * audit record (or ausearch separator): lines before it that are no record
 * (a comment, a heading of an excerpt) are skipped with a warning, as they
 * are further down.  An input with none is refused.
 */
static void
input_probe(struct input *in, FILE *errfp, struct replay_stats *st)
{
	const char *line;
	size_t len;
	unsigned long skipped = 0;
	int r;

	if (lr_open(&in->lr, in->name) == -1) {
		report(errfp, in, st, 0, strerror(errno));
		st->refused++;
		return;
	}
	for (;;) {
		r = lr_next(&in->lr, &line, &len);
		if (r == 0 && skipped > 0 && in->fmt == RF_UNKNOWN) {
			report(errfp, in, st, 0, "not audit data (no audit "
			    "record in it)");
			st->refused++;
			return;
		}
		if (r == 0) {
			/* Empty input: nothing to say, nothing wrong. */
			in->ok = 1;
			if (in->fmt == RF_UNKNOWN)
				in->fmt = RF_RAW;
			return;
		}
		if (r == -1) {
			report(errfp, in, st, 0, strerror(errno));
			st->refused++;
			return;
		}
		if (r == 2 || memchr(line, '\0', len) != NULL) {
			report(errfp, in, st, in->lr.lineno,
			    "not audit data (binary or over-long line; is it "
			    "compressed?)");
			st->refused++;
			return;
		}
		if (is_blank(line, len))
			continue;
		switch (replay_classify(line, len)) {
		case RF_INTERPRETED:
			report(errfp, in, st, in->lr.lineno,
			    "this is `ausearch -i' output, whose values are "
			    "interpreted and lossy; give `ausearch --raw' "
			    "output or the log itself");
			st->refused++;
			return;
		case RF_UNKNOWN:
			report(errfp, in, st, in->lr.lineno,
			    skip_reason(line, len, RF_UNKNOWN));
			st->skipped++;
			skipped++;
			continue;
		case RF_AUSEARCH:
			in->fmt = RF_AUSEARCH;
			if (hold(in, line, len, in->lr.lineno) == -1)
				goto nomem;
			continue;
		case RF_RAW:
			if (in->fmt == RF_UNKNOWN)
				in->fmt = RF_RAW;
			if (hold(in, line, len, in->lr.lineno) == -1)
				goto nomem;
			stamp_of(line, len, in);
			in->ok = 1;
			return;
		}
	}
 nomem:
	report(errfp, in, st, 0, "out of memory");
	st->refused++;
}

static void
input_free(struct input *in)
{
	size_t i;

	for (i = 0; i < in->nheld; i++)
		free(in->held[i]);
	free(in->held);
	free(in->heldlen);
	free(in->heldno);
	if (in->lr.buf != NULL)
		lr_close(&in->lr);
}

/* N of a name ending in ".N" (a rotated log), else 0. */
static unsigned long
rotation(const char *name)
{
	const char *dot = strrchr(name, '.'), *p;
	unsigned long n = 0;

	if (dot == NULL || dot[1] == '\0')
		return 0;
	for (p = dot + 1; *p >= '0' && *p <= '9' && n < 1000000; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	return *p == '\0' ? n : 0;
}

/* The length of name less a rotation's ".N". */
static size_t
log_base_len(const char *name)
{
	size_t n = strlen(name);

	return rotation(name) > 0 ? (size_t)(strrchr(name, '.') - name) : n;
}

static int
same_log(const char *x, const char *y)
{
	size_t n = log_base_len(x);

	return n == log_base_len(y) && strncmp(x, y, n) == 0;
}

/* -1, 0 or 1 as stamp (s1, m1, n1) is before, at or after (s2, m2, n2). */
static int
stamp_cmp(unsigned long long s1, unsigned long long m1, unsigned long long n1,
    unsigned long long s2, unsigned long long m2, unsigned long long n2)
{
	if (s1 != s2)
		return s1 < s2 ? -1 : 1;
	if (m1 != m2)
		return m1 < m2 ? -1 : 1;
	if (n1 != n2)
		return n1 < n2 ? -1 : 1;
	return 0;
}

/*
 * Logs in the order of their earliest event; the files of one log oldest
 * first by their rotation number (audit.log.2, audit.log.1, audit.log),
 * not by their first events' stamps: an aggregator's log interleaves
 * nodes whose clocks differ, so a newer file can start with an event
 * stamped earlier than the first of an older one (and an event cut by
 * rotation starts in the file with the higher number).
 */
static int
input_cmp(const void *a, const void *b)
{
	const struct input *x = a, *y = b;
	size_t nx, ny;
	int c;

	if (x->ghas != y->ghas)
		return x->ghas ? -1 : 1;
	if ((c = stamp_cmp(x->gsec, x->gmsec, x->gserial, y->gsec, y->gmsec,
	    y->gserial)) != 0)
		return c;
	nx = log_base_len(x->name);
	ny = log_base_len(y->name);
	if ((c = strncmp(x->name, y->name, nx < ny ? nx : ny)) != 0)
		return c;
	if (nx != ny)
		return nx < ny ? -1 : 1;
	if (rotation(x->name) != rotation(y->name))
		return rotation(x->name) > rotation(y->name) ? -1 : 1;
	return stamp_cmp(x->sec, x->msec, x->serial, y->sec, y->msec,
	    y->serial);
}

/* An ausearch block, collected to be fed back in kernel order. */
struct block {
	char		**rec;
	size_t		*len;
	size_t		 n, cap;
	int		 over;
};

static void
block_feed(struct block *b, struct framer *fr)
{
	size_t i;

	/* ausearch prints an event's records last to first. */
	for (i = b->n; i-- > 0;) {
		framer_line(fr, b->rec[i], b->len[i]);
		free(b->rec[i]);
	}
	b->n = 0;
	b->over = 0;
}

static int
block_add(struct block *b, const char *line, size_t len)
{
	if (b->n >= REPLAY_MAX_BLOCK) {
		b->over = 1;
		return -1;
	}
	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 16;
		char **r = realloc(b->rec, ncap * sizeof(*r));
		size_t *l;

		if (r == NULL)
			return -1;
		b->rec = r;
		if ((l = realloc(b->len, ncap * sizeof(*l))) == NULL)
			return -1;
		b->len = l;
		b->cap = ncap;
	}
	if ((b->rec[b->n] = malloc(len + 1)) == NULL)
		return -1;
	memcpy(b->rec[b->n], line, len);
	b->rec[b->n][len] = '\0';
	b->len[b->n++] = len;
	return 0;
}

/*
 * Is v[0..n) an argv value auval_decode() takes: "quoted", (null), (none)
 * or hex of even length?
 */
static int
argv_value_ok(const char *v, size_t n)
{
	size_t i;

	if ((n >= 2 && v[0] == '"' && v[n - 1] == '"') ||
	    (n == 6 && (memcmp(v, "(null)", 6) == 0 ||
	    memcmp(v, "(none)", 6) == 0)))
		return 1;
	if (n == 0 || n % 2 != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (auval_hexdigit((unsigned char)v[i]) < 0)
			return 0;
	return 1;
}

/*
 * Reports, with file, line and field, each argument of an EXECVE record
 * whose value cannot be decoded (a cut or damaged log).  The argument is
 * still replayed: execve keeps it as logged and marks it (execve.h).
 */
static void
check_argv_values(struct input *in, const char *line, size_t len,
    unsigned long no, FILE *errfp, struct replay_stats *st)
{
	const char *node, *stamp, *p, *end = line + len, *sp, *eq;
	size_t nodelen, stamplen;
	char what[160];
	int type;

	if (framer_parse_header(line, len, &type, &node, &nodelen, &stamp,
	    &stamplen) == -1 || type != AUDIT_EXECVE)
		return;
	/* ENRICHED: the interpretations after 0x1d are not the kernel's. */
	if ((p = memchr(line, 0x1d, len)) != NULL)
		end = p;
	p = stamp + stamplen;
	while (p < end) {
		while (p < end && *p != ' ')
			p++;
		while (p < end && *p == ' ')
			p++;
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
			sp = end;
		eq = memchr(p, '=', (size_t)(sp - p));
		if (eq == NULL || eq - p < 2 || p[0] != 'a' || p[1] < '0' ||
		    p[1] > '9' || memchr(p, '_', (size_t)(eq - p)) != NULL) {
			p = sp;
			continue;
		}
		if (!argv_value_ok(eq + 1, (size_t)(sp - eq - 1))) {
			st->undecodable++;
			snprintf(what, sizeof(what), "field %.*s: value not "
			    "decodable (odd-length or not hex), kept as logged "
			    "in argv", (int)(eq - p > 64 ? 64 : eq - p), p);
			report(errfp, in, st, no, what);
		}
		p = sp;
	}
}

/* One line of an input whose format is known. */
static void
input_line(struct input *in, struct block *blk, struct framer *fr,
    const char *line, size_t len, unsigned long no, FILE *errfp,
    struct replay_stats *st)
{
	enum replay_format f;

	st->lines++;
	if (is_blank(line, len))
		return;
	f = replay_classify(line, len);
	if (f == RF_RAW)
		check_argv_values(in, line, len, no, errfp, st);
	if (in->fmt == RF_AUSEARCH) {
		if (f == RF_AUSEARCH) {
			/*
			 * "----" starts a block, and so does "time->": some
			 * tools and excerpts keep ausearch's output without
			 * its separators.
			 */
			block_feed(blk, fr);
			return;
		}
		if (f == RF_RAW) {
			if (block_add(blk, line, len) == -1)
				report(errfp, in, st, no, blk->over ?
				    "too many records in one event, dropped" :
				    "out of memory");
			return;
		}
	} else if (f == RF_RAW) {
		framer_line(fr, line, len);
		return;
	}
	st->skipped++;
	report(errfp, in, st, no, skip_reason(line, len, f));
}

struct progress {
	replay_progress_fn	 fn;
	void			*ctx;
	time_t			 last;
	unsigned long long	 done;		/* bytes of finished inputs */
};

static void
progress(struct progress *pg, struct replay_stats *st, struct input *in)
{
	time_t now;

	if (pg->fn == NULL || (st->lines & 0xfff) != 0)
		return;
	if ((now = time(NULL)) == pg->last)
		return;
	pg->last = now;
	st->bytes = pg->done + in->lr.bytes;
	pg->fn(pg->ctx, st);
}

static void
input_replay(struct input *in, struct framer *fr, FILE *errfp,
    struct replay_stats *st, struct progress *pg)
{
	struct block blk;
	const char *line;
	size_t len, i;
	int r;

	memset(&blk, 0, sizeof(blk));
	for (i = 0; i < in->nheld; i++)
		input_line(in, &blk, fr, in->held[i], in->heldlen[i],
		    in->heldno[i], errfp, st);
	while ((r = lr_next(&in->lr, &line, &len)) != 0) {
		if (r == -1) {
			report(errfp, in, st, in->lr.lineno, strerror(errno));
			break;
		}
		if (r == 2) {
			report(errfp, in, st, in->lr.lineno,
			    "line longer than the limit, skipped");
			continue;
		}
		input_line(in, &blk, fr, line, len, in->lr.lineno, errfp, st);
		progress(pg, st, in);
	}
	block_feed(&blk, fr);
	free(blk.rec);
	free(blk.len);
	pg->done += in->lr.bytes;
	st->bytes = pg->done;
	if (in->suppressed > 0) {
		fprintf(errfp, "audisp-sshwatch: %s: %lu more problems not "
		    "shown\n", in->name, in->suppressed);
	}
}

int
replay_run(char *const *paths, size_t npaths, struct framer *fr,
    FILE *errfp, struct replay_stats *st)
{
	return replay_run_progress(paths, npaths, fr, errfp, st, NULL, NULL);
}

int
replay_run_progress(char *const *paths, size_t npaths, struct framer *fr,
    FILE *errfp, struct replay_stats *st, replay_progress_fn fn, void *ctx)
{
	struct progress pg = { fn, ctx, 0, st->bytes };
	struct input *in;
	size_t i;
	unsigned long errors0 = st->errors;

	if ((in = calloc(npaths, sizeof(*in))) == NULL) {
		fprintf(errfp, "audisp-sshwatch: out of memory\n");
		return 1;
	}
	for (i = 0; i < npaths; i++) {
		in[i].name = paths[i];
		in[i].lr.fd = -1;
		input_probe(&in[i], errfp, st);
	}
	/* Each log's earliest first event, over its rotated files. */
	for (i = 0; i < npaths; i++) {
		size_t j;

		for (j = 0; j < npaths; j++) {
			if (!in[j].has_stamp || !same_log(in[i].name,
			    in[j].name))
				continue;
			if (!in[i].ghas || stamp_cmp(in[j].sec, in[j].msec,
			    in[j].serial, in[i].gsec, in[i].gmsec,
			    in[i].gserial) < 0) {
				in[i].ghas = 1;
				in[i].gsec = in[j].sec;
				in[i].gmsec = in[j].msec;
				in[i].gserial = in[j].serial;
			}
		}
	}
	/* Oldest first, so rotated files join up. */
	qsort(in, npaths, sizeof(*in), input_cmp);
	for (i = 0; i < npaths; i++) {
		if (in[i].ok)
			input_replay(&in[i], fr, errfp, st, &pg);
		input_free(&in[i]);
	}
	free(in);
	framer_flush(fr);
	return st->errors > errors0 ? 1 : 0;
}
