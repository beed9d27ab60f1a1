/*
 * Fuzzes the sshd_config model (sshdconf_parse) and its diff.  The input
 * is the top file; "Include" lines are answered from the input itself
 * (every pattern names the same bytes again), so nesting, the depth cap
 * and the file cap are reached.  Every entry must hold a lower-case key,
 * a value within its cap and a line within the file; a model compared
 * with itself must show no change.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "sshdconf.h"

static const uint8_t *in;
static size_t insz;

static int
self_include(void *arg, const char *pattern, char ***paths, char ***texts,
    size_t **lens, size_t *n, char *err, size_t errsz)
{
	(void)arg;
	(void)err;
	(void)errsz;
	*paths = calloc(1, sizeof(**paths));
	*texts = calloc(1, sizeof(**texts));
	*lens = calloc(1, sizeof(**lens));
	*n = 0;
	if (*paths == NULL || *texts == NULL || *lens == NULL)
		return -1;
	(*paths)[0] = strdup(pattern);
	if (((*texts)[0] = malloc(insz + 1)) == NULL || (*paths)[0] == NULL) {
		free((*paths)[0]);
		free((*texts)[0]);
		return -1;
	}
	memcpy((*texts)[0], in, insz);
	(*lens)[0] = insz;
	*n = 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sshdconf a, b;
	struct sshdconf_change ch[4];
	size_t i;
	const char *k;

	in = data;
	insz = size;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (sshdconf_parse((const char *)data, size, "top", "/etc/ssh",
	    self_include, NULL, &a) == -1 ||
	    sshdconf_parse((const char *)data, size, "top", "/etc/ssh",
	    self_include, NULL, &b) == -1)
		fuzz_fail("out of memory");
	if (a.n > SSHDCONF_MAX_ENTRIES || a.nfiles > SSHDCONF_MAX_FILES +
	    SSHDCONF_MAX_DEPTH + 1)
		fuzz_fail("caps not kept: %zu entries %zu files", a.n,
		    a.nfiles);
	for (i = 0; i < a.n; i++) {
		for (k = a.e[i].key; *k != '\0'; k++)
			if (*k >= 'A' && *k <= 'Z')
				fuzz_fail("key not folded: %s", a.e[i].key);
		if (strlen(a.e[i].value) >= SSHDCONF_MAX_VALUE)
			fuzz_fail("value over its cap");
		if (a.e[i].line == 0 || a.e[i].line > SSHDCONF_MAX_LINES ||
		    a.e[i].block >= a.nblocks)
			fuzz_fail("entry out of range");
	}
	if (sshdconf_diff(&a, &b, ch, 4) != 0)
		fuzz_fail("the same input differs from itself");
	sshdconf_free(&a);
	sshdconf_free(&b);
	return 0;
}
