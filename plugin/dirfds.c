/*
 * dirfds: bounded (node, pid, fd) -> directory table (see dirfds.h).  A
 * linear table: it holds the directories opened under watched trees,
 * which the rules keep few, and it is searched only for names given
 * relative to a descriptor.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dirfds.h"
#include "path.h"
#include "rawsys.h"

#define AT_FDCWD_32	0xffffff9cULL

struct dentry {
	char			 node[DIRFDS_NODELEN];
	long long		 pid, fd;
	char			*path;
	unsigned long long	 used;
};

struct dirfds {
	struct dentry		*e;
	size_t			 n, max;
	unsigned long long	 clock, evicted, refused;
};

struct dirfds *
dirfds_new(size_t max)
{
	struct dirfds *t;

	if (max == 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->e = calloc(max, sizeof(*t->e))) == NULL) {
		free(t);
		return NULL;
	}
	t->max = max;
	return t;
}

void
dirfds_free(struct dirfds *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->e[i].path);
	free(t->e);
	free(t);
}

static int
same_node(const struct dentry *e, const char *node)
{
	return strcmp(e->node, node != NULL ? node : "") == 0;
}

static struct dentry *
find(struct dirfds *t, const char *node, long long pid, long long fd)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].pid == pid && t->e[i].fd == fd &&
		    same_node(&t->e[i], node))
			return &t->e[i];
	return NULL;
}

int
dirfds_note(struct dirfds *t, const char *node, long long pid, long long fd,
    const char *path, size_t n)
{
	struct dentry *e;
	char *p;
	size_t i, old;

	if (pid < 0 || fd < 0 || n == 0 || n > DIRFDS_MAX_PATH ||
	    memchr(path, '\0', n) != NULL ||
	    (node != NULL && strlen(node) >= DIRFDS_NODELEN)) {
		t->refused++;
		return -1;
	}
	if ((p = malloc(n + 1)) == NULL) {
		t->refused++;
		return -1;
	}
	memcpy(p, path, n);
	p[n] = '\0';
	if ((e = find(t, node, pid, fd)) == NULL) {
		if (t->n < t->max)
			e = &t->e[t->n++];
		else {
			for (old = 0, i = 1; i < t->n; i++)
				if (t->e[i].used < t->e[old].used)
					old = i;
			e = &t->e[old];
			free(e->path);
			t->evicted++;
		}
		memset(e, 0, sizeof(*e));
		memcpy(e->node, node != NULL ? node : "",
		    node != NULL ? strlen(node) + 1 : 1);
		e->pid = pid;
		e->fd = fd;
	} else
		free(e->path);
	e->path = p;
	e->used = ++t->clock;
	return 0;
}

const char *
dirfds_lookup(struct dirfds *t, const char *node, long long pid,
    long long fd)
{
	struct dentry *e = find(t, node, pid, fd);

	if (e == NULL)
		return NULL;
	e->used = ++t->clock;
	return e->path;
}

void
dirfds_forget_pid(struct dirfds *t, const char *node, long long pid)
{
	size_t i = 0;

	while (i < t->n) {
		if (t->e[i].pid == pid && same_node(&t->e[i], node)) {
			free(t->e[i].path);
			t->e[i] = t->e[--t->n];
		} else
			i++;
	}
}

size_t
dirfds_count(const struct dirfds *t)
{
	return t->n;
}

unsigned long long
dirfds_evicted(const struct dirfds *t)
{
	return t->evicted;
}

unsigned long long
dirfds_refused(const struct dirfds *t)
{
	return t->refused;
}

int
dirfds_resolve(struct dirfds *t, const struct event *ev, long long fd,
    const char *name, size_t n, struct buf *out)
{
	const char *dir;

	if (t == NULL || (dir = dirfds_lookup(t, ev->node, ev->pid, fd)) ==
	    NULL)
		return 0;
	buf_reset(out);
	if (dir[0] == '/')
		path_join(dir, strlen(dir), name, n, out);
	else if (buf_adds(out, dir) == 0 && buf_addc(out, '/') == 0)
		buf_add(out, name, n);
	if (out->over || out->len == 0)
		return 0;
	return out->p[0] == '/' ? 1 : 2;
}

int
dirfds_feed(struct dirfds *t, const struct event *ev)
{
	const struct ev_path *p = NULL;
	const char *s = ev->syscall_name, *name;
	unsigned long long fd;
	struct buf path;
	int i, nnormal = 0, dirfd_arg, r = 0;

	if (t == NULL || !ev->have_syscall || ev->success != 1 || s == NULL ||
	    ev->pid < 0)
		return 0;
	if (strcmp(s, "execve") == 0 || strcmp(s, "execveat") == 0) {
		dirfds_forget_pid(t, ev->node, ev->pid);
		return 0;
	}
	if (strcmp(s, "open") == 0)
		dirfd_arg = -1;
	else if (strcmp(s, "openat") == 0 || strcmp(s, "openat2") == 0)
		dirfd_arg = 0;
	else
		return 0;
	for (i = 0; i < ev->npaths; i++)
		if (ev->paths[i].nametype == NT_NORMAL ||
		    ev->paths[i].nametype == NT_UNSET) {
			p = &ev->paths[i];
			nnormal++;
		}
	if (nnormal != 1 || !p->have_name || (p->mode & 0170000) != 0040000 ||
	    ev->exit < 0)
		return 0;
	name = buf_str(&p->name);
	buf_init(&path, 2 * DIRFDS_MAX_PATH + 2);
	fd = dirfd_arg >= 0 ? ev->a[dirfd_arg] & 0xffffffffULL : AT_FDCWD_32;
	if (name[0] == '/')
		path_join(NULL, 0, name, p->name.len, &path);
	else if (fd != AT_FDCWD_32) {
		/* Unknown descriptor: keep the name, relative (tar -C). */
		if (dirfds_resolve(t, ev, (long long)fd, name, p->name.len,
		    &path) == 0)
			buf_add(&path, name, p->name.len);
	} else if (ev->have_cwd)
		path_join(ev->cwd.p, ev->cwd.len, name, p->name.len, &path);
	if (!path.over && path.len > 0)
		r = dirfds_note(t, ev->node, ev->pid, ev->exit, path.p,
		    path.len) == 0;
	buf_free(&path);
	return r;
}

/* Has path[0..n) a component named .ssh? */
static int
has_ssh(const char *p, size_t n)
{
	return (n >= 4 && memcmp(p, ".ssh", 4) == 0 && (n == 4 ||
	    p[4] == '/')) || memmem(p, n, "/.ssh/", 6) != NULL ||
	    (n >= 5 && memcmp(p + n - 5, "/.ssh", 5) == 0);
}

int
dirfds_gate(struct dirfds *t, const char *node, size_t nodelen,
    const struct rawsys *sys)
{
	char nb[DIRFDS_NODELEN + 1];
	unsigned long long fd = 0;
	const char *v = sys->a0, *path;
	size_t n = sys->a0len, i;
	long long pid;
	int c;

	if (t == NULL || t->n == 0 || nodelen > DIRFDS_NODELEN ||
	    v == NULL || n == 0 || n > 8)
		return 0;
	for (i = 0; i < n; i++) {
		c = v[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else
			return 0;
		fd = fd << 4 | (unsigned)c;
	}
	if (fd == 0xffffff9cULL || (pid = sys->pid) < 0)
		return 0;
	if (node != NULL) {
		memcpy(nb, node, nodelen);
		nb[nodelen] = '\0';
	}
	path = dirfds_lookup(t, node != NULL ? nb : NULL, pid,
	    (long long)fd);
	return path != NULL && has_ssh(path, strlen(path));
}
