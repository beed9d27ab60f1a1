/*
 * sockaddr: decoder of the SOCKADDR record's saddr= bytes (see
 * sockaddr.h).  The layouts are Linux's: sa_family is host-endian (we
 * read it as little-endian, as every architecture the plugin runs on
 * logs it: x86, arm, riscv; big-endian s390/ppc are read both ways),
 * ports and IPv4/IPv6 addresses are in network order.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "sockaddr.h"

#define SW_AF_UNIX	1
#define SW_AF_INET	2
#define SW_AF_INET6	10

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
family_of(const unsigned char *b)
{
	int le = b[0] | (b[1] << 8), be = (b[0] << 8) | b[1];

	/* A big-endian host logs 00 02; a little-endian one 02 00. */
	if (le == SW_AF_UNIX || le == SW_AF_INET || le == SW_AF_INET6)
		return le;
	if (be == SW_AF_UNIX || be == SW_AF_INET || be == SW_AF_INET6)
		return be;
	return le;
}

const char *
sockaddr_parse(const char *hex, size_t n, struct sockaddr_info *out)
{
	unsigned char b[SOCKADDR_MAX_BYTES];
	size_t len, i, k;
	int hi, lo;

	memset(out, 0, sizeof(*out));
	if (n == 0 || n % 2 != 0)
		return "saddr is not an even number of hex digits";
	if (n / 2 > SOCKADDR_MAX_BYTES)
		return "saddr longer than SOCKADDR_MAX_BYTES";
	len = n / 2;
	for (i = 0; i < len; i++) {
		if ((hi = hexval(hex[2 * i])) < 0 ||
		    (lo = hexval(hex[2 * i + 1])) < 0)
			return "saddr is not hex";
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	if (len < 2)
		return "saddr shorter than sa_family";
	out->raw_family = family_of(b);
	switch (out->raw_family) {
	case SW_AF_INET:
		if (len < 8)
			return "AF_INET saddr shorter than sockaddr_in";
		out->family = SOCKFAM_INET;
		out->port = (unsigned)(b[2] << 8 | b[3]);
		if (inet_ntop(AF_INET, b + 4, out->addr, sizeof(out->addr)) ==
		    NULL)
			return "AF_INET address";
		break;
	case SW_AF_INET6:
		/* sin6_flowinfo at 4, address at 8; scope id optional. */
		if (len < 24)
			return "AF_INET6 saddr shorter than sockaddr_in6";
		out->family = SOCKFAM_INET6;
		out->port = (unsigned)(b[2] << 8 | b[3]);
		if (inet_ntop(AF_INET6, b + 8, out->addr, sizeof(out->addr)) ==
		    NULL)
			return "AF_INET6 address";
		break;
	case SW_AF_UNIX:
		out->family = SOCKFAM_UNIX;
		if (len == 2) {
			out->unnamed = 1;
			break;
		}
		i = 2;
		if (b[2] == '\0') {
			out->abstract = 1;
			i = 3;
		}
		for (k = 0; i < len && k < SOCKADDR_MAX_PATH && b[i] != '\0';
		    i++)
			out->path[k++] = (char)b[i];
		out->path[k] = '\0';
		out->pathlen = k;
		if (k == 0 && !out->abstract)
			out->unnamed = 1;
		break;
	default:
		out->family = SOCKFAM_OTHER;
		break;
	}
	return NULL;
}

const char *
sockaddr_family_name(enum sockfam f)
{
	switch (f) {
	case SOCKFAM_UNIX:
		return "unix";
	case SOCKFAM_INET:
		return "inet";
	case SOCKFAM_INET6:
		return "inet6";
	case SOCKFAM_OTHER:
		return "other";
	default:
		return "none";
	}
}

int
sockaddr_is_loopback(const struct sockaddr_info *sa)
{
	if (sa->family == SOCKFAM_INET)
		return strncmp(sa->addr, "127.", 4) == 0;
	if (sa->family == SOCKFAM_INET6)
		return strcmp(sa->addr, "::1") == 0 ||
		    strncmp(sa->addr, "::ffff:127.", 11) == 0;
	return 0;
}

int
sockaddr_is_any(const struct sockaddr_info *sa)
{
	if (sa->family == SOCKFAM_INET)
		return strcmp(sa->addr, "0.0.0.0") == 0;
	if (sa->family == SOCKFAM_INET6)
		return strcmp(sa->addr, "::") == 0 ||
		    strcmp(sa->addr, "::ffff:0.0.0.0") == 0;
	return 0;
}
