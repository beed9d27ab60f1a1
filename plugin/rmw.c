/*
 * rmw: remote protocol framing (see rmw.h).
 */
#include "config.h"

#include "rmw.h"

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
	p[2] = (unsigned char)((v >> 16) & 0xff);
	p[3] = (unsigned char)((v >> 24) & 0xff);
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

void
rmw_pack(unsigned char *out, uint32_t type, uint16_t len, uint32_t seq)
{
	put32(out, (uint32_t)RMW_MAGIC);
	out[4] = 0;
	out[5] = 0;
	put32(out + 6, type);
	out[10] = (unsigned char)(len & 0xff);
	out[11] = (unsigned char)(len >> 8);
	put32(out + 12, seq);
}

const char *
rmw_unpack(const unsigned char *in, size_t n, struct rmw_header *h)
{
	if (n < RMW_HEADER_SIZE)
		return "short header";
	if (get32(in) != (uint32_t)RMW_MAGIC)
		return "no protocol magic";
	h->hver = in[4];
	h->mver = in[5];
	h->type = get32(in + 6);
	h->len = (uint16_t)(in[10] | in[11] << 8);
	h->seq = get32(in + 12);
	if (h->hver != 0)
		return "unknown header version";
	if (h->len > RMW_MAX_PAYLOAD)
		return "payload too long";
	return 0;
}

enum rmw_verdict
rmw_verdict(const struct rmw_header *h, uint32_t seq)
{
	if (h->type == RMW_TYPE_ENDING)
		return RMW_ENDING;
	if (!(h->type & RMW_TYPE_REPLYMASK) || h->seq != seq)
		return RMW_UNEXPECTED;
	if (h->type == RMW_TYPE_ACK)
		return RMW_DELIVERED;
	if (h->type == RMW_TYPE_DISKLOW)
		return RMW_DELIVERED_LOW;
	if (h->type & RMW_TYPE_FATALMASK)
		return RMW_NOT_LOGGED;
	/* Other warnings: logged, with something to say. */
	return RMW_DELIVERED_LOW;
}

const char *
rmw_type_name(uint32_t type)
{
	switch (type) {
	case RMW_TYPE_MESSAGE:		return "message";
	case RMW_TYPE_HEARTBEAT:	return "heartbeat";
	case RMW_TYPE_ACK:		return "ack";
	case RMW_TYPE_ENDING:		return "ending";
	case RMW_TYPE_DISKLOW:		return "disk low";
	case RMW_TYPE_DISKFULL:		return "disk full";
	case RMW_TYPE_DISKERROR:	return "disk error";
	default:			return "unknown";
	}
}
