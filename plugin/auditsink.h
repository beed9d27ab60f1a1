/*
 * auditsink: alerts into the local audit trail.
 *
 * Each alert becomes one user-space audit record (record.h) sent with
 * audit_send_user_message(); it needs CAP_AUDIT_WRITE, which auditd's
 * plugins have.  auditd then logs it, and the stock audisp-remote
 * forwards it with everything else.  The kernel can make the sender sleep
 * while its backlog is full, so the records go out from a thread of
 * their own behind a bounded queue: reading auditd's stream never waits on
 * it.  The records come back to the plugin on its stdin; the gate knows
 * them by the plugin's pid and counts them (gate_stats own_records).
 */
#ifndef SW_AUDITSINK_H
#define SW_AUDITSINK_H

#include <stddef.h>

#define AUDITSINK_QUEUE	4096

struct auditsink_stats {
	unsigned long long	 queued;
	unsigned long long	 sent;
	unsigned long long	 failed;		/* refused by the kernel */
	unsigned long long	 dropped;	/* queue full */
	size_t			 queue_high;
};

struct auditsink;

/* Opens the audit socket and starts the thread; NULL with err set. */
struct auditsink *auditsink_start(size_t depth, char *err, size_t errsz);
/* Queues one record body of the given type; never blocks. */
int		  auditsink_submit(struct auditsink *s, int type,
		    const char *body, size_t len);
/*
 * Sends what is queued (for at most `wait' seconds), then stops and frees
 * s.  *last, unless NULL, gets the final counters.
 */
void		  auditsink_stop(struct auditsink *s, int wait,
		    struct auditsink_stats *last);
void		  auditsink_stats(struct auditsink *s,
		    struct auditsink_stats *out);

#endif
