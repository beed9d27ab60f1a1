/*
 * clientconf: the join of the client configuration files (sshconf.h)
 * with the rules on executions of ssh, scp and sftp (rules.h).
 *
 * After the argv is parsed, the rules ask clientconf_read() for the
 * lines of the files that client reads for its destination -- read from
 * this host's file system for the account that ran it (sshconfio.h),
 * only when rules_ctx.read_configs is set (plugin mode, or replay with
 * --read-configs) -- and parse the argv again with them.  A finding set
 * by a file names its file and line in `match'; confidence is lowered
 * when a file that applies could not be read, a cap was reached, or the
 * line sat under a Match that could not be judged (Match exec is never
 * run).
 */
#ifndef SW_CLIENTCONF_H
#define SW_CLIENTCONF_H

#include <stddef.h>

#include "alert.h"
#include "rules.h"
#include "sshconf.h"

/*
 * Collects into *sc the configuration lines for the client execution ev
 * whose argv gave so.  Returns 0 (free sc with sshconf_free()), or -1
 * when nothing is to be read (sc untouched): files not to be read, not a
 * client that connects, no destination.
 */
int	 clientconf_read(const struct rules_ctx *rc, const struct event *ev,
	    const struct sshopt *so, struct sshconf *sc,
	    struct rules_stats *st);
/*
 * Lowers a's confidence and says why when the files could not all be
 * read (sc NULL: not read at all); buf holds the note.
 */
void	 clientconf_note(const struct rules_ctx *rc, const struct sshconf *sc,
	    const struct sshopt *so, struct alert *a, char *buf,
	    size_t bufsz);
/* Lowers a's confidence when finding f comes from an unsure Match. */
void	 clientconf_unsure(struct alert *a, const struct sshfind *f);

#endif
