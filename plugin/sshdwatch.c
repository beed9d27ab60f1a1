/*
 * sshdwatch: sshd persistence rules (see sshdwatch.h).
 */
#include "config.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "akeys.h"
#include "alert.h"
#include "keyhunt.h"
#include "log.h"
#include "auval.h"
#include "context.h"
#include "path.h"
#include "prog.h"
#include "rawsys.h"
#include "rules.h"
#include "safeopen.h"
#include "sshdwatch.h"

#define PAM_MAX_BYTES	(256 * 1024)	/* one PAM file read */
#define PAM_MAX_FILES	32

static const char *const tags_config[] = { "sshd-config", "persistence",
    "T1098.004", "T1556", "T1021.004", NULL };
static const char *const tags_pam[] = { "pam", "persistence", "T1556.003",
    NULL };
static const char *const tags_hook[] = { "session-hook", "persistence",
    "T1546", "T1098.004", NULL };
static const char *const tags_akadd[] = { "authorized-keys", "persistence",
    "T1098.004", NULL };
static const char *const tags_akrm[] = { "authorized-keys", "covering-tracks",
    "T1098.004", "T1070.004", NULL };
static const char *const tags_child[] = { "sshd-child", "persistence",
    "T1554", "T1556", "T1021.004", NULL };
static const char *const tags_binary[] = { "openssh-binary", "persistence",
    "T1554", "T1543", NULL };

/* The PAM files sshd's stack reads (Debian and RHEL families). */
static const char *const pam_stack[] = { "sshd", "common-auth",
    "common-account", "common-session", "common-session-noninteractive",
    "common-password", "system-auth", "password-auth", "postlogin",
    "system-login", "system-remote-login", NULL };

/* OpenSSH's programs, by base name. */
static const char *const ssh_programs[] = { "ssh", "sshd", "sshd-session",
    "sshd-auth", "ssh-agent", "ssh-keysign", "sftp-server", "ssh-add",
    "scp", "sftp", "ssh-keygen", "ssh-pkcs11-helper", "ssh-sk-helper",
    NULL };
/* The directories they live in. */
static const char *const ssh_dirs[] = { "/usr/bin", "/usr/sbin", "/bin",
    "/sbin", "/usr/lib/openssh", "/usr/libexec/openssh", "/usr/libexec",
    "/usr/local/bin", "/usr/local/sbin", NULL };
/* Libraries sshd loads (ldd /usr/sbin/sshd on Debian 12 and RHEL 9). */
static const char *const ssh_libs[] = { "libcrypto.so", "libssl.so",
    "libpam.so", "libsystemd.so", "liblzma.so", "libz.so", "libselinux.so",
    "libgssapi_krb5.so", "libkrb5.so", "libk5crypto.so", "libwrap.so",
    "libaudit.so", "libcom_err.so", "libcrypt.so", "libzstd.so",
    "liblz4.so", "libcap.so", "libgcrypt.so", "libpcre2-8.so",
    "libc.so", "libfido2.so", "libcbor.so", "libutil.so", NULL };
/* Package tools whose writes onto these files are upgrades. */
static const char *const pkg_tools[] = { "dpkg", "rpm", "dnf", "dnf-3",
    "yum", "apt", "apt-get", "aptitude", "unattended-upgrade", "zypper",
    "microdnf", "packagekitd", "rpm-ostree", NULL };

struct akf {
	char	*pat;		/* absolute pattern, or home-relative */
	int	 home;		/* relative to the account's home */
};

struct sshdwatch {
	char			*config_path;
	char			*config_dir;	/* with a trailing '/' */
	int			 live;
	struct sshdconf		 model;
	int			 have_model;
	struct akf		 akf[SSHDWATCH_MAX_AKF];
	size_t			 nakf;
	/* Hashes of the PAM stack's lines already seen. */
	uint64_t		 pamlines[SSHDWATCH_MAX_PAMLINES];
	size_t			 npamlines;
	struct sshdwatch_stats	 st;
	/* The last alert's storage. */
	struct alert_config	 changes[SSHDCONF_MAX_CHANGES];
	char			 matchtxt[SSHDCONF_MAX_CHANGES][256];
	const char		*added[SSHDWATCH_MAX_ADDED];
	char			*addedbuf;
	struct sshdconf		 old;		/* kept until the alert left */
	/* authorized_keys: fingerprints per file, and one alert's keys. */
	struct akeys		*keys;
	struct akey		 kadded[SSHDWATCH_MAX_KEYS];
	char			 kremoved[SSHDWATCH_MAX_KEYS][FPR_TEXT_LEN];
	struct alert_akey	 kout[SSHDWATCH_MAX_KEYS];
	/* sshd's processes, and its children that were a shell (by pid). */
	long long		 sshdpids[SSHDWATCH_MAX_PIDS];
	size_t			 nsshd, sshdhand;
	long long		 shellpids[SSHDWATCH_MAX_PIDS];
	size_t			 nshell, shellhand;
};

static int
in_list(const char *const *l, const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; l[i] != NULL; i++)
		if (l[i][0] == s[0] && strlen(l[i]) == n &&
		    memcmp(l[i], s, n) == 0)
			return 1;
	return 0;
}

static int
has_prefix(const char *p, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	return n >= k && memcmp(p, pre, k) == 0;
}

struct sshdwatch *
sshdwatch_new(const char *config_path)
{
	struct sshdwatch *w;
	const char *slash;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if (config_path == NULL)
		config_path = SSHDWATCH_DEFAULT_CONFIG;
	slash = strrchr(config_path, '/');
	w->config_path = strdup(config_path);
	w->config_dir = slash != NULL ? strndup(config_path,
	    (size_t)(slash - config_path) + 1) : strdup("/etc/ssh/");
	if (w->config_path == NULL || w->config_dir == NULL ||
	    (w->keys = akeys_new()) == NULL) {
		sshdwatch_free(w);
		return NULL;
	}
	return w;
}

static void
akf_clear(struct sshdwatch *w)
{
	size_t i;

	for (i = 0; i < w->nakf; i++)
		free(w->akf[i].pat);
	w->nakf = 0;
}

void
sshdwatch_free(struct sshdwatch *w)
{
	if (w == NULL)
		return;
	akf_clear(w);
	sshdconf_free(&w->model);
	sshdconf_free(&w->old);
	free(w->addedbuf);
	akeys_free(w->keys);
	free(w->config_path);
	free(w->config_dir);
	free(w);
}

const struct sshdwatch_stats *
sshdwatch_stats(const struct sshdwatch *w)
{
	return &w->st;
}

const struct sshdconf *
sshdwatch_model(const struct sshdwatch *w)
{
	return w->have_model ? &w->model : NULL;
}

/*
 * One AuthorizedKeysFile word as a pattern: %u and %U become '*' in an
 * absolute pattern (any account), %% a '%'; a relative one or one under
 * %h is kept relative to the home, %u resolved per account when matched.
 */
static void
akf_add(struct sshdwatch *w, const char *word, size_t n)
{
	char pat[SSHDCONF_MAX_VALUE];
	size_t i, o = 0;
	int home = 0;

	if (w->nakf >= SSHDWATCH_MAX_AKF || n == 0 || strcmp(word,
	    "none") == 0)
		return;
	if (n >= 3 && memcmp(word, "%h/", 3) == 0) {
		word += 3;
		n -= 3;
		home = 1;
	} else if (word[0] != '/')
		home = 1;
	for (i = 0; i < n && o + 2 < sizeof(pat); i++) {
		if (word[i] == '%' && i + 1 < n) {
			i++;
			if (word[i] == '%')
				pat[o++] = '%';
			else if (word[i] == 'u' && home) {
				pat[o++] = '%';
				pat[o++] = 'u';
			} else
				pat[o++] = '*';
			continue;
		}
		pat[o++] = word[i];
	}
	pat[o] = '\0';
	if ((w->akf[w->nakf].pat = strdup(pat)) == NULL)
		return;
	w->akf[w->nakf++].home = home;
}

/* The AuthorizedKeysFile patterns of every block of the model. */
static void
akf_rebuild(struct sshdwatch *w)
{
	size_t i, n;
	const char *v;

	akf_clear(w);
	for (i = 0; i < w->model.n; i++) {
		if (strcmp(w->model.e[i].key, "authorizedkeysfile") != 0)
			continue;
		for (v = w->model.e[i].value; *v != '\0'; v += n) {
			v += strspn(v, " ");
			n = strcspn(v, " ");
			akf_add(w, v, n);
		}
	}
}

int
sshdwatch_authkeys(const struct sshdwatch *w, const struct users *u,
    const char *path, size_t n)
{
	char p[4096], pat[8192], owner[256], home[4096];
	const char *s;
	size_t i, o;

	if (w == NULL || w->nakf == 0 || n >= sizeof(p) || memchr(path, '\0',
	    n) != NULL)
		return 0;
	memcpy(p, path, n);
	p[n] = '\0';
	for (i = 0; i < w->nakf; i++) {
		if (!w->akf[i].home) {
			if (fnmatch(w->akf[i].pat, p, FNM_PATHNAME) == 0)
				return 1;
			continue;
		}
		if (u == NULL || !users_owner_of_path(u, p, n, owner,
		    sizeof(owner)) || users_home_of(u, owner, home,
		    sizeof(home)) != 0)
			continue;
		o = (size_t)snprintf(pat, sizeof(pat), "%s/", home);
		for (s = w->akf[i].pat; *s != '\0' && o + 1 < sizeof(pat);
		    s++) {
			if (s[0] == '%' && s[1] == 'u') {
				o += (size_t)snprintf(pat + o, sizeof(pat) - o,
				    "%s", owner);
				s++;
				continue;
			}
			pat[o++] = *s;
		}
		if (o >= sizeof(pat))
			continue;
		pat[o] = '\0';
		if (fnmatch(pat, p, FNM_PATHNAME) == 0)
			return 1;
	}
	return 0;
}

/* Is the directory part of path dir exactly (dir without trailing '/')? */
static int
in_dir(const char *p, size_t n, const char *const *dirs)
{
	const char *slash = memrchr(p, '/', n);
	size_t i, dl;

	if (slash == NULL)
		return 0;
	dl = (size_t)(slash - p);
	for (i = 0; dirs[i] != NULL; i++)
		if (strlen(dirs[i]) == dl && memcmp(p, dirs[i], dl) == 0)
			return 1;
	return 0;
}

/* An OpenSSH program, or a library sshd loads, by its resolved path. */
static int
is_ssh_binary(const char *p, size_t n)
{
	size_t blen, i, k;
	const char *b = path_base(p, n, &blen);

	if (in_list(ssh_programs, b, blen) && in_dir(p, n, ssh_dirs))
		return 1;
	if (blen < 4 || memcmp(b, "lib", 3) != 0 ||
	    (!has_prefix(p, n, "/lib") && !has_prefix(p, n, "/usr/lib")))
		return 0;
	for (i = 0; ssh_libs[i] != NULL; i++) {
		k = strlen(ssh_libs[i]);
		if (blen >= k && memcmp(b, ssh_libs[i], k) == 0 &&
		    (blen == k || b[k] == '.'))
			return 1;
	}
	return 0;
}

/* A PAM module: NAME.so in a directory named security under a lib dir. */
static int
is_pam_module(const char *p, size_t n)
{
	size_t blen, pblen;
	const char *b = path_base(p, n, &blen);
	const char *pb = path_parent_base(p, n, &pblen);

	return (has_prefix(p, n, "/lib") || has_prefix(p, n, "/usr/lib")) &&
	    pb != NULL && pblen == 8 && memcmp(pb, "security", 8) == 0 &&
	    blen > 3 && memcmp(b + blen - 3, ".so", 3) == 0;
}

static int
is_pam_stack(const char *p, size_t n)
{
	size_t blen;
	const char *b = path_base(p, n, &blen);

	return has_prefix(p, n, "/etc/pam.d/") &&
	    (size_t)(b - p) == 11 && in_list(pam_stack, b, blen);
}

int
sshdwatch_gate_name(const struct sshdwatch *w, const char *name, size_t n,
    const char *cwd, size_t cwdlen)
{
	size_t i, k, blen;
	const char *b;

	if (w == NULL)
		return 0;
	if (n > 0 && name[0] != '/') {
		/* A relative name: judged by the directory it is in. */
		if (cwd != NULL && (has_prefix(cwd, cwdlen, "/etc/ssh") ||
		    has_prefix(cwd, cwdlen, "/etc/pam.d") ||
		    memmem(cwd, cwdlen, "/security", 9) != NULL ||
		    has_prefix(cwd, cwdlen, "/usr/") ||
		    (cwdlen + 1 >= strlen(w->config_dir) &&
		    memcmp(cwd, w->config_dir, strlen(w->config_dir) - 1) ==
		    0)))
			return 1;
	}
	if (has_prefix(name, n, "/etc/ssh/") || has_prefix(name, n,
	    "/etc/pam.d/") || has_prefix(name, n, w->config_dir))
		return 1;
	if (n == 8 && memcmp(name, "/etc/ssh", 8) == 0)
		return 1;
	b = path_base(name, n, &blen);
	/* Any file named like an OpenSSH program; a library; a module. */
	if (in_list(ssh_programs, b, blen) || (blen > 3 &&
	    memcmp(b, "lib", 3) == 0 && is_ssh_binary(name, n)) ||
	    (blen > 3 && memcmp(b + blen - 3, ".so", 3) == 0 &&
	    is_pam_module(name, n)))
		return 1;
	for (i = 0; i < w->nakf; i++) {
		const char *pat = w->akf[i].pat;

		if (w->akf[i].home) {
			/* The pattern's last component, when literal. */
			const char *last = strrchr(pat, '/');

			last = last != NULL ? last + 1 : pat;
			if (strpbrk(last, "*?[%") == NULL && blen ==
			    strlen(last) && memcmp(b, last, blen) == 0)
				return 1;
			continue;
		}
		k = strcspn(pat, "*?[");
		while (k > 1 && pat[k - 1] != '/')
			k--;
		if (k > 1 && n >= k && memcmp(name, pat, k) == 0)
			return 1;
	}
	return 0;
}

static void
alert_start(const struct rules_ctx *rc, const struct event *ev,
    struct alert *a, const char *rule, enum severity sev,
    const char *const *tags, const struct buf *path, const char *op)
{
	memset(a, 0, sizeof(*a));
	rules_enrich(rc, ev, a);
	a->rule = rule;
	a->severity = sev;
	a->confidence = CONF_HIGH;
	a->tags = tags;
	a->ev = ev;
	a->file_path = path->p;
	a->file_pathlen = path->len;
	a->file_resolved = 1;
	a->file_dirfd = -1;
	a->file_op = op;
	a->match[a->nmatch++] = path->p;
}

/*
 * The package tool among the writer and its ancestors, or NULL.  An
 * ancestor read from /proc after the capability drop has no exe (its
 * link needs ptrace access to a process of full capabilities, such as
 * dpkg running a maintainer script): then its comm is taken, and
 * *by_name set, since a process can choose its comm.
 */
static const char *
package_tool(const struct event *ev, const struct alert *a, int *by_name)
{
	const char *b;
	size_t i, blen;

	*by_name = 0;
	if (ev->have_exe) {
		b = path_base(ev->exe.p, ev->exe.len, &blen);
		if (in_list(pkg_tools, b, blen))
			return b;
	}
	for (i = 0; i < a->nanc; i++) {
		b = path_base(a->anc[i]->exe, strlen(a->anc[i]->exe), &blen);
		if (in_list(pkg_tools, b, blen))
			return b;
		if (a->anc[i]->exe[0] == '\0' &&
		    a->anc[i]->source == PROC_SRC_PROC &&
		    in_list(pkg_tools, a->anc[i]->comm,
		    strlen(a->anc[i]->comm))) {
			*by_name = 1;
			return a->anc[i]->comm;
		}
	}
	return NULL;
}

/* Severity of one directive change, by what it opens. */
static enum severity
change_severity(const struct sshdconf_change *c)
{
	static const char *const high[] = { "authorizedkeysfile",
	    "authorizedkeyscommand", "authorizedkeyscommanduser",
	    "authorizedprincipalsfile", "authorizedprincipalscommand",
	    "authorizedprincipalscommanduser", "trustedusercakeys",
	    "permitrootlogin", "permitemptypasswords",
	    "permituserenvironment", "forcecommand", "subsystem", NULL };
	static const char *const medium[] = { "passwordauthentication",
	    "exposeauthinfo", "allowtcpforwarding", "gatewayports",
	    "permittunnel", "permitlisten", "permitopen", "allowusers",
	    "denyusers", "allowgroups", "denygroups", "allowagentforwarding",
	    "allowstreamlocalforwarding", "disableforwarding",
	    "kbdinteractiveauthentication", "hostbasedauthentication",
	    "authenticationmethods", "chrootdirectory", "strictmodes",
	    "usepam", "include", "permituserrc", "ignorerhosts",
	    "pubkeyauthentication", "revokedkeys", "pubkeyauthoptions",
	    NULL };
	/* Directives whose "no" closes what they open. */
	static const char *const closes_on_no[] = { "permitrootlogin",
	    "permitemptypasswords", "permituserenvironment",
	    "passwordauthentication", "exposeauthinfo", "allowtcpforwarding",
	    "gatewayports", "permittunnel", "allowagentforwarding",
	    "allowstreamlocalforwarding", "kbdinteractiveauthentication",
	    "hostbasedauthentication", "permituserrc", NULL };
	size_t kl = strlen(c->key);

	if (strcmp(c->key, "loglevel") == 0)
		return c->new != NULL && strcasecmp(c->new, "quiet") == 0 ?
		    SEV_HIGH : SEV_LOW;
	if (c->new != NULL && strcasecmp(c->new, "no") == 0 &&
	    in_list(closes_on_no, c->key, kl))
		return SEV_LOW;
	if (strcmp(c->key, "strictmodes") == 0 && c->new != NULL &&
	    strcasecmp(c->new, "yes") == 0)
		return SEV_LOW;
	if (in_list(high, c->key, kl))
		return c->new == NULL ? SEV_MEDIUM : SEV_HIGH;
	if (in_list(medium, c->key, kl))
		return SEV_MEDIUM;
	return SEV_LOW;
}

/* Where the event wrote: each target PATH item, resolved. */
enum wop { WOP_NONE, WOP_WRITE, WOP_RENAME, WOP_LINK, WOP_DELETE };

static enum wop
event_wop(const struct event *ev)
{
	const char *s = ev->syscall_name;
	unsigned long long fl;

	if (s == NULL || !ev->have_syscall || ev->success != 1)
		return WOP_NONE;
	if (strcmp(s, "open") == 0 || strcmp(s, "openat") == 0 ||
	    strcmp(s, "openat2") == 0) {
		fl = strcmp(s, "open") == 0 ? ev->a[1] : strcmp(s, "openat") ==
		    0 ? ev->a[2] : ev->oflag;
		if (strcmp(s, "openat2") == 0 && !ev->have_oflag)
			return WOP_WRITE;
		return (fl & 03) != 0 || (fl & (0100 | 01000 | 02000)) ?
		    WOP_WRITE : WOP_NONE;
	}
	if (strcmp(s, "creat") == 0 || strncmp(s, "truncate", 8) == 0 ||
	    strcmp(s, "ftruncate") == 0)
		return WOP_WRITE;
	if (strncmp(s, "rename", 6) == 0)
		return WOP_RENAME;
	if (strncmp(s, "link", 4) == 0 || strncmp(s, "symlink", 7) == 0)
		return WOP_LINK;
	if (strncmp(s, "unlink", 6) == 0 || strcmp(s, "rmdir") == 0)
		return WOP_DELETE;
	return WOP_NONE;
}

static const char *
wop_name(enum wop op)
{
	switch (op) {
	case WOP_WRITE: return "write";
	case WOP_RENAME: return "rename";
	case WOP_LINK: return "link";
	case WOP_DELETE: return "delete";
	default: return "none";
	}
}

/* The PATH item's absolute name in out; 0 when it is not known. */
static int
item_abs(const struct event *ev, const struct ev_path *p, struct buf *out)
{
	buf_reset(out);
	if (!p->have_name || p->name.len == 0)
		return 0;
	if (p->name.p[0] != '/' && !ev->have_cwd)
		return 0;
	path_join(p->name.p[0] == '/' ? NULL : ev->cwd.p,
	    p->name.p[0] == '/' ? 0 : ev->cwd.len, p->name.p, p->name.len,
	    out);
	return !out->over && out->len > 0 && out->p[0] == '/';
}

/* Does the syscall change this item (not a parent, not a source)? */
static int
is_target(enum wop op, enum nametype nt)
{
	switch (op) {
	case WOP_WRITE:
		return nt == NT_NORMAL || nt == NT_CREATE || nt == NT_UNSET;
	case WOP_RENAME:
	case WOP_LINK:
		return nt == NT_CREATE;
	case WOP_DELETE:
		return nt == NT_DELETE;
	default:
		return 0;
	}
}

/*
 * The record of an open() for writing reaches us before the writer's
 * write(): a file read at once may not hold the change yet.  When a read
 * after such an open shows nothing new, it is read again SETTLE_TRIES
 * times SETTLE_MS apart (these files are written rarely; the plugin waits
 * at most SETTLE_TRIES * SETTLE_MS on one event).  A change later still is
 * not lost: the next write's read compares with the last state read, and
 * reports it then.
 */
#define SETTLE_TRIES	5
#define SETTLE_MS	20

static void
settle(void)
{
	struct timespec ts = { 0, SETTLE_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * A write to sshd_config or a drop-in whose effect cannot be known (a
 * replay, or an unreadable file): medium, low confidence, saying why.
 */
static int
config_unknown(const struct rules_ctx *rc, const struct event *ev,
    const struct buf *path, enum wop op, const char *why, alert_fn fn,
    void *ctx)
{
	struct alert a;
	size_t blen;
	const char *b = path_base(path->p, path->len, &blen);

	if (!(blen >= 11 && memcmp(b, "sshd_config", 11) == 0) &&
	    !(blen > 5 && memcmp(b + blen - 5, ".conf", 5) == 0 &&
	    memmem(path->p, path->len, "sshd_config.d/", 14) != NULL))
		return 0;
	alert_start(rc, ev, &a, "sshd-config-change", SEV_MEDIUM, tags_config,
	    path, wop_name(op));
	a.confidence = CONF_LOW;
	a.note = why;
	fn(ctx, &a);
	return 1;
}

/* Reads sshd's configuration again and alerts on what changed. */
static int
config_rule(const struct rules_ctx *rc, struct sshdwatch *w,
    const struct event *ev, const struct buf *path, enum wop op,
    alert_fn fn, void *ctx)
{
	struct sshdconf_change ch[SSHDCONF_MAX_CHANGES];
	struct sshdconf nm;
	struct alert a;
	size_t n, i;
	enum severity sev = SEV_LOW, s;
	int tries;

	if (!w->live)
		return config_unknown(rc, ev, path, op, "replay: the file's "
		    "contents then are not known, only that it was written",
		    fn, ctx);
	for (tries = 0;; tries++) {
		memset(&nm, 0, sizeof(nm));
		w->st.reloads++;
		if (sshdconf_load(w->config_path, &nm) == -1) {
			w->st.refused++;
			sshdconf_free(&nm);
			return config_unknown(rc, ev, path, op, "sshd's "
			    "configuration could not be read: what changed is "
			    "not known", fn, ctx);
		}
		if (nm.over > 0)
			w->st.over++;
		if (!w->have_model) {
			w->model = nm;
			w->have_model = 1;
			akf_rebuild(w);
			return 0;
		}
		n = sshdconf_diff(&w->model, &nm, ch, SSHDCONF_MAX_CHANGES);
		if (n > 0 || op != WOP_WRITE || tries >= SETTLE_TRIES)
			break;
		/* Opened for writing, not written yet: wait a little. */
		sshdconf_free(&nm);
		settle();
	}
	/* The new model rules from now on; the old one lives to the alert. */
	sshdconf_free(&w->old);
	w->old = w->model;
	w->model = nm;
	akf_rebuild(w);
	if (n == 0)
		return 0;
	alert_start(rc, ev, &a, "sshd-config-change", SEV_LOW, tags_config,
	    path, wop_name(op));
	for (i = 0; i < n && i < SSHDCONF_MAX_CHANGES; i++) {
		struct alert_config *c = &w->changes[i];

		c->file = ch[i].file;
		c->line = ch[i].line;
		c->directive = sshdconf_keyword(ch[i].key);
		c->block = ch[i].block;
		c->old = ch[i].old;
		c->new = ch[i].new;
		s = change_severity(&ch[i]);
		if (s > sev)
			sev = s;
		snprintf(w->matchtxt[i], sizeof(w->matchtxt[i]), "%s%s%s",
		    c->directive, c->new != NULL ? " " : " (removed)",
		    c->new != NULL ? c->new : "");
		if (a.nmatch < ALERT_MAX_MATCH)
			a.match[a.nmatch++] = w->matchtxt[i];
	}
	a.config = w->changes;
	a.nconfig = i;
	a.severity = sev;
	if (n > SSHDCONF_MAX_CHANGES) {
		a.truncated = 1;
		a.note = "more directives changed than one alert lists";
	}
	fn(ctx, &a);
	return 1;
}

/* FNV-1a of a line. */
static uint64_t
line_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static int
pam_seen(const struct sshdwatch *w, uint64_t h)
{
	size_t i;

	for (i = 0; i < w->npamlines; i++)
		if (w->pamlines[i] == h)
			return 1;
	return 0;
}

/*
 * Reads a PAM file and returns its text (malloc'd) or NULL: through
 * safeopen.h as root, so a path root's all the way (no component owned
 * by another account or writable by group or others), not a link
 * itself, a regular file, at most max bytes.
 */
static char *
read_small(const char *path, size_t max, size_t *len)
{
	const char *why;
	char *t;

	if (safeopen_read(path, 0, SAFEOPEN_NOFOLLOW | SAFEOPEN_OWNED,
	    max + 1, &t, len, &why) != SAFEOPEN_OK)
		return NULL;
	if (*len > max) {
		free(t);
		return NULL;
	}
	return t;
}

/*
 * Learns the lines of a PAM file; with report, writes the lines not seen
 * before (not comments, not blank) into w->added.  Returns their count,
 * or -1 when the file could not be read.
 */
static long
pam_learn(struct sshdwatch *w, const char *path, int report, int *expose)
{
	char *t, *p, *nl, *s;
	size_t len = 0, n = 0, l;
	uint64_t h;

	*expose = 0;
	if ((t = read_small(path, PAM_MAX_BYTES, &len)) == NULL)
		return -1;
	if (report) {
		free(w->addedbuf);
		w->addedbuf = t;	/* the added lines point into it */
	}
	for (p = t; p < t + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(t + len - p))) == NULL)
			nl = t + len;
		*nl = '\0';
		s = p + strspn(p, " \t");
		l = strlen(s);
		while (l > 0 && strchr(" \t\r", s[l - 1]) != NULL)
			s[--l] = '\0';
		if (l == 0 || s[0] == '#')
			continue;
		h = line_hash(s, l);
		if (pam_seen(w, h))
			continue;
		if (w->npamlines < SSHDWATCH_MAX_PAMLINES)
			w->pamlines[w->npamlines++] = h;
		if (!report || n >= SSHDWATCH_MAX_ADDED)
			continue;
		w->added[n++] = s;
		if (strstr(s, "pam_exec.so") != NULL && strstr(s,
		    "expose_authtok") != NULL)
			*expose = 2;
		else if ((strstr(s, "pam_exec.so") != NULL ||
		    (strstr(s, "pam_permit.so") != NULL &&
		    strncmp(s, "auth", 4) == 0)) && *expose == 0)
			*expose = 1;
	}
	if (!report)
		free(t);
	return (long)n;
}

static void
pam_seed(struct sshdwatch *w)
{
	char path[64];
	size_t i;
	int ex;

	for (i = 0; pam_stack[i] != NULL; i++) {
		snprintf(path, sizeof(path), "/etc/pam.d/%s", pam_stack[i]);
		pam_learn(w, path, 0, &ex);
	}
}

static int
pam_rule(const struct rules_ctx *rc, struct sshdwatch *w,
    const struct event *ev, const struct buf *path, enum wop op,
    alert_fn fn, void *ctx)
{
	struct alert a;
	long n = -1;
	int ex = 0, tries;

	if (op == WOP_DELETE)
		return 0;
	if (w->live)
		for (tries = 0; (n = pam_learn(w, path->p, 1, &ex)) == 0 &&
		    op == WOP_WRITE && tries < SETTLE_TRIES; tries++)
			settle();
	if (n == 0)
		return 0;		/* nothing new: a rewrite, a chmod */
	alert_start(rc, ev, &a, "pam-config-change", ex != 0 ? SEV_HIGH :
	    SEV_MEDIUM, tags_pam, path, wop_name(op));
	a.lines = w->added;
	a.nlines = n > 0 ? (size_t)n : 0;
	if (n < 0) {
		a.confidence = CONF_LOW;
		a.note = w->live ? "the file could not be read: the lines "
		    "added are not known" : "replay: the lines added are not "
		    "known";
	} else if (ex == 2)
		a.note = "pam_exec with expose_authtok: a program receives "
		    "every password";
	fn(ctx, &a);
	return 1;
}

/* Is PermitUserEnvironment on in any block of the model? */
static int
user_env_allowed(const struct sshdwatch *w)
{
	size_t i;

	if (!w->have_model)
		return 0;
	for (i = 0; i < w->model.n; i++)
		if (strcmp(w->model.e[i].key, "permituserenvironment") == 0 &&
		    strcasecmp(w->model.e[i].value, "no") != 0)
			return 1;
	return 0;
}

static int
hook_rule(const struct rules_ctx *rc, struct sshdwatch *w,
    const struct event *ev, const struct buf *path, enum wop op,
    int environment, alert_fn fn, void *ctx)
{
	struct alert a;
	enum severity sev = SEV_MEDIUM;

	if (op == WOP_DELETE)
		return 0;
	if (environment && w->have_model)
		sev = user_env_allowed(w) ? SEV_HIGH : SEV_LOW;
	alert_start(rc, ev, &a, "ssh-session-hook", sev, tags_hook, path,
	    wop_name(op));
	if (environment && !w->have_model)
		a.note = "whether sshd reads it (PermitUserEnvironment) is not "
		    "known";
	else if (environment)
		a.note = sev == SEV_HIGH ? "PermitUserEnvironment lets sshd "
		    "read it at login" : "sshd ignores it while "
		    "PermitUserEnvironment is no";
	else if (path_under(path->p, path->len, "/etc/ssh"))
		a.note = "sshd runs it at every login of every account";
	else
		a.note = "sshd runs it at every login of the account";
	fn(ctx, &a);
	return 1;
}

static int
binary_rule(const struct rules_ctx *rc, const struct event *ev,
    const struct buf *path, enum wop op, const char *rule,
    const char *const *tags, alert_fn fn, void *ctx)
{
	struct alert a;
	const char *tool;
	int by_name;

	if (op == WOP_DELETE)
		return 0;
	alert_start(rc, ev, &a, rule, SEV_HIGH, tags, path, wop_name(op));
	if ((tool = package_tool(ev, &a, &by_name)) != NULL) {
		a.severity = SEV_LOW;
		a.via = tool;
		a.note = "written by a package manager: an upgrade";
		if (by_name) {
			a.confidence = CONF_MEDIUM;
			a.note = "written under a package manager known by its "
			    "process name (comm) only: an upgrade";
		}
	}
	fn(ctx, &a);
	return 1;
}

/* Digests of the keys a file holds, gathered by akeys_parse(). */
struct keyset {
	uint8_t		(*d)[FPR_SHA256_LEN];
	size_t		 n;
	int		*added;
	struct akey	*all;		/* every key, for the added list */
};

static void
on_key(void *arg, const struct akey *k)
{
	struct keyset *ks = arg;

	memcpy(ks->d[ks->n], k->digest, FPR_SHA256_LEN);
	ks->all[ks->n] = *k;
	ks->n++;
}

/*
 * The account an authorized_keys file is read for (akeys_read()): the
 * owner of the home it is in; root for a path in no home (or in a home
 * of `/', as some daemons' accounts have), which must then be root's all
 * the way.  -1 when the home's account is not known.
 */
static long long
keys_account(const struct users *u, const char *path)
{
	char owner[256], home[4096];

	if (u == NULL)
		return path_under(path, strlen(path), "/home") ? -1 : 0;
	if (!users_owner_of_path(u, path, strlen(path), owner,
	    sizeof(owner)))
		return 0;
	if (users_home_of(u, owner, home, sizeof(home)) == 0 &&
	    strcmp(home, "/") == 0)
		return 0;
	return users_uid_of(u, owner);
}

/*
 * Reads an authorized_keys file for the account that controls it and
 * gathers its fingerprints.  Returns 0; 1 when it does not exist; -1
 * when it was refused (counted, and logged with the reason).
 */
static int
read_keys(struct sshdwatch *w, const struct users *u, const char *path,
    struct keyset *ks)
{
	char *text = NULL, safe[512];
	const char *why = "the home's account is not known";
	size_t len = 0;
	unsigned bad;
	long long uid;
	int r = -1;

	ks->n = 0;
	if ((uid = keys_account(u, path)) >= 0)
		r = akeys_read(path, uid, &text, &len, &why);
	if (r == 1)
		return 1;
	if (r == -1) {
		w->st.keys_refused++;
		log_msg(LOG_WARNING, "authorized_keys %s not read: %s",
		    log_safe(path, strlen(path), safe, sizeof(safe)), why);
		return -1;
	}
	akeys_parse(text, len, on_key, ks, &bad);
	free(text);
	return 0;
}

static int
keyset_init(struct keyset *ks)
{
	/* Not zeroed: only the first n entries are written and read. */
	memset(ks, 0, sizeof(*ks));
	ks->d = malloc(AKEYS_MAX_KEYS * sizeof(*ks->d));
	ks->added = malloc(AKEYS_MAX_KEYS * sizeof(*ks->added));
	ks->all = malloc(AKEYS_MAX_KEYS * sizeof(*ks->all));
	return ks->d != NULL && ks->added != NULL && ks->all != NULL ? 0 :
	    -1;
}

static void
keyset_free(struct keyset *ks)
{
	free(ks->d);
	free(ks->added);
	free(ks->all);
}

/* The keys a write added and removed: one alert for each. */
static int
keys_rule(const struct rules_ctx *rc, struct sshdwatch *w,
    const struct event *ev, const struct buf *path, enum wop op,
    int deleted, alert_fn fn, void *ctx)
{
	uint8_t removed[SSHDWATCH_MAX_KEYS][FPR_SHA256_LEN];
	struct keyset ks;
	struct alert a;
	size_t nrm = 0, i, k = 0, nadd = 0;
	int count = 0, tries;

	/*
	 * A replay cannot tell a deletion from a replacement (install(1)
	 * unlinks the file and creates it again): it says nothing, and
	 * authorized-keys-write reports the new file.
	 */
	if (!w->live)
		return 0;
	if (deleted) {
		struct stat st;

		/* Back under the same name: a replacement, compared next. */
		for (tries = 0; tries <= SETTLE_TRIES; tries++) {
			if (lstat(path->p, &st) == 0)
				return 0;
			if (tries < SETTLE_TRIES)
				settle();
		}
	}
	if (keyset_init(&ks) == -1) {
		keyset_free(&ks);
		return 0;
	}
	/* Gone, with keys never read (not there at start): nothing to say. */
	if (deleted && !akeys_known(w->keys, path->p)) {
		keyset_free(&ks);
		return 0;
	}
	if (deleted)
		akeys_forget(w->keys, path->p, removed, SSHDWATCH_MAX_KEYS,
		    &nrm);
	else
		for (tries = 0;; tries++) {
			if (read_keys(w, rc->users, path->p, &ks) != 0) {
				w->st.keys_unread++;
				keyset_free(&ks);
				return 0;
			}
			akeys_update(w->keys, path->p,
			    (const uint8_t (*)[FPR_SHA256_LEN])ks.d, ks.n,
			    ks.added, removed, SSHDWATCH_MAX_KEYS, &nrm);
			for (i = 0; i < ks.n && !ks.added[i]; i++)
				;
			if (i < ks.n || nrm > 0 || op != WOP_WRITE ||
			    tries >= SETTLE_TRIES)
				break;
			settle();
		}
	for (i = 0; i < ks.n; i++) {
		if (!ks.added[i])
			continue;
		nadd++;
		if (k >= SSHDWATCH_MAX_KEYS)
			continue;
		w->kadded[k] = ks.all[i];
		w->kout[k].fingerprint = w->kadded[k].fp;
		w->kout[k].type = w->kadded[k].type;
		w->kout[k].comment = w->kadded[k].comment[0] != '\0' ?
		    w->kadded[k].comment : NULL;
		w->kout[k].options = w->kadded[k].options[0] != '\0' ?
		    w->kadded[k].options : NULL;
		w->kout[k].removed = 0;
		k++;
	}
	if (nadd > 0) {
		alert_start(rc, ev, &a, "authorized-keys-added", SEV_HIGH,
		    tags_akadd, path, wop_name(op));
		a.akeys = w->kout;
		a.nakeys = k;
		for (i = 0; i < k; i++)
			if (a.nmatch < ALERT_MAX_MATCH)
				a.match[a.nmatch++] = w->kout[i].fingerprint;
		if (nadd > k) {
			a.truncated = 1;
			a.note = "more keys were added than one alert lists";
		}
		fn(ctx, &a);
		count++;
	}
	if (nrm > 0) {
		alert_start(rc, ev, &a, "authorized-keys-removed", SEV_MEDIUM,
		    tags_akrm, path, deleted ? "delete" : wop_name(op));
		/* The added list above is sent; its slots can be reused. */
		for (i = 0; i < nrm && i < SSHDWATCH_MAX_KEYS; i++) {
			fpr_text(removed[i], w->kremoved[i]);
			memset(&w->kout[i], 0, sizeof(w->kout[i]));
			w->kout[i].fingerprint = w->kremoved[i];
			w->kout[i].removed = 1;
			if (a.nmatch < ALERT_MAX_MATCH)
				a.match[a.nmatch++] = w->kremoved[i];
		}
		a.akeys = w->kout;
		a.nakeys = i;
		if (nrm > i) {
			a.truncated = 1;
			a.note = "more keys were removed than one alert lists";
		}
		fn(ctx, &a);
		count++;
	}
	keyset_free(&ks);
	return count;
}

/* An authorized_keys file, by name, configuration or sshd's model. */
static int
is_authkeys(const struct rules_ctx *rc, const struct buf *path)
{
	return pathclass_authkeys(path->p, path->len,
	    rc->cfg->authorized_keys_paths.v,
	    rc->cfg->authorized_keys_paths.n) ||
	    sshdwatch_authkeys(rc->sshd, rc->users, path->p, path->len);
}

/* The programs sshd and its PAM stack start in normal operation. */
static const char *const sshd_helpers[] = { "sshd", "sshd-session",
    "sshd-auth", "unix_chkpwd", "run-parts", "xauth", "nologin", "false",
    "mkhomedir_helper", "pam_timestamp_check", "sftp-server",
    "ssh-session-cleanup", "systemd-tmpfiles", NULL };
/* Shells, when /etc/shells cannot say (a replay of another host). */
static const char *const shells[] = { "sh", "bash", "rbash", "dash", "zsh",
    "ksh", "ksh93", "mksh", "pdksh", "fish", "tcsh", "csh", "busybox",
    "screen", "tmux", "git-shell", NULL };

static int
pid_in(const long long *set, size_t n, long long pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i] == pid)
			return 1;
	return 0;
}

static void
pid_add(long long *set, size_t *n, size_t *hand, long long pid)
{
	if (pid_in(set, *n, pid))
		return;
	if (*n < SSHDWATCH_MAX_PIDS) {
		set[(*n)++] = pid;
		return;
	}
	set[*hand] = pid;		/* the oldest makes room */
	*hand = (*hand + 1) % SSHDWATCH_MAX_PIDS;
}

static int
is_sshd_name(const char *b, size_t n)
{
	return prog_is_sshd(b, n) ||
	    (n == 9 && memcmp(b, "sshd-auth", 9) == 0);
}

/*
 * Is pid a live sshd process by /proc/PID/stat (its comm)?  Readable by
 * any process: no capability needed.  The user's half of an sshd
 * session is forked, never executed, so no record names it.
 */
/* proc_is_sshd()'s cache: entries, and seconds an answer is kept. */
#define PROC_SSHD_CACHE	64
#define PROC_SSHD_TTL	2

static int
proc_is_sshd(long long pid)
{
	/*
	 * A busy host runs many children of one parent: the answer for a pid
	 * is kept for PROC_SSHD_TTL seconds in a small direct-mapped cache,
	 * so that /proc is read about once per parent, not once per exec.
	 */
	static struct {
		long long pid;
		time_t	 at;
		int	 sshd;
	} cache[PROC_SSHD_CACHE];
	char path[64], buf[128], *l, *r;
	struct timespec now = { 0, 0 };
	size_t slot;
	ssize_t n;
	int fd, sshd = 0;

	if (pid <= 0)
		return 0;
	slot = (size_t)pid % PROC_SSHD_CACHE;
	if (clock_gettime(CLOCK_MONOTONIC, &now) == 0 &&
	    cache[slot].pid == pid &&
	    now.tv_sec - cache[slot].at < PROC_SSHD_TTL)
		return cache[slot].sshd;
	snprintf(path, sizeof(path), "/proc/%lld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			if ((l = strchr(buf, '(')) != NULL &&
			    (r = strchr(l, ')')) != NULL)
				sshd = is_sshd_name(l + 1, (size_t)(r - l - 1));
		}
	}
	cache[slot].pid = pid;
	cache[slot].at = now.tv_sec;
	cache[slot].sshd = sshd;
	return sshd;
}

/*
 * Is the event recent enough for /proc to speak of its parent?  An old
 * event (auditd's backlog, a stream fed to plugin mode) names pids that
 * may now be other processes, sshd among them.
 */
static int
proc_recent(const struct event *ev)
{
	struct timespec now;
	double d;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		return 0;
	d = (double)now.tv_sec - context_time(ev->time, strlen(ev->time));
	return d >= -CONTEXT_PROCFS_SKEW && d <= CONTEXT_PROCFS_AGE;
}

int
sshdwatch_gate_exe(const char *exe, size_t n)
{
	size_t blen;
	const char *b = path_base(exe, n, &blen);

	return is_sshd_name(b, blen);
}

int
sshdwatch_gate_exec(const struct sshdwatch *w, const struct rawsys *s)
{
	long long sc = s->syscall;

	/* execve or execveat (x86_64, i386, aarch64). */
	if (w == NULL || (w->nsshd == 0 && !w->live))
		return 0;
	if (sc != 59 && sc != 322 && sc != 11 && sc != 358 && sc != 221 &&
	    sc != 281)
		return 0;
	if (w->nsshd > 0 && s->ppid > 0 &&
	    pid_in(w->sshdpids, w->nsshd, s->ppid))
		return 1;
	/* /proc is read only for processes of a login session. */
	if (!w->live || s->ses < 0 || s->ses == 4294967295LL)
		return 0;
	return proc_is_sshd(s->ppid);
}

/* The words of the model's Subsystem and ForceCommand: allowed programs. */
static int
configured_program(const struct sshdwatch *w, const char *exe, size_t n)
{
	size_t i, wl;
	const char *v;

	if (!w->have_model)
		return 0;
	for (i = 0; i < w->model.n; i++) {
		v = w->model.e[i].value;
		if (strcmp(w->model.e[i].key, "subsystem") == 0) {
			v += strcspn(v, " ");
			v += strspn(v, " ");
		} else if (strcmp(w->model.e[i].key, "forcecommand") != 0)
			continue;
		wl = strcspn(v, " \t");
		if (wl == n && memcmp(v, exe, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * A program sshd started directly.  Allowed: sshd's own processes and the
 * helpers it and PAM run, sftp-server, the configured Subsystems and
 * ForceCommand, a shell running as the account logged into (its uid is
 * the login id; a PAM module's script runs as root, before the login id
 * is set or with another one), and whatever such a shell became by exec
 * in place (`bash -c cmd' runs cmd in the same process).
 */
static int
child_rule(const struct rules_ctx *rc, struct sshdwatch *w,
    const struct event *ev, alert_fn fn, void *ctx)
{
	static char match[512];
	struct alert a;
	const char *b;
	size_t blen;
	int parent_sshd;

	if (!ev->have_exe || ev->success != 1 || ev->syscall_name == NULL ||
	    strncmp(ev->syscall_name, "execve", 6) != 0)
		return 0;
	b = path_base(ev->exe.p, ev->exe.len, &blen);
	if (is_sshd_name(b, blen)) {
		pid_add(w->sshdpids, &w->nsshd, &w->sshdhand, ev->pid);
		return 0;
	}
	parent_sshd = ev->ppid > 0 && (pid_in(w->sshdpids, w->nsshd,
	    ev->ppid) || (w->live && proc_recent(ev) &&
	    proc_is_sshd(ev->ppid)));
	if (!parent_sshd)
		return 0;
	if (in_list(shells, b, blen) && ev->auid >= 0 &&
	    ev->auid != 4294967295LL && ev->uid == ev->auid) {
		pid_add(w->shellpids, &w->nshell, &w->shellhand, ev->pid);
		return 0;
	}
	/* pam_motd's update-motd.d run (Debian, Ubuntu). */
	if (in_list(shells, b, blen) && ev->have_execve &&
	    ev->x.out_argc == 3 && strcmp(ev->x.out_argv[1], "-c") == 0 &&
	    strstr(ev->x.out_argv[2], "run-parts --lsbsysinit "
	    "/etc/update-motd.d") != NULL) {
		pid_add(w->shellpids, &w->nshell, &w->shellhand, ev->pid);
		return 0;
	}
	if (pid_in(w->shellpids, w->nshell, ev->pid) ||
	    in_list(sshd_helpers, b, blen) ||
	    configured_program(w, ev->exe.p, ev->exe.len))
		return 0;
	memset(&a, 0, sizeof(a));
	rules_enrich(rc, ev, &a);
	a.rule = "sshd-unexpected-child";
	a.severity = SEV_HIGH;
	a.confidence = CONF_HIGH;
	a.tags = tags_child;
	a.ev = ev;
	a.file_dirfd = -1;
	snprintf(match, sizeof(match), "%.*s", (int)ev->exe.len, ev->exe.p);
	a.match[a.nmatch++] = match;
	if (ev->auid < 0 || ev->auid == 4294967295LL)
		a.note = "started before the login completed (authentication: "
		    "a PAM module or sshd itself)";
	fn(ctx, &a);
	return 1;
}

int
sshdwatch_rules(const struct rules_ctx *rc, const struct event *ev,
    alert_fn fn, void *ctx)
{
	struct sshdwatch *w = rc->sshd;
	struct buf path;
	enum wop op;
	size_t blen, pblen;
	const char *b, *pb;
	int i, count = 0, config_done = 0;

	if (w == NULL)
		return 0;
	if (ev->have_execve)
		count += keyhunt_rules(rc, ev, fn, ctx);
	if (ev->have_syscall)
		count += child_rule(rc, w, ev, fn, ctx);
	if (ev->npaths == 0 || (op = event_wop(ev)) == WOP_NONE)
		return count;
	buf_init(&path, 2 * EVENT_MAX_FIELD + 2);
	for (i = 0; i < ev->npaths; i++) {
		const struct ev_path *p = &ev->paths[i];

		/*
		 * The old name of a rename (an editor's backup, vim's
		 * authorized_keys~) is not reported: the keys it held are
		 * kept, so that the file written in its place is compared
		 * with them rather than reported whole as added.
		 */
		if (!is_target(op, p->nametype) || !item_abs(ev, p, &path))
			continue;
		if (is_authkeys(rc, &path)) {
			count += keys_rule(rc, w, ev, &path, op,
			    op == WOP_DELETE, fn, ctx);
			continue;
		}
		b = path_base(path.p, path.len, &blen);
		pb = path_parent_base(path.p, path.len, &pblen);
		if ((path_under(path.p, path.len, "/etc/ssh") ||
		    has_prefix(path.p, path.len, w->config_dir)) &&
		    !config_done) {
			config_done = 1;
			count += config_rule(rc, w, ev, &path, op, fn, ctx);
		}
		if (blen == 5 && memcmp(b, "sshrc", 5) == 0 &&
		    path_under(path.p, path.len, "/etc/ssh"))
			count += hook_rule(rc, w, ev, &path, op, 0, fn, ctx);
		else if (pb != NULL && pblen == 4 && memcmp(pb, ".ssh", 4) ==
		    0 && ((blen == 2 && memcmp(b, "rc", 2) == 0) ||
		    (blen == 11 && memcmp(b, "environment", 11) == 0)))
			count += hook_rule(rc, w, ev, &path, op, blen == 11,
			    fn, ctx);
		else if (is_pam_stack(path.p, path.len))
			count += pam_rule(rc, w, ev, &path, op, fn, ctx);
		else if (is_pam_module(path.p, path.len))
			count += binary_rule(rc, ev, &path, op,
			    "pam-module-change", tags_pam, fn, ctx);
		else if (is_ssh_binary(path.p, path.len))
			count += binary_rule(rc, ev, &path, op,
			    "openssh-binary-replaced", tags_binary, fn, ctx);
	}
	buf_free(&path);
	return count;
}

/* Remembers the keys of one file, silently (a refusal is logged). */
static void
seed_file(struct sshdwatch *w, const struct users *u, const char *path,
    struct keyset *ks)
{
	uint8_t none[1][FPR_SHA256_LEN];
	size_t nrm;

	if (read_keys(w, u, path, ks) == 0)
		akeys_update(w->keys, path, (const uint8_t (*)[
		    FPR_SHA256_LEN])ks->d, ks->n, ks->added, none, 0, &nrm);
}

/*
 * The authorized_keys files known at start: every account's
 * ~/.ssh/authorized_keys{,2} and the files sshd's absolute
 * AuthorizedKeysFile patterns match.
 */
static void
keys_seed(struct sshdwatch *w, const struct users *u)
{
	static const char *const names[] = { ".ssh/authorized_keys",
	    ".ssh/authorized_keys2", NULL };
	struct keyset ks;
	char path[4096];
	size_t i, j;
	glob_t g;

	if (keyset_init(&ks) == -1) {
		keyset_free(&ks);
		return;
	}
	for (i = 0; u != NULL && i < u->n; i++)
		for (j = 0; names[j] != NULL; j++)
			if (u->e[i].home != NULL && snprintf(path,
			    sizeof(path), "%s/%s", u->e[i].home, names[j]) <
			    (int)sizeof(path))
				seed_file(w, u, path, &ks);
	for (i = 0; i < w->nakf; i++) {
		if (w->akf[i].home)
			continue;
		memset(&g, 0, sizeof(g));
		if (glob(w->akf[i].pat, 0, NULL, &g) == 0)
			for (j = 0; j < g.gl_pathc && j < AKEYS_MAX_FILES; j++)
				seed_file(w, u, g.gl_pathv[j], &ks);
		globfree(&g);
	}
	keyset_free(&ks);
}

size_t
sshdwatch_start(struct sshdwatch *w, const struct users *u)
{
	w->live = 1;
	pam_seed(w);
	sshdconf_free(&w->model);
	memset(&w->model, 0, sizeof(w->model));
	w->have_model = 0;
	if (sshdconf_load(w->config_path, &w->model) == -1) {
		w->st.refused++;
		sshdconf_free(&w->model);
		keys_seed(w, u);
		return 0;
	}
	w->have_model = 1;
	akf_rebuild(w);
	keys_seed(w, u);
	return w->model.n;
}
