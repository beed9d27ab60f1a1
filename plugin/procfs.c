/*
 * procfs: parsers of /proc/PID/stat and cmdline, and the reader that
 * opens them (see procfs.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"

/* Fields of stat after "pid (comm) ": 3 is state, 4 ppid, 22 starttime. */
#define STAT_FIELD_PPID		4
#define STAT_FIELD_START	22

/* A clock-tick count can be off by one tick, the boot time a little. */
#define START_SLACK		0.05

const char *
procfs_parse_stat(const char *b, size_t n, struct procfs_stat *out)
{
	const char *open, *close = NULL, *p, *end = b + n;
	unsigned long long v;
	size_t clen, i;
	int field;

	memset(out, 0, sizeof(*out));
	if ((open = memchr(b, '(', n)) == NULL)
		return "no comm";
	for (p = open + 1; p < end; p++)
		if (*p == ')')
			close = p;
	if (close == NULL)
		return "comm not closed";
	clen = (size_t)(close - open - 1);
	if (clen > PROCS_COMM - 1)
		clen = PROCS_COMM - 1;
	memcpy(out->comm, open + 1, clen);
	for (i = 0; i < clen; i++)
		if (out->comm[i] == '\0')
			out->comm[i] = '?';
	/* ") S 1234 ...": field 3 starts two bytes after the ')'. */
	p = close + 1;
	for (field = 3; field <= STAT_FIELD_START; field++) {
		if (p >= end || *p != ' ')
			return "field missing";
		p++;
		if (field == 3) {
			if (p >= end)
				return "field missing";
			out->state = *p++;
			continue;
		}
		if (p < end && *p == '-' && field != STAT_FIELD_PPID)
			p++;		/* negative numbers: not ours */
		if (p >= end || *p < '0' || *p > '9')
			return "not a number";
		for (v = 0; p < end && *p >= '0' && *p <= '9'; p++) {
			if (v > (~0ULL - 9) / 10)
				return "number too large";
			v = v * 10 + (unsigned long long)(*p - '0');
		}
		if (field == STAT_FIELD_PPID) {
			if (v > 4194304ULL)
				return "ppid out of range";
			out->ppid = (long long)v;
		} else if (field == STAT_FIELD_START)
			out->starttime = v;
	}
	return NULL;
}

int
procfs_cmdline(const char *b, size_t n, int incomplete, char *out,
    size_t outsz)
{
	size_t i, o = 0;
	int cut = incomplete;

	if (outsz == 0)
		return 1;
	/*
	 * The last argument's NUL ends the text, not an empty argument; a
	 * title a process set over its argv (sshd's) ends in padding.
	 */
	while (n > 0 && (b[n - 1] == '\0' || b[n - 1] == ' '))
		n--;
	for (i = 0; i < n; i++) {
		if (o >= outsz - 1) {
			cut = 1;
			break;
		}
		out[o++] = b[i] == '\0' ? ' ' : b[i];
	}
	out[o] = '\0';
	if (cut && outsz > 4)
		memcpy(out + (o > outsz - 4 ? outsz - 4 : o), "...", 4);
	return cut;
}

double
procfs_boot_time(void)
{
	struct timespec rt, bt;

	if (clock_gettime(CLOCK_REALTIME, &rt) == -1 ||
	    clock_gettime(CLOCK_BOOTTIME, &bt) == -1)
		return 0;
	return (double)(rt.tv_sec - bt.tv_sec) +
	    (double)(rt.tv_nsec - bt.tv_nsec) / 1e9;
}

ssize_t
procfs_read_at(int dfd, const char *name, char *b, size_t cap, int *full)
{
	struct stat st;
	size_t got = 0;
	ssize_t r;
	int fd;

	*full = 0;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	while (got < cap) {
		r = read(fd, b + got, cap - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	*full = got == cap;
	close(fd);
	return (ssize_t)got;
}

void
procfs_read(long long pid, double t, struct proc *out)
{
	static long ticks;
	char path[64], stat_b[PROCFS_STAT_MAX], cmd_b[PROCFS_CMDLINE_MAX];
	struct procfs_stat ps;
	double start;
	ssize_t n;
	int dfd, full;

	memset(out, 0, sizeof(*out));
	out->pid = pid;
	out->ppid = -1;
	out->auid = out->uid = out->ses = -1;
	out->source = PROC_SRC_GONE;
	if (ticks <= 0 && (ticks = sysconf(_SC_CLK_TCK)) <= 0)
		ticks = 100;
	snprintf(path, sizeof(path), "/proc/%lld", pid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd == -1)
		return;
	n = procfs_read_at(dfd, "stat", stat_b, sizeof(stat_b), &full);
	if (n <= 0 || full || procfs_parse_stat(stat_b, (size_t)n, &ps) !=
	    NULL)
		goto out;
	start = procfs_boot_time() + (double)ps.starttime / (double)ticks;
	if (start > t + START_SLACK) {
		/* Started after the event: someone else now has the pid. */
		out->source = PROC_SRC_REUSED;
		out->t = start;
		goto out;
	}
	out->ppid = ps.ppid;
	out->t = start;
	memcpy(out->comm, ps.comm, sizeof(out->comm));
	n = procfs_read_at(dfd, "cmdline", cmd_b, sizeof(cmd_b), &full);
	if (n > 0)
		out->cut |= procfs_cmdline(cmd_b, (size_t)n, full, out->argv,
		    sizeof(out->argv));
	else	/* a kernel thread or a zombie: only its comm */
		memcpy(out->argv, ps.comm, sizeof(ps.comm));
	/* Needs ptrace access; EACCES leaves exe empty. */
	n = readlinkat(dfd, "exe", out->exe, sizeof(out->exe) - 1);
	if (n > 0 && (size_t)n < sizeof(out->exe) - 1)
		out->exe[n] = '\0';
	else if (n == (ssize_t)sizeof(out->exe) - 1) {
		out->exe[n] = '\0';
		memcpy(out->exe + sizeof(out->exe) - 4, "...", 4);
		out->cut = 1;
	} else
		out->exe[0] = '\0';
	/* A process that exited while we read: its reads fail (ESRCH). */
	n = procfs_read_at(dfd, "stat", stat_b, sizeof(stat_b), &full);
	if (n <= 0 || full || procfs_parse_stat(stat_b, (size_t)n, &ps) !=
	    NULL) {
		memset(out->argv, 0, sizeof(out->argv));
		memset(out->exe, 0, sizeof(out->exe));
		memset(out->comm, 0, sizeof(out->comm));
		out->ppid = -1;
		goto out;
	}
	out->source = PROC_SRC_PROC;
 out:
	close(dfd);
}
