/*
 * akeys: authorized_keys parser, opener and fingerprint table (akeys.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "akeys.h"
#include "safeopen.h"

/* Does word look like a key type (the options field never does)? */
static int
is_keytype(const char *w, size_t n)
{
	static const char *const pre[] = { "ssh-", "ecdsa-", "sk-",
	    "rsa-sha2-", NULL };
	size_t i, k;

	for (i = 0; pre[i] != NULL; i++) {
		k = strlen(pre[i]);
		if (n > k && memcmp(w, pre[i], k) == 0)
			return 1;
	}
	return 0;
}

/*
 * The end of the options field starting at s: the first white space
 * outside quotes (sshd's sshauthopt_parse).  NULL when a quote is left
 * open.
 */
static const char *
options_end(const char *s, const char *end)
{
	int quoted = 0;

	for (; s < end; s++) {
		if (*s == '\\' && quoted && s + 1 < end && s[1] == '"') {
			s++;
			continue;
		}
		if (*s == '"')
			quoted = !quoted;
		else if (!quoted && (*s == ' ' || *s == '\t'))
			return s;
	}
	return quoted ? NULL : end;
}

static void
keep(char *dst, size_t dstsz, const char *s, size_t n, int *cut)
{
	if (n >= dstsz) {
		n = dstsz - 1;
		*cut = 1;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int
akeys_parse_line(const char *s, size_t n, struct akey *k, const char **why)
{
	static uint8_t blob[AKEYS_MAX_BLOB];
	const char *end = s + n, *w, *we, *b, *be, *oe;
	uint32_t tl;
	long bl;

	memset(k, 0, sizeof(*k));
	*why = NULL;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	if (s == end || *s == '#')
		return 0;
	if (memchr(s, '\0', (size_t)(end - s)) != NULL) {
		*why = "NUL byte";
		return -1;
	}
	/* The first word, within the line (the text is not NUL-ended). */
	w = s;
	we = w;
	while (we < end && *we != ' ' && *we != '\t')
		we++;
	if (!is_keytype(w, (size_t)(we - w))) {
		/* An options field first. */
		if ((oe = options_end(s, end)) == NULL) {
			*why = "unterminated quote in options";
			return -1;
		}
		keep(k->options, sizeof(k->options), s, (size_t)(oe - s),
		    &k->cut);
		w = oe;
		while (w < end && (*w == ' ' || *w == '\t'))
			w++;
		we = w;
		while (we < end && *we != ' ' && *we != '\t')
			we++;
		if (!is_keytype(w, (size_t)(we - w))) {
			*why = "no key type";
			return -1;
		}
	}
	if ((size_t)(we - w) >= sizeof(k->type)) {
		*why = "key type too long";
		return -1;
	}
	memcpy(k->type, w, (size_t)(we - w));
	k->type[we - w] = '\0';
	b = we;
	while (b < end && (*b == ' ' || *b == '\t'))
		b++;
	be = b;
	while (be < end && *be != ' ' && *be != '\t')
		be++;
	if (b == be || (bl = fpr_unbase64(b, (size_t)(be - b), blob,
	    sizeof(blob))) < 4) {
		*why = "key is not base64";
		return -1;
	}
	/* The blob starts with the type as an SSH string. */
	tl = (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 |
	    (uint32_t)blob[2] << 8 | blob[3];
	if ((long)tl > bl - 4 || tl != strlen(k->type) ||
	    memcmp(blob + 4, k->type, tl) != 0) {
		*why = "key blob does not match its type";
		return -1;
	}
	fpr_sha256(blob, (size_t)bl, k->digest);
	fpr_text(k->digest, k->fp);
	while (be < end && (*be == ' ' || *be == '\t'))
		be++;
	keep(k->comment, sizeof(k->comment), be, (size_t)(end - be), &k->cut);
	return 1;
}

size_t
akeys_parse(const char *text, size_t len,
    void (*fn)(void *arg, const struct akey *k), void *arg, unsigned *bad)
{
	const char *p = text, *end = text + len, *nl;
	struct akey k;
	const char *why;
	size_t n, keys = 0;
	unsigned line = 0;

	*bad = 0;
	if (len > AKEYS_MAX_BYTES)
		end = text + AKEYS_MAX_BYTES;
	while (p < end && keys < AKEYS_MAX_KEYS) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		if (n > AKEYS_MAX_LINE)
			(*bad)++;
		else if (akeys_parse_line(p, n, &k, &why) == 1) {
			k.line = line;
			fn(arg, &k);
			keys++;
		} else if (why != NULL)
			(*bad)++;
		p = nl != NULL ? nl + 1 : end;
	}
	return keys;
}

int
akeys_read(const char *path, long long uid, char **text, size_t *len,
    const char **why)
{
	int r;

	*text = NULL;
	*len = 0;
	r = safeopen_read(path, uid, SAFEOPEN_NOFOLLOW | SAFEOPEN_OWNED,
	    AKEYS_MAX_BYTES + 1, text, len, why);
	if (r != SAFEOPEN_OK)
		return r == SAFEOPEN_ABSENT ? 1 : -1;
	if (*len > AKEYS_MAX_BYTES) {
		free(*text);
		*text = NULL;
		*len = 0;
		*why = "over AKEYS_MAX_BYTES";
		return -1;
	}
	return 0;
}

struct akfile {
	char		*path;
	uint8_t		(*d)[FPR_SHA256_LEN];
	size_t		 n;
};

struct akeys {
	struct akfile		*f;
	size_t			 nf;
	size_t			 total;
	unsigned long long	 refused;
};

struct akeys *
akeys_new(void)
{
	return calloc(1, sizeof(struct akeys));
}

void
akeys_free(struct akeys *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nf; i++) {
		free(t->f[i].path);
		free(t->f[i].d);
	}
	free(t->f);
	free(t);
}

static struct akfile *
find(const struct akeys *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->nf; i++)
		if (strcmp(t->f[i].path, path) == 0)
			return &t->f[i];
	return NULL;
}

int
akeys_known(const struct akeys *t, const char *path)
{
	return find(t, path) != NULL;
}

size_t
akeys_files(const struct akeys *t)
{
	return t->nf;
}

unsigned long long
akeys_refused(const struct akeys *t)
{
	return t->refused;
}

static int
holds(const uint8_t (*d)[FPR_SHA256_LEN], size_t n, const uint8_t *x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memcmp(d[i], x, FPR_SHA256_LEN) == 0)
			return 1;
	return 0;
}

void
akeys_forget(struct akeys *t, const char *path,
    uint8_t (*removed)[FPR_SHA256_LEN], size_t maxrm, size_t *nrm)
{
	struct akfile *f = find(t, path);
	size_t i;

	*nrm = 0;
	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		if (*nrm < maxrm)
			memcpy(removed[*nrm], f->d[i], FPR_SHA256_LEN);
		(*nrm)++;
	}
	t->total -= f->n;
	free(f->path);
	free(f->d);
	*f = t->f[--t->nf];
}

int
akeys_update(struct akeys *t, const char *path,
    const uint8_t (*digests)[FPR_SHA256_LEN], size_t n, int *added,
    uint8_t (*removed)[FPR_SHA256_LEN], size_t maxrm, size_t *nrm)
{
	struct akfile *f = find(t, path), *nf;
	uint8_t (*d)[FPR_SHA256_LEN] = NULL;
	size_t i, had = f != NULL ? f->n : 0;

	*nrm = 0;
	for (i = 0; i < n; i++)
		added[i] = f == NULL || !holds((const uint8_t (*)[
		    FPR_SHA256_LEN])f->d, f->n, digests[i]);
	if (f != NULL)
		for (i = 0; i < f->n; i++) {
			if (holds(digests, n, f->d[i]))
				continue;
			if (*nrm < maxrm)
				memcpy(removed[*nrm], f->d[i], FPR_SHA256_LEN);
			(*nrm)++;
		}
	if (t->total - had + n > AKEYS_MAX_TOTAL ||
	    (f == NULL && t->nf >= AKEYS_MAX_FILES) ||
	    (n > 0 && (d = malloc(n * sizeof(*d))) == NULL)) {
		size_t ignore;
		uint8_t none[1][FPR_SHA256_LEN];

		t->refused++;
		if (f != NULL)
			akeys_forget(t, path, none, 0, &ignore);
		return -1;
	}
	if (n > 0)
		memcpy(d, digests, n * sizeof(*d));
	if (f == NULL) {
		char *p = strdup(path);

		if (p == NULL || (nf = realloc(t->f, (t->nf + 1) *
		    sizeof(*nf))) == NULL) {
			free(p);
			free(d);
			t->refused++;
			return -1;
		}
		t->f = nf;
		f = &t->f[t->nf++];
		f->path = p;
		f->d = NULL;
		f->n = 0;
	}
	free(f->d);
	t->total = t->total - f->n + n;
	f->d = d;
	f->n = n;
	return 0;
}
