/*
 * Fuzzes the client configuration reader (sshconf.h) and its join with
 * the option parser (sshopt_parse_conf).  The first byte picks the
 * OpenSSH release and whether a -F file is given; the rest, split at NUL
 * bytes, are the files /f0 ... /f7 (/f0 is ~/.ssh/config or the -F file,
 * /f1 the system file); Include globs match their names.  Checks what
 * every collection must keep: caps held, each applied line named by a
 * FILE:LINE of a file that exists, findings from files naming one.
 */
#include <config.h>

#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "sshconf.h"
#include "sshopt.h"

#define NFILES	8

static const char *const names[NFILES] = { "/h/.ssh/config", "/f1", "/f2",
	"/f3", "/f4", "/f5", "/f6", "/f7" };
static const char *ftext[NFILES];
static size_t flen[NFILES];

static int
m_read(void *arg, const char *path, char **data, size_t *len,
    const char **why)
{
	size_t i;

	(void)arg;
	for (i = 0; i < NFILES; i++)
		if (strcmp(path, names[i]) == 0 && ftext[i] != NULL) {
			if (flen[i] == 3 && memcmp(ftext[i], "EIO", 3) == 0) {
				*why = "Input/output error";
				return SSHCONF_READ_FAIL;
			}
			if ((*data = malloc(flen[i] + 1)) == NULL) {
				*why = "out of memory";
				return SSHCONF_READ_FAIL;
			}
			memcpy(*data, ftext[i], flen[i]);
			*len = flen[i];
			return SSHCONF_READ_OK;
		}
	return SSHCONF_READ_ABSENT;
}

static int
m_glob(void *arg, const char *pat, char ***out, const char **why)
{
	char **v;
	size_t i;
	int n = 0;

	(void)arg;
	if ((v = calloc(NFILES + 1, sizeof(*v))) == NULL) {
		*why = "out of memory";
		return -1;
	}
	for (i = 0; i < NFILES; i++)
		if (ftext[i] != NULL && fnmatch(pat, names[i], 0) == 0)
			v[n++] = strdup(names[i]);
	*out = v;
	return n;
}

static const int versions[] = { 800, 902, 909, 1000, 1001, 1005 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sshconf_io io = { m_read, m_glob, NULL };
	const char *argv[] = { "ssh", "-l", "u", "h1", NULL };
	struct sshconf_query q;
	struct sshconf sc;
	struct sshopt so;
	char *copy;
	size_t i, start, nf = 0;

	if (size < 1)
		return 0;
	if ((copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	memset(ftext, 0, sizeof(ftext));
	for (start = 0, i = 0; i <= size - 1 && nf < NFILES; i++)
		if (i == size - 1 || copy[i] == '\0') {
			ftext[nf] = copy + start;
			flen[nf++] = i - start;
			start = i + 1;
		}
	memset(&q, 0, sizeof(q));
	q.host = "h1";
	q.user = "u";
	q.localuser = "me";
	q.home = "/h";
	q.sysconf = "/f1";
	q.sysdir = "/";
	q.version = versions[(data[0] & 0x7f) % (sizeof(versions) /
	    sizeof(versions[0]))];
	if (data[0] & 0x80)
		q.config = "/h/.ssh/config";
	if (sshconf_collect(&sc, &q, &io) == 0) {
		if (sc.nlines > SSHCONF_MAX_OUT)
			fuzz_fail("more lines than the cap");
		if (sc.files > SSHCONF_MAX_FILES)
			fuzz_fail("more files than the cap");
		for (i = 0; i < sc.nlines; i++) {
			const char *w = sc.lines[i].where, *c = strrchr(w, ':');
			size_t k, ok = 0;

			if (c == NULL || c[1] < '1' || c[1] > '9')
				fuzz_fail("applied line without its number");
			for (k = 0; k < NFILES; k++)
				if (strlen(names[k]) == (size_t)(c - w) &&
				    memcmp(names[k], w, (size_t)(c - w)) == 0)
					ok = 1;
			if (!ok)
				fuzz_fail("applied line of no file");
			if (strlen(sc.lines[i].line) > SSHCONF_MAX_LINE)
				fuzz_fail("line longer than the cap");
		}
		if (sshopt_parse_conf(&so, SSHPROG_SSH, q.version, 4, argv,
		    sc.lines, sc.nlines) == 0) {
			for (i = 0; i < so.nfinds; i++)
				if (so.finds[i].conf != 0 &&
				    strstr(so.finds[i].text, ": ") == NULL)
					fuzz_fail("finding from a file without "
					    "FILE:LINE");
			sshopt_free(&so);
		}
	}
	sshconf_free(&sc);
	free(copy);
	return 0;
}
