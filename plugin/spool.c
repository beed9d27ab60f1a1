/*
 * spool: crash-safe disk queue (see spool.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "spool.h"

#define SPOOL_MAGIC	"SSHWSPL1"
#define SPOOL_VERSION	1
#define ENTRY_MAGIC	0x31455753UL	/* "SWE1" */

struct spool {
	int			 fd;
	char			*path;
	size_t			 max_size;
	enum spool_policy	 policy;
	uint64_t		 head, tail;	/* offsets */
	uint64_t		 head_seq, next_seq;
	uint32_t		 next_serial;
	size_t			 count;
	struct spool_stats	 st;
	char			 notice[512];	/* what open had to repair */
};

uint32_t
spool_crc32(uint32_t crc, const void *p, size_t n)
{
	static uint32_t table[256];
	const unsigned char *b = p;
	size_t i;

	if (table[1] == 0) {
		uint32_t c;
		int k, j;

		for (k = 0; k < 256; k++) {
			c = (uint32_t)k;
			for (j = 0; j < 8; j++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			table[k] = c;
		}
	}
	crc = ~crc;
	for (i = 0; i < n; i++)
		crc = table[(crc ^ b[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void
header_image(const struct spool *s, unsigned char *h)
{
	memset(h, 0, SPOOL_HEADER);
	memcpy(h, SPOOL_MAGIC, 8);
	put32(h + 8, SPOOL_VERSION);
	put64(h + 16, s->head);
	put64(h + 24, s->head_seq);
	put32(h + 32, s->next_serial);
	put32(h + 12, spool_crc32(0, h, SPOOL_HEADER));
}

/* Checks a header image; fills head, head_seq, next_serial. */
static const char *
header_parse(const unsigned char *h, size_t n, uint64_t *head,
    uint64_t *head_seq, uint32_t *serial)
{
	unsigned char copy[SPOOL_HEADER];

	if (n < SPOOL_HEADER)
		return "shorter than its header";
	if (memcmp(h, SPOOL_MAGIC, 8) != 0)
		return "not a spool file (no magic)";
	if (get32(h + 8) != SPOOL_VERSION)
		return "unknown spool version";
	memcpy(copy, h, SPOOL_HEADER);
	memset(copy + 12, 0, 4);
	if (spool_crc32(0, copy, SPOOL_HEADER) != get32(h + 12))
		return "header checksum mismatch";
	*head = get64(h + 16);
	*head_seq = get64(h + 24);
	*serial = get32(h + 32);
	if (*head < SPOOL_HEADER)
		return "head offset inside the header";
	return NULL;
}

/*
 * Checks the entry at off of a file image: returns its total size, or 0
 * when it is torn, corrupt or not the expected sequence.
 */
static size_t
entry_check(const unsigned char *img, size_t n, uint64_t off, uint64_t seq)
{
	const unsigned char *e = img + off;
	uint32_t len, crc;

	if (off > n || n - off < SPOOL_ENTRY_HEADER)
		return 0;
	len = get32(e + 4);
	if (get32(e) != ENTRY_MAGIC || len > SPOOL_MAX_ENTRY ||
	    n - off - SPOOL_ENTRY_HEADER < len || get64(e + 8) != seq)
		return 0;
	crc = spool_crc32(0, e + 8, 8);
	crc = spool_crc32(crc, e + SPOOL_ENTRY_HEADER, len);
	if (crc != get32(e + 16))
		return 0;
	return SPOOL_ENTRY_HEADER + len;
}

const char *
spool_scan(const unsigned char *img, size_t n, size_t *count, size_t *tail)
{
	uint64_t head, seq, off;
	uint32_t serial;
	const char *e;
	size_t sz;

	*count = 0;
	*tail = SPOOL_HEADER;
	if ((e = header_parse(img, n, &head, &seq, &serial)) != NULL)
		return e;
	for (off = head; (sz = entry_check(img, n, off, seq)) != 0;
	    off += sz, seq++)
		(*count)++;
	*tail = off < n ? off : n;
	return NULL;
}

static int
write_at(int fd, const void *p, size_t n, off_t off)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = pwrite(fd, c, n, off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

static int
read_at(int fd, void *p, size_t n, off_t off)
{
	char *c = p;
	ssize_t r;

	while (n > 0) {
		r = pread(fd, c, n, off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

static int
header_write(struct spool *s)
{
	unsigned char h[SPOOL_HEADER];

	header_image(s, h);
	if (write_at(s->fd, h, SPOOL_HEADER, 0) == -1 ||
	    fdatasync(s->fd) == -1) {
		s->st.io_errors++;
		return -1;
	}
	return 0;
}

/* A fresh, empty spool in s->fd. */
static int
spool_reset(struct spool *s)
{
	s->head = s->tail = SPOOL_HEADER;
	s->count = 0;
	if (ftruncate(s->fd, SPOOL_HEADER) == -1)
		return -1;
	return header_write(s);
}

/* Reads the whole file and finds head, tail and the count. */
static int
spool_load(struct spool *s, char *err, size_t errsz)
{
	struct stat st;
	unsigned char *img = NULL;
	const char *why;
	uint64_t off, seq;
	uint32_t serial;
	size_t sz;
	int rc = -1;

	if (fstat(s->fd, &st) == -1) {
		snprintf(err, errsz, "%s: %s", s->path, strerror(errno));
		return -1;
	}
	if (st.st_size == 0)
		return spool_reset(s);
	if ((img = malloc((size_t)st.st_size)) == NULL ||
	    read_at(s->fd, img, (size_t)st.st_size, 0) == -1) {
		snprintf(err, errsz, "%s: cannot read it", s->path);
		goto out;
	}
	if ((why = header_parse(img, (size_t)st.st_size, &s->head,
	    &s->head_seq, &serial)) != NULL) {
		char aside[4096];

		/* Keep the evidence; start afresh. */
		s->st.corrupt_headers++;
		snprintf(aside, sizeof(aside), "%s.corrupt", s->path);
		if (rename(s->path, aside) == -1) {
			snprintf(err, errsz, "%s: %s, and it cannot be moved "
			    "aside: %s", s->path, why, strerror(errno));
			goto out;
		}
		snprintf(err, errsz, "%s: %s; moved to %s", s->path, why,
		    aside);
		free(img);
		return 1;
	}
	s->next_serial = serial;
	for (off = s->head, seq = s->head_seq;
	    (sz = entry_check(img, (size_t)st.st_size, off, seq)) != 0;
	    off += sz, seq++)
		s->count++;
	s->tail = off;
	s->next_seq = seq;
	s->st.recovered = s->count;
	if ((uint64_t)st.st_size > off) {
		/* A torn or corrupt tail: cut it off. */
		s->st.cut_at_open = (unsigned long long)st.st_size - off;
		if (ftruncate(s->fd, (off_t)off) == -1 || fdatasync(s->fd) ==
		    -1) {
			snprintf(err, errsz, "%s: %s", s->path, strerror(errno));
			goto out;
		}
	}
	if (s->count == 0 && s->head != SPOOL_HEADER) {
		s->head_seq = s->next_seq;
		rc = spool_reset(s);
		goto out;
	}
	rc = 0;
 out:
	free(img);
	return rc;
}

static int
spool_openfd(struct spool *s, char *err, size_t errsz)
{
	struct stat st;

	s->fd = open(s->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (s->fd == -1) {
		snprintf(err, errsz, "%s: %s", s->path, strerror(errno));
		return -1;
	}
	if (fstat(s->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", s->path);
		return -1;
	}
	if (flock(s->fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(err, errsz, "%s: in use by another process", s->path);
		return -1;
	}
	return 0;
}

struct spool *
spool_open(const char *path, size_t max_size, enum spool_policy policy,
    char *err, size_t errsz)
{
	struct spool *s;
	int r;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		free(s);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	s->max_size = max_size;
	s->policy = policy;
	s->next_serial = 1;
	s->fd = -1;
	for (;;) {
		if (spool_openfd(s, err, errsz) == -1)
			goto fail;
		if ((r = spool_load(s, err, errsz)) == -1)
			goto fail;
		if (r == 0)
			break;
		/* The corrupt file was moved aside: open a new one. */
		close(s->fd);
		snprintf(s->notice, sizeof(s->notice), "%s", err);
		s->head = s->tail = 0;
		s->head_seq = s->next_seq = 0;
		s->count = 0;
		s->next_serial = 1;
	}
	return s;
 fail:
	if (s->fd != -1)
		close(s->fd);
	free(s->path);
	free(s);
	return NULL;
}

void
spool_close(struct spool *s)
{
	if (s == NULL)
		return;
	close(s->fd);
	free(s->path);
	free(s);
}

/*
 * Rewrites the live entries to PATH.new and renames it over the spool,
 * when the acknowledged prefix outgrows the live part and is at least
 * 1 MiB, or max_size when that is smaller: the file then stays under
 * twice max_size (drop_oldest at the cap acknowledges without end), and
 * the copying costs at most one byte per byte appended.
 */
static int
spool_compact(struct spool *s)
{
	char tmp[4096];
	unsigned char h[SPOOL_HEADER], chunk[65536];
	uint64_t off, live = s->tail - s->head, least = 1024 * 1024;
	int fd;

	if (s->max_size < least)
		least = s->max_size;
	if (s->head - SPOOL_HEADER <= live || s->head - SPOOL_HEADER < least)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.new", s->path);
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return -1;
	for (off = 0; off < live; off += sizeof(chunk)) {
		size_t n = live - off < sizeof(chunk) ? (size_t)(live - off) :
		    sizeof(chunk);

		if (read_at(s->fd, chunk, n, (off_t)(s->head + off)) == -1 ||
		    write_at(fd, chunk, n, (off_t)(SPOOL_HEADER + off)) == -1)
			goto fail;
	}
	s->tail = SPOOL_HEADER + live;
	s->head = SPOOL_HEADER;
	header_image(s, h);
	if (write_at(fd, h, SPOOL_HEADER, 0) == -1 || fsync(fd) == -1 ||
	    flock(fd, LOCK_EX | LOCK_NB) == -1 || rename(tmp, s->path) == -1)
		goto fail;
	close(s->fd);
	s->fd = fd;
	return 0;
 fail:
	s->st.io_errors++;
	close(fd);
	unlink(tmp);
	return -1;
}

int
spool_append(struct spool *s, const void *p, size_t len)
{
	unsigned char eh[SPOOL_ENTRY_HEADER];
	uint32_t crc;

	if (len > SPOOL_MAX_ENTRY) {
		s->st.dropped_new++;
		return 1;
	}
	while (s->tail - s->head + SPOOL_ENTRY_HEADER + len > s->max_size) {
		if (s->policy == SPOOL_DROP_NEW || s->count == 0) {
			s->st.dropped_new++;
			return 1;
		}
		if (spool_ack(s) == -1)
			return -1;
		s->st.acked--;
		s->st.dropped_old++;
	}
	put32(eh, ENTRY_MAGIC);
	put32(eh + 4, (uint32_t)len);
	put64(eh + 8, s->next_seq);
	crc = spool_crc32(0, eh + 8, 8);
	put32(eh + 16, spool_crc32(crc, p, len));
	put32(eh + 20, 0);
	if (write_at(s->fd, eh, sizeof(eh), (off_t)s->tail) == -1 ||
	    write_at(s->fd, p, len, (off_t)(s->tail + sizeof(eh))) == -1 ||
	    fdatasync(s->fd) == -1) {
		s->st.io_errors++;
		/* Leave nothing half-written behind the tail. */
		if (ftruncate(s->fd, (off_t)s->tail) == -1)
			s->st.io_errors++;
		return -1;
	}
	s->tail += sizeof(eh) + len;
	s->next_seq++;
	s->count++;
	s->st.appended++;
	return 0;
}

int
spool_peek(struct spool *s, void *buf, size_t bufsz, size_t *len,
    uint64_t *seq)
{
	unsigned char eh[SPOOL_ENTRY_HEADER];
	uint32_t n;

	if (s->count == 0)
		return 0;
	if (read_at(s->fd, eh, sizeof(eh), (off_t)s->head) == -1) {
		s->st.io_errors++;
		return -1;
	}
	n = get32(eh + 4);
	*len = n;
	*seq = get64(eh + 8);
	if (n > bufsz)
		n = (uint32_t)bufsz;
	if (read_at(s->fd, buf, n, (off_t)(s->head + sizeof(eh))) == -1) {
		s->st.io_errors++;
		return -1;
	}
	return 1;
}

int
spool_ack(struct spool *s)
{
	unsigned char eh[SPOOL_ENTRY_HEADER];

	if (s->count == 0)
		return 0;
	if (read_at(s->fd, eh, sizeof(eh), (off_t)s->head) == -1) {
		s->st.io_errors++;
		return -1;
	}
	s->head += sizeof(eh) + get32(eh + 4);
	s->head_seq++;
	s->count--;
	s->st.acked++;
	if (s->count == 0) {
		s->head_seq = s->next_seq;
		return spool_reset(s);
	}
	if (header_write(s) == -1)
		return -1;
	return spool_compact(s);
}

size_t
spool_count(const struct spool *s)
{
	return s->count;
}

size_t
spool_bytes(const struct spool *s)
{
	return (size_t)(s->tail - s->head);
}

uint32_t
spool_next_serial(struct spool *s)
{
	return s->next_serial;
}

void
spool_set_serial(struct spool *s, uint32_t serial)
{
	/* Written with the next header; a crash may repeat a few serials,
	 * each with another time stamp, so records stay distinct. */
	s->next_serial = serial != 0 ? serial : 1;
}

const struct spool_stats *
spool_stats(const struct spool *s)
{
	return &s->st;
}

const char *
spool_notice(const struct spool *s)
{
	return s->notice[0] != '\0' ? s->notice : NULL;
}
