/*
 * Helpers the fuzz harnesses share (fuzzutil.h).
 */
#include <config.h>

#include <auparse.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "auval.h"
#include "fuzzutil.h"
#include "json.h"
#include "record.h"
#include "rmw.h"

void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

struct jw {
	const char	*s;
	size_t		 n, i;
	json_visit_fn	 fn;
	void		*ctx;
	struct buf	 path;
	struct buf	 val;
	int		 depth;
};

static void
ws(struct jw *w)
{
	while (w->i < w->n && (w->s[w->i] == ' ' || w->s[w->i] == '\t' ||
	    w->s[w->i] == '\r' || w->s[w->i] == '\n'))
		w->i++;
}

/* A string literal at w->i: checks it and decodes it into w->val. */
static int
string(struct jw *w)
{
	size_t start;

	if (w->i >= w->n || w->s[w->i] != '"')
		return -1;
	start = ++w->i;
	for (;;) {
		unsigned char c;

		if (w->i >= w->n)
			return -1;
		c = (unsigned char)w->s[w->i];
		if (c == '"')
			break;
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (w->i + 1 >= w->n)
				return -1;
			if (w->s[w->i + 1] == 'u') {
				size_t k;

				for (k = 2; k < 6; k++)
					if (w->i + k >= w->n ||
					    strchr("0123456789abcdefABCDEF",
					    w->s[w->i + k]) == NULL ||
					    w->s[w->i + k] == '\0')
						return -1;
				w->i += 6;
				continue;
			}
			if (strchr("\"\\/bfnrt", w->s[w->i + 1]) == NULL ||
			    w->s[w->i + 1] == '\0')
				return -1;
			w->i += 2;
			continue;
		}
		w->i++;
	}
	if (!json_utf8_valid(w->s + start, w->i - start))
		return -1;
	buf_reset(&w->val);
	if (json_unescape(w->s + start, w->i - start, &w->val) == -1)
		return -1;
	w->i++;
	return 0;
}

static int value(struct jw *w);

/*
 * After a member of an object or array: puts the path back to mark and
 * reads the ',' before the next (returns 0) or the closing character
 * (returns 1).  -1 when it is neither.
 */
static int
member_end(struct jw *w, size_t mark, char close)
{
	w->path.len = mark;
	if (w->path.p != NULL)
		w->path.p[mark] = '\0';
	ws(w);
	if (w->i >= w->n)
		return -1;
	if (w->s[w->i] == close) {
		w->i++;
		return 1;
	}
	return w->s[w->i++] == ',' ? 0 : -1;
}

static int
object(struct jw *w)
{
	size_t mark = w->path.len;
	int rc;

	w->i++;
	ws(w);
	if (w->i < w->n && w->s[w->i] == '}') {
		w->i++;
		return 0;
	}
	for (;;) {
		ws(w);
		if (string(w) == -1)
			return -1;
		if (mark > 0)
			buf_addc(&w->path, '.');
		buf_add(&w->path, buf_str(&w->val), w->val.len);
		ws(w);
		if (w->i >= w->n || w->s[w->i++] != ':')
			return -1;
		if (value(w) == -1 || (rc = member_end(w, mark, '}')) == -1)
			return -1;
		if (rc == 1)
			return 0;
	}
}

static int
array(struct jw *w)
{
	size_t mark = w->path.len, k = 0;
	int rc;

	w->i++;
	ws(w);
	if (w->i < w->n && w->s[w->i] == ']') {
		w->i++;
		return 0;
	}
	for (;; k++) {
		buf_addf(&w->path, "[%zu]", k);
		if (value(w) == -1 || (rc = member_end(w, mark, ']')) == -1)
			return -1;
		if (rc == 1)
			return 0;
	}
}

static int
literal(struct jw *w, const char *lit)
{
	size_t l = strlen(lit);

	if (w->n - w->i < l || memcmp(w->s + w->i, lit, l) != 0)
		return -1;
	w->i += l;
	return 0;
}

static int
number(struct jw *w)
{
	size_t start = w->i;

	if (w->i < w->n && w->s[w->i] == '-')
		w->i++;
	if (w->i >= w->n || w->s[w->i] < '0' || w->s[w->i] > '9')
		return -1;
	if (w->s[w->i] == '0')
		w->i++;
	else
		while (w->i < w->n && w->s[w->i] >= '0' && w->s[w->i] <= '9')
			w->i++;
	if (w->i < w->n && w->s[w->i] == '.') {
		w->i++;
		if (w->i >= w->n || w->s[w->i] < '0' || w->s[w->i] > '9')
			return -1;
		while (w->i < w->n && w->s[w->i] >= '0' && w->s[w->i] <= '9')
			w->i++;
	}
	return w->i > start ? 0 : -1;
}

static int
value(struct jw *w)
{
	int rc;

	ws(w);
	if (w->i >= w->n || ++w->depth > 64)
		return -1;
	switch (w->s[w->i]) {
	case '{':
		rc = object(w);
		break;
	case '[':
		rc = array(w);
		break;
	case '"':
		if ((rc = string(w)) == 0 && w->fn != NULL)
			w->fn(w->ctx, buf_str(&w->path), buf_str(&w->val),
			    w->val.len);
		break;
	case 't':
		rc = literal(w, "true");
		break;
	case 'f':
		rc = literal(w, "false");
		break;
	case 'n':
		rc = literal(w, "null");
		break;
	default:
		rc = number(w);
		break;
	}
	w->depth--;
	return rc;
}

int
json_walk(const char *s, size_t n, json_visit_fn fn, void *ctx)
{
	struct jw w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.s = s;
	w.n = n;
	w.fn = fn;
	w.ctx = ctx;
	buf_init(&w.path, 4096);
	buf_init(&w.val, 16 << 20);
	buf_adds(&w.path, "");
	rc = value(&w);
	if (rc == 0 && w.i < w.n && w.s[w.i] == '\n')
		w.i++;
	if (rc == 0 && w.i != w.n)
		rc = -1;
	buf_free(&w.path);
	buf_free(&w.val);
	return rc;
}

int
audit_field(const char *record, const char *name, int interpret,
    struct buf *out)
{
	auparse_state_t *au;
	const char *v;
	char *line;
	int rc = -1;

	/* auparse reads a buffer's records only when a newline ends them. */
	if (asprintf(&line, "%s\n", record) == -1)
		return -1;
	if ((au = auparse_init(AUSOURCE_BUFFER, line)) == NULL) {
		free(line);
		return -1;
	}
	auparse_set_escape_mode(au, AUPARSE_ESC_RAW);
	if (auparse_next_event(au) == 1) {
		rc = 0;
		if (auparse_find_field(au, name) == NULL)
			goto out;
		if (interpret) {
			if ((v = auparse_interpret_field(au)) != NULL) {
				buf_adds(out, v);
				rc = 1;
			}
		} else if ((v = auparse_get_field_str(au)) != NULL) {
			/* "TEXT" or HEX, as auditd writes them; not (null). */
			enum auval_kind k = auval_decode(v, strlen(v), out);

			rc = (k == AUVAL_QUOTED || k == AUVAL_HEX) &&
			    !out->over ? 1 : -1;
		}
	}
out:
	auparse_destroy(au);
	free(line);
	return rc;
}

/* Every string of a JSON object, by path. */
/*
 * Every (path, value) of one alert's JSON.  Grown as needed: an alert of
 * an argv with thousands of arguments has as many pairs, and a pair left
 * out would read as an argument missing from the JSON.
 */
struct jpairs {
	size_t		 n, cap;
	char		**path;
	struct buf	*val;
};

static void
jcollect(void *ctx, const char *path, const char *s, size_t len)
{
	struct jpairs *jp = ctx;

	if (jp->n == jp->cap) {
		size_t ncap = jp->cap > 0 ? jp->cap * 2 : 512;

		if ((jp->path = realloc(jp->path, ncap * sizeof(*jp->path))) ==
		    NULL || (jp->val = realloc(jp->val, ncap *
		    sizeof(*jp->val))) == NULL)
			fuzz_fail("out of memory");
		jp->cap = ncap;
	}
	jp->path[jp->n] = strdup(path);
	buf_init(&jp->val[jp->n], 16 << 20);
	buf_add(&jp->val[jp->n], s, len);
	jp->n++;
}

static void
jpairs_free(struct jpairs *jp)
{
	size_t i;

	for (i = 0; i < jp->n; i++) {
		free(jp->path[i]);
		buf_free(&jp->val[i]);
	}
	free(jp->path);
	free(jp->val);
	jp->path = NULL;
	jp->val = NULL;
	jp->n = jp->cap = 0;
}

static const struct buf *
jget(const struct jpairs *jp, const char *path)
{
	size_t i;

	for (i = 0; i < jp->n; i++)
		if (jp->path[i] != NULL && strcmp(jp->path[i], path) == 0)
			return &jp->val[i];
	return NULL;
}

/*
 * The exact bytes the JSON gives for base (with [idx] when idx >= 0):
 * from the _hex sibling when there is one (returns 1), else the decoded
 * string (returns 2).  Returns 0 when there is neither.
 */
static int
jbytes(const struct jpairs *jp, const char *base, long idx, struct buf *out)
{
	char name[256], hexname[256];
	const struct buf *v;

	if (idx >= 0) {
		snprintf(name, sizeof(name), "%s[%ld]", base, idx);
		snprintf(hexname, sizeof(hexname), "%s_hex[%ld]", base, idx);
	} else {
		snprintf(name, sizeof(name), "%s", base);
		snprintf(hexname, sizeof(hexname), "%s_hex", base);
	}
	buf_reset(out);
	if ((v = jget(jp, hexname)) != NULL) {
		/* An array's _hex holds "" for an empty element. */
		if (v->len > 0 &&
		    auval_decode(buf_str(v), v->len, out) != AUVAL_HEX)
			fuzz_fail("%s: not hex", hexname);
		return 1;
	}
	if ((v = jget(jp, name)) == NULL)
		return 0;
	buf_add(out, buf_str(v), v->len);
	return 2;
}

static void
same(const char *what, const struct buf *got, const char *want, size_t n)
{
	if (got->len != n || memcmp(buf_str(got), want, n) != 0)
		fuzz_fail("%s: decoded %zu bytes, not the %zu encoded", what,
		    got->len, n);
}

/* A line alert_json() cut to fit (it returned 1) holds prefixes. */
static int json_cut;

static void
json_expect(const struct jpairs *jp, const char *base, long idx,
    const char *want, size_t n)
{
	struct buf got;
	int rc;

	buf_init(&got, 16 << 20);
	if ((rc = jbytes(jp, base, idx, &got)) == 0)
		fuzz_fail("json: no %s[%ld]", base, idx);
	if (json_cut && got.len < n) {
		/* (A U+FFFD for want's bytes is no prefix either.) */
		if (memcmp(buf_str(&got), want, got.len) != 0)
			fuzz_fail("json: cut %s is not a prefix", base);
		buf_free(&got);
		return;
	}
	/* Without a _hex sibling the string itself must be the bytes. */
	if (rc == 2 && !json_utf8_valid(want, n))
		fuzz_fail("json: %s is not UTF-8 and has no _hex", base);
	same(base, &got, want, n);
	buf_free(&got);
}

/* A record field: the whole value, or a prefix when name_len says cut. */
static void
record_expect(const char *line, const char *name, int interpretable,
    const char *want, size_t n)
{
	struct buf got, lenname;
	size_t keep = n;
	int rc;

	buf_init(&got, 1 << 20);
	buf_init(&lenname, 64);
	buf_addf(&lenname, "%s_len", name);
	if (audit_field(line, buf_str(&lenname), 1, &got) == 1) {
		keep = strtoul(buf_str(&got), NULL, 10);
		if (keep != n)
			fuzz_fail("record: %s=%zu, not %zu", buf_str(&lenname),
			    keep, n);
		buf_reset(&got);
		if (audit_field(line, name, 0, &got) != 1 || got.len >= n ||
		    memcmp(got.p, want, got.len) != 0)
			fuzz_fail("record: cut %s is not a prefix", name);
		goto out;
	}
	buf_reset(&got);
	if ((rc = audit_field(line, name, 0, &got)) != 1)
		fuzz_fail("record: %s: %s", name, rc == 0 ? "missing" :
		    "does not parse");
	same(name, &got, want, n);
	/* ausearch -i's view, where a C string can hold the bytes. */
	if (interpretable && memchr(want, '\0', n) == NULL) {
		buf_reset(&got);
		if (audit_field(line, name, 1, &got) != 1)
			fuzz_fail("record: auparse cannot interpret %s", name);
		same(name, &got, want, n);
	}
out:
	buf_free(&got);
	buf_free(&lenname);
}

int
record_tokens_ok(const char *line, char *why, size_t whysz)
{
	const char *p = line, *sp;
	int in_msg = 0, types = 0, results = 0;

	while (*p != '\0') {
		const char *t = p, *eq, *end;
		size_t k;

		sp = strchr(p, ' ');
		end = sp != NULL ? sp : p + strlen(p);
		p = sp != NULL ? sp + 1 : end;
		if (end - t >= 10 && strncmp(t, "msg=audit(", 10) == 0)
			continue;
		if (end - t >= 5 && strncmp(t, "msg='", 5) == 0) {
			if (in_msg++) {
				snprintf(why, whysz, "a second msg='");
				return -1;
			}
			t += 5;
		}
		if (in_msg && end > t && end[-1] == '\'' && *p == '\0')
			end--;
		if ((eq = memchr(t, '=', end - t)) == NULL || eq == t) {
			snprintf(why, whysz, "not name=value: %.*s",
			    (int)(end - t), t);
			return -1;
		}
		for (k = 0; t + k < eq; k++)
			if (strchr("abcdefghijklmnopqrstuvwxyz_", t[k]) == NULL) {
				snprintf(why, whysz, "odd name: %.*s",
				    (int)(eq - t), t);
				return -1;
			}
		types += eq - t == 4 && strncmp(t, "type", 4) == 0;
		results += eq - t == 3 && strncmp(t, "res", 3) == 0;
		eq++;
		if (eq < end && *eq == '"') {
			/* "TEXT": nothing in it that ends or splits a value. */
			if (end - eq < 2 || end[-1] != '"' ||
			    memchr(eq + 1, '"', end - eq - 2) != NULL ||
			    memchr(eq + 1, '\'', end - eq - 2) != NULL) {
				snprintf(why, whysz, "bad quoted value: %.*s",
				    (int)(end - t), t);
				return -1;
			}
		} else if (memchr(eq, '"', end - eq) != NULL ||
		    memchr(eq, '\'', end - eq) != NULL ||
		    memchr(eq, '=', end - eq) != NULL) {
			snprintf(why, whysz, "bad bare value: %.*s",
			    (int)(end - t), t);
			return -1;
		}
	}
	if (types != 1 || results != 1) {
		snprintf(why, whysz, "%d type= and %d res= fields", types,
		    results);
		return -1;
	}
	return 0;
}

void
fuzz_check_alert(const struct alert *a)
{
	const struct event *ev = a->ev;
	struct jpairs *jp;
	struct buf js, body, line, cmd, got;
	struct timespec ts = { 1795820629, 395000000 };
	size_t i, nl;
	char name[64], why[256];

	/* JSON: one line, valid, every string back to its bytes. */
	buf_init(&js, 4 << 20);
	if ((json_cut = alert_json(a, &js)) == -1)
		goto record;
	if (json_cut && strstr(js.p, ",\"truncated\":true}\n") == NULL)
		fuzz_fail("json: cut, but truncated is not true");
	nl = 0;
	for (i = 0; i < js.len; i++)
		nl += js.p[i] == '\n';
	if (nl != 1 || js.p[js.len - 1] != '\n')
		fuzz_fail("json: %zu newlines in one alert", nl);
	if ((jp = calloc(1, sizeof(*jp))) == NULL)
		fuzz_fail("out of memory");
	if (json_walk(js.p, js.len, jcollect, jp) == -1)
		fuzz_fail("json: not one JSON value: %.200s", js.p);
	if (strcmp(buf_str(jget(jp, "rule")), a->rule) != 0)
		fuzz_fail("json: rule changed");
	if (ev->have_exe)
		json_expect(jp, "process.exe", -1, buf_str(&ev->exe),
		    ev->exe.len);
	if (ev->have_cwd)
		json_expect(jp, "process.cwd", -1, buf_str(&ev->cwd),
		    ev->cwd.len);
	if (ev->have_execve)
		for (i = 0; i < ev->x.out_argc; i++)
			json_expect(jp, "process.argv", (long)i,
			    ev->x.out_argv[i], ev->x.out_len[i]);
	for (i = 0; i < a->nmatch; i++)
		json_expect(jp, "match", (long)i, a->match[i],
		    strlen(a->match[i]));
	if (a->program != SSHPROG_NONE && a->destination_host != NULL) {
		json_expect(jp, "destination.host", -1, a->destination_host,
		    strlen(a->destination_host));
		if (a->destination_user != NULL)
			json_expect(jp, "destination.user", -1,
			    a->destination_user, strlen(a->destination_user));
	}
	for (i = 0; i < a->nkeys; i++) {
		snprintf(name, sizeof(name), "keys[%zu].path", i);
		json_expect(jp, name, -1, a->keys[i].path,
		    strlen(a->keys[i].path));
	}
	if (a->file_path != NULL)
		json_expect(jp, "file.path", -1, a->file_path,
		    a->file_pathlen);
	jpairs_free(jp);
	free(jp);

record:
	/* The audit record: one line of printable ASCII that auparse reads
	 * back field by field, with nothing forged. */
	buf_init(&body, 1 << 20);
	buf_init(&line, 1 << 20);
	buf_init(&cmd, 4 << 20);
	buf_init(&got, 1 << 20);
	if (record_body(a, &body) == -1)
		fuzz_fail("record: body over %d bytes", RECORD_MAX_BODY);
	if (record_remote_ids(ev->node, record_type(a), &ts, 7, ev->pid,
	    ev->uid, ev->auid, ev->ses, buf_str(&body), &line) == -1)
		fuzz_fail("record: no room");
	if (line.len > RMW_MAX_PAYLOAD)
		fuzz_fail("record: %zu bytes, over one message", line.len);
	for (i = 0; i < line.len; i++)
		if ((unsigned char)line.p[i] < 0x20 ||
		    (unsigned char)line.p[i] > 0x7e)
			fuzz_fail("record: byte 0x%02x at %zu",
			    (unsigned char)line.p[i], i);
	if (record_tokens_ok(buf_str(&line), why, sizeof(why)) == -1)
		fuzz_fail("record: %s", why);
	if (audit_field(buf_str(&line), "rule", 1, &got) != 1 ||
	    strcmp(buf_str(&got), a->rule) != 0)
		fuzz_fail("record: rule is \"%s\": %s", buf_str(&got), line.p);
	buf_reset(&got);
	if (audit_field(buf_str(&line), "res", 1, &got) != 1 ||
	    strcmp(buf_str(&got), "success") != 0)
		fuzz_fail("record: res is \"%s\": %s", buf_str(&got), line.p);
	if (ev->have_exe)
		record_expect(buf_str(&line), "exe", 1, buf_str(&ev->exe),
		    ev->exe.len);
	if (a->destination_host != NULL)
		record_expect(buf_str(&line), "dest", 0, a->destination_host,
		    strlen(a->destination_host));
	if (a->file_path != NULL)
		record_expect(buf_str(&line), "path", 1, a->file_path,
		    a->file_pathlen);
	if (a->file_path != NULL && a->file_owner != NULL)
		record_expect(buf_str(&line), "acct", 0, a->file_owner,
		    strlen(a->file_owner));
	if (ev->have_execve) {
		for (i = 0; i < ev->x.out_argc; i++) {
			if (i > 0)
				buf_addc(&cmd, ' ');
			buf_add(&cmd, ev->x.out_argv[i], ev->x.out_len[i]);
		}
		record_expect(buf_str(&line), "cmd", 1, buf_str(&cmd), cmd.len);
	}
	buf_free(&js);
	buf_free(&body);
	buf_free(&line);
	buf_free(&cmd);
	buf_free(&got);
}
