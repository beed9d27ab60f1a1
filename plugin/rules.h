/*
 * rules: from a reassembled event to alerts.
 *
 * The step after event reassembly.  Rules work on whatever records
 * arrive, never on the audit rule key.  Three families:
 *  - executions of ssh, scp, sftp, ssh-add (identified by the SYSCALL
 *    exe, or by the program ld.so was asked to run; never by argv[0]),
 *    parsed by sshopt.h: tunnels, pivots, keys, host-key checking, agent
 *    forwarding;
 *  - successful writes to authorized_keys files, by name or, through a
 *    link, by the inode of a file known to be one (inodes.h); and links
 *    made to such a file under another name;
 *  - the sockets the OpenSSH programs bind and connect, and opens of the
 *    client binaries that are not executions (sockrules.h).
 * Every rule id, its severity, confidence and tags are listed in
 * audisp-sshwatch(8).
 */
#ifndef SW_RULES_H
#define SW_RULES_H

#include "alert.h"
#include "binids.h"
#include "cfg.h"
#include "context.h"
#include "correlate.h"
#include "dirfds.h"
#include "event.h"
#include "idfiles.h"
#include "inodes.h"
#include "users.h"

struct rules_ctx {
	const struct cfg	*cfg;
	const struct users	*users;
	struct inodes		*inodes;	/* learned; NULL: not used */
	struct dirfds		*dirfds;	/* learned; NULL: not used */
	struct context		*ctx;		/* ancestry, sessions; or NULL */
	struct correlate	*corr;		/* replay --correlate, or NULL */
	struct sshdwatch	*sshd;		/* sshd persistence, or NULL */
	int			 openssh_version;
	int			 read_configs;	/* read client config files */
	struct binids		*binids;	/* client files; or NULL */
	/*
	 * A client configuration file opened for writing that holds
	 * nothing yet: handed here to be read again later (plantwait.h),
	 * with its PATH record's index.  NULL: plantconf_check() waits a
	 * little in place instead.
	 */
	void			(*plant_defer)(void *arg, const char *path,
				    size_t len, long long uid, int item);
	void			*plant_arg;
	struct idfiles		*idfiles;	/* or NULL */
	struct clientcopy	*copies;	/* listen of a copy; or NULL */
	/* The inotify fallback (homewatch.h), plugin mode; or NULL. */
	struct homewatch	*homewatch;
};

struct rules_stats {
	unsigned long long	 execs_examined;	/* ssh-family execs */
	unsigned long long	 rejected_argv;	/* OpenSSH would refuse */
	unsigned long long	 truncated_argv;
	unsigned long long	 alerts;
	unsigned long long	 configs_read;	/* client config files */
	unsigned long long	 configs_unreadable;
	unsigned long long	 configs_over;	/* sshconf.h caps reached */
};

typedef void (*alert_fn)(void *ctx, const struct alert *a);

/* The program an event executes, and where its argv starts. */
enum sshprog rules_program(const struct cfg *cfg, const struct event *ev,
	    size_t *argv_off, const char **via);
/*
 * Runs every rule on ev (after event_finish()) and calls fn once per
 * alert.  Returns the number of alerts.
 */
int	 rules_run(const struct rules_ctx *rc, const struct event *ev,
	    alert_fn fn, void *ctx, struct rules_stats *st);

/*
 * Were all the options of a (possibly truncated) argv examined?  They
 * were when the argv was not cut, or when the cut fell after the
 * destination and, for ssh, after the first word of the remote command
 * (a long remote command past the cap hides no option).  off is where
 * the program's argv starts (rules_program()).
 */
int	 rules_options_examined(const struct event *ev, size_t off,
	    const struct sshopt *so);
/*
 * For the rule modules beside this one (sockrules, sshdwatch, keyhunt):
 * the ancestry and session origin every alert of ev carries, and the
 * process as pathclass.h judges paths for it.
 */
void	 rules_enrich(const struct rules_ctx *rc, const struct event *ev,
	    struct alert *a);
struct actor;
void	 rules_actor_of(const struct rules_ctx *rc, const struct event *ev,
	    struct actor *a);

/*
 * The re-read of a client configuration file handed to plant_defer:
 * ev is the event that opened it (parsed again), path the file, item its
 * PATH record.  Calls fn with ssh-config-planted, as rules_run() would
 * have, when the file now holds what the rule looks for.  Returns the
 * number of alerts (0 or 1).
 */
int	 rules_planted_again(const struct rules_ctx *rc, const struct event *ev,
	    const char *path, int item, alert_fn fn, void *ctx);

/* The rule ids, for documentation tests. */
extern const char *const rules_ids[];

#endif
