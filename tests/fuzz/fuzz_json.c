/*
 * Round trip of the two string encoders on any bytes: json_str() must
 * give a string literal that a strict JSON reader accepts and that
 * decodes to the input (when it says nothing was lost; else json_hex()
 * must), and record_value() must give a value auparse reads back to the
 * input (an audit record with that value in it).
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "auval.h"
#include "buf.h"
#include "fuzzutil.h"
#include "json.h"
#include "record.h"

static struct buf got;

static void
keep(void *ctx, const char *path, const char *s, size_t len)
{
	buf_reset(&got);
	buf_add(&got, s, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf enc, rec;
	char why[256];
	int lossy;

	buf_init(&enc, 64 << 20);
	buf_init(&rec, 64 << 20);
	if (got.max == 0)
		buf_init(&got, 64 << 20);
	buf_reset(&got);
	if ((lossy = json_str(&enc, s, size)) == -1)
		fuzz_fail("json_str: no room");
	if (json_walk(enc.p, enc.len, keep, NULL) == -1)
		fuzz_fail("json_str: not a JSON string: %.100s", enc.p);
	if (memchr(enc.p, '\n', enc.len) != NULL)
		fuzz_fail("json_str: newline in the literal");
	if (lossy != (json_utf8_valid(s, size) ? 0 : 1))
		fuzz_fail("json_str: lossy=%d for %s input", lossy,
		    json_utf8_valid(s, size) ? "UTF-8" : "non-UTF-8");
	if (!lossy && (got.len != size || memcmp(got.p, s, size) != 0))
		fuzz_fail("json_str: does not decode to the input");
	buf_reset(&enc);
	json_hex(&enc, s, size);
	buf_reset(&got);
	if ((size > 0 ? auval_decode(enc.p + 1, enc.len - 2, &got) !=
	    AUVAL_HEX : enc.len != 2) || got.len != size ||
	    memcmp(got.p, s, size) != 0)
		fuzz_fail("json_hex: does not decode to the input");

	buf_adds(&rec, "type=ANOM_EXEC msg=audit(1795820629.395:7): pid=1 "
	    "uid=0 auid=0 ses=1 msg='op=sshwatch cmd=");
	if (record_value(&rec, s, size) == -1)
		fuzz_fail("record_value: no room");
	buf_adds(&rec, " res=success'");
	if (record_tokens_ok(rec.p, why, sizeof(why)) == -1)
		fuzz_fail("record_value: %s", why);
	buf_reset(&got);
	if (memchr(rec.p, '\n', rec.len) != NULL)
		fuzz_fail("record_value: newline in the value");
	if (size > 0 && audit_field(rec.p, "cmd", 0, &got) != 1)
		fuzz_fail("record_value: auparse finds no cmd: %.100s", rec.p);
	if (size > 0 && (got.len != size || memcmp(got.p, s, size) != 0))
		fuzz_fail("record_value: does not decode to the input");
	buf_reset(&got);
	if (audit_field(rec.p, "res", 1, &got) != 1 ||
	    strcmp(buf_str(&got), "success") != 0)
		fuzz_fail("record_value: res forged: %.200s", rec.p);
	buf_free(&enc);
	buf_free(&rec);
	return 0;
}
