/*
 * Fuzzes the remote protocol's reply parser: the input is what a server
 * (or anyone who can reach the socket) sends.  A header that parses must
 * pack back to the same 16 bytes, and its verdict must be one of those
 * the remote sink handles.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"
#include "rmw.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rmw_header h;
	unsigned char again[RMW_HEADER_SIZE];
	enum rmw_verdict v;
	uint32_t seq = size >= 16 ? (uint32_t)data[12] |
	    (uint32_t)data[13] << 8 | (uint32_t)data[14] << 16 |
	    (uint32_t)data[15] << 24 : 1;

	while (size > 0) {
		if (rmw_unpack(data, size, &h) != NULL)
			return 0;
		if (h.len > RMW_MAX_PAYLOAD)
			fuzz_fail("payload %u over the maximum", h.len);
		rmw_pack(again, h.type, h.len, h.seq);
		again[4] = h.hver;
		again[5] = h.mver;
		if (memcmp(again, data, RMW_HEADER_SIZE) != 0)
			fuzz_fail("header does not pack back");
		v = rmw_verdict(&h, seq);
		if (v != RMW_DELIVERED && v != RMW_DELIVERED_LOW &&
		    v != RMW_NOT_LOGGED && v != RMW_ENDING &&
		    v != RMW_UNEXPECTED)
			fuzz_fail("verdict %d", (int)v);
		if (v != RMW_UNEXPECTED && v != RMW_ENDING && h.seq != seq)
			fuzz_fail("verdict for another sequence");
		if (rmw_type_name(h.type) == NULL)
			fuzz_fail("no name for type %#x", (unsigned)h.type);
		/* The next message starts after this one's payload. */
		if (size < RMW_HEADER_SIZE + (size_t)h.len)
			return 0;
		data += RMW_HEADER_SIZE + h.len;
		size -= RMW_HEADER_SIZE + h.len;
	}
	return 0;
}
