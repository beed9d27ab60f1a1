/*
 * Fuzzes the configuration parser (sshwatch.conf and allow-list lines).
 * A failed parse must say why; a good one must print (-t) as lines of
 * "key = value" only, so that nothing in a value can pass for a setting.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "fuzzutil.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg c;
	char err[512], *out = NULL, *line, *nl;
	size_t outlen = 0;
	FILE *fp;

	cfg_defaults(&c);
	err[0] = '\0';
	if (cfg_parse((const char *)data, size, &c, err, sizeof(err)) == -1) {
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			fuzz_fail("refused without a reason");
		cfg_free(&c);
		return 0;
	}
	if ((fp = open_memstream(&out, &outlen)) != NULL) {
		cfg_print(&c, fp);
		fclose(fp);
		for (line = out; line != NULL && *line != '\0'; line = nl + 1) {
			size_t k = strspn(line, "abcdefghijklmnopqrstuvwxyz_");

			if ((nl = strchr(line, '\n')) == NULL)
				fuzz_fail("-t: unterminated line");
			if (k == 0 || strncmp(line + k, " =", 2) != 0)
				fuzz_fail("-t: not a setting: %.*s",
				    (int)(nl - line), line);
		}
		if (out != NULL && strlen(out) != outlen)
			fuzz_fail("-t: NUL byte in the output");
		free(out);
	}
	cfg_free(&c);
	return 0;
}
