/*
 * plantconf: a client configuration file that was just written, read
 * for what it now makes every client that reads it do.
 *
 * The file rules (rules.h) call it for a successful write, create,
 * truncate, rename or link onto a client configuration file
 * (~/.ssh/config, /etc/ssh/ssh_config, /etc/ssh/ssh_config.d/...); it
 * reads the file as it is when the event arrives (sshconfio.h, for the
 * writer's account) and lists each line that sets a forward, a tunnel, a
 * proxy, no host-key checking or an agent (sshconf_scan() for the lines,
 * sshopt for what each does), whatever Host or Match block it is in.  A
 * planted configuration is persistence before any client uses it.
 */
#ifndef SW_PLANTCONF_H
#define SW_PLANTCONF_H

#include <stddef.h>

#define PLANTCONF_MAX_FINDS	32	/* lines named in one alert */

struct plantconf {
	char		*texts[PLANTCONF_MAX_FINDS];	/* "FILE:LINE: line" */
	size_t		 n;
	size_t		 more;		/* past PLANTCONF_MAX_FINDS */
	int		 unread;	/* the file could not be read */
	const char	*why;		/* why (static), or NULL */
};

/* Is the absolute path p[0..n) a client configuration file? */
int	 plantconf_is_client_config(const char *p, size_t n);
/*
 * Reads path for account uid and fills *pc (free with plantconf_free()).
 * Returns the number of lines found.  With opened set (the event is the
 * open(2) of a writer that may still be writing: `cat > config'), a file
 * that holds nothing yet is read again after 20, 40 and 80 ms -- within a
 * budget of PLANTCONF_WAIT_MS of waiting per PLANTCONF_WAIT_EVERY
 * seconds, so that a stream of such writes cannot stall the plugin, while
 * a second file written right after a first is still waited for.  The
 * pipeline does not ask for this wait: it hands such a file to
 * plantwait.h and reads it again from its main loop; the wait is for
 * rules run without that table (rules_ctx's plant_defer NULL: a
 * pipeline whose table could not be allocated, callers of rules_run()).
 */
#define PLANTCONF_WAIT_EVERY	2
#define PLANTCONF_WAIT_MS	140
size_t	 plantconf_check(const char *path, long long uid, int version,
	    int opened, struct plantconf *pc);
void	 plantconf_free(struct plantconf *pc);

/* The waiting budget of plantconf_check() (exposed for its tests). */
struct plantconf_budget {
	long long	 start_ms;	/* the window's start (monotonic) */
	long		 spent_ms;	/* waited in the window */
	int		 open;		/* a window has started */
};
/*
 * May the caller wait ms more at monotonic time now_ms?  Returns 1 and
 * counts it when the window (PLANTCONF_WAIT_EVERY seconds from its first
 * wait) has PLANTCONF_WAIT_MS left for it, else 0.
 */
int	 plantconf_budget_take(struct plantconf_budget *b, long long now_ms,
	    long ms);

#endif
