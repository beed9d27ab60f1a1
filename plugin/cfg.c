/*
 * cfg: parse and load sshwatch.conf (see cfg.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"

void
cfg_defaults(struct cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->openssh_version = 0;
	c->syslog_alerts = 1;
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

/* Applies one key = value; returns 0 or -1 with err set. */
static int
cfg_set(struct cfg *c, const char *k, const char *v, unsigned line,
    char *err, size_t errsz)
{
	size_t i;

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
	if (strcmp(k, "syslog_alerts") == 0) {
		if (parse_bool(v, &c->syslog_alerts) == -1)
			return errf(err, errsz,
			    "line %u: syslog_alerts must be yes or no", line);
		return 0;
	}
	return errf(err, errsz, "line %u: unknown key \"%.64s\"", line, k);
}

int
cfg_parse(const char *text, size_t len, struct cfg *c, char *err,
    size_t errsz)
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
		if (cfg_set(c, k, v, line, err, errsz) == -1)
			return -1;
	}
	return 0;
}

int
cfg_load(const char *path, uid_t owner, struct cfg *c, char *err,
    size_t errsz)
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
	if (cfg_parse(text, len, c, err, errsz) == -1) {
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
