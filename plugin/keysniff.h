/*
 * keysniff: is a file under .ssh a private key by its first bytes -- the
 * content half of ssh-key-read's judgement (keyfile.h has the names).
 *
 * rule_key_read (rules.c) asks here, in plugin mode only (the file is on
 * this host and may still be there), about a file another identity read
 * whose name says neither private nor public (~/.ssh/backup).  Its first
 * KEYSNIFF_MAX_BYTES are read through safeopen.h for the file's owner --
 * component by component, links only where the owner could go, a regular
 * file, non-blocking, capped -- and must be the same file the record
 * names (device and inode).  keysniff_format() is the pure test over
 * bytes (fuzzable as is).
 */
#ifndef SW_KEYSNIFF_H
#define SW_KEYSNIFF_H

#include <stddef.h>

#define KEYSNIFF_MAX_BYTES	64	/* read from the file, at most */
#define KEYSNIFF_MAX_SPACE	8	/* blank bytes skipped before */

/*
 * The private key format b[0..n) starts with ("openssh", "pem-rsa",
 * "pem-ec", "pem-dsa", "pkcs8", "pkcs8-encrypted", "putty"), after at
 * most KEYSNIFF_MAX_SPACE blanks, or NULL when it is none of them.
 */
const char	*keysniff_format(const char *b, size_t n);

/*
 * Reads the first bytes of path for the account uid (safeopen.h) and
 * judges them.  ino (0: not known) must then be the opened file's inode.
 * Returns 1 with *fmt the format, 0 when it is not a private key, or -1
 * when it could not be read (*why says, or NULL: absent).
 */
int		 keysniff_file(const char *path, long long uid,
		    unsigned long long ino, const char **fmt,
		    const char **why);

#endif
