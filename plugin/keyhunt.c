/*
 * keyhunt: key hunting and key generation rules (see keyhunt.h).
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libaudit.h>

#include "alert.h"
#include "framer.h"
#include "keyhunt.h"
#include "path.h"
#include "pathclass.h"
#include "rules.h"

static const char *const tags_hunt[] = { "key", "T1552.004", NULL };
static const char *const tags_keygen[] = { "key", "persistence",
    "T1098.004", NULL };

enum hprog { HP_NONE, HP_FIND, HP_LOCATE, HP_GREP, HP_RG, HP_ARCHIVE,
    HP_KEYGEN };

static const struct {
	const char	*name;
	enum hprog	 prog;
} progs[] = {
	{ "find", HP_FIND }, { "locate", HP_LOCATE }, { "mlocate", HP_LOCATE },
	{ "plocate", HP_LOCATE }, { "grep", HP_GREP }, { "egrep", HP_GREP },
	{ "fgrep", HP_GREP }, { "rgrep", HP_RG }, { "rg", HP_RG },
	{ "tar", HP_ARCHIVE }, { "zip", HP_ARCHIVE }, { "7z", HP_ARCHIVE },
	{ "7za", HP_ARCHIVE }, { "rsync", HP_ARCHIVE }, { "cp", HP_ARCHIVE },
	{ "ssh-keygen", HP_KEYGEN },
};

static enum hprog
prog_of(const char *exe, size_t n)
{
	size_t blen, i;
	const char *b = path_base(exe, n, &blen);

	if (blen == 0 || blen > 10)
		return HP_NONE;
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		if (progs[i].name[0] == b[0] && strlen(progs[i].name) == blen &&
		    memcmp(progs[i].name, b, blen) == 0)
			return progs[i].prog;
	return HP_NONE;
}

/* Markers per program, as text and as the kernel's upper-case hex. */
static const char *const mk_find[] = { "id_", "69645F", ".pem", "2E70656D",
    ".key", "2E6B6579", NULL };
static const char *const mk_grep[] = { "PRIVATE", "50524956415445", "BEGIN",
    "424547494E", NULL };
static const char *const mk_archive[] = { ".ssh", "2E737368", NULL };

int
keyhunt_gate(const char *exe, size_t n, const struct framer_event *fe)
{
	const char *const *mk;
	size_t i, j;

	switch (prog_of(exe, n)) {
	case HP_NONE:
		return 0;
	case HP_KEYGEN:
	case HP_LOCATE:
		return 1;
	case HP_FIND:
		mk = mk_find;
		break;
	case HP_GREP:
	case HP_RG:
		mk = mk_grep;
		break;
	default:
		mk = mk_archive;
		break;
	}
	if (fe == NULL)
		return 1;
	for (i = 0; i < fe->nrecs; i++) {
		const char *rec = fe->text + fe->recs[i].off;

		if (fe->recs[i].type != AUDIT_EXECVE)
			continue;
		for (j = 0; mk[j] != NULL; j++)
			if (memmem(rec, fe->recs[i].len, mk[j],
			    strlen(mk[j])) != NULL)
				return 1;
	}
	return 0;
}

/* A name a private key goes by (a find -name pattern or a plain name). */
static int
key_name(const char *s)
{
	static const char *const names[] = { "id_rsa", "id_dsa", "id_ecdsa",
	    "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk", "id_*", "*.pem",
	    "*.key", "*id_rsa*", "*id_ed25519*", "*id_ecdsa*", "*id_dsa*",
	    "id_*[!b]", NULL };
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(s, names[i]) == 0)
			return 1;
	/* A pattern the standard names match. */
	return fnmatch(s, "id_rsa", 0) == 0 || fnmatch(s, "id_ed25519", 0) ==
	    0 || strstr(s, "id_rsa") != NULL || strstr(s, "id_ed25519") !=
	    NULL || strstr(s, "id_ecdsa") != NULL || strstr(s, "id_dsa") !=
	    NULL;
}

static int
private_key_text(const char *s)
{
	return strstr(s, "PRIVATE KEY") != NULL ||
	    strstr(s, "BEGIN OPENSSH") != NULL ||
	    strstr(s, "BEGIN RSA") != NULL || strstr(s, "BEGIN EC") != NULL ||
	    strstr(s, "BEGIN DSA") != NULL;
}

static void
alert_init(const struct rules_ctx *rc, const struct event *ev,
    struct alert *a, const char *rule, enum severity sev,
    const char *const *tags)
{
	memset(a, 0, sizeof(*a));
	a->rule = rule;
	a->severity = sev;
	a->confidence = CONF_HIGH;
	a->tags = tags;
	a->ev = ev;
	a->file_dirfd = -1;
	a->truncated = ev->x.truncated;
	rules_enrich(rc, ev, a);
}

/*
 * Does argument s name another account's .ssh directory (or all of them)?
 * A single file in it is ssh-key-read's (rules.c), which sees the open.
 */
static int
foreign_ssh_dir(const struct rules_ctx *rc, const struct actor *ac,
    const char *s, struct buf *tmp)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		n--;
	if (n < 4 || memcmp(s + n - 4, ".ssh", 4) != 0 ||
	    (n > 4 && s[n - 5] != '/'))
		return 0;
	if (strstr(s, "/home/*/.ssh") != NULL || strstr(s, "*/.ssh") != NULL)
		return 1;
	buf_reset(tmp);
	if (pathclass_resolve(s, ac, rc->users, tmp) != 0 || tmp->len == 0)
		return 0;
	return pathclass_key(tmp->p, tmp->len, ac, rc->users) ==
	    KEYLOC_OTHER_HOME;
}

/* ssh-keygen options that do not make a key (ssh-keygen(1)). */
static int
keygen_query(const char *a)
{
	return a[0] == '-' && a[1] != '\0' &&
	    strchr("lyeiRFHsYLDQkrBpcAM", a[1]) != NULL;
}

static int
keygen_rule(const struct rules_ctx *rc, const struct event *ev,
    const struct actor *ac, alert_fn fn, void *ctx)
{
	static char match[512];
	struct alert a;
	struct buf path;
	const char *f = NULL;
	enum keyloc loc;
	enum severity sev;
	size_t i;
	int n = 0;

	for (i = 1; i < ev->x.out_argc; i++) {
		const char *s = ev->x.out_argv[i];

		if (keygen_query(s))
			return 0;
		if (strcmp(s, "-f") == 0 && i + 1 < ev->x.out_argc)
			f = ev->x.out_argv[++i];
		else if (strncmp(s, "-f", 2) == 0 && s[2] != '\0')
			f = s + 2;
	}
	if (f == NULL)
		return 0;	/* the default key in one's own ~/.ssh: silent */
	buf_init(&path, 2 * EVENT_MAX_FIELD + 2);
	if (pathclass_resolve(f, ac, rc->users, &path) != 0 || path.len == 0)
		goto out;
	loc = pathclass_key(path.p, path.len, ac, rc->users);
	if (loc == KEYLOC_OTHER_HOME || loc == KEYLOC_TEMP)
		sev = SEV_MEDIUM;
	else if (loc == KEYLOC_OWN_HOME)
		sev = SEV_LOW;
	else
		goto out;
	if (loc == KEYLOC_OWN_HOME && strstr(path.p, "/.ssh/") == NULL)
		goto out;
	alert_init(rc, ev, &a, "ssh-keygen-key", sev, tags_keygen);
	snprintf(match, sizeof(match), "-f %s", f);
	a.match[a.nmatch++] = match;
	a.keys[0].path = path.p;
	a.keys[0].loc = loc;
	a.nkeys = 1;
	fn(ctx, &a);
	n = 1;
 out:
	buf_free(&path);
	return n;
}

int
keyhunt_rules(const struct rules_ctx *rc, const struct event *ev,
    alert_fn fn, void *ctx)
{
	static char match[512];
	enum hprog p;
	struct actor ac;
	struct alert a;
	struct buf tmp;
	const char *why = NULL;
	size_t i;
	int recursive = 0, text = 0, n = 0;

	if (!ev->have_execve || !ev->have_exe || ev->success == 0 ||
	    (p = prog_of(ev->exe.p, ev->exe.len)) == HP_NONE)
		return 0;
	rules_actor_of(rc, ev, &ac);
	if (p == HP_KEYGEN)
		return keygen_rule(rc, ev, &ac, fn, ctx);
	buf_init(&tmp, 2 * EVENT_MAX_FIELD + 2);
	for (i = 1; i < ev->x.out_argc && why == NULL; i++) {
		const char *s = ev->x.out_argv[i];
		const char *next = i + 1 < ev->x.out_argc ?
		    ev->x.out_argv[i + 1] : NULL;

		switch (p) {
		case HP_FIND:
			if ((strcmp(s, "-name") == 0 || strcmp(s, "-iname") ==
			    0 || strcmp(s, "-path") == 0 || strcmp(s,
			    "-ipath") == 0 || strcmp(s, "-regex") == 0 ||
			    strcmp(s, "-iregex") == 0 || strcmp(s,
			    "-wholename") == 0) && next != NULL &&
			    key_name(path_base(next, strlen(next),
			    &(size_t){ 0 })))
				why = next;
			break;
		case HP_LOCATE:
			if (s[0] != '-' && key_name(s))
				why = s;
			break;
		case HP_GREP:
		case HP_RG:
			if (strcmp(s, "-r") == 0 || strcmp(s, "-R") == 0 ||
			    strcmp(s, "--recursive") == 0 ||
			    strcmp(s, "--dereference-recursive") == 0 ||
			    (s[0] == '-' && s[1] != '-' && strpbrk(s, "rR")))
				recursive = 1;
			if (private_key_text(s))
				text = 1;
			if (text && (recursive || p == HP_RG))
				why = "PRIVATE KEY";
			break;
		case HP_ARCHIVE:
			if (s[0] != '-' && foreign_ssh_dir(rc, &ac, s, &tmp))
				why = s;
			break;
		default:
			break;
		}
	}
	if (why != NULL) {
		alert_init(rc, ev, &a, "ssh-key-hunt", SEV_MEDIUM, tags_hunt);
		snprintf(match, sizeof(match), "%s", why);
		a.match[a.nmatch++] = match;
		fn(ctx, &a);
		n = 1;
	}
	buf_free(&tmp);
	return n;
}
