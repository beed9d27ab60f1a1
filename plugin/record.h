/*
 * record: an alert as an audit record, for the audit trail and the
 * remote channel.
 *
 * One record per alert, of a type every aggregator knows: ANOM_EXEC (2112)
 * for the rules on an ssh-family execution, ANOM_MOD_ACCT (2116) for
 * authorized_keys writes and links -- they change how an account can be
 * logged into, which is what T1098.004 names (Account Manipulation).
 * The body (what goes inside msg='...') is the same on both paths:
 *
 *   op=sshwatch uid= auid= ses= pid= ppid= rule= severity= confidence=
 *   tags= event=SEC.MSEC:SERIAL [src_node=] [acct=] exe= [dest=]
 *   [path= operation= [target=]] [cmd= argc= [cmd_len=]] truncated=
 *   res=success
 *
 * Field names are ones auparse decodes (uid, auid, ses, exe, cmd, path,
 * acct, res), and the inner uid=, exe= and a final res=...' are what
 * ausearch's parser looks for in user-range records (-ua, -x, -sv); it
 * looks for exe= only after acct=, hence their order.
 * Every value built from input is quoted only when it holds no space,
 * quote, apostrophe, '=', control or non-ASCII byte, and is hex otherwise,
 * so no value can add, split or end a field or the record.  The body is
 * at most RECORD_MAX_BODY bytes: a long command line is shortened and
 * cmd_len= gives its full length; it is never split into two records.
 */
#ifndef SW_RECORD_H
#define SW_RECORD_H

#include <stdint.h>
#include <time.h>

#include "alert.h"
#include "buf.h"

#define RECORD_MAX_BODY		8192

/* AUDIT_ANOM_EXEC or AUDIT_ANOM_MOD_ACCT. */
int	 record_type(const struct alert *a);
/* Does s[0..n) go out as hex? */
int	 record_needs_hex(const char *s, size_t n);
/* Appends s[0..n) as a field value (quoted or hex). */
int	 record_value(struct buf *out, const char *s, size_t n);
/* Appends the body of alert a.  Returns 0, or -1 when out is full. */
int	 record_body(const struct alert *a, struct buf *out);
/*
 * Appends a whole record as the remote channel carries it:
 * "[node=NAME ]type=T msg=audit(SEC.MSEC:SERIAL): pid= uid= auid= ses=
 * msg='BODY'", the outer ids being the actor's, as in the kernel's own
 * anomaly records.
 */
int	 record_remote(const char *node, int type, const struct timespec *ts,
	    uint32_t serial, const struct event *ev, const char *body,
	    struct buf *out);
/* The same with the actor's ids given directly (repeat records). */
int	 record_remote_ids(const char *node, int type,
	    const struct timespec *ts, uint32_t serial, long long pid,
	    long long uid, long long auid, long long ses, const char *body,
	    struct buf *out);
struct repeat;
/* The body of a repeat record (filter.h): op=sshwatch ... repeated=N. */
int	 record_repeat_body(const struct repeat *r, struct buf *out);
/* The record type of a repeat: that of the alerts it counts. */
int	 record_repeat_type(const struct repeat *r);

#endif
