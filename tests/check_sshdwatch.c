/*
 * check_sshdwatch: the sshd persistence rules on synthetic records, live
 * (the plugin reads the files, in a temporary directory named by
 * sshd_config) and as a replay: config diff and severities, the
 * AuthorizedKeysFile paths joining the authorized_keys rules, the gate,
 * PAM lines, session hooks, a package manager's write (low, naming the
 * tool) against any other (high), the keys a write adds to a 0600
 * authorized_keys in a 0700 home of a test uid (read for that uid, with
 * `ssh-keygen -lf''s fingerprints) and a .ssh linked into root's
 * directory refused (counted, root's keys never said), /proc read for
 * sshd-unexpected-child in plugin mode only and for recent events, a
 * package tool among /proc parents known by its comm.  Real kernel
 * captures: sshd_fixtures.sh.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "context.h"
#include "framer.h"
#include "pipeline.h"
#include "sshdwatch.h"
#include "testutil.h"

static char dir[] = "/tmp/check_sshdwatch.XXXXXX";
static char conf[256];
static unsigned serial;

static void
collect(void *arg, const struct alert *a)
{
	alert_json(a, arg);
}

/* One successful openat (or other syscall) event naming path. */
static void
event(struct buf *b, const char *syscall_nr, const char *exe,
    const char *path, const char *nametype, const char *flags)
{
	serial++;
	buf_addf(b, "type=SYSCALL msg=audit(1795820700.100:%u): arch=c000003e "
	    "syscall=%s success=yes exit=3 a0=ffffff9c a1=55 a2=%s a3=1b6 "
	    "items=2 ppid=100 pid=200 auid=0 uid=0 gid=0 euid=0 suid=0 "
	    "fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"x\" "
	    "exe=\"%s\" key=(null)\n", serial, syscall_nr, flags, exe);
	buf_addf(b, "type=CWD msg=audit(1795820700.100:%u): cwd=\"/\"\n",
	    serial);
	buf_addf(b, "type=PATH msg=audit(1795820700.100:%u): item=0 "
	    "name=\"/x/\" inode=10 dev=fe:00 mode=040755 ouid=0 ogid=0 "
	    "rdev=00:00 nametype=PARENT cap_fp=0 cap_fi=0 cap_fe=0 "
	    "cap_fver=0 cap_frootid=0\n", serial);
	buf_addf(b, "type=PATH msg=audit(1795820700.100:%u): item=1 "
	    "name=\"%s\" inode=11 dev=fe:00 mode=0100644 ouid=0 ogid=0 "
	    "rdev=00:00 nametype=%s cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 "
	    "cap_frootid=0\n", serial, path, nametype);
	buf_addf(b, "type=EOE msg=audit(1795820700.100:%u): \n", serial);
}

/* One execve by uid 1000 (alice) in /home/alice, argv given. */
static void
exec_event(struct buf *b, const char *exe, const char *const *argv)
{
	size_t i, n;

	for (n = 0; argv[n] != NULL; n++)
		;
	serial++;
	buf_addf(b, "type=SYSCALL msg=audit(1795820700.100:%u): arch=c000003e "
	    "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 "
	    "ppid=100 pid=201 auid=1000 uid=1000 gid=1000 euid=1000 "
	    "suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 "
	    "ses=3 comm=\"x\" exe=\"%s\" key=(null)\n", serial, exe);
	buf_addf(b, "type=EXECVE msg=audit(1795820700.100:%u): argc=%zu",
	    serial, n);
	for (i = 0; i < n; i++) {
		buf_addf(b, " a%zu=", i);
		if (strchr(argv[i], ' ') != NULL) {
			const char *c;

			for (c = argv[i]; *c != '\0'; c++)
				buf_addf(b, "%02X", (unsigned char)*c);
		} else
			buf_addf(b, "\"%s\"", argv[i]);
	}
	buf_addc(b, '\n');
	buf_addf(b, "type=CWD msg=audit(1795820700.100:%u): cwd=\"/home/alice\"\n",
	    serial);
	buf_addf(b, "type=PATH msg=audit(1795820700.100:%u): item=0 "
	    "name=\"%s\" inode=12 dev=fe:00 mode=0100755 ouid=0 ogid=0 "
	    "rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 "
	    "cap_fver=0 cap_frootid=0\n", serial, exe);
	buf_addf(b, "type=EOE msg=audit(1795820700.100:%u): \n", serial);
}

struct run {
	struct cfg	 cfg;
	struct users	 users;
	struct pipeline	*pl;
	struct framer	*fr;
	struct buf	 out;
};

static void
run_start(struct run *r, int live)
{
	cfg_defaults(&r->cfg);
	r->cfg.sshd_config = strdup(conf);
	users_init(&r->users);
	users_add(&r->users, "alice", 1000, "/home/alice");
	buf_init(&r->out, 1 << 20);
	r->pl = pipeline_new(&r->cfg, &r->users, 0, collect, &r->out);
	ck_assert_ptr_nonnull(r->pl);
	r->fr = framer_new(&framer_replay_limits, pipeline_event, r->pl);
	if (live)
		sshdwatch_start(pipeline_sshd(r->pl), &r->users);
}

static void
feed(struct run *r, const struct buf *b)
{
	const char *p = b->p, *end = b->p + b->len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		framer_line(r->fr, p, (size_t)((nl ? nl : end) - p));
		p = nl ? nl + 1 : end;
	}
	framer_flush(r->fr);
}

static void
run_end(struct run *r)
{
	framer_free(r->fr);
	pipeline_free(r->pl);
	cfg_free(&r->cfg);
	users_free(&r->users);
	buf_free(&r->out);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/sshd_config", dir);
	serial = 0;
}

static void
teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

START_TEST(test_config_diff_live)
{
	struct run r;
	struct buf ev;
	char k[300];
	/* The sshd_config it writes must be root's (sshdconf's loader). */
	if (geteuid() != 0) {
		fprintf(stderr, "check_sshdwatch: %s needs root; not run\n",
		    __func__);
		return;
	}

	write_file(conf, "PermitRootLogin no\nClientAliveInterval 0\n");
	run_start(&r, 1);
	ck_assert_ptr_nonnull(sshdwatch_model(pipeline_sshd(r.pl)));
	buf_init(&ev, 1 << 16);
	/* A harmless directive: low. */
	write_file(conf, "PermitRootLogin no\nClientAliveInterval 300\n");
	event(&ev, "257", "/usr/bin/vi", conf, "NORMAL", "241");
	feed(&r, &ev);
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"rule\":\"sshd-config-change\","
	    "\"severity\":\"low\""));
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"directive\":"
	    "\"ClientAliveInterval\",\"block\":null,\"old\":\"0\","
	    "\"new\":\"300\""));
	/* Comments and white space: nothing. */
	buf_reset(&r.out);
	buf_reset(&ev);
	write_file(conf, "# x\n  PermitRootLogin   no # y\nClientAliveInterval "
	    "300\n\n");
	event(&ev, "257", "/usr/bin/vi", conf, "NORMAL", "241");
	feed(&r, &ev);
	ck_assert_uint_eq(r.out.len, 0);
	/* AuthorizedKeysFile: high, and its path is an authorized_keys. */
	snprintf(k, sizeof(k), "%s/k", dir);
	buf_reset(&ev);
	write_file(conf, "PermitRootLogin no\nClientAliveInterval 300\n"
	    "AuthorizedKeysFile .ssh/authorized_keys /tmp/check-sshdwatch-k/%u\n");
	event(&ev, "257", "/usr/bin/vi", conf, "NORMAL", "241");
	event(&ev, "257", "/usr/bin/cp", "/tmp/check-sshdwatch-k/alice",
	    "CREATE", "241");
	feed(&r, &ev);
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"rule\":\"sshd-config-change\","
	    "\"severity\":\"high\""));
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"rule\":\"authorized-keys-write\""
	    ));
	ck_assert_ptr_nonnull(strstr(r.out.p,
	    "\"path\":\"/tmp/check-sshdwatch-k/alice\""));
	ck_assert(sshdwatch_authkeys(pipeline_sshd(r.pl), &r.users,
	    "/home/alice/.ssh/authorized_keys", 32));
	ck_assert(!sshdwatch_authkeys(pipeline_sshd(r.pl), &r.users,
	    "/tmp/check-sshdwatch-k/a/b", 26));
	/* Closing a door (PermitRootLogin no -> still no, yes -> no). */
	buf_reset(&r.out);
	buf_reset(&ev);
	write_file(conf, "PermitRootLogin yes\n");
	event(&ev, "257", "/usr/bin/vi", conf, "NORMAL", "241");
	feed(&r, &ev);
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"severity\":\"high\""));
	buf_reset(&r.out);
	buf_reset(&ev);
	write_file(conf, "PermitRootLogin no\nLogLevel QUIET\n");
	event(&ev, "257", "/usr/bin/vi", conf, "NORMAL", "241");
	feed(&r, &ev);
	/* LogLevel QUIET makes it high although root logins close. */
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"severity\":\"high\""));
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"directive\":\"LogLevel\""));
	buf_free(&ev);
	run_end(&r);
}
END_TEST

START_TEST(test_replay_and_gate)
{
	struct run r;
	struct buf ev;

	write_file(conf, "PermitRootLogin no\n");
	run_start(&r, 0);
	buf_init(&ev, 1 << 16);
	/* Replay: no file read, the write said with low confidence. */
	event(&ev, "257", "/usr/bin/vi", "/etc/ssh/sshd_config", "NORMAL",
	    "241");
	/* A read of it: nothing. */
	event(&ev, "257", "/usr/bin/cat", "/etc/ssh/sshd_config", "NORMAL",
	    "0");
	/* Host keys and other files of /etc/ssh: nothing in a replay. */
	event(&ev, "257", "/usr/bin/vi", "/etc/ssh/moduli", "NORMAL", "241");
	feed(&r, &ev);
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"rule\":\"sshd-config-change\","
	    "\"severity\":\"medium\",\"confidence\":\"low\""));
	ck_assert_ptr_null(strstr(strchr(r.out.p, '\n') + 1, "\"rule\""));
	ck_assert_uint_eq(pipeline_gate_stats(r.pl)->passed, 3);
	buf_free(&ev);
	run_end(&r);
}
END_TEST

START_TEST(test_binaries_and_package_tool)
{
	struct run r;
	struct buf ev;

	run_start(&r, 0);
	buf_init(&ev, 1 << 16);
	event(&ev, "82", "/usr/bin/mv", "/usr/sbin/sshd", "CREATE", "0");
	feed(&r, &ev);
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"rule\":\"openssh-binary-"
	    "replaced\",\"severity\":\"high\""));
	buf_reset(&r.out);
	buf_reset(&ev);
	event(&ev, "82", "/usr/bin/dpkg", "/usr/sbin/sshd", "CREATE", "0");
	event(&ev, "82", "/usr/bin/dpkg", "/lib/x86_64-linux-gnu/liblzma.so.5.4.1",
	    "CREATE", "0");
	feed(&r, &ev);
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"rule\":\"openssh-binary-"
	    "replaced\",\"severity\":\"low\""));
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"via\":\"dpkg\""));
	ck_assert_ptr_null(strstr(r.out.p, "\"severity\":\"high\""));
	/* A program of the same name elsewhere, or a library sshd does not
	 * load: nothing. */
	buf_reset(&r.out);
	buf_reset(&ev);
	event(&ev, "82", "/usr/bin/mv", "/home/alice/bin/sshd", "CREATE", "0");
	event(&ev, "82", "/usr/bin/mv", "/usr/lib/libfoo.so.1", "CREATE", "0");
	event(&ev, "82", "/usr/bin/mv", "/usr/lib/x86_64-linux-gnu/security/"
	    "pam_x.so", "CREATE", "0");
	feed(&r, &ev);
	ck_assert_ptr_null(strstr(r.out.p, "openssh-binary-replaced"));
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"rule\":\"pam-module-change\""));
	buf_free(&ev);
	run_end(&r);
}
END_TEST

START_TEST(test_hooks)
{
	struct run r;
	struct buf ev;
	/* The sshd_config it writes must be root's (sshdconf's loader). */
	if (geteuid() != 0) {
		fprintf(stderr, "check_sshdwatch: %s needs root; not run\n",
		    __func__);
		return;
	}

	write_file(conf, "PermitUserEnvironment no\n");
	run_start(&r, 1);
	buf_init(&ev, 1 << 16);
	event(&ev, "257", "/usr/bin/bash", "/home/alice/.ssh/environment",
	    "CREATE", "241");
	event(&ev, "257", "/usr/bin/bash", "/home/alice/.ssh/rc", "CREATE",
	    "241");
	feed(&r, &ev);
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"rule\":\"ssh-session-hook\","
	    "\"severity\":\"low\""));
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"rule\":\"ssh-session-hook\","
	    "\"severity\":\"medium\""));
	buf_free(&ev);
	run_end(&r);
}
END_TEST

START_TEST(test_keyhunt)
{
	static const char *const hunt[][8] = {
		{ "find", "/", "-name", "id_rsa", NULL },
		{ "find", "/home", "-type", "f", "-iname", "*.pem", NULL },
		{ "grep", "-rl", "BEGIN OPENSSH PRIVATE KEY", "/", NULL },
		{ "locate", "id_ed25519", NULL },
		{ "tar", "czf", "/tmp/k.tgz", "/home/bob/.ssh", NULL },
		{ "cp", "-r", "/home/bob/.ssh/", "/tmp/x", NULL },
	};
	static const char *const quiet[][8] = {
		/* One key copied: ssh-key-read's, which sees the open. */
		{ "cp", "/home/bob/.ssh/id_rsa", "/tmp/x", NULL },
		{ "find", "/", "-name", "*.c", NULL },
		{ "grep", "PRIVATE KEY", "notes.txt", NULL },
		{ "grep", "-r", "TODO", ".", NULL },
		{ "tar", "czf", "/tmp/k.tgz", "/home/alice/.ssh", NULL },
		{ "ssh-keygen", "-lf", "/home/bob/.ssh/id_rsa.pub", NULL },
		{ "ssh-keygen", "-t", "ed25519", NULL },
	};
	static const char *const exe[] = { "/usr/bin/find", "/usr/bin/find",
	    "/usr/bin/grep", "/usr/bin/locate", "/usr/bin/tar", "/usr/bin/cp" };
	static const char *const qexe[] = { "/usr/bin/cp", "/usr/bin/find",
	    "/usr/bin/grep",
	    "/usr/bin/grep", "/usr/bin/tar", "/usr/bin/ssh-keygen",
	    "/usr/bin/ssh-keygen" };
	static const char *const kg_other[] = { "ssh-keygen", "-t", "ed25519",
	    "-N", "", "-f", "/home/bob/.ssh/id_x", NULL };
	static const char *const kg_tmp[] = { "ssh-keygen", "-q", "-f",
	    "/tmp/k", NULL };
	static const char *const kg_own[] = { "ssh-keygen", "-f",
	    "~/.ssh/id_new", NULL };
	struct run r;
	struct buf ev;
	size_t i;

	run_start(&r, 0);
	users_add(&r.users, "bob", 1001, "/home/bob");
	buf_init(&ev, 1 << 16);
	for (i = 0; i < sizeof(hunt) / sizeof(hunt[0]); i++) {
		buf_reset(&ev);
		buf_reset(&r.out);
		exec_event(&ev, exe[i], hunt[i]);
		feed(&r, &ev);
		ck_assert_msg(strstr(r.out.p, "\"rule\":\"ssh-key-hunt\","
		    "\"severity\":\"medium\"") != NULL, "hunt %zu: %s", i,
		    r.out.p);
	}
	for (i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		buf_reset(&ev);
		buf_reset(&r.out);
		exec_event(&ev, qexe[i], quiet[i]);
		feed(&r, &ev);
		ck_assert_msg(r.out.len == 0, "quiet %zu: %s", i, r.out.p);
	}
	buf_reset(&ev);
	buf_reset(&r.out);
	exec_event(&ev, "/usr/bin/ssh-keygen", kg_other);
	exec_event(&ev, "/usr/bin/ssh-keygen", kg_tmp);
	exec_event(&ev, "/usr/bin/ssh-keygen", kg_own);
	feed(&r, &ev);
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"rule\":\"ssh-keygen-key\","
	    "\"severity\":\"medium\""));
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"location\":"
	    "\"other-user-home\""));
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"location\":\"temporary\""));
	ck_assert_ptr_nonnull(strstr(r.out.p, "\"rule\":\"ssh-keygen-key\","
	    "\"severity\":\"low\""));
	buf_free(&ev);
	run_end(&r);
}
END_TEST

/* The SHA256:... fingerprint ssh-keygen -lf prints for file. */
static void
keygen_fp(const char *file, char *out, size_t outsz)
{
	char cmd[600], line[1024], *sp;
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "ssh-keygen -lf %s", file);
	ck_assert_ptr_nonnull(fp = popen(cmd, "r"));
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	ck_assert_int_eq(pclose(fp), 0);
	ck_assert_ptr_nonnull(sp = strchr(line, ' '));
	snprintf(out, outsz, "%s", sp + 1);
	*strchr(out, ' ') = '\0';
}

START_TEST(test_keys_read_for_owner)
{
	const int root = geteuid() == 0;
	const long long a = root ? 4301 : (long long)geteuid();
	const long long b = root ? 4302 : (long long)geteuid();
	char cmd[2000], home_a[300], home_b[300], ak[400], bk[400];
	char fp1[128], fp2[128], fpr[128];
	struct run r;
	struct buf ev;

	ck_assert_int_eq(chmod(dir, 0711), 0);
	snprintf(home_a, sizeof(home_a), "%s/home-a", dir);
	snprintf(home_b, sizeof(home_b), "%s/home-b", dir);
	snprintf(ak, sizeof(ak), "%s/.ssh/authorized_keys", home_a);
	snprintf(bk, sizeof(bk), "%s/.ssh/authorized_keys", home_b);
	/*
	 * a: home 0700, .ssh 0700, authorized_keys 0600 holding key1.
	 * b: home 0700, .ssh a link to root's 0700 directory r, whose
	 * authorized_keys holds key3.
	 */
	snprintf(cmd, sizeof(cmd), "cd %s && mkdir -p home-a/.ssh home-b "
	    "r/.ssh && for k in 1 2 3; do ssh-keygen -q -t ed25519 -N '' "
	    "-C key$k -f k$k || exit 1; done && cp k1.pub %s && "
	    "cp k3.pub r/.ssh/authorized_keys && ln -s %s/r/.ssh home-b/.ssh "
	    "&& chmod 0700 r home-a home-a/.ssh home-b && chmod 0600 %s && "
	    "if [ %d = 1 ]; then chown -R 4301:4301 home-a && "
	    "chown -hR 4302:4302 home-b; fi", dir, ak, dir, ak, root);
	ck_assert_msg(system(cmd) == 0, "setup failed: %s", cmd);
	snprintf(cmd, sizeof(cmd), "%s/k1.pub", dir);
	keygen_fp(cmd, fp1, sizeof(fp1));
	snprintf(cmd, sizeof(cmd), "%s/k2.pub", dir);
	keygen_fp(cmd, fp2, sizeof(fp2));
	snprintf(cmd, sizeof(cmd), "%s/k3.pub", dir);
	keygen_fp(cmd, fpr, sizeof(fpr));

	write_file(conf, "PermitRootLogin no\n");
	run_start(&r, 0);
	users_add(&r.users, "sshw-ak-a", a, home_a);
	users_add(&r.users, "sshw-ak-b", b, home_b);
	sshdwatch_start(pipeline_sshd(r.pl), &r.users);
	buf_init(&ev, 1 << 16);

	/* key2 appended to a's file: added, key1 not. */
	snprintf(cmd, sizeof(cmd), "cat %s/k2.pub >>%s", dir, ak);
	ck_assert_int_eq(system(cmd), 0);
	event(&ev, "257", "/usr/bin/bash", ak, "NORMAL", "441");
	feed(&r, &ev);
	ck_assert_msg(strstr(r.out.p, "\"rule\":\"authorized-keys-added\"") !=
	    NULL, "no authorized-keys-added: %s", r.out.p);
	ck_assert_ptr_nonnull(strstr(r.out.p, fp2));
	ck_assert_ptr_null(strstr(r.out.p, fp1));
	ck_assert_ptr_nonnull(strstr(r.out.p, "key2"));
	/* At the start, b's authorized_keys and authorized_keys2. */
	ck_assert_uint_eq(sshdwatch_stats(pipeline_sshd(r.pl))->keys_refused,
	    (root ? 2 : 0));

	if (!root) {
		fprintf(stderr, "check_sshdwatch: not root: the link into "
		    "root's directory was not tried\n");
		goto out;
	}
	/*
	 * b's .ssh leads into root's directory: refused, nothing said of
	 * root's file, even of a key added to it (which a read through the
	 * link would have reported as added to b's file).
	 */
	buf_reset(&r.out);
	buf_reset(&ev);
	snprintf(cmd, sizeof(cmd), "cat %s/k1.pub >>%s/r/.ssh/authorized_keys",
	    dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	event(&ev, "257", "/usr/bin/bash", bk, "NORMAL", "441");
	feed(&r, &ev);
	ck_assert_ptr_null(strstr(r.out.p, "authorized-keys-added"));
	ck_assert_ptr_null(strstr(r.out.p, fpr));
	ck_assert_ptr_null(strstr(r.out.p, "key3"));
	ck_assert_ptr_null(strstr(r.out.p, fp1));
	/* Refused at the start and now. */
	ck_assert_uint_eq(sshdwatch_stats(pipeline_sshd(r.pl))->keys_refused,
	    3);
 out:
	buf_free(&ev);
	run_end(&r);
}
END_TEST

/* An execve of exe, age seconds ago, by root (ses 5), parent ppid. */
static void
child_event(struct buf *b, long long ppid, const char *exe, long long age)
{
	long long t = (long long)time(NULL) - age;

	serial++;
	buf_addf(b, "type=SYSCALL msg=audit(%lld.100:%u): arch=c000003e "
	    "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 "
	    "ppid=%lld pid=%lld auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 "
	    "egid=0 sgid=0 fsgid=0 tty=(none) ses=5 comm=\"x\" exe=\"%s\" "
	    "key=(null)\n", t, serial, ppid, ppid + 100000, exe);
	buf_addf(b, "type=EXECVE msg=audit(%lld.100:%u): argc=1 a0=\"%s\"\n",
	    t, serial, exe);
	buf_addf(b, "type=CWD msg=audit(%lld.100:%u): cwd=\"/\"\n", t, serial);
	buf_addf(b, "type=PATH msg=audit(%lld.100:%u): item=0 name=\"%s\" "
	    "inode=12 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 "
	    "nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 "
	    "cap_frootid=0\n", t, serial, exe);
	buf_addf(b, "type=EOE msg=audit(%lld.100:%u): \n", t, serial);
}

/*
 * sshd-unexpected-child's parent test reads /proc/PPID/stat in plugin
 * mode only.  A replayed event whose ppid happens to be a live process
 * of this host named sshd (a child of ours, its comm set to "sshd") and
 * whose time is now raises nothing; the same event in plugin mode does
 * (so the process is seen as sshd, and the replay's silence is its own),
 * but not when it is an hour old (a backlog: the pid may be another
 * process now).
 */
START_TEST(test_replay_reads_no_proc)
{
	struct run r;
	struct buf ev;
	pid_t pid;
	int st, i;
	char path[64], stat[256];
	FILE *fp;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		prctl(PR_SET_NAME, "sshd", 0, 0, 0);
		for (;;)
			pause();
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (i = 0; i < 500; i++) {	/* until the name is set */
		stat[0] = '\0';
		if ((fp = fopen(path, "r")) != NULL) {
			if (fgets(stat, sizeof(stat), fp) == NULL)
				stat[0] = '\0';
			fclose(fp);
		}
		if (strstr(stat, "(sshd)") != NULL)
			break;
		usleep(10000);
	}
	ck_assert_ptr_nonnull(strstr(stat, "(sshd)"));
	write_file(conf, "PermitRootLogin no\n");
	buf_init(&ev, 1 << 16);
	child_event(&ev, pid, "/usr/bin/nc.openbsd", 0);

	run_start(&r, 0);
	feed(&r, &ev);
	ck_assert_ptr_null(strstr(buf_str(&r.out), "sshd-unexpected-child"));
	run_end(&r);

	run_start(&r, 1);
	feed(&r, &ev);
	ck_assert_ptr_nonnull(strstr(buf_str(&r.out), "\"rule\":\"sshd-"
	    "unexpected-child\""));
	run_end(&r);

	buf_reset(&ev);
	child_event(&ev, pid, "/usr/bin/nc.openbsd", 3600);
	run_start(&r, 1);
	feed(&r, &ev);
	ck_assert_ptr_null(strstr(buf_str(&r.out), "sshd-unexpected-child"));
	run_end(&r);

	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	buf_free(&ev);
}
END_TEST

/* Drops CAP_SYS_PTRACE from the effective set (as the plugin runs). */
static void
drop_ptrace(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
	d[CAP_SYS_PTRACE / 32].effective &= ~(1U << (CAP_SYS_PTRACE % 32));
	ck_assert_int_eq(syscall(SYS_capset, &h, d), 0);
}

/* A child named name, not dumpable: /proc shows its comm, not its exe. */
static pid_t
named_child(const char *name)
{
	char path[64], stat[256];
	pid_t pid = fork();
	FILE *fp;
	int i;

	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		prctl(PR_SET_NAME, name, 0, 0, 0);
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		for (;;)
			pause();
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (i = 0; i < 500; i++) {
		stat[0] = '\0';
		if ((fp = fopen(path, "r")) != NULL) {
			if (fgets(stat, sizeof(stat), fp) == NULL)
				stat[0] = '\0';
			fclose(fp);
		}
		if (strncmp(strchr(stat, '(') ? strchr(stat, '(') + 1 : "",
		    name, strlen(name)) == 0)
			break;
		usleep(10000);
	}
	return pid;
}

/* A write by mv onto sftp-server, now, its parent ppid. */
static void
mv_event(struct buf *b, long long ppid)
{
	struct timespec now;
	long long t;
	unsigned ms;

	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &now), 0);
	t = (long long)now.tv_sec;
	ms = (unsigned)(now.tv_nsec / 1000000);

	serial++;
	buf_addf(b, "type=SYSCALL msg=audit(%lld.%03u:%u): arch=c000003e "
	    "syscall=82 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=4 "
	    "ppid=%lld pid=%lld auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 "
	    "egid=0 sgid=0 fsgid=0 tty=(none) ses=5 comm=\"mv\" "
	    "exe=\"/usr/bin/mv\" key=(null)\n", t, ms, serial, ppid,
	    ppid + 100000);
	buf_addf(b, "type=CWD msg=audit(%lld.%03u:%u): cwd=\"/\"\n", t, ms, serial);
	buf_addf(b, "type=PATH msg=audit(%lld.%03u:%u): item=0 "
	    "name=\"/usr/lib/openssh/\" inode=10 dev=fe:00 mode=040755 "
	    "ouid=0 ogid=0 rdev=00:00 nametype=PARENT cap_fp=0 cap_fi=0 "
	    "cap_fe=0 cap_fver=0 cap_frootid=0\n", t, ms, serial);
	buf_addf(b, "type=PATH msg=audit(%lld.%03u:%u): item=1 "
	    "name=\"/usr/lib/openssh/sftp-server\" inode=11 dev=fe:00 "
	    "mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=CREATE cap_fp=0 "
	    "cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n", t, ms, serial);
	buf_addf(b, "type=EOE msg=audit(%lld.%03u:%u): \n", t, ms, serial);
}

/*
 * Plugin mode after the capability drop reads a parent in /proc without
 * its exe: a package tool known by its comm makes a binary's write low
 * with medium confidence, naming it; any other comm leaves it high.  A
 * replay of the same event reads no /proc: high.
 */
START_TEST(test_package_tool_by_comm)
{
	struct run r;
	struct buf ev;
	pid_t tool, other;
	int st;

	if (geteuid() == 0)
		drop_ptrace();
	tool = named_child("dpkg");
	other = named_child("bash");
	buf_init(&ev, 1 << 16);

	mv_event(&ev, tool);
	run_start(&r, 1);
	context_set_procfs(pipeline_context(r.pl), 1);
	feed(&r, &ev);
	ck_assert_msg(strstr(buf_str(&r.out), "\"rule\":\"openssh-"
	    "binary-replaced\",\"severity\":\"low\",\"confidence\":"
	    "\"medium\"") != NULL, "not low by comm: %s", buf_str(&r.out));
	ck_assert_ptr_nonnull(strstr(buf_str(&r.out), "\"via\":\"dpkg\""));
	ck_assert_ptr_nonnull(strstr(buf_str(&r.out), "\"exe\":\"\","));
	run_end(&r);

	run_start(&r, 0);
	feed(&r, &ev);
	ck_assert_ptr_nonnull(strstr(buf_str(&r.out), "\"severity\":\"high\""));
	run_end(&r);

	buf_reset(&ev);
	mv_event(&ev, other);
	run_start(&r, 1);
	context_set_procfs(pipeline_context(r.pl), 1);
	feed(&r, &ev);
	ck_assert_ptr_nonnull(strstr(buf_str(&r.out), "\"rule\":\"openssh-"
	    "binary-replaced\",\"severity\":\"high\""));
	run_end(&r);

	kill(tool, SIGKILL);
	kill(other, SIGKILL);
	ck_assert_int_eq(waitpid(tool, &st, 0), tool);
	ck_assert_int_eq(waitpid(other, &st, 0), other);
	buf_free(&ev);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sshdwatch");
	TCase *tc = tcase_create("rules");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_config_diff_live);
	tcase_add_test(tc, test_replay_and_gate);
	tcase_add_test(tc, test_binaries_and_package_tool);
	tcase_add_test(tc, test_hooks);
	tcase_add_test(tc, test_keyhunt);
	tcase_add_test(tc, test_keys_read_for_owner);
	tcase_add_test(tc, test_replay_reads_no_proc);
	tcase_add_test(tc, test_package_tool_by_comm);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
