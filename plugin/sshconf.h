/*
 * sshconf: the OpenSSH client configuration a client will use, read as
 * readconf.c reads it.
 *
 * The step between option parsing (sshopt.h) and the rules: once the argv
 * names a destination, the rules ask which lines of the configuration
 * files apply to it, and hand them to sshopt_parse_conf(), which applies
 * them after the argv with readconf.c's own keyword handling (first value
 * wins, lists add up).  This file decides only which lines apply:
 *  - the files: `-F FILE' alone if given (`none': no file at all), else
 *    ~/.ssh/config of the account that ran the client, then the system
 *    file (/etc/ssh/ssh_config);
 *  - `Include' (globs; relative to ~/.ssh for the user's files, /etc/ssh
 *    for the system's; `~/' only in the user's), the included file
 *    inheriting the including line's Host/Match state, which is restored
 *    after it; depth capped at readconf.c's 16;
 *  - `Host' patterns (`*', `?', `!' negation) against the destination as
 *    given; `Match' with all, canonical, final, host, originalhost, user,
 *    localuser; the criteria that need the running client (exec,
 *    localnetwork, version, tagged, command, sessiontype, and any not
 *    known) are taken as possibly true: their lines are marked `unsure'
 *    and `Match exec' commands are never run;
 *  - Match as the release had it: words split at `=' too before 9.9,
 *    `attribute=value' from 10.0, `Match !final' asking for the final
 *    pass before 10.1;
 *  - the second, final pass that `Match final' or CanonicalizeHostname
 *    asks for, with Hostname as the host (a line applied by both passes
 *    is kept once, as readconf.c refuses duplicate forwards); with
 *    CanonicalizeHostname the name DNS would give is not known, so the
 *    lines only that pass applies are unsure.
 * Hostname, User and CanonicalizeHostname are followed here because Match
 * looks at them; everything else is sshopt's.
 *
 * The parser is pure: files are read and Include globs expanded through
 * the callbacks of struct sshconf_io (sshconfio.h reads the local file
 * system safely; the fuzzer and the tests give bytes).  Every dimension
 * is capped; going over is counted in `over' and said in `over_what'.
 */
#ifndef SW_SSHCONF_H
#define SW_SSHCONF_H

#include <stddef.h>

#include "sshopt.h"

#define SSHCONF_MAX_BYTES	(256 * 1024)	/* one file */
#define SSHCONF_MAX_LINES	16384		/* lines of one file */
#define SSHCONF_MAX_LINE	8192		/* bytes of one line */
#define SSHCONF_MAX_DEPTH	16		/* readconf.c's limit */
#define SSHCONF_MAX_FILES	64		/* files read per client */
#define SSHCONF_MAX_GLOB	64		/* names of one Include */
#define SSHCONF_MAX_INCLUDES	256		/* globs expanded per client */
#define SSHCONF_MAX_OUT		4096		/* lines applied, kept */

enum { SSHCONF_READ_OK = 0, SSHCONF_READ_ABSENT = 1, SSHCONF_READ_FAIL = -1 };

struct sshconf_io {
	/*
	 * Reads the file path: SSHCONF_READ_OK with *data (malloc'd, ours
	 * to free) of *len bytes, at most SSHCONF_MAX_BYTES; _ABSENT when
	 * there is no such file; _FAIL (*why set to a static string) when
	 * it exists but could not be read, or was refused.
	 */
	int	(*read)(void *arg, const char *path, char **data, size_t *len,
		    const char **why);
	/*
	 * Expands an absolute glob pattern into *names (malloc'd array of
	 * malloc'd names, sorted, at most SSHCONF_MAX_GLOB; ours to free).
	 * Returns the count (0: no match), or -1 with *why set.
	 */
	int	(*glob)(void *arg, const char *pattern, char ***names,
		    const char **why);
	void	*arg;
};

struct sshconf_query {
	const char	*host;		/* destination as the argv names it */
	const char	*user;		/* -l, user@, -o User; or NULL */
	const char	*hostname;	/* -o Hostname, or NULL */
	const char	*localuser;	/* account running the client, or NULL */
	const char	*home;		/* its home, or NULL: no user file */
	const char	*config;	/* -F FILE (absolute), or NULL */
	const char	*sysconf;	/* NULL: /etc/ssh/ssh_config */
	const char	*sysdir;	/* NULL: /etc/ssh */
	int		 version;	/* OpenSSH release (sshopt.h); 0: newest */
};

struct sshconf {
	struct sshopt_cline	*lines;
	char			**mem;		/* lines[i]'s strings, ours */
	size_t			 nlines, caplines;
	unsigned		 files;		/* read */
	unsigned		 unreadable;	/* exist, could not be read */
	char			 unread_what[256]; /* the first: "PATH: why" */
	unsigned		 unsure;	/* Matches not evaluated */
	unsigned		 bad;		/* lines ssh would refuse */
	unsigned		 over;		/* caps reached */
	const char		*over_what;	/* the first cap reached */
	int			 nomem;
};

/*
 * Collects into *sc (free it with sshconf_free()) the lines of the
 * configuration that apply to q's destination, in the order ssh applies
 * them.  Returns 0, or -1 when out of memory (sc->nomem, partial result).
 */
int	 sshconf_collect(struct sshconf *sc, const struct sshconf_query *q,
	    const struct sshconf_io *io);
void	 sshconf_free(struct sshconf *sc);
/*
 * Collects every option line of the one file path, whatever Host or
 * Match block it sits in (those lines and Include are skipped): what the
 * file can set for some destination.  Same caps; returns as
 * sshconf_collect().
 */
int	 sshconf_scan(struct sshconf *sc, const char *path,
	    const struct sshconf_io *io);

/*
 * OpenSSH's match_pattern(): does s match pattern (`*' any run, `?' one
 * byte, everything else literally)?  Linear in the product of the
 * lengths, never exponential.
 */
int	 sshconf_match_pattern(const char *s, const char *pattern);

#endif
