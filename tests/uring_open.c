/*
 * uring_open: opens a file through io_uring (IORING_OP_OPENAT) and writes
 * to it or reads it (IORING_OP_WRITE, IORING_OP_READ), with no system call
 * on the file besides io_uring_enter(2): what an attacker does to plant an
 * authorized_keys line or read a key past syscall rules.  Used by
 * tests/uring_kernel.sh against a real kernel; raw system calls, so no
 * liburing is needed.
 *
 *	uring_open write FILE TEXT	append TEXT and a newline to FILE
 *					(created 0600 when missing)
 *	uring_open read FILE		copy FILE to stdout
 *
 * Exits 0, 1 when a step fails (the message names it), 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ring {
	int		 fd;
	unsigned	*sq_tail, *sq_mask, *sq_array;
	unsigned	*cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int
ring_open(struct ring *r)
{
	struct io_uring_params p;
	void *sq, *cq;
	size_t sqlen, cqlen;

	memset(&p, 0, sizeof(p));
	r->fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -1;
	sqlen = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cqlen = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sqlen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
	    r->fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, cqlen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
	    r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
	    IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -1;
	r->sq_tail = (unsigned *)((char *)sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)((char *)sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)((char *)sq + p.sq_off.array);
	r->cq_head = (unsigned *)((char *)cq + p.cq_off.head);
	r->cq_tail = (unsigned *)((char *)cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)((char *)cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)((char *)cq + p.cq_off.cqes);
	return 0;
}

/* Submits one SQE and waits for its completion; returns its result. */
static int
ring_run(struct ring *r, const struct io_uring_sqe *sqe)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	int res;

	r->sqes[idx] = *sqe;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS,
	    NULL, 0) < 0)
		return -errno;
	head = __atomic_load_n(r->cq_head, __ATOMIC_ACQUIRE);
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return -EIO;
	res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

int
main(int argc, char **argv)
{
	struct io_uring_sqe sqe;
	struct ring r;
	char buf[4096];
	int writing, fd, n;

	if (argc < 3 || (strcmp(argv[1], "write") == 0 && argc != 4) ||
	    (strcmp(argv[1], "read") == 0 && argc != 3) ||
	    (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "read") != 0)) {
		fprintf(stderr, "usage: uring_open write FILE TEXT | "
		    "read FILE\n");
		return 2;
	}
	writing = strcmp(argv[1], "write") == 0;
	if (ring_open(&r) == -1) {
		fprintf(stderr, "uring_open: io_uring_setup: %s\n",
		    strerror(errno));
		return 1;
	}
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_OPENAT;
	sqe.fd = AT_FDCWD;
	sqe.addr = (unsigned long)argv[2];
	sqe.open_flags = writing ? O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC :
	    O_RDONLY | O_CLOEXEC;
	sqe.len = 0600;
	fd = ring_run(&r, &sqe);
	if (fd < 0) {
		fprintf(stderr, "uring_open: IORING_OP_OPENAT %s: %s\n",
		    argv[2], strerror(-fd));
		return 1;
	}
	memset(&sqe, 0, sizeof(sqe));
	sqe.fd = fd;
	sqe.off = (__u64)-1;		/* the file position */
	sqe.addr = (unsigned long)buf;
	if (writing) {
		n = snprintf(buf, sizeof(buf), "%s\n", argv[3]);
		if (n < 0 || (size_t)n >= sizeof(buf))
			return 2;
		sqe.opcode = IORING_OP_WRITE;
		sqe.len = (unsigned)n;
		if ((n = ring_run(&r, &sqe)) < 0) {
			fprintf(stderr, "uring_open: IORING_OP_WRITE: %s\n",
			    strerror(-n));
			return 1;
		}
		return 0;
	}
	sqe.opcode = IORING_OP_READ;
	sqe.len = sizeof(buf);
	while ((n = ring_run(&r, &sqe)) > 0)
		if (write(1, buf, (size_t)n) != n)
			return 1;
	if (n < 0) {
		fprintf(stderr, "uring_open: IORING_OP_READ: %s\n",
		    strerror(-n));
		return 1;
	}
	return 0;
}
