/*
 * check_mountrules: ssh-config-dir-mounted (mountrules.h) on the records
 * the kernel of this project's test VM wrote for the shipped rule
 * (`-S mount,move_mount -F dir=/etc/ssh', tests/remote/redteam_client.sh
 * routes benign-mounts, cfg-sysdir-late and cfg-sysdir-move): mount(2)
 * names its target first, move_mount(2) last; a mount of /etc/ssh
 * elsewhere (its source) is recorded too and is no alert.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cfg.h"
#include "framer.h"
#include "mountrules.h"
#include "pipeline.h"
#include "testutil.h"

static const char elsewhere[] =
    "type=SYSCALL msg=audit(1796276289.460:289526): arch=c000003e sys"
    "call=165 success=yes exit=0 a0=5621af92dc50 a1=5621af92dcb0 a2=5"
    "621af92e960 a3=1000 items=2 ppid=21917 pid=3365 auid=4294967295 "
    "uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(non"
    "e) ses=4294967295 comm=\"mount\" exe=\"/usr/bin/mount\" key=\"ss"
    "hwatch-mount\"\n"
    "type=CWD msg=audit(1796276289.460:289526): cwd=\"/tmp/sshw-redte"
    "am_client.ODq1UJ/w-sshw-rt-a\"\n"
    "type=PATH msg=audit(1796276289.460:289526): item=0 name=\"/tmp/s"
    "shw-redteam_client.ODq1UJ/elsewhere\" inode=10972003 dev=fe:00 m"
    "ode=040755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap"
    "_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
    "type=PATH msg=audit(1796276289.460:289526): item=1 name=\"/etc/s"
    "sh\" inode=948 dev=fe:00 mode=040755 ouid=0 ogid=0 rdev=00:00 na"
    "metype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid="
    "0\n"
    "type=PROCTITLE msg=audit(1796276289.460:289526): proctitle=6D6F7"
    "56E74002D2D62696E64002F6574632F737368002F746D702F737368772D72656"
    "47465616D5F636C69656E742E4F447131554A2F656C73657768657265\n"
    "type=EOE msg=audit(1796276289.460:289526): \n";

static const char over[] =
    "type=SYSCALL msg=audit(1796276289.676:289527): arch=c000003e sys"
    "call=165 success=yes exit=0 a0=561b3e273cb0 a1=561b3e273c50 a2=5"
    "61b3e273c70 a3=1000 items=2 ppid=21917 pid=3477 auid=4294967295 "
    "uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(non"
    "e) ses=4294967295 comm=\"mount\" exe=\"/usr/bin/mount\" key=\"ss"
    "hwatch-mount\"\n"
    "type=CWD msg=audit(1796276289.676:289527): cwd=\"/tmp/sshw-redte"
    "am_client.ODq1UJ/w-sshw-rt-a\"\n"
    "type=PATH msg=audit(1796276289.676:289527): item=0 name=\"/etc/s"
    "sh/ssh_config.d\" inode=1 dev=00:29 mode=040755 ouid=0 ogid=0 rd"
    "ev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 c"
    "ap_frootid=0\n"
    "type=PATH msg=audit(1796276289.676:289527): item=1 name=\"/tmp/s"
    "shw-redteam_client.ODq1UJ/late\" inode=10972002 dev=fe:00 mode=0"
    "40755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0"
    " cap_fe=0 cap_fver=0 cap_frootid=0\n"
    "type=PROCTITLE msg=audit(1796276289.676:289527): proctitle=6D6F7"
    "56E74002D2D62696E64002F746D702F737368772D7265647465616D5F636C696"
    "56E742E4F447131554A2F6C617465002F6574632F7373682F7373685F636F6E6"
    "669672E64\n"
    "type=EOE msg=audit(1796276289.676:289527): \n";

static const char move[] =
    "type=SYSCALL msg=audit(1796276348.868:290918): arch=c000003e sys"
    "call=429 success=yes exit=0 a0=3 a1=a5dac8 a2=ffffffffffffff9c a"
    "3=7fae09285df0 items=1 ppid=3771 pid=5120 auid=4294967295 uid=0 "
    "gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses"
    "=4294967295 comm=\"python3\" exe=\"/usr/bin/python3.11\" key=\"s"
    "shwatch-mount\"\n"
    "type=CWD msg=audit(1796276348.868:290918): cwd=\"/tmp/sshw-redte"
    "am_client.bWvLfl/w-sshw-rt-a\"\n"
    "type=PATH msg=audit(1796276348.868:290918): item=0 name=\"/etc/s"
    "sh\" inode=948 dev=fe:00 mode=040755 ouid=0 ogid=0 rdev=00:00 na"
    "metype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid="
    "0\n"
    "type=PROCTITLE msg=audit(1796276348.868:290918): proctitle=2F757"
    "3722F62696E2F707974686F6E33002D002F746D702F737368772D72656474656"
    "16D5F636C69656E742E6257764C666C2F6C617465002F6574632F737368\n"
    "type=EOE msg=audit(1796276348.868:290918): \n";

static struct buf out;

static void
collect(void *arg, const struct alert *a)
{
	alert_json(a, arg);
}

/* Replays text through the whole pipeline (gate on). */
static void
replay(const char *text)
{
	struct cfg cfg;
	struct users users;
	struct pipeline *pl;
	struct framer *fr;
	const char *p = text, *end = text + strlen(text), *nl;

	buf_reset(&out);
	cfg_defaults(&cfg);
	users_init(&users);
	ck_assert_ptr_nonnull(pl = pipeline_new(&cfg, &users, 902, collect,
	    &out));
	ck_assert_ptr_nonnull(fr = framer_new(&framer_replay_limits,
	    pipeline_event, pl));
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		framer_line(fr, p, (size_t)((nl ? nl : end) - p));
		p = nl ? nl + 1 : end;
	}
	framer_flush(fr);
	framer_free(fr);
	pipeline_free(pl);
	cfg_free(&cfg);
	users_free(&users);
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

/*
 * text with every from replaced by to (into a static buffer; text may be
 * an earlier result, so it is copied first).
 */
static const char *
edit(const char *text, const char *from, const char *to)
{
	static char b[8192], in[8192];
	const char *p = in, *q;
	size_t n = 0, fl = strlen(from), tl = strlen(to);

	ck_assert_uint_lt(strlen(text), sizeof(in));
	memmove(in, text, strlen(text) + 1);

	while ((q = strstr(p, from)) != NULL) {
		ck_assert_uint_lt(n + (size_t)(q - p) + tl, sizeof(b));
		memcpy(b + n, p, (size_t)(q - p));
		n += (size_t)(q - p);
		memcpy(b + n, to, tl);
		n += tl;
		p = q + fl;
	}
	ck_assert_uint_lt(n + strlen(p), sizeof(b));
	memcpy(b + n, p, strlen(p) + 1);
	return b;
}

/* mount --bind DIR /etc/ssh/ssh_config.d: the target is item 0. */
START_TEST(test_bind_over)
{
	replay(over);
	ck_assert_msg(count("\"rule\":\"ssh-config-dir-mounted\"") == 1, "%s",
	    buf_str(&out));
	ck_assert_int_eq(count("\"severity\":\"high\""), 1);
	ck_assert_int_eq(count("\"match\":[\"/etc/ssh/ssh_config.d\"]"), 1);
	ck_assert_int_eq(count("\"operation\":\"mount\""), 1);
	ck_assert_int_eq(count("\"T1562.001\""), 1);
	ck_assert_int_eq(count("\"T1098.004\""), 1);
	/* Failed: nothing mounted. */
	replay(edit(over, "success=yes exit=0", "success=no exit=-2"));
	ck_assert_int_eq(count("ssh-config-dir-mounted"), 0);
	/* A relative target, in /etc/ssh. */
	replay(edit(edit(over, "name=\"/etc/ssh/ssh_config.d\"",
	    "name=\"ssh_config.d\""), "cwd=\"/tmp/sshw-redteam_client.ODq1UJ/"
	    "w-sshw-rt-a\"", "cwd=\"/etc/ssh\""));
	ck_assert_int_eq(count("\"match\":[\"/etc/ssh/ssh_config.d\"]"), 1);
}
END_TEST

/* mount --bind /etc/ssh DIR: /etc/ssh is the source, item 1. */
START_TEST(test_bind_elsewhere)
{
	replay(elsewhere);
	ck_assert_msg(count("ssh-config-dir-mounted") == 0, "%s",
	    buf_str(&out));
}
END_TEST

/* open_tree + move_mount onto /etc/ssh: the target is the last name. */
START_TEST(test_move_mount)
{
	replay(move);
	ck_assert_msg(count("\"rule\":\"ssh-config-dir-mounted\"") == 1, "%s",
	    buf_str(&out));
	ck_assert_int_eq(count("\"match\":[\"/etc/ssh\"]"), 1);
	ck_assert_int_eq(count("\"operation\":\"move_mount\""), 1);
	/* Through /proc/self/root. */
	replay(edit(move, "name=\"/etc/ssh\"",
	    "name=\"/proc/self/root/etc//ssh/\""));
	ck_assert_int_eq(count("\"match\":[\"/etc/ssh\"]"), 1);
	/* A name that only starts like it. */
	replay(edit(move, "name=\"/etc/ssh\"", "name=\"/etc/sshx\""));
	ck_assert_int_eq(count("ssh-config-dir-mounted"), 0);
}
END_TEST

START_TEST(test_gate_name)
{
	ck_assert_int_eq(mountrules_gate_name("/etc/ssh", 8, NULL, 0), 1);
	ck_assert_int_eq(mountrules_gate_name("/etc/ssh/a/b", 12, NULL, 0),
	    1);
	ck_assert_int_eq(mountrules_gate_name("/etc/sshd", 9, NULL, 0), 0);
	ck_assert_int_eq(mountrules_gate_name("/tmp/ssh", 8, NULL, 0), 0);
	ck_assert_int_eq(mountrules_gate_name("x", 1, "/etc/ssh", 8), 1);
	ck_assert_int_eq(mountrules_gate_name("ssh", 3, "/etc", 4), 1);
	ck_assert_int_eq(mountrules_gate_name("ssh", 3, NULL, 0), 0);
	ck_assert_int_eq(mountrules_gate_name("/etc/x/../ssh", 13, NULL, 0),
	    1);
	ck_assert_int_eq(mountrules_gate_name("", 0, "/etc/ssh", 8), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("mountrules");
	TCase *tc = tcase_create("core");

	buf_init(&out, 1 << 20);
	tcase_add_test(tc, test_bind_over);
	tcase_add_test(tc, test_bind_elsewhere);
	tcase_add_test(tc, test_move_mount);
	tcase_add_test(tc, test_gate_name);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
