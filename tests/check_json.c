/*
 * check_json: JSON string encoding (json.h) and the audit value
 * convention (auval.h) -- the two ways untrusted bytes leave the plugin.
 *
 * Both are checked exhaustively where that is cheap (every byte, every
 * 2-byte string, every code point): encoding must never let a byte out
 * raw that could end or forge a field, and decoding what we encoded must
 * give the bytes back.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auval.h"
#include "buf.h"
#include "json.h"
#include "testutil.h"

#define FFFD	"\xef\xbf\xbd"

/*
 * For the exhaustive loops: Check records the place of every ck_assert
 * (a write per call in fork mode), so these only call it on failure.
 */
#define REQUIRE(cond, ...)	do {					\
	if (!(cond))							\
		ck_abort_msg(__VA_ARGS__);				\
} while (0)

/* json_str() of s[0..n) must be exactly want; returns its result. */
static int
check_str(const char *s, size_t n, const char *want, size_t wantlen)
{
	struct buf b;
	int r;

	buf_init(&b, 1 << 20);
	r = json_str(&b, s, n);
	ck_assert_int_ge(r, 0);
	ck_assert_msg(b.len == wantlen && memcmp(b.p, want, wantlen) == 0,
	    "json_str gave %s, want %s", buf_str(&b), want);
	buf_free(&b);
	return r;
}

#define CHECK_STR(s, want)	\
	check_str(s, sizeof(s) - 1, want, sizeof(want) - 1)

/*
 * What every json_str() output must be: a quoted literal, valid UTF-8,
 * with no raw control byte, no bare '"' and no lone '\' inside.
 */
static void
check_literal(const char *p, size_t n)
{
	size_t i;

	REQUIRE(n >= 2 && p[0] == '"' && p[n - 1] == '"', "not quoted");
	REQUIRE(json_utf8_valid(p, n), "not valid UTF-8");
	for (i = 1; i < n - 1; i++) {
		unsigned char c = (unsigned char)p[i];

		REQUIRE(c >= 0x20 && c != 0x7f, "raw control byte");
		REQUIRE(c != '"', "bare quote");
		if (c == '\\') {
			REQUIRE(i + 1 < n - 1 && p[i + 1] != '\0' &&
			    strchr("\"\\ntru", p[i + 1]) != NULL, "bad escape");
			i++;
		}
	}
}

START_TEST(test_escapes)
{
	ck_assert_int_eq(CHECK_STR("", "\"\""), 0);
	ck_assert_int_eq(CHECK_STR("plain text", "\"plain text\""), 0);
	ck_assert_int_eq(CHECK_STR("a\"b", "\"a\\\"b\""), 0);
	ck_assert_int_eq(CHECK_STR("a\\b", "\"a\\\\b\""), 0);
	ck_assert_int_eq(CHECK_STR("\\\"", "\"\\\\\\\"\""), 0);
	ck_assert_int_eq(CHECK_STR("x\"}, \"evil\": \"",
	    "\"x\\\"}, \\\"evil\\\": \\\"\""), 0);
	ck_assert_int_eq(CHECK_STR("/", "\"/\""), 0);
	ck_assert_int_eq(CHECK_STR("a\0b", "\"a\\u0000b\""), 0);
}
END_TEST

START_TEST(test_controls)
{
	char want[16], c;
	int i;

	for (i = 0; i <= 0x7f; i++) {
		if (i >= 0x20 && i < 0x7f)
			continue;
		c = (char)i;
		if (i == '\n')
			snprintf(want, sizeof(want), "\"\\n\"");
		else if (i == '\t')
			snprintf(want, sizeof(want), "\"\\t\"");
		else if (i == '\r')
			snprintf(want, sizeof(want), "\"\\r\"");
		else
			snprintf(want, sizeof(want), "\"\\u%04x\"", i);
		ck_assert_msg(check_str(&c, 1, want, strlen(want)) == 0,
		    "byte %02x", i);
	}
	/* Printable ASCII other than '"' and '\' is copied as is. */
	for (i = 0x20; i < 0x7f; i++) {
		if (i == '"' || i == '\\')
			continue;
		c = (char)i;
		snprintf(want, sizeof(want), "\"%c\"", i);
		ck_assert_int_eq(check_str(&c, 1, want, 3), 0);
	}
}
END_TEST

START_TEST(test_utf8_valid)
{
	static const char *const ok[] = {
		"\xc2\x80",			/* U+0080 */
		"\xc3\xa9",			/* é */
		"\xdf\xbf",			/* U+07FF */
		"\xe0\xa0\x80",			/* U+0800 */
		"\xe2\x82\xac",			/* € */
		"\xed\x9f\xbf",			/* U+D7FF */
		"\xee\x80\x80",			/* U+E000 */
		"\xef\xbf\xbf",			/* U+FFFF */
		"\xf0\x90\x80\x80",		/* U+10000 */
		"\xf0\x9f\x98\x80",		/* 😀 */
		"\xf4\x8f\xbf\xbf",		/* U+10FFFF */
		"caf\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80!",
	};
	char want[64];
	size_t i, n;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		n = strlen(ok[i]);
		ck_assert_int_eq(json_utf8_valid(ok[i], n), 1);
		snprintf(want, sizeof(want), "\"%s\"", ok[i]);
		ck_assert_msg(check_str(ok[i], n, want, n + 2) == 0, "case %zu",
		    i);
	}
}
END_TEST

START_TEST(test_utf8_invalid)
{
	static const struct {
		const char	*in;
		const char	*want;
	} bad[] = {
		{ "\x80", "\"" FFFD "\"" },			/* lone cont. */
		{ "a\xbf" "b", "\"a" FFFD "b\"" },
		{ "\xc0\x80", "\"" FFFD FFFD "\"" },		/* overlong */
		{ "\xc1\xbf", "\"" FFFD FFFD "\"" },
		{ "\xe0\x80\x80", "\"" FFFD FFFD FFFD "\"" },
		{ "\xe0\x9f\xbf", "\"" FFFD FFFD FFFD "\"" },
		{ "\xf0\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"" },
		{ "\xf0\x8f\xbf\xbf", "\"" FFFD FFFD FFFD FFFD "\"" },
		{ "\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"" },	/* surrogate */
		{ "\xed\xbf\xbf", "\"" FFFD FFFD FFFD "\"" },
		{ "\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"" },
		{ "\xf5\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"" },
		{ "\xff", "\"" FFFD "\"" },
		{ "\xfe\xfe", "\"" FFFD FFFD "\"" },
		{ "\xe2\x82", "\"" FFFD FFFD "\"" },		/* truncated */
		{ "x\xe2\x82", "\"x" FFFD FFFD "\"" },
		{ "\xe2\x82x", "\"" FFFD FFFD "x\"" },
		{ "\xf0\x9f\x98", "\"" FFFD FFFD FFFD "\"" },
		{ "\xc3", "\"" FFFD "\"" },
		{ "\xc3\"", "\"" FFFD "\\\"\"" },
		{ "\xc3\xa9\xa9", "\"\xc3\xa9" FFFD "\"" },
	};
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = strlen(bad[i].in);
		ck_assert_msg(json_utf8_valid(bad[i].in, n) == 0, "case %zu",
		    i);
		ck_assert_msg(check_str(bad[i].in, n, bad[i].want,
		    strlen(bad[i].want)) == 1, "case %zu", i);
	}
}
END_TEST

/* Decodes a json_str() literal back and compares with s[0..n). */
static void
roundtrip(const char *s, size_t n)
{
	struct buf b, u;
	int valid = json_utf8_valid(s, n), r;

	buf_init(&b, 1 << 20);
	buf_init(&u, 1 << 20);
	r = json_str(&b, s, n);
	REQUIRE(r == (valid ? 0 : 1), "json_str returned %d", r);
	check_literal(b.p, b.len);
	REQUIRE(json_unescape(b.p + 1, b.len - 2, &u) == 0, "unescape");
	if (valid)
		REQUIRE(u.len == n && (n == 0 || memcmp(u.p, s, n) == 0),
		    "round trip of %zu bytes differs", n);
	else
		REQUIRE(json_utf8_valid(u.p, u.len), "lossy output invalid");
	buf_free(&b);
	buf_free(&u);
}

START_TEST(test_roundtrip_short)
{
	char s[2];
	int i, j;

	roundtrip("", 0);
	for (i = 0; i < 256; i++) {
		s[0] = (char)i;
		roundtrip(s, 1);
		for (j = 0; j < 256; j++) {
			s[1] = (char)j;
			roundtrip(s, 2);
		}
	}
}
END_TEST

/* Every code point, as UTF-8, between two bytes that need escaping. */
START_TEST(test_roundtrip_codepoints)
{
	unsigned long cp;
	char s[6];
	size_t n;

	for (cp = 0; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		s[0] = '"';
		if (cp < 0x80) {
			s[1] = (char)cp;
			n = 1;
		} else if (cp < 0x800) {
			s[1] = (char)(0xc0 | cp >> 6);
			s[2] = (char)(0x80 | (cp & 0x3f));
			n = 2;
		} else if (cp < 0x10000) {
			s[1] = (char)(0xe0 | cp >> 12);
			s[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
			s[3] = (char)(0x80 | (cp & 0x3f));
			n = 3;
		} else {
			s[1] = (char)(0xf0 | cp >> 18);
			s[2] = (char)(0x80 | ((cp >> 12) & 0x3f));
			s[3] = (char)(0x80 | ((cp >> 6) & 0x3f));
			s[4] = (char)(0x80 | (cp & 0x3f));
			n = 4;
		}
		s[n + 1] = '"';
		REQUIRE(json_utf8_valid(s, n + 2), "U+%04lX invalid", cp);
		roundtrip(s, n + 2);
	}
}
END_TEST

/* Longer strings mixing every kind of byte (a fixed pseudo-random set). */
START_TEST(test_roundtrip_random)
{
	static const char pool[] = "a\"\\\n\t\r\x01\x1f\x7f\0"
	    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x80\xc0\xed\xa0\xf4\x90\xff";
	unsigned long x = 12345;
	char s[32];
	size_t n, i;
	int k;

	for (k = 0; k < 50000; k++) {
		x = x * 1103515245UL + 12345UL;
		n = (x >> 16) % sizeof(s);
		for (i = 0; i < n; i++) {
			x = x * 1103515245UL + 12345UL;
			s[i] = pool[(x >> 16) % (sizeof(pool) - 1)];
		}
		roundtrip(s, n);
	}
}
END_TEST

START_TEST(test_json_hex)
{
	char all[256], want[2 * 256 + 3];
	struct buf b;
	int i;

	buf_init(&b, 4096);
	ck_assert_int_eq(json_hex(&b, "", 0), 0);
	ck_assert_str_eq(buf_str(&b), "\"\"");
	buf_reset(&b);
	ck_assert_int_eq(json_hex(&b, "\0\xff a\"", 5), 0);
	ck_assert_str_eq(buf_str(&b), "\"00FF206122\"");
	buf_reset(&b);
	want[0] = '"';
	for (i = 0; i < 256; i++) {
		all[i] = (char)i;
		snprintf(want + 1 + 2 * i, 3, "%02X", i);
	}
	want[513] = '"';
	want[514] = '\0';
	ck_assert_int_eq(json_hex(&b, all, 256), 0);
	ck_assert_str_eq(buf_str(&b), want);
	buf_free(&b);
}
END_TEST

/* A full buffer is reported, and nothing beyond it is written. */
START_TEST(test_json_full)
{
	struct buf b;

	buf_init(&b, 5);
	ck_assert_int_eq(json_str(&b, "abcdef", 6), -1);
	ck_assert_int_eq(b.over, 1);
	ck_assert_uint_le(b.len, 5);
	buf_free(&b);
	buf_init(&b, 5);
	ck_assert_int_eq(json_str(&b, "\x01", 1), -1);	/* \u0001 */
	buf_free(&b);
	buf_init(&b, 5);
	ck_assert_int_eq(json_str(&b, "\xff\xff", 2), -1);
	buf_free(&b);
	buf_init(&b, 5);
	ck_assert_int_eq(json_hex(&b, "ab", 2), -1);
	ck_assert_int_eq(b.over, 1);
	buf_free(&b);
	buf_init(&b, 6);
	ck_assert_int_eq(json_hex(&b, "ab", 2), 0);
	ck_assert_str_eq(buf_str(&b), "\"6162\"");
	buf_free(&b);
}
END_TEST

START_TEST(test_unescape)
{
	static const struct {
		const char	*in;
		const char	*want;
		size_t		 wantlen;
	} ok[] = {
		{ "a\\/b", "a/b", 3 },
		{ "\\b\\f\\n\\r\\t", "\b\f\n\r\t", 5 },
		{ "\\u0000", "", 1 },
		{ "\\u00e9", "\xc3\xa9", 2 },
		{ "\\u20AC", "\xe2\x82\xac", 3 },
		{ "\\ud83d\\ude00", "\xf0\x9f\x98\x80", 4 },
	};
	static const char *const bad[] = {
		"\\", "a\\", "\\x", "\\u12", "\\u12g4", "\\u",
	};
	struct buf b;
	size_t i;

	buf_init(&b, 4096);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		buf_reset(&b);
		ck_assert_int_eq(json_unescape(ok[i].in, strlen(ok[i].in), &b),
		    0);
		ck_assert_msg(b.len == ok[i].wantlen &&
		    memcmp(b.p, ok[i].want, ok[i].wantlen) == 0, "case %zu", i);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&b);
		ck_assert_msg(json_unescape(bad[i], strlen(bad[i]), &b) == -1,
		    "accepted %s", bad[i]);
	}
	buf_free(&b);
}
END_TEST

/* auval ------------------------------------------------------------- */

static enum auval_kind
decode(const char *raw, struct buf *out)
{
	buf_reset(out);
	return auval_decode(raw, strlen(raw), out);
}

START_TEST(test_auval_decode)
{
	static const char *const invalid[] = {
		"", "\"", "6", "abc", "zz", "0g", "g0", "61 62", "(nul)",
		"(NULL)", "null", "\"abc", "abc\"", "0x41", "-1",
	};
	struct buf b;
	size_t i;

	buf_init(&b, 4096);
	ck_assert_int_eq(decode("\"abc\"", &b), AUVAL_QUOTED);
	ck_assert_str_eq(buf_str(&b), "abc");
	ck_assert_int_eq(decode("\"\"", &b), AUVAL_QUOTED);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_int_eq(decode("\"6162\"", &b), AUVAL_QUOTED);
	ck_assert_str_eq(buf_str(&b), "6162");
	ck_assert_int_eq(decode("616263", &b), AUVAL_HEX);
	ck_assert_str_eq(buf_str(&b), "abc");
	ck_assert_int_eq(decode("6a6B4A4b", &b), AUVAL_HEX);
	ck_assert_str_eq(buf_str(&b), "jkJK");
	ck_assert_int_eq(decode("00FF7f80", &b), AUVAL_HEX);
	ck_assert(b.len == 4 && memcmp(b.p, "\0\xff\x7f\x80", 4) == 0);
	ck_assert_int_eq(decode("(null)", &b), AUVAL_NULL);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_int_eq(decode("(none)", &b), AUVAL_NULL);
	ck_assert_uint_eq(b.len, 0);
	/* Invalid values append nothing to what the buffer holds. */
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		buf_reset(&b);
		buf_adds(&b, "keep");
		ck_assert_msg(auval_decode(invalid[i], strlen(invalid[i]),
		    &b) == AUVAL_INVALID, "accepted \"%s\"", invalid[i]);
		ck_assert_str_eq(buf_str(&b), "keep");
	}
	/* Only n bytes count. */
	buf_reset(&b);
	ck_assert_int_eq(auval_decode("616263", 4, &b), AUVAL_HEX);
	ck_assert_str_eq(buf_str(&b), "ab");
	buf_free(&b);
}
END_TEST

START_TEST(test_auval_decode_full)
{
	struct buf b;

	buf_init(&b, 2);
	ck_assert_int_eq(auval_decode("616263", 6, &b), AUVAL_HEX);
	ck_assert_int_eq(b.over, 1);
	ck_assert_uint_le(b.len, 2);
	buf_free(&b);
	buf_init(&b, 2);
	ck_assert_int_eq(auval_decode("\"abc\"", 5, &b), AUVAL_QUOTED);
	ck_assert_int_eq(b.over, 1);
	ck_assert_uint_le(b.len, 2);
	buf_free(&b);
}
END_TEST

/*
 * A hex value longer than the decoder's chunk: every byte, in order; under
 * a ceiling that falls inside the second chunk, exactly the bytes that
 * fit, and over set (as one append a byte left it).
 */
START_TEST(test_auval_decode_long)
{
	char hex[2 * 700 + 1], want[700];
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(want); i++) {
		want[i] = (char)(i * 7 + 1);
		hex[2 * i] = "0123456789abcdef"[(unsigned char)want[i] >> 4];
		hex[2 * i + 1] = "0123456789ABCDEF"[want[i] & 0xf];
	}
	buf_init(&b, 4096);
	ck_assert_int_eq(auval_decode(hex, 2 * sizeof(want), &b), AUVAL_HEX);
	ck_assert_uint_eq(b.len, sizeof(want));
	ck_assert_int_eq(b.over, 0);
	ck_assert_int_eq(memcmp(b.p, want, sizeof(want)), 0);
	buf_free(&b);
	buf_init(&b, 300);
	buf_adds(&b, "ab");
	ck_assert_int_eq(auval_decode(hex, 2 * sizeof(want), &b), AUVAL_HEX);
	ck_assert_uint_eq(b.len, 300);
	ck_assert_int_eq(b.over, 1);
	ck_assert_int_eq(memcmp(b.p + 2, want, 298), 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_auval_hexdigit)
{
	int c, want;

	for (c = 0; c < 256; c++) {
		if (c >= '0' && c <= '9')
			want = c - '0';
		else if (c >= 'a' && c <= 'f')
			want = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			want = c - 'A' + 10;
		else
			want = -1;
		ck_assert_int_eq(auval_hexdigit(c), want);
	}
}
END_TEST

/* Encodes s[0..n), checks the form, decodes it back. */
static void
auval_roundtrip(const char *s, size_t n)
{
	struct buf e, d;
	enum auval_kind k;
	size_t i;

	buf_init(&e, 1 << 16);
	buf_init(&d, 1 << 16);
	REQUIRE(auval_encode(s, n, &e) == 0, "encode");
	k = auval_decode(e.p, e.len, &d);
	if (auval_needs_hex(s, n)) {
		REQUIRE(k == AUVAL_HEX && e.len == 2 * n, "not hex");
		for (i = 0; i < e.len; i++)
			REQUIRE((e.p[i] >= '0' && e.p[i] <= '9') ||
			    (e.p[i] >= 'A' && e.p[i] <= 'F'), "not upper hex");
	} else
		REQUIRE(k == AUVAL_QUOTED && e.len == n + 2, "not quoted");
	/* Either way the value is one field: no space, no inner quote. */
	for (i = 0; i < e.len; i++) {
		REQUIRE((unsigned char)e.p[i] > 0x20 &&
		    (unsigned char)e.p[i] < 0x7f, "unsafe byte");
		REQUIRE(e.p[i] != '"' || i == 0 || i == e.len - 1,
		    "inner quote");
	}
	REQUIRE(d.len == n && (n == 0 || memcmp(d.p, s, n) == 0),
	    "round trip of %zu bytes differs", n);
	buf_free(&e);
	buf_free(&d);
}

START_TEST(test_auval_needs_hex)
{
	char c;
	int i;

	ck_assert_int_eq(auval_needs_hex("", 0), 0);
	ck_assert_int_eq(auval_needs_hex("ssh", 3), 0);
	ck_assert_int_eq(auval_needs_hex("a b", 3), 1);
	ck_assert_int_eq(auval_needs_hex("a\"b", 3), 1);
	ck_assert_int_eq(auval_needs_hex("a'b", 3), 0);
	for (i = 0; i < 256; i++) {
		c = (char)i;
		ck_assert_int_eq(auval_needs_hex(&c, 1),
		    i == '"' || i < 0x21 || i > 0x7e);
	}
}
END_TEST

START_TEST(test_auval_roundtrip)
{
	char s[256];
	int i, j;

	auval_roundtrip("", 0);
	auval_roundtrip("ssh", 3);
	auval_roundtrip("616263", 6);	/* looks like hex, stays quoted */
	for (i = 0; i < 256; i++) {
		s[0] = (char)i;
		auval_roundtrip(s, 1);
		for (j = 0; j < 256; j++) {
			s[1] = (char)j;
			auval_roundtrip(s, 2);
		}
	}
	for (i = 0; i < 256; i++)
		s[i] = (char)i;
	auval_roundtrip(s, 256);
}
END_TEST

START_TEST(test_auval_encode_form)
{
	struct buf b;

	buf_init(&b, 4096);
	ck_assert_int_eq(auval_encode("", 0, &b), 0);
	ck_assert_str_eq(buf_str(&b), "\"\"");
	buf_reset(&b);
	ck_assert_int_eq(auval_encode("a b", 3, &b), 0);
	ck_assert_str_eq(buf_str(&b), "612062");
	buf_reset(&b);
	ck_assert_int_eq(auval_encode("\xfe\x0a", 2, &b), 0);
	ck_assert_str_eq(buf_str(&b), "FE0A");
	buf_free(&b);
	/* A full buffer is an error. */
	buf_init(&b, 4);
	ck_assert_int_eq(auval_encode("abcd", 4, &b), -1);
	ck_assert_int_eq(b.over, 1);
	ck_assert_int_eq(auval_encode("a b", 3, &b), -1);
	buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	/* The exhaustive loops take a few seconds under sanitizers. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_escapes);
	tcase_add_test(tc, test_controls);
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_utf8_invalid);
	tcase_add_test(tc, test_roundtrip_short);
	tcase_add_test(tc, test_roundtrip_codepoints);
	tcase_add_test(tc, test_roundtrip_random);
	tcase_add_test(tc, test_json_hex);
	tcase_add_test(tc, test_json_full);
	tcase_add_test(tc, test_unescape);
	tcase_add_test(tc, test_auval_decode);
	tcase_add_test(tc, test_auval_decode_full);
	tcase_add_test(tc, test_auval_decode_long);
	tcase_add_test(tc, test_auval_hexdigit);
	tcase_add_test(tc, test_auval_needs_hex);
	tcase_add_test(tc, test_auval_roundtrip);
	tcase_add_test(tc, test_auval_encode_form);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
