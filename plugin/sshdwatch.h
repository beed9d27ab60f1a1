/*
 * sshdwatch: persistence through sshd itself (rules beside rules.c's).
 *
 * Called from rules_run() for every event the gate lets through, after
 * the ssh-client and authorized_keys rules.  It looks at the successful
 * writes, renames, links and deletions a record names and raises:
 *  - sshd-config-change: a write into /etc/ssh (or the directory of the
 *    configured sshd_config) after which sshd's configuration reads
 *    differently (sshdconf.h): each directive that changed, old and new
 *    value, file and line, the severity by what it opens;
 *  - pam-config-change: a write to sshd's PAM stack (/etc/pam.d/sshd and
 *    the files it includes), with the lines added;
 *  - pam-module-change: a module written in a PAM module directory;
 *  - ssh-session-hook: ~/.ssh/rc, /etc/ssh/sshrc, ~/.ssh/environment;
 *  - openssh-binary-replaced: an OpenSSH program or a library sshd loads
 *    written, renamed or linked onto (low when a package manager did it);
 *  - sshd-unexpected-child: a program sshd started that is not a shell
 *    of the logged-in account, sftp-server, a configured Subsystem or
 *    ForceCommand, or one of the helpers sshd and PAM run;
 *  - authorized-keys-added / authorized-keys-removed (akeys.h): the keys
 *    an authorized_keys write added or removed.
 * Reading the files is live state: only in plugin mode (sshdwatch_start())
 * are they read; a replay cannot know what a file held then, and says so.
 * The configured AuthorizedKeysFile patterns are also what rules.c and
 * the gate treat as authorized_keys files, the moment the model has them.
 */
#ifndef SW_SSHDWATCH_H
#define SW_SSHDWATCH_H

#include <stddef.h>

#include "sshdconf.h"
#include "users.h"

#define SSHDWATCH_DEFAULT_CONFIG	"/etc/ssh/sshd_config"
#define SSHDWATCH_MAX_AKF		64	/* AuthorizedKeysFile patterns */
#define SSHDWATCH_MAX_PAMLINES		4096	/* line hashes kept */
#define SSHDWATCH_MAX_ADDED		32	/* added lines in one alert */
#define SSHDWATCH_MAX_KEYS		16	/* keys listed in one alert */
#define SSHDWATCH_MAX_PIDS		1024	/* sshd pids, shell pids kept */

struct sshdwatch_stats {
	unsigned long long	 reloads;	/* config read again */
	unsigned long long	 refused;	/* a file not read safely */
	unsigned long long	 over;		/* caps hit in a model */
	unsigned long long	 keys_unread;	/* authorized_keys not read */
	unsigned long long	 keys_refused;	/* ... refused by safeopen.h */
};

struct sshdwatch;
struct rules_ctx;
struct event;
struct alert;
struct rawsys;

/* A watcher of the sshd configuration at config_path (NULL: default). */
struct sshdwatch *sshdwatch_new(const char *config_path);
void		 sshdwatch_free(struct sshdwatch *w);
/*
 * Plugin mode: reads sshd's configuration, the PAM stack and the
 * authorized_keys files of the accounts in u, and from then on reads
 * them again after each write.  Returns the number of directives read.
 */
size_t		 sshdwatch_start(struct sshdwatch *w, const struct users *u);
/*
 * Is the absolute path an authorized_keys file by the AuthorizedKeysFile
 * patterns of the model (%u, %U, %h and home-relative names resolved with
 * u)?  0 when no model is held.
 */
int		 sshdwatch_authkeys(const struct sshdwatch *w,
		    const struct users *u, const char *path, size_t n);
/*
 * For the gate: can a PATH name (and the CWD of its event) matter to one
 * of these rules?  name and cwd are decoded bytes.
 */
int		 sshdwatch_gate_name(const struct sshdwatch *w, const char *name,
		    size_t n, const char *cwd, size_t cwdlen);
/*
 * For the gate: can this SYSCALL record (its fields read by rawsys.h) be
 * an execution by sshd, or of a child of sshd (its ppid a known sshd
 * process, or in plugin mode a process whose /proc/PID/stat names sshd)?
 */
int		 sshdwatch_gate_exec(const struct sshdwatch *w,
		    const struct rawsys *s);
/* For the gate: is exe (decoded bytes) sshd, sshd-session or sshd-auth? */
int		 sshdwatch_gate_exe(const char *exe, size_t n);
/* Runs the rules on ev; calls fn for each alert.  Returns the count. */
int		 sshdwatch_rules(const struct rules_ctx *rc,
		    const struct event *ev,
		    void (*fn)(void *, const struct alert *), void *ctx);
const struct sshdwatch_stats *sshdwatch_stats(const struct sshdwatch *w);
/* The model held (NULL before sshdwatch_start() or when unreadable). */
const struct sshdconf *sshdwatch_model(const struct sshdwatch *w);

#endif
