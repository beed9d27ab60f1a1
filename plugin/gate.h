/*
 * gate: which framed events can matter, decided on their raw bytes.
 *
 * Between the framer and auparse.  auparse tokenises every field of every
 * record it is given, which costs more than everything else the plugin
 * does; on a busy host nearly every event is an execve or a file access
 * that no rule can act on.  The gate reads only a few fields of a few
 * record types and lets an event through when:
 *  - its SYSCALL `exe' (quoted or hex) is ssh, scp, sftp or ssh-add by
 *    base name, a configured program path, or an ld.so loader (which may be
 *    running one of them);
 *  - a PATH `name' (quoted or hex) contains "authorized_keys", starts
 *    with the directory part of a configured authorized_keys_paths
 *    pattern (or is relative to a CWD under it), or its dev and inode are
 *    those of a known authorized_keys file (inodes.h);
 *  - with the sshd rules attached (gate_set_sshd()): a PATH name they
 *    read (/etc/ssh, /etc/pam.d, PAM modules, OpenSSH programs and the
 *    libraries sshd loads, sshd's AuthorizedKeysFile directories:
 *    sshdwatch_gate_name()), an execution of sshd or of a child of sshd
 *    (sshdwatch_gate_exec()), and an execution of ssh-keygen, locate, or
 *    of find, grep, rg, tar, zip, 7z, rsync or cp whose arguments hold a
 *    word the key hunting rules look for (keyhunt_gate()).
 * Everything the rules read is in such events (see rules.c); the test
 * suite checks that the alerts are the same with and without the gate.
 * In plugin mode the plugin's own system calls are dropped first, by pid
 * (gate_drop_pid()).
 * The plugin's own alert records come back to it from auditd: they are
 * known by their type, op=sshwatch and the plugin's pid, counted, and
 * dropped like every other record no rule reads.
 */
#ifndef SW_GATE_H
#define SW_GATE_H

#include "cfg.h"
#include "framer.h"
#include "inodes.h"

struct gate_stats {
	unsigned long long	 passed;
	unsigned long long	 dropped;
	unsigned long long	 own_records;	/* our alerts, come back */
	unsigned long long	 own_events;	/* our own system calls */
};

struct gate;

struct gate	*gate_new(const struct cfg *cfg, struct inodes *inodes);
void		 gate_free(struct gate *g);
/* Re-reads the configured paths after a reload. */
int		 gate_configure(struct gate *g, const struct cfg *cfg);
/* 1 when fe can matter to a rule, else 0. */
int		 gate_pass(struct gate *g, const struct framer_event *fe);
const struct gate_stats *gate_stats(const struct gate *g);
struct binids;
/*
 * Also lets through (sockrules.h): events with a SOCKADDR record whose exe
 * is sshd (or sshd-session) or a name seen running a client binary, and
 * events with a PATH item whose absolute name is a client's (opens of the
 * binary) and execs with one whose (dev, inode) is in b (a hard link run
 * under another name).  A read of a hard link under another name is not
 * passed: making one of a root-owned binary needs root
 * (fs.protected_hardlinks), and checking every PATH's inode would cost
 * every event.
 */
void		 gate_set_binids(struct gate *g, struct binids *b);
struct dirfds;
/* Also lets through names relative to a .ssh descriptor (dirfds.h). */
void		 gate_set_dirfds(struct gate *g, struct dirfds *t);
struct sshdwatch;
/* Also lets through the names the sshd rules read (sshdwatch.h). */
void		 gate_set_sshd(struct gate *g, const struct sshdwatch *w);
/*
 * From now on, every gate drops (and counts in own_events) the events
 * whose SYSCALL record has pid == pid and exe == exe, before anything
 * else: the plugin's own system calls, which the rules record (no
 * exe-based never-rule: any process can run the plugin's binary, but
 * only the plugin has its pid).  The exe check keeps events of another
 * host (node=) or of a synthetic stream that reuse the number.  A
 * process-wide setting, so that a gate made again on reload keeps it;
 * plugin mode only.  pid 0 or exe NULL turns it off.
 */
void		 gate_drop_pid(long pid, const char *exe);

#endif
