/*
 * sockrules: socket and client-identity rules (see sockrules.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binids.h"
#include "clientcopy.h"
#include "context.h"
#include "path.h"
#include "pathclass.h"
#include "prog.h"
#include "sockrules.h"

static const char *const tags_fwd[] = { "tunnel", "socket", "T1572", NULL };
static const char *const tags_ctl[] = { "control-master", "socket",
    "T1572", NULL };
static const char *const tags_hijack[] = { "agent-hijack", "socket",
    "T1563.001", NULL };
static const char *const tags_srv[] = { "tunnel", "pivot", "socket",
    "T1572", "T1090", NULL };
static const char *const tags_copy[] = { "client-copy", "T1036.003",
    "T1021.004", NULL };

#define SW_EINPROGRESS	115	/* a non-blocking connect under way */
#define SW_EACCES	13
#define SW_DNS_PORT	53

/* Room for the strings of one alert's match[]. */
struct sockrun {
	char	 what[320];
	char	 argv[PROCS_ARGV + 8];
	char	 owner[64];
};

static int
is_sshd(const struct event *ev)
{
	size_t blen;
	const char *b;

	if (!ev->have_exe)
		return 0;
	b = path_base(ev->exe.p, ev->exe.len, &blen);
	return prog_is_sshd(b, blen);
}

/* The process-table entry of ev's process (its exec), or NULL. */
static const struct proc *
self_proc(const struct rules_ctx *rc, const struct event *ev)
{
	if (rc->ctx == NULL || ev->pid < 0)
		return NULL;
	return procs_find(context_procs(rc->ctx), ev->node, ev->pid,
	    context_time(ev->time, strlen(ev->time)));
}

const char *
sockrules_ldso_program(const char *argv, size_t *n)
{
	static const char *const argopts[] = { "--library-path",
	    "--inhibit-rpath", "--audit", "--preload", "--argv0",
	    "--glibc-hwcaps-prefix", "--glibc-hwcaps-mask", NULL };
	const char *p = argv, *e;
	int word = 0, skip = 0;
	size_t i, len;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, ' ');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (word++ > 0 && !skip) {
			if (len < 2 || memcmp(p, "--", 2) != 0) {
				*n = len;
				return p;
			}
			for (i = 0; argopts[i] != NULL; i++)
				if (strlen(argopts[i]) == len &&
				    memcmp(argopts[i], p, len) == 0)
					skip = 1;
		} else
			skip = 0;
		p += len;
	}
	return NULL;
}

enum sshprog
sockrules_program(const struct rules_ctx *rc, const struct event *ev,
    const char **via)
{
	const struct proc *self;
	const char *w;
	enum sshprog prog;
	size_t n;

	*via = NULL;
	if (!ev->have_exe || ev->exe.len == 0)
		return SSHPROG_NONE;
	if (!prog_is_ldso(ev->exe.p, ev->exe.len)) {
		prog = prog_of_path(rc->cfg, ev->exe.p, ev->exe.len);
		if (prog == SSHPROG_NONE && (prog = binids_alias_of(rc->binids,
		    ev->exe.p, ev->exe.len)) != SSHPROG_NONE)
			*via = "link";
		return prog;
	}
	if ((self = self_proc(rc, ev)) == NULL ||
	    (w = sockrules_ldso_program(self->argv, &n)) == NULL)
		return SSHPROG_NONE;
	prog = prog_of_path(rc->cfg, w, n);
	if (prog != SSHPROG_NONE)
		*via = "ld.so";
	return prog;
}

static void
sock_alert(const struct rules_ctx *rc, const struct event *ev,
    struct alert *a, const char *rule, enum severity sev,
    const char *const *tags, const char *op)
{
	memset(a, 0, sizeof(*a));
	a->rule = rule;
	a->severity = sev;
	a->confidence = CONF_HIGH;
	a->tags = tags;
	a->ev = ev;
	a->file_dirfd = -1;
	a->sock_op = op;
	a->sock = &ev->sa;
	a->sock_owner = -1;
	a->sock_in_argv = -1;
	rules_enrich(rc, ev, a);
}

/* "bind 127.0.0.1:1080", "connect [::1]:22", "bind unix:/path". */
static void
describe(struct sockrun *s, const char *op, const struct sockaddr_info *sa)
{
	if (sa->family == SOCKFAM_INET)
		snprintf(s->what, sizeof(s->what), "%s %s:%u", op, sa->addr,
		    sa->port);
	else if (sa->family == SOCKFAM_INET6)
		snprintf(s->what, sizeof(s->what), "%s [%s]:%u", op, sa->addr,
		    sa->port);
	else
		snprintf(s->what, sizeof(s->what), "%s unix:%s%.*s", op,
		    sa->abstract ? "@" : "", (int)sa->pathlen, sa->path);
}

/* Does the display argv hold the decimal port as a number of its own? */
static int
argv_has_port(const char *argv, unsigned port)
{
	char num[8];
	const char *p = argv;
	size_t n;

	n = (size_t)snprintf(num, sizeof(num), "%u", port);
	while ((p = strstr(p, num)) != NULL) {
		int before = p == argv || p[-1] < '0' || p[-1] > '9';
		int after = p[n] < '0' || p[n] > '9';

		if (before && after)
			return 1;
		p += n;
	}
	return 0;
}

/*
 * OpenSSH's mux server binds "ControlPath.XXXXXXXXXXXXXXXX" (16 random
 * letters and digits) and links it to ControlPath (mux.c).
 */
static int
is_control_temp(const struct sockaddr_info *sa)
{
	size_t i, n = sa->pathlen;

	if (n < 18 || sa->path[n - 17] != '.')
		return 0;
	for (i = n - 16; i < n; i++) {
		char c = sa->path[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')))
			return 0;
	}
	return 1;
}

static int
argv_word(const char *argv, const char *w)
{
	const char *p = argv;
	size_t n = strlen(w);

	while ((p = strstr(p, w)) != NULL) {
		if ((p == argv || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0' || p[n] == '='))
			return 1;
		p += n;
	}
	return 0;
}

enum severity
sockrules_listen_severity(const struct sockaddr_info *sa)
{
	if (sa->family == SOCKFAM_UNIX)
		return SEV_LOW;
	return sockaddr_is_any(sa) ? SEV_HIGH : sockaddr_is_loopback(sa) ?
	    SEV_LOW : SEV_MEDIUM;
}

static int
client_bind(const struct rules_ctx *rc, const struct event *ev,
    enum sshprog prog, const char *via, struct sockrun *s, alert_fn fn,
    void *ctx)
{
	const struct sockaddr_info *sa = &ev->sa;
	const struct proc *self = self_proc(rc, ev);
	struct alert a;
	enum severity sev;

	if (sa->family == SOCKFAM_INET || sa->family == SOCKFAM_INET6) {
		/* Port 0: a source address (-b, BindAddress), no listener. */
		if (sa->port == 0)
			return 0;
		sev = sockrules_listen_severity(sa);
		/*
		 * Not named by an argv cut short (16,384 harmless options
		 * before a -D): whatever opened it was hidden, one step up.
		 */
		if (self != NULL && self->cut &&
		    !argv_has_port(self->argv, sa->port) && sev < SEV_HIGH)
			sev = sev == SEV_LOW ? SEV_MEDIUM : SEV_HIGH;
		sock_alert(rc, ev, &a, "ssh-forward-listen", sev, tags_fwd,
		    "bind");
		if (self != NULL)
			a.sock_in_argv = argv_has_port(self->argv, sa->port);
	} else if (sa->family == SOCKFAM_UNIX && !sa->unnamed) {
		if (is_control_temp(sa) || (self != NULL &&
		    (argv_word(self->argv, "-M") ||
		    argv_word(self->argv, "-S") ||
		    strstr(self->argv, "ControlMaster") != NULL ||
		    strstr(self->argv, "ControlPath") != NULL))) {
			sock_alert(rc, ev, &a, "ssh-control-master", SEV_INFO,
			    tags_ctl, "bind");
			if (self != NULL)
				a.sock_in_argv = argv_word(self->argv, "-M") ||
				    strstr(self->argv, "ControlMaster") != NULL;
		} else {
			sock_alert(rc, ev, &a, "ssh-forward-listen",
			    sockrules_listen_severity(sa), tags_fwd, "bind");
			if (self != NULL)
				a.sock_in_argv = strstr(self->argv,
				    sa->path) != NULL;
		}
	} else
		return 0;
	a.program = prog;
	a.via = via;
	describe(s, "bind", sa);
	a.match[a.nmatch++] = s->what;
	if (self != NULL) {
		snprintf(s->argv, sizeof(s->argv), "argv: %s", self->argv);
		a.match[a.nmatch++] = s->argv;
	}
	if (a.sock_in_argv == 0 && self != NULL && self->cut)
		a.note = "not named in the part of argv kept: argv was cut, "
		    "the option that asked for it may be past the cut";
	else if (a.sock_in_argv == 0)
		a.note = "not named in argv: asked for by a configuration "
		    "file, an escape command line or a mux request";
	else if (a.sock_in_argv < 0)
		a.note = "the process's exec was not seen: argv not known";
	fn(ctx, &a);
	return 1;
}

/* /proc/self/root/x, /proc/PID/root/x, /proc/thread-self/root/x: /x. */
static void
strip_proc_root(const char **p, size_t *n)
{
	const char *s = *p, *q;

	if (*n < 6 || memcmp(s, "/proc/", 6) != 0)
		return;
	q = memchr(s + 6, '/', *n - 6);
	if (q == NULL || (size_t)(s + *n - q) < 6 || memcmp(q, "/root/", 6) != 0)
		return;
	*n -= (size_t)(q + 5 - s);
	*p = q + 5;
}

/* Is the path one of an agent's sockets?  */
static int
agentish(const char *p, size_t n)
{
	size_t blen;
	const char *b = path_base(p, n, &blen);

	if (n > 9 && memcmp(p, "/tmp/ssh-", 9) == 0 && blen > 6 &&
	    memcmp(b, "agent.", 6) == 0)
		return 1;
	if (path_under(p, n, "/run/user"))
		return 1;
	if (blen == 15 && memcmp(b, "S.gpg-agent.ssh", 15) == 0)
		return 1;
	return memmem(b, blen, "agent", 5) != NULL;
}

static int
client_connect(const struct rules_ctx *rc, const struct event *ev,
    enum sshprog prog, const char *via, struct sockrun *s, alert_fn fn,
    void *ctx)
{
	const struct sockaddr_info *sa = &ev->sa;
	const struct proc *self;
	struct actor act;
	struct buf abs;
	struct alert a;
	const char *p = sa->path;
	size_t n = sa->pathlen;
	long long ouid = -1;
	int i, foreign = 0, agent, found = 0;

	if (sa->family != SOCKFAM_UNIX || sa->abstract || n == 0)
		return 0;
	strip_proc_root(&p, &n);
	buf_init(&abs, 2 * EVENT_MAX_FIELD + 2);
	if (p[0] == '/')
		path_join(NULL, 0, p, n, &abs);
	else if (ev->have_cwd)
		path_join(ev->cwd.p, ev->cwd.len, p, n, &abs);
	if (abs.len == 0 || abs.p[0] != '/')
		goto out;
	/* The kernel's PATH record of the socket, when it logged one. */
	for (i = 0; i < ev->npaths; i++)
		if (ev->paths[i].ouid >= 0 && ev->paths[i].nametype ==
		    NT_NORMAL && (ev->paths[i].mode & 0170000) == 0140000)
			ouid = ev->paths[i].ouid;
	agent = agentish(abs.p, abs.len);
	memset(&act, 0, sizeof(act));
	act.uid = ev->uid;
	act.user = ev->uid_name;
	if (act.user == NULL && ev->uid >= 0)
		act.user = users_name_of_uid(rc->users, ev->uid);
	if (ouid >= 0 && ev->uid >= 0) {
		/* Root's system sockets (nscd, resolved) are not agents. */
		if (ouid != ev->uid && (agent || ouid != 0))
			foreign = agent ? 2 : 1;
	} else if (agent)
		foreign = pathclass_foreign_agent(abs.p, abs.len, &act,
		    rc->users);
	if (foreign == 0)
		goto out;
	sock_alert(rc, ev, &a, "ssh-agent-hijack", foreign == 2 ? SEV_HIGH :
	    SEV_MEDIUM, tags_hijack, "connect");
	a.sock_owner = ouid;
	a.program = prog;
	a.via = via;
	if (ouid < 0) {
		a.confidence = CONF_MEDIUM;
		a.note = "the socket's owner was not logged: judged by its path";
	} else if (!agent)
		a.note = "another account's unix socket, not an agent's name";
	if (ev->success != 1) {
		/* Refused (EACCES): tried, not done. */
		a.severity = SEV_MEDIUM;
		a.note = "the connect was refused (EACCES): an attempt";
	}
	snprintf(s->what, sizeof(s->what), "connect unix:%.*s",
	    (int)(abs.len < 256 ? abs.len : 256), abs.p);
	a.match[a.nmatch++] = s->what;
	if ((self = self_proc(rc, ev)) != NULL) {
		snprintf(s->argv, sizeof(s->argv), "argv: %s", self->argv);
		a.match[a.nmatch++] = s->argv;
	}
	if (ouid >= 0) {
		const char *who = users_name_of_uid(rc->users, ouid);

		if (who != NULL)
			snprintf(s->owner, sizeof(s->owner), "owner %s", who);
		else
			snprintf(s->owner, sizeof(s->owner), "owner uid %lld",
			    ouid);
		a.match[a.nmatch++] = s->owner;
	}
	fn(ctx, &a);
	found = 1;
 out:
	buf_free(&abs);
	return found;
}

/* An sshd process of a session (not the listener, not pre-auth). */
static int
in_session(const struct event *ev)
{
	return ev->ses >= 0 && ev->ses != 4294967295LL;
}

static int
server_sock(const struct rules_ctx *rc, const struct event *ev, int bind,
    struct sockrun *s, alert_fn fn, void *ctx)
{
	const struct sockaddr_info *sa = &ev->sa;
	struct alert a;
	enum severity sev;

	if (!in_session(ev))
		return 0;
	if (sa->family == SOCKFAM_UNIX) {
		/* Connects: syslog, PAM, nss; binds: agent forwarding. */
		if (!bind || sa->unnamed || sa->abstract)
			return 0;
		if (agentish(sa->path, sa->pathlen))
			return 0;
		sev = SEV_MEDIUM;
	} else if (sa->family == SOCKFAM_INET || sa->family == SOCKFAM_INET6) {
		if (sa->port == 0 || (!bind && sa->port == SW_DNS_PORT))
			return 0;
		if (bind)
			sev = sockaddr_is_any(sa) ? SEV_HIGH : SEV_MEDIUM;
		else
			sev = sockaddr_is_loopback(sa) ? SEV_MEDIUM : SEV_HIGH;
	} else
		return 0;
	sock_alert(rc, ev, &a, bind ? "sshd-tunnel-listen" :
	    "sshd-tunnel-connect", sev, tags_srv, bind ? "bind" : "connect");
	describe(s, bind ? "bind" : "connect", sa);
	a.match[a.nmatch++] = s->what;
	if (a.session != NULL) {
		snprintf(s->argv, sizeof(s->argv), "session %lld of %s from %s",
		    a.session->ses, a.session->acct[0] != '\0' ?
		    a.session->acct : "?", a.session->addr[0] != '\0' ?
		    a.session->addr : "?");
		a.match[a.nmatch++] = s->argv;
	} else {
		a.confidence = CONF_MEDIUM;
		a.note = "the session's login was not seen";
	}
	fn(ctx, &a);
	return 1;
}

/* Package managers: their reads of the client are installs, checks. */
static int
is_pkg_tool(const char *exe, size_t n)
{
	static const char *const names[] = { "dpkg", "dpkg-query",
	    "dpkg-deb", "apt", "apt-get", "aptitude", "unattended-upgrade",
	    "rpm", "rpmdb", "dnf", "dnf-3", "yum", "microdnf", "zypper",
	    "packagekitd", "debsums", NULL };
	size_t blen, i;
	const char *b = path_base(exe, n, &blen);

	for (i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == blen && memcmp(names[i], b, blen) == 0)
			return 1;
	return 0;
}

/*
 * Tools that read a file to describe or hash it, not to copy it (cat, dd,
 * cp, tar, python are not among them: their output can be a copy).
 */
static int
is_inspector(const char *exe, size_t n)
{
	static const char *const names[] = { "file", "md5sum", "sha1sum",
	    "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum",
	    "cksum", "readelf", "objdump", "nm", "strings", "aide",
	    "rkhunter", "clamscan", NULL };
	size_t blen, i;
	const char *b = path_base(exe, n, &blen);

	for (i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == blen && memcmp(names[i], b, blen) == 0)
			return 1;
	return 0;
}

/* Is the name one of the installed clients (the shipped read watches)? */
static int
installed_client(const struct rules_ctx *rc, const char *p, size_t n)
{
	static const char *const dirs[] = { "/usr/bin/", "/bin/",
	    "/usr/local/bin/", NULL };
	enum sshprog prog = prog_of_path(rc->cfg, p, n);
	size_t i, blen;

	if (prog == SSHPROG_NONE || prog == SSHPROG_SSH_AGENT)
		return 0;
	path_base(p, n, &blen);
	for (i = 0; dirs[i] != NULL; i++)
		if (n - blen == strlen(dirs[i]) &&
		    memcmp(p, dirs[i], n - blen) == 0)
			return 1;
	/* A configured path (sshwatch.conf program paths). */
	for (i = 0; i < rc->cfg->prog_paths[prog].n; i++)
		if (strlen(rc->cfg->prog_paths[prog].v[i]) == n &&
		    memcmp(rc->cfg->prog_paths[prog].v[i], p, n) == 0)
			return 1;
	return 0;
}

/*
 * A read of a client binary that is not its execution: cp, a memfd
 * copy, a tar of /usr/bin.  ld.so reading the program it was asked to
 * run (also ldd's --list) is an execution: the exec rules judge it.
 */
static int
rule_copied(const struct rules_ctx *rc, const struct event *ev,
    struct sockrun *s, alert_fn fn, void *ctx)
{
	const char *sn = ev->syscall_name;
	const struct ev_path *hit = NULL;
	const struct proc *self;
	struct buf abs;
	struct alert a;
	enum sshprog prog = SSHPROG_NONE;
	size_t i;
	int pkg = 0, found = 0;

	if (sn == NULL || ev->success != 1 || (strcmp(sn, "open") != 0 &&
	    strcmp(sn, "openat") != 0 && strcmp(sn, "openat2") != 0))
		return 0;
	buf_init(&abs, 2 * EVENT_MAX_FIELD + 2);
	for (i = 0; i < (size_t)ev->npaths && hit == NULL; i++) {
		const struct ev_path *p = &ev->paths[i];

		if (p->nametype != NT_NORMAL && p->nametype != NT_UNSET)
			continue;
		if ((prog = binids_lookup(rc->binids, p->dev, p->inode)) !=
		    SSHPROG_NONE) {
			hit = p;
			break;
		}
		if (!p->have_name)
			continue;
		buf_reset(&abs);
		path_join(ev->have_cwd ? ev->cwd.p : NULL, ev->cwd.len,
		    p->name.p, p->name.len, &abs);
		if (abs.len > 0 && abs.p[0] == '/' &&
		    installed_client(rc, abs.p, abs.len)) {
			prog = prog_of_path(rc->cfg, abs.p, abs.len);
			hit = p;
		}
	}
	/*
	 * The loader reading a client binary runs it (`ld.so /usr/bin/ssh',
	 * judged by the exec rules) or lists it (ldd's --verify and trace
	 * runs): no copy is made.  A copy run by ld.so is read by ld.so
	 * under the copy's name, not this one; its making (cp) is the read
	 * this rule reports.
	 */
	if (hit == NULL || prog == SSHPROG_SSH_AGENT || (ev->have_exe &&
	    prog_is_ldso(ev->exe.p, ev->exe.len)))
		goto none;
	sock_alert(rc, ev, &a, "ssh-client-copied", SEV_MEDIUM, tags_copy,
	    NULL);
	a.sock = NULL;
	a.program = prog;
	if (ev->have_exe && is_pkg_tool(ev->exe.p, ev->exe.len))
		pkg = 1;
	for (i = 0; i < a.nanc && !pkg; i++)
		pkg = is_pkg_tool(a.anc[i]->exe, strlen(a.anc[i]->exe));
	if (pkg) {
		a.severity = SEV_LOW;
		a.note = "a package manager is the reader or an ancestor";
	} else if (ev->have_exe && is_inspector(ev->exe.p, ev->exe.len)) {
		a.severity = SEV_LOW;
		a.note = "read by a tool that inspects or hashes files";
	}
	snprintf(s->what, sizeof(s->what), "read %.*s (%s:%llu)",
	    (int)(hit->name.len < 256 ? hit->name.len : 256), hit->name.p,
	    hit->dev, hit->inode);
	a.match[a.nmatch++] = s->what;
	if ((self = self_proc(rc, ev)) != NULL) {
		snprintf(s->argv, sizeof(s->argv), "argv: %s", self->argv);
		a.match[a.nmatch++] = s->argv;
	}
	fn(ctx, &a);
	/* A copy made in memory runs under this pid (clientcopy.h). */
	clientcopy_note_reader(rc->copies, ev->node, ev->pid, context_time(
	    ev->time, strlen(ev->time)), ev->have_exe ? ev->exe.p : NULL,
	    ev->have_exe ? ev->exe.len : 0);
	found = 1;
 none:
	buf_free(&abs);
	return found;
}

/*
 * Learns from an exec: a known client name teaches its (dev, inode); a
 * file of known identity under another name teaches that exe name.
 */
static void
learn(const struct rules_ctx *rc, const struct event *ev)
{
	enum sshprog prog;
	int i;

	if (rc->binids == NULL || !ev->have_execve || ev->success != 1 ||
	    !ev->have_exe || prog_is_ldso(ev->exe.p, ev->exe.len))
		return;
	prog = prog_of_path(rc->cfg, ev->exe.p, ev->exe.len);
	for (i = 0; i < ev->npaths; i++) {
		const struct ev_path *p = &ev->paths[i];

		if (p->item != 0 || p->inode == 0 || p->dev[0] == '\0')
			continue;
		if (prog != SSHPROG_NONE && prog != SSHPROG_SSH_AGENT)
			binids_note(rc->binids, p->dev, p->inode, prog);
		else if (prog == SSHPROG_NONE && (prog = binids_lookup(
		    rc->binids, p->dev, p->inode)) != SSHPROG_NONE)
			binids_alias(rc->binids, ev->exe.p, ev->exe.len, prog);
		return;
	}
}

enum sshprog
sockrules_exec_program(const struct rules_ctx *rc, const struct event *ev,
    const char **via)
{
	enum sshprog prog;
	int i;

	for (i = 0; i < ev->npaths; i++) {
		const struct ev_path *p = &ev->paths[i];

		if (p->item != 0 || p->inode == 0)
			continue;
		prog = binids_lookup(rc->binids, p->dev, p->inode);
		if (prog != SSHPROG_NONE)
			*via = "link";
		return prog;
	}
	return SSHPROG_NONE;
}

int
sockrules_run(const struct rules_ctx *rc, const struct event *ev,
    alert_fn fn, void *ctx)
{
	/* The alert's match[] points here until fn() returns. */
	static struct sockrun s;
	const char *sn = ev->syscall_name, *via;
	enum sshprog prog;
	int bind;

	if (!ev->have_syscall)
		return 0;
	learn(rc, ev);
	if (ev->npaths > 0 && !ev->have_execve && rule_copied(rc, ev, &s, fn,
	    ctx))
		return 1;
	/* listen(2) of any program but sshd: a copy of the client? */
	if (sn != NULL && !ev->have_sockaddr && strcmp(sn, "listen") == 0)
		return is_sshd(ev) ? 0 : clientcopy_run(rc, ev, fn, ctx);
	if (!ev->have_sockaddr || sn == NULL)
		return 0;
	bind = strcmp(sn, "bind") == 0;
	if (!bind && strcmp(sn, "connect") != 0)
		return 0;
	if (is_sshd(ev)) {
		/*
		 * sshd's direct-tcpip connect is non-blocking: it logs
		 * exit=-EINPROGRESS.  A connect that succeeds at once is
		 * glibc's address-sorting probe on a UDP socket (getaddrinfo
		 * of a -R listen address): no tunnel.
		 */
		if (bind ? ev->success != 1 : ev->exit != -SW_EINPROGRESS)
			return 0;
		return server_sock(rc, ev, bind, &s, fn, ctx);
	}
	/* A connect refused for permission is an attempt worth showing. */
	if (ev->success != 1 && (bind || ev->exit != -SW_EACCES))
		return 0;
	prog = sockrules_program(rc, ev, &via);
	if (prog == SSHPROG_NONE || prog == SSHPROG_SSH_AGENT)
		return 0;
	if (bind)
		return client_bind(rc, ev, prog, via, &s, fn, ctx);
	return client_connect(rc, ev, prog, via, &s, fn, ctx);
}
