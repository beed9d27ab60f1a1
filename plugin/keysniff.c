/*
 * keysniff: a private key by its first bytes (see keysniff.h).  The
 * step after rule_key_read's name test, for names that say nothing.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "keysniff.h"
#include "safeopen.h"

static const struct {
	const char	*head;
	const char	*fmt;
} heads[] = {
	{ "-----BEGIN OPENSSH PRIVATE KEY-----", "openssh" },
	{ "-----BEGIN RSA PRIVATE KEY-----", "pem-rsa" },
	{ "-----BEGIN EC PRIVATE KEY-----", "pem-ec" },
	{ "-----BEGIN DSA PRIVATE KEY-----", "pem-dsa" },
	{ "-----BEGIN PRIVATE KEY-----", "pkcs8" },
	{ "-----BEGIN ENCRYPTED PRIVATE KEY-----", "pkcs8-encrypted" },
	/* PuTTY's .ppk, versions 1 to 3: "PuTTY-User-Key-File-3: ..." */
	{ "PuTTY-User-Key-File-", "putty" },
};

const char *
keysniff_format(const char *b, size_t n)
{
	size_t i, skip = 0, len;

	while (skip < n && skip < KEYSNIFF_MAX_SPACE && (b[skip] == ' ' ||
	    b[skip] == '\t' || b[skip] == '\r' || b[skip] == '\n'))
		skip++;
	b += skip;
	n -= skip;
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		len = strlen(heads[i].head);
		if (n >= len && memcmp(b, heads[i].head, len) == 0)
			return heads[i].fmt;
	}
	return NULL;
}

int
keysniff_file(const char *path, long long uid, unsigned long long ino,
    const char **fmt, const char **why)
{
	char b[KEYSNIFF_MAX_BYTES];
	struct stat st;
	size_t n = 0;
	ssize_t r;
	int fd, ret = -1;

	*why = NULL;
	if ((fd = safeopen_fd(path, uid, 0, &st, why)) == -1)
		return -1;
	if (ino != 0 && (unsigned long long)st.st_ino != ino) {
		*why = "not the file the record names (another inode)";
		goto out;
	}
	while (n < sizeof(b)) {
		r = read(fd, b + n, sizeof(b) - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			*why = "read failed";
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*fmt = keysniff_format(b, n);
	ret = *fmt != NULL;
 out:
	close(fd);
	return ret;
}
