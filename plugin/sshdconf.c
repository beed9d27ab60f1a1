/*
 * sshdconf: sshd_config model and diff (see sshdconf.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sshdconf.h"

/* sshd_config(5)'s keywords, as the man page spells them. */
static const char *const keywords[] = {
	"AcceptEnv", "AddressFamily", "AllowAgentForwarding", "AllowGroups",
	"AllowStreamLocalForwarding", "AllowTcpForwarding", "AllowUsers",
	"AuthenticationMethods", "AuthorizedKeysCommand",
	"AuthorizedKeysCommandUser", "AuthorizedKeysFile",
	"AuthorizedPrincipalsCommand", "AuthorizedPrincipalsCommandUser",
	"AuthorizedPrincipalsFile", "Banner", "CASignatureAlgorithms",
	"ChannelTimeout", "ChrootDirectory", "Ciphers", "ClientAliveCountMax",
	"ClientAliveInterval", "Compression", "DebianBanner", "DenyGroups",
	"DenyUsers", "DisableForwarding", "ExposeAuthInfo", "FingerprintHash",
	"ForceCommand", "GSSAPIAuthentication", "GSSAPICleanupCredentials",
	"GSSAPIKexAlgorithms", "GSSAPIKeyExchange",
	"GSSAPIStoreCredentialsOnRekey", "GSSAPIStrictAcceptorCheck",
	"GatewayPorts", "HostCertificate", "HostKey", "HostKeyAgent",
	"HostKeyAlgorithms", "HostbasedAcceptedAlgorithms",
	"HostbasedAuthentication", "HostbasedUsesNameFromPacketOnly", "IPQoS",
	"IgnoreRhosts", "IgnoreUserKnownHosts", "Include",
	"KbdInteractiveAuthentication", "KerberosAuthentication",
	"KerberosGetAFSToken", "KerberosOrLocalPasswd", "KerberosTicketCleanup",
	"KexAlgorithms", "ListenAddress", "LogLevel", "LogVerbose",
	"LoginGraceTime", "MACs", "Match", "MaxAuthTries", "MaxSessions",
	"MaxStartups", "ModuliFile", "PasswordAuthentication",
	"PerSourceMaxStartups", "PerSourceNetBlockSize", "PermitEmptyPasswords",
	"PermitListen", "PermitOpen", "PermitRootLogin", "PermitTTY",
	"PermitTunnel", "PermitUserEnvironment", "PermitUserRC", "PidFile",
	"Port", "PrintLastLog", "PrintMotd", "PubkeyAcceptedAlgorithms",
	"PubkeyAuthOptions", "PubkeyAuthentication", "RekeyLimit",
	"RequiredRSASize", "RevokedKeys", "SecurityKeyProvider", "SetEnv",
	"StreamLocalBindMask", "StreamLocalBindUnlink", "StrictModes",
	"Subsystem", "SyslogFacility", "TCPKeepAlive", "TrustedUserCAKeys",
	"UnusedConnectionTimeout", "UseDNS", "UsePAM", "VersionAddendum",
	"X11DisplayOffset", "X11Forwarding", "X11UseLocalhost", "XAuthLocation",
	"ChallengeResponseAuthentication", "PubkeyAcceptedKeyTypes",
	"HostbasedAcceptedKeyTypes", "HostKeyAlgorithms", NULL
};

/* Directives whose every line adds to the value (servconf.c). */
static const char *const accumulating[] = {
	"acceptenv", "allowgroups", "allowusers", "denygroups", "denyusers",
	"hostcertificate", "hostkey", "include", "listenaddress", "port",
	NULL
};

/* Directives whose value is the rest of the line as written (servconf.c). */
static const char *const rest_of_line[] = {
	"forcecommand", "authorizedkeyscommand", "authorizedprincipalscommand",
	NULL
};

const char *
sshdconf_keyword(const char *key)
{
	size_t i;

	for (i = 0; keywords[i] != NULL; i++)
		if (strcasecmp(keywords[i], key) == 0)
			return keywords[i];
	return key;
}

static int
in_list(const char *const *l, const char *k)
{
	size_t i;

	for (i = 0; l[i] != NULL; i++)
		if (strcmp(l[i], k) == 0)
			return 1;
	return 0;
}

static void
note_over(struct sshdconf *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note_over(struct sshdconf *c, const char *fmt, ...)
{
	va_list ap;

	if (c->over++ > 0)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

void
sshdconf_free(struct sshdconf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->e[i].key);
		free(c->e[i].value);
	}
	free(c->e);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	for (i = 0; i < c->nblocks; i++)
		free(c->blocks[i]);
	free(c->blocks);
	memset(c, 0, sizeof(*c));
}

/* Parse state of one file. */
struct pstate {
	struct sshdconf		*c;
	const char		*incdir;
	sshdconf_include_fn	 inc;
	void			*arg;
	int			 depth;
};

/*
 * Splits s into words as sshd's argv_split() does: white space
 * separates, "..." groups (no escapes kept but \" and \\), a word that
 * starts with '#' ends the line.  Words joined by one space into out
 * (cap outsz).  Returns the number of words, -1 when the value was cut.
 */
static int
split_words(const char *s, char *out, size_t outsz, char *first,
    size_t firstsz)
{
	size_t o = 0, f = 0;
	int nw = 0, cut = 0, quoted;

	out[0] = '\0';
	if (first != NULL)
		first[0] = '\0';
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			break;
		if (nw > 0) {
			if (o + 1 < outsz)
				out[o++] = ' ';
			else
				cut = 1;
		}
		quoted = 0;
		while (*s != '\0' && (quoted || (*s != ' ' && *s != '\t'))) {
			char ch = *s++;

			if (ch == '"') {
				quoted = !quoted;
				continue;
			}
			if (quoted && ch == '\\' && (*s == '"' || *s == '\\'))
				ch = *s++;
			if (o + 1 < outsz)
				out[o++] = ch;
			else
				cut = 1;
			if (nw == 0 && first != NULL && f + 1 < firstsz)
				first[f++] = ch;
		}
		nw++;
	}
	out[o] = '\0';
	if (first != NULL)
		first[f] = '\0';
	return cut ? -1 : nw;
}

/* The block index of criteria, added when new; 0 with a cap hit. */
static size_t
block_of(struct sshdconf *c, const char *crit)
{
	size_t i;
	char **nb, *d;

	if (c->nblocks == 0) {
		if ((c->blocks = calloc(1, sizeof(*c->blocks))) == NULL)
			return (size_t)-1;
		c->nblocks = 1;
	}
	if (crit[0] == '\0')
		return 0;		/* the global section */
	for (i = 1; i < c->nblocks; i++)
		if (strcmp(c->blocks[i], crit) == 0)
			return i;
	if (c->nblocks > SSHDCONF_MAX_BLOCKS) {
		note_over(c, "more than %d Match blocks", SSHDCONF_MAX_BLOCKS);
		return 0;
	}
	if ((d = strdup(crit)) == NULL || (nb = realloc(c->blocks,
	    (c->nblocks + 1) * sizeof(*nb))) == NULL) {
		free(d);
		return (size_t)-1;
	}
	c->blocks = nb;
	c->blocks[c->nblocks] = d;
	return c->nblocks++;
}

/* The diff identity: Subsystem is one directive per subsystem name. */
static int
same_directive(const struct sshdconf_entry *e, size_t block, const char *key,
    const char *value)
{
	size_t n;

	if (e->block != block || strcmp(e->key, key) != 0)
		return 0;
	if (strcmp(key, "subsystem") != 0)
		return 1;
	n = strcspn(value, " ");
	return strncmp(e->value, value, n) == 0 &&
	    (e->value[n] == ' ' || e->value[n] == '\0');
}

/* Adds key/value at file:line in block: first wins, or accumulates. */
static int
add_entry(struct sshdconf *c, const char *key, const char *value,
    const char *file, unsigned line, size_t block)
{
	struct sshdconf_entry *ne;
	size_t i, a, b;
	char *v;

	for (i = 0; i < c->n; i++) {
		if (!same_directive(&c->e[i], block, key, value))
			continue;
		if (!in_list(accumulating, key))
			return 0;		/* first value wins */
		a = strlen(c->e[i].value);
		b = strlen(value);
		if (a + 1 + b >= SSHDCONF_MAX_VALUE) {
			note_over(c, "%s:%u: value of %s over %d bytes", file,
			    line, key, SSHDCONF_MAX_VALUE);
			return 0;
		}
		if ((v = realloc(c->e[i].value, a + b + 2)) == NULL)
			return -1;
		v[a] = ' ';
		memcpy(v + a + 1, value, b + 1);
		c->e[i].value = v;
		return 0;
	}
	if (c->n >= SSHDCONF_MAX_ENTRIES) {
		note_over(c, "more than %d directives", SSHDCONF_MAX_ENTRIES);
		return 0;
	}
	if ((ne = realloc(c->e, (c->n + 1) * sizeof(*ne))) == NULL)
		return -1;
	c->e = ne;
	ne = &c->e[c->n];
	ne->key = strdup(key);
	ne->value = strdup(value);
	ne->file = file;
	ne->line = line;
	ne->block = block;
	if (ne->key == NULL || ne->value == NULL) {
		free(ne->key);
		free(ne->value);
		return -1;
	}
	c->n++;
	return 0;
}

static const char *
add_file(struct sshdconf *c, const char *file)
{
	char **nf, *d;

	if ((d = strdup(file)) == NULL ||
	    (nf = realloc(c->files, (c->nfiles + 1) * sizeof(*nf))) == NULL) {
		free(d);
		return NULL;
	}
	c->files = nf;
	c->files[c->nfiles++] = d;
	return d;
}

static int parse_file(struct pstate *ps, const char *text, size_t len,
    const char *file, size_t block);

/* Include PATTERN...: each file parsed in the current block. */
static int
do_include(struct pstate *ps, const char *words, const char *file,
    unsigned line, size_t block)
{
	char pat[SSHDCONF_MAX_VALUE + 256], err[256], **paths = NULL,
	    **texts = NULL;
	size_t *lens = NULL, n = 0, i, wl;
	const char *w = words;
	int r, rc = 0;

	if (ps->inc == NULL)
		return 0;
	if (ps->depth >= SSHDCONF_MAX_DEPTH) {
		note_over(ps->c, "%s:%u: Include nested deeper than %d", file,
		    line, SSHDCONF_MAX_DEPTH);
		return 0;
	}
	while (*w != '\0' && rc == 0) {
		wl = strcspn(w, " ");
		if (w[0] == '/')
			snprintf(pat, sizeof(pat), "%.*s", (int)wl, w);
		else
			snprintf(pat, sizeof(pat), "%s/%.*s", ps->incdir,
			    (int)wl, w);
		w += wl;
		w += strspn(w, " ");
		err[0] = '\0';
		r = ps->inc(ps->arg, pat, &paths, &texts, &lens, &n, err,
		    sizeof(err));
		if (r != 0)
			note_over(ps->c, "%s:%u: Include %s: %s", file, line,
			    pat, err[0] != '\0' ? err : "not read");
		for (i = 0; i < n; i++) {
			if (rc == 0 && ps->c->nfiles >= SSHDCONF_MAX_FILES)
				note_over(ps->c, "more than %d files",
				    SSHDCONF_MAX_FILES);
			else if (rc == 0) {
				ps->depth++;
				rc = parse_file(ps, texts[i], lens[i],
				    paths[i], block);
				ps->depth--;
			}
			free(paths[i]);
			free(texts[i]);
		}
		free(paths);
		free(texts);
		free(lens);
		paths = texts = NULL;
		lens = NULL;
		n = 0;
	}
	return rc;
}

static int
parse_file(struct pstate *ps, const char *text, size_t len, const char *name,
    size_t block)
{
	struct sshdconf *c = ps->c;
	const char *p = text, *end = text + len, *nl, *file;
	char line[SSHDCONF_MAX_LINE + 1], key[64], *k, *t;
	char value[SSHDCONF_MAX_VALUE];
	unsigned lineno = 0;
	size_t n, kl, b;
	int nw;

	if ((file = add_file(c, name)) == NULL)
		return -1;
	if (len > SSHDCONF_MAX_BYTES) {
		note_over(c, "%s: larger than %d bytes", name,
		    SSHDCONF_MAX_BYTES);
		len = SSHDCONF_MAX_BYTES;
		end = text + len;
	}
	while (p < end) {
		if (++lineno > SSHDCONF_MAX_LINES) {
			note_over(c, "%s: more than %d lines", name,
			    SSHDCONF_MAX_LINES);
			break;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		if (n > SSHDCONF_MAX_LINE) {
			note_over(c, "%s:%u: longer than %d bytes", name,
			    lineno, SSHDCONF_MAX_LINE);
			p = nl != NULL ? nl + 1 : end;
			continue;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl != NULL ? nl + 1 : end;
		/* A NUL ends the line, as it ends sshd's. */
		for (t = line + strlen(line); t > line && strchr(" \t\r\n",
		    t[-1]) != NULL; t--)
			t[-1] = '\0';
		k = line + strspn(line, " \t\r");
		if (*k == '\0' || *k == '#')
			continue;
		kl = strcspn(k, " \t=");
		if (kl == 0 || kl >= sizeof(key))
			continue;
		for (n = 0; n < kl; n++)
			key[n] = (char)((k[n] >= 'A' && k[n] <= 'Z') ?
			    k[n] - 'A' + 'a' : k[n]);
		key[kl] = '\0';
		k += kl;
		k += strspn(k, " \t");
		if (*k == '=')
			k++;
		k += strspn(k, " \t");
		if (in_list(rest_of_line, key)) {
			/* Taken as written, quotes and '#' included. */
			if (strlen(k) >= sizeof(value))
				note_over(c, "%s:%u: value over %d bytes", name,
				    lineno, SSHDCONF_MAX_VALUE);
			snprintf(value, sizeof(value), "%s", k);
		} else if ((nw = split_words(k, value, sizeof(value), NULL,
		    0)) == -1)
			note_over(c, "%s:%u: value over %d bytes", name,
			    lineno, SSHDCONF_MAX_VALUE);
		if (strcmp(key, "match") == 0) {
			char crit[SSHDCONF_MAX_VALUE];
			size_t i;
			int word_start = 1, is_key = 0;

			/* Criterion names fold to lower case, values not. */
			snprintf(crit, sizeof(crit), "%s", value);
			for (i = 0; crit[i] != '\0'; i++) {
				if (crit[i] == ' ') {
					word_start = 1;
					continue;
				}
				if (word_start)
					is_key = !is_key;
				word_start = 0;
				if (is_key && crit[i] >= 'A' &&
				    crit[i] <= 'Z')
					crit[i] = (char)(crit[i] - 'A' + 'a');
			}
			/* "Match all" is its own block; every word pairs. */
			if ((b = block_of(c, crit)) == (size_t)-1)
				return -1;
			block = b;
			continue;
		}
		if (add_entry(c, key, value, file, lineno, block) == -1)
			return -1;
		if (strcmp(key, "include") == 0 &&
		    do_include(ps, value, file, lineno, block) == -1)
			return -1;
	}
	return 0;
}

int
sshdconf_parse(const char *text, size_t len, const char *file,
    const char *incdir, sshdconf_include_fn inc, void *arg,
    struct sshdconf *c)
{
	struct pstate ps;

	memset(&ps, 0, sizeof(ps));
	ps.c = c;
	ps.incdir = incdir != NULL ? incdir : "/etc/ssh";
	ps.inc = inc;
	ps.arg = arg;
	if (block_of(c, "") == (size_t)-1)
		return -1;
	return parse_file(&ps, text, len, file, 0);
}

/*
 * Reads path safely into *text: no link, a regular file owned by root,
 * at most SSHDCONF_MAX_BYTES.  Returns 0 or -1 with err set.
 */
static int
read_safe(const char *path, char **text, size_t *len, char *err,
    size_t errsz)
{
	struct stat st;
	ssize_t r;
	char *t = NULL;
	size_t have = 0;
	int fd, rc = -1;

	*text = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "%s: %s", path, errno == ELOOP ?
		    "is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_uid != 0) {
		snprintf(err, errsz, "%s: not owned by root", path);
		goto out;
	}
	if (st.st_size > SSHDCONF_MAX_BYTES) {
		snprintf(err, errsz, "%s: larger than %d bytes", path,
		    SSHDCONF_MAX_BYTES);
		goto out;
	}
	if ((t = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	while (have < (size_t)st.st_size) {
		r = read(fd, t + have, (size_t)st.st_size - have);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
	}
	t[have] = '\0';
	*text = t;
	*len = have;
	t = NULL;		/* handed to the caller */
	rc = 0;
 out:
	free(t);
	close(fd);
	return rc;
}

int
sshdconf_include_fs(void *arg, const char *pattern, char ***paths,
    char ***texts, size_t **lens, size_t *n, char *err, size_t errsz)
{
	glob_t g;
	size_t i, k = 0;
	int bad = 0, r;

	(void)arg;
	*paths = NULL;
	*texts = NULL;
	*lens = NULL;
	*n = 0;
	memset(&g, 0, sizeof(g));
	if ((r = glob(pattern, 0, NULL, &g)) == GLOB_NOMATCH)
		return 0;		/* sshd: not an error */
	if (r != 0) {
		snprintf(err, errsz, "glob failed");
		return -1;
	}
	if (g.gl_pathc > SSHDCONF_MAX_FILES)
		g.gl_pathc = SSHDCONF_MAX_FILES;
	*paths = calloc(g.gl_pathc + 1, sizeof(**paths));
	*texts = calloc(g.gl_pathc + 1, sizeof(**texts));
	*lens = calloc(g.gl_pathc + 1, sizeof(**lens));
	if (*paths == NULL || *texts == NULL || *lens == NULL) {
		free(*paths);
		free(*texts);
		free(*lens);
		*paths = *texts = NULL;
		*lens = NULL;
		globfree(&g);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		if (read_safe(g.gl_pathv[i], &(*texts)[k], &(*lens)[k], err,
		    errsz) == -1) {
			bad++;
			continue;
		}
		if (((*paths)[k] = strdup(g.gl_pathv[i])) == NULL) {
			free((*texts)[k]);
			bad++;
			continue;
		}
		k++;
	}
	*n = k;
	globfree(&g);
	return bad;
}

int
sshdconf_load(const char *path, struct sshdconf *c)
{
	char *text = NULL, err[256], dir[4096];
	size_t len = 0;
	const char *slash;
	int rc;

	if (read_safe(path, &text, &len, err, sizeof(err)) == -1) {
		snprintf(c->err, sizeof(c->err), "%s", err);
		c->over++;
		return -1;
	}
	/* sshd: relative Includes are under its own directory (/etc/ssh). */
	slash = strrchr(path, '/');
	if (slash != NULL && slash != path)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		snprintf(dir, sizeof(dir), "/etc/ssh");
	rc = sshdconf_parse(text, len, path, dir, sshdconf_include_fs, NULL,
	    c);
	free(text);
	return rc;
}

const struct sshdconf_entry *
sshdconf_get(const struct sshdconf *c, size_t block, const char *key,
    const char **value)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->e[i].block == block && strcmp(c->e[i].key, key) == 0) {
			if (value != NULL)
				*value = c->e[i].value;
			return &c->e[i];
		}
	return NULL;
}

size_t
sshdconf_block(const struct sshdconf *c, const char *criteria)
{
	size_t i;

	for (i = 1; i < c->nblocks; i++)
		if (strcmp(c->blocks[i], criteria) == 0)
			return i;
	return 0;
}

/* Does a block's criteria apply to user (only User and All known)? */
static int
block_applies(const char *crit, const char *user)
{
	char w[SSHDCONF_MAX_VALUE], v[SSHDCONF_MAX_VALUE];
	const char *p = crit;
	size_t n;

	if (strcmp(crit, "all") == 0)
		return 1;
	while (*p != '\0') {
		n = strcspn(p, " ");
		snprintf(w, sizeof(w), "%.*s", (int)n, p);
		p += n;
		p += strspn(p, " ");
		n = strcspn(p, " ");
		snprintf(v, sizeof(v), "%.*s", (int)n, p);
		p += n;
		p += strspn(p, " ");
		if (strcmp(w, "user") != 0 || strcmp(v, user) != 0)
			return 0;
	}
	return 1;
}

const char *
sshdconf_effective(const struct sshdconf *c, const char *key,
    const char *user)
{
	const char *v = NULL;
	size_t b;

	for (b = 1; b < c->nblocks; b++)
		if (block_applies(c->blocks[b], user) &&
		    sshdconf_get(c, b, key, &v) != NULL)
			return v;
	if (sshdconf_get(c, 0, key, &v) != NULL)
		return v;
	return NULL;
}

/* The entry of c for the directive of e (same block criteria, key). */
static const struct sshdconf_entry *
counterpart(const struct sshdconf *c, const struct sshdconf *ce,
    const struct sshdconf_entry *e)
{
	size_t i, b = 0;

	if (e->block != 0) {
		if ((b = sshdconf_block(c, ce->blocks[e->block])) == 0)
			return NULL;
	}
	for (i = 0; i < c->n; i++)
		if (same_directive(&c->e[i], b, e->key, e->value))
			return &c->e[i];
	return NULL;
}

size_t
sshdconf_diff(const struct sshdconf *a, const struct sshdconf *b,
    struct sshdconf_change *out, size_t max)
{
	const struct sshdconf_entry *o;
	size_t i, n = 0;

	for (i = 0; i < b->n; i++) {
		const struct sshdconf_entry *e = &b->e[i];

		o = counterpart(a, b, e);
		if (o != NULL && strcmp(o->value, e->value) == 0)
			continue;
		if (n < max) {
			out[n].key = e->key;
			out[n].block = e->block != 0 ? b->blocks[e->block] :
			    NULL;
			out[n].old = o != NULL ? o->value : NULL;
			out[n].new = e->value;
			out[n].file = e->file;
			out[n].line = e->line;
		}
		n++;
	}
	for (i = 0; i < a->n; i++) {
		const struct sshdconf_entry *e = &a->e[i];

		if (counterpart(b, a, e) != NULL)
			continue;
		if (n < max) {
			out[n].key = e->key;
			out[n].block = e->block != 0 ? a->blocks[e->block] :
			    NULL;
			out[n].old = e->value;
			out[n].new = NULL;
			out[n].file = e->file;
			out[n].line = e->line;
		}
		n++;
	}
	return n;
}
