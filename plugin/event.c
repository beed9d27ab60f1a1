/*
 * event: reassembly of one audit event from auparse records (see event.h).
 *
 * Field values are taken raw (auparse_get_field_str) and decoded here
 * (auval.h) rather than through auparse_interpret_field(), whose output
 * escapes control bytes: the rules and the alerts need the exact bytes.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libaudit.h>

#include "auval.h"
#include "event.h"

#ifndef AUDIT_OPENAT2
#define AUDIT_OPENAT2 1337
#endif
#ifndef AUDIT_URINGOP
#define AUDIT_URINGOP 1336
#endif

void
event_init(struct event *ev, const struct execve_limits *lim)
{
	int i;

	memset(ev, 0, sizeof(*ev));
	buf_init(&ev->comm, EVENT_MAX_FIELD);
	buf_init(&ev->exe, EVENT_MAX_FIELD);
	buf_init(&ev->key, EVENT_MAX_FIELD);
	buf_init(&ev->cwd, EVENT_MAX_FIELD);
	for (i = 0; i < EVENT_MAX_PATHS; i++)
		buf_init(&ev->paths[i].name, EVENT_MAX_FIELD);
	for (i = 0; i < EVENT_MAX_SESSIONS; i++) {
		struct ev_session *s = &ev->sessions[i];

		buf_init(&s->op, EVENT_MAX_FIELD);
		buf_init(&s->acct, EVENT_MAX_FIELD);
		buf_init(&s->exe, EVENT_MAX_FIELD);
		buf_init(&s->hostname, EVENT_MAX_FIELD);
		buf_init(&s->addr, EVENT_MAX_FIELD);
		buf_init(&s->terminal, EVENT_MAX_FIELD);
	}
	execve_init(&ev->x, lim);
	event_reset(ev);
}

void
event_reset(struct event *ev)
{
	struct execve_limits lim = ev->x.lim;
	int i;

	free(ev->node);
	free(ev->auid_name);
	free(ev->uid_name);
	ev->node = ev->auid_name = ev->uid_name = NULL;
	ev->time[0] = '\0';
	ev->serial = 0;
	ev->first_type = 0;
	ev->have_syscall = ev->have_exe = ev->have_execve = 0;
	ev->have_cwd = ev->have_oflag = 0;
	ev->arch = 0;
	ev->syscall = -1;
	ev->syscall_name = NULL;
	ev->success = -1;
	ev->exit = 0;
	memset(ev->a, 0, sizeof(ev->a));
	ev->pid = ev->ppid = ev->auid = ev->uid = ev->euid = ev->gid = -1;
	ev->ses = -1;
	buf_reset(&ev->comm);
	buf_reset(&ev->exe);
	buf_reset(&ev->key);
	buf_reset(&ev->cwd);
	for (i = 0; i < ev->npaths; i++) {
		buf_reset(&ev->paths[i].name);
		ev->paths[i].have_name = 0;
	}
	ev->npaths = 0;
	ev->oflag = 0;
	for (i = 0; i < EVENT_MAX_SESSIONS; i++) {
		struct ev_session *s = &ev->sessions[i];

		buf_reset(&s->op);
		buf_reset(&s->acct);
		buf_reset(&s->exe);
		buf_reset(&s->hostname);
		buf_reset(&s->addr);
		buf_reset(&s->terminal);
	}
	ev->nsessions = 0;
	ev->anomalies = 0;
	ev->nrecords = 0;
	ev->have_sockaddr = 0;
	ev->uring_op = -1;
	execve_free(&ev->x);
	execve_init(&ev->x, &lim);
}

void
event_free(struct event *ev)
{
	int i;

	event_reset(ev);
	buf_free(&ev->comm);
	buf_free(&ev->exe);
	buf_free(&ev->key);
	buf_free(&ev->cwd);
	for (i = 0; i < EVENT_MAX_PATHS; i++)
		buf_free(&ev->paths[i].name);
	for (i = 0; i < EVENT_MAX_SESSIONS; i++) {
		struct ev_session *s = &ev->sessions[i];

		buf_free(&s->op);
		buf_free(&s->acct);
		buf_free(&s->exe);
		buf_free(&s->hostname);
		buf_free(&s->addr);
		buf_free(&s->terminal);
	}
	execve_free(&ev->x);
}

int
event_parse_stamp(const char *rec, size_t len, char *time, size_t timesz,
    unsigned long long *serial)
{
	const char *p, *end = rec + len, *colon;
	unsigned long long v = 0;
	size_t n;
	int digits = 0;

	p = memmem(rec, len, "msg=audit(", 10);
	if (p == NULL)
		return -1;
	p += 10;
	colon = memchr(p, ':', (size_t)(end - p));
	if (colon == NULL || colon == p)
		return -1;
	n = (size_t)(colon - p);
	if (n >= timesz)
		return -1;
	for (const char *q = p; q < colon; q++)
		if ((*q < '0' || *q > '9') && *q != '.')
			return -1;
	memcpy(time, p, n);
	time[n] = '\0';
	for (p = colon + 1; p < end && *p >= '0' && *p <= '9'; p++) {
		if (++digits > 19)
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (digits == 0 || p >= end || *p != ')')
		return -1;
	*serial = v;
	return 0;
}

static unsigned long long
octnum(const char *s, int *ok)
{
	unsigned long long v;
	char *e;

	errno = 0;
	v = strtoull(s, &e, 8);
	*ok = errno == 0 && e != s && *e == '\0';
	return *ok ? v : 0;
}

/* Decimal or "-1"; -1 on failure too (which is what "unset" ids print). */
static long long
num(const char *s)
{
	long long v;
	char *e;

	if (s == NULL)
		return -1;
	errno = 0;
	v = strtoll(s, &e, 10);
	if (errno != 0 || e == s || *e != '\0')
		return -1;
	return v;
}

static unsigned long long
hexnum(const char *s, int *ok)
{
	unsigned long long v;
	char *e;

	errno = 0;
	v = strtoull(s, &e, 16);
	*ok = errno == 0 && e != s && *e == '\0';
	return *ok ? v : 0;
}

/* Decodes an untrusted string field into b (replacing what it held). */
static void
take_str(struct event *ev, struct buf *b, const char *val)
{
	buf_reset(b);
	if (auval_decode(val, strlen(val), b) == AUVAL_INVALID || b->over) {
		ev->anomalies++;
		if (b->over)
			b->over = 0;
		else
			buf_adds(b, val);	/* keep the raw text */
	}
}

/*
 * Takes a quoted name from the ENRICHED part of a record: KEY="value".
 * Returns a malloc'd string or NULL.
 */
static char *
interp_name(const char *interp, const char *key)
{
	size_t klen = strlen(key);
	const char *p = interp, *q;

	while (p != NULL && *p != '\0') {
		while (*p == ' ')
			p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == '=' &&
		    p[klen + 1] == '"') {
			p += klen + 2;
			q = strchr(p, '"');
			if (q == NULL || q - p > 256)
				return NULL;
			return strndup(p, (size_t)(q - p));
		}
		p = strchr(p, ' ');
	}
	return NULL;
}

static enum nametype
parse_nametype(const char *v)
{
	if (strcmp(v, "NORMAL") == 0)
		return NT_NORMAL;
	if (strcmp(v, "PARENT") == 0)
		return NT_PARENT;
	if (strcmp(v, "CREATE") == 0)
		return NT_CREATE;
	if (strcmp(v, "DELETE") == 0)
		return NT_DELETE;
	if (strcmp(v, "UNKNOWN") == 0)
		return NT_UNKNOWN;
	return NT_OTHER;
}

static void
add_syscall(struct event *ev, auparse_state_t *au)
{
	const char *interp;
	int ok, machine;

	ev->have_syscall = 1;
	do {
		const char *n = auparse_get_field_name(au);
		const char *v = auparse_get_field_str(au);

		if (n == NULL || v == NULL)
			continue;
		if (strcmp(n, "arch") == 0) {
			ev->arch = (unsigned long)hexnum(v, &ok);
		} else if (strcmp(n, "syscall") == 0) {
			ev->syscall = (long)num(v);
		} else if (strcmp(n, "success") == 0) {
			/* io_uring_enter's: the op's own is in URINGOP. */
			if (ev->uring_op < 0)
				ev->success = strcmp(v, "yes") == 0 ? 1 :
				    strcmp(v, "no") == 0 ? 0 : -1;
		} else if (strcmp(n, "exit") == 0) {
			if (ev->uring_op < 0)
				ev->exit = num(v);
		} else if (n[0] == 'a' && n[1] >= '0' && n[1] <= '3' &&
		    n[2] == '\0') {
			ev->a[n[1] - '0'] = hexnum(v, &ok);
		} else if (strcmp(n, "pid") == 0) {
			ev->pid = num(v);
		} else if (strcmp(n, "ppid") == 0) {
			ev->ppid = num(v);
		} else if (strcmp(n, "auid") == 0) {
			ev->auid = num(v);
		} else if (strcmp(n, "uid") == 0) {
			ev->uid = num(v);
		} else if (strcmp(n, "euid") == 0) {
			ev->euid = num(v);
		} else if (strcmp(n, "gid") == 0) {
			ev->gid = num(v);
		} else if (strcmp(n, "ses") == 0) {
			ev->ses = num(v);
		} else if (strcmp(n, "comm") == 0) {
			take_str(ev, &ev->comm, v);
		} else if (strcmp(n, "exe") == 0) {
			take_str(ev, &ev->exe, v);
			ev->have_exe = 1;
		} else if (strcmp(n, "key") == 0 &&
		    strcmp(v, "(null)") != 0) {
			take_str(ev, &ev->key, v);
		}
	} while (auparse_next_field(au) > 0);
	machine = audit_elf_to_machine((unsigned)ev->arch);
	if (machine >= 0 && ev->syscall >= 0)
		ev->syscall_name = audit_syscall_to_name((int)ev->syscall,
		    machine);
	if ((interp = auparse_get_record_interpretations(au)) != NULL) {
		free(ev->auid_name);
		free(ev->uid_name);
		ev->auid_name = interp_name(interp, "AUID");
		ev->uid_name = interp_name(interp, "UID");
	}
}

static void
add_execve(struct event *ev, auparse_state_t *au)
{
	ev->have_execve = 1;
	do {
		const char *n = auparse_get_field_name(au);
		const char *v = auparse_get_field_str(au);

		if (n == NULL || v == NULL)
			continue;
		execve_field(&ev->x, n, strlen(n), v, strlen(v));
	} while (auparse_next_field(au) > 0);
}

static void
add_path(struct event *ev, auparse_state_t *au)
{
	struct ev_path *p;

	if (ev->npaths >= EVENT_MAX_PATHS) {
		ev->anomalies++;
		return;
	}
	p = &ev->paths[ev->npaths++];
	p->item = -1;
	p->nametype = NT_UNSET;
	p->inode = 0;
	p->dev[0] = '\0';
	p->ouid = -1;
	p->mode = 0;
	p->have_name = 0;
	buf_reset(&p->name);
	do {
		const char *n = auparse_get_field_name(au);
		const char *v = auparse_get_field_str(au);

		if (n == NULL || v == NULL)
			continue;
		if (strcmp(n, "item") == 0)
			p->item = (long)num(v);
		else if (strcmp(n, "name") == 0) {
			take_str(ev, &p->name, v);
			/* name=(null): the kernel had no name for the item. */
			p->have_name = strcmp(v, "(null)") != 0;
		} else if (strcmp(n, "nametype") == 0)
			p->nametype = parse_nametype(v);
		else if (strcmp(n, "inode") == 0)
			p->inode = (unsigned long long)num(v);
		else if (strcmp(n, "dev") == 0 && strlen(v) < sizeof(p->dev))
			memcpy(p->dev, v, strlen(v) + 1);
		else if (strcmp(n, "ouid") == 0)
			p->ouid = num(v);
		else if (strcmp(n, "mode") == 0) {
			int ok;

			p->mode = (unsigned long)octnum(v, &ok);
		}
	} while (auparse_next_field(au) > 0);
}

/*
 * shadow's op= values have spaces ("op=changing home directory id=1001")
 * and auparse ends them at the first: take the words up to the next
 * "name=" from the record's text.
 */
static void
take_op_words(struct event *ev, struct buf *op, const char *text)
{
	const char *p = text != NULL ? strstr(text, "'op=") : NULL;
	const char *q, *w;

	if (p == NULL)		/* the op= inside msg='...' */
		return;
	p += 4;
	for (q = p; *q != '\0' && *q != '\''; q++) {
		if (*q != ' ')
			continue;
		for (w = q + 1; (*w >= 'a' && *w <= 'z') || *w == '-' ||
		    *w == '_'; w++)
			;
		if (*w == '=')
			break;
	}
	buf_reset(op);
	if (buf_add(op, p, (size_t)(q - p)) == -1 || op->over) {
		op->over = 0;
		ev->anomalies++;
	}
}

static void
add_session(struct event *ev, auparse_state_t *au, int type)
{
	struct ev_session *s;

	if (ev->nsessions >= EVENT_MAX_SESSIONS) {
		ev->anomalies++;
		return;
	}
	s = &ev->sessions[ev->nsessions++];
	s->type = type;
	s->pid = s->uid = s->auid = s->old_auid = s->ses = s->old_ses = -1;
	s->id = -1;
	s->success = -1;
	do {
		const char *n = auparse_get_field_name(au);
		const char *v = auparse_get_field_str(au);

		if (n == NULL || v == NULL)
			continue;
		if (strcmp(n, "pid") == 0)
			s->pid = num(v);
		else if (strcmp(n, "uid") == 0)
			s->uid = num(v);
		else if (strcmp(n, "auid") == 0)
			s->auid = num(v);
		else if (strcmp(n, "old-auid") == 0)
			s->old_auid = num(v);
		else if (strcmp(n, "ses") == 0)
			s->ses = num(v);
		else if (strcmp(n, "old-ses") == 0)
			s->old_ses = num(v);
		else if (strcmp(n, "id") == 0)
			s->id = num(v);
		else if (strcmp(n, "op") == 0)
			take_str(ev, &s->op, v);
		else if (strcmp(n, "acct") == 0)
			take_str(ev, &s->acct, v);
		else if (strcmp(n, "exe") == 0)
			take_str(ev, &s->exe, v);
		else if (strcmp(n, "hostname") == 0)
			take_str(ev, &s->hostname, v);
		else if (strcmp(n, "addr") == 0)
			take_str(ev, &s->addr, v);
		else if (strcmp(n, "terminal") == 0)
			take_str(ev, &s->terminal, v);
		else if (strcmp(n, "res") == 0)
			s->success = strcmp(v, "success") == 0 ||
			    strcmp(v, "1") == 0 ? 1 : 0;
	} while (auparse_next_field(au) > 0);
	if (type == AUDIT_USER_CHAUTHTOK)
		take_op_words(ev, &s->op, auparse_get_record_text(au));
}

/*
 * URINGOP: an io_uring op (uringop.h).  Its result replaces the one of an
 * io_uring_enter SYSCALL record of the same event; the ids fill in only
 * what that record did not give (they are the same task's).
 */
static void
add_uringop(struct event *ev, auparse_state_t *au)
{
	long long v;

	ev->have_syscall = 1;
	do {
		const char *n = auparse_get_field_name(au);
		const char *s = auparse_get_field_str(au);

		if (n == NULL || s == NULL)
			continue;
		v = num(s);
		if (strcmp(n, "uring_op") == 0) {
			ev->uring_op = v >= 0 && v < 256 ? (long)v : -1;
			if (ev->uring_op < 0)
				ev->anomalies++;
		} else if (strcmp(n, "success") == 0)
			ev->success = strcmp(s, "yes") == 0 ? 1 :
			    strcmp(s, "no") == 0 ? 0 : -1;
		else if (strcmp(n, "exit") == 0)
			ev->exit = v;
		else if (strcmp(n, "pid") == 0 && ev->pid < 0)
			ev->pid = v;
		else if (strcmp(n, "ppid") == 0 && ev->ppid < 0)
			ev->ppid = v;
		else if (strcmp(n, "auid") == 0 && ev->auid < 0)
			ev->auid = v;
		else if (strcmp(n, "uid") == 0 && ev->uid < 0)
			ev->uid = v;
		else if (strcmp(n, "euid") == 0 && ev->euid < 0)
			ev->euid = v;
		else if (strcmp(n, "gid") == 0 && ev->gid < 0)
			ev->gid = v;
		else if (strcmp(n, "key") == 0 && ev->key.len == 0 &&
		    strcmp(s, "(null)") != 0)
			take_str(ev, &ev->key, s);
	} while (auparse_next_field(au) > 0);
}

/* saddr= of a bind or connect (sockaddr.h); a bad one is an anomaly. */
static void
add_sockaddr(struct event *ev, auparse_state_t *au)
{
	do {
		const char *n = auparse_get_field_name(au);
		const char *v = auparse_get_field_str(au);

		if (n == NULL || v == NULL || strcmp(n, "saddr") != 0)
			continue;
		if (sockaddr_parse(v, strlen(v), &ev->sa) != NULL) {
			ev->anomalies++;
			ev->have_sockaddr = 0;
		} else
			ev->have_sockaddr = 1;
		return;
	} while (auparse_next_field(au) > 0);
}

int
event_add_auparse(struct event *ev, auparse_state_t *au)
{
	const char *node;

	if (auparse_first_record(au) <= 0)
		return -1;
	if (ev->nrecords == 0) {
		const char *text = auparse_get_record_text(au);

		if (text == NULL || event_parse_stamp(text, strlen(text),
		    ev->time, sizeof(ev->time), &ev->serial) == -1)
			ev->anomalies++;
		ev->first_type = auparse_get_type(au);
		/* auparse_get_node() returns a copy for us to free. */
		if ((node = auparse_get_node(au)) != NULL) {
			ev->node = strdup(node);
			free((void *)(uintptr_t)node);
		}
	}
	do {
		int type = auparse_get_type(au);

		ev->nrecords++;
		if (auparse_first_field(au) <= 0)
			continue;
		switch (type) {
		case AUDIT_SYSCALL:
			add_syscall(ev, au);
			break;
		case AUDIT_EXECVE:
			add_execve(ev, au);
			break;
		case AUDIT_CWD:
			do {
				const char *n = auparse_get_field_name(au);

				if (n != NULL && strcmp(n, "cwd") == 0) {
					take_str(ev, &ev->cwd,
					    auparse_get_field_str(au));
					ev->have_cwd = 1;
				}
			} while (auparse_next_field(au) > 0);
			break;
		case AUDIT_PATH:
			add_path(ev, au);
			break;
		case AUDIT_OPENAT2:
			do {
				const char *n = auparse_get_field_name(au);
				int ok;

				if (n != NULL && strcmp(n, "oflag") == 0) {
					const char *v =
					    auparse_get_field_str(au);

					/* The kernel logs it in octal. */
					ev->oflag = v != NULL ?
					    octnum(v, &ok) : 0;
					ev->have_oflag = v != NULL && ok;
				}
			} while (auparse_next_field(au) > 0);
			break;
		case AUDIT_SOCKADDR:
			add_sockaddr(ev, au);
			break;
		case AUDIT_URINGOP:
			add_uringop(ev, au);
			break;
		case AUDIT_LOGIN:
		case AUDIT_USER_LOGIN:
		case AUDIT_USER_START:
		case AUDIT_USER_END:
		case AUDIT_CRED_ACQ:
		case AUDIT_USER_AUTH:
		case AUDIT_ADD_USER:
		case AUDIT_USER_CHAUTHTOK:	/* usermod -d: accounts.h */
			add_session(ev, au, type);
			break;
		default:
			break;
		}
	} while (auparse_next_record(au) > 0);
	return 0;
}

void
event_finish(struct event *ev)
{
	if (ev->have_execve && execve_finish(&ev->x) == -1)
		ev->anomalies++;
}
