/*
 * log: the plugin's own messages, to syslog (plugin mode) or stderr.
 *
 * Messages are rate limited: a burst of LOG_BURST, then at most one a
 * second; what is held back is counted and reported with the next message
 * that passes.  Strings from audit input must go through log_safe() first.
 */
#ifndef SW_LOG_H
#define SW_LOG_H

#include <stddef.h>
#include <syslog.h>

#define LOG_BURST	20

void	 log_init(const char *ident, int use_syslog);
void	 log_msg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * The same without the rate limit, for what the operator asked for (the
 * statistics on SIGUSR1 and at exit): a flood of warnings must not hide
 * them.  Never for anything input can trigger.
 */
void	 log_always(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Writes s[0..n) into out (size outsz) with control and non-ASCII bytes as
 * \xNN, cut at outsz - 1 with "..." when longer.  Returns out.
 */
const char *log_safe(const char *s, size_t n, char *out, size_t outsz);

#endif
