/*
 * Fuzzes what auditd hands the plugin: bytes are framed into records and
 * events (framer), gated, parsed by libauparse, reassembled (argv, paths,
 * CWD, sessions) and run through the rules; every alert that comes out is
 * encoded as JSON, text and an audit record and decoded again.
 *
 * The first byte chooses the gate (bit 0), the stream or replay limits
 * (bit 1) and where the bytes are split between two reads (the rest).
 * One pipeline lives across inputs, as the plugin's lives across events
 * (its process and session tables are what a long stream builds up, and
 * a fresh one an input costs more than the rest of the run under ASan).
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "alert.h"
#include "cfg.h"
#include "framer.h"
#include "fuzzutil.h"
#include "pipeline.h"
#include "sshopt.h"
#include "users.h"

static void
on_alert(void *ctx, const struct alert *a)
{
	struct buf text;

	fuzz_check_alert(a);
	buf_init(&text, ALERT_MAX_LINE);
	alert_text(a, &text);
	if (text.len > 0 && (memchr(text.p, '\n', text.len) !=
	    text.p + text.len - 1))
		fuzz_fail("text: not one line");
	buf_free(&text);
	(*(unsigned long *)ctx)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	static struct cfg cfg;
	static struct users users;
	static struct pipeline *pl;
	static unsigned long alerts;
	struct framer *fr;
	size_t split;

	if (size < 1)
		return 0;
	if (!init) {
		cfg_defaults(&cfg);
		users_init(&users);
		users_add(&users, "sshw-alice", 1001, "/home/sshw-alice");
		users_add(&users, "root", 0, "/root");
		init = 1;
	}
	if (pl == NULL && (pl = pipeline_new(&cfg, &users,
	    SSHOPT_VERSION_NEWEST, on_alert, &alerts)) == NULL)
		return 0;
	pipeline_set_gate(pl, data[0] & 1);
	fr = framer_new(data[0] & 2 ? &framer_replay_limits :
	    &framer_stream_limits, pipeline_event, pl);
	if (fr != NULL) {
		split = (size - 1) * (data[0] >> 2) / 63;
		framer_feed(fr, (const char *)data + 1, split);
		framer_age(fr, 1795820629 + 3600, 5);
		framer_feed(fr, (const char *)data + 1 + split,
		    size - 1 - split);
		framer_flush(fr);
		framer_free(fr);
	}
	return 0;
}
