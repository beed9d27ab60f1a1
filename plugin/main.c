/*
 * audisp-sshwatch: an auditd plugin that catches SSH lateral movement.
 *
 * Two front ends share one pipeline (pipeline.h):
 *  - plugin mode (no mode option): auditd's string stream on stdin,
 *    read without blocking as upstream plugins do, alerts to the sinks;
 *  - replay mode (--replay FILE...): saved logs or ausearch output,
 *    alerts to standard output as JSON or text;
 *  - follow mode (--follow FILE): an aggregator's log as auditd writes
 *    it (follow.h), alerts and ssh-path alerts to standard output and to
 *    the sinks.
 * This file holds only start-up, the signal flags and the three loops.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "auditsink.h"
#include "binids.h"
#include "context.h"
#include "correlate.h"
#include "filter.h"
#include "follow.h"
#include "framer.h"
#include "homewatch.h"
#include "gate.h"
#include "inodes.h"
#include "sshdirs.h"
#include "remote.h"
#include "log.h"
#include "monoclock.h"
#include "pipeline.h"
#include "plantwait.h"
#include "priv.h"
#include "procfs.h"
#include "replay.h"
#include "sink.h"
#include "sshdwatch.h"
#include "users.h"

#define DEFAULT_CONFIG	CFG_DEFAULT_CONFIG	/* under sysconfdir */
#define DEFAULT_SSH	"/usr/bin/ssh"
/* An event without EOE is complete after this much idle input. */
#define IDLE_AGE_SECS	2
#define READ_CHUNK	65536
/* At exit, how long the sink threads may go on delivering. */
#define STOP_WAIT_SECS	2

static volatile sig_atomic_t got_term, got_hup, got_usr1;
/* Who sent the first SIGTERM/SIGINT (0: the kernel or unknown). */
static volatile sig_atomic_t term_pid;

static void
on_term(int sig, siginfo_t *si, void *uc)
{
	if (!got_term && si != NULL)
		term_pid = (sig_atomic_t)si->si_pid;
	got_term = 1;
}

static void
on_hup(int sig)
{
	got_hup = 1;
}

static void
on_usr1(int sig)
{
	got_usr1 = 1;
}

/* Plugin mode's inotify fallback (homewatch.h), or NULL. */
static struct homewatch *homewatch;

/*
 * One line of every counter: what was read, what the gate let through,
 * the alerts, and every kind of loss with its cause.
 */
static void
log_stats(const char *when, const struct framer *fr, struct pipeline *pl,
    struct sink *sink, struct filter *filter)
{
	const struct framer_stats *fs = framer_stats(fr);
	const struct pipeline_stats *ps = pipeline_stats(pl);
	const struct gate_stats *gs = pipeline_gate_stats(pl);
	const struct sink_stats *ss = sink_stats(sink);

	struct auditsink_stats as;
	struct remote_stats rs;

	sink_thread_stats(sink, &as, &rs);
	if (sink_has_audit(sink))
		log_always(LOG_INFO, "%s: audit_sink queued=%llu sent=%llu "
		    "refused=%llu drop_queue_full=%llu queue_high=%zu "
		    "own_records_seen=%llu", when, as.queued, as.sent,
		    as.failed, as.dropped, as.queue_high, gs->own_records);
	if (sink_has_remote(sink))
		log_always(LOG_INFO, "%s: remote_sink connected=%d queued=%llu "
		    "delivered=%llu spooled=%zu spool_bytes=%zu resent=%llu "
		    "disk_low=%llu not_logged=%llu endings=%llu connects=%llu "
		    "connect_failures=%llu heartbeats=%llu "
		    "drop_queue_full=%llu drop_spool_new=%llu "
		    "drop_spool_oldest=%llu spool_io_errors=%llu "
		    "queue_high=%zu", when, rs.connected, rs.queued,
		    rs.delivered, rs.spooled, rs.spool_bytes, rs.resent,
		    rs.disk_low, rs.not_logged, rs.endings, rs.connects,
		    rs.connect_failures, rs.heartbeats, rs.queue_dropped,
		    rs.spool.dropped_new, rs.spool.dropped_old,
		    rs.spool.io_errors, rs.queue_high);
	if (filter != NULL) {
		const struct filter_stats *fst = filter_stats(filter);
		struct context *cx = pipeline_context(pl);
		size_t i;

		log_always(LOG_INFO, "%s: filter passed=%llu allowed=%llu "
		    "repeats=%llu repeat_records=%llu repeat_keys=%zu "
		    "repeat_keys_evicted=%llu processes=%zu "
		    "processes_evicted=%llu sessions=%zu sessions_evicted=%llu "
		    "execs_seen=%llu procfs_reads=%llu", when, fst->passed,
		    fst->allowed,
		    fst->repeats, fst->repeat_records, fst->keys,
		    fst->keys_evicted, procs_count(context_procs(cx)),
		    procs_evicted(context_procs(cx)),
		    sessions_count(context_sessions(cx)),
		    sessions_evicted(context_sessions(cx)),
		    context_stats(cx)->execs, context_stats(cx)->procfs_reads);
		for (i = 0; i < filter_allow_count(filter); i++) {
			const char *src = NULL;
			unsigned long long hits = filter_allow_hits(filter, i,
			    &src);

			log_always(LOG_INFO, "%s: allow %s hits=%llu", when,
			    src, hits);
		}
	}
	if (pipeline_sshd(pl) != NULL) {
		const struct sshdwatch_stats *dw =
		    sshdwatch_stats(pipeline_sshd(pl));

		log_always(LOG_INFO, "%s: sshd reloads=%llu refused=%llu "
		    "over=%llu keys_unread=%llu keys_refused=%llu", when,
		    dw->reloads, dw->refused, dw->over, dw->keys_unread,
		    dw->keys_refused);
	}
	if (homewatch != NULL) {
		const struct homewatch_stats *hs = homewatch_stats(homewatch);

		log_always(LOG_INFO, "%s: homewatch watched=%zu watches=%zu "
		    "accounts=%llu covered=%llu gone=%llu no_home=%llu "
		    "accounts_over=%llu watches_over=%llu watch_failed=%llu "
		    "sightings=%llu pending_over=%llu unread=%llu "
		    "unchanged=%llu alerts=%llu rate_limited=%llu "
		    "overflows=%llu start_over=%llu baselined=%llu", when,
		    hs->watched, hs->watches,
		    hs->accounts, hs->covered, hs->gone, hs->no_home,
		    hs->accounts_over, hs->watches_over, hs->watch_failed,
		    hs->sightings, hs->pending_over, hs->unread, hs->unchanged,
		    hs->alerts, hs->rate_limited, hs->overflows,
		    hs->start_over, hs->baselined);
	}
	log_always(LOG_INFO, "%s: records=%llu events=%llu gate_passed=%llu "
	    "gate_dropped=%llu analysed=%llu alerts=%llu "
	    "json_written=%llu pending=%zu pending_high=%zu "
	    "drop_bad_lines=%llu drop_long_lines=%llu "
	    "forced_no_eoe=%llu forced_by_cap=%llu cut_events=%llu "
	    "field_anomalies=%llu argv_truncated=%llu argv_rejected=%llu "
	    "json_failed=%llu alert_too_long=%llu alert_json_cut=%llu "
	    "gate_own_events=%llu", when,
	    fs->records, fs->events, gs->passed, gs->dropped, ps->events,
	    ps->rules.alerts, ss->json_written, framer_pending(fr),
	    fs->pending_high, fs->bad_lines, fs->long_lines, fs->forced,
	    fs->forced_by_cap, fs->cut_events, ps->anomalies,
	    ps->rules.truncated_argv, ps->rules.rejected_argv,
	    ss->json_failed, ss->too_long, ss->json_cut, gs->own_events);
	{
		const struct plantwait_stats *pw =
		    pipeline_plantwait_stats(pl);

		log_always(LOG_INFO, "%s: config_rereads added=%llu "
		    "merged=%llu evicted=%llu too_big=%llu reread=%llu "
		    "found=%llu forgotten=%llu", when, pw->added, pw->merged,
		    pw->evicted, pw->too_big, pw->reread, pw->found,
		    pw->forgotten);
	}
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: audisp-sshwatch [-s] [-c FILE]\n"
	    "       audisp-sshwatch [-c FILE] -t\n"
	    "       audisp-sshwatch --replay [--format json|text] "
	    "[--openssh-version X.Y]\n"
	    "                       [--local-users] [--read-configs] "
	    "[--forward]\n"
	    "                       [--correlate [--hosts FILE]]\n"
	    "                       [-c FILE] FILE...\n"
	    "       audisp-sshwatch --follow FILE [--state FILE] [--from-start] "
	    "[--format json|text]\n"
	    "                       [--correlate [--hosts FILE] [--skew SECONDS]] "
	    "[-s] [-c FILE]\n"
	    "       audisp-sshwatch --version\n"
	    "default configuration: %s\n"
	    "default spool: %s\n", DEFAULT_CONFIG, CFG_DEFAULT_SPOOL);
}

/* The OpenSSH release to follow: configured, else the local ssh's. */
static int
pick_version(const struct cfg *cfg, int override)
{
	int v;

	if (override > 0)
		return override;
	if (cfg->openssh_version > 0)
		return cfg->openssh_version;
	if ((v = cfg_detect_openssh(DEFAULT_SSH)) > 0)
		return v;
	return SSHOPT_VERSION_NEWEST;
}

/*
 * A reload cannot take back a capability start-up gave up: refuses a
 * configuration that would need one.
 */
static int
reload_privs(const struct cfg *c, char *err, size_t errsz)
{
	if (c->audit_sink && !priv_audit_write()) {
		snprintf(err, errsz, "audit_sink = yes needs CAP_AUDIT_WRITE, "
		    "given up at start-up; restart the plugin to turn it on");
		return -1;
	}
	return 0;
}

/*
 * An authorized_keys file with more than one hard link at start: the
 * other name, made before the rules were loaded, writes it unnamed.
 */
static void
warn_multilink(const char *path, unsigned long nlink)
{
	log_msg(LOG_WARNING, "%s has %lu hard links: another name for it "
	    "writes it without naming it (find / -samefile)", path, nlink);
}

/* The earlier of two delays in ms, -1 meaning none. */
static long long
earliest(long long a, long long b)
{
	return a < 0 ? b : b < 0 || a < b ? a : b;
}

static int
plugin_loop(struct cfg *cfg, const char *cfgpath, int log_stderr)
{
	struct sigaction sa;
	sigset_t none, ours;
	struct users users;
	struct sink *sink;
	struct filter *filter = NULL;
	struct pipeline *pl = NULL;
	struct framer *fr = NULL;
	char err[512], *chunk = NULL;
	time_t last_tick = 0;
	struct timespec last_input = { 0, 0 }, now_ts;
	int version, rc = 0;

	log_init("audisp-sshwatch", !log_stderr);
	/* auditd starts plugins with every signal blocked or ignored. */
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_term;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_flags = 0;
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/*
	 * With the handlers in place, every other signal is unblocked; these
	 * stay blocked but in ppoll(), which lets them in (the empty mask
	 * `none') only while the loop waits: a signal that comes after the
	 * loop read its flags wakes the wait instead of waiting for input.
	 */
	sigemptyset(&none);
	sigemptyset(&ours);
	sigaddset(&ours, SIGTERM);
	sigaddset(&ours, SIGINT);
	sigaddset(&ours, SIGHUP);
	sigaddset(&ours, SIGUSR1);
	sigprocmask(SIG_SETMASK, &ours, NULL);
	/* Nothing here executes another program: no exec may gain privilege. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		log_msg(LOG_WARNING, "cannot set no_new_privs: %s",
		    strerror(errno));

	users_init(&users);
	users_load_local(&users);
	version = pick_version(cfg, 0);
	if ((sink = sink_new()) == NULL) {
		log_msg(LOG_ERR, "cannot start: out of memory");
		users_free(&users);
		return 1;
	}
	if ((filter = filter_new(cfg, &users, sink_alert, sink_repeat,
	    sink_suppressed, sink)) == NULL) {
		log_msg(LOG_ERR, "cannot start: out of memory");
		rc = 1;
		goto out;
	}
	/* Our own system calls, dropped by pid (no exe never-rule). */
	{
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self,
		    sizeof(self) - 1);

		if (n > 0) {
			self[n] = '\0';
			gate_drop_pid((long)getpid(), self);
		} else
			log_msg(LOG_WARNING, "cannot read /proc/self/exe: "
			    "the plugin's own events are not dropped");
	}
	pl = pipeline_new(cfg, &users, version, filter_alert, filter);
	if (pl != NULL) {
		pipeline_set_read_configs(pl, 1);	/* this host's files */
		pipeline_set_live(pl, 1);	/* re-reads on the clock */
	}
	fr = pl != NULL ? framer_new(&framer_stream_limits, pipeline_event,
	    pl) : NULL;
	if (pl != NULL)
		log_msg(LOG_INFO, "%zu authorized_keys files known at start",
		    inodes_seed(pipeline_inodes(pl), &users, cfg));
	if (pl != NULL && pipeline_binids(pl) != NULL)
		log_msg(LOG_INFO, "%d OpenSSH client binaries known at start",
		    binids_stat_defaults(pipeline_binids(pl)));
	/* Live events: parents without an exec record come from /proc. */
	if (pl != NULL)
		context_set_procfs(pipeline_context(pl), 1);
	if (pl != NULL)
		log_msg(LOG_INFO, "%zu sshd directives known at start",
		    sshdwatch_start(pipeline_sshd(pl), &users));
	if (pl != NULL)
		log_msg(LOG_INFO, "%zu .ssh directories known at start",
		    sshdirs_seed(pipeline_inodes(pl), &users, warn_multilink));
	/* Accounts added from now on: inotify until audit covers them. */
	if (pl != NULL && cfg->watch_new_homes) {
		static const char *const rulefiles[] = {
			SW_SYSCONFDIR "/audit/rules.d/25-sshwatch.rules",
			SW_SYSCONFDIR "/audit/rules.d/26-sshwatch-homes.rules",
			NULL };
		size_t unread = 0, seeded;

		if ((homewatch = homewatch_new(version, filter_alert,
		    filter)) == NULL)
			log_msg(LOG_WARNING, "inotify: %s: new accounts' "
			    "homes are not watched", strerror(errno));
		pipeline_set_homewatch(pl, homewatch);
		if (homewatch != NULL) {
			seeded = homewatch_seed(homewatch, &users, rulefiles,
			    monoclock_ms(), &unread);
			log_msg(LOG_INFO, "%zu homes no audit rules file names "
			    "watched with inotify (%zu of 2 rules files "
			    "unread)", seeded, unread);
		}
	}
	chunk = malloc(READ_CHUNK);
	if (fr == NULL || chunk == NULL) {
		log_msg(LOG_ERR, "cannot start: out of memory");
		rc = 1;
		goto out;
	}
	/*
	 * What needed root's capabilities is done: the accounts and their
	 * authorized_keys files are known.  Drop them before the sinks start
	 * their threads, which copy this thread's capabilities (a drop
	 * afterwards would change this thread alone), so that the sinks open
	 * their files and socket with no more than a reload will have.
	 */
	priv_drop(cfg->audit_sink);
	if (sink_configure(sink, cfg, 1, err, sizeof(err)) == -1) {
		log_msg(LOG_ERR, "cannot start: %s", err);
		rc = 1;
		goto out;
	}
	if (fcntl(STDIN_FILENO, F_SETFL,
	    fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK) == -1) {
		log_msg(LOG_ERR, "stdin: %s", strerror(errno));
		rc = 1;
		goto out;
	}
	log_msg(LOG_INFO, "started, following OpenSSH %d.%d syntax",
	    version / 100, version % 100);

	while (!got_term) {
		struct pollfd pfd[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = homewatch != NULL ? homewatch_fd(homewatch) :
			    -1, .events = POLLIN } };
		struct timespec wait = { 0, 0 };
		long long next;
		ssize_t n;
		int pr;

		if (got_usr1) {
			got_usr1 = 0;
			log_stats("statistics", fr, pl, sink, filter);
		}
		/* Client configuration files due to be read again. */
		pipeline_tick(pl);
		if (homewatch != NULL)
			homewatch_tick(homewatch, monoclock_ms());
		if (got_hup) {
			struct cfg ncfg;

			got_hup = 0;
			cfg_defaults(&ncfg);
			if (cfg_load(cfgpath, geteuid(), &ncfg, err,
			    sizeof(err)) == -1 ||
			    cfg_load_allow_dir(&ncfg, geteuid(), err,
			    sizeof(err)) == -1 ||
			    reload_privs(&ncfg, err, sizeof(err)) == -1 ||
			    sink_configure(sink, &ncfg, 1, err, sizeof(err)) ==
			    -1) {
				log_msg(LOG_ERR, "reload refused, keeping the "
				    "running configuration: %s", err);
				cfg_free(&ncfg);
			} else {
				/* The pipeline points at *cfg: swap in place. */
				cfg_free(cfg);
				*cfg = ncfg;
				pipeline_configure(pl, cfg);
				filter_configure(filter, cfg);
				log_msg(LOG_INFO, "configuration reloaded");
			}
		}
		if (time(NULL) != last_tick) {
			/*
			 * Close the repeat windows that have ended: by the wall
			 * clock once no input came for a second, by the events'
			 * own clock while input flows (a backlog of older
			 * events must not have its windows closed under it).
			 */
			last_tick = time(NULL);
			clock_gettime(CLOCK_MONOTONIC, &now_ts);
			if (now_ts.tv_sec - last_input.tv_sec > 1 ||
			    (now_ts.tv_sec - last_input.tv_sec == 1 &&
			    now_ts.tv_nsec >= last_input.tv_nsec))
				filter_tick(filter, (double)last_tick);
			else
				filter_tick_idle(filter);
		}
		if (framer_pending(fr) > 0)
			wait.tv_sec = IDLE_AGE_SECS;
		else if (filter_pending(filter) > 0)
			wait.tv_sec = 1;
		next = pipeline_next_ms(pl);
		if (homewatch != NULL)
			next = earliest(next, homewatch_next_ms(homewatch,
			    monoclock_ms()));
		if (next >= 0 && (wait.tv_sec == 0 ||
		    next < wait.tv_sec * 1000LL)) {
			next = next > 0 ? next : 1;
			wait.tv_sec = next / 1000;
			wait.tv_nsec = (next % 1000) * 1000000L;
		}
		pr = ppoll(pfd, 2, wait.tv_sec > 0 || wait.tv_nsec > 0 ?
		    &wait : NULL, &none);
		if (pr == -1) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		if (pr == 0) {
			/* Idle: age what never got an EOE. */
			framer_age(fr, time(NULL), IDLE_AGE_SECS);
			continue;
		}
		if (pfd[1].revents & POLLIN)
			homewatch_read(homewatch, monoclock_ms());
		if (pfd[0].revents == 0)
			continue;
		n = read(STDIN_FILENO, chunk, READ_CHUNK);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			log_msg(LOG_ERR, "stdin: %s", strerror(errno));
			rc = 1;
			break;
		}
		if (n == 0)
			break;		/* auditd closed the stream */
		clock_gettime(CLOCK_MONOTONIC, &last_input);
		framer_feed(fr, chunk, (size_t)n);
	}
	framer_flush(fr);
	pipeline_drain(pl);
	filter_flush(filter);
	/* What the remote sink cannot send now stays in the spool. */
	sink_stop(sink, STOP_WAIT_SECS);
	/* auditd (the parent) ends its plugins; anyone else is worth a line. */
	if (got_term && term_pid != 0 && (pid_t)term_pid != getppid())
		log_msg(LOG_WARNING, "stopped by a signal from pid %ld, not the "
		    "parent (pid %ld)", (long)term_pid, (long)getppid());
	log_stats("stopping", fr, pl, sink, filter);
 out:
	free(chunk);
	framer_free(fr);
	pipeline_free(pl);
	homewatch_free(homewatch);
	homewatch = NULL;
	filter_free(filter);
	sink_free(sink);
	users_free(&users);
	return rc;
}

struct replay_view {
	struct pipeline	*pl;
	int		 shown;
};

/* "12.3 MB read, 45678 events, 9 alerts" on a terminal's stderr. */
static void
replay_progress(void *arg, const struct replay_stats *st)
{
	struct replay_view *v = arg;
	const struct pipeline_stats *ps = pipeline_stats(v->pl);
	const struct gate_stats *gs = pipeline_gate_stats(v->pl);

	fprintf(stderr, "\raudisp-sshwatch: %.1f MB read, %llu events, "
	    "%llu alerts ", (double)st->bytes / 1e6, gs->passed + gs->dropped,
	    ps->rules.alerts);
	v->shown = 1;
}

/* --read-configs: replay reads this host's client configuration files. */
static int replay_read_configs;

static int
replay_main(struct cfg *cfg, int version, int local_users, int forward,
    int correlate, const char *hosts, double skew, enum sink_format fmt,
    char *const *files, size_t nfiles)
{
	struct users users;
	struct sink *sink;
	struct pipeline *pl;
	struct framer *fr;
	struct replay_stats rs;
	struct replay_view view;
	struct filter *filter = NULL;
	struct correlate *corr = NULL;
	int rc;

	log_init("audisp-sshwatch", 0);
	users_init(&users);
	if (local_users)
		users_load_local(&users);
	memset(&rs, 0, sizeof(rs));
	if ((sink = sink_new()) == NULL ||
	    (filter = filter_new(cfg, &users, sink_alert, sink_repeat,
	    sink_suppressed, sink)) == NULL ||
	    (pl = pipeline_new(cfg, &users, pick_version(cfg, version),
	    filter_alert, filter)) == NULL) {
		fprintf(stderr, "audisp-sshwatch: out of memory\n");
		return 1;
	}
	sink_set_stream(sink, stdout, fmt);
	pipeline_set_read_configs(pl, replay_read_configs);
	if (correlate) {
		char err[512];

		if ((corr = correlate_new()) == NULL ||
		    (hosts != NULL && correlate_hosts(corr, hosts, err,
		    sizeof(err)) == -1)) {
			fprintf(stderr, "audisp-sshwatch: %s\n", corr == NULL ?
			    "out of memory" : err);
			correlate_free(corr);
			return 1;
		}
		correlate_set_skew(corr, skew);
		pipeline_set_correlate(pl, corr);
	}
	if (forward) {
		char err[512];

		/* The configured outputs too: JSON, audit trail, remote. */
		if (sink_configure(sink, cfg, 1, err, sizeof(err)) == -1) {
			fprintf(stderr, "audisp-sshwatch: %s\n", err);
			return 1;
		}
		if (cfg->remote_server != NULL && !sink_has_remote(sink))
			return 1;	/* why was logged */
	}
	if ((fr = framer_new(&framer_replay_limits, pipeline_event, pl)) ==
	    NULL) {
		fprintf(stderr, "audisp-sshwatch: out of memory\n");
		return 1;
	}
	view.pl = pl;
	view.shown = 0;
	rc = replay_run_progress(files, nfiles, fr, stderr, &rs,
	    isatty(STDERR_FILENO) ? replay_progress : NULL, &view);
	pipeline_drain(pl);	/* --read-configs: files read again at the end */
	filter_flush(filter);
	if (view.shown) {
		replay_progress(&view, &rs);
		fputc('\n', stderr);
	}
	if (corr != NULL) {
		size_t n = correlate_report(corr, stdout, fmt == SINK_JSON);

		fprintf(stderr, "audisp-sshwatch: %zu multi-host paths\n", n);
		correlate_free(corr);
	}
	if (fflush(stdout) == EOF || sink_stats(sink)->stream_failed > 0) {
		fprintf(stderr, "audisp-sshwatch: writing alerts: %s\n",
		    strerror(errno));
		rc = 1;
	}
	if (forward && sink_has_remote(sink)) {
		struct remote_stats st;
		size_t left;

		fprintf(stderr, "audisp-sshwatch: waiting up to %d s for %s "
		    "to acknowledge every alert\n", cfg->forward_timeout,
		    cfg->remote_server);
		left = sink_flush_remote(sink, cfg->forward_timeout);
		sink_thread_stats(sink, &(struct auditsink_stats){ 0 }, &st);
		fprintf(stderr, "audisp-sshwatch: %llu alerts delivered to %s, "
		    "%zu still spooled in %s\n", st.delivered,
		    cfg->remote_server, left, cfg->spool_file != NULL ?
		    cfg->spool_file : CFG_DEFAULT_SPOOL);
		if (left > 0)
			rc = 1;
	}
	sink_stop(sink, forward ? STOP_WAIT_SECS : 0);
	framer_free(fr);
	pipeline_free(pl);
	filter_free(filter);
	sink_free(sink);
	users_free(&users);
	return rc;
}

struct follow_opts {
	const char	*file, *state, *hosts;
	int		 from_start, correlate, log_stderr, local_users;
	double		 skew;
	enum sink_format fmt;
};

/* The follower's own counters, and the correlator's, after log_stats(). */
static void
log_follow_stats(const char *when, struct follow *fw, struct correlate *corr)
{
	const struct follow_stats *st = follow_stats(fw);

	log_always(LOG_INFO, "%s: follow bytes=%llu lines=%llu events=%llu "
	    "pending=%zu rotations=%llu truncations=%llu long_lines=%llu "
	    "unterminated=%llu resumed_skipped=%llu state_writes=%llu "
	    "state_failures=%llu lost_files=%llu warm_events=%llu "
	    "eoe_made=%llu", when, st->bytes, st->lines, st->events,
	    st->pending, st->rotations, st->truncations, st->long_lines,
	    st->unterminated, st->resumed_skipped, st->state_writes,
	    st->state_failures, st->lost_files, st->warm_events,
	    st->eoe_made);
	if (corr != NULL) {
		const struct corr_stats *cs = correlate_stats(corr);

		log_always(LOG_INFO, "%s: correlate nodes=%zu sessions=%zu "
		    "clients=%zu outbound=%llu inbound=%llu links=%llu "
		    "paths=%llu evicted_node=%llu evicted_total=%llu "
		    "nodes_refused=%llu paths_forgotten=%llu learned=%llu",
		    when, cs->nodes, cs->sessions, cs->clients, cs->outbound,
		    cs->inbound, cs->links, cs->paths, cs->evicted_node,
		    cs->evicted_total, cs->nodes_refused, cs->paths_forgotten,
		    cs->learned);
	}
}

/*
 * Follow mode: the loop of plugin mode with the log file in place of
 * stdin.  An event still open at the end is not delivered: the state file
 * points before it, and the next run reads it whole.
 */
static int
follow_loop(struct cfg *cfg, const char *cfgpath,
    const struct follow_opts *o)
{
	struct sigaction sa;
	sigset_t none, ours;
	struct users users;
	struct sink *sink;
	struct filter *filter = NULL;
	struct pipeline *pl = NULL;
	struct follow *fw = NULL;
	struct correlate *corr = NULL;
	char err[512];
	time_t last_save = 0;
	int rc = 0, more = 1, dirty = 0;

	log_init("audisp-sshwatch", !o->log_stderr);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_term;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_flags = 0;
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* As in plugin mode: ours come in only while ppoll() waits. */
	sigemptyset(&none);
	sigemptyset(&ours);
	sigaddset(&ours, SIGTERM);
	sigaddset(&ours, SIGINT);
	sigaddset(&ours, SIGHUP);
	sigaddset(&ours, SIGUSR1);
	sigprocmask(SIG_SETMASK, &ours, NULL);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		log_msg(LOG_WARNING, "cannot set no_new_privs: %s",
		    strerror(errno));

	users_init(&users);
	if (o->local_users)
		users_load_local(&users);
	if ((sink = sink_new()) == NULL ||
	    (filter = filter_new(cfg, &users, sink_alert, sink_repeat,
	    sink_suppressed, sink)) == NULL ||
	    (pl = pipeline_new(cfg, &users, pick_version(cfg, 0),
	    filter_alert, filter)) == NULL) {
		log_msg(LOG_ERR, "cannot start: out of memory");
		rc = 1;
		goto out;
	}
	if (o->correlate) {
		if ((corr = correlate_new()) == NULL ||
		    (o->hosts != NULL && correlate_hosts(corr, o->hosts, err,
		    sizeof(err)) == -1)) {
			log_msg(LOG_ERR, "cannot start: %s", corr == NULL ?
			    "out of memory" : err);
			rc = 1;
			goto out;
		}
		correlate_set_skew(corr, o->skew);
		correlate_set_path_fn(corr, sink_path, sink);
		pipeline_set_correlate(pl, corr);
	}
	/* The same framing as --replay, so that both see the same events. */
	if ((fw = follow_new(o->file, o->state, o->from_start,
	    &framer_replay_limits, pipeline_event, pl, err,
	    sizeof(err))) == NULL) {
		log_msg(LOG_ERR, "cannot start: %s", err);
		rc = 1;
		goto out;
	}
	/* Only now: what follow_new() read again was context, not news. */
	sink_set_stream(sink, stdout, o->fmt);
	/* The log and the state file are open: no capability is needed. */
	priv_drop(cfg->audit_sink);
	if (sink_configure(sink, cfg, 1, err, sizeof(err)) == -1) {
		log_msg(LOG_ERR, "cannot start: %s", err);
		rc = 1;
		goto out;
	}
	log_msg(LOG_INFO, "following %s%s", o->file, o->correlate ?
	    ", correlating across nodes" : "");

	while (!got_term) {
		struct pollfd pfd = { .fd = follow_fd(fw), .events = POLLIN };
		struct timespec wait = { 0, 0 };
		int pr;

		if (got_usr1) {
			got_usr1 = 0;
			log_stats("statistics", follow_framer(fw), pl, sink,
			    filter);
			log_follow_stats("statistics", fw, corr);
		}
		if (got_hup) {
			struct cfg ncfg;

			got_hup = 0;
			cfg_defaults(&ncfg);
			if (cfg_load(cfgpath, geteuid(), &ncfg, err,
			    sizeof(err)) == -1 ||
			    cfg_load_allow_dir(&ncfg, geteuid(), err,
			    sizeof(err)) == -1 ||
			    reload_privs(&ncfg, err, sizeof(err)) == -1 ||
			    sink_configure(sink, &ncfg, 1, err, sizeof(err)) ==
			    -1) {
				log_msg(LOG_ERR, "reload refused, keeping the "
				    "running configuration: %s", err);
				cfg_free(&ncfg);
			} else {
				cfg_free(cfg);
				*cfg = ncfg;
				pipeline_configure(pl, cfg);
				filter_configure(filter, cfg);
				log_msg(LOG_INFO, "configuration reloaded");
			}
		}
		/*
		 * No filter_tick() by the wall clock: the log may be read
		 * late (a restart, a backlog), so repeat windows close by the
		 * events' own time, as in --replay.
		 */
		if (more) {
			more = follow_pump(fw);
			fflush(stdout);
			/*
			 * At most once a second (each is an fsync); what is
			 * left is saved by the idle wake-up below.
			 */
			dirty = 1;
			if (time(NULL) != last_save) {
				last_save = time(NULL);
				follow_checkpoint(fw);
				dirty = 0;
			}
			continue;
		}
		if (dirty)
			wait.tv_sec = 1;
		else if (framer_pending(follow_framer(fw)) > 0)
			wait.tv_sec = IDLE_AGE_SECS;
		else if (filter_pending(filter) > 0)
			wait.tv_sec = 1;
		pr = ppoll(&pfd, 1, wait.tv_sec > 0 ? &wait : NULL, &none);
		if (pr == -1) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		if (pr == 0) {
			/* Idle: age what never got an EOE. */
			follow_age(fw, time(NULL), IDLE_AGE_SECS);
			fflush(stdout);
			last_save = time(NULL);
			follow_checkpoint(fw);
			dirty = 0;
			continue;
		}
		more = 1;
	}
	/* Open events are not flushed: the state file points before them. */
	if (follow_checkpoint(fw) == -1)
		rc = 1;
	filter_flush(filter);
	fflush(stdout);
	sink_stop(sink, STOP_WAIT_SECS);
	log_stats("stopping", follow_framer(fw), pl, sink, filter);
	log_follow_stats("stopping", fw, corr);
 out:
	follow_free(fw);
	pipeline_free(pl);
	filter_free(filter);
	correlate_free(corr);
	if (sink != NULL)
		sink_free(sink);
	users_free(&users);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "replay", no_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'F' },
		{ "openssh-version", required_argument, NULL, 'O' },
		{ "local-users", no_argument, NULL, 'U' },
		{ "read-configs", no_argument, NULL, 'R' },
		{ "forward", no_argument, NULL, 'f' },
		{ "correlate", no_argument, NULL, 'C' },
		{ "hosts", required_argument, NULL, 'H' },
		{ "follow", required_argument, NULL, 'W' },
		{ "state", required_argument, NULL, 'S' },
		{ "from-start", no_argument, NULL, 'B' },
		{ "skew", required_argument, NULL, 'K' },
		{ "config", required_argument, NULL, 'c' },
		{ "test-config", no_argument, NULL, 't' },
		{ "log-stderr", no_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cfgpath = NULL;
	enum sink_format fmt = SINK_JSON;
	struct cfg cfg;
	char err[512];
	int c, replay = 0, test = 0, local_users = 0, version = 0, rc;
	int log_stderr = 0, forward = 0, correlate = 0;
	const char *hosts = NULL;
	struct follow_opts fo = { 0 };
	char *end;

	while ((c = getopt_long(argc, argv, "c:ths", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			replay = 1;
			break;
		case 'F':
			if (strcmp(optarg, "json") == 0)
				fmt = SINK_JSON;
			else if (strcmp(optarg, "text") == 0)
				fmt = SINK_TEXT;
			else {
				fprintf(stderr, "audisp-sshwatch: --format "
				    "must be json or text\n");
				return 2;
			}
			break;
		case 'O':
			if ((version = sshopt_version_parse(optarg)) == -1) {
				fprintf(stderr, "audisp-sshwatch: "
				    "--openssh-version: not a release from "
				    "8.0 on: %s\n", optarg);
				return 2;
			}
			break;
		case 'U':
			local_users = 1;
			break;
		case 'R':
			replay_read_configs = 1;
			break;
		case 'f':
			forward = 1;
			break;
		case 'C':
			correlate = 1;
			break;
		case 'H':
			hosts = optarg;
			break;
		case 'W':
			fo.file = optarg;
			break;
		case 'S':
			fo.state = optarg;
			break;
		case 'B':
			fo.from_start = 1;
			break;
		case 'K':
			errno = 0;
			fo.skew = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    !(fo.skew >= 0 && fo.skew <= CORR_MAX_SKEW)) {
				fprintf(stderr, "audisp-sshwatch: --skew: "
				    "seconds from 0 to %.0f\n", CORR_MAX_SKEW);
				return 2;
			}
			break;
		case 'c':
			cfgpath = optarg;
			break;
		case 't':
			test = 1;
			break;
		case 's':
			log_stderr = 1;
			break;
		case 'V':
			printf("audisp-sshwatch %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (replay && optind >= argc) {
		fprintf(stderr, "audisp-sshwatch: --replay needs at least one "
		    "FILE (- for standard input)\n");
		return 2;
	}
	if (fo.file != NULL && (replay || forward || test)) {
		fprintf(stderr, "audisp-sshwatch: --follow goes without "
		    "--replay, --forward and -t\n");
		return 2;
	}
	if ((fo.state != NULL || fo.from_start) && fo.file == NULL) {
		fprintf(stderr, "audisp-sshwatch: --state and --from-start go "
		    "with --follow\n");
		return 2;
	}
	if (fo.skew > 0 && !correlate) {
		fprintf(stderr, "audisp-sshwatch: --skew goes with "
		    "--correlate\n");
		return 2;
	}
	if ((forward || correlate || hosts != NULL || replay_read_configs) &&
	    !replay && fo.file == NULL) {
		fprintf(stderr, "audisp-sshwatch: --forward, --correlate and "
		    "--hosts go with --replay (--correlate and --hosts also "
		    "with --follow)\n");
		return 2;
	}
	if (hosts != NULL && !correlate) {
		fprintf(stderr, "audisp-sshwatch: --hosts goes with "
		    "--correlate\n");
		return 2;
	}
	if ((!replay || fo.file != NULL) && optind < argc) {
		usage(stderr);
		return 2;
	}

	cfg_defaults(&cfg);
	/*
	 * The plugin reads its config from the default path, replay only
	 * when told to.  The file must belong to root or to the user running
	 * us (under auditd: root).
	 */
	if (cfgpath != NULL || (!replay && access(DEFAULT_CONFIG, F_OK) == 0)) {
		const char *path = cfgpath != NULL ? cfgpath : DEFAULT_CONFIG;

		if (cfg_load(path, geteuid(), &cfg, err, sizeof(err)) == -1 ||
		    cfg_load_allow_dir(&cfg, geteuid(), err, sizeof(err)) ==
		    -1) {
			fprintf(stderr, "audisp-sshwatch: %s\n", err);
			if (!replay && !test) {
				log_init("audisp-sshwatch", 1);
				log_msg(LOG_ERR, "%s", err);
			}
			return 1;
		}
	}
	if (test) {
		cfg_print(&cfg, stdout);
		cfg_free(&cfg);
		return 0;
	}
	if (fo.file != NULL) {
		fo.hosts = hosts;
		fo.correlate = correlate;
		fo.log_stderr = log_stderr;
		fo.local_users = local_users;
		fo.fmt = fmt;
		rc = follow_loop(&cfg, cfgpath != NULL ? cfgpath :
		    DEFAULT_CONFIG, &fo);
	} else if (replay)
		rc = replay_main(&cfg, version, local_users, forward,
		    correlate, hosts, fo.skew, fmt, argv + optind,
		    (size_t)(argc - optind));
	else
		rc = plugin_loop(&cfg, cfgpath != NULL ? cfgpath :
		    DEFAULT_CONFIG, log_stderr);
	cfg_free(&cfg);
	return rc;
}
