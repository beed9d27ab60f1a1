/*
 * check_sshdconf: the sshd_config model (sshdconf_parse, _load, _diff):
 * Include (relative, glob, depth), Match blocks kept as blocks, first
 * value wins, accumulating directives, keyword case, comments and white
 * space, the caps; and the safe opener.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sshdconf.h"
#include "testutil.h"

/* Include files from memory: "name=text" pairs, pattern matched exactly
 * or, when it ends in '*', by prefix. */
static const char *const *mem_files;

static int
mem_include(void *arg, const char *pattern, char ***paths, char ***texts,
    size_t **lens, size_t *n, char *err, size_t errsz)
{
	size_t i, k = 0, pl = strlen(pattern);
	int star = pl > 0 && pattern[pl - 1] == '*';

	(void)arg;
	(void)err;
	(void)errsz;
	*paths = calloc(16, sizeof(**paths));
	*texts = calloc(16, sizeof(**texts));
	*lens = calloc(16, sizeof(**lens));
	for (i = 0; mem_files != NULL && mem_files[i] != NULL; i += 2) {
		const char *name = mem_files[i];

		if (star ? strncmp(name, pattern, pl - 1) != 0 :
		    strcmp(name, pattern) != 0)
			continue;
		(*paths)[k] = strdup(name);
		(*texts)[k] = strdup(mem_files[i + 1]);
		(*lens)[k] = strlen(mem_files[i + 1]);
		k++;
	}
	*n = k;
	return 0;
}

static void
parse(const char *text, struct sshdconf *c)
{
	memset(c, 0, sizeof(*c));
	ck_assert_int_eq(sshdconf_parse(text, strlen(text),
	    "/etc/ssh/sshd_config", "/etc/ssh", mem_include, NULL, c), 0);
}

static const char *
global(const struct sshdconf *c, const char *key)
{
	const char *v = NULL;

	return sshdconf_get(c, 0, key, &v) != NULL ? v : NULL;
}

START_TEST(test_first_wins_and_case)
{
	struct sshdconf c;
	const struct sshdconf_entry *e;

	parse("# comment\n\n  permitrootlogin no\nPERMITROOTLOGIN yes\n"
	    "PasswordAuthentication=yes\nLogLevel = VERBOSE # trailing\n"
	    "AuthorizedKeysFile  .ssh/authorized_keys\t\"/var/lib/k/%u\"\n",
	    &c);
	ck_assert_str_eq(global(&c, "permitrootlogin"), "no");
	e = sshdconf_get(&c, 0, "permitrootlogin", NULL);
	ck_assert_uint_eq(e->line, 3);
	ck_assert_str_eq(global(&c, "passwordauthentication"), "yes");
	ck_assert_str_eq(global(&c, "loglevel"), "VERBOSE");
	ck_assert_str_eq(global(&c, "authorizedkeysfile"),
	    ".ssh/authorized_keys /var/lib/k/%u");
	ck_assert_str_eq(sshdconf_keyword("authorizedkeysfile"),
	    "AuthorizedKeysFile");
	sshdconf_free(&c);
	/* ForceCommand is the rest of the line as written (sshd -T agrees). */
	parse("ForceCommand  /bin/echo \"a  b\"  # not a comment\n", &c);
	ck_assert_str_eq(global(&c, "forcecommand"),
	    "/bin/echo \"a  b\"  # not a comment");
	sshdconf_free(&c);
}
END_TEST

START_TEST(test_accumulate_and_subsystem)
{
	struct sshdconf c;

	parse("AllowUsers a b\nAllowUsers c\nPort 22\nPort 2222\n"
	    "Subsystem sftp /a\nSubsystem sftp /b\nSubsystem x /c\n", &c);
	ck_assert_str_eq(global(&c, "allowusers"), "a b c");
	ck_assert_str_eq(global(&c, "port"), "22 2222");
	/* One Subsystem per name, first wins: two entries. */
	ck_assert_uint_eq(c.n, 4);
	sshdconf_free(&c);
}
END_TEST

START_TEST(test_match_blocks)
{
	struct sshdconf c;
	size_t b;
	const char *v = NULL;

	parse("PermitRootLogin no\nMatch User bob Address 10.0.0.0/8\n"
	    "  ForceCommand /bin/x\n  PermitRootLogin yes\n"
	    "MATCH user bob address 10.0.0.0/8\n  ForceCommand /bin/y\n"
	    "Match All\nX11Forwarding yes\n", &c);
	ck_assert_str_eq(global(&c, "permitrootlogin"), "no");
	ck_assert_ptr_null(global(&c, "forcecommand"));
	ck_assert_ptr_null(global(&c, "x11forwarding"));
	/* Criterion names fold to lower case; the same block twice is one. */
	b = sshdconf_block(&c, "user bob address 10.0.0.0/8");
	ck_assert_uint_ne(b, 0);
	ck_assert_ptr_nonnull(sshdconf_get(&c, b, "forcecommand", &v));
	ck_assert_str_eq(v, "/bin/x");
	ck_assert_str_eq(sshdconf_effective(&c, "x11forwarding", "z"), "yes");
	ck_assert_uint_eq(c.nblocks, 3);
	sshdconf_free(&c);
}
END_TEST

START_TEST(test_include)
{
	static const char *const files[] = {
		"/etc/ssh/sshd_config.d/10-a.conf", "PermitRootLogin yes\n"
		    "Match User alice\nForceCommand /a\n",
		"/etc/ssh/sshd_config.d/20-b.conf", "PermitRootLogin no\n"
		    "PasswordAuthentication no\n",
		"/etc/ssh/loop", "Include loop\n",
		NULL
	};
	struct sshdconf c;
	const struct sshdconf_entry *e;

	mem_files = files;
	parse("Include sshd_config.d/*\nPermitRootLogin prohibit-password\n"
	    "PasswordAuthentication yes\n", &c);
	/* The included file comes first, so its value wins. */
	ck_assert_str_eq(global(&c, "permitrootlogin"), "yes");
	e = sshdconf_get(&c, 0, "permitrootlogin", NULL);
	ck_assert_str_eq(e->file, "/etc/ssh/sshd_config.d/10-a.conf");
	/* A Match in an included file ends with it. */
	ck_assert_str_eq(global(&c, "passwordauthentication"), "no");
	ck_assert_uint_eq(c.nfiles, 3);
	sshdconf_free(&c);
	/* An Include loop stops at the depth cap, counted. */
	parse("Include loop\n", &c);
	ck_assert_uint_gt(c.over, 0);
	ck_assert_ptr_nonnull(strstr(c.err, "nested deeper"));
	ck_assert_uint_eq(c.nfiles, SSHDCONF_MAX_DEPTH + 1);
	sshdconf_free(&c);
	mem_files = NULL;
}
END_TEST

START_TEST(test_diff)
{
	struct sshdconf a, b;
	struct sshdconf_change ch[8];
	size_t n;

	parse("# x\nPermitRootLogin no\nClientAliveInterval 0\n"
	    "AllowUsers a\nMatch User bob\nX11Forwarding no\n", &a);
	/* Comments, white space and case of keywords change nothing. */
	parse("#y\n\npermitrootlogin   no  # why\nClientAliveInterval 0\n"
	    "AllowUsers a\nMatch user bob\n\tx11forwarding no\n", &b);
	ck_assert_uint_eq(sshdconf_diff(&a, &b, ch, 8), 0);
	sshdconf_free(&b);
	parse("PermitRootLogin yes\nAllowUsers a\nAllowUsers evil\n"
	    "Match User bob\nX11Forwarding no\nForceCommand /x\n", &b);
	n = sshdconf_diff(&a, &b, ch, 8);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(ch[0].key, "permitrootlogin");
	ck_assert_str_eq(ch[0].old, "no");
	ck_assert_str_eq(ch[0].new, "yes");
	ck_assert_uint_eq(ch[0].line, 1);
	ck_assert_str_eq(ch[1].key, "allowusers");
	ck_assert_str_eq(ch[1].new, "a evil");
	ck_assert_str_eq(ch[2].key, "forcecommand");
	ck_assert_str_eq(ch[2].block, "user bob");
	ck_assert_ptr_null(ch[2].old);
	ck_assert_str_eq(ch[3].key, "clientaliveinterval");
	ck_assert_ptr_null(ch[3].new);
	/* Only max are written; the count says how many there are. */
	ck_assert_uint_eq(sshdconf_diff(&a, &b, ch, 1), 4);
	sshdconf_free(&a);
	sshdconf_free(&b);
}
END_TEST

START_TEST(test_caps)
{
	struct sshdconf c;
	struct buf t;
	size_t i;

	buf_init(&t, 16 * 1024 * 1024);
	for (i = 0; i < SSHDCONF_MAX_ENTRIES + 10; i++)
		buf_addf(&t, "Key%zu v\n", i);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(sshdconf_parse(t.p, t.len, "f", NULL, NULL, NULL,
	    &c), 0);
	ck_assert_uint_eq(c.n, SSHDCONF_MAX_ENTRIES);
	ck_assert_uint_gt(c.over, 0);
	sshdconf_free(&c);
	/* A line over the cap is skipped and counted, the next one kept. */
	buf_reset(&t);
	buf_adds(&t, "Banner ");
	for (i = 0; i < SSHDCONF_MAX_LINE; i++)
		buf_addc(&t, 'x');
	buf_adds(&t, "\nPort 22\n");
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(sshdconf_parse(t.p, t.len, "f", NULL, NULL, NULL,
	    &c), 0);
	ck_assert_ptr_null(global(&c, "banner"));
	ck_assert_str_eq(global(&c, "port"), "22");
	ck_assert_ptr_nonnull(strstr(c.err, "longer than"));
	sshdconf_free(&c);
	buf_free(&t);
}
END_TEST

START_TEST(test_load_safe)
{
	char dir[] = "/tmp/check_sshdconf.XXXXXX", p[256], q[256], l[256];
	struct sshdconf c;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/sshd_config", dir);
	snprintf(q, sizeof(q), "%s/inc.conf", dir);
	snprintf(l, sizeof(l), "%s/link", dir);
	fp = fopen(p, "w");
	fprintf(fp, "Include %s/*.conf\nPort 2\n", dir);
	fclose(fp);
	fp = fopen(q, "w");
	fprintf(fp, "PermitRootLogin yes\n");
	fclose(fp);
	/* Only root's files are read: the loading part needs root. */
	if (geteuid() == 0) {
		memset(&c, 0, sizeof(c));
		ck_assert_int_eq(sshdconf_load(p, &c), 0);
		ck_assert_str_eq(global(&c, "permitrootlogin"), "yes");
		sshdconf_free(&c);
	} else
		fprintf(stderr, "check_sshdconf: loading a root-owned file "
		    "needs root; not run\n");
	/* A symbolic link is refused. */
	ck_assert_int_eq(symlink(p, l), 0);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(sshdconf_load(l, &c), -1);
	ck_assert_ptr_nonnull(strstr(c.err, "symbolic link"));
	sshdconf_free(&c);
	/* A file not owned by root is refused (the suite runs as root). */
	if (geteuid() == 0) {
		ck_assert_int_eq(chown(p, 65534, 65534), 0);
		memset(&c, 0, sizeof(c));
		ck_assert_int_eq(sshdconf_load(p, &c), -1);
		ck_assert_ptr_nonnull(strstr(c.err, "not owned by root"));
		sshdconf_free(&c);
	}
	unlink(l);
	unlink(q);
	unlink(p);
	rmdir(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sshdconf");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_first_wins_and_case);
	tcase_add_test(tc, test_accumulate_and_subsystem);
	tcase_add_test(tc, test_match_blocks);
	tcase_add_test(tc, test_include);
	tcase_add_test(tc, test_diff);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_load_safe);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
