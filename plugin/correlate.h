/*
 * correlate: multi-host paths in an aggregator's log (replay
 * --correlate).
 *
 * While replaying, every ssh/scp/sftp client execution ("outbound": node,
 * time, session, who, destination) and every session sshd opens
 * ("inbound": node, time, session, account, address it came from) is
 * kept.  At the end an outbound is linked to the first inbound that:
 *  - opened on the destination's node (the destination is that node's
 *    name, its first label, or an address --hosts maps to it),
 *  - within CORR_WINDOW seconds after the client started,
 *  - for the account the client asked for (else the client's own user).
 * Then a session reached that way whose own clients were linked onward
 * makes a path: host A -> host B -> host C.  Each maximal path is printed.
 * Both tables are bounded; what goes over is counted and said.
 */
#ifndef SW_CORRELATE_H
#define SW_CORRELATE_H

#include <stdio.h>

#define CORR_MAX	16384
#define CORR_WINDOW	30.0
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

struct correlate;

struct correlate *correlate_new(void);
void		 correlate_free(struct correlate *c);
/* Reads "ADDRESS NAME..." lines (like /etc/hosts).  Returns 0 or -1. */
int		 correlate_hosts(struct correlate *c, const char *path,
		    char *err, size_t errsz);
void		 correlate_outbound(struct correlate *c,
		    const struct corr_out *o);
void		 correlate_inbound(struct correlate *c, const struct corr_in *i);
/* Links and prints the paths; returns how many were printed. */
size_t		 correlate_report(struct correlate *c, FILE *fp, int json);

#endif
