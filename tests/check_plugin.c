/*
 * check_plugin: the plugin as auditd runs it.
 *
 * The binary is started the way auditd starts a plugin: standard input is
 * one end of a socketpair, the environment is empty, and every signal is
 * blocked and SIGTERM/SIGHUP ignored before exec.  The tests feed it audit
 * records with EOE records and read its JSON file.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "testutil.h"

static char dir[] = "/tmp/check_plugin.XXXXXX";
static char cfgpath[600], jsonpath[600], binpath[600], logpath[600];

#define EV_TUNNEL(sec, serial, pid) \
	"type=SYSCALL msg=audit(" sec ":" serial "): arch=c000003e " \
	"syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 " \
	"pid=" pid " auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 " \
	"fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=7 " \
	"comm=\"ssh\" exe=\"/usr/bin/ssh\" key=(null)\n" \
	"type=EXECVE msg=audit(" sec ":" serial "): argc=4 a0=\"ssh\" " \
	"a1=\"-fND1080\" a2=\"alice@h\" a3=\"true\"\n" \
	"type=CWD msg=audit(" sec ":" serial "): cwd=\"/home/alice\"\n" \
	"type=PROCTITLE msg=audit(" sec ":" serial "): proctitle=737368\n"
#define EOE(sec, serial) "type=EOE msg=audit(" sec ":" serial "): \n"

static void
write_cfg(const char *text)
{
	FILE *fp = fopen(cfgpath, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	ck_assert_int_eq(chmod(cfgpath, 0600), 0);
}

/* Starts the plugin as auditd would; returns its pid, *fd our end. */
static pid_t
spawn(int *fd)
{
	int sv[2];
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		char *argv[] = { binpath, (char *)(uintptr_t)"-s",
		    (char *)(uintptr_t)"-c", cfgpath, NULL };
		char *envp[] = { NULL };
		sigset_t all;
		int logfd;

		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		dup2(sv[1], STDIN_FILENO);
		close(sv[0]);
		close(sv[1]);
		/* Its log (-s: to stderr) goes to a file the tests read. */
		logfd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (logfd != -1)
			dup2(logfd, STDERR_FILENO);
		execve(binpath, argv, envp);
		_exit(127);
	}
	close(sv[1]);
	*fd = sv[0];
	return pid;
}

static void
send_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		ck_assert_int_gt(w, 0);
		s += w;
		n -= (size_t)w;
	}
}

/* Waits up to secs for pid; returns its status or -1 on time-out. */
static int
wait_exit(pid_t pid, int secs)
{
	int st, i;

	for (i = 0; i < secs * 100; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		usleep(10000);
	}
	return -1;
}

/* Count of lines of the JSON file holding needle. */
static int
json_count(const char *needle)
{
	struct buf b;
	const char *p;
	int n = 0;

	buf_init(&b, 64 << 20);
	if (tu_read_file(jsonpath, &b) == -1) {
		buf_free(&b);
		return 0;
	}
	for (p = buf_str(&b); (p = strstr(p, needle)) != NULL; p++)
		n++;
	buf_free(&b);
	return n;
}

static void
setup(void)
{
	const char *top = getenv("top_builddir");

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cfgpath, sizeof(cfgpath), "%s/sshwatch.conf", dir);
	snprintf(jsonpath, sizeof(jsonpath), "%s/alerts.json", dir);
	snprintf(logpath, sizeof(logpath), "%s/plugin.log", dir);
	snprintf(binpath, sizeof(binpath), "%s/plugin/audisp-sshwatch",
	    top ? top : ".");
	write_cfg("");
	{
		char cfg[800];

		snprintf(cfg, sizeof(cfg), "json_file = %s\n"
		    "syslog_alerts = no\naudit_sink = no\nopenssh_version = 9.2\n"
		    "dedup_window = 0\n",
		    jsonpath);
		write_cfg(cfg);
	}
}

static void
teardown(void)
{
	tu_rmtemp(dir);
}

/* End of input: every event is analysed and the plugin exits 0. */
START_TEST(test_eof)
{
	int fd, st;
	pid_t pid = spawn(&fd);

	send_all(fd, EV_TUNNEL("10.001", "1", "100") EOE("10.001", "1")
	    EV_TUNNEL("10.002", "2", "101") EOE("10.002", "2"), 0 +
	    strlen(EV_TUNNEL("10.001", "1", "100") EOE("10.001", "1")
	    EV_TUNNEL("10.002", "2", "101") EOE("10.002", "2")));
	/* The last event has no EOE: end of input completes it. */
	send_all(fd, EV_TUNNEL("10.003", "3", "102"),
	    strlen(EV_TUNNEL("10.003", "3", "102")));
	close(fd);
	st = wait_exit(pid, 10);
	ck_assert_msg(st != -1, "plugin did not exit at end of input");
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(json_count("\"rule\":\"ssh-dynamic-forward\""), 3);
	ck_assert_int_eq(json_count("\"serial\":3,"), 1);
}
END_TEST

/*
 * An event is delivered when its EOE arrives, with the stream left open:
 * not at the next record, not when idle input ages it (after 2 s).
 */
START_TEST(test_prompt_delivery)
{
	int fd, i, st;
	pid_t pid = spawn(&fd);
	const char *ev = EV_TUNNEL("11.000", "5", "200") EOE("11.000", "5");

	send_all(fd, ev, strlen(ev));
	for (i = 0; i < 150 && json_count("\"serial\":5,") == 0; i++)
		usleep(10000);
	ck_assert_msg(json_count("\"serial\":5,") == 1,
	    "alert not written within 1.5 s of its EOE");
	close(fd);
	st = wait_exit(pid, 10);
	ck_assert(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

static int	log_count(const char *);

/*
 * Waits (30 s at most: valgrind is slow) for the plugin to say it has
 * started: its signal handlers are in place by then.
 */
static void
wait_ready(void)
{
	int i;

	for (i = 0; i < 3000 && log_count("files known at start") == 0; i++)
		usleep(10000);
	ck_assert_msg(log_count("files known at start") == 1,
	    "the plugin did not start within 30 s");
}

/* Started with SIGTERM ignored and blocked, it still stops on SIGTERM. */
START_TEST(test_sigterm)
{
	int fd, st;
	pid_t pid = spawn(&fd);

	send_all(fd, "type=SYSCALL msg=audit(12.000:9): arch=c000003e ",
	    strlen("type=SYSCALL msg=audit(12.000:9): arch=c000003e "));
	wait_ready();
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	st = wait_exit(pid, 30);
	ck_assert_msg(st != -1, "plugin ignored SIGTERM");
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(fd);
}
END_TEST

/* Count of lines of the plugin's log holding needle. */
static int
log_count(const char *needle)
{
	struct buf b;
	const char *p;
	int n = 0;

	buf_init(&b, 16 << 20);
	if (tu_read_file(logpath, &b) == 0)
		for (p = buf_str(&b); (p = strstr(p, needle)) != NULL; p++)
			n++;
	buf_free(&b);
	return n;
}

/* A bad config at SIGHUP leaves the running one in place. */
START_TEST(test_sighup_bad_config)
{
	int fd, i, st;
	pid_t pid = spawn(&fd);
	const char *ev = EV_TUNNEL("13.000", "6", "300") EOE("13.000", "6");

	wait_ready();
	write_cfg("no_such_key = 1\n");
	ck_assert_int_eq(kill(pid, SIGHUP), 0);
	usleep(200000);
	ck_assert_int_eq(waitpid(pid, &st, WNOHANG), 0);	/* alive */
	for (i = 0; i < 3000 && log_count("reload refused") == 0; i++)
		usleep(10000);
	ck_assert_int_eq(log_count("reload refused, keeping the running "
	    "configuration: "), 1);
	ck_assert_int_eq(log_count("unknown key \"no_such_key\""), 1);
	send_all(fd, ev, strlen(ev));
	for (i = 0; i < 3000 && json_count("\"serial\":6,") == 0; i++)
		usleep(10000);
	ck_assert_int_eq(json_count("\"serial\":6,"), 1);
	close(fd);
	st = wait_exit(pid, 10);
	ck_assert(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

/* Garbage and over-long lines are dropped; the events around them pass. */
START_TEST(test_garbage)
{
	int fd, st;
	pid_t pid = spawn(&fd);
	struct buf junk;
	size_t i;

	buf_init(&junk, 1 << 20);
	buf_adds(&junk, "this is not audit data\n\x01\x02\xff\n");
	for (i = 0; i < 200000; i++)
		buf_addc(&junk, 'x');
	buf_adds(&junk, "\n");
	buf_adds(&junk, EV_TUNNEL("14.000", "8", "400") EOE("14.000", "8"));
	send_all(fd, junk.p, junk.len);
	close(fd);
	st = wait_exit(pid, 10);
	ck_assert(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(json_count("\"serial\":8,"), 1);
	buf_free(&junk);
}
END_TEST

/*
 * SIGUSR1 writes every counter to the log; the plugin goes on.  sshd's
 * configuration is named missing: sshdwatch's line counts it refused.
 */
START_TEST(test_sigusr1_stats)
{
	int fd, i, st;
	pid_t pid;
	const char *ev = EV_TUNNEL("15.000", "10", "500") EOE("15.000", "10")
	    "garbage\n";
	char cfg[900];

	snprintf(cfg, sizeof(cfg), "json_file = %s\nsyslog_alerts = no\n"
	    "audit_sink = no\nopenssh_version = 9.2\ndedup_window = 0\n"
	    "sshd_config = %s/missing/sshd_config\n", jsonpath, dir);
	write_cfg(cfg);
	pid = spawn(&fd);
	send_all(fd, ev, strlen(ev));
	wait_ready();
	for (i = 0; i < 3000 && json_count("\"serial\":10,") == 0; i++)
		usleep(10000);
	ck_assert_int_eq(kill(pid, SIGUSR1), 0);
	for (i = 0; i < 3000 && log_count("statistics:") == 0; i++)
		usleep(10000);
	if (log_count("statistics: records=5 events=1 gate_passed=1 "
	    "gate_dropped=0 analysed=1 alerts=1 json_written=1") != 1) {
		struct buf b;

		buf_init(&b, 1 << 20);
		tu_read_file(logpath, &b);
		ck_abort_msg("no such statistics line in the log: %s",
		    buf_str(&b));
	}
	ck_assert_int_eq(log_count("drop_bad_lines=1 "), 1);
	/*
	 * keys_unread and keys_refused count this host's authorized_keys
	 * files read at start: those of other accounts are refused when the
	 * test runs unprivileged (a package build).
	 */
	ck_assert_int_eq(log_count("statistics: sshd reloads=0 refused=1 "
	    "over=0 keys_unread="), 1);
	ck_assert_int_eq(waitpid(pid, &st, WNOHANG), 0);	/* alive */
	close(fd);
	st = wait_exit(pid, 10);
	ck_assert(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(log_count("stopping: records=5 "), 1);
	ck_assert_int_eq(log_count("stopping: sshd reloads=0 refused=1 "), 1);
}
END_TEST

/* Sorted lines of text, for comparing alert sets. */
static int
cmpline(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t
sorted_lines(char *text, char ***out)
{
	char **v = NULL, *p = text, *nl;
	size_t n = 0;

	while (*p != '\0' && (nl = strchr(p, '\n')) != NULL) {
		*nl = '\0';
		v = realloc(v, (n + 1) * sizeof(*v));
		v[n++] = p;
		p = nl + 1;
	}
	qsort(v, n, sizeof(*v), cmpline);
	*out = v;
	return n;
}

/*
 * A real stream captured from auditd (a tee plugin) fed to the plugin in
 * uneven chunks gives exactly the alerts replay gives for the same file
 * (with --read-configs: plugin mode reads this host's client files too).
 */
START_TEST(test_real_stream)
{
	const char *stream = tu_src("tests/fixtures/real/enriched/stream.txt");
	struct buf in, rep, got;
	char cmd[1400], **a, **b;
	size_t na, nb, i, off = 0, step = 1;
	FILE *fp;
	int fd, st;
	pid_t pid;

	buf_init(&in, 64 << 20);
	buf_init(&rep, 64 << 20);
	buf_init(&got, 64 << 20);
	ck_assert_int_eq(tu_read_file(stream, &in), 0);
	snprintf(cmd, sizeof(cmd), "%s --replay --read-configs -c %s %s",
	    binpath, cfgpath, stream);
	fp = popen(cmd, "r");
	ck_assert_ptr_nonnull(fp);
	{
		char chunk[65536];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_add(&rep, chunk, n);
	}
	ck_assert_int_eq(pclose(fp), 0);

	pid = spawn(&fd);
	while (off < in.len) {
		size_t n = step < in.len - off ? step : in.len - off;

		send_all(fd, in.p + off, n);
		off += n;
		step = step * 7 % 65521 + 1;	/* 1 byte to 64 KiB */
	}
	close(fd);
	st = wait_exit(pid, 60);
	ck_assert(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(tu_read_file(jsonpath, &got), 0);

	na = sorted_lines(rep.p, &a);
	nb = sorted_lines(got.p, &b);
	ck_assert_uint_gt(na, 50);
	ck_assert_uint_eq(na, nb);
	for (i = 0; i < na; i++)
		ck_assert_str_eq(a[i], b[i]);
	free(a);
	free(b);
	buf_free(&in);
	buf_free(&rep);
	buf_free(&got);
}
END_TEST


/*
 * Ancestry from /proc in plugin mode: the parent of a real-time ssh event
 * is a live process the test started with argv[0] ansible-playbook (as
 * `exec -a' does); no exec record names it.  The README's allowlist line
 * matches and the alert is suppressed; a parent with another name, one
 * that is gone and one whose pid is newer than the event are not.
 */
static pid_t
start_parent(const char *argv0)
{
	pid_t pid = fork();

	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		char *argv[] = { (char *)(uintptr_t)argv0,
		    (char *)(uintptr_t)"30", NULL };

		execvp("sleep", argv);
		_exit(127);
	}
	usleep(100000);		/* its exec done */
	return pid;
}

static void
ev_hostcheck(struct buf *b, double t, int serial, pid_t ppid)
{
	buf_addf(b, "type=SYSCALL msg=audit(%.3f:%d): arch=c000003e "
	    "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 "
	    "ppid=%d pid=%d auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 "
	    "sgid=0 fsgid=0 tty=pts0 ses=7 comm=\"ssh\" exe=\"/usr/bin/ssh\" "
	    "key=(null)\n", t, serial, (int)ppid, 4000000 + serial);
	buf_addf(b, "type=EXECVE msg=audit(%.3f:%d): argc=4 a0=\"ssh\" "
	    "a1=\"-o\" a2=\"StrictHostKeyChecking=no\" a3=\"db1\"\n", t,
	    serial);
	buf_addf(b, "type=CWD msg=audit(%.3f:%d): cwd=\"/\"\n", t, serial);
	buf_addf(b, "type=EOE msg=audit(%.3f:%d): \n", t, serial);
}

/* The JSON line of one serial, copied into line. */
static void
json_line(int serial, char *line, size_t n)
{
	struct buf b;
	char needle[64];
	const char *p, *e;

	line[0] = '\0';
	buf_init(&b, 64 << 20);
	if (tu_read_file(jsonpath, &b) == -1) {
		buf_free(&b);
		return;
	}
	snprintf(needle, sizeof(needle), "\"serial\":%d,", serial);
	if ((p = strstr(buf_str(&b), needle)) != NULL) {
		while (p > b.p && p[-1] != '\n')
			p--;
		e = strchr(p, '\n');
		snprintf(line, n, "%.*s", (int)(e != NULL ? e - p :
		    (long)strlen(p)), p);
	}
	buf_free(&b);
}

START_TEST(test_proc_ancestry_allowlist)
{
	char cfg[1000], line[8192];
	struct timespec now;
	struct buf in;
	pid_t ansible, other, gone, pid;
	int fd, st;
	double t;

	snprintf(cfg, sizeof(cfg), "json_file = %s\nsyslog_alerts = no\n"
	    "audit_sink = no\nopenssh_version = 9.2\ndedup_window = 0\n"
	    "report_suppressed = yes\n"
	    "allow = rule=ssh-no-hostcheck user=root "
	    "ancestor=*/ansible-playbook\n", jsonpath);
	write_cfg(cfg);
	ansible = start_parent("/usr/local/bin/ansible-playbook");
	other = start_parent("sleep");
	gone = start_parent("sleep");
	kill(gone, SIGKILL);
	waitpid(gone, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &now);
	t = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	buf_init(&in, 1 << 20);
	ev_hostcheck(&in, t, 1, ansible);
	ev_hostcheck(&in, t, 2, other);
	ev_hostcheck(&in, t, 3, gone);
	/* 20 s before the parent started: its pid then was another's. */
	ev_hostcheck(&in, t - 20, 4, ansible);
	pid = spawn(&fd);
	send_all(fd, in.p, in.len);
	close(fd);
	st = wait_exit(pid, 10);
	kill(ansible, SIGKILL);
	kill(other, SIGKILL);
	waitpid(ansible, NULL, 0);
	waitpid(other, NULL, 0);
	ck_assert(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* Its counters at the stop: one allowed, parents read from /proc. */
	ck_assert_int_eq(log_count("stopping: filter passed=3 allowed=1 "), 1);
	ck_assert_int_eq(log_count("procfs_reads="), 1);
	ck_assert_int_eq(log_count("procfs_reads=0"), 0);

	json_line(1, line, sizeof(line));
	ck_assert_msg(strstr(line, "\"suppressed\":true") != NULL &&
	    strstr(line, "\"argv\":\"/usr/local/bin/ansible-playbook 30\","
	    "\"comm\":\"sleep\",\"source\":\"proc\"") != NULL, "%s", line);
	/*
	 * Root's child keeps its capabilities, the plugin gave all up:
	 * no ptrace access, so no exe (PRIVILEGES); as a user, it is read.
	 */
	if (geteuid() == 0)
		ck_assert_msg(strstr(line, "\"exe\":\"\",\"argv\":\"/usr/local"
		    "/bin/ansible-playbook") != NULL, "%s", line);
	else
		ck_assert_msg(strstr(line, "sleep\",\"argv\":\"/usr/local"
		    "/bin/ansible-playbook") != NULL, "%s", line);
	/* Its own parent (this test) comes from /proc too. */
	ck_assert_msg(strstr(line, "},{\"pid\":") != NULL, "%s", line);

	json_line(2, line, sizeof(line));
	ck_assert_msg(strstr(line, "\"rule\":\"ssh-no-hostcheck\"") != NULL &&
	    strstr(line, "suppressed") == NULL &&
	    strstr(line, "\"argv\":\"sleep 30\",\"comm\":\"sleep\","
	    "\"source\":\"proc\"") != NULL, "%s", line);

	json_line(3, line, sizeof(line));
	snprintf(cfg, sizeof(cfg), "\"ancestry\":[{\"pid\":%d,\"exe\":\"\","
	    "\"argv\":\"\",\"source\":\"gone\"}]", (int)gone);
	ck_assert_msg(strstr(line, "suppressed") == NULL &&
	    strstr(line, cfg) != NULL, "%s", line);

	json_line(4, line, sizeof(line));
	snprintf(cfg, sizeof(cfg), "\"ancestry\":[{\"pid\":%d,\"exe\":\"\","
	    "\"argv\":\"\",\"source\":\"reused\"}]", (int)ansible);
	ck_assert_msg(strstr(line, "suppressed") == NULL &&
	    strstr(line, cfg) != NULL, "%s", line);
	buf_free(&in);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("plugin");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_eof);
	tcase_add_test(tc, test_prompt_delivery);
	tcase_add_test(tc, test_sigterm);
	tcase_add_test(tc, test_sighup_bad_config);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_real_stream);
	tcase_add_test(tc, test_sigusr1_stats);
	tcase_add_test(tc, test_proc_ancestry_allowlist);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
