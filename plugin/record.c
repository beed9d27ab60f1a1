/*
 * record: alerts as audit records (see record.h).
 */
#include "config.h"

#include <string.h>

#include <libaudit.h>

#include "auval.h"
#include "filter.h"
#include "record.h"

#ifndef AUDIT_ANOM_EXEC
#define AUDIT_ANOM_EXEC		2112
#endif
#ifndef AUDIT_ANOM_MOD_ACCT
#define AUDIT_ANOM_MOD_ACCT	2116
#endif

/* Room for the untrusted values other than the command line. */
#define CAP_SHORT	256
#define CAP_PATH	1024

int
record_type(const struct alert *a)
{
	return a->file_path != NULL ? AUDIT_ANOM_MOD_ACCT : AUDIT_ANOM_EXEC;
}

int
record_needs_hex(const char *s, size_t n)
{
	/*
	 * The kernel's rule (auval_needs_hex), and also ' and =: our values
	 * sit inside msg='...', where those could end it or start a field.
	 */
	return auval_needs_hex(s, n) || memchr(s, '\'', n) != NULL ||
	    memchr(s, '=', n) != NULL;
}

int
record_value(struct buf *out, const char *s, size_t n)
{
	if (!record_needs_hex(s, n)) {
		if (buf_addc(out, '"') == -1 || buf_add(out, s, n) == -1 ||
		    buf_addc(out, '"') == -1)
			return -1;
		return 0;
	}
	return buf_addhex(out, s, n);
}

/*
 * " name=VALUE" with at most cap encoded bytes; a value cut to fit is
 * followed by " name_len=N" (its full length in bytes).
 */
static void
field(struct buf *out, const char *name, const char *s, size_t n, size_t cap)
{
	size_t keep = n, enc;

	enc = record_needs_hex(s, n) ? 2 * n : n + 2;
	if (enc > cap)
		keep = record_needs_hex(s, n) ? cap / 2 : cap - 2;
	buf_addf(out, " %s=", name);
	record_value(out, s, keep);
	if (keep < n)
		buf_addf(out, " %s_len=%zu", name, n);
}

/* An id, or 4294967295 (the kernel's "unset") when unknown. */
static unsigned long long
id(long long v)
{
	return v < 0 ? 4294967295ULL : (unsigned long long)v;
}

/* The command line: argv joined by spaces, in what room is left. */
static void
cmd_field(struct buf *out, const struct event *ev, size_t room)
{
	const struct execve *x = &ev->x;
	struct buf cmd;
	size_t i, total = 0, cap;

	for (i = 0; i < x->out_argc; i++)
		total += x->out_len[i] + (i > 0);
	/* Hex needs two bytes a byte; keep what fits. */
	cap = room / 2;
	buf_init(&cmd, cap + 1);
	for (i = 0; i < x->out_argc && cmd.len < cap; i++) {
		size_t take;

		if (i > 0)
			buf_addc(&cmd, ' ');
		take = x->out_len[i];
		if (take > cap - cmd.len)
			take = cap - cmd.len;
		buf_add(&cmd, x->out_argv[i], take);
	}
	buf_adds(out, " cmd=");
	record_value(out, buf_str(&cmd), cmd.len);
	buf_addf(out, " argc=%zu", x->out_argc);
	if (cmd.len < total)
		buf_addf(out, " cmd_len=%zu", total);
	buf_free(&cmd);
}

int
record_body(const struct alert *a, struct buf *out)
{
	const struct event *ev = a->ev;
	size_t i, start = out->len, used;

	buf_addf(out, "op=sshwatch uid=%llu auid=%llu ses=%llu pid=%llu "
	    "ppid=%llu rule=%s severity=%s confidence=%s tags=", id(ev->uid),
	    id(ev->auid), id(ev->ses), ev->pid < 0 ? 0ULL :
	    (unsigned long long)ev->pid, ev->ppid < 0 ? 0ULL :
	    (unsigned long long)ev->ppid, a->rule, severity_name(a->severity),
	    confidence_name(a->confidence));
	for (i = 0; a->tags[i] != NULL; i++)
		buf_addf(out, "%s%s", i > 0 ? "," : "", a->tags[i]);
	/* The stamp is digits, '.' and ':' (framer.c checked). */
	buf_addf(out, " event=%s:%llu", ev->time, ev->serial);
	if (ev->node != NULL)
		field(out, "src_node", ev->node, strlen(ev->node), CAP_SHORT);
	/*
	 * ausearch reads a user record's exe= only after its acct= (when
	 * there is one): acct= first, or `ausearch -x' misses the record.
	 */
	if (a->file_path != NULL && a->file_owner != NULL)
		field(out, "acct", a->file_owner, strlen(a->file_owner),
		    CAP_SHORT);
	if (ev->have_exe)
		field(out, "exe", buf_str(&ev->exe), ev->exe.len, CAP_PATH);
	if (a->destination_host != NULL)
		field(out, "dest", a->destination_host,
		    strlen(a->destination_host), CAP_SHORT);
	if (a->file_path != NULL) {
		field(out, "path", a->file_path, a->file_pathlen, CAP_PATH);
		buf_addf(out, " operation=%s", a->file_op);
		if (a->file_target != NULL)
			field(out, "target", a->file_target,
			    strlen(a->file_target), CAP_PATH);
	}
	/* The command line takes the room that is left. */
	used = out->len - start;
	if (ev->have_execve && used + 64 < RECORD_MAX_BODY)
		cmd_field(out, ev, RECORD_MAX_BODY - used - 64);
	buf_addf(out, " truncated=%s res=success",
	    a->truncated ? "yes" : "no");
	if (out->over || out->len - start > RECORD_MAX_BODY) {
		out->len = start;
		if (out->p != NULL)
			out->p[start] = '\0';
		return -1;
	}
	return 0;
}

int
record_remote_ids(const char *node, int type, const struct timespec *ts,
    uint32_t serial, long long pid, long long uid, long long auid,
    long long ses, const char *body, struct buf *out)
{
	const char *name = audit_msg_type_to_name(type);

	if (node != NULL && *node != '\0')
		buf_addf(out, "node=%s ", node);
	buf_addf(out, "type=%s msg=audit(%lld.%03ld:%u): pid=%llu uid=%llu "
	    "auid=%llu ses=%llu msg='%s'", name != NULL ? name : "ANOM_EXEC",
	    (long long)ts->tv_sec, ts->tv_nsec / 1000000, serial,
	    pid < 0 ? 0ULL : (unsigned long long)pid, id(uid), id(auid),
	    id(ses), body);
	return out->over ? -1 : 0;
}

int
record_remote(const char *node, int type, const struct timespec *ts,
    uint32_t serial, const struct event *ev, const char *body,
    struct buf *out)
{
	return record_remote_ids(node, type, ts, serial, ev->pid, ev->uid,
	    ev->auid, ev->ses, body, out);
}

int
record_repeat_type(const struct repeat *r)
{
	return r->file_rule ? AUDIT_ANOM_MOD_ACCT : AUDIT_ANOM_EXEC;
}

int
record_repeat_body(const struct repeat *r, struct buf *out)
{
	size_t i, start = out->len;

	buf_addf(out, "op=sshwatch uid=%llu auid=%llu ses=%llu pid=%llu "
	    "ppid=0 rule=%s severity=%s confidence=%s tags=", id(r->uid),
	    id(r->auid), id(r->ses), r->pid < 0 ? 0ULL :
	    (unsigned long long)r->pid, r->rule, severity_name(r->severity),
	    confidence_name(r->confidence));
	for (i = 0; r->tags[i] != NULL; i++)
		buf_addf(out, "%s%s", i > 0 ? "," : "", r->tags[i]);
	/* event= is the first alert's: the one this record counts after. */
	buf_addf(out, " event=%s:%llu repeated=%llu last_event=%s:%llu "
	    "window=%d", r->first_time, r->first_serial, r->suppressed,
	    r->last_time, r->last_serial, r->window);
	if (r->node[0] != '\0')
		field(out, "src_node", r->node, strlen(r->node), CAP_SHORT);
	field(out, "exe", r->exe, strlen(r->exe), CAP_PATH);
	buf_adds(out, " truncated=no res=success");
	return buf_end_record(out, start);
}
