/*
 * monoclock: CLOCK_MONOTONIC in milliseconds (see monoclock.h).
 */
#include "config.h"

#include <time.h>

#include "monoclock.h"

long long
monoclock_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
