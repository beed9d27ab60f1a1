/*
 * homewatch: inotify watches on the homes and .ssh directories no audit
 * rule covers yet (see homewatch.h).  Plugin mode only: main.c polls the
 * descriptor beside standard input; the rules hand it the account
 * records and the covering writes (rules_run()).
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <libaudit.h>

#include "accounts.h"
#include "akeys.h"
#include "homewatch.h"
#include "log.h"
#include "monoclock.h"
#include "plantconf.h"
#include "safeopen.h"

/* The files of a .ssh this step reads, by index. */
enum { HWF_AKEYS, HWF_AKEYS2, HWF_CONFIG, HWF_N };
static const char *const hwf_names[HWF_N] = { "authorized_keys",
    "authorized_keys2", "config" };

/* When a missing home is tried again, in ms after the account came. */
static const long long retry_ms[HOMEWATCH_RETRIES] = { 0, 100, 300, 1000,
    3000, 10000, 30000, 60000 };

static const char *const tags_akeys[] = { "authorized-keys", "inotify",
    "T1098.004", NULL };
static const char *const tags_config[] = { "client-config", "persistence",
    "tunnel", "inotify", "T1572", "T1021.004", "T1090", NULL };

struct hw_account {
	int		 used;
	unsigned	 gen;		/* sightings of an older use die */
	long long	 uid;
	char		 name[64];
	char		*home;
	int		 home_wd, ssh_wd;	/* -1: none */
	int		 tries;		/* home lookups done */
	long long	 retry_at;	/* -1: not waiting for the home */
	long long	 added;		/* when it came */
	long long	 rate_start;
	int		 rate_n;
	int		 seeded;	/* at start: note, do not alert */
	int		 relookup;	/* ask the account's home again */
	uint64_t	 seen[HWF_N];	/* content last reported, 0: none */
};

struct hw_watch {
	int		 wd;
	int		 acct;
	int		 is_ssh;
};

struct hw_pending {
	int		 used;
	int		 acct;
	unsigned	 gen;
	int		 file;		/* HWF_* */
	const char	*op;		/* static */
	long long	 due;
};

/* What an account no longer watched had reported (its home moved). */
struct hw_memo {
	long long	 uid;
	uint64_t	 seen[HWF_N];
};

struct homewatch {
	int			 fd;
	int			 version;
	alert_fn		 fn;
	void			*ctx;
	unsigned		 gen;
	struct hw_account	 acct[HOMEWATCH_MAX_ACCOUNTS];
	struct hw_watch		 w[HOMEWATCH_MAX_WATCHES];
	size_t			 nw;
	struct hw_pending	 p[HOMEWATCH_MAX_PENDING];
	struct homewatch_stats	 st;
	struct event		 ev;		/* the alerts' (no process) */
	struct akey		 keys[HOMEWATCH_MAX_KEYS];
	struct alert_akey	 akout[HOMEWATCH_MAX_KEYS];
	size_t			 nkeys, allkeys;
	uint64_t		 hash;
	int			 seeding;	/* homewatch_seed() adds */
	struct hw_memo		 memo[HOMEWATCH_MEMO];	/* a ring */
	size_t			 nmemo;
	homewatch_lookup_fn	 lookup;
};

enum homewatch_name
homewatch_classify(const char *name, size_t n, int in_home)
{
	if (in_home)
		return n == 4 && memcmp(name, ".ssh", 4) == 0 ?
		    HW_NAME_SSHDIR : HW_NAME_OTHER;
	if ((n == 15 && memcmp(name, "authorized_keys", 15) == 0) ||
	    (n == 16 && memcmp(name, "authorized_keys2", 16) == 0))
		return HW_NAME_AKEYS;
	if (n == 6 && memcmp(name, "config", 6) == 0)
		return HW_NAME_CONFIG;
	return HW_NAME_OTHER;
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n-- > 0) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

struct homewatch *
homewatch_new(int version, alert_fn fn, void *ctx)
{
	struct homewatch *hw;
	size_t i;

	if ((hw = calloc(1, sizeof(*hw))) == NULL)
		return NULL;
	if ((hw->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		free(hw);
		return NULL;
	}
	hw->version = version;
	hw->fn = fn;
	hw->ctx = ctx;
	for (i = 0; i < HOMEWATCH_MAX_ACCOUNTS; i++)
		hw->acct[i].home_wd = hw->acct[i].ssh_wd = -1;
	event_init(&hw->ev, NULL);
	hw->lookup = homewatch_getpw;
	return hw;
}

int
homewatch_getpw(long long uid, char *home, size_t homesz)
{
	struct passwd pw, *res = NULL;
	char sbuf[4096];

	if (getpwuid_r((uid_t)uid, &pw, sbuf, sizeof(sbuf), &res) != 0 ||
	    res == NULL || res->pw_dir == NULL)
		return -1;
	snprintf(home, homesz, "%s", res->pw_dir);
	return 0;
}

void
homewatch_set_lookup(struct homewatch *hw, homewatch_lookup_fn fn)
{
	hw->lookup = fn;
}

void
homewatch_free(struct homewatch *hw)
{
	size_t i;

	if (hw == NULL)
		return;
	for (i = 0; i < HOMEWATCH_MAX_ACCOUNTS; i++)
		free(hw->acct[i].home);
	close(hw->fd);
	event_free(&hw->ev);
	free(hw);
}

int
homewatch_fd(const struct homewatch *hw)
{
	return hw->fd;
}

const struct homewatch_stats *
homewatch_stats(const struct homewatch *hw)
{
	return &hw->st;
}

int
homewatch_watching(const struct homewatch *hw, long long uid)
{
	size_t i;

	for (i = 0; i < HOMEWATCH_MAX_ACCOUNTS; i++)
		if (hw->acct[i].used && hw->acct[i].uid == uid)
			return 1;
	return 0;
}

static struct hw_watch *
watch_of(struct homewatch *hw, int wd)
{
	size_t i;

	for (i = 0; i < hw->nw; i++)
		if (hw->w[i].wd == wd)
			return &hw->w[i];
	return NULL;
}

/* Forgets table entry wd (the kernel's watch is gone or removed). */
static void
watch_forget(struct homewatch *hw, int wd)
{
	size_t i;

	for (i = 0; i < hw->nw; i++)
		if (hw->w[i].wd == wd) {
			hw->w[i] = hw->w[--hw->nw];
			break;
		}
	hw->st.watches = hw->nw;
}

static void
watch_remove(struct homewatch *hw, int *wd)
{
	if (*wd < 0)
		return;
	inotify_rm_watch(hw->fd, *wd);
	watch_forget(hw, *wd);
	*wd = -1;
}

/*
 * Adds a watch on path for account ai.  Returns the descriptor, or -1
 * (counted) when the table is full, the kernel refuses, or the inode is
 * watched already for another account (a shared home).
 */
static int
watch_add(struct homewatch *hw, int ai, const char *path, uint32_t mask,
    int is_ssh)
{
	int wd;

	if (hw->nw >= HOMEWATCH_MAX_WATCHES) {
		hw->st.watches_over++;
		return -1;
	}
	/* IN_MASK_ADD: a directory watched already keeps its own mask. */
	if ((wd = inotify_add_watch(hw->fd, path, mask | IN_ONLYDIR |
	    IN_DONT_FOLLOW | IN_MASK_ADD)) == -1) {
		hw->st.watch_failed++;
		return -1;
	}
	if (watch_of(hw, wd) != NULL)
		return -1;	/* the same directory, another account */
	hw->w[hw->nw].wd = wd;
	hw->w[hw->nw].acct = ai;
	hw->w[hw->nw].is_ssh = is_ssh;
	hw->nw++;
	hw->st.watches = hw->nw;
	return wd;
}

static void
account_drop(struct homewatch *hw, int ai)
{
	struct hw_account *a = &hw->acct[ai];
	size_t i;

	watch_remove(hw, &a->ssh_wd);
	watch_remove(hw, &a->home_wd);
	for (i = 0; i < HOMEWATCH_MAX_PENDING; i++)
		if (hw->p[i].used && hw->p[i].acct == ai)
			hw->p[i].used = 0;
	/* usermod -d -m: the same files in the new home are no news. */
	hw->memo[hw->nmemo % HOMEWATCH_MEMO].uid = a->uid;
	memcpy(hw->memo[hw->nmemo % HOMEWATCH_MEMO].seen, a->seen,
	    sizeof(a->seen));
	hw->nmemo++;
	free(a->home);
	memset(a, 0, sizeof(*a));
	a->home_wd = a->ssh_wd = -1;
	hw->st.watched--;
}

/* A file of a .ssh seen written: read after HOMEWATCH_DELAY_MS. */
static void
sighting(struct homewatch *hw, int ai, int file, const char *op,
    long long now)
{
	struct hw_pending *free_slot = NULL;
	size_t i;

	hw->st.sightings++;
	for (i = 0; i < HOMEWATCH_MAX_PENDING; i++) {
		struct hw_pending *p = &hw->p[i];

		if (!p->used) {
			if (free_slot == NULL)
				free_slot = p;
			continue;
		}
		if (p->acct == ai && p->gen == hw->acct[ai].gen &&
		    p->file == file) {
			p->op = op;	/* the latest write */
			p->due = now + HOMEWATCH_DELAY_MS;
			return;
		}
	}
	if (free_slot == NULL) {
		hw->st.pending_over++;
		return;
	}
	free_slot->used = 1;
	free_slot->acct = ai;
	free_slot->gen = hw->acct[ai].gen;
	free_slot->file = file;
	free_slot->op = op;
	free_slot->due = now + HOMEWATCH_DELAY_MS;
}

static int	 sighting_run(struct homewatch *hw, const struct hw_pending *p,
		    long long now);

/*
 * Watches HOME/.ssh of account ai when it is a directory (not a link),
 * and notes the files already in it (a .ssh staged elsewhere and renamed
 * in, or written before the watch).
 */
static void
ssh_try(struct homewatch *hw, int ai, const char *op, long long now)
{
	struct hw_account *a = &hw->acct[ai];
	char path[HOMEWATCH_MAX_PATH];
	struct stat st;
	int n, i;

	watch_remove(hw, &a->ssh_wd);
	n = snprintf(path, sizeof(path), "%s/.ssh", a->home);
	if (n < 0 || (size_t)n >= sizeof(path) - 32 ||
	    lstat(path, &st) == -1 || !S_ISDIR(st.st_mode))
		return;
	a->ssh_wd = watch_add(hw, ai, path, IN_CLOSE_WRITE | IN_MOVED_TO |
	    IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF, 1);
	if (a->ssh_wd < 0)
		return;
	for (i = 0; i < HWF_N; i++) {
		snprintf(path + n, sizeof(path) - (size_t)n, "/%s",
		    hwf_names[i]);
		if (lstat(path, &st) == -1)
			continue;
		if (a->seeded && strcmp(op, "present") == 0) {
			/* At start: read now, as the reference. */
			struct hw_pending p = { 1, ai, a->gen, i, "baseline",
			    now };

			sighting_run(hw, &p, now);
		} else
			sighting(hw, ai, i, op, now);
	}
}

/*
 * Asks account ai's home again (usermod -d writes the account database
 * after its record, and -m renames the home).  Returns 0, or -1 when the
 * account is gone (dropped).
 */
static int
relookup(struct homewatch *hw, int ai)
{
	struct hw_account *a = &hw->acct[ai];
	char home[HOMEWATCH_MAX_PATH];
	size_t hl;
	char *h;

	if (hw->lookup(a->uid, home, sizeof(home)) == -1) {
		hw->st.gone++;		/* userdel */
		account_drop(hw, ai);
		return -1;
	}
	hl = strlen(home);
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	home[hl] = '\0';
	if (home[0] != '/' || strcmp(home, a->home) == 0)
		return 0;
	if ((h = strdup(home)) == NULL) {
		account_drop(hw, ai);
		return -1;
	}
	/* Another home: what was reported stays reported (moved files). */
	watch_remove(hw, &a->ssh_wd);
	watch_remove(hw, &a->home_wd);
	free(a->home);
	a->home = h;
	return 0;
}

/* Asks the home of account ai again from now, on the retry schedule. */
static void
relookup_from(struct homewatch *hw, int ai, long long now)
{
	struct hw_account *a = &hw->acct[ai];

	a->relookup = 1;
	a->tries = 0;
	a->added = now;
	a->retry_at = now;
}

/* Looks for account ai's home: watched, or tried again later. */
static void
account_try(struct homewatch *hw, int ai, long long now)
{
	struct hw_account *a = &hw->acct[ai];
	struct stat st;

	a->retry_at = -1;
	if (a->relookup && relookup(hw, ai) == -1)
		return;
	if (a->home_wd >= 0) {
		/* The same home, watched: ask again a few times. */
		if (a->relookup && ++a->tries < HOMEWATCH_RELOOKUPS)
			a->retry_at = a->added + retry_ms[a->tries];
		else
			a->relookup = 0;
		return;
	}
	if (lstat(a->home, &st) == -1 || !S_ISDIR(st.st_mode)) {
		if (++a->tries >= HOMEWATCH_RETRIES) {
			hw->st.no_home++;
			account_drop(hw, ai);
			return;
		}
		a->retry_at = a->added + retry_ms[a->tries];
		return;
	}
	a->home_wd = watch_add(hw, ai, a->home, IN_CREATE | IN_MOVED_TO |
	    IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF, 0);
	if (a->home_wd < 0) {
		account_drop(hw, ai);
		return;
	}
	a->relookup = 0;
	if (!a->seeded)
		log_msg(LOG_INFO, "watching the home of %s (uid %lld) with "
		    "inotify until an audit rule covers its .ssh", a->name,
		    a->uid);
	ssh_try(hw, ai, "present", now);
}

int
homewatch_add(struct homewatch *hw, long long uid, const char *name,
    const char *home, long long now)
{
	struct hw_account *a = NULL;
	size_t i, hl;
	int ai = -1;

	if (home == NULL || home[0] != '/' ||
	    (hl = strlen(home)) >= HOMEWATCH_MAX_PATH - 64)
		return -1;
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	/* Placeholders that are no home, as audisp-sshwatch-genrules. */
	if (hl == 1 || (hl == 12 && memcmp(home, "/nonexistent", 12) == 0) ||
	    (hl == 9 && memcmp(home, "/dev/null", 9) == 0))
		return -1;
	for (i = 0; i < HOMEWATCH_MAX_ACCOUNTS; i++) {
		if (!hw->acct[i].used || hw->acct[i].uid != uid)
			continue;
		if (strlen(hw->acct[i].home) == hl &&
		    memcmp(hw->acct[i].home, home, hl) == 0) {
			/* Again (useradd's second record): look now. */
			if (hw->acct[i].home_wd < 0)
				account_try(hw, (int)i, now);
			return 0;
		}
		account_drop(hw, (int)i);	/* usermod -d: the new one */
	}
	for (i = 0; i < HOMEWATCH_MAX_ACCOUNTS; i++)
		if (!hw->acct[i].used) {
			ai = (int)i;
			break;
		}
	if (ai < 0) {
		hw->st.accounts_over++;
		return -1;
	}
	a = &hw->acct[ai];
	if ((a->home = strndup(home, hl)) == NULL)
		return -1;
	a->used = 1;
	a->gen = ++hw->gen;
	a->uid = uid;
	snprintf(a->name, sizeof(a->name), "%s", name != NULL ? name : "");
	a->added = now;
	a->tries = 0;
	a->seeded = hw->seeding;
	a->rate_start = now;
	for (i = hw->nmemo; i > 0 && i + HOMEWATCH_MEMO > hw->nmemo; i--)
		if (hw->memo[(i - 1) % HOMEWATCH_MEMO].uid == uid) {
			memcpy(a->seen, hw->memo[(i - 1) % HOMEWATCH_MEMO].seen,
			    sizeof(a->seen));
			break;
		}
	hw->st.accounts++;
	hw->st.watched++;
	account_try(hw, ai, now);
	return 0;
}

/*
 * Looks up an account of an ADD_USER or usermod record and watches it.
 * usermod logs before it writes the new home into the account database:
 * its home is asked again for a few seconds (relookup()).
 */
static void
account_record(struct homewatch *hw, const struct ev_session *s, int moved)
{
	struct passwd pw, *res = NULL;
	char name[64], sbuf[4096];
	long long now = monoclock_ms();
	int i;

	if (s->id >= 0)
		getpwuid_r((uid_t)s->id, &pw, sbuf, sizeof(sbuf), &res);
	else if (s->acct.len > 0 && s->acct.len < sizeof(name)) {
		memcpy(name, s->acct.p, s->acct.len);
		name[s->acct.len] = '\0';
		getpwnam_r(name, &pw, sbuf, sizeof(sbuf), &res);
	}
	if (res == NULL || res->pw_dir == NULL)
		return;
	if (homewatch_add(hw, (long long)res->pw_uid, res->pw_name,
	    res->pw_dir, now) == -1 || !moved)
		return;
	for (i = 0; i < HOMEWATCH_MAX_ACCOUNTS; i++)
		if (hw->acct[i].used &&
		    hw->acct[i].uid == (long long)res->pw_uid) {
			relookup_from(hw, i, now);
			break;
		}
}

/*
 * Is PATH item p an existing file in account a's .ssh, opened by name
 * (absolute, or joined to the event's CWD)?  Only a recursive dir= watch
 * records that: the watch of .ssh's creation (path=, when the generator
 * ran before .ssh existed) records a file created there by its PARENT
 * item, never an open of a file already there, so it does not count.
 */
static int
in_ssh(const struct hw_account *a, const struct event *ev,
    const struct ev_path *p)
{
	char full[HOMEWATCH_MAX_PATH];
	size_t hl = strlen(a->home), n;
	const char *name;
	int k;

	if (!p->have_name || p->name.len == 0 ||
	    (p->nametype != NT_NORMAL && p->nametype != NT_UNSET))
		return 0;
	name = p->name.p;
	n = p->name.len;
	if (name[0] != '/') {
		if (!ev->have_cwd || ev->cwd.len == 0 ||
		    (k = snprintf(full, sizeof(full), "%.*s/%.*s",
		    (int)ev->cwd.len, ev->cwd.p, (int)n, name)) < 0 ||
		    (size_t)k >= sizeof(full))
			return 0;
		name = full;
		n = (size_t)k;
	}
	return n > hl + 6 && memcmp(name, a->home, hl) == 0 &&
	    memcmp(name + hl, "/.ssh/", 6) == 0;
}

void
homewatch_event(struct homewatch *hw, const struct event *ev)
{
	int i, j;

	if (hw == NULL)
		return;
	for (i = 0; i < ev->nsessions; i++) {
		const struct ev_session *s = &ev->sessions[i];
		int moved = s->type == AUDIT_USER_CHAUTHTOK &&
		    s->op.len == 23 &&
		    memcmp(s->op.p, "changing home directory", 23) == 0;

		if (s->success == 1 && (moved || (s->type == AUDIT_ADD_USER &&
		    accounts_op_matters(s->type, s->op.p, s->op.len))))
			account_record(hw, s, moved);
	}
	if (!ev->have_syscall || hw->st.watched == 0 ||
	    ev->key.len != sizeof(HOMEWATCH_AUDIT_KEY) - 1 ||
	    memcmp(ev->key.p, HOMEWATCH_AUDIT_KEY, ev->key.len) != 0)
		return;
	for (j = 0; j < HOMEWATCH_MAX_ACCOUNTS; j++) {
		const struct hw_account *a = &hw->acct[j];

		if (!a->used)
			continue;
		for (i = 0; i < ev->npaths; i++)
			if (in_ssh(a, ev, &ev->paths[i]))
				break;
		if (i < ev->npaths) {
			log_msg(LOG_INFO, "an audit rule covers the .ssh of "
			    "%s now: its inotify watch ends", a->name);
			hw->st.covered++;
			account_drop(hw, j);
		}
	}
}

/* One inotify record. */
static void
handle(struct homewatch *hw, const struct inotify_event *ie, long long now)
{
	struct hw_watch *w;
	struct hw_account *a;
	size_t nl;
	int ai, f;

	if (ie->mask & IN_Q_OVERFLOW) {
		/* Lost records: look at every watched .ssh again. */
		hw->st.overflows++;
		for (ai = 0; ai < HOMEWATCH_MAX_ACCOUNTS; ai++)
			if (hw->acct[ai].used && hw->acct[ai].home_wd >= 0)
				ssh_try(hw, ai, "rescan", now);
		return;
	}
	if ((w = watch_of(hw, ie->wd)) == NULL)
		return;
	ai = w->acct;
	a = &hw->acct[ai];
	if (ie->mask & IN_IGNORED) {
		/* The kernel's watch is gone (the directory went). */
		int is_ssh = w->is_ssh;

		watch_forget(hw, ie->wd);
		if (is_ssh)
			a->ssh_wd = -1;
		else {
			/* Moved or removed: where is the home now? */
			a->home_wd = -1;
			watch_remove(hw, &a->ssh_wd);
			relookup_from(hw, ai, now);
		}
		return;
	}
	nl = ie->len > 0 ? strnlen(ie->name, ie->len) : 0;
	if (!w->is_ssh) {
		if (ie->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
			/*
			 * usermod -d -m renamed it, userdel -r removed it:
			 * the account's home is asked again.
			 */
			watch_remove(hw, &a->ssh_wd);
			watch_remove(hw, &a->home_wd);
			relookup_from(hw, ai, now);
			return;
		}
		if (homewatch_classify(ie->name, nl, 1) != HW_NAME_SSHDIR)
			return;
		if (ie->mask & (IN_CREATE | IN_MOVED_TO))
			ssh_try(hw, ai, ie->mask & IN_MOVED_TO ? "moved-in" :
			    "created", now);
		else if (ie->mask & (IN_MOVED_FROM | IN_DELETE))
			watch_remove(hw, &a->ssh_wd);
		return;
	}
	if (ie->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
		watch_remove(hw, &a->ssh_wd);
		return;
	}
	switch (homewatch_classify(ie->name, nl, 0)) {
	case HW_NAME_AKEYS:
		f = nl == 15 ? HWF_AKEYS : HWF_AKEYS2;
		break;
	case HW_NAME_CONFIG:
		f = HWF_CONFIG;
		break;
	default:
		return;
	}
	sighting(hw, ai, f, ie->mask & IN_CLOSE_WRITE ? "close-write" :
	    ie->mask & IN_MOVED_TO ? "moved-in" : "create", now);
}

void
homewatch_read(struct homewatch *hw, long long now)
{
	char buf[HOMEWATCH_READ_BYTES]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	size_t off;

	for (;;) {
		n = read(hw->fd, buf, sizeof(buf));
		if (n <= 0)
			return;		/* EAGAIN: all read */
		for (off = 0; off + sizeof(struct inotify_event) <=
		    (size_t)n;) {
			const struct inotify_event *ie =
			    (const void *)(buf + off);

			if (off + sizeof(*ie) + ie->len > (size_t)n)
				break;
			handle(hw, ie, now);
			off += sizeof(*ie) + ie->len;
		}
	}
}

static void
collect_key(void *arg, const struct akey *k)
{
	struct homewatch *hw = arg;

	hw->hash = fnv(hw->hash, k->digest, sizeof(k->digest));
	hw->hash = fnv(hw->hash, k->options, strlen(k->options));
	if (hw->nkeys < HOMEWATCH_MAX_KEYS)
		hw->keys[hw->nkeys++] = *k;
	hw->allkeys++;
}

/* The alert's event: no process, this moment. */
static void
alert_event(struct homewatch *hw)
{
	struct timespec ts;

	event_reset(&hw->ev);
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(hw->ev.time, sizeof(hw->ev.time), "%lld.%03ld",
	    (long long)ts.tv_sec, ts.tv_nsec / 1000000);
}

static const char note_inotify[] = "seen by the file-system watch "
    "(inotify) of an account no audit rule covers yet: no process, pid or "
    "writer is known; run audisp-sshwatch-genrules and augenrules --load "
    "(audisp-sshwatch-genrules.path does)";

/* Reads a due sighting's file and alerts.  Returns 1 for an alert. */
static int
sighting_run(struct homewatch *hw, const struct hw_pending *p, long long now)
{
	struct hw_account *a = &hw->acct[p->acct];
	char path[HOMEWATCH_MAX_PATH];
	struct plantconf pc;
	struct alert al;
	const char *why = NULL;
	char *text = NULL;
	size_t len = 0, i;
	unsigned bad = 0;
	int rc, ret = 0;

	memset(&pc, 0, sizeof(pc));
	snprintf(path, sizeof(path), "%s/.ssh/%s", a->home,
	    hwf_names[p->file]);
	hw->nkeys = hw->allkeys = 0;
	hw->hash = 0xcbf29ce484222325ULL;
	if (p->file != HWF_CONFIG) {
		rc = akeys_read(path, a->uid, &text, &len, &why);
		if (rc == 1)
			goto out;		/* gone again */
		if (rc == -1) {
			hw->st.unread++;
			goto out;
		}
		akeys_parse(text, len, collect_key, hw, &bad);
		if (hw->allkeys == 0)
			goto out;		/* touch(1), or emptied */
	} else {
		if (plantconf_check(path, a->uid, hw->version, 0, &pc) == 0) {
			if (pc.unread)
				hw->st.unread++;
			goto out;
		}
		/* The lines without the file's name (a home moved). */
		for (i = 0; i < pc.n; i++) {
			const char *t = pc.texts[i];
			size_t pl = strlen(path);

			if (strncmp(t, path, pl) == 0)
				t += pl;
			hw->hash = fnv(hw->hash, t, strlen(t) + 1);
		}
	}
	if (strcmp(p->op, "baseline") == 0) {
		/* At start: what is there now is the reference. */
		a->seen[p->file] = hw->hash;
		hw->st.baselined++;
		goto out;
	}
	if (hw->hash == a->seen[p->file]) {
		hw->st.unchanged++;
		goto out;
	}
	if (now - a->rate_start >= HOMEWATCH_RATE_MS) {
		a->rate_start = now;
		a->rate_n = 0;
	}
	if (a->rate_n >= HOMEWATCH_RATE_MAX) {
		hw->st.rate_limited++;
		goto out;
	}
	a->rate_n++;
	a->seen[p->file] = hw->hash;
	memset(&al, 0, sizeof(al));
	alert_event(hw);
	al.ev = &hw->ev;
	al.confidence = CONF_MEDIUM;
	al.file_path = path;
	al.file_pathlen = strlen(path);
	al.file_resolved = 1;
	al.file_dirfd = -1;
	al.file_op = p->op;
	al.file_owner = a->name[0] != '\0' ? a->name : NULL;
	al.note = note_inotify;
	al.match[al.nmatch++] = path;
	al.match[al.nmatch++] = "seen-by=inotify";
	if (p->file != HWF_CONFIG) {
		al.rule = "authorized-keys-write";
		al.severity = SEV_HIGH;
		al.tags = tags_akeys;
		for (i = 0; i < hw->nkeys; i++) {
			const struct akey *k = &hw->keys[i];

			hw->akout[i].fingerprint = k->fp;
			hw->akout[i].type = k->type;
			hw->akout[i].comment = k->comment[0] != '\0' ?
			    k->comment : NULL;
			hw->akout[i].options = k->options[0] != '\0' ?
			    k->options : NULL;
			hw->akout[i].removed = 0;
			al.match[al.nmatch++] = k->fp;
		}
		al.akeys = hw->akout;
		al.nakeys = hw->nkeys;
		al.truncated = hw->allkeys > hw->nkeys;
	} else {
		al.rule = "ssh-config-planted";
		al.severity = SEV_MEDIUM;
		al.tags = tags_config;
		for (i = 0; i < pc.n && al.nmatch < ALERT_MAX_MATCH; i++)
			al.match[al.nmatch++] = pc.texts[i];
		al.truncated = pc.more > 0;
	}
	hw->fn(hw->ctx, &al);
	hw->st.alerts++;
	ret = 1;
 out:
	free(text);
	plantconf_free(&pc);
	return ret;
}

int
homewatch_rules_cover(const char *text, size_t len, const char *home)
{
	static const char *const pre[] = { "-w ", "dir=", "path=", "# " };
	char pat[HOMEWATCH_MAX_PATH + 64];
	size_t i, hl = strlen(home);
	int n;

	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		n = snprintf(pat, sizeof(pat), "%s%.*s/.ssh%s", pre[i],
		    (int)hl, home, i == 3 ? ": characters" : " ");
		if (n < 0 || (size_t)n >= sizeof(pat))
			return 0;
		if (memmem(text, len, pat, (size_t)n) != NULL)
			return 1;
	}
	return 0;
}

size_t
homewatch_seed(struct homewatch *hw, const struct users *u,
    const char *const *rulefiles, long long now, size_t *unread)
{
	char *text = NULL, *all = NULL, *t;
	size_t len, alen = 0, i, j, n = 0;
	const char *why;
	struct stat st;

	*unread = 0;
	for (i = 0; rulefiles != NULL && rulefiles[i] != NULL; i++) {
		if (safeopen_read(rulefiles[i], 0, SAFEOPEN_NOFOLLOW |
		    SAFEOPEN_OWNED, HOMEWATCH_MAX_RULES, &text, &len,
		    &why) != SAFEOPEN_OK) {
			(*unread)++;
			continue;
		}
		if ((t = realloc(all, alen + len + 1)) != NULL) {
			all = t;
			memcpy(all + alen, text, len);
			alen += len;
			all[alen++] = '\n';
		}
		free(text);
		text = NULL;
	}
	for (i = 0; i < u->n; i++) {
		const struct users_entry *e = &u->e[i];

		if (e->home == NULL || e->home[0] != '/' ||
		    (alen > 0 && homewatch_rules_cover(all, alen, e->home)) ||
		    lstat(e->home, &st) == -1 || !S_ISDIR(st.st_mode))
			continue;
		/* A home shared by several accounts: once. */
		for (j = 0; j < i; j++)
			if (u->e[j].home != NULL &&
			    strcmp(u->e[j].home, e->home) == 0)
				break;
		if (j < i)
			continue;
		if (n >= HOMEWATCH_MAX_START) {
			hw->st.start_over++;
			continue;
		}
		hw->seeding = 1;
		if (homewatch_add(hw, e->uid, e->name, e->home, now) == 0 &&
		    homewatch_watching(hw, e->uid))
			n++;
		hw->seeding = 0;
	}
	free(all);
	return n;
}

void
homewatch_tick(struct homewatch *hw, long long now)
{
	size_t i;

	for (i = 0; i < HOMEWATCH_MAX_ACCOUNTS; i++)
		if (hw->acct[i].used && hw->acct[i].retry_at >= 0 &&
		    hw->acct[i].retry_at <= now)
			account_try(hw, (int)i, now);
	for (i = 0; i < HOMEWATCH_MAX_PENDING; i++) {
		struct hw_pending *p = &hw->p[i];

		if (!p->used || p->due > now)
			continue;
		p->used = 0;
		if (hw->acct[p->acct].used && hw->acct[p->acct].gen == p->gen)
			sighting_run(hw, p, now);
	}
}

long long
homewatch_next_ms(const struct homewatch *hw, long long now)
{
	long long next = -1, t;
	size_t i;

	for (i = 0; i < HOMEWATCH_MAX_ACCOUNTS; i++)
		if (hw->acct[i].used && hw->acct[i].retry_at >= 0) {
			t = hw->acct[i].retry_at - now;
			if (next < 0 || t < next)
				next = t;
		}
	for (i = 0; i < HOMEWATCH_MAX_PENDING; i++)
		if (hw->p[i].used) {
			t = hw->p[i].due - now;
			if (next < 0 || t < next)
				next = t;
		}
	return next < 0 ? next : next > 0 ? next : 0;
}
