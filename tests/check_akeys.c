/*
 * check_akeys: SHA-256 and base64 against their standards' test vectors
 * (FIPS 180-4 examples, RFC 4648 section 10), the authorized_keys
 * parser (options, quotes, types, refused lines, caps) and the bounded
 * fingerprint table (added, removed, forgotten), and the opener
 * (akeys_read() through safeopen.h) over real files: a 0600 file in a
 * 0700 home of another uid is read for that uid, with the fingerprint
 * `ssh-keygen -lf' prints; a .ssh linked into another account's or
 * root's directory, a link as the file itself, a FIFO (without
 * blocking), a file outside homes not root's all the way are refused.
 * End to end in plugin mode: tests/akeys_plugin.sh.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "akeys.h"
#include "fpr.h"
#include "testutil.h"

static void
hex(const uint8_t *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

START_TEST(test_sha256_vectors)
{
	static const struct { const char *in; const char *out; } v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
		    "7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff"
		    "61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419"
		    "db06c1" },
	};
	uint8_t d[FPR_SHA256_LEN];
	char h[2 * FPR_SHA256_LEN + 1];
	char *million;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		fpr_sha256(v[i].in, strlen(v[i].in), d);
		hex(d, sizeof(d), h);
		ck_assert_str_eq(h, v[i].out);
	}
	/* One million 'a' (FIPS 180-2 appendix B.3). */
	million = malloc(1000000);
	memset(million, 'a', 1000000);
	fpr_sha256(million, 1000000, d);
	hex(d, sizeof(d), h);
	ck_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e"
	    "046d39ccc7112cd0");
	free(million);
	/* Lengths around the padding boundary (55, 56, 64 bytes). */
	fpr_sha256("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 55,
	    d);
	hex(d, sizeof(d), h);
	ck_assert_str_eq(h, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e24"
	    "1c9f1e910f734318");
	fpr_sha256("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 56,
	    d);
	hex(d, sizeof(d), h);
	ck_assert_str_eq(h, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090"
	    "ef7970686ec6738a");
}
END_TEST

START_TEST(test_base64_vectors)
{
	static const char *const v[][3] = {
		{ "", "", "" }, { "f", "Zg==", "Zg" }, { "fo", "Zm8=", "Zm8" },
		{ "foo", "Zm9v", "Zm9v" }, { "foob", "Zm9vYg==", "Zm9vYg" },
		{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
	};
	char out[32];
	uint8_t back[32];
	size_t i;
	long n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_int_eq(fpr_base64((const uint8_t *)v[i][0],
		    strlen(v[i][0]), 1, out, sizeof(out)),
		    (int)strlen(v[i][1]));
		ck_assert_str_eq(out, v[i][1]);
		fpr_base64((const uint8_t *)v[i][0], strlen(v[i][0]), 0, out,
		    sizeof(out));
		ck_assert_str_eq(out, v[i][2]);
		n = fpr_unbase64(v[i][1], strlen(v[i][1]), back, sizeof(back));
		ck_assert_int_eq(n, (long)strlen(v[i][0]));
		ck_assert(memcmp(back, v[i][0], (size_t)n) == 0);
	}
	/* Short output, bad characters, a lone sextet: refused. */
	ck_assert_int_eq(fpr_base64((const uint8_t *)"foobar", 6, 1, out, 8),
	    -1);
	ck_assert_int_eq(fpr_unbase64("Zm9v!", 5, back, sizeof(back)), -1);
	ck_assert_int_eq(fpr_unbase64("Zm9vY", 5, back, sizeof(back)), -1);
	ck_assert_int_eq(fpr_unbase64("Zm9vYmFy", 8, back, 5), -1);
}
END_TEST

/* An ed25519 public key line (ssh-keygen output) and its fingerprint. */
#define ED_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ6IbAzLYidLOXRd" \
	"ldRSOC6aJ/1SplkuZih5qJebtB9+"
#define ED_FP "SHA256:hcVzhbbUebPPghSx8DP+t7Lzdi1hVshwSd1I7OJmCy0"

START_TEST(test_parse_line)
{
	struct akey k;
	const char *why;
	const char *l;

	l = ED_KEY " alice@host";
	ck_assert_int_eq(akeys_parse_line(l, strlen(l), &k, &why), 1);
	ck_assert_str_eq(k.type, "ssh-ed25519");
	ck_assert_str_eq(k.comment, "alice@host");
	ck_assert_str_eq(k.options, "");
	/* As `ssh-keygen -lf' printed it for this key. */
	ck_assert_str_eq(k.fp, ED_FP);
	/* Options, with a quoted space and an escaped quote. */
	l = "command=\"echo \\\"hi there\\\"\",no-pty,from=\"10.0.0.1\" "
	    ED_KEY;
	ck_assert_int_eq(akeys_parse_line(l, strlen(l), &k, &why), 1);
	ck_assert_str_eq(k.options,
	    "command=\"echo \\\"hi there\\\"\",no-pty,from=\"10.0.0.1\"");
	ck_assert_str_eq(k.comment, "");
	l = "cert-authority,principals=\"a\" " ED_KEY " ca";
	ck_assert_int_eq(akeys_parse_line(l, strlen(l), &k, &why), 1);
	ck_assert_str_eq(k.options, "cert-authority,principals=\"a\"");
	/* Blank and comment lines. */
	ck_assert_int_eq(akeys_parse_line("  # x", 5, &k, &why), 0);
	ck_assert_int_eq(akeys_parse_line("", 0, &k, &why), 0);
	/* Refused: open quote, no type, bad base64, blob of another type. */
	l = "command=\"x " ED_KEY;
	ck_assert_int_eq(akeys_parse_line(l, strlen(l), &k, &why), -1);
	ck_assert_str_eq(why, "unterminated quote in options");
	l = "no-pty garbage";
	ck_assert_int_eq(akeys_parse_line(l, strlen(l), &k, &why), -1);
	ck_assert_str_eq(why, "no key type");
	l = "ssh-ed25519 ***";
	ck_assert_int_eq(akeys_parse_line(l, strlen(l), &k, &why), -1);
	l = "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIJ6IbAzLYidLOXRdldRSOC6aJ/1SplkuZih5qJebtB9+";
	ck_assert_int_eq(akeys_parse_line(l, strlen(l), &k, &why), -1);
	ck_assert_str_eq(why, "key blob does not match its type");
}
END_TEST

static void
count_key(void *arg, const struct akey *k)
{
	(void)k;
	(*(size_t *)arg)++;
}

START_TEST(test_parse_file_caps)
{
	struct buf t;
	size_t i, seen = 0;
	unsigned bad;

	buf_init(&t, 64 * 1024 * 1024);
	for (i = 0; i < AKEYS_MAX_KEYS + 5; i++)
		buf_addf(&t, "%s k%zu\n", ED_KEY, i);
	buf_adds(&t, "not a key\n");
	ck_assert_uint_eq(akeys_parse(t.p, t.len, count_key, &seen, &bad),
	    AKEYS_MAX_KEYS);
	ck_assert_uint_eq(seen, AKEYS_MAX_KEYS);
	buf_reset(&t);
	buf_adds(&t, "ssh-ed25519 ");
	for (i = 0; i < AKEYS_MAX_LINE; i++)
		buf_addc(&t, 'A');
	buf_addf(&t, "\nbad line\n%s last\n", ED_KEY);
	seen = 0;
	ck_assert_uint_eq(akeys_parse(t.p, t.len, count_key, &seen, &bad), 1);
	ck_assert_uint_eq(bad, 2);
	buf_free(&t);
}
END_TEST

START_TEST(test_table)
{
	struct akeys *t = akeys_new();
	uint8_t d[3][FPR_SHA256_LEN], rm[4][FPR_SHA256_LEN];
	int added[3];
	size_t nrm;

	memset(d, 0, sizeof(d));
	d[0][0] = 1;
	d[1][0] = 2;
	d[2][0] = 3;
	ck_assert(!akeys_known(t, "/a"));
	ck_assert_int_eq(akeys_update(t, "/a", (const uint8_t (*)[32])d, 2,
	    added, rm, 4, &nrm), 0);
	ck_assert(added[0] && added[1]);
	ck_assert_uint_eq(nrm, 0);
	/* Key 1 stays, key 2 goes, key 3 comes. */
	ck_assert_int_eq(akeys_update(t, "/a", (const uint8_t (*)[32])d + 1,
	    2, added, rm, 4, &nrm), 0);
	ck_assert(!added[0] && added[1]);
	ck_assert_uint_eq(nrm, 1);
	ck_assert_int_eq(rm[0][0], 1);
	akeys_forget(t, "/a", rm, 4, &nrm);
	ck_assert_uint_eq(nrm, 2);
	ck_assert(!akeys_known(t, "/a"));
	ck_assert_uint_eq(akeys_files(t), 0);
	akeys_free(t);
}
END_TEST

START_TEST(test_table_cap)
{
	struct akeys *t = akeys_new();
	static uint8_t d[AKEYS_MAX_KEYS][FPR_SHA256_LEN];
	static int added[AKEYS_MAX_KEYS];
	uint8_t rm[1][FPR_SHA256_LEN];
	char p[32];
	size_t i, nrm;
	int refused = 0;

	for (i = 0; i < AKEYS_MAX_TOTAL / AKEYS_MAX_KEYS + 2; i++) {
		snprintf(p, sizeof(p), "/f%zu", i);
		if (akeys_update(t, p, (const uint8_t (*)[32])d, AKEYS_MAX_KEYS,
		    added, rm, 1, &nrm) == -1)
			refused++;
	}
	ck_assert_int_eq(refused, 2);
	ck_assert_uint_eq(akeys_refused(t), 2);
	ck_assert_uint_eq(akeys_files(t), AKEYS_MAX_TOTAL / AKEYS_MAX_KEYS);
	akeys_free(t);
}
END_TEST

/* A directory or file of mode and owner uid (when root). */
static void
mk(const char *path, mode_t mode, long long uid, const char *text)
{
	FILE *fp;

	if (text == NULL)
		ck_assert_int_eq(mkdir(path, mode), 0);
	else {
		ck_assert_ptr_nonnull(fp = fopen(path, "w"));
		fputs(text, fp);
		fclose(fp);
	}
	if (geteuid() == 0)
		ck_assert_int_eq(chown(path, (uid_t)uid, (gid_t)uid), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
on_read_key(void *arg, const struct akey *k)
{
	memcpy(arg, k, sizeof(*k));
}

/* akeys_read() of path for uid: its result, and *why. */
static int
try_read(const char *path, long long uid, const char **why)
{
	char *text;
	size_t len;
	int r;

	*why = NULL;
	r = akeys_read(path, uid, &text, &len, why);
	if (r == 0)
		free(text);
	else
		ck_assert_ptr_null(text);
	return r;
}

START_TEST(test_read_safe)
{
	char dir[] = "/tmp/check_akeys.XXXXXX", p[512], q[512], cmd[1200];
	char line[1024], want[256], *text;
	const int root = geteuid() == 0;
	/* Accounts of no one: the files' owners when root. */
	const long long a = root ? 4301 : (long long)geteuid();
	const long long b = root ? 4302 : (long long)geteuid();
	const char *why;
	struct akey k;
	size_t len;
	unsigned bad;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0711), 0);
	/* a's home: 0700, .ssh 0700, authorized_keys 0600, one real key. */
	snprintf(p, sizeof(p), "%s/a", dir);
	mk(p, 0700, a, NULL);
	snprintf(p, sizeof(p), "%s/a/.ssh", dir);
	mk(p, 0700, a, NULL);
	snprintf(cmd, sizeof(cmd), "ssh-keygen -q -t ed25519 -N '' -C "
	    "planted -f %s/key && cp %s/key.pub %s/a/.ssh/authorized_keys",
	    dir, dir, dir);
	ck_assert_msg(system(cmd) == 0, "ssh-keygen failed: %s", cmd);
	snprintf(p, sizeof(p), "%s/a/.ssh/authorized_keys", dir);
	if (root)
		ck_assert_int_eq(chown(p, (uid_t)a, (gid_t)a), 0);
	ck_assert_int_eq(chmod(p, 0600), 0);

	/* Read for its owner: the key, with ssh-keygen's fingerprint. */
	ck_assert_int_eq(akeys_read(p, a, &text, &len, &why), 0);
	memset(&k, 0, sizeof(k));
	ck_assert_uint_eq(akeys_parse(text, len, on_read_key, &k, &bad), 1);
	free(text);
	snprintf(cmd, sizeof(cmd), "ssh-keygen -lf %s/key.pub", dir);
	ck_assert_ptr_nonnull(fp = popen(cmd, "r"));
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	ck_assert_int_eq(pclose(fp), 0);
	/* "256 SHA256:... planted (ED25519)" */
	snprintf(want, sizeof(want), "%s", strchr(line, ' ') + 1);
	*strchr(want, ' ') = '\0';
	ck_assert_str_eq(k.fp, want);
	ck_assert_str_eq(k.comment, "planted");
	ck_assert_str_eq(k.type, "ssh-ed25519");

	/* The file itself a link (to a's own file): refused. */
	snprintf(q, sizeof(q), "%s/a/.ssh/authorized_keys2", dir);
	ck_assert_int_eq(symlink(p, q), 0);
	ck_assert_int_eq(try_read(q, a, &why), -1);
	ck_assert_str_eq(why, "a symbolic link");

	/* A FIFO: refused at once, not waited on for a writer. */
	snprintf(q, sizeof(q), "%s/a/.ssh/fifo", dir);
	ck_assert_int_eq(mkfifo(q, 0600), 0);
	ck_assert_int_eq(try_read(q, a, &why), -1);
	ck_assert_str_eq(why, "not a regular file");

	/* Absent: 1, no reason. */
	snprintf(q, sizeof(q), "%s/a/.ssh/none", dir);
	ck_assert_int_eq(try_read(q, a, &why), 1);
	ck_assert_ptr_null(why);

	/* Over the cap. */
	snprintf(q, sizeof(q), "%s/a/.ssh/big", dir);
	ck_assert_ptr_nonnull(fp = fopen(q, "w"));
	ck_assert_int_eq(fseek(fp, AKEYS_MAX_BYTES, SEEK_SET), 0);
	fputc('\n', fp);
	fclose(fp);
	ck_assert_int_eq(try_read(q, a, &why), -1);
	ck_assert_str_eq(why, "over AKEYS_MAX_BYTES");

	if (!root) {
		fprintf(stderr, "check_akeys: not root: the tests of files "
		    "owned by other accounts and by root were not run\n");
		goto out;
	}
	/* Another account can not read it. */
	snprintf(cmd, sizeof(cmd), "cp %s/key.pub %s", dir, p);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(try_read(p, b, &why), -1);
	ck_assert_str_eq(why, "owned by another account");

	/* b's home with .ssh a link into a's 0700 home: refused. */
	snprintf(q, sizeof(q), "%s/b", dir);
	mk(q, 0700, b, NULL);
	snprintf(q, sizeof(q), "%s/b/.ssh", dir);
	snprintf(cmd, sizeof(cmd), "%s/a/.ssh", dir);
	ck_assert_int_eq(symlink(cmd, q), 0);
	ck_assert_int_eq(lchown(q, (uid_t)b, (gid_t)b), 0);
	snprintf(q, sizeof(q), "%s/b/.ssh/authorized_keys", dir);
	ck_assert_int_eq(try_read(q, b, &why), -1);
	ck_assert_str_eq(why, "owned by another account");
	/* ... even where b could read a's file itself. */
	snprintf(cmd, sizeof(cmd), "chmod 0755 %s/a %s/a/.ssh && chmod 0644 "
	    "%s/a/.ssh/authorized_keys", dir, dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(try_read(q, b, &why), -1);
	ck_assert_str_eq(why, "owned by another account");

	/* b's .ssh a link into a directory of root's (0700): refused. */
	snprintf(p, sizeof(p), "%s/r", dir);
	mk(p, 0700, 0, NULL);
	snprintf(p, sizeof(p), "%s/r/.ssh", dir);
	mk(p, 0700, 0, NULL);
	snprintf(p, sizeof(p), "%s/r/.ssh/authorized_keys", dir);
	mk(p, 0600, 0, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBsPbqUg+"
	    "Uc7mvlg0gwjqQ2yxJc3F6WodK5NMnG4NXH8 root-secret\n");
	ck_assert_int_eq(try_read(p, 0, &why), 0);
	snprintf(q, sizeof(q), "%s/b/.ssh", dir);
	ck_assert_int_eq(unlink(q), 0);
	snprintf(p, sizeof(p), "%s/r/.ssh", dir);
	ck_assert_int_eq(symlink(p, q), 0);
	ck_assert_int_eq(lchown(q, (uid_t)b, (gid_t)b), 0);
	snprintf(q, sizeof(q), "%s/b/.ssh/authorized_keys", dir);
	ck_assert_int_eq(try_read(q, b, &why), -1);
	ck_assert_str_eq(why, "a directory the account cannot search");
	/* ... and, were root's readable by all, still its own. */
	snprintf(p, sizeof(p), "%s/r", dir);
	ck_assert_int_eq(chmod(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/r/.ssh", dir);
	ck_assert_int_eq(chmod(p, 0755), 0);
	ck_assert_int_eq(try_read(q, b, &why), -1);
	ck_assert_str_eq(why, "not readable by the account");

	/* Outside homes, for root: root's all the way. */
	snprintf(p, sizeof(p), "%s/r/.ssh/authorized_keys", dir);
	ck_assert_int_eq(try_read(p, 0, &why), 0);
	snprintf(q, sizeof(q), "%s/r/.ssh", dir);
	ck_assert_int_eq(chmod(q, 0775), 0);
	ck_assert_int_eq(try_read(p, 0, &why), -1);
	ck_assert_str_eq(why, "writable by group or others");
	ck_assert_int_eq(chmod(q, 0755), 0);
	ck_assert_int_eq(chown(p, (uid_t)b, (gid_t)b), 0);
	ck_assert_int_eq(try_read(p, 0, &why), -1);
	ck_assert_str_eq(why, "not owned by root");
 out:
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("akeys");
	TCase *tc = tcase_create("akeys");

	tcase_add_test(tc, test_sha256_vectors);
	tcase_add_test(tc, test_base64_vectors);
	tcase_add_test(tc, test_parse_line);
	tcase_add_test(tc, test_parse_file_caps);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_table_cap);
	tcase_add_test(tc, test_read_safe);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
