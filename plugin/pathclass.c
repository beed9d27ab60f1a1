/*
 * pathclass: judging key, socket and authorized_keys paths (see
 * pathclass.h).
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "pathclass.h"

const char *
keyloc_name(enum keyloc loc)
{
	switch (loc) {
	case KEYLOC_OWN_HOME:		return "own-home";
	case KEYLOC_ELSEWHERE:		return "elsewhere";
	case KEYLOC_UNKNOWN_HOME:	return "home-of-unknown-user";
	case KEYLOC_TEMP:		return "temporary";
	case KEYLOC_OTHER_HOME:		return "other-user-home";
	case KEYLOC_FD:			return "file-descriptor";
	}
	return "?";
}

/* The home of the process user, if we know it. */
static const char *
actor_home(const struct actor *a, const struct users *u, char *tmp,
    size_t tmpsz)
{
	if (a->home != NULL)
		return a->home;
	if (a->user != NULL && users_home_of(u, a->user, tmp, tmpsz) == 0)
		return tmp;
	return NULL;
}

int
pathclass_resolve(const char *raw, const struct actor *a,
    const struct users *u, struct buf *out)
{
	char home[4096], name[256];
	const char *rest = raw, *dir = NULL;
	struct buf tmp;
	size_t n;
	int r;

	if (raw[0] == '~') {
		const char *slash = strchr(raw, '/');

		n = slash != NULL ? (size_t)(slash - raw - 1) : strlen(raw + 1);
		if (n == 0)
			dir = actor_home(a, u, home, sizeof(home));
		else if (n < sizeof(name)) {
			memcpy(name, raw + 1, n);
			name[n] = '\0';
			if (users_home_of(u, name, home, sizeof(home)) == 0)
				dir = home;
		}
		if (dir != NULL)
			rest = slash != NULL ? slash + 1 : "";
	} else if (strncmp(raw, "%d/", 3) == 0 || strcmp(raw, "%d") == 0) {
		if ((dir = actor_home(a, u, home, sizeof(home))) != NULL)
			rest = raw + 2;
	}
	if (dir == NULL && raw[0] == '~')
		return 1;		/* a home we do not know */
	if (dir != NULL) {
		buf_init(&tmp, 2 * 4096 + strlen(rest) + 2);
		if (buf_adds(&tmp, dir) == -1 || buf_addc(&tmp, '/') == -1 ||
		    buf_adds(&tmp, rest) == -1) {
			buf_free(&tmp);
			return -1;
		}
		r = path_join(NULL, 0, tmp.p, tmp.len, out);
		buf_free(&tmp);
		return r;
	}
	if ((r = path_join(a->cwd, a->cwd != NULL ? a->cwdlen : 0, raw,
	    strlen(raw), out)) == 0)
		path_strip_proc_root(out);	/* /proc/self/root/tmp/... */
	return r;
}

static int
is_fd_path(const char *p, size_t n)
{
	const char *q;

	if (path_under(p, n, "/dev/fd") ||
	    (n == 10 && memcmp(p, "/dev/stdin", 10) == 0) ||
	    path_under(p, n, "/proc/self/fd") ||
	    path_under(p, n, "/proc/thread-self/fd"))
		return 1;
	/* /proc/PID/fd/N and /proc/PID/task/TID/fd/N */
	if (!path_under(p, n, "/proc"))
		return 0;
	for (q = p + 6; q < p + n && *q >= '0' && *q <= '9'; q++)
		;
	return q > p + 6 && q < p + n && *q == '/' &&
	    (path_under(q, (size_t)(p + n - q), "/fd") ||
	    path_under(q, (size_t)(p + n - q), "/task"));
}

static int
is_temp_path(const char *p, size_t n)
{
	return path_under(p, n, "/tmp") || path_under(p, n, "/var/tmp") ||
	    path_under(p, n, "/dev/shm") || path_under(p, n, "/run/shm");
}

enum keyloc
pathclass_key(const char *abs, size_t n, const struct actor *a,
    const struct users *u)
{
	char owner[256], home[4096];
	const char *h;

	if (is_fd_path(abs, n))
		return KEYLOC_FD;
	if (is_temp_path(abs, n))
		return KEYLOC_TEMP;
	if (!users_owner_of_path(u, abs, n, owner, sizeof(owner))) {
		/* The user's own home may be outside /home. */
		h = actor_home(a, u, home, sizeof(home));
		if (h != NULL && path_under(abs, n, h))
			return KEYLOC_OWN_HOME;
		return KEYLOC_ELSEWHERE;
	}
	if (a->user != NULL)
		return strcmp(owner, a->user) == 0 ? KEYLOC_OWN_HOME :
		    KEYLOC_OTHER_HOME;
	if (a->uid == 0 && strcmp(owner, "root") == 0)
		return KEYLOC_OWN_HOME;
	if (a->uid >= 0 && a->uid != 0 && strcmp(owner, "root") == 0)
		return KEYLOC_OTHER_HOME;
	return KEYLOC_UNKNOWN_HOME;
}

int
pathclass_foreign_agent(const char *abs, size_t n, const struct actor *a,
    const struct users *u)
{
	char owner[256];
	const char *p, *q;
	long long uid = 0;

	if (path_under(abs, n, "/run/user")) {
		p = abs + 10;
		/* Stop past 10 digits: no uid has more, and no overflow. */
		for (q = p; q < abs + n && *q >= '0' && *q <= '9' &&
		    q - p <= 10; q++)
			uid = uid * 10 + (*q - '0');
		if (q == p || q - p > 10)
			return 1;
		if (a->uid < 0)
			return 1;	/* whose it is we cannot tell */
		return uid != a->uid ? 2 : 0;
	}
	if (users_owner_of_path(u, abs, n, owner, sizeof(owner))) {
		if (a->user != NULL)
			return strcmp(owner, a->user) != 0 ? 2 : 0;
		if (a->uid == 0)
			return strcmp(owner, "root") != 0 ? 2 : 0;
		return 1;
	}
	/* ssh-agent's default: /tmp/ssh-XXXXXXXXXX/agent.PID */
	if (path_under(abs, n, "/tmp") && n > 9 &&
	    memcmp(abs, "/tmp/ssh-", 9) == 0)
		return 1;
	return 0;
}

int
pathclass_authkeys(const char *abs, size_t n, char *const *globs,
    size_t nglobs)
{
	const char *b, *pb;
	size_t blen, pblen, i;

	b = path_base(abs, n, &blen);
	if ((blen == 15 && memcmp(b, "authorized_keys", 15) == 0) ||
	    (blen == 16 && memcmp(b, "authorized_keys2", 16) == 0)) {
		pb = path_parent_base(abs, n, &pblen);
		if (pb != NULL && pblen == 4 && memcmp(pb, ".ssh", 4) == 0)
			return 1;
	}
	if (nglobs == 0 || memchr(abs, '\0', n) != NULL)
		return 0;
	for (i = 0; i < nglobs; i++)
		if (fnmatch(globs[i], abs, FNM_PATHNAME) == 0)
			return 1;
	return 0;
}
