/*
 * binids: the client binaries by device and inode (see binids.h).
 * Tables of a few dozen entries, searched linearly: they hold the handful
 * of OpenSSH client files of a host and their links.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "binids.h"

struct binid {
	char		 dev[16];
	unsigned long long ino;
	enum sshprog	 prog;
};

struct alias {
	char		 name[BINIDS_NAME];
	size_t		 len;
	enum sshprog	 prog;
};

struct binids {
	struct binid	 ids[BINIDS_MAX];
	size_t		 nids, nextid;
	struct alias	 al[BINIDS_ALIASES];
	size_t		 nal, nextal;
	unsigned long long evicted;
};

struct binids *
binids_new(void)
{
	return calloc(1, sizeof(struct binids));
}

void
binids_free(struct binids *b)
{
	free(b);
}

void
binids_note(struct binids *b, const char *dev, unsigned long long ino,
    enum sshprog prog)
{
	struct binid *e;
	size_t i;

	if (dev == NULL || strlen(dev) >= sizeof(e->dev) || ino == 0 ||
	    prog == SSHPROG_NONE)
		return;
	for (i = 0; i < b->nids; i++)
		if (b->ids[i].ino == ino && strcmp(b->ids[i].dev, dev) == 0) {
			b->ids[i].prog = prog;
			return;
		}
	if (b->nids < BINIDS_MAX)
		e = &b->ids[b->nids++];
	else {
		e = &b->ids[b->nextid];
		b->nextid = (b->nextid + 1) % BINIDS_MAX;
		b->evicted++;
	}
	snprintf(e->dev, sizeof(e->dev), "%s", dev);
	e->ino = ino;
	e->prog = prog;
}

enum sshprog
binids_lookup(const struct binids *b, const char *dev, unsigned long long ino)
{
	size_t i;

	if (b == NULL || dev == NULL)
		return SSHPROG_NONE;
	for (i = 0; i < b->nids; i++)
		if (b->ids[i].ino == ino && strcmp(b->ids[i].dev, dev) == 0)
			return b->ids[i].prog;
	return SSHPROG_NONE;
}

void
binids_alias(struct binids *b, const char *exe, size_t n, enum sshprog prog)
{
	struct alias *a;
	size_t i;

	if (n == 0 || n >= BINIDS_NAME || memchr(exe, '\0', n) != NULL)
		return;
	for (i = 0; i < b->nal; i++)
		if (b->al[i].len == n && memcmp(b->al[i].name, exe, n) == 0) {
			b->al[i].prog = prog;
			return;
		}
	if (b->nal < BINIDS_ALIASES)
		a = &b->al[b->nal++];
	else {
		a = &b->al[b->nextal];
		b->nextal = (b->nextal + 1) % BINIDS_ALIASES;
		b->evicted++;
	}
	memcpy(a->name, exe, n);
	a->name[n] = '\0';
	a->len = n;
	a->prog = prog;
}

enum sshprog
binids_alias_of(const struct binids *b, const char *exe, size_t n)
{
	size_t i;

	if (b == NULL)
		return SSHPROG_NONE;
	for (i = 0; i < b->nal; i++)
		if (b->al[i].len == n && memcmp(b->al[i].name, exe, n) == 0)
			return b->al[i].prog;
	return SSHPROG_NONE;
}

int
binids_stat_defaults(struct binids *b)
{
	static const struct {
		const char	*path;
		enum sshprog	 prog;
	} known[] = {
		{ "/usr/bin/ssh", SSHPROG_SSH },
		{ "/usr/bin/scp", SSHPROG_SCP },
		{ "/usr/bin/sftp", SSHPROG_SFTP },
		{ "/usr/bin/ssh-add", SSHPROG_SSH_ADD },
	};
	struct stat st;
	char dev[16];
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (stat(known[i].path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		/* The kernel's PATH record form: "%02x:%02x". */
		snprintf(dev, sizeof(dev), "%02x:%02x", major(st.st_dev),
		    minor(st.st_dev));
		binids_note(b, dev, (unsigned long long)st.st_ino,
		    known[i].prog);
		n++;
	}
	return n;
}

size_t
binids_count(const struct binids *b)
{
	return b->nids;
}

unsigned long long
binids_evicted(const struct binids *b)
{
	return b->evicted;
}
