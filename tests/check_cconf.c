/*
 * check_cconf: the exec rules joined with the client configuration files
 * (clientconf.h) -- files written in a temporary home, read as the
 * account that ran the client -- and the judgements made on the argv
 * itself: paths normalised before they are judged (/dev//null,
 * /proc/self/root/...), and a truncated argv judged by whether every
 * option before the destination was examined.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "framer.h"
#include "path.h"
#include "pipeline.h"
#include "plantconf.h"
#include "plantwait.h"
#include "testutil.h"

#define EXEC(serial, uid, cwd, argv) \
	"type=SYSCALL msg=audit(2.000:" serial "): arch=c000003e syscall=59 " \
	"success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=60 " \
	"auid=" uid " uid=" uid " gid=0 euid=" uid " suid=0 fsuid=0 egid=0 " \
	"sgid=0 fsgid=0 tty=pts0 ses=4 comm=\"ssh\" exe=\"/usr/bin/ssh\" " \
	"key=(null)\n" \
	"type=EXECVE msg=audit(2.000:" serial "): " argv "\n" \
	"type=CWD msg=audit(2.000:" serial "): cwd=\"" cwd "\"\n"

static struct buf out;
static char home[] = "/tmp/check_cconf.XXXXXX";

static void
collect(void *arg, const struct alert *a)
{
	alert_json(a, arg);
}

/* Replays text as plugin mode would (files read when rc is set). */
static void
replay(const char *text, int read_configs)
{
	struct cfg cfg;
	struct users users;
	struct pipeline *pl;
	struct framer *fr;
	const char *p = text, *end = text + strlen(text), *nl;

	buf_reset(&out);
	cfg_defaults(&cfg);
	users_init(&users);
	users_add(&users, "alice", 1000, home);
	users_add(&users, "bob", 1001, "/home/bob");
	pl = pipeline_new(&cfg, &users, 902, collect, &out);
	ck_assert_ptr_nonnull(pl);
	pipeline_set_read_configs(pl, read_configs);
	fr = framer_new(&framer_replay_limits, pipeline_event, pl);
	ck_assert_ptr_nonnull(fr);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		framer_line(fr, p, (size_t)((nl ? nl : end) - p));
		p = nl ? nl + 1 : end;
	}
	framer_flush(fr);
	framer_free(fr);
	pipeline_free(pl);
	cfg_free(&cfg);
	users_free(&users);
	if (out.p == NULL)
		buf_add(&out, "", 0);
}

static int
count(const char *needle)
{
	const char *p = buf_str(&out);
	int n = 0;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p++;
	}
	return n;
}

static void
put(const char *rel, const char *text, mode_t mode)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", home, rel);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
setup(void)
{
	char p[256];

	buf_init(&out, 16 << 20);
	ck_assert_ptr_nonnull(mkdtemp(home));
	ck_assert_int_eq(chmod(home, 0755), 0);
	snprintf(p, sizeof(p), "%s/.ssh", home);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

static void
teardown(void)
{
	char p[512];

	snprintf(p, sizeof(p), "rm -rf '%s'", home);
	ck_assert_int_eq(system(p), 0);
	tu_rmtemp(home);
	buf_free(&out);
}

static char text[4096];

static const char *
exec_in_home(const char *argv)
{
	snprintf(text, sizeof(text),
	    "type=SYSCALL msg=audit(2.000:7): arch=c000003e syscall=59 "
	    "success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=60 "
	    "auid=1000 uid=1000 gid=0 euid=1000 suid=0 fsuid=0 egid=0 sgid=0 "
	    "fsgid=0 tty=pts0 ses=4 comm=\"ssh\" exe=\"/usr/bin/ssh\" "
	    "key=(null)\ntype=EXECVE msg=audit(2.000:7): %s\n"
	    "type=CWD msg=audit(2.000:7): cwd=\"%s\"\n", argv, home);
	return text;
}

/* ~/.ssh/config of the account: the option is found, FILE:LINE shown. */
START_TEST(test_user_config)
{
	char want[512];

	put(".ssh/config", "Host web*\n  DynamicForward 1080\n", 0644);
	replay(exec_in_home("argc=2 a0=\"ssh\" a1=\"web1\""), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-dynamic-forward\""), 1);
	snprintf(want, sizeof(want), "\"%s/.ssh/config:2: DynamicForward "
	    "1080\"", home);
	ck_assert_msg(count(want) == 1, "no %s in %s", want, out.p);
	ck_assert_int_eq(count("\"confidence\":\"high\""), 1);
	/* Another destination: the block does not apply. */
	replay(exec_in_home("argc=2 a0=\"ssh\" a1=\"db1\""), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-dynamic-forward\""), 0);
	/* Replay does not read the host's files unless asked. */
	replay(exec_in_home("argc=2 a0=\"ssh\" a1=\"web1\""), 0);
	ck_assert_int_eq(count("\"rule\":\"ssh-dynamic-forward\""), 0);
}
END_TEST

START_TEST(test_rules_from_config)
{
	put(".ssh/config", "Host *\n ProxyCommand nc %h %p\n"
	    " StrictHostKeyChecking=no\n ForwardAgent yes\n"
	    " IdentityFile /tmp/stolen_key\n LocalForward 8080 x:80\n"
	    " IdentityAgent /proc/self/root/home/bob/.ssh/agent.sock\n", 0644);
	replay(exec_in_home("argc=2 a0=\"ssh\" a1=\"h\""), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-proxy-command\""), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-no-hostcheck\""), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-agent-forward\""), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-identity-file\""), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-local-forward\""), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-identity-agent\""), 1);
	ck_assert_int_eq(count("/.ssh/config:7: IdentityAgent"), 1);
}
END_TEST

/* A -F file, relative to the client's working directory. */
START_TEST(test_dash_f)
{
	put("alt.conf", "ForwardAgent yes\n", 0644);
	put(".ssh/config", "DynamicForward 1\n", 0644);
	replay(exec_in_home("argc=4 a0=\"ssh\" a1=\"-F\" a2=\"alt.conf\" "
	    "a3=\"h\""), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-agent-forward\""), 1);
	ck_assert_int_eq(count("alt.conf:1: ForwardAgent yes"), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-dynamic-forward\""), 0);
}
END_TEST

/* Match exec is never run: possibly true, confidence lowered. */
START_TEST(test_match_exec)
{
	put(".ssh/config", "Match exec \"test -e /nonexistent\"\n"
	    "  DynamicForward 1080\n", 0644);
	replay(exec_in_home("argc=2 a0=\"ssh\" a1=\"h\""), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-dynamic-forward\""), 1);
	ck_assert_int_eq(count("\"confidence\":\"medium\""), 1);
	ck_assert_int_eq(count("Match exec is never run"), 1);
}
END_TEST

/* A file the account could not read: not read, and the alert says so. */
START_TEST(test_unreadable)
{
	put(".ssh/config", "ClearAllForwardings yes\n", 0600);
	if (geteuid() == 1000)
		return;		/* the owner could read it */
	replay(exec_in_home("argc=4 a0=\"ssh\" a1=\"-D\" a2=\"1\" a3=\"h\""),
	    1);
	ck_assert_int_eq(count("\"rule\":\"ssh-dynamic-forward\""), 1);
	ck_assert_int_eq(count("\"confidence\":\"medium\""), 1);
	ck_assert_int_eq(count("not readable by the account"), 1);
}
END_TEST

START_TEST(test_dev_null)
{
	replay(EXEC("1", "1000", "/", "argc=4 a0=\"ssh\" a1=\"-o\" "
	    "a2=\"UserKnownHostsFile=/dev//null\" a3=\"h\""), 0);
	ck_assert_int_eq(count("\"rule\":\"ssh-no-hostcheck\""), 1);
	replay(EXEC("1", "1000", "/", "argc=4 a0=\"ssh\" a1=\"-o\" "
	    "a2=\"UserKnownHostsFile=/proc/self/root/dev/./null\" a3=\"h\""),
	    0);
	ck_assert_int_eq(count("\"rule\":\"ssh-no-hostcheck\""), 1);
	replay(EXEC("1", "1000", "/", "argc=4 a0=\"ssh\" a1=\"-o\" "
	    "a2=\"UserKnownHostsFile=/dev/nullx\" a3=\"h\""), 0);
	ck_assert_int_eq(count("\"rule\":\"ssh-no-hostcheck\""), 0);
}
END_TEST

START_TEST(test_proc_root_agent)
{
	replay(EXEC("1", "1000", "/", "argc=4 a0=\"ssh\" a1=\"-o\" "
	    "a2=\"IdentityAgent=/proc/self/root/home/bob/.ssh/agent\" "
	    "a3=\"h\""), 0);
	ck_assert_int_eq(count("\"rule\":\"ssh-identity-agent\""), 1);
	ck_assert_int_eq(count("\"severity\":\"high\""), 1);
}
END_TEST

START_TEST(test_path_normal)
{
	static const char *const cases[][2] = {
		{ "/dev//null", "/dev/null" },
		{ "/dev/./null", "/dev/null" },
		{ "/proc/self/root/dev/null", "/dev/null" },
		{ "/proc/thread-self/root//tmp/x", "/tmp/x" },
		{ "/proc/self/root/proc/123/root/etc", "/etc" },
		{ "/proc/self/root", "/" },
		{ "/proc/self/rootx/a", "/proc/self/rootx/a" },
		{ "/proc/12a/root/a", "/proc/12a/root/a" },
		{ "/proc/self/fd/3", "/proc/self/fd/3" },
	};
	struct buf b;
	size_t i;

	buf_init(&b, 4096);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(path_normal(cases[i][0], strlen(cases[i][0]),
		    &b), 0);
		ck_assert_str_eq(buf_str(&b), cases[i][1]);
	}
	buf_free(&b);
}
END_TEST

/* An argv of n arguments: head, then n - k fillers, then tail words. */
static void
long_argv(struct buf *t, const char *head, int nhead, const char *fill,
    int nfill, const char *tail, int ntail)
{
	int i;

	buf_adds(t, "type=SYSCALL msg=audit(2.000:1): arch=c000003e "
	    "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 "
	    "ppid=1 pid=60 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 "
	    "sgid=0 fsgid=0 tty=pts0 ses=4 comm=\"ssh\" exe=\"/usr/bin/ssh\" "
	    "key=(null)\ntype=EXECVE msg=audit(2.000:1): ");
	buf_addf(t, "argc=%d %s", nhead + nfill + ntail, head);
	for (i = 0; i < nfill; i++)
		buf_addf(t, " a%d=\"%s\"", nhead + i, fill);
	if (ntail > 0)
		buf_addf(t, " %s", tail);
	buf_adds(t, "\ntype=CWD msg=audit(2.000:1): cwd=\"/\"\n");
}

/* A long remote command past the cap hides no option: no alert. */
START_TEST(test_truncated_command)
{
	struct buf t;

	buf_init(&t, 8 << 20);
	long_argv(&t, "a0=\"ssh\" a1=\"h\" a2=\"echo\"", 3, "x", 20000, "", 0);
	replay(t.p, 0);
	ck_assert_int_eq(count("\"rule\":\"ssh-argv-truncated\""), 0);
	ck_assert_str_eq(buf_str(&out), "");

	/* A -D before it is found, at full confidence, truncated said. */
	buf_reset(&t);
	long_argv(&t, "a0=\"ssh\" a1=\"-D1080\" a2=\"h\" a3=\"echo\"", 4, "x",
	    20000, "", 0);
	replay(t.p, 0);
	ck_assert_int_eq(count("\"rule\":\"ssh-dynamic-forward\""), 1);
	ck_assert_int_eq(count("\"confidence\":\"high\""), 1);
	ck_assert_int_eq(count("\"truncated\":true"), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-argv-truncated\""), 0);

	/* Options after the host, before the command: still examined. */
	buf_reset(&t);
	long_argv(&t, "a0=\"ssh\" a1=\"h\" a2=\"-D\" a3=\"9\" a4=\"ls\"", 5,
	    "x", 20000, "", 0);
	replay(t.p, 0);
	ck_assert_int_eq(count("\"rule\":\"ssh-dynamic-forward\""), 1);
	ck_assert_int_eq(count("\"confidence\":\"high\""), 1);
	buf_free(&t);
}
END_TEST

/* Padding options push the -D and the host past the cap: still said. */
START_TEST(test_truncated_padding)
{
	struct buf t;

	buf_init(&t, 8 << 20);
	long_argv(&t, "a0=\"ssh\"", 1, "-4", 16384, "a16385=\"-D1080\" "
	    "a16386=\"h\"", 2);
	replay(t.p, 0);
	ck_assert_int_eq(count("\"rule\":\"ssh-argv-truncated\""), 1);

	/* The host kept, padding options after it, cut before a command. */
	buf_reset(&t);
	long_argv(&t, "a0=\"ssh\" a1=\"h\"", 2, "-4", 20000,
	    "a20002=\"-D1080\"", 1);
	replay(t.p, 0);
	ck_assert_int_eq(count("\"rule\":\"ssh-argv-truncated\""), 1);
	buf_free(&t);
}
END_TEST

/* An open for append of FILE by uid 1000 (x86_64 open(2)). */
static const char *
write_event(const char *file)
{
	snprintf(text, sizeof(text),
	    "type=SYSCALL msg=audit(3.000:9): arch=c000003e syscall=2 "
	    "success=yes exit=3 a0=7f00 a1=441 a2=1b6 a3=0 items=1 ppid=1 "
	    "pid=70 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 "
	    "fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=4 "
	    "comm=\"bash\" exe=\"/usr/bin/bash\" key=(null)\n"
	    "type=CWD msg=audit(3.000:9): cwd=\"/\"\n"
	    "type=PATH msg=audit(3.000:9): item=0 name=\"%s\" inode=9 "
	    "dev=fe:00 mode=0100644 ouid=1000 ogid=1000 rdev=00:00 "
	    "nametype=NORMAL\n", file);
	return text;
}

/* A client configuration written: read, and what it now holds said. */
START_TEST(test_planted)
{
	char file[256], want[512];

	snprintf(file, sizeof(file), "%s/.ssh/config", home);
	put(".ssh/config", "Host *\n  User bob\n  IdentityFile ~/.ssh/k\n",
	    0644);
	replay(write_event(file), 1);
	ck_assert_int_eq(count("ssh-config-planted"), 0);

	put(".ssh/config", "Host prod\n  User bob\nHost *\n"
	    "  ProxyCommand nc %h %p\n  StrictHostKeyChecking no\n"
	    "Match exec true\n  DynamicForward 1080\n", 0644);
	replay(write_event(file), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-config-planted\""), 1);
	snprintf(want, sizeof(want), "\"%s:4: ProxyCommand nc %%h %%p\"",
	    file);
	ck_assert_msg(count(want) == 1, "no %s in %s", want, out.p);
	ck_assert_int_eq(count(":5: StrictHostKeyChecking no\""), 1);
	ck_assert_int_eq(count(":7: DynamicForward 1080\""), 1);
	ck_assert_int_eq(count("\"T1572\""), 1);
	/* Not read in replay unless asked. */
	replay(write_event(file), 0);
	ck_assert_int_eq(count("ssh-config-planted"), 0);
}
END_TEST

/* Feeds each line of text to fr. */
static void
feed(struct framer *fr, const char *t)
{
	const char *p = t, *end = t + strlen(t), *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		framer_line(fr, p, (size_t)((nl ? nl : end) - p));
		p = nl ? nl + 1 : end;
	}
}

/* Some other event at time stamp (a clock tick for replay). */
static const char *
other_event(const char *stamp)
{
	static char t[512];

	snprintf(t, sizeof(t), "type=SYSCALL msg=audit(%s): arch=c000003e "
	    "syscall=0 success=yes exit=0 a0=0 a1=0 a2=0 a3=0 items=0 "
	    "ppid=1 pid=71 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 "
	    "fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=4 "
	    "comm=\"cat\" exe=\"/usr/bin/cat\" key=(null)\n"
	    "type=EOE msg=audit(%s): \n", stamp, stamp);
	return t;
}

/*
 * A configuration file opened while it holds nothing and written later
 * (`(sleep 1; echo DynamicForward 1080) > ~/.ssh/config'): read again,
 * in replay once a later event's stamp is past the first re-read's time
 * (plantwait.h), or at the end of input; the alert is the open's event.
 */
START_TEST(test_planted_later)
{
	struct cfg cfg;
	struct users users;
	struct pipeline *pl;
	struct framer *fr;
	char file[256], ev[4096 + 64];
	int pass;

	snprintf(file, sizeof(file), "%s/.ssh/config", home);
	for (pass = 0; pass < 3; pass++) {
		buf_reset(&out);
		cfg_defaults(&cfg);
		users_init(&users);
		users_add(&users, "alice", 1000, home);
		ck_assert_ptr_nonnull(pl = pipeline_new(&cfg, &users, 902,
		    collect, &out));
		pipeline_set_read_configs(pl, 1);
		ck_assert_ptr_nonnull(fr = framer_new(&framer_replay_limits,
		    pipeline_event, pl));
		put(".ssh/config", "", 0644);
		snprintf(ev, sizeof(ev), "%stype=EOE msg=audit(3.000:9): \n",
		    write_event(file));
		feed(fr, ev);
		ck_assert_int_eq(count("ssh-config-planted"), 0);
		ck_assert_uint_eq(pipeline_plantwait_stats(pl)->added, 1);
		if (pass < 2)
			put(".ssh/config", "Host *\n  DynamicForward 1080\n",
			    0644);
		else
			put(".ssh/config", "Host *\n  User bob\n", 0644);
		if (pass == 0) {
			/* 100 ms later: not yet due (first re-read 200). */
			feed(fr, other_event("3.100:10"));
			ck_assert_int_eq(count("ssh-config-planted"), 0);
			feed(fr, other_event("3.250:11"));
			ck_assert_msg(count("\"rule\":\"ssh-config-planted\"")
			    == 1, "%s", buf_str(&out));
		} else {
			framer_flush(fr);
			ck_assert_int_eq(count("ssh-config-planted"), 0);
			pipeline_drain(pl);
			ck_assert_int_eq(count(
			    "\"rule\":\"ssh-config-planted\""),
			    pass == 1 ? 1 : 0);
		}
		if (pass < 2) {
			/* The open's event: its stamp, serial and process. */
			ck_assert_int_eq(count("\"time\":\"3.000\""), 1);
			ck_assert_int_eq(count("\"serial\":9"), 1);
			ck_assert_int_eq(count("\"exe\":\"/usr/bin/bash\""), 1);
			ck_assert_int_eq(count(":2: DynamicForward 1080\""), 1);
			ck_assert_int_eq(count("read again after the open"), 1);
			ck_assert_uint_eq(pipeline_plantwait_stats(pl)->found,
			    1);
		} else
			ck_assert_uint_eq(pipeline_plantwait_stats(pl)->
			    forgotten, 1);
		framer_free(fr);
		pipeline_free(pl);
		cfg_free(&cfg);
		users_free(&users);
	}
}
END_TEST

static int reread_hits, reread_calls;

static int
reread(void *arg, const struct plantwait_entry *e)
{
	(void)arg;
	reread_calls++;
	ck_assert_str_eq(e->text, "recordsEOE");
	return strcmp(e->path, "/hit") == 0 && reread_hits;
}

/* The table: its schedule, its caps and what it counts. */
START_TEST(test_plantwait)
{
	struct plantwait *pw;
	const struct plantwait_stats *st;
	static char big[PLANTWAIT_MAX_TEXT + 1];

	ck_assert_ptr_null(plantwait_new(0));
	ck_assert_ptr_nonnull(pw = plantwait_new(2));
	st = plantwait_stats(pw);
	ck_assert_int_eq(plantwait_next(pw, 0), -1);
	ck_assert_int_eq(plantwait_add(pw, 1000, "/a", 2, 5, 0, "records",
	    7, "EOE", 3), 0);
	ck_assert_int_eq(plantwait_next(pw, 1000), PLANTWAIT_STEP1_MS);
	ck_assert_int_eq(plantwait_next(pw, 5000), 0);
	/* Each step once, at its time after the add; then forgotten. */
	ck_assert_uint_eq(plantwait_run(pw, 1199, 0, reread, NULL), 0);
	ck_assert_uint_eq(plantwait_run(pw, 1200, 0, reread, NULL), 1);
	ck_assert_uint_eq(plantwait_run(pw, 1200, 0, reread, NULL), 0);
	ck_assert_int_eq(plantwait_next(pw, 1200), PLANTWAIT_STEP2_MS -
	    PLANTWAIT_STEP1_MS);
	ck_assert_uint_eq(plantwait_run(pw, 1000 + PLANTWAIT_STEP2_MS, 0,
	    reread, NULL), 1);
	ck_assert_uint_eq(plantwait_run(pw, 1000 + PLANTWAIT_STEP3_MS, 0,
	    reread, NULL), 1);
	ck_assert_uint_eq(plantwait_count(pw), 1);
	ck_assert_uint_eq(plantwait_run(pw, 1000 + PLANTWAIT_STEP4_MS, 0,
	    reread, NULL), 1);
	ck_assert_uint_eq(plantwait_count(pw), 0);
	ck_assert_uint_eq(st->forgotten, 1);
	ck_assert_uint_eq(st->reread, 4);
	/* The same file and account again: the newer event replaces it. */
	ck_assert_int_eq(plantwait_add(pw, 0, "/a", 2, 5, 0, "records", 7,
	    "EOE", 3), 0);
	ck_assert_int_eq(plantwait_add(pw, 10, "/a", 2, 5, 1, "records", 7,
	    "EOE", 3), 0);
	ck_assert_uint_eq(plantwait_count(pw), 1);
	ck_assert_uint_eq(st->merged, 1);
	ck_assert_int_eq(plantwait_next(pw, 10), PLANTWAIT_STEP1_MS);
	/* Another account's file of that name is another entry. */
	ck_assert_int_eq(plantwait_add(pw, 20, "/a", 2, 6, 0, "records", 7,
	    "EOE", 3), 0);
	ck_assert_uint_eq(plantwait_count(pw), 2);
	/* Past the cap: the oldest goes, counted. */
	ck_assert_int_eq(plantwait_add(pw, 30, "/hit", 4, 5, 0, "records",
	    7, "EOE", 3), 0);
	ck_assert_uint_eq(plantwait_count(pw), 2);
	ck_assert_uint_eq(st->evicted, 1);
	/* Over the caps: refused, counted, nothing kept. */
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(plantwait_add(pw, 40, "/b", 2, 5, 0, big,
	    PLANTWAIT_MAX_TEXT, "EOE", 3), -1);
	ck_assert_int_eq(plantwait_add(pw, 40, big, PLANTWAIT_MAX_PATH, 5, 0,
	    "records", 7, "EOE", 3), -1);
	ck_assert_int_eq(plantwait_add(pw, 40, "", 0, 5, 0, "records", 7,
	    "EOE", 3), -1);
	ck_assert_uint_eq(st->too_big, 3);
	ck_assert_uint_eq(plantwait_count(pw), 2);
	/* A hit is forgotten at once; the end of input reads the rest. */
	reread_hits = 1;
	reread_calls = 0;
	ck_assert_uint_eq(plantwait_run(pw, 230, 0, reread, NULL), 2);
	ck_assert_uint_eq(st->found, 1);
	ck_assert_uint_eq(plantwait_count(pw), 1);
	ck_assert_uint_eq(plantwait_run(pw, 0, 1, reread, NULL), 1);
	ck_assert_uint_eq(plantwait_count(pw), 0);
	ck_assert_int_eq(reread_calls, 3);
	plantwait_free(pw);
}
END_TEST

/*
 * The waiting budget of a planted configuration's re-reads
 * (redteam_client.sh: a file written 1.1 s after another was read once,
 * empty, when one wait every 2 s was the rule, and missed).
 */
START_TEST(test_planted_budget)
{
	struct plantconf_budget b;

	memset(&b, 0, sizeof(b));
	/* One writer waited for in full: 20 + 40 + 80 ms. */
	ck_assert_int_eq(plantconf_budget_take(&b, 1000, 20), 1);
	ck_assert_int_eq(plantconf_budget_take(&b, 1020, 40), 1);
	ck_assert_int_eq(plantconf_budget_take(&b, 1060, 80), 1);
	/* The window is spent: no more waiting until it ends. */
	ck_assert_int_eq(plantconf_budget_take(&b, 1200, 20), 0);
	ck_assert_int_eq(plantconf_budget_take(&b, 2999, 20), 0);
	ck_assert_int_eq(plantconf_budget_take(&b, 3000, 20), 1);
	/* Two quick writers in a row are both waited for. */
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(plantconf_budget_take(&b, 5000, 20), 1);
	ck_assert_int_eq(plantconf_budget_take(&b, 6100, 20), 1);
	ck_assert_int_eq(plantconf_budget_take(&b, 6120, 40), 1);
	/* What is left is used, never more: 140 - 80 = 60. */
	ck_assert_int_eq(plantconf_budget_take(&b, 6160, 80), 0);
	ck_assert_int_eq(plantconf_budget_take(&b, 6160, 60), 1);
	ck_assert_int_eq(plantconf_budget_take(&b, 6160, 1), 0);
	ck_assert_int_eq(plantconf_budget_take(&b, 6160, -1), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cconf");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_user_config);
	tcase_add_test(tc, test_rules_from_config);
	tcase_add_test(tc, test_dash_f);
	tcase_add_test(tc, test_match_exec);
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_dev_null);
	tcase_add_test(tc, test_proc_root_agent);
	tcase_add_test(tc, test_path_normal);
	tcase_add_test(tc, test_truncated_command);
	tcase_add_test(tc, test_truncated_padding);
	tcase_add_test(tc, test_planted);
	tcase_add_test(tc, test_planted_budget);
	tcase_add_test(tc, test_planted_later);
	tcase_add_test(tc, test_plantwait);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
