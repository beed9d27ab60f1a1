/*
 * sshopt_cli: prints what sshopt makes of an argv, for the differential
 * test against the real ssh (sshopt_oracle.sh).
 *
 * usage: sshopt_cli VERSION ARGV...   (ARGV[0] is the program name)
 * Output: "finds: KIND..." (sorted, unique), "reject: 0|1",
 * "noconnect: 0|1", "host: HOST".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshopt.h"

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
main(int argc, char **argv)
{
	const char *names[64];
	struct sshopt so;
	enum sshprog prog;
	size_t i, n = 0;
	int version;

	if (argc < 3) {
		fprintf(stderr, "usage: sshopt_cli VERSION ARGV...\n");
		return 2;
	}
	version = sshopt_version_parse(argv[1]);
	prog = sshprog_from_name(strrchr(argv[2], '/') ?
	    strrchr(argv[2], '/') + 1 : argv[2]);
	if (version == -1 || prog == SSHPROG_NONE)
		return 2;
	sshopt_parse(&so, prog, version, (size_t)(argc - 2),
	    (const char *const *)argv + 2);
	for (i = 0; i < so.nfinds && n < 64; i++)
		names[n++] = sshfind_name(so.finds[i].kind);
	qsort(names, n, sizeof(*names), cmp);
	printf("finds:");
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			printf(" %s", names[i]);
	printf("\nreject: %d\nnoconnect: %d\nhost: %s\n", so.reject != NULL,
	    so.no_connect, so.host ? so.host : "");
	sshopt_free(&so);
	return 0;
}
