/*
 * uringop: io_uring op numbers to the system calls they stand for
 * (see uringop.h).
 */
#include "config.h"

#include <stddef.h>

#include "uringop.h"

static const struct {
	long		 op;
	const char	*syscall;
} ops[] = {
	{ URINGOP_OPENAT, "openat" },
	{ URINGOP_OPENAT2, "openat2" },
	{ URINGOP_RENAMEAT, "renameat" },
	{ URINGOP_UNLINKAT, "unlinkat" },
	{ URINGOP_MKDIRAT, "mkdirat" },
	{ URINGOP_SYMLINKAT, "symlinkat" },
	{ URINGOP_LINKAT, "linkat" },
};

const char *
uringop_syscall(long op)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].op == op)
			return ops[i].syscall;
	return NULL;
}
