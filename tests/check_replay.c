/*
 * check_replay: saved-input formats, ordering and error reporting.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "framer.h"
#include "replay.h"
#include "testutil.h"

static char tmpdir[] = "/tmp/check_replay.XXXXXX";

/* Framed events, concatenated, each followed by "--\n". */
static void
collect(void *arg, const struct framer_event *fe)
{
	struct buf *b = arg;

	buf_add(b, fe->text, fe->len);
	buf_adds(b, "--\n");
}

static char *
write_tmp(const char *name, const char *text)
{
	static char path[4][512];
	static int slot;
	char *p = path[slot++ % 4];
	FILE *fp;

	snprintf(p, 512, "%s/%s", tmpdir, name);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	return p;
}

/* Replays files; returns replay_run's status, events in ev, errors in err. */
static int
run(char **paths, size_t n, struct buf *ev, struct buf *err)
{
	struct framer *fr = framer_new(&framer_replay_limits, collect, ev);
	struct replay_stats st;
	char *text = NULL;
	size_t len = 0;
	FILE *errfp = open_memstream(&text, &len);
	int rc;

	memset(&st, 0, sizeof(st));
	rc = replay_run(paths, n, fr, errfp, &st);
	fclose(errfp);
	buf_add(err, text, len);
	free(text);
	framer_free(fr);
	return rc;
}

#define R1 "type=SYSCALL msg=audit(100.001:7): arch=c000003e syscall=59\n"
#define R2 "type=EXECVE msg=audit(100.001:7): argc=1 a0=\"ssh\"\n"
#define R3 "type=CWD msg=audit(100.001:7): cwd=\"/\"\n"
#define S1 "type=SYSCALL msg=audit(101.002:8): arch=c000003e syscall=2\n"
#define S2 "type=PATH msg=audit(101.002:8): item=0 name=\"/x\"\n"

START_TEST(test_classify)
{
	static const struct {
		const char *line;
		enum replay_format f;
	} c[] = {
		{ "type=SYSCALL msg=audit(1.2:3): a=b", RF_RAW },
		{ "node=h type=PATH msg=audit(1.2:3): a=b", RF_RAW },
		{ "type=UNKNOWN[1337] msg=audit(1.2:3): a", RF_RAW },
		{ "----", RF_AUSEARCH },
		{ "time->Fri Nov 27 22:20:29 2026", RF_AUSEARCH },
		{ "type=SYSCALL msg=audit(11/27/2026 22:20:29.123:456) : "
		  "arch=x86_64", RF_INTERPRETED },
		{ "node=h type=PATH msg=audit(11/27/2026 22:20:29.123:456) : "
		  "item=0", RF_INTERPRETED },
		{ "root:x:0:0:root:/root:/bin/bash", RF_UNKNOWN },
		{ "type=SYSCALL msg=audit(x): a", RF_UNKNOWN },
		{ "", RF_UNKNOWN },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		ck_assert_msg(replay_classify(c[i].line, strlen(c[i].line)) ==
		    c[i].f, "%s", c[i].line);
}
END_TEST

START_TEST(test_raw)
{
	struct buf ev, err;
	char *p[1];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("raw.log", R1 R2 R3 S1 S2);
	ck_assert_int_eq(run(p, 1, &ev, &err), 0);
	ck_assert_str_eq(buf_str(&ev), R1 R2 R3 "--\n" S1 S2 "--\n");
	ck_assert_uint_eq(err.len, 0);
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

/* Default ausearch output prints an event's records last to first. */
START_TEST(test_ausearch_regroup)
{
	struct buf ev, err;
	char *p[1];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("ausearch.txt",
	    "----\ntime->Thu Jan  1 00:01:40 1970\n" R3 R2 R1
	    "----\ntime->Thu Jan  1 00:01:41 1970\n" S2 S1);
	ck_assert_int_eq(run(p, 1, &ev, &err), 0);
	ck_assert_str_eq(buf_str(&ev), R1 R2 R3 "--\n" S1 S2 "--\n");
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

START_TEST(test_interpreted_refused)
{
	struct buf ev, err;
	char *p[1];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("i.txt", "----\ntype=PROCTITLE msg=audit(11/27/2026 "
	    "22:20:29.123:456) : proctitle=ssh\n");
	ck_assert_int_eq(run(p, 1, &ev, &err), 1);
	ck_assert_uint_eq(ev.len, 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "i.txt:2:"));
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "ausearch -i"));
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

START_TEST(test_not_audit)
{
	struct buf ev, err;
	char *p[2];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("passwd", "\nroot:x:0:0:root:/root:/bin/bash\n");
	p[1] = write_tmp("good.log", R1 R2 R3);
	/* The bad input is named with its line; the good one still runs. */
	ck_assert_int_eq(run(p, 2, &ev, &err), 1);
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "passwd:2: not audit "
	    "data"));
	ck_assert_str_eq(buf_str(&ev), R1 R2 R3 "--\n");
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

START_TEST(test_bad_lines_inside)
{
	struct buf ev, err;
	char *p[1];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("mixed.log", R1 "garbage here\n" R2 R3);
	ck_assert_int_eq(run(p, 1, &ev, &err), 1);
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "mixed.log:2: not an "
	    "audit record"));
	ck_assert_str_eq(buf_str(&ev), R1 R2 R3 "--\n");
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

START_TEST(test_binary_refused)
{
	struct buf ev, err;
	char *p[1];
	FILE *fp;

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("bin.gz", "");
	fp = fopen(p[0], "w");
	fwrite("\x1f\x8b\x08\x00\x00\x00\n", 1, 7, fp);
	fclose(fp);
	ck_assert_int_eq(run(p, 1, &ev, &err), 1);
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "bin.gz:1: not audit"));
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

/* Rotated files in any order; an event cut by the rotation is joined. */
START_TEST(test_rotated_order)
{
	struct buf ev, err;
	char *p[3];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("audit.log", R3 S1 S2);
	p[1] = write_tmp("audit.log.2", "type=DAEMON_START msg=audit("
	    "99.000:1): op=start\n");
	p[2] = write_tmp("audit.log.1", R1 R2);
	ck_assert_int_eq(run(p, 3, &ev, &err), 0);
	ck_assert_str_eq(buf_str(&ev), "type=DAEMON_START msg=audit(99.000:1):"
	    " op=start\n--\n" R1 R2 R3 "--\n" S1 S2 "--\n");
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

START_TEST(test_no_final_newline_and_crlf)
{
	struct buf ev, err;
	char *p[1];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("crlf.log", "type=SYSCALL msg=audit(5.000:1): a=b\r\n"
	    "type=CWD msg=audit(5.000:1): cwd=\"/\"");
	ck_assert_int_eq(run(p, 1, &ev, &err), 0);
	ck_assert_str_eq(buf_str(&ev), "type=SYSCALL msg=audit(5.000:1): a=b\n"
	    "type=CWD msg=audit(5.000:1): cwd=\"/\"\n--\n");
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

START_TEST(test_long_line)
{
	struct buf ev, err, text;
	char *p[1];
	size_t i;

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	buf_init(&text, 4 << 20);
	buf_adds(&text, R1);
	buf_adds(&text, "type=EXECVE msg=audit(100.001:7): a0=");
	for (i = 0; i < REPLAY_MAX_LINE + 10; i++)
		buf_addc(&text, 'A');
	buf_adds(&text, "\n" R3);
	p[0] = write_tmp("long.log", text.p);
	ck_assert_int_eq(run(p, 1, &ev, &err), 1);
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "long.log:2: line longer"));
	/* The lines around it are kept. */
	ck_assert_str_eq(buf_str(&ev), R1 R3 "--\n");
	buf_free(&ev);
	buf_free(&err);
	buf_free(&text);
}
END_TEST

START_TEST(test_missing_file)
{
	struct buf ev, err;
	char *p[1] = { (char *)(uintptr_t)"/nonexistent/audit.log" };

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	ck_assert_int_eq(run(p, 1, &ev, &err), 1);
	ck_assert_ptr_nonnull(strstr(buf_str(&err),
	    "/nonexistent/audit.log: No such file"));
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	tu_rmtemp(tmpdir);
}

int
main(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_classify);
	tcase_add_test(tc, test_raw);
	tcase_add_test(tc, test_ausearch_regroup);
	tcase_add_test(tc, test_interpreted_refused);
	tcase_add_test(tc, test_not_audit);
	tcase_add_test(tc, test_bad_lines_inside);
	tcase_add_test(tc, test_binary_refused);
	tcase_add_test(tc, test_rotated_order);
	tcase_add_test(tc, test_no_final_newline_and_crlf);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_missing_file);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
