/*
 * clientcopy: a listening process that runs a copy of the ssh client
 * (see clientcopy.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "auval.h"
#include "clientcopy.h"
#include "rawsys.h"
#include "context.h"
#include "fpr.h"
#include "path.h"
#include "procfs.h"
#include "prog.h"
#include "safeopen.h"
#include "sockrules.h"

#define CC_PATH		256		/* bytes of a reference's path */
#define CC_FUSE_MAGIC	0x65735546	/* a FUSE file may block a read */
#define CC_READER_AGE	3600.0		/* seconds a reader is remembered */

struct cc_id {
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
};

struct cc_ref {
	char		 path[CC_PATH];
	struct cc_id	 id;
	uint8_t		 sha[FPR_SHA256_LEN];
	int		 have;		/* id and sha are set */
};

struct cc_judged {
	struct cc_id	 id;
	uint8_t		 sha[FPR_SHA256_LEN];
	unsigned long long used;	/* 0: free */
};

struct cc_reader {
	char		 node[PROCS_NODE];
	char		 exe[CC_PATH];	/* its exe when it read */
	long long	 pid;
	double		 t;
};

struct clientcopy {
	int			 live;
	struct cc_ref		 refs[CLIENTCOPY_REFS];
	struct cc_judged	 judged[CLIENTCOPY_CACHE];
	unsigned long long	 tick;
	struct cc_reader	 readers[CLIENTCOPY_READERS];
	size_t			 rhand;
	struct clientcopy_stats	 st;
};

static const char *const tags_copy_fwd[] = { "tunnel", "socket",
    "client-copy", "T1572", "T1036.003", NULL };

struct clientcopy *
clientcopy_new(void)
{
	return calloc(1, sizeof(struct clientcopy));
}

void
clientcopy_free(struct clientcopy *c)
{
	free(c);
}

void
clientcopy_set_live(struct clientcopy *c, int on)
{
	if (c != NULL)
		c->live = on;
}

const struct clientcopy_stats *
clientcopy_stats(const struct clientcopy *c)
{
	return &c->st;
}

int
clientcopy_gate(const struct rawsys *s)
{
	return rawsys_syscall_is(s, 50, 363, 201);
}

static void
id_of(const struct stat *st, struct cc_id *id)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtime = st->st_mtim;
}

static int
same_id(const struct cc_id *a, const struct cc_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/*
 * SHA-256 of the open regular file fd of size bytes (at most
 * CLIENTCOPY_MAX_FILE), read from offset 0 into a buffer of its size: a
 * file that shrinks while it is read gives -1, never a fault (no mmap).
 */
static int
hash_fd(struct clientcopy *c, int fd, off_t size, uint8_t out[FPR_SHA256_LEN])
{
	struct statfs sf;
	char *b;
	size_t got = 0;
	ssize_t r;

	if (size < 0 || size > CLIENTCOPY_MAX_FILE)
		return -1;
	if (fstatfs(fd, &sf) == 0 && (unsigned long)sf.f_type == CC_FUSE_MAGIC)
		return -1;
	if ((b = malloc(size > 0 ? (size_t)size : 1)) == NULL)
		return -1;
	while (got < (size_t)size) {
		r = pread(fd, b + got, (size_t)size - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == (size_t)size)
		fpr_sha256(b, got, out);
	free(b);
	c->st.hashes++;
	return got == (size_t)size ? 0 : -1;
}

/* The reference for path, stat'ed and hashed again when it changed. */
static struct cc_ref *
ref_of(struct clientcopy *c, const char *path)
{
	struct cc_ref *r = NULL;
	struct stat st;
	struct cc_id id;
	size_t i, n = strlen(path);
	int fd;

	if (n >= CC_PATH)
		return NULL;
	for (i = 0; i < CLIENTCOPY_REFS && r == NULL; i++)
		if (strcmp(c->refs[i].path, path) == 0)
			r = &c->refs[i];
	for (i = 0; i < CLIENTCOPY_REFS && r == NULL; i++)
		if (c->refs[i].path[0] == '\0') {
			r = &c->refs[i];
			memcpy(r->path, path, n + 1);
		}
	if (r == NULL)
		return NULL;
	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode)) {
		r->have = 0;
		return NULL;
	}
	id_of(&st, &id);
	if (r->have && same_id(&r->id, &id))
		return r;
	r->have = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		id_of(&st, &r->id);
		r->have = hash_fd(c, fd, st.st_size, r->sha) == 0;
	}
	close(fd);
	return r->have ? r : NULL;
}

/* The digest of the file (fd, id), from the cache or hashed now. */
static const uint8_t *
digest_of(struct clientcopy *c, int fd, const struct cc_id *id)
{
	struct cc_judged *j, *old = &c->judged[0];
	size_t i;

	for (i = 0; i < CLIENTCOPY_CACHE; i++) {
		j = &c->judged[i];
		if (j->used != 0 && same_id(&j->id, id)) {
			j->used = ++c->tick;
			return j->sha;
		}
		if (j->used < old->used)
			old = j;
	}
	/* The least recently used entry makes room. */
	old->used = 0;
	if (hash_fd(c, fd, id->size, old->sha) == -1)
		return NULL;
	old->id = *id;
	old->used = ++c->tick;
	return old->sha;
}

int
clientcopy_identify(struct clientcopy *c, int fd, const struct stat *st,
    const char *const *refs, size_t nrefs, const char **which)
{
	const struct cc_ref *r;
	const uint8_t *d = NULL;
	struct cc_id id;
	size_t i;
	int rc = -1;		/* no reference read */

	if (!S_ISREG(st->st_mode))
		return 0;
	id_of(st, &id);
	for (i = 0; i < nrefs; i++) {
		if ((r = ref_of(c, refs[i])) == NULL)
			continue;
		rc = 0;
		if (r->id.dev == id.dev && r->id.ino == id.ino)
			return 2;
		/* Size first: most files are not the client's size. */
		if (r->id.size != id.size)
			continue;
		if (d == NULL && (d = digest_of(c, fd, &id)) == NULL)
			return -1;
		if (memcmp(d, r->sha, FPR_SHA256_LEN) == 0) {
			*which = r->path;
			return 1;
		}
	}
	return rc;
}

void
clientcopy_note_reader(struct clientcopy *c, const char *node,
    long long pid, double t, const char *exe, size_t exelen)
{
	struct cc_reader *r;

	if (c == NULL || pid <= 0)
		return;
	r = &c->readers[c->rhand];
	c->rhand = (c->rhand + 1) % CLIENTCOPY_READERS;
	snprintf(r->node, sizeof(r->node), "%s", node != NULL ? node : "");
	snprintf(r->exe, sizeof(r->exe), "%.*s", (int)(exelen < CC_PATH ?
	    exelen : CC_PATH - 1), exe != NULL ? exe : "");
	r->pid = pid;
	r->t = t;
}

/*
 * Did the process of ev read a client binary before (not too long), and
 * run another file since (its exe then is not its exe now)?
 */
static int
was_reader(const struct clientcopy *c, const struct event *ev, double t)
{
	const char *node = ev->node;
	long long pid = ev->pid;
	size_t n = ev->have_exe ? ev->exe.len : 0;

	size_t i;

	for (i = 0; i < CLIENTCOPY_READERS; i++) {
		const struct cc_reader *r = &c->readers[i];

		if (r->pid == pid && r->pid > 0 && strcmp(r->node, node != NULL ?
		    node : "") == 0 && r->t <= t + 1 &&
		    t - r->t < CC_READER_AGE && n > 0 && !(strlen(r->exe) ==
		    n && memcmp(r->exe, ev->exe.p, n) == 0))
			return 1;
	}
	return 0;
}

int
clientcopy_sock_inode(const char *s, size_t n, unsigned long long *ino)
{
	unsigned long long v = 0;
	size_t i;

	if (n < 10 || memcmp(s, "socket:[", 8) != 0 || s[n - 1] != ']')
		return -1;
	for (i = 8; i < n - 1; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (i == 8)
		return -1;
	*ino = v;
	return 0;
}

/* n hex digits at *p into *v; advances *p.  -1 when not n digits. */
static int
hexn(const char **p, const char *end, size_t n, unsigned long long *v)
{
	size_t i;
	int h;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (*p >= end || (h = auval_hexdigit((unsigned char)**p)) < 0)
			return -1;
		*v = *v << 4 | (unsigned long long)h;
		(*p)++;
	}
	return 0;
}

/* Skips blanks; then the next word [*w, *w + *wn). */
static int
word(const char **p, const char *end, const char **w, size_t *wn)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	*w = *p;
	while (*p < end && **p != ' ' && **p != '\t' && **p != '\n')
		(*p)++;
	*wn = (size_t)(*p - *w);
	return *wn > 0 ? 0 : -1;
}

static int
decimal(const char *w, size_t n, unsigned long long *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 19)
		return -1;
	for (i = 0; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned long long)(w[i] - '0');
	}
	return 0;
}

const char *
clientcopy_tcp_line(const char *s, size_t n, int v6,
    struct clientcopy_sock *out)
{
	const char *p = s, *end = s + n, *w;
	unsigned char a[16];
	unsigned long long v;
	size_t wn, i, na = v6 ? 4 : 1;
	int f;

	memset(out, 0, sizeof(*out));
	out->uid = -1;
	/* "0:" */
	if (word(&p, end, &w, &wn) == -1 || w[wn - 1] != ':' ||
	    decimal(w, wn - 1, &v) == -1)
		return "not a socket line";
	if (word(&p, end, &w, &wn) == -1 || wn != na * 8 + 5)
		return "bad local address";
	for (i = 0; i < na; i++) {
		uint32_t x;

		if (hexn(&w, w + wn, 8, &v) == -1)
			return "bad local address";
		/* The kernel prints each 32-bit word in the host's order. */
		x = (uint32_t)v;
		memcpy(a + 4 * i, &x, 4);
	}
	if (*w++ != ':' || hexn(&w, p, 4, &v) == -1)
		return "bad local port";
	out->sa.port = (unsigned)v;
	out->sa.family = v6 ? SOCKFAM_INET6 : SOCKFAM_INET;
	if (inet_ntop(v6 ? AF_INET6 : AF_INET, a, out->sa.addr,
	    sizeof(out->sa.addr)) == NULL)
		return "bad local address";
	/* rem_address, st, tx:rx, tr:when, retrnsmt, uid, timeout, inode */
	for (f = 0; f < 7; f++) {
		if (word(&p, end, &w, &wn) == -1)
			return "field missing";
		if (f == 1) {
			if (wn != 2 || hexn(&w, w + 2, 2, &v) == -1)
				return "bad state";
			out->listening = v == 0x0A;
		} else if (f == 5) {
			if (decimal(w, wn, &v) == -1 || v > 0xffffffffULL)
				return "bad uid";
			out->uid = (long long)v;
		}
	}
	if (word(&p, end, &w, &wn) == -1 ||
	    decimal(w, wn, &out->inode) == -1)
		return "bad inode";
	return NULL;
}

const char *
clientcopy_unix_line(const char *s, size_t n, struct clientcopy_sock *out)
{
	const char *p = s, *end = s + n, *w;
	unsigned long long v;
	size_t wn;
	int f;

	memset(out, 0, sizeof(*out));
	out->uid = -1;
	out->sa.family = SOCKFAM_UNIX;
	/* Num: RefCount Protocol Flags Type St Inode [Path] */
	if (word(&p, end, &w, &wn) == -1 || w[wn - 1] != ':' ||
	    hexn(&w, w + wn - 1, wn - 1, &v) == -1)
		return "not a socket line";
	for (f = 0; f < 6; f++) {
		if (word(&p, end, &w, &wn) == -1)
			return "field missing";
		if (f == 2) {
			if (wn != 8 || hexn(&w, w + 8, 8, &v) == -1)
				return "bad flags";
			/* __SO_ACCEPTCON: listen(2) was called. */
			out->listening = (v & 0x10000) != 0;
		}
	}
	if (decimal(w, wn, &out->inode) == -1)
		return "bad inode";
	while (p < end && *p == ' ')
		p++;
	wn = (size_t)(end - p);
	while (wn > 0 && (p[wn - 1] == '\n' || p[wn - 1] == ' '))
		wn--;
	if (wn == 0) {
		out->sa.unnamed = 1;
		return NULL;
	}
	if (p[0] == '@') {
		out->sa.abstract = 1;
		p++;
		wn--;
	}
	if (wn > SOCKADDR_MAX_PATH)
		return "path too long";
	memcpy(out->sa.path, p, wn);
	out->sa.path[wn] = '\0';
	out->sa.pathlen = wn;
	return NULL;
}

/*
 * At most max bytes of a /proc file relative to dirfd, in a malloc'd
 * buffer with a NUL after them (procfs_read_at()).
 */
static char *
proc_read(int dirfd, const char *name, size_t max, size_t *len)
{
	char *b;
	ssize_t n;
	int full;

	if ((b = malloc(max + 1)) == NULL)
		return NULL;
	if ((n = procfs_read_at(dirfd, name, b, max, &full)) < 0) {
		free(b);
		return NULL;
	}
	b[n] = '\0';
	*len = (size_t)n;
	return b;
}

/* Room for the sockets of one alert and their text. */
struct cc_found {
	struct clientcopy_sock	 s[CLIENTCOPY_SOCKS];
	size_t			 n;
	int			 exact;		/* by the listen's descriptor */
};

/*
 * The listening sockets of net/tcp, tcp6, unix under pd: the one of
 * inode ino when ino is not 0, else the listening TCP sockets of uid.
 */
static void
scan_net(int pd, unsigned long long ino, long long uid, struct cc_found *f)
{
	static const char *const files[] = { "net/tcp", "net/tcp6",
	    "net/unix" };
	struct clientcopy_sock s;
	const char *p, *e, *why;
	size_t k, len;
	char *b;

	for (k = 0; k < 3 && f->n < CLIENTCOPY_SOCKS; k++) {
		if (ino == 0 && k == 2)
			break;
		if ((b = proc_read(pd, files[k], CLIENTCOPY_NET_MAX, &len)) ==
		    NULL)
			continue;
		for (p = b; p < b + len && f->n < CLIENTCOPY_SOCKS; p = e + 1) {
			if ((e = memchr(p, '\n', (size_t)(b + len - p))) == NULL)
				e = b + len;
			why = k == 2 ? clientcopy_unix_line(p, (size_t)(e - p),
			    &s) : clientcopy_tcp_line(p, (size_t)(e - p),
			    k == 1, &s);
			if (why != NULL || !s.listening)
				continue;
			if (ino != 0 ? s.inode == ino : s.uid == uid)
				f->s[f->n++] = s;
			if (ino != 0 && s.inode == ino)
				break;
		}
		free(b);
		if (ino != 0 && f->n > 0)
			break;
	}
}

/* The sockets the listen's descriptor (a0) names, or of its account. */
static void
listeners(int pd, const struct event *ev, struct cc_found *f)
{
	char name[32], link[64];
	unsigned long long ino;
	ssize_t n;

	memset(f, 0, sizeof(*f));
	snprintf(name, sizeof(name), "fd/%llu", ev->a[0] & 0xffffffffULL);
	n = readlinkat(pd, name, link, sizeof(link) - 1);
	if (n > 0 && clientcopy_sock_inode(link, (size_t)n, &ino) == 0) {
		scan_net(pd, ino, -1, f);
		if (f->n > 0) {
			f->exact = 1;
			return;
		}
	}
	/* No ptrace access to the process: its account's listeners. */
	if (ev->euid >= 0)
		scan_net(pd, 0, ev->euid, f);
}

/* The installed ssh clients to compare with, NULL-ended in v. */
static size_t
refs_of(const struct rules_ctx *rc, const char **v, size_t max)
{
	static const char *const dflt[] = { "/usr/bin/ssh", "/bin/ssh",
	    "/usr/local/bin/ssh", NULL };
	size_t i, n = 0;
	struct stat st;

	for (i = 0; dflt[i] != NULL && n < max; i++)
		if (stat(dflt[i], &st) == 0)
			v[n++] = dflt[i];
	for (i = 0; rc->cfg != NULL && i < rc->cfg->prog_paths[SSHPROG_SSH].n &&
	    n < max; i++)
		v[n++] = rc->cfg->prog_paths[SSHPROG_SSH].v[i];
	return n;
}

/* How the file the process runs was opened. */
enum cc_route { CC_NONE, CC_EXE_LINK, CC_EXE_PATH, CC_LDSO };

/*
 * Opens the file the process runs: /proc/PID/exe (ptrace access), else
 * the exe path of the record, or for the loader the program of its argv.
 */
static int
open_program(int pd, const struct event *ev, const char *argv,
    enum cc_route *route, char *name, size_t namesz)
{
	const char *w, *why;
	struct stat st;
	char cwd[1024];
	size_t n;
	ssize_t cn;
	int fd, ldso;

	ldso = ev->have_exe && prog_is_ldso(ev->exe.p, ev->exe.len);
	if (!ldso && (fd = openat(pd, "exe", O_RDONLY | O_NONBLOCK |
	    O_CLOEXEC)) != -1) {
		*route = CC_EXE_LINK;
		snprintf(name, namesz, "%.*s", ev->have_exe ? (int)(ev->exe.len <
		    512 ? ev->exe.len : 512) : 0, ev->have_exe ? ev->exe.p : "");
		return fd;
	}
	name[0] = '\0';
	if (!ldso) {
		if (!ev->have_exe || ev->exe.len == 0 || ev->exe.p[0] != '/' ||
		    ev->exe.len >= namesz || (ev->exe.len > 10 &&
		    memcmp(ev->exe.p + ev->exe.len - 10, " (deleted)", 10) ==
		    0))
			return -1;
		memcpy(name, ev->exe.p, ev->exe.len);
		name[ev->exe.len] = '\0';
		*route = CC_EXE_PATH;
	} else {
		if (argv == NULL || (w = sockrules_ldso_program(argv, &n)) ==
		    NULL || n == 0)
			return -1;
		if (w[0] == '/') {
			if (n >= namesz)
				return -1;
			memcpy(name, w, n);
			name[n] = '\0';
		} else {
			cn = readlinkat(pd, "cwd", cwd, sizeof(cwd) - 1);
			if (cn <= 0 || cwd[0] != '/' || (size_t)cn + 1 + n >=
			    namesz)
				return -1;
			snprintf(name, namesz, "%.*s/%.*s", (int)cn, cwd,
			    (int)n, w);
		}
		*route = CC_LDSO;
	}
	/* The path as root reads it, the file itself no link, not blocking. */
	return safeopen_fd(name, 0, SAFEOPEN_NOFOLLOW, &st, &why);
}

/* One step up, for a copy: a renamed client's listener. */
static enum severity
step_up(enum severity s)
{
	if (s < SEV_MEDIUM)
		return SEV_MEDIUM;
	return s < SEV_HIGH ? SEV_HIGH : s;
}

static void
describe_sock(char *out, size_t outsz, const struct clientcopy_sock *s)
{
	if (s->sa.family == SOCKFAM_INET)
		snprintf(out, outsz, "listen %s:%u", s->sa.addr, s->sa.port);
	else if (s->sa.family == SOCKFAM_INET6)
		snprintf(out, outsz, "listen [%s]:%u", s->sa.addr, s->sa.port);
	else
		snprintf(out, outsz, "listen unix:%s%s", s->sa.abstract ? "@" :
		    "", s->sa.unnamed ? "(unnamed)" : s->sa.path);
}

/* The alert's strings, until fn() returns. */
struct cc_run {
	struct cc_found	 f;
	char		 sock[CLIENTCOPY_SOCKS][SOCKADDR_MAX_PATH + 48];
	char		 what[700];
	char		 argv[PROCS_ARGV + 8];
	char		 file[640];
	char		 name[600];
	struct proc	 p;
};

int
clientcopy_run(const struct rules_ctx *rc, const struct event *ev,
    alert_fn fn, void *ctx)
{
	static struct cc_run r;
	struct clientcopy *c = rc->copies;
	const char *refs[CLIENTCOPY_REFS], *which = NULL, *argv = NULL;
	const struct proc *self = NULL;
	enum cc_route route = CC_NONE;
	enum severity sev = SEV_MEDIUM;
	struct stat st;
	struct alert a;
	double t;
	size_t i, nrefs;
	char dir[40];
	int pd = -1, fd = -1, id = -1, reader, live, found = 0;

	if (c == NULL || ev->pid <= 0 || ev->success != 1)
		return 0;
	c->st.listens++;
	t = context_time(ev->time, strlen(ev->time));
	reader = was_reader(c, ev, t);
	if (rc->ctx != NULL)
		self = procs_find(context_procs(rc->ctx), ev->node, ev->pid, t);
	/* The exec record's argv first: the process may rewrite cmdline. */
	argv = self != NULL ? self->argv : NULL;
	memset(&r.f, 0, sizeof(r.f));
	r.name[0] = '\0';
	/* This host's event, recent, in plugin mode (context.h). */
	live = c->live && rc->ctx != NULL && context_procfs_ok(rc->ctx,
	    ev->node, t);
	if (live) {
		/* Still the process of the event?  (Not gone, pid not reused.) */
		procfs_read(ev->pid, t, &r.p);
		if (r.p.source != PROC_SRC_PROC)
			goto judge;
		if (argv == NULL)
			argv = r.p.argv;
		snprintf(dir, sizeof(dir), "/proc/%lld", ev->pid);
		if ((pd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
			goto judge;
		fd = open_program(pd, ev, argv, &route, r.name, sizeof(r.name));
		if (fd == -1)
			c->st.unreadable++;
		else if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			nrefs = refs_of(rc, refs, CLIENTCOPY_REFS);
			id = clientcopy_identify(c, fd, &st, refs, nrefs, &which);
		}
		/* The client itself: its bind raised the socket rules. */
		if (id == 2)
			goto out;
		/* Compared and not a copy (-1: not compared): no history. */
		if (id == 0)
			reader = 0;
		if (id == 1 || reader)
			listeners(pd, ev, &r.f);
	}
 judge:
	if (id != 1 && !reader)
		goto out;
	/* A client by name and file: the socket rules judged its bind. */
	if (id != 1 && ev->have_exe && ev->exe.len > 0 &&
	    prog_of_path(rc->cfg, ev->exe.p, ev->exe.len) != SSHPROG_NONE)
		goto out;
	memset(&a, 0, sizeof(a));
	a.rule = "ssh-forward-listen";
	a.confidence = CONF_HIGH;
	a.tags = tags_copy_fwd;
	a.ev = ev;
	a.file_dirfd = -1;
	a.sock_op = "listen";
	a.sock_owner = -1;
	a.sock_in_argv = -1;
	a.program = SSHPROG_SSH;
	rules_enrich(rc, ev, &a);
	if (id == 1) {
		snprintf(r.what, sizeof(r.what), "copy of %s: %s (same size "
		    "and SHA-256, another file)", which, route == CC_LDSO ?
		    "the program ld.so runs" : route == CC_EXE_LINK ?
		    "/proc/PID/exe" : "its exe path");
		a.via = route == CC_LDSO ? "ld.so copy" : "copy";
	} else {
		snprintf(r.what, sizeof(r.what), "the process read an ssh "
		    "client binary, then runs another file: a copy (memfd, "
		    "or a file it wrote)");
		a.via = "copy";
		a.confidence = CONF_MEDIUM;
		a.note = "judged by the process's history: its file's content "
		    "was not compared";
	}
	a.match[a.nmatch++] = r.what;
	if (r.name[0] != '\0' && route != CC_EXE_LINK) {
		snprintf(r.file, sizeof(r.file), "file %s", r.name);
		a.match[a.nmatch++] = r.file;
	}
	for (i = 0; i < r.f.n; i++) {
		enum severity s = step_up(sockrules_listen_severity(&r.f.s[i].sa));

		describe_sock(r.sock[i], sizeof(r.sock[i]), &r.f.s[i]);
		a.match[a.nmatch++] = r.sock[i];
		if (i == 0 || s > sev)
			sev = s;
	}
	if (r.f.n == 1 && r.f.exact)
		a.sock = &r.f.s[0].sa;
	if (r.f.n == 0) {
		sev = SEV_MEDIUM;
		a.confidence = CONF_MEDIUM;
		a.note = live ? "the listening socket was not found" :
		    "/proc not read (replay, or an old or other host's "
		    "event): the address is in no record";
	} else if (!r.f.exact) {
		a.confidence = CONF_MEDIUM;
		a.note = "the listen's descriptor was not readable (no ptrace "
		    "access): the listening sockets of its account are shown";
	}
	a.severity = sev;
	if (argv != NULL && argv[0] != '\0' && a.nmatch < ALERT_MAX_MATCH) {
		snprintf(r.argv, sizeof(r.argv), "argv: %s", argv);
		a.match[a.nmatch++] = r.argv;
	}
	c->st.copies++;
	fn(ctx, &a);
	found = 1;
 out:
	if (fd != -1)
		close(fd);
	if (pd != -1)
		close(pd);
	return found;
}
