/*
 * check_gate: the raw-byte gate before auparse.
 *
 * Unit cases for each way an event can pass or be dropped, then the
 * property the gate must keep: the alerts are exactly the same with and
 * without it, on the real captures and on the benchmark's load log.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "buf.h"
#include "cfg.h"
#include "framer.h"
#include "gate.h"
#include "inodes.h"
#include "pipeline.h"
#include "rawrec.h"
#include "rawsys.h"
#include "replay.h"
#include "testutil.h"
#include "users.h"

/* Frames text and returns 1 if the gate passed its (single) event. */
struct one {
	struct gate	*g;
	int		 pass;
	int		 events;
};

static void
on_event(void *arg, const struct framer_event *fe)
{
	struct one *o = arg;

	o->events++;
	o->pass = gate_pass(o->g, fe);
}

static int
gate_on(const char *text, const struct cfg *cfg, struct inodes *ino)
{
	struct one o;
	struct framer *fr;

	memset(&o, 0, sizeof(o));
	o.g = gate_new(cfg, ino);
	fr = framer_new(&framer_replay_limits, on_event, &o);
	framer_feed(fr, text, strlen(text));
	framer_flush(fr);
	framer_free(fr);
	gate_free(o.g);
	ck_assert_int_eq(o.events, 1);
	return o.pass;
}

#define SYSC(exe, tail) "type=SYSCALL msg=audit(1.000:1): arch=c000003e " \
	"syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 " \
	"pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 " \
	"fsgid=0 tty=pts0 ses=1 comm=\"x\" exe=" exe " key=(null)" tail "\n"
#define PATHR(name, ino) "type=PATH msg=audit(1.000:1): item=0 name=" name \
	" inode=" ino " dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 " \
	"nametype=NORMAL\n"

/*
 * rawsys_parse() reads what rawrec_num()/rawrec_field() read, in one walk:
 * the first word of a number's name, the last exe=, nothing after the
 * ENRICHED separator (whose SADDR-like text could hold "pid=" words), and
 * -1/NULL for what is missing or not a number.
 */
START_TEST(test_rawsys)
{
	static const char rec[] = "type=SYSCALL msg=audit(1700000000.123:456): "
	    "arch=c000003e syscall=59 success=yes exit=0 a0=55d0c1a2b3c0 "
	    "a1=55d0c1a2b400 a2=55d0c1a2b420 a3=8 items=2 ppid=4100 pid=4242 "
	    "auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 "
	    "egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=7 comm=\"ssh\" "
	    "exe=\"/usr/bin/ssh\" subj=unconfined key=\"sshwatch-exec\""
	    "\x1d" "ARCH=x86_64 SYSCALL=execve pid=1 exe=\"/evil\" ses=9";
	static const char bad[] = "type=SYSCALL msg=audit(1.000:2): "
	    "arch=40000003 syscall=x success=no pid=12a pid=13 ppid=";
	static const char *keys[] = { "syscall=", "items=", "ppid=", "pid=",
	    "auid=", "uid=", "ses=" };
	struct rawsys s;
	long long got[7];
	const char *v;
	size_t n, i;

	rawsys_parse(&s, rec, sizeof(rec) - 1);
	got[0] = s.syscall;
	got[1] = s.items;
	got[2] = s.ppid;
	got[3] = s.pid;
	got[4] = s.auid;
	got[5] = s.uid;
	got[6] = s.ses;
	for (i = 0; i < 7; i++)
		ck_assert_int_eq(got[i], rawrec_num(rec, sizeof(rec) - 1,
		    keys[i], strlen(keys[i])));
	ck_assert_int_eq(s.pid, 4242);
	ck_assert_int_eq(s.ses, 7);
	ck_assert_int_eq(s.success, 1);
	v = rawrec_field(rec, sizeof(rec) - 1, "exe=", 4, 1, &n);
	ck_assert_ptr_eq(s.exe, v);
	ck_assert_uint_eq(s.exelen, n);
	ck_assert_uint_eq(s.archlen, 8);
	ck_assert_int_eq(memcmp(s.arch, "c000003e", 8), 0);
	ck_assert_uint_eq(s.a0len, 12);
	ck_assert_int_eq(memcmp(s.a0, "55d0c1a2b3c0", 12), 0);
	/* execve is 59 on x86_64 (11 on i386, 221 on aarch64). */
	ck_assert_int_eq(rawsys_syscall_is(&s, 59, 11, 221), 1);
	ck_assert_int_eq(rawsys_syscall_is(&s, 11, 59, 221), 0);
	ck_assert_int_eq(rawsys_syscall_is(&s, -1, 59, 59), 0);

	rawsys_parse(&s, bad, sizeof(bad) - 1);
	ck_assert_int_eq(s.syscall, -1);
	ck_assert_int_eq(s.success, 0);
	ck_assert_int_eq(rawsys_syscall_is(&s, -1, -1, -1), 0);
	/* The first pid= counts, even when it is not a number. */
	ck_assert_int_eq(s.pid, -1);
	ck_assert_int_eq(s.ppid, -1);
	ck_assert_int_eq(s.ses, -1);
	ck_assert_ptr_null(s.exe);

	rawsys_parse(&s, NULL, 0);
	ck_assert_ptr_null(s.rec);
	ck_assert_int_eq(s.pid, -1);
	ck_assert_int_eq(s.success, -1);
}
END_TEST

/* rawrec_fields() finds what rawrec_field() finds, key by key, in one walk. */
START_TEST(test_rawrec_fields)
{
	static const char rec[] = "type=PATH msg=audit(1795817351.466:877218): "
	    "item=0 name=\"/usr/sbin/auditctl\" inode=1048623 dev=fe:00 "
	    "mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL"
	    "\x1d" "OUID=\"root\" dev=xx nope=1";
	static const char user[] = "type=USER_START msg=audit(1.000:2): pid=1 "
	    "uid=0 msg='op=PAM:session_open acct=\"bob\" res=success'";
	static const char *const keys[] = { "dev=", "name=", "nope=", "inode=",
	    "nametype=" };
	static const char *const ukeys[] = { "op=", "res=", "uid=" };
	const char *vals[5], *v;
	size_t lens[5], n, i;

	rawrec_fields(rec, sizeof(rec) - 1, keys, 5, vals, lens);
	for (i = 0; i < 5; i++) {
		v = rawrec_field(rec, sizeof(rec) - 1, keys[i],
		    strlen(keys[i]), 0, &n);
		ck_assert_ptr_eq(vals[i], v);
		if (v != NULL)
			ck_assert_uint_eq(lens[i], n);
	}
	ck_assert_ptr_null(vals[2]);
	ck_assert_uint_eq(lens[0], 5);
	rawrec_fields(user, sizeof(user) - 1, ukeys, 3, vals, lens);
	for (i = 0; i < 3; i++) {
		v = rawrec_field(user, sizeof(user) - 1, ukeys[i],
		    strlen(ukeys[i]), 0, &n);
		ck_assert_ptr_nonnull(v);
		ck_assert_ptr_eq(vals[i], v);
		ck_assert_uint_eq(lens[i], n);
	}
	/* res=success, without the closing quote of msg='...'. */
	ck_assert_uint_eq(lens[1], 7);
}
END_TEST

START_TEST(test_exe)
{
	struct cfg cfg;

	cfg_defaults(&cfg);
	ck_assert(gate_on(SYSC("\"/usr/bin/ssh\"", ""), &cfg, NULL));
	ck_assert(gate_on(SYSC("\"/usr/bin/scp\"", ""), &cfg, NULL));
	ck_assert(gate_on(SYSC("\"/usr/bin/sftp\"", ""), &cfg, NULL));
	ck_assert(gate_on(SYSC("\"/usr/bin/ssh-add\"", ""), &cfg, NULL));
	/* "/usr/bin/ssh (deleted)", hex-encoded for its space. */
	ck_assert(gate_on(SYSC("2F7573722F62696E2F737368202864656C6574656429",
	    ""), &cfg, NULL));
	ck_assert(gate_on(SYSC("\"/lib64/ld-linux-x86-64.so.2\"", ""), &cfg,
	    NULL));
	ck_assert(!gate_on(SYSC("\"/usr/sbin/sshd\"", ""), &cfg, NULL));
	ck_assert(!gate_on(SYSC("\"/usr/bin/ssh-agent\"", ""), &cfg, NULL));
	ck_assert(!gate_on(SYSC("\"/usr/bin/bash\"", ""), &cfg, NULL));
	/* What follows the ENRICHED separator is not a field. */
	ck_assert(!gate_on(SYSC("\"/usr/bin/bash\"",
	    "\x1d" "ARCH=x86_64 exe=\"/usr/bin/ssh\""), &cfg, NULL));
	/* A configured program path. */
	cfg.prog_paths[SSHPROG_SSH].v = calloc(1, sizeof(char *));
	cfg.prog_paths[SSHPROG_SSH].v[0] = strdup("/opt/x/bin/rsh2");
	cfg.prog_paths[SSHPROG_SSH].n = 1;
	ck_assert(gate_on(SYSC("\"/opt/x/bin/rsh2\"", ""), &cfg, NULL));
	cfg_free(&cfg);
}
END_TEST

START_TEST(test_path)
{
	struct cfg cfg;
	struct inodes *ino = inodes_new(16);

	cfg_defaults(&cfg);
	ck_assert(gate_on(PATHR("\"/root/.ssh/authorized_keys\"", "5"), &cfg,
	    ino));
	ck_assert(gate_on(PATHR("\"authorized_keys2\"", "5"), &cfg, ino));
	/* "/tmp/a b/authorized_keys", hex for its space. */
	ck_assert(gate_on(PATHR("2F746D702F6120622F617574686F72697A65645F6B6"
	    "57973", "5"), &cfg, ino));
	ck_assert(!gate_on(PATHR("\"/etc/passwd\"", "5"), &cfg, ino));
	/* A file known by its inode passes under any name. */
	inodes_note(ino, "fe:00", 77, "/home/a/.ssh/authorized_keys", 28);
	ck_assert(gate_on(PATHR("\"/tmp/link\"", "77"), &cfg, ino));
	ck_assert(!gate_on(PATHR("\"/tmp/link\"", "78"), &cfg, ino));
	/* A configured AuthorizedKeysFile directory, absolute or by cwd. */
	cfg.authorized_keys_paths.v = calloc(1, sizeof(char *));
	cfg.authorized_keys_paths.v[0] = strdup("/etc/ssh/keys/*");
	cfg.authorized_keys_paths.n = 1;
	ck_assert(gate_on(PATHR("\"/etc/ssh/keys/alice\"", "5"), &cfg, ino));
	ck_assert(gate_on("type=CWD msg=audit(1.000:1): cwd=\"/etc/ssh/keys\"\n"
	    PATHR("\"alice\"", "5"), &cfg, ino));
	ck_assert(!gate_on("type=CWD msg=audit(1.000:1): cwd=\"/etc\"\n"
	    PATHR("\"alice\"", "5"), &cfg, ino));
	cfg_free(&cfg);
	inodes_free(ino);
}
END_TEST

static void
collect(void *arg, const struct alert *a)
{
	alert_json(a, arg);
}

/* Replays files through a pipeline with or without the gate. */
static void
replay(char **paths, size_t n, int gate, struct buf *out)
{
	struct cfg cfg;
	struct users users;
	struct pipeline *pl;
	struct framer *fr;
	struct replay_stats st;

	cfg_defaults(&cfg);
	users_init(&users);
	pl = pipeline_new(&cfg, &users, 902, collect, out);
	ck_assert_ptr_nonnull(pl);
	pipeline_set_gate(pl, gate);
	fr = framer_new(&framer_replay_limits, pipeline_event, pl);
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(replay_run(paths, n, fr, stderr, &st), 0);
	if (gate)
		fprintf(stderr, "gate: %llu events passed, %llu dropped\n",
		    pipeline_gate_stats(pl)->passed,
		    pipeline_gate_stats(pl)->dropped);
	framer_free(fr);
	pipeline_free(pl);
	cfg_free(&cfg);
	users_free(&users);
}

static void
same_alerts(char **paths, size_t n, size_t min_alerts)
{
	struct buf with, without;
	size_t lines = 0, i;

	buf_init(&with, 256 << 20);
	buf_init(&without, 256 << 20);
	replay(paths, n, 1, &with);
	replay(paths, n, 0, &without);
	for (i = 0; i < with.len; i++)
		lines += with.p[i] == '\n';
	fprintf(stderr, "%s: %zu alerts with the gate and without\n",
	    paths[0], lines);
	ck_assert_uint_ge(lines, min_alerts);
	ck_assert_uint_eq(with.len, without.len);
	ck_assert(memcmp(with.p, without.p, with.len) == 0);
	buf_free(&with);
	buf_free(&without);
}

START_TEST(test_same_alerts_fixtures)
{
	char *enriched[] = { strdup(tu_src(
	    "tests/fixtures/real/enriched/audit.log")) };
	char *rawlogs[] = {
		strdup(tu_src("tests/fixtures/real/raw/audit.log.2")),
		strdup(tu_src("tests/fixtures/real/raw/audit.log.1")),
		strdup(tu_src("tests/fixtures/real/raw/audit.log")),
	};

	same_alerts(enriched, 1, 90);
	same_alerts(rawlogs, 3, 90);
	free(enriched[0]);
	free(rawlogs[0]);
	free(rawlogs[1]);
	free(rawlogs[2]);
}
END_TEST

/* The benchmark's 47,251-event load log from a busy host. */
START_TEST(test_same_alerts_load_log)
{
	char tmp[] = "/tmp/check_gate.XXXXXX", cmd[600];
	char *paths[1];
	int fd;

	fd = mkstemp(tmp);
	ck_assert_int_ne(fd, -1);
	close(fd);
	snprintf(cmd, sizeof(cmd), "xz -dc '%s' > '%s'",
	    tu_src("tests/bench/load.log.xz"), tmp);
	ck_assert_msg(system(cmd) == 0, "xz -dc failed (is xz installed?)");
	paths[0] = tmp;
	same_alerts(paths, 1, 900);
	unlink(tmp);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("gate");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_rawsys);
	tcase_add_test(tc, test_rawrec_fields);
	tcase_add_test(tc, test_exe);
	tcase_add_test(tc, test_path);
	tcase_add_test(tc, test_same_alerts_fixtures);
	tcase_add_test(tc, test_same_alerts_load_log);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
