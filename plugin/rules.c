/*
 * rules: detection (see rules.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "rules.h"

static const char *const tags_tunnel[] = { "tunnel", "T1021.004", "T1572",
    NULL };
static const char *const tags_stdio[] = { "tunnel", "pivot", "T1021.004",
    "T1572", "T1090", NULL };
static const char *const tags_pivot[] = { "pivot", "T1021.004", "T1090",
    NULL };
static const char *const tags_key[] = { "key", "T1021.004", NULL };
static const char *const tags_hostcheck[] = { "no-hostcheck", "T1021.004",
    NULL };
static const char *const tags_agent[] = { "agent-forwarding", "T1021.004",
    "T1563.001", NULL };
static const char *const tags_authkeys[] = { "authorized-keys", "T1098.004",
    NULL };
static const char *const tags_truncated[] = { "truncated", "T1021.004",
    NULL };

const char *const rules_ids[] = {
	"ssh-dynamic-forward", "ssh-local-forward", "ssh-remote-forward",
	"ssh-tun-device", "ssh-stdio-forward", "ssh-no-command",
	"ssh-proxy-jump", "ssh-proxy-command", "ssh-identity-file",
	"ssh-add-key", "ssh-no-hostcheck", "ssh-agent-forward",
	"ssh-identity-agent", "ssh-argv-truncated", "authorized-keys-write",
	NULL
};

/* ld.so's own options that take an argument (glibc's rtld.c). */
static const char *const ldso_argopts[] = {
	"--library-path", "--inhibit-rpath", "--audit", "--preload",
	"--argv0", "--glibc-hwcaps-prefix", "--glibc-hwcaps-mask", NULL
};

static int
is_ldso(const char *base, size_t n)
{
	return (n >= 8 && memcmp(base, "ld-linux", 8) == 0) ||
	    (n >= 5 && memcmp(base, "ld.so", 5) == 0) ||
	    (n >= 6 && memcmp(base, "ld-", 3) == 0 &&
	    memmem(base, n, ".so", 3) != NULL);
}

static enum sshprog
prog_of_path(const struct cfg *cfg, const char *path, size_t n)
{
	const char *base;
	char name[16];
	size_t blen, i;
	int p;

	for (p = SSHPROG_SSH; p <= SSHPROG_SSH_AGENT; p++)
		for (i = 0; i < cfg->prog_paths[p].n; i++)
			if (strlen(cfg->prog_paths[p].v[i]) == n &&
			    memcmp(cfg->prog_paths[p].v[i], path, n) == 0)
				return (enum sshprog)p;
	base = path_base(path, n, &blen);
	if (blen >= sizeof(name) || memchr(base, '\0', blen) != NULL)
		return SSHPROG_NONE;
	memcpy(name, base, blen);
	name[blen] = '\0';
	return sshprog_from_name(name);
}

enum sshprog
rules_program(const struct cfg *cfg, const struct event *ev,
    size_t *argv_off, const char **via)
{
	const char *exe = buf_str(&ev->exe), *base;
	size_t n = ev->exe.len, blen, i, j;

	*argv_off = 0;
	*via = NULL;
	if (!ev->have_exe || n == 0)
		return SSHPROG_NONE;
	/* A binary replaced while running shows as "/path (deleted)". */
	if (n > 10 && memcmp(exe + n - 10, " (deleted)", 10) == 0)
		n -= 10;
	base = path_base(exe, n, &blen);
	if (!is_ldso(base, blen))
		return prog_of_path(cfg, exe, n);
	/* "ld.so [OPTIONS] PROGRAM ARGS": the program is what runs. */
	if (!ev->have_execve)
		return SSHPROG_NONE;
	for (i = 1; i < ev->x.out_argc; i++) {
		const char *a = ev->x.out_argv[i];

		if (strncmp(a, "--", 2) != 0)
			break;
		for (j = 0; ldso_argopts[j] != NULL; j++)
			if (strcmp(a, ldso_argopts[j]) == 0)
				break;
		if (ldso_argopts[j] != NULL)
			i++;
	}
	if (i >= ev->x.out_argc)
		return SSHPROG_NONE;
	*argv_off = i;
	*via = "ld.so";
	return prog_of_path(cfg, ev->x.out_argv[i], ev->x.out_len[i]);
}

/* The process as the path rules see it. */
static void
actor_of(const struct rules_ctx *rc, const struct event *ev, struct actor *a)
{
	memset(a, 0, sizeof(*a));
	a->uid = ev->uid;
	a->user = ev->uid_name;
	if (a->user == NULL && ev->uid >= 0)
		a->user = users_name_of_uid(rc->users, ev->uid);
	if (ev->have_cwd && ev->cwd.len > 0 && ev->cwd.p[0] == '/') {
		a->cwd = ev->cwd.p;
		a->cwdlen = ev->cwd.len;
	}
}

/* Working state for the alerts of one execution. */
struct execrun {
	const struct rules_ctx	*rc;
	const struct event	*ev;
	const struct sshopt	*so;
	struct actor		 actor;
	const char		*via;
	alert_fn		 fn;
	void			*ctx;
	int			 count;
	struct buf		 paths[ALERT_MAX_KEYS];
};

static void
alert_init(struct execrun *r, struct alert *a, const char *rule,
    enum severity sev, const char *const *tags)
{
	memset(a, 0, sizeof(*a));
	a->rule = rule;
	a->severity = sev;
	a->confidence = CONF_HIGH;
	a->tags = tags;
	a->program = r->so->prog;
	a->destination_host = r->so->host;
	a->destination_user = r->so->user;
	a->ev = r->ev;
	a->via = r->via;
	a->file_dirfd = -1;
	if (r->ev->x.truncated) {
		a->truncated = 1;
		a->confidence = CONF_MEDIUM;
		a->note = "argv was truncated: options past the cap were not "
		    "examined";
	}
	if (r->so->reject != NULL) {
		a->confidence = CONF_LOW;
		a->note = r->so->reject;
	}
}

static void
add_match(struct alert *a, const char *text)
{
	size_t i;

	if (text == NULL || a->nmatch >= ALERT_MAX_MATCH)
		return;
	for (i = 0; i < a->nmatch; i++)
		if (strcmp(a->match[i], text) == 0)
			return;
	a->match[a->nmatch++] = text;
}

static void
emit(struct execrun *r, struct alert *a)
{
	r->fn(r->ctx, a);
	r->count++;
}

/* The options that make a tunnel stealthier: -N, -f, -g. */
static void
add_support(struct alert *a, const struct sshopt *so)
{
	size_t i;

	for (i = 0; i < so->nfinds; i++)
		if (so->finds[i].kind == SF_NO_COMMAND ||
		    so->finds[i].kind == SF_FORK ||
		    so->finds[i].kind == SF_GATEWAY_PORTS)
			add_match(a, so->finds[i].text);
}

/* One alert for all findings of one kind. */
static int
rule_kind(struct execrun *r, enum sshfind_kind k, const char *rule,
    enum severity sev, const char *const *tags, int support)
{
	const struct sshopt *so = r->so;
	struct alert a;
	size_t i;
	int any = 0;

	alert_init(r, &a, rule, sev, tags);
	for (i = 0; i < so->nfinds; i++) {
		if (so->finds[i].kind != k)
			continue;
		any = 1;
		add_match(&a, so->finds[i].text);
		/* A forward open to every address: one step worse. */
		if (so->finds[i].bind_all && a.severity < SEV_CRITICAL &&
		    a.severity == sev)
			a.severity = (enum severity)(sev + 1);
	}
	if (!any)
		return 0;
	if (support)
		add_support(&a, so);
	emit(r, &a);
	return 1;
}

static enum severity
key_severity(enum keyloc loc)
{
	switch (loc) {
	case KEYLOC_OWN_HOME:
		return SEV_LOW;
	case KEYLOC_ELSEWHERE:
	case KEYLOC_UNKNOWN_HOME:
		return SEV_MEDIUM;
	default:
		return SEV_HIGH;
	}
}

/* -i, IdentityFile and ssh-add: severity by where the key lives. */
static void
rule_keys(struct execrun *r, enum sshfind_kind k, const char *rule)
{
	const struct sshopt *so = r->so;
	struct alert a;
	size_t i;
	int any = 0, unknown = 0;

	alert_init(r, &a, rule, SEV_LOW, tags_key);
	for (i = 0; i < so->nfinds; i++) {
		const struct sshfind *f = &so->finds[i];
		struct buf *pb;
		enum keyloc loc;

		if (f->kind != k)
			continue;
		any = 1;
		add_match(&a, f->text);
		if (a.nkeys >= ALERT_MAX_KEYS)
			continue;
		pb = &r->paths[a.nkeys];
		if (f->value == NULL) {
			/* ssh-add's default keys, or resident keys (-K). */
			continue;
		}
		if (strcmp(f->value, "-") == 0) {
			/* ssh-add - : a key read from standard input. */
			buf_reset(pb);
			buf_adds(pb, "/dev/stdin");
		} else if (pathclass_resolve(f->value, &r->actor,
		    r->rc->users, pb) == -1)
			continue;
		if (pb->len == 0 || pb->p[0] != '/') {
			unknown = 1;	/* relative, and no cwd to join */
			loc = KEYLOC_ELSEWHERE;
		} else
			loc = pathclass_key(pb->p, pb->len, &r->actor,
			    r->rc->users);
		if (loc == KEYLOC_UNKNOWN_HOME)
			unknown = 1;
		a.keys[a.nkeys].path = pb->p;
		a.keys[a.nkeys].loc = loc;
		a.nkeys++;
		if (key_severity(loc) > a.severity)
			a.severity = key_severity(loc);
	}
	if (!any)
		return;
	if (unknown && a.confidence > CONF_MEDIUM) {
		a.confidence = CONF_MEDIUM;
		a.note = "the key's owner relative to the process user is "
		    "not known";
	}
	emit(r, &a);
}

/* IdentityAgent pointing at someone else's agent socket. */
static void
rule_identity_agent(struct execrun *r)
{
	const struct sshopt *so = r->so;
	struct buf *pb = &r->paths[0];
	struct alert a;
	size_t i;
	int foreign;

	for (i = 0; i < so->nfinds; i++) {
		const struct sshfind *f = &so->finds[i];

		if (f->kind != SF_IDENTITY_AGENT || f->value == NULL)
			continue;
		if (pathclass_resolve(f->value, &r->actor, r->rc->users, pb) ==
		    -1 || pb->len == 0 || pb->p[0] != '/')
			continue;
		foreign = pathclass_foreign_agent(pb->p, pb->len, &r->actor,
		    r->rc->users);
		if (foreign == 0)
			continue;
		alert_init(r, &a, "ssh-identity-agent",
		    foreign == 2 ? SEV_HIGH : SEV_MEDIUM, tags_agent);
		if (foreign == 1 && a.confidence > CONF_MEDIUM) {
			a.confidence = CONF_MEDIUM;
			a.note = "the socket's owner is not known";
		}
		add_match(&a, f->text);
		emit(r, &a);
		return;
	}
}

static int
rules_exec(const struct rules_ctx *rc, const struct event *ev, alert_fn fn,
    void *ctx, struct rules_stats *st)
{
	struct execrun r;
	struct sshopt so;
	enum sshprog prog;
	size_t off, i;
	int tunnels, version;

	if (!ev->have_execve || !ev->have_syscall || ev->success != 1)
		return 0;
	prog = rules_program(rc->cfg, ev, &off, &r.via);
	if (prog == SSHPROG_NONE || prog == SSHPROG_SSH_AGENT)
		return 0;
	st->execs_examined++;
	version = rc->openssh_version;
	if (sshopt_parse(&so, prog, version, ev->x.out_argc - off,
	    ev->x.out_argv + off) == -1 && so.nfinds == 0) {
		sshopt_free(&so);
		return 0;
	}
	/* Finding indexes are relative to the program's own argv. */
	if (so.reject != NULL)
		st->rejected_argv++;
	if (ev->x.truncated)
		st->truncated_argv++;
	memset(&r.paths, 0, sizeof(r.paths));
	for (i = 0; i < ALERT_MAX_KEYS; i++)
		buf_init(&r.paths[i], 8192);
	r.rc = rc;
	r.ev = ev;
	r.so = &so;
	r.fn = fn;
	r.ctx = ctx;
	r.count = 0;
	actor_of(rc, ev, &r.actor);
	if (so.no_connect)
		goto out;

	tunnels = rule_kind(&r, SF_DYNAMIC_FORWARD, "ssh-dynamic-forward",
	    SEV_HIGH, tags_tunnel, 1);
	tunnels += rule_kind(&r, SF_LOCAL_FORWARD, "ssh-local-forward",
	    SEV_MEDIUM, tags_tunnel, 1);
	tunnels += rule_kind(&r, SF_REMOTE_FORWARD, "ssh-remote-forward",
	    SEV_HIGH, tags_tunnel, 1);
	tunnels += rule_kind(&r, SF_TUN_DEVICE, "ssh-tun-device", SEV_HIGH,
	    tags_tunnel, 1);
	tunnels += rule_kind(&r, SF_STDIO_FORWARD, "ssh-stdio-forward",
	    SEV_MEDIUM, tags_stdio, 0);
	if (tunnels == 0)
		rule_kind(&r, SF_NO_COMMAND, "ssh-no-command", SEV_LOW,
		    tags_tunnel, 1);
	rule_kind(&r, SF_PROXY_JUMP, "ssh-proxy-jump", SEV_MEDIUM, tags_pivot,
	    0);
	rule_kind(&r, SF_PROXY_COMMAND, "ssh-proxy-command", SEV_MEDIUM,
	    tags_pivot, 0);
	rule_keys(&r, SF_IDENTITY_FILE, "ssh-identity-file");
	rule_keys(&r, SF_ADD_KEY, "ssh-add-key");
	rule_kind(&r, SF_NO_HOSTCHECK, "ssh-no-hostcheck", SEV_MEDIUM,
	    tags_hostcheck, 0);
	rule_kind(&r, SF_AGENT_FORWARD, "ssh-agent-forward", SEV_MEDIUM,
	    tags_agent, 0);
	rule_identity_agent(&r);
	if (r.count == 0 && ev->x.truncated) {
		struct alert a;

		/* Options may hide past the cap: say so rather than pass. */
		alert_init(&r, &a, "ssh-argv-truncated", SEV_MEDIUM,
		    tags_truncated);
		a.confidence = CONF_LOW;
		emit(&r, &a);
	}
 out:
	for (i = 0; i < ALERT_MAX_KEYS; i++)
		buf_free(&r.paths[i]);
	sshopt_free(&so);
	return r.count;
}

/* Linux's generic open(2) flags (x86, arm, arm64, riscv, s390, ppc). */
#define SW_O_ACCMODE	03
#define SW_O_CREAT	0100
#define SW_O_TRUNC	01000
#define SW_O_APPEND	02000
#define SW_AT_FDCWD	0xffffff9cULL

enum fileop { FOP_NONE, FOP_OPEN, FOP_RENAME, FOP_LINK, FOP_SYMLINK,
    FOP_TRUNCATE };

/* What a syscall does to the names it logs, and which arg is a dirfd. */
static enum fileop
file_syscall(const struct event *ev, unsigned long long *flags, int *flags_known,
    int *dirfd_arg)
{
	const char *s = ev->syscall_name;

	*flags_known = 1;
	*flags = 0;
	*dirfd_arg = -1;
	if (s == NULL)
		return FOP_NONE;
	if (strcmp(s, "open") == 0) {
		*flags = ev->a[1];
		return FOP_OPEN;
	}
	if (strcmp(s, "openat") == 0) {
		*flags = ev->a[2];
		*dirfd_arg = 0;
		return FOP_OPEN;
	}
	if (strcmp(s, "openat2") == 0) {
		/* Its flags are in a struct; the OPENAT2 record has them. */
		*flags = ev->oflag;
		*flags_known = ev->have_oflag;
		*dirfd_arg = 0;
		return FOP_OPEN;
	}
	if (strcmp(s, "creat") == 0) {
		*flags = 01 | SW_O_CREAT | SW_O_TRUNC;
		return FOP_OPEN;
	}
	if (strcmp(s, "rename") == 0)
		return FOP_RENAME;
	if (strcmp(s, "renameat") == 0 || strcmp(s, "renameat2") == 0) {
		*dirfd_arg = 2;		/* newdirfd */
		return FOP_RENAME;
	}
	if (strcmp(s, "link") == 0)
		return FOP_LINK;
	if (strcmp(s, "linkat") == 0) {
		*dirfd_arg = 2;
		return FOP_LINK;
	}
	if (strcmp(s, "symlink") == 0)
		return FOP_SYMLINK;
	if (strcmp(s, "symlinkat") == 0) {
		*dirfd_arg = 1;
		return FOP_SYMLINK;
	}
	if (strcmp(s, "truncate") == 0 || strcmp(s, "truncate64") == 0)
		return FOP_TRUNCATE;
	return FOP_NONE;
}

static const char *
open_op(unsigned long long flags, enum nametype nt)
{
	if (flags & SW_O_APPEND)
		return "append";
	if (flags & SW_O_TRUNC)
		return "truncate";
	if (nt == NT_CREATE)
		return "create";
	return "write";
}

static int
rules_file(const struct rules_ctx *rc, const struct event *ev, alert_fn fn,
    void *ctx)
{
	unsigned long long flags;
	int flags_known, dirfd_arg, i, count = 0;
	enum fileop op;
	struct buf path;
	struct alert a;

	if (!ev->have_syscall || ev->success != 1 || ev->npaths == 0)
		return 0;
	op = file_syscall(ev, &flags, &flags_known, &dirfd_arg);
	if (op == FOP_NONE)
		return 0;
	if (op == FOP_OPEN && flags_known &&
	    (flags & SW_O_ACCMODE) == 0 &&
	    !(flags & (SW_O_CREAT | SW_O_TRUNC | SW_O_APPEND)))
		return 0;		/* a read */
	buf_init(&path, 2 * EVENT_MAX_FIELD + 2);
	for (i = 0; i < ev->npaths; i++) {
		const struct ev_path *p = &ev->paths[i];
		const char *name = buf_str(&p->name);
		int resolved = 1, relative;
		long long dirfd = -1;

		if (!p->have_name || p->name.len == 0)
			continue;
		/* The names a syscall writes: see file_syscall(). */
		if (op == FOP_OPEN && p->nametype != NT_NORMAL &&
		    p->nametype != NT_CREATE && p->nametype != NT_UNSET)
			continue;
		if ((op == FOP_RENAME || op == FOP_LINK || op == FOP_SYMLINK) &&
		    p->nametype != NT_CREATE)
			continue;
		if (op == FOP_TRUNCATE && p->nametype != NT_NORMAL &&
		    p->nametype != NT_UNSET)
			continue;
		relative = name[0] != '/';
		if (relative && dirfd_arg >= 0 &&
		    (ev->a[dirfd_arg] & 0xffffffffULL) != SW_AT_FDCWD) {
			/* Relative to a directory fd we cannot see. */
			resolved = 0;
			dirfd = (long long)(ev->a[dirfd_arg] & 0xffffffffULL);
			path_join(NULL, 0, name, p->name.len, &path);
		} else if (relative && !ev->have_cwd) {
			resolved = 0;
			path_join(NULL, 0, name, p->name.len, &path);
		} else
			path_join(ev->cwd.p, ev->cwd.len, name, p->name.len,
			    &path);
		if (path.over)
			continue;
		if (resolved) {
			if (!pathclass_authkeys(path.p, path.len,
			    rc->cfg->authorized_keys_paths.v,
			    rc->cfg->authorized_keys_paths.n))
				continue;
		} else {
			/*
			 * Only the name is known: "authorized_keys" alone, or
			 * ".ssh/authorized_keys" whose parent we can check.
			 */
			size_t blen, pblen;
			const char *b = path_base(path.p, path.len, &blen);
			const char *pb = path_parent_base(path.p, path.len,
			    &pblen);

			if (!((blen == 15 &&
			    memcmp(b, "authorized_keys", 15) == 0) ||
			    (blen == 16 &&
			    memcmp(b, "authorized_keys2", 16) == 0)))
				continue;
			if (pb != NULL && !(pblen == 4 &&
			    memcmp(pb, ".ssh", 4) == 0))
				continue;
		}
		memset(&a, 0, sizeof(a));
		a.rule = "authorized-keys-write";
		a.severity = SEV_HIGH;
		a.confidence = CONF_HIGH;
		a.tags = tags_authkeys;
		a.ev = ev;
		a.file_path = path.p;
		a.file_pathlen = path.len;
		a.file_resolved = resolved;
		a.file_dirfd = dirfd;
		a.match[a.nmatch++] = path.p;
		switch (op) {
		case FOP_OPEN:
			a.file_op = open_op(flags, p->nametype);
			if (!flags_known) {
				a.confidence = CONF_MEDIUM;
				a.note = "open flags not logged";
				a.file_op = "open";
			}
			break;
		case FOP_RENAME:
			a.file_op = "rename";
			break;
		case FOP_LINK:
			a.file_op = "link";
			break;
		case FOP_SYMLINK:
			a.file_op = "symlink";
			break;
		default:
			a.file_op = "truncate";
			break;
		}
		if (!resolved) {
			a.confidence = CONF_MEDIUM;
			a.note = "name relative to a directory the record does "
			    "not show";
		}
		fn(ctx, &a);
		count++;
		break;		/* one alert per event */
	}
	buf_free(&path);
	return count;
}

int
rules_run(const struct rules_ctx *rc, const struct event *ev, alert_fn fn,
    void *ctx, struct rules_stats *st)
{
	int n;

	n = rules_exec(rc, ev, fn, ctx, st);
	n += rules_file(rc, ev, fn, ctx);
	st->alerts += (unsigned long long)n;
	return n;
}
