/*
 * users: who owns which home directory, for judging where a key lives.
 *
 * A small, bounded table of accounts (name, uid, home).  The plugin fills
 * it from the local passwd database at start and on SIGHUP (it judges
 * events of this host); replay fills it only when asked (--local-users),
 * since a saved log may come from another host.  Without an entry, the
 * conventional homes are assumed: /root for root, /home/NAME for NAME.
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

struct users {
	struct users_entry	*e;
	size_t			 n;
	size_t			 dropped;	/* over USERS_MAX */
};

void	 users_init(struct users *u);
void	 users_free(struct users *u);
/* Loads the local passwd database (getpwent).  Returns the count. */
size_t	 users_load_local(struct users *u);
/* Adds one account (tests, and names learned from ENRICHED records). */
int	 users_add(struct users *u, const char *name, long long uid,
	    const char *home);
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
