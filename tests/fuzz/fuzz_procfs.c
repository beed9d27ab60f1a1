/*
 * The pure parsers of what a process says about itself in /proc
 * (procfs.h: stat and cmdline, which any process shapes: comm holds any
 * bytes but NUL, cmdline any bytes) and gitssh_command() on the same
 * bytes split at NULs.  Properties: no crash, comm NUL-terminated and
 * within its cap, the display string within its cap and without NULs,
 * and a parsed stat's ppid within the kernel's pid range.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"
#include "gitssh.h"
#include "procfs.h"

#define MAX_WORDS	8

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct procfs_stat ps;
	char out[PROCS_ARGV], words[MAX_WORDS][256];
	const char *w[MAX_WORDS];
	size_t i, n, nw = 0, len;

	if (procfs_parse_stat(s, size, &ps) == NULL &&
	    (ps.ppid < 0 || ps.ppid > 4194304))
		fuzz_fail("stat: ppid %lld", ps.ppid);
	if (memchr(ps.comm, '\0', sizeof(ps.comm)) == NULL)
		fuzz_fail("stat: comm not terminated");
	procfs_cmdline(s, size, size > 0 && (data[0] & 1), out, sizeof(out));
	n = strlen(out);
	if (n >= sizeof(out))
		fuzz_fail("cmdline: %zu bytes", n);
	if (size > 0 && n == 0 && memchr(s, ' ', size) == NULL &&
	    s[0] != '\0')
		fuzz_fail("cmdline: lost the first argument");
	/* Words as ssh gets them: NUL-separated, each cut to 255 bytes. */
	for (i = 0; i < size && nw < MAX_WORDS; i += len + 1) {
		len = strnlen(s + i, size - i);
		n = len < sizeof(words[0]) ? len : sizeof(words[0]) - 1;
		memcpy(words[nw], s + i, n);
		words[nw][n] = '\0';
		w[nw] = words[nw];
		nw++;
	}
	if (nw > 0)
		(void)gitssh_command(nw, w);
	return 0;
}
