/*
 * check_rules: rules on hand-typed records, for the corners a capture does
 * not easily produce (openat2, a hard-link trick, ld.so, deleted binaries,
 * i386, forged bytes).  Detection itself is proven on real captures in
 * check_fixtures; these records follow the shapes seen there.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "testutil.h"

#define SC(serial, sc, a0, a1, a2, ok, extra) \
	"type=SYSCALL msg=audit(1.000:" serial "): arch=c000003e syscall=" sc \
	" success=" ok " exit=3 a0=" a0 " a1=" a1 " a2=" a2 " a3=0 items=2 " \
	"ppid=1 pid=50 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 " \
	"fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 " \
	"comm=\"x\" exe=\"/usr/bin/x\" key=(null)" extra "\n"
#define CWD(serial, dir) \
	"type=CWD msg=audit(1.000:" serial "): cwd=\"" dir "\"\n"
#define PATH(serial, item, name, ino, nt) \
	"type=PATH msg=audit(1.000:" serial "): item=" item " name=" name \
	" inode=" ino " dev=fe:00 mode=0100600 ouid=1000 ogid=1000 " \
	"rdev=00:00 nametype=" nt "\n"
#define EXEC(serial, exe, uid, argv) \
	"type=SYSCALL msg=audit(2.000:" serial "): arch=c000003e syscall=59 " \
	"success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=60 " \
	"auid=" uid " uid=" uid " gid=0 euid=" uid " suid=0 fsuid=0 egid=0 " \
	"sgid=0 fsgid=0 tty=pts0 ses=4 comm=\"ssh\" exe=" exe " key=(null)\n" \
	"type=EXECVE msg=audit(2.000:" serial "): " argv "\n" \
	"type=CWD msg=audit(2.000:" serial "): cwd=\"/home/alice\"\n"

static struct buf out;

/* Replays text and keeps the JSON alerts in out. */
static void
replay(const char *text)
{
	buf_reset(&out);
	ck_assert_int_eq(tu_replay_text(text, strlen(text), 902, &out), 0);
	if (out.p == NULL)
		buf_add(&out, "", 0);
}

static int
count(const char *needle)
{
	const char *p = buf_str(&out);
	int n = 0;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p++;
	}
	return n;
}

static void
setup(void)
{
	buf_init(&out, 16 << 20);
}

static void
teardown(void)
{
	buf_free(&out);
}

/* openat2's flags are in a struct: the OPENAT2 record (octal) has them. */
START_TEST(test_openat2)
{
	replay(SC("1", "437", "ffffff9c", "7f00", "7f10", "yes", "")
	    "type=OPENAT2 msg=audit(1.000:1): oflag=02001 mode=0 "
	    "resolve=0x0\n"
	    CWD("1", "/")
	    PATH("1", "0", "\"/home/a/.ssh/authorized_keys\"", "42", "NORMAL")
	    SC("2", "437", "ffffff9c", "7f00", "7f10", "yes", "")
	    "type=OPENAT2 msg=audit(1.000:2): oflag=0 mode=0 resolve=0x0\n"
	    PATH("2", "0", "\"/home/a/.ssh/authorized_keys\"", "42", "NORMAL")
	    SC("3", "437", "ffffff9c", "7f00", "7f10", "yes", "")
	    PATH("3", "0", "\"/home/a/.ssh/authorized_keys\"", "42", "NORMAL"));
	ck_assert_int_eq(count("\"rule\":\"authorized-keys-write\""), 2);
	ck_assert_int_eq(count("\"serial\":1,"), 1);
	ck_assert_int_eq(count("\"operation\":\"append\""), 1);
	ck_assert_int_eq(count("\"serial\":2,"), 0);		/* a read */
	ck_assert_int_eq(count("\"note\":\"open flags not logged\""), 1);
}
END_TEST

/* cat (learn the inode), ln to /tmp, then append through /tmp/x. */
START_TEST(test_hardlink_trick)
{
	replay(SC("1", "257", "ffffff9c", "7f00", "0", "yes", "")
	    CWD("1", "/home/a")
	    PATH("1", "0", "\".ssh/authorized_keys\"", "42", "NORMAL")
	    SC("2", "265", "ffffff9c", "7f00", "ffffff9c", "yes", "")
	    CWD("2", "/home/a")
	    PATH("2", "0", "\"/tmp/\"", "7", "PARENT")
	    PATH("2", "1", "\"/home/a/.ssh/authorized_keys\"", "42", "NORMAL")
	    PATH("2", "2", "\"/tmp/x\"", "42", "CREATE")
	    SC("3", "257", "ffffff9c", "7f00", "441", "yes", "")
	    CWD("3", "/tmp")
	    PATH("3", "0", "\"x\"", "42", "NORMAL"));
	ck_assert_int_eq(count("\"rule\":\"authorized-keys-link\""), 1);
	ck_assert_int_eq(count("\"rule\":\"authorized-keys-write\""), 1);
	ck_assert_int_eq(count("\"serial\":3,"), 1);
	ck_assert_int_eq(count("\"target\":\"/home/a/.ssh/authorized_keys\""),
	    2);
	ck_assert_int_eq(count("\"path\":\"/tmp/x\""), 2);
}
END_TEST

/* After the file is renamed away its inode no longer means anything. */
START_TEST(test_rename_away_forgets)
{
	replay(SC("1", "257", "ffffff9c", "7f00", "0", "yes", "")
	    CWD("1", "/")
	    PATH("1", "0", "\"/home/a/.ssh/authorized_keys\"", "42", "NORMAL")
	    SC("2", "82", "7f00", "7f10", "0", "yes", "")
	    CWD("2", "/")
	    PATH("2", "0", "\"/home/a/.ssh/\"", "7", "PARENT")
	    PATH("2", "1", "\"/home/a/.ssh/\"", "7", "PARENT")
	    PATH("2", "2", "\"/home/a/.ssh/authorized_keys\"", "42", "DELETE")
	    PATH("2", "3", "\"/home/a/.ssh/ak.old\"", "42", "CREATE")
	    SC("3", "257", "ffffff9c", "7f00", "441", "yes", "")
	    CWD("3", "/")
	    PATH("3", "0", "\"/home/a/.ssh/ak.old\"", "42", "NORMAL"));
	ck_assert_uint_eq(out.len, 0);
}
END_TEST

START_TEST(test_dirfd)
{
	replay(SC("1", "257", "3", "7f00", "441", "yes", "")
	    CWD("1", "/srv")
	    PATH("1", "0", "\"authorized_keys\"", "42", "NORMAL")
	    SC("2", "257", "3", "7f00", "441", "yes", "")
	    CWD("2", "/srv")
	    PATH("2", "0", "\"notes.txt\"", "43", "NORMAL")
	    SC("3", "257", "3", "7f00", "441", "yes", "")
	    CWD("3", "/srv")
	    PATH("3", "0", "\"x/authorized_keys\"", "44", "NORMAL"));
	ck_assert_int_eq(count("\"rule\":\"authorized-keys-write\""), 1);
	ck_assert_int_eq(count("\"resolved\":false,\"dirfd\":3"), 1);
	ck_assert_int_eq(count("\"confidence\":\"medium\""), 1);
}
END_TEST

START_TEST(test_failed_write)
{
	replay(SC("1", "257", "ffffff9c", "7f00", "441", "no", "")
	    CWD("1", "/")
	    PATH("1", "0", "\"/home/a/.ssh/authorized_keys\"", "42", "NORMAL"));
	ck_assert_uint_eq(out.len, 0);
}
END_TEST

/* i386: syscall 5 is open there; flags are a1. */
START_TEST(test_i386_open)
{
	replay("type=SYSCALL msg=audit(1.000:1): arch=40000003 syscall=5 "
	    "success=yes exit=3 a0=8000 a1=401 a2=1b6 a3=0 items=1 ppid=1 "
	    "pid=5 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 "
	    "fsgid=0 tty=pts0 ses=1 comm=\"sh\" exe=\"/bin/sh\" key=(null)\n"
	    CWD("1", "/root")
	    PATH("1", "0", "\".ssh/authorized_keys2\"", "9", "NORMAL"));
	ck_assert_int_eq(count("\"syscall\":\"open\""), 1);
	ck_assert_int_eq(count("\"path\":\"/root/.ssh/authorized_keys2\""), 1);
}
END_TEST

/* ld.so running ssh is ssh; a deleted ssh binary is ssh; argv[0] is not. */
START_TEST(test_program_identity)
{
	replay(EXEC("1", "\"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\"",
	    "1000", "argc=7 a0=\"ld.so\" a1=\"--library-path\" a2=\"/x\" "
	    "a3=\"/usr/bin/ssh\" a4=\"-D\" a5=\"1080\" a6=\"h\"")
	    EXEC("2", "2F7573722F62696E2F7373682028646" "56C6574656429", "1000",
	    "argc=3 a0=\"ssh\" a1=\"-NR9000\" a2=\"h\"")
	    EXEC("3", "\"/usr/bin/true\"", "1000",
	    "argc=4 a0=\"ssh\" a1=\"-D\" a2=\"1080\" a3=\"h\""));
	ck_assert_int_eq(count("\"rule\":\"ssh-dynamic-forward\""), 1);
	ck_assert_int_eq(count("\"via\":\"ld.so\""), 1);
	ck_assert_int_eq(count("\"rule\":\"ssh-remote-forward\""), 1);
	ck_assert_int_eq(count("\"serial\":3,"), 0);
}
END_TEST

/* ENRICHED user names decide whose home a key is in. */
START_TEST(test_key_owner_from_enriched)
{
	replay("type=SYSCALL msg=audit(2.000:1): arch=c000003e syscall=59 "
	    "success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=60 "
	    "auid=1001 uid=1001 gid=0 euid=1001 suid=0 fsuid=0 egid=0 sgid=0 "
	    "fsgid=0 tty=pts0 ses=4 comm=\"ssh\" exe=\"/usr/bin/ssh\" "
	    "key=(null)\x1d" "ARCH=x86_64 SYSCALL=execve AUID=\"bob\" "
	    "UID=\"bob\"\n"
	    "type=EXECVE msg=audit(2.000:1): argc=4 a0=\"ssh\" a1=\"-i\" "
	    "a2=\"/home/alice/.ssh/id_ed25519\" a3=\"h\"\n"
	    CWD("1", "/home/bob")
	    "type=SYSCALL msg=audit(2.000:2): arch=c000003e syscall=59 "
	    "success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=61 "
	    "auid=1001 uid=1001 gid=0 euid=1001 suid=0 fsuid=0 egid=0 sgid=0 "
	    "fsgid=0 tty=pts0 ses=4 comm=\"ssh\" exe=\"/usr/bin/ssh\" "
	    "key=(null)\x1d" "ARCH=x86_64 SYSCALL=execve AUID=\"bob\" "
	    "UID=\"bob\"\n"
	    "type=EXECVE msg=audit(2.000:2): argc=4 a0=\"ssh\" a1=\"-i\" "
	    "a2=\"~/.ssh/id_ed25519\" a3=\"h\"\n"
	    CWD("2", "/home/bob"));
	ck_assert_int_eq(count("\"location\":\"other-user-home\""), 1);
	ck_assert_int_eq(count("\"path\":\"/home/bob/.ssh/id_ed25519\","
	    "\"location\":\"own-home\""), 1);
	ck_assert_int_eq(count("\"user\":\"bob\""), 2);
}
END_TEST

/* Invalid UTF-8 and control bytes: valid JSON, exact bytes in argv_hex. */
START_TEST(test_forged_bytes)
{
	const char *p, *end;

	replay(EXEC("1", "\"/usr/bin/ssh\"", "1000", "argc=4 a0=\"ssh\" "
	    "a1=\"-D1080\" a2=\"h\" a3=0A22FF7D2C2274696D65223A2231"));
	ck_assert_int_eq(count("\"rule\":\"ssh-dynamic-forward\""), 1);
	ck_assert_int_eq(count("\"argv_hex\":[\"737368\",\"2D4431303830\","
	    "\"68\",\"0A22FF7D2C2274696D65223A2231\"]"), 1);
	ck_assert_int_eq(count("\"\\n\\\"\xef\xbf\xbd},\\\"time\\\":\\\"1\""),
	    1);
	/* One line: no raw newline inside the object. */
	end = strchr(out.p, '\n');
	ck_assert_ptr_nonnull(end);
	ck_assert_uint_eq((size_t)(end - out.p) + 1, out.len);
	for (p = out.p; p < end; p++)
		ck_assert_int_ge((unsigned char)*p, 0x20);
}
END_TEST

/* Options past the argv cap cannot hide: the alert says so. */
START_TEST(test_truncated_argv)
{
	struct buf t;
	int i;

	buf_init(&t, 8 << 20);
	buf_adds(&t, "type=SYSCALL msg=audit(2.000:1): arch=c000003e "
	    "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 "
	    "ppid=1 pid=60 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 "
	    "sgid=0 fsgid=0 tty=pts0 ses=4 comm=\"ssh\" exe=\"/usr/bin/ssh\" "
	    "key=(null)\ntype=EXECVE msg=audit(2.000:1): argc=20002 "
	    "a0=\"ssh\"");
	for (i = 1; i <= 20000; i++)
		buf_addf(&t, " a%d=\"-v\"", i);
	buf_adds(&t, " a20001=\"-D1080\"\n");
	buf_adds(&t, CWD("1", "/"));
	replay(t.p);
	ck_assert_int_eq(count("\"rule\":\"ssh-argv-truncated\""), 1);
	ck_assert_int_eq(count("\"truncated\":true"), 1);
	buf_free(&t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_openat2);
	tcase_add_test(tc, test_hardlink_trick);
	tcase_add_test(tc, test_rename_away_forgets);
	tcase_add_test(tc, test_dirfd);
	tcase_add_test(tc, test_failed_write);
	tcase_add_test(tc, test_i386_open);
	tcase_add_test(tc, test_program_identity);
	tcase_add_test(tc, test_key_owner_from_enriched);
	tcase_add_test(tc, test_forged_bytes);
	tcase_add_test(tc, test_truncated_argv);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
