/*
 * testutil: helpers shared by the Check suites.
 */
#ifndef SW_TESTUTIL_H
#define SW_TESTUTIL_H

#include <stddef.h>

#include <check.h>

#include "buf.h"

/*
 * Splits s into words like a shell would for simple cases: white space
 * separates, '...' and "..." group, no escapes.  Returns a NULL-terminated
 * array (free with tu_free_words()) and sets *argc.
 */
char	**tu_split(const char *s, size_t *argc);
void	  tu_free_words(char **w);
/* Reads a whole file into b (NUL-terminated).  Returns 0 or -1. */
int	  tu_read_file(const char *path, struct buf *b);
/* $srcdir/rel, for fixtures (srcdir from the environment or "."). */
const char *tu_src(const char *rel);
/*
 * Runs the replay pipeline over text (as if read from a file) and returns
 * the JSON alerts, one a line, in out.  version 0 = newest.
 */
int	  tu_replay_text(const char *text, size_t len, int version,
	    struct buf *out);
/*
 * Runs every test of s (in this process when nofork is set, as a suite
 * whose tests share state must) and returns main()'s exit status.
 */
int	  tu_run(Suite *s, int nofork);
/*
 * Removes the directory mkdtemp() made at dir and puts its "XXXXXX" back,
 * so that the next test's setup can make another (a fixture's teardown).
 */
void	  tu_rmtemp(char *dir);

#endif
