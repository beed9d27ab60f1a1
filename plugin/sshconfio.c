/*
 * sshconfio: safe reads of client configuration files (see sshconfio.h).
 */
#include "config.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "safeopen.h"
#include "sshconfio.h"

int
sshconfio_read(void *arg, const char *path, char **data, size_t *len,
    const char **why)
{
	struct sshconfio *c = arg;
	int r;

	/* One byte over the cap, so that the parser sees and counts it. */
	r = safeopen_read(path, c->uid, 0, SSHCONF_MAX_BYTES + 1, data, len,
	    why);
	if (r == SAFEOPEN_ABSENT)
		return SSHCONF_READ_ABSENT;
	if (r != SAFEOPEN_OK) {
		c->refused++;
		return SSHCONF_READ_FAIL;
	}
	c->files_read++;
	return SSHCONF_READ_OK;
}

static int
io_glob(void *arg, const char *pattern, char ***names, const char **why)
{
	glob_t gl;
	char **v;
	size_t i, n;
	int r;

	(void)arg;
	*names = NULL;
	memset(&gl, 0, sizeof(gl));
	r = glob(pattern, 0, NULL, &gl);
	if (r == GLOB_NOMATCH)
		return 0;
	if (r != 0) {
		*why = "glob failed";
		return -1;
	}
	n = gl.gl_pathc > SSHCONF_MAX_GLOB ? SSHCONF_MAX_GLOB : gl.gl_pathc;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL) {
		globfree(&gl);
		*why = "out of memory";
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((v[i] = strdup(gl.gl_pathv[i])) == NULL)
			break;
	globfree(&gl);
	*names = v;
	return (int)i;
}

void
sshconfio_init(struct sshconf_io *io, struct sshconfio *arg, long long uid)
{
	memset(arg, 0, sizeof(*arg));
	arg->uid = uid;
	io->read = sshconfio_read;
	io->glob = io_glob;
	io->arg = arg;
}
