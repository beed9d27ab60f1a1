/*
 * rules: detection (see rules.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "homewatch.h"
#include "gitssh.h"
#include "keyfile.h"
#include "keysniff.h"
#include "path.h"
#include "prog.h"
#include "clientconf.h"
#include "mountrules.h"
#include "plantconf.h"
#include "procpath.h"
#include "rules.h"
#include "sockrules.h"
#include "sshconf.h"
#include "sshdirs.h"
#include "uringop.h"
#include "sshdwatch.h"

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
static const char *const tags_chain[] = { "chain", "pivot", "T1021.004",
    "T1090.003", NULL };
static const char *const tags_keyread[] = { "key", "T1552.004",
    "T1021.004", NULL };
static const char *const tags_planted[] = { "client-config", "persistence",
    "tunnel", "T1572", "T1021.004", "T1090", NULL };
static const char *const tags_sshdir[] = { "authorized-keys", "T1098.004",
    NULL };

const char *const rules_ids[] = {
	"ssh-dynamic-forward", "ssh-local-forward", "ssh-remote-forward",
	"ssh-tun-device", "ssh-stdio-forward", "ssh-no-command",
	"ssh-proxy-jump", "ssh-proxy-command", "ssh-identity-file",
	"ssh-add-key", "ssh-no-hostcheck", "ssh-agent-forward",
	"ssh-identity-agent", "ssh-argv-truncated", "ssh-chain",
	"ssh-key-read", "authorized-keys-write", "authorized-keys-link",
	"ssh-config-planted",
	"ssh-forward-listen", "ssh-control-master", "ssh-agent-hijack",
	"sshd-tunnel-connect", "sshd-tunnel-listen", "ssh-client-copied",
	"sshd-config-change", "pam-config-change", "pam-module-change",
	"ssh-session-hook", "openssh-binary-replaced", "authorized-keys-added",
	"authorized-keys-removed", "ssh-key-hunt", "ssh-keygen-key",
	"sshd-unexpected-child",
	"ssh-dir-replaced", "account-unwatched", "ssh-config-dir-mounted",
	NULL
};

/* ld.so's own options that take an argument (glibc's rtld.c). */
static const char *const ldso_argopts[] = {
	"--library-path", "--inhibit-rpath", "--audit", "--preload",
	"--argv0", "--glibc-hwcaps-prefix", "--glibc-hwcaps-mask", NULL
};

enum sshprog
rules_program(const struct cfg *cfg, const struct event *ev,
    size_t *argv_off, const char **via)
{
	const char *exe = buf_str(&ev->exe);
	size_t n = ev->exe.len, i, j;

	*argv_off = 0;
	*via = NULL;
	if (!ev->have_exe || n == 0)
		return SSHPROG_NONE;
	if (!prog_is_ldso(exe, n))
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

void
rules_enrich(const struct rules_ctx *rc, const struct event *ev,
    struct alert *a)
{
	if (rc->ctx == NULL || ev->pid < 0)
		return;
	a->nanc = context_ancestry(rc->ctx, ev->node, ev->ppid,
	    context_time(ev->time, strlen(ev->time)), a->anc, PROCS_DEPTH);
	a->session = context_session(rc->ctx, ev->node, ev->ses);
}

void
rules_actor_of(const struct rules_ctx *rc, const struct event *ev,
    struct actor *a)
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
	const char		*first_rule;	/* of this execution */
	size_t			 argv_off;	/* so's argv in ev->x */
	struct buf		 paths[ALERT_MAX_KEYS];
	const struct sshconf	*conf;		/* files read, or NULL */
	int			 examined;	/* options all seen */
	char			 conf_note[320];
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
	if (r->ev->x.truncated)
		a->truncated = 1;
	if (r->ev->x.truncated && !r->examined) {
		a->confidence = CONF_MEDIUM;
		a->note = "argv was truncated: options past the cap were not "
		    "examined";
	}
	if (r->so->reject != NULL) {
		a->confidence = CONF_LOW;
		a->note = r->so->reject;
	}
	clientconf_note(r->rc, r->conf, r->so, a, r->conf_note,
	    sizeof(r->conf_note));
	rules_enrich(r->rc, r->ev, a);
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
	if (r->count++ == 0)
		r->first_rule = a->rule;
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
		clientconf_unsure(&a, &so->finds[i]);
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
	int any = 0, unknown = 0, res;

	alert_init(r, &a, rule, SEV_LOW, tags_key);
	for (i = 0; i < so->nfinds; i++) {
		const struct sshfind *f = &so->finds[i];
		struct buf *pb;
		enum keyloc loc;

		if (f->kind != k)
			continue;
		any = 1;
		add_match(&a, f->text);
		clientconf_unsure(&a, f);
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
		} else if ((res = pathclass_resolve(f->value, &r->actor,
		    r->rc->users, pb)) == -1) {
			continue;
		} else if (res == 1) {
			/* ~/key with no known home: someone's home. */
			buf_reset(pb);
			buf_adds(pb, f->value);
			a.keys[a.nkeys].path = pb->p;
			a.keys[a.nkeys++].loc = KEYLOC_UNKNOWN_HOME;
			unknown = 1;
			if (key_severity(KEYLOC_UNKNOWN_HOME) > a.severity)
				a.severity = key_severity(KEYLOC_UNKNOWN_HOME);
			continue;
		}
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
		/* ssh-key-read then knows it by this name (idfiles.h). */
		if (k == SF_IDENTITY_FILE && pb->p[0] == '/')
			idfiles_note(r->rc->idfiles, r->ev->node, r->ev->uid,
			    pb->p, pb->len);
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
		if (pathclass_resolve(f->value, &r->actor, r->rc->users, pb) !=
		    0 || pb->len == 0 || pb->p[0] != '/')
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
		clientconf_unsure(&a, f);
		emit(r, &a);
		return;
	}
}

/* For --correlate: every client that connects somewhere. */
static void
note_outbound(struct execrun *r)
{
	const struct event *ev = r->ev;
	const struct sshopt *so = r->so;
	struct corr_out o;

	if (so->prog == SSHPROG_SSH_ADD || so->host == NULL)
		return;
	memset(&o, 0, sizeof(o));
	if (ev->node != NULL)
		snprintf(o.node, sizeof(o.node), "%s", ev->node);
	snprintf(o.stamp, sizeof(o.stamp), "%s", ev->time);
	o.t = context_time(ev->time, strlen(ev->time));
	o.ses = ev->ses;
	o.pid = ev->pid;
	o.ppid = ev->ppid;
	if (r->actor.user != NULL)
		snprintf(o.user, sizeof(o.user), "%s", r->actor.user);
	else
		snprintf(o.user, sizeof(o.user), "%lld", ev->uid);
	if (so->user != NULL)
		snprintf(o.duser, sizeof(o.duser), "%s", so->user);
	snprintf(o.dhost, sizeof(o.dhost), "%s", so->host);
	o.rule = r->first_rule;
	correlate_outbound(r->rc->corr, &o);
}

/*
 * A client started inside a session that came in over SSH: this host is
 * a hop between the session's origin and the destination.
 */
static void
rule_chain(struct execrun *r)
{
	static char from[2 * SESSIONS_STR + 16], to[512];
	const struct session *se;
	const char *why;
	struct alert a;

	if (r->so->prog == SSHPROG_SSH_ADD || r->so->host == NULL ||
	    r->rc->ctx == NULL)
		return;
	se = context_session(r->rc->ctx, r->ev->node, r->ev->ses);
	if (se == NULL)
		return;
	alert_init(r, &a, "ssh-chain", SEV_HIGH, tags_chain);
	/*
	 * git fetch/push over ssh: a hop, but git's own (gitssh.h); not when
	 * argv was cut, as words of the remote command may be missing.
	 */
	if (!r->ev->x.truncated && (why = gitssh_transport(r->so,
	    r->ev->x.out_argc - r->argv_off, r->ev->x.out_argv + r->argv_off,
	    a.anc, a.nanc)) != NULL) {
		a.severity = SEV_LOW;
		a.note = why;
	}
	snprintf(from, sizeof(from), "from %s as %s",
	    se->addr[0] != '\0' ? se->addr : "?",
	    se->acct[0] != '\0' ? se->acct : "?");
	snprintf(to, sizeof(to), "to %s%s%s", r->so->user != NULL ?
	    r->so->user : "", r->so->user != NULL ? "@" : "", r->so->host);
	add_match(&a, from);
	add_match(&a, to);
	emit(r, &a);
}

int
rules_options_examined(const struct event *ev, size_t off,
    const struct sshopt *so)
{
	const char *w;

	if (!ev->x.truncated)
		return 1;
	if (so->host == NULL || so->host[0] == '\0' || so->host_argi < 0)
		return 0;		/* the destination was past the cut */
	if (so->prog != SSHPROG_SSH)
		return 1;		/* scp, sftp: no option after operands */
	/*
	 * ssh reads options after the host too, up to the remote command:
	 * the command's first word must be whole enough to be a non-option
	 * (a cut can leave "" or "-", which getopt would also stop at).
	 */
	if (so->command_argi <= so->host_argi ||
	    off + (size_t)so->command_argi >= ev->x.out_argc)
		return 0;
	w = ev->x.out_argv[off + (size_t)so->command_argi];
	return w[0] != '\0' && strcmp(w, "-") != 0;
}

static int
rules_exec(const struct rules_ctx *rc, const struct event *ev, alert_fn fn,
    void *ctx, struct rules_stats *st)
{
	struct execrun r;
	struct sshopt so;
	struct sshconf sc;
	enum sshprog prog;
	size_t off, i;
	int tunnels, version;

	if (!ev->have_execve || !ev->have_syscall || ev->success != 1)
		return 0;
	prog = rules_program(rc->cfg, ev, &off, &r.via);
	if (prog == SSHPROG_NONE)
		prog = sockrules_exec_program(rc, ev, &r.via);
	if (prog == SSHPROG_NONE || prog == SSHPROG_SSH_AGENT)
		return 0;
	st->execs_examined++;
	version = rc->openssh_version;
	if (sshopt_parse(&so, prog, version, ev->x.out_argc - off,
	    ev->x.out_argv + off) == -1 && so.nfinds == 0) {
		sshopt_free(&so);
		return 0;
	}
	/* The configuration files ssh reads next, applied after argv. */
	r.conf = NULL;
	if (clientconf_read(rc, ev, &so, &sc, st) == 0) {
		r.conf = &sc;
		sshopt_free(&so);
		sshopt_parse_conf(&so, prog, version, ev->x.out_argc - off,
		    ev->x.out_argv + off, sc.lines, sc.nlines);
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
	r.examined = rules_options_examined(ev, off, &so);
	r.fn = fn;
	r.ctx = ctx;
	r.count = 0;
	r.first_rule = NULL;
	r.argv_off = off;
	rules_actor_of(rc, ev, &r.actor);
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
	rule_chain(&r);
	if (rc->corr != NULL)
		note_outbound(&r);
	if (r.count == 0 && ev->x.truncated && !r.examined) {
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
	if (r.conf != NULL)
		sshconf_free(&sc);
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
file_syscall_named(const struct event *ev, const char *s,
    unsigned long long *flags, int *flags_known, int *dirfd_arg)
{

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
	if (strcmp(s, "open_by_handle_at") == 0) {
		/* (mount_fd, handle, flags): no name, no directory. */
		*flags = ev->a[2];
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

/*
 * file_syscall_named() for the event's system call, or for the one its
 * io_uring op stands for (uringop.h): then the flags and the directory
 * descriptor are not logged (a relative name is taken against the CWD,
 * and the PARENT record's inode tells a .ssh by another name).
 */
static enum fileop
file_syscall(const struct event *ev, unsigned long long *flags, int *flags_known,
    int *dirfd_arg)
{
	enum fileop op;

	if (ev->uring_op < 0)
		return file_syscall_named(ev, ev->syscall_name, flags,
		    flags_known, dirfd_arg);
	op = file_syscall_named(ev, uringop_syscall(ev->uring_op), flags,
	    flags_known, dirfd_arg);
	*flags = 0;
	*flags_known = 0;
	*dirfd_arg = -1;
	return op;
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

/*
 * Resolves a PATH item's name: against the cwd, unless the syscall took
 * it relative to a directory descriptor (then *dirfd is set and 0 is
 * returned with the bare normalised name in out).  Returns 1 when out holds
 * an absolute path.
 */
static int
item_path(const struct event *ev, const struct ev_path *p, int dirfd_arg,
    struct buf *out, long long *dirfd)
{
	const char *name = buf_str(&p->name);
	size_t rest;

	*dirfd = -1;
	if (name[0] != '/' && dirfd_arg >= 0 &&
	    (ev->a[dirfd_arg] & 0xffffffffULL) != SW_AT_FDCWD) {
		*dirfd = (long long)(ev->a[dirfd_arg] & 0xffffffffULL);
		path_join(NULL, 0, name, p->name.len, out);
		return 0;
	}
	if (name[0] != '/' && !ev->have_cwd) {
		path_join(NULL, 0, name, p->name.len, out);
		return 0;
	}
	if (ev->have_cwd && procpath_cwd(name, p->name.len, ev->pid, &rest)) {
		/* /proc/self/cwd/REST: the CWD record's directory. */
		buf_reset(out);
		path_join(ev->cwd.p, ev->cwd.len, rest < p->name.len ?
		    name + rest + 1 : ".", rest < p->name.len ?
		    p->name.len - rest - 1 : 1, out);
		return !out->over && out->len > 0 && out->p[0] == '/';
	}
	path_join(ev->cwd.p, ev->cwd.len, name, p->name.len, out);
	return !out->over && out->len > 0 && out->p[0] == '/';
}

/*
 * item_path(), and a name relative to a descriptor resolved through the
 * process's earlier open of that directory (dirfds.h) when one was seen.
 */
static int
item_path_rc(const struct rules_ctx *rc, const struct event *ev,
    const struct ev_path *p, int dirfd_arg, struct buf *out,
    long long *dirfd)
{
	if (item_path(ev, p, dirfd_arg, out, dirfd))
		return 1;
	/* A partial (relative) result is left in out, unresolved. */
	return *dirfd >= 0 && dirfds_resolve(rc->dirfds, ev, *dirfd,
	    buf_str(&p->name), p->name.len, out) == 1;
}

static int
is_ak_name(const char *p, size_t n)
{
	size_t blen;
	const char *b = path_base(p, n, &blen);

	return (blen == 15 && memcmp(b, "authorized_keys", 15) == 0) ||
	    (blen == 16 && memcmp(b, "authorized_keys2", 16) == 0);
}

/*
 * Is this (possibly unresolved) name an authorized_keys file?  A resolved
 * path is judged in full; of an unresolved one only the name is known:
 * "authorized_keys" alone, or with a parent, a ".ssh" parent.
 */
static int
is_ak(const struct rules_ctx *rc, const struct buf *path, int resolved)
{
	size_t pblen;
	const char *pb;

	if (path->over || path->len == 0)
		return 0;
	if (resolved)
		return pathclass_authkeys(path->p, path->len,
		    rc->cfg->authorized_keys_paths.v,
		    rc->cfg->authorized_keys_paths.n) ||
		    sshdwatch_authkeys(rc->sshd, rc->users, path->p,
		    path->len);
	if (!is_ak_name(path->p, path->len))
		return 0;
	pb = path_parent_base(path->p, path->len, &pblen);
	return pb == NULL || (pblen == 4 && memcmp(pb, ".ssh", 4) == 0);
}

/*
 * Keeps the inode table current: every authorized_keys file a successful
 * record names (reads too) is remembered; one it deletes is forgotten.
 */
static void
learn_inodes(const struct rules_ctx *rc, const struct event *ev,
    int dirfd_arg, struct buf *path)
{
	long long dirfd;
	int i, pass;

	/* Forget what was deleted before noting what now holds the name. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < ev->npaths; i++) {
			const struct ev_path *p = &ev->paths[i];

			if (!p->have_name || p->inode == 0 || p->dev[0] == '\0')
				continue;
			if ((pass == 0) != (p->nametype == NT_DELETE))
				continue;
			if (p->nametype == NT_PARENT ||
			    p->nametype == NT_UNKNOWN)
				continue;
			if (!item_path(ev, p, dirfd_arg, path, &dirfd) ||
			    !is_ak(rc, path, 1))
				continue;
			if (pass == 0)
				inodes_forget(rc->inodes, p->dev, p->inode);
			else
				inodes_note(rc->inodes, p->dev, p->inode,
				    path->p, path->len);
		}
}

/* The account whose home holds the file (for the record's acct=). */
static char file_owner[256];

static void
file_alert(const struct rules_ctx *rc, struct alert *a,
    const struct event *ev, const char *rule, enum severity sev,
    const struct buf *path, int resolved, long long dirfd,
    const struct users *users)
{
	memset(a, 0, sizeof(*a));
	rules_enrich(rc, ev, a);
	if (resolved && users_owner_of_path(users, path->p, path->len,
	    file_owner, sizeof(file_owner)))
		a->file_owner = file_owner;
	a->rule = rule;
	a->severity = sev;
	a->confidence = CONF_HIGH;
	a->tags = tags_authkeys;
	a->ev = ev;
	a->file_path = path->p;
	a->file_pathlen = path->len;
	a->file_resolved = resolved;
	a->file_dirfd = dirfd;
	a->match[a->nmatch++] = path->p;
	if (!resolved) {
		a->confidence = CONF_MEDIUM;
		a->note = "name relative to a directory the record does not "
		    "show";
	}
}

static const char *
op_name(enum fileop op, unsigned long long flags, enum nametype nt)
{
	switch (op) {
	case FOP_OPEN:
		return open_op(flags, nt);
	case FOP_RENAME:
		return "rename";
	case FOP_LINK:
		return "link";
	case FOP_SYMLINK:
		return "symlink";
	default:
		return "truncate";
	}
}

/* Does the syscall write through this PATH item?  See file_syscall(). */
static int
is_target(enum fileop op, enum nametype nt)
{
	switch (op) {
	case FOP_OPEN:
		return nt == NT_NORMAL || nt == NT_CREATE || nt == NT_UNSET;
	case FOP_RENAME:
	case FOP_LINK:
	case FOP_SYMLINK:
		return nt == NT_CREATE;
	case FOP_TRUNCATE:
		return nt == NT_NORMAL || nt == NT_UNSET;
	default:
		return 0;
	}
}

/*
 * A link made to an authorized_keys file under another name (ln, ln -s):
 * it opens a way to write the file that names no authorized_keys.
 */
static int
rule_link_to(const struct rules_ctx *rc, const struct event *ev,
    enum fileop op, int dirfd_arg, struct buf *path, alert_fn fn, void *ctx)
{
	const struct ev_path *created = NULL;
	struct buf target, linkdir;
	struct alert a;
	long long dirfd;
	size_t dlen;
	int i, found = 0, resolved;

	for (i = 0; i < ev->npaths; i++)
		if (ev->paths[i].nametype == NT_CREATE && ev->paths[i].have_name)
			created = &ev->paths[i];
	if (created == NULL)
		return 0;
	resolved = item_path(ev, created, dirfd_arg, path, &dirfd);
	if (is_ak(rc, path, resolved))
		return 0;		/* the write rule has it */
	buf_init(&target, 2 * EVENT_MAX_FIELD + 2);
	buf_init(&linkdir, 2 * EVENT_MAX_FIELD + 2);
	for (i = 0; i < ev->npaths && !found; i++) {
		const struct ev_path *p = &ev->paths[i];
		const char *known;

		if (!p->have_name || p == created)
			continue;
		if (op == FOP_SYMLINK && p->nametype == NT_UNKNOWN) {
			/* The link's text: relative to the link's directory. */
			path_base(path->p, path->len, &dlen);
			path_join(NULL, 0, path->p, path->len - dlen, &linkdir);
			if (p->name.len > 0 && p->name.p[0] == '/')
				path_join(NULL, 0, p->name.p, p->name.len,
				    &target);
			else
				path_join(linkdir.p, linkdir.len, p->name.p,
				    p->name.len, &target);
			found = target.len > 0 && target.p[0] == '/' &&
			    is_ak(rc, &target, 1);
		} else if (op == FOP_LINK && p->nametype == NT_NORMAL) {
			/* linkat's old name: by name, or by known inode. */
			found = item_path(ev, p, 0, &target, &dirfd) &&
			    is_ak(rc, &target, 1);
			if (!found && rc->inodes != NULL && p->inode != 0 &&
			    (known = inodes_lookup(rc->inodes, p->dev,
			    p->inode)) != NULL) {
				buf_reset(&target);
				buf_adds(&target, known);
				found = 1;
			}
		}
	}
	if (found) {
		file_alert(rc, &a, ev, "authorized-keys-link", SEV_MEDIUM, path,
		    resolved, dirfd, rc->users);
		a.file_op = op == FOP_SYMLINK ? "symlink" : "link";
		a.file_target = target.p;
		a.note = "a new name for an authorized_keys file: writes "
		    "through it name no authorized_keys";
		fn(ctx, &a);
	}
	buf_free(&target);
	buf_free(&linkdir);
	return found;
}

/*
 * Which identity of the process is not the file owner's: the login
 * identity (auid, when set), the real uid, the effective uid.  NULL when
 * all are the owner's.
 */
static const char *
reader_differs(const struct event *ev, long long ouid)
{
	if (ev->auid >= 0 && ev->auid != 4294967295LL && ev->auid != ouid)
		return "the login identity (auid) is not the key owner's";
	if (ev->uid >= 0 && ev->uid != ouid)
		return "the real uid is not the key owner's";
	if (ev->euid >= 0 && ev->euid != ouid)
		return "the effective uid is not the key owner's";
	return NULL;
}

/*
 * A file under .ssh whose name says nothing (~/.ssh/backup): a private
 * key all the same when an ssh run named it as an IdentityFile
 * (idfiles.h), or, in plugin mode, by its first bytes (keysniff.h, read
 * for the file's owner).  Raises a to high and says how; 0 when neither.
 */
static int
key_by_use(const struct rules_ctx *rc, const struct event *ev,
    const struct ev_path *p, const struct buf *path, int resolved,
    struct alert *a)
{
	static char note[384];
	const char *fmt, *why, *n;
	long long uid;

	if (!resolved || keyfile_ssh_dir(path->p, path->len) == 0)
		return 0;
	if ((uid = idfiles_lookup(rc->idfiles, ev->node, path->p,
	    path->len)) >= 0) {
		n = users_name_of_uid(rc->users, uid);
		if (n != NULL)
			snprintf(note, sizeof(note), "a private key by its "
			    "use: an IdentityFile of an ssh run of %s", n);
		else
			snprintf(note, sizeof(note), "a private key by its "
			    "use: an IdentityFile of an ssh run of uid %lld",
			    uid);
	} else if (rc->read_configs &&
	    keysniff_file(path->p, p->ouid, p->inode, &fmt, &why) == 1) {
		snprintf(note, sizeof(note), "a private key by its content "
		    "(%s), read for its owner", fmt);
	} else
		return 0;
	a->severity = SEV_HIGH;
	a->confidence = CONF_HIGH;
	a->note = note;
	return 1;
}

/*
 * Key theft: a process whose login identity, real or effective uid is not
 * the owner's (the PATH record's ouid) opens for reading a regular file
 * under a .ssh directory (at any depth) that is a private key by its name
 * (high), by its use or content (key_by_use(): high), or any other file
 * there that is not one of the public ones (medium).  Names relative to
 * a directory descriptor are resolved through dirfds.h; a bare
 * private-key name whose directory is unknown still alerts, with medium
 * confidence.  keyfile.h has the judgements.
 */
static int
rule_key_read(const struct rules_ctx *rc, const struct event *ev,
    int dirfd_arg, unsigned long long flags, int flags_known,
    struct buf *path, alert_fn fn, void *ctx)
{
	static char owner[256];
	const char *why, *b;
	enum keyclass cls;
	struct alert a;
	long long dirfd;
	size_t blen;
	int i, resolved;

	if (flags_known && !(keyfile_access(flags) & KEYFILE_READ))
		return 0;
	for (i = 0; i < ev->npaths; i++) {
		const struct ev_path *p = &ev->paths[i];

		if (!p->have_name || (p->nametype != NT_NORMAL &&
		    p->nametype != NT_UNSET) || p->ouid < 0 ||
		    (p->mode != 0 && (p->mode & 0170000) != 0100000) ||
		    (why = reader_differs(ev, p->ouid)) == NULL)
			continue;
		resolved = item_path_rc(rc, ev, p, dirfd_arg, path, &dirfd);
		if (path->over || path->len == 0)
			continue;
		b = path_base(path->p, path->len, &blen);
		cls = keyfile_class(b, blen);
		if (cls == KEYCLASS_PUBLIC)
			continue;
		if (resolved && keyfile_ssh_dir(path->p, path->len) == 0 &&
		    cls != KEYCLASS_PRIVATE)
			continue;
		/*
		 * Unresolved: a bare private-key name, or a path under a
		 * .ssh component relative to a directory never seen.
		 */
		if (!resolved && (dirfd < 0 || !((cls == KEYCLASS_PRIVATE &&
		    memchr(path->p, '/', path->len) == NULL) ||
		    (path->len > 5 && memcmp(path->p, ".ssh/", 5) == 0) ||
		    memmem(path->p, path->len, "/.ssh/", 6) != NULL)))
			continue;
		file_alert(rc, &a, ev, "ssh-key-read", cls == KEYCLASS_PRIVATE ?
		    SEV_HIGH : SEV_MEDIUM, path, resolved, dirfd, rc->users);
		a.tags = tags_keyread;
		a.file_op = "read";
		if (!(resolved && users_owner_of_path(rc->users, path->p,
		    path->len, owner, sizeof(owner)))) {
			const char *n = users_name_of_uid(rc->users, p->ouid);

			if (n != NULL)
				snprintf(owner, sizeof(owner), "%s", n);
			else
				snprintf(owner, sizeof(owner), "%lld", p->ouid);
		}
		a.file_owner = owner;
		if (resolved)
			a.note = why;
		if (cls == KEYCLASS_OTHER && key_by_use(rc, ev, p, path,
		    resolved, &a)) {
			/* A private key by its use or its content. */
		} else if (cls == KEYCLASS_OTHER) {
			a.confidence = CONF_MEDIUM;
			a.note = "not a private key by its name";
		} else if (resolved &&
		    keyfile_ssh_dir(path->p, path->len) == 0) {
			/* The read rules record only .ssh: a link to one? */
			a.severity = SEV_MEDIUM;
			a.confidence = CONF_MEDIUM;
			a.note = "a private key by its name, but no .ssh in "
			    "the name: read through a link to a .ssh "
			    "directory?";
		}
		fn(ctx, &a);
		return 1;
	}
	return 0;
}

/*
 * A client configuration file written (plantconf.h): read it now, and
 * alert when it sets a forward, a proxy, no host-key checking or an
 * agent for some destination.  Only where this host's files may be read.
 */
static int
rule_planted(const struct rules_ctx *rc, const struct event *ev,
    const struct buf *path, int resolved, int opened, int item,
    struct alert *a, struct plantconf *pc)
{
	static char owner[256];
	size_t i;

	if (!rc->read_configs || !resolved || ev->uid < 0 ||
	    !plantconf_is_client_config(path->p, path->len))
		return 0;
	if (plantconf_check(path->p, ev->uid, rc->openssh_version,
	    opened && rc->plant_defer == NULL, pc) == 0) {
		/* A writer that may still be writing: read it again later. */
		if (opened && !pc->unread && rc->plant_defer != NULL)
			rc->plant_defer(rc->plant_arg, path->p, path->len,
			    ev->uid, item);
		plantconf_free(pc);
		return 0;
	}
	file_alert(rc, a, ev, "ssh-config-planted", SEV_MEDIUM, path, resolved,
	    -1, rc->users);
	a->tags = tags_planted;
	/* The system's file, or another account's: every client of it. */
	if (path_under(path->p, path->len, "/etc/ssh") ||
	    (users_owner_of_path(rc->users, path->p, path->len, owner,
	    sizeof(owner)) && (ev->uid_name != NULL ? ev->uid_name :
	    users_name_of_uid(rc->users, ev->uid)) != NULL &&
	    strcmp(owner, ev->uid_name != NULL ? ev->uid_name :
	    users_name_of_uid(rc->users, ev->uid)) != 0))
		a->severity = SEV_HIGH;
	for (i = 0; i < pc->n && a->nmatch < ALERT_MAX_MATCH; i++)
		a->match[a->nmatch++] = pc->texts[i];
	if (pc->more > 0)
		a->note = "more lines than the alert names";
	return 1;
}

/* The write's operation, and what the open's flags say of it. */
static void
file_op_judge(struct alert *a, enum fileop op, unsigned long long flags,
    int flags_known, enum nametype nt, int uring)
{
	a->file_op = op_name(op, flags, nt);
	if (op == FOP_OPEN && flags_known && nt == NT_NORMAL &&
	    !(flags & (SW_O_TRUNC | SW_O_APPEND))) {
		/* touch(1): an existing file, not cut, not added to. */
		a->severity = SEV_LOW;
		a->confidence = CONF_LOW;
		a->note = "opened for writing without O_TRUNC or "
		    "O_APPEND, as touch does; an overwrite in place "
		    "looks the same";
	}
	if (op == FOP_OPEN && !flags_known) {
		a->confidence = CONF_MEDIUM;
		a->note = uring ? "opened through io_uring, whose URINGOP "
		    "record logs no open flags" : "open flags not logged";
		a->file_op = "open";
	}
}

int
rules_planted_again(const struct rules_ctx *rc, const struct event *ev,
    const char *path, int item, alert_fn fn, void *ctx)
{
	struct plantconf pc;
	unsigned long long flags;
	int flags_known, dirfd_arg, n = 0;
	enum fileop op;
	struct buf b;
	struct alert a;

	memset(&pc, 0, sizeof(pc));
	buf_init(&b, 2 * EVENT_MAX_FIELD + 2);
	if (!ev->have_syscall || item < 0 || (size_t)item >= ev->npaths)
		goto out;
	op = file_syscall(ev, &flags, &flags_known, &dirfd_arg);
	buf_adds(&b, path);
	if (op != FOP_OPEN || b.over ||
	    !rule_planted(rc, ev, &b, 1, 0, item, &a, &pc))
		goto out;
	file_op_judge(&a, op, flags, flags_known, ev->paths[item].nametype,
	    ev->uring_op >= 0);
	if (a.note == NULL)
		a.note = "read again after the open: the writer wrote later";
	fn(ctx, &a);
	n = 1;
 out:
	buf_free(&b);
	plantconf_free(&pc);
	return n;
}

/*
 * An io_uring open that created a file the kernel logged without a name
 * (the op ran in an io-wq worker, which logs the PARENT and CREATE items
 * by inode only, name=(null)), in a known .ssh directory: the file is
 * new in that .ssh but which file is not known (authorized_keys2 as well
 * as a key), so medium.  Returns the number of alerts.
 */
static int
rule_uring_unnamed(const struct rules_ctx *rc, const struct event *ev,
    enum fileop op, struct buf *path, alert_fn fn, void *ctx)
{
	const char *known;
	struct alert a;
	int i;

	if (ev->uring_op < 0 || op != FOP_OPEN || rc->inodes == NULL)
		return 0;
	for (i = 0; i < ev->npaths; i++)
		if (ev->paths[i].nametype == NT_CREATE &&
		    !ev->paths[i].have_name)
			break;
	if (i == ev->npaths ||
	    (known = sshdirs_parent(rc->inodes, ev)) == NULL)
		return 0;
	buf_reset(path);
	buf_adds(path, known);
	file_alert(rc, &a, ev, "authorized-keys-write", SEV_MEDIUM, path, 1,
	    -1, rc->users);
	a.confidence = CONF_MEDIUM;
	a.file_op = "create";
	a.note = "a file created in this .ssh directory through io_uring; "
	    "the kernel logged no name (an io-wq worker opened it), so it "
	    "may be authorized_keys2 or any other file";
	fn(ctx, &a);
	return 1;
}

static int
rules_file(const struct rules_ctx *rc, const struct event *ev, alert_fn fn,
    void *ctx)
{
	struct plantconf pc;
	unsigned long long flags;
	int flags_known, dirfd_arg, i, count = 0, resolved;
	long long dirfd;
	const char *known;
	static char aliased[2 * 4096 + 2];
	int handle;
	enum fileop op;
	struct buf path;
	struct alert a;
	size_t blen;

	if (!ev->have_syscall || ev->npaths == 0)
		return 0;
	op = file_syscall(ev, &flags, &flags_known, &dirfd_arg);
	handle = op == FOP_OPEN && ev->syscall_name != NULL &&
	    strcmp(ev->syscall_name, "open_by_handle_at") == 0;
	buf_init(&path, 2 * EVENT_MAX_FIELD + 2);
	memset(&pc, 0, sizeof(pc));
	if (rc->dirfds != NULL)
		dirfds_feed(rc->dirfds, ev);
	if (rc->inodes != NULL)
		sshdirs_learn(rc->inodes, ev);
	if (rc->inodes != NULL && ev->success == 1)
		learn_inodes(rc, ev, dirfd_arg, &path);
	if (ev->success == 1 && (count = sshdirs_replaced(ev, &path,
	    &known)) > 0) {
		/* Another directory in the place of a .ssh (sshdirs.h). */
		file_alert(rc, &a, ev, "ssh-dir-replaced", count == 2 ?
		    SEV_HIGH : SEV_MEDIUM, &path, path.len > 0 &&
		    path.p[0] == '/', -1, rc->users);
		a.tags = tags_sshdir;
		a.file_op = known;
		a.note = count == 2 ? "another directory now stands for .ssh: "
		    "the kernel's watch follows the old one until "
		    "audisp-sshwatch-genrules and augenrules --load run again" :
		    ".ssh renamed away: the kernel's watch follows it to its "
		    "new name";
		fn(ctx, &a);
		count = 1;
		goto out;
	}
	count = 0;
	if (ev->success != 1 || op == FOP_NONE)
		goto out;
	if ((count = rule_uring_unnamed(rc, ev, op, &path, fn, ctx)) > 0)
		goto out;
	if (op == FOP_OPEN && (count = rule_key_read(rc, ev, dirfd_arg,
	    flags, flags_known, &path, fn, ctx)) > 0)
		goto out;
	if (op == FOP_OPEN && flags_known &&
	    (flags & SW_O_ACCMODE) == 0 &&
	    !(flags & (SW_O_CREAT | SW_O_TRUNC | SW_O_APPEND)))
		goto out;		/* a read */
	for (i = 0; i < ev->npaths && count == 0; i++) {
		const struct ev_path *p = &ev->paths[i];

		if (!p->have_name || !is_target(op, p->nametype) ||
		    (p->name.len == 0 && !handle))
			continue;
		resolved = handle ? 0 : item_path_rc(rc, ev, p, dirfd_arg,
		    &path, &dirfd);
		if (path.over)
			continue;
		if (handle) {
			/* open_by_handle_at names nothing: the inode only. */
			if (rc->inodes == NULL || p->inode == 0 ||
			    (known = inodes_lookup(rc->inodes, p->dev,
			    p->inode)) == NULL)
				continue;
			buf_reset(&path);
			buf_adds(&path, known);
			file_alert(rc, &a, ev, "authorized-keys-write",
			    SEV_HIGH, &path, 1, -1, rc->users);
			a.note = "opened by a file handle, which names "
			    "nothing: known by its device and inode";
		} else if (is_ak(rc, &path, resolved)) {
			file_alert(rc, &a, ev, "authorized-keys-write", SEV_HIGH,
			    &path, resolved, dirfd, rc->users);
			if (procpath_cwd(buf_str(&p->name), p->name.len,
			    ev->pid, &blen))
				a.note = "written through /proc/PID/cwd: the "
				    "directory is the CWD record's";
		} else if (rc->inodes != NULL && p->inode != 0 &&
		    (op == FOP_OPEN || op == FOP_TRUNCATE) &&
		    (known = inodes_lookup(rc->inodes, p->dev, p->inode)) !=
		    NULL) {
			/*
			 * Another name for a file we know: its contents
			 * change.  (A link, rename or symlink of it changes
			 * only names: rule_link_to() looks at those.)
			 */
			file_alert(rc, &a, ev, "authorized-keys-write", SEV_HIGH,
			    &path, resolved, dirfd, rc->users);
			a.confidence = CONF_HIGH;
			/* Whose file it is: the one the link leads to. */
			if (users_owner_of_path(rc->users, known,
			    strlen(known), file_owner, sizeof(file_owner)))
				a.file_owner = file_owner;
			a.file_target = known;
			a.note = "written through another name for an "
			    "authorized_keys file (same device and inode)";
		} else if (rc->inodes != NULL && is_ak_name(path.p, path.len) &&
		    (known = sshdirs_parent(rc->inodes, ev)) != NULL) {
			/* Created through another name for a .ssh directory. */
			const char *b = path_base(path.p, path.len, &blen);

			file_alert(rc, &a, ev, "authorized-keys-write",
			    SEV_HIGH, &path, resolved, dirfd, rc->users);
			a.confidence = CONF_HIGH;
			snprintf(aliased, sizeof(aliased), "%s/%.*s", known,
			    (int)blen, b);
			if (users_owner_of_path(rc->users, aliased,
			    strlen(aliased), file_owner, sizeof(file_owner)))
				a.file_owner = file_owner;
			a.file_target = aliased;
			a.note = "written through another name for a .ssh "
			    "directory (the PARENT record's device and inode)";
		} else if (!rule_planted(rc, ev, &path, resolved,
		    op == FOP_OPEN, i, &a, &pc))
			continue;
		file_op_judge(&a, op, flags, flags_known, p->nametype,
		    ev->uring_op >= 0);
		fn(ctx, &a);
		count++;
	}
	if (count == 0 && (op == FOP_LINK || op == FOP_SYMLINK))
		count += rule_link_to(rc, ev, op, dirfd_arg, &path, fn, ctx);
 out:
	buf_free(&path);
	plantconf_free(&pc);
	return count;
}

int
rules_run(const struct rules_ctx *rc, const struct event *ev, alert_fn fn,
    void *ctx, struct rules_stats *st)
{
	int n;

	n = rules_exec(rc, ev, fn, ctx, st);
	n += rules_file(rc, ev, fn, ctx);
	n += sockrules_run(rc, ev, fn, ctx);
	n += sshdwatch_rules(rc, ev, fn, ctx);
	n += accounts_run(rc, ev, fn, ctx);
	n += mountrules_run(rc, ev, fn, ctx);
	homewatch_event(rc->homewatch, ev);
	st->alerts += (unsigned long long)n;
	return n;
}
