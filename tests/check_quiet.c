/*
 * check_quiet: the everyday runs admins asked to be quiet (issue 12's
 * false alarms) stay low, and their look-alikes do not: git's ssh
 * transport inside an SSH session (gitssh.h), one's own keys, a
 * ControlMaster started with -fN; and the parsers of /proc (procfs.h).
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "context.h"
#include "filter.h"
#include "framer.h"
#include "gitssh.h"
#include "pipeline.h"
#include "procfs.h"
#include "sink.h"
#include "testutil.h"
#include "users.h"

static struct buf recs, out;
static int serial;

/*
 * An exec by uid 1000 (alice) in session 7, at second 100 + serial; the
 * arguments after exe (NULL-ended) as the kernel logs them: quoted, or in
 * hex when they hold a space, a quote or a control byte.
 */
static void
exec_ev(int pid, int ppid, const char *exe, ...)
{
	const char *a, *q;
	va_list ap;
	int argc = 0;

	serial++;
	buf_addf(&recs, "type=SYSCALL msg=audit(%d.000:%d): arch=c000003e "
	    "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 "
	    "ppid=%d pid=%d auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 "
	    "fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=7 "
	    "comm=\"x\" exe=\"%s\" key=(null)\n", 100 + serial, serial, ppid,
	    pid, exe);
	va_start(ap, exe);
	while (va_arg(ap, const char *) != NULL)
		argc++;
	va_end(ap);
	buf_addf(&recs, "type=EXECVE msg=audit(%d.000:%d): argc=%d",
	    100 + serial, serial, argc);
	va_start(ap, exe);
	for (argc = 0; (a = va_arg(ap, const char *)) != NULL; argc++) {
		for (q = a; *q > ' ' && *q != '"' && *q < 0x7f; q++)
			;
		if (*q == '\0') {
			buf_addf(&recs, " a%d=\"%s\"", argc, a);
			continue;
		}
		buf_addf(&recs, " a%d=", argc);
		for (q = a; *q != '\0'; q++)
			buf_addf(&recs, "%02X", (unsigned char)*q);
	}
	va_end(ap);
	buf_addf(&recs, "\ntype=CWD msg=audit(%d.000:%d): "
	    "cwd=\"/home/alice\"\n", 100 + serial, serial);
}

/* sshd opened session 7 for alice from 10.0.0.5. */
static void
ssh_session(void)
{
	serial++;
	buf_addf(&recs, "type=USER_START msg=audit(%d.000:%d): pid=77 uid=0 "
	    "auid=1000 ses=7 subj=unconfined msg='op=PAM:session_open "
	    "grantors=pam_unix acct=\"alice\" exe=\"/usr/sbin/sshd\" "
	    "hostname=10.0.0.5 addr=10.0.0.5 terminal=ssh res=success'\n",
	    100 + serial, serial);
}

/* Replays recs through pipeline and filter; the JSON lines into out. */
static void
run(void)
{
	struct users users;
	struct sink *sink = sink_new();
	struct filter *filter;
	struct pipeline *pl;
	struct framer *fr;
	struct cfg c;
	char err[256], *mem = NULL;
	size_t memlen = 0;
	FILE *fp = open_memstream(&mem, &memlen);

	cfg_defaults(&c);
	ck_assert(cfg_parse("dedup_window = 0\n", 17, &c, err,
	    sizeof(err)) == 0);
	users_init(&users);
	users_add(&users, "alice", 1000, "/home/alice");
	users_add(&users, "bob", 1001, "/srv/bob");
	sink_set_stream(sink, fp, SINK_JSON);
	filter = filter_new(&c, &users, sink_alert, sink_repeat,
	    sink_suppressed, sink);
	pl = pipeline_new(&c, &users, 902, filter_alert, filter);
	fr = framer_new(&framer_replay_limits, pipeline_event, pl);
	framer_feed(fr, recs.p, recs.len);
	framer_flush(fr);
	filter_flush(filter);
	framer_free(fr);
	pipeline_free(pl);
	filter_free(filter);
	sink_free(sink);
	fclose(fp);
	buf_reset(&out);
	buf_add(&out, mem, memlen);
	if (getenv("CTX_DUMP") != NULL)
		fputs(buf_str(&out), stderr);
	free(mem);
	users_free(&users);
	cfg_free(&c);
}

/* Lines of out holding every needle (NULL-ended). */
static int
lines_with(const char *n1, const char *n2, const char *n3)
{
	const char *p = buf_str(&out), *e;
	static char line[1 << 20];
	int n = 0;

	for (; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		snprintf(line, sizeof(line), "%.*s", (int)(e - p), p);
		if (strstr(line, n1) != NULL && (n2 == NULL ||
		    strstr(line, n2) != NULL) && (n3 == NULL ||
		    strstr(line, n3) != NULL))
			n++;
	}
	return n;
}

static void
setup(void)
{
	buf_init(&recs, 4 << 20);
	buf_init(&out, 8 << 20);
	serial = 0;
}

static void
teardown(void)
{
	buf_free(&recs);
	buf_free(&out);
}

#define CHAIN	"\"rule\":\"ssh-chain\""
#define LOW	"\"severity\":\"low\""
#define HIGH	"\"severity\":\"high\""
#define GITNOTE	"\"note\":\"git's ssh transport"

/* git --------------------------------------------------------------- */

/* git fetch / ls-remote as git runs ssh: one chain, low, with why. */
START_TEST(test_git_fetch_low)
{
	ssh_session();
	exec_ev(50, 40, "/usr/bin/git", "git", "fetch", NULL);
	exec_ev(51, 50, "/usr/bin/ssh", "ssh", "-o", "SendEnv=GIT_PROTOCOL",
	    "git@forge", "git-upload-pack '/srv/repo.git'", NULL);
	/* git push; a path with a quote, as sq_quote() writes it. */
	exec_ev(52, 50, "/usr/bin/ssh", "ssh", "-p", "2222", "git@forge",
	    "git-receive-pack '/r/it'\\''s.git'", NULL);
	/* core.sshCommand with shell syntax: sh between git and ssh. */
	exec_ev(53, 50, "/usr/bin/dash", "sh", "-c", "ssh -q \"$@\"", NULL);
	exec_ev(54, 53, "/usr/bin/ssh", "ssh", "-q", "forge",
	    "git-upload-archive '/srv/r.git'", NULL);
	/* git-remote-* helpers and the two-word form. */
	exec_ev(55, 40, "/usr/lib/git-core/git-remote-ext", "x", NULL);
	exec_ev(56, 55, "/usr/bin/ssh", "ssh", "forge",
	    "/usr/bin/git-upload-pack", "/srv/r.git", NULL);
	run();
	ck_assert_int_eq(lines_with(CHAIN, NULL, NULL), 4);
	ck_assert_int_eq(lines_with(CHAIN, LOW, GITNOTE), 4);
}
END_TEST

/* The same commands by hand, or git running something else: high. */
START_TEST(test_git_lookalikes_high)
{
	ssh_session();
	exec_ev(50, 40, "/usr/bin/bash", "-bash", NULL);
	exec_ev(51, 50, "/usr/bin/ssh", "ssh", "forge",
	    "git-upload-pack '/srv/repo.git'", NULL);
	exec_ev(52, 50, "/usr/bin/ssh", "ssh", "forge", "git-upload-pack",
	    "/srv/repo.git", NULL);
	exec_ev(60, 40, "/usr/bin/git", "git", "fetch", NULL);
	/* --upload-pack smuggling a second command. */
	exec_ev(61, 60, "/usr/bin/ssh", "ssh", "forge",
	    "git-upload-pack '/x'; bash -i '/srv/r.git'", NULL);
	exec_ev(62, 60, "/usr/bin/ssh", "ssh", "forge", "git-upload-pack",
	    "$(id)", NULL);
	exec_ev(63, 60, "/usr/bin/ssh", "ssh", "forge", "bash '/srv/r.git'",
	    NULL);
	/* No remote command: an interactive hop, even from git. */
	exec_ev(64, 60, "/usr/bin/ssh", "ssh", "forge", NULL);
	/* argv[0] git, but another program: the exe's name counts. */
	exec_ev(70, 40, "/tmp/notgit", "git", NULL);
	exec_ev(71, 70, "/usr/bin/ssh", "ssh", "forge",
	    "git-upload-pack '/srv/r.git'", NULL);
	run();
	ck_assert_int_eq(lines_with(CHAIN, NULL, NULL), 7);
	ck_assert_int_eq(lines_with(CHAIN, HIGH, NULL), 7);
	ck_assert_int_eq(lines_with(GITNOTE, NULL, NULL), 0);
}
END_TEST

/* A tunnel asked of git's ssh is still a tunnel: only the hop is low. */
START_TEST(test_git_tunnel_still_high)
{
	ssh_session();
	exec_ev(50, 40, "/usr/bin/git", "git", "fetch", NULL);
	exec_ev(51, 50, "/usr/bin/ssh", "ssh", "-D", "1080", "forge",
	    "git-upload-pack '/r.git'", NULL);
	run();
	ck_assert_int_eq(lines_with(CHAIN, LOW, GITNOTE), 1);
	ck_assert_int_eq(lines_with("\"rule\":\"ssh-dynamic-forward\"", HIGH,
	    NULL), 1);
}
END_TEST

/*
 * A cut argv: a path over the per-argument cap (MAX_ARG_BYTES) ends in
 * what the remote shell would also run, and the cut kept only safe
 * bytes.  Not lowered.
 */
START_TEST(test_git_truncated_high)
{
	size_t i, k, n = 140008;
	char piece[7001];

	ssh_session();
	exec_ev(50, 40, "/usr/bin/git", "git", "fetch", NULL);
	exec_ev(51, 50, "/usr/bin/ssh", "ssh", "forge", "git-upload-pack",
	    "/srv/r.git", NULL);
	/* As the kernel logs a long argument: pieces, one record each. */
	serial++;
	buf_addf(&recs, "type=SYSCALL msg=audit(%d.000:%d): arch=c000003e "
	    "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 "
	    "ppid=50 pid=52 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 "
	    "fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=7 "
	    "comm=\"ssh\" exe=\"/usr/bin/ssh\" key=(null)\n"
	    "type=EXECVE msg=audit(%d.000:%d): argc=4 a0=\"ssh\" a1=\"forge\" "
	    "a2=\"git-upload-pack\" a3_len=%zu\n", 100 + serial, serial,
	    100 + serial, serial, n);
	for (i = 0, k = 0; i < n; i += 7000, k++) {
		size_t j, m = n - i < 7000 ? n - i : 7000;

		for (j = 0; j < m; j++)
			piece[j] = i + j < 5 ? "/srv/"[i + j] :
			    i + j >= n - 3 ? ";id"[i + j - (n - 3)] : 'a';
		piece[m] = '\0';
		buf_addf(&recs, "type=EXECVE msg=audit(%d.000:%d): "
		    "a3[%zu]=\"%s\"\n", 100 + serial, serial, k, piece);
	}
	run();
	ck_assert_int_eq(lines_with(CHAIN, NULL, NULL), 2);
	ck_assert_int_eq(lines_with(CHAIN, LOW, "\"serial\":3,"), 1);
	ck_assert_int_eq(lines_with(CHAIN, HIGH, "\"serial\":4,"), 1);
	ck_assert_int_eq(lines_with(CHAIN, HIGH, "\"truncated\":true"), 1);
}
END_TEST

START_TEST(test_gitssh_command)
{
	const char *w1[] = { "git-upload-pack '/a b/r.git'" };
	const char *w2[] = { "git-receive-pack '/it'\\''s'" };
	const char *w3[] = { "git-upload-pack '/a'\\!'b'" };
	const char *bad1[] = { "git-upload-pack '/a' '/b'" };
	const char *bad2[] = { "git-upload-pack '/a'x" };
	const char *bad3[] = { "git-upload-pack" };
	const char *bad4[] = { "git-upload-pack '/a" };
	const char *bad5[] = { "git-upload-pack", "/a;id" };
	const char *bad6[] = { "git-upload-pack", "/a", "/b" };
	const char *bad7[] = { "git-shell '/a'" };
	const char *ok2[] = { "git-upload-pack", "'/a b'" };
	struct proc p;

	ck_assert(gitssh_command(1, w1));
	ck_assert(gitssh_command(1, w2));
	ck_assert(gitssh_command(1, w3));
	ck_assert(gitssh_command(2, ok2));
	ck_assert(!gitssh_command(1, bad1));
	ck_assert(!gitssh_command(1, bad2));
	ck_assert(!gitssh_command(1, bad3));
	ck_assert(!gitssh_command(1, bad4));
	ck_assert(!gitssh_command(2, bad5));
	ck_assert(!gitssh_command(3, bad6));
	ck_assert(!gitssh_command(1, bad7));
	/* From /proc without ptrace access: comm says git. */
	memset(&p, 0, sizeof(p));
	p.source = PROC_SRC_PROC;
	snprintf(p.comm, sizeof(p.comm), "git");
	ck_assert(gitssh_is_git(&p));
	snprintf(p.comm, sizeof(p.comm), "gitk");
	ck_assert(!gitssh_is_git(&p));
	snprintf(p.exe, sizeof(p.exe), "/usr/lib/git-core/git");
	ck_assert(gitssh_is_git(&p));
	p.source = PROC_SRC_GONE;
	ck_assert(!gitssh_is_git(&p));
}
END_TEST

/* Keys and ControlMaster -------------------------------------------- */

#define KEYS	"\"rule\":\"ssh-identity-file\""
#define ADD	"\"rule\":\"ssh-add-key\""
#define NOCMD	"\"rule\":\"ssh-no-command\""

/* One's own key by -i or ssh-add: low; another account's: high. */
START_TEST(test_own_keys_low)
{
	exec_ev(51, 40, "/usr/bin/ssh", "ssh", "-i",
	    "/home/alice/.ssh/id_ed25519", "h", NULL);
	exec_ev(52, 40, "/usr/bin/ssh", "ssh", "-i.ssh/deploy_key", "h",
	    NULL);
	exec_ev(53, 40, "/usr/bin/ssh", "ssh", "-o",
	    "IdentityFile=~/.ssh/id_rsa", "h", NULL);
	exec_ev(54, 40, "/usr/bin/ssh-add", "ssh-add",
	    "/home/alice/.ssh/id_ed25519", NULL);
	exec_ev(55, 40, "/usr/bin/ssh-add", "ssh-add", NULL);
	exec_ev(56, 40, "/usr/bin/ssh-add", "ssh-add",
	    "/srv/bob/.ssh/id_ed25519", NULL);
	exec_ev(57, 40, "/usr/bin/ssh", "ssh", "-i", "/srv/bob/.ssh/id_ed25519",
	    "h", NULL);
	run();
	ck_assert_int_eq(lines_with(KEYS, LOW, "\"own-home\""), 3);
	ck_assert_int_eq(lines_with(ADD, LOW, NULL), 2);
	ck_assert_int_eq(lines_with(ADD, HIGH, "\"other-user-home\""), 1);
	ck_assert_int_eq(lines_with(KEYS, HIGH, "\"other-user-home\""), 1);
}
END_TEST

/* A ControlMaster sent to the background with -fN: low; a forward not. */
START_TEST(test_controlmaster_low)
{
	exec_ev(51, 40, "/usr/bin/ssh", "ssh", "-M", "-f", "-N", "h", NULL);
	exec_ev(52, 40, "/usr/bin/ssh", "ssh", "-o", "ControlMaster=auto",
	    "-o", "ControlPersist=10m", "-fN", "h", NULL);
	exec_ev(53, 40, "/usr/bin/ssh", "ssh", "-o", "ControlMaster=yes",
	    "-fN", "h", NULL);
	exec_ev(54, 40, "/usr/bin/ssh", "ssh", "-MfN", "-D", "1080", "h",
	    NULL);
	run();
	ck_assert_int_eq(lines_with(NOCMD, NULL, NULL), 3);
	ck_assert_int_eq(lines_with(NOCMD, LOW, NULL), 3);
	ck_assert_int_eq(lines_with("\"rule\":\"ssh-dynamic-forward\"", HIGH,
	    "\"serial\":4,"), 1);
	/* Nothing else for the three masters. */
	ck_assert_int_eq(lines_with("\"serial\":1,", NULL, NULL) +
	    lines_with("\"serial\":2,", NULL, NULL) +
	    lines_with("\"serial\":3,", NULL, NULL), 3);
}
END_TEST

/* /proc parsers ------------------------------------------------------ */

START_TEST(test_procfs_stat)
{
	static const char s1[] = "4242 (a) (b c)) S 17 4242 4242 0 -1 "
	    "4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 10 "
	    "18446744073709551615\n";
	static const char s2[] = "9 (x) S 1 9 9 0 -1 4 0 0 0 0 0 0 0 0 20";
	static const char s3[] = "9 (ansible-playbook-long) R 3 9 9 0 -1 4 0 0"
	    " 0 0 0 0 0 0 20 0 1 0 5 1 1";
	struct procfs_stat ps;
	char dst[16];

	ck_assert_ptr_null(procfs_parse_stat(s1, strlen(s1), &ps));
	ck_assert_str_eq(ps.comm, "a) (b c)");
	ck_assert_int_eq(ps.state, 'S');
	ck_assert_int_eq(ps.ppid, 17);
	ck_assert_uint_eq(ps.starttime, 98765);
	/* Cut before field 22. */
	ck_assert_ptr_nonnull(procfs_parse_stat(s2, strlen(s2), &ps));
	ck_assert_ptr_nonnull(procfs_parse_stat("9 (x", 4, &ps));
	ck_assert_ptr_nonnull(procfs_parse_stat("", 0, &ps));
	/* comm is cut to the kernel's 15 bytes. */
	ck_assert_ptr_null(procfs_parse_stat(s3, strlen(s3), &ps));
	ck_assert_str_eq(ps.comm, "ansible-playboo");
	ck_assert_uint_eq(ps.starttime, 5);

	ck_assert_int_eq(procfs_cmdline("a\0b c\0", 6, 0, dst, sizeof(dst)),
	    0);
	ck_assert_str_eq(dst, "a b c");
	ck_assert_int_eq(procfs_cmdline("0123456789abcdefgh", 18, 0, dst,
	    sizeof(dst)), 1);
	ck_assert_str_eq(dst, "0123456789ab...");
	/* sshd's title: padded with spaces and NULs. */
	ck_assert_int_eq(procfs_cmdline("sshd: a   \0\0", 12, 0, dst,
	    sizeof(dst)), 0);
	ck_assert_str_eq(dst, "sshd: a");
	ck_assert_int_eq(procfs_cmdline("ab", 2, 1, dst, sizeof(dst)), 1);
	ck_assert_str_eq(dst, "ab...");
}
END_TEST

/* The reader: this process, a child that is gone, and pid reuse. */
START_TEST(test_procfs_read)
{
	struct proc p;
	struct timespec now;
	double now_s;
	pid_t child;

	clock_gettime(CLOCK_REALTIME, &now);
	now_s = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	procfs_read(getpid(), now_s, &p);
	ck_assert_int_eq(p.source, PROC_SRC_PROC);
	ck_assert_int_eq(p.ppid, getppid());
	ck_assert_ptr_nonnull(strstr(p.argv, "check_quiet"));
	ck_assert(p.t <= now_s && p.t > now_s - 3600);
	/* Asked about an event before this process started: reused. */
	procfs_read(getpid(), p.t - 10, &p);
	ck_assert_int_eq(p.source, PROC_SRC_REUSED);
	ck_assert_str_eq(p.argv, "");
	child = fork();
	ck_assert_int_ne(child, -1);
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	procfs_read(child, now_s, &p);
	ck_assert_int_eq(p.source, PROC_SRC_GONE);
	ck_assert_int_eq(p.pid, child);
}
END_TEST


/*
 * context_ancestry() with /proc on: a parent the table lacks is read for
 * a recent event of this host only; never for an old one, another node's
 * or with /proc off (replay).
 */
START_TEST(test_context_procfs)
{
	struct context *c = context_new();
	const struct proc *anc[PROCS_DEPTH];
	struct timespec now;
	char host[64], other[80];
	double now_s;
	size_t n;

	ck_assert_ptr_nonnull(c);
	clock_gettime(CLOCK_REALTIME, &now);
	now_s = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	ck_assert_uint_eq(context_ancestry(c, NULL, getpid(), now_s, anc,
	    PROCS_DEPTH), 0);
	context_set_procfs(c, 1);
	n = context_ancestry(c, NULL, getpid(), now_s, anc, PROCS_DEPTH);
	ck_assert_uint_ge(n, 1);
	ck_assert_int_eq(anc[0]->source, PROC_SRC_PROC);
	ck_assert_int_eq(anc[0]->pid, getpid());
	ck_assert_ptr_nonnull(strstr(anc[0]->argv, "check_quiet"));
	if (n > 1)
		ck_assert_int_eq(anc[1]->pid, getppid());
	ck_assert_uint_eq(context_stats(c)->procfs_reads, n);
	/* The same question again (another alert of the event): no reads. */
	ck_assert_uint_eq(context_ancestry(c, NULL, getpid(), now_s, anc,
	    PROCS_DEPTH), n);
	ck_assert_uint_eq(context_stats(c)->procfs_reads, n);
	/* This host by name, in full or to its first dot; not another. */
	ck_assert_int_eq(gethostname(host, sizeof(host) - 1), 0);
	host[sizeof(host) - 1] = '\0';
	ck_assert_uint_ge(context_ancestry(c, host, getpid(), now_s, anc,
	    PROCS_DEPTH), 1);
	snprintf(other, sizeof(other), "%.*s.example.org",
	    (int)strcspn(host, "."), host);
	ck_assert_uint_ge(context_ancestry(c, other, getpid(), now_s, anc,
	    PROCS_DEPTH), 1);
	snprintf(other, sizeof(other), "x%s", host);
	ck_assert_uint_eq(context_ancestry(c, other, getpid(), now_s, anc,
	    PROCS_DEPTH), 0);
	/* Older than CONTEXT_PROCFS_AGE: /proc no longer shows it. */
	ck_assert_uint_eq(context_ancestry(c, NULL, getpid(),
	    now_s - CONTEXT_PROCFS_AGE - 5, anc, PROCS_DEPTH), 0);
	context_free(c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("quiet");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_git_fetch_low);
	tcase_add_test(tc, test_git_lookalikes_high);
	tcase_add_test(tc, test_git_tunnel_still_high);
	tcase_add_test(tc, test_git_truncated_high);
	tcase_add_test(tc, test_gitssh_command);
	tcase_add_test(tc, test_own_keys_low);
	tcase_add_test(tc, test_controlmaster_low);
	tcase_add_test(tc, test_procfs_stat);
	tcase_add_test(tc, test_procfs_read);
	tcase_add_test(tc, test_context_procfs);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
