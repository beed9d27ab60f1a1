/*
 * correlate: linking outbound clients to inbound sessions across nodes
 * (see correlate.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "correlate.h"
#include "json.h"

struct hostmap {
	char	 addr[CORR_STR];
	char	 name[CORR_STR];
};

struct correlate {
	struct corr_out		*out;
	size_t			 nout;
	struct corr_in		*in;
	size_t			 nin;
	struct hostmap		*hosts;
	size_t			 nhosts;
	unsigned long long	 dropped;
	/* Links: out[i] -> in[link[i]], -1 none. */
	long			*link;
};

struct correlate *
correlate_new(void)
{
	struct correlate *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->out = calloc(CORR_MAX, sizeof(*c->out));
	c->in = calloc(CORR_MAX, sizeof(*c->in));
	if (c->out == NULL || c->in == NULL) {
		correlate_free(c);
		return NULL;
	}
	return c;
}

void
correlate_free(struct correlate *c)
{
	if (c == NULL)
		return;
	free(c->out);
	free(c->in);
	free(c->hosts);
	free(c->link);
	free(c);
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
		struct hostmap *h;

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
			if (c->nhosts >= CORR_MAX)
				break;
			h = realloc(c->hosts, (c->nhosts + 1) * sizeof(*h));
			if (h == NULL)
				break;
			c->hosts = h;
			h = &c->hosts[c->nhosts++];
			snprintf(h->addr, sizeof(h->addr), "%s", addr);
			snprintf(h->name, sizeof(h->name), "%s", name);
		}
	}
	fclose(fp);
	return 0;
}

void
correlate_outbound(struct correlate *c, const struct corr_out *o)
{
	size_t k;

	/*
	 * scp and sftp run ssh as their transport: a client whose parent is a
	 * client of the same session to the same host is that one connection,
	 * not another hop (it would take the next session there).
	 */
	for (k = c->nout; k-- > 0;) {
		struct corr_out *p = &c->out[k];

		if (p->pid == o->ppid && p->ses == o->ses &&
		    strcmp(p->node, o->node) == 0 &&
		    strcasecmp(p->dhost, o->dhost) == 0) {
			if (p->rule == NULL)
				p->rule = o->rule;
			return;
		}
	}
	if (c->nout >= CORR_MAX) {
		c->dropped++;
		return;
	}
	c->out[c->nout++] = *o;
}

void
correlate_inbound(struct correlate *c, const struct corr_in *i)
{
	if (c->nin >= CORR_MAX) {
		c->dropped++;
		return;
	}
	c->in[c->nin++] = *i;
}

/* Is node the destination host dhost (by name, first label or map)? */
static int
host_is(const struct correlate *c, const char *dhost, const char *node)
{
	size_t i, n;

	if (strcasecmp(dhost, node) == 0)
		return 1;
	/* "hostb.example.com" reaches node "hostb", and the other way. */
	n = strcspn(dhost, ".");
	if (n > 0 && strlen(node) == n && strncasecmp(dhost, node, n) == 0)
		return 1;
	n = strcspn(node, ".");
	if (n > 0 && strlen(dhost) == n && strncasecmp(dhost, node, n) == 0)
		return 1;
	for (i = 0; i < c->nhosts; i++)
		if (strcasecmp(c->hosts[i].addr, dhost) == 0 &&
		    strcasecmp(c->hosts[i].name, node) == 0)
			return 1;
	return 0;
}

static void
link_all(struct correlate *c)
{
	char *used;
	size_t o, i;

	free(c->link);
	c->link = malloc((c->nout + 1) * sizeof(*c->link));
	used = calloc(c->nin + 1, 1);
	if (c->link == NULL || used == NULL) {
		free(used);
		return;
	}
	for (o = 0; o < c->nout; o++) {
		const struct corr_out *out = &c->out[o];
		const char *want = out->duser[0] != '\0' ? out->duser :
		    out->user;
		long best = -1;

		c->link[o] = -1;
		for (i = 0; i < c->nin; i++) {
			const struct corr_in *in = &c->in[i];

			if (used[i] || in->t < out->t - 0.001 ||
			    in->t > out->t + CORR_WINDOW ||
			    strcmp(in->acct, want) != 0 ||
			    !host_is(c, out->dhost, in->node))
				continue;
			if (best == -1 || in->t < c->in[best].t)
				best = (long)i;
		}
		if (best != -1) {
			c->link[o] = best;
			used[best] = 1;
		}
	}
	free(used);
}

/* The outbound clients started in inbound session i. */
static long
next_out(const struct correlate *c, long i, long after)
{
	size_t o;

	for (o = (size_t)(after + 1); o < c->nout; o++)
		if (c->link[o] != -1 && c->out[o].ses == c->in[i].ses &&
		    strcmp(c->out[o].node, c->in[i].node) == 0 &&
		    c->out[o].t >= c->in[i].t)
			return (long)o;
	return -1;
}

/* Was outbound o started inside a session some link reached? */
static int
is_reached(const struct correlate *c, size_t o)
{
	size_t p;

	for (p = 0; p < c->nout; p++)
		if (c->link[p] != -1 &&
		    c->in[c->link[p]].ses == c->out[o].ses &&
		    strcmp(c->in[c->link[p]].node, c->out[o].node) == 0 &&
		    c->in[c->link[p]].t <= c->out[o].t)
			return 1;
	return 0;
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

/*
 * Prints every path that continues the hops in stack[0..n): a session
 * reached by the last hop may start several clients, each a branch.
 */
static size_t
print_paths(const struct correlate *c, long *stack, size_t n, FILE *fp,
    int json)
{
	const struct corr_in *in = &c->in[c->link[stack[n - 1]]];
	struct buf b;
	size_t i, printed = 0;
	long next;

	for (next = next_out(c, c->link[stack[n - 1]], -1);
	    next != -1 && n < 64;
	    next = next_out(c, c->link[stack[n - 1]], next)) {
		for (i = 0; i < n && stack[i] != next; i++)
			;
		if (i < n)
			continue;		/* a loop */
		stack[n] = next;
		printed += print_paths(c, stack, n + 1, fp, json);
	}
	if (printed > 0)
		return printed;
	buf_init(&b, 1 << 20);
	buf_adds(&b, json ? "{\"path\":[" : "path: ");
	for (i = 0; i < n; i++) {
		const struct corr_out *out = &c->out[stack[i]];

		if (json) {
			json_hop(&b, out->node, out->user, out->ses,
			    out->stamp);
			buf_addf(&b, ",\"pid\":%lld,\"to\":", out->pid);
			json_str(&b, out->dhost, strlen(out->dhost));
			if (out->rule != NULL) {
				buf_adds(&b, ",\"alert\":");
				json_str(&b, out->rule, strlen(out->rule));
			}
			buf_adds(&b, "},");
		} else
			buf_addf(&b, "%s[%s ses %lld pid %lld at %s%s%s] "
			    "-ssh %s%s%s-> ", out->node[0] ? out->node : "-",
			    out->user, out->ses, out->pid, out->stamp,
			    out->rule ? " " : "", out->rule ? out->rule : "",
			    out->duser, out->duser[0] ? "@" : "", out->dhost);
	}
	if (json) {
		json_hop(&b, in->node, in->acct, in->ses, in->stamp);
		buf_adds(&b, ",\"from\":");
		json_str(&b, in->addr, strlen(in->addr));
		buf_adds(&b, "}]}\n");
	} else
		buf_addf(&b, "%s[%s ses %lld from %s at %s]\n", in->node,
		    in->acct, in->ses, in->addr, in->stamp);
	fwrite(b.p, 1, b.len, fp);
	buf_free(&b);
	return 1;
}

size_t
correlate_report(struct correlate *c, FILE *fp, int json)
{
	size_t o, paths = 0;

	link_all(c);
	if (c->link == NULL)
		return 0;
	for (o = 0; o < c->nout; o++) {
		long stack[64];

		if (c->link[o] == -1 || is_reached(c, o))
			continue;
		stack[0] = (long)o;
		paths += print_paths(c, stack, 1, fp, json);
	}
	if (c->dropped > 0)
		fprintf(stderr, "audisp-sshwatch: correlate: %llu sessions or "
		    "clients over the limit of %d were not kept\n", c->dropped,
		    CORR_MAX);
	return paths;
}
