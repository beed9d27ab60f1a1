/*
 * prog: executable path to OpenSSH program (see prog.h).
 */
#include "config.h"

#include <string.h>

#include "path.h"
#include "prog.h"

/* A binary replaced while running shows as "/path (deleted)". */
static size_t
strip_deleted(const char *path, size_t n)
{
	if (n > 10 && memcmp(path + n - 10, " (deleted)", 10) == 0)
		return n - 10;
	return n;
}

int
prog_is_ldso(const char *path, size_t n)
{
	size_t blen;
	const char *b = path_base(path, strip_deleted(path, n), &blen);

	return (blen >= 8 && memcmp(b, "ld-linux", 8) == 0) ||
	    (blen >= 5 && memcmp(b, "ld.so", 5) == 0) ||
	    (blen >= 6 && memcmp(b, "ld-", 3) == 0 &&
	    memmem(b, blen, ".so", 3) != NULL);
}

enum sshprog
prog_of_path(const struct cfg *cfg, const char *path, size_t n)
{
	const char *base;
	char name[16];
	size_t blen, i;
	int p;

	n = strip_deleted(path, n);
	for (p = SSHPROG_SSH; p <= SSHPROG_SSH_AGENT; p++)
		for (i = 0; i < cfg->prog_paths[p].n; i++)
			if (strlen(cfg->prog_paths[p].v[i]) == n &&
			    memcmp(cfg->prog_paths[p].v[i], path, n) == 0)
				return (enum sshprog)p;
	base = path_base(path, n, &blen);
	if (blen >= sizeof(name) || memchr(base, '\0', blen) != NULL)
		return SSHPROG_NONE;
	memcpy(name, base, blen);
	name[blen] = '\0';
	return sshprog_from_name(name);
}

int
prog_is_sshd(const char *b, size_t n)
{
	return (n == 4 && memcmp(b, "sshd", 4) == 0) ||
	    (n == 12 && memcmp(b, "sshd-session", 12) == 0);
}
