/*
 * pipeline: one complete event from the framer -> auparse -> event ->
 * rules -> alerts.
 *
 * Both modes use it: the plugin loop and replay hand it the events the
 * framer completes.  Each event is fed to a long-lived auparse instance
 * (AUSOURCE_FEED) followed by an EOE record, then a zero-length feed:
 * auparse delivers an event completed by EOE only on its next feed, and
 * the empty feed is that next feed without waiting for more input or
 * aging anything.  After it returns, auparse holds nothing.
 *
 * Before auparse, the gate (gate.h) drops the events no rule can act on.
 */
#ifndef SW_PIPELINE_H
#define SW_PIPELINE_H

#include "cfg.h"
#include "execve.h"
#include "framer.h"
#include "gate.h"
#include "rules.h"
#include "users.h"

struct pipeline_stats {
	unsigned long long	 events;	/* handed to auparse */
	unsigned long long	 empty;		/* auparse found no record */
	unsigned long long	 anomalies;	/* malformed or capped fields */
	unsigned long long	 truncated;	/* events cut by the framer */
	struct rules_stats	 rules;
};

struct pipeline;

struct pipeline	*pipeline_new(const struct cfg *cfg, const struct users *u,
		    int openssh_version, alert_fn fn, void *ctx);
void		 pipeline_free(struct pipeline *p);
/* A framer_fn: analyses one complete event. */
void		 pipeline_event(void *pipeline, const struct framer_event *fe);
const struct pipeline_stats *pipeline_stats(const struct pipeline *p);
/*
 * Whether the exec rules read this host's client configuration files
 * (clientconf.h): on in plugin mode, off in replay unless asked.
 */
void		 pipeline_set_read_configs(struct pipeline *p, int on);
/*
 * Client configuration files opened for writing that held nothing yet
 * are read again later (plantwait.h), never in the event path.  In
 * replay their clock is the events' stamps (read again once a later
 * event's stamp passes their time) and pipeline_drain() reads the rest
 * at the end of input.  With live set (plugin mode) the clock is
 * monotonic: the main loop waits at most pipeline_next_ms() (-1:
 * nothing pending) and calls pipeline_tick(), which reads the files due.
 */
void		 pipeline_set_live(struct pipeline *p, int on);
long long	 pipeline_next_ms(const struct pipeline *p);
void		 pipeline_tick(struct pipeline *p);
void		 pipeline_drain(struct pipeline *p);
struct plantwait_stats;
const struct plantwait_stats *pipeline_plantwait_stats(
		    const struct pipeline *p);
/* Turns the gate off (every event to auparse) or on (the default). */
void		 pipeline_set_gate(struct pipeline *p, int on);
const struct gate_stats *pipeline_gate_stats(const struct pipeline *p);
/* Follows a reloaded configuration (the gate's configured paths). */
int		 pipeline_configure(struct pipeline *p, const struct cfg *cfg);
struct correlate;
/* Feeds replay --correlate with clients and sessions. */
void		 pipeline_set_correlate(struct pipeline *p,
		    struct correlate *corr);
/* The process and session tables (for statistics). */
struct context	*pipeline_context(struct pipeline *p);
/* The client binaries' identity table (binids.h), or NULL. */
struct binids	*pipeline_binids(struct pipeline *p);
/* The table of authorized_keys inodes the rules learn (for seeding). */
struct inodes	*pipeline_inodes(struct pipeline *p);
/* The inotify fallback for uncovered homes (homewatch.h), or NULL. */
struct homewatch;
void		 pipeline_set_homewatch(struct pipeline *p,
		    struct homewatch *hw);
/* The sshd persistence rules' state (sshdwatch_start() in plugin mode). */
struct sshdwatch *pipeline_sshd(struct pipeline *p);

#endif
