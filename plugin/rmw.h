/*
 * rmw: the audit remote protocol's "managed" framing, as auditd's
 * tcp_listen_port speaks it (audit-userspace lib/private.h).
 *
 * Every message starts with a 16-byte header, integers little-endian:
 *   0  u32 magic 0xff0000fe     4  u8 header version 0   5  u8 message version
 *   6  u32 type                10  u16 length of what follows
 *  12  u32 sequence number
 * A client sends MESSAGE (a record's text) or HEARTBEAT and waits for the
 * reply with the same sequence: ACK, or DISKLOW (logged, warning),
 * DISKFULL / DISKERROR (not logged), or, at any time, ENDING (the server
 * is going away).  Parsing is a pure function of bytes, for fuzzing.
 */
#ifndef SW_RMW_H
#define SW_RMW_H

#include <stddef.h>
#include <stdint.h>

#define RMW_HEADER_SIZE		16
#define RMW_MAGIC		0xff0000feUL
#define RMW_MAX_PAYLOAD		8954	/* 8970 - 16 */

#define RMW_TYPE_MESSAGE	0x00000000UL
#define RMW_TYPE_HEARTBEAT	0x00000001UL
#define RMW_TYPE_ACK		0x40000000UL
#define RMW_TYPE_ENDING		0x40000001UL
#define RMW_TYPE_DISKLOW	0x50000001UL
#define RMW_TYPE_DISKFULL	0x60000001UL
#define RMW_TYPE_DISKERROR	0x60000002UL
#define RMW_TYPE_REPLYMASK	0x40000000UL
#define RMW_TYPE_FATALMASK	0x20000000UL
#define RMW_TYPE_WARNMASK	0x10000000UL

struct rmw_header {
	uint8_t		 hver;
	uint8_t		 mver;
	uint32_t	 type;
	uint16_t	 len;
	uint32_t	 seq;
};

/* Writes a header into out[RMW_HEADER_SIZE]. */
void	 rmw_pack(unsigned char *out, uint32_t type, uint16_t len,
	    uint32_t seq);
/*
 * Parses a header from in[0..n).  Returns 0, or an error string (no magic,
 * short, unknown version, payload over RMW_MAX_PAYLOAD).
 */
const char *rmw_unpack(const unsigned char *in, size_t n,
	    struct rmw_header *h);

/* What a reply means for the message it answers. */
enum rmw_verdict {
	RMW_DELIVERED,		/* ACK: logged */
	RMW_DELIVERED_LOW,	/* DISKLOW: logged, the server is short */
	RMW_NOT_LOGGED,		/* DISKFULL, DISKERROR, other fatal */
	RMW_ENDING,		/* the server is shutting down */
	RMW_UNEXPECTED,		/* not a reply, or another sequence */
};

enum rmw_verdict rmw_verdict(const struct rmw_header *h, uint32_t seq);
const char *rmw_type_name(uint32_t type);

#endif
