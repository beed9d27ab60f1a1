/*
 * remote: the remote sink's thread (see remote.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "event.h"
#include "log.h"
#include "mq.h"
#include "record.h"
#include "remote.h"
#include "rmw.h"

#define CONNECT_TIMEOUT_MS	5000

struct remote {
	struct remote_conf	 c;
	char			*server, *node, *spool_file;
	struct mq		 q;
	struct spool		*spool;
	pthread_t		 thread;
	pthread_mutex_t		 mu;		/* guards st and the flags */
	struct remote_stats	 st;
	uint32_t		 serial;	/* next record serial */
	int			 sock;
	int			 inflight;	/* popped, not spooled yet */
	uint32_t		 seq;		/* per message */
	time_t			 next_connect, suspend_until, last_io;
	int			 backoff;
	int			 suspended_for_good;
	int			 failing;	/* for warn_once */
	int			 stopping;
	time_t			 stop_deadline;
	unsigned char		*buf;		/* one record */
};

static void
act(struct remote *r, enum remote_action a, int *once, const char *what)
{
	if (a == RA_IGNORE)
		return;
	if (a == RA_WARN_ONCE) {
		if (*once)
			return;
		*once = 1;
	}
	log_msg(LOG_WARNING, "remote sink: %s", what);
}

static void
disconnect(struct remote *r)
{
	if (r->sock != -1) {
		close(r->sock);
		r->sock = -1;
	}
	pthread_mutex_lock(&r->mu);
	r->st.connected = 0;
	pthread_mutex_unlock(&r->mu);
}

/* Connects within CONNECT_TIMEOUT_MS; returns 0 or an errno value. */
static int
try_connect(struct remote *r)
{
	struct addrinfo hints, *ai = NULL, *p;
	char port[16];
	int fd = -1, rc = ECONNREFUSED, gai;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", r->c.port);
	if ((gai = getaddrinfo(r->server, port, &hints, &ai)) != 0)
		return gai == EAI_SYSTEM ? errno : EHOSTUNREACH;
	for (p = ai; p != NULL; p = p->ai_next) {
		struct pollfd pfd;
		socklen_t sl = sizeof(rc);
		int one = 1;
		struct timeval tv = { r->c.ack_timeout, 0 };

		fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, p->ai_protocol);
		if (fd == -1) {
			rc = errno;
			continue;
		}
		if (connect(fd, p->ai_addr, p->ai_addrlen) == -1 &&
		    errno != EINPROGRESS) {
			rc = errno;
			close(fd);
			fd = -1;
			continue;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, CONNECT_TIMEOUT_MS) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &rc, &sl) == -1 ||
		    rc != 0) {
			if (rc == 0)
				rc = ETIMEDOUT;
			close(fd);
			fd = -1;
			continue;
		}
		/* Blocking from now on, with a send time-out. */
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		rc = 0;
		break;
	}
	freeaddrinfo(ai);
	if (fd == -1)
		return rc != 0 ? rc : ECONNREFUSED;
	r->sock = fd;
	return 0;
}

/*
 * Moves what the main thread queued into the spool.  Under mu an alert is
 * always counted somewhere -- in the queue, in flight or in st.spooled --
 * so that remote_flush() never sees it missing between queue and spool.
 */
static void
drain_queue(struct remote *r)
{
	struct mq_item it;
	int rc;

	for (;;) {
		pthread_mutex_lock(&r->mu);
		rc = mq_pop(&r->q, &it);
		r->inflight = rc == 0;
		pthread_mutex_unlock(&r->mu);
		if (rc == -1)
			break;
		rc = spool_append(r->spool, it.text, it.len);
		if (rc == 1)
			log_msg(LOG_WARNING, "remote sink: spool at its cap "
			    "(%zu bytes): an alert was dropped (%s)",
			    r->c.spool_max, r->c.spool_policy == SPOOL_DROP_NEW ?
			    "spool_full_action = drop_new" :
			    "spool_full_action = drop_oldest");
		else if (rc == -1)
			log_msg(LOG_ERR, "remote sink: cannot write the spool "
			    "%s: %s", r->c.spool_file, strerror(errno));
		free(it.text);
		pthread_mutex_lock(&r->mu);
		r->inflight = 0;
		r->st.spooled = spool_count(r->spool);
		r->st.spool_bytes = spool_bytes(r->spool);
		pthread_mutex_unlock(&r->mu);
	}
}

static int
send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = send(fd, c, n, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads exactly n bytes, waiting at most until `until'. */
static int
recv_all(struct remote *r, unsigned char *p, size_t n, time_t until)
{
	ssize_t got;

	while (n > 0) {
		struct pollfd pfd[2] = {
			{ .fd = r->sock, .events = POLLIN },
			{ .fd = mq_wait_fd(&r->q), .events = POLLIN },
		};
		time_t now = time(NULL);

		if (now >= until)
			return -1;
		if (poll(pfd, 2, (int)(until - now) * 1000) == -1 &&
		    errno != EINTR)
			return -1;
		/* Keep the spool filling while the server is slow. */
		if (pfd[1].revents & POLLIN)
			drain_queue(r);
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		got = recv(r->sock, p, n, 0);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

/* Reads one reply: header, then its text (discarded after logging). */
static int
read_reply(struct remote *r, struct rmw_header *h, char *msg, size_t msgsz,
    time_t until)
{
	unsigned char hdr[RMW_HEADER_SIZE], text[RMW_MAX_PAYLOAD];
	const char *why;

	if (recv_all(r, hdr, sizeof(hdr), until) == -1)
		return -1;
	if ((why = rmw_unpack(hdr, sizeof(hdr), h)) != NULL) {
		log_msg(LOG_ERR, "remote sink: bad reply from %s: %s",
		    r->server, why);
		return -1;
	}
	if (h->len > 0 && recv_all(r, text, h->len, until) == -1)
		return -1;
	snprintf(msg, msgsz, "%.*s", (int)h->len, (const char *)text);
	return 0;
}

/* What a server reply does; returns 1 when the record may leave. */
static int
handle_verdict(struct remote *r, enum rmw_verdict v, const char *msg)
{
	char what[512];
	time_t now = time(NULL);
	static int low_once, full_once, err_once;

	switch (v) {
	case RMW_DELIVERED:
		low_once = full_once = err_once = 0;
		return 1;
	case RMW_DELIVERED_LOW:
		pthread_mutex_lock(&r->mu);
		r->st.disk_low++;
		pthread_mutex_unlock(&r->mu);
		snprintf(what, sizeof(what), "%s reports its disk is low: "
		    "%.200s", r->server, msg);
		act(r, r->c.disk_low_action, &low_once, what);
		return 1;
	case RMW_NOT_LOGGED:
		pthread_mutex_lock(&r->mu);
		r->st.not_logged++;
		pthread_mutex_unlock(&r->mu);
		snprintf(what, sizeof(what), "%s did not log an alert "
		    "(%.200s); it stays spooled, next try in %d s", r->server,
		    msg, r->c.retry_max);
		act(r, strstr(msg, "full") ? r->c.disk_full_action :
		    r->c.disk_error_action, strstr(msg, "full") ? &full_once :
		    &err_once, what);
		disconnect(r);
		r->suspend_until = now + r->c.retry_max;
		return 0;
	case RMW_ENDING:
		pthread_mutex_lock(&r->mu);
		r->st.endings++;
		pthread_mutex_unlock(&r->mu);
		log_msg(LOG_NOTICE, "remote sink: %s is shutting down; %s",
		    r->server, r->c.ending_suspend ? "sending suspended "
		    "(remote_ending_action = suspend)" : "will reconnect");
		disconnect(r);
		if (r->c.ending_suspend)
			r->suspended_for_good = 1;
		r->next_connect = now + r->backoff;
		return 0;
	default:
		log_msg(LOG_ERR, "remote sink: unexpected reply from %s; "
		    "reconnecting", r->server);
		disconnect(r);
		r->next_connect = now;
		return 0;
	}
}

/* Sends the spool's oldest record and handles the reply. */
static void
send_oldest(struct remote *r)
{
	unsigned char hdr[RMW_HEADER_SIZE];
	struct rmw_header h;
	char msg[512];
	size_t len;
	uint64_t sseq;
	int rc;

	if ((rc = spool_peek(r->spool, r->buf, RMW_MAX_PAYLOAD, &len,
	    &sseq)) != 1)
		return;
	if (len > RMW_MAX_PAYLOAD) {
		/* Cannot be sent; cannot have been spooled by us either. */
		log_msg(LOG_ERR, "remote sink: spooled record of %zu bytes is "
		    "over the protocol limit; dropped", len);
		spool_ack(r->spool);
		return;
	}
	rmw_pack(hdr, (uint32_t)RMW_TYPE_MESSAGE, (uint16_t)len, ++r->seq);
	if (send_all(r->sock, hdr, sizeof(hdr)) == -1 ||
	    send_all(r->sock, r->buf, len) == -1 ||
	    read_reply(r, &h, msg, sizeof(msg), time(NULL) +
	    r->c.ack_timeout) == -1) {
		pthread_mutex_lock(&r->mu);
		r->st.resent++;
		pthread_mutex_unlock(&r->mu);
		disconnect(r);
		r->next_connect = time(NULL);
		return;
	}
	r->last_io = time(NULL);
	spool_set_serial(r->spool, __atomic_load_n(&r->serial,
	    __ATOMIC_RELAXED));
	if (handle_verdict(r, rmw_verdict(&h, r->seq), msg) &&
	    spool_ack(r->spool) == 0) {
		pthread_mutex_lock(&r->mu);
		r->st.delivered++;
		pthread_mutex_unlock(&r->mu);
	}
}

static void
heartbeat(struct remote *r)
{
	unsigned char hdr[RMW_HEADER_SIZE];
	struct rmw_header h;
	char msg[512];

	rmw_pack(hdr, (uint32_t)RMW_TYPE_HEARTBEAT, 0, ++r->seq);
	if (send_all(r->sock, hdr, sizeof(hdr)) == -1 ||
	    read_reply(r, &h, msg, sizeof(msg), time(NULL) +
	    r->c.ack_timeout) == -1) {
		disconnect(r);
		r->next_connect = time(NULL);
		return;
	}
	r->last_io = time(NULL);
	pthread_mutex_lock(&r->mu);
	r->st.heartbeats++;
	pthread_mutex_unlock(&r->mu);
	handle_verdict(r, rmw_verdict(&h, r->seq), msg);
}

/* An idle connection: the server may say ENDING, or close. */
static void
check_async(struct remote *r)
{
	struct rmw_header h;
	char msg[512];

	if (read_reply(r, &h, msg, sizeof(msg), time(NULL) + 1) == -1) {
		disconnect(r);
		r->next_connect = time(NULL);
		return;
	}
	handle_verdict(r, rmw_verdict(&h, 0), msg);
}

static void
refresh_stats(struct remote *r)
{
	pthread_mutex_lock(&r->mu);
	r->st.spooled = spool_count(r->spool);
	r->st.spool_bytes = spool_bytes(r->spool);
	r->st.spool = *spool_stats(r->spool);
	pthread_mutex_unlock(&r->mu);
}

static void *
remote_main(void *arg)
{
	struct remote *r = arg;
	static int net_once;

	for (;;) {
		time_t now = time(NULL), wake;
		struct pollfd pfd[2];
		int n = 0, stopping;

		drain_queue(r);
		refresh_stats(r);
		pthread_mutex_lock(&r->mu);
		stopping = r->stopping;
		pthread_mutex_unlock(&r->mu);
		if (stopping && (spool_count(r->spool) == 0 ||
		    now >= r->stop_deadline || r->suspended_for_good))
			break;
		if (r->sock == -1 && !r->suspended_for_good &&
		    now >= r->suspend_until && now >= r->next_connect &&
		    (spool_count(r->spool) > 0 || r->c.heartbeat > 0)) {
			int rc = try_connect(r);

			pthread_mutex_lock(&r->mu);
			if (rc == 0) {
				r->st.connects++;
				r->st.connected = 1;
			} else
				r->st.connect_failures++;
			pthread_mutex_unlock(&r->mu);
			if (rc == 0) {
				if (net_once)
					log_msg(LOG_NOTICE, "remote sink: "
					    "connected to %s again", r->server);
				net_once = 0;
				r->backoff = r->c.retry_time;
				r->last_io = now;
			} else {
				char what[512];

				snprintf(what, sizeof(what), "cannot reach "
				    "%s port %u: %s; alerts stay spooled",
				    r->server, r->c.port, strerror(rc));
				act(r, r->c.network_failure_action, &net_once,
				    what);
				r->next_connect = now + r->backoff;
				if (r->backoff < r->c.retry_max)
					r->backoff = r->backoff * 2 >
					    r->c.retry_max ? r->c.retry_max :
					    r->backoff * 2;
			}
			continue;
		}
		if (r->sock != -1 && spool_count(r->spool) > 0) {
			send_oldest(r);
			continue;
		}
		if (r->sock != -1 && r->c.heartbeat > 0 &&
		    now - r->last_io >= r->c.heartbeat) {
			heartbeat(r);
			continue;
		}
		/*
		 * Wait for an alert, the server, or the next timer.  A
		 * closed queue stays readable: then only the socket counts.
		 */
		wake = now + 1;
		if (!mq_is_closed(&r->q)) {
			pfd[n].fd = mq_wait_fd(&r->q);
			pfd[n++].events = POLLIN;
		}
		if (r->sock != -1) {
			pfd[n].fd = r->sock;
			pfd[n++].events = POLLIN;
		}
		poll(pfd, (nfds_t)n, (int)(wake - now) * 1000);
		if (r->sock != -1 && (pfd[n - 1].revents &
		    (POLLIN | POLLHUP | POLLERR)))
			check_async(r);
	}
	refresh_stats(r);
	disconnect(r);
	return NULL;
}

struct remote *
remote_start(const struct remote_conf *c, char *err, size_t errsz)
{
	struct remote *r;
	const char *notice;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto nomem;
	r->c = *c;
	r->sock = -1;
	r->server = strdup(c->server);
	r->node = c->node != NULL ? strdup(c->node) : NULL;
	r->spool_file = strdup(c->spool_file);
	r->buf = malloc(SPOOL_MAX_ENTRY);
	if (r->server == NULL || r->spool_file == NULL || r->buf == NULL ||
	    (c->node != NULL && r->node == NULL))
		goto nomem;
	r->c.server = r->server;
	r->c.node = r->node;
	r->c.spool_file = r->spool_file;
	r->backoff = c->retry_time > 0 ? c->retry_time : 1;
	if ((r->spool = spool_open(c->spool_file, c->spool_max,
	    c->spool_policy, err, errsz)) == NULL)
		goto fail;
	if ((notice = spool_notice(r->spool)) != NULL)
		log_msg(LOG_WARNING, "remote sink: %s", notice);
	if (spool_stats(r->spool)->cut_at_open > 0)
		log_msg(LOG_WARNING, "remote sink: %llu bytes of a torn or "
		    "corrupt spool tail were cut off",
		    spool_stats(r->spool)->cut_at_open);
	if (spool_count(r->spool) > 0)
		log_msg(LOG_NOTICE, "remote sink: %zu alerts waiting in %s",
		    spool_count(r->spool), c->spool_file);
	r->serial = spool_next_serial(r->spool);
	/* What the spool holds counts for remote_flush() from the start. */
	r->st.spooled = spool_count(r->spool);
	r->st.spool_bytes = spool_bytes(r->spool);
	if (mq_init(&r->q, c->queue_depth) == -1)
		goto nomem;
	pthread_mutex_init(&r->mu, NULL);
	if ((errno = mq_thread_start(&r->thread, remote_main, r)) != 0) {
		snprintf(err, errsz, "remote sink: thread: %s",
		    strerror(errno));
		mq_destroy(&r->q);
		goto fail;
	}
	return r;
 nomem:
	snprintf(err, errsz, "out of memory");
 fail:
	if (r != NULL) {
		spool_close(r->spool);
		free(r->server);
		free(r->node);
		free(r->spool_file);
		free(r->buf);
		free(r);
	}
	return NULL;
}

int
remote_submit_ids(struct remote *r, int type, const char *body,
    long long pid, long long uid, long long auid, long long ses)
{
	struct timespec ts;
	struct buf rec;
	uint32_t serial;
	int rc;

	clock_gettime(CLOCK_REALTIME, &ts);
	serial = __atomic_fetch_add(&r->serial, 1, __ATOMIC_RELAXED);
	buf_init(&rec, RMW_MAX_PAYLOAD);
	if (record_remote_ids(r->node, type, &ts, serial, pid, uid, auid, ses,
	    body, &rec) == -1) {
		buf_free(&rec);
		pthread_mutex_lock(&r->q.mu);
		r->q.dropped++;
		pthread_mutex_unlock(&r->q.mu);
		return -1;
	}
	rc = mq_push(&r->q, type, rec.p, rec.len);
	buf_free(&rec);
	return rc;
}

int
remote_submit(struct remote *r, int type, const char *body,
    const struct event *ev)
{
	return remote_submit_ids(r, type, body, ev->pid, ev->uid, ev->auid,
	    ev->ses);
}

size_t
remote_flush(struct remote *r, int timeout)
{
	time_t until = time(NULL) + timeout;
	size_t left;

	for (;;) {
		pthread_mutex_lock(&r->mu);
		left = r->st.spooled + (size_t)r->inflight + mq_len(&r->q);
		pthread_mutex_unlock(&r->mu);
		if (left == 0 || time(NULL) >= until)
			return left;
		usleep(50000);
	}
}

void
remote_stop(struct remote *r, int wait, struct remote_stats *last)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->stopping = 1;
	r->stop_deadline = time(NULL) + wait;
	pthread_mutex_unlock(&r->mu);
	mq_close(&r->q);
	pthread_join(r->thread, NULL);
	if (last != NULL)
		remote_stats(r, last);
	mq_destroy(&r->q);
	spool_close(r->spool);
	pthread_mutex_destroy(&r->mu);
	free(r->server);
	free(r->node);
	free(r->spool_file);
	free(r->buf);
	free(r);
}

void
remote_stats(struct remote *r, struct remote_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	*out = r->st;
	pthread_mutex_unlock(&r->mu);
	pthread_mutex_lock(&r->q.mu);
	out->queued = r->q.pushed;
	out->queue_dropped = r->q.dropped;
	out->queue_high = r->q.high;
	pthread_mutex_unlock(&r->q.mu);
}
