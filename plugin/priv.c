/*
 * priv: dropping capabilities after start-up (see priv.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_LIBCAP_NG
#include <cap-ng.h>
#endif

#include "log.h"
#include "priv.h"

/* Set once priv_drop() has given CAP_AUDIT_WRITE up. */
static int no_audit_write;

#ifdef HAVE_LIBCAP_NG
/* Capability numbers fit the kernel's two 32-bit words. */
#define PRIV_CAPS	64

/*
 * Whether this thread holds exactly what priv_drop() asks for: only
 * CAP_AUDIT_WRITE when keep is set and CAP_DAC_READ_SEARCH when dac is,
 * in the effective and permitted sets,
 * and nothing in the inheritable and bounding sets.  capng_apply() of
 * libcap-ng 0.8.3 returns 0 even when it could not empty the bounding
 * set, so the result is checked here.
 */
static int
holds_only(int keep, int dac)
{
	unsigned int i;

	for (i = 0; i < PRIV_CAPS; i++) {
		int want = (keep && i == CAP_AUDIT_WRITE) ||
		    (dac && i == CAP_DAC_READ_SEARCH);

		if ((capng_have_capability(CAPNG_EFFECTIVE, i) != 0) != want ||
		    (capng_have_capability(CAPNG_PERMITTED, i) != 0) != want ||
		    capng_have_capability(CAPNG_INHERITABLE, i) ||
		    capng_have_capability(CAPNG_BOUNDING_SET, i))
			return 0;
	}
	return 1;
}

/*
 * Why the drop fell short.  err is errno after capng_apply(); it means
 * something only when a system call failed (-2, -5).
 */
static void
drop_error(int rc, int err, int had_setpcap, char *out, size_t outsz)
{
	switch (rc) {
	case 0:
		if (!had_setpcap)
			snprintf(out, outsz, "no CAP_SETPCAP to empty the "
			    "bounding set");
		else
			snprintf(out, outsz, "the kernel kept more than was "
			    "asked");
		break;
	case -2:
		snprintf(out, outsz, "cannot empty the bounding set: %s",
		    strerror(err));
		break;
	case -4:
		snprintf(out, outsz, "no CAP_SETPCAP to empty the bounding "
		    "set");
		break;
	case -5:
		snprintf(out, outsz, "capset: %s", strerror(err));
		break;
	default:
		snprintf(out, outsz, "capng_apply returned %d", rc);
		break;
	}
}

void
priv_drop(int audit_write)
{
	char why[128], *kept, *bound;
	int keep, dac, had_setpcap, rc, err;

	if (capng_get_caps_process() == -1) {
		log_msg(LOG_WARNING, "cannot read the capabilities held: %s; "
		    "none dropped", strerror(errno));
		return;
	}
	/* Not root, or root without capabilities: nothing to give up. */
	if (capng_have_permitted_capabilities() == CAPNG_NONE)
		return;
	keep = audit_write &&
	    capng_have_capability(CAPNG_PERMITTED, CAP_AUDIT_WRITE);
	/* Reading client configuration files (clientconf.h): read only. */
	dac = capng_have_capability(CAPNG_PERMITTED, CAP_DAC_READ_SEARCH);
	had_setpcap = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	capng_clear(CAPNG_SELECT_BOTH);
	if (keep)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    CAP_AUDIT_WRITE);
	if (dac)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    CAP_DAC_READ_SEARCH);
	rc = capng_apply(CAPNG_SELECT_BOTH);
	err = errno;
	/* Say what the kernel holds now, not what was asked for. */
	if (capng_get_caps_process() == -1) {
		log_msg(LOG_WARNING, "cannot read the capabilities held: %s",
		    strerror(errno));
		return;
	}
	if (!capng_have_capability(CAPNG_PERMITTED, CAP_AUDIT_WRITE))
		no_audit_write = 1;
	/* Each is "none" for an empty set; ours to free. */
	kept = capng_print_caps_text(CAPNG_PRINT_BUFFER, CAPNG_PERMITTED);
	bound = capng_print_caps_text(CAPNG_PRINT_BUFFER, CAPNG_BOUNDING_SET);
	if (rc != 0 || !holds_only(keep, dac)) {
		drop_error(rc, err, had_setpcap, why, sizeof(why));
		log_msg(LOG_WARNING, "cannot drop every capability (%s); "
		    "capabilities held: %s; bounding set: %s", why,
		    kept != NULL ? kept : "?", bound != NULL ? bound : "?");
	} else
		log_msg(LOG_INFO, "capabilities kept: %s; bounding set: %s",
		    kept != NULL ? kept : "?", bound != NULL ? bound : "?");
	free(kept);
	free(bound);
}
#else
void
priv_drop(int audit_write)
{
	if (geteuid() == 0)
		log_msg(LOG_NOTICE, "built without libcap-ng: every "
		    "capability is kept");
}
#endif

int
priv_audit_write(void)
{
	return !no_audit_write;
}
