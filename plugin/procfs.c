/*
 * procfs: ancestry from /proc (see procfs.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"

static int enabled;

void
procfs_enable(int on)
{
	enabled = on;
}

int
procfs_enabled(void)
{
	return enabled;
}

/* A decimal field; advances *p past it and one space. */
static int
field_num(const char **p, const char *end, unsigned long long *v)
{
	const char *q = *p;

	*v = 0;
	if (q < end && *q == '-')
		return -1;
	if (q >= end || *q < '0' || *q > '9')
		return -1;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		if (*v > (~0ULL - 9) / 10)
			return -1;
		*v = *v * 10 + (unsigned long long)(*q - '0');
	}
	*p = q < end && *q == ' ' ? q + 1 : q;
	return 0;
}

int
procfs_parse_stat(const char *buf, size_t n, long long *ppid,
    unsigned long long *start_ticks)
{
	const char *p, *end = buf + n;
	unsigned long long v;
	int f;

	/* "PID (COMM) S PPID ...": the comm ends at the last ')'. */
	if ((p = memrchr(buf, ')', n)) == NULL || end - p < 4 ||
	    p[1] != ' ' || p[3] != ' ')
		return -1;
	p += 4;				/* past ") S " */
	if (field_num(&p, end, &v) == -1 || v > 0x7fffffff)
		return -1;
	*ppid = (long long)v;
	/* Fields 5..21, then starttime (22). */
	for (f = 5; f <= 22; f++) {
		/* Some fields may be negative (priority, nice...). */
		if (p < end && *p == '-')
			p++;
		if (field_num(&p, end, &v) == -1)
			return -1;
	}
	*start_ticks = v;
	return 0;
}

int
procfs_parse_cmdline(const char *buf, size_t n, char *out, size_t outsz)
{
	size_t i, o = 0;
	int cut = 0;

	if (outsz == 0)
		return 1;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (i = 0; i < n; i++) {
		char c = buf[i] == '\0' ? ' ' : buf[i];

		if (o + 1 >= outsz) {
			cut = 1;
			break;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return cut;
}

/* Reads at most PROCFS_MAX_READ bytes of a regular /proc file. */
static ssize_t
read_small(const char *path, char *buf, size_t sz)
{
	struct stat st;
	ssize_t r;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	while (got < sz) {
		r = read(fd, buf + got, sz - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return (ssize_t)got;
}

/* The boot time (btime of /proc/stat), seconds since the epoch. */
static double
boot_time(void)
{
	static double bt = -1;
	char buf[PROCFS_MAX_READ * 4], *p;
	ssize_t n;

	if (bt >= 0)
		return bt;
	bt = 0;
	if ((n = read_small("/proc/stat", buf, sizeof(buf) - 1)) <= 0)
		return bt;
	buf[n] = '\0';
	if ((p = strstr(buf, "\nbtime ")) != NULL)
		bt = strtod(p + 7, NULL);
	return bt;
}

int
procfs_lookup(long long pid, double t_event, struct proc *e)
{
	char path[64], buf[PROCFS_MAX_READ + 1];
	unsigned long long start;
	long long ppid;
	long hz;
	ssize_t n;

	if (!enabled || pid <= 1)
		return -1;
	snprintf(path, sizeof(path), "/proc/%lld/stat", pid);
	if ((n = read_small(path, buf, PROCFS_MAX_READ)) <= 0 ||
	    procfs_parse_stat(buf, (size_t)n, &ppid, &start) == -1)
		return -1;
	hz = sysconf(_SC_CLK_TCK);
	/* Started after the event: the pid was reused since. */
	if (t_event > 0 && hz > 0 && boot_time() > 0 &&
	    boot_time() + (double)start / (double)hz > t_event + 1.0)
		return -1;
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	e->ppid = ppid;
	e->auid = e->uid = e->ses = -1;
	e->t = t_event;
	e->from_proc = 1;
	snprintf(path, sizeof(path), "/proc/%lld/cmdline", pid);
	if ((n = read_small(path, buf, PROCFS_MAX_READ)) > 0)
		e->cut |= procfs_parse_cmdline(buf, (size_t)n, e->argv,
		    sizeof(e->argv));
	snprintf(path, sizeof(path), "/proc/%lld/exe", pid);
	if ((n = readlink(path, e->exe, sizeof(e->exe) - 1)) > 0)
		e->exe[n] = '\0';
	else {
		/* Not ours to read: the first word of the argv. */
		size_t w = strcspn(e->argv, " ");

		if (w >= sizeof(e->exe))
			w = sizeof(e->exe) - 1;
		memcpy(e->exe, e->argv, w);
		e->exe[w] = '\0';
	}
	return 0;
}
