/*
 * sshdirs: .ssh directories by device and inode (see sshdirs.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "path.h"
#include "sshdirs.h"

#define S_DIR(m)	(((m) & 0170000) == 0040000)

static void
devname_of(const struct stat *st, char *dev, size_t sz)
{
	/* The kernel logs dev as "%02x:%02x". */
	snprintf(dev, sz, "%02x:%02x", major(st->st_dev), minor(st->st_dev));
}

size_t
sshdirs_seed(struct inodes *t, const struct users *u, sshdirs_multilink_fn fn)
{
	static const char *const names[] = { "authorized_keys",
	    "authorized_keys2" };
	char path[4096], dev[INODES_DEVLEN];
	struct stat st;
	size_t i, j, found = 0;
	int n;

	for (i = 0; i < u->n; i++) {
		if (u->e[i].home == NULL)
			continue;
		n = snprintf(path, sizeof(path), "%s/.ssh", u->e[i].home);
		if (n < 0 || (size_t)n >= sizeof(path) - 32)
			continue;
		if (lstat(path, &st) == -1 || !S_ISDIR(st.st_mode))
			continue;
		devname_of(&st, dev, sizeof(dev));
		inodes_note(t, dev, (unsigned long long)st.st_ino, path,
		    (size_t)n);
		found++;
		for (j = 0; j < 2 && fn != NULL; j++) {
			snprintf(path + n, sizeof(path) - (size_t)n, "/%s",
			    names[j]);
			if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
			    st.st_nlink > 1)
				fn(path, (unsigned long)st.st_nlink);
		}
	}
	return found;
}

/* Does the absolute, normalised path end in the component ".ssh"? */
static int
is_ssh_dir_name(const struct buf *b)
{
	return !b->over && b->len >= 6 && b->p[0] == '/' &&
	    memcmp(b->p + b->len - 5, "/.ssh", 5) == 0;
}

int
sshdirs_learn(struct inodes *t, const struct event *ev)
{
	struct buf path;
	int i, pass, n = 0;

	if (t == NULL || !ev->have_syscall || ev->success != 1)
		return 0;
	buf_init(&path, 2 * EVENT_MAX_FIELD + 2);
	/* What is deleted (renamed away) first, then what holds the name. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < ev->npaths; i++) {
			const struct ev_path *p = &ev->paths[i];
			const char *name = buf_str(&p->name);

			if (!p->have_name || p->inode == 0 ||
			    p->dev[0] == '\0' || !S_DIR(p->mode))
				continue;
			if ((pass == 0) != (p->nametype == NT_DELETE))
				continue;
			if (pass == 1 && p->nametype != NT_NORMAL &&
			    p->nametype != NT_CREATE)
				continue;
			buf_reset(&path);
			if (name[0] == '/')
				path_join(NULL, 0, name, p->name.len, &path);
			else if (ev->have_cwd)
				path_join(ev->cwd.p, ev->cwd.len, name,
				    p->name.len, &path);
			if (!is_ssh_dir_name(&path))
				continue;
			if (pass == 0) {
				const char *k = inodes_lookup(t, p->dev,
				    p->inode);

				/* Only a directory, never a known file. */
				if (k != NULL && strlen(k) >= 5 &&
				    strcmp(k + strlen(k) - 5, "/.ssh") == 0)
					inodes_forget(t, p->dev, p->inode);
			} else
				inodes_note(t, p->dev, p->inode, path.p,
				    path.len);
			n++;
		}
	buf_free(&path);
	return n;
}

const char *
sshdirs_parent(struct inodes *t, const struct event *ev)
{
	const char *k;
	size_t n;
	int i;

	if (t == NULL)
		return NULL;
	for (i = 0; i < ev->npaths; i++) {
		const struct ev_path *p = &ev->paths[i];

		if (p->nametype != NT_PARENT || p->inode == 0 ||
		    p->dev[0] == '\0')
			continue;
		k = inodes_lookup(t, p->dev, p->inode);
		if (k != NULL && (n = strlen(k)) >= 5 &&
		    strcmp(k + n - 5, "/.ssh") == 0)
			return k;
	}
	return NULL;
}

/* Is b ".ssh", or an absolute or relative path ending in "/.ssh"? */
static int
names_ssh(const struct buf *b)
{
	if (b->over)
		return 0;
	if (b->len == 4)
		return memcmp(b->p, ".ssh", 4) == 0;
	return b->len > 5 && memcmp(b->p + b->len - 5, "/.ssh", 5) == 0;
}

int
sshdirs_replaced(const struct event *ev, struct buf *path, const char **op)
{
	const char *s = ev->syscall_name;
	struct buf cand;
	int i, mount, best = 0;

	if (!ev->have_syscall || ev->success != 1 || s == NULL)
		return 0;
	mount = strcmp(s, "mount") == 0 || strcmp(s, "move_mount") == 0;
	if (!mount && strcmp(s, "rename") != 0 && strcmp(s, "renameat") != 0 &&
	    strcmp(s, "renameat2") != 0)
		return 0;
	buf_init(&cand, 2 * EVENT_MAX_FIELD + 2);
	for (i = 0; i < ev->npaths && best < 2; i++) {
		const struct ev_path *p = &ev->paths[i];
		const char *name = buf_str(&p->name);
		int score;

		if (!p->have_name || (p->mode != 0 && !S_DIR(p->mode)))
			continue;
		if (mount)
			score = p->nametype == NT_NORMAL ||
			    p->nametype == NT_UNSET ? 2 : 0;
		else
			score = p->nametype == NT_CREATE ? 2 :
			    p->nametype == NT_DELETE ? 1 : 0;
		if (score <= best)
			continue;
		buf_reset(&cand);
		if (name[0] != '/' && ev->have_cwd)
			path_join(ev->cwd.p, ev->cwd.len, name, p->name.len,
			    &cand);
		else
			path_join(NULL, 0, name, p->name.len, &cand);
		if (!names_ssh(&cand))
			continue;
		best = score;
		*op = mount ? "mount" : score == 2 ? "rename-into" :
		    "rename-away";
		buf_reset(path);
		buf_add(path, cand.p, cand.len);
	}
	buf_free(&cand);
	return best;
}
