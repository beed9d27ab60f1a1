/*
 * pipeline: glue from framed events to alerts (see pipeline.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <auparse.h>

#include "binids.h"
#include "clientcopy.h"
#include "buf.h"
#include "event.h"
#include "context.h"
#include "gate.h"
#include "monoclock.h"
#include "pipeline.h"
#include "plantwait.h"
#include "sshdwatch.h"

struct pipeline {
	auparse_state_t		*au;
	struct gate		*gate;		/* NULL: every event */
	struct context		*context;
	struct event		 ev;
	struct rules_ctx	 rc;
	alert_fn		 fn;
	void			*ctx;
	struct buf		 eoe;
	struct pipeline_stats	 st;
	/* Client configuration files to read again (plantwait.h). */
	struct plantwait	*pw;
	int			 live;		/* monotonic clock, else stamps */
	const struct framer_event *fe;		/* the event being analysed */
	long long		 now;		/* its time, on that clock */
};

/*
 * An event's stamp ("SEC.MSEC", maybe ":SERIAL" after it; n bytes) in
 * milliseconds; -1 when malformed.
 */
static long long
stamp_ms(const char *t, size_t n)
{
	const char *end = t + n;
	long long ms = 0;
	int frac = 0;

	if (t == end || *t < '0' || *t > '9')
		return -1;
	for (; t < end && *t >= '0' && *t <= '9'; t++)
		if (ms < 1000000000000LL)
			ms = ms * 10 + (*t - '0');
	ms *= 1000;
	if (t < end && *t == '.')
		for (t++; t < end && *t >= '0' && *t <= '9' && frac < 3;
		    t++, frac++)
			ms += (*t - '0') * (frac == 0 ? 100 :
			    frac == 1 ? 10 : 1);
	return ms;
}

/* rules_ctx's plant_defer: remember the file with this event's text. */
static void
plant_defer(void *arg, const char *path, size_t len, long long uid, int item)
{
	struct pipeline *p = arg;

	if (p->pw == NULL || p->fe == NULL)
		return;
	plantwait_add(p->pw, p->now, path, len, uid, item, p->fe->text,
	    p->fe->len, p->eoe.p, p->eoe.len);
}

/* plantwait_fn: the event parsed again, the file read again. */
static int
plant_again(void *arg, const struct plantwait_entry *e)
{
	struct pipeline *p = arg;

	event_reset(&p->ev);
	auparse_feed(p->au, e->text, e->len);
	auparse_feed(p->au, "", 0);
	if (p->ev.nrecords == 0)
		return 0;
	event_finish(&p->ev);
	return rules_planted_again(&p->rc, &p->ev, e->path, e->item, p->fn,
	    p->ctx);
}

/* auparse callback: add the records of each event it delivers. */
static void
on_auparse(auparse_state_t *au, auparse_cb_event_t type, void *arg)
{
	struct pipeline *p = arg;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	event_add_auparse(&p->ev, au);
}

struct pipeline *
pipeline_new(const struct cfg *cfg, const struct users *u,
    int openssh_version, alert_fn fn, void *ctx)
{
	struct pipeline *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->au = auparse_init(AUSOURCE_FEED, NULL)) == NULL) {
		free(p);
		return NULL;
	}
	auparse_add_callback(p->au, on_auparse, p, NULL);
	event_init(&p->ev, NULL);
	if ((p->rc.inodes = inodes_new(INODES_MAX)) == NULL) {
		auparse_destroy(p->au);
		free(p);
		return NULL;
	}
	if ((p->gate = gate_new(cfg, p->rc.inodes)) == NULL ||
	    (p->context = context_new()) == NULL) {
		gate_free(p->gate);
		inodes_free(p->rc.inodes);
		auparse_destroy(p->au);
		free(p);
		return NULL;
	}
	if ((p->rc.sshd = sshdwatch_new(cfg->sshd_config)) == NULL) {
		gate_free(p->gate);
		inodes_free(p->rc.inodes);
		context_free(p->context);
		auparse_destroy(p->au);
		free(p);
		return NULL;
	}
	gate_set_sshd(p->gate, p->rc.sshd);
	/* Without it, names relative to a descriptor stay unresolved. */
	p->rc.dirfds = dirfds_new(DIRFDS_MAX);
	gate_set_dirfds(p->gate, p->rc.dirfds);
	/* Without it, a key is known by its name or content only. */
	p->rc.idfiles = idfiles_new(IDFILES_MAX);
	p->rc.cfg = cfg;
	p->rc.users = u;
	p->rc.ctx = p->context;
	p->rc.openssh_version = openssh_version;
	p->rc.binids = binids_new();
	gate_set_binids(p->gate, p->rc.binids);
	/* Without it, a listen of a client's copy is not judged. */
	p->rc.copies = clientcopy_new();
	p->fn = fn;
	p->ctx = ctx;
	buf_init(&p->eoe, 4096);
	/* Without the table, plantconf_check() waits in place. */
	if ((p->pw = plantwait_new(PLANTWAIT_MAX)) != NULL) {
		p->rc.plant_defer = plant_defer;
		p->rc.plant_arg = p;
	}
	return p;
}

void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	auparse_flush_feed(p->au);
	auparse_destroy(p->au);
	event_free(&p->ev);
	buf_free(&p->eoe);
	inodes_free(p->rc.inodes);
	dirfds_free(p->rc.dirfds);
	idfiles_free(p->rc.idfiles);
	gate_free(p->gate);
	binids_free(p->rc.binids);
	clientcopy_free(p->rc.copies);
	context_free(p->context);
	sshdwatch_free(p->rc.sshd);
	plantwait_free(p->pw);
	free(p);
}

void
pipeline_event(void *arg, const struct framer_event *fe)
{
	struct pipeline *p = arg;

	/*
	 * Replay: the files waiting to be read again whose time has passed
	 * by this event's stamp, whatever the gate does with the event.
	 */
	if (!p->live && p->pw != NULL && plantwait_count(p->pw) > 0 &&
	    (p->now = stamp_ms(fe->stamp, fe->stamplen)) >= 0)
		plantwait_run(p->pw, p->now, 0, plant_again, p);
	/* Every event feeds the context tables; few go on to auparse. */
	context_observe(p->context, fe);
	if (p->gate != NULL && !gate_pass(p->gate, fe))
		return;
	event_reset(&p->ev);
	buf_reset(&p->eoe);
	if (fe->node != NULL)
		buf_addf(&p->eoe, "node=%.*s ", (int)fe->nodelen, fe->node);
	buf_addf(&p->eoe, "type=EOE msg=audit(%.*s): \n", (int)fe->stamplen,
	    fe->stamp);
	p->st.events++;
	if (fe->flags & FE_CUT)
		p->st.truncated++;
	auparse_feed(p->au, fe->text, fe->len);
	auparse_feed(p->au, p->eoe.p, p->eoe.len);
	auparse_feed(p->au, "", 0);
	if (p->ev.nrecords == 0) {
		p->st.empty++;
		return;
	}
	event_finish(&p->ev);
	if (p->ev.anomalies > 0)
		p->st.anomalies++;
	p->now = p->live ? monoclock_ms() : stamp_ms(p->ev.time,
	    strlen(p->ev.time));
	p->fe = fe;
	rules_run(&p->rc, &p->ev, p->fn, p->ctx, &p->st.rules);
	p->fe = NULL;
}

void
pipeline_set_live(struct pipeline *p, int on)
{
	p->live = on;
	/* This host's /proc and files are the stream's (clientcopy.h). */
	clientcopy_set_live(p->rc.copies, on);
}

long long
pipeline_next_ms(const struct pipeline *p)
{
	if (p->pw == NULL || !p->live)
		return -1;
	return plantwait_next(p->pw, monoclock_ms());
}

void
pipeline_tick(struct pipeline *p)
{
	if (p->pw != NULL && p->live && plantwait_count(p->pw) > 0)
		plantwait_run(p->pw, monoclock_ms(), 0, plant_again, p);
}

void
pipeline_drain(struct pipeline *p)
{
	if (p->pw != NULL && plantwait_count(p->pw) > 0)
		plantwait_run(p->pw, 0, 1, plant_again, p);
}

const struct plantwait_stats *
pipeline_plantwait_stats(const struct pipeline *p)
{
	static const struct plantwait_stats none;

	return p->pw != NULL ? plantwait_stats(p->pw) : &none;
}

const struct pipeline_stats *
pipeline_stats(const struct pipeline *p)
{
	return &p->st;
}

struct inodes *
pipeline_inodes(struct pipeline *p)
{
	return p->rc.inodes;
}

void
pipeline_set_read_configs(struct pipeline *p, int on)
{
	p->rc.read_configs = on;
}

void
pipeline_set_gate(struct pipeline *p, int on)
{
	if (!on) {
		gate_free(p->gate);
		p->gate = NULL;
	} else if (p->gate == NULL) {
		p->gate = gate_new(p->rc.cfg, p->rc.inodes);
		gate_set_binids(p->gate, p->rc.binids);
		if (p->gate != NULL)
			gate_set_sshd(p->gate, p->rc.sshd);
	}
}

const struct gate_stats *
pipeline_gate_stats(const struct pipeline *p)
{
	static const struct gate_stats none;

	return p->gate != NULL ? gate_stats(p->gate) : &none;
}

int
pipeline_configure(struct pipeline *p, const struct cfg *cfg)
{
	p->rc.cfg = cfg;
	return p->gate != NULL ? gate_configure(p->gate, cfg) : 0;
}

struct binids *
pipeline_binids(struct pipeline *p)
{
	return p->rc.binids;
}

void
pipeline_set_homewatch(struct pipeline *p, struct homewatch *hw)
{
	p->rc.homewatch = hw;
}

struct sshdwatch *
pipeline_sshd(struct pipeline *p)
{
	return p->rc.sshd;
}

struct context *
pipeline_context(struct pipeline *p)
{
	return p->context;
}

void
pipeline_set_correlate(struct pipeline *p, struct correlate *corr)
{
	p->rc.corr = corr;
	context_set_correlate(p->context, corr);
}
