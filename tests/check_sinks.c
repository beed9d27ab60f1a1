/*
 * check_sinks: the pieces of the sinks that carry alerts out: the remote
 * protocol framing (rmw), the audit record encoding (record), the disk
 * spool and the bounded queue.  The real aggregator is exercised by the
 * scripts in tests/remote/.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alert.h"
#include "auval.h"
#include "buf.h"
#include "event.h"
#include "mq.h"
#include "record.h"
#include "rmw.h"
#include "spool.h"
#include "testutil.h"

static char dir[] = "/tmp/check_sinks.XXXXXX";
static char spath[600];

/* rmw ----------------------------------------------------------------- */

START_TEST(test_rmw_roundtrip)
{
	unsigned char h[RMW_HEADER_SIZE];
	struct rmw_header r;

	rmw_pack(h, (uint32_t)RMW_TYPE_MESSAGE, 1234, 0xdeadbeef);
	/* The wire form is little-endian, as auditd's private.h packs it. */
	ck_assert_int_eq(h[0], 0xfe);
	ck_assert_int_eq(h[3], 0xff);
	ck_assert_int_eq(h[10], 1234 & 0xff);
	ck_assert_int_eq(h[12], 0xef);
	ck_assert_ptr_null(rmw_unpack(h, sizeof(h), &r));
	ck_assert_uint_eq(r.type, RMW_TYPE_MESSAGE);
	ck_assert_uint_eq(r.len, 1234);
	ck_assert_uint_eq(r.seq, 0xdeadbeef);
}
END_TEST

START_TEST(test_rmw_errors)
{
	unsigned char h[RMW_HEADER_SIZE];
	struct rmw_header r;

	rmw_pack(h, (uint32_t)RMW_TYPE_ACK, 0, 1);
	ck_assert_str_eq(rmw_unpack(h, 15, &r), "short header");
	h[0] = 0;
	ck_assert_str_eq(rmw_unpack(h, 16, &r), "no protocol magic");
	rmw_pack(h, (uint32_t)RMW_TYPE_ACK, 0, 1);
	h[4] = 1;
	ck_assert_str_eq(rmw_unpack(h, 16, &r), "unknown header version");
	rmw_pack(h, (uint32_t)RMW_TYPE_ACK, RMW_MAX_PAYLOAD + 1, 1);
	ck_assert_str_eq(rmw_unpack(h, 16, &r), "payload too long");
}
END_TEST

START_TEST(test_rmw_verdicts)
{
	struct rmw_header r = { 0, 0, (uint32_t)RMW_TYPE_ACK, 0, 7 };

	ck_assert_int_eq(rmw_verdict(&r, 7), RMW_DELIVERED);
	ck_assert_int_eq(rmw_verdict(&r, 8), RMW_UNEXPECTED);
	r.type = (uint32_t)RMW_TYPE_DISKLOW;
	ck_assert_int_eq(rmw_verdict(&r, 7), RMW_DELIVERED_LOW);
	r.type = (uint32_t)RMW_TYPE_DISKFULL;
	ck_assert_int_eq(rmw_verdict(&r, 7), RMW_NOT_LOGGED);
	r.type = (uint32_t)RMW_TYPE_DISKERROR;
	ck_assert_int_eq(rmw_verdict(&r, 7), RMW_NOT_LOGGED);
	/* ENDING whatever its sequence: the server is going away. */
	r.type = (uint32_t)RMW_TYPE_ENDING;
	ck_assert_int_eq(rmw_verdict(&r, 99), RMW_ENDING);
	/* A message is not a reply. */
	r.type = (uint32_t)RMW_TYPE_MESSAGE;
	ck_assert_int_eq(rmw_verdict(&r, 7), RMW_UNEXPECTED);
}
END_TEST

/* record -------------------------------------------------------------- */

static const char *const tags[] = { "tunnel", "T1021.004", "T1572", NULL };

/* An ssh event with the given argv, ready for alerts. */
static void
make_event(struct event *ev, const char *const *argv, size_t argc)
{
	char name[32];
	size_t i;
	struct buf v;

	event_init(ev, NULL);
	snprintf(ev->time, sizeof(ev->time), "1795820294.263");
	ev->serial = 19947;
	ev->pid = 16954;
	ev->ppid = 16953;
	ev->uid = 1001;
	ev->auid = 1001;
	ev->ses = 479;
	ev->have_syscall = 1;
	ev->have_exe = 1;
	buf_adds(&ev->exe, "/usr/bin/ssh");
	ev->have_execve = 1;
	buf_init(&v, 1 << 22);
	snprintf(name, sizeof(name), "%zu", argc);
	execve_field(&ev->x, "argc", 4, name, strlen(name));
	for (i = 0; i < argc; i++) {
		buf_reset(&v);
		auval_encode(argv[i], strlen(argv[i]), &v);
		snprintf(name, sizeof(name), "a%zu", i);
		execve_field(&ev->x, name, strlen(name), v.p, v.len);
	}
	buf_free(&v);
	event_finish(ev);
}

static void
make_alert(struct alert *a, const struct event *ev)
{
	memset(a, 0, sizeof(*a));
	a->rule = "ssh-dynamic-forward";
	a->severity = SEV_HIGH;
	a->confidence = CONF_HIGH;
	a->tags = tags;
	a->ev = ev;
	a->file_dirfd = -1;
}

/* The value of field name in the body, hex-decoded if it is hex. */
static int
body_value(const char *body, const char *name, struct buf *out)
{
	char key[64];
	const char *p, *end;

	snprintf(key, sizeof(key), " %s=", name);
	if ((p = strstr(body, key)) == NULL)
		return -1;
	p += strlen(key);
	end = strchr(p, ' ');
	if (end == NULL)
		end = p + strlen(p);
	buf_reset(out);
	return auval_decode(p, (size_t)(end - p), out) == AUVAL_INVALID ? -1 :
	    0;
}

START_TEST(test_record_shape)
{
	const char *argv[] = { "ssh", "-fND1080", "alice@h" };
	struct event ev;
	struct alert a;
	struct buf b, v;

	make_event(&ev, argv, 3);
	make_alert(&a, &ev);
	buf_init(&b, 1 << 16);
	buf_init(&v, 1 << 16);
	ck_assert_int_eq(record_body(&a, &b), 0);
	ck_assert_int_eq(record_type(&a), 2112);
	/* ausearch reads the inner uid=, exe= and a final res=...'. */
	ck_assert(strncmp(b.p, "op=sshwatch uid=1001 auid=1001 ses=479 "
	    "pid=16954 ppid=16953 rule=ssh-dynamic-forward severity=high "
	    "confidence=high tags=tunnel,T1021.004,T1572 "
	    "event=1795820294.263:19947 exe=\"/usr/bin/ssh\" ", 161) == 0);
	ck_assert_int_eq(body_value(b.p, "cmd", &v), 0);
	ck_assert_str_eq(buf_str(&v), "ssh -fND1080 alice@h");
	ck_assert_ptr_nonnull(strstr(b.p, " argc=3 truncated=no res=success"));
	ck_assert(strcmp(b.p + b.len - 12, " res=success") == 0);
	buf_free(&b);
	buf_free(&v);
	event_free(&ev);
}
END_TEST

/*
 * Every space-separated word of a body is name=value with a known name
 * and a value free of '=', so no parser can find a field that is not one.
 */
static void
check_fields(const char *body)
{
	static const char *const names[] = { "op", "uid", "auid", "ses",
	    "pid", "ppid", "rule", "severity", "confidence", "tags", "event",
	    "src_node", "exe", "dest", "path", "operation", "target", "acct",
	    "cmd", "argc", "cmd_len", "truncated", "res", "exe_len",
	    "path_len", NULL };
	const char *p = body;
	int seen_uid = 0;

	while (*p != '\0') {
		const char *sp = strchr(p, ' '), *eq = strchr(p, '=');
		size_t n = sp != NULL ? (size_t)(sp - p) : strlen(p), i;

		ck_assert_msg(eq != NULL && eq < p + n, "word without =: %.*s",
		    (int)n, p);
		for (i = 0; names[i] != NULL; i++)
			if (strlen(names[i]) == (size_t)(eq - p) &&
			    memcmp(names[i], p, (size_t)(eq - p)) == 0)
				break;
		ck_assert_msg(names[i] != NULL, "unknown field %.*s",
		    (int)(eq - p), p);
		ck_assert_msg(memchr(eq + 1, '=', n - (size_t)(eq - p) - 1) ==
		    NULL, "'=' inside a value: %.*s", (int)n, p);
		seen_uid += strcmp(names[i], "uid") == 0;
		p += n;
		while (*p == ' ')
			p++;
	}
	ck_assert_int_eq(seen_uid, 1);
}

/* No argv can add, split or end a field or the record. */
START_TEST(test_record_injection)
{
	const char *nasty[] = {
		"a\nb", "it's", "say \"hi\"", "x\x1dy",
		"type=ANOM_EXEC msg=audit(1.2:3): res=failed'",
		" node=evil type=SYSCALL", "\xff\xfe bad utf8", "res=failed",
		"uid=0", "exe=/bin/sh", "'", "=",
	};
	size_t i, j;

	for (i = 0; i < sizeof(nasty) / sizeof(nasty[0]); i++) {
		const char *argv[] = { "ssh", "-D1080", "h", nasty[i] };
		struct event ev;
		struct alert a;
		struct buf b, v, want;

		make_event(&ev, argv, 4);
		make_alert(&a, &ev);
		buf_init(&b, 1 << 16);
		buf_init(&v, 1 << 16);
		buf_init(&want, 1 << 16);
		ck_assert_int_eq(record_body(&a, &b), 0);
		for (j = 0; j < b.len; j++)
			ck_assert_msg((unsigned char)b.p[j] >= 0x20 &&
			    (unsigned char)b.p[j] < 0x7f && b.p[j] != '\'',
			    "case %zu: byte %02x at %zu", i,
			    (unsigned char)b.p[j], j);
		/* One res=, at the end. */
		ck_assert_ptr_eq(strstr(b.p, "res="), b.p + b.len - 11);
		check_fields(b.p);
		ck_assert_int_eq(body_value(b.p, "cmd", &v), 0);
		buf_adds(&want, "ssh -D1080 h ");
		buf_adds(&want, nasty[i]);
		ck_assert_uint_eq(v.len, want.len);
		ck_assert(memcmp(v.p, want.p, v.len) == 0);
		buf_free(&b);
		buf_free(&v);
		buf_free(&want);
		event_free(&ev);
	}
}
END_TEST

/* A 100 KB argv is shortened to fit, with its full length given. */
START_TEST(test_record_long_argv)
{
	char *big = malloc(100001);
	const char *argv[] = { "ssh", "-D1080", "h", NULL };
	struct event ev;
	struct alert a;
	struct buf b, v, rec;
	struct timespec ts = { 1795820300, 5000000 };

	memset(big, 'A', 100000);
	big[100000] = '\0';
	argv[3] = big;
	make_event(&ev, argv, 4);
	make_alert(&a, &ev);
	buf_init(&b, 1 << 20);
	buf_init(&v, 1 << 20);
	buf_init(&rec, 1 << 20);
	ck_assert_int_eq(record_body(&a, &b), 0);
	ck_assert_uint_le(b.len, RECORD_MAX_BODY);
	ck_assert_ptr_nonnull(strstr(b.p, " cmd_len=100013 "));
	ck_assert_int_eq(body_value(b.p, "cmd", &v), 0);
	ck_assert(strncmp(v.p, "ssh -D1080 h AAAA", 17) == 0);
	ck_assert_int_eq(record_remote("node1", 2112, &ts, 42, &ev, b.p,
	    &rec), 0);
	ck_assert_uint_le(rec.len, RMW_MAX_PAYLOAD);
	ck_assert(strncmp(rec.p, "node=node1 type=ANOM_EXEC msg=audit("
	    "1795820300.005:42): pid=16954 uid=1001 auid=1001 ses=479 "
	    "msg='op=sshwatch ", 107) == 0);
	ck_assert(strcmp(rec.p + rec.len - 13, " res=success'") == 0);
	buf_free(&b);
	buf_free(&v);
	buf_free(&rec);
	event_free(&ev);
	free(big);
}
END_TEST

/* json ---------------------------------------------------------------- */

/*
 * The next element of the line's "argv_hex":[...] after *pp (NULL: the
 * first), decoded into out; -1 when there is none.
 */
static int
argv_hex_next(const char *line, const char **pp, struct buf *out)
{
	const char *p = *pp, *end;

	if (p == NULL) {
		if ((p = strstr(line, "\"argv_hex\":[")) == NULL)
			return -1;
		p += strlen("\"argv_hex\":[");
	} else if (*p++ != ',')
		return -1;
	if (*p != '"' || (end = strchr(p + 1, '"')) == NULL)
		return -1;
	*pp = end + 1;
	buf_reset(out);
	return auval_decode(p + 1, (size_t)(end - p - 1), out) ==
	    AUVAL_INVALID ? -1 : 0;
}

/*
 * An argv whose JSON would be over ALERT_MAX_LINE (a control byte takes 6
 * bytes, 2 more in argv_hex) is written cut, not lost (alert_json()
 * returns 1): one line under the cap with "truncated":true, every long
 * argument an exact prefix of the same length, the short ones whole.  Two
 * arguments of 128 KiB, and the most arguments the execve caps keep (1 MiB
 * in 64-byte ones).
 */
START_TEST(test_json_too_long)
{
	static const size_t shape[][2] = { { 2, 131072 }, { 16380, 64 } };
	const char *head[] = { "ssh", "-D1080", "h" }, *hp;
	size_t k, i, j, n, len, cut = 0;

	for (k = 0; k < 2; k++) {
		const char **argv;
		char *big;
		struct event ev;
		struct alert a;
		struct buf b, v;

		n = shape[k][0] + 3;
		len = shape[k][1];
		argv = calloc(n, sizeof(*argv));
		big = malloc(len + 1);
		ck_assert(argv != NULL && big != NULL);
		for (j = 0; j < len; j++)
			big[j] = (char)(1 + j % 8);
		big[0] = '\xff';
		big[len] = '\0';
		for (i = 0; i < n; i++)
			argv[i] = i < 3 ? head[i] : big;
		make_event(&ev, argv, n);
		ck_assert(!ev.x.truncated);
		make_alert(&a, &ev);
		buf_init(&b, ALERT_MAX_LINE);
		buf_init(&v, 1 << 20);
		ck_assert_int_eq(alert_json(&a, &b), 1);
		ck_assert_uint_le(b.len, ALERT_MAX_LINE);
		ck_assert_ptr_eq(memchr(b.p, '\n', b.len), b.p + b.len - 1);
		ck_assert_ptr_nonnull(strstr(b.p, ",\"truncated\":true}\n"));
		hp = NULL;
		for (i = 0; i < n; i++) {
			ck_assert_int_eq(argv_hex_next(b.p, &hp, &v), 0);
			if (i < 3) {
				ck_assert_str_eq(buf_str(&v), head[i]);
				continue;
			}
			if (i == 3)
				cut = v.len;
			ck_assert_uint_eq(v.len, cut);
			ck_assert(cut > 0 && cut < len);
			ck_assert(memcmp(v.p, big, v.len) == 0);
		}
		ck_assert_int_eq(argv_hex_next(b.p, &hp, &v), -1);
		ck_assert_int_eq(*hp, ']');
		if (k == 0)
			ck_assert_uint_ge(cut, 1000);
		buf_free(&b);
		buf_free(&v);
		event_free(&ev);
		free(big);
		free(argv);
	}
}
END_TEST

/* After a cut alert, the next one is whole again. */
START_TEST(test_json_whole_after_cut)
{
	char *big = malloc(131073), *mid = malloc(2001);
	const char *argv[] = { "ssh", "-D1080", "h", NULL, NULL };
	struct event ev;
	struct alert a;
	struct buf b;

	ck_assert(big != NULL && mid != NULL);
	memset(big, 1, 131072);
	big[131072] = '\0';
	memset(mid, 'm', 2000);
	mid[2000] = '\0';
	argv[3] = argv[4] = big;
	make_event(&ev, argv, 5);
	make_alert(&a, &ev);
	buf_init(&b, ALERT_MAX_LINE);
	ck_assert_int_eq(alert_json(&a, &b), 1);
	ck_assert_ptr_nonnull(strstr(b.p, ",\"truncated\":true}\n"));
	event_free(&ev);
	argv[3] = mid;
	make_event(&ev, argv, 4);
	make_alert(&a, &ev);
	buf_reset(&b);
	ck_assert_int_eq(alert_json(&a, &b), 0);
	ck_assert_ptr_nonnull(strstr(b.p, ",\"truncated\":false}\n"));
	ck_assert_ptr_nonnull(strstr(b.p, mid));
	buf_free(&b);
	event_free(&ev);
	free(big);
	free(mid);
}
END_TEST

/* spool --------------------------------------------------------------- */

static struct spool *
sp_open(size_t max, enum spool_policy pol)
{
	char err[600];
	struct spool *s = spool_open(spath, max, pol, err, sizeof(err));

	ck_assert_msg(s != NULL, "%s", err);
	return s;
}

static void
sp_expect(struct spool *s, const char *want)
{
	char buf[256];
	size_t len;
	uint64_t seq;

	ck_assert_int_eq(spool_peek(s, buf, sizeof(buf), &len, &seq), 1);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert(memcmp(buf, want, len) == 0);
}

START_TEST(test_spool_fifo_and_reopen)
{
	struct spool *s = sp_open(1 << 20, SPOOL_DROP_NEW);
	struct stat st;

	ck_assert_int_eq(spool_append(s, "one", 3), 0);
	ck_assert_int_eq(spool_append(s, "two", 3), 0);
	ck_assert_int_eq(spool_append(s, "three", 5), 0);
	ck_assert_uint_eq(spool_count(s), 3);
	sp_expect(s, "one");
	ck_assert_int_eq(spool_ack(s), 0);
	spool_close(s);
	/* As after a restart or kill -9: what was not acked is there. */
	s = sp_open(1 << 20, SPOOL_DROP_NEW);
	ck_assert_uint_eq(spool_count(s), 2);
	ck_assert_uint_eq(spool_stats(s)->recovered, 2);
	sp_expect(s, "two");
	spool_ack(s);
	sp_expect(s, "three");
	spool_ack(s);
	ck_assert_uint_eq(spool_count(s), 0);
	/* An emptied spool is truncated to its header. */
	ck_assert_int_eq(stat(spath, &st), 0);
	ck_assert_int_eq(st.st_size, SPOOL_HEADER);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	spool_close(s);
}
END_TEST

START_TEST(test_spool_torn_tail)
{
	struct spool *s = sp_open(1 << 20, SPOOL_DROP_NEW);
	int fd;

	spool_append(s, "keep me", 7);
	spool_append(s, "torn", 4);
	spool_close(s);
	/* Cut the last entry in the middle, as a crash mid-write would. */
	fd = open(spath, O_RDWR);
	ck_assert_int_eq(ftruncate(fd, SPOOL_HEADER + SPOOL_ENTRY_HEADER + 7 +
	    SPOOL_ENTRY_HEADER + 2), 0);
	close(fd);
	s = sp_open(1 << 20, SPOOL_DROP_NEW);
	ck_assert_uint_eq(spool_count(s), 1);
	ck_assert_uint_eq(spool_stats(s)->cut_at_open, SPOOL_ENTRY_HEADER + 2);
	sp_expect(s, "keep me");
	/* And it goes on: new entries follow the good one. */
	ck_assert_int_eq(spool_append(s, "next", 4), 0);
	spool_ack(s);
	sp_expect(s, "next");
	spool_close(s);
}
END_TEST

START_TEST(test_spool_corrupt_entry_and_header)
{
	struct spool *s = sp_open(1 << 20, SPOOL_DROP_NEW);
	char aside[700];
	int fd;

	spool_append(s, "first", 5);
	spool_append(s, "second", 6);
	spool_close(s);
	/* Flip a payload byte of the second entry: it ends the spool. */
	fd = open(spath, O_RDWR);
	ck_assert_int_eq(pwrite(fd, "X", 1, SPOOL_HEADER + SPOOL_ENTRY_HEADER +
	    5 + SPOOL_ENTRY_HEADER + 1), 1);
	close(fd);
	s = sp_open(1 << 20, SPOOL_DROP_NEW);
	ck_assert_uint_eq(spool_count(s), 1);
	spool_close(s);
	/* A bad header: moved aside, a new spool started. */
	fd = open(spath, O_RDWR);
	ck_assert_int_eq(pwrite(fd, "JUNK", 4, 0), 4);
	close(fd);
	s = sp_open(1 << 20, SPOOL_DROP_NEW);
	ck_assert_uint_eq(spool_count(s), 0);
	ck_assert_ptr_nonnull(spool_notice(s));
	ck_assert_ptr_nonnull(strstr(spool_notice(s), "no magic"));
	snprintf(aside, sizeof(aside), "%s.corrupt", spath);
	ck_assert_int_eq(access(aside, F_OK), 0);
	spool_close(s);
}
END_TEST

START_TEST(test_spool_cap_policies)
{
	char entry[1000], *over;
	struct spool *s;
	int i, rc;

	memset(entry, 'e', sizeof(entry));
	/* drop_new: the first ones stay, the rest are refused, counted. */
	s = sp_open(10 * (SPOOL_ENTRY_HEADER + sizeof(entry)), SPOOL_DROP_NEW);
	for (i = 0; i < 25; i++) {
		entry[0] = (char)('a' + i);
		rc = spool_append(s, entry, sizeof(entry));
		ck_assert_int_eq(rc, i < 10 ? 0 : 1);
	}
	ck_assert_uint_eq(spool_count(s), 10);
	ck_assert_uint_eq(spool_stats(s)->dropped_new, 15);
	ck_assert_uint_le(spool_bytes(s),
	    10 * (SPOOL_ENTRY_HEADER + sizeof(entry)));
	spool_close(s);
	unlink(spath);
	/* drop_oldest: the newest stay. */
	s = sp_open(10 * (SPOOL_ENTRY_HEADER + sizeof(entry)),
	    SPOOL_DROP_OLDEST);
	for (i = 0; i < 25; i++) {
		entry[0] = (char)('a' + i);
		ck_assert_int_eq(spool_append(s, entry, sizeof(entry)), 0);
	}
	ck_assert_uint_eq(spool_count(s), 10);
	ck_assert_uint_eq(spool_stats(s)->dropped_old, 15);
	{
		char buf[1000];
		size_t len;
		uint64_t seq;

		spool_peek(s, buf, sizeof(buf), &len, &seq);
		ck_assert_int_eq(buf[0], 'a' + 15);
	}
	/* An entry over the per-entry limit is refused outright. */
	over = calloc(1, SPOOL_MAX_ENTRY + 1);
	ck_assert_ptr_nonnull(over);
	ck_assert_int_eq(spool_append(s, over, SPOOL_MAX_ENTRY + 1), 1);
	free(over);
	spool_close(s);
}
END_TEST

/* A long-lived spool with a growing acked prefix is compacted. */
START_TEST(test_spool_compaction)
{
	char entry[4096];
	struct spool *s = sp_open(64 << 20, SPOOL_DROP_NEW);
	struct stat st;
	int i;

	memset(entry, 'c', sizeof(entry));
	for (i = 0; i < 600; i++)
		ck_assert_int_eq(spool_append(s, entry, sizeof(entry)), 0);
	for (i = 0; i < 590; i++)
		ck_assert_int_eq(spool_ack(s), 0);
	ck_assert_uint_eq(spool_count(s), 10);
	ck_assert_int_eq(stat(spath, &st), 0);
	ck_assert_int_lt(st.st_size, 200 * 4096);
	spool_close(s);
	s = sp_open(64 << 20, SPOOL_DROP_NEW);
	ck_assert_uint_eq(spool_count(s), 10);
	spool_close(s);
}
END_TEST

/* Only one process may hold a spool. */
START_TEST(test_spool_locked)
{
	struct spool *s = sp_open(1 << 20, SPOOL_DROP_NEW);
	char err[600];
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct spool *t = spool_open(spath, 1 << 20, SPOOL_DROP_NEW,
		    err, sizeof(err));

		_exit(t == NULL && strstr(err, "in use") != NULL ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	spool_close(s);
}
END_TEST

START_TEST(test_spool_scan)
{
	struct spool *s = sp_open(1 << 20, SPOOL_DROP_NEW);
	unsigned char img[4096];
	size_t count, tail;
	ssize_t n;
	int fd;

	spool_append(s, "abc", 3);
	spool_append(s, "defg", 4);
	spool_close(s);
	fd = open(spath, O_RDONLY);
	n = read(fd, img, sizeof(img));
	close(fd);
	ck_assert_ptr_null(spool_scan(img, (size_t)n, &count, &tail));
	ck_assert_uint_eq(count, 2);
	ck_assert_uint_eq(tail, (size_t)n);
	ck_assert_ptr_nonnull(spool_scan(img, 10, &count, &tail));
}
END_TEST

/* mq ------------------------------------------------------------------ */

START_TEST(test_mq_bounded)
{
	struct mq q;
	struct mq_item it;
	char c;
	int i;

	ck_assert_int_eq(mq_init(&q, 4), 0);
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(mq_push(&q, i, "x", 1), i < 4 ? 0 : -1);
	ck_assert_uint_eq(q.dropped, 2);
	ck_assert_uint_eq(q.high, 4);
	/* Readable while items wait. */
	ck_assert_int_eq(read(mq_wait_fd(&q), &c, 1), 1);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(mq_pop(&q, &it), 0);
		ck_assert_int_eq(it.type, i);
		free(it.text);
	}
	ck_assert_int_eq(mq_pop(&q, &it), -1);
	mq_close(&q);
	ck_assert_int_eq(mq_push(&q, 9, "y", 1), -1);
	mq_destroy(&q);
}
END_TEST

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(spath, sizeof(spath), "%s/spool", dir);
}

static void
teardown(void)
{
	tu_rmtemp(dir);
}

int
main(void)
{
	Suite *s = suite_create("sinks");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	/*
	 * Check's 4 s are too few for test_spool_compaction's 600 appends
	 * and 590 acks, each fdatasync()ed, on a busy machine.
	 */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rmw_roundtrip);
	tcase_add_test(tc, test_rmw_errors);
	tcase_add_test(tc, test_rmw_verdicts);
	tcase_add_test(tc, test_record_shape);
	tcase_add_test(tc, test_record_injection);
	tcase_add_test(tc, test_record_long_argv);
	tcase_add_test(tc, test_json_too_long);
	tcase_add_test(tc, test_json_whole_after_cut);
	tcase_add_test(tc, test_spool_fifo_and_reopen);
	tcase_add_test(tc, test_spool_torn_tail);
	tcase_add_test(tc, test_spool_corrupt_entry_and_header);
	tcase_add_test(tc, test_spool_cap_policies);
	tcase_add_test(tc, test_spool_compaction);
	tcase_add_test(tc, test_spool_locked);
	tcase_add_test(tc, test_spool_scan);
	tcase_add_test(tc, test_mq_bounded);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
