/*
 * check_fixtures: detection on logs captured from the real kernel.
 *
 * tests/fixtures/real/ holds one run of tests/capture/capture.sh: a private
 * auditd, a real sshd on 127.0.0.1, real ssh/scp/sftp/ssh-add and real
 * writes by shells, cp, mv, sed -i, tee and python.  scenarios.tsv names
 * each scenario's working directory and the rule ids it must raise ("-"
 * for the traps, which must raise nothing).  Every input format must give
 * exactly those alerts: raw rotated logs (given out of order), ENRICHED
 * logs with node=, ausearch --raw, default ausearch output, and the plugin
 * streams auditd handed a tee plugin.  An alert in a directory that is no
 * scenario's is a failure too.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "cfg.h"
#include <auparse.h>
#include <libaudit.h>

#include "framer.h"
#include "path.h"
#include "pipeline.h"
#include "replay.h"
#include "testutil.h"
#include "users.h"

#define MAX_SCEN	512
#define MAX_RULES	16

struct scen {
	char		*id;
	char		*cwd;
	char		*expect[MAX_RULES];	/* sorted rule ids */
	int		 nexpect;
	char		*got[MAX_RULES];
	int		 ngot;
};

static struct scen scen[MAX_SCEN];
static int nscen;
static struct buf unexpected;
static unsigned long alerts;

static void
load_scenarios(void)
{
	struct buf b;
	char *line, *save = NULL;

	buf_init(&b, 1 << 20);
	ck_assert_msg(tu_read_file(tu_src("tests/fixtures/real/scenarios.tsv"),
	    &b) == 0, "no scenarios.tsv");
	for (line = strtok_r(b.p, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *f[5], *p = line, *r, *rs = NULL;
		int i;

		if (*line == '#' || *line == '\0')
			continue;
		for (i = 0; i < 5; i++) {
			f[i] = p;
			if (p != NULL && (p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		ck_assert_msg(f[2] != NULL, "bad scenarios.tsv line");
		ck_assert_int_lt(nscen, MAX_SCEN);
		scen[nscen].id = strdup(f[0]);
		scen[nscen].cwd = strdup(f[1]);
		if (strcmp(f[2], "-") != 0)
			for (r = strtok_r(f[2], ",", &rs); r != NULL &&
			    scen[nscen].nexpect < MAX_RULES;
			    r = strtok_r(NULL, ",", &rs))
				scen[nscen].expect[scen[nscen].nexpect++] =
				    strdup(r);
		nscen++;
	}
	buf_free(&b);
}

static void
reset_results(void)
{
	int i, j;

	for (i = 0; i < nscen; i++) {
		for (j = 0; j < scen[i].ngot; j++)
			free(scen[i].got[j]);
		scen[i].ngot = 0;
	}
	buf_reset(&unexpected);
	alerts = 0;
}

/* An alert_fn: file the rule under the scenario of the process's cwd. */
static void
on_alert(void *arg, const struct alert *a)
{
	const struct event *ev = a->ev;
	int i, j;

	alerts++;
	for (i = 0; i < nscen; i++) {
		if (!ev->have_cwd || strcmp(buf_str(&ev->cwd), scen[i].cwd))
			continue;
		for (j = 0; j < scen[i].ngot; j++)
			if (strcmp(scen[i].got[j], a->rule) == 0)
				return;
		if (scen[i].ngot < MAX_RULES)
			scen[i].got[scen[i].ngot++] = strdup(a->rule);
		return;
	}
	buf_addf(&unexpected, "  %s in %s (pid %lld, %s:%llu)\n", a->rule,
	    ev->have_cwd ? buf_str(&ev->cwd) : "?", ev->pid, ev->time,
	    ev->serial);
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the inputs and checks every scenario; returns mismatches. */
static int
replay_and_check(const char *what, const char *const *rel, size_t n)
{
	struct cfg cfg;
	struct users users;
	struct pipeline *pl;
	struct framer *fr;
	struct replay_stats st;
	struct buf report;
	char *paths[8];
	size_t k;
	int i, j, bad = 0, rc;

	reset_results();
	cfg_defaults(&cfg);
	users_init(&users);
	pl = pipeline_new(&cfg, &users, 902, on_alert, NULL);
	fr = framer_new(&framer_replay_limits, pipeline_event, pl);
	for (k = 0; k < n; k++)
		paths[k] = strdup(rel[k][0] == '/' ? rel[k] : tu_src(rel[k]));
	memset(&st, 0, sizeof(st));
	rc = replay_run(paths, n, fr, stderr, &st);
	ck_assert_msg(rc == 0, "%s: replay reported problems", what);
	buf_init(&report, 1 << 20);
	for (i = 0; i < nscen; i++) {
		struct scen *s = &scen[i];
		int same = s->ngot == s->nexpect;

		qsort(s->got, (size_t)s->ngot, sizeof(char *), cmpstr);
		qsort(s->expect, (size_t)s->nexpect, sizeof(char *), cmpstr);
		for (j = 0; same && j < s->ngot; j++)
			same = strcmp(s->got[j], s->expect[j]) == 0;
		if (same)
			continue;
		bad++;
		buf_addf(&report, "  %s: expected", s->id);
		for (j = 0; j < s->nexpect; j++)
			buf_addf(&report, " %s", s->expect[j]);
		buf_adds(&report, "; got");
		for (j = 0; j < s->ngot; j++)
			buf_addf(&report, " %s", s->got[j]);
		buf_addc(&report, '\n');
	}
	if (unexpected.len > 0)
		bad++;
	if (bad > 0)
		fprintf(stderr, "%s: %d mismatches\n%s%s%s", what, bad,
		    buf_str(&report), unexpected.len ? "unexpected:\n" : "",
		    buf_str(&unexpected));
	else
		fprintf(stderr, "%s: %d scenarios as expected, %lu alerts\n",
		    what, nscen, alerts);
	buf_free(&report);
	for (k = 0; k < n; k++)
		free(paths[k]);
	framer_free(fr);
	pipeline_free(pl);
	cfg_free(&cfg);
	users_free(&users);
	return bad;
}

START_TEST(test_enriched)
{
	const char *f[] = { "tests/fixtures/real/enriched/audit.log" };

	ck_assert_int_eq(replay_and_check("enriched audit.log", f, 1), 0);
}
END_TEST

START_TEST(test_raw_rotated)
{
	/* Out of order on purpose. */
	const char *f[] = { "tests/fixtures/real/raw/audit.log",
	    "tests/fixtures/real/raw/audit.log.2",
	    "tests/fixtures/real/raw/audit.log.1" };

	ck_assert_int_eq(replay_and_check("raw rotated logs", f, 3), 0);
}
END_TEST

START_TEST(test_ausearch_raw)
{
	const char *f[] = { "tests/fixtures/real/ausearch-raw.txt" };

	ck_assert_int_eq(replay_and_check("ausearch --raw", f, 1), 0);
}
END_TEST

START_TEST(test_ausearch_default)
{
	const char *f[] = { "tests/fixtures/real/ausearch.txt" };

	ck_assert_int_eq(replay_and_check("ausearch (default)", f, 1), 0);
}
END_TEST

/*
 * Issue 14: the same default ausearch output with its "----" lines taken
 * out (as some tools and excerpts keep it) gives the same alerts: each
 * "time->" starts an event too.
 */
START_TEST(test_ausearch_no_separators)
{
	const char *f[] = { "tests/fixtures/real/ausearch.txt" };
	char tmp[] = "/tmp/check_fixtures.nosep.XXXXXX";
	const char *g[] = { tmp };
	struct buf in, out;
	const char *p, *end, *nl;
	unsigned long with;
	int fd, removed = 0;

	ck_assert_int_eq(replay_and_check("ausearch (default)", f, 1), 0);
	with = alerts;
	buf_init(&in, 64 << 20);
	buf_init(&out, 64 << 20);
	ck_assert_int_eq(tu_read_file(tu_src(f[0]), &in), 0);
	for (p = in.p, end = in.p + in.len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end - 1;
		if (nl - p == 4 && memcmp(p, "----", 4) == 0)
			removed++;
		else
			buf_add(&out, p, (size_t)(nl + 1 - p));
	}
	ck_assert_int_gt(removed, 100);
	ck_assert_int_ge((fd = mkstemp(tmp)), 0);
	ck_assert_int_eq(write(fd, out.p, out.len), (ssize_t)out.len);
	close(fd);
	ck_assert_int_eq(replay_and_check("ausearch (default) without ----",
	    g, 1), 0);
	unlink(tmp);
	ck_assert_uint_eq(alerts, with);
	ck_assert_uint_gt(with, 0);
	buf_free(&in);
	buf_free(&out);
}
END_TEST

START_TEST(test_streams)
{
	const char *r[] = { "tests/fixtures/real/raw/stream.txt" };
	const char *e[] = { "tests/fixtures/real/enriched/stream.txt" };

	ck_assert_int_eq(replay_and_check("raw plugin stream", r, 1), 0);
	ck_assert_int_eq(replay_and_check("enriched plugin stream", e, 1), 0);
}
END_TEST

/*
 * auparse from 3.1 on (3.1.2 to 4.2.1 at least) normalises the joined name
 * only when it holds "..": "./newkey" in /tmp/d comes back as
 * "/tmp/d/./newkey", where 3.0.9 gave "/tmp/d/newkey".  The plugin never
 * asks auparse for this (path_join() does the join in every release), so
 * the comparison drops the `.' components of auparse's answer, and only
 * those: any other difference still fails.  Writes the result into out.
 */
static void
drop_dot_components(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	while (*in != '\0' && o + 1 < outlen) {
		if (in[0] == '/' && in[1] == '.' &&
		    (in[2] == '/' || in[2] == '\0')) {
			in += 2;
			continue;
		}
		out[o++] = *in++;
	}
	out[o] = '\0';
}

/*
 * Our join of CWD and a relative PATH name (done on the decoded bytes, so
 * nothing is escaped) agrees with auparse's own auparse_interpret_realpath()
 * on every relative, plainly quoted name of the real capture (auparse's
 * left-over `.' components aside, see drop_dot_components()).
 */
START_TEST(test_realpath_agrees)
{
	auparse_state_t *au;
	struct buf ours;
	char rpbuf[8192];
	int compared = 0, dotted = 0;

	au = auparse_init(AUSOURCE_FILE,
	    tu_src("tests/fixtures/real/enriched/audit.log"));
	ck_assert_ptr_nonnull(au);
	buf_init(&ours, 1 << 16);
	while (auparse_next_event(au) > 0) {
		const char *cwd = NULL, *name, *rp;

		if (auparse_first_record(au) <= 0)
			continue;
		do {
			if (auparse_get_type(au) == AUDIT_CWD &&
			    auparse_find_field(au, "cwd") != NULL)
				cwd = auparse_get_field_str(au);
		} while (auparse_next_record(au) > 0);
		if (cwd == NULL || cwd[0] != '"')
			continue;
		auparse_first_record(au);
		do {
			char cwdbuf[4096];

			if (auparse_get_type(au) != AUDIT_PATH ||
			    (name = auparse_find_field(au, "name")) == NULL ||
			    name[0] != '"' || name[1] == '/' || name[1] == '"')
				continue;
			/* Before any auparse_interpret_field(): it caches. */
			rp = auparse_interpret_realpath(au);
			ck_assert_ptr_nonnull(rp);
			drop_dot_components(rp, rpbuf, sizeof(rpbuf));
			if (strcmp(rp, rpbuf) != 0)
				dotted++;
			snprintf(cwdbuf, sizeof(cwdbuf), "%.*s",
			    (int)strlen(cwd) - 2, cwd + 1);
			path_join(cwdbuf, strlen(cwdbuf), name + 1,
			    strlen(name) - 2, &ours);
			ck_assert_msg(strcmp(rpbuf, buf_str(&ours)) == 0,
			    "auparse %s, ours %s", rp, buf_str(&ours));
			ck_assert_ptr_null(strstr(buf_str(&ours), "/./"));
			compared++;
		} while (auparse_next_record(au) > 0);
	}
	fprintf(stderr, "realpath: %d relative names agree with auparse "
	    "(%d where auparse left a `.' component)\n", compared, dotted);
	ck_assert_int_gt(compared, 20);
	buf_free(&ours);
	auparse_destroy(au);
}
END_TEST

/* The issue asks for two real positives per category, and traps. */
START_TEST(test_coverage)
{
	static const char *const cat[][6] = {
		{ "tunnel", "ssh-dynamic-forward", "ssh-local-forward",
		  "ssh-remote-forward", "ssh-tun-device", "ssh-no-command" },
		{ "pivot", "ssh-proxy-jump", "ssh-proxy-command",
		  "ssh-stdio-forward", NULL, NULL },
		{ "key", "ssh-identity-file", "ssh-add-key", NULL, NULL, NULL },
		{ "no-hostcheck", "ssh-no-hostcheck", NULL, NULL, NULL, NULL },
		{ "agent-forwarding", "ssh-agent-forward", "ssh-identity-agent",
		  NULL, NULL, NULL },
		{ "authorized-keys", "authorized-keys-write", NULL, NULL, NULL,
		  NULL },
	};
	size_t c, r;
	int i, j, positives, traps = 0;

	for (i = 0; i < nscen; i++)
		traps += scen[i].nexpect == 0;
	ck_assert_int_ge(traps, 10);
	for (c = 0; c < sizeof(cat) / sizeof(cat[0]); c++) {
		positives = 0;
		for (i = 0; i < nscen; i++)
			for (j = 0; j < scen[i].nexpect; j++)
				for (r = 1; r < 6 && cat[c][r] != NULL; r++)
					if (strcmp(scen[i].expect[j],
					    cat[c][r]) == 0)
						positives++;
		ck_assert_msg(positives >= 2, "category %s: %d positives",
		    cat[c][0], positives);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fixtures");
	TCase *tc = tcase_create("real");

	buf_init(&unexpected, 1 << 20);
	tcase_add_unchecked_fixture(tc, load_scenarios, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_coverage);
	tcase_add_test(tc, test_realpath_agrees);
	tcase_add_test(tc, test_enriched);
	tcase_add_test(tc, test_raw_rotated);
	tcase_add_test(tc, test_ausearch_raw);
	tcase_add_test(tc, test_ausearch_default);
	tcase_add_test(tc, test_ausearch_no_separators);
	tcase_add_test(tc, test_streams);
	suite_add_tcase(s, tc);
	return tu_run(s, 1);
}
