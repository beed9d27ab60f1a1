/*
 * sink: where the plugin's alerts go.
 *
 * The last step of the pipeline.  An alert_fn (rules.h) that writes each
 * alert to every configured output:
 *  - json_file: one JSON object a line, appended with one write(2) each
 *    (O_APPEND keeps lines whole), reopened on SIGHUP for rotation;
 *  - syslog: one short, escaped summary line (syslog_alerts = yes);
 *  - a stdio stream in json or text form (replay's standard output).
 *  - the audit trail (auditsink.h) and the remote channel (remote.h),
 *    each on a thread of its own behind a bounded queue, both given the
 *    same audit record (record.h).
 * A failed write is counted, never fatal.
 */
#ifndef SW_SINK_H
#define SW_SINK_H

#include <stdio.h>

#include "alert.h"
#include "cfg.h"
#include "filter.h"

enum sink_format { SINK_JSON, SINK_TEXT };

struct sink_stats {
	unsigned long long	 alerts;
	unsigned long long	 json_written;
	unsigned long long	 json_failed;
	unsigned long long	 too_long;	/* over ALERT_MAX_LINE */
	unsigned long long	 json_cut;	/* strings cut to fit it */
	unsigned long long	 stream_failed;
	unsigned long long	 record_too_long;	/* body over the cap */
	unsigned long long	 repeats;		/* repeat records */
	unsigned long long	 paths;			/* ssh-path alerts */
};

struct sink;

struct sink	*sink_new(void);
void		 sink_free(struct sink *s);
/*
 * (Re)opens the outputs of cfg: the JSON file and syslog, and when
 * `threads' is set the audit-trail and remote sinks (a remote sink that
 * cannot start is logged and left off: the other outputs go on).
 * Returns 0, or -1 with err set when the JSON file cannot be opened (the
 * old outputs stay then).
 */
int		 sink_configure(struct sink *s, const struct cfg *cfg,
		    int threads, char *err, size_t errsz);
/* Stops the threads, delivering for at most `wait' seconds. */
void		 sink_stop(struct sink *s, int wait);
/*
 * Waits until the remote sink has delivered everything, for at most
 * `timeout' seconds; returns how many alerts stay spooled (0 without a
 * remote sink).
 */
size_t		 sink_flush_remote(struct sink *s, int timeout);
/*
 * The counters of the audit-trail and remote sinks; after sink_stop(),
 * their final counters (until the next sink_configure()).
 */
struct auditsink_stats;
struct remote_stats;
void		 sink_thread_stats(struct sink *s, struct auditsink_stats *a,
		    struct remote_stats *r);
/* Is there a remote (audit-trail) sink, or was there until sink_stop()? */
int		 sink_has_remote(const struct sink *s);
int		 sink_has_audit(const struct sink *s);
/* Also writes every alert to fp in the given form. */
void		 sink_set_stream(struct sink *s, FILE *fp, enum sink_format f);
/* An alert_fn. */
void		 sink_alert(void *sink, const struct alert *a);
struct repeat;
/* A repeat_fn (filter.h): a repeat record to every output. */
void		 sink_repeat(void *sink, const struct repeat *r);
/* A suppressed_fn: the alert to the JSON outputs, marked suppressed. */
void		 sink_suppressed(void *sink, const struct alert *a,
		    const char *allowed_by);
struct corr_path;
/*
 * A corr_path_fn (correlate.h): an ssh-path alert to every output -- JSON
 * {"rule":"ssh-path",...,"path":[...]}, text "ssh-path: ...", one
 * ANOM_EXEC record (rule=ssh-path path=...) and a syslog line.
 */
void		 sink_path(void *sink, const struct corr_path *p);
const struct sink_stats *sink_stats(const struct sink *s);

#endif
