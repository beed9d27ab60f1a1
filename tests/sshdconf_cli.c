/*
 * sshdconf_cli: prints "key value" (lower case key) for each key given,
 * as the model holds it for a connection of USER (sshdconf_effective),
 * "key (unset)" when the configuration does not set it.  Used by
 * tests/sshdconf_oracle.sh against `sshd -T'.
 *
 * usage: sshdconf_cli FILE USER KEY...
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sshdconf.h"

int
main(int argc, char **argv)
{
	struct sshdconf c;
	const char *v;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: sshdconf_cli FILE USER KEY...\n");
		return 2;
	}
	memset(&c, 0, sizeof(c));
	if (sshdconf_load(argv[1], &c) == -1) {
		fprintf(stderr, "%s\n", c.err);
		return 1;
	}
	if (c.over > 0)
		fprintf(stderr, "caps: %s\n", c.err);
	for (i = 3; i < argc; i++) {
		v = sshdconf_effective(&c, argv[i], argv[2]);
		printf("%s %s\n", argv[i], v != NULL ? v : "(unset)");
	}
	sshdconf_free(&c);
	return 0;
}
