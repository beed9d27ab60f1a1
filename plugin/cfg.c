/*
 * cfg: parse and load sshwatch.conf (see cfg.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "remote.h"
#include "spool.h"

static int errf(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void
cfg_defaults(struct cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->openssh_version = 0;
	c->syslog_alerts = 1;
	c->audit_sink = 1;
	c->watch_new_homes = 1;
	c->remote_port = 60;
	c->network_retry_time = 1;
	c->network_retry_max = 60;
	c->heartbeat_timeout = 0;
	c->ack_timeout = 10;
	c->name_format = CFG_NAME_HOSTNAME;
	c->spool_max_size = 64 * 1024 * 1024;
	c->spool_full_action = SPOOL_DROP_NEW;
	c->queue_depth = 4096;
	c->network_failure_action = RA_WARN_ONCE;
	c->disk_low_action = RA_SYSLOG;
	c->disk_full_action = RA_WARN_ONCE;
	c->disk_error_action = RA_WARN_ONCE;
	c->forward_timeout = 30;
	c->dedup_window = 60;
	c->dedup_limit = 1;
}

const char *
allow_field_name(enum allow_field f)
{
	static const char *const n[ALLOW_MAX] = { "rule", "user", "auid", "exe",
	    "ancestor", "dest", "key", "path", "from" };

	return (unsigned)f < ALLOW_MAX ? n[f] : "?";
}

static void
allow_free(struct allow_entry *e)
{
	int i;

	free(e->src);
	for (i = 0; i < ALLOW_MAX; i++)
		free(e->pat[i]);
}

/*
 * Parses the value of an allow line: name=pattern words.  rule= is
 * required (an entry must say what it allows); an unknown name, an empty
 * or repeated one is an error.
 */
static int
parse_allow(struct cfg *c, const char *v, const char *src, unsigned line,
    char *err, size_t errsz)
{
	struct allow_entry e, *ne;
	const char *p = v, *end, *eq;
	int f;

	memset(&e, 0, sizeof(e));
	if (c->nallow >= CFG_MAX_ALLOW)
		return errf(err, errsz, "line %u: more than %d allow entries",
		    line, CFG_MAX_ALLOW);
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, " \t");
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL ||
		    eq + 1 == end) {
			allow_free(&e);
			return errf(err, errsz, "line %u: allow wants name=pattern "
			    "words, not \"%.*s\"", line,
			    (int)(end - p > 64 ? 64 : end - p), p);
		}
		for (f = 0; f < ALLOW_MAX; f++)
			if ((size_t)(eq - p) == strlen(allow_field_name(f)) &&
			    memcmp(p, allow_field_name(f), (size_t)(eq - p)) ==
			    0)
				break;
		if (f == ALLOW_MAX || e.pat[f] != NULL) {
			allow_free(&e);
			return errf(err, errsz, "line %u: allow: %s condition "
			    "\"%.*s\"", line, f == ALLOW_MAX ? "unknown" :
			    "repeated", (int)(eq - p > 32 ? 32 : eq - p), p);
		}
		if ((e.pat[f] = strndup(eq + 1, (size_t)(end - eq - 1))) ==
		    NULL) {
			allow_free(&e);
			return errf(err, errsz, "out of memory");
		}
		p = end;
	}
	if (e.pat[ALLOW_RULE] == NULL) {
		allow_free(&e);
		return errf(err, errsz, "line %u: allow needs a rule= condition "
		    "(rule=* allows every rule)", line);
	}
	{
		char at[600];

		snprintf(at, sizeof(at), "%s:%u", src, line);
		e.src = strdup(at);
	}
	if (e.src == NULL || (ne = realloc(c->allow, (c->nallow + 1) *
	    sizeof(*ne))) == NULL) {
		allow_free(&e);
		return errf(err, errsz, "out of memory");
	}
	c->allow = ne;
	c->allow[c->nallow++] = e;
	return 0;
}

static void
strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
cfg_free(struct cfg *c)
{
	size_t i;

	for (i = 0; i <= SSHPROG_SSH_AGENT; i++)
		strlist_free(&c->prog_paths[i]);
	strlist_free(&c->authorized_keys_paths);
	free(c->json_file);
	free(c->sshd_config);
	free(c->remote_server);
	free(c->name);
	free(c->spool_file);
	for (i = 0; i < c->nallow; i++)
		allow_free(&c->allow[i]);
	free(c->allow);
	free(c->allow_dir);
	memset(c, 0, sizeof(*c));
}

static int
errf(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return -1;
}

/* A list of absolute paths or patterns separated by white space. */
static int
parse_paths(const char *v, struct strlist *l, int patterns, char *err,
    size_t errsz, unsigned line)
{
	const char *p = v, *end;
	char *w, **nv;

	strlist_free(l);
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, " \t");
		if (*p != '/')
			return errf(err, errsz,
			    "line %u: \"%.*s\" is not an absolute path", line,
			    (int)(end - p > 200 ? 200 : end - p), p);
		if (l->n >= CFG_MAX_LIST)
			return errf(err, errsz, "line %u: more than %d paths",
			    line, CFG_MAX_LIST);
		if (!patterns && strpbrk(p, "*?[") != NULL &&
		    strpbrk(p, "*?[") < end)
			return errf(err, errsz,
			    "line %u: patterns are not allowed here", line);
		if ((w = strndup(p, (size_t)(end - p))) == NULL ||
		    (nv = realloc(l->v, (l->n + 1) * sizeof(*nv))) == NULL) {
			free(w);
			return errf(err, errsz, "out of memory");
		}
		l->v = nv;
		l->v[l->n++] = w;
		p = end;
	}
	return 0;
}

static int
parse_bool(const char *v, int *out)
{
	if (strcmp(v, "yes") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

static const struct {
	const char	*key;
	enum sshprog	 prog;
} prog_keys[] = {
	{ "ssh_paths", SSHPROG_SSH },
	{ "scp_paths", SSHPROG_SCP },
	{ "sftp_paths", SSHPROG_SFTP },
	{ "ssh_add_paths", SSHPROG_SSH_ADD },
	{ "ssh_agent_paths", SSHPROG_SSH_AGENT },
};

/* A whole number in [lo, hi]; -1 when not one. */
static long long
parse_num(const char *v, long long lo, long long hi)
{
	long long n = 0;
	const char *p = v;

	if (*p == '\0')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > hi)
			return -1;
	}
	return *p == '\0' && n >= lo ? n : -1;
}

/* A size: digits with an optional K, M or G suffix; -1 when bad. */
static long long
parse_size(const char *v, long long lo, long long hi)
{
	char num[32];
	size_t n = strlen(v);
	long long mul = 1, r;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, v, n + 1);
	switch (num[n - 1]) {
	case 'K': case 'k': mul = 1024; num[--n] = '\0'; break;
	case 'M': case 'm': mul = 1024 * 1024; num[--n] = '\0'; break;
	case 'G': case 'g': mul = 1024LL * 1024 * 1024; num[--n] = '\0';
		break;
	default: break;
	}
	if ((r = parse_num(num, 0, hi / mul)) == -1 || r * mul < lo)
		return -1;
	return r * mul;
}

static int
set_str(char **dst, const char *v, char *err, size_t errsz)
{
	free(*dst);
	if ((*dst = strdup(v)) == NULL)
		return errf(err, errsz, "out of memory");
	return 0;
}

/* Numeric keys: name, field, range. */
static const struct {
	const char	*key;
	size_t		 off;
	long long	 lo, hi;
} int_keys[] = {
	{ "remote_port", offsetof(struct cfg, remote_port), 1, 65535 },
	{ "network_retry_time", offsetof(struct cfg, network_retry_time), 1,
	  3600 },
	{ "network_retry_max", offsetof(struct cfg, network_retry_max), 1,
	  86400 },
	{ "heartbeat_timeout", offsetof(struct cfg, heartbeat_timeout), 0,
	  86400 },
	{ "ack_timeout", offsetof(struct cfg, ack_timeout), 1, 3600 },
	{ "forward_timeout", offsetof(struct cfg, forward_timeout), 0,
	  86400 },
	{ "dedup_window", offsetof(struct cfg, dedup_window), 0, 86400 },
	{ "dedup_limit", offsetof(struct cfg, dedup_limit), 1, 1000000 },
};

/* Keyword keys: name, field, accepted words and their values. */
static const struct {
	const char	*key;
	size_t		 off;
	const char	*words[6];
	int		 values[6];
} word_keys[] = {
	{ "name_format", offsetof(struct cfg, name_format),
	  { "none", "hostname", "fqd", "numeric", "user", NULL },
	  { CFG_NAME_NONE, CFG_NAME_HOSTNAME, CFG_NAME_FQD, CFG_NAME_NUMERIC,
	    CFG_NAME_USER } },
	{ "spool_full_action", offsetof(struct cfg, spool_full_action),
	  { "drop_new", "drop_oldest", NULL }, { SPOOL_DROP_NEW,
	    SPOOL_DROP_OLDEST } },
	{ "network_failure_action",
	  offsetof(struct cfg, network_failure_action),
	  { "ignore", "syslog", "warn_once", NULL },
	  { RA_IGNORE, RA_SYSLOG, RA_WARN_ONCE } },
	{ "disk_low_action", offsetof(struct cfg, disk_low_action),
	  { "ignore", "syslog", "warn_once", NULL },
	  { RA_IGNORE, RA_SYSLOG, RA_WARN_ONCE } },
	{ "disk_full_action", offsetof(struct cfg, disk_full_action),
	  { "ignore", "syslog", "warn_once", NULL },
	  { RA_IGNORE, RA_SYSLOG, RA_WARN_ONCE } },
	{ "disk_error_action", offsetof(struct cfg, disk_error_action),
	  { "ignore", "syslog", "warn_once", NULL },
	  { RA_IGNORE, RA_SYSLOG, RA_WARN_ONCE } },
	{ "remote_ending_action", offsetof(struct cfg, remote_ending_suspend),
	  { "reconnect", "suspend", NULL }, { 0, 1 } },
	{ "audit_sink", offsetof(struct cfg, audit_sink),
	  { "no", "yes", NULL }, { 0, 1 } },
	{ "report_suppressed", offsetof(struct cfg, report_suppressed),
	  { "no", "yes", NULL }, { 0, 1 } },
	{ "watch_new_homes", offsetof(struct cfg, watch_new_homes),
	  { "no", "yes", NULL }, { 0, 1 } },
};

/* "a, b or c" for a message. */
static const char *
word_list(const char *const *w)
{
	static char out[128];
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; w[i] != NULL && n < sizeof(out); i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s",
		    i == 0 ? "" : w[i + 1] == NULL ? " or " : ", ", w[i]);
	return out;
}

static int
set_int(struct cfg *c, size_t off, long long v)
{
	if (off == offsetof(struct cfg, remote_port))
		c->remote_port = (unsigned)v;
	else
		*(int *)(void *)((char *)c + off) = (int)v;
	return 0;
}

/* Applies one key = value; returns 0 or -1 with err set. */
static int
cfg_set(struct cfg *c, const char *k, const char *v, unsigned line,
    const char *src, int allow_only, char *err, size_t errsz)
{
	size_t i;

	if (strcmp(k, "allow") == 0)
		return parse_allow(c, v, src, line, err, errsz);
	if (allow_only)
		return errf(err, errsz, "line %u: only allow lines belong in "
		    "an allow_dir file", line);
	if (strcmp(k, "allow_dir") == 0) {
		if (v[0] != '/')
			return errf(err, errsz, "line %u: allow_dir must be an "
			    "absolute path", line);
		return set_str(&c->allow_dir, v, err, errsz);
	}
	for (i = 0; i < sizeof(prog_keys) / sizeof(prog_keys[0]); i++)
		if (strcmp(k, prog_keys[i].key) == 0)
			return parse_paths(v, &c->prog_paths[prog_keys[i].prog],
			    0, err, errsz, line);
	if (strcmp(k, "authorized_keys_paths") == 0)
		return parse_paths(v, &c->authorized_keys_paths, 1, err, errsz,
		    line);
	if (strcmp(k, "openssh_version") == 0) {
		int ver;

		if (strcmp(v, "auto") == 0) {
			c->openssh_version = 0;
			return 0;
		}
		/* "9.2" or "9.2p1", nothing else on the line. */
		if (strspn(v, "0123456789.p") != strlen(v) ||
		    (ver = sshopt_version_parse(v)) == -1)
			return errf(err, errsz, "line %u: openssh_version "
			    "must be auto or a release from 8.0 on, like 9.2",
			    line);
		c->openssh_version = ver;
		return 0;
	}
	if (strcmp(k, "json_file") == 0) {
		if (v[0] != '/')
			return errf(err, errsz,
			    "line %u: json_file must be an absolute path", line);
		free(c->json_file);
		if ((c->json_file = strdup(v)) == NULL)
			return errf(err, errsz, "out of memory");
		return 0;
	}
	for (i = 0; i < sizeof(int_keys) / sizeof(int_keys[0]); i++) {
		long long n;

		if (strcmp(k, int_keys[i].key) != 0)
			continue;
		if ((n = parse_num(v, int_keys[i].lo, int_keys[i].hi)) == -1)
			return errf(err, errsz, "line %u: %s must be a number "
			    "from %lld to %lld", line, k, int_keys[i].lo,
			    int_keys[i].hi);
		return set_int(c, int_keys[i].off, n);
	}
	for (i = 0; i < sizeof(word_keys) / sizeof(word_keys[0]); i++) {
		size_t j;

		if (strcmp(k, word_keys[i].key) != 0)
			continue;
		for (j = 0; word_keys[i].words[j] != NULL; j++)
			if (strcmp(v, word_keys[i].words[j]) == 0)
				return set_int(c, word_keys[i].off,
				    word_keys[i].values[j]);
		return errf(err, errsz, "line %u: %s must be one of: %s", line,
		    k, word_list(word_keys[i].words));
	}
	if (strcmp(k, "sshd_config") == 0) {
		if (v[0] != '/')
			return errf(err, errsz, "line %u: sshd_config must be "
			    "an absolute path", line);
		return set_str(&c->sshd_config, v, err, errsz);
	}
	if (strcmp(k, "remote_server") == 0) {
		if (strpbrk(v, " \t/") != NULL)
			return errf(err, errsz, "line %u: remote_server must "
			    "be a host name or address", line);
		return set_str(&c->remote_server, v, err, errsz);
	}
	if (strcmp(k, "name") == 0) {
		if (strpbrk(v, " \t'\"=") != NULL || strlen(v) > 64)
			return errf(err, errsz, "line %u: name must be one "
			    "word of at most 64 characters", line);
		return set_str(&c->name, v, err, errsz);
	}
	if (strcmp(k, "spool_file") == 0) {
		if (v[0] != '/')
			return errf(err, errsz, "line %u: spool_file must be "
			    "an absolute path", line);
		return set_str(&c->spool_file, v, err, errsz);
	}
	if (strcmp(k, "spool_max_size") == 0) {
		long long n = parse_size(v, 65536, 1LL << 40);

		if (n == -1)
			return errf(err, errsz, "line %u: spool_max_size must "
			    "be a size from 64K, like 64M", line);
		c->spool_max_size = (size_t)n;
		return 0;
	}
	if (strcmp(k, "queue_depth") == 0) {
		long long n = parse_num(v, 16, 1 << 20);

		if (n == -1)
			return errf(err, errsz, "line %u: queue_depth must be "
			    "a number from 16 to 1048576", line);
		c->queue_depth = (size_t)n;
		return 0;
	}
	if (strcmp(k, "syslog_alerts") == 0) {
		if (parse_bool(v, &c->syslog_alerts) == -1)
			return errf(err, errsz,
			    "line %u: syslog_alerts must be yes or no", line);
		return 0;
	}
	return errf(err, errsz, "line %u: unknown key \"%.64s\"", line, k);
}

static int cfg_parse_src(const char *text, size_t len, struct cfg *c,
    const char *src, int allow_only, char *err, size_t errsz);

int
cfg_parse(const char *text, size_t len, struct cfg *c, char *err,
    size_t errsz)
{
	return cfg_parse_src(text, len, c, "config", 0, err, errsz);
}

static int
cfg_parse_src(const char *text, size_t len, struct cfg *c, const char *src,
    int allow_only, char *err, size_t errsz)
{
	const char *p = text, *end = text + len, *nl;
	char linebuf[4096], *k, *v, *eq, *t;
	unsigned line = 0;
	size_t n;

	if (len > CFG_MAX_BYTES)
		return errf(err, errsz, "file larger than %d bytes",
		    CFG_MAX_BYTES);
	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		if (n >= sizeof(linebuf))
			return errf(err, errsz, "line %u: longer than %zu bytes",
			    line, sizeof(linebuf) - 1);
		/* Checked per line, so the message can say which one. */
		if (memchr(p, '\0', n) != NULL)
			return errf(err, errsz, "line %u: holds a NUL byte",
			    line);
		memcpy(linebuf, p, n);
		linebuf[n] = '\0';
		p = nl != NULL ? nl + 1 : end;

		if ((t = strchr(linebuf, '#')) != NULL)
			*t = '\0';
		k = linebuf + strspn(linebuf, " \t\r");
		for (t = k + strlen(k); t > k && strchr(" \t\r", t[-1]); t--)
			t[-1] = '\0';
		if (*k == '\0')
			continue;
		if ((eq = strchr(k, '=')) == NULL)
			return errf(err, errsz, "line %u: expected key = value",
			    line);
		v = eq + 1;
		for (t = eq; t > k && strchr(" \t", t[-1]); t--)
			;
		*t = '\0';
		v += strspn(v, " \t");
		if (*k == '\0')
			return errf(err, errsz, "line %u: missing key", line);
		if (*v == '\0')
			return errf(err, errsz, "line %u: missing value for %s",
			    line, k);
		for (t = k; *t != '\0'; t++)
			if (!((*t >= 'a' && *t <= 'z') || *t == '_' ||
			    (*t >= '0' && *t <= '9')))
				return errf(err, errsz,
				    "line %u: bad key \"%.64s\"", line, k);
		if (cfg_set(c, k, v, line, src, allow_only, err, errsz) == -1)
			return -1;
	}
	return 0;
}

static int cfg_load_src(const char *path, uid_t owner, struct cfg *c,
    int allow_only, char *err, size_t errsz);

int
cfg_load(const char *path, uid_t owner, struct cfg *c, char *err,
    size_t errsz)
{
	return cfg_load_src(path, owner, c, 0, err, errsz);
}

static int
select_conf(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	    strcmp(d->d_name + n - 5, ".conf") == 0;
}

int
cfg_load_allow_dir(struct cfg *c, uid_t owner, char *err, size_t errsz)
{
	struct dirent **names = NULL;
	char path[4096];
	int n, i, rc = 0;

	if (c->allow_dir == NULL)
		return 0;
	if ((n = scandir(c->allow_dir, &names, select_conf, alphasort)) ==
	    -1)
		return errf(err, errsz, "%s: %s", c->allow_dir,
		    strerror(errno));
	for (i = 0; i < n; i++) {
		if (rc == 0 && snprintf(path, sizeof(path), "%s/%s",
		    c->allow_dir, names[i]->d_name) < (int)sizeof(path))
			rc = cfg_load_src(path, owner, c, 1, err, errsz);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int
cfg_load_src(const char *path, uid_t owner, struct cfg *c, int allow_only,
    char *err, size_t errsz)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	ssize_t r;
	int fd, rc = -1;

	/* O_NONBLOCK: a FIFO must be refused, not waited on for a writer. */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		if (errno == ELOOP)
			return errf(err, errsz, "%s: is a symbolic link", path);
		return errf(err, errsz, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		errf(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		errf(err, errsz, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != owner) {
		errf(err, errsz, "%s: not owned by root (owner uid %u)", path,
		    (unsigned)st.st_uid);
		goto out;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		errf(err, errsz, "%s: writable by %s", path,
		    (st.st_mode & S_IWOTH) ? "others" : "its group");
		goto out;
	}
	if (st.st_size > CFG_MAX_BYTES) {
		errf(err, errsz, "%s: larger than %d bytes", path,
		    CFG_MAX_BYTES);
		goto out;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		errf(err, errsz, "%s: out of memory", path);
		goto out;
	}
	while (len < (size_t)st.st_size) {
		r = read(fd, text + len, (size_t)st.st_size - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	if (cfg_parse_src(text, len, c, path, allow_only, err, errsz) == -1) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", err);
		errf(err, errsz, "%s: %s", path, msg);
		goto out;
	}
	rc = 0;
 out:
	free(text);
	close(fd);
	return rc;
}

static void
print_list(FILE *fp, const char *key, const struct strlist *l)
{
	size_t i;

	fprintf(fp, "%s =", key);
	if (l->n == 0)
		fprintf(fp, " (none)");
	for (i = 0; i < l->n; i++)
		fprintf(fp, " %s", l->v[i]);
	fputc('\n', fp);
}

void
cfg_print(const struct cfg *c, FILE *fp)
{
	size_t i;

	for (i = 0; i < sizeof(prog_keys) / sizeof(prog_keys[0]); i++)
		print_list(fp, prog_keys[i].key,
		    &c->prog_paths[prog_keys[i].prog]);
	print_list(fp, "authorized_keys_paths", &c->authorized_keys_paths);
	if (c->openssh_version == 0)
		fprintf(fp, "openssh_version = auto\n");
	else
		fprintf(fp, "openssh_version = %d.%d\n",
		    c->openssh_version / 100, c->openssh_version % 100);
	fprintf(fp, "json_file = %s\n",
	    c->json_file != NULL ? c->json_file : "(none)");
	fprintf(fp, "syslog_alerts = %s\n", c->syslog_alerts ? "yes" : "no");
	fprintf(fp, "audit_sink = %s\n", c->audit_sink ? "yes" : "no");
	fprintf(fp, "remote_server = %s\n",
	    c->remote_server != NULL ? c->remote_server : "(none)");
	for (i = 0; i < sizeof(int_keys) / sizeof(int_keys[0]); i++) {
		long long v = int_keys[i].off == offsetof(struct cfg,
		    remote_port) ? (long long)c->remote_port :
		    *(const int *)(const void *)((const char *)c +
		    int_keys[i].off);

		fprintf(fp, "%s = %lld\n", int_keys[i].key, v);
	}
	for (i = 0; i < sizeof(word_keys) / sizeof(word_keys[0]); i++) {
		int v = *(const int *)(const void *)((const char *)c +
		    word_keys[i].off);
		size_t j;

		if (strcmp(word_keys[i].key, "audit_sink") == 0)
			continue;
		for (j = 0; word_keys[i].words[j] != NULL; j++)
			if (word_keys[i].values[j] == v)
				fprintf(fp, "%s = %s\n", word_keys[i].key,
				    word_keys[i].words[j]);
	}
	fprintf(fp, "name = %s\n", c->name != NULL ? c->name : "(none)");
	fprintf(fp, "spool_file = %s\n", c->spool_file != NULL ?
	    c->spool_file : CFG_DEFAULT_SPOOL);
	fprintf(fp, "spool_max_size = %zu\n", c->spool_max_size);
	fprintf(fp, "queue_depth = %zu\n", c->queue_depth);
	fprintf(fp, "allow_dir = %s\n", c->allow_dir != NULL ? c->allow_dir :
	    "(none)");
	for (i = 0; i < c->nallow; i++) {
		int f;

		fprintf(fp, "allow =");
		for (f = 0; f < ALLOW_MAX; f++)
			if (c->allow[i].pat[f] != NULL)
				fprintf(fp, " %s=%s", allow_field_name(f),
				    c->allow[i].pat[f]);
		fprintf(fp, "  # %s\n", c->allow[i].src);
	}
	fprintf(fp, "sshd_config = %s\n", c->sshd_config != NULL ?
	    c->sshd_config : "/etc/ssh/sshd_config");
}

char *
cfg_node_name(const struct cfg *c)
{
	char host[256];
	struct addrinfo hints, *ai = NULL;
	char *r = NULL;

	switch (c->name_format) {
	case CFG_NAME_NONE:
		return NULL;
	case CFG_NAME_USER:
		return c->name != NULL ? strdup(c->name) : NULL;
	default:
		break;
	}
	if (gethostname(host, sizeof(host)) == -1)
		return NULL;
	host[sizeof(host) - 1] = '\0';
	if (c->name_format == CFG_NAME_HOSTNAME)
		return strdup(host);
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME | AI_ADDRCONFIG;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &ai) != 0)
		return strdup(host);
	if (c->name_format == CFG_NAME_FQD && ai->ai_canonname != NULL)
		r = strdup(ai->ai_canonname);
	else if (c->name_format == CFG_NAME_NUMERIC) {
		char num[64];

		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, num, sizeof(num),
		    NULL, 0, NI_NUMERICHOST) == 0)
			r = strdup(num);
	}
	freeaddrinfo(ai);
	return r != NULL ? r : strdup(host);
}

int
cfg_detect_openssh(const char *path)
{
	static const char tag[] = "OpenSSH_";
	char buf[65536 + 16];
	size_t have = 0, i;
	ssize_t r;
	int fd, ver = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		r = read(fd, buf + have, sizeof(buf) - have - 1);
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
		for (i = 0; i + sizeof(tag) + 3 <= have; i++) {
			if (memcmp(buf + i, tag, sizeof(tag) - 1) == 0 &&
			    buf[i + 8] >= '0' && buf[i + 8] <= '9' &&
			    (ver = sshopt_version_parse(buf + i)) != -1)
				goto out;
		}
		/* Keep a tail in case the tag straddles two reads. */
		if (have > 16) {
			memmove(buf, buf + have - 16, 16);
			have = 16;
		}
	}
 out:
	close(fd);
	return ver;
}
