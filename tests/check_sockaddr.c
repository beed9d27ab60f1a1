/*
 * check_sockaddr: the SOCKADDR saddr= decoder (sockaddr.h), on values as
 * the kernel logs them (those of tests/fixtures/sock/ among them) and on
 * malformed and oversized ones, which must be refused with a reason.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "sockaddr.h"
#include "testutil.h"

struct sa_case {
	const char	*hex;
	enum sockfam	 family;
	const char	*addr;		/* or path for unix */
	unsigned	 port;
	int		 abstract;
	int		 loopback, any;
};

static const struct sa_case good[] = {
	/* 127.0.0.1:2301, as connect(2) of an ssh client logs it. */
	{ "020008FD7F0000010000000000000000", SOCKFAM_INET, "127.0.0.1",
	    2301, 0, 1, 0 },
	{ "020004380000000000000000000000000", SOCKFAM_NONE, NULL, 0, 0, 0,
	    0 },	/* odd length: refused (see bad[] too) */
	{ "02000438000000000000000000000000", SOCKFAM_INET, "0.0.0.0", 1080,
	    0, 0, 1 },
	{ "02000050C0A80105", SOCKFAM_INET, "192.168.1.5", 80, 0, 0, 0 },
	/* [::1]:22 with flowinfo and scope id. */
	{ "0A000016000000000000000000000000000000000000000100000000",
	    SOCKFAM_INET6, "::1", 22, 0, 1, 0 },
	{ "0A0004380000000000000000000000000000000000000000",
	    SOCKFAM_INET6, "::", 1080, 0, 0, 1 },
	{ "0A0000160000000000000000000000000000FFFF7F00000200000000",
	    SOCKFAM_INET6, "::ffff:127.0.0.2", 22, 0, 1, 0 },
	/* A path, NUL-terminated or not; an abstract name; autobind. */
	{ "01002F746D702F7373682D41422F6167656E742E313200",
	    SOCKFAM_UNIX, "/tmp/ssh-AB/agent.12", 0, 0, 0, 0 },
	{ "01002F72756E2F757365722F313030302F67", SOCKFAM_UNIX,
	    "/run/user/1000/g", 0, 0, 0, 0 },
	{ "0100006162630064", SOCKFAM_UNIX, "abc", 0, 1, 0, 0 },
	{ "0100", SOCKFAM_UNIX, "", 0, 0, 0, 0 },
	/* AF_UNSPEC (a UDP disconnect), AF_NETLINK. */
	{ "0000", SOCKFAM_OTHER, "", 0, 0, 0, 0 },
	{ "100000000000000000000000", SOCKFAM_OTHER, "", 0, 0, 0, 0 },
};

START_TEST(test_good)
{
	const struct sa_case *c = &good[_i];
	struct sockaddr_info sa;
	const char *err;

	err = sockaddr_parse(c->hex, strlen(c->hex), &sa);
	if (c->addr == NULL) {
		ck_assert_ptr_nonnull(err);
		ck_assert_int_eq(sa.family, SOCKFAM_NONE);
		return;
	}
	ck_assert_msg(err == NULL, "%s: %s", c->hex, err);
	ck_assert_int_eq(sa.family, c->family);
	if (c->family == SOCKFAM_UNIX) {
		ck_assert_str_eq(sa.path, c->addr);
		ck_assert_uint_eq(sa.pathlen, strlen(c->addr));
		ck_assert_int_eq(sa.abstract, c->abstract);
		ck_assert_int_eq(sa.unnamed, strlen(c->addr) == 0 &&
		    !c->abstract);
	} else if (c->family != SOCKFAM_OTHER) {
		ck_assert_str_eq(sa.addr, c->addr);
	}
	ck_assert_uint_eq(sa.port, c->port);
	ck_assert_int_eq(sockaddr_is_loopback(&sa), c->loopback);
	ck_assert_int_eq(sockaddr_is_any(&sa), c->any);
}
END_TEST

static const char *const bad[] = {
	"", "0", "02", "0200GG", "02000016",		/* short sockaddr_in */
	"0A000016000000000000000000000000",		/* short in6 */
	"0A00001600000000000000000000000000000000000000", /* 23 bytes */
	"zz00",
};

START_TEST(test_bad)
{
	struct sockaddr_info sa;

	ck_assert_ptr_nonnull(sockaddr_parse(bad[_i], strlen(bad[_i]), &sa));
	ck_assert_int_eq(sa.family, SOCKFAM_NONE);
}
END_TEST

/* The cap: one byte over SOCKADDR_MAX_BYTES is refused, the cap is not. */
START_TEST(test_cap)
{
	char hex[2 * SOCKADDR_MAX_BYTES + 3];
	struct sockaddr_info sa;
	size_t i;

	memcpy(hex, "0100", 4);
	for (i = 4; i < sizeof(hex) - 1; i++)
		hex[i] = (i % 2) ? '1' : '6';
	hex[sizeof(hex) - 1] = '\0';
	ck_assert_ptr_nonnull(sockaddr_parse(hex, 2 * SOCKADDR_MAX_BYTES + 2,
	    &sa));
	ck_assert_ptr_null(sockaddr_parse(hex, 2 * SOCKADDR_MAX_BYTES, &sa));
	ck_assert_int_eq(sa.family, SOCKFAM_UNIX);
	/* 126 name bytes, kept to sun_path's 108. */
	ck_assert_uint_eq(sa.pathlen, SOCKADDR_MAX_PATH);
	ck_assert_uint_eq(strlen(sa.path), SOCKADDR_MAX_PATH);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(sockaddr_family_name(SOCKFAM_UNIX), "unix");
	ck_assert_str_eq(sockaddr_family_name(SOCKFAM_INET6), "inet6");
	ck_assert_str_eq(sockaddr_family_name(SOCKFAM_NONE), "none");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sockaddr");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_good, 0,
	    (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_loop_test(tc, test_bad, 0,
	    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
