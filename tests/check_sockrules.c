/*
 * check_sockrules: the socket and copy rules (sockrules.h) and the client
 * identity table (binids.h).
 *
 * Unit cases are events written like the kernel's (the fields of
 * tests/fixtures/sock/, values changed), run through the whole replay
 * pipeline, gate included: each rule fires where it should, and the look-
 * alikes (a source bind, glibc's UDP probe, a pre-auth sshd, a root
 * socket, the loader running ssh, another program) do not.  Then the
 * gate's property on the real socket capture: the same alerts with and
 * without it.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "binids.h"
#include "buf.h"
#include "cfg.h"
#include "framer.h"
#include "pipeline.h"
#include "record.h"
#include "replay.h"
#include "testutil.h"
#include "users.h"

#define SYS(ser, sc, res, ex, uid, ses, exe) \
	"type=SYSCALL msg=audit(100.000:" ser "): arch=c000003e syscall=" sc \
	" success=" res " exit=" ex " a0=3 a1=7ffd a2=10 a3=0 items=1 " \
	"ppid=1 pid=" ser "00 auid=" uid " uid=" uid " gid=" uid " euid=" uid \
	" suid=" uid " fsuid=" uid " egid=" uid " sgid=" uid " fsgid=" uid \
	" tty=(none) ses=" ses " comm=\"x\" exe=\"" exe "\" key=(null)\n"
#define SADDR(ser, hex) "type=SOCKADDR msg=audit(100.000:" ser "): saddr=" \
	hex "\n"
#define PATHR(ser, name, ino, mode, ouid) "type=PATH msg=audit(100.000:" ser \
	"): item=0 name=\"" name "\" inode=" ino " dev=fe:00 mode=" mode \
	" ouid=" ouid " ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 " \
	"cap_fe=0 cap_fver=0 cap_frootid=0\n"

#define IN_LO_1080	"020004387F0000010000000000000000"
#define IN_ANY_1080	"02000438000000000000000000000000"
#define IN_LO_0		"020000007F0000010000000000000000"
#define IN_10_22	"020000160A0000050000000000000000"
#define NETLINK		"100000000000000000000000"
/* /tmp/ssh-AB/agent.12, /run/x.sock, ./ctl.NVM1R9XVlM5S3xCR */
#define UN_AGENT	"01002F746D702F7373682D41422F6167656E742E313200"
#define UN_RUN		"01002F72756E2F782E736F636B00"
#define UN_CTL		"01002E2F63746C2E4E564D3152395856" \
			"6C4D3553337843520000"

static struct buf out;

static const char *
run(const char *text)
{
	buf_reset(&out);
	ck_assert_int_eq(tu_replay_text(text, strlen(text), 0, &out), 0);
	return buf_str(&out);
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

START_TEST(test_client_bind)
{
	const char *o;

	o = run(SYS("1", "49", "yes", "0", "1000", "3", "/usr/bin/ssh")
	    SADDR("1", IN_LO_1080));
	ck_assert_int_eq(count(o, "\"rule\":\"ssh-forward-listen\","
	    "\"severity\":\"low\""), 1);
	ck_assert_int_eq(count(o, "\"socket\":{\"operation\":\"bind\","
	    "\"family\":\"inet\",\"address\":\"127.0.0.1\",\"port\":1080}"), 1);
	o = run(SYS("1", "49", "yes", "0", "1000", "3", "/usr/bin/ssh")
	    SADDR("1", IN_ANY_1080));
	ck_assert_int_eq(count(o, "\"rule\":\"ssh-forward-listen\","
	    "\"severity\":\"high\""), 1);
	/* ENRICHED: the SADDR={...} interpretation after the raw value. */
	o = run(SYS("1", "49", "yes", "0", "1000", "3", "/usr/bin/ssh")
	    "type=SOCKADDR msg=audit(100.000:1): saddr=" IN_LO_1080
	    "\035SADDR={ saddr_fam=inet laddr=127.0.0.1 lport=1080 }\n");
	ck_assert_int_eq(count(o, "\"address\":\"127.0.0.1\",\"port\":1080"),
	    1);
	/* A source address (-b), a netlink socket, a failed bind. */
	ck_assert_str_eq(run(SYS("1", "49", "yes", "0", "1000", "3",
	    "/usr/bin/ssh") SADDR("1", IN_LO_0)), "");
	ck_assert_str_eq(run(SYS("1", "49", "yes", "0", "1000", "3",
	    "/usr/bin/ssh") SADDR("1", NETLINK)), "");
	ck_assert_str_eq(run(SYS("1", "49", "no", "-98", "1000", "3",
	    "/usr/bin/ssh") SADDR("1", IN_ANY_1080)), "");
	/* Another program binding the same port. */
	ck_assert_str_eq(run(SYS("1", "49", "yes", "0", "1000", "3",
	    "/usr/bin/python3") SADDR("1", IN_ANY_1080)), "");
	/* A control socket's temporary name; a unix forward. */
	o = run(SYS("1", "49", "yes", "0", "1000", "3", "/usr/bin/ssh")
	    SADDR("1", UN_CTL));
	ck_assert_int_eq(count(o, "\"rule\":\"ssh-control-master\","
	    "\"severity\":\"info\""), 1);
	o = run(SYS("1", "49", "yes", "0", "1000", "3", "/usr/bin/ssh")
	    SADDR("1", UN_RUN));
	ck_assert_int_eq(count(o, "\"rule\":\"ssh-forward-listen\","
	    "\"severity\":\"low\""), 1);
}
END_TEST

START_TEST(test_agent)
{
	const char *o;

	/* root on sk-b's agent: high, the owner from the PATH record. */
	o = run(SYS("1", "42", "yes", "0", "0", "3", "/usr/bin/ssh")
	    SADDR("1", UN_AGENT)
	    PATHR("1", "/tmp/ssh-AB/agent.12", "9", "0140600", "1002"));
	ck_assert_int_eq(count(o, "\"rule\":\"ssh-agent-hijack\","
	    "\"severity\":\"high\",\"confidence\":\"high\""), 1);
	ck_assert_int_eq(count(o, "\"owner_uid\":1002"), 1);
	/* The owner on its own agent; ssh-add too. */
	ck_assert_str_eq(run(SYS("1", "42", "yes", "0", "1002", "3",
	    "/usr/bin/ssh-add") SADDR("1", UN_AGENT)
	    PATHR("1", "/tmp/ssh-AB/agent.12", "9", "0140600", "1002")), "");
	/* A root system socket is not judged. */
	ck_assert_str_eq(run(SYS("1", "42", "yes", "0", "1000", "3",
	    "/usr/bin/ssh") SADDR("1", UN_RUN)
	    PATHR("1", "/run/x.sock", "9", "0140666", "0")), "");
	/* Refused by the socket's directory (0700): an attempt, medium. */
	o = run(SYS("1", "42", "no", "-13", "1000", "3", "/usr/bin/ssh")
	    SADDR("1", UN_AGENT));
	ck_assert_int_eq(count(o, "\"rule\":\"ssh-agent-hijack\","
	    "\"severity\":\"medium\""), 1);
	ck_assert_int_eq(count(o, "an attempt"), 1);
	/* Other failures are not reported. */
	ck_assert_str_eq(run(SYS("1", "42", "no", "-111", "1000", "3",
	    "/usr/bin/ssh") SADDR("1", UN_AGENT)), "");
	/* No PATH record: judged by the path, confidence medium. */
	o = run(SYS("1", "42", "yes", "0", "0", "3", "/usr/bin/ssh")
	    SADDR("1", UN_AGENT));
	ck_assert_int_eq(count(o, "\"rule\":\"ssh-agent-hijack\","
	    "\"severity\":\"medium\",\"confidence\":\"medium\""), 1);
}
END_TEST

START_TEST(test_sshd)
{
	const char *o;

	/* direct-tcpip: non-blocking connect of a session's sshd. */
	o = run(SYS("1", "42", "no", "-115", "1000", "7", "/usr/sbin/sshd")
	    SADDR("1", IN_10_22));
	ck_assert_int_eq(count(o, "\"rule\":\"sshd-tunnel-connect\","
	    "\"severity\":\"high\""), 1);
	/* glibc's UDP probe; the pre-auth or listening sshd. */
	ck_assert_str_eq(run(SYS("1", "42", "yes", "0", "1000", "7",
	    "/usr/sbin/sshd") SADDR("1", IN_10_22)), "");
	ck_assert_str_eq(run(SYS("1", "42", "no", "-115", "0", "4294967295",
	    "/usr/sbin/sshd") SADDR("1", IN_10_22)), "");
	ck_assert_str_eq(run(SYS("1", "49", "yes", "0", "0", "4294967295",
	    "/usr/sbin/sshd") SADDR("1", IN_ANY_1080)), "");
	/* -R with GatewayPorts: every address, high. */
	o = run(SYS("1", "49", "yes", "0", "1000", "7", "/usr/sbin/sshd")
	    SADDR("1", IN_ANY_1080));
	ck_assert_int_eq(count(o, "\"rule\":\"sshd-tunnel-listen\","
	    "\"severity\":\"high\""), 1);
	/* Agent forwarding's socket is not a -R. */
	ck_assert_str_eq(run(SYS("1", "49", "yes", "0", "1000", "7",
	    "/usr/sbin/sshd") SADDR("1", UN_AGENT)), "");
}
END_TEST

#define OPENR(ser, exe) \
	"type=SYSCALL msg=audit(100.000:" ser "): arch=c000003e syscall=257 " \
	"success=yes exit=3 a0=ffffff9c a1=7ffd a2=0 a3=0 items=1 ppid=1 " \
	"pid=" ser "00 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 " \
	"fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=(none) ses=3 " \
	"comm=\"x\" exe=\"" exe "\" key=(null)\n" \
	"type=CWD msg=audit(100.000:" ser "): cwd=\"/tmp\"\n" \
	PATHR(ser, "/usr/bin/ssh", "77", "0100755", "0")

START_TEST(test_copied)
{
	const char *o;

	o = run(OPENR("1", "/usr/bin/cp"));
	ck_assert_int_eq(count(o, "\"rule\":\"ssh-client-copied\","
	    "\"severity\":\"medium\""), 1);
	o = run(OPENR("1", "/usr/bin/dpkg"));
	ck_assert_int_eq(count(o, "\"rule\":\"ssh-client-copied\","
	    "\"severity\":\"low\""), 1);
	o = run(OPENR("1", "/usr/bin/sha256sum"));
	ck_assert_int_eq(count(o, "\"rule\":\"ssh-client-copied\","
	    "\"severity\":\"low\""), 1);
	ck_assert_str_eq(run(OPENR("1",
	    "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")), "");
}
END_TEST

#define EXECR(ser, exe, name, argv) \
	"type=SYSCALL msg=audit(100.000:" ser "): arch=c000003e syscall=59 " \
	"success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=1 pid=" ser "00 " \
	"auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 " \
	"egid=1000 sgid=1000 fsgid=1000 tty=(none) ses=3 comm=\"x\" " \
	"exe=\"" exe "\" key=(null)\n" \
	"type=EXECVE msg=audit(100.000:" ser "): " argv "\n" \
	"type=CWD msg=audit(100.000:" ser "): cwd=\"/tmp\"\n" \
	PATHR(ser, name, "77", "0100755", "0")

/* A hard link of ssh: known by the inode an earlier exec of ssh showed. */
START_TEST(test_hardlink)
{
	const char *o;

	o = run(EXECR("1", "/usr/bin/ssh", "/usr/bin/ssh",
	    "argc=2 a0=\"ssh\" a1=\"-V\"")
	    EXECR("2", "/tmp/hl", "./hl",
	    "argc=4 a0=\"./hl\" a1=\"-D\" a2=\"1080\" a3=\"h\"")
	    SYS("3", "49", "yes", "0", "1000", "3", "/tmp/hl")
	    SADDR("3", IN_LO_1080));
	ck_assert_int_eq(count(o, "\"rule\":\"ssh-dynamic-forward\""), 1);
	ck_assert_int_eq(count(o, "\"rule\":\"ssh-forward-listen\""), 1);
	ck_assert_int_eq(count(o, "\"via\":\"link\""), 2);
	/* Without the first exec, /tmp/hl is nobody. */
	ck_assert_str_eq(run(EXECR("2", "/tmp/hl", "./hl",
	    "argc=4 a0=\"./hl\" a1=\"-D\" a2=\"1080\" a3=\"h\"")), "");
}
END_TEST

START_TEST(test_binids)
{
	struct binids *b = binids_new();
	char name[BINIDS_NAME + 8];
	int i;

	ck_assert_ptr_nonnull(b);
	binids_note(b, "fe:00", 77, SSHPROG_SSH);
	ck_assert_int_eq(binids_lookup(b, "fe:00", 77), SSHPROG_SSH);
	ck_assert_int_eq(binids_lookup(b, "fe:01", 77), SSHPROG_NONE);
	binids_note(b, "fe:00", 0, SSHPROG_SSH);	/* no inode: ignored */
	ck_assert_uint_eq(binids_count(b), 1);
	/* The cap: the oldest entry makes room, counted. */
	for (i = 0; i < BINIDS_MAX; i++)
		binids_note(b, "fe:02", (unsigned long long)i + 1, SSHPROG_SCP);
	ck_assert_uint_eq(binids_count(b), BINIDS_MAX);
	ck_assert_uint_eq(binids_evicted(b), 1);
	ck_assert_int_eq(binids_lookup(b, "fe:00", 77), SSHPROG_NONE);
	/* Aliases: exact names; one too long is not kept. */
	binids_alias(b, "/tmp/hl", 7, SSHPROG_SSH);
	ck_assert_int_eq(binids_alias_of(b, "/tmp/hl", 7), SSHPROG_SSH);
	ck_assert_int_eq(binids_alias_of(b, "/tmp/h", 6), SSHPROG_NONE);
	memset(name, 'a', sizeof(name));
	binids_alias(b, name, BINIDS_NAME, SSHPROG_SSH);
	ck_assert_int_eq(binids_alias_of(b, name, BINIDS_NAME), SSHPROG_NONE);
	ck_assert_int_eq(binids_alias_of(NULL, "/tmp/hl", 7), SSHPROG_NONE);
	binids_free(b);
}
END_TEST

static void
collect(void *arg, const struct alert *a)
{
	alert_json(a, arg);
}

static void
replay(char *path, int gate, struct buf *b)
{
	struct cfg cfg;
	struct users users;
	struct pipeline *pl;
	struct framer *fr;
	struct replay_stats st;

	cfg_defaults(&cfg);
	users_init(&users);
	pl = pipeline_new(&cfg, &users, 902, collect, b);
	ck_assert_ptr_nonnull(pl);
	pipeline_set_gate(pl, gate);
	fr = framer_new(&framer_replay_limits, pipeline_event, pl);
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(replay_run(&path, 1, fr, stderr, &st), 0);
	framer_free(fr);
	pipeline_free(pl);
	cfg_free(&cfg);
	users_free(&users);
}

/* Socket alerts go out as ANOM_EXEC records, like the exec rules'. */
static void
collect_record(void *arg, const struct alert *a)
{
	struct buf *b = arg;

	buf_addf(b, "%d ", record_type(a));
	record_body(a, b);
	buf_addc(b, '\n');
}

START_TEST(test_record)
{
	const char *text = SYS("1", "49", "yes", "0", "1000", "3",
	    "/usr/bin/ssh") SADDR("1", IN_ANY_1080)
	    OPENR("2", "/usr/bin/cp");
	struct cfg cfg;
	struct users users;
	struct pipeline *pl;
	struct framer *fr;
	struct buf b;

	buf_init(&b, 1 << 20);
	cfg_defaults(&cfg);
	users_init(&users);
	pl = pipeline_new(&cfg, &users, 902, collect_record, &b);
	ck_assert_ptr_nonnull(pl);
	fr = framer_new(&framer_replay_limits, pipeline_event, pl);
	framer_feed(fr, text, strlen(text));
	framer_flush(fr);
	framer_free(fr);
	pipeline_free(pl);
	ck_assert_int_eq(count(buf_str(&b), "2112 "), 2);
	ck_assert_int_eq(count(buf_str(&b), "rule=ssh-forward-listen "), 1);
	ck_assert_int_eq(count(buf_str(&b), "rule=ssh-client-copied "), 1);
	cfg_free(&cfg);
	users_free(&users);
	buf_free(&b);
}
END_TEST

/*
 * The gate keeps every alert of the real socket captures (the copies':
 * their listen events pass it by their syscall alone, clientcopy.h).
 */
static const char *const gate_logs[] = { "tests/fixtures/sock/audit.log",
    "tests/fixtures/sock-copy/audit.log" };

START_TEST(test_gate_same)
{
	char *path = strdup(tu_src(gate_logs[_i]));
	struct buf with, without;
	size_t lines = 0, i;

	buf_init(&with, 64 << 20);
	buf_init(&without, 64 << 20);
	replay(path, 1, &with);
	replay(path, 0, &without);
	for (i = 0; i < with.len; i++)
		lines += with.p[i] == '\n';
	ck_assert_uint_ge(lines, _i == 0 ? 40 : 8);
	ck_assert_uint_eq(with.len, without.len);
	ck_assert(memcmp(with.p, without.p, with.len) == 0);
	buf_free(&with);
	buf_free(&without);
	free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sockrules");
	TCase *tc = tcase_create("core");
	int rc;

	buf_init(&out, 1 << 20);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_client_bind);
	tcase_add_test(tc, test_agent);
	tcase_add_test(tc, test_sshd);
	tcase_add_test(tc, test_copied);
	tcase_add_test(tc, test_hardlink);
	tcase_add_test(tc, test_binids);
	tcase_add_test(tc, test_record);
	tcase_add_loop_test(tc, test_gate_same, 0,
	    (int)(sizeof(gate_logs) / sizeof(gate_logs[0])));
	suite_add_tcase(s, tc);
	rc = tu_run(s, 0);
	buf_free(&out);
	return rc;
}
