/*
 * sink: alert outputs (see sink.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <libaudit.h>

#include "auditsink.h"
#include "correlate.h"
#include "log.h"
#include "record.h"
#include "remote.h"
#include "sink.h"

struct sink {
	int			 json_fd;
	char			*json_path;
	int			 syslog_alerts;
	FILE			*stream;
	enum sink_format	 stream_format;
	struct auditsink	*audit;
	struct remote		*remote;
	/* The final counters of the threads sink_stop() ended. */
	int			 had_audit, had_remote;
	struct auditsink_stats	 audit_last;
	struct remote_stats	 remote_last;
	struct buf		 line;
	struct buf		 body;
	struct sink_stats	 st;
};

struct sink *
sink_new(void)
{
	struct sink *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->json_fd = -1;
	buf_init(&s->line, ALERT_MAX_LINE);
	buf_init(&s->body, RECORD_MAX_BODY + 1);
	return s;
}

void
sink_free(struct sink *s)
{
	if (s == NULL)
		return;
	sink_stop(s, 0);
	if (s->json_fd != -1)
		close(s->json_fd);
	free(s->json_path);
	buf_free(&s->line);
	buf_free(&s->body);
	free(s);
}

void
sink_stop(struct sink *s, int wait)
{
	/* Keep the final counters for the statistics logged at exit. */
	if (s->audit != NULL) {
		auditsink_stop(s->audit, wait, &s->audit_last);
		s->had_audit = 1;
	}
	if (s->remote != NULL) {
		remote_stop(s->remote, wait, &s->remote_last);
		s->had_remote = 1;
	}
	s->audit = NULL;
	s->remote = NULL;
}

/* Starts the threads cfg asks for; failures are logged, not fatal. */
static void
start_threads(struct sink *s, const struct cfg *cfg)
{
	char err[512];

	s->had_audit = s->had_remote = 0;
	if (cfg->audit_sink &&
	    (s->audit = auditsink_start(AUDITSINK_QUEUE, err, sizeof(err))) ==
	    NULL)
		log_msg(LOG_ERR, "%s; alerts will not reach the audit trail",
		    err);
	if (cfg->remote_server != NULL) {
		struct remote_conf rc;
		char *node = cfg_node_name(cfg);

		memset(&rc, 0, sizeof(rc));
		rc.server = cfg->remote_server;
		rc.port = cfg->remote_port;
		rc.node = node;
		rc.retry_time = cfg->network_retry_time;
		rc.retry_max = cfg->network_retry_max;
		rc.heartbeat = cfg->heartbeat_timeout;
		rc.ack_timeout = cfg->ack_timeout;
		rc.spool_file = cfg->spool_file != NULL ? cfg->spool_file :
		    CFG_DEFAULT_SPOOL;
		rc.spool_max = cfg->spool_max_size;
		rc.spool_policy = (enum spool_policy)cfg->spool_full_action;
		rc.queue_depth = cfg->queue_depth;
		rc.network_failure_action =
		    (enum remote_action)cfg->network_failure_action;
		rc.disk_low_action = (enum remote_action)cfg->disk_low_action;
		rc.disk_full_action = (enum remote_action)cfg->disk_full_action;
		rc.disk_error_action =
		    (enum remote_action)cfg->disk_error_action;
		rc.ending_suspend = cfg->remote_ending_suspend;
		if ((s->remote = remote_start(&rc, err, sizeof(err))) == NULL)
			log_msg(LOG_ERR, "remote sink: %s; alerts will not be "
			    "forwarded", err);
		free(node);
	}
}

size_t
sink_flush_remote(struct sink *s, int timeout)
{
	return s->remote != NULL ? remote_flush(s->remote, timeout) : 0;
}

void
sink_thread_stats(struct sink *s, struct auditsink_stats *a,
    struct remote_stats *r)
{
	if (s->audit == NULL && s->had_audit)
		*a = s->audit_last;
	else
		auditsink_stats(s->audit, a);
	if (s->remote == NULL && s->had_remote)
		*r = s->remote_last;
	else
		remote_stats(s->remote, r);
}

int
sink_has_remote(const struct sink *s)
{
	return s->remote != NULL || s->had_remote;
}

int
sink_has_audit(const struct sink *s)
{
	return s->audit != NULL || s->had_audit;
}

int
sink_configure(struct sink *s, const struct cfg *cfg, int threads,
    char *err, size_t errsz)
{
	int fd = -1;
	char *path = NULL;

	if (cfg->json_file != NULL) {
		fd = open(cfg->json_file, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd == -1) {
			snprintf(err, errsz, "%s: %s", cfg->json_file,
			    strerror(errno));
			return -1;
		}
		if ((path = strdup(cfg->json_file)) == NULL) {
			close(fd);
			snprintf(err, errsz, "out of memory");
			return -1;
		}
	}
	if (s->json_fd != -1)
		close(s->json_fd);
	free(s->json_path);
	s->json_fd = fd;
	s->json_path = path;
	s->syslog_alerts = cfg->syslog_alerts;
	if (threads) {
		/* The spool keeps what the old remote sink had not sent. */
		sink_stop(s, 1);
		start_threads(s, cfg);
	}
	return 0;
}

void
sink_set_stream(struct sink *s, FILE *fp, enum sink_format f)
{
	s->stream = fp;
	s->stream_format = f;
}

/* Writes all of p[0..n) to fd. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		r = write(fd, p, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* A JSON line to the JSON file and to a JSON stream. */
static void
out_json(struct sink *s, const struct buf *line)
{
	if (s->json_fd != -1) {
		if (write_all(s->json_fd, line->p, line->len) == -1) {
			s->st.json_failed++;
			log_msg(LOG_ERR, "writing %s: %s", s->json_path,
			    strerror(errno));
		} else
			s->st.json_written++;
	}
	if (s->stream != NULL && s->stream_format == SINK_JSON &&
	    fwrite(line->p, 1, line->len, s->stream) != line->len)
		s->st.stream_failed++;
}

static void
out_text(struct sink *s, const struct buf *line)
{
	if (s->stream != NULL && s->stream_format == SINK_TEXT &&
	    fwrite(line->p, 1, line->len, s->stream) != line->len)
		s->st.stream_failed++;
}

/* One audit record to the audit trail and the remote channel. */
static void
out_record(struct sink *s, int type, const struct buf *body, long long pid,
    long long uid, long long auid, long long ses)
{
	if (s->audit != NULL)
		auditsink_submit(s->audit, type, body->p, body->len);
	if (s->remote != NULL)
		remote_submit_ids(s->remote, type, body->p, pid, uid, auid,
		    ses);
}

static int
wants_json(const struct sink *s)
{
	return s->json_fd != -1 || (s->stream != NULL &&
	    s->stream_format == SINK_JSON);
}

void
sink_alert(void *arg, const struct alert *a)
{
	struct sink *s = arg;
	const struct event *ev = a->ev;
	int r;

	s->st.alerts++;
	if (wants_json(s)) {
		buf_reset(&s->line);
		r = alert_json(a, &s->line);
		if (r == -1)
			s->st.too_long++;
		else {
			/* 1: written with its strings cut to fit. */
			s->st.json_cut += r == 1;
			out_json(s, &s->line);
		}
	}
	if (s->stream != NULL && s->stream_format == SINK_TEXT) {
		buf_reset(&s->line);
		if (alert_text(a, &s->line) == -1)
			s->st.too_long++;
		else
			out_text(s, &s->line);
	}
	if (s->audit != NULL || s->remote != NULL) {
		buf_reset(&s->body);
		if (record_body(a, &s->body) == -1)
			s->st.record_too_long++;
		else
			out_record(s, record_type(a), &s->body, ev->pid,
			    ev->uid, ev->auid, ev->ses);
	}
	if (s->syslog_alerts) {
		char exe[256];

		log_safe(buf_str(&ev->exe), ev->exe.len, exe, sizeof(exe));
		syslog(LOG_WARNING, "alert rule=%s severity=%s confidence=%s "
		    "event=%s:%llu pid=%lld auid=%lld exe=%s", a->rule,
		    severity_name(a->severity),
		    confidence_name(a->confidence), ev->time, ev->serial,
		    ev->pid, ev->auid, exe);
	}
}

void
sink_repeat(void *arg, const struct repeat *r)
{
	struct sink *s = arg;

	s->st.repeats++;
	if (wants_json(s)) {
		buf_reset(&s->line);
		if (alert_repeat_json(r, &s->line) == 0)
			out_json(s, &s->line);
	}
	if (s->stream != NULL && s->stream_format == SINK_TEXT) {
		buf_reset(&s->line);
		if (alert_repeat_text(r, &s->line) == 0)
			out_text(s, &s->line);
	}
	if (s->audit != NULL || s->remote != NULL) {
		buf_reset(&s->body);
		if (record_repeat_body(r, &s->body) == 0)
			out_record(s, record_repeat_type(r), &s->body, r->pid,
			    r->uid, r->auid, r->ses);
	}
	if (s->syslog_alerts)
		syslog(LOG_WARNING, "alert rule=%s repeated=%llu more times "
		    "after event=%s:%llu", r->rule, r->suppressed,
		    r->first_time, r->first_serial);
}

void
sink_suppressed(void *arg, const struct alert *a, const char *allowed_by)
{
	struct sink *s = arg;
	struct alert copy = *a;

	/* Only the JSON outputs show what the allowlist suppressed. */
	copy.allowed_by = allowed_by;
	if (!wants_json(s))
		return;
	buf_reset(&s->line);
	if (alert_json(&copy, &s->line) != -1)
		out_json(s, &s->line);
}

void
sink_path(void *arg, const struct corr_path *p)
{
	struct sink *s = arg;
	const struct corr_out *last = p->hops[p->nhops - 1];
	struct buf path;
	size_t i;

	s->st.alerts++;
	s->st.paths++;
	buf_init(&path, ALERT_MAX_LINE);
	if (wants_json(s)) {
		/* {"rule":"ssh-path",...,"path":[...]}: the replay's object. */
		buf_reset(&s->line);
		buf_addf(&s->line, "{\"rule\":\"ssh-path\",\"severity\":"
		    "\"high\",\"links\":%zu,\"alerted\":[", p->nhops);
		for (i = 0; i < p->nhops; i++)
			if (p->hops[i]->rule != NULL)
				buf_addf(&s->line, "%s%zu", s->line.p[
				    s->line.len - 1] == '[' ? "" : ",", i);
		buf_adds(&s->line, "],");
		if (correlate_path_json(p, &path) == 0 &&
		    buf_add(&s->line, path.p + 1, path.len - 1) == 0)
			out_json(s, &s->line);
		else
			s->st.too_long++;
	}
	buf_reset(&path);
	if (correlate_path_text(p, &path) == -1) {
		s->st.too_long++;
		goto out;
	}
	path.len--;			/* the '\n' */
	if (s->stream != NULL && s->stream_format == SINK_TEXT) {
		buf_reset(&s->line);
		buf_adds(&s->line, "ssh-path: ");
		if (buf_add(&s->line, path.p + 6, path.len - 6) == 0 &&
		    buf_addc(&s->line, '\n') == 0)
			out_text(s, &s->line);
	}
	if (s->audit != NULL || s->remote != NULL) {
		buf_reset(&s->body);
		buf_addf(&s->body, "op=sshwatch rule=ssh-path severity=high "
		    "links=%zu node=", p->nhops);
		record_value(&s->body, last->node, strlen(last->node));
		buf_adds(&s->body, " path=");
		if (record_value(&s->body, path.p + 6, path.len - 6) == 0 &&
		    buf_adds(&s->body, " res=success") == 0)
			out_record(s, AUDIT_ANOM_EXEC, &s->body, last->pid, -1,
			    -1, last->ses);
		else
			s->st.record_too_long++;
	}
	if (s->syslog_alerts) {
		char text[1024];

		log_safe(path.p + 6, path.len - 6, text, sizeof(text));
		syslog(LOG_WARNING, "alert rule=ssh-path links=%zu %s",
		    p->nhops, text);
	}
 out:
	buf_free(&path);
}

const struct sink_stats *
sink_stats(const struct sink *s)
{
	return &s->st;
}
