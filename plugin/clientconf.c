/*
 * clientconf: client configuration files for the exec rules (see
 * clientconf.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "clientconf.h"
#include "path.h"
#include "sshconfio.h"

int
clientconf_read(const struct rules_ctx *rc, const struct event *ev,
    const struct sshopt *so, struct sshconf *sc, struct rules_stats *st)
{
	struct sshconf_query q;
	struct sshconf_io io;
	struct sshconfio cio;
	struct buf cfile;
	char home[4096];
	const char *name;

	if (!rc->read_configs || so->host == NULL || so->no_connect ||
	    (so->prog != SSHPROG_SSH && so->prog != SSHPROG_SCP &&
	    so->prog != SSHPROG_SFTP) || ev->uid < 0)
		return -1;
	memset(&q, 0, sizeof(q));
	q.host = so->host;
	q.user = so->user;
	q.hostname = so->hostname;
	q.version = so->version;
	/* ssh reads the files of its real uid's account (getpwuid). */
	name = ev->uid_name;
	if (name == NULL)
		name = users_name_of_uid(rc->users, ev->uid);
	q.localuser = name;
	if (name != NULL && users_home_of(rc->users, name, home,
	    sizeof(home)) == 0 && home[0] == '/')
		q.home = home;
	buf_init(&cfile, 2 * EVENT_MAX_FIELD + 2);
	if (so->config_file != NULL) {
		/* -F FILE: relative to the client's working directory. */
		if (so->config_file[0] == '/' ||
		    strcmp(so->config_file, "none") == 0)
			buf_adds(&cfile, so->config_file);
		else if (ev->have_cwd)
			path_join(ev->cwd.p, ev->cwd.len, so->config_file,
			    strlen(so->config_file), &cfile);
		q.config = cfile.len > 0 ? buf_str(&cfile) :
		    so->config_file;
	}
	sshconfio_init(&io, &cio, ev->uid);
	/* Out of memory leaves a partial result, used as is (sc->nomem). */
	(void)sshconf_collect(sc, &q, &io);
	st->configs_read += sc->files;
	st->configs_unreadable += sc->unreadable;
	st->configs_over += sc->over;
	buf_free(&cfile);
	return 0;
}

void
clientconf_note(const struct rules_ctx *rc, const struct sshconf *sc,
    const struct sshopt *so, struct alert *a, char *buf, size_t bufsz)
{
	if (so->prog != SSHPROG_SSH && so->prog != SSHPROG_SCP &&
	    so->prog != SSHPROG_SFTP)
		return;
	if (sc == NULL) {
		if (!rc->read_configs && a->note == NULL)
			a->note = "client configuration files not read "
			    "(replay: --read-configs reads this host's)";
		return;
	}
	if (sc->unreadable == 0 && sc->over == 0 && !sc->nomem)
		return;
	if (a->confidence > CONF_MEDIUM)
		a->confidence = CONF_MEDIUM;
	if (a->note != NULL && a->confidence == CONF_LOW)
		return;
	if (sc->unreadable > 0)
		snprintf(buf, bufsz, "client configuration not read whole: "
		    "%s", sc->unread_what);
	else
		snprintf(buf, bufsz, "client configuration not read whole: "
		    "%s", sc->nomem ? "out of memory" : sc->over_what);
	a->note = buf;
}

void
clientconf_unsure(struct alert *a, const struct sshfind *f)
{
	if (!(f->conf & SSHOPT_CONF_UNSURE))
		return;
	if (a->confidence > CONF_MEDIUM)
		a->confidence = CONF_MEDIUM;
	if (a->confidence == CONF_MEDIUM)
		a->note = "set under a Match whose outcome is not known here "
		    "(Match exec is never run)";
}
