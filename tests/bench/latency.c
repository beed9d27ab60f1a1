/*
 * latency: how long after an event's EOE record its alert leaves.
 *
 * usage: latency PLUGIN [PROBES [FILLER]]
 * Starts PLUGIN as auditd would (stdin a socketpair, empty environment),
 * with json_file on a FIFO this program reads.  Each probe writes one
 * `ssh -D' event (to a new host each time, so that repeat collapsing
 * holds none back) and its EOE record, then times until the alert's line
 * arrives on the FIFO.  Between probes, FILLER events that no rule wants
 * (an execve of /bin/true) are written, so the plugin is not idle.
 * Prints the distribution (min, median, p90, p99, max) in microseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void
send_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) <= 0) {
			perror("write");
			exit(1);
		}
		s += w;
		n -= (size_t)w;
	}
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/latency.XXXXXX", cfg[256], fifo[256], rec[2048];
	int probes = argc > 2 ? atoi(argv[2]) : 1000;
	int filler = argc > 3 ? atoi(argv[3]) : 100;
	unsigned long serial = 1;
	double *lat;
	int sv[2], rfd, i, j, st;
	FILE *fp;
	pid_t pid;

	if (argc < 2 || probes < 1 || filler < 0) {
		fprintf(stderr, "usage: latency PLUGIN [PROBES [FILLER]]\n");
		return 2;
	}
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(cfg, sizeof(cfg), "%s/sshwatch.conf", dir);
	snprintf(fifo, sizeof(fifo), "%s/alerts.json", dir);
	if (mkfifo(fifo, 0600) == -1 ||
	    (rfd = open(fifo, O_RDONLY | O_NONBLOCK)) == -1)
		return 1;
	fp = fopen(cfg, "w");
	fprintf(fp, "json_file = %s\nsyslog_alerts = no\naudit_sink = no\n",
	    fifo);
	fclose(fp);
	chmod(cfg, 0600);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if ((pid = fork()) == 0) {
		char *args[] = { argv[1], (char *)"-c", cfg, NULL };
		char *envp[] = { NULL };

		dup2(sv[1], 0);
		close(sv[0]);
		close(sv[1]);
		execve(argv[1], args, envp);
		_exit(127);
	}
	close(sv[1]);
	lat = calloc((size_t)probes, sizeof(*lat));
	for (i = 0; i < probes; i++) {
		struct pollfd pfd = { .fd = rfd, .events = POLLIN };
		char line[65536];
		size_t have = 0;
		double t0;
		int n;

		for (j = 0; j < filler; j++, serial++) {
			n = snprintf(rec, sizeof(rec),
			    "type=SYSCALL msg=audit(100.000:%lu): arch=c000003e "
			    "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 "
			    "items=1 ppid=1 pid=9 auid=0 uid=0 gid=0 euid=0 "
			    "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) "
			    "ses=1 comm=\"true\" exe=\"/usr/bin/true\" "
			    "key=(null)\ntype=EXECVE msg=audit(100.000:%lu): "
			    "argc=1 a0=\"true\"\ntype=EOE msg=audit(100.000:%lu)"
			    ": \n", serial, serial, serial);
			send_all(sv[0], rec, (size_t)n);
		}
		n = snprintf(rec, sizeof(rec),
		    "type=SYSCALL msg=audit(100.000:%lu): arch=c000003e "
		    "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 "
		    "ppid=1 pid=10 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 "
		    "egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"ssh\" "
		    "exe=\"/usr/bin/ssh\" key=(null)\n"
		    "type=EXECVE msg=audit(100.000:%lu): argc=3 a0=\"ssh\" "
		    "a1=\"-D1080\" a2=\"h%lu\"\n", serial, serial, serial);
		send_all(sv[0], rec, (size_t)n);
		n = snprintf(rec, sizeof(rec),
		    "type=EOE msg=audit(100.000:%lu): \n", serial++);
		send_all(sv[0], rec, (size_t)n);
		t0 = now_us();
		while (have == 0 || line[have - 1] != '\n') {
			ssize_t r;

			if (poll(&pfd, 1, 10000) <= 0) {
				fprintf(stderr, "probe %d: no alert in 10 s\n",
				    i);
				return 1;
			}
			r = read(rfd, line + have, sizeof(line) - have);
			if (r > 0)
				have += (size_t)r;
			else if (r == -1 && errno != EAGAIN)
				return 1;
		}
		lat[i] = now_us() - t0;
	}
	close(sv[0]);
	waitpid(pid, &st, 0);
	qsort(lat, (size_t)probes, sizeof(*lat), cmp);
	printf("latency from EOE to alert, %d probes, %d filler events "
	    "between: min %.0f us, median %.0f us, p90 %.0f us, "
	    "p99 %.0f us, max %.0f us\n", probes, filler, lat[0],
	    lat[probes / 2], lat[probes * 9 / 10], lat[probes * 99 / 100],
	    lat[probes - 1]);
	unlink(fifo);
	unlink(cfg);
	rmdir(dir);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
