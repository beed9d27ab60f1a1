/*
 * mq: a bounded queue of messages from the main thread to a sink thread.
 *
 * mq_push() never blocks: the plugin must never stop reading auditd's
 * stream because a sink is slow, so a full queue drops the message and
 * counts it.  The consumer waits with mq_wait_fd() in its own poll(), so it
 * can wait on the queue and on a socket at once.
 */
#ifndef SW_MQ_H
#define SW_MQ_H

#include <pthread.h>
#include <stddef.h>

struct mq_item {
	int	 type;
	char	*text;		/* owned by the queue until popped */
	size_t	 len;
};

struct mq {
	pthread_mutex_t		 mu;
	struct mq_item		*v;
	size_t			 cap, head, n;
	size_t			 high;		/* most items held at once */
	unsigned long long	 pushed, dropped;
	int			 wake[2];	/* readable when not empty */
	int			 closed;
};

int	 mq_init(struct mq *q, size_t cap);
void	 mq_destroy(struct mq *q);
/* Copies text[0..len); returns 0, or -1 when full or closed (counted). */
int	 mq_push(struct mq *q, int type, const char *text, size_t len);
/* Takes the oldest item; returns 0, or -1 when empty. */
int	 mq_pop(struct mq *q, struct mq_item *it);
/* A descriptor that is readable while the queue may hold items. */
int	 mq_wait_fd(const struct mq *q);
/* Marks the queue closed: no more pushes; the consumer drains and ends. */
void	 mq_close(struct mq *q);
int	 mq_is_closed(struct mq *q);
size_t	 mq_len(struct mq *q);
/*
 * Starts a queue's consumer, fn(arg), on a new thread that blocks every
 * signal, so that SIGTERM, SIGHUP and SIGUSR1 always reach the main
 * thread, whose handlers set the flags its loop reads.  Returns 0, or an
 * errno value as pthread_create() does.
 */
int	 mq_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
