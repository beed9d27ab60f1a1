/*
 * sshconf: which lines of the client configuration apply (see sshconf.h).
 *
 * Follows readconf.c's read_config_file_depth(), the Host, Match and
 * Include cases of process_config_line_depth(), match_cfg_line(), and
 * ssh.c's process_config_files() with its final pass.  The keyword
 * table stays sshopt.c's: here only the lines that choose other lines
 * are understood.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sshconf.h"

#define WHITESPACE	" \t\r\n"
#define MAXWORDS	64		/* words of a Host, Match, Include */
#define SUBPAT_MAX	1024		/* match.c's subpattern buffer */

/* What readconf.c passes down as `flags'. */
#define F_USERCONF	0x1
#define F_FINAL		0x2
#define F_NEVERMATCH	0x4

struct walk {
	struct sshconf			*sc;
	const struct sshconf_query	*q;
	const struct sshconf_io		*io;
	const char	*host;		/* what Host patterns are matched to */
	char		*hostname;	/* Hostname so far (options.hostname) */
	char		*user;		/* User so far */
	int		 canon;		/* CanonicalizeHostname yes/always */
	int		 want_final;	/* a Match final was seen */
	int		 final;		/* in the final pass */
	size_t		 pass1_lines;	/* lines of the first pass */
	int		 unsure;	/* the current block is unsure */
	int		 version;
	unsigned	 globs;		/* Include patterns expanded */
	int		 scan;		/* sshconf_scan(): every option line */
};

int
sshconf_match_pattern(const char *s, const char *p)
{
	const char *star = NULL, *resume = NULL;

	/* Greedy with one backtrack point: what match.c's NFA accepts. */
	while (*s != '\0') {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p != '\0' && (*p == '?' || *p == *s)) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star + 1;
			s = ++resume;
		} else
			return 0;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* match.c's match_pattern_list(): 1 positive, -1 negated, 0 none. */
static int
match_list(const char *string, const char *pattern, int dolower)
{
	char sub[SUBPAT_MAX];
	size_t i = 0, subi, len = strlen(pattern);
	int negated, got = 0;

	while (i < len) {
		negated = pattern[i] == '!';
		if (negated)
			i++;
		for (subi = 0; i < len && subi < sizeof(sub) - 1 &&
		    pattern[i] != ','; subi++, i++)
			sub[subi] = dolower ?
			    (char)tolower((unsigned char)pattern[i]) :
			    pattern[i];
		if (subi >= sizeof(sub) - 1)
			return 0;
		if (i < len && pattern[i] == ',')
			i++;
		sub[subi] = '\0';
		if (sshconf_match_pattern(string, sub)) {
			if (negated)
				return -1;
			got = 1;
		}
	}
	return got;
}

/* match_hostname(): the host lowercased, the patterns too. */
static int
match_host(const char *host, const char *pattern)
{
	char *h;
	size_t i;
	int r;

	if ((h = strdup(host)) == NULL)
		return 0;
	for (i = 0; h[i] != '\0'; i++)
		h[i] = (char)tolower((unsigned char)h[i]);
	r = match_list(h, pattern, 1);
	free(h);
	return r;
}

static void
over(struct sshconf *sc, const char *what)
{
	sc->over++;
	if (sc->over_what == NULL)
		sc->over_what = what;
}

static void
unreadable(struct sshconf *sc, const char *path, const char *why)
{
	if (sc->unreadable++ == 0)
		snprintf(sc->unread_what, sizeof(sc->unread_what), "%s: %s",
		    path, why);
}

/* Keeps one applied line; a line the first pass kept is not kept again. */
static void
emit(struct walk *w, const char *line, const char *file, unsigned lineno)
{
	struct sshconf *sc = w->sc;
	struct sshopt_cline *l;
	char where[64 + 4096], *mem;
	size_t i, wl, ll;

	snprintf(where, sizeof(where), "%s:%u", file, lineno);
	if (w->final)
		for (i = 0; i < w->pass1_lines; i++)
			if (strcmp(sc->lines[i].where, where) == 0)
				return;
	line += strspn(line, WHITESPACE);	/* as shown in `match' */
	if (sc->nlines >= SSHCONF_MAX_OUT) {
		over(sc, "lines applied");
		return;
	}
	if (sc->nlines == sc->caplines) {
		size_t ncap = sc->caplines ? sc->caplines * 2 : 16;
		char **m;

		if ((l = realloc(sc->lines, ncap * sizeof(*l))) == NULL) {
			sc->nomem = 1;
			return;
		}
		sc->lines = l;
		if ((m = realloc(sc->mem, ncap * sizeof(*m))) == NULL) {
			sc->nomem = 1;
			return;
		}
		sc->mem = m;
		sc->caplines = ncap;
	}
	/* One allocation holds both strings; `line' is its start. */
	wl = strlen(where) + 1;
	ll = strlen(line) + 1;
	if ((mem = malloc(wl + ll)) == NULL) {
		sc->nomem = 1;
		return;
	}
	memcpy(mem, line, ll);
	memcpy(mem + ll, where, wl);
	sc->mem[sc->nlines] = mem;
	l = &sc->lines[sc->nlines++];
	l->line = mem;
	l->where = mem + ll;
	/*
	 * With CanonicalizeHostname the final pass matches the name DNS
	 * gives, which is not known here.
	 */
	l->unsure = w->unsure || (w->final && w->canon == 1);
}

static char *
set_first(struct sshconf *sc, char *cur, const char *v)
{
	char *r;

	if (cur != NULL)
		return cur;
	if ((r = strdup(v)) == NULL)
		sc->nomem = 1;
	return r;
}

/* percent_expand(hostname, "h", host): %h and %%; NULL if anything else. */
static char *
expand_h(const char *s, const char *host)
{
	size_t n = 0, hl = strlen(host), i;
	char *r, *o;

	for (i = 0; s[i] != '\0'; i++)
		n += s[i] == '%' ? hl : 1;
	if ((r = o = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (s[i + 1] == 'h') {
			memcpy(o, host, hl);
			o += hl;
		} else if (s[i + 1] == '%')
			*o++ = '%';
		else {
			free(r);
			return NULL;
		}
		i++;
	}
	*o = '\0';
	return r;
}

/* The attributes match_cfg_line() takes as "attr=value". */
static int
eq_attr(const char *a)
{
	static const char *const names[] = { "host=", "originalhost=",
	    "user=", "localuser=", "localnetwork=", "version=", "tagged=",
	    "command=", "exec=", NULL };
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strncasecmp(a, names[i], strlen(names[i])) == 0)
			return 1;
	return 0;
}

/*
 * match_cfg_line(): 1 when every criterion holds, 0 when one does not,
 * -1 when ssh would refuse the line.  *unsure is set when a criterion
 * that cannot be judged here was taken as true.
 */
static int
match_line(struct walk *w, const char **av, int ac, int *unsure)
{
	const char *host_match, *ruser;
	char *host = NULL, *attrib = NULL, *arg;
	int i = 0, result = 1, attributes = 0, negate, r, tr;

	*unsure = 0;
	ruser = w->user != NULL ? w->user : w->q->localuser;
	if (w->final)
		host_match = w->hostname != NULL ? w->hostname : w->host;
	else if (w->hostname != NULL &&
	    (host = expand_h(w->hostname, w->q->host)) != NULL)
		host_match = host;
	else
		host_match = w->q->host;
	for (i = 0; i < ac; i++) {
		free(attrib);
		attrib = NULL;
		if (av[i][0] == '#')
			break;
		if ((attrib = strdup(av[i])) == NULL) {
			w->sc->nomem = 1;
			result = -1;
			goto out;
		}
		arg = attrib;
		if ((negate = arg[0] == '!'))
			arg++;
		if (strcasecmp(arg, "all") == 0) {
			if (attributes > 1 || (i + 1 < ac &&
			    av[i + 1][0] != '\0' && av[i + 1][0] != '#')) {
				result = -1;
				goto out;
			}
			if (result)
				result = negate ? 0 : 1;
			goto out;
		}
		attributes++;
		if (strcasecmp(arg, "canonical") == 0 ||
		    strcasecmp(arg, "final") == 0) {
			/* Before 10.1, `Match !final' asked for it too. */
			if (strcasecmp(arg, "final") == 0 && (!negate ||
			    w->version < 1001))
				w->want_final = 1;
			if (w->final == negate)
				result = 0;
			continue;
		}
		{
			char *crit = arg, *eq;
			const char *val;

			if (w->version >= 1000 && eq_attr(crit)) {
				eq = strchr(crit, '=');
				*eq = '\0';
				val = eq + 1;
			} else if (i + 1 < ac)
				val = av[++i];
			else {
				result = -1;
				goto out;
			}
			if (*val == '\0' && strcasecmp(crit, "tagged") != 0 &&
			    strcasecmp(crit, "command") != 0)
				val = NULL;
			if (val == NULL || *val == '#') {
				result = -1;
				goto out;
			}
			if (strcasecmp(crit, "host") == 0)
				r = match_host(host_match, val) == 1;
			else if (strcasecmp(crit, "originalhost") == 0)
				r = match_host(w->q->host, val) == 1;
			else if (strcasecmp(crit, "user") == 0)
				r = ruser != NULL &&
				    match_list(ruser, val, 0) == 1;
			else if (strcasecmp(crit, "localuser") == 0)
				r = w->q->localuser != NULL &&
				    match_list(w->q->localuser, val, 0) == 1;
			else {
				/*
				 * exec (never run), localnetwork, version,
				 * tagged, command, sessiontype, or newer:
				 * possibly true.
				 */
				*unsure = 1;
				continue;
			}
			if (((ruser == NULL && strcasecmp(crit, "user") == 0) ||
			    (w->q->localuser == NULL &&
			    strcasecmp(crit, "localuser") == 0))) {
				*unsure = 1;
				continue;
			}
			tr = r == (negate ? 1 : 0);
			if (tr)
				result = 0;
		}
	}
 out:
	free(attrib);
	free(host);
	return result;
}

static int read_file(struct walk *w, const char *path, int depth, int flags,
    int *activep);

/* Include: each word a glob, relative to ~/.ssh or the system dir. */
static void
do_include(struct walk *w, const char **av, int ac, int depth, int flags,
    int *activep)
{
	const struct sshconf_query *q = w->q;
	char **names, *pat;
	const char *why, *dir;
	int i, j, n, oactive = *activep, ounsure = w->unsure;
	size_t len;

	for (i = 0; i < ac; i++) {
		const char *p = av[i];

		if (*p == '\0') {
			w->sc->bad++;
			return;
		}
		if (strchr(p, '%') != NULL || strchr(p, '$') != NULL) {
			/* %tokens and ${ENV}: not expanded here. */
			w->sc->unsure++;
			unreadable(w->sc, p, "Include with %token or "
			    "${VARIABLE} not expanded");
			continue;
		}
		if (*p == '~' && !(flags & F_USERCONF)) {
			w->sc->bad++;	/* "bad include path" */
			return;
		}
		if (*p == '~' && (p[1] != '/' || q->home == NULL)) {
			w->sc->unsure++;
			unreadable(w->sc, p, "~user in an Include not expanded");
			continue;
		}
		if (*p == '~') {
			dir = q->home;
			p += 2;
		} else if (*p != '/')
			dir = (flags & F_USERCONF) ? NULL : (q->sysdir != NULL ?
			    q->sysdir : "/etc/ssh");
		else
			dir = "";
		len = strlen(p) + (dir != NULL ? strlen(dir) :
		    (q->home != NULL ? strlen(q->home) : 0)) + 8;
		if ((pat = malloc(len)) == NULL) {
			w->sc->nomem = 1;
			return;
		}
		if (dir == NULL) {
			if (q->home == NULL) {
				free(pat);
				w->sc->unsure++;
				continue;
			}
			snprintf(pat, len, "%s/.ssh/%s", q->home, p);
		} else if (*dir == '\0')
			snprintf(pat, len, "%s", p);
		else
			snprintf(pat, len, "%s/%s", dir, p);
		names = NULL;
		if (w->globs++ >= SSHCONF_MAX_INCLUDES) {
			over(w->sc, "Include patterns");
			free(pat);
			return;
		}
		n = w->io->glob(w->io->arg, pat, &names, &why);
		if (n < 0) {
			unreadable(w->sc, pat, why);
			free(pat);
			continue;
		}
		free(pat);
		for (j = 0; j < n; j++) {
			/*
			 * An inactive include is only parsed, but its Match
			 * final still asks for the final pass.
			 */
			read_file(w, names[j], depth + 1, flags |
			    (oactive ? 0 : F_NEVERMATCH), activep);
			*activep = oactive;
			w->unsure = ounsure;
			free(names[j]);
		}
		free(names);
	}
}

/* One line, as process_config_line_depth() sees it. */
static void
do_line(struct walk *w, char *line, const char *file, unsigned lineno,
    int depth, int flags, int *activep)
{
	const char *av[MAXWORDS];
	char *copy = NULL, *out = NULL, *str, *kw, *rest;
	size_t len = strlen(line);
	int ac, i, neg, u, v;

	while (len > 0 && strchr(WHITESPACE "\f", line[len - 1]) != NULL)
		line[--len] = '\0';
	if ((copy = strdup(line)) == NULL) {
		w->sc->nomem = 1;
		return;
	}
	str = copy;
	if ((kw = sshopt_strdelim(&str)) == NULL)
		goto out;
	if (*kw == '\0')
		kw = sshopt_strdelim(&str);
	if (kw == NULL || *kw == '\0' || *kw == '\n' || *kw == '#')
		goto out;
	if (str != NULL)
		str += strspn(str, WHITESPACE);
	if (str == NULL || *str == '\0') {
		w->sc->bad++;
		goto out;
	}
	rest = str;
	if ((out = malloc(strlen(rest) + 1)) == NULL) {
		w->sc->nomem = 1;
		goto out;
	}
	if ((ac = sshopt_argv_split(rest, out, av, MAXWORDS)) < 0) {
		w->sc->bad++;
		goto out;
	}
	if (ac > MAXWORDS) {
		over(w->sc, "words of a line");
		ac = MAXWORDS;
	}
	if (w->scan) {
		if (strcasecmp(kw, "host") != 0 &&
		    strcasecmp(kw, "match") != 0 &&
		    strcasecmp(kw, "include") != 0)
			emit(w, line, file, lineno);
	} else if (strcasecmp(kw, "host") == 0) {
		*activep = 0;
		w->unsure = 0;
		for (i = 0; i < ac; i++) {
			const char *a = av[i];

			if (*a == '\0') {
				w->sc->bad++;
				break;
			}
			if (flags & F_NEVERMATCH)
				break;
			neg = *a == '!';
			if (neg)
				a++;
			if (sshconf_match_pattern(w->host, a)) {
				if (neg) {
					*activep = 0;
					break;
				}
				*activep = 1;
			}
		}
	} else if (strcasecmp(kw, "match") == 0) {
		if (w->version < 909) {
			/* Before 9.9: strdelim() words, split at `=' too. */
			char *cp = rest, *a;

			for (ac = 0; ac < MAXWORDS &&
			    (a = sshopt_strdelim(&cp)) != NULL && *a != '\0';)
				av[ac++] = a;
		}
		v = match_line(w, av, ac, &u);
		if (v < 0)
			w->sc->bad++;
		if (u && v > 0)
			w->sc->unsure++;
		*activep = (flags & F_NEVERMATCH) ? 0 : v > 0;
		w->unsure = *activep && u;
	} else if (strcasecmp(kw, "include") == 0) {
		do_include(w, av, ac, depth, flags, activep);
	} else if (*activep) {
		if (strcasecmp(kw, "hostname") == 0 && ac > 0)
			w->hostname = set_first(w->sc, w->hostname, av[0]);
		else if (strcasecmp(kw, "user") == 0 && ac > 0)
			w->user = set_first(w->sc, w->user, av[0]);
		else if (strcasecmp(kw, "canonicalizehostname") == 0 &&
		    ac > 0 && w->canon == -1)
			w->canon = strcasecmp(av[0], "yes") == 0 ||
			    strcasecmp(av[0], "always") == 0;
		emit(w, line, file, lineno);
	}
 out:
	free(out);
	free(copy);
}

/* read_config_file_depth(): every line of one file. */
static int
read_file(struct walk *w, const char *path, int depth, int flags,
    int *activep)
{
	struct sshconf *sc = w->sc;
	char *data = NULL, *line, *p, *end, *nl;
	const char *why = "?";
	size_t len = 0, n;
	unsigned lineno = 0;
	int r;

	if (depth > SSHCONF_MAX_DEPTH) {
		over(sc, "Include depth");
		return -1;
	}
	if (sc->files >= SSHCONF_MAX_FILES) {
		over(sc, "files read");
		return -1;
	}
	r = w->io->read(w->io->arg, path, &data, &len, &why);
	if (r == SSHCONF_READ_ABSENT)
		return 0;
	if (r != SSHCONF_READ_OK) {
		unreadable(sc, path, why);
		return -1;
	}
	sc->files++;
	if (len > SSHCONF_MAX_BYTES) {
		over(sc, "file size");
		len = SSHCONF_MAX_BYTES;
	}
	if ((line = malloc(SSHCONF_MAX_LINE + 1)) == NULL) {
		sc->nomem = 1;
		free(data);
		return -1;
	}
	for (p = data, end = data + len; p < end && !sc->nomem; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (++lineno > SSHCONF_MAX_LINES) {
			over(sc, "lines of a file");
			break;
		}
		n = (size_t)(nl - p);
		if (n > SSHCONF_MAX_LINE) {
			over(sc, "line length");
			n = SSHCONF_MAX_LINE;
		}
		/* getline() keeps NUL bytes; process_config_line stops there. */
		memcpy(line, p, n);
		line[n] = '\0';
		do_line(w, line, path, lineno, depth, flags, activep);
	}
	free(line);
	free(data);
	return 0;
}

/* process_config_files(): -F, else the user's file then the system's. */
static void
read_files(struct walk *w)
{
	const struct sshconf_query *q = w->q;
	int flags = w->final ? F_FINAL : 0, active;
	char *user;
	size_t n;

	if (q->config != NULL) {
		active = 1;
		w->unsure = 0;
		if (strcasecmp(q->config, "none") != 0 &&
		    read_file(w, q->config, 0, flags | F_USERCONF, &active) ==
		    0 && w->sc->files == 0 && !w->final)
			unreadable(w->sc, q->config, "no such file");
		return;
	}
	if (q->home != NULL) {
		n = strlen(q->home) + sizeof("/.ssh/config");
		if ((user = malloc(n)) == NULL) {
			w->sc->nomem = 1;
			return;
		}
		snprintf(user, n, "%s/.ssh/config", q->home);
		active = 1;
		w->unsure = 0;
		read_file(w, user, 0, flags | F_USERCONF, &active);
		free(user);
	}
	active = 1;
	w->unsure = 0;
	read_file(w, q->sysconf != NULL ? q->sysconf : "/etc/ssh/ssh_config",
	    0, flags, &active);
}

int
sshconf_collect(struct sshconf *sc, const struct sshconf_query *q,
    const struct sshconf_io *io)
{
	struct walk w;
	char *final_host = NULL;
	size_t i;

	memset(sc, 0, sizeof(*sc));
	memset(&w, 0, sizeof(w));
	w.sc = sc;
	w.q = q;
	w.io = io;
	w.host = q->host;
	w.canon = -1;
	w.version = q->version > 0 ? q->version : SSHOPT_VERSION_NEWEST;
	if (q->hostname != NULL)
		w.hostname = set_first(sc, NULL, q->hostname);
	if (q->user != NULL)
		w.user = set_first(sc, NULL, q->user);
	read_files(&w);
	if ((w.want_final || w.canon == 1) && !sc->nomem) {
		/* ssh.c: the host becomes Hostname (with %h), lowercased. */
		if (w.hostname != NULL)
			final_host = expand_h(w.hostname, q->host);
		else
			final_host = strdup(q->host);
		if (final_host == NULL)
			sc->nomem = 1;
		else {
			for (i = 0; final_host[i] != '\0'; i++)
				final_host[i] = (char)tolower(
				    (unsigned char)final_host[i]);
			free(w.hostname);
			w.hostname = strdup(final_host);
			w.host = final_host;
			w.final = 1;
			w.pass1_lines = sc->nlines;
			read_files(&w);
		}
	}
	free(final_host);
	free(w.hostname);
	free(w.user);
	return sc->nomem ? -1 : 0;
}

int
sshconf_scan(struct sshconf *sc, const char *path,
    const struct sshconf_io *io)
{
	struct sshconf_query q;
	struct walk w;
	int active = 1;

	memset(sc, 0, sizeof(*sc));
	memset(&q, 0, sizeof(q));
	memset(&w, 0, sizeof(w));
	q.host = "";
	w.sc = sc;
	w.q = &q;
	w.io = io;
	w.host = "";
	w.canon = -1;
	w.version = SSHOPT_VERSION_NEWEST;
	w.scan = 1;
	read_file(&w, path, 0, F_USERCONF, &active);
	return sc->nomem ? -1 : 0;
}

void
sshconf_free(struct sshconf *sc)
{
	size_t i;

	for (i = 0; i < sc->nlines; i++)
		free(sc->mem[i]);
	free(sc->mem);
	free(sc->lines);
	memset(sc, 0, sizeof(*sc));
}
