/*
 * mq: bounded message queue with a wake pipe (see mq.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mq.h"

int
mq_init(struct mq *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	if ((q->v = calloc(cap, sizeof(*q->v))) == NULL)
		return -1;
	if (pipe2(q->wake, O_NONBLOCK | O_CLOEXEC) == -1) {
		free(q->v);
		return -1;
	}
	q->cap = cap;
	pthread_mutex_init(&q->mu, NULL);
	return 0;
}

void
mq_destroy(struct mq *q)
{
	struct mq_item it;

	while (mq_pop(q, &it) == 0)
		free(it.text);
	close(q->wake[0]);
	close(q->wake[1]);
	free(q->v);
	pthread_mutex_destroy(&q->mu);
}

static void
poke(struct mq *q)
{
	char c = 1;

	/* A full pipe already says "readable": EAGAIN is fine. */
	while (write(q->wake[1], &c, 1) == -1 && errno == EINTR)
		;
}

int
mq_push(struct mq *q, int type, const char *text, size_t len)
{
	struct mq_item *it;
	char *copy;

	if ((copy = malloc(len + 1)) == NULL) {
		pthread_mutex_lock(&q->mu);
		q->dropped++;
		pthread_mutex_unlock(&q->mu);
		return -1;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	pthread_mutex_lock(&q->mu);
	if (q->closed || q->n == q->cap) {
		q->dropped++;
		pthread_mutex_unlock(&q->mu);
		free(copy);
		return -1;
	}
	it = &q->v[(q->head + q->n) % q->cap];
	it->type = type;
	it->text = copy;
	it->len = len;
	q->n++;
	q->pushed++;
	if (q->n > q->high)
		q->high = q->n;
	pthread_mutex_unlock(&q->mu);
	poke(q);
	return 0;
}

int
mq_pop(struct mq *q, struct mq_item *it)
{
	char drain[64];
	int rc = -1;

	pthread_mutex_lock(&q->mu);
	if (q->n > 0) {
		*it = q->v[q->head];
		q->head = (q->head + 1) % q->cap;
		q->n--;
		rc = 0;
	}
	if (q->n == 0 && !q->closed)
		while (read(q->wake[0], drain, sizeof(drain)) > 0)
			;
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int
mq_wait_fd(const struct mq *q)
{
	return q->wake[0];
}

void
mq_close(struct mq *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = 1;
	pthread_mutex_unlock(&q->mu);
	poke(q);
}

int
mq_is_closed(struct mq *q)
{
	int c;

	pthread_mutex_lock(&q->mu);
	c = q->closed;
	pthread_mutex_unlock(&q->mu);
	return c;
}

size_t
mq_len(struct mq *q)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	n = q->n;
	pthread_mutex_unlock(&q->mu);
	return n;
}

int
mq_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	/* A new thread starts with its creator's mask: block, then restore. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
