/*
 * users: bounded table of accounts and their homes (see users.h).
 */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "path.h"
#include "users.h"

/* Accounts made after the table was loaded, learnt one uid at a time. */
struct users_late {
	users_lookup_fn	 lookup;
	struct users	 t;		/* what was learnt (t.late NULL) */
	struct {
		long long	 uid;
		time_t		 when;
	}		 miss[USERS_MISS_MAX];	/* ring of uids not found */
	size_t		 nmiss;
};

void
users_init(struct users *u)
{
	memset(u, 0, sizeof(*u));
}

/* The lookup of this host: getpwuid, for a uid an account may have. */
static int
pw_lookup(long long uid, char *name, size_t namesz, char *home,
    size_t homesz)
{
	struct passwd *pw;
	int r;

	if (uid < 0 || uid >= 4294967295LL)
		return -1;
	if ((pw = getpwuid((uid_t)uid)) == NULL || pw->pw_name == NULL)
		return -1;
	r = snprintf(name, namesz, "%s", pw->pw_name);
	if (r < 0 || (size_t)r >= namesz)
		return -1;
	home[0] = '\0';
	/* "/" and "/nonexistent" homes own nothing (users_load_local). */
	if (pw->pw_dir != NULL && strcmp(pw->pw_dir, "/") != 0 &&
	    strcmp(pw->pw_dir, "/nonexistent") != 0) {
		r = snprintf(home, homesz, "%s", pw->pw_dir);
		if (r < 0 || (size_t)r >= homesz)
			home[0] = '\0';
	}
	return 0;
}

int
users_set_lookup(struct users *u, users_lookup_fn fn)
{
	if (fn == NULL) {
		if (u->late != NULL) {
			users_free(&u->late->t);
			free(u->late);
			u->late = NULL;
		}
		return 0;
	}
	if (u->late == NULL && (u->late = calloc(1, sizeof(*u->late))) ==
	    NULL)
		return -1;
	u->late->lookup = fn;
	return 0;
}

/*
 * Asks for uid, which the table does not hold: the name learnt, or NULL
 * (no such account, asked for too recently, or the table is full).
 */
static const char *
learn(const struct users *u, long long uid)
{
	struct users_late *l = u->late;
	char name[256], home[4096];
	time_t now = time(NULL);
	size_t i;

	for (i = 0; i < USERS_MISS_MAX; i++)
		if (l->miss[i].when != 0 && l->miss[i].uid == uid &&
		    now - l->miss[i].when < USERS_MISS_TTL)
			return NULL;
	if (u->n + l->t.n >= USERS_MAX)
		return NULL;
	if (l->lookup(uid, name, sizeof(name), home, sizeof(home)) == -1 ||
	    users_add(&l->t, name, uid, home[0] == '/' ? home : NULL) == -1) {
		l->miss[l->nmiss].uid = uid;
		l->miss[l->nmiss].when = now != 0 ? now : 1;
		l->nmiss = (l->nmiss + 1) % USERS_MISS_MAX;
		return NULL;
	}
	return l->t.e[l->t.n - 1].name;
}

void
users_free(struct users *u)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		free(u->e[i].name);
		free(u->e[i].home);
	}
	free(u->e);
	if (u->late != NULL) {
		users_free(&u->late->t);
		free(u->late);
	}
	memset(u, 0, sizeof(*u));
}

int
users_add(struct users *u, const char *name, long long uid, const char *home)
{
	struct users_entry *e;

	if (u->n >= USERS_MAX) {
		u->dropped++;
		return -1;
	}
	if ((e = realloc(u->e, (u->n + 1) * sizeof(*e))) == NULL)
		return -1;
	u->e = e;
	e = &u->e[u->n];
	e->name = strdup(name);
	e->home = home != NULL ? strdup(home) : NULL;
	e->uid = uid;
	if (e->name == NULL) {
		free(e->home);
		return -1;
	}
	u->n++;
	return 0;
}

size_t
users_load_local(struct users *u)
{
	struct passwd *pw;
	size_t before = u->n;

	setpwent();
	while ((pw = getpwent()) != NULL) {
		/* "/" and "/nonexistent" homes own nothing. */
		const char *home = pw->pw_dir;

		if (home == NULL || strcmp(home, "/") == 0 ||
		    strcmp(home, "/nonexistent") == 0)
			home = NULL;
		if (users_add(u, pw->pw_name, (long long)pw->pw_uid, home) ==
		    -1 && u->n >= USERS_MAX)
			break;
	}
	endpwent();
	/* Without memory for it, accounts made later stay unknown. */
	if (u->late == NULL)
		(void)users_set_lookup(u, pw_lookup);
	return u->n - before;
}

const char *
users_name_of_uid(const struct users *u, long long uid)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (u->e[i].uid == uid)
			return u->e[i].name;
	if (u->late == NULL)
		return NULL;
	for (i = 0; i < u->late->t.n; i++)
		if (u->late->t.e[i].uid == uid)
			return u->late->t.e[i].name;
	return learn(u, uid);
}

long long
users_uid_of(const struct users *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (strcmp(u->e[i].name, name) == 0)
			return u->e[i].uid;
	return strcmp(name, "root") == 0 ? 0 : -1;
}

int
users_home_of(const struct users *u, const char *name, char *out,
    size_t outsz)
{
	size_t i;
	int r;

	for (i = 0; i < u->n; i++)
		if (u->e[i].home != NULL && strcmp(u->e[i].name, name) == 0) {
			r = snprintf(out, outsz, "%s", u->e[i].home);
			return r >= 0 && (size_t)r < outsz ? 0 : -1;
		}
	/* An account learnt later (its table falls back as this one). */
	if (u->late != NULL)
		return users_home_of(&u->late->t, name, out, outsz);
	if (strcmp(name, "root") == 0)
		r = snprintf(out, outsz, "/root");
	else
		r = snprintf(out, outsz, "/home/%s", name);
	return r >= 0 && (size_t)r < outsz ? 0 : -1;
}

int
users_owner_of_path(const struct users *u, const char *path, size_t n,
    char *out, size_t outsz)
{
	const char *best = NULL, *p, *slash;
	size_t i, bestlen = 0, len;

	for (i = 0; i < u->n + (u->late != NULL ? u->late->t.n : 0); i++) {
		/* The table, then the accounts learnt later. */
		const struct users_entry *e = i < u->n ? &u->e[i] :
		    &u->late->t.e[i - u->n];
		const char *h = e->home;

		if (h == NULL)
			continue;
		len = strlen(h);
		if (len > bestlen && path_under(path, n, h)) {
			best = e->name;
			bestlen = len;
		}
	}
	if (best != NULL) {
		len = strlen(best);
		if (len >= outsz)
			return 0;
		memcpy(out, best, len + 1);
		return 1;
	}
	if (path_under(path, n, "/root")) {
		if (outsz < 5)
			return 0;
		memcpy(out, "root", 5);
		return 1;
	}
	if (path_under(path, n, "/home")) {
		p = path + 6;
		slash = memchr(p, '/', n - 6);
		if (slash == NULL || slash == p)
			return 0;
		len = (size_t)(slash - p);
		if (len >= outsz || memchr(p, '\0', len) != NULL)
			return 0;
		memcpy(out, p, len);
		out[len] = '\0';
		return 1;
	}
	return 0;
}
