/*
 * accounts: accounts and homes no generated rule covers yet (see
 * accounts.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libaudit.h>

#include "accounts.h"

static const char *const tags_account[] = { "authorized-keys",
    "T1098.004", "T1136", NULL };

int
accounts_op_matters(int type, const char *op, size_t n)
{
	/*
	 * auparse ends an unquoted op= value at the first space: shadow's
	 * "op=adding user" and "op=adding home directory" both read as
	 * "adding".
	 */
	return type == AUDIT_ADD_USER && n >= 6 && memcmp(op, "adding", 6) == 0;
}

int
accounts_home_changed(const char *rec, size_t len)
{
	static const char op[] = "op=changing home directory ";

	return memmem(rec, len, op, sizeof(op) - 1) != NULL;
}

int
accounts_run(const struct rules_ctx *rc, const struct event *ev,
    alert_fn fn, void *ctx)
{
	static char who[96];
	static struct event copy;
	struct alert a;
	int i;

	(void)rc;
	for (i = 0; i < ev->nsessions; i++) {
		const struct ev_session *s = &ev->sessions[i];

		int moved = s->type == AUDIT_USER_CHAUTHTOK &&
		    s->op.len == 23 &&
		    memcmp(s->op.p, "changing home directory", 23) == 0;

		if ((s->type != AUDIT_ADD_USER && !moved) || s->success != 1 ||
		    (!moved && !accounts_op_matters(s->type, s->op.p,
		    s->op.len)))
			continue;
		memset(&a, 0, sizeof(a));
		a.rule = "account-unwatched";
		a.severity = SEV_LOW;
		a.confidence = CONF_HIGH;
		a.tags = tags_account;
		/*
		 * The process is the user record's own (pid, uid, auid,
		 * ses): a shallow copy of ev with them, read-only, for fn.
		 */
		copy = *ev;
		copy.pid = s->pid;
		copy.uid = s->uid;
		copy.auid = s->auid;
		copy.ses = s->ses;
		a.ev = &copy;
		a.file_dirfd = -1;
		if (s->acct.len > 0)
			snprintf(who, sizeof(who), "acct=%.*s",
			    (int)(s->acct.len < 64 ? s->acct.len : 64),
			    s->acct.p);
		else
			snprintf(who, sizeof(who), "id=%lld", s->id);
		a.match[a.nmatch++] = who;
		/* Not a repeat of the account's creation (filter.h). */
		if (moved)
			a.match[a.nmatch++] = "op=changing home directory";
		a.note = moved ? "the account's home changed (usermod -d, "
		    "-m moves it): the generated audit rules watch the old "
		    "path; run audisp-sshwatch-genrules and augenrules --load, "
		    "or enable audisp-sshwatch-genrules.path (until then, in "
		    "plugin mode, the plugin watches the home with inotify)" :
		    "no generated audit rule watches this account's "
		    "~/.ssh yet: run audisp-sshwatch-genrules and augenrules "
		    "--load, or enable audisp-sshwatch-genrules.path (until "
		    "then, in plugin mode, the plugin watches the home with "
		    "inotify)";
		fn(ctx, &a);
		return 1;	/* one per event */
	}
	return 0;
}
