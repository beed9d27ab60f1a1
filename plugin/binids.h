/*
 * binids: which files are the OpenSSH clients, by identity.
 *
 * Beside the rules (rules.h) and the gate (gate.h).  A program is known
 * by the base name of the file the kernel ran (prog.h); a hard link under
 * another name, or a name the kernel logs for it (exe= of a link), is the
 * same file: same device and inode.  This bounded table holds the
 * (dev, inode) of the client binaries -- learned by stat(2) of the
 * installed paths at plugin start-up (binids_stat_defaults()) and from
 * every exec record of a known name (its PATH item) -- and the other exe
 * names under which such a file was seen running, so that the socket
 * records of a renamed client (which carry exe= but no PATH) are judged
 * as the client's.  Devices are kept in the PATH record's form, "fe:01".
 * When full the oldest entry makes room (counted).
 */
#ifndef SW_BINIDS_H
#define SW_BINIDS_H

#include <stddef.h>

#include "sshopt.h"

#define BINIDS_MAX	64	/* (dev, inode) entries */
#define BINIDS_ALIASES	64	/* other exe names seen running them */
#define BINIDS_NAME	256	/* bytes of an alias kept; longer: not kept */

struct binids;

struct binids	*binids_new(void);
void		 binids_free(struct binids *b);
/* Notes that dev:ino is prog.  Replaces an older entry for dev:ino. */
void		 binids_note(struct binids *b, const char *dev,
		    unsigned long long ino, enum sshprog prog);
/* The program dev:ino is, or SSHPROG_NONE. */
enum sshprog	 binids_lookup(const struct binids *b, const char *dev,
		    unsigned long long ino);
/* Notes exe[0..n) as another name of prog (a hard link seen running). */
void		 binids_alias(struct binids *b, const char *exe, size_t n,
		    enum sshprog prog);
/* The program exe[0..n) was seen to be under another name, or NONE. */
enum sshprog	 binids_alias_of(const struct binids *b, const char *exe,
		    size_t n);
/*
 * stat(2)s the installed clients (/usr/bin/ssh, scp, sftp, ssh-add) and
 * notes them.  For plugin mode only: a replayed log may come from
 * another host.  Returns how many were found.
 */
int		 binids_stat_defaults(struct binids *b);
size_t		 binids_count(const struct binids *b);
unsigned long long binids_evicted(const struct binids *b);

#endif
