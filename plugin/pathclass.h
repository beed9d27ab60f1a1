/*
 * pathclass: what a path means for the rules -- where a key lives, whose
 * agent socket it is, whether a file is an authorized_keys file.
 *
 * The rules give the process's view (struct actor: uid, user name, home,
 * cwd); paths are resolved as ssh would resolve them (tilde, %d, relative
 * to the cwd) and then judged lexically (path.h).
 */
#ifndef SW_PATHCLASS_H
#define SW_PATHCLASS_H

#include <stddef.h>

#include "buf.h"
#include "users.h"

struct actor {
	long long	 uid;
	const char	*user;		/* or NULL when unknown */
	const char	*home;		/* or NULL when unknown */
	const char	*cwd;		/* or NULL when unknown */
	size_t		 cwdlen;
};

enum keyloc {
	KEYLOC_OWN_HOME,	/* under the process user's own home */
	KEYLOC_ELSEWHERE,	/* a system or application directory */
	KEYLOC_UNKNOWN_HOME,	/* a home, but the process user is unknown */
	KEYLOC_TEMP,		/* /tmp, /var/tmp, /dev/shm, /run/shm */
	KEYLOC_OTHER_HOME,	/* under another user's home */
	KEYLOC_FD,		/* /dev/fd/N, /proc/.../fd/N, stdin */
};

const char	*keyloc_name(enum keyloc loc);

/*
 * Resolves a key or socket path as given to ssh: `~/' and `~user/', `%d'
 * (the home), relative names against the cwd; then normalises it.
 * Returns 0, 1 when raw names the home of a user we do not know (out is
 * left empty), or -1 when out is full.
 */
int	 pathclass_resolve(const char *raw, const struct actor *a,
	    const struct users *u, struct buf *out);
/* Where an absolute key path lives, seen from actor a. */
enum keyloc pathclass_key(const char *abs, size_t n, const struct actor *a,
	    const struct users *u);

/*
 * Is an agent socket path someone else's?  Returns 2 when it surely is
 * (another user's home, /run/user/<other uid>/), 1 when it may be (an
 * agent directory under /tmp whose owner the path does not tell), 0 no.
 */
int	 pathclass_foreign_agent(const char *abs, size_t n,
	    const struct actor *a, const struct users *u);

/*
 * Is abs an authorized_keys file: authorized_keys or authorized_keys2 in
 * a directory named .ssh, or a match of one of the extra glob patterns
 * (fnmatch with FNM_PATHNAME, for AuthorizedKeysFile layouts)?
 */
int	 pathclass_authkeys(const char *abs, size_t n,
	    char *const *globs, size_t nglobs);

#endif
