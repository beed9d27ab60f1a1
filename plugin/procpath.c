/*
 * procpath: /proc/self/cwd and its kin (see procpath.h).  Used by the
 * rules when they join a PATH name with the CWD record.
 */
#include "config.h"

#include <string.h>

#include "procpath.h"

#define PROCPATH_MAX_PID_DIGITS	10	/* Linux pids fit in 2^22 */

int
procpath_cwd(const char *name, size_t n, long long pid, size_t *rest)
{
	size_t i = 6, start;
	long long v = 0;

	if (n < 6 || memcmp(name, "/proc/", 6) != 0)
		return 0;
	if (n - i >= 4 && memcmp(name + i, "self", 4) == 0)
		i += 4;
	else if (n - i >= 11 && memcmp(name + i, "thread-self", 11) == 0)
		i += 11;
	else {
		for (start = i; i < n && name[i] >= '0' && name[i] <= '9' &&
		    i - start < PROCPATH_MAX_PID_DIGITS; i++)
			v = v * 10 + (name[i] - '0');
		if (i == start || pid < 0 || v != pid)
			return 0;
	}
	if (n - i < 4 || memcmp(name + i, "/cwd", 4) != 0)
		return 0;
	i += 4;
	if (i < n && name[i] != '/')
		return 0;
	*rest = i;
	return 1;
}
