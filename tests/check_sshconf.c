/*
 * check_sshconf: the client configuration reader (sshconf.h) over files
 * held in memory, joined with the option parser (sshopt_parse_conf), and
 * its opener (sshconfio.h) over real files.
 */
#include "config.h"

#include <check.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sshconf.h"
#include "sshconfio.h"
#include "sshopt.h"
#include "testutil.h"

/* The files of one case: path, contents; NULL path ends. */
struct mfile {
	const char	*path;
	const char	*text;
};

static const struct mfile *mfs;

static int
m_read(void *arg, const char *path, char **data, size_t *len,
    const char **why)
{
	size_t i;

	(void)arg;
	for (i = 0; mfs[i].path != NULL; i++)
		if (strcmp(mfs[i].path, path) == 0) {
			if (mfs[i].text == NULL) {
				*why = "Permission denied";
				return SSHCONF_READ_FAIL;
			}
			*len = strlen(mfs[i].text);
			*data = strdup(mfs[i].text);
			return SSHCONF_READ_OK;
		}
	return SSHCONF_READ_ABSENT;
}

static int
m_glob(void *arg, const char *pat, char ***names, const char **why)
{
	size_t i, n = 0;
	char **v;

	(void)arg;
	(void)why;
	v = calloc(SSHCONF_MAX_GLOB + 1, sizeof(*v));
	/* The table lists files in the order glob(3) would sort them. */
	for (i = 0; mfs[i].path != NULL && n < SSHCONF_MAX_GLOB; i++)
		if (fnmatch(pat, mfs[i].path, FNM_PATHNAME) == 0)
			v[n++] = strdup(mfs[i].path);
	*names = v;
	return (int)n;
}

static const struct sshconf_io mio = { m_read, m_glob, NULL };

/*
 * Collects for "ssh ARGV" as localuser u (home /home/u) and parses again
 * with the lines; returns the findings as "name@where;..." in out.
 */
static struct sshconf sc;

static void
run(const struct mfile *files, const char *argv, char *out, size_t outsz)
{
	struct sshconf_query q;
	struct sshopt so;
	size_t argc, i;
	char **w = tu_split(argv, &argc);

	mfs = files;
	ck_assert_int_eq(sshopt_parse(&so, SSHPROG_SSH, 0, argc,
	    (const char *const *)w), 0);
	memset(&q, 0, sizeof(q));
	q.host = so.host;
	q.user = so.user;
	q.hostname = so.hostname;
	q.localuser = "u";
	q.home = "/home/u";
	q.config = so.config_file;
	ck_assert_int_eq(sshconf_collect(&sc, &q, &mio), 0);
	sshopt_free(&so);
	ck_assert_int_eq(sshopt_parse_conf(&so, SSHPROG_SSH, 0, argc,
	    (const char *const *)w, sc.lines, sc.nlines), 0);
	out[0] = '\0';
	for (i = 0; i < so.nfinds; i++) {
		size_t l = strlen(out);

		snprintf(out + l, outsz - l, "%s%s%s%s", l ? ";" : "",
		    sshfind_name(so.finds[i].kind),
		    so.finds[i].conf ? "@" : "",
		    so.finds[i].conf & SSHOPT_CONF_UNSURE ? "?" : "");
		if (so.finds[i].conf) {
			/* "FILE:LINE: line": keep FILE:LINE. */
			const char *t = so.finds[i].text, *e = strstr(t, ": ");

			l = strlen(out);
			snprintf(out + l, outsz - l, "%.*s",
			    (int)(e != NULL ? e - t : 0), t);
		}
	}
	sshopt_free(&so);
	tu_free_words(w);
}

#define UC	"/home/u/.ssh/config"
#define SC	"/etc/ssh/ssh_config"

struct ccase {
	const char	*name;
	struct mfile	 files[6];
	const char	*argv;
	const char	*expect;
};

static const struct ccase cases[] = {
	{ "host block applies", { { UC, "Host web*\n DynamicForward 1080\n" },
	  { NULL, NULL } }, "ssh web1", "dynamic-forward@" UC ":2" },
	{ "host block does not apply", { { UC,
	  "Host web*\n DynamicForward 1080\n" }, { NULL, NULL } }, "ssh db1",
	  "" },
	{ "negation wins", { { UC, "Host * !web1\n ForwardAgent yes\n" },
	  { NULL, NULL } }, "ssh web1", "" },
	{ "negation, other host", { { UC,
	  "Host * !web1\n ForwardAgent yes\n" }, { NULL, NULL } }, "ssh web2",
	  "agent-forward@" UC ":2" },
	{ "host patterns are case-sensitive", { { UC,
	  "Host WEB\n ForwardAgent yes\n" }, { NULL, NULL } }, "ssh web", "" },
	{ "question mark", { { UC, "Host w?b\n ForwardAgent yes\n" },
	  { NULL, NULL } }, "ssh wxb", "agent-forward@" UC ":2" },
	{ "first value wins across files", { { UC,
	  "StrictHostKeyChecking yes\n" }, { SC,
	  "StrictHostKeyChecking no\n" }, { NULL, NULL } }, "ssh h", "" },
	{ "system file after user file", { { UC, "# nothing\n" }, { SC,
	  "Host *\n  StrictHostKeyChecking no\n" }, { NULL, NULL } }, "ssh h",
	  "no-hostcheck@" SC ":2" },
	{ "argv before files", { { UC, "StrictHostKeyChecking no\n" },
	  { NULL, NULL } }, "ssh -o StrictHostKeyChecking=yes h", "" },
	{ "-A wins over a file's no", { { UC, "ForwardAgent no\n" },
	  { NULL, NULL } }, "ssh -A h", "agent-forward" },
	{ "forwards add up", { { UC, "LocalForward 8080 x:80\n"
	  "DynamicForward 1080\n" }, { NULL, NULL } }, "ssh -D 9 h",
	  "dynamic-forward;local-forward@" UC ":1;dynamic-forward@" UC ":2" },
	{ "ClearAllForwardings in a file", { { UC, "ClearAllForwardings yes\n"
	  }, { NULL, NULL } }, "ssh -D 9 h", "" },
	{ "= syntax and case", { { UC, "dYnAmIcFoRwArD=1080\n" },
	  { NULL, NULL } }, "ssh h", "dynamic-forward@" UC ":1" },
	{ "quotes", { { UC, "IdentityFile \"/tmp/a key\"\n" }, { NULL, NULL } },
	  "ssh h", "identity-file@" UC ":1" },
	{ "ProxyCommand", { { UC, "Host h\n\tProxyCommand nc %h %p\n" },
	  { NULL, NULL } }, "ssh h", "proxy-command@" UC ":2" },
	{ "-F alone, no system file", { { "/tmp/f", "ForwardAgent yes\n" },
	  { SC, "DynamicForward 1\n" }, { UC, "DynamicForward 2\n" },
	  { NULL, NULL } }, "ssh -F /tmp/f h", "agent-forward@/tmp/f:1" },
	{ "-F none", { { SC, "DynamicForward 1\n" }, { NULL, NULL } },
	  "ssh -F none h", "" },
	{ "Include relative to ~/.ssh, glob", { { UC, "Include conf.d/*\n" },
	  { "/home/u/.ssh/conf.d/a", "ForwardAgent yes\n" },
	  { "/home/u/.ssh/conf.d/b", "DynamicForward 7\n" }, { NULL, NULL } },
	  "ssh h", "agent-forward@/home/u/.ssh/conf.d/a:1;"
	  "dynamic-forward@/home/u/.ssh/conf.d/b:1" },
	{ "system Include relative to /etc/ssh", { { SC,
	  "Include /etc/ssh/ssh_config.d/*.conf\n" },
	  { "/etc/ssh/ssh_config.d/x.conf", "Host h\n ProxyJump j\n" },
	  { NULL, NULL } }, "ssh h",
	  "proxy-jump@/etc/ssh/ssh_config.d/x.conf:2" },
	{ "Include in an inactive block is not applied", { { UC,
	  "Host other\nInclude extra\n" }, { "/home/u/.ssh/extra",
	  "ForwardAgent yes\n" }, { NULL, NULL } }, "ssh h", "" },
	{ "Include keeps the block state", { { UC,
	  "Host h\nInclude extra\nForwardAgent yes\n" },
	  { "/home/u/.ssh/extra", "Host zzz\n" }, { NULL, NULL } }, "ssh h",
	  "agent-forward@" UC ":3" },
	{ "Match host uses Hostname", { { UC, "Host a\n HostName real.x\n"
	  "Match host real.x\n ForwardAgent yes\n" }, { NULL, NULL } },
	  "ssh a", "agent-forward@" UC ":4" },
	{ "Match originalhost", { { UC, "Host a\n HostName real.x\n"
	  "Match originalhost real.x\n ForwardAgent yes\n" }, { NULL, NULL } },
	  "ssh a", "" },
	{ "Match user (from -l)", { { UC, "Match user root\n"
	  " DynamicForward 5\n" }, { NULL, NULL } }, "ssh -l root h",
	  "dynamic-forward@" UC ":2" },
	{ "Match user, default local", { { UC, "Match user u\n"
	  " DynamicForward 5\n" }, { NULL, NULL } }, "ssh h",
	  "dynamic-forward@" UC ":2" },
	{ "Match localuser", { { UC, "Match localuser !u,*\n"
	  " DynamicForward 5\nMatch localuser u\n DynamicForward 6\n" },
	  { NULL, NULL } }, "ssh h", "dynamic-forward@" UC ":4" },
	{ "Match all", { { UC, "Host x\nMatch all\n ForwardAgent yes\n" },
	  { NULL, NULL } }, "ssh h", "agent-forward@" UC ":3" },
	{ "Match exec is unsure", { { UC, "Match exec \"true\"\n"
	  " ForwardAgent yes\n" }, { NULL, NULL } }, "ssh h",
	  "agent-forward@?" UC ":2" },
	{ "Match exec, false host", { { UC, "Match host q exec \"true\"\n"
	  " ForwardAgent yes\n" }, { NULL, NULL } }, "ssh h", "" },
	{ "Match final: second pass", { { UC, "Match final host h\n"
	  " ForwardAgent yes\n" }, { NULL, NULL } }, "ssh h",
	  "agent-forward@" UC ":2" },
	{ "Match canonical without canonicalization", { { UC,
	  "Match canonical\n ForwardAgent yes\n" }, { NULL, NULL } }, "ssh h",
	  "" },
	{ "Match final, Host matches the new name", { { UC,
	  "Host a\n Hostname b\nMatch final\nHost b\n DynamicForward 3\n" },
	  { NULL, NULL } }, "ssh a", "dynamic-forward@" UC ":5" },
	{ "CanonicalizeHostname: final pass unsure", { { UC,
	  "CanonicalizeHostname yes\nMatch canonical\n ForwardAgent yes\n" },
	  { NULL, NULL } }, "ssh h", "agent-forward@?" UC ":3" },
	{ "a line of both passes counts once", { { UC,
	  "Match final\nLocalForward 1 x:2\n" }, { NULL, NULL } }, "ssh h",
	  "local-forward@" UC ":2" },
	{ "comments and blank lines", { { UC, "# c\n\n   \nHost h # x\n"
	  "  # ForwardAgent yes\n" }, { NULL, NULL } }, "ssh h", "" },
	{ "user@ and Match user", { { UC, "Match user admin\n"
	  " ForwardAgent yes\n" }, { NULL, NULL } }, "ssh admin@h",
	  "agent-forward@" UC ":2" },
	{ "UserKnownHostsFile /dev/null", { { UC,
	  "UserKnownHostsFile /dev/null\n" }, { NULL, NULL } }, "ssh h",
	  "no-hostcheck@" UC ":1" },
};

START_TEST(test_case)
{
	const struct ccase *c = &cases[_i];
	char out[2048];

	run(c->files, c->argv, out, sizeof(out));
	ck_assert_msg(strcmp(out, c->expect) == 0, "%s: got \"%s\", want "
	    "\"%s\"", c->name, out, c->expect);
	sshconf_free(&sc);
}
END_TEST

START_TEST(test_unreadable)
{
	static const struct mfile f[] = { { UC, NULL },
	    { SC, "ForwardAgent yes\n" }, { NULL, NULL } };
	char out[512];

	run(f, "ssh h", out, sizeof(out));
	ck_assert_str_eq(out, "agent-forward@" SC ":1");
	ck_assert_uint_eq(sc.unreadable, 1);
	ck_assert_ptr_nonnull(strstr(sc.unread_what, UC));
	sshconf_free(&sc);
}
END_TEST

START_TEST(test_include_depth)
{
	static const struct mfile f[] = { { UC, "Include config\n" },
	    { NULL, NULL } };
	char out[512];

	run(f, "ssh h", out, sizeof(out));
	ck_assert_uint_ge(sc.over, 1);
	ck_assert_str_eq(sc.over_what, "Include depth");
	ck_assert_uint_eq(sc.files, SSHCONF_MAX_DEPTH + 1);
	sshconf_free(&sc);
}
END_TEST

START_TEST(test_caps)
{
	struct mfile f[2] = { { UC, NULL }, { NULL, NULL } };
	char *big, out[512];
	size_t i, n;

	/* More lines than the cap: the ones past it are not read. */
	n = (SSHCONF_MAX_LINES + 10) * 2;
	big = malloc(n + 64);
	for (i = 0; i < SSHCONF_MAX_LINES + 10; i++)
		memcpy(big + 2 * i, "#\n", 2);
	memcpy(big + n, "ForwardAgent yes\n", 18);
	f[0].text = big;
	run(f, "ssh h", out, sizeof(out));
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(sc.over_what, "lines of a file");
	sshconf_free(&sc);
	free(big);

	/* A line longer than the cap is cut, and said to be. */
	big = malloc(SSHCONF_MAX_LINE + 64);
	memcpy(big, "ForwardAgent yes #", 18);
	memset(big + 18, 'x', SSHCONF_MAX_LINE);
	big[SSHCONF_MAX_LINE + 18] = '\0';
	f[0].text = big;
	run(f, "ssh h", out, sizeof(out));
	ck_assert_str_eq(out, "agent-forward@" UC ":1");
	ck_assert_str_eq(sc.over_what, "line length");
	sshconf_free(&sc);
	free(big);
}
END_TEST

START_TEST(test_pattern)
{
	ck_assert_int_eq(sshconf_match_pattern("abc", "a*c"), 1);
	ck_assert_int_eq(sshconf_match_pattern("abc", "a*b"), 0);
	ck_assert_int_eq(sshconf_match_pattern("", "*"), 1);
	ck_assert_int_eq(sshconf_match_pattern("", ""), 1);
	ck_assert_int_eq(sshconf_match_pattern("a", ""), 0);
	ck_assert_int_eq(sshconf_match_pattern("aaaaaaaaaaaaaaaaaaaaaaaaaaaab",
	    "*a*a*a*a*a*a*a*a*a*a*a*a*c"), 0);
	ck_assert_int_eq(sshconf_match_pattern("x.example.com", "*.example.?om"),
	    1);
}
END_TEST

/* The opener over real files, for an account that is not their owner. */
START_TEST(test_opener)
{
	char dir[] = "/tmp/check_sshconf.XXXXXX", p[256], q[256];
	struct sshconf_io io;
	struct sshconfio c;
	const char *why;
	char *data;
	size_t len;
	FILE *fp;
	long long other = (long long)geteuid() + 54321;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(p, sizeof(p), "%s/secret", dir);
	ck_assert_ptr_nonnull(fp = fopen(p, "w"));
	fputs("ForwardAgent yes\n", fp);
	fclose(fp);
	ck_assert_int_eq(chmod(p, 0600), 0);

	/* The owner reads it; another account may not. */
	sshconfio_init(&io, &c, (long long)geteuid());
	ck_assert_int_eq(io.read(io.arg, p, &data, &len, &why), 0);
	ck_assert_uint_eq(len, 17);
	free(data);
	sshconfio_init(&io, &c, other);
	ck_assert_int_eq(io.read(io.arg, p, &data, &len, &why), -1);
	ck_assert_str_eq(why, "not readable by the account");

	/* A link to it leads nowhere the account could not go. */
	snprintf(q, sizeof(q), "%s/link", dir);
	ck_assert_int_eq(symlink(p, q), 0);
	ck_assert_int_eq(io.read(io.arg, q, &data, &len, &why), -1);
	ck_assert_str_eq(why, "not readable by the account");
	/* ... and, readable by all, is followed. */
	ck_assert_int_eq(chmod(p, 0644), 0);
	ck_assert_int_eq(io.read(io.arg, q, &data, &len, &why), 0);
	free(data);
	/* A directory it cannot search stops it. */
	ck_assert_int_eq(chmod(dir, 0700), 0);
	if (geteuid() != (uid_t)other) {
		ck_assert_int_eq(io.read(io.arg, p, &data, &len, &why), -1);
		ck_assert_str_eq(why,
		    "a directory the account cannot search");
	}
	ck_assert_int_eq(chmod(dir, 0755), 0);
	unlink(q);

	/* A FIFO is refused at once, not waited on. */
	snprintf(q, sizeof(q), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(q, 0644), 0);
	ck_assert_int_eq(io.read(io.arg, q, &data, &len, &why), -1);
	ck_assert_str_eq(why, "not a regular file");
	unlink(q);

	/* Absent is not an error. */
	snprintf(q, sizeof(q), "%s/none", dir);
	ck_assert_int_eq(io.read(io.arg, q, &data, &len, &why), 1);

	/* A link loop ends. */
	snprintf(q, sizeof(q), "%s/loop", dir);
	ck_assert_int_eq(symlink(q, q), 0);
	ck_assert_int_eq(io.read(io.arg, q, &data, &len, &why), -1);
	ck_assert_str_eq(why, "too many symbolic links");
	unlink(q);
	unlink(p);
	rmdir(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sshconf");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_case, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_include_depth);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_pattern);
	tcase_add_test(tc, test_opener);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
