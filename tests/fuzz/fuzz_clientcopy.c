/*
 * The pure parsers of the client-copy rule (clientcopy.h): lines of
 * /proc/net/tcp, tcp6 and unix (a unix socket's path is any bytes its
 * binder chose, newlines included, so a line can be forged), the
 * "socket:[INODE]" text of a /proc/PID/fd link, and the gate's listen
 * test on a SYSCALL record.  The first byte chooses the parser.
 * Properties: no crash, a parsed address NUL-terminated within its
 * field, a port within 16 bits, a unix path within sun_path and
 * NUL-terminated at its length, the gate 0 or 1.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "clientcopy.h"
#include "rawsys.h"
#include "fuzzutil.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct clientcopy_sock s;
	unsigned long long ino;
	const char *b;
	size_t n;
	struct rawsys rs;
	int g;

	if (size < 1)
		return 0;
	b = (const char *)data + 1;
	n = size - 1;
	switch (data[0] % 5) {
	case 0:
	case 1:
		if (clientcopy_tcp_line(b, n, data[0] % 5, &s) != NULL)
			break;
		if (memchr(s.sa.addr, '\0', sizeof(s.sa.addr)) == NULL)
			fuzz_fail("tcp: address not terminated");
		if (s.sa.port > 0xffff)
			fuzz_fail("tcp: port %u", s.sa.port);
		break;
	case 2:
		if (clientcopy_unix_line(b, n, &s) != NULL)
			break;
		if (s.sa.pathlen > SOCKADDR_MAX_PATH ||
		    s.sa.path[s.sa.pathlen] != '\0')
			fuzz_fail("unix: path of %zu bytes", s.sa.pathlen);
		break;
	case 3:
		(void)clientcopy_sock_inode(b, n, &ino);
		break;
	default:
		rawsys_parse(&rs, b, n);
		g = clientcopy_gate(&rs);
		if (g != 0 && g != 1)
			fuzz_fail("gate: %d", g);
		break;
	}
	return 0;
}
