/*
 * gitssh: git's ssh transport told from a hop typed by hand (see
 * gitssh.h).
 */
#include "config.h"

#include <string.h>

#include "gitssh.h"
#include "path.h"

/* Bytes a remote shell reads as themselves, in names and paths. */
#define SAFE	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
		"0123456789/."

static const char *const git_services[] = { "git-upload-pack",
    "git-receive-pack", "git-upload-archive", NULL };
static const char *const git_parents[] = { "git", "git-upload-pack",
    "git-receive-pack", "git-upload-archive", "git-send-pack",
    "git-fetch-pack", NULL };
static const char *const shells[] = { "sh", "dash", "bash", NULL };

static int
in_list(const char *const *l, const char *s, size_t n)
{
	size_t i;

	for (i = 0; l[i] != NULL; i++)
		if (strlen(l[i]) == n && memcmp(l[i], s, n) == 0)
			return 1;
	return 0;
}

/* The process's program name: its exe's base name, else its comm. */
static const char *
prog_name(const struct proc *p, size_t *n)
{
	if (p->exe[0] != '\0')
		return path_base(p->exe, strlen(p->exe), n);
	*n = strlen(p->comm);
	return p->comm;
}

int
gitssh_is_git(const struct proc *p)
{
	const char *b;
	size_t n;

	if (p->source == PROC_SRC_GONE || p->source == PROC_SRC_REUSED)
		return 0;
	b = prog_name(p, &n);
	if (n == 0)
		return 0;
	return in_list(git_parents, b, n) ||
	    (n > 11 && memcmp(b, "git-remote-", 11) == 0);
}

static int
is_shell(const struct proc *p)
{
	const char *b;
	size_t n;

	if (p->source == PROC_SRC_GONE || p->source == PROC_SRC_REUSED)
		return 0;
	b = prog_name(p, &n);
	return n > 0 && in_list(shells, b, n);
}

/* A service name: a path of safe bytes whose base name is a service. */
static int
is_service(const char *s, size_t n)
{
	const char *b;
	size_t i, blen;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr(SAFE "_-", s[i]) == NULL || s[i] == '\0')
			return 0;
	b = path_base(s, n, &blen);
	return in_list(git_services, b, blen);
}

/*
 * Quoted as git's sq_quote_buf() writes: 'text' segments joined by \'
 * or \! (the quote and the bang it takes out of the quotes).
 */
static int
is_sq_quoted(const char *s, size_t n)
{
	const char *p = s, *end = s + n, *q;

	if (n < 2)
		return 0;
	for (;;) {
		if (p >= end || *p != '\'')
			return 0;
		if ((q = memchr(p + 1, '\'', (size_t)(end - p - 1))) == NULL)
			return 0;
		p = q + 1;
		if (p == end)
			return 1;
		if (end - p < 3 || p[0] != '\\' || (p[1] != '\'' &&
		    p[1] != '!'))
			return 0;
		p += 2;
	}
}

static int
is_plain_path(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr(SAFE "_~+-", s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}

int
gitssh_command(size_t nwords, const char *const *words)
{
	const char *sp;
	size_t n;

	if (nwords == 1) {
		/* git's own form: one word, "NAME 'PATH'". */
		n = strlen(words[0]);
		if ((sp = memchr(words[0], ' ', n)) == NULL)
			return 0;
		return is_service(words[0], (size_t)(sp - words[0])) &&
		    is_sq_quoted(sp + 1, n - (size_t)(sp - words[0]) - 1);
	}
	if (nwords == 2)
		return is_service(words[0], strlen(words[0])) &&
		    (is_sq_quoted(words[1], strlen(words[1])) ||
		    is_plain_path(words[1], strlen(words[1])));
	return 0;
}

const char *
gitssh_transport(const struct sshopt *so, size_t argc,
    const char *const *argv, const struct proc *const *anc, size_t nanc)
{
	int parent;

	if (so->prog != SSHPROG_SSH || so->reject != NULL ||
	    so->command_argi < 0 || (size_t)so->command_argi >= argc ||
	    nanc == 0)
		return NULL;
	parent = gitssh_is_git(anc[0]) ||
	    (nanc > 1 && is_shell(anc[0]) && gitssh_is_git(anc[1]));
	if (!parent || !gitssh_command(argc - (size_t)so->command_argi,
	    argv + so->command_argi))
		return NULL;
	return "git's ssh transport: the parent is git and the remote "
	    "command is a git service on one repository";
}
