/*
 * context: process and session tables fed from raw records (see
 * context.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libaudit.h>

#include "auval.h"
#include "buf.h"
#include "context.h"
#include "procfs.h"
#include "correlate.h"
#include "path.h"
#include "procfs.h"
#include "rawrec.h"
#include "rawsys.h"

struct context {
	struct procs		*procs;
	struct sessions		*sessions;
	struct buf		 val;
	struct correlate	*corr;
	struct context_stats	 st;
	/* Plugin mode: parents the table lacks, from /proc (procfs.h). */
	int			 procfs;
	char			 host[PROCS_NODE];	/* this host's node */
	struct proc		 live[PROCS_DEPTH];
	/* The last walk, for the many alerts of one event. */
	int			 memo_ok;
	char			 memo_node[PROCS_NODE];
	long long		 memo_ppid;
	double			 memo_t;
	const struct proc	*memo[PROCS_DEPTH];
	size_t			 memo_n, memo_max;
};

struct context *
context_new(void)
{
	struct context *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->procs = procs_new(PROCS_MAX);
	c->sessions = sessions_new(SESSIONS_MAX);
	if (c->procs == NULL || c->sessions == NULL) {
		context_free(c);
		return NULL;
	}
	buf_init(&c->val, 8192);
	return c;
}

void
context_free(struct context *c)
{
	if (c == NULL)
		return;
	procs_free(c->procs);
	sessions_free(c->sessions);
	buf_free(&c->val);
	free(c);
}

double
context_time(const char *stamp, size_t n)
{
	double t = 0, frac = 0.1;
	size_t i = 0;

	for (; i < n && stamp[i] >= '0' && stamp[i] <= '9'; i++)
		t = t * 10 + (stamp[i] - '0');
	if (i < n && stamp[i] == '.')
		for (i++; i < n && stamp[i] >= '0' && stamp[i] <= '9'; i++) {
			t += (stamp[i] - '0') * frac;
			frac /= 10;
		}
	return t;
}

/*
 * Copies a decoded field value into out[0..outsz), cut with "..." when
 * longer; returns 1 when it was cut.
 */
static int
copy_value(struct context *c, const char *v, size_t n, char *out,
    size_t outsz)
{
	size_t take;

	buf_reset(&c->val);
	if (auval_decode(v, n, &c->val) == AUVAL_INVALID)
		buf_add(&c->val, v, n);		/* hostname=, addr= are raw */
	take = c->val.len < outsz - 1 ? c->val.len : outsz - 1;
	memcpy(out, buf_str(&c->val), take);
	out[take] = '\0';
	/* A NUL inside ends the display copy, as argv would. */
	if (c->val.len > take) {
		if (outsz > 4)
			memcpy(out + outsz - 4, "...", 4);
		return 1;
	}
	return 0;
}

/* Appends the arguments of one EXECVE record to argv (display copy). */
static void
add_args(struct context *c, const char *rec, size_t len, char *argv,
    size_t *used, int *cut)
{
	const char *p = rec, *end = rec + len, *sp, *eq;

	while (p < end && *used < PROCS_ARGV - 1) {
		sp = memchr(p, ' ', (size_t)(end - p));
		if (sp == NULL)
			sp = end;
		eq = memchr(p, '=', (size_t)(sp - p));
		/* aN= and aN[k]= carry argv; argc=, aN_len= do not. */
		if (eq != NULL && p[0] == 'a' && p + 1 < eq && p[1] >= '0' &&
		    p[1] <= '9' && memchr(p, '_', (size_t)(eq - p)) == NULL) {
			char piece[PROCS_ARGV];
			const char *br = memchr(p, '[', (size_t)(eq - p));
			int first = br == NULL || (br[1] == '0' && br[2] == ']');
			size_t n;

			*cut |= copy_value(c, eq + 1, (size_t)(sp - eq - 1),
			    piece, sizeof(piece));
			n = strlen(piece);
			/* A new argument gets a space; a later piece not. */
			if (*used > 0 && first && *used < PROCS_ARGV - 1)
				argv[(*used)++] = ' ';
			if (n > PROCS_ARGV - 1 - *used) {
				n = PROCS_ARGV - 1 - *used;
				*cut = 1;
			}
			memcpy(argv + *used, piece, n);
			*used += n;
			argv[*used] = '\0';
		}
		p = sp + 1;
	}
}

static void
observe_exec(struct context *c, const struct framer_event *fe,
    const struct rawsys *sys)
{
	struct proc e;
	size_t n, i, used = 0;

	if (sys->success != 1)
		return;
	memset(&e, 0, sizeof(e));
	if (fe->node != NULL) {
		n = fe->nodelen < PROCS_NODE - 1 ? fe->nodelen : PROCS_NODE - 1;
		memcpy(e.node, fe->node, n);
	}
	e.pid = sys->pid;
	e.ppid = sys->ppid;
	e.auid = sys->auid;
	e.uid = sys->uid;
	e.ses = sys->ses;
	e.t = context_time(fe->stamp, fe->stamplen);
	if (e.pid < 0)
		return;
	if (sys->exe != NULL)
		e.cut |= copy_value(c, sys->exe, sys->exelen, e.exe,
		    sizeof(e.exe));
	for (i = 0; i < fe->nrecs; i++)
		if (fe->recs[i].type == AUDIT_EXECVE)
			add_args(c, fe->text + fe->recs[i].off,
			    fe->recs[i].len, e.argv, &used, &e.cut);
	c->st.execs++;
	procs_exec(c->procs, &e);
}

/* sshd's USER_START (session open) and USER_END (close). */
static void
observe_session(struct context *c, const struct framer_event *fe,
    const char *rec, size_t len, int type)
{
	struct session s;
	const char *v;
	size_t n, blen;
	char exe[SESSIONS_STR];

	v = rawrec_field(rec, len, "res=", 4, 1, &n);
	if (v == NULL || n != 7 || memcmp(v, "success", 7) != 0)
		return;
	if ((v = rawrec_field(rec, len, "exe=", 4, 0, &n)) == NULL)
		return;
	copy_value(c, v, n, exe, sizeof(exe));
	path_base(exe, strlen(exe), &blen);
	if (blen != 4 || strcmp(exe + strlen(exe) - 4, "sshd") != 0)
		return;
	memset(&s, 0, sizeof(s));
	if (fe->node != NULL) {
		n = fe->nodelen < SESSIONS_STR - 1 ? fe->nodelen :
		    SESSIONS_STR - 1;
		memcpy(s.node, fe->node, n);
	}
	if ((s.ses = rawrec_num(rec, len, "ses=", 4)) < 0 ||
	    s.ses == 4294967295LL)
		return;
	if (type == AUDIT_USER_END) {
		c->st.sessions_closed++;
		sessions_close(c->sessions, s.node, s.ses);
		return;
	}
	memcpy(s.exe, exe, sizeof(s.exe));
	if ((v = rawrec_field(rec, len, "acct=", 5, 0, &n)) != NULL)
		copy_value(c, v, n, s.acct, sizeof(s.acct));
	if ((v = rawrec_field(rec, len, "addr=", 5, 0, &n)) != NULL &&
	    !(n == 1 && *v == '?'))
		copy_value(c, v, n, s.addr, sizeof(s.addr));
	else if ((v = rawrec_field(rec, len, "hostname=", 9, 0, &n)) != NULL)
		copy_value(c, v, n, s.addr, sizeof(s.addr));
	n = fe->stamplen;
	if ((v = memchr(fe->stamp, ':', n)) != NULL)
		n = (size_t)(v - fe->stamp);
	if (n >= sizeof(s.start))
		n = sizeof(s.start) - 1;
	memcpy(s.start, fe->stamp, n);
	s.t = context_time(fe->stamp, fe->stamplen);
	c->st.sessions_opened++;
	sessions_open(c->sessions, &s);
	if (c->corr != NULL) {
		struct corr_in in;

		memset(&in, 0, sizeof(in));
		snprintf(in.node, sizeof(in.node), "%s", s.node);
		snprintf(in.stamp, sizeof(in.stamp), "%s", s.start);
		in.t = s.t;
		in.ses = s.ses;
		snprintf(in.acct, sizeof(in.acct), "%s", s.acct);
		snprintf(in.addr, sizeof(in.addr), "%s", s.addr);
		correlate_inbound(c->corr, &in);
	}
}

/*
 * sshd's CRYPTO_KEY_USER and CRYPTO_SESSION records give the node's own
 * address (laddr=): correlate learns which node a destination names.
 * USER_LOGIN's addr= is the client's address, not the node's.
 */
static void
observe_laddr(struct context *c, const struct framer_event *fe,
    const char *rec, size_t len)
{
	char node[CORR_STR], addr[CORR_STR];
	const char *v;
	size_t n;

	if (c->corr == NULL || fe->node == NULL ||
	    (v = rawrec_field(rec, len, "laddr=", 6, 0, &n)) == NULL)
		return;
	n = n < sizeof(addr) - 1 ? n : sizeof(addr) - 1;
	memcpy(addr, v, n);
	addr[n] = '\0';
	n = fe->nodelen < sizeof(node) - 1 ? fe->nodelen : sizeof(node) - 1;
	memcpy(node, fe->node, n);
	node[n] = '\0';
	correlate_learn(c->corr, node, addr);
}

/*
 * A LOGIN record (old-ses -> ses, res=1): a chain that resets its
 * loginuid stays one chain (sessions_relogin()).
 */
static void
observe_login(struct context *c, const struct framer_event *fe,
    const char *rec, size_t len)
{
	char node[SESSIONS_STR];
	size_t n = 0;

	if (rawrec_num(rec, len, "res=", 4) != 1)
		return;
	if (fe->node != NULL) {
		n = fe->nodelen < SESSIONS_STR - 1 ? fe->nodelen :
		    SESSIONS_STR - 1;
		memcpy(node, fe->node, n);
	}
	node[n] = '\0';
	if (sessions_relogin(c->sessions, node,
	    rawrec_num(rec, len, "old-ses=", 8),
	    rawrec_num(rec, len, "ses=", 4)))
		c->st.sessions_opened++;
}

void
context_observe(struct context *c, const struct framer_event *fe)
{
	size_t i;
	int execve = 0;

	for (i = 0; i < fe->nrecs; i++) {
		const char *rec = fe->text + fe->recs[i].off;
		size_t len = fe->recs[i].len;

		switch (fe->recs[i].type) {
		case AUDIT_EXECVE:
			execve = 1;
			break;
		case AUDIT_USER_START:
		case AUDIT_USER_END:
			observe_session(c, fe, rec, len, fe->recs[i].type);
			break;
		case AUDIT_CRYPTO_KEY_USER:
		case AUDIT_CRYPTO_SESSION:
			observe_laddr(c, fe, rec, len);
			break;
		case AUDIT_LOGIN:
			observe_login(c, fe, rec, len);
			break;
		default:
			break;
		}
	}
	if (execve && fe->sys != NULL && fe->sys->rec != NULL) {
		c->memo_ok = 0;		/* the table changes */
		observe_exec(c, fe, fe->sys);
	}
}

/*
 * Is node this host, whose /proc we may read?  An event without node= is
 * (auditd's name_format = none); one with node= must name this host as
 * gethostname() does, compared up to the first dot of each (so the
 * hostname and fqd name formats match; numeric and user ones only when
 * they give the same name).
 */
static int
local_node(const struct context *c, const char *node)
{
	size_t n, h;

	if (node == NULL || node[0] == '\0')
		return 1;
	if (c->host[0] == '\0')
		return 0;
	n = strcspn(node, ".");
	h = strcspn(c->host, ".");
	return n == h && strncmp(node, c->host, n) == 0;
}

/*
 * Is an event of time t recent enough for /proc to still show its
 * parents?  A backlog (auditd's queue after a restart) or a record that
 * was not made now shows /proc as it is later, not at the event.
 */
static int
recent(double t)
{
	struct timespec now;
	double d;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		return 0;
	d = (double)now.tv_sec + (double)now.tv_nsec / 1e9 - t;
	return d >= -CONTEXT_PROCFS_SKEW && d <= CONTEXT_PROCFS_AGE;
}

int
context_procfs_ok(const struct context *c, const char *node, double t)
{
	return c->procfs && local_node(c, node) && recent(t);
}

size_t
context_ancestry(struct context *c, const char *node, long long ppid,
    double t, const struct proc **out, size_t max)
{
	const struct proc *p;
	size_t n = 0, nlive = 0, i;
	const char *nd = node != NULL ? node : "";
	long long ppid0 = ppid;
	double t0 = t;

	if (max > PROCS_DEPTH)
		max = PROCS_DEPTH;
	if (c->memo_ok && c->memo_ppid == ppid0 && c->memo_t == t0 &&
	    c->memo_max == max && strcmp(c->memo_node, nd) == 0) {
		memcpy(out, c->memo, c->memo_n * sizeof(*out));
		return c->memo_n;
	}
	while (n < max && ppid > 1) {
		if ((p = procs_find(c->procs, node, ppid, t)) == NULL) {
			struct proc *l;

			if (!c->procfs || !local_node(c, node) ||
			    !recent(t0) || nlive >= PROCS_DEPTH)
				break;
			l = &c->live[nlive++];
			procfs_read(ppid, t, l);
			c->st.procfs_reads++;
			out[n++] = l;
			/* Gone or reused: its pid is all we say, and stop. */
			if (l->source != PROC_SRC_PROC)
				break;
			ppid = l->ppid;
			t = l->t;
			continue;
		}
		/* A loop in the table (pid reuse) ends the walk. */
		for (i = 0; i < n; i++)
			if (out[i] == p)
				goto done;
		out[n++] = p;
		ppid = p->ppid;
		t = p->t;
	}
 done:
	c->memo_ok = 1;
	snprintf(c->memo_node, sizeof(c->memo_node), "%s", nd);
	c->memo_ppid = ppid0;
	c->memo_t = t0;
	c->memo_n = n;
	c->memo_max = max;
	memcpy(c->memo, out, n * sizeof(*out));
	return n;
}

void
context_set_procfs(struct context *c, int on)
{
	c->procfs = on;
	c->memo_ok = 0;
	if (gethostname(c->host, sizeof(c->host) - 1) == -1)
		c->host[0] = '\0';
	c->host[sizeof(c->host) - 1] = '\0';
}

const struct session *
context_session(struct context *c, const char *node, long long ses)
{
	return sessions_find(c->sessions, node, ses);
}

const struct context_stats *
context_stats(const struct context *c)
{
	return &c->st;
}

struct procs *
context_procs(struct context *c)
{
	return c->procs;
}

struct sessions *
context_sessions(struct context *c)
{
	return c->sessions;
}

void
context_set_correlate(struct context *c, struct correlate *corr)
{
	c->corr = corr;
}
