/*
 * Fuzzes the ssh/scp/sftp/ssh-add option parser: the bytes after two of
 * choice (program and an empty argv, OpenSSH release) are an argv split
 * at NUL bytes, as the kernel splits one.  Checks what every parse must keep: indexes in
 * range, findings that name an option of the argv, one host at most.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "sshopt.h"

#define MAX_ARGS	512

static const int versions[] = { 800, 802, 806, 809, 900, 903, 905, 907,
	908, 909, 1000, 1002, 1005 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *argv[MAX_ARGS + 1];
	char *copy;
	struct sshopt so;
	enum sshprog prog;
	size_t argc = 0, i, start;
	int version;

	if (size < 2)
		return 0;
	prog = (enum sshprog)(1 + data[0] % SSHPROG_SSH_AGENT);
	version = versions[data[1] % (sizeof(versions) / sizeof(versions[0]))];
	if ((copy = malloc(size - 1)) == NULL)
		return 0;
	memcpy(copy, data + 2, size - 2);
	copy[size - 2] = '\0';
	for (start = 0, i = 0; i <= size - 2 && argc < MAX_ARGS; i++)
		if (copy[i] == '\0') {
			argv[argc++] = copy + start;
			start = i + 1;
		}
	/* Bit 7 of the first byte: an empty argv, as a forged record has. */
	if (data[0] & 0x80)
		argc = 0;
	argv[argc] = NULL;
	memset(&so, 0, sizeof(so));
	if (sshopt_parse(&so, prog, version, argc, argv) == 0) {
		if (so.host_argi >= (int)argc || so.command_argi > (int)argc)
			fuzz_fail("host/command index out of the argv");
		if (so.host != NULL && so.host_argi < 0 && prog == SSHPROG_SSH)
			fuzz_fail("host without its argument");
		for (i = 0; i < so.nfinds; i++) {
			if (so.finds[i].kind >= SF_KIND_MAX)
				fuzz_fail("finding of no kind");
			/* -1 only for ssh-add's "(default keys)". */
			if (so.finds[i].argi < (so.finds[i].kind ==
			    SF_ADD_KEY ? -1 : 0) ||
			    so.finds[i].argi >= (int)argc)
				fuzz_fail("finding at argv[%d] of %zu",
				    so.finds[i].argi, argc);
			if (so.finds[i].text == NULL)
				fuzz_fail("finding without text");
		}
	}
	sshopt_free(&so);
	free(copy);
	return 0;
}
