/*
 * floor: the cost of any auparse feed consumer, for the benchmark.
 *
 * Reads an audit stream on stdin as a plugin does (AUSOURCE_FEED, 64 KiB
 * reads) and, for every event auparse delivers, walks every record and
 * field once.  Prints the counts.  audisp-sshwatch is measured against it:
 * a plugin that gave every event to auparse could not be faster.
 */
#include <stdio.h>
#include <unistd.h>

#include <auparse.h>

static unsigned long long events, records, fields;

static void
walk(auparse_state_t *au, auparse_cb_event_t type, void *arg)
{
	if (type != AUPARSE_CB_EVENT_READY || auparse_first_record(au) <= 0)
		return;
	events++;
	do {
		records++;
		if (auparse_first_field(au) <= 0)
			continue;
		do {
			if (auparse_get_field_str(au) != NULL)
				fields++;
		} while (auparse_next_field(au) > 0);
	} while (auparse_next_record(au) > 0);
}

int
main(void)
{
	auparse_state_t *au = auparse_init(AUSOURCE_FEED, NULL);
	char buf[65536];
	ssize_t n;

	if (au == NULL)
		return 1;
	auparse_add_callback(au, walk, NULL, NULL);
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
		auparse_feed(au, buf, (size_t)n);
	auparse_flush_feed(au);
	auparse_destroy(au);
	printf("%llu events %llu records %llu fields\n", events, records,
	    fields);
	return 0;
}
