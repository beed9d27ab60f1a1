/*
 * correlate: multi-host paths in an aggregator's events (replay
 * --correlate, and live under --follow --correlate).
 *
 * Fed, in the order the events are framed, every ssh/scp/sftp client
 * execution ("outbound": node, time, session, who, destination) and every
 * session sshd opens ("inbound": node, time, session, account, address it
 * came from).  Linking is incremental, so the batch replay and the live
 * follower run the same code and find the same links:
 *  - an outbound takes the earliest unused inbound already seen that
 *    opened on the destination's node (the destination is that node's
 *    name, its first label, an address --hosts maps to it, or an address
 *    learned from that node's sshd records: correlate_learn()), for the
 *    account the client asked for (else the client's own user), between
 *    `skew' seconds before the client started and CORR_WINDOW + skew
 *    seconds after;
 *  - an inbound is taken by the first waiting outbound (in arrival order)
 *    it fits in the same way.
 * A session reached by a link whose own clients are linked onward makes a
 * path: host A -> host B -> host C.  Each new path of two links or more is
 * handed to the path callback as soon as the link that completes it is
 * made, once (a path already raised is not raised again); at the end of a
 * replay correlate_report() prints the maximal ones (those not part of a
 * longer one), one-link paths included.
 * State is bounded per node (CORR_NODE_MAX sessions and clients) and in
 * total (CORR_MAX each, CORR_MAX_NODES nodes); the oldest entries are
 * evicted and every eviction is counted (correlate_stats()).
 */
#ifndef SW_CORRELATE_H
#define SW_CORRELATE_H

#include <stdio.h>

#include "buf.h"

#define CORR_MAX	16384	/* sessions, and clients, kept in total */
#define CORR_NODE_MAX	256	/* of each kept per node */
#define CORR_MAX_NODES	8192
#define CORR_MAX_HOSTS	65536	/* address -> node entries */
#define CORR_MAX_PATHS	65536	/* raised paths remembered */
#define CORR_MAX_HOPS	64
#define CORR_WINDOW	30.0
#define CORR_MAX_SKEW	3600.0
#define CORR_STR	64

struct corr_out {
	char		 node[CORR_STR];
	char		 stamp[32];
	double		 t;
	long long	 ses, pid, ppid;
	char		 user[CORR_STR];	/* who ran the client */
	char		 duser[CORR_STR];	/* destination user, or "" */
	char		 dhost[256];
	const char	*rule;			/* strongest alert, or NULL */
};

struct corr_in {
	char		 node[CORR_STR];
	char		 stamp[32];
	double		 t;
	long long	 ses;
	char		 acct[CORR_STR];
	char		 addr[CORR_STR];
};

/* A path: hops[0..nhops) are the clients, `last' the session reached. */
struct corr_path {
	const struct corr_out	*hops[CORR_MAX_HOPS];
	size_t			 nhops;
	const struct corr_in	*last;
};

struct corr_stats {
	unsigned long long	 outbound, inbound;
	unsigned long long	 links;
	unsigned long long	 paths;		/* raised (>= 2 links) */
	unsigned long long	 evicted_node;	/* over CORR_NODE_MAX */
	unsigned long long	 evicted_total;	/* over CORR_MAX */
	unsigned long long	 nodes_refused;	/* over CORR_MAX_NODES */
	unsigned long long	 paths_forgotten; /* over CORR_MAX_PATHS */
	unsigned long long	 learned;	/* addresses from records */
	size_t			 nodes;
	size_t			 sessions, clients;	/* kept now */
};

typedef void (*corr_path_fn)(void *ctx, const struct corr_path *p);

struct correlate;

struct correlate *correlate_new(void);
void		 correlate_free(struct correlate *c);
/* Reads "ADDRESS NAME..." lines (like /etc/hosts).  Returns 0 or -1. */
int		 correlate_hosts(struct correlate *c, const char *path,
		    char *err, size_t errsz);
/* Clock difference tolerated between nodes, 0..CORR_MAX_SKEW seconds. */
void		 correlate_set_skew(struct correlate *c, double skew);
/* Called with each new path of two links or more (NULL: none). */
void		 correlate_set_path_fn(struct correlate *c, corr_path_fn fn,
		    void *ctx);
/* Node `node' has address `addr' (its sshd's laddr=). */
void		 correlate_learn(struct correlate *c, const char *node,
		    const char *addr);
void		 correlate_outbound(struct correlate *c,
		    const struct corr_out *o);
void		 correlate_inbound(struct correlate *c, const struct corr_in *i);
/* Prints the maximal paths found so far; returns how many. */
size_t		 correlate_report(struct correlate *c, FILE *fp, int json);
const struct corr_stats *correlate_stats(const struct correlate *c);
/* A path as the replay prints it: JSON {"path":[...]} or text. */
int		 correlate_path_json(const struct corr_path *p, struct buf *b);
int		 correlate_path_text(const struct corr_path *p, struct buf *b);

#endif
