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

/* The last run()'s counters. */
static struct replay_stats st;

/* Replays files; returns replay_run's status, events in ev, errors in err. */
static int
run(char **paths, size_t n, struct buf *ev, struct buf *err)
{
	struct framer *fr = framer_new(&framer_replay_limits, collect, ev);
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
		/* ausearch -i under other locales' date formats. */
		{ "type=SYSCALL msg=audit(20.9.2024 10:22:51.155:2171) : "
		  "arch=x86_64", RF_INTERPRETED },
		{ "node=h type=CWD msg=audit(2024-09-20 10:22:51.155:2171) : "
		  "cwd=/", RF_INTERPRETED },
		{ "type=UNKNOWN[1329] msg=?", RF_UNKNOWN },
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
	/*
	 * The bad input is named with its line, then refused as a whole for
	 * holding no record; the good one still runs.
	 */
	ck_assert_int_eq(run(p, 2, &ev, &err), 1);
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "passwd:2: not an audit "
	    "record, skipped"));
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "passwd: not audit "
	    "data"));
	ck_assert_uint_eq(st.refused, 1);
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

/*
 * An aggregator's log: nodes' clocks differ, so the newer file can start
 * with an event stamped before the first of the older one.  The files of
 * one log go by their rotation number; other logs by their first event.
 */
START_TEST(test_rotated_skewed)
{
	struct buf ev, err;
	char *p[3];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("audit.log", "node=b type=DAEMON_START msg=audit("
	    "150.000:7): op=b\n");
	p[1] = write_tmp("audit.log.1", "node=a type=DAEMON_START msg=audit("
	    "200.000:3): op=a\n");
	p[2] = write_tmp("other.log", "type=DAEMON_START msg=audit("
	    "100.000:1): op=o\n");
	ck_assert_int_eq(run(p, 3, &ev, &err), 0);
	ck_assert_str_eq(buf_str(&ev), "type=DAEMON_START msg=audit(100.000:1):"
	    " op=o\n--\nnode=a type=DAEMON_START msg=audit(200.000:3): op=a\n"
	    "--\nnode=b type=DAEMON_START msg=audit(150.000:7): op=b\n--\n");
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

/*
 * Issue 14: a comment or other text before the first record does not
 * decide the format; it is skipped with a warning naming file and line,
 * for raw logs and for ausearch output alike.
 */
START_TEST(test_comment_first)
{
	struct buf ev, err;
	char *p[2];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("c.log", "# login something\nfrom a bug report:\n"
	    R1 R2 R3);
	p[1] = write_tmp("c.txt", "# ausearch -k sshwatch-exec\n"
	    "----\ntime->Thu Jan  1 00:01:41 1970\n" S2 S1);
	ck_assert_int_eq(run(p, 2, &ev, &err), 1);
	ck_assert_str_eq(buf_str(&ev), R1 R2 R3 "--\n" S1 S2 "--\n");
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "c.log:1: not an audit "
	    "record, skipped"));
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "c.log:2: not an audit "
	    "record, skipped"));
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "c.txt:1: not an audit "
	    "record, skipped"));
	ck_assert_ptr_null(strstr(buf_str(&err), "not audit data"));
	ck_assert_uint_eq(st.skipped, 3);
	ck_assert_uint_eq(st.refused, 0);
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

/* Issue 14: default ausearch output without "----": "time->" splits. */
START_TEST(test_ausearch_no_separators)
{
	struct buf ev, err;
	char *p[1];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("nosep.txt",
	    "time->Thu Jan  1 00:01:40 1970\n" R3 R2 R1
	    "time->Thu Jan  1 00:01:41 1970\n" S2 S1);
	ck_assert_int_eq(run(p, 1, &ev, &err), 0);
	ck_assert_str_eq(buf_str(&ev), R1 R2 R3 "--\n" S1 S2 "--\n");
	ck_assert_uint_eq(err.len, 0);
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

/* Issue 14: ausearch -i in a non-US locale is refused as ausearch -i. */
START_TEST(test_interpreted_locale_refused)
{
	struct buf ev, err;
	char *p[1];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("de.txt", "----\ntime->Fr 20 Sep 2024 10:22:51\n"
	    "type=PROCTITLE msg=audit(20.9.2024 10:22:51.155:2171) : "
	    "proctitle=ssh\n");
	ck_assert_int_eq(run(p, 1, &ev, &err), 1);
	ck_assert_uint_eq(ev.len, 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "de.txt:3: this is "
	    "`ausearch -i' output"));
	ck_assert_ptr_null(strstr(buf_str(&err), "not audit data"));
	ck_assert_uint_eq(st.refused, 1);
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

/*
 * Issue 14: "type=UNKNOWN[1329] msg=?" is skipped with its own warning,
 * first in the file or further down, and the status says so.
 */
START_TEST(test_unknown_type_skipped)
{
	struct buf ev, err;
	char *p[1];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	p[0] = write_tmp("u.log", "type=UNKNOWN[1329] msg=?\n" R1
	    "node=h type=UNKNOWN[1329] msg=?\n" R2 R3);
	ck_assert_int_eq(run(p, 1, &ev, &err), 1);
	ck_assert_str_eq(buf_str(&ev), R1 R2 R3 "--\n");
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "u.log:1: record of an "
	    "unknown type without a time stamp"));
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "u.log:3: record of an "
	    "unknown type without a time stamp"));
	ck_assert_uint_eq(st.skipped, 2);
	ck_assert_uint_eq(st.refused, 0);
	/* Without it the same records replay cleanly: exit status 0. */
	buf_reset(&ev);
	buf_reset(&err);
	p[0] = write_tmp("k.log", R1 R2 R3);
	ck_assert_int_eq(run(p, 1, &ev, &err), 0);
	ck_assert_uint_eq(st.skipped, 0);
	buf_free(&ev);
	buf_free(&err);
}
END_TEST

#define HEXSYS "type=SYSCALL msg=audit(2.000:9): arch=c000003e syscall=59 " \
	"success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=60 " \
	"auid=1000 uid=1000 gid=0 euid=1000 suid=0 fsuid=0 egid=0 sgid=0 " \
	"fsgid=0 tty=pts0 ses=4 comm=\"ssh\" exe=\"/usr/bin/ssh\" " \
	"key=(null)\n"
#define HEXCWD "type=CWD msg=audit(2.000:9): cwd=\"/home/alice\"\n"

/*
 * Issue 14: a hex argument of odd length or with non-hex bytes (a cut
 * log) is reported with file, line and field, kept as logged in argv and
 * marked, and is no truncation.
 */
START_TEST(test_undecodable_hex)
{
	static const char dyn[] = HEXSYS "type=EXECVE msg=audit(2.000:9): "
	    "argc=4 a0=\"ssh\" a1=\"-D\" a2=\"1080\" a3=616C6963\n" HEXCWD;
#define ODD HEXSYS "type=EXECVE msg=audit(2.000:9): argc=4 a0=\"ssh\" " \
	"a1=\"-D\" a2=\"1080\" a3=616C696\n" HEXCWD
	static const char odd[] = ODD;
	static const char nonhex[] = HEXSYS "type=EXECVE msg=audit(2.000:9): "
	    "argc=2 a0=\"ssh\" a1=6G6F\n" HEXCWD;
	struct buf ev, err, out;
	char *p[1];

	buf_init(&ev, 1 << 20);
	buf_init(&err, 1 << 20);
	buf_init(&out, 1 << 20);
	p[0] = write_tmp("cut.log", odd);
	ck_assert_int_eq(run(p, 1, &ev, &err), 1);
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "cut.log:2: field a3: "
	    "value not decodable"));
	ck_assert_uint_eq(st.undecodable, 1);
	ck_assert_str_eq(buf_str(&ev), ODD "--\n");
	buf_reset(&err);
	p[0] = write_tmp("nonhex.log", nonhex);
	ck_assert_int_eq(run(p, 1, &ev, &err), 1);
	ck_assert_ptr_nonnull(strstr(buf_str(&err), "nonhex.log:2: field a1: "
	    "value not decodable"));
	/* A whole argument decodes as before, unmarked. */
	ck_assert_int_eq(tu_replay_text(dyn, strlen(dyn), 0, &out), 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "\"argv\":[\"ssh\","
	    "\"-D\",\"1080\",\"alic\"]"));
	ck_assert_ptr_null(strstr(buf_str(&out), "argv_undecodable"));
	/* The cut one: the same alert, a3 as logged and marked. */
	buf_reset(&out);
	ck_assert_int_eq(tu_replay_text(odd, strlen(odd), 0, &out), 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "\"rule\":"
	    "\"ssh-dynamic-forward\""));
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "\"argv\":[\"ssh\","
	    "\"-D\",\"1080\",\"616C696\"],\"argv_undecodable\":[3]"));
	ck_assert_ptr_null(strstr(buf_str(&out), "ssh-argv-truncated"));
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "\"truncated\":false"));
	/* Alone it raises nothing: it was never over a cap. */
	buf_reset(&out);
	ck_assert_int_eq(tu_replay_text(nonhex, strlen(nonhex), 0, &out), 0);
	ck_assert_ptr_null(strstr(buf_str(&out) ? buf_str(&out) : "",
	    "ssh-argv-truncated"));
	buf_free(&ev);
	buf_free(&err);
	buf_free(&out);
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
	tcase_add_test(tc, test_rotated_skewed);
	tcase_add_test(tc, test_no_final_newline_and_crlf);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_comment_first);
	tcase_add_test(tc, test_ausearch_no_separators);
	tcase_add_test(tc, test_interpreted_locale_refused);
	tcase_add_test(tc, test_unknown_type_skipped);
	tcase_add_test(tc, test_undecodable_hex);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
