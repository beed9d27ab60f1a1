/*
 * keyfile: classifying files under .ssh and open flags (see keyfile.h).
 */
#include "config.h"

#include <string.h>

#include "keyfile.h"

size_t
keyfile_ssh_dir(const char *p, size_t n)
{
	size_t i, best = 0;

	/* The last "/.ssh/" wins: the directory the file is nearest to. */
	for (i = 0; i + 6 <= n; i++)
		if (memcmp(p + i, "/.ssh/", 6) == 0 && i + 6 < n)
			best = i + 5;
	return best;
}

static int
has_prefix(const char *b, size_t n, const char *pre)
{
	size_t m = strlen(pre);

	return n >= m && memcmp(b, pre, m) == 0;
}

static int
has_suffix(const char *b, size_t n, const char *suf)
{
	size_t m = strlen(suf);

	return n > m && memcmp(b + n - m, suf, m) == 0;
}

enum keyclass
keyfile_class(const char *b, size_t n)
{
	if (n == 0)
		return KEYCLASS_OTHER;
	/* Backups included: authorized_keys.bak, known_hosts.old. */
	if (has_prefix(b, n, "authorized_keys") ||
	    has_prefix(b, n, "known_hosts") || has_suffix(b, n, ".pub") ||
	    (n == 6 && memcmp(b, "config", 6) == 0) ||
	    (n == 11 && memcmp(b, "environment", 11) == 0) ||
	    (n == 2 && memcmp(b, "rc", 2) == 0))
		return KEYCLASS_PUBLIC;
	if ((n > 3 && memcmp(b, "id_", 3) == 0) || has_suffix(b, n, ".pem") ||
	    has_suffix(b, n, ".key"))
		return KEYCLASS_PRIVATE;
	return KEYCLASS_OTHER;
}

const char *
keyclass_name(enum keyclass c)
{
	switch (c) {
	case KEYCLASS_PRIVATE:	return "private-key";
	case KEYCLASS_PUBLIC:	return "public";
	case KEYCLASS_OTHER:	return "other";
	}
	return "?";
}

int
keyfile_access(unsigned long long flags)
{
	if (flags & KEYFILE_O_PATH)
		return 0;
	switch (flags & KEYFILE_O_ACCMODE) {
	case 0:
		return KEYFILE_READ;
	case 1:
		return KEYFILE_WRITE;
	default:
		/* 2 is O_RDWR; 3 is Linux's "ioctl only", checked as both. */
		return KEYFILE_READ | KEYFILE_WRITE;
	}
}

/*
 * Does the record hold " mode=04..." (a directory)?  The gate asks this of
 * nearly every PATH record: memchr() for the rare 'm' is much cheaper
 * than memmem() over the whole record.
 */
static int
is_directory(const char *rec, size_t len)
{
	const char *p = rec, *e = rec + len;

	while ((p = memchr(p, 'm', (size_t)(e - p))) != NULL) {
		if ((size_t)(e - p) >= 7 && memcmp(p, "mode=04", 7) == 0 &&
		    p > rec && p[-1] == ' ')
			return 1;
		p++;
	}
	return 0;
}

int
keyfile_gate(const char *name, size_t n, const char *rec, size_t len)
{
	const char *b = memrchr(name, '/', n);

	b = b != NULL ? b + 1 : name;
	if (keyfile_class(b, (size_t)(name + n - b)) == KEYCLASS_PRIVATE)
		return 1;
	/* A .ssh directory itself: renamed, mounted over (sshdirs.h). */
	if (name + n - b == 4 && memcmp(b, ".ssh", 4) == 0)
		return 1;
	return is_directory(rec, len) &&
	    memmem(rec, len, " nametype=NORMAL", 16) != NULL;
}
