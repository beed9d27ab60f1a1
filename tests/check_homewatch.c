/*
 * check_homewatch: the inotify fallback for homes no audit rule covers
 * (homewatch.h), over real directories and the real inotify of this
 * kernel, with the clock given: which names matter, a .ssh created
 * after the watch, authorized_keys and config written there raising
 * authorized-keys-write and ssh-config-planted after HOMEWATCH_DELAY_MS
 * (not before), once per content, nothing for touch(1), known_hosts or
 * other files, a .ssh staged elsewhere and renamed in, the end of the
 * watch when a covering audit record arrives, a home moved (usermod -d
 * -m: its files not reported again), the rate limit, and the
 * caps on accounts and watches, each counted; at start, the homes the
 * rules files do not name watched, what they hold noted without an
 * alert, and a change then alerted.  End to end with a real
 * kernel and useradd: tests/remote/newacct_live.sh.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "homewatch.h"
#include "users.h"
#include "testutil.h"

#define ED_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ6IbAzLYidLOXRd" \
	"ldRSOC6aJ/1SplkuZih5qJebtB9+"
#define ED_FP "SHA256:hcVzhbbUebPPghSx8DP+t7Lzdi1hVshwSd1I7OJmCy0"

/* What the alerts said: rule, op, confidence, the matches joined. */
static struct seen {
	int	 n;
	char	 rule[8][64];
	char	 op[8][32];
	int	 conf[8];
	char	 match[8][512];
} seen;

static void
on_alert(void *ctx, const struct alert *a)
{
	size_t i, off = 0;
	int k = seen.n;

	(void)ctx;
	seen.n++;
	if (k >= 8)
		return;
	snprintf(seen.rule[k], sizeof(seen.rule[k]), "%s", a->rule);
	snprintf(seen.op[k], sizeof(seen.op[k]), "%s", a->file_op);
	seen.conf[k] = a->confidence;
	ck_assert_int_eq(a->ev->pid, -1);	/* no process is known */
	for (i = 0; i < a->nmatch && off < sizeof(seen.match[k]); i++)
		off += (size_t)snprintf(seen.match[k] + off,
		    sizeof(seen.match[k]) - off, "%s|", a->match[i]);
}

static void
put(const char *dir, const char *name, const char *text)
{
	char p[4200];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(fp = fopen(p, "w"));
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

static int
find(const char *rule)
{
	int i;

	for (i = 0; i < seen.n && i < 8; i++)
		if (strcmp(seen.rule[i], rule) == 0)
			return i;
	return -1;
}

START_TEST(test_classify)
{
	ck_assert_int_eq(homewatch_classify(".ssh", 4, 1), HW_NAME_SSHDIR);
	ck_assert_int_eq(homewatch_classify(".ssh", 4, 0), HW_NAME_OTHER);
	ck_assert_int_eq(homewatch_classify(".sshx", 5, 1), HW_NAME_OTHER);
	ck_assert_int_eq(homewatch_classify("authorized_keys", 15, 0),
	    HW_NAME_AKEYS);
	ck_assert_int_eq(homewatch_classify("authorized_keys2", 16, 0),
	    HW_NAME_AKEYS);
	ck_assert_int_eq(homewatch_classify("authorized_keys", 15, 1),
	    HW_NAME_OTHER);
	ck_assert_int_eq(homewatch_classify("authorized_keys.bak", 19, 0),
	    HW_NAME_OTHER);
	ck_assert_int_eq(homewatch_classify("config", 6, 0), HW_NAME_CONFIG);
	ck_assert_int_eq(homewatch_classify("config~", 7, 0), HW_NAME_OTHER);
	ck_assert_int_eq(homewatch_classify("known_hosts", 11, 0),
	    HW_NAME_OTHER);
	/* The name as inotify gives it: n bytes, no NUL needed. */
	ck_assert_int_eq(homewatch_classify("configXYZ", 6, 0),
	    HW_NAME_CONFIG);
}
END_TEST

START_TEST(test_new_home)
{
	char home[] = "/tmp/check_homewatch.XXXXXX", ssh[4200], stage[4200];
	char old[4200];
	const struct homewatch_stats *st;
	struct homewatch *hw;
	struct event ev;
	long long t = 1000;
	int i;

	memset(&seen, 0, sizeof(seen));
	ck_assert_ptr_nonnull(mkdtemp(home));
	ck_assert_ptr_nonnull(hw = homewatch_new(0, on_alert, NULL));
	st = homewatch_stats(hw);
	ck_assert_int_eq(homewatch_add(hw, (long long)getuid(), "tester",
	    home, t), 0);
	ck_assert(homewatch_watching(hw, (long long)getuid()));
	ck_assert_uint_eq(st->watches, 1);	/* no .ssh yet */
	ck_assert_int_eq(homewatch_next_ms(hw, t), -1);

	/* Noise in the home, then a .ssh. */
	put(home, "notes", "x\n");
	snprintf(ssh, sizeof(ssh), "%s/.ssh", home);
	ck_assert_int_eq(mkdir(ssh, 0700), 0);
	homewatch_read(hw, t);
	ck_assert_uint_eq(st->watches, 2);
	ck_assert_uint_eq(st->sightings, 0);

	/* Written: read after the delay, not before. */
	put(ssh, "authorized_keys", "no-pty " ED_KEY " planted\n");
	put(ssh, "config", "Host *\n  DynamicForward 15200\n");
	put(ssh, "known_hosts", "h ssh-ed25519 AAAA\n");
	homewatch_read(hw, t);
	ck_assert_int_eq(homewatch_next_ms(hw, t), HOMEWATCH_DELAY_MS);
	homewatch_tick(hw, t + HOMEWATCH_DELAY_MS - 1);
	ck_assert_int_eq(seen.n, 0);
	homewatch_tick(hw, t + HOMEWATCH_DELAY_MS);
	ck_assert_int_eq(seen.n, 2);
	ck_assert_int_eq(homewatch_next_ms(hw, t + HOMEWATCH_DELAY_MS), -1);
	i = find("authorized-keys-write");
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(seen.conf[i], CONF_MEDIUM);
	ck_assert_str_eq(seen.op[i], "close-write");
	ck_assert_ptr_nonnull(strstr(seen.match[i], "|seen-by=inotify|"));
	ck_assert_ptr_nonnull(strstr(seen.match[i], ED_FP));
	i = find("ssh-config-planted");
	ck_assert_int_ge(i, 0);
	ck_assert_ptr_nonnull(strstr(seen.match[i], "DynamicForward 15200"));
	ck_assert_uint_eq(st->alerts, 2);

	/* The same content again, an empty authorized_keys2: nothing. */
	t += 5000;
	put(ssh, "authorized_keys", "no-pty " ED_KEY " planted\n");
	put(ssh, "authorized_keys2", "");
	homewatch_read(hw, t);
	homewatch_tick(hw, t + HOMEWATCH_DELAY_MS);
	ck_assert_int_eq(seen.n, 2);
	ck_assert_uint_eq(st->unchanged, 1);

	/* Another .ssh staged elsewhere and renamed in: its files read. */
	t += 5000;
	snprintf(stage, sizeof(stage), "%s/.stage", home);
	ck_assert_int_eq(mkdir(stage, 0700), 0);
	put(stage, "config", "Host x\n  ProxyCommand nc %h %p\n");
	snprintf(old, sizeof(old), "%s/.ssh.old", home);
	ck_assert_int_eq(rename(ssh, old), 0);
	ck_assert_int_eq(rename(stage, ssh), 0);
	homewatch_read(hw, t);
	ck_assert_uint_eq(st->watches, 2);
	homewatch_tick(hw, t + HOMEWATCH_DELAY_MS);
	ck_assert_int_eq(seen.n, 3);
	ck_assert_str_eq(seen.rule[2], "ssh-config-planted");
	ck_assert_str_eq(seen.op[2], "moved-in");
	ck_assert_ptr_nonnull(strstr(seen.match[2], "ProxyCommand"));

	/* A watch rule's record of a write there: audit covers it now. */
	t += 5000;
	put(ssh, "authorized_keys", ED_KEY " again\n");
	homewatch_read(hw, t);
	event_init(&ev, NULL);
	ev.have_syscall = 1;
	/*
	 * A file created there, seen by its PARENT item: what the watch of
	 * .ssh's creation (path=) records too; no proof of a dir= watch.
	 */
	buf_adds(&ev.key, HOMEWATCH_AUDIT_KEY);
	ev.npaths = 2;
	ev.paths[0].have_name = 1;
	ev.paths[0].nametype = NT_PARENT;
	buf_adds(&ev.paths[0].name, ssh);
	ev.paths[1].have_name = 1;
	ev.paths[1].nametype = NT_CREATE;
	buf_adds(&ev.paths[1].name, "authorized_keys2");
	homewatch_event(hw, &ev);
	ck_assert(homewatch_watching(hw, (long long)getuid()));
	/* An existing file opened by a relative name, but another key. */
	buf_reset(&ev.key);
	buf_adds(&ev.key, "sshwatch-keyread");	/* another rule's key */
	ev.npaths = 1;
	ev.paths[0].nametype = NT_NORMAL;
	buf_reset(&ev.paths[0].name);
	buf_adds(&ev.paths[0].name, ".ssh/authorized_keys");
	ev.have_cwd = 1;
	buf_adds(&ev.cwd, home);
	homewatch_event(hw, &ev);
	ck_assert(homewatch_watching(hw, (long long)getuid()));
	buf_reset(&ev.key);
	buf_adds(&ev.key, HOMEWATCH_AUDIT_KEY);
	homewatch_event(hw, &ev);
	ck_assert(!homewatch_watching(hw, (long long)getuid()));
	ck_assert_uint_eq(st->covered, 1);
	ck_assert_uint_eq(st->watches, 0);
	homewatch_tick(hw, t + HOMEWATCH_DELAY_MS);
	ck_assert_int_eq(seen.n, 3);		/* the sighting went too */
	event_free(&ev);
	homewatch_free(hw);
	tu_rmtemp(home);
}
END_TEST

START_TEST(test_rate_limit)
{
	char home[] = "/tmp/check_homewatch.XXXXXX", ssh[4200], line[256];
	const struct homewatch_stats *st;
	struct homewatch *hw;
	long long t = 0;
	int i;

	memset(&seen, 0, sizeof(seen));
	ck_assert_ptr_nonnull(mkdtemp(home));
	snprintf(ssh, sizeof(ssh), "%s/.ssh", home);
	ck_assert_int_eq(mkdir(ssh, 0700), 0);
	ck_assert_ptr_nonnull(hw = homewatch_new(0, on_alert, NULL));
	st = homewatch_stats(hw);
	ck_assert_int_eq(homewatch_add(hw, (long long)getuid(), "tester",
	    home, t), 0);
	ck_assert_uint_eq(st->watches, 2);
	for (i = 0; i < HOMEWATCH_RATE_MAX + 2; i++) {
		snprintf(line, sizeof(line), "environment=\"N=%d\" %s\n", i,
		    ED_KEY);
		put(ssh, "authorized_keys", line);
		homewatch_read(hw, t);
		t += HOMEWATCH_DELAY_MS;
		homewatch_tick(hw, t);
	}
	ck_assert_uint_eq(st->alerts, HOMEWATCH_RATE_MAX);
	ck_assert_uint_eq(st->rate_limited, 2);
	/* A new window. */
	t += HOMEWATCH_RATE_MS;
	put(ssh, "authorized_keys", ED_KEY "\n");
	homewatch_read(hw, t);
	homewatch_tick(hw, t + HOMEWATCH_DELAY_MS);
	ck_assert_uint_eq(st->alerts, HOMEWATCH_RATE_MAX + 1);
	homewatch_free(hw);
	tu_rmtemp(home);
}
END_TEST

START_TEST(test_caps)
{
	char top[] = "/tmp/check_homewatch.XXXXXX", p[4200];
	const struct homewatch_stats *st;
	struct homewatch *hw;
	size_t i, homes = HOMEWATCH_MAX_WATCHES / 2 + 1;

	ck_assert_ptr_nonnull(mkdtemp(top));
	ck_assert_ptr_nonnull(hw = homewatch_new(0, on_alert, NULL));
	st = homewatch_stats(hw);
	/* Homes with a .ssh each: two watches an account, past the cap. */
	for (i = 0; i < homes; i++) {
		snprintf(p, sizeof(p), "%s/h%zu", top, i);
		ck_assert_int_eq(mkdir(p, 0700), 0);
		snprintf(p, sizeof(p), "%s/h%zu/.ssh", top, i);
		ck_assert_int_eq(mkdir(p, 0700), 0);
		snprintf(p, sizeof(p), "%s/h%zu", top, i);
		homewatch_add(hw, 100000 + (long long)i, "x", p, 0);
	}
	ck_assert_uint_eq(st->watches, HOMEWATCH_MAX_WATCHES);
	/* The last home found no room: its account is not kept. */
	ck_assert_uint_eq(st->watches_over, 1);
	ck_assert_uint_eq(st->watched, homes - 1);
	/* Homes not there yet wait (retried); past the account cap: -1. */
	for (i = homes - 1; i < HOMEWATCH_MAX_ACCOUNTS; i++) {
		snprintf(p, sizeof(p), "%s/later%zu", top, i);
		ck_assert_int_eq(homewatch_add(hw, 100000 + (long long)i, "y",
		    p, 0), 0);
	}
	ck_assert_int_eq(homewatch_add(hw, 999999, "z", "/tmp/none", 0), -1);
	ck_assert_uint_eq(st->accounts_over, 1);
	ck_assert_int_eq(homewatch_next_ms(hw, 0), 100);
	/* A home that never comes is given up after the last retry. */
	homewatch_tick(hw, 3600 * 1000LL);
	ck_assert_uint_eq(st->no_home, 0);	/* one retry a tick */
	for (i = 0; i < HOMEWATCH_RETRIES; i++)
		homewatch_tick(hw, 3600 * 1000LL);
	ck_assert_uint_eq(st->no_home, HOMEWATCH_MAX_ACCOUNTS - homes + 1);
	ck_assert_uint_eq(st->watched, homes - 1);
	/* Placeholders and relative paths are no home. */
	ck_assert_int_eq(homewatch_add(hw, 5, "a", "/nonexistent", 0), -1);
	ck_assert_int_eq(homewatch_add(hw, 5, "a", "/", 0), -1);
	ck_assert_int_eq(homewatch_add(hw, 5, "a", "home/a", 0), -1);
	homewatch_free(hw);
	snprintf(p, sizeof(p), "rm -rf '%s'", top);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

/* The account database as the tests want it. */
static char fake_home[4200];
static int fake_gone;

static int
fake_lookup(long long uid, char *home, size_t homesz)
{
	(void)uid;
	if (fake_gone)
		return -1;
	snprintf(home, homesz, "%s", fake_home);
	return 0;
}

/*
 * usermod -d -m: the home renamed before the account database names the
 * new one; then userdel -r.
 */
START_TEST(test_home_moved)
{
	char top[] = "/tmp/check_homewatch.XXXXXX", p[4400], ha[4096];
	char hb[4096];
	const struct homewatch_stats *st;
	struct homewatch *hw;
	long long me = (long long)getuid();

	memset(&seen, 0, sizeof(seen));
	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(ha, sizeof(ha), "%s/old", top);
	snprintf(hb, sizeof(hb), "%s/new", top);
	ck_assert_int_eq(mkdir(ha, 0700), 0);
	snprintf(p, sizeof(p), "%s/.ssh", ha);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	put(p, "authorized_keys", ED_KEY " moved\n");
	put(p, "config", "Host *\n  DynamicForward 15200\n");
	ck_assert_ptr_nonnull(hw = homewatch_new(0, on_alert, NULL));
	homewatch_set_lookup(hw, fake_lookup);
	snprintf(fake_home, sizeof(fake_home), "%s", ha);
	fake_gone = 0;
	st = homewatch_stats(hw);
	/* Added while the plugin runs: what is there is news. */
	ck_assert_int_eq(homewatch_add(hw, me, "mover", ha, 0), 0);
	homewatch_tick(hw, HOMEWATCH_DELAY_MS);
	ck_assert_int_eq(seen.n, 2);
	ck_assert_str_eq(seen.op[0], "present");
	/* Renamed; the database still names the old home a moment. */
	ck_assert_int_eq(rename(ha, hb), 0);
	homewatch_read(hw, 5000);
	ck_assert(homewatch_watching(hw, me));
	ck_assert_int_eq(homewatch_next_ms(hw, 5000), 0);
	homewatch_tick(hw, 5000);
	ck_assert_uint_eq(st->watches, 0);
	snprintf(fake_home, sizeof(fake_home), "%s/", hb);
	homewatch_tick(hw, 5000 + homewatch_next_ms(hw, 5000));
	ck_assert_uint_eq(st->watches, 2);	/* the new home and .ssh */
	homewatch_tick(hw, 7000 + HOMEWATCH_DELAY_MS);
	ck_assert_int_eq(seen.n, 2);		/* the same files, moved */
	ck_assert_uint_eq(st->unchanged, 2);
	ck_assert_uint_eq(st->gone, 0);
	snprintf(p, sizeof(p), "%s/.ssh", hb);
	put(p, "authorized_keys2", ED_KEY " second\n");
	homewatch_read(hw, 10000);
	homewatch_tick(hw, 10000 + HOMEWATCH_DELAY_MS);
	ck_assert_int_eq(seen.n, 3);
	ck_assert_ptr_nonnull(strstr(seen.match[2],
	    "/new/.ssh/authorized_keys2|"));
	/* userdel -r: the account and then its home go. */
	fake_gone = 1;
	snprintf(p, sizeof(p), "rm -rf '%s'", hb);
	ck_assert_int_eq(system(p), 0);
	homewatch_read(hw, 20000);
	homewatch_tick(hw, 20000);
	ck_assert(!homewatch_watching(hw, me));
	ck_assert_uint_eq(st->gone, 1);
	ck_assert_uint_eq(st->watches, 0);
	homewatch_free(hw);
	snprintf(p, sizeof(p), "rm -rf '%s'", top);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

START_TEST(test_rules_cover)
{
	static const char rules[] =
	    "-w /root/.ssh -p wa -k sshwatch-home\n"
	    "-a always,exit -F arch=b64 -F dir=/home/a/.ssh -F perm=wa "
	    "-F key=sshwatch-home\n"
	    "# /srv/new/.ssh does not exist yet: watch for its creation\n"
	    "-a always,exit -F arch=b64 -F path=/srv/new/.ssh -F perm=wa "
	    "-F key=sshwatch-home\n"
	    "# /home/with space/.ssh: characters a rule cannot hold; "
	    "watched by inode\n"
	    "-a always,exit -F arch=b64 -F dir=/home/ab/.ssh2 -F perm=wa\n";
	size_t n = sizeof(rules) - 1;

	ck_assert(homewatch_rules_cover(rules, n, "/root"));
	ck_assert(homewatch_rules_cover(rules, n, "/home/a"));
	ck_assert(homewatch_rules_cover(rules, n, "/home/a/"));
	ck_assert(homewatch_rules_cover(rules, n, "/srv/new"));
	ck_assert(homewatch_rules_cover(rules, n, "/home/with space"));
	/* Not by a prefix, a suffix, or a comment that only names it. */
	ck_assert(!homewatch_rules_cover(rules, n, "/home"));
	ck_assert(!homewatch_rules_cover(rules, n, "/home/ab"));
	ck_assert(!homewatch_rules_cover(rules, n, "/root/x"));
	ck_assert(!homewatch_rules_cover(rules, n, "/srv"));
	ck_assert(!homewatch_rules_cover(rules, 0, "/root"));
}
END_TEST

/*
 * At start: a home the rules files name is left to audit; one they do
 * not name is watched, its present authorized_keys noted without an
 * alert, and its change alerted.
 */
START_TEST(test_seed)
{
	char top[] = "/tmp/check_homewatch.XXXXXX", p[4400], rf[4400];
	char ha[4096], hb[4096];
	const char *files[3];
	const struct homewatch_stats *st;
	struct homewatch *hw;
	struct users u;
	size_t unread = 9, n;
	int root = geteuid() == 0;
	FILE *fp;

	memset(&seen, 0, sizeof(seen));
	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(ha, sizeof(ha), "%s/a", top);
	snprintf(hb, sizeof(hb), "%s/b", top);
	ck_assert_int_eq(mkdir(ha, 0700), 0);
	ck_assert_int_eq(mkdir(hb, 0700), 0);
	snprintf(p, sizeof(p), "%s/.ssh", hb);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	put(p, "authorized_keys", ED_KEY " at-start\n");
	snprintf(rf, sizeof(rf), "%s/26-sshwatch-homes.rules", top);
	ck_assert_ptr_nonnull(fp = fopen(rf, "w"));
	fprintf(fp, "-a always,exit -F arch=b64 -F dir=%s/.ssh -F perm=wa "
	    "-F key=sshwatch-home\n", ha);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(rf, 0600), 0);
	files[0] = rf;
	files[1] = "/nonexistent/25-sshwatch.rules";
	files[2] = NULL;
	users_init(&u);
	ck_assert_int_eq(users_add(&u, "a", 70001, ha), 0);
	/* b is read as its account: the caller, who owns the files. */
	ck_assert_int_eq(users_add(&u, "b", (long long)getuid(), hb), 0);
	ck_assert_int_eq(users_add(&u, "b2", 70003, hb), 0);	/* shared */
	ck_assert_int_eq(users_add(&u, "n", 70004, "/nonexistent"), 0);
	ck_assert_ptr_nonnull(hw = homewatch_new(0, on_alert, NULL));
	st = homewatch_stats(hw);
	n = homewatch_seed(hw, &u, files, 0, &unread);
	/*
	 * The rules file is read as root's all the way: unprivileged (a
	 * package's %check), this one is the caller's, refused, and then
	 * names nothing.
	 */
	ck_assert_uint_eq(unread, root ? 1 : 2);
	ck_assert_uint_eq(n, root ? 1 : 2);
	ck_assert(homewatch_watching(hw, (long long)getuid()));
	ck_assert(!homewatch_watching(hw, 70003));
	ck_assert(root ? !homewatch_watching(hw, 70001) :
	    homewatch_watching(hw, 70001));
	homewatch_tick(hw, HOMEWATCH_DELAY_MS);
	ck_assert_int_eq(seen.n, 0);		/* noted, not alerted */
	ck_assert_uint_eq(st->baselined, 1);
	snprintf(p, sizeof(p), "%s/.ssh", hb);
	put(p, "authorized_keys", ED_KEY " at-start\n");
	homewatch_read(hw, 5000);
	homewatch_tick(hw, 5000 + HOMEWATCH_DELAY_MS);
	ck_assert_int_eq(seen.n, 0);		/* the same content */
	put(p, "authorized_keys", "command=\"/bin/sh\" " ED_KEY " new\n");
	homewatch_read(hw, 10000);
	homewatch_tick(hw, 10000 + HOMEWATCH_DELAY_MS);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.rule[0], "authorized-keys-write");
	homewatch_free(hw);
	users_free(&u);
	snprintf(p, sizeof(p), "rm -rf '%s'", top);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("homewatch");
	TCase *tc = tcase_create("homewatch");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_classify);
	tcase_add_test(tc, test_new_home);
	tcase_add_test(tc, test_rate_limit);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_home_moved);
	tcase_add_test(tc, test_rules_cover);
	tcase_add_test(tc, test_seed);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
