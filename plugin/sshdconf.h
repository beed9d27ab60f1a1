/*
 * sshdconf: a model of sshd's configuration, and what changed in it.
 *
 * Beside the pipeline, read by the sshd rules (sshdwatch.h): when a
 * record shows a write into /etc/ssh, the plugin reads sshd_config again
 * and compares the new model with the one it held.  The model keeps every
 * directive with its file and line, the Match blocks as blocks (keyed by
 * their criteria), keywords folded to lower case as sshd does; the
 * effective value of a directive in a block is its first one, except for
 * the directives sshd accumulates (AllowUsers, HostKey, ...), whose
 * values are joined.  Values are split into words as sshd splits them
 * (quotes group, a word starting with '#' ends the line) and joined by one
 * space, so comments and white space change nothing; except ForceCommand,
 * AuthorizedKeysCommand and AuthorizedPrincipalsCommand, which sshd takes
 * as the rest of the line, '#' and quotes included, and so do we.
 *
 * sshdconf_parse() is pure over the bytes of the top file (it is fuzzed as
 * is): the files an Include names come from a caller's function, so a
 * test can give them from memory.  sshdconf_load() is that function for
 * the file system: glob(3) of the pattern (relative ones under /etc/ssh,
 * as sshd does), and each file opened with O_NOFOLLOW, a regular file,
 * owned by root, at most SSHDCONF_MAX_BYTES.  Every cap below is counted
 * in `over' and reported, never a failure of the whole model.
 */
#ifndef SW_SSHDCONF_H
#define SW_SSHDCONF_H

#include <stddef.h>

#define SSHDCONF_MAX_BYTES	(256 * 1024)	/* one file */
#define SSHDCONF_MAX_LINE	4096		/* one line */
#define SSHDCONF_MAX_LINES	16384		/* lines of one file */
#define SSHDCONF_MAX_DEPTH	16		/* Include nesting (sshd's) */
#define SSHDCONF_MAX_FILES	64		/* files read in all */
#define SSHDCONF_MAX_ENTRIES	4096		/* directives kept */
#define SSHDCONF_MAX_BLOCKS	256		/* Match blocks */
#define SSHDCONF_MAX_VALUE	1024		/* bytes of one joined value */
#define SSHDCONF_MAX_CHANGES	64		/* changes one diff reports */

struct sshdconf_entry {
	char		*key;		/* lower case */
	char		*value;		/* words joined by one space */
	const char	*file;		/* in the model's file table */
	unsigned	 line;
	size_t		 block;		/* 0: global; else blocks[block] */
};

struct sshdconf {
	struct sshdconf_entry	*e;
	size_t			 n;
	char			**files;	/* every file read, in order */
	size_t			 nfiles;
	char			**blocks;	/* [0] NULL; "user alice", ... */
	size_t			 nblocks;
	unsigned		 over;		/* caps hit, files refused */
	char			 err[256];	/* the first such problem */
};

/*
 * The files an Include pattern names: *paths (malloc'd, each malloc'd)
 * and *n, sorted; with text and length of each in *texts and *lens
 * (malloc'd).  Returns the number of files it could not read (each then
 * missing from the lists), with a message in err; or -1 when it failed.
 */
typedef int (*sshdconf_include_fn)(void *arg, const char *pattern,
    char ***paths, char ***texts, size_t **lens, size_t *n, char *err,
    size_t errsz);

/*
 * Parses the top file text[0..len) named file into c (zeroed by the
 * caller, or freed with sshdconf_free()).  Includes are fetched through
 * inc (NULL: Include lines are kept but not followed).  Relative Include
 * patterns are made absolute under incdir.  Returns 0; -1 only when out of
 * memory.  Caps hit are counted in c->over, the first one in c->err.
 */
int	 sshdconf_parse(const char *text, size_t len, const char *file,
	    const char *incdir, sshdconf_include_fn inc, void *arg,
	    struct sshdconf *c);
/*
 * Reads the file at path and its Includes from the file system (see
 * above) into c.  Returns 0, or -1 with c->err set when the top file
 * cannot be read safely.
 */
int	 sshdconf_load(const char *path, struct sshdconf *c);
/* The include function sshdconf_load() uses (for tests). */
int	 sshdconf_include_fs(void *arg, const char *pattern, char ***paths,
	    char ***texts, size_t **lens, size_t *n, char *err, size_t errsz);
void	 sshdconf_free(struct sshdconf *c);

/*
 * The effective value of key (lower case) in block (0: global), and the
 * entry that gave it; NULL when the block does not set it.  (The
 * accumulating directives hold every value joined, in file order.)
 */
const struct sshdconf_entry *sshdconf_get(const struct sshdconf *c,
	    size_t block, const char *key, const char **value);
/*
 * The value sshd -T would print for key with connection user (Match
 * User, Match All; a block with any other criterion is not applied):
 * first value wins over the global section and the matching blocks in
 * file order.  NULL when unset.  For the differential test.
 */
const char *sshdconf_effective(const struct sshdconf *c, const char *key,
	    const char *user);
/* The block index of criteria text, or 0 when there is none. */
size_t	 sshdconf_block(const struct sshdconf *c, const char *criteria);

struct sshdconf_change {
	const char	*key;		/* lower case */
	const char	*block;		/* Match criteria, NULL: global */
	const char	*old;		/* NULL: was not set */
	const char	*new;		/* NULL: no longer set */
	const char	*file;		/* where new is, else where old was */
	unsigned	 line;
};

/*
 * Compares the effective directives of every block of a and b.  Fills
 * out[0..max) and returns how many changes there are (may be more than
 * max: only max are written).  The strings point into a and b.
 */
size_t	 sshdconf_diff(const struct sshdconf *a, const struct sshdconf *b,
	    struct sshdconf_change *out, size_t max);
/* The keyword as sshd_config(5) spells it ("authorizedkeysfile" ->
 * "AuthorizedKeysFile"), or key itself when unknown. */
const char *sshdconf_keyword(const char *key);

#endif
