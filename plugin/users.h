/*
 * users: who owns which home directory, for judging where a key lives.
 *
 * A small, bounded table of accounts (name, uid, home).  The plugin fills
 * it from the local passwd database at start and on SIGHUP (it judges
 * events of this host); replay fills it only when asked (--local-users),
 * since a saved log may come from another host.  Without an entry, the
 * conventional homes are assumed: /root for root, /home/NAME for NAME.
 *
 * A table loaded from this host also learns the accounts made since: a
 * uid it does not hold is asked for (getpwuid) and added, so that the
 * client configuration of an account created after the start is read
 * from its real home.  A uid not found is not asked for again for
 * USERS_MISS_TTL seconds (the last USERS_MISS_MAX such uids are kept).
 */
#ifndef SW_USERS_H
#define SW_USERS_H

#include <stddef.h>

#define USERS_MAX	8192

struct users_entry {
	char		*name;
	char		*home;
	long long	 uid;
};

#define USERS_MISS_MAX	64
#define USERS_MISS_TTL	30
struct users_late;
struct users {
	struct users_entry	*e;
	size_t			 n;
	size_t			 dropped;	/* over USERS_MAX */
	/* Accounts learnt after the load (NULL: none are asked for). */
	struct users_late	*late;
};
/*
 * How a missing uid is asked for: fills name and home (home may be left
 * empty) and returns 0, or -1 when there is no such account.
 */
typedef int (*users_lookup_fn)(long long uid, char *name, size_t namesz,
    char *home, size_t homesz);

void	 users_init(struct users *u);
void	 users_free(struct users *u);
/*
 * Loads the local passwd database (getpwent) and turns learning on (with
 * getpwuid).  Returns the count.
 */
size_t	 users_load_local(struct users *u);
/*
 * Turns learning on with fn as the lookup (tests), or off with NULL.
 * Returns 0, or -1 out of memory.
 */
int	 users_set_lookup(struct users *u, users_lookup_fn fn);
/* Adds one account (tests, and names learned from ENRICHED records). */
int	 users_add(struct users *u, const char *name, long long uid,
	    const char *home);
/*
 * The name of uid, or NULL.  A table that learns asks for a uid it does
 * not hold (the const table's learnt accounts live behind u->late).
 */
const char *users_name_of_uid(const struct users *u, long long uid);
/* The uid of name: the table, else 0 for root; -1 when not known. */
long long users_uid_of(const struct users *u, const char *name);
/* Home of name: the table, else /root or /home/NAME; written to out. */
int	 users_home_of(const struct users *u, const char *name, char *out,
	    size_t outsz);
/*
 * The account whose home holds path (the longest matching home from the
 * table, else /root/... -> root, /home/NAME/... -> NAME).  Writes the name
 * into out and returns 1, or 0 when path is in no home.
 */
int	 users_owner_of_path(const struct users *u, const char *path,
	    size_t n, char *out, size_t outsz);

#endif
