/*
 * homewatch: the file-system fallback for the ~/.ssh that no audit rule
 * watches yet.
 *
 * The kernel cannot watch every ~/.ssh with one rule, so the per-account
 * audit rules (audisp-sshwatch-genrules) name the homes that existed when
 * they were generated.  An account added later (ADD_USER), or whose home
 * moved (usermod -d), has a ~/.ssh that writes no record until the
 * generator and `augenrules --load' run again (the packages' path unit
 * does that within seconds; an admin may have it off).  Until then this
 * step watches the account's home and its .ssh with inotify(7), in plugin
 * mode only, beside the audit stream:
 *  - the home for a .ssh created or renamed in (watched then, and the
 *    authorized_keys, authorized_keys2 and config already in it read: a
 *    directory staged elsewhere and renamed into place);
 *  - the .ssh for authorized_keys, authorized_keys2 (sshd's default
 *    names) and config closed after a write, created or moved in.
 * Such a file is read HOMEWATCH_DELAY_MS later (through akeys.h and
 * plantconf.h: safeopen.h, as the account) and raises the rule the audit
 * path raises, authorized-keys-write (when it holds a key) or
 * ssh-config-planted, with confidence medium, the tag "inotify" and
 * "seen-by=inotify" in match: inotify names no process, so the alert
 * has no pid, uid, exe or ancestry (pid -1), and the file's content, not
 * the writer, is what is judged.  A content already reported (same hash)
 * is not reported again.
 *
 * Accounts that exist at start are watched too when the audit rules
 * files do not name their .ssh (homewatch_seed(): a home the generator
 * skipped, or rules never generated); what their .ssh holds at start is
 * noted without an alert.
 *
 * A home renamed or removed (usermod -d -m, userdel -r), or a usermod
 * record, makes the account's home be asked again (homewatch_lookup_fn;
 * usermod writes the database after its record) on the retry schedule:
 * the new home is watched, and what was reported stays reported (the
 * files moved with it are no news; HOMEWATCH_MEMO accounts' contents are
 * remembered past their watch).
 *
 * An account stops being watched when an audit record of a write to an
 * existing file in its .ssh (a NORMAL PATH item, which only a recursive
 * dir= watch records) arrives with the key the generated and shipped
 * watches use (HOMEWATCH_AUDIT_KEY: an audit watch covers it now; a
 * pending sighting of it is then dropped, the audit alert being the
 * better one), when its
 * home went and the account is no longer in the database, when its home
 * never appears, or at HOMEWATCH_MAX_ACCOUNTS (counted).  Deleted
 * accounts (DEL_USER does not reach the rules) stop being watched when
 * their home goes (userdel -r) or at the next start.
 *
 * Every dimension is capped and counted: accounts, inotify watches,
 * pending sightings, alerts per account per minute.  Replay has no such
 * step: the files of the host that wrote a saved log are not there.
 */
#ifndef SW_HOMEWATCH_H
#define SW_HOMEWATCH_H

#include <stddef.h>

#include "event.h"
#include "rules.h"
#include "users.h"

#define HOMEWATCH_MAX_ACCOUNTS	256	/* accounts watched at once */
/*
 * inotify watches: a home and its .ssh each, fewer than two per account
 * (most new accounts have no .ssh yet); a .ssh past the cap is not
 * watched, a home past it drops its account (counted).
 */
#define HOMEWATCH_MAX_WATCHES	384
#define HOMEWATCH_MAX_PENDING	64	/* sightings waiting their delay */
#define HOMEWATCH_MAX_PATH	4096
#define HOMEWATCH_DELAY_MS	1000	/* a sighting waits for audit */
#define HOMEWATCH_RATE_MAX	10	/* alerts of one account ... */
#define HOMEWATCH_RATE_MS	60000	/* ... per this many ms */
#define HOMEWATCH_READ_BYTES	16384	/* inotify records read at once */
#define HOMEWATCH_MAX_KEYS	16	/* keys one alert lists */
/*
 * Accounts no longer watched whose reported contents are remembered, so
 * that a home moved (usermod -d -m) does not report the same files again.
 */
#define HOMEWATCH_MEMO		32
/* The retries for a home that does not exist yet (useradd makes it last). */
#define HOMEWATCH_RETRIES	8
/* Times a watched account's home is asked again after usermod (or after
 * its home moved or went: then until it exists, HOMEWATCH_RETRIES). */
#define HOMEWATCH_RELOOKUPS	5
#define HOMEWATCH_AUDIT_KEY	"sshwatch-home"
/* At start: accounts seeded at most (the rest is kept for new ones). */
#define HOMEWATCH_MAX_START	(HOMEWATCH_MAX_ACCOUNTS / 2)
#define HOMEWATCH_MAX_RULES	(4 * 1024 * 1024)	/* a rules file */

/* What a name in a watched directory is to this step. */
enum homewatch_name {
	HW_NAME_OTHER = 0,
	HW_NAME_SSHDIR,		/* ".ssh", in a home */
	HW_NAME_AKEYS,		/* authorized_keys, authorized_keys2 */
	HW_NAME_CONFIG		/* config */
};

struct homewatch_stats {
	unsigned long long	 accounts;	/* ever watched */
	unsigned long long	 covered;	/* dropped: audit covers */
	unsigned long long	 gone;		/* home removed or moved */
	unsigned long long	 no_home;	/* home never appeared */
	unsigned long long	 accounts_over;	/* past MAX_ACCOUNTS */
	unsigned long long	 watches_over;	/* past MAX_WATCHES */
	unsigned long long	 watch_failed;	/* inotify_add_watch failed */
	unsigned long long	 sightings;	/* files seen written */
	unsigned long long	 pending_over;	/* past MAX_PENDING */
	unsigned long long	 unread;	/* refused or unreadable */
	unsigned long long	 unchanged;	/* content already reported */
	unsigned long long	 alerts;
	unsigned long long	 rate_limited;
	unsigned long long	 overflows;	/* IN_Q_OVERFLOW */
	unsigned long long	 start_over;	/* past MAX_START at start */
	unsigned long long	 baselined;	/* files noted at start */
	size_t			 watched;	/* accounts now */
	size_t			 watches;	/* inotify watches now */
};

struct homewatch;

/* Is name[0..n) in a home (in_home) or in a .ssh one of ours? */
enum homewatch_name homewatch_classify(const char *name, size_t n,
	    int in_home);

/*
 * A watcher (with its own inotify descriptor, non-blocking, close on
 * exec) that raises alerts through fn(ctx, alert) and reads client
 * configurations with the syntax of OpenSSH release version.  NULL when
 * inotify or memory is short.
 */
struct homewatch *homewatch_new(int version, alert_fn fn, void *ctx);
void		 homewatch_free(struct homewatch *hw);
/* The descriptor to poll for POLLIN. */
int		 homewatch_fd(const struct homewatch *hw);
/*
 * Starts watching account uid (name, home; home absolute) at now
 * (monotonic ms).  A home that does not exist yet is tried again
 * (HOMEWATCH_RETRIES times over about a minute).  Returns 0; -1 when
 * the account table is full or home is not absolute (counted).
 */
int		 homewatch_add(struct homewatch *hw, long long uid,
		    const char *name, const char *home, long long now);
/*
 * A step of the rules (rules_run()): an account added or whose home
 * changed (its home looked up) is watched; a write to an existing file
 * of a watched .ssh with HOMEWATCH_AUDIT_KEY ends the watch of that
 * account.
 */
void		 homewatch_event(struct homewatch *hw, const struct event *ev);
/* Reads what the descriptor holds (never blocks), at now. */
void		 homewatch_read(struct homewatch *hw, long long now);
/*
 * Does what is due at now: homes tried again, sightings read and
 * alerted.  Returns nothing; homewatch_next_ms() says when to call again.
 */
void		 homewatch_tick(struct homewatch *hw, long long now);
/* Milliseconds until something is due (0: now), -1: nothing. */
long long	 homewatch_next_ms(const struct homewatch *hw, long long now);
/*
 * Does the rules text[0..len) (audit rules files: the shipped
 * 25-sshwatch.rules, the generated 26-sshwatch-homes.rules) watch
 * home/.ssh?  It does when a rule line names it by `-w HOME/.ssh ',
 * `dir=HOME/.ssh ' or `path=HOME/.ssh ', or the generator's comment says
 * it is watched by inode.  A pure function.
 */
int		 homewatch_rules_cover(const char *text, size_t len,
		    const char *home);
/*
 * At start: watches the home of every account of users (a directory,
 * not a placeholder, a home shared by several accounts once) that the
 * rules files (NULL-terminated list of paths; read as root's, at most
 * HOMEWATCH_MAX_RULES bytes each; one that cannot be read counts as
 * covering nothing) do not cover, at most HOMEWATCH_MAX_START accounts.
 * Their authorized_keys and config present now are noted, not alerted
 * (an alert comes when they change).  Returns the accounts watched;
 * *unread the rules files that could not be read.
 */
size_t		 homewatch_seed(struct homewatch *hw, const struct users *u,
		    const char *const *rulefiles, long long now,
		    size_t *unread);
/*
 * How an account's home is asked (tests give their own): writes it to
 * home and returns 0, or -1 when there is no such account.  The default,
 * homewatch_getpw(), is getpwuid_r(3).
 */
typedef int	(*homewatch_lookup_fn)(long long uid, char *home,
		    size_t homesz);
int		 homewatch_getpw(long long uid, char *home, size_t homesz);
void		 homewatch_set_lookup(struct homewatch *hw,
		    homewatch_lookup_fn fn);
/* Is account uid watched now? */
int		 homewatch_watching(const struct homewatch *hw, long long uid);
const struct homewatch_stats *homewatch_stats(const struct homewatch *hw);

#endif
