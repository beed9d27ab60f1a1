/*
 * follow: reading an audit log as it grows, across rotation, truncation
 * and our own restarts (see follow.h).
 *
 * A position is (file sequence number, offset): each file opened gets the
 * next number, so positions in an old file and in its successor compare.
 * Every record line read is noted against its event (node and stamp): the
 * first and last position of each open event, and for each completed one
 * its last position, until the oldest open event's first record moves past
 * it.  That is what the state file holds.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libaudit.h>

#include "follow.h"
#include "log.h"

#define KEY_MAX		FOLLOW_KEY_MAX
#define PEND_MAX	4096	/* open events tracked (framer: 1024) */
#define PEND_HASH	8192
#define FILES_KEPT	64	/* recent files' device and inode */
#define READ_SIZE	65536
#define STALE_LINES	65536	/* framer windows: 256 or 4096 records */
#define STATE_MAX	(FOLLOW_MAX_DONE * (2 * KEY_MAX + 8) + 4096)

struct pos {
	unsigned long	 seq;
	off_t		 off;
};

struct src {
	int		 fd;
	dev_t		 dev;
	ino_t		 ino;
	unsigned long	 seq;
	off_t		 off;		/* consumed: whole lines */
	off_t		 rd;		/* read */
	int		 final;		/* rotated away: read to EOF, leave */
	int		 skipping;	/* inside an over-long line */
	char		*buf;
	size_t		 start, end;
};

struct pend {
	char		 key[KEY_MAX];
	struct pos	 first, last;
	unsigned long long line;	/* st.lines at its last record */
	int		 used;
	int		 next;
};

struct done {
	char		 key[KEY_MAX];
	struct pos	 last;
};

struct fileid {
	unsigned long	 seq;
	dev_t		 dev;
	ino_t		 ino;
};

struct skipset {
	char		(*keys)[KEY_MAX];
	size_t		 n;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 off;		/* skip until here in that file */
	int		 on;
};

struct follow {
	char		*path, *dir, *statepath;
	int		 ifd;
	struct framer	*fr;
	framer_fn	 fn;
	void		*ctx;
	struct src	 cur;		/* fd -1: none open */
	struct src	 queue[FOLLOW_MAX_ROTATED + 1];
	size_t		 nqueue;
	unsigned long	 seq;
	struct fileid	 files[FILES_KEPT];
	struct pend	 pend[PEND_MAX];
	int		 phash[PEND_HASH];
	int		 pfree;
	size_t		 npend;
	struct done	*done;
	size_t		 ndone, done_cap, prune_at;
	struct skipset	 skip;
	struct pos	 linepos;	/* of the line being fed */
	int		 warming;	/* replaying what came before */
	int		 seen_eoe;	/* the log has EOE records */
	char		 written[512];	/* last state written, in short */
	struct follow_stats st;
};

static int
pos_lt(struct pos a, struct pos b)
{
	return a.seq < b.seq || (a.seq == b.seq && a.off < b.off);
}

static uint32_t
hash_key(const char *k)
{
	uint32_t h = 2166136261u;

	for (; *k != '\0'; k++) {
		h ^= (unsigned char)*k;
		h *= 16777619u;
	}
	return h;
}

/* "NODE STAMP" of a record line, or of an event; 0 or -1. */
static void
make_key(char *key, const char *node, size_t nodelen, const char *stamp,
    size_t stamplen)
{
	if (nodelen > KEY_MAX / 2)
		nodelen = KEY_MAX / 2;
	if (stamplen > KEY_MAX / 2 - 2)
		stamplen = KEY_MAX / 2 - 2;
	memcpy(key, node != NULL ? node : "", node != NULL ? nodelen : 0);
	key[node != NULL ? nodelen : 0] = ' ';
	memcpy(key + (node != NULL ? nodelen : 0) + 1, stamp, stamplen);
	key[(node != NULL ? nodelen : 0) + 1 + stamplen] = '\0';
}

static int
pend_find(const struct follow *f, const char *key)
{
	int k;

	for (k = f->phash[hash_key(key) % PEND_HASH]; k != -1;
	    k = f->pend[k].next)
		if (strcmp(f->pend[k].key, key) == 0)
			return k;
	return -1;
}

static void
pend_remove(struct follow *f, int k)
{
	int *pp = &f->phash[hash_key(f->pend[k].key) % PEND_HASH];

	for (; *pp != -1; pp = &f->pend[*pp].next)
		if (*pp == k) {
			*pp = f->pend[k].next;
			break;
		}
	f->pend[k].used = 0;
	f->pend[k].next = f->pfree;
	f->pfree = k;
	f->npend--;
}

/* The oldest position still needed: the first record of an open event. */
static struct pos
safe_pos(const struct follow *f)
{
	struct pos p = { f->cur.seq, f->cur.off };
	size_t k;

	if (f->npend == 0)
		return p;
	for (k = 0; k < PEND_MAX; k++)
		if (f->pend[k].used && pos_lt(f->pend[k].first, p))
			p = f->pend[k].first;
	return p;
}

/*
 * Forgets completed events that end before the oldest open one.  An event
 * we still hold open that the framer no longer has (a late record of an
 * event it had completed, a stray EOE) would hold that point back for
 * ever: it goes once the framer has nothing open, or STALE_LINES after
 * its last record.
 */
static void
prune_done(struct follow *f)
{
	struct pos safe;
	size_t i, j = 0;
	int k;

	for (k = 0; k < PEND_MAX && f->npend > 0; k++)
		if (f->pend[k].used && (framer_pending(f->fr) == 0 ||
		    f->pend[k].line + STALE_LINES < f->st.lines))
			pend_remove(f, k);
	safe = safe_pos(f);

	for (i = 0; i < f->ndone; i++)
		if (!pos_lt(f->done[i].last, safe))
			f->done[j++] = f->done[i];
	f->ndone = j;
	f->prune_at = 2 * j + 1024;
}

static void
on_event(void *arg, const struct framer_event *fe)
{
	struct follow *f = arg;
	char key[KEY_MAX];
	int k;

	if (f->warming) {
		f->st.warm_events++;
		f->fn(f->ctx, fe);
		return;
	}
	make_key(key, fe->node, fe->nodelen, fe->stamp, fe->stamplen);
	if ((k = pend_find(f, key)) != -1) {
		struct pos last = f->pend[k].last;

		pend_remove(f, k);
		if (f->ndone >= f->prune_at)
			prune_done(f);
		if (f->ndone == f->done_cap && f->ndone < FOLLOW_MAX_DONE) {
			size_t ncap = f->done_cap ? f->done_cap * 2 : 256;
			struct done *d = realloc(f->done, ncap * sizeof(*d));

			if (d != NULL) {
				f->done = d;
				f->done_cap = ncap;
			}
		}
		if (f->ndone < f->done_cap) {
			memcpy(f->done[f->ndone].key, key, sizeof(key));
			f->done[f->ndone++].last = last;
		}
	}
	f->st.events++;
	f->fn(f->ctx, fe);
}

/*
 * One record to the framer.  An aggregator's log has no EOE records
 * (auditd does not log those audisp-remote sends), so a kernel event
 * would end only by count or age; but the kernel writes PROCTITLE last
 * in every syscall event.  Until the log shows an EOE of its own, a
 * PROCTITLE ends its event with an EOE made here, as the stream would.
 */
static void
feed(struct follow *f, const char *line, size_t len, int type,
    const char *node, size_t nodelen, const char *stamp, size_t stamplen)
{
	char eoe[KEY_MAX + 64];
	int n;

	framer_line(f->fr, line, len);
	if (type == AUDIT_EOE)
		f->seen_eoe = 1;
	if (type != AUDIT_PROCTITLE || f->seen_eoe)
		return;
	n = snprintf(eoe, sizeof(eoe), "%s%.*s%stype=EOE msg=audit(%.*s): ",
	    node != NULL ? "node=" : "", node != NULL ? (int)nodelen : 0,
	    node != NULL ? node : "", node != NULL ? " " : "",
	    (int)stamplen, stamp);
	if (n > 0 && (size_t)n < sizeof(eoe)) {
		f->st.eoe_made++;
		framer_line(f->fr, eoe, (size_t)n);
	}
}

static int
skip_has(const struct skipset *s, const char *key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(s->keys[mid], key);

		if (r == 0)
			return 1;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* One whole line of the current file, at f->linepos. */
static void
take_line(struct follow *f, const char *line, size_t len)
{
	const char *node, *stamp;
	size_t nodelen, stamplen;
	char key[KEY_MAX];
	int type, k;

	if (framer_parse_header(line, len, &type, &node, &nodelen, &stamp,
	    &stamplen) == -1) {
		if (!f->warming) {
			f->st.lines++;
			framer_line(f->fr, line, len);	/* counted as bad */
		}
		return;
	}
	make_key(key, node, nodelen, stamp, stamplen);
	if (f->warming == 2) {
		/* After the resume point: only what was delivered before. */
		if (skip_has(&f->skip, key))
			feed(f, line, len, type, node, nodelen, stamp,
			    stamplen);
		return;
	}
	if (f->warming) {
		feed(f, line, len, type, node, nodelen, stamp, stamplen);
		return;
	}
	f->st.lines++;
	/* Past the point read to before the restart: nothing to skip. */
	if (f->skip.on && f->cur.dev == f->skip.dev &&
	    f->cur.ino == f->skip.ino && f->linepos.off >= f->skip.off)
		f->skip.on = 0;
	if (f->skip.on && skip_has(&f->skip, key)) {
		f->st.resumed_skipped++;
		return;
	}
	if ((k = pend_find(f, key)) == -1 && f->pfree != -1) {
		uint32_t b = hash_key(key) % PEND_HASH;

		k = f->pfree;
		f->pfree = f->pend[k].next;
		memcpy(f->pend[k].key, key, sizeof(key));
		f->pend[k].first = f->linepos;
		f->pend[k].used = 1;
		f->pend[k].next = f->phash[b];
		f->phash[b] = k;
		f->npend++;
	}
	if (k != -1) {
		f->pend[k].last = f->linepos;
		f->pend[k].line = f->st.lines;
	}
	feed(f, line, len, type, node, nodelen, stamp, stamplen);
}

static void
src_close(struct src *s)
{
	if (s->fd != -1)
		close(s->fd);
	free(s->buf);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/* Opens path as a regular file (no links).  Returns 0 or -1. */
static int
src_open(struct follow *f, struct src *s, const char *path)
{
	struct stat sb;
	struct fileid *id;

	memset(s, 0, sizeof(*s));
	if ((s->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1)
		return -1;
	if (fstat(s->fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (s->buf = malloc(FOLLOW_MAX_LINE + READ_SIZE)) == NULL) {
		if (errno == 0 || S_ISREG(sb.st_mode) == 0)
			errno = EINVAL;
		close(s->fd);
		s->fd = -1;
		return -1;
	}
	s->dev = sb.st_dev;
	s->ino = sb.st_ino;
	s->seq = ++f->seq;
	id = &f->files[s->seq % FILES_KEPT];
	id->seq = s->seq;
	id->dev = s->dev;
	id->ino = s->ino;
	return 0;
}

static int
src_seek(struct src *s, off_t off)
{
	if (lseek(s->fd, off, SEEK_SET) == -1)
		return -1;
	s->off = s->rd = off;
	return 0;
}

/* Feeds the whole lines buffered in s; `final': the rest too. */
static void
src_lines(struct follow *f, struct src *s, int final)
{
	char *nl;

	while ((nl = memchr(s->buf + s->start, '\n', s->end - s->start)) !=
	    NULL) {
		size_t len = (size_t)(nl - (s->buf + s->start));

		f->linepos.seq = s->seq;
		f->linepos.off = s->off;
		if (s->skipping)
			s->skipping = 0;
		else
			take_line(f, s->buf + s->start, len);
		s->start += len + 1;
		s->off += (off_t)len + 1;
	}
	if (s->end - s->start >= FOLLOW_MAX_LINE) {
		/* Over-long: drop it up to its end. */
		f->st.long_lines += !s->skipping;
		s->skipping = 1;
		s->off += (off_t)(s->end - s->start);
		s->start = s->end;
	}
	if (final && s->end > s->start) {
		f->linepos.seq = s->seq;
		f->linepos.off = s->off;
		if (!s->skipping) {
			f->st.unterminated++;
			take_line(f, s->buf + s->start, s->end - s->start);
		}
		s->off += (off_t)(s->end - s->start);
		s->start = s->end;
	}
	if (s->start > 0) {
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
}

/* Reads s up to its end or *budget.  Returns 1 at the end, 0 otherwise. */
static int
src_read(struct follow *f, struct src *s, size_t *budget)
{
	ssize_t r;

	while (*budget > 0) {
		r = read(s->fd, s->buf + s->end, READ_SIZE);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return 1;
		s->end += (size_t)r;
		s->rd += r;
		f->st.bytes += (unsigned long long)r;
		*budget = (size_t)r >= *budget ? 0 : *budget - (size_t)r;
		src_lines(f, s, 0);
	}
	return 0;
}

/* "FILE.k" into buf. */
static void
rotated_name(const struct follow *f, unsigned k, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s.%u", f->path, k);
}

/* The k of the FILE.k with this inode, 0 none. */
static unsigned
find_rotated(const struct follow *f, dev_t dev, ino_t ino)
{
	char name[PATH_MAX];
	struct stat sb;
	unsigned k;

	for (k = 1; k <= FOLLOW_MAX_ROTATED; k++) {
		rotated_name(f, k, name, sizeof(name));
		if (lstat(name, &sb) == -1)
			continue;
		if (sb.st_dev == dev && sb.st_ino == ino)
			return k;
	}
	return 0;
}

/*
 * Queues the files that came after FILE.k: FILE.k-1 .. FILE.1, then FILE
 * (k = 0: FILE alone).
 */
static void
queue_after(struct follow *f, unsigned k)
{
	char name[PATH_MAX];

	while (k-- > 1) {
		rotated_name(f, k, name, sizeof(name));
		if (src_open(f, &f->queue[f->nqueue], name) == 0)
			f->nqueue++;
	}
	if (src_open(f, &f->queue[f->nqueue], f->path) == 0)
		f->nqueue++;
}

/* Is s still FILE?  1 yes, 0 no (replaced), -1 FILE is missing. */
static int
is_live(const struct follow *f, const struct src *s)
{
	struct stat sb;

	if (lstat(f->path, &sb) == -1)
		return -1;
	return sb.st_dev == s->dev && sb.st_ino == s->ino;
}

/* The next queued file becomes the current one. */
static void
pop(struct follow *f)
{
	size_t i;

	f->cur = f->queue[0];
	for (i = 1; i < f->nqueue; i++)
		f->queue[i - 1] = f->queue[i];
	f->nqueue--;
}

/* The current file is finished: on to the next. */
static void
advance(struct follow *f)
{
	dev_t dev = f->cur.dev;
	ino_t ino = f->cur.ino;

	src_lines(f, &f->cur, 1);
	src_close(&f->cur);
	f->st.rotations++;
	if (f->nqueue == 0) {
		unsigned k = find_rotated(f, dev, ino);

		if (k == 0)
			log_msg(LOG_WARNING, "%s: the file read until now "
			    "is no longer among %s.1..%d; going on with %s",
			    f->path, f->path, FOLLOW_MAX_ROTATED, f->path);
		else if (k > 1) {
			log_msg(LOG_INFO, "%s rotated %u times since last "
			    "read; reading %s.%u..1 first", f->path, k,
			    f->path, k - 1);
		}
		queue_after(f, k);
	}
	if (f->nqueue > 0)
		pop(f);
}

int
follow_pump(struct follow *f)
{
	char ev[4096];
	size_t budget = FOLLOW_BUDGET;
	struct stat sb;

	/* The events only wake us: what changed is looked at below. */
	while (read(f->ifd, ev, sizeof(ev)) > 0)
		;
	for (;;) {
		if (f->cur.fd == -1) {
			if (f->nqueue > 0)
				pop(f);
			else if (src_open(f, &f->cur, f->path) == -1)
				return 0;	/* not there yet */
			continue;
		}
		if (!f->cur.final && fstat(f->cur.fd, &sb) == 0 &&
		    sb.st_size < f->cur.rd) {
			log_msg(LOG_WARNING, "%s: truncated (%lld bytes, %lld "
			    "read); reading it again from the start",
			    f->path, (long long)sb.st_size,
			    (long long)f->cur.rd);
			f->st.truncations++;
			f->cur.start = f->cur.end = 0;
			f->cur.skipping = 0;
			src_seek(&f->cur, 0);
		}
		if (!src_read(f, &f->cur, &budget))
			return 1;
		if (f->cur.final) {
			advance(f);
			continue;
		}
		switch (is_live(f, &f->cur)) {
		case 1:
			/* Caught up while the file is still FILE. */
			return 0;
		case -1:
			if (f->nqueue == 0)
				return 0;	/* FILE renamed, none new yet */
			__attribute__((fallthrough));
		default:
			/* Rotated: what was written before is read first. */
			f->cur.final = 1;
			continue;
		}
	}
}

/* State file ---------------------------------------------------------- */

static const char *
fileid_of(const struct follow *f, unsigned long seq, dev_t *dev, ino_t *ino)
{
	const struct fileid *id = &f->files[seq % FILES_KEPT];

	if (id->seq != seq)
		return "file forgotten";
	*dev = id->dev;
	*ino = id->ino;
	return NULL;
}

static void
hexkey(FILE *fp, const char *key)
{
	for (; *key != '\0'; key++)
		fprintf(fp, "%02x", (unsigned char)*key);
}

int
follow_checkpoint(struct follow *f)
{
	char tmp[PATH_MAX], sum[512];
	struct pos safe;
	dev_t sdev = 0, edev = 0;
	ino_t sino = 0, eino = 0;
	size_t i;
	FILE *fp;
	int fd;

	if (f->statepath == NULL || f->cur.fd == -1)
		return 0;
	prune_done(f);
	safe = safe_pos(f);
	if (fileid_of(f, safe.seq, &sdev, &sino) != NULL ||
	    fileid_of(f, f->cur.seq, &edev, &eino) != NULL)
		return -1;
	snprintf(sum, sizeof(sum), "%llu %llu %lld %llu %llu %lld %zu",
	    (unsigned long long)sdev, (unsigned long long)sino,
	    (long long)safe.off, (unsigned long long)edev,
	    (unsigned long long)eino, (long long)f->cur.off, f->ndone);
	if (strcmp(sum, f->written) == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", f->statepath);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		goto fail;
	}
	fprintf(fp, "sshwatch-follow 1\nsafe %llu %llu %lld\n"
	    "end %llu %llu %lld\n", (unsigned long long)sdev,
	    (unsigned long long)sino, (long long)safe.off,
	    (unsigned long long)edev, (unsigned long long)eino,
	    (long long)f->cur.off);
	for (i = 0; i < f->ndone; i++) {
		fputs("done ", fp);
		hexkey(fp, f->done[i].key);
		fputc('\n', fp);
	}
	if (fflush(fp) == EOF || fsync(fileno(fp)) == -1) {
		fclose(fp);
		unlink(tmp);
		goto fail;
	}
	if (fclose(fp) == EOF || rename(tmp, f->statepath) == -1) {
		unlink(tmp);
		goto fail;
	}
	f->st.state_writes++;
	memcpy(f->written, sum, sizeof(sum));
	return 0;
 fail:
	f->st.state_failures++;
	log_msg(LOG_ERR, "writing %s: %s", f->statepath, strerror(errno));
	return -1;
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
unhex(const char *s, size_t n, char *out, size_t outsz)
{
	size_t i;

	if (n % 2 != 0 || n / 2 >= outsz)
		return -1;
	for (i = 0; i < n; i += 2) {
		int hi, lo;

		hi = s[i] >= 'a' ? s[i] - 'a' + 10 : s[i] - '0';
		lo = s[i + 1] >= 'a' ? s[i + 1] - 'a' + 10 : s[i + 1] - '0';
		if (hi < 0 || hi > 15 || lo < 0 || lo > 15)
			return -1;
		out[i / 2] = (char)(hi * 16 + lo);
	}
	out[n / 2] = '\0';
	return 0;
}

/* "DEV INO OFF" after a label. */
static int
three(const char *p, unsigned long long *dev, unsigned long long *ino,
    long long *off)
{
	char *end;

	errno = 0;
	*dev = strtoull(p, &end, 10);
	if (*end != ' ')
		return -1;
	*ino = strtoull(end + 1, &end, 10);
	if (*end != ' ')
		return -1;
	*off = strtoll(end + 1, &end, 10);
	if (*end != '\0' || errno != 0 || *off < 0)
		return -1;
	return 0;
}

void
follow_state_free(struct follow_state *st)
{
	free(st->keys);
	st->keys = NULL;
	st->nkeys = 0;
}

int
follow_state_parse(const char *buf, size_t len, struct follow_state *st,
    char *err, size_t errsz)
{
	static const char magic[] = "sshwatch-follow 1\n";
	const char *p = buf + sizeof(magic) - 1, *end = buf + len, *nl;
	char line[FOLLOW_STATE_LINE];
	int has_safe = 0;

	memset(st, 0, sizeof(*st));
	if (len < sizeof(magic) - 1 ||
	    memcmp(buf, magic, sizeof(magic) - 1) != 0) {
		snprintf(err, errsz, "not a follower state file");
		return -1;
	}
	for (; p < end; p = nl + 1) {
		size_t n;

		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    (n = (size_t)(nl - p)) >= sizeof(line) ||
		    memchr(p, '\0', n) != NULL)
			goto damaged;
		memcpy(line, p, n);
		line[n] = '\0';
		if (strncmp(line, "safe ", 5) == 0) {
			if (three(line + 5, &st->sdev, &st->sino,
			    &st->soff) == -1)
				goto damaged;
			has_safe = 1;
		} else if (strncmp(line, "end ", 4) == 0) {
			if (three(line + 4, &st->edev, &st->eino,
			    &st->eoff) == -1)
				goto damaged;
			st->has_end = 1;
		} else if (strncmp(line, "done ", 5) == 0) {
			if (st->nkeys >= FOLLOW_MAX_DONE) {
				snprintf(err, errsz, "more than %d done "
				    "events", FOLLOW_MAX_DONE);
				goto fail;
			}
			if (st->nkeys % 256 == 0) {
				char (*k)[FOLLOW_KEY_MAX] = realloc(st->keys,
				    (st->nkeys + 256) * sizeof(*k));

				if (k == NULL) {
					snprintf(err, errsz, "out of memory");
					goto fail;
				}
				st->keys = k;
			}
			if (unhex(line + 5, n - 5, st->keys[st->nkeys],
			    FOLLOW_KEY_MAX) == -1)
				goto damaged;
			st->nkeys++;
		} else
			goto damaged;
	}
	if (!has_safe) {
		snprintf(err, errsz, "no \"safe\" line");
		goto fail;
	}
	/* qsort() wants a valid base even for no element. */
	if (st->nkeys > 0)
		qsort(st->keys, st->nkeys, FOLLOW_KEY_MAX, cmp_key);
	return 0;
 damaged:
	snprintf(err, errsz, "damaged at byte %zu", (size_t)(p - buf));
 fail:
	follow_state_free(st);
	return -1;
}

/*
 * Reads the state file (a regular file of ours, at most STATE_MAX bytes)
 * into *safe_*, and the skip set.  Returns 1 when read, 0 when there is
 * none, -1 with err set when it is not a state file.
 */
static int
state_load(struct follow *f, unsigned long long *sdev,
    unsigned long long *sino, long long *soff, char *err, size_t errsz)
{
	struct follow_state st;
	struct stat sb;
	char *buf = NULL, why[128];
	ssize_t r;
	size_t got = 0;
	int fd, rc = -1;

	if ((fd = open(f->statepath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errsz, "%s: %s", f->statepath, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > STATE_MAX ||
	    (buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		snprintf(err, errsz, "%s: not a regular file of at most %d "
		    "bytes", f->statepath, STATE_MAX);
		goto out;
	}
	while (got < (size_t)sb.st_size &&
	    (r = read(fd, buf + got, (size_t)sb.st_size - got)) > 0)
		got += (size_t)r;
	if (follow_state_parse(buf, got, &st, why, sizeof(why)) == -1) {
		snprintf(err, errsz, "%s: %s (remove it, or use "
		    "--from-start)", f->statepath, why);
		goto out;
	}
	*sdev = st.sdev;
	*sino = st.sino;
	*soff = st.soff;
	if (st.has_end) {
		f->skip.dev = (dev_t)st.edev;
		f->skip.ino = (ino_t)st.eino;
		f->skip.off = (off_t)st.eoff;
	} else {
		f->skip.dev = (dev_t)st.sdev;
		f->skip.ino = (ino_t)st.sino;
		f->skip.off = (off_t)st.soff;
	}
	f->skip.keys = st.keys;		/* handed over */
	f->skip.n = st.nkeys;
	f->skip.on = 1;
	rc = 1;
 out:
	free(buf);
	close(fd);
	return rc;
}

/*
 * Reads fd from offset 0 for warm_up(): every line before `off' (-1: no
 * such point) as context, the lines after it only when their event was
 * delivered before the stop; up to `limit' (-1: the end).
 */
static void
warm_fd(struct follow *f, int fd, off_t off, off_t limit)
{
	struct src w;
	off_t at = 0;
	ssize_t r;

	memset(&w, 0, sizeof(w));
	if ((w.buf = malloc(FOLLOW_MAX_LINE + READ_SIZE)) == NULL)
		return;
	for (;;) {
		size_t want = READ_SIZE;

		if (off >= 0 && at == off) {
			/* At off: from here only delivered events. */
			src_lines(f, &w, 0);
			f->warming = 2;
			off = -1;
		}
		if (limit >= 0 && limit - at < (off_t)want)
			want = (size_t)(limit - at);
		if (off >= 0 && off - at < (off_t)want)
			want = (size_t)(off - at);
		if (want == 0)
			break;
		r = pread(fd, w.buf + w.end, want, at);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		w.end += (size_t)r;
		at += r;
		src_lines(f, &w, 0);
	}
	src_lines(f, &w, 1);
	free(w.buf);
}

/*
 * Before resuming at offset off of the file now named FILE.k (0: FILE):
 * what came before it goes through the pipeline once more, so that
 * sessions, process ancestry, repeat windows and the correlator's links
 * are what they were when the follower stopped -- the previous rotated
 * file, this file up to off, and after off up to the point read to
 * (maybe in a later file) the events that were delivered then (the open
 * ones come again, live).  The caller has no output yet: nothing is
 * raised twice.
 */
static void
warm_up(struct follow *f, unsigned k, off_t off)
{
	char name[PATH_MAX];
	struct src w;
	unsigned j;

	f->warming = 1;
	rotated_name(f, k + 1, name, sizeof(name));
	if (src_open(f, &w, name) == 0) {
		warm_fd(f, w.fd, -1, -1);
		src_close(&w);
	}
	f->warming = 1;
	if (f->skip.on && f->cur.dev == f->skip.dev &&
	    f->cur.ino == f->skip.ino) {
		warm_fd(f, f->cur.fd, off, f->skip.off);
		goto done;
	}
	warm_fd(f, f->cur.fd, off, -1);
	/* The point read to is in a later file: FILE.k-1 .. FILE. */
	for (j = k; f->skip.on && j-- > 0;) {
		if (j > 0)
			rotated_name(f, j, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "%s", f->path);
		if (src_open(f, &w, name) == -1)
			continue;
		f->warming = 2;
		if (w.dev == f->skip.dev && w.ino == f->skip.ino) {
			warm_fd(f, w.fd, -1, f->skip.off);
			src_close(&w);
			break;
		}
		warm_fd(f, w.fd, -1, -1);
		src_close(&w);
	}
 done:
	/* Events cut at off were delivered before the stop, or come again. */
	framer_flush(f->fr);
	f->warming = 0;
}

struct follow *
follow_new(const char *path, const char *statepath, int from_start,
    const struct framer_limits *lim, framer_fn fn, void *ctx, char *err,
    size_t errsz)
{
	struct follow *f;
	unsigned long long sdev = 0, sino = 0;
	long long soff = 0;
	char *slash;
	size_t i;
	int st = 0;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	f->ifd = -1;
	f->cur.fd = -1;
	f->fn = fn;
	f->ctx = ctx;
	for (i = 0; i < PEND_HASH; i++)
		f->phash[i] = -1;
	for (i = 0; i < PEND_MAX; i++)
		f->pend[i].next = i + 1 < PEND_MAX ? (int)i + 1 : -1;
	f->prune_at = 1024;
	f->path = strdup(path);
	f->dir = strdup(path);
	f->statepath = statepath != NULL ? strdup(statepath) : NULL;
	if (f->path == NULL || f->dir == NULL ||
	    (statepath != NULL && f->statepath == NULL) ||
	    (f->fr = framer_new(lim, on_event, f)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	if ((slash = strrchr(f->dir, '/')) == NULL)
		snprintf(f->dir, strlen(path) + 1, ".");
	else if (slash == f->dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((f->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 ||
	    inotify_add_watch(f->ifd, f->dir, IN_MODIFY | IN_CREATE |
	    IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE |
	    IN_ATTRIB) == -1) {
		snprintf(err, errsz, "inotify on %s: %s", f->dir,
		    strerror(errno));
		goto fail;
	}
	if (f->statepath != NULL && !from_start &&
	    (st = state_load(f, &sdev, &sino, &soff, err, errsz)) == -1)
		goto fail;
	if (st == 1) {
		struct stat sb;
		unsigned k = 0;
		char name[PATH_MAX];

		if (lstat(path, &sb) == 0 && sb.st_dev == (dev_t)sdev &&
		    sb.st_ino == (ino_t)sino) {
			if (src_open(f, &f->cur, path) == -1)
				goto openfail;
		} else if ((k = find_rotated(f, (dev_t)sdev,
		    (ino_t)sino)) != 0) {
			rotated_name(f, k, name, sizeof(name));
			if (src_open(f, &f->cur, name) == -1)
				goto openfail;
			queue_after(f, k);
			log_msg(LOG_INFO, "resuming in %s (rotated while "
			    "stopped)", name);
		} else {
			f->st.lost_files++;
			log_msg(LOG_WARNING, "the file of %s is gone (not %s "
			    "nor %s.1..%d); starting at the beginning of %s",
			    f->statepath, path, path, FOLLOW_MAX_ROTATED,
			    path);
			soff = 0;
			f->skip.on = 0;
		}
		if (f->cur.fd != -1 && (f->cur.dev != (dev_t)sdev ||
		    f->cur.ino != (ino_t)sino)) {
			/* The inode changed between lstat and open. */
			soff = 0;
			f->skip.on = 0;
		}
		if (f->cur.fd != -1) {
			warm_up(f, k, soff);
			if (src_seek(&f->cur, soff) == -1)
				goto openfail;
		}
	}
	return f;
 openfail:
	snprintf(err, errsz, "%s: %s", path, strerror(errno));
 fail:
	follow_free(f);
	return NULL;
}

void
follow_free(struct follow *f)
{
	size_t i;

	if (f == NULL)
		return;
	src_close(&f->cur);
	for (i = 0; i < f->nqueue; i++)
		src_close(&f->queue[i]);
	if (f->ifd != -1)
		close(f->ifd);
	framer_free(f->fr);
	free(f->done);
	free(f->skip.keys);
	free(f->path);
	free(f->dir);
	free(f->statepath);
	free(f);
}

int
follow_fd(const struct follow *f)
{
	return f->ifd;
}

void
follow_age(struct follow *f, time_t now, time_t idle)
{
	framer_age(f->fr, now, idle);
}

struct framer *
follow_framer(struct follow *f)
{
	return f->fr;
}

const struct follow_stats *
follow_stats(struct follow *f)
{
	f->st.pending = f->npend;
	return &f->st;
}
