/*
 * Fuzzes the authorized_keys parser (akeys_parse) and the fingerprint
 * table.  Every key given must have a type that names its blob's type, a
 * fingerprint of "SHA256:" and 43 base64 characters, and text fields
 * within their caps; the same keys fed twice to the table must show
 * nothing added or removed.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "akeys.h"
#include "fuzzutil.h"

static uint8_t (*dig)[FPR_SHA256_LEN];
static size_t nd;

static void
on_key(void *arg, const struct akey *k)
{
	size_t i;

	(void)arg;
	if (strncmp(k->fp, "SHA256:", 7) != 0 || strlen(k->fp) != 50)
		fuzz_fail("bad fingerprint %s", k->fp);
	for (i = 7; i < 50; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789+/", k->fp[i]) == NULL)
			fuzz_fail("not base64: %s", k->fp);
	if (strlen(k->options) >= AKEYS_MAX_OPTIONS ||
	    strlen(k->comment) >= AKEYS_MAX_COMMENT || k->type[0] == '\0')
		fuzz_fail("field over its cap or empty type");
	memcpy(dig[nd++], k->digest, FPR_SHA256_LEN);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int added[AKEYS_MAX_KEYS];
	uint8_t rm[4][FPR_SHA256_LEN];
	struct akeys *t;
	unsigned bad;
	size_t n, nrm, i;

	if ((dig = calloc(AKEYS_MAX_KEYS, sizeof(*dig))) == NULL ||
	    (t = akeys_new()) == NULL)
		fuzz_fail("out of memory");
	nd = 0;
	n = akeys_parse((const char *)data, size, on_key, NULL, &bad);
	if (n != nd || n > AKEYS_MAX_KEYS)
		fuzz_fail("count %zu, keys given %zu", n, nd);
	if (akeys_update(t, "/f", (const uint8_t (*)[FPR_SHA256_LEN])dig, n,
	    added, rm, 4, &nrm) == 0) {
		akeys_update(t, "/f", (const uint8_t (*)[FPR_SHA256_LEN])dig, n,
		    added, rm, 4, &nrm);
		for (i = 0; i < n; i++)
			if (added[i])
				fuzz_fail("key %zu added twice", i);
		if (nrm != 0)
			fuzz_fail("keys removed by the same file");
	}
	akeys_free(t);
	free(dig);
	return 0;
}
