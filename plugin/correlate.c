/*
 * correlate: linking outbound clients to inbound sessions across nodes,
 * incrementally (see correlate.h).
 *
 * Sessions and clients live in two rings of CORR_MAX slots; each slot is
 * also on its node's list (oldest first), so a node's entries are found
 * without a scan of the whole ring, and a node over CORR_NODE_MAX loses
 * its oldest.  A link names its other end by slot and sequence number, so
 * a link to an evicted entry is seen as gone.  Clients not yet linked
 * wait on a list of their own until their window has passed.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "correlate.h"
#include "json.h"

#define NODE_HASH	16384	/* buckets, > CORR_MAX_NODES */
#define HOST_HASH	65536
#define PATH_HASH	131072
#define WAIT_HASH	16384	/* waiting clients by destination */

struct cnode {
	char		 name[CORR_STR];
	size_t		 label;		/* length of the first label */
	int		 next, lnext;	/* hash chains: name, first label */
	long		 ohead, otail, ihead, itail;
	size_t		 nout, nin;
};

struct oslot {
	struct corr_out	 o;
	uint64_t	 seq;		/* 0: free */
	int		 node;
	long		 prev, next;	/* node list */
	long		 wprev, wnext;	/* waiting list */
	long		 bprev, bnext;	/* its destination's bucket */
	uint32_t	 bucket;
	int		 waiting;
	long		 link;		/* islot, -1 none */
	uint64_t	 link_seq;
};

struct islot {
	struct corr_in	 i;
	uint64_t	 seq;
	int		 node;
	long		 prev, next;
	long		 from;		/* oslot that reached it, -1 none */
	uint64_t	 from_seq;
};

struct hostmap {
	char		 addr[CORR_STR];
	char		 name[CORR_STR];
	int		 next;		/* chain by address */
	int		 nnext;		/* chain by name */
};

/* A path kept for the replay's report. */
struct kept {
	uint64_t	 seqs[CORR_MAX_HOPS];
	size_t		 n;
	char		*json, *text;
};

struct correlate {
	struct oslot	*out;
	struct islot	*in;
	uint64_t	 oseq, iseq;
	long		 whead, wtail;
	struct cnode	*nodes;
	size_t		 nnodes;
	int		*nhash, *lhash;
	struct hostmap	*hosts;
	size_t		 nhosts;
	int		*hhash, *hnhash;
	long		*whash;		/* waiting clients by wait_key() */
	uint64_t	*paths;		/* ring of raised path hashes */
	size_t		 npaths;
	long		*phash;		/* index into paths, chained by pnext */
	long		*pnext;
	struct kept	*kept;
	size_t		 nkept;
	double		 skew, tmax;
	corr_path_fn	 fn;
	void		*ctx;
	struct corr_stats st;
};

static uint32_t
hash_lc(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n && s[i] != '\0'; i++) {
		h ^= (uint32_t)tolower((unsigned char)s[i]);
		h *= 16777619u;
	}
	return h;
}

struct correlate *
correlate_new(void)
{
	struct correlate *c;
	size_t i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->out = calloc(CORR_MAX, sizeof(*c->out));
	c->in = calloc(CORR_MAX, sizeof(*c->in));
	c->nodes = calloc(CORR_MAX_NODES, sizeof(*c->nodes));
	c->nhash = malloc(NODE_HASH * sizeof(*c->nhash));
	c->lhash = malloc(NODE_HASH * sizeof(*c->lhash));
	c->hhash = malloc(HOST_HASH * sizeof(*c->hhash));
	c->hnhash = malloc(HOST_HASH * sizeof(*c->hnhash));
	c->whash = malloc(WAIT_HASH * sizeof(*c->whash));
	c->paths = calloc(CORR_MAX_PATHS, sizeof(*c->paths));
	c->pnext = malloc(CORR_MAX_PATHS * sizeof(*c->pnext));
	c->phash = malloc(PATH_HASH * sizeof(*c->phash));
	if (c->out == NULL || c->in == NULL || c->nodes == NULL ||
	    c->nhash == NULL || c->lhash == NULL || c->hhash == NULL ||
	    c->hnhash == NULL || c->whash == NULL ||
	    c->paths == NULL || c->pnext == NULL || c->phash == NULL) {
		correlate_free(c);
		return NULL;
	}
	for (i = 0; i < NODE_HASH; i++)
		c->nhash[i] = c->lhash[i] = -1;
	for (i = 0; i < HOST_HASH; i++)
		c->hhash[i] = c->hnhash[i] = -1;
	for (i = 0; i < WAIT_HASH; i++)
		c->whash[i] = -1;
	for (i = 0; i < PATH_HASH; i++)
		c->phash[i] = -1;
	c->whead = c->wtail = -1;
	return c;
}

void
correlate_free(struct correlate *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nkept; i++) {
		free(c->kept[i].json);
		free(c->kept[i].text);
	}
	free(c->kept);
	free(c->out);
	free(c->in);
	free(c->nodes);
	free(c->nhash);
	free(c->lhash);
	free(c->hosts);
	free(c->hhash);
	free(c->hnhash);
	free(c->whash);
	free(c->paths);
	free(c->pnext);
	free(c->phash);
	free(c);
}

void
correlate_set_skew(struct correlate *c, double skew)
{
	c->skew = skew < 0 ? 0 : skew > CORR_MAX_SKEW ? CORR_MAX_SKEW : skew;
}

void
correlate_set_path_fn(struct correlate *c, corr_path_fn fn, void *ctx)
{
	c->fn = fn;
	c->ctx = ctx;
}

const struct corr_stats *
correlate_stats(const struct correlate *c)
{
	return &c->st;
}

/* Address map ---------------------------------------------------------- */

static int
host_add(struct correlate *c, const char *addr, const char *name)
{
	struct hostmap *h;
	uint32_t b = hash_lc(addr, CORR_STR) % HOST_HASH;
	int k;

	for (k = c->hhash[b]; k != -1; k = c->hosts[k].next)
		if (strcasecmp(c->hosts[k].addr, addr) == 0 &&
		    strcasecmp(c->hosts[k].name, name) == 0)
			return 0;
	if (c->nhosts >= CORR_MAX_HOSTS)
		return -1;
	if (c->nhosts % 256 == 0) {
		h = realloc(c->hosts, (c->nhosts + 256) * sizeof(*h));
		if (h == NULL)
			return -1;
		c->hosts = h;
	}
	h = &c->hosts[c->nhosts];
	snprintf(h->addr, sizeof(h->addr), "%s", addr);
	snprintf(h->name, sizeof(h->name), "%s", name);
	h->next = c->hhash[b];
	c->hhash[b] = (int)c->nhosts;
	b = hash_lc(name, CORR_STR) % HOST_HASH;
	h->nnext = c->hnhash[b];
	c->hnhash[b] = (int)c->nhosts++;
	return 1;
}

int
correlate_hosts(struct correlate *c, const char *path, char *err,
    size_t errsz)
{
	char line[1024];
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *p = line, *addr, *name;

		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = line + strspn(line, " \t");
		addr = p;
		p += strcspn(p, " \t\r\n");
		if (p == addr || *p == '\0')
			continue;
		*p++ = '\0';
		while (*(name = p + strspn(p, " \t")) != '\0' &&
		    *name != '\n' && *name != '\r') {
			p = name + strcspn(name, " \t\r\n");
			if (*p != '\0')
				*p++ = '\0';
			if (host_add(c, addr, name) == -1)
				break;
		}
	}
	fclose(fp);
	return 0;
}

void
correlate_learn(struct correlate *c, const char *node, const char *addr)
{
	if (node[0] == '\0' || addr[0] == '\0' || strcmp(addr, "?") == 0)
		return;
	if (host_add(c, addr, node) == 1)
		c->st.learned++;
}

/* Is node the destination host dhost (by name, first label or map)? */
static int
host_is(const struct correlate *c, const char *dhost, const char *node)
{
	size_t n;
	int k;

	if (strcasecmp(dhost, node) == 0)
		return 1;
	/* "hostb.example.com" reaches node "hostb", and the other way. */
	n = strcspn(dhost, ".");
	if (n > 0 && strlen(node) == n && strncasecmp(dhost, node, n) == 0)
		return 1;
	n = strcspn(node, ".");
	if (n > 0 && strlen(dhost) == n && strncasecmp(dhost, node, n) == 0)
		return 1;
	for (k = c->hhash[hash_lc(dhost, CORR_STR) % HOST_HASH]; k != -1;
	    k = c->hosts[k].next)
		if (strcasecmp(c->hosts[k].addr, dhost) == 0 &&
		    strcasecmp(c->hosts[k].name, node) == 0)
			return 1;
	return 0;
}

/* Nodes ---------------------------------------------------------------- */

static int
node_find(const struct correlate *c, const char *name, size_t n)
{
	int k;

	for (k = c->nhash[hash_lc(name, n) % NODE_HASH]; k != -1;
	    k = c->nodes[k].next)
		if (strlen(c->nodes[k].name) == n &&
		    strncasecmp(c->nodes[k].name, name, n) == 0)
			return k;
	return -1;
}

static int
node_get(struct correlate *c, const char *name)
{
	struct cnode *nd;
	uint32_t b;
	int k;

	if ((k = node_find(c, name, strlen(name))) != -1)
		return k;
	if (c->nnodes >= CORR_MAX_NODES) {
		c->st.nodes_refused++;
		return -1;
	}
	k = (int)c->nnodes++;
	nd = &c->nodes[k];
	snprintf(nd->name, sizeof(nd->name), "%s", name);
	nd->label = strcspn(nd->name, ".");
	nd->ohead = nd->otail = nd->ihead = nd->itail = -1;
	b = hash_lc(nd->name, CORR_STR) % NODE_HASH;
	nd->next = c->nhash[b];
	c->nhash[b] = k;
	b = hash_lc(nd->name, nd->label) % NODE_HASH;
	nd->lnext = c->lhash[b];
	c->lhash[b] = k;
	c->st.nodes = c->nnodes;
	return k;
}

/*
 * The nodes dhost may name (at most max): by name, by first label either
 * way, and through the address map.
 */
static size_t
dest_nodes(const struct correlate *c, const char *dhost, int *out,
    size_t max)
{
	size_t n = 0, i, lab = strcspn(dhost, ".");
	int k;

#define ADD(x) do {							\
	for (i = 0; i < n && out[i] != (x); i++)			\
		;							\
	if (i == n && n < max)						\
		out[n++] = (x);						\
} while (0)
	if ((k = node_find(c, dhost, strlen(dhost))) != -1)
		ADD(k);
	if (lab < strlen(dhost) && (k = node_find(c, dhost, lab)) != -1)
		ADD(k);
	if (dhost[lab] == '\0')
		for (k = c->lhash[hash_lc(dhost, lab) % NODE_HASH]; k != -1;
		    k = c->nodes[k].lnext)
			if (c->nodes[k].label == lab &&
			    strncasecmp(c->nodes[k].name, dhost, lab) == 0)
				ADD(k);
	for (k = c->hhash[hash_lc(dhost, CORR_STR) % HOST_HASH]; k != -1;
	    k = c->hosts[k].next) {
		int m;

		if (strcasecmp(c->hosts[k].addr, dhost) == 0 &&
		    (m = node_find(c, c->hosts[k].name,
		    strlen(c->hosts[k].name))) != -1)
			ADD(m);
	}
#undef ADD
	return n;
}

/*
 * The bucket a waiting client's destination goes in: an address by
 * itself, a name by its first label (so that "hostb", "hostb.example.com"
 * and node "hostb.example.com" meet).  A session on node N looks in N's
 * first label's bucket and in those of N's addresses.
 */
static uint32_t
wait_key(const char *dhost)
{
	size_t n = strlen(dhost);

	if (strspn(dhost, "0123456789.") == n || strchr(dhost, ':') != NULL)
		return hash_lc(dhost, n) % WAIT_HASH;
	return hash_lc(dhost, strcspn(dhost, ".")) % WAIT_HASH;
}

/* Slots ---------------------------------------------------------------- */

static void
wait_remove(struct correlate *c, long k)
{
	struct oslot *s = &c->out[k];

	if (!s->waiting)
		return;
	if (s->bprev != -1)
		c->out[s->bprev].bnext = s->bnext;
	else
		c->whash[s->bucket] = s->bnext;
	if (s->bnext != -1)
		c->out[s->bnext].bprev = s->bprev;
	if (s->wprev != -1)
		c->out[s->wprev].wnext = s->wnext;
	else
		c->whead = s->wnext;
	if (s->wnext != -1)
		c->out[s->wnext].wprev = s->wprev;
	else
		c->wtail = s->wprev;
	s->waiting = 0;
}

static void
out_evict(struct correlate *c, long k)
{
	struct oslot *s = &c->out[k];
	struct cnode *nd = &c->nodes[s->node];

	wait_remove(c, k);
	if (s->prev != -1)
		c->out[s->prev].next = s->next;
	else
		nd->ohead = s->next;
	if (s->next != -1)
		c->out[s->next].prev = s->prev;
	else
		nd->otail = s->prev;
	nd->nout--;
	s->seq = 0;
	c->st.clients--;
}

static void
in_evict(struct correlate *c, long k)
{
	struct islot *s = &c->in[k];
	struct cnode *nd = &c->nodes[s->node];

	if (s->prev != -1)
		c->in[s->prev].next = s->next;
	else
		nd->ihead = s->next;
	if (s->next != -1)
		c->in[s->next].prev = s->prev;
	else
		nd->itail = s->prev;
	nd->nin--;
	s->seq = 0;
	c->st.sessions--;
}

static long
out_alloc(struct correlate *c, int node)
{
	struct cnode *nd = &c->nodes[node];
	long k;

	if (nd->nout >= CORR_NODE_MAX) {
		out_evict(c, nd->ohead);
		c->st.evicted_node++;
	}
	k = (long)(c->oseq % CORR_MAX);
	if (c->out[k].seq != 0) {
		out_evict(c, k);
		c->st.evicted_total++;
	}
	memset(&c->out[k], 0, sizeof(c->out[k]));
	c->out[k].seq = ++c->oseq;
	c->out[k].node = node;
	c->out[k].link = -1;
	c->out[k].next = -1;
	c->out[k].prev = nd->otail;
	if (nd->otail != -1)
		c->out[nd->otail].next = k;
	else
		nd->ohead = k;
	nd->otail = k;
	nd->nout++;
	c->st.clients++;
	return k;
}

static long
in_alloc(struct correlate *c, int node)
{
	struct cnode *nd = &c->nodes[node];
	long k;

	if (nd->nin >= CORR_NODE_MAX) {
		in_evict(c, nd->ihead);
		c->st.evicted_node++;
	}
	k = (long)(c->iseq % CORR_MAX);
	if (c->in[k].seq != 0) {
		in_evict(c, k);
		c->st.evicted_total++;
	}
	memset(&c->in[k], 0, sizeof(c->in[k]));
	c->in[k].seq = ++c->iseq;
	c->in[k].node = node;
	c->in[k].from = -1;
	c->in[k].next = -1;
	c->in[k].prev = nd->itail;
	if (nd->itail != -1)
		c->in[nd->itail].next = k;
	else
		nd->ihead = k;
	nd->itail = k;
	nd->nin++;
	c->st.sessions++;
	return k;
}

/* The live session an outbound's link leads to, -1 none. */
static long
link_of(const struct correlate *c, long o)
{
	const struct oslot *s = &c->out[o];

	if (s->link == -1 || c->in[s->link].seq != s->link_seq)
		return -1;
	return s->link;
}

/* The live outbound that reached session i, -1 none. */
static long
from_of(const struct correlate *c, long i)
{
	const struct islot *s = &c->in[i];

	if (s->from == -1 || c->out[s->from].seq != s->from_seq)
		return -1;
	return s->from;
}

/* Paths ---------------------------------------------------------------- */

static uint64_t
hash_more(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * A path by what it is (each hop's node, session, pid and time, and the
 * last session's), not by the order its parts came in: the same path seen
 * again -- read again after a restart or a truncation -- is the same.
 */
static uint64_t
path_hash(const struct corr_path *p)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < p->nhops; i++) {
		const struct corr_out *o = p->hops[i];

		h = hash_more(h, o->node, strlen(o->node) + 1);
		h = hash_more(h, o->stamp, strlen(o->stamp) + 1);
		h = hash_more(h, &o->ses, sizeof(o->ses));
		h = hash_more(h, &o->pid, sizeof(o->pid));
	}
	h = hash_more(h, p->last->node, strlen(p->last->node) + 1);
	h = hash_more(h, p->last->stamp, strlen(p->last->stamp) + 1);
	h = hash_more(h, &p->last->ses, sizeof(p->last->ses));
	return h ? h : 1;
}

/* Remembers h; returns 0 when it was already known. */
static int
path_new(struct correlate *c, uint64_t h)
{
	size_t b = (size_t)(h % PATH_HASH), slot;
	long k, *pp;

	for (k = c->phash[b]; k != -1; k = c->pnext[k])
		if (c->paths[k] == h)
			return 0;
	slot = c->npaths % CORR_MAX_PATHS;
	if (c->npaths >= CORR_MAX_PATHS) {
		/* Forget the oldest: unchain it from its bucket. */
		size_t ob = (size_t)(c->paths[slot] % PATH_HASH);

		for (pp = &c->phash[ob]; *pp != -1; pp = &c->pnext[*pp])
			if (*pp == (long)slot) {
				*pp = c->pnext[slot];
				break;
			}
		c->st.paths_forgotten++;
	}
	c->paths[slot] = h;
	c->pnext[slot] = c->phash[b];
	c->phash[b] = (long)slot;
	c->npaths++;
	return 1;
}

static void
json_hop(struct buf *b, const char *node, const char *user, long long ses,
    const char *stamp)
{
	buf_adds(b, "{\"node\":");
	json_str(b, node, strlen(node));
	buf_adds(b, ",\"user\":");
	json_str(b, user, strlen(user));
	buf_addf(b, ",\"ses\":%lld,\"time\":", ses);
	json_str(b, stamp, strlen(stamp));
}

int
correlate_path_json(const struct corr_path *p, struct buf *b)
{
	const struct corr_in *in = p->last;
	size_t i;

	buf_adds(b, "{\"path\":[");
	for (i = 0; i < p->nhops; i++) {
		const struct corr_out *out = p->hops[i];

		json_hop(b, out->node, out->user, out->ses, out->stamp);
		buf_addf(b, ",\"pid\":%lld,\"to\":", out->pid);
		json_str(b, out->dhost, strlen(out->dhost));
		if (out->rule != NULL) {
			buf_adds(b, ",\"alert\":");
			json_str(b, out->rule, strlen(out->rule));
		}
		buf_adds(b, "},");
	}
	json_hop(b, in->node, in->acct, in->ses, in->stamp);
	buf_adds(b, ",\"from\":");
	json_str(b, in->addr, strlen(in->addr));
	return buf_adds(b, "}]}\n");
}

int
correlate_path_text(const struct corr_path *p, struct buf *b)
{
	const struct corr_in *in = p->last;
	size_t i;

	buf_adds(b, "path: ");
	for (i = 0; i < p->nhops; i++) {
		const struct corr_out *out = p->hops[i];

		buf_addf(b, "%s[%s ses %lld pid %lld at %s%s%s] -ssh %s%s%s-> ",
		    out->node[0] ? out->node : "-", out->user, out->ses,
		    out->pid, out->stamp, out->rule ? " " : "",
		    out->rule ? out->rule : "", out->duser,
		    out->duser[0] ? "@" : "", out->dhost);
	}
	return buf_addf(b, "%s[%s ses %lld from %s at %s]\n", in->node,
	    in->acct, in->ses, in->addr, in->stamp);
}

/* Keeps a path for the report (replay only: no path callback). */
static void
keep(struct correlate *c, const struct corr_path *p, const uint64_t *seqs)
{
	struct kept *k;
	struct buf b;

	if (c->nkept >= CORR_MAX_PATHS)
		return;
	if (c->nkept % 64 == 0) {
		k = realloc(c->kept, (c->nkept + 64) * sizeof(*k));
		if (k == NULL)
			return;
		c->kept = k;
	}
	k = &c->kept[c->nkept];
	memcpy(k->seqs, seqs, p->nhops * sizeof(*seqs));
	k->n = p->nhops;
	buf_init(&b, 1 << 20);
	correlate_path_json(p, &b);
	k->json = strdup(buf_str(&b));
	buf_reset(&b);
	correlate_path_text(p, &b);
	k->text = strdup(buf_str(&b));
	buf_free(&b);
	if (k->json == NULL || k->text == NULL) {
		free(k->json);
		free(k->text);
		return;
	}
	c->nkept++;
}

/* Raises the path of clients os[0..n) unless it was raised before. */
static void
raise_path(struct correlate *c, const long *os, size_t n)
{
	struct corr_path p;
	uint64_t seqs[CORR_MAX_HOPS];
	long last;
	size_t i;

	for (i = 0; i < n; i++) {
		seqs[i] = c->out[os[i]].seq;
		p.hops[i] = &c->out[os[i]].o;
	}
	p.nhops = n;
	if ((last = link_of(c, os[n - 1])) == -1)
		return;
	p.last = &c->in[last].i;
	if (!path_new(c, path_hash(&p)))
		return;
	if (c->fn == NULL)
		keep(c, &p, seqs);
	if (n >= 2) {
		c->st.paths++;
		if (c->fn != NULL)
			c->fn(c->ctx, &p);
	}
}

/* The session on o's node that o was started in and a link reached. */
static long
reached_in(const struct correlate *c, long o)
{
	const struct oslot *s = &c->out[o];
	long k;

	for (k = c->nodes[s->node].itail; k != -1; k = c->in[k].prev)
		if (c->in[k].i.ses == s->o.ses && c->in[k].i.t <= s->o.t &&
		    from_of(c, k) != -1)
			return k;
	return -1;
}

/*
 * Extends os[0..n) (its last client linked) by every chain of linked
 * clients started in the session reached, raising each maximal one.
 */
static void
extend(struct correlate *c, long *os, size_t n)
{
	long i = link_of(c, os[n - 1]), k;
	size_t j;
	int more = 0;

	if (n < CORR_MAX_HOPS)
		for (k = c->nodes[c->in[i].node].ohead; k != -1;
		    k = c->out[k].next) {
			if (c->out[k].o.ses != c->in[i].i.ses ||
			    c->out[k].o.t < c->in[i].i.t ||
			    link_of(c, k) == -1)
				continue;
			for (j = 0; j < n && os[j] != k; j++)
				;
			if (j < n)
				continue;		/* a loop */
			os[n] = k;
			more = 1;
			extend(c, os, n + 1);
		}
	if (!more)
		raise_path(c, os, n);
}

/* o is now linked to i: raise every path through that link. */
static void
linked(struct correlate *c, long o, long i)
{
	long back[CORR_MAX_HOPS], os[CORR_MAX_HOPS], k = o, r;
	size_t nb = 0, j;

	c->out[o].link = i;
	c->out[o].link_seq = c->in[i].seq;
	c->in[i].from = o;
	c->in[i].from_seq = c->out[o].seq;
	c->st.links++;
	wait_remove(c, o);
	/* Back from o to the root: the clients whose sessions led here. */
	back[nb++] = o;
	while (nb < CORR_MAX_HOPS / 2 && (r = reached_in(c, k)) != -1 &&
	    (k = from_of(c, r)) != -1) {
		for (j = 0; j < nb && back[j] != k; j++)
			;
		if (j < nb)
			break;			/* a loop */
		back[nb++] = k;
	}
	for (j = 0; j < nb; j++)
		os[j] = back[nb - 1 - j];
	extend(c, os, nb);
}

/* Does session in fit client out (account, time)? */
static int
fits(const struct correlate *c, const struct corr_out *out,
    const struct corr_in *in)
{
	const char *want = out->duser[0] != '\0' ? out->duser : out->user;

	return in->t >= out->t - 0.001 - c->skew &&
	    in->t <= out->t + CORR_WINDOW + c->skew &&
	    strcmp(in->acct, want) == 0;
}

/* Drops waiting clients whose window has passed everywhere. */
static void
expire(struct correlate *c)
{
	while (c->whead != -1 && c->out[c->whead].o.t + CORR_WINDOW +
	    2 * c->skew + 1 < c->tmax)
		wait_remove(c, c->whead);
}

void
correlate_outbound(struct correlate *c, const struct corr_out *o)
{
	struct cnode *nd;
	int node, dn[8];
	size_t n, d;
	long k, best = -1;

	c->st.outbound++;
	if ((node = node_get(c, o->node)) == -1)
		return;
	nd = &c->nodes[node];
	/*
	 * scp and sftp run ssh as their transport: a client whose parent is a
	 * client of the same session to the same host is that one connection,
	 * not another hop (it would take the next session there).
	 */
	for (k = nd->otail; k != -1; k = c->out[k].prev) {
		struct corr_out *p = &c->out[k].o;

		if (p->pid == o->ppid && p->ses == o->ses &&
		    strcasecmp(p->dhost, o->dhost) == 0) {
			if (p->rule == NULL)
				p->rule = o->rule;
			return;
		}
	}
	if (o->t > c->tmax)
		c->tmax = o->t;
	k = out_alloc(c, node);
	c->out[k].o = *o;
	/* A session that came before the client (skewed clocks, order). */
	n = dest_nodes(c, o->dhost, dn, 8);
	for (d = 0; d < n; d++) {
		long i;

		for (i = c->nodes[dn[d]].ihead; i != -1; i = c->in[i].next)
			if (from_of(c, i) == -1 &&
			    fits(c, o, &c->in[i].i) &&
			    (best == -1 || c->in[i].i.t < c->in[best].i.t))
				best = i;
	}
	if (best != -1) {
		linked(c, k, best);
		return;
	}
	c->out[k].waiting = 1;
	c->out[k].bucket = wait_key(o->dhost);
	c->out[k].bprev = -1;
	c->out[k].bnext = c->whash[c->out[k].bucket];
	if (c->out[k].bnext != -1)
		c->out[c->out[k].bnext].bprev = k;
	c->whash[c->out[k].bucket] = k;
	c->out[k].wnext = -1;
	c->out[k].wprev = c->wtail;
	if (c->wtail != -1)
		c->out[c->wtail].wnext = k;
	else
		c->whead = k;
	c->wtail = k;
}

void
correlate_inbound(struct correlate *c, const struct corr_in *in)
{
	uint32_t buckets[16];
	size_t nb, b, j;
	long i, k, best = -1;
	int node, h;

	c->st.inbound++;
	if ((node = node_get(c, in->node)) == -1)
		return;
	if (in->t > c->tmax)
		c->tmax = in->t;
	expire(c);
	i = in_alloc(c, node);
	c->in[i].i = *in;
	/* The buckets that may hold a client for this node. */
	nb = 0;
	buckets[nb++] = hash_lc(in->node, c->nodes[node].label) % WAIT_HASH;
	for (h = c->hnhash[hash_lc(in->node, CORR_STR) % HOST_HASH];
	    h != -1 && nb < 16; h = c->hosts[h].nnext)
		if (strcasecmp(c->hosts[h].name, in->node) == 0)
			buckets[nb++] = wait_key(c->hosts[h].addr);
	/* Of those that fit, the first to arrive. */
	for (b = 0; b < nb; b++) {
		for (j = 0; j < b && buckets[j] != buckets[b]; j++)
			;
		if (j < b)
			continue;
		for (k = c->whash[buckets[b]]; k != -1; k = c->out[k].bnext)
			if ((best == -1 || c->out[k].seq < c->out[best].seq) &&
			    fits(c, &c->out[k].o, in) &&
			    host_is(c, c->out[k].o.dhost, in->node))
				best = k;
	}
	if (best != -1)
		linked(c, best, i);
}

/* Is a[0..na) a run of b[0..nb)? */
static int
is_part(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t s;

	for (s = 0; s + na <= nb; s++)
		if (memcmp(a, b + s, na * sizeof(*a)) == 0)
			return 1;
	return 0;
}

size_t
correlate_report(struct correlate *c, FILE *fp, int json)
{
	size_t i, j, paths = 0;

	for (i = 0; i < c->nkept; i++) {
		const struct kept *k = &c->kept[i];

		for (j = 0; j < c->nkept; j++)
			if (j != i && c->kept[j].n > k->n &&
			    is_part(k->seqs, k->n, c->kept[j].seqs,
			    c->kept[j].n))
				break;
		if (j < c->nkept)
			continue;
		fputs(json ? k->json : k->text, fp);
		paths++;
	}
	if (c->st.evicted_node + c->st.evicted_total > 0)
		fprintf(stderr, "audisp-sshwatch: correlate: %llu sessions or "
		    "clients evicted (%d a node, %d in all)\n",
		    c->st.evicted_node + c->st.evicted_total, CORR_NODE_MAX,
		    CORR_MAX);
	return paths;
}
