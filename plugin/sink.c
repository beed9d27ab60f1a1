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

#include "log.h"
#include "sink.h"

struct sink {
	int			 json_fd;
	char			*json_path;
	int			 syslog_alerts;
	FILE			*stream;
	enum sink_format	 stream_format;
	struct buf		 line;
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
	return s;
}

void
sink_free(struct sink *s)
{
	if (s == NULL)
		return;
	if (s->json_fd != -1)
		close(s->json_fd);
	free(s->json_path);
	buf_free(&s->line);
	free(s);
}

int
sink_configure(struct sink *s, const struct cfg *cfg, char *err,
    size_t errsz)
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

void
sink_alert(void *arg, const struct alert *a)
{
	struct sink *s = arg;
	int have_json = 0;

	s->st.alerts++;
	buf_reset(&s->line);
	if (s->json_fd != -1 || (s->stream != NULL &&
	    s->stream_format == SINK_JSON)) {
		if (alert_json(a, &s->line) == -1)
			s->st.too_long++;
		else
			have_json = 1;
	}
	if (have_json && s->json_fd != -1) {
		if (write_all(s->json_fd, s->line.p, s->line.len) == -1) {
			s->st.json_failed++;
			log_msg(LOG_ERR, "writing %s: %s", s->json_path,
			    strerror(errno));
		} else
			s->st.json_written++;
	}
	if (s->stream != NULL) {
		if (s->stream_format == SINK_TEXT) {
			buf_reset(&s->line);
			if (alert_text(a, &s->line) == -1)
				s->st.too_long++;
		}
		if (s->line.len > 0 && (fwrite(s->line.p, 1, s->line.len,
		    s->stream) != s->line.len))
			s->st.stream_failed++;
	}
	if (s->syslog_alerts) {
		char exe[256];

		log_safe(buf_str(&a->ev->exe), a->ev->exe.len, exe,
		    sizeof(exe));
		syslog(LOG_WARNING, "alert rule=%s severity=%s confidence=%s "
		    "event=%s:%llu pid=%lld auid=%lld exe=%s", a->rule,
		    severity_name(a->severity),
		    confidence_name(a->confidence), a->ev->time,
		    a->ev->serial, a->ev->pid, a->ev->auid, exe);
	}
}

const struct sink_stats *
sink_stats(const struct sink *s)
{
	return &s->st;
}
