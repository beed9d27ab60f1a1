/*
 * log: rate-limited messages (see log.h).
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

static const char *log_ident = "audisp-sshwatch";
static int log_syslog;
static unsigned log_tokens = LOG_BURST;
static time_t log_last;
static unsigned long log_held;
/* The sink threads log too. */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

void
log_init(const char *ident, int use_syslog)
{
	log_ident = ident;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

static void
log_emit(int prio, const char *msg)
{
	if (log_syslog)
		syslog(prio, "%s", msg);
	else
		fprintf(stderr, "%s: %s\n", log_ident, msg);
}

/* One message; `limited' says whether the rate limit applies. */
static void	log_vmsg(int prio, int limited, const char *fmt, va_list ap)
		    __attribute__((format(printf, 3, 0)));

static void
log_vmsg(int prio, int limited, const char *fmt, va_list ap)
{
	char msg[1024];
	time_t now = time(NULL);

	pthread_mutex_lock(&log_mu);
	if (now != log_last) {
		/* One more token a second, up to the burst. */
		unsigned long add = now > log_last ?
		    (unsigned long)(now - log_last) : 1;

		log_tokens = add >= LOG_BURST ? LOG_BURST :
		    log_tokens + (unsigned)add > LOG_BURST ? LOG_BURST :
		    log_tokens + (unsigned)add;
		log_last = now;
	}
	if (limited && log_tokens == 0) {
		log_held++;
		pthread_mutex_unlock(&log_mu);
		return;
	}
	if (limited)
		log_tokens--;
	if (log_held > 0) {
		snprintf(msg, sizeof(msg), "%lu messages suppressed by the "
		    "rate limit", log_held);
		log_emit(LOG_WARNING, msg);
		log_held = 0;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_emit(prio, msg);
	pthread_mutex_unlock(&log_mu);
}

void
log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(prio, 1, fmt, ap);
	va_end(ap);
}

void
log_always(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(prio, 0, fmt, ap);
	va_end(ap);
}

const char *
log_safe(const char *s, size_t n, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, j = 0;

	if (outsz < 8) {
		if (outsz > 0)
			out[0] = '\0';
		return out;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (j + 8 >= outsz) {
			memcpy(out + j, "...", 4);
			return out;
		}
		if (c < 0x20 || c >= 0x7f || c == '\\') {
			out[j++] = '\\';
			out[j++] = 'x';
			out[j++] = hex[c >> 4];
			out[j++] = hex[c & 0xf];
		} else
			out[j++] = (char)c;
	}
	out[j] = '\0';
	return out;
}
