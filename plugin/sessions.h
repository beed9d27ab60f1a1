/*
 * sessions: audit sessions that arrived over SSH, and where from.
 *
 * sshd's PAM stack leaves a USER_START record when a session opens
 * (op=PAM:session_open acct="alice" exe="/usr/sbin/sshd"
 * hostname=10.0.0.5 addr=10.0.0.5 terminal=ssh res=success, with ses= the
 * new session) and USER_END when it closes.  Every process of the session
 * carries that ses in its SYSCALL records, so an ssh started inside it can
 * be traced to the login: host A -> this host -> next host.  The table is
 * bounded; the oldest session makes room (counted).
 */
#ifndef SW_SESSIONS_H
#define SW_SESSIONS_H

#include <stddef.h>

#define SESSIONS_MAX	4096
#define SESSIONS_STR	64

struct session {
	char		 node[SESSIONS_STR];
	long long	 ses;
	char		 acct[SESSIONS_STR];
	char		 addr[SESSIONS_STR];	/* addr=, else hostname= */
	char		 exe[SESSIONS_STR];
	char		 start[32];		/* "sec.msec" of USER_START */
	double		 t;
	int		 ended;
	long long	 relogin_from;	/* ses it continues (LOGIN), or 0 */
	/* Table links. */
	unsigned long long seq;
};

struct sessions;

struct sessions	*sessions_new(size_t max);
void		 sessions_free(struct sessions *s);
/* A session opened (USER_START by sshd).  Replaces an older one. */
void		 sessions_open(struct sessions *s, const struct session *in);
/* A session closed (USER_END): kept a while for late events, marked. */
void		 sessions_close(struct sessions *s, const char *node,
		    long long ses);
/*
 * A process of session old_ses set its loginuid (a LOGIN record: `echo 0
 * > /proc/self/loginuid', su with pam_loginuid, ...) and got new_ses: when
 * old_ses came in over SSH, new_ses is the same login seen from the
 * network, so it is entered as a copy of it (relogin_from = old_ses).
 * Returns 1 when entered, 0 when old_ses is no SSH session we know.
 */
int		 sessions_relogin(struct sessions *s, const char *node,
		    long long old_ses, long long new_ses);
const struct session *sessions_find(const struct sessions *s,
		    const char *node, long long ses);
size_t		 sessions_count(const struct sessions *s);
unsigned long long sessions_evicted(const struct sessions *s);

#endif
