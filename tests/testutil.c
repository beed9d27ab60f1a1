/*
 * testutil: helpers shared by the Check suites (see testutil.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "cfg.h"
#include "framer.h"
#include "pipeline.h"
#include "testutil.h"
#include "users.h"

char **
tu_split(const char *s, size_t *argc)
{
	char **w = calloc(strlen(s) + 2, sizeof(*w));
	size_t n = 0;

	while (*s != '\0') {
		char *word, *o;
		int quote = 0;

		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		word = o = malloc(strlen(s) + 1);
		while (*s != '\0' && (quote != 0 || *s != ' ')) {
			if (quote == 0 && (*s == '\'' || *s == '"'))
				quote = *s;
			else if (quote != 0 && *s == quote)
				quote = 0;
			else
				*o++ = *s;
			s++;
		}
		*o = '\0';
		w[n++] = word;
	}
	w[n] = NULL;
	*argc = n;
	return w;
}

void
tu_free_words(char **w)
{
	size_t i;

	for (i = 0; w[i] != NULL; i++)
		free(w[i]);
	free(w);
}

int
tu_read_file(const char *path, struct buf *b)
{
	char chunk[65536];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(b, chunk, n) == -1) {
			fclose(fp);
			return -1;
		}
	fclose(fp);
	if (b->p == NULL)
		buf_add(b, "", 0);
	return 0;
}

const char *
tu_src(const char *rel)
{
	static char path[4096];
	const char *srcdir = getenv("srcdir");

	snprintf(path, sizeof(path), "%s/%s", srcdir ? srcdir : ".", rel);
	return path;
}

static void
collect(void *arg, const struct alert *a)
{
	alert_json(a, arg);
}

int
tu_replay_text(const char *text, size_t len, int version, struct buf *out)
{
	struct cfg cfg;
	struct users users;
	struct pipeline *pl;
	struct framer *fr;
	const char *p = text, *end = text + len, *nl;

	cfg_defaults(&cfg);
	users_init(&users);
	pl = pipeline_new(&cfg, &users, version ? version :
	    SSHOPT_VERSION_NEWEST, collect, out);
	fr = framer_new(&framer_replay_limits, pipeline_event, pl);
	if (pl == NULL || fr == NULL)
		return -1;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		framer_line(fr, p, (size_t)((nl ? nl : end) - p));
		p = nl ? nl + 1 : end;
	}
	framer_flush(fr);
	framer_free(fr);
	pipeline_free(pl);
	cfg_free(&cfg);
	users_free(&users);
	return 0;
}

int
tu_run(Suite *s, int nofork)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(s);
	if (nofork)
		srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

void
tu_rmtemp(char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}
