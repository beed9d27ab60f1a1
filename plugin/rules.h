/*
 * rules: from a reassembled event to alerts.
 *
 * The step after event reassembly.  Rules work on whatever records
 * arrive, never on the audit rule key.  Two families:
 *  - executions of ssh, scp, sftp, ssh-add (identified by the SYSCALL
 *    exe, or by the program ld.so was asked to run; never by argv[0]),
 *    parsed by sshopt.h: tunnels, pivots, keys, host-key checking, agent
 *    forwarding;
 *  - successful writes to authorized_keys files, by name or, through a
 *    link, by the inode of a file known to be one (inodes.h); and links
 *    made to such a file under another name.
 * Every rule id, its severity, confidence and tags are listed in
 * audisp-sshwatch(8).
 */
#ifndef SW_RULES_H
#define SW_RULES_H

#include "alert.h"
#include "cfg.h"
#include "context.h"
#include "correlate.h"
#include "dirfds.h"
#include "event.h"
#include "inodes.h"
#include "users.h"

struct rules_ctx {
	const struct cfg	*cfg;
	const struct users	*users;
	struct inodes		*inodes;	/* learned; NULL: not used */
	struct dirfds		*dirfds;	/* learned; NULL: not used */
	struct context		*ctx;		/* ancestry, sessions; or NULL */
	struct correlate	*corr;		/* replay --correlate, or NULL */
	int			 openssh_version;
};

struct rules_stats {
	unsigned long long	 execs_examined;	/* ssh-family execs */
	unsigned long long	 rejected_argv;	/* OpenSSH would refuse */
	unsigned long long	 truncated_argv;
	unsigned long long	 alerts;
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

/* The rule ids, for documentation tests. */
extern const char *const rules_ids[];

#endif
