/*
 * sshconf_cli: prints what sshconf and sshopt make of an ssh argv and the
 * configuration it reads, for the differential test against the real ssh
 * (sshconf_oracle.sh).
 *
 * usage: sshconf_cli VERSION ARGV...   (ARGV[0] is the program name)
 * The files are read from this host as the account running the command
 * (sshconfio.h).  Output as sshopt_cli's: "finds: KIND..." (sorted,
 * unique), "reject: 0|1", then "unsure: N", "unreadable: N".
 */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sshconf.h"
#include "sshconfio.h"
#include "sshopt.h"

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
main(int argc, char **argv)
{
	const char *names[256];
	struct sshconf_query q;
	struct sshconf_io io;
	struct sshconfio cio;
	struct sshconf sc;
	struct sshopt so;
	struct passwd *pw;
	size_t i, n = 0, ac;
	const char *const *av;
	int version;

	if (argc < 3) {
		fprintf(stderr, "usage: sshconf_cli VERSION ARGV...\n");
		return 2;
	}
	if ((version = sshopt_version_parse(argv[1])) == -1 ||
	    (pw = getpwuid(getuid())) == NULL)
		return 2;
	ac = (size_t)(argc - 2);
	av = (const char *const *)argv + 2;
	sshopt_parse(&so, SSHPROG_SSH, version, ac, av);
	memset(&sc, 0, sizeof(sc));
	if (so.host != NULL) {
		memset(&q, 0, sizeof(q));
		q.host = so.host;
		q.user = so.user;
		q.hostname = so.hostname;
		q.version = version;
		q.localuser = pw->pw_name;
		q.home = pw->pw_dir;
		q.config = so.config_file;
		sshconfio_init(&io, &cio, (long long)getuid());
		sshconf_collect(&sc, &q, &io);
		sshopt_free(&so);
		sshopt_parse_conf(&so, SSHPROG_SSH, version, ac, av, sc.lines,
		    sc.nlines);
	}
	for (i = 0; i < so.nfinds && n < 256; i++)
		names[n++] = sshfind_name(so.finds[i].kind);
	qsort(names, n, sizeof(*names), cmp);
	printf("finds:");
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			printf(" %s", names[i]);
	printf("\nreject: %d\nunsure: %u\nunreadable: %u\n",
	    so.reject != NULL, sc.unsure, sc.unreadable);
	sshopt_free(&so);
	sshconf_free(&sc);
	return 0;
}
