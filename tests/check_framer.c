/*
 * check_framer: cutting a stream of audit records into events.
 *
 * A collector callback keeps a copy of every event handed over; the tests
 * compare them (text, records, node, stamp, flags) and the counters.  Caps
 * are tested with small custom limits: going over each one must be
 * counted, and the records after it still be framed.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libaudit.h>

#include "buf.h"
#include "framer.h"
#include "testutil.h"

#define MAX_GOT		64

struct got_event {
	char		*text;
	size_t		 len;
	size_t		 nrecs;
	int		 types[16];
	char		 node[64];
	int		 has_node;
	char		 stamp[64];
	unsigned	 flags;
};

struct got {
	size_t			n;
	struct got_event	ev[MAX_GOT];
};

static void
collect(void *ctx, const struct framer_event *fe)
{
	struct got *g = ctx;
	struct got_event *e;
	size_t i;

	ck_assert_uint_lt(g->n, MAX_GOT);
	e = &g->ev[g->n++];
	memset(e, 0, sizeof(*e));
	e->text = malloc(fe->len + 1);
	ck_assert_ptr_nonnull(e->text);
	memcpy(e->text, fe->text, fe->len);
	e->text[fe->len] = '\0';
	e->len = fe->len;
	e->nrecs = fe->nrecs;
	/* Every record is a line of the text, in order, ending in '\n'. */
	for (i = 0; i < fe->nrecs; i++) {
		const struct framer_rec *r = &fe->recs[i];

		ck_assert_uint_le(r->off + r->len + 1, fe->len);
		ck_assert_int_eq(fe->text[r->off + r->len], '\n');
		ck_assert(i == 0 ? r->off == 0 : r->off == fe->recs[i - 1].off +
		    fe->recs[i - 1].len + 1);
		if (i < 16)
			e->types[i] = r->type;
	}
	if (fe->nrecs > 0)
		ck_assert_uint_eq(fe->recs[fe->nrecs - 1].off +
		    fe->recs[fe->nrecs - 1].len + 1, fe->len);
	e->has_node = fe->node != NULL;
	ck_assert_uint_lt(fe->nodelen, sizeof(e->node));
	ck_assert_uint_lt(fe->stamplen, sizeof(e->stamp));
	if (fe->node != NULL)
		memcpy(e->node, fe->node, fe->nodelen);
	memcpy(e->stamp, fe->stamp, fe->stamplen);
	e->flags = fe->flags;
}

static void
got_free(struct got *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->ev[i].text);
	g->n = 0;
}

/* Feeds NUL-terminated lines, each followed by '\n'. */
static void
lines(struct framer *f, const char *const *l)
{
	for (; *l != NULL; l++) {
		framer_feed(f, *l, strlen(*l));
		framer_feed(f, "\n", 1);
	}
}

static const struct framer_limits small = {
	.max_line = 1024,
	.max_pending = 16,
	.max_event_bytes = 65536,
	.max_event_records = 64,
	.window = 1000,
};

/* Records of event n (stamp 1700000000.100:n). */
#define SC(n)	"type=SYSCALL msg=audit(1700000000.100:" #n "): " \
		"arch=c000003e syscall=59 success=yes exit=0 pid=" #n
#define EX(n)	"type=EXECVE msg=audit(1700000000.100:" #n "): " \
		"argc=1 a0=\"ssh\""
#define EOE(n)	"type=EOE msg=audit(1700000000.100:" #n "): "

START_TEST(test_header)
{
	static const char enriched[] = "type=SYSCALL msg=audit(1.2:3): "
	    "arch=c000003e syscall=59 \x1d" "ARCH=x86_64 SYSCALL=execve";
	const char *node, *stamp, *l;
	size_t nodelen, stamplen;
	int type;

	l = "type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e";
	ck_assert_int_eq(framer_parse_header(l, strlen(l), &type, &node,
	    &nodelen, &stamp, &stamplen), 0);
	ck_assert_int_eq(type, AUDIT_SYSCALL);
	ck_assert_ptr_null(node);
	ck_assert_uint_eq(nodelen, 0);
	ck_assert_uint_eq(stamplen, 17);
	ck_assert(memcmp(stamp, "1700000000.123:42", 17) == 0);

	l = "node=web-1.example type=EXECVE msg=audit(1.2:3): argc=1";
	ck_assert_int_eq(framer_parse_header(l, strlen(l), &type, &node,
	    &nodelen, &stamp, &stamplen), 0);
	ck_assert_int_eq(type, AUDIT_EXECVE);
	ck_assert_ptr_nonnull(node);
	ck_assert_uint_eq(nodelen, 13);
	ck_assert(memcmp(node, "web-1.example", 13) == 0);
	ck_assert(stamplen == 5 && memcmp(stamp, "1.2:3", 5) == 0);

	l = "type=UNKNOWN[1337] msg=audit(1.2:3): x=1";
	ck_assert_int_eq(framer_parse_header(l, strlen(l), &type, &node,
	    &nodelen, &stamp, &stamplen), 0);
	ck_assert_int_eq(type, 1337);

	/* A type name libaudit does not know: a record, of type -1. */
	l = "type=NO_SUCH_TYPE msg=audit(1.2:3): x=1";
	ck_assert_int_eq(framer_parse_header(l, strlen(l), &type, &node,
	    &nodelen, &stamp, &stamplen), 0);
	ck_assert_int_eq(type, -1);

	/* auditd's enriched tail does not disturb the header. */
	ck_assert_int_eq(framer_parse_header(enriched, sizeof(enriched) - 1,
	    &type, &node, &nodelen, &stamp, &stamplen), 0);
	ck_assert_int_eq(type, AUDIT_SYSCALL);
	ck_assert(stamplen == 5 && memcmp(stamp, "1.2:3", 5) == 0);
}
END_TEST

START_TEST(test_header_malformed)
{
	static const char *const bad[] = {
		"",
		"type=",
		"type=SYSCALL",
		"type=SYSCALL ",
		"type=SYSCALL msg=audit(",
		"type=SYSCALL msg=audit(1.2:3",
		"type=SYSCALL msg=audit():",
		"type=SYSCALL msg=audit(1.2):",
		"type=SYSCALL msg=audit(1.2:x):",
		"type=SYSCALL msg=audit(1.2:3 ):",
		"type=SYSCALL msg=audit(-1.2:3):",
		"type=SYSCALL msg=(1.2:3):",
		"type=SYSCALL  msg=audit(1.2:3):",
		"type= msg=audit(1.2:3):",
		("type=0123456789012345678901234567890123456789012345678901"
		    "23456789ABCDEF msg=audit(1.2:3):"),
		"node=web",
		"node=web garbage",
		"node=web  type=SYSCALL msg=audit(1.2:3):",
		"msg=audit(1.2:3): type=SYSCALL",
		"xtype=SYSCALL msg=audit(1.2:3):",
		" type=SYSCALL msg=audit(1.2:3):",
		"----",
		"time->Mon Nov 27 22:00:00 2026",
	};
	const char *node, *stamp, *l;
	size_t nodelen, stamplen, i;
	int type;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(framer_parse_header(bad[i], strlen(bad[i]), &type,
		    &node, &nodelen, &stamp, &stamplen) == -1,
		    "accepted \"%s\"", bad[i]);
	/* Only len bytes count: cut before the ')'. */
	l = "type=SYSCALL msg=audit(1.2:3): x=1";
	ck_assert_int_eq(framer_parse_header(l, 28, &type, &node, &nodelen,
	    &stamp, &stamplen), -1);
	ck_assert_int_eq(framer_parse_header(l, 29, &type, &node, &nodelen,
	    &stamp, &stamplen), 0);
}
END_TEST

START_TEST(test_stands_alone)
{
	ck_assert_int_eq(framer_type_stands_alone(AUDIT_USER_START), 1);
	ck_assert_int_eq(framer_type_stands_alone(1099), 0);
	ck_assert_int_eq(framer_type_stands_alone(1100), 1);
	ck_assert_int_eq(framer_type_stands_alone(1299), 1);
	ck_assert_int_eq(framer_type_stands_alone(1300), 0);
	ck_assert_int_eq(framer_type_stands_alone(2099), 0);
	ck_assert_int_eq(framer_type_stands_alone(2100), 1);
	ck_assert_int_eq(framer_type_stands_alone(2999), 1);
	ck_assert_int_eq(framer_type_stands_alone(3000), 0);
	ck_assert_int_eq(framer_type_stands_alone(AUDIT_SYSCALL), 0);
	ck_assert_int_eq(framer_type_stands_alone(AUDIT_EOE), 0);
	ck_assert_int_eq(framer_type_stands_alone(-1), 0);
}
END_TEST

/* Two events' records interleaved; each completes on its EOE. */
START_TEST(test_interleaved)
{
	static const char *const in[] = {
		SC(10), SC(11), EX(10),
		"type=CWD msg=audit(1700000000.100:11): cwd=\"/root\"",
		"type=PATH msg=audit(1700000000.100:10): item=0 name=\"/x\"",
		EOE(10), EOE(11), NULL
	};
	const struct framer_stats *st;
	struct framer *f;
	struct got g = { 0 };
	char want[1024];

	f = framer_new(&framer_stream_limits, collect, &g);
	ck_assert_ptr_nonnull(f);
	lines(f, in);
	ck_assert_uint_eq(g.n, 2);
	snprintf(want, sizeof(want), "%s\n%s\n%s\n", in[0], in[2], in[4]);
	ck_assert_str_eq(g.ev[0].text, want);
	ck_assert_uint_eq(g.ev[0].len, strlen(want));
	ck_assert_uint_eq(g.ev[0].nrecs, 3);
	ck_assert_int_eq(g.ev[0].types[0], AUDIT_SYSCALL);
	ck_assert_int_eq(g.ev[0].types[1], AUDIT_EXECVE);
	ck_assert_int_eq(g.ev[0].types[2], AUDIT_PATH);
	ck_assert_str_eq(g.ev[0].stamp, "1700000000.100:10");
	ck_assert_int_eq(g.ev[0].has_node, 0);
	ck_assert_uint_eq(g.ev[0].flags, 0);
	snprintf(want, sizeof(want), "%s\n%s\n", in[1], in[3]);
	ck_assert_str_eq(g.ev[1].text, want);
	ck_assert_int_eq(g.ev[1].types[1], AUDIT_CWD);
	ck_assert_str_eq(g.ev[1].stamp, "1700000000.100:11");
	/* The EOE records are not part of the events. */
	ck_assert_ptr_null(strstr(g.ev[0].text, "EOE"));
	ck_assert_ptr_null(strstr(g.ev[1].text, "EOE"));
	st = framer_stats(f);
	ck_assert_uint_eq(st->lines, 7);
	ck_assert_uint_eq(st->records, 7);
	ck_assert_uint_eq(st->events, 2);
	ck_assert_uint_eq(st->forced, 0);
	ck_assert_uint_eq(st->pending_high, 2);
	ck_assert_uint_eq(framer_pending(f), 0);
	framer_free(f);
	got_free(&g);
}
END_TEST

/* The key is (node, stamp): same serial on two nodes are two events. */
START_TEST(test_nodes)
{
	static const char *const in[] = {
		"node=a type=SYSCALL msg=audit(1.000:5): x=1",
		"node=b type=SYSCALL msg=audit(1.000:5): x=2",
		"type=SYSCALL msg=audit(1.000:5): x=3",
		"type=SYSCALL msg=audit(2.000:5): x=4",
		"node=ab type=SYSCALL msg=audit(1.000:5): x=5",
		"node=b type=EOE msg=audit(1.000:5):",
		"node=a type=PATH msg=audit(1.000:5): x=6",
		"node=a type=EOE msg=audit(1.000:5):",
		"type=EOE msg=audit(1.000:5):",
		"type=EOE msg=audit(2.000:5):",
		"node=ab type=EOE msg=audit(1.000:5):",
		NULL
	};
	struct framer *f;
	struct got g = { 0 };

	f = framer_new(&framer_stream_limits, collect, &g);
	lines(f, in);
	ck_assert_uint_eq(g.n, 5);
	ck_assert_str_eq(g.ev[0].node, "b");
	ck_assert_uint_eq(g.ev[0].nrecs, 1);
	ck_assert_str_eq(g.ev[1].node, "a");
	ck_assert_uint_eq(g.ev[1].nrecs, 2);
	ck_assert_ptr_nonnull(strstr(g.ev[1].text, "x=6"));
	ck_assert_int_eq(g.ev[2].has_node, 0);
	ck_assert_str_eq(g.ev[2].stamp, "1.000:5");
	ck_assert_ptr_nonnull(strstr(g.ev[2].text, "x=3"));
	ck_assert_str_eq(g.ev[3].stamp, "2.000:5");
	ck_assert_str_eq(g.ev[4].node, "ab");
	ck_assert_uint_eq(framer_stats(f)->stray_eoe, 0);
	framer_free(f);
	got_free(&g);
}
END_TEST

/* User-space and daemon records complete at once, without an EOE. */
START_TEST(test_stand_alone_events)
{
	static const char *const in[] = {
		"type=USER_START msg=audit(1.0:50): pid=1 uid=0 msg='op=x'",
		"type=UNKNOWN[1100] msg=audit(1.0:51): x=1",
		"type=DAEMON_START msg=audit(1.0:52): x=1",
		"type=UNKNOWN[1299] msg=audit(1.0:53): x=1",
		"type=UNKNOWN[2100] msg=audit(1.0:54): x=1",
		"type=UNKNOWN[2999] msg=audit(1.0:55): x=1",
		NULL
	};
	static const char *const open[] = {
		"type=UNKNOWN[1099] msg=audit(1.0:60): x=1",
		"type=UNKNOWN[3000] msg=audit(1.0:61): x=1",
		"type=SYSCALL msg=audit(1.0:62): x=1",
		/* Joins 62 and completes it. */
		"type=USER_START msg=audit(1.0:62): x=2",
		NULL
	};
	struct framer *f;
	struct got g = { 0 };
	size_t i;

	f = framer_new(&framer_stream_limits, collect, &g);
	for (i = 0; in[i] != NULL; i++) {
		framer_feed(f, in[i], strlen(in[i]));
		framer_feed(f, "\n", 1);
		ck_assert_uint_eq(g.n, i + 1);
		ck_assert_uint_eq(g.ev[i].nrecs, 1);
		ck_assert_uint_eq(g.ev[i].flags, 0);
		ck_assert_uint_eq(framer_pending(f), 0);
	}
	ck_assert_int_eq(g.ev[0].types[0], AUDIT_USER_START);
	got_free(&g);
	lines(f, open);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.ev[0].stamp, "1.0:62");
	ck_assert_uint_eq(g.ev[0].nrecs, 2);
	ck_assert_uint_eq(framer_pending(f), 2);
	framer_free(f);
	got_free(&g);
}
END_TEST

static const struct framer_limits win2 = {
	.max_line = 1024,
	.max_pending = 16,
	.max_event_bytes = 65536,
	.max_event_records = 64,
	.window = 2,
};

/* Without EOE: done once more than `window' other records passed. */
START_TEST(test_window)
{
	static const char *const in[] = { SC(1), SC(2), SC(3), NULL };
	static const char *const join[] = { SC(1), SC(2), SC(3), EX(1),
	    NULL };
	struct framer *f;
	struct got g = { 0 };

	f = framer_new(&win2, collect, &g);
	lines(f, in);
	ck_assert_uint_eq(g.n, 0);		/* two others: still open */
	ck_assert_uint_eq(framer_pending(f), 3);
	lines(f, (const char *const[]){ SC(4), NULL });
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.ev[0].stamp, "1700000000.100:1");
	ck_assert_uint_eq(g.ev[0].flags, FE_FORCED);
	ck_assert_uint_eq(framer_stats(f)->forced, 1);
	ck_assert_uint_eq(framer_stats(f)->forced_by_cap, 0);
	ck_assert_uint_eq(framer_pending(f), 3);
	framer_free(f);
	got_free(&g);
	/* A record within the window still joins its event. */
	f = framer_new(&win2, collect, &g);
	lines(f, join);
	ck_assert_uint_eq(g.n, 0);
	framer_flush(f);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_str_eq(g.ev[0].stamp, "1700000000.100:1");
	ck_assert_uint_eq(g.ev[0].nrecs, 2);
	framer_free(f);
	got_free(&g);
}
END_TEST

/*
 * The window counts from each event's own last record, whichever event
 * was opened first, and whether the records passing are of new events or
 * of open ones.
 */
START_TEST(test_window_interleaved)
{
	struct framer *f;
	struct got g = { 0 };

	/* 1 opened first but fed late; 2 goes stale behind it. */
	f = framer_new(&win2, collect, &g);
	lines(f, (const char *const[]){ SC(1), SC(2), EX(1), SC(3), NULL });
	ck_assert_uint_eq(g.n, 0);
	lines(f, (const char *const[]){ SC(4), NULL });
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.ev[0].stamp, "1700000000.100:2");
	ck_assert_uint_eq(g.ev[0].flags, FE_FORCED);
	ck_assert_uint_eq(framer_pending(f), 3);
	framer_free(f);
	got_free(&g);
	/* Only records of one other, open event pass. */
	f = framer_new(&win2, collect, &g);
	lines(f, (const char *const[]){ SC(1), SC(2), EX(2), NULL });
	ck_assert_uint_eq(g.n, 0);
	lines(f, (const char *const[]){ EX(2), NULL });
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.ev[0].stamp, "1700000000.100:1");
	ck_assert_uint_eq(g.ev[0].nrecs, 1);
	ck_assert_uint_eq(framer_pending(f), 1);
	framer_free(f);
	got_free(&g);
}
END_TEST

START_TEST(test_age)
{
	static const char *const in[] = { SC(1), SC(2), NULL };
	struct framer *f;
	struct got g = { 0 };
	time_t t0 = time(NULL);

	f = framer_new(&framer_stream_limits, collect, &g);
	lines(f, in);
	ck_assert_uint_eq(framer_pending(f), 2);
	framer_age(f, t0, 3600);
	framer_age(f, t0 + 2, 3600);
	ck_assert_uint_eq(g.n, 0);
	framer_age(f, t0 + 3600 + 5, 3600);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(g.ev[0].flags, FE_FORCED);
	ck_assert_uint_eq(g.ev[1].flags, FE_FORCED);
	ck_assert_str_eq(g.ev[0].stamp, "1700000000.100:1");
	ck_assert_uint_eq(framer_pending(f), 0);
	ck_assert_uint_eq(framer_stats(f)->forced, 2);
	framer_free(f);
	got_free(&g);
}
END_TEST

START_TEST(test_flush)
{
	static const char last[] = "type=PATH msg=audit(1700000000.100:2): "
	    "item=0";
	struct framer *f;
	struct got g = { 0 };

	f = framer_new(&framer_stream_limits, collect, &g);
	lines(f, (const char *const[]){ SC(1), SC(2), NULL });
	/* The last line has no '\n'. */
	framer_feed(f, last, sizeof(last) - 1);
	ck_assert_uint_eq(g.n, 0);
	framer_flush(f);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(g.ev[0].flags, FE_FORCED);
	ck_assert_uint_eq(g.ev[1].flags, FE_FORCED);
	ck_assert_uint_eq(g.ev[1].nrecs, 2);
	ck_assert_ptr_nonnull(strstr(g.ev[1].text, "item=0\n"));
	ck_assert_uint_eq(framer_pending(f), 0);
	ck_assert_uint_eq(framer_stats(f)->events, 2);
	ck_assert_uint_eq(framer_stats(f)->forced, 2);
	/* Flushing again, or with nothing open, does nothing. */
	framer_flush(f);
	ck_assert_uint_eq(g.n, 2);
	/* A partial line is not left over for the next input. */
	framer_feed(f, "type=SYSC", 9);
	framer_flush(f);
	ck_assert_uint_eq(framer_stats(f)->bad_lines, 1);
	lines(f, (const char *const[]){ SC(3), EOE(3), NULL });
	ck_assert_uint_eq(g.n, 3);
	ck_assert_uint_eq(g.ev[2].flags, 0);
	framer_free(f);
	got_free(&g);
}
END_TEST

/* Serialises the events and counters, to compare two runs. */
static void
describe(const struct got *g, const struct framer *f, struct buf *out)
{
	const struct framer_stats *st = framer_stats(f);
	size_t i;

	buf_reset(out);
	for (i = 0; i < g->n; i++)
		buf_addf(out, "[%s|%s|%s|%zu|%u]\n%s", g->ev[i].has_node ?
		    "N" : "-", g->ev[i].node, g->ev[i].stamp, g->ev[i].nrecs,
		    g->ev[i].flags, g->ev[i].text);
	buf_addf(out, "lines=%llu records=%llu events=%llu bad=%llu "
	    "long=%llu stray=%llu\n", st->lines, st->records, st->events,
	    st->bad_lines, st->long_lines, st->stray_eoe);
}

static const char stream[] =
    "node=h1 type=SYSCALL msg=audit(1.000:7): a=1\n"
    "type=SYSCALL msg=audit(1.000:8): b=1\r\n"
    "\n"
    "garbage line\n"
    "node=h1 type=EXECVE msg=audit(1.000:7): argc=2 a0=\"ssh\" a1=6869\n"
    "type=EOE msg=audit(1.000:9):\n"
    "type=USER_START msg=audit(1.000:10): msg='op=PAM:session_open'\n"
    "node=h1 type=EOE msg=audit(1.000:7):\n"
    "type=PATH msg=audit(1.000:8): item=0 name=\"/x\"\n"
    "type=SYSCALL msg=audit(1.000:11): c=1\n"
    "type=EOE msg=audit(1.000:8):\n"
    "type=CWD msg=audit(1.000:11): cwd=\"/\"";

/* Any split of the input into two feeds frames the same events. */
START_TEST(test_split_feed)
{
	size_t len = sizeof(stream) - 1, k;
	struct framer *f;
	struct got g = { 0 };
	struct buf want, have;

	buf_init(&want, 1 << 20);
	buf_init(&have, 1 << 20);
	f = framer_new(&small, collect, &g);
	framer_feed(f, stream, len);
	framer_flush(f);
	describe(&g, f, &want);
	ck_assert_uint_eq(g.n, 4);
	ck_assert_uint_eq(framer_stats(f)->bad_lines, 1);
	ck_assert_uint_eq(framer_stats(f)->stray_eoe, 1);
	ck_assert_uint_eq(framer_stats(f)->lines, 12);
	ck_assert_uint_eq(g.ev[3].flags, FE_FORCED);
	ck_assert_str_eq(g.ev[2].stamp, "1.000:8");
	ck_assert_ptr_null(strchr(g.ev[2].text, '\r'));
	framer_free(f);
	got_free(&g);
	for (k = 0; k <= len; k++) {
		f = framer_new(&small, collect, &g);
		framer_feed(f, stream, k);
		framer_feed(f, stream + k, len - k);
		framer_flush(f);
		describe(&g, f, &have);
		ck_assert_msg(strcmp(buf_str(&want), buf_str(&have)) == 0,
		    "split at %zu:\n%s\nwant:\n%s", k, buf_str(&have),
		    buf_str(&want));
		framer_free(f);
		got_free(&g);
	}
	/* One byte at a time. */
	f = framer_new(&small, collect, &g);
	for (k = 0; k < len; k++)
		framer_feed(f, stream + k, 1);
	framer_flush(f);
	describe(&g, f, &have);
	ck_assert_str_eq(buf_str(&have), buf_str(&want));
	framer_free(f);
	got_free(&g);
	buf_free(&want);
	buf_free(&have);
}
END_TEST

/* A record line padded to exactly n bytes. */
static char *
padded(size_t n, int serial)
{
	char *l = malloc(n + 1);
	int h;

	ck_assert_ptr_nonnull(l);
	h = snprintf(l, n + 1, "type=SYSCALL msg=audit(1.0:%d): x=", serial);
	ck_assert(h > 0 && (size_t)h < n);
	memset(l + h, 'a', n - (size_t)h);
	l[n] = '\0';
	return l;
}

START_TEST(test_cap_line)
{
	static const struct framer_limits lim = {
		.max_line = 100,
		.max_pending = 16,
		.max_event_bytes = 65536,
		.max_event_records = 64,
		.window = 1000,
	};
	char *fit = padded(100, 1), *over = padded(101, 2);
	char *huge = padded(1000, 3), *fit2 = padded(100, 4);
	struct buf b;
	struct framer *f;
	struct got g = { 0 };

	f = framer_new(&lim, collect, &g);
	/* Whole lines in one feed: fit, over-long, a normal one. */
	buf_init(&b, 4096);
	buf_add(&b, fit, 100);
	buf_addc(&b, '\n');
	buf_add(&b, over, 101);
	buf_adds(&b, "\n" SC(5) "\n");
	framer_feed(f, b.p, b.len);
	buf_free(&b);
	ck_assert_uint_eq(framer_stats(f)->long_lines, 1);
	ck_assert_uint_eq(framer_pending(f), 2);
	/* Lines split across feeds: a fit one, then over-long ones. */
	framer_feed(f, fit2, 60);
	framer_feed(f, fit2 + 60, 40);
	framer_feed(f, "\n", 1);
	ck_assert_uint_eq(framer_pending(f), 3);
	framer_feed(f, over, 60);
	framer_feed(f, over + 60, 41);
	framer_feed(f, "\n", 1);
	framer_feed(f, huge, 500);
	framer_feed(f, huge + 500, 500);
	framer_feed(f, "\n" SC(6), strlen(SC(6)) + 1);
	ck_assert_uint_eq(framer_stats(f)->long_lines, 3);
	framer_flush(f);
	/* An over-long last line without '\n' is not parsed either. */
	framer_feed(f, huge, 1000);
	framer_flush(f);
	ck_assert_uint_eq(framer_stats(f)->long_lines, 4);
	ck_assert_uint_eq(framer_stats(f)->bad_lines, 0);
	ck_assert_uint_eq(g.n, 4);
	ck_assert_str_eq(g.ev[0].stamp, "1.0:1");
	ck_assert_str_eq(g.ev[1].stamp, "1700000000.100:5");
	ck_assert_str_eq(g.ev[2].stamp, "1.0:4");
	ck_assert_str_eq(g.ev[3].stamp, "1700000000.100:6");
	ck_assert_uint_eq(g.ev[0].len, 101);
	framer_free(f);
	got_free(&g);
	free(fit);
	free(over);
	free(huge);
	free(fit2);
}
END_TEST

START_TEST(test_cap_pending)
{
	static const struct framer_limits lim = {
		.max_line = 1024,
		.max_pending = 3,
		.max_event_bytes = 65536,
		.max_event_records = 64,
		.window = 1000,
	};
	struct framer *f;
	struct got g = { 0 };

	f = framer_new(&lim, collect, &g);
	lines(f, (const char *const[]){ SC(1), SC(2), SC(3), NULL });
	ck_assert_uint_eq(g.n, 0);
	lines(f, (const char *const[]){ SC(4), NULL });
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.ev[0].stamp, "1700000000.100:1");
	ck_assert_uint_eq(g.ev[0].flags, FE_FORCED);
	ck_assert_uint_eq(framer_stats(f)->forced_by_cap, 1);
	ck_assert_uint_eq(framer_stats(f)->forced, 1);
	ck_assert_uint_eq(framer_pending(f), 3);
	ck_assert_uint_eq(framer_stats(f)->pending_high, 3);
	/* The evicted event's later records start a new one. */
	lines(f, (const char *const[]){ EX(1), NULL });
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.ev[1].stamp, "1700000000.100:2");
	ck_assert_uint_eq(framer_stats(f)->forced_by_cap, 2);
	lines(f, (const char *const[]){ EOE(1), EOE(3), EOE(4), NULL });
	ck_assert_uint_eq(g.n, 5);
	ck_assert_uint_eq(g.ev[2].nrecs, 1);
	ck_assert_int_eq(g.ev[2].types[0], AUDIT_EXECVE);
	ck_assert_uint_eq(g.ev[2].flags, 0);
	ck_assert_uint_eq(framer_pending(f), 0);
	framer_free(f);
	got_free(&g);
}
END_TEST

START_TEST(test_cap_event_records)
{
	static const struct framer_limits lim = {
		.max_line = 1024,
		.max_pending = 16,
		.max_event_bytes = 65536,
		.max_event_records = 3,
		.window = 1000,
	};
	struct framer *f;
	struct got g = { 0 };

	f = framer_new(&lim, collect, &g);
	lines(f, (const char *const[]){ SC(1), EX(1), EX(1), EX(1), EX(1),
	    SC(2), EX(2), EOE(1), EOE(2), NULL });
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(g.ev[0].nrecs, 3);
	ck_assert_uint_eq(g.ev[0].flags, FE_CUT);
	ck_assert_uint_eq(g.ev[1].nrecs, 2);
	ck_assert_uint_eq(g.ev[1].flags, 0);
	ck_assert_uint_eq(framer_stats(f)->cut_events, 1);
	ck_assert_uint_eq(framer_stats(f)->forced, 0);
	framer_free(f);
	got_free(&g);
}
END_TEST

START_TEST(test_cap_event_bytes)
{
	static const struct framer_limits lim = {
		.max_line = 1024,
		.max_pending = 16,
		.max_event_bytes = 200,
		.max_event_records = 64,
		.window = 1000,
	};
	char *l1 = padded(60, 1), *big = padded(300, 2);
	struct framer *f;
	struct got g = { 0 };
	int i;

	f = framer_new(&lim, collect, &g);
	/* 3 records of 61 bytes fit in 200, the 4th does not. */
	for (i = 0; i < 5; i++) {
		framer_feed(f, l1, 60);
		framer_feed(f, "\n", 1);
	}
	framer_feed(f, "type=EOE msg=audit(1.0:1):\n", 27);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].nrecs, 3);
	ck_assert_uint_eq(g.ev[0].len, 183);
	ck_assert_uint_eq(g.ev[0].flags, FE_CUT);
	ck_assert_uint_eq(framer_stats(f)->cut_events, 1);
	/* A first record larger than an event may hold: no event at all. */
	framer_feed(f, big, 300);
	framer_feed(f, "\n", 1);
	ck_assert_uint_eq(framer_pending(f), 0);
	ck_assert_uint_eq(framer_stats(f)->cut_events, 2);
	framer_feed(f, "type=EOE msg=audit(1.0:2):\n", 27);
	ck_assert_uint_eq(framer_stats(f)->stray_eoe, 1);
	ck_assert_uint_eq(g.n, 1);
	framer_free(f);
	got_free(&g);
	free(l1);
	free(big);
}
END_TEST

START_TEST(test_bad_lines)
{
	struct framer *f;
	struct got g = { 0 };
	const struct framer_stats *st;

	f = framer_new(&framer_stream_limits, collect, &g);
	ck_assert_int_eq(framer_line(f, "garbage", 7), -1);
	ck_assert_int_eq(framer_line(f, "----", 4), -1);
	ck_assert_int_eq(framer_line(f, "type=SYSCALL", 12), -1);
	ck_assert_int_eq(framer_line(f, "", 0), 0);
	ck_assert_int_eq(framer_line(f, "\r", 1), 0);
	ck_assert_int_eq(framer_line(f, SC(1), strlen(SC(1))), 0);
	ck_assert_int_eq(framer_line(f, EOE(1), strlen(EOE(1))), 0);
	st = framer_stats(f);
	ck_assert_uint_eq(st->bad_lines, 3);
	ck_assert_uint_eq(st->lines, 7);
	ck_assert_uint_eq(st->records, 2);
	ck_assert_uint_eq(g.n, 1);
	framer_free(f);
	got_free(&g);
}
END_TEST

START_TEST(test_stray_eoe)
{
	struct framer *f;
	struct got g = { 0 };

	f = framer_new(&framer_stream_limits, collect, &g);
	lines(f, (const char *const[]){ EOE(1), SC(2),
	    "node=x type=EOE msg=audit(1700000000.100:2):", EOE(3), EOE(2),
	    EOE(2), NULL });
	ck_assert_uint_eq(framer_stats(f)->stray_eoe, 4);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].nrecs, 1);
	ck_assert_uint_eq(framer_stats(f)->events, 1);
	framer_free(f);
	got_free(&g);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("framer");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_header_malformed);
	tcase_add_test(tc, test_stands_alone);
	tcase_add_test(tc, test_interleaved);
	tcase_add_test(tc, test_nodes);
	tcase_add_test(tc, test_stand_alone_events);
	tcase_add_test(tc, test_window);
	tcase_add_test(tc, test_window_interleaved);
	tcase_add_test(tc, test_age);
	tcase_add_test(tc, test_flush);
	tcase_add_test(tc, test_split_feed);
	tcase_add_test(tc, test_cap_line);
	tcase_add_test(tc, test_cap_pending);
	tcase_add_test(tc, test_cap_event_records);
	tcase_add_test(tc, test_cap_event_bytes);
	tcase_add_test(tc, test_bad_lines);
	tcase_add_test(tc, test_stray_eoe);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
