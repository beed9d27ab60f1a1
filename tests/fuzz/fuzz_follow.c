/*
 * Fuzzes the follower's state file parser (follow_state_parse()): a
 * refusal says why and leaves nothing allocated; an accepted file has a
 * resume point with offsets that are not negative, and at most
 * FOLLOW_MAX_DONE event keys, each terminated, in sorted order (the
 * follower looks them up by binary search).
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "follow.h"
#include "fuzzutil.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct follow_state st;
	char err[256];
	size_t i;

	err[0] = '\0';
	if (follow_state_parse((const char *)data, size, &st, err,
	    sizeof(err)) == -1) {
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			fuzz_fail("refused without a reason");
		if (st.keys != NULL || st.nkeys != 0)
			fuzz_fail("refused, but keys are held");
		return 0;
	}
	if (st.soff < 0 || (st.has_end && st.eoff < 0))
		fuzz_fail("negative offset");
	if (st.nkeys > FOLLOW_MAX_DONE)
		fuzz_fail("%zu keys, over the cap", st.nkeys);
	for (i = 0; i < st.nkeys; i++) {
		if (memchr(st.keys[i], '\0', FOLLOW_KEY_MAX) == NULL)
			fuzz_fail("key %zu not terminated", i);
		if (i > 0 && strcmp(st.keys[i - 1], st.keys[i]) > 0)
			fuzz_fail("keys not sorted at %zu", i);
	}
	follow_state_free(&st);
	return 0;
}
