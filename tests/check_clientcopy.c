/*
 * check_clientcopy: the parts of the client-copy rule (clientcopy.h) that
 * do not need a live process: the gate's listen test on SYSCALL records,
 * the parsers of /proc/PID/fd links and /proc/net/tcp, tcp6 and unix
 * lines (as the kernel prints them, and malformed), and the identity of a
 * file against reference files in a temporary directory -- the real file
 * itself, a copy, a file of the same size and other bytes, another size
 * (no hash), and the cache that hashes each file once.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clientcopy.h"
#include "rawsys.h"
#include "testutil.h"

START_TEST(test_gate)
{
	static const char *const yes[] = {
	    "type=SYSCALL msg=audit(1796274298.308:12345): arch=c000003e "
	    "syscall=50 success=yes exit=0 a0=3 a1=80 items=0 ppid=1 pid=2 "
	    "exe=\"/tmp/x\" key=\"sshwatch-listen\"",
	    "node=h1 type=SYSCALL msg=audit(1796274298.308:1): arch=40000003 "
	    "syscall=363 success=yes exit=0 a0=3",
	    /* Without the header. */
	    "arch=40000003 syscall=363 success=yes exit=0 a0=3",
	    "arch=c00000b7 syscall=201 success=yes exit=0 a0=3",
	    NULL };
	static const char *const no[] = {
	    /* connect, bind; 50 on i386 is getegid; 363 on x86_64. */
	    "arch=c000003e syscall=42 success=yes exit=0 a0=3",
	    "arch=c000003e syscall=49 success=yes exit=0 a0=3",
	    "arch=40000003 syscall=50 success=yes exit=0",
	    "arch=c000003e syscall=363 success=yes exit=0",
	    "arch=c000003e syscall=500 success=yes exit=0",
	    "arch=c000003e success=yes exit=0",
	    "syscall=50 success=yes exit=0",
	    "type=SYSCALL msg=audit(1796274298.308:12345): arch=c000003e "
	    "syscall=43 success=yes exit=0",
	    "", NULL };
	struct rawsys s;
	size_t i;

	for (i = 0; yes[i] != NULL; i++) {
		rawsys_parse(&s, yes[i], strlen(yes[i]));
		ck_assert_msg(clientcopy_gate(&s) == 1, "%s", yes[i]);
	}
	for (i = 0; no[i] != NULL; i++) {
		rawsys_parse(&s, no[i], strlen(no[i]));
		ck_assert_msg(clientcopy_gate(&s) == 0, "%s", no[i]);
	}
}
END_TEST

START_TEST(test_sock_inode)
{
	unsigned long long ino = 0;

	ck_assert_int_eq(clientcopy_sock_inode("socket:[123456]", 15, &ino),
	    0);
	ck_assert_uint_eq(ino, 123456);
	ck_assert_int_eq(clientcopy_sock_inode("socket:[]", 9, &ino), -1);
	ck_assert_int_eq(clientcopy_sock_inode("pipe:[123]", 10, &ino), -1);
	ck_assert_int_eq(clientcopy_sock_inode("socket:[12a]", 12, &ino), -1);
	ck_assert_int_eq(clientcopy_sock_inode("socket:[1", 9, &ino), -1);
	ck_assert_int_eq(clientcopy_sock_inode(
	    "socket:[123456789012345678901234]", 33, &ino), -1);
}
END_TEST

/* A /proc/net/tcp line as the kernel prints it on this host. */
static void
tcp_line(char *out, size_t outsz, const char *addr, unsigned port,
    const char *st, unsigned uid, unsigned long long ino)
{
	struct in_addr a;
	uint32_t w;

	ck_assert_int_eq(inet_pton(AF_INET, addr, &a), 1);
	memcpy(&w, &a, 4);
	snprintf(out, outsz, "   3: %08X:%04X 00000000:0000 %s "
	    "00000000:00000000 00:00000000 00000000 %5u        0 %llu 1 "
	    "0000000000000000 100 0 0 10 0", w, port, st, uid, ino);
}

START_TEST(test_tcp)
{
	struct clientcopy_sock s;
	struct in6_addr a6;
	uint32_t w[4];
	char line[512];

	tcp_line(line, sizeof(line), "127.0.0.1", 2326, "0A", 1001, 987654);
	ck_assert_ptr_null(clientcopy_tcp_line(line, strlen(line), 0, &s));
	ck_assert_int_eq(s.sa.family, SOCKFAM_INET);
	ck_assert_str_eq(s.sa.addr, "127.0.0.1");
	ck_assert_uint_eq(s.sa.port, 2326);
	ck_assert_int_eq(s.listening, 1);
	ck_assert_int_eq(s.uid, 1001);
	ck_assert_uint_eq(s.inode, 987654);

	tcp_line(line, sizeof(line), "0.0.0.0", 1080, "01", 0, 5);
	ck_assert_ptr_null(clientcopy_tcp_line(line, strlen(line), 0, &s));
	ck_assert_str_eq(s.sa.addr, "0.0.0.0");
	ck_assert_int_eq(s.listening, 0);	/* established */

	ck_assert_int_eq(inet_pton(AF_INET6, "::1", &a6), 1);
	memcpy(w, &a6, 16);
	snprintf(line, sizeof(line), "   0: %08X%08X%08X%08X:%04X "
	    "00000000000000000000000000000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000  1001        0 4242 1 0000000000000000 "
	    "100 0 0 10 0", w[0], w[1], w[2], w[3], 2326);
	ck_assert_ptr_null(clientcopy_tcp_line(line, strlen(line), 1, &s));
	ck_assert_int_eq(s.sa.family, SOCKFAM_INET6);
	ck_assert_str_eq(s.sa.addr, "::1");
	ck_assert_uint_eq(s.sa.port, 2326);
	ck_assert_uint_eq(s.inode, 4242);
	/* A v6 line is not a v4 one. */
	ck_assert_ptr_nonnull(clientcopy_tcp_line(line, strlen(line), 0, &s));

	snprintf(line, sizeof(line), "%s", "  sl  local_address rem_address"
	    "   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
	    "inode");
	ck_assert_ptr_nonnull(clientcopy_tcp_line(line, strlen(line), 0, &s));
	snprintf(line, sizeof(line), "%s",
	    "   3: 0100007F:0A26 00000000:0000 0A");
	ck_assert_ptr_nonnull(clientcopy_tcp_line(line, strlen(line), 0, &s));
	snprintf(line, sizeof(line), "%s",
	    "   3: 0100007G:0A26 00000000:0000 0A 0:0 0:0 0 0 0 1");
	ck_assert_ptr_nonnull(clientcopy_tcp_line(line, strlen(line), 0, &s));
	ck_assert_ptr_nonnull(clientcopy_tcp_line("", 0, 0, &s));
}
END_TEST

START_TEST(test_unix)
{
	static const char *l1 = "0000000000000000: 00000002 00000000 00010000 "
	    "0001 01 31337 /home/a/.ssh/ctl.Ab3dEf\n";
	static const char *l2 = "0000000000000000: 00000002 00000000 00000000 "
	    "0002 01 77 @abstract";
	static const char *l3 = "0000000000000000: 00000003 00000000 00000000 "
	    "0001 03 78";
	struct clientcopy_sock s;
	char big[400];

	ck_assert_ptr_null(clientcopy_unix_line(l1, strlen(l1), &s));
	ck_assert_int_eq(s.sa.family, SOCKFAM_UNIX);
	ck_assert_int_eq(s.listening, 1);
	ck_assert_uint_eq(s.inode, 31337);
	ck_assert_str_eq(s.sa.path, "/home/a/.ssh/ctl.Ab3dEf");
	ck_assert_uint_eq(s.sa.pathlen, 23);
	ck_assert_ptr_null(clientcopy_unix_line(l2, strlen(l2), &s));
	ck_assert_int_eq(s.listening, 0);
	ck_assert_int_eq(s.sa.abstract, 1);
	ck_assert_str_eq(s.sa.path, "abstract");
	ck_assert_ptr_null(clientcopy_unix_line(l3, strlen(l3), &s));
	ck_assert_int_eq(s.sa.unnamed, 1);
	ck_assert_ptr_nonnull(clientcopy_unix_line("Num       RefCount "
	    "Protocol Flags    Type St Inode Path", 46, &s));
	/* A path past sun_path's 108 bytes is refused, not cut. */
	snprintf(big, sizeof(big), "0000000000000000: 00000002 00000000 "
	    "00010000 0001 01 9 /%0200d", 0);
	ck_assert_ptr_nonnull(clientcopy_unix_line(big, strlen(big), &s));
}
END_TEST

static char dir[64];

static void
put(const char *name, const char *bytes, size_t n)
{
	char p[128];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, bytes, n), (ssize_t)n);
	close(fd);
}

/* identify() of dir/name against refs; *which set on a copy. */
static int
judge(struct clientcopy *c, const char *name, const char *const *refs,
    size_t nrefs, const char **which)
{
	struct stat st;
	char p[128];
	int fd, rc;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(fstat(fd, &st), 0);
	*which = NULL;
	rc = clientcopy_identify(c, fd, &st, refs, nrefs, which);
	close(fd);
	return rc;
}

START_TEST(test_identify)
{
	struct clientcopy *c = clientcopy_new();
	char ref[128], other[128], *bytes;
	const char *refs[2] = { ref, other }, *which;
	const size_t n = 70000;
	struct timespec ts[2];
	unsigned long long h;
	size_t i;

	snprintf(dir, sizeof(dir), "/tmp/check_clientcopy.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	bytes = malloc(n);
	for (i = 0; i < n; i++)
		bytes[i] = (char)(i * 7 + i / 251);
	put("ssh", bytes, n);
	put("x", bytes, n);		/* cp /usr/bin/ssh ./x */
	put("scp", bytes, 999);		/* another client, another size */
	bytes[n / 2] ^= 1;
	put("same-size", bytes, n);	/* one byte differs */
	put("short", bytes, n - 1);
	snprintf(ref, sizeof(ref), "%s/ssh", dir);
	snprintf(other, sizeof(other), "%s/scp", dir);

	/* The reference itself: the same file, not a copy. */
	ck_assert_int_eq(judge(c, "ssh", refs, 2, &which), 2);
	ck_assert_int_eq(judge(c, "x", refs, 2, &which), 1);
	ck_assert_str_eq(which, ref);
	ck_assert_int_eq(judge(c, "same-size", refs, 2, &which), 0);
	ck_assert_ptr_null(which);
	/* Another size: not hashed at all. */
	h = clientcopy_stats(c)->hashes;
	ck_assert_int_eq(judge(c, "short", refs, 2, &which), 0);
	ck_assert_uint_eq(clientcopy_stats(c)->hashes, h);
	/* Judged before: from the cache, no hash. */
	ck_assert_int_eq(judge(c, "x", refs, 2, &which), 1);
	ck_assert_int_eq(judge(c, "same-size", refs, 2, &which), 0);
	ck_assert_uint_eq(clientcopy_stats(c)->hashes, h);
	/* Rewritten in place (new mtime): hashed again, and now a copy. */
	bytes[n / 2] ^= 1;
	put("same-size", bytes, n);
	ts[0].tv_sec = ts[1].tv_sec = 1000000000;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/same-size", dir);
		ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
	}
	ck_assert_int_eq(judge(c, "same-size", refs, 2, &which), 1);
	ck_assert_uint_eq(clientcopy_stats(c)->hashes, h + 1);
	/* No reference readable: -1, not "no copy". */
	snprintf(other, sizeof(other), "%s/absent", dir);
	refs[0] = other;
	ck_assert_int_eq(judge(c, "x", refs, 1, &which), -1);
	free(bytes);
	clientcopy_free(c);
	tu_rmtemp(dir);
}
END_TEST

START_TEST(test_not_regular)
{
	struct clientcopy *c = clientcopy_new();
	const char *refs[1] = { "/dev/null" }, *which = NULL;
	struct stat st;
	int fd = open("/dev/null", O_RDONLY);

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(clientcopy_identify(c, fd, &st, refs, 1, &which), 0);
	ck_assert_uint_eq(clientcopy_stats(c)->hashes, 0);
	close(fd);
	clientcopy_free(c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("clientcopy");
	TCase *tc = tcase_create("clientcopy");

	tcase_add_test(tc, test_gate);
	tcase_add_test(tc, test_sock_inode);
	tcase_add_test(tc, test_tcp);
	tcase_add_test(tc, test_unix);
	tcase_add_test(tc, test_identify);
	tcase_add_test(tc, test_not_regular);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
