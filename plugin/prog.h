/*
 * prog: which OpenSSH program an executable path is.
 *
 * Shared by the gate (on raw bytes) and the rules: a program is known by
 * the base name of the file the kernel ran (ssh, scp, sftp, ssh-add,
 * ssh-agent) or by a configured path, never by argv[0].  ld.so run as a
 * program is recognised so that the program it loads can be judged.
 */
#ifndef SW_PROG_H
#define SW_PROG_H

#include <stddef.h>

#include "cfg.h"
#include "sshopt.h"

/* The program at path[0..n) (" (deleted)" suffix ignored). */
enum sshprog	 prog_of_path(const struct cfg *cfg, const char *path,
		    size_t n);
/* Is path[0..n) the dynamic loader (ld-linux*.so*, ld.so, ld-*.so*)? */
int		 prog_is_ldso(const char *path, size_t n);
/*
 * Is the base name b[0..n) (of an exe, or a comm) sshd or sshd-session,
 * the processes that bind, listen and connect for a session?
 */
int		 prog_is_sshd(const char *b, size_t n);

#endif
