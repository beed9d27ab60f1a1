/*
 * sshchain: git's remote commands (see sshchain.h).
 */
#include "config.h"

#include <string.h>

#include "sshchain.h"

const char *
sshchain_git_service(const char *const *words, const size_t *lens, size_t n)
{
	static const char *const services[] = { "git-upload-pack",
	    "git-receive-pack", "git-upload-archive", "git upload-pack",
	    "git receive-pack", "git upload-archive", NULL };
	const char *w, *q;
	size_t len, i, sl;

	if (n != 1)
		return NULL;
	w = words[0];
	len = lens[0];
	for (i = 0; services[i] != NULL; i++) {
		sl = strlen(services[i]);
		if (len > sl + 3 && memcmp(w, services[i], sl) == 0 &&
		    w[sl] == ' ' && w[sl + 1] == '\'' && w[len - 1] == '\'')
			break;
	}
	if (services[i] == NULL)
		return NULL;
	/* The path between the quotes: no quote, backslash, control byte. */
	for (q = w + sl + 2; q < w + len - 1; q++)
		if (*q == '\'' || *q == '\\' || (unsigned char)*q < 0x20 ||
		    *q == 0x7f)
			return NULL;
	return services[i];
}
