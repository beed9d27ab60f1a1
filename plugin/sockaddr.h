/*
 * sockaddr: the SOCKADDR record of a bind, listen or connect, decoded.
 *
 * Part of event reassembly (event.h): the kernel logs the address a
 * process handed to bind(2) or connect(2) as saddr=HEX, the raw bytes of
 * its struct sockaddr.  This pure parser turns those bytes into a family,
 * an address in text form and a port (AF_INET, AF_INET6) or a socket path
 * (AF_UNIX, abstract names included).  Every length is capped: a saddr
 * longer than SOCKADDR_MAX_BYTES, a truncated structure or a byte that is
 * not hex is refused with an error string, never read past.
 */
#ifndef SW_SOCKADDR_H
#define SW_SOCKADDR_H

#include <stddef.h>

#define SOCKADDR_MAX_BYTES	128	/* sizeof(struct sockaddr_storage) */
#define SOCKADDR_MAX_PATH	108	/* sun_path */

enum sockfam {
	SOCKFAM_NONE = 0,
	SOCKFAM_UNIX,
	SOCKFAM_INET,
	SOCKFAM_INET6,
	SOCKFAM_OTHER,		/* netlink, unspec (disconnect), ... */
};

struct sockaddr_info {
	enum sockfam	 family;
	int		 raw_family;		/* sa_family as logged */
	char		 addr[48];		/* "127.0.0.1", "::1", "" */
	unsigned	 port;			/* host order, 0 when none */
	char		 path[SOCKADDR_MAX_PATH + 1]; /* unix; NUL-free bytes */
	size_t		 pathlen;		/* bytes of the name */
	int		 abstract;		/* unix name in the abstract space */
	int		 unnamed;		/* unix, no name (autobind) */
};

/*
 * Parses the saddr= value hex[0..n) (upper- or lower-case hex, an even
 * number of digits) into *out.  Returns NULL, or a static string saying
 * why the value was refused; *out is then left zeroed.  An abstract unix
 * name keeps its bytes after the leading NUL, a NUL inside it ends the copy
 * (pathlen says how much was kept).
 */
const char	*sockaddr_parse(const char *hex, size_t n,
		    struct sockaddr_info *out);
/* "unix", "inet", "inet6", "other" or "none". */
const char	*sockaddr_family_name(enum sockfam f);
/* Is the address a loopback one (127/8, ::1, ::ffff:127/104)? */
int		 sockaddr_is_loopback(const struct sockaddr_info *sa);
/* Is it the wildcard address (0.0.0.0, ::)? */
int		 sockaddr_is_any(const struct sockaddr_info *sa);

#endif
