/*
 * sshopt: parse an ssh, scp, sftp, ssh-add or ssh-agent argv exactly as
 * OpenSSH does, and say which of its options matter for lateral movement.
 *
 * This is the step between argv reassembly (execve.h) and the rules
 * (rules.h).  It follows OpenSSH's own code, not its manual:
 *  - each program's getopt string, per OpenSSH release (the table in
 *    sshopt.c, from 8.0 to 10.5), with BSD getopt semantics: no
 *    permutation, option clusters, attached arguments, `--';
 *  - ssh's second option pass after the host name (`ssh h -D 1' is a
 *    tunnel, `ssh h ls -R /' and `ssh h -- -D 1' are not), including its
 *    `--' test on the argument before the host;
 *  - `-o' lines as readconf.c reads them: keyword case-insensitive, `='
 *    or white space, quotes, first value wins for single values, lists for
 *    forwards and identity files, ClearAllForwardings applied at the end;
 *  - `-A'/`-a' assign directly, so they override earlier `-o ForwardAgent'
 *    and are not overridden by later ones;
 *  - scp and sftp as the ssh they start: the options OpenSSH puts before
 *    the user's (ClearAllForwardings=yes, ...) and after them
 *    (ForwardAgent=no), so `scp -o LocalForward=...' forwards nothing.
 * The remote command is never looked at.
 *
 * An argv that OpenSSH would refuse (unknown option, missing argument, no
 * host, bad value) is still parsed to the end; `reject' says why, and the
 * rules lower their confidence instead of staying silent, so that a
 * release with options we do not know cannot blind us.
 */
#ifndef SW_SSHOPT_H
#define SW_SSHOPT_H

#include <stddef.h>

enum sshprog {
	SSHPROG_NONE = 0,
	SSHPROG_SSH,
	SSHPROG_SCP,
	SSHPROG_SFTP,
	SSHPROG_SSH_ADD,
	SSHPROG_SSH_AGENT,
};

/* OpenSSH releases as major * 100 + minor. */
#define SSHOPT_VERSION_OLDEST	800
#define SSHOPT_VERSION_NEWEST	1005

enum sshfind_kind {
	SF_DYNAMIC_FORWARD,	/* -D, DynamicForward */
	SF_LOCAL_FORWARD,	/* -L, LocalForward */
	SF_REMOTE_FORWARD,	/* -R, RemoteForward */
	SF_TUN_DEVICE,		/* -w, Tunnel */
	SF_STDIO_FORWARD,	/* -W */
	SF_NO_COMMAND,		/* -N, SessionType=none */
	SF_FORK,		/* -f, ForkAfterAuthentication=yes */
	SF_GATEWAY_PORTS,	/* -g, GatewayPorts=yes */
	SF_PROXY_JUMP,		/* -J, ProxyJump */
	SF_PROXY_COMMAND,	/* ProxyCommand */
	SF_IDENTITY_FILE,	/* -i, IdentityFile */
	SF_ADD_KEY,		/* ssh-add adds a key (value: file, or NULL) */
	SF_NO_HOSTCHECK,	/* StrictHostKeyChecking=no, known hosts null */
	SF_AGENT_FORWARD,	/* -A, ForwardAgent=yes|path */
	SF_IDENTITY_AGENT,	/* IdentityAgent */
	SF_KIND_MAX
};

struct sshfind {
	enum sshfind_kind	 kind;
	int			 argi;	/* argv index of the option, or -1
					   (ssh-add's default keys) */
	char			*text;	/* as given: "-D 1080", "-o Tunnel=yes" */
	char			*value;	/* its value, or NULL */
	int			 bind_all; /* forward listens on all addresses */
	int			 conf;	/* 0: argv; SSHOPT_CONF_FILE: a line
					   of a file (text is "FILE:LINE:
					   line"); | SSHOPT_CONF_UNSURE: under
					   a Match whose outcome is unknown */
};

#define SSHOPT_CONF_FILE	1
#define SSHOPT_CONF_UNSURE	2

/*
 * A line of a client configuration file that applies to the destination
 * (sshconf.h collects them), applied after argv as readconf.c does.
 */
struct sshopt_cline {
	const char	*line;		/* "Keyword args", as in the file */
	const char	*where;		/* "FILE:LINE" */
	int		 unsure;	/* under Match exec & co. */
};

struct sshopt {
	enum sshprog	 prog;
	int		 version;
	struct sshfind	*finds;
	size_t		 nfinds;
	size_t		 capfinds;
	char		*host;		/* destination host, or NULL */
	char		*user;		/* destination user, or NULL */
	int		 host_argi;	/* -1 when none */
	int		 command_argi;	/* first word of the remote command */
	const char	*reject;	/* why OpenSSH would refuse it, or NULL */
	char		*config_file;	/* -F FILE, or NULL */
	char		*hostname;	/* Hostname (-o or a file), or NULL */
	int		 no_connect;	/* -G, -V, -Q, -O check, scp -D ... */
	int		 nomem;
};

/* Program from an executable's base name ("ssh", "scp", ...). */
enum sshprog	 sshprog_from_name(const char *name);
const char	*sshprog_name(enum sshprog prog);
const char	*sshfind_name(enum sshfind_kind kind);

/*
 * Parses "9.2", "9.2p1" or "OpenSSH_9.2p1" into 902.  Returns -1 when s
 * is not a release we can follow (older than 8.0, or not a version).
 * Releases newer than the table follow its newest row.
 */
int	 sshopt_version_parse(const char *s);

/*
 * Parses argv[0..argc) of prog as OpenSSH release `version' would.  argv[0]
 * is the program name.  Fills *so (free it with sshopt_free()).  Returns 0,
 * or -1 when out of memory (so->nomem set, partial result kept).
 */
int	 sshopt_parse(struct sshopt *so, enum sshprog prog, int version,
	    size_t argc, const char *const *argv);
/*
 * As sshopt_parse(), then applies lines[0..nlines) of the configuration
 * files after the argv, with readconf.c's rules (first value wins, lists
 * add up, ClearAllForwardings at the end).  A finding set by a line has
 * conf set and its text is "FILE:LINE: line".
 */
int	 sshopt_parse_conf(struct sshopt *so, enum sshprog prog, int version,
	    size_t argc, const char *const *argv,
	    const struct sshopt_cline *lines, size_t nlines);
void	 sshopt_free(struct sshopt *so);

/*
 * readconf.c's tokenisers, for the configuration reader: strdelim() takes
 * the next word of *s (white space, one '=', double quotes), writing NULs
 * into it; argv_split() splits s into at most maxw words written to out
 * (strlen(s) + 1 bytes), returning the word count or -1 on a bad quote.
 */
char	*sshopt_strdelim(char **s);
int	 sshopt_argv_split(const char *s, char *out, const char **words,
	    int maxw);

#endif
