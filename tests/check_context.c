/*
 * check_context: process and session tables, the allowlist, repeat
 * collapsing and cross-host correlation.  Real chains, Ansible-like and
 * CI-like runs are in check_fixtures (tests/fixtures/context); these are
 * the corners, on hand-typed records shaped like the real ones.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "context.h"
#include "correlate.h"
#include "filter.h"
#include "framer.h"
#include "pipeline.h"
#include "procs.h"
#include "sessions.h"
#include "sink.h"
#include "testutil.h"
#include "users.h"

/* An exec event: SYSCALL + EXECVE + CWD, with the given ids. */
static void
exec_ev(struct buf *b, const char *node, const char *stamp, int pid,
    int ppid, int uid, int ses, const char *exe, const char *execve)
{
	const char *n = node != NULL ? node : "";
	const char *sp = node != NULL ? " " : "";

	buf_addf(b, "%s%s%stype=SYSCALL msg=audit(%s): arch=c000003e "
	    "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 "
	    "ppid=%d pid=%d auid=%d uid=%d gid=0 euid=%d suid=0 fsuid=0 "
	    "egid=0 sgid=0 fsgid=0 tty=pts0 ses=%d comm=\"x\" exe=\"%s\" "
	    "key=(null)\n", node ? "node=" : "", n, sp, stamp, ppid, pid, uid,
	    uid, uid, ses, exe);
	buf_addf(b, "%s%s%stype=EXECVE msg=audit(%s): %s\n", node ? "node=" :
	    "", n, sp, stamp, execve);
	buf_addf(b, "%s%s%stype=CWD msg=audit(%s): cwd=\"/srv\"\n",
	    node ? "node=" : "", n, sp, stamp);
}

/* sshd's USER_START for a session opened from addr as acct. */
static void
user_start(struct buf *b, const char *node, const char *stamp, int ses,
    const char *acct, const char *addr, const char *res)
{
	buf_addf(b, "%s%s%stype=USER_START msg=audit(%s): pid=77 uid=0 "
	    "auid=1000 ses=%d subj=unconfined msg='op=PAM:session_open "
	    "grantors=pam_unix acct=\"%s\" exe=\"/usr/sbin/sshd\" "
	    "hostname=%s addr=%s terminal=ssh res=%s'\n", node ? "node=" : "",
	    node ? node : "", node ? " " : "", stamp, ses, acct, addr, addr,
	    res);
}

/* Runs text through framer -> pipeline -> filter -> JSON lines in out. */
static void
run(const char *text, const struct cfg *cfg, struct buf *out,
    struct correlate *corr)
{
	struct users users;
	struct sink *sink = sink_new();
	struct filter *filter;
	struct pipeline *pl;
	struct framer *fr;
	char *mem = NULL;
	size_t memlen = 0;
	FILE *fp = open_memstream(&mem, &memlen);

	users_init(&users);
	sink_set_stream(sink, fp, SINK_JSON);
	filter = filter_new(cfg, &users, sink_alert, sink_repeat,
	    sink_suppressed, sink);
	pl = pipeline_new(cfg, &users, 902, filter_alert, filter);
	if (corr != NULL)
		pipeline_set_correlate(pl, corr);
	fr = framer_new(&framer_replay_limits, pipeline_event, pl);
	framer_feed(fr, text, strlen(text));
	framer_flush(fr);
	filter_flush(filter);
	framer_free(fr);
	pipeline_free(pl);
	filter_free(filter);
	sink_free(sink);
	fclose(fp);
	buf_reset(out);
	buf_add(out, mem, memlen);
	/* CTX_DUMP=1 shows what a failing case saw. */
	if (getenv("CTX_DUMP") != NULL)
		fputs(buf_str(out), stderr);
	free(mem);
	users_free(&users);
}

static int
count(const struct buf *b, const char *needle)
{
	const char *p = buf_str(b);
	int n = 0;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p++;
	}
	return n;
}

static void
cfg_with(struct cfg *c, const char *text)
{
	char err[256];

	cfg_defaults(c);
	ck_assert_msg(cfg_parse(text, strlen(text), c, err, sizeof(err)) == 0,
	    "%s", err);
}

/* procs / sessions ------------------------------------------------------ */

START_TEST(test_procs_time_and_reuse)
{
	struct procs *p = procs_new(16);
	struct proc e;

	memset(&e, 0, sizeof(e));
	e.pid = 100;
	e.ppid = 1;
	e.t = 10.0;
	snprintf(e.exe, sizeof(e.exe), "/bin/bash");
	procs_exec(p, &e);
	/* Not the parent of an event before it was exec'd. */
	ck_assert_ptr_null(procs_find(p, "", 100, 9.0));
	ck_assert_str_eq(procs_find(p, "", 100, 11.0)->exe, "/bin/bash");
	/* The pid exec'd again: the newer program. */
	e.t = 20.0;
	snprintf(e.exe, sizeof(e.exe), "/usr/bin/ssh");
	procs_exec(p, &e);
	ck_assert_str_eq(procs_find(p, "", 100, 21.0)->exe, "/usr/bin/ssh");
	/* Another node's pid 100 is another process. */
	ck_assert_ptr_null(procs_find(p, "hostB", 100, 21.0));
	procs_free(p);
}
END_TEST

START_TEST(test_procs_bounded)
{
	struct procs *p = procs_new(64);
	struct proc e;
	int i;

	memset(&e, 0, sizeof(e));
	for (i = 1; i <= 10000; i++) {
		e.pid = i;
		e.t = i;
		procs_exec(p, &e);
		/* A shell that starts things stays. */
		if (i > 1)
			procs_find(p, "", 1, i);
	}
	ck_assert_uint_eq(procs_count(p), 64);
	ck_assert_uint_eq(procs_evicted(p), 10000 - 64);
	ck_assert_ptr_nonnull(procs_find(p, "", 1, 1e9));
	ck_assert_ptr_nonnull(procs_find(p, "", 10000, 1e9));
	procs_free(p);
}
END_TEST

START_TEST(test_sessions_bounded)
{
	struct sessions *s = sessions_new(8);
	struct session e;
	int i;

	memset(&e, 0, sizeof(e));
	for (i = 1; i <= 100; i++) {
		e.ses = i;
		snprintf(e.addr, sizeof(e.addr), "10.0.0.%d", i);
		sessions_open(s, &e);
	}
	ck_assert_uint_eq(sessions_count(s), 8);
	ck_assert_uint_eq(sessions_evicted(s), 92);
	ck_assert_ptr_null(sessions_find(s, "", 5));
	ck_assert_str_eq(sessions_find(s, "", 100)->addr, "10.0.0.100");
	sessions_close(s, "", 100);
	ck_assert_int_eq(sessions_find(s, "", 100)->ended, 1);
	ck_assert_ptr_null(sessions_find(s, "", 4294967295LL));
	sessions_free(s);
}
END_TEST

/* Ancestry and the session's origin, from raw records; the chain rule. */
START_TEST(test_ancestry_and_chain)
{
	struct buf t, out;
	struct cfg c;

	buf_init(&t, 1 << 20);
	buf_init(&out, 1 << 20);
	cfg_with(&c, "dedup_window = 0\n");
	user_start(&t, NULL, "100.000:1", 7, "alice", "10.0.0.5", "success");
	exec_ev(&t, NULL, "101.000:2", 50, 1, 1000, 7, "/usr/bin/python3.11",
	    "argc=3 a0=\"/usr/bin/python3\" a1=\"/usr/local/bin/"
	    "ansible-playbook\" a2=\"site.yml\"");
	exec_ev(&t, NULL, "101.500:3", 51, 50, 1000, 7, "/usr/bin/dash",
	    "argc=3 a0=\"/bin/sh\" a1=\"-c\" a2_len=50 "
	    "a2[0]=737368202D6F20 a2[1]=537472696374486F73744B6579436865636B");
	exec_ev(&t, NULL, "102.000:4", 52, 51, 1000, 7, "/usr/bin/ssh",
	    "argc=4 a0=\"ssh\" a1=\"-o\" a2=\"StrictHostKeyChecking=no\" "
	    "a3=\"bob@db1\"");
	run(t.p, &c, &out, NULL);
	ck_assert_int_eq(count(&out, "\"rule\":\"ssh-no-hostcheck\""), 1);
	ck_assert_int_eq(count(&out, "\"rule\":\"ssh-chain\""), 1);
	ck_assert_int_eq(count(&out, "\"match\":[\"from 10.0.0.5 as alice\","
	    "\"to bob@db1\"]"), 1);
	/* Parent first; the split argument joined without a space. */
	ck_assert_int_eq(count(&out, "\"ancestry\":[{\"pid\":51,\"exe\":"
	    "\"/usr/bin/dash\",\"argv\":\"/bin/sh -c ssh -o StrictHostKeyCheck"
	    "\",\"source\":\"exec\"},{\"pid\":50,\"exe\":"
	    "\"/usr/bin/python3.11\",\"argv\":"
	    "\"/usr/bin/python3 /usr/local/bin/ansible-playbook site.yml\","
	    "\"source\":\"exec\"}]"),
	    2);
	ck_assert_int_eq(count(&out, "\"session\":{\"id\":7,\"account\":"
	    "\"alice\",\"from\":\"10.0.0.5\""), 2);
	cfg_free(&c);
	buf_free(&t);
	buf_free(&out);
}
END_TEST

/* A failed or non-sshd session is no origin; a local ssh is no chain. */
START_TEST(test_no_chain)
{
	struct buf t, out;
	struct cfg c;

	buf_init(&t, 1 << 20);
	buf_init(&out, 1 << 20);
	cfg_with(&c, "dedup_window = 0\n");
	user_start(&t, NULL, "100.000:1", 7, "alice", "10.0.0.5", "failed");
	exec_ev(&t, NULL, "102.000:4", 52, 1, 1000, 7, "/usr/bin/ssh",
	    "argc=3 a0=\"ssh\" a1=\"-A\" a2=\"db1\"");
	exec_ev(&t, NULL, "103.000:5", 53, 1, 1000, 8, "/usr/bin/ssh",
	    "argc=3 a0=\"ssh\" a1=\"-A\" a2=\"db1\"");
	run(t.p, &c, &out, NULL);
	ck_assert_int_eq(count(&out, "\"rule\":\"ssh-agent-forward\""), 2);
	ck_assert_int_eq(count(&out, "ssh-chain"), 0);
	ck_assert_int_eq(count(&out, "\"session\""), 0);
	cfg_free(&c);
	buf_free(&t);
	buf_free(&out);
}
END_TEST

/* allowlist ------------------------------------------------------------ */

START_TEST(test_allow_conditions)
{
	static const struct {
		const char	*allow;
		int		 suppressed;
	} cases[] = {
		{ "allow = rule=ssh-no-hostcheck\n", 1 },
		{ "allow = rule=ssh-*\n", 1 },
		{ "allow = rule=ssh-dynamic-forward\n", 0 },
		{ "allow = rule=* user=1000\n", 1 },
		{ "allow = rule=* user=1001\n", 0 },
		{ "allow = rule=* auid=1000\n", 1 },
		{ "allow = rule=* exe=/usr/bin/ssh\n", 1 },
		{ "allow = rule=* exe=/bin/*\n", 0 },
		{ "allow = rule=* ancestor=*/ansible-playbook\n", 1 },
		{ "allow = rule=* ancestor=/usr/bin/python3*\n", 1 },
		{ "allow = rule=* ancestor=*/gitlab-runner\n", 0 },
		{ "allow = rule=* dest=DB*\n", 1 },
		{ "allow = rule=* dest=web*\n", 0 },
		{ "allow = rule=* from=10.0.0.*\n", 1 },
		{ "allow = rule=* from=192.168.*\n", 0 },
		{ "allow = rule=* key=*\n", 0 },
		{ "allow = rule=* path=*\n", 0 },
		{ "allow = rule=* user=1000 dest=web*\n", 0 },
	};
	struct buf t, out;
	size_t i;

	buf_init(&t, 1 << 20);
	buf_init(&out, 1 << 20);
	user_start(&t, NULL, "100.000:1", 7, "alice", "10.0.0.5", "success");
	exec_ev(&t, NULL, "101.000:2", 50, 1, 1000, 7, "/usr/bin/python3.11",
	    "argc=2 a0=\"/usr/bin/python3\" a1=\"/usr/local/bin/"
	    "ansible-playbook\"");
	exec_ev(&t, NULL, "102.000:4", 52, 50, 1000, 7, "/usr/bin/ssh",
	    "argc=4 a0=\"ssh\" a1=\"-o\" a2=\"StrictHostKeyChecking=no\" "
	    "a3=\"db1\"");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfg c;
		char text[256];

		snprintf(text, sizeof(text), "dedup_window = 0\n%s",
		    cases[i].allow);
		cfg_with(&c, text);
		run(t.p, &c, &out, NULL);
		ck_assert_msg(count(&out, "\"rule\":\"ssh-no-hostcheck\"") ==
		    !cases[i].suppressed, "%s", cases[i].allow);
		/* The chain is a rule of its own: only rule=* or ssh-* hit. */
		cfg_free(&c);
	}
	buf_free(&t);
	buf_free(&out);
}
END_TEST

START_TEST(test_allow_report_and_errors)
{
	struct buf t, out;
	struct cfg c;
	char err[256];

	buf_init(&t, 1 << 20);
	buf_init(&out, 1 << 20);
	exec_ev(&t, NULL, "102.000:4", 52, 1, 1000, 7, "/usr/bin/ssh",
	    "argc=3 a0=\"ssh\" a1=\"-D1080\" a2=\"db1\"");
	cfg_with(&c, "dedup_window = 0\nreport_suppressed = yes\n"
	    "allow = rule=ssh-dynamic-forward user=1000\n");
	run(t.p, &c, &out, NULL);
	ck_assert_int_eq(count(&out, "\"suppressed\":true,\"allowed_by\":"
	    "\"config:3\""), 1);
	cfg_free(&c);
	cfg_defaults(&c);
	ck_assert_int_eq(cfg_parse("allow = user=1\n", 15, &c, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "line 1: allow needs a rule= condition (rule=* "
	    "allows every rule)");
	ck_assert_int_eq(cfg_parse("allow = rule=x color=red\n", 25, &c, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "line 1: allow: unknown condition \"color\"");
	ck_assert_int_eq(cfg_parse("allow = rule=x rule=y\n", 22, &c, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "line 1: allow: repeated condition \"rule\"");
	cfg_free(&c);
	buf_free(&t);
	buf_free(&out);
}
END_TEST

/* repeats --------------------------------------------------------------- */

/* A loop of 10,000 identical tunnels is one alert and one repeat record. */
START_TEST(test_repeat_loop)
{
	struct buf t, out;
	struct cfg c;
	int i;

	buf_init(&t, 64 << 20);
	buf_init(&out, 64 << 20);
	cfg_with(&c, "dedup_window = 60\ndedup_limit = 1\n");
	for (i = 0; i < 10000; i++) {
		char stamp[32];

		snprintf(stamp, sizeof(stamp), "%d.%03d:%d", 1000 + i / 1000,
		    i % 1000, i + 1);
		exec_ev(&t, NULL, stamp, 1000 + i, 1, 1000, 7, "/usr/bin/ssh",
		    "argc=4 a0=\"ssh\" a1=\"-fND1080\" a2=\"db1\" a3=\"-N\"");
	}
	run(t.p, &c, &out, NULL);
	ck_assert_int_eq(count(&out, "\n"), 2);
	ck_assert_int_eq(count(&out, "\"repeat\":{\"count\":9999,\"sent\":1,"
	    "\"window\":60,\"first\":{\"time\":\"1000.000\",\"serial\":1},"
	    "\"last\":{\"time\":\"1009.999\",\"serial\":10000}}"), 1);
	cfg_free(&c);
	buf_free(&t);
	buf_free(&out);
}
END_TEST

/* Other argv is another key; a closed window lets the next one out. */
START_TEST(test_repeat_keys_and_windows)
{
	struct buf t, out;
	struct cfg c;

	buf_init(&t, 1 << 20);
	buf_init(&out, 1 << 20);
	cfg_with(&c, "dedup_window = 10\ndedup_limit = 2\n");
	exec_ev(&t, NULL, "100.000:1", 10, 1, 1000, 7, "/usr/bin/ssh",
	    "argc=3 a0=\"ssh\" a1=\"-D1080\" a2=\"a\"");
	exec_ev(&t, NULL, "101.000:2", 11, 1, 1000, 7, "/usr/bin/ssh",
	    "argc=3 a0=\"ssh\" a1=\"-D1080\" a2=\"a\"");
	exec_ev(&t, NULL, "102.000:3", 12, 1, 1000, 7, "/usr/bin/ssh",
	    "argc=3 a0=\"ssh\" a1=\"-D1080\" a2=\"a\"");
	exec_ev(&t, NULL, "103.000:4", 13, 1, 1000, 7, "/usr/bin/ssh",
	    "argc=3 a0=\"ssh\" a1=\"-D1080\" a2=\"b\"");
	/* After the window: the same as the first, sent again. */
	exec_ev(&t, NULL, "111.000:5", 14, 1, 1000, 7, "/usr/bin/ssh",
	    "argc=3 a0=\"ssh\" a1=\"-D1080\" a2=\"a\"");
	run(t.p, &c, &out, NULL);
	ck_assert_int_eq(count(&out, "\"rule\":\"ssh-dynamic-forward\""), 5);
	ck_assert_int_eq(count(&out, "\"repeat\":{\"count\":1,\"sent\":2"), 1);
	/* Serial 3 only as the repeat record, never as a full alert. */
	ck_assert_int_eq(count(&out, "\"serial\":3,"), 1);
	ck_assert_int_eq(count(&out,
	    "\"last\":{\"time\":\"102.000\",\"serial\":3}"), 1);
	ck_assert_int_eq(count(&out, "\"serial\":5,"), 1);
	cfg_free(&c);
	buf_free(&t);
	buf_free(&out);
}
END_TEST

/* correlate ------------------------------------------------------------ */

START_TEST(test_correlate_three_hosts)
{
	struct buf t, out;
	struct correlate *corr = correlate_new();
	struct cfg c;
	char *mem = NULL;
	size_t memlen = 0;
	FILE *fp;

	buf_init(&t, 1 << 20);
	buf_init(&out, 1 << 20);
	cfg_with(&c, "dedup_window = 0\n");
	/* hostA: alice (uid 1000, session 3) runs ssh bob@hostB. */
	exec_ev(&t, "hostA", "100.000:1", 10, 1, 1000, 3, "/usr/bin/ssh",
	    "argc=2 a0=\"ssh\" a1=\"bob@hostB.example.com\"");
	/* hostB: bob's session 9 from hostA's address; ssh to hostC. */
	user_start(&t, "hostB", "101.000:7", 9, "bob", "10.0.0.1", "success");
	exec_ev(&t, "hostB", "105.000:8", 20, 1, 1001, 9, "/usr/bin/ssh",
	    "argc=3 a0=\"ssh\" a1=\"-A\" a2=\"root@10.0.0.3\"");
	/* hostC: root's session 4 from hostB. */
	user_start(&t, "hostC", "106.000:2", 4, "root", "10.0.0.2", "success");
	/* Noise: a session on hostC for someone else, and a late one. */
	user_start(&t, "hostC", "105.500:3", 5, "carol", "10.0.0.2",
	    "success");
	user_start(&t, "hostB", "300.000:9", 11, "bob", "10.0.0.1", "success");
	ck_assert_int_eq(system("printf '10.0.0.3 hostC\\n' > "
	    "/tmp/check_context.hosts"), 0);
	{
		char err[256];

		ck_assert_int_eq(correlate_hosts(corr,
		    "/tmp/check_context.hosts", err, sizeof(err)), 0);
	}
	run(t.p, &c, &out, corr);
	fp = open_memstream(&mem, &memlen);
	ck_assert_uint_eq(correlate_report(corr, fp, 1), 1);
	fclose(fp);
	ck_assert_str_eq(mem, "{\"path\":["
	    "{\"node\":\"hostA\",\"user\":\"1000\",\"ses\":3,\"time\":"
	    "\"100.000\",\"pid\":10,\"to\":\"hostB.example.com\"},"
	    "{\"node\":\"hostB\",\"user\":\"1001\",\"ses\":9,\"time\":"
	    "\"105.000\",\"pid\":20,\"to\":\"10.0.0.3\",\"alert\":"
	    "\"ssh-agent-forward\"},"
	    "{\"node\":\"hostC\",\"user\":\"root\",\"ses\":4,\"time\":"
	    "\"106.000\",\"from\":\"10.0.0.2\"}]}\n");
	free(mem);
	unlink("/tmp/check_context.hosts");
	correlate_free(corr);
	cfg_free(&c);
	buf_free(&t);
	buf_free(&out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("context");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_procs_time_and_reuse);
	tcase_add_test(tc, test_procs_bounded);
	tcase_add_test(tc, test_sessions_bounded);
	tcase_add_test(tc, test_ancestry_and_chain);
	tcase_add_test(tc, test_no_chain);
	tcase_add_test(tc, test_allow_conditions);
	tcase_add_test(tc, test_allow_report_and_errors);
	tcase_add_test(tc, test_repeat_loop);
	tcase_add_test(tc, test_repeat_keys_and_windows);
	tcase_add_test(tc, test_correlate_three_hosts);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
