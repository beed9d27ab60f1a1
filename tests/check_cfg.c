/*
 * check_cfg: sshwatch.conf parsing (cfg_parse), safe loading (cfg_load)
 * and the OpenSSH release probe (cfg_detect_openssh).
 *
 * Errors are compared with their exact text: the message is what the
 * admin reads.  cfg_load() is tested on files made in a temporary
 * directory; the suite runs as root, so the foreign owner case chowns a
 * file to 65534 (nobody).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "testutil.h"

/* Parses text and returns the result; err gets the message. */
static int
parse(const char *text, size_t len, struct cfg *c, char *err, size_t errsz)
{
	cfg_defaults(c);
	err[0] = '\0';
	return cfg_parse(text, len, c, err, errsz);
}

static int
parse_s(const char *text, struct cfg *c, char *err, size_t errsz)
{
	return parse(text, strlen(text), c, err, errsz);
}

/* text must be refused with exactly the message want. */
static void
check_error(const char *text, size_t len, const char *want)
{
	struct cfg c;
	char err[512];

	ck_assert_msg(parse(text, len, &c, err, sizeof(err)) == -1,
	    "accepted: %.*s", (int)len, text);
	ck_assert_msg(strcmp(err, want) == 0, "error \"%s\", want \"%s\"", err,
	    want);
	cfg_free(&c);
}

#define ERR(text, want)	check_error(text, sizeof(text) - 1, want)

START_TEST(test_defaults)
{
	struct cfg c;
	char err[256];
	size_t i;

	ck_assert_int_eq(parse("", 0, &c, err, sizeof(err)), 0);
	for (i = 0; i <= SSHPROG_SSH_AGENT; i++)
		ck_assert_uint_eq(c.prog_paths[i].n, 0);
	ck_assert_uint_eq(c.authorized_keys_paths.n, 0);
	ck_assert_int_eq(c.openssh_version, 0);
	ck_assert_ptr_null(c.json_file);
	ck_assert_int_eq(c.syslog_alerts, 1);
	cfg_free(&c);
	/* Comments and blank lines only. */
	ck_assert_int_eq(parse_s("# c\n\n   \n\t# x = y\n#\n", &c, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(c.syslog_alerts, 1);
	cfg_free(&c);
}
END_TEST

START_TEST(test_all_keys)
{
	static const char text[] =
	    "# sshwatch.conf\n"
	    "\n"
	    "ssh_paths = /usr/local/bin/ssh /opt/ssh/bin/ssh\n"
	    "scp_paths=/usr/local/bin/scp\n"
	    "\tsftp_paths\t=\t/a/sftp   # trailing comment\n"
	    "   ssh_add_paths   =   /x/ssh-add\t \n"
	    "ssh_agent_paths = /x/ssh-agent\r\n"
	    "authorized_keys_paths = /etc/ssh/authorized_keys/* "
	    "/var/lib/keys/[a-z]*.pub\n"
	    "openssh_version = 9.2\n"
	    "json_file = /var/log/sshwatch.json\n"
	    "syslog_alerts = no";
	struct cfg c;
	char err[256];
	const struct strlist *l;

	ck_assert_int_eq(parse(text, sizeof(text) - 1, &c, err, sizeof(err)),
	    0);
	l = &c.prog_paths[SSHPROG_SSH];
	ck_assert_uint_eq(l->n, 2);
	ck_assert_str_eq(l->v[0], "/usr/local/bin/ssh");
	ck_assert_str_eq(l->v[1], "/opt/ssh/bin/ssh");
	l = &c.prog_paths[SSHPROG_SCP];
	ck_assert_uint_eq(l->n, 1);
	ck_assert_str_eq(l->v[0], "/usr/local/bin/scp");
	l = &c.prog_paths[SSHPROG_SFTP];
	ck_assert_uint_eq(l->n, 1);
	ck_assert_str_eq(l->v[0], "/a/sftp");
	l = &c.prog_paths[SSHPROG_SSH_ADD];
	ck_assert_uint_eq(l->n, 1);
	ck_assert_str_eq(l->v[0], "/x/ssh-add");
	l = &c.prog_paths[SSHPROG_SSH_AGENT];
	ck_assert_uint_eq(l->n, 1);
	ck_assert_str_eq(l->v[0], "/x/ssh-agent");
	l = &c.authorized_keys_paths;
	ck_assert_uint_eq(l->n, 2);
	ck_assert_str_eq(l->v[0], "/etc/ssh/authorized_keys/*");
	ck_assert_str_eq(l->v[1], "/var/lib/keys/[a-z]*.pub");
	ck_assert_int_eq(c.openssh_version, 902);
	ck_assert_str_eq(c.json_file, "/var/log/sshwatch.json");
	ck_assert_int_eq(c.syslog_alerts, 0);
	cfg_free(&c);
}
END_TEST

/* cfg_print() writes back what was parsed. */
START_TEST(test_print)
{
	static const char text[] =
	    "ssh_paths = /a/ssh /b/ssh\n"
	    "authorized_keys_paths = /k/*\n"
	    "openssh_version = 8.7\n"
	    "json_file = /j\n"
	    "syslog_alerts = no\n";
	static const char want[] =
	    "ssh_paths = /a/ssh /b/ssh\n"
	    "scp_paths = (none)\n"
	    "sftp_paths = (none)\n"
	    "ssh_add_paths = (none)\n"
	    "ssh_agent_paths = (none)\n"
	    "authorized_keys_paths = /k/*\n"
	    "openssh_version = 8.7\n"
	    "json_file = /j\n"
	    "syslog_alerts = no\n"
	    "audit_sink = yes\n"
	    "remote_server = (none)\n"
	    "remote_port = 60\n"
	    "network_retry_time = 1\n"
	    "network_retry_max = 60\n"
	    "heartbeat_timeout = 0\n"
	    "ack_timeout = 10\n"
	    "forward_timeout = 30\n"
	    "dedup_window = 60\n"
	    "dedup_limit = 1\n"
	    "name_format = hostname\n"
	    "spool_full_action = drop_new\n"
	    "network_failure_action = warn_once\n"
	    "disk_low_action = syslog\n"
	    "disk_full_action = warn_once\n"
	    "disk_error_action = warn_once\n"
	    "remote_ending_action = reconnect\n"
	    "report_suppressed = no\n"
	    "watch_new_homes = yes\n"
	    "name = (none)\n"
	    "spool_file = " CFG_DEFAULT_SPOOL "\n"
	    "spool_max_size = 67108864\n"
	    "queue_depth = 4096\n"
	    "allow_dir = (none)\n"
	    "sshd_config = /etc/ssh/sshd_config\n";
	struct cfg c;
	char err[256], *out = NULL;
	size_t outlen = 0;
	FILE *fp;

	ck_assert_int_eq(parse(text, sizeof(text) - 1, &c, err, sizeof(err)),
	    0);
	fp = open_memstream(&out, &outlen);
	ck_assert_ptr_nonnull(fp);
	cfg_print(&c, fp);
	fclose(fp);
	ck_assert_str_eq(out, want);
	free(out);
	cfg_free(&c);
}
END_TEST

START_TEST(test_versions)
{
	static const struct {
		const char	*v;
		int		 want;
	} ok[] = {
		{ "auto", 0 }, { "9.2", 902 }, { "8.0", 800 }, { "9.9", 909 },
		{ "10.0", 1000 }, { "9.2p1", 902 },
	};
	static const char *const bad[] = {
		"bad", "7.4", "9", "9.", "9.2.1", "v9.2", "AUTO", "auto9", "-1",
	};
	char text[128], want[256];
	struct cfg c;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "openssh_version = %s\n", ok[i].v);
		ck_assert_msg(parse(text, strlen(text), &c, err, sizeof(err)) ==
		    0, "%s: %s", ok[i].v, err);
		ck_assert_int_eq(c.openssh_version, ok[i].want);
		cfg_free(&c);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "# v\nopenssh_version = %s\n",
		    bad[i]);
		snprintf(want, sizeof(want), "line 2: openssh_version must be "
		    "auto or a release from 8.0 on, like 9.2");
		check_error(text, strlen(text), want);
	}
	/* auto after a release goes back to detection. */
	ck_assert_int_eq(parse_s("openssh_version = 9.2\nopenssh_version = "
	    "auto\n", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.openssh_version, 0);
	cfg_free(&c);
}
END_TEST

START_TEST(test_booleans)
{
	struct cfg c;
	char err[256];

	ck_assert_int_eq(parse_s("syslog_alerts = no\n", &c, err, sizeof(err)),
	    0);
	ck_assert_int_eq(c.syslog_alerts, 0);
	cfg_free(&c);
	ck_assert_int_eq(parse_s("syslog_alerts = no\nsyslog_alerts=yes", &c,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(c.syslog_alerts, 1);
	cfg_free(&c);
	ERR("syslog_alerts = true\n",
	    "line 1: syslog_alerts must be yes or no");
	ERR("\nsyslog_alerts = Yes\n",
	    "line 2: syslog_alerts must be yes or no");
	ERR("syslog_alerts = 1", "line 1: syslog_alerts must be yes or no");
	ERR("syslog_alerts = yes no",
	    "line 1: syslog_alerts must be yes or no");
}
END_TEST

/* A later line replaces an earlier one; nothing is appended. */
START_TEST(test_repeat)
{
	struct cfg c;
	char err[256];

	ck_assert_int_eq(parse_s("ssh_paths = /a /b\nssh_paths = /c\n"
	    "json_file = /j1\njson_file = /j2\n", &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.prog_paths[SSHPROG_SSH].n, 1);
	ck_assert_str_eq(c.prog_paths[SSHPROG_SSH].v[0], "/c");
	ck_assert_str_eq(c.json_file, "/j2");
	cfg_free(&c);
}
END_TEST

START_TEST(test_errors)
{
	ERR("foo = bar\n", "line 1: unknown key \"foo\"");
	ERR("# x\n\nssh_paths = /a\nsyslog = yes\n",
	    "line 4: unknown key \"syslog\"");
	ERR("\n\nssh_paths =\n", "line 3: missing value for ssh_paths");
	ERR("ssh_paths = # nothing\n", "line 1: missing value for ssh_paths");
	ERR("json_file=", "line 1: missing value for json_file");
	ERR("ssh_paths\n", "line 1: expected key = value");
	ERR("= /x\n", "line 1: missing key");
	ERR("  \t= /x\n", "line 1: missing key");
	ERR("Ssh_paths = /x\n", "line 1: bad key \"Ssh_paths\"");
	ERR("ssh-paths = /x\n", "line 1: bad key \"ssh-paths\"");
	ERR("ssh paths = /x\n", "line 1: bad key \"ssh paths\"");
	/* Relative paths. */
	ERR("ssh_paths = usr/bin/ssh\n",
	    "line 1: \"usr/bin/ssh\" is not an absolute path");
	ERR("scp_paths = /ok rel\n", "line 1: \"rel\" is not an absolute path");
	ERR("sftp_paths = ./sftp",
	    "line 1: \"./sftp\" is not an absolute path");
	ERR("ssh_add_paths = ~/bin/ssh-add",
	    "line 1: \"~/bin/ssh-add\" is not an absolute path");
	ERR("ssh_agent_paths = a",
	    "line 1: \"a\" is not an absolute path");
	ERR("authorized_keys_paths = keys/*",
	    "line 1: \"keys/*\" is not an absolute path");
	ERR("json_file = log.json\n",
	    "line 1: json_file must be an absolute path");
	/* Patterns only where they are meant. */
	ERR("ssh_paths = /usr/bin/ss*\n",
	    "line 1: patterns are not allowed here");
	ERR("scp_paths = /a /usr/bin/sc?\n",
	    "line 1: patterns are not allowed here");
	ERR("sftp_paths = /usr/[b]in/sftp\n",
	    "line 1: patterns are not allowed here");
}
END_TEST

START_TEST(test_nul)
{
	static const char first[] = "ssh_paths = /a\0b\n";
	static const char third[] = "# ok\nssh_paths = /a\n\0\n";

	check_error(first, sizeof(first) - 1, "line 1: holds a NUL byte");
	check_error(third, sizeof(third) - 1, "line 3: holds a NUL byte");
}
END_TEST

/* Caps: the line length, the number of paths, the size of the file. */
START_TEST(test_caps)
{
	struct cfg c;
	char err[256], *text;
	size_t n, i;

	/* A line of 4095 bytes is taken, 4096 is not. */
	text = malloc(CFG_MAX_BYTES + 2);
	ck_assert_ptr_nonnull(text);
	memcpy(text, "ssh_paths = /", 13);
	memset(text + 13, 'a', 4095 - 13);
	text[4095] = '\n';
	ck_assert_int_eq(parse(text, 4096, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(c.prog_paths[SSHPROG_SSH].v[0]), 4095 - 12);
	cfg_free(&c);
	memcpy(text, "# a\n", 4);
	memcpy(text + 4, "ssh_paths = /", 13);
	memset(text + 17, 'a', 4096 - 13);
	check_error(text, 4 + 4096, "line 2: longer than 4095 bytes");
	ck_assert_int_eq(parse(text, 4 + 4095, &c, err, sizeof(err)), 0);
	cfg_free(&c);
	/* 256 paths are taken, 257 are not. */
	n = 0;
	n += (size_t)snprintf(text, 64, "ssh_paths =");
	for (i = 0; i < 256; i++)
		n += (size_t)snprintf(text + n, 64, " /%zx", i);
	ck_assert_int_eq(parse(text, n, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.prog_paths[SSHPROG_SSH].n, CFG_MAX_LIST);
	ck_assert_str_eq(c.prog_paths[SSHPROG_SSH].v[255], "/ff");
	cfg_free(&c);
	n += (size_t)snprintf(text + n, 64, " /x");
	check_error(text, n, "line 1: more than 256 paths");
	/* The whole file. */
	memset(text, '\n', CFG_MAX_BYTES + 1);
	ck_assert_int_eq(parse(text, CFG_MAX_BYTES, &c, err, sizeof(err)), 0);
	cfg_free(&c);
	check_error(text, CFG_MAX_BYTES + 1, "file larger than 1048576 bytes");
	free(text);
}
END_TEST

/* cfg_load() ------------------------------------------------------- */

static char tmpdir[64];

static void
make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_cfg.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
remove_tmpdir(void)
{
	static const char *const names[] = { "good.conf", "link.conf",
	    "dir.conf", "group.conf", "world.conf", "nobody.conf",
	    "fifo.conf", "bad.conf", "big.conf", "ssh.bin", "none.bin",
	    "old.bin" };
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		if (unlink(path) == -1 && errno == EISDIR)
			rmdir(path);
		rmdir(path);
	}
	rmdir(tmpdir);
}

/*
 * The owner cfg_load() accepts besides root: us.  As root that is root
 * alone, as the plugin runs; in an unprivileged build (a package built
 * as a user) the files these tests write are ours, not root's.
 */
static uid_t
self(void)
{
	return geteuid();
}

/* Writes a file in the temporary directory; returns its path. */
static const char *
put(const char *name, const char *text, size_t len, mode_t mode)
{
	static char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	/* A new file each time: one made 0444 before is not ours to write. */
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

/* cfg_load() of path must fail with "PATH: suffix". */
static void
check_load_error(const char *path, uid_t owner, const char *suffix)
{
	struct cfg c;
	char err[1024], want[1024];

	cfg_defaults(&c);
	ck_assert_msg(cfg_load(path, owner, &c, err, sizeof(err)) == -1,
	    "loaded %s", path);
	snprintf(want, sizeof(want), "%s: %s", path, suffix);
	ck_assert_str_eq(err, want);
	cfg_free(&c);
}

static const char good[] = "ssh_paths = /opt/bin/ssh\nsyslog_alerts = no\n";

START_TEST(test_load_good)
{
	struct cfg c;
	char err[512];
	const char *path = put("good.conf", good, sizeof(good) - 1, 0600);

	cfg_defaults(&c);
	ck_assert_int_eq(cfg_load(path, self(), &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.prog_paths[SSHPROG_SSH].n, 1);
	ck_assert_str_eq(c.prog_paths[SSHPROG_SSH].v[0], "/opt/bin/ssh");
	ck_assert_int_eq(c.syslog_alerts, 0);
	cfg_free(&c);
	/* Read-only for all is fine; an empty file too. */
	path = put("good.conf", good, sizeof(good) - 1, 0444);
	cfg_defaults(&c);
	ck_assert_int_eq(cfg_load(path, self(), &c, err, sizeof(err)), 0);
	cfg_free(&c);
	path = put("good.conf", "", 0, 0640);
	cfg_defaults(&c);
	ck_assert_int_eq(cfg_load(path, self(), &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.syslog_alerts, 1);
	cfg_free(&c);
}
END_TEST

START_TEST(test_load_refused)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *p;

	/* A symbolic link, even to a good file. */
	p = put("good.conf", good, sizeof(good) - 1, 0600);
	snprintf(target, sizeof(target), "%s", p);
	snprintf(path, sizeof(path), "%s/link.conf", tmpdir);
	ck_assert_int_eq(symlink(target, path), 0);
	check_load_error(path, self(), "is a symbolic link");
	/* A directory. */
	snprintf(path, sizeof(path), "%s/dir.conf", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	check_load_error(path, self(), "not a regular file");
	/* A device. */
	check_load_error("/dev/null", self(), "not a regular file");
	/* Writable by the group or by others. */
	p = put("group.conf", good, sizeof(good) - 1, 0620);
	check_load_error(p, self(), "writable by its group");
	p = put("world.conf", good, sizeof(good) - 1, 0602);
	check_load_error(p, self(), "writable by others");
	p = put("world.conf", good, sizeof(good) - 1, 0666);
	check_load_error(p, self(), "writable by others");
	/* Missing. */
	snprintf(path, sizeof(path), "%s/missing.conf", tmpdir);
	check_load_error(path, self(), "No such file or directory");
	/* A parse error names the file and the line. */
	p = put("bad.conf", "# x\nfoo = 1\n", 12, 0600);
	check_load_error(p, self(), "line 2: unknown key \"foo\"");
}
END_TEST

START_TEST(test_load_owner)
{
	struct cfg c;
	char err[512];
	const char *p;

	ck_assert_int_eq(geteuid(), 0);
	p = put("nobody.conf", good, sizeof(good) - 1, 0600);
	ck_assert_int_eq(chown(p, 65534, 65534), 0);
	check_load_error(p, self(), "not owned by root (owner uid 65534)");
	check_load_error(p, 1000, "not owned by root (owner uid 65534)");
	/* Unless that uid is the one allowed besides root. */
	cfg_defaults(&c);
	ck_assert_int_eq(cfg_load(p, 65534, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.syslog_alerts, 0);
	cfg_free(&c);
	/* Still not when others may write it. */
	ck_assert_int_eq(chmod(p, 0622), 0);
	check_load_error(p, 65534, "writable by others");
}
END_TEST

/* A FIFO is refused at once, not waited on for a writer. */
START_TEST(test_load_fifo)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/fifo.conf", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	check_load_error(path, self(), "not a regular file");
}
END_TEST

START_TEST(test_load_big)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/big.conf", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, CFG_MAX_BYTES + 1), 0);
	close(fd);
	check_load_error(path, self(), "larger than 1048576 bytes");
}
END_TEST

/* cfg_detect_openssh() --------------------------------------------- */

START_TEST(test_detect)
{
	static const char bin[] = "\x7f" "ELF\0\0junk\0OpenSSH_2.3.0*\0"
	    "OpenSSH_7.0*\0OpenSSH_6.6.1*\0OpenSSH_\0OpenSSH_x\0"
	    "OpenSSH_9.2p1, OpenSSL 3.0.11\0tail";
	static const char old[] = "OpenSSH_7.4p1\0OpenSSH_7.4";
	const char *p;
	char path[PATH_MAX];

	p = put("ssh.bin", bin, sizeof(bin) - 1, 0755);
	ck_assert_int_eq(cfg_detect_openssh(p), 902);
	p = put("none.bin", "no version here", 15, 0644);
	ck_assert_int_eq(cfg_detect_openssh(p), -1);
	p = put("old.bin", old, sizeof(old) - 1, 0644);
	ck_assert_int_eq(cfg_detect_openssh(p), -1);
	snprintf(path, sizeof(path), "%s/missing.bin", tmpdir);
	ck_assert_int_eq(cfg_detect_openssh(path), -1);
}
END_TEST

/* The version string found wherever it falls against the read size. */
START_TEST(test_detect_boundary)
{
	static const char tag[] = "OpenSSH_9.2p1 ";
	size_t size = 65536 + 64, off;
	char *data = malloc(size);
	const char *p;

	ck_assert_ptr_nonnull(data);
	for (off = 65520; off + sizeof(tag) <= size; off++) {
		memset(data, 'x', size);
		memcpy(data + off, tag, sizeof(tag) - 1);
		p = put("ssh.bin", data, size, 0755);
		ck_assert_msg(cfg_detect_openssh(p) == 902, "offset %zu", off);
	}
	free(data);
}
END_TEST

START_TEST(test_detect_real_ssh)
{
	int v;

	if (access("/usr/bin/ssh", R_OK) != 0)
		return;
	v = cfg_detect_openssh("/usr/bin/ssh");
	ck_assert_int_gt(v, 800);
	ck_assert_int_lt(v, 10000);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cfg");
	TCase *tc = tcase_create("parse");
	TCase *tf = tcase_create("files");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_all_keys);
	tcase_add_test(tc, test_print);
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_booleans);
	tcase_add_test(tc, test_repeat);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_caps);
	suite_add_tcase(s, tc);
	/* Each file test gets a fresh directory. */
	tcase_add_checked_fixture(tf, make_tmpdir, remove_tmpdir);
	tcase_add_test(tf, test_load_good);
	tcase_add_test(tf, test_load_refused);
	/* chown() to another owner needs root: said, not silently passed. */
	if (geteuid() == 0)
		tcase_add_test(tf, test_load_owner);
	else
		fprintf(stderr, "check_cfg: test_load_owner not run: it needs "
		    "root (chown)\n");
	tcase_add_test(tf, test_load_fifo);
	tcase_add_test(tf, test_load_big);
	tcase_add_test(tf, test_detect);
	tcase_add_test(tf, test_detect_boundary);
	tcase_add_test(tf, test_detect_real_ssh);
	suite_add_tcase(s, tf);
	return tu_run(s, 0);
}
