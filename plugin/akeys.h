/*
 * akeys: what an authorized_keys file allows, and what a write changed.
 *
 * Read by the sshd rules (sshdwatch.h) after a recorded write to an
 * authorized_keys file.  akeys_parse() is a pure parser of the file's
 * bytes in sshd's format (auth2-pubkeyfile.c): an optional options field
 * (comma-separated, "quoted" values with \" escapes), the key type, the
 * base64 key blob, a comment; the key's blob must name the same type.
 * Each key is given with its SHA256 fingerprint as `ssh-keygen -l' prints
 * it (fpr.h).  akeys_read() opens the file through safeopen.h for the
 * account that controls it: not a link itself, every component owned by
 * that account or root and usable by it, a regular file, at most
 * AKEYS_MAX_BYTES.
 *
 * The table remembers, per file, only the fingerprints (SHA-256 digests)
 * of its keys, so that the next read says which keys were added and which
 * removed.  It is bounded: AKEYS_MAX_FILES files, AKEYS_MAX_TOTAL
 * fingerprints in all; a file that would go over is not remembered
 * (counted), and its next write reports every key as added.
 */
#ifndef SW_AKEYS_H
#define SW_AKEYS_H

#include <stddef.h>
#include <stdint.h>

#include "fpr.h"

#define AKEYS_MAX_BYTES		(1024 * 1024)	/* one file */
#define AKEYS_MAX_LINE		16384		/* one line (sshd's key cap) */
#define AKEYS_MAX_KEYS		1024		/* keys of one file */
#define AKEYS_MAX_BLOB		8192		/* decoded key blob */
#define AKEYS_MAX_OPTIONS	1024		/* options text kept */
#define AKEYS_MAX_COMMENT	256		/* comment text kept */
#define AKEYS_MAX_FILES		4096
#define AKEYS_MAX_TOTAL		65536

struct akey {
	unsigned	 line;
	char		 type[64];
	uint8_t		 digest[FPR_SHA256_LEN];
	char		 fp[FPR_TEXT_LEN];
	char		 options[AKEYS_MAX_OPTIONS];	/* "" when none */
	char		 comment[AKEYS_MAX_COMMENT];	/* "" when none */
	int		 cut;		/* options or comment were cut */
};

/*
 * Parses one line (no newline) into k.  Returns 1 for a key, 0 for a
 * blank or comment line, -1 for a line sshd would not accept (*why says
 * why).
 */
int	 akeys_parse_line(const char *s, size_t n, struct akey *k,
	    const char **why);
/*
 * Parses a whole file: calls fn for every key (in order), stops after
 * AKEYS_MAX_KEYS.  *bad counts the lines refused.  Returns the number of
 * keys.
 */
size_t	 akeys_parse(const char *text, size_t len,
	    void (*fn)(void *arg, const struct akey *k), void *arg,
	    unsigned *bad);
/*
 * Reads path into *text (malloc'd, NUL-terminated) for the account uid
 * (the owner of the home path is in; root, 0, for a path in no home,
 * which must then be root's all the way): safeopen.h with
 * SAFEOPEN_NOFOLLOW | SAFEOPEN_OWNED, at most AKEYS_MAX_BYTES.  Returns
 * 0; 1 when the file (or a directory on its way) does not exist; -1
 * when it was refused, *why saying why ("a symbolic link", "owned by
 * another account", "not a regular file", "over AKEYS_MAX_BYTES"...).
 */
int	 akeys_read(const char *path, long long uid, char **text, size_t *len,
	    const char **why);

struct akeys;

struct akeys	*akeys_new(void);
void		 akeys_free(struct akeys *t);
/* Is path's state known (0 or more keys)? */
int		 akeys_known(const struct akeys *t, const char *path);
/*
 * Replaces path's fingerprints with the n digests given.  Sets added[i]
 * for each digest not held before, and writes the digests held before
 * that are gone into removed (at most maxrm; *nrm is how many were gone).
 * Returns 0, or -1 when the table had no room (path then forgotten).
 */
int		 akeys_update(struct akeys *t, const char *path,
		    const uint8_t (*digests)[FPR_SHA256_LEN], size_t n,
		    int *added, uint8_t (*removed)[FPR_SHA256_LEN], size_t maxrm,
		    size_t *nrm);
/* Forgets path; its digests go to removed as in akeys_update(). */
void		 akeys_forget(struct akeys *t, const char *path,
		    uint8_t (*removed)[FPR_SHA256_LEN], size_t maxrm,
		    size_t *nrm);
size_t		 akeys_files(const struct akeys *t);
unsigned long long akeys_refused(const struct akeys *t);

#endif
