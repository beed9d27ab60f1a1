/*
 * auditsink: the audit-trail sink thread (see auditsink.h).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libaudit.h>

#include "auditsink.h"
#include "log.h"
#include "mq.h"

struct auditsink {
	struct mq		 q;
	int			 fd;
	pthread_t		 thread;
	pthread_mutex_t		 mu;		/* guards the counters */
	unsigned long long	 sent, failed;
	time_t			 deadline;	/* when stopping */
};

/*
 * Sends one user message on the audit netlink socket and waits for the
 * kernel's answer (its NLMSG_ERROR with 0 for success).  Returns 0, or an
 * errno value.  libaudit 3.0's own sender is not part of its public API,
 * and audit_log_user_message() would append the plugin's own exe=.
 */
static int
nlsend(int fd, int type, const char *body)
{
	struct {
		struct nlmsghdr	 nlh;
		char		 data[MAX_AUDIT_MESSAGE_LENGTH];
	} req;
	struct {
		struct nlmsghdr	 nlh;
		struct nlmsgerr	 err;
		char		 pad[64];
	} ack;
	struct sockaddr_nl addr;
	static unsigned seq;
	size_t len = strlen(body) + 1;
	ssize_t r;
	int tries;

	if (NLMSG_SPACE(len) > sizeof(req))
		return EMSGSIZE;
	memset(&req, 0, sizeof(req.nlh));
	req.nlh.nlmsg_len = (unsigned)NLMSG_SPACE(len);
	req.nlh.nlmsg_type = (unsigned short)type;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nlh.nlmsg_seq = ++seq;
	memcpy(NLMSG_DATA(&req.nlh), body, len);
	memset(&addr, 0, sizeof(addr));
	addr.nl_family = AF_NETLINK;
	do {
		r = sendto(fd, &req, req.nlh.nlmsg_len, 0,
		    (struct sockaddr *)&addr, sizeof(addr));
	} while (r == -1 && errno == EINTR);
	if (r == -1)
		return errno;
	/* The kernel answers each request; skip anything else. */
	for (tries = 0; tries < 16; tries++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 5000) <= 0)
			return ETIMEDOUT;
		r = recv(fd, &ack, sizeof(ack), 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r < (ssize_t)sizeof(ack.nlh))
			return r == -1 ? errno : EPROTO;
		if (ack.nlh.nlmsg_type == NLMSG_ERROR &&
		    ack.nlh.nlmsg_seq == seq)
			return -ack.err.error;
	}
	return EPROTO;
}

static void *
auditsink_main(void *arg)
{
	struct auditsink *s = arg;
	struct mq_item it;

	for (;;) {
		struct pollfd pfd = { .fd = mq_wait_fd(&s->q), .events = POLLIN };

		while (mq_pop(&s->q, &it) == 0) {
			int rc = nlsend(s->fd, it.type, it.text);

			pthread_mutex_lock(&s->mu);
			if (rc == 0)
				s->sent++;
			else
				s->failed++;
			pthread_mutex_unlock(&s->mu);
			if (rc != 0)
				log_msg(LOG_ERR, "audit sink: the kernel refused "
				    "an alert record: %s", strerror(rc));
			free(it.text);
			if (mq_is_closed(&s->q) && time(NULL) > s->deadline)
				break;
		}
		if (mq_is_closed(&s->q) && (mq_len(&s->q) == 0 ||
		    time(NULL) > s->deadline))
			break;
		poll(&pfd, 1, 1000);
	}
	return NULL;
}

struct auditsink *
auditsink_start(size_t depth, char *err, size_t errsz)
{
	struct auditsink *s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if ((s->fd = audit_open()) < 0) {
		snprintf(err, errsz, "audit sink: cannot open the audit "
		    "socket: %s", strerror(errno));
		free(s);
		return NULL;
	}
	if (mq_init(&s->q, depth) == -1) {
		snprintf(err, errsz, "out of memory");
		audit_close(s->fd);
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->mu, NULL);
	if ((errno = mq_thread_start(&s->thread, auditsink_main, s)) != 0) {
		snprintf(err, errsz, "audit sink: thread: %s", strerror(errno));
		mq_destroy(&s->q);
		audit_close(s->fd);
		free(s);
		return NULL;
	}
	return s;
}

int
auditsink_submit(struct auditsink *s, int type, const char *body, size_t len)
{
	return mq_push(&s->q, type, body, len);
}

void
auditsink_stop(struct auditsink *s, int wait, struct auditsink_stats *last)
{
	if (s == NULL)
		return;
	s->deadline = time(NULL) + wait;
	mq_close(&s->q);
	pthread_join(s->thread, NULL);
	if (last != NULL)
		auditsink_stats(s, last);
	mq_destroy(&s->q);
	audit_close(s->fd);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

void
auditsink_stats(struct auditsink *s, struct auditsink_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	out->sent = s->sent;
	out->failed = s->failed;
	pthread_mutex_unlock(&s->mu);
	pthread_mutex_lock(&s->q.mu);
	out->queued = s->q.pushed;
	out->dropped = s->q.dropped;
	out->queue_high = s->q.high;
	pthread_mutex_unlock(&s->q.mu);
}
