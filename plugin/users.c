/*
 * users: bounded table of accounts and their homes (see users.h).
 */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "users.h"

void
users_init(struct users *u)
{
	memset(u, 0, sizeof(*u));
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
	return u->n - before;
}

const char *
users_name_of_uid(const struct users *u, long long uid)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (u->e[i].uid == uid)
			return u->e[i].name;
	return NULL;
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

	for (i = 0; i < u->n; i++) {
		const char *h = u->e[i].home;

		if (h == NULL)
			continue;
		len = strlen(h);
		if (len > bestlen && path_under(path, n, h)) {
			best = u->e[i].name;
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
