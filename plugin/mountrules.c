/*
 * mountrules: mounts over the client and server configuration directory
 * (see mountrules.h).
 */
#include "config.h"

#include <string.h>

#include "alert.h"
#include "buf.h"
#include "event.h"
#include "mountrules.h"
#include "path.h"

#define SSH_DIR	"/etc/ssh"

static const char *const tags_mounted[] = { "sshd-config", "client-config",
    "persistence", "defense-evasion", "T1562.001", "T1098.004", NULL };

/* Is the normal absolute path b /etc/ssh or below it? */
static int
in_ssh_dir(const struct buf *b)
{
	return !b->over && b->len > 0 && b->p[0] == '/' &&
	    ((b->len == sizeof(SSH_DIR) - 1 &&
	    memcmp(b->p, SSH_DIR, b->len) == 0) ||
	    path_under(b->p, b->len, SSH_DIR));
}

/* name joined to cwd when relative, normalised, /proc/self/root taken. */
static int
resolve(const char *name, size_t n, const char *cwd, size_t cwdlen,
    struct buf *out)
{
	buf_reset(out);
	if (n > 0 && name[0] != '/' && cwd == NULL)
		return -1;
	if (path_join(name[0] == '/' ? NULL : cwd, cwdlen, name, n, out) ==
	    -1)
		return -1;
	path_strip_proc_root(out);
	return 0;
}

int
mountrules_gate_name(const char *p, size_t n, const char *cwd, size_t cwdlen)
{
	struct buf b;
	int r;

	/*
	 * Cheap first (the gate asks this of every PATH record): a name that
	 * resolves to /etc/ssh has "ssh" and "etc" in the name or the cwd.
	 */
	if (n == 0 || (memmem(p, n, "ssh", 3) == NULL && (cwd == NULL ||
	    memmem(cwd, cwdlen, "ssh", 3) == NULL)) ||
	    (memmem(p, n, "etc", 3) == NULL && (cwd == NULL ||
	    memmem(cwd, cwdlen, "etc", 3) == NULL)))
		return 0;
	buf_init(&b, 2 * EVENT_MAX_FIELD + 2);
	r = resolve(p, n, cwd, cwdlen, &b) == 0 && in_ssh_dir(&b);
	buf_free(&b);
	return r;
}

int
mountrules_run(const struct rules_ctx *rc, const struct event *ev,
    alert_fn fn, void *ctx)
{
	static char target[2 * EVENT_MAX_FIELD + 2];
	const char *s = ev->syscall_name;
	const struct ev_path *t = NULL;
	struct alert a;
	struct buf b;
	int i, move, n = 0;

	if (!ev->have_syscall || ev->success != 1 || s == NULL)
		return 0;
	move = strcmp(s, "move_mount") == 0;
	if (!move && strcmp(s, "mount") != 0)
		return 0;
	/* The target: mount(2)'s first name, move_mount(2)'s last. */
	for (i = 0; i < ev->npaths; i++) {
		const struct ev_path *p = &ev->paths[i];

		if (!p->have_name || p->name.len == 0 ||
		    (p->nametype != NT_NORMAL && p->nametype != NT_UNSET))
			continue;
		t = p;
		if (!move)
			break;
	}
	if (t == NULL)
		return 0;
	buf_init(&b, sizeof(target));
	if (resolve(t->name.p, t->name.len, ev->have_cwd ? ev->cwd.p : NULL,
	    ev->cwd.len, &b) == -1 || !in_ssh_dir(&b))
		goto out;
	memcpy(target, b.p, b.len);
	target[b.len] = '\0';
	memset(&a, 0, sizeof(a));
	rules_enrich(rc, ev, &a);
	a.rule = "ssh-config-dir-mounted";
	a.severity = SEV_HIGH;
	a.confidence = CONF_HIGH;
	a.tags = tags_mounted;
	a.ev = ev;
	a.file_path = target;
	a.file_pathlen = b.len;
	a.file_resolved = 1;
	a.file_dirfd = -1;
	a.file_op = move ? "move_mount" : "mount";
	a.match[a.nmatch++] = target;
	a.note = "a file system mounted over the SSH configuration "
	    "directory: the kernel's watch follows the directory underneath, "
	    "so nothing written into the mount is recorded until the rules "
	    "are loaded again";
	fn(ctx, &a);
	n = 1;
 out:
	buf_free(&b);
	return n;
}
