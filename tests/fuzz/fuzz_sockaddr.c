/*
 * Fuzzes the SOCKADDR decoder (sockaddr.h) with any bytes as a saddr=
 * value.  A refusal must say why and leave the result zeroed; a success
 * must give a known family, a NUL-terminated address and path within
 * their caps, and a path length that matches the path.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"
#include "sockaddr.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_info sa;
	const char *err;

	err = sockaddr_parse((const char *)data, size, &sa);
	if (err != NULL) {
		if (*err == '\0' || sa.family != SOCKFAM_NONE)
			fuzz_fail("refused without a reason or not zeroed");
		return 0;
	}
	if (sa.family == SOCKFAM_NONE || sa.family > SOCKFAM_OTHER)
		fuzz_fail("no family after a success");
	if (memchr(sa.addr, '\0', sizeof(sa.addr)) == NULL ||
	    memchr(sa.path, '\0', sizeof(sa.path)) == NULL)
		fuzz_fail("address or path not terminated");
	if (sa.pathlen > SOCKADDR_MAX_PATH || strlen(sa.path) != sa.pathlen)
		fuzz_fail("path length %zu", sa.pathlen);
	if (sa.port > 65535)
		fuzz_fail("port %u", sa.port);
	sockaddr_is_loopback(&sa);
	sockaddr_is_any(&sa);
	return 0;
}
