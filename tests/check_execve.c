/*
 * check_execve: argv reassembly from the fields of EXECVE records.
 *
 * Each test feeds fields as the kernel writes them -- one "record" is one
 * call of feed() with space-separated name=value pairs, records in order
 * -- and compares out_argv/out_len byte for byte.  The negative tests
 * cover every cap and malformation: each must set `truncated' and count
 * exactly the anomalies it causes, never crash.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "execve.h"
#include "testutil.h"

struct arg {
	const char	*p;
	size_t		 n;
};

#define A(s)	{ s, sizeof(s) - 1 }

/*
 * Feeds one record: space-separated `name=value' fields.  Returns how many
 * fields were refused (-1); *ignored (if not NULL) gets how many were not
 * argv fields (1).
 */
static int
feed(struct execve *x, const char *rec, int *ignored)
{
	const char *p = rec, *end, *eq;
	int bad = 0, r;

	if (ignored != NULL)
		*ignored = 0;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, " ");
		eq = memchr(p, '=', (size_t)(end - p));
		ck_assert_msg(eq != NULL, "bad test field in \"%s\"", rec);
		r = execve_field(x, p, (size_t)(eq - p), eq + 1,
		    (size_t)(end - eq - 1));
		if (r == -1)
			bad++;
		else if (r == 1 && ignored != NULL)
			(*ignored)++;
		p = end;
	}
	return bad;
}

/* Upper-case hex of s[0..n), NUL-terminated, in out (2n + 1 bytes). */
static char *
hex(const char *s, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[(unsigned char)s[i] >> 4];
		out[2 * i + 1] = digits[(unsigned char)s[i] & 0xf];
	}
	out[2 * n] = '\0';
	return out;
}

static void
check_argv(const struct execve *x, const struct arg *want, size_t n)
{
	size_t i;

	ck_assert_uint_eq(x->out_argc, n);
	ck_assert_ptr_nonnull(x->out_argv);
	ck_assert_ptr_nonnull(x->out_len);
	for (i = 0; i < n; i++) {
		ck_assert_msg(x->out_len[i] == want[i].n,
		    "argv[%zu]: length %zu, want %zu", i, x->out_len[i],
		    want[i].n);
		ck_assert_msg(memcmp(x->out_argv[i], want[i].p, want[i].n) ==
		    0, "argv[%zu] differs", i);
		ck_assert_msg(x->out_argv[i][want[i].n] == '\0',
		    "argv[%zu] not NUL-terminated", i);
	}
	ck_assert_ptr_null(x->out_argv[n]);
}

START_TEST(test_plain)
{
	static const struct arg want[] = { A("ssh"), A("-p"), A("2222"),
	    A("alice@host") };
	struct execve x;

	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=4 a0=\"ssh\" a1=\"-p\" a2=\"2222\" "
	    "a3=\"alice@host\"", NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 4);
	ck_assert_int_eq(x.truncated, 0);
	ck_assert_uint_eq(x.anomalies, 0);
	execve_free(&x);
}
END_TEST

START_TEST(test_empty_arg)
{
	static const struct arg want[] = { A("ssh"), A(""), A("h") };
	struct execve x;

	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=3 a0=\"ssh\" a1=\"\" a2=\"h\"", NULL),
	    0);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 3);
	ck_assert_int_eq(x.truncated, 0);
	ck_assert_uint_eq(x.anomalies, 0);
	execve_free(&x);
}
END_TEST

START_TEST(test_hex)
{
	static const struct arg want[] = {
		A("ssh"),
		A("-o"),
		A("ProxyCommand=nc \"h\" 22"),
		A("\x01\x1b[31m\x7f\t\n"),
		A("caf\xc3\xa9 \xe2\x82\xac \xff\xfe"),
		A("a\0b"),
		A("\0"),
		A("lower"),
	};
	char rec[1024], h[5][256];
	struct execve x;
	int n;

	n = snprintf(rec, sizeof(rec), "argc=8 a0=\"ssh\" a1=2D6F a2=%s "
	    "a3=%s a4=%s a5=%s a6=%s a7=6c6f776572",
	    hex(want[2].p, want[2].n, h[0]), hex(want[3].p, want[3].n, h[1]),
	    hex(want[4].p, want[4].n, h[2]), hex(want[5].p, want[5].n, h[3]),
	    hex(want[6].p, want[6].n, h[4]));
	ck_assert(n > 0 && (size_t)n < sizeof(rec));
	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, rec, NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 8);
	ck_assert_int_eq(x.truncated, 0);
	ck_assert_uint_eq(x.anomalies, 0);
	execve_free(&x);
}
END_TEST

/* An argument split by the kernel: aI_len, then aI[0], aI[1], ... */
START_TEST(test_split_records)
{
	static const struct arg want[] = { A("ssh"),
	    A("abcd\x01\x02\"q\" mid-piece_tail!end"), A("host") };
	struct execve x;
	char rec[256], h1[64], h3[64];

	execve_init(&x, NULL);
	/*
	 * Record 1: argc, a0 and the first piece (quoted).  a1_len is the
	 * encoded length: 4 quoted bytes, 18 hex digits, 11 quoted bytes,
	 * 8 hex digits.
	 */
	ck_assert_int_eq(feed(&x, "argc=3 a0=\"ssh\" a1_len=41 "
	    "a1[0]=\"abcd\"", NULL), 0);
	/* Record 2: a hex piece with control bytes, quotes, a space. */
	snprintf(rec, sizeof(rec), "a1[1]=%s",
	    hex("\x01\x02\"q\" mid", 9, h1));
	ck_assert_int_eq(feed(&x, rec, NULL), 0);
	/* Record 3: a quoted piece; record 4: hex piece and the next arg. */
	ck_assert_int_eq(feed(&x, "a1[2]=\"-piece_tail\"", NULL), 0);
	snprintf(rec, sizeof(rec), "a1[3]=%s a2=\"host\"",
	    hex("!end", 4, h3));
	ck_assert_int_eq(feed(&x, rec, NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 3);
	ck_assert_int_eq(x.truncated, 0);
	ck_assert_uint_eq(x.anomalies, 0);
	execve_free(&x);
}
END_TEST

/* A long argument in many hex pieces of uneven size, as in real logs. */
START_TEST(test_split_long)
{
	char arg[3000], piece[2 * 700 + 1], rec[2 * 700 + 64];
	size_t off = 0, k = 0, len;
	struct arg want[2] = { A("scp"), { arg, sizeof(arg) } };
	struct execve x;
	size_t i;

	for (i = 0; i < sizeof(arg); i++)
		arg[i] = (char)(i * 7 + 3);
	execve_init(&x, NULL);
	snprintf(rec, sizeof(rec), "argc=2 a0=\"scp\" a1_len=%zu",
	    2 * sizeof(arg));
	ck_assert_int_eq(feed(&x, rec, NULL), 0);
	while (off < sizeof(arg)) {
		len = 1 + (k * 131) % 700;
		if (len > sizeof(arg) - off)
			len = sizeof(arg) - off;
		snprintf(rec, sizeof(rec), "a1[%zu]=%s", k,
		    hex(arg + off, len, piece));
		ck_assert_int_eq(feed(&x, rec, NULL), 0);
		off += len;
		k++;
	}
	ck_assert_uint_gt(k, 4);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 2);
	ck_assert_int_eq(x.truncated, 0);
	ck_assert_uint_eq(x.anomalies, 0);
	execve_free(&x);
}
END_TEST

/* argc larger than the arguments seen: the missing ones are empty. */
START_TEST(test_missing_args)
{
	static const struct arg want[] = { A("ssh"), A("h"), A(""), A("") };
	struct execve x;

	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=4 a0=\"ssh\" a1=\"h\"", NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 4);
	ck_assert_int_eq(x.truncated, 1);
	ck_assert_uint_eq(x.anomalies, 2);
	execve_free(&x);
}
END_TEST

/* No argc: the highest index seen decides; a hole is an anomaly. */
START_TEST(test_no_argc)
{
	static const struct arg want[] = { A("ssh"), A(""), A("h") };
	struct execve x;

	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "a0=\"ssh\" a2=\"h\"", NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 3);
	ck_assert_int_eq(x.truncated, 1);
	ck_assert_uint_eq(x.anomalies, 1);
	execve_free(&x);
}
END_TEST

START_TEST(test_duplicate)
{
	static const struct arg want[] = { A("ssh"), A("first") };
	struct execve x;

	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=2 a0=\"ssh\" a1=\"first\"", NULL), 0);
	ck_assert_int_eq(feed(&x, "a1=\"second\"", NULL), 1);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 2);
	ck_assert_int_eq(x.truncated, 1);
	ck_assert_uint_eq(x.anomalies, 1);
	execve_free(&x);
}
END_TEST

/* A whole aI after aI_len and pieces of it is a duplicate too. */
START_TEST(test_duplicate_split)
{
	static const struct arg want[] = { A("ssh"), A("abcd") };
	struct execve x;

	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=2 a0=\"ssh\" a1_len=4 a1[0]=\"ab\" "
	    "a1[1]=\"cd\"", NULL), 0);
	/* Second length and a repeated piece are refused. */
	ck_assert_int_eq(feed(&x, "a1_len=4", NULL), 1);
	ck_assert_int_eq(feed(&x, "a1[1]=\"cd\"", NULL), 1);
	ck_assert_uint_eq(x.anomalies, 2);
	/* A whole value besides the pieces is taken but reported. */
	ck_assert_int_eq(feed(&x, "a1=\"zz\"", NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	ck_assert_uint_eq(x.out_argc, 2);
	ck_assert_int_eq(x.truncated, 1);
	ck_assert_uint_eq(x.anomalies, 3);
	/* aI_len after a whole aI is refused. */
	execve_free(&x);
	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=2 a0=\"ssh\" a1=\"abcd\" a1_len=4",
	    NULL), 1);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 2);
	ck_assert_uint_eq(x.anomalies, 1);
	execve_free(&x);
}
END_TEST

START_TEST(test_piece_order)
{
	static const struct arg want[] = { A("ssh"), A("abcd") };
	struct execve x;

	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=2 a0=\"ssh\" a1_len=6 a1[0]=\"ab\"",
	    NULL), 0);
	ck_assert_int_eq(feed(&x, "a1[2]=\"ef\"", NULL), 1);	/* skips 1 */
	ck_assert_int_eq(feed(&x, "a1[1]=\"cd\"", NULL), 0);
	ck_assert_int_eq(feed(&x, "a1[0]=\"ab\"", NULL), 1);	/* again */
	ck_assert_uint_eq(x.anomalies, 2);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 2);
	/* 4 bytes of a declared 6: one more at finish. */
	ck_assert_int_eq(x.truncated, 1);
	ck_assert_uint_eq(x.anomalies, 3);
	execve_free(&x);
}
END_TEST

START_TEST(test_piece_without_len)
{
	static const struct arg want[] = { A("ssh"), A("") };
	struct execve x;

	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=2 a0=\"ssh\" a1[0]=\"ab\"", NULL), 1);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 2);
	ck_assert_int_eq(x.truncated, 1);
	/* The refused piece, then a1 never seen at finish. */
	ck_assert_uint_eq(x.anomalies, 2);
	execve_free(&x);
}
END_TEST

START_TEST(test_len_mismatch)
{
	static const struct arg short_want[] = { A("ssh"), A("abc") };
	static const struct arg long_want[] = { A("ssh"), A("abcdef") };
	struct execve x;

	/* Fewer bytes than declared. */
	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=2 a0=\"ssh\" a1_len=5 a1[0]=\"abc\"",
	    NULL), 0);
	ck_assert_uint_eq(x.anomalies, 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, short_want, 2);
	ck_assert_int_eq(x.truncated, 1);
	ck_assert_uint_eq(x.anomalies, 1);
	execve_free(&x);
	/* More bytes than declared. */
	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=2 a0=\"ssh\" a1_len=2 a1[0]=\"abc\" "
	    "a1[1]=646566", NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, long_want, 2);
	ck_assert_int_eq(x.truncated, 1);
	ck_assert_uint_eq(x.anomalies, 1);
	execve_free(&x);
	/* A length that is not a number. */
	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=2 a0=\"ssh\" a1_len=x", NULL), 1);
	ck_assert_int_eq(feed(&x, "a1_len=-1", NULL), 1);
	ck_assert_int_eq(feed(&x, "a1_len=", NULL), 1);
	ck_assert_uint_eq(x.anomalies, 3);
	ck_assert_int_eq(x.truncated, 1);
	execve_free(&x);
}
END_TEST

START_TEST(test_bad_argc_and_index)
{
	struct execve x;

	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=x", NULL), 1);
	ck_assert_int_eq(feed(&x, "argc=", NULL), 1);
	ck_assert_int_eq(feed(&x, "argc=9999999999999999999", NULL), 1);
	ck_assert_int_eq(feed(&x, "argc=2", NULL), 0);
	ck_assert_int_eq(feed(&x, "argc=2", NULL), 0);	/* same: fine */
	ck_assert_int_eq(feed(&x, "argc=3", NULL), 1);	/* conflicting */
	ck_assert_int_eq(x.argc, 2);
	ck_assert_uint_eq(x.anomalies, 4);
	/* Indexes at or past argc, absurd ones, malformed names. */
	ck_assert_int_eq(feed(&x, "a2=\"x\"", NULL), 1);
	ck_assert_int_eq(feed(&x, "a2_len=3", NULL), 1);
	ck_assert_int_eq(feed(&x, "a99999999999999999999=\"x\"", NULL), 1);
	ck_assert_int_eq(feed(&x, "a0x=\"x\"", NULL), 1);
	ck_assert_int_eq(feed(&x, "a0[]=\"x\"", NULL), 1);
	ck_assert_int_eq(feed(&x, "a0[x]=\"x\"", NULL), 1);
	ck_assert_int_eq(feed(&x, "a0[0=\"x\"", NULL), 1);
	ck_assert_uint_eq(x.anomalies, 11);
	ck_assert_int_eq(execve_finish(&x), 0);
	ck_assert_uint_eq(x.out_argc, 2);
	execve_free(&x);
}
END_TEST

START_TEST(test_bad_values)
{
	static const struct arg want[] = { A("ABC"), A("zz"), A(""),
	    A("\""), A("ok") };
	static const struct arg pieces[] = { A("ssh"), A("abc4") };
	struct execve x;

	execve_init(&x, NULL);
	/*
	 * Odd-length hex, not hex and a lone quote (a cut log) are kept as
	 * logged and marked, not counted as a cap; (null) is refused.
	 */
	ck_assert_int_eq(feed(&x, "argc=5 a0=ABC a1=zz a2=(null) a3=\" "
	    "a4=\"ok\"", NULL), 1);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 5);
	ck_assert_uint_eq(x.undecodable, 3);
	ck_assert_int_eq(x.out_raw[0], 1);
	ck_assert_int_eq(x.out_raw[1], 1);
	ck_assert_int_eq(x.out_raw[2], 0);
	ck_assert_int_eq(x.out_raw[3], 1);
	ck_assert_int_eq(x.out_raw[4], 0);
	ck_assert_int_eq(x.truncated, 1);
	/* Only (null) (seen, so no more at finish). */
	ck_assert_uint_eq(x.anomalies, 1);
	execve_free(&x);
	/* Without (null): nothing is truncated. */
	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=2 a0=\"ssh\" a1=6G", NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	ck_assert_int_eq(x.truncated, 0);
	ck_assert_uint_eq(x.anomalies, 0);
	ck_assert_uint_eq(x.undecodable, 1);
	execve_free(&x);
	/* A cut piece of a split argument: kept, its length not checked. */
	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=2 a0=\"ssh\" a1_len=8 a1[0]=616263 "
	    "a1[1]=34", NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, pieces, 2);
	ck_assert_int_eq(x.truncated, 0);
	execve_free(&x);
	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=2 a0=\"ssh\" a1_len=10 a1[0]=616263 "
	    "a1[1]=346", NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	ck_assert_int_eq(x.truncated, 0);
	ck_assert_uint_eq(x.undecodable, 1);
	ck_assert_int_eq(x.out_raw[1], 1);
	ck_assert_uint_eq(x.out_len[1], 6);	/* "abc" + "346" */
	execve_free(&x);
}
END_TEST

START_TEST(test_not_argv)
{
	static const struct arg want[] = { A("ssh") };
	static const char *const names[] = { "type", "msg", "arch", "a",
	    "argcx", "arg", "key", "b0", "A0", "ax0", "" };
	struct execve x;
	size_t i;
	int ignored;

	execve_init(&x, NULL);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(execve_field(&x, names[i], strlen(names[i]),
		    "\"v\"", 3) == 1, "%s not ignored", names[i]);
	ck_assert_int_eq(feed(&x, "type=EXECVE argc=1 a0=\"ssh\" key=\"k\"",
	    &ignored), 0);
	ck_assert_int_eq(ignored, 2);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 1);
	ck_assert_int_eq(x.truncated, 0);
	ck_assert_uint_eq(x.anomalies, 0);
	execve_free(&x);
}
END_TEST

START_TEST(test_cap_argc)
{
	static const struct execve_limits lim = { 2, 100, 1000 };
	static const struct arg want[] = { A("ssh"), A("-v") };
	struct execve x;

	execve_init(&x, &lim);
	/* argc over the cap is taken (returns 0) but reported. */
	ck_assert_int_eq(feed(&x, "argc=4", NULL), 0);
	ck_assert_int_eq(x.truncated, 1);
	ck_assert_uint_eq(x.anomalies, 1);
	ck_assert_int_eq(feed(&x, "a0=\"ssh\" a1=\"-v\" a2=\"h\" a3=\"ls\"",
	    NULL), 2);
	ck_assert_int_eq(feed(&x, "a3_len=4", NULL), 1);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 2);
	ck_assert_uint_eq(x.anomalies, 4);
	execve_free(&x);
	/* Without argc the cap holds as well. */
	execve_init(&x, &lim);
	ck_assert_int_eq(feed(&x, "a0=\"ssh\" a1=\"-v\" a5=\"h\"", NULL), 1);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 2);
	ck_assert_int_eq(x.truncated, 1);
	ck_assert_uint_eq(x.anomalies, 1);
	execve_free(&x);
}
END_TEST

START_TEST(test_cap_arg_bytes)
{
	static const struct execve_limits lim = { 8, 4, 1000 };
	static const struct arg want[] = { A("abcd"), A("xy"), A("ABCD"),
	    A("\0\x01\x02\x03"), A("\0\x01\x02\x03") };
	struct execve x;

	execve_init(&x, &lim);
	ck_assert_int_eq(feed(&x, "argc=5", NULL), 0);
	ck_assert_int_eq(execve_field(&x, "a0", 2, "\"abcdef\"", 8), -1);
	ck_assert_int_eq(x.truncated, 1);
	ck_assert_uint_eq(x.anomalies, 1);
	ck_assert_int_eq(feed(&x, "a1=\"xy\"", NULL), 0);
	/* Split: the piece that crosses the cap, and every later one. */
	ck_assert_int_eq(feed(&x, "a2_len=9 a2[0]=\"ABC\"", NULL), 0);
	ck_assert_int_eq(feed(&x, "a2[1]=\"DEF\"", NULL), 1);
	ck_assert_int_eq(feed(&x, "a2[2]=\"GHI\"", NULL), 1);
	ck_assert_uint_eq(x.anomalies, 3);
	/* Hex exactly at the cap is whole; one byte more is cut. */
	ck_assert_int_eq(feed(&x, "a3=00010203", NULL), 0);
	ck_assert_int_eq(feed(&x, "a4=0001020304", NULL), 1);
	ck_assert_uint_eq(x.anomalies, 4);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 5);
	/* a2 kept 4 bytes, but all 9 declared were seen: nothing more. */
	ck_assert_uint_eq(x.anomalies, 4);
	execve_free(&x);
}
END_TEST

START_TEST(test_cap_total)
{
	static const struct execve_limits lim = { 8, 100, 5 };
	static const struct arg want[] = { A("abc"), A("de"), A(""), A(""),
	    A("") };
	struct execve x;

	execve_init(&x, &lim);
	ck_assert_int_eq(feed(&x, "argc=5 a0=\"abc\"", NULL), 0);
	ck_assert_int_eq(feed(&x, "a1=\"defg\"", NULL), 1);
	ck_assert_uint_eq(x.total, 5);
	ck_assert_int_eq(feed(&x, "a2=\"\"", NULL), 0);	/* nothing to cut */
	ck_assert_int_eq(feed(&x, "a3=\"z\"", NULL), 1);
	ck_assert_int_eq(feed(&x, "a4_len=3 a4[0]=7a a4[1]=\"z\"", NULL), 2);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 5);
	ck_assert_uint_eq(x.total, 5);
	ck_assert_int_eq(x.truncated, 1);
	/* a1, a3 and both pieces of a4. */
	ck_assert_uint_eq(x.anomalies, 4);
	execve_free(&x);
}
END_TEST

START_TEST(test_default_limits)
{
	struct execve x;
	char *rec;
	size_t n = execve_default_limits.max_arg_bytes + 10, i;

	execve_init(&x, NULL);
	ck_assert_uint_eq(x.lim.max_argc, execve_default_limits.max_argc);
	ck_assert_uint_eq(x.lim.max_arg_bytes,
	    execve_default_limits.max_arg_bytes);
	ck_assert_uint_eq(x.lim.max_total, execve_default_limits.max_total);
	/* One argument longer than the default cap. */
	rec = malloc(n + 8);
	ck_assert_ptr_nonnull(rec);
	memcpy(rec, "a0=\"", 4);
	for (i = 0; i < n; i++)
		rec[4 + i] = 'x';
	memcpy(rec + 4 + n, "\"", 2);
	ck_assert_int_eq(feed(&x, rec, NULL), 1);
	free(rec);
	/* argc over the default cap. */
	ck_assert_int_eq(feed(&x, "argc=99999999", NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	ck_assert_uint_eq(x.out_argc, execve_default_limits.max_argc);
	ck_assert_uint_eq(x.out_len[0], execve_default_limits.max_arg_bytes);
	ck_assert_uint_eq(x.out_len[1], 0);
	ck_assert_int_eq(x.truncated, 1);
	/* Cut a0, argc, and every argument never seen. */
	ck_assert_uint_eq(x.anomalies, 2 + execve_default_limits.max_argc - 1);
	execve_free(&x);
}
END_TEST

/* execve_finish() may run twice; execve_free() leaves a clean state. */
START_TEST(test_finish_twice)
{
	static const struct arg want[] = { A("ssh"), A("h") };
	struct execve x;

	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=2 a0=\"ssh\" a1=\"h\"", NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	check_argv(&x, want, 2);
	execve_free(&x);
	ck_assert_uint_eq(x.out_argc, 0);
	ck_assert_ptr_null(x.out_argv);
	ck_assert_int_eq(x.argc, -1);
	/* An EXECVE with no argv at all. */
	execve_init(&x, NULL);
	ck_assert_int_eq(feed(&x, "argc=0", NULL), 0);
	ck_assert_int_eq(execve_finish(&x), 0);
	ck_assert_uint_eq(x.out_argc, 0);
	ck_assert_ptr_null(x.out_argv[0]);
	ck_assert_uint_eq(x.anomalies, 0);
	execve_free(&x);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("execve");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_empty_arg);
	tcase_add_test(tc, test_hex);
	tcase_add_test(tc, test_split_records);
	tcase_add_test(tc, test_split_long);
	tcase_add_test(tc, test_missing_args);
	tcase_add_test(tc, test_no_argc);
	tcase_add_test(tc, test_duplicate);
	tcase_add_test(tc, test_duplicate_split);
	tcase_add_test(tc, test_piece_order);
	tcase_add_test(tc, test_piece_without_len);
	tcase_add_test(tc, test_len_mismatch);
	tcase_add_test(tc, test_bad_argc_and_index);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_not_argv);
	tcase_add_test(tc, test_cap_argc);
	tcase_add_test(tc, test_cap_arg_bytes);
	tcase_add_test(tc, test_cap_total);
	tcase_add_test(tc, test_default_limits);
	tcase_add_test(tc, test_finish_twice);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
