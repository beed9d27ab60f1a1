/*
 * sink: where the plugin's alerts go.
 *
 * The last step of the pipeline.  An alert_fn (rules.h) that writes each
 * alert to every configured output:
 *  - json_file: one JSON object a line, appended with one write(2) each
 *    (O_APPEND keeps lines whole), reopened on SIGHUP for rotation;
 *  - syslog: one short, escaped summary line (syslog_alerts = yes);
 *  - a stdio stream in json or text form (replay's standard output).
 * A failed write is counted, never fatal.
 */
#ifndef SW_SINK_H
#define SW_SINK_H

#include <stdio.h>

#include "alert.h"
#include "cfg.h"

enum sink_format { SINK_JSON, SINK_TEXT };

struct sink_stats {
	unsigned long long	 alerts;
	unsigned long long	 json_written;
	unsigned long long	 json_failed;
	unsigned long long	 too_long;	/* over ALERT_MAX_LINE */
	unsigned long long	 stream_failed;
};

struct sink;

struct sink	*sink_new(void);
void		 sink_free(struct sink *s);
/*
 * (Re)opens the outputs of cfg.  Returns 0, or -1 with err set (the old
 * outputs stay open then).
 */
int		 sink_configure(struct sink *s, const struct cfg *cfg,
		    char *err, size_t errsz);
/* Also writes every alert to fp in the given form. */
void		 sink_set_stream(struct sink *s, FILE *fp, enum sink_format f);
/* An alert_fn. */
void		 sink_alert(void *sink, const struct alert *a);
const struct sink_stats *sink_stats(const struct sink *s);

#endif
