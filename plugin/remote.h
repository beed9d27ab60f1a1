/*
 * remote: a direct client of the audit remote protocol, with a disk spool.
 *
 * The remote sink's thread takes alert records from a bounded queue
 * (mq.h), writes each to the spool (spool.h) and sends the spool's oldest
 * record to the aggregator's tcp_listen_port, one record per message,
 * waiting for its acknowledgement (rmw.h) before removing it.  Delivery is
 * at least once: a record whose ack was lost is sent again.  Idle, it
 * sends heartbeats (heartbeat_timeout) and watches for the server's ENDING.
 * It reconnects with a backoff from network_retry_time doubling up to
 * network_retry_max.  DISKFULL and DISKERROR replies keep the record
 * spooled and pause sending for network_retry_max seconds.  Failure
 * actions only decide what is logged: a detector must not let whoever can
 * break the network stop or halt the host.
 */
#ifndef SW_REMOTE_H
#define SW_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "spool.h"

enum remote_action {
	RA_IGNORE,		/* say nothing */
	RA_SYSLOG,		/* log every time */
	RA_WARN_ONCE,		/* log once, until it recovers */
};

struct remote_conf {
	const char		*server;
	unsigned		 port;
	const char		*node;		/* node= prefix, or NULL */
	int			 retry_time;	/* first backoff, seconds */
	int			 retry_max;	/* backoff cap, seconds */
	int			 heartbeat;	/* seconds idle, 0: none */
	int			 ack_timeout;	/* seconds to wait for a reply */
	const char		*spool_file;
	size_t			 spool_max;
	enum spool_policy	 spool_policy;
	size_t			 queue_depth;
	enum remote_action	 network_failure_action;
	enum remote_action	 disk_low_action;
	enum remote_action	 disk_full_action;
	enum remote_action	 disk_error_action;
	int			 ending_suspend;	/* else reconnect */
};

struct remote_stats {
	unsigned long long	 queued;
	unsigned long long	 queue_dropped;
	size_t			 queue_high;
	unsigned long long	 delivered;
	unsigned long long	 resent;
	unsigned long long	 disk_low;
	unsigned long long	 not_logged;	/* DISKFULL, DISKERROR */
	unsigned long long	 endings;
	unsigned long long	 connects;
	unsigned long long	 connect_failures;
	unsigned long long	 heartbeats;
	size_t			 spooled;	/* waiting in the spool now */
	size_t			 spool_bytes;
	struct spool_stats	 spool;
	int			 connected;
};

struct remote;

/* Opens the spool and starts the thread; NULL with err set. */
struct remote	*remote_start(const struct remote_conf *c, char *err,
		    size_t errsz);
/*
 * Queues one alert record: type (ANOM_EXEC, ...), its body (record.h) and
 * the event it is about.  Builds the record text with the node prefix, a
 * time stamp and a serial.  Never blocks.
 */
struct event;
int		 remote_submit(struct remote *r, int type, const char *body,
		    const struct event *ev);
/* The same with the actor's ids given directly. */
int		 remote_submit_ids(struct remote *r, int type,
		    const char *body, long long pid, long long uid,
		    long long auid, long long ses);
/*
 * Waits until every queued and spooled record is acknowledged, or for
 * `timeout' seconds.  Returns how many are still waiting.
 */
size_t		 remote_flush(struct remote *r, int timeout);
/*
 * Tries to deliver for at most `wait' seconds, then stops the thread and
 * frees r.  *last, unless NULL, gets the final counters.
 */
void		 remote_stop(struct remote *r, int wait,
		    struct remote_stats *last);
void		 remote_stats(struct remote *r, struct remote_stats *out);

#endif
