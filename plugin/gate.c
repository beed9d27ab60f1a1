/*
 * gate: raw-byte filter before auparse (see gate.h).
 *
 * Field values are read from the raw text (rawrec.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libaudit.h>

#include "accounts.h"
#include "auval.h"
#include "binids.h"
#include "buf.h"
#include "clientcopy.h"
#include "dirfds.h"
#include "gate.h"
#include "keyfile.h"
#include "prog.h"
#include "rawrec.h"
#include "rawsys.h"
#include "keyhunt.h"
#include "mountrules.h"
#include "sshdwatch.h"

#ifndef AUDIT_ANOM_EXEC
#define AUDIT_ANOM_EXEC		2112
#endif
#ifndef AUDIT_ANOM_MOD_ACCT
#define AUDIT_ANOM_MOD_ACCT	2116
#endif

#define GATE_MAX_VALUE	8192	/* bytes decoded of one exe or name */

struct gate {
	const struct cfg	*cfg;
	struct inodes		*inodes;
	struct dirfds		*dirfds;	/* or NULL */
	char			**prefixes;	/* dirs of authorized_keys_paths */
	size_t			 nprefixes;
	struct buf		 val;
	long			 pid;		/* ours */
	const struct sshdwatch	*sshd;		/* or NULL */
	const struct framer_event *fe;		/* the event gate_pass() reads */
	struct gate_stats	 st;
	struct binids		*binids;	/* or NULL */
	int			 prog_paths;	/* cfg names program paths */
};

/* gate_drop_pid(): set once in plugin mode, before the reader starts. */
static long drop_pid;
static char *drop_exe;

void
gate_drop_pid(long pid, const char *exe)
{
	free(drop_exe);
	drop_exe = NULL;
	drop_pid = exe != NULL ? pid : 0;
	if (drop_pid > 0 && (drop_exe = strdup(exe)) == NULL)
		drop_pid = 0;
}

static const struct buf *decode(struct gate *g, const char *v, size_t n);

/* Is this SYSCALL record the process drop_pid's, running drop_exe? */
static int
is_dropped_pid(struct gate *g, const struct rawsys *s)
{
	const struct buf *b;

	if (drop_pid <= 0 || s->pid != drop_pid)
		return 0;
	return s->exe != NULL && (b = decode(g, s->exe, s->exelen)) != NULL &&
	    b->len == strlen(drop_exe) && memcmp(b->p, drop_exe, b->len) == 0;
}

static void
free_prefixes(struct gate *g)
{
	size_t i;

	for (i = 0; i < g->nprefixes; i++)
		free(g->prefixes[i]);
	free(g->prefixes);
	g->prefixes = NULL;
	g->nprefixes = 0;
}

int
gate_configure(struct gate *g, const struct cfg *cfg)
{
	const struct strlist *l = &cfg->authorized_keys_paths;
	size_t i, n;

	free_prefixes(g);
	g->cfg = cfg;
	g->prog_paths = 0;
	for (i = SSHPROG_SSH; i <= SSHPROG_SSH_AGENT; i++)
		if (cfg->prog_paths[i].n > 0)
			g->prog_paths = 1;
	if (l->n == 0)
		return 0;
	if ((g->prefixes = calloc(l->n, sizeof(*g->prefixes))) == NULL)
		return -1;
	for (i = 0; i < l->n; i++) {
		/* The directory part before the first wildcard. */
		n = strcspn(l->v[i], "*?[");
		while (n > 1 && l->v[i][n - 1] != '/')
			n--;
		if ((g->prefixes[g->nprefixes] = strndup(l->v[i], n)) == NULL)
			return -1;
		g->nprefixes++;
	}
	return 0;
}

struct gate *
gate_new(const struct cfg *cfg, struct inodes *inodes)
{
	struct gate *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->inodes = inodes;
	g->pid = (long)getpid();
	buf_init(&g->val, GATE_MAX_VALUE);
	if (gate_configure(g, cfg) == -1) {
		gate_free(g);
		return NULL;
	}
	return g;
}

void
gate_free(struct gate *g)
{
	if (g == NULL)
		return;
	free_prefixes(g);
	buf_free(&g->val);
	free(g);
}

/* The raw value of a field (rawrec.h). */
static const char *
field(const char *rec, size_t len, const char *key, size_t klen,
    int from_end, size_t *vlen)
{
	return rawrec_field(rec, len, key, klen, from_end, vlen);
}

/* Decodes a raw value into g->val; NULL when it is not a string value. */
static const struct buf *
decode(struct gate *g, const char *v, size_t n)
{
	buf_reset(&g->val);
	if (auval_decode(v, n, &g->val) != AUVAL_QUOTED &&
	    g->val.len == 0)
		return NULL;
	return &g->val;
}

/* sshd, or a client under a name seen running it (binids.h). */
static int
sock_exe(struct gate *g, const struct buf *b)
{
	const char *base = memrchr(b->p, '/', b->len);
	size_t n;

	base = base != NULL ? base + 1 : b->p;
	n = (size_t)(b->p + b->len - base);
	return prog_is_sshd(base, n) ||
	    binids_alias_of(g->binids, b->p, b->len) != SSHPROG_NONE;
}

static int
exe_matters(struct gate *g, const struct rawsys *s, int sock)
{
	const struct buf *b;

	if (s->exe == NULL || (b = decode(g, s->exe, s->exelen)) == NULL)
		return 0;
	if (sock && sock_exe(g, b))
		return 1;
	/* Key hunting and ssh-keygen (keyhunt.h); sshd (sshdwatch.h). */
	if (g->sshd != NULL && (keyhunt_gate(b->p, b->len, g->fe) ||
	    sshdwatch_gate_exe(b->p, b->len)))
		return 1;
	return prog_is_ldso(b->p, b->len) ||
	    (prog_of_path(g->cfg, b->p, b->len) != SSHPROG_NONE &&
	    prog_of_path(g->cfg, b->p, b->len) != SSHPROG_SSH_AGENT);
}

/*
 * Is the absolute name b an OpenSSH client other than ssh-agent, by base
 * name or configured path?  prog_of_path() with the common case first:
 * most names are not 3, 4 or 7 bytes after their last '/'.
 */
static int
client_name(struct gate *g, const struct buf *b)
{
	const char *base;
	size_t n;

	if (b->len == 0 || b->p[0] != '/')
		return 0;
	if (g->prog_paths)
		return prog_of_path(g->cfg, b->p, b->len) != SSHPROG_NONE;
	base = (const char *)memrchr(b->p, '/', b->len) + 1;
	n = (size_t)(b->p + b->len - base);
	switch (n) {
	case 3:
		return memcmp(base, "ssh", 3) == 0 || memcmp(base, "scp", 3) == 0;
	case 4:
		return memcmp(base, "sftp", 4) == 0;
	case 7:
		return memcmp(base, "ssh-add", 7) == 0;
	default:
		return 0;
	}
}

static int
has_prefix(const struct buf *b, const char *pre)
{
	size_t n = strlen(pre);

	return b->len >= n && memcmp(b->p, pre, n) == 0;
}

/*
 * A name in a .ssh directory, other than the files every ssh reads
 * (known_hosts, config, *.pub): it may be a private key.
 */
static int
ssh_dir_name(const struct buf *b, const char *cwd, size_t cwdlen)
{
	const char *base;
	size_t n;

	base = memrchr(b->p, '/', b->len);
	base = base != NULL ? base + 1 : b->p;
	n = (size_t)(b->p + b->len - base);
	if (memmem(b->p, b->len, ".ssh/", 5) == NULL &&
	    !(base == b->p && cwd != NULL && cwdlen >= 5 &&
	    memcmp(cwd + cwdlen - 5, "/.ssh", 5) == 0))
		return 0;
	if ((n > 4 && memcmp(base + n - 4, ".pub", 4) == 0) ||
	    (n >= 11 && memcmp(base, "known_hosts", 11) == 0) ||
	    (n == 6 && memcmp(base, "config", 6) == 0))
		return 0;
	return n > 0;
}

/*
 * A client configuration file: ~/.ssh/config (or "config" in a cwd that
 * is a .ssh), /etc/ssh/ssh_config, a name under /etc/ssh/ssh_config.d.
 * The shipped and generated rules record writes there, not reads by the
 * owner, so these events are few.
 */
static int
client_config_name(const struct buf *b, const char *cwd, size_t cwdlen)
{
	if (has_prefix(b, "/etc/ssh/ssh_config"))
		return 1;
	if (b->len >= 12 && memcmp(b->p + b->len - 12, "/.ssh/config", 12) ==
	    0)
		return 1;
	return b->len == 6 && memcmp(b->p, "config", 6) == 0 && cwd != NULL &&
	    cwdlen >= 5 && memcmp(cwd + cwdlen - 5, "/.ssh", 5) == 0;
}

/*
 * Is the SYSCALL record a mount(2) or move_mount(2) (x86_64, i386,
 * aarch64)?  Only those can raise ssh-config-dir-mounted, so the PATH
 * check of mountrules.h runs for them alone.
 */
static int
mount_syscall(const struct rawsys *s)
{
	/* move_mount has the same number everywhere, mount does not. */
	return s->syscall == 429 || rawsys_syscall_is(s, 165, 21, 40);
}

static int
path_matters(struct gate *g, const char *rec, size_t len, const char *cwd,
    size_t cwdlen, int execve, int mount, int *relative)
{
	static const char *const keys[] = { "name=", "inode=", "dev=" };
	struct binids *bids = g->binids;
	const struct buf *b = NULL;
	const char *vals[3], *v, *dv;
	size_t lens[3], n, dn, i;
	char dev[INODES_DEVLEN];
	unsigned long long ino = 0;

	/* One walk for the three fields (they come one after the other). */
	rawrec_fields(rec, len, keys, 3, vals, lens);
	v = vals[0];
	n = lens[0];
	/* Relative: not "/...", or not a name (null) at all. */
	*relative = 0;
	if (v != NULL &&
	    (b = decode(g, v, n)) == NULL)
		*relative = n >= 2;
	if (v != NULL && b != NULL) {
		*relative = b->len > 0 && b->p[0] != '/';
		if (memmem(b->p, b->len, "authorized_keys", 15) != NULL)
			return 1;
		/* sshd's configuration, PAM, binaries (sshdwatch.h). */
		if (sshdwatch_gate_name(g->sshd, b->p, b->len, cwd, cwdlen))
			return 1;
		/* Keys in someone's ~/.ssh (rules.c's ssh-key-read). */
		if (ssh_dir_name(b, cwd, cwdlen))
			return 1;
		/* A mount onto /etc/ssh or below (mountrules.h). */
		if (mount && mountrules_gate_name(b->p, b->len, cwd, cwdlen))
			return 1;
		/* Client configuration written (ssh-config-planted). */
		if (client_config_name(b, cwd, cwdlen))
			return 1;
		/* An installed client read or run (sockrules.h). */
		if (client_name(g, b))
			return 1;
		/* A bare key name or a directory (dirfds.h feeds on it). */
		if (keyfile_gate(b->p, b->len, v + n,
		    (size_t)(rec + len - (v + n))))
			return 1;
		for (i = 0; i < g->nprefixes; i++) {
			if (has_prefix(b, g->prefixes[i]))
				return 1;
			/* A relative name in a cwd under the directory. */
			if (b->len > 0 && b->p[0] != '/' && cwd != NULL &&
			    cwdlen + 1 >= strlen(g->prefixes[i]) &&
			    memcmp(cwd, g->prefixes[i],
			    strlen(g->prefixes[i]) - 1) == 0)
				return 1;
		}
	}
	/* Client binaries by inode: for an exec (a hard link) only. */
	if (!execve)
		bids = NULL;
	if ((g->inodes == NULL || inodes_count(g->inodes) == 0) &&
	    (bids == NULL || binids_count(bids) == 0))
		return 0;
	if ((v = vals[1]) == NULL || (dv = vals[2]) == NULL ||
	    (dn = lens[2]) >= sizeof(dev))
		return 0;
	n = lens[1];
	for (i = 0; i < n && v[i] >= '0' && v[i] <= '9'; i++)
		ino = ino * 10 + (unsigned long long)(v[i] - '0');
	memcpy(dev, dv, dn);
	dev[dn] = '\0';
	if (bids != NULL && binids_lookup(bids, dev, ino) != SSHPROG_NONE)
		return 1;
	return g->inodes != NULL && inodes_lookup(g->inodes, dev, ino) != NULL;
}

/*
 * Does the event's SYSCALL record open a name relative to a descriptor
 * of a .ssh directory (dirfds.h)?  1 or 0.
 */
static int
dirfd_ssh_of(struct gate *g, const struct framer_event *fe)
{
	if (g->dirfds == NULL || fe->sys == NULL || fe->sys->rec == NULL)
		return 0;
	return dirfds_gate(g->dirfds, fe->node, fe->nodelen, fe->sys);
}

/*
 * The fields of SYSCALL record rec: the framer's reading when it is the
 * event's first one (every kernel event has one), else read into *tmp.
 */
static const struct rawsys *
sys_of(const struct framer_event *fe, const char *rec, size_t len,
    struct rawsys *tmp)
{
	if (fe->sys != NULL && fe->sys->rec == rec)
		return fe->sys;
	rawsys_parse(tmp, rec, len);
	return tmp;
}

/* One of our alert records, sent by this very process? */
static int
is_own(struct gate *g, const char *rec, size_t len)
{
	const char *v;
	size_t n, i;
	long pid = 0;

	if (memmem(rec, len, "msg='op=sshwatch ", 17) == NULL ||
	    (v = field(rec, len, "pid=", 4, 0, &n)) == NULL)
		return 0;
	for (i = 0; i < n && v[i] >= '0' && v[i] <= '9' && pid < 1 << 30; i++)
		pid = pid * 10 + (v[i] - '0');
	return i == n && pid == g->pid;
}

int
gate_pass(struct gate *g, const struct framer_event *fe)
{
	const char *cwd = NULL;
	size_t i, cwdlen = 0;
	int pass = 0;
	struct rawsys tmp;

	int sock = 0, execve = 0, mount = 0, dirfd_ssh = -1, relative;

	g->fe = fe;
	/* Relative names need the CWD. */
	for (i = 0; i < fe->nrecs; i++)
		if (fe->recs[i].type == AUDIT_SOCKADDR)
			sock = 1;
		else if (fe->recs[i].type == AUDIT_EXECVE)
			execve = 1;
		else if (fe->recs[i].type == AUDIT_SYSCALL)
			mount = mount_syscall(sys_of(fe, fe->text +
			    fe->recs[i].off, fe->recs[i].len, &tmp));
		else if (fe->recs[i].type == AUDIT_CWD) {
			const char *v = field(fe->text + fe->recs[i].off,
			    fe->recs[i].len, "cwd=", 4, 0, &cwdlen);

			if (v != NULL && cwdlen >= 2 && *v == '"') {
				cwd = v + 1;
				cwdlen -= 2;
			}
		}
	for (i = 0; i < fe->nrecs; i++)
		if (fe->recs[i].type == AUDIT_SYSCALL &&
		    is_dropped_pid(g, sys_of(fe, fe->text + fe->recs[i].off,
		    fe->recs[i].len, &tmp))) {
			g->st.own_events++;
			g->st.dropped++;
			return 0;
		}
	for (i = 0; i < fe->nrecs && !pass; i++) {
		const char *rec = fe->text + fe->recs[i].off;
		size_t len = fe->recs[i].len;

		switch (fe->recs[i].type) {
		case AUDIT_SYSCALL: {
			const struct rawsys *s = sys_of(fe, rec, len, &tmp);

			/* A listen: SYSCALL and PROCTITLE (clientcopy.h). */
			pass = exe_matters(g, s, sock) ||
			    sshdwatch_gate_exec(g->sshd, s) ||
			    (fe->nrecs <= 3 && clientcopy_gate(s));
			break;
		}
		case AUDIT_PATH:
			pass = path_matters(g, rec, len, cwd, cwdlen,
			    execve, mount, &relative);
			/* Relative to a .ssh descriptor?  Asked once. */
			if (!pass && dirfd_ssh == -1 && relative)
				dirfd_ssh = dirfd_ssh_of(g, fe);
			pass = pass || dirfd_ssh == 1;
			break;
		case AUDIT_ADD_USER:
			/* accounts.h: rare, and cheap to pass. */
			pass = 1;
			break;
		case AUDIT_USER_CHAUTHTOK:
			pass = accounts_home_changed(rec, len);
			break;
		case AUDIT_ANOM_EXEC:
		case AUDIT_ANOM_MOD_ACCT:
			if (is_own(g, rec, len))
				g->st.own_records++;
			break;
		default:
			break;
		}
	}
	if (pass)
		g->st.passed++;
	else
		g->st.dropped++;
	return pass;
}

void
gate_set_dirfds(struct gate *g, struct dirfds *t)
{
	if (g != NULL)
		g->dirfds = t;
}

void
gate_set_binids(struct gate *g, struct binids *b)
{
	if (g != NULL)
		g->binids = b;
}

const struct gate_stats *
gate_stats(const struct gate *g)
{
	return &g->st;
}

void
gate_set_sshd(struct gate *g, const struct sshdwatch *w)
{
	g->sshd = w;
}
