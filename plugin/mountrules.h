/*
 * mountrules: a file system mounted onto /etc/ssh or a directory below
 * it (the rule ssh-config-dir-mounted).
 *
 * The kernel's watch `-w /etc/ssh' is a tree of inodes fixed when the
 * rules are loaded: a bind mount, a tmpfs or a moved mount made later
 * over /etc/ssh or /etc/ssh/ssh_config.d hides the directory underneath,
 * and every write into the mount is recorded by nothing (0 records:
 * tests/remote/redteam_client.sh, route cfg-sysdir-late).  The shipped
 * rules record mount(2) and move_mount(2) whose target lies in that tree
 * (`-S mount,move_mount -F dir=/etc/ssh', key sshwatch-mount); this
 * module reads their PATH records for the target (the first name of
 * mount(2), which looks its target up before its source; the last of
 * move_mount(2), whose source comes first) and alerts when it is
 * /etc/ssh or below it.  A mount elsewhere of a directory taken from
 * /etc/ssh (its source) is no alert.
 */
#ifndef SW_MOUNTRULES_H
#define SW_MOUNTRULES_H

#include <stddef.h>

#include "rules.h"

/*
 * Lets the gate (gate.h) pass a record naming p[0..n) (relative to cwd
 * when it is not absolute): 1 when the name is /etc/ssh or below it.
 */
int	 mountrules_gate_name(const char *p, size_t n, const char *cwd,
	    size_t cwdlen);
/*
 * For rules_run(): calls fn once for a successful mount(2) or
 * move_mount(2) onto /etc/ssh or below it.  Returns the alerts (0 or 1).
 */
int	 mountrules_run(const struct rules_ctx *rc, const struct event *ev,
	    alert_fn fn, void *ctx);

#endif
