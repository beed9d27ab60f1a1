/*
 * alert: JSON and text forms of an alert (see alert.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "alert.h"
#include "filter.h"
#include "json.h"

const char *
severity_name(enum severity s)
{
	static const char *const n[] = { "info", "low", "medium", "high",
	    "critical" };

	return (unsigned)s <= SEV_CRITICAL ? n[s] : "?";
}

const char *
confidence_name(enum confidence c)
{
	static const char *const n[] = { "low", "medium", "high" };

	return (unsigned)c <= CONF_HIGH ? n[c] : "?";
}

/*
 * Untrusted input can make an alert's JSON longer than its line may be:
 * 1 MiB of argv in control bytes takes 6 MiB as \u00XX, 2 MiB more in
 * the _hex twin.  Rather than lose such an alert, alert_json() writes it
 * again with every string cut to its first jcap bytes, jcap as large as
 * fits, and says "truncated":true.  jcap is SIZE_MAX otherwise; jcut
 * notes a cut.  (Not reentrant: alerts are written by one thread.)
 */
static size_t jcap = SIZE_MAX;
static int jcut;

/* Bytes of an n-byte string to write. */
static size_t
jlen(size_t n)
{
	if (n <= jcap)
		return n;
	jcut = 1;
	return jcap;
}

/*
 * Writes the value of "key" (already written); when it is not valid
 * UTF-8 also ,"key_hex":"EXACT BYTES" so that nothing is lost.
 */
static void
jvalue_str(struct buf *b, const char *key, const char *s, size_t n)
{
	n = jlen(n);
	if (json_str(b, s, n) == 1) {
		buf_addf(b, ",\"%s_hex\":", key);
		json_hex(b, s, n);
	}
}

/* Writes ,"key":"value" and, when it is not UTF-8, its _hex sibling. */
static void
jfield_str(struct buf *b, const char *key, const char *s, size_t n)
{
	buf_addf(b, ",\"%s\":", key);
	jvalue_str(b, key, s, n);
}

/* The first field of an object: no comma before it. */
static void
jfield_first(struct buf *b, const char *key, const char *s)
{
	buf_addf(b, "\"%s\":", key);
	jvalue_str(b, key, s, strlen(s));
}

static void
jfield_cstr(struct buf *b, const char *key, const char *s)
{
	if (s == NULL)
		buf_addf(b, ",\"%s\":null", key);
	else
		jfield_str(b, key, s, strlen(s));
}

static void
jfield_num(struct buf *b, const char *key, long long v)
{
	if (v < 0)
		buf_addf(b, ",\"%s\":null", key);
	else
		buf_addf(b, ",\"%s\":%lld", key, v);
}

static void
jfield_buf(struct buf *b, const char *key, int have, const struct buf *v)
{
	if (!have)
		buf_addf(b, ",\"%s\":null", key);
	else
		jfield_str(b, key, buf_str(v), v->len);
}

/*
 * "key":[...] of n strings (lengths in lens, or strlen when NULL) and, if
 * any element is not UTF-8, "key_hex":[...] with the exact bytes.
 */
static void
jfield_array(struct buf *b, const char *key, const char *const *v,
    const size_t *lens, size_t n)
{
	size_t i;
	int lossy = 0;

	buf_addf(b, ",\"%s\":[", key);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		if (json_str(b, v[i], jlen(lens ? lens[i] : strlen(v[i]))) ==
		    1)
			lossy = 1;
	}
	buf_addc(b, ']');
	if (!lossy)
		return;
	buf_addf(b, ",\"%s_hex\":[", key);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		json_hex(b, v[i], jlen(lens ? lens[i] : strlen(v[i])));
	}
	buf_addc(b, ']');
}

static void
jfield_strs(struct buf *b, const char *key, const char *const *v, size_t n)
{
	jfield_array(b, key, v, NULL, n);
}

static void
jfield_argv(struct buf *b, const struct event *ev)
{
	jfield_array(b, "argv", ev->x.out_argv, ev->x.out_len,
	    ev->x.out_argc);
}

static void
jprocess(struct buf *b, const struct event *ev)
{
	buf_adds(b, ",\"process\":{");
	buf_addf(b, "\"pid\":");
	if (ev->pid < 0)
		buf_adds(b, "null");
	else
		buf_addf(b, "%lld", ev->pid);
	jfield_num(b, "ppid", ev->ppid);
	jfield_num(b, "auid", ev->auid);
	jfield_num(b, "uid", ev->uid);
	jfield_num(b, "ses", ev->ses);
	jfield_cstr(b, "auser", ev->auid_name);
	jfield_cstr(b, "user", ev->uid_name);
	jfield_buf(b, "comm", ev->have_syscall, &ev->comm);
	jfield_buf(b, "exe", ev->have_exe, &ev->exe);
	if (ev->have_execve)
		jfield_argv(b, ev);
	else
		buf_adds(b, ",\"argv\":null");
	jfield_buf(b, "cwd", ev->have_cwd, &ev->cwd);
	/* The audit rule key, for reference only: no rule depends on it. */
	jfield_buf(b, "key", ev->have_syscall && ev->key.len > 0 &&
	    strcmp(buf_str(&ev->key), "(null)") != 0, &ev->key);
	buf_addc(b, '}');
}

/* Appends a as one JSON line, strings cut to jcap.  -1 when out is full. */
static int
json_line(const struct alert *a, struct buf *out)
{
	const struct event *ev = a->ev;
	size_t i, start = out->len, plen;

	buf_adds(out, "{\"time\":");
	json_str(out, ev->time, strlen(ev->time));
	buf_addf(out, ",\"serial\":%llu", ev->serial);
	jfield_cstr(out, "node", ev->node);
	jfield_cstr(out, "rule", a->rule);
	jfield_cstr(out, "severity", severity_name(a->severity));
	jfield_cstr(out, "confidence", confidence_name(a->confidence));
	buf_adds(out, ",\"tags\":[");
	for (i = 0; a->tags[i] != NULL; i++) {
		if (i > 0)
			buf_addc(out, ',');
		json_str(out, a->tags[i], strlen(a->tags[i]));
	}
	buf_addc(out, ']');
	jfield_strs(out, "match", a->match, a->nmatch);
	if (a->program != SSHPROG_NONE) {
		jfield_cstr(out, "program", sshprog_name(a->program));
		if (a->destination_host != NULL) {
			buf_adds(out, ",\"destination\":{");
			jfield_first(out, "host", a->destination_host);
			jfield_cstr(out, "user", a->destination_user);
			buf_addc(out, '}');
		}
	}
	if (a->nkeys > 0) {
		buf_adds(out, ",\"keys\":[");
		for (i = 0; i < a->nkeys; i++) {
			buf_adds(out, i > 0 ? ",{" : "{");
			jfield_first(out, "path", a->keys[i].path);
			jfield_cstr(out, "location",
			    keyloc_name(a->keys[i].loc));
			buf_addc(out, '}');
		}
		buf_addc(out, ']');
	}
	jprocess(out, ev);
	if (a->file_path != NULL) {
		buf_adds(out, ",\"file\":{\"path\":");
		plen = jlen(a->file_pathlen);
		if (json_str(out, a->file_path, plen) == 1) {
			buf_adds(out, ",\"path_hex\":");
			json_hex(out, a->file_path, plen);
		}
		buf_addf(out, ",\"resolved\":%s",
		    a->file_resolved ? "true" : "false");
		if (!a->file_resolved && a->file_dirfd >= 0)
			buf_addf(out, ",\"dirfd\":%lld", a->file_dirfd);
		if (a->file_target != NULL)
			jfield_cstr(out, "target", a->file_target);
		if (a->file_owner != NULL)
			jfield_cstr(out, "owner", a->file_owner);
		jfield_cstr(out, "operation", a->file_op);
		jfield_cstr(out, "syscall", ev->syscall_name);
		buf_addc(out, '}');
	}
	if (a->nanc > 0) {
		buf_adds(out, ",\"ancestry\":[");
		for (i = 0; i < a->nanc && i < ALERT_SHOW_ANC; i++) {
			const struct proc *p = a->anc[i];

			buf_addf(out, "%s{\"pid\":%lld", i > 0 ? "," : "",
			    p->pid);
			jfield_cstr(out, "exe", p->exe);
			jfield_cstr(out, "argv", p->argv);
			if (p->cut)
				buf_adds(out, ",\"cut\":true");
			/* Which source: an exec record, or /proc (procfs.h). */
			jfield_cstr(out, "source", p->from_proc ? "proc" :
			    "exec");
			buf_addc(out, '}');
		}
		buf_addc(out, ']');
	}
	if (a->session != NULL) {
		const struct session *se = a->session;

		buf_addf(out, ",\"session\":{\"id\":%lld", se->ses);
		jfield_cstr(out, "account", se->acct);
		jfield_cstr(out, "from", se->addr);
		jfield_cstr(out, "start", se->start);
		buf_addf(out, ",\"ended\":%s}", se->ended ? "true" : "false");
	}
	if (a->via != NULL)
		jfield_cstr(out, "via", a->via);
	if (a->note != NULL)
		jfield_cstr(out, "note", a->note);
	if (a->allowed_by != NULL) {
		buf_adds(out, ",\"suppressed\":true");
		jfield_cstr(out, "allowed_by", a->allowed_by);
	}
	buf_addf(out, ",\"truncated\":%s}\n", a->truncated || jcut ? "true" :
	    "false");
	return buf_end_record(out, start);
}

/* Writes a's line again from start, every string cut to cap bytes. */
static int
json_cut_line(const struct alert *a, struct buf *out, size_t start,
    size_t cap)
{
	out->len = start;
	out->over = 0;
	if (out->p != NULL)
		out->p[start] = '\0';
	jcap = cap;
	jcut = 0;
	return json_line(a, out);
}

int
alert_json(const struct alert *a, struct buf *out)
{
	size_t start = out->len, lo = 0, hi, mid;
	int r;

	jcap = SIZE_MAX;
	jcut = 0;
	if (json_line(a, out) == 0)
		return 0;
	/*
	 * Too long: the largest cap on the bytes of every string with which
	 * the line fits, by bisection (some twenty tries of at most a line
	 * each, for hostile input only), then the line with it.
	 */
	hi = out->max - start;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (json_cut_line(a, out, start, mid) == 0)
			lo = mid;
		else
			hi = mid;
	}
	r = json_cut_line(a, out, start, lo);
	jcap = SIZE_MAX;
	jcut = 0;
	return r == 0 ? 1 : -1;
}

/* Appends s[0..n) with control and non-ASCII bytes, spaces, '\' as \xNN. */
static void
text_escaped(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '\\') {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 0xf] };

			buf_add(b, e, 4);
		} else
			buf_addc(b, c);
	}
}

int
alert_text(const struct alert *a, struct buf *out)
{
	const struct event *ev = a->ev;
	size_t i, start = out->len;

	buf_addf(out, "%s:%llu ", ev->time, ev->serial);
	if (ev->node != NULL) {
		buf_adds(out, "node=");
		text_escaped(out, ev->node, strlen(ev->node));
		buf_addc(out, ' ');
	}
	buf_addf(out, "%s %s/%s", a->rule, severity_name(a->severity),
	    confidence_name(a->confidence));
	for (i = 0; a->tags[i] != NULL; i++)
		buf_addf(out, "%s%s", i == 0 ? " [" : ",", a->tags[i]);
	buf_adds(out, "] pid=");
	buf_addf(out, "%lld uid=%lld auid=%lld", ev->pid, ev->uid, ev->auid);
	if (ev->have_exe) {
		buf_adds(out, " exe=");
		text_escaped(out, ev->exe.p, ev->exe.len);
	}
	if (a->file_path != NULL) {
		buf_addf(out, " %s ", a->file_op);
		text_escaped(out, a->file_path, a->file_pathlen);
	}
	if (a->nmatch > 0) {
		buf_adds(out, " match:");
		for (i = 0; i < a->nmatch; i++) {
			buf_addc(out, ' ');
			text_escaped(out, a->match[i], strlen(a->match[i]));
		}
	}
	if (ev->have_execve && ev->x.out_argc > 0) {
		buf_adds(out, " argv:");
		for (i = 0; i < ev->x.out_argc; i++) {
			buf_addc(out, ' ');
			text_escaped(out, ev->x.out_argv[i], ev->x.out_len[i]);
		}
	}
	if (a->nanc > 0) {
		buf_adds(out, " parents:");
		for (i = 0; i < a->nanc && i < ALERT_SHOW_ANC; i++) {
			buf_addc(out, ' ');
			text_escaped(out, a->anc[i]->exe,
			    strlen(a->anc[i]->exe));
		}
	}
	if (a->session != NULL) {
		buf_adds(out, " session-from: ");
		text_escaped(out, a->session->addr,
		    strlen(a->session->addr));
	}
	if (a->truncated)
		buf_adds(out, " (truncated)");
	buf_addc(out, '\n');
	return buf_end_record(out, start);
}

int
alert_repeat_json(const struct repeat *r, struct buf *out)
{
	size_t i, start = out->len;

	buf_adds(out, "{\"time\":");
	json_str(out, r->last_time, strlen(r->last_time));
	buf_addf(out, ",\"serial\":%llu", r->last_serial);
	if (r->node[0] != '\0')
		jfield_cstr(out, "node", r->node);
	else
		buf_adds(out, ",\"node\":null");
	jfield_cstr(out, "rule", r->rule);
	jfield_cstr(out, "severity", severity_name(r->severity));
	jfield_cstr(out, "confidence", confidence_name(r->confidence));
	buf_adds(out, ",\"tags\":[");
	for (i = 0; r->tags[i] != NULL; i++) {
		if (i > 0)
			buf_addc(out, ',');
		json_str(out, r->tags[i], strlen(r->tags[i]));
	}
	buf_addf(out, "],\"repeat\":{\"count\":%llu,\"sent\":%llu,"
	    "\"window\":%d,\"first\":{\"time\":", r->suppressed, r->passed,
	    r->window);
	json_str(out, r->first_time, strlen(r->first_time));
	buf_addf(out, ",\"serial\":%llu},\"last\":{\"time\":",
	    r->first_serial);
	json_str(out, r->last_time, strlen(r->last_time));
	buf_addf(out, ",\"serial\":%llu}}", r->last_serial);
	buf_adds(out, ",\"process\":{\"pid\":");
	if (r->pid < 0)
		buf_adds(out, "null");
	else
		buf_addf(out, "%lld", r->pid);
	jfield_num(out, "auid", r->auid);
	jfield_num(out, "uid", r->uid);
	jfield_num(out, "ses", r->ses);
	jfield_cstr(out, "exe", r->exe);
	buf_adds(out, "}}\n");
	return buf_end_record(out, start);
}

int
alert_repeat_text(const struct repeat *r, struct buf *out)
{
	size_t start = out->len;

	buf_addf(out, "%s:%llu ", r->last_time, r->last_serial);
	buf_addf(out, "%s repeated %llu more times after %s:%llu (window "
	    "%d s) uid=%lld auid=%lld exe=", r->rule, r->suppressed,
	    r->first_time, r->first_serial, r->window, r->uid, r->auid);
	text_escaped(out, r->exe, strlen(r->exe));
	buf_addc(out, '\n');
	return buf_end_record(out, start);
}
