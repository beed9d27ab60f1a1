/*
 * check_path: lexical path arithmetic (path.h) and what a path means to
 * the rules (pathclass.h, with the account table of users.h).
 *
 * The path_join() and pathclass_key() cases are tables; the other
 * functions get a test each, with the look-alikes that must not match.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "pathclass.h"
#include "testutil.h"
#include "users.h"

/* path_join() ------------------------------------------------------- */

struct join_case {
	const char	*dir;
	const char	*name;
	const char	*want;
};

static const struct join_case join_cases[] = {
	/* Absolute names: `.', `..', repeated and trailing slashes. */
	{ NULL, "/a/./b", "/a/b" },
	{ NULL, "/a/b/..", "/a" },
	{ NULL, "/a/../../..", "/" },
	{ NULL, "/../x", "/x" },
	{ NULL, "/..", "/" },
	{ NULL, "/", "/" },
	{ NULL, "//a//b///c", "/a/b/c" },
	{ NULL, "/a/b/", "/a/b" },
	{ NULL, "/a/b/.", "/a/b" },
	{ NULL, "/a..b/..c/...", "/a..b/..c/..." },
	{ NULL, "/.ssh/./../.ssh/k", "/.ssh/k" },
	/* Relative names without a directory stay relative. */
	{ NULL, "a/b", "a/b" },
	{ NULL, "./a/./b/", "a/b" },
	{ NULL, "../a", "../a" },
	{ NULL, "../../x", "../../x" },
	{ NULL, "a/../..", ".." },
	{ NULL, "a/../../b/..", ".." },
	{ NULL, "a/b/../../c", "c" },
	{ NULL, "a/..", "." },
	{ NULL, ".", "." },
	{ NULL, "", "." },
	/* Relative names joined to a directory. */
	{ "/home/bob", ".ssh/id", "/home/bob/.ssh/id" },
	{ "/home/bob/", "../alice/.ssh/id", "/home/alice/.ssh/id" },
	{ "/home/bob", "../../../../etc/x", "/etc/x" },
	{ "/home/bob", "..", "/home" },
	{ "/", "x", "/x" },
	{ "/", "..", "/" },
	{ "/a/b", "", "/a/b" },
	{ "/a/b/", "x/", "/a/b/x" },
	{ "/a/./b/../c", "d", "/a/c/d" },
	{ "//a//", ".//b//", "/a/b" },
	/*
	 * From the real capture (t116): auparse 3.1 and later join these to
	 * "/tmp/sshw-cap/t116-ssh-copy-id/./newkey"; ours must not.
	 */
	{ "/tmp/sshw-cap/t116-ssh-copy-id", "./newkey",
	  "/tmp/sshw-cap/t116-ssh-copy-id/newkey" },
	{ "/home/bob", "./.ssh/./authorized_keys",
	  "/home/bob/.ssh/authorized_keys" },
	{ "/home/bob/.", "./.", "/home/bob" },
	/* An absolute name ignores the directory. */
	{ "/home/bob", "/etc/x", "/etc/x" },
	{ "/home/bob", "//etc/../x", "/x" },
};

START_TEST(test_join_table)
{
	const struct join_case *c = &join_cases[_i];
	struct buf b;

	buf_init(&b, 4096);
	ck_assert_int_eq(path_join(c->dir, c->dir ? strlen(c->dir) : 0,
	    c->name, strlen(c->name), &b), 0);
	ck_assert_msg(strcmp(buf_str(&b), c->want) == 0,
	    "join(%s, %s) = \"%s\", want \"%s\"", c->dir ? c->dir : "NULL",
	    c->name, buf_str(&b), c->want);
	ck_assert_uint_eq(b.len, strlen(c->want));
	buf_free(&b);
}
END_TEST

/* Lengths are honoured: nothing is read past dirlen or namelen. */
START_TEST(test_join_lengths)
{
	struct buf b;

	buf_init(&b, 4096);
	ck_assert_int_eq(path_join("/home/bobXYZ", 9, "k/junk", 1, &b), 0);
	ck_assert_str_eq(buf_str(&b), "/home/bob/k");
	/* A zero-length directory is no directory. */
	ck_assert_int_eq(path_join("/home", 0, "k", 1, &b), 0);
	ck_assert_str_eq(buf_str(&b), "k");
	/* A relative directory cannot make the name absolute. */
	ck_assert_int_eq(path_join("rel", 3, "k", 1, &b), 0);
	ck_assert(b.len > 0 && b.p[0] != '/');
	/* The buffer is reset on each call. */
	ck_assert_int_eq(path_join(NULL, 0, "/x", 2, &b), 0);
	ck_assert_str_eq(buf_str(&b), "/x");
	buf_free(&b);
}
END_TEST

/* A full buffer is an error, never an overflow. */
START_TEST(test_join_full)
{
	struct buf b;

	buf_init(&b, 4);
	ck_assert_int_eq(path_join(NULL, 0, "/abcdef", 7, &b), -1);
	ck_assert_int_eq(b.over, 1);
	ck_assert(b.len <= 4);
	ck_assert_int_eq(path_join("/abcdef", 7, "x", 1, &b), -1);
	ck_assert_int_eq(path_join(NULL, 0, "/abc", 4, &b), 0);
	ck_assert_str_eq(buf_str(&b), "/abc");
	buf_free(&b);
}
END_TEST

START_TEST(test_base)
{
	const char *p;
	size_t n;

	p = path_base("/a/b", 4, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert(memcmp(p, "b", 1) == 0);
	p = path_base("name", 4, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert(memcmp(p, "name", 4) == 0);
	path_base("/a/", 3, &n);
	ck_assert_uint_eq(n, 0);
	path_base("/", 1, &n);
	ck_assert_uint_eq(n, 0);
	path_base("", 0, &n);
	ck_assert_uint_eq(n, 0);
	/* Only n bytes count. */
	p = path_base("/a/bc/d", 4, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(p[0], 'b');
}
END_TEST

START_TEST(test_parent_base)
{
	const char *p;
	size_t n;

	p = path_parent_base("/a/.ssh/k", 9, &n);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(n, 4);
	ck_assert(memcmp(p, ".ssh", 4) == 0);
	p = path_parent_base(".ssh/k", 6, &n);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(n, 4);
	ck_assert(memcmp(p, ".ssh", 4) == 0);
	p = path_parent_base("/k", 2, &n);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(path_parent_base("k", 1, &n));
	ck_assert_ptr_null(path_parent_base("", 0, &n));
}
END_TEST

START_TEST(test_under)
{
	ck_assert_int_eq(path_under("/tmp/x", 6, "/tmp"), 1);
	ck_assert_int_eq(path_under("/tmp/", 5, "/tmp"), 1);
	ck_assert_int_eq(path_under("/tmp/a/b", 8, "/tmp"), 1);
	ck_assert_int_eq(path_under("/tmp", 4, "/tmp"), 0);
	ck_assert_int_eq(path_under("/tmpx/y", 7, "/tmp"), 0);
	ck_assert_int_eq(path_under("/tm", 3, "/tmp"), 0);
	ck_assert_int_eq(path_under("/var/tmp/x", 10, "/tmp"), 0);
	/* n, not the NUL, ends the path. */
	ck_assert_int_eq(path_under("/tmp/x", 4, "/tmp"), 0);
	ck_assert_int_eq(path_under("/home/bob/k", 11, "/home/bob"), 1);
	ck_assert_int_eq(path_under("/home/bobby/k", 13, "/home/bob"), 0);
}
END_TEST

/* pathclass_resolve() ---------------------------------------------- */

static const struct actor alice = {
	1000, "alice", "/home/alice", "/srv/work", 9
};

static void
check_resolve(const char *raw, const struct actor *a, const struct users *u,
    const char *want)
{
	struct buf b;

	buf_init(&b, 65536);
	ck_assert_int_eq(pathclass_resolve(raw, a, u, &b), 0);
	ck_assert_msg(strcmp(buf_str(&b), want) == 0,
	    "resolve(%s) = \"%s\", want \"%s\"", raw, buf_str(&b), want);
	buf_free(&b);
}

START_TEST(test_resolve)
{
	struct actor nohome = { 1001, "carol", NULL, "/var/x", 6 };
	struct actor cut = alice;
	struct users u;

	users_init(&u);
	check_resolve("~/x", &alice, &u, "/home/alice/x");
	check_resolve("~", &alice, &u, "/home/alice");
	check_resolve("~/", &alice, &u, "/home/alice");
	check_resolve("~/../bob/.ssh/id", &alice, &u, "/home/bob/.ssh/id");
	check_resolve("~bob/x", &alice, &u, "/home/bob/x");
	check_resolve("~bob", &alice, &u, "/home/bob");
	check_resolve("~root/.ssh/id", &alice, &u, "/root/.ssh/id");
	check_resolve("%d/x", &alice, &u, "/home/alice/x");
	check_resolve("%d", &alice, &u, "/home/alice");
	check_resolve("%d//.ssh/./id", &alice, &u, "/home/alice/.ssh/id");
	check_resolve("x", &alice, &u, "/srv/work/x");
	check_resolve("./k/../id", &alice, &u, "/srv/work/id");
	check_resolve("../../../k", &alice, &u, "/k");
	check_resolve("%dx", &alice, &u, "/srv/work/%dx");
	check_resolve("/etc/./ssh//k", &alice, &u, "/etc/ssh/k");
	/* The home of an actor known by name only, by convention... */
	check_resolve("~/x", &nohome, &u, "/home/carol/x");
	check_resolve("%d/x", &nohome, &u, "/home/carol/x");
	/* ... or from the account table. */
	ck_assert_int_eq(users_add(&u, "bob", 1002, "/srv/bob"), 0);
	ck_assert_int_eq(users_add(&u, "carol", 1001, "/opt/carol"), 0);
	check_resolve("~bob/.ssh/id", &alice, &u, "/srv/bob/.ssh/id");
	check_resolve("~/x", &nohome, &u, "/opt/carol/x");
	/* The actor's own home wins over the table's entry for it. */
	ck_assert_int_eq(users_add(&u, "alice", 1000, "/elsewhere"), 0);
	check_resolve("~/x", &alice, &u, "/home/alice/x");
	/* Only cwdlen bytes of the cwd count. */
	cut.cwd = "/srv/workXYZ";
	cut.cwdlen = 9;
	check_resolve("k", &cut, &u, "/srv/work/k");
	users_free(&u);
}
END_TEST

START_TEST(test_resolve_limits)
{
	struct actor nocwd = { 1000, "alice", "/home/alice", NULL, 0 };
	char raw[600];
	struct buf b;
	struct users u;

	users_init(&u);
	/* No cwd: a relative name stays relative. */
	check_resolve("k/./x", &nocwd, &u, "k/x");
	/* A user name too long to look up: a home we do not know. */
	raw[0] = '~';
	memset(raw + 1, 'a', 400);
	memcpy(raw + 401, "/x", 3);
	buf_init(&b, 65536);
	ck_assert_int_eq(pathclass_resolve(raw, &alice, &u, &b), 1);
	ck_assert_uint_eq(b.len, 0);
	/* So is "~/x" when neither the user nor the home is known. */
	{
		struct actor anon = { -1, NULL, NULL, "/srv", 4 };

		ck_assert_int_eq(pathclass_resolve("~/x", &anon, &u, &b), 1);
	}
	buf_free(&b);
	/* A full buffer is an error. */
	buf_init(&b, 8);
	ck_assert_int_eq(pathclass_resolve("~/x", &alice, &u, &b), -1);
	ck_assert_int_eq(pathclass_resolve("rel", &alice, &u, &b), -1);
	buf_free(&b);
	users_free(&u);
}
END_TEST

/* pathclass_key() --------------------------------------------------- */

enum who {
	W_ALICE,	/* uid 1000, name and home known */
	W_ALICE_NAME,	/* uid 1000, name known, home not */
	W_ROOT,		/* uid 0, name and home known */
	W_UNKNOWN,	/* nothing known */
	W_UID0,		/* uid 0, no name */
	W_UID1000,	/* uid 1000, no name */
	W_SVC,		/* name svc, home only in the table */
	W_DAVE,		/* home outside /home, in no table */
};

static const struct actor actors[] = {
	[W_ALICE] = { 1000, "alice", "/home/alice", "/", 1 },
	[W_ALICE_NAME] = { 1000, "alice", NULL, NULL, 0 },
	[W_ROOT] = { 0, "root", "/root", "/", 1 },
	[W_UNKNOWN] = { -1, NULL, NULL, NULL, 0 },
	[W_UID0] = { 0, NULL, NULL, NULL, 0 },
	[W_UID1000] = { 1000, NULL, NULL, NULL, 0 },
	[W_SVC] = { 999, "svc", NULL, NULL, 0 },
	[W_DAVE] = { 1003, "dave", "/srv/dave", NULL, 0 },
};

struct key_case {
	enum who	 who;
	const char	*path;
	enum keyloc	 want;
};

static const struct key_case key_cases[] = {
	/* Own home, by the actor's home or by its name. */
	{ W_ALICE, "/home/alice/.ssh/id_ed25519", KEYLOC_OWN_HOME },
	{ W_ALICE_NAME, "/home/alice/.ssh/id_rsa", KEYLOC_OWN_HOME },
	{ W_ROOT, "/root/.ssh/id_rsa", KEYLOC_OWN_HOME },
	{ W_UID0, "/root/.ssh/id_rsa", KEYLOC_OWN_HOME },
	{ W_DAVE, "/srv/dave/.ssh/id", KEYLOC_OWN_HOME },
	/* Another user's home: under /home, /root, or from the table. */
	{ W_ALICE, "/home/bob/.ssh/id_rsa", KEYLOC_OTHER_HOME },
	{ W_ALICE_NAME, "/home/bob/.ssh/id_rsa", KEYLOC_OTHER_HOME },
	{ W_ALICE, "/root/.ssh/id_rsa", KEYLOC_OTHER_HOME },
	{ W_ROOT, "/home/bob/.ssh/id_rsa", KEYLOC_OTHER_HOME },
	{ W_UID1000, "/root/.ssh/id_rsa", KEYLOC_OTHER_HOME },
	{ W_ALICE, "/home/alicex/.ssh/id", KEYLOC_OTHER_HOME },
	{ W_ALICE, "/var/lib/svc/.ssh/id", KEYLOC_OTHER_HOME },
	{ W_SVC, "/var/lib/svc/.ssh/id", KEYLOC_OWN_HOME },
	{ W_SVC, "/home/alice/.ssh/id", KEYLOC_OTHER_HOME },
	/* A home, but whose process it is we do not know. */
	{ W_UNKNOWN, "/home/bob/.ssh/id_rsa", KEYLOC_UNKNOWN_HOME },
	{ W_UNKNOWN, "/root/.ssh/id_rsa", KEYLOC_UNKNOWN_HOME },
	{ W_UNKNOWN, "/var/lib/svc/.ssh/id", KEYLOC_UNKNOWN_HOME },
	{ W_UID1000, "/home/bob/.ssh/id_rsa", KEYLOC_UNKNOWN_HOME },
	/* Temporary directories, before any home test. */
	{ W_ALICE, "/tmp/k", KEYLOC_TEMP },
	{ W_ALICE, "/tmp/.x/id_rsa", KEYLOC_TEMP },
	{ W_ALICE, "/var/tmp/k", KEYLOC_TEMP },
	{ W_ALICE, "/dev/shm/k", KEYLOC_TEMP },
	{ W_ALICE, "/run/shm/k", KEYLOC_TEMP },
	{ W_UNKNOWN, "/tmp/k", KEYLOC_TEMP },
	/* File descriptors and standard input. */
	{ W_ALICE, "/dev/fd/3", KEYLOC_FD },
	{ W_ALICE, "/dev/stdin", KEYLOC_FD },
	{ W_ALICE, "/proc/self/fd/3", KEYLOC_FD },
	{ W_ALICE, "/proc/thread-self/fd/3", KEYLOC_FD },
	{ W_ALICE, "/proc/123/fd/4", KEYLOC_FD },
	{ W_ALICE, "/proc/123/task/124/fd/4", KEYLOC_FD },
	{ W_UNKNOWN, "/dev/fd/0", KEYLOC_FD },
	/* Elsewhere, and look-alikes of the above. */
	{ W_ALICE, "/etc/x", KEYLOC_ELSEWHERE },
	{ W_ALICE, "/etc/ssh/ssh_host_ed25519_key", KEYLOC_ELSEWHERE },
	{ W_UNKNOWN, "/etc/x", KEYLOC_ELSEWHERE },
	{ W_ALICE, "/tmpx/k", KEYLOC_ELSEWHERE },
	{ W_ALICE, "/home/k", KEYLOC_ELSEWHERE },
	{ W_ALICE, "/dev/stdinx", KEYLOC_ELSEWHERE },
	{ W_ALICE, "/dev/fdx/3", KEYLOC_ELSEWHERE },
	{ W_ALICE, "/proc/123/environ", KEYLOC_ELSEWHERE },
	{ W_ALICE, "/proc/abc/fd/3", KEYLOC_ELSEWHERE },
	{ W_ALICE, "/proc/123", KEYLOC_ELSEWHERE },
	{ W_ALICE, "/srv/dave/.ssh/id", KEYLOC_ELSEWHERE },
};

START_TEST(test_key_table)
{
	const struct key_case *c = &key_cases[_i];
	struct users u;
	enum keyloc got;

	users_init(&u);
	ck_assert_int_eq(users_add(&u, "svc", 999, "/var/lib/svc"), 0);
	ck_assert_int_eq(users_add(&u, "nohome", 34, NULL), 0);
	got = pathclass_key(c->path, strlen(c->path), &actors[c->who], &u);
	ck_assert_msg(got == c->want, "key %s (actor %d): %s, want %s",
	    c->path, (int)c->who, keyloc_name(got), keyloc_name(c->want));
	users_free(&u);
}
END_TEST

/* The longest home in the table owns a path. */
START_TEST(test_key_longest_home)
{
	struct actor bob2 = { 1005, "bob2", NULL, NULL, 0 };
	struct users u;

	users_init(&u);
	ck_assert_int_eq(users_add(&u, "web", 33, "/srv"), 0);
	ck_assert_int_eq(users_add(&u, "bob2", 1005, "/srv/bob2"), 0);
	ck_assert_int_eq(pathclass_key("/srv/bob2/.ssh/id", 17, &bob2, &u),
	    KEYLOC_OWN_HOME);
	ck_assert_int_eq(pathclass_key("/srv/other/id", 13, &bob2, &u),
	    KEYLOC_OTHER_HOME);
	users_free(&u);
}
END_TEST

START_TEST(test_keyloc_names)
{
	static const struct {
		enum keyloc	 loc;
		const char	*name;
	} names[] = {
		{ KEYLOC_OWN_HOME, "own-home" },
		{ KEYLOC_ELSEWHERE, "elsewhere" },
		{ KEYLOC_UNKNOWN_HOME, "home-of-unknown-user" },
		{ KEYLOC_TEMP, "temporary" },
		{ KEYLOC_OTHER_HOME, "other-user-home" },
		{ KEYLOC_FD, "file-descriptor" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_str_eq(keyloc_name(names[i].loc), names[i].name);
	ck_assert_str_eq(keyloc_name((enum keyloc)99), "?");
}
END_TEST

/* pathclass_foreign_agent() ----------------------------------------- */

static int
foreign(const char *path, const struct actor *a, const struct users *u)
{
	return pathclass_foreign_agent(path, strlen(path), a, u);
}

START_TEST(test_foreign_agent)
{
	struct users u;
	char big[128];

	users_init(&u);
	/* /run/user/<uid>: the uid tells. */
	ck_assert_int_eq(foreign("/run/user/1001/gnupg/S.gpg-agent.ssh",
	    &alice, &u), 2);
	ck_assert_int_eq(foreign("/run/user/0/ssh-agent.socket", &alice, &u),
	    2);
	ck_assert_int_eq(foreign("/run/user/1000/ssh-agent.socket", &alice,
	    &u), 0);
	ck_assert_int_eq(foreign("/run/user/1000/keyring/ssh",
	    &actors[W_UID1000], &u), 0);
	ck_assert_int_eq(foreign("/run/user/0/x", &actors[W_ROOT], &u), 0);
	/* A uid that is no number, or far too long for one. */
	ck_assert_int_eq(foreign("/run/user/abc/x", &alice, &u), 1);
	ck_assert_int_eq(foreign("/run/user/12345678901/x", &alice, &u), 1);
	memcpy(big, "/run/user/", 10);
	memset(big + 10, '9', 60);
	memcpy(big + 70, "/agent", 7);
	ck_assert_int_eq(foreign(big, &alice, &u), 1);
	/* Homes: the owner against the actor. */
	ck_assert_int_eq(foreign("/home/bob/.ssh/agent.sock", &alice, &u), 2);
	ck_assert_int_eq(foreign("/root/.ssh/agent", &alice, &u), 2);
	ck_assert_int_eq(foreign("/home/alice/.ssh/agent.sock", &alice, &u),
	    0);
	ck_assert_int_eq(foreign("/root/agent", &actors[W_UID0], &u), 0);
	ck_assert_int_eq(foreign("/home/bob/agent", &actors[W_UID0], &u), 2);
	ck_assert_int_eq(foreign("/home/bob/agent", &actors[W_UID1000], &u),
	    1);
	ck_assert_int_eq(foreign("/home/bob/agent", &actors[W_UNKNOWN], &u),
	    1);
	/* ssh-agent's own directory under /tmp: owner unknown. */
	ck_assert_int_eq(foreign("/tmp/ssh-XXXXabcd1234/agent.1", &alice, &u),
	    1);
	ck_assert_int_eq(foreign("/tmp/ssh-", &alice, &u), 0);
	ck_assert_int_eq(foreign("/tmp/other/agent.1", &alice, &u), 0);
	ck_assert_int_eq(foreign("/var/tmp/ssh-X/agent.1", &alice, &u), 0);
	ck_assert_int_eq(foreign("/run/user", &alice, &u), 0);
	ck_assert_int_eq(foreign("/etc/agent", &alice, &u), 0);
	/* A home from the table. */
	ck_assert_int_eq(users_add(&u, "svc", 999, "/var/lib/svc"), 0);
	ck_assert_int_eq(foreign("/var/lib/svc/agent", &alice, &u), 2);
	ck_assert_int_eq(foreign("/var/lib/svc/agent", &actors[W_SVC], &u), 0);
	users_free(&u);
}
END_TEST

/* pathclass_authkeys() ---------------------------------------------- */

static int
authkeys(const char *path, char *const *globs, size_t nglobs)
{
	return pathclass_authkeys(path, strlen(path), globs, nglobs);
}

START_TEST(test_authkeys)
{
	static const char *const yes[] = {
		"/home/bob/.ssh/authorized_keys",
		"/root/.ssh/authorized_keys2",
		"/etc/.ssh/authorized_keys",
		"/var/lib/svc/.ssh/authorized_keys",
		".ssh/authorized_keys",
		"/.ssh/authorized_keys",
	};
	static const char *const no[] = {
		"/home/bob/.ssh/authorized_keys.bak",
		"/home/bob/.ssh/authorized_keys3",
		"/home/bob/.ssh/authorized_key",
		"/home/bob/.ssh/xauthorized_keys",
		"/tmp/authorized_keys",
		"/x/ssh/authorized_keys",
		"/x/.ssh2/authorized_keys",
		"/x/a.ssh/authorized_keys",
		"/x/.ssh/sub/authorized_keys",
		"/x/.ssh/authorized_keys/",
		"/x/.ssh",
		"authorized_keys",
		"/authorized_keys",
		"/etc/ssh/authorized_keys/bob",
		"",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(authkeys(yes[i], NULL, 0) == 1, "%s", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(authkeys(no[i], NULL, 0) == 0, "%s", no[i]);
	/* Only n bytes count. */
	ck_assert_int_eq(pathclass_authkeys("/x/.ssh/authorized_keys.bak",
	    23, NULL, 0), 1);
	ck_assert_int_eq(pathclass_authkeys("/x/.ssh/authorized_keys2",
	    22, NULL, 0), 0);
}
END_TEST

START_TEST(test_authkeys_globs)
{
	char g1[] = "/etc/ssh/authorized_keys/*";
	char g2[] = "/var/lib/keys/*.pub";
	char *const globs[] = { g1, g2 };
	static const char nul[] = "/etc/ssh/authorized_keys/b\0ob";

	ck_assert_int_eq(authkeys("/etc/ssh/authorized_keys/bob", globs, 2),
	    1);
	ck_assert_int_eq(authkeys("/var/lib/keys/alice.pub", globs, 2), 1);
	/* The built-in rule still holds with patterns. */
	ck_assert_int_eq(authkeys("/home/a/.ssh/authorized_keys", globs, 2),
	    1);
	/* `*' does not cross a '/' (FNM_PATHNAME). */
	ck_assert_int_eq(authkeys("/etc/ssh/authorized_keys/sub/bob", globs,
	    2), 0);
	ck_assert_int_eq(authkeys("/etc/ssh/authorized_keys", globs, 2), 0);
	ck_assert_int_eq(authkeys("/var/lib/keys/alice.pem", globs, 2), 0);
	ck_assert_int_eq(authkeys("/var/lib/keys/a/b.pub", globs, 2), 0);
	/* Without the patterns, the same paths are not keys files. */
	ck_assert_int_eq(authkeys("/etc/ssh/authorized_keys/bob", globs, 0),
	    0);
	ck_assert_int_eq(authkeys("/var/lib/keys/alice.pub", globs, 1), 0);
	/* A NUL byte inside the path never matches a pattern. */
	ck_assert_int_eq(pathclass_authkeys(nul, sizeof(nul) - 1, globs, 2),
	    0);
}
END_TEST

/*
 * An account made after the table was loaded (redteam_client.sh, route
 * cfg-newacct: its ~/.ssh/config was not read): a table that learns asks
 * for the uid it does not hold, once; a uid with no account is not asked
 * for again within USERS_MISS_TTL.
 */
static int late_calls;

static int
late_lookup(long long uid, char *name, size_t namesz, char *home,
    size_t homesz)
{
	late_calls++;
	if (uid != 2001)
		return -1;
	snprintf(name, namesz, "late1");
	snprintf(home, homesz, "/srv/late1");
	return 0;
}

START_TEST(test_users_learn)
{
	struct users u;
	char out[64];

	users_init(&u);
	ck_assert_int_eq(users_add(&u, "old", 1000, "/home/old"), 0);
	/* Without learning (replay without --local-users): unknown. */
	ck_assert_ptr_null(users_name_of_uid(&u, 2001));
	ck_assert_int_eq(users_set_lookup(&u, late_lookup), 0);
	late_calls = 0;
	ck_assert_str_eq(users_name_of_uid(&u, 1000), "old");
	ck_assert_int_eq(late_calls, 0);
	ck_assert_str_eq(users_name_of_uid(&u, 2001), "late1");
	ck_assert_str_eq(users_name_of_uid(&u, 2001), "late1");
	ck_assert_int_eq(late_calls, 1);
	ck_assert_int_eq(users_home_of(&u, "late1", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/srv/late1");
	ck_assert_int_eq(users_owner_of_path(&u, "/srv/late1/.ssh/config",
	    22, out, sizeof(out)), 1);
	ck_assert_str_eq(out, "late1");
	/* The table's own accounts and the fallback are unchanged. */
	ck_assert_int_eq(users_home_of(&u, "old", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/home/old");
	ck_assert_int_eq(users_home_of(&u, "nobody2", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/home/nobody2");
	/* No such account: asked for once, then remembered. */
	ck_assert_ptr_null(users_name_of_uid(&u, 3003));
	ck_assert_ptr_null(users_name_of_uid(&u, 3003));
	ck_assert_int_eq(late_calls, 2);
	users_free(&u);
}
END_TEST

/* Loading this host's accounts turns learning on; freeing ends it. */
START_TEST(test_users_learn_local)
{
	struct users u;

	users_init(&u);
	ck_assert_int_eq(users_set_lookup(&u, NULL), 0);
	users_load_local(&u);
	ck_assert_ptr_nonnull(u.late);
	users_free(&u);
	ck_assert_ptr_null(u.late);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("path");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_join_table, 0,
	    (int)(sizeof(join_cases) / sizeof(join_cases[0])));
	tcase_add_test(tc, test_join_lengths);
	tcase_add_test(tc, test_join_full);
	tcase_add_test(tc, test_base);
	tcase_add_test(tc, test_parent_base);
	tcase_add_test(tc, test_under);
	tcase_add_test(tc, test_resolve);
	tcase_add_test(tc, test_resolve_limits);
	tcase_add_loop_test(tc, test_key_table, 0,
	    (int)(sizeof(key_cases) / sizeof(key_cases[0])));
	tcase_add_test(tc, test_key_longest_home);
	tcase_add_test(tc, test_keyloc_names);
	tcase_add_test(tc, test_foreign_agent);
	tcase_add_test(tc, test_authkeys);
	tcase_add_test(tc, test_authkeys_globs);
	tcase_add_test(tc, test_users_learn);
	tcase_add_test(tc, test_users_learn_local);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
