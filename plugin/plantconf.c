/*
 * plantconf: what a written client configuration file holds (see
 * plantconf.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monoclock.h"
#include "path.h"
#include "plantconf.h"
#include "sshconf.h"
#include "sshconfio.h"
#include "sshopt.h"

int
plantconf_is_client_config(const char *p, size_t n)
{
	const char *b, *pb;
	size_t blen, pblen;

	if (n == 19 && memcmp(p, "/etc/ssh/ssh_config", 19) == 0)
		return 1;
	if (path_under(p, n, "/etc/ssh/ssh_config.d"))
		return 1;
	b = path_base(p, n, &blen);
	pb = path_parent_base(p, n, &pblen);
	return blen == 6 && memcmp(b, "config", 6) == 0 && pb != NULL &&
	    pblen == 4 && memcmp(pb, ".ssh", 4) == 0;
}

/* The findings that make a configuration worth an alert. */
static int
planted_kind(enum sshfind_kind k)
{
	switch (k) {
	case SF_DYNAMIC_FORWARD:
	case SF_LOCAL_FORWARD:
	case SF_REMOTE_FORWARD:
	case SF_TUN_DEVICE:
	case SF_GATEWAY_PORTS:
	case SF_PROXY_JUMP:
	case SF_PROXY_COMMAND:
	case SF_NO_HOSTCHECK:
	case SF_AGENT_FORWARD:
	case SF_IDENTITY_AGENT:
		return 1;
	default:
		return 0;
	}
}

int
plantconf_budget_take(struct plantconf_budget *b, long long now_ms, long ms)
{
	if (!b->open || now_ms - b->start_ms >= PLANTCONF_WAIT_EVERY * 1000LL ||
	    now_ms < b->start_ms) {
		b->open = 1;
		b->start_ms = now_ms;
		b->spent_ms = 0;
	}
	if (ms < 0 || b->spent_ms + ms > PLANTCONF_WAIT_MS)
		return 0;
	b->spent_ms += ms;
	return 1;
}

/* May a read wait ms for a writer now?  (The plugin's one budget.) */
static int
may_wait(long ms)
{
	static struct plantconf_budget budget;
	long long now = monoclock_ms();

	if (now == 0)
		return 0;
	return plantconf_budget_take(&budget, now, ms);
}

static size_t scan_once(const char *path, long long uid, int version,
    struct plantconf *pc);

size_t
plantconf_check(const char *path, long long uid, int version, int opened,
    struct plantconf *pc)
{
	struct timespec ts;
	long ms;
	size_t n;

	n = scan_once(path, uid, version, pc);
	if (n > 0 || pc->unread || !opened)
		return n;
	for (ms = 20; ms <= 80 && n == 0 && !pc->unread; ms *= 2) {
		if (!may_wait(ms))
			break;
		ts.tv_sec = 0;
		ts.tv_nsec = ms * 1000000L;
		nanosleep(&ts, NULL);
		plantconf_free(pc);
		n = scan_once(path, uid, version, pc);
	}
	return n;
}

static size_t
scan_once(const char *path, long long uid, int version, struct plantconf *pc)
{
	static const char *const argv[] = { "ssh", "h", NULL };
	struct sshconf_io io;
	struct sshconfio cio;
	struct sshconf sc;
	struct sshopt so;
	size_t i, j;

	memset(pc, 0, sizeof(*pc));
	sshconfio_init(&io, &cio, uid);
	sshconf_scan(&sc, path, &io);
	if (sc.unreadable > 0) {
		pc->unread = 1;
		pc->why = "the file could not be read";
	}
	/* Each line alone: first-value-wins must not hide a later block. */
	for (i = 0; i < sc.nlines; i++) {
		if (sshopt_parse_conf(&so, SSHPROG_SSH, version, 2, argv,
		    &sc.lines[i], 1) == -1) {
			sshopt_free(&so);
			continue;
		}
		for (j = 0; j < so.nfinds; j++) {
			if (!so.finds[j].conf || !planted_kind(so.finds[j].kind))
				continue;
			if (pc->n >= PLANTCONF_MAX_FINDS)
				pc->more++;
			else if ((pc->texts[pc->n] =
			    strdup(so.finds[j].text)) != NULL)
				pc->n++;
			break;		/* one line, one entry */
		}
		sshopt_free(&so);
	}
	sshconf_free(&sc);
	return pc->n + pc->more;
}

void
plantconf_free(struct plantconf *pc)
{
	size_t i;

	for (i = 0; i < pc->n; i++)
		free(pc->texts[i]);
	memset(pc, 0, sizeof(*pc));
}
