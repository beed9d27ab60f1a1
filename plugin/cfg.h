/*
 * cfg: sshwatch.conf, `key = value' lines like audisp-remote.conf.
 *
 * cfg_parse() is a pure function over the file's bytes (so it can be
 * fuzzed); cfg_load() opens the file safely first: no symbolic link
 * (O_NOFOLLOW), a regular file, owned by root (or by the user running
 * the program, which under auditd is root), writable by nobody else.  Unknown keys and values out
 * of range are errors: a config that does not say what the admin meant
 * must not run.  Every key is documented in sshwatch.conf(5).
 */
#ifndef SW_CFG_H
#define SW_CFG_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "sshopt.h"

#define CFG_MAX_BYTES	(1024 * 1024)
#define CFG_MAX_LIST		256

struct strlist {
	char	**v;
	size_t	  n;
};

/*
 * One allowlist entry: `allow = rule=GLOB [user=U] [auid=U] [exe=GLOB]
 * [ancestor=GLOB] [dest=GLOB] [key=GLOB] [path=GLOB] [from=GLOB]'.  All
 * its conditions must hold for an alert to be suppressed.
 */
enum allow_field { ALLOW_RULE, ALLOW_USER, ALLOW_AUID, ALLOW_EXE, ALLOW_ANCESTOR, ALLOW_DEST,
    ALLOW_KEY, ALLOW_PATH, ALLOW_FROM, ALLOW_MAX };

#define CFG_MAX_ALLOW	1024

struct allow_entry {
	char	*src;			/* "FILE:LINE", for statistics */
	char	*pat[ALLOW_MAX];		/* NULL: no condition */
};

struct cfg {
	/* Executables to treat as each program, besides their base name. */
	struct strlist	 prog_paths[SSHPROG_SSH_AGENT + 1];
	/* Extra authorized_keys files (glob patterns). */
	struct strlist	 authorized_keys_paths;
	/* OpenSSH release whose syntax to follow; 0 = detect. */
	int		 openssh_version;
	char		*json_file;
	/* sshd's configuration file (sshdwatch.h); NULL: the default. */
	char		*sshd_config;
	int		 syslog_alerts;
	/* The local audit trail. */
	int		 audit_sink;
	/* The remote channel (off while remote_server is unset). */
	char		*remote_server;
	unsigned	 remote_port;
	int		 network_retry_time;
	int		 network_retry_max;
	int		 heartbeat_timeout;
	int		 ack_timeout;
	int		 name_format;		/* CFG_NAME_* */
	char		*name;
	char		*spool_file;
	size_t		 spool_max_size;
	int		 spool_full_action;	/* enum spool_policy */
	size_t		 queue_depth;
	int		 network_failure_action;	/* enum remote_action */
	int		 disk_low_action;
	int		 disk_full_action;
	int		 disk_error_action;
	int		 remote_ending_suspend;
	int		 forward_timeout;
	/* Context: allowlist, suppressed alerts, repeats. */
	struct allow_entry *allow;
	size_t		 nallow;
	char		*allow_dir;
	int		 report_suppressed;
	/* Plugin mode: inotify on homes no audit rule covers (homewatch.h). */
	int		 watch_new_homes;
	int		 dedup_window;		/* seconds; 0: off */
	int		 dedup_limit;		/* alerts per window per key */
};

const char	*allow_field_name(enum allow_field f);

enum { CFG_NAME_NONE, CFG_NAME_HOSTNAME, CFG_NAME_FQD, CFG_NAME_NUMERIC,
    CFG_NAME_USER };

/* The build passes the configured directories (Makefile.am). */
#ifndef SW_LOCALSTATEDIR
#define SW_LOCALSTATEDIR	"/var"
#endif
#ifndef SW_SYSCONFDIR
#define SW_SYSCONFDIR		"/etc"
#endif
#define CFG_DEFAULT_SPOOL	SW_LOCALSTATEDIR \
	"/spool/audisp-sshwatch/remote.spool"
#define CFG_DEFAULT_CONFIG	SW_SYSCONFDIR "/audit/sshwatch.conf"

void	 cfg_defaults(struct cfg *c);
void	 cfg_free(struct cfg *c);
/*
 * Parses text[0..len) into c (which should hold the defaults).  Returns 0,
 * or -1 with a message "line N: ..." in err.
 */
int	 cfg_parse(const char *text, size_t len, struct cfg *c,
	    char *err, size_t errsz);
/*
 * Reads and parses the file at path.  owner is the uid that may own it
 * besides root ((uid_t)-1 for root only).  Returns 0, or -1 with err set.
 */
int	 cfg_load(const char *path, uid_t owner, struct cfg *c,
	    char *err, size_t errsz);
/*
 * Loads the allow_dir drop-ins, if set: every *.conf file in it (in name
 * order, same checks as cfg_load), holding only allow lines.
 */
int	 cfg_load_allow_dir(struct cfg *c, uid_t owner, char *err,
	    size_t errsz);
/* Writes the effective settings, one `key = value' a line. */
void	 cfg_print(const struct cfg *c, FILE *fp);
/*
 * The node name for the remote channel's node= prefix, per name_format
 * (as auditd.conf's): NULL for none, else a malloc'd string.
 */
char	*cfg_node_name(const struct cfg *c);
/*
 * The OpenSSH release of the binary at path, read from the version string
 * every ssh binary carries ("OpenSSH_9.2p1").  Returns -1 when not found.
 */
int	 cfg_detect_openssh(const char *path);

#endif
