/*
 * Fuzzes the spool loader: the input is a whole spool file.  The pure
 * scan must agree with what spool_open() recovers from the same bytes on
 * disk, and every recovered entry must be readable, acknowledgeable and
 * followed by a working append.
 */
#include <config.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzzutil.h"
#include "spool.h"

#define CAP	(1 << 20)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static unsigned char entry[65536];
	struct spool *s;
	size_t count = 0, tail = 0, n, len;
	const char *why;
	uint64_t seq, last = 0;
	char err[256];
	int fd, rc;

	if (path[0] == '\0') {
		const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
		    "/tmp";

		snprintf(path, sizeof(path), "%s/fuzz-spool.%ld", dir,
		    (long)getpid());
	}
	why = spool_scan(data, size, &count, &tail);
	if (why == NULL && tail > size)
		fuzz_fail("scan: tail %zu past the end %zu", tail, size);
	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	if ((s = spool_open(path, CAP, data[0 % (size ? size : 1)] & 1 ?
	    SPOOL_DROP_OLDEST : SPOOL_DROP_NEW, err, sizeof(err))) == NULL) {
		unlink(path);
		return 0;
	}
	if (why == NULL && spool_count(s) != count && size <= CAP)
		fuzz_fail("open recovered %zu entries, scan %zu",
		    spool_count(s), count);
	for (n = spool_count(s); n > 0; n--) {
		if ((rc = spool_peek(s, entry, sizeof(entry), &len, &seq)) != 1)
			fuzz_fail("peek: %d with %zu entries left", rc, n);
		if (last != 0 && seq <= last)
			fuzz_fail("sequence went back: %llu after %llu",
			    (unsigned long long)seq, (unsigned long long)last);
		last = seq;
		if (spool_ack(s) == -1)
			fuzz_fail("ack failed");
	}
	if (spool_count(s) != 0 || spool_peek(s, entry, sizeof(entry), &len,
	    &seq) != 0)
		fuzz_fail("entries left after acknowledging them all");
	if (spool_append(s, "type=ANOM_EXEC msg=x", 20) != 0 ||
	    spool_peek(s, entry, sizeof(entry), &len, &seq) != 1 ||
	    len != 20 || memcmp(entry, "type=ANOM_EXEC msg=x", 20) != 0)
		fuzz_fail("append after recovery");
	spool_close(s);
	unlink(path);
	return 0;
}
