/*
 * check_follow: the follower's file handling, on logs these tests write
 * themselves in a temporary directory.
 *
 * A collector counts every event handed over by (node, stamp) and keeps
 * its record count; each test then checks that every event written was
 * delivered exactly once, whole: across partial lines, rotation in the
 * middle of an event, truncation, and restarts with the state file
 * (also when the log was rotated, once or twice, while stopped).
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow.h"
#include "framer.h"
#include "testutil.h"

#define MAX_EV	256

struct got {
	char	 key[MAX_EV][64];
	size_t	 nrecs[MAX_EV];
	size_t	 n;
};

static char dir[] = "/tmp/check_follow.XXXXXX";
static char logp[256], statep[256];
static struct got g;
static size_t warm;		/* events the last start() warmed up with */

static void
collect(void *ctx, const struct framer_event *fe)
{
	struct got *gt = ctx;

	ck_assert_uint_lt(gt->n, MAX_EV);
	snprintf(gt->key[gt->n], sizeof(gt->key[0]), "%.*s %.*s",
	    (int)fe->nodelen, fe->node != NULL ? fe->node : "",
	    (int)fe->stamplen, fe->stamp);
	gt->nrecs[gt->n++] = fe->nrecs;
}

/* How often event "NODE SEC.000:N" was delivered, its records in *nrecs. */
static int
seen(const char *node, int n, size_t *nrecs)
{
	char key[64];
	size_t i;
	int c = 0;

	snprintf(key, sizeof(key), "%s 100.000:%d", node, n);
	for (i = 0; i < g.n; i++)
		if (strcmp(g.key[i], key) == 0) {
			c++;
			if (nrecs != NULL)
				*nrecs = g.nrecs[i];
		}
	return c;
}

static void
append(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

/* The records of kernel event n on node: SYSCALL, EXECVE, EOE. */
static void
event(const char *path, const char *node, int n, int parts)
{
	char l[512];

	if (parts & 1) {
		snprintf(l, sizeof(l), "node=%s type=SYSCALL msg=audit("
		    "100.000:%d): arch=c000003e syscall=59 success=yes exit=0 "
		    "pid=%d\n", node, n, n);
		append(path, l);
	}
	if (parts & 2) {
		snprintf(l, sizeof(l), "node=%s type=EXECVE msg=audit("
		    "100.000:%d): argc=1 a0=\"true\"\n", node, n);
		append(path, l);
	}
	if (parts & 4) {
		snprintf(l, sizeof(l), "node=%s type=EOE msg=audit("
		    "100.000:%d): \n", node, n);
		append(path, l);
	}
}

static struct follow *
start(int from_start)
{
	static struct got before;
	char err[256];
	struct follow *f;

	/* What the warm-up hands over is context, not output: dropped. */
	before = g;
	f = follow_new(logp, statep, from_start, &framer_replay_limits,
	    collect, &g, err, sizeof(err));
	ck_assert_msg(f != NULL, "follow_new: %s", err);
	warm = g.n - before.n;
	g = before;
	return f;
}

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(logp, sizeof(logp), "%s/audit.log", dir);
	snprintf(statep, sizeof(statep), "%s/state", dir);
	memset(&g, 0, sizeof(g));
}

static void
teardown(void)
{
	tu_rmtemp(dir);
}

static void
all_once(const char *node, int from, int to)
{
	int n;
	size_t r = 0;

	for (n = from; n <= to; n++) {
		ck_assert_msg(seen(node, n, &r) == 1, "event %s %d seen %d "
		    "times", node, n, seen(node, n, NULL));
		ck_assert_uint_eq(r, 2);	/* SYSCALL and EXECVE */
	}
}

START_TEST(test_partial_line)
{
	struct follow *f;

	event(logp, "a", 1, 7);
	append(logp, "node=a type=SYSCALL msg=audit(100.000:2): arch=c0");
	f = start(0);
	follow_pump(f);
	ck_assert_int_eq(seen("a", 1, NULL), 1);
	ck_assert_int_eq(seen("a", 2, NULL), 0);
	/* Nothing of the half line is taken: the state points before it. */
	ck_assert_int_eq(follow_checkpoint(f), 0);
	append(logp, "00003e syscall=59 pid=2\n");
	event(logp, "a", 2, 6);
	follow_pump(f);
	all_once("a", 1, 2);
	ck_assert_uint_eq(follow_stats(f)->unterminated, 0);
	follow_free(f);
}
END_TEST

START_TEST(test_rotation_mid_event)
{
	char old[300];
	struct follow *f;

	snprintf(old, sizeof(old), "%s.1", logp);
	event(logp, "a", 1, 7);
	event(logp, "a", 2, 1);		/* SYSCALL only */
	f = start(0);
	ck_assert_int_eq(follow_pump(f), 0);
	ck_assert_int_eq(rename(logp, old), 0);
	/* Written by the writer that still had it open, after the rename. */
	event(old, "a", 2, 2);
	follow_pump(f);		/* FILE missing: waits */
	event(logp, "a", 2, 4);	/* the event's EOE, in the new file */
	event(logp, "a", 3, 7);
	follow_pump(f);
	all_once("a", 1, 3);
	ck_assert_uint_eq(follow_stats(f)->rotations, 1);
	follow_free(f);
}
END_TEST

START_TEST(test_truncation)
{
	struct follow *f;

	event(logp, "a", 1, 7);
	event(logp, "a", 2, 7);
	f = start(0);
	follow_pump(f);
	ck_assert_int_eq(truncate(logp, 0), 0);
	event(logp, "a", 3, 7);
	follow_pump(f);
	all_once("a", 1, 3);
	ck_assert_uint_eq(follow_stats(f)->truncations, 1);
	follow_free(f);
}
END_TEST

/*
 * Events of two nodes interleaved, one left open at the stop: after the
 * restart it is read whole, and none of the done ones again.
 */
START_TEST(test_restart)
{
	struct follow *f;

	event(logp, "a", 1, 7);
	event(logp, "b", 1, 1);		/* b1 open across the stop */
	event(logp, "a", 2, 7);
	event(logp, "b", 2, 7);
	f = start(0);
	follow_pump(f);
	ck_assert_int_eq(follow_checkpoint(f), 0);
	ck_assert_uint_eq(follow_stats(f)->pending, 1);
	follow_free(f);
	ck_assert_int_eq(seen("b", 1, NULL), 0);
	event(logp, "b", 1, 6);
	event(logp, "a", 3, 7);
	f = start(0);
	follow_pump(f);
	all_once("a", 1, 3);
	all_once("b", 1, 2);
	ck_assert_uint_eq(follow_stats(f)->resumed_skipped, 6);
	/*
	 * a1 (before the resume point) and a2, b2 (after it, delivered
	 * before the stop) went through as context; b1, open, did not.
	 */
	ck_assert_uint_eq(warm, 3);
	ck_assert_uint_eq(follow_stats(f)->warm_events, 3);
	follow_free(f);
}
END_TEST

/* Rotated once, then twice, while the follower was stopped. */
START_TEST(test_restart_rotated)
{
	char r1[300], r2[300];
	struct follow *f;
	int twice;

	snprintf(r1, sizeof(r1), "%s.1", logp);
	snprintf(r2, sizeof(r2), "%s.2", logp);
	for (twice = 0; twice < 2; twice++) {
		int base = twice * 10;

		unlink(logp);
		unlink(r1);
		unlink(r2);
		unlink(statep);
		memset(&g, 0, sizeof(g));
		event(logp, "a", base + 1, 7);
		event(logp, "a", base + 2, 3);	/* open at the stop */
		f = start(0);
		follow_pump(f);
		ck_assert_int_eq(follow_checkpoint(f), 0);
		follow_free(f);
		event(logp, "a", base + 2, 4);
		event(logp, "a", base + 3, 7);
		ck_assert_int_eq(rename(logp, r1), 0);
		event(logp, "a", base + 4, 7);
		if (twice) {
			ck_assert_int_eq(rename(r1, r2), 0);
			ck_assert_int_eq(rename(logp, r1), 0);
			event(logp, "a", base + 5, 7);
		}
		f = start(0);
		follow_pump(f);
		all_once("a", base + 1, base + 4 + twice);
		ck_assert_uint_eq(follow_stats(f)->rotations, 1 + twice);
		follow_free(f);
	}
}
END_TEST

START_TEST(test_state_from_start_and_damaged)
{
	char err[256];
	struct follow *f;

	event(logp, "a", 1, 7);
	f = start(0);
	follow_pump(f);
	ck_assert_int_eq(follow_checkpoint(f), 0);
	follow_free(f);
	/* --from-start: the state is not read, event 1 comes again. */
	f = start(1);
	follow_pump(f);
	ck_assert_int_eq(seen("a", 1, NULL), 2);
	follow_free(f);
	append(statep, "bogus line\n");
	ck_assert_ptr_null(follow_new(logp, statep, 0, &framer_replay_limits,
	    collect, &g, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "damaged"));
	/* Not a regular file. */
	unlink(statep);
	ck_assert_int_eq(mkdir(statep, 0700), 0);
	ck_assert_ptr_null(follow_new(logp, statep, 0, &framer_replay_limits,
	    collect, &g, err, sizeof(err)));
	rmdir(statep);
}
END_TEST

/*
 * An aggregator's log has no EOE: PROCTITLE, the kernel's last record of
 * a syscall event, ends the event at once -- until an EOE shows up, after
 * which EOE alone ends events, as in a local log.
 */
START_TEST(test_no_eoe)
{
	struct follow *f;
	size_t r = 0;

	event(logp, "a", 1, 3);
	append(logp, "node=a type=PROCTITLE msg=audit(100.000:1): "
	    "proctitle=7472756500\n");
	f = start(0);
	follow_pump(f);
	ck_assert_int_eq(seen("a", 1, &r), 1);
	ck_assert_uint_eq(r, 3);
	ck_assert_uint_eq(follow_stats(f)->eoe_made, 1);
	/* A log with EOE records: PROCTITLE no longer ends anything. */
	event(logp, "a", 2, 7);
	event(logp, "a", 3, 3);
	append(logp, "node=a type=PROCTITLE msg=audit(100.000:3): "
	    "proctitle=7472756500\n");
	follow_pump(f);
	ck_assert_int_eq(seen("a", 2, NULL), 1);
	ck_assert_int_eq(seen("a", 3, NULL), 0);
	event(logp, "a", 3, 4);
	follow_pump(f);
	ck_assert_int_eq(seen("a", 3, &r), 1);
	ck_assert_uint_eq(r, 3);
	ck_assert_uint_eq(follow_stats(f)->eoe_made, 1);
	follow_free(f);
}
END_TEST

/* The log does not exist yet: the follower waits for it. */
START_TEST(test_created_later)
{
	struct follow *f = start(0);

	ck_assert_int_eq(follow_pump(f), 0);
	event(logp, "a", 1, 7);
	follow_pump(f);
	all_once("a", 1, 1);
	follow_free(f);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("follow");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_partial_line);
	tcase_add_test(tc, test_rotation_mid_event);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_restart);
	tcase_add_test(tc, test_restart_rotated);
	tcase_add_test(tc, test_state_from_start_and_damaged);
	tcase_add_test(tc, test_created_later);
	tcase_add_test(tc, test_no_eoe);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
