/*
 * accounts: an account or home that appears after the rules were made.
 *
 * The per-account audit rules (audisp-sshwatch-genrules) name the homes
 * that existed when they were generated; an account added later (useradd:
 * ADD_USER records, op=adding user and op=adding home directory) has a
 * ~/.ssh no rule watches until the generator runs again.  So has an
 * account whose home changed: usermod -d (with -m, a rename(2) of the
 * home, or a copy across file systems) logs USER_CHAUTHTOK with
 * op=changing home directory (shadow 4.13; not USER_MGMT).  The rule
 * account-unwatched (low) says so, with the account's name or id, so that
 * an admin who has not enabled audisp-sshwatch-genrules.path knows.  A
 * step of the rules (rules_run()); the records reach it through event.h's
 * session records, which keep op, acct, id and res.  useradd writes two
 * records; the repeat filter folds the second into the first.
 */
#ifndef SW_ACCOUNTS_H
#define SW_ACCOUNTS_H

#include "rules.h"

/* Calls fn once per such record of ev.  Returns the number of alerts. */
int	 accounts_run(const struct rules_ctx *rc, const struct event *ev,
	    alert_fn fn, void *ctx);
/* For the gate: is USER_CHAUTHTOK record rec[0..len) usermod's -d? */
int	 accounts_home_changed(const char *rec, size_t len);
/* Is a record of this type and op= (as auparse reads it) one of them? */
int	 accounts_op_matters(int type, const char *op, size_t n);

#endif
