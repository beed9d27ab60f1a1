/*
 * filter: between the rules and the sinks -- the allowlist and the
 * collapsing of repeats.
 *
 * Allowlist (cfg.h, `allow = ...'): an alert is suppressed when every
 * condition of an entry holds: rule (glob on the rule id), user and auid
 * (a name or a number), exe (glob on the executable), ancestor (glob on
 * an ancestor's executable, or on the first or second word of its command
 * line, which for a script is the script: ansible-playbook runs as
 * python3), dest (glob on the destination host, any case), key (glob on a
 * key path), path (glob on the file of an authorized_keys alert), from
 * (glob on the address the session came from).  Globs are fnmatch(3)
 * patterns where `*' also matches `/'.  Each entry counts its hits.  A
 * suppressed alert goes nowhere, or only to the JSON file with
 * "suppressed" and "allowed_by" when report_suppressed = yes.
 *
 * Repeats: the same rule, node, user, login user, executable and argv
 * (or file) within dedup_window seconds of event time is one key.  The
 * first dedup_limit alerts of a key pass at once; the rest are counted,
 * and when the window closes one repeat record reports how many there
 * were, pointing at the first alert's event (struct repeat).  So a loop of
 * 10,000 identical tunnels makes one alert and one repeat record.
 */
#ifndef SW_FILTER_H
#define SW_FILTER_H

#include "alert.h"
#include "cfg.h"
#include "rules.h"
#include "users.h"

#define FILTER_MAX_KEYS	1024

/* What a repeat record says. */
struct repeat {
	const char		*rule;
	enum severity		 severity;
	enum confidence		 confidence;
	const char *const	*tags;
	int			 file_rule;	/* ANOM_MOD_ACCT, else EXEC */
	char			 node[64];
	long long		 uid, auid, ses, pid;	/* pid: the last */
	char			 exe[256];
	char			 first_time[32], last_time[32];
	unsigned long long	 first_serial, last_serial;
	unsigned long long	 passed;		/* alerts sent */
	unsigned long long	 suppressed;		/* counted only */
	int			 window;
};

typedef void (*repeat_fn)(void *ctx, const struct repeat *r);
/* A suppressed alert the JSON file should still show (or NULL). */
typedef void (*suppressed_fn)(void *ctx, const struct alert *a,
	    const char *allowed_by);

struct filter_stats {
	unsigned long long	 passed;
	unsigned long long	 allowed;	/* suppressed by the allowlist */
	unsigned long long	 repeats;	/* counted, not sent */
	unsigned long long	 repeat_records;
	size_t			 keys;		/* repeat keys held */
	unsigned long long	 keys_evicted;
};

struct filter;

struct filter	*filter_new(const struct cfg *cfg, const struct users *u,
		    alert_fn fn, repeat_fn rfn, suppressed_fn sfn, void *ctx);
void		 filter_free(struct filter *f);
/* Follows a reloaded configuration (hit counts restart). */
void		 filter_configure(struct filter *f, const struct cfg *cfg);
/* An alert_fn: the rules' output goes here. */
void		 filter_alert(void *filter, const struct alert *a);
/* Closes the windows that ended before `now' (event time, seconds). */
void		 filter_tick(struct filter *f, double now);
/*
 * Closes the windows that ended by the event clock: the latest alert's
 * event time plus the time since it came.  Live, that is the wall clock;
 * for a stream of older events fed fast (a backlog, a test) it is their
 * own time, so that repeats collapse as they do in replay.
 */
void		 filter_tick_idle(struct filter *f);
/* Closes every window (end of input). */
void		 filter_flush(struct filter *f);
size_t		 filter_pending(const struct filter *f);
const struct filter_stats *filter_stats(const struct filter *f);
/* The hits of allow entry i (in cfg order), and its "FILE:LINE". */
unsigned long long filter_allow_hits(const struct filter *f, size_t i,
		    const char **src);
size_t		 filter_allow_count(const struct filter *f);

#endif
