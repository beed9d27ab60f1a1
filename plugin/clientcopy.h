/*
 * clientcopy: a listening process that runs a copy of the ssh client.
 *
 * A rule family called by sockrules_run() (sockrules.h) for listen(2)
 * events only.  The socket rules of the shipped file name the client by
 * its file (-F exe=/usr/bin/ssh), so a copy -- `cp /usr/bin/ssh ./x',
 * `ld.so ./copy', an in-memory copy run by fexecve of a memfd -- opens
 * its SOCKS or -L listener unseen by them.  listen(2) is rare on any
 * host (a daemon calls it at start-up), so the shipped rules record
 * every successful listen, of every program (key sshwatch-listen); the
 * gate lets these events through (clientcopy_gate()) and this module
 * decides whether the process runs a copy of the client:
 *  - plugin mode (clientcopy_set_live()), by content: the file the
 *    process runs -- /proc/PID/exe, or when the plugin may not read that
 *    link (another account's process: ptrace access, CAP_SYS_PTRACE,
 *    which the plugin gives up) the exe path of the record, or for the
 *    loader (`ld.so ./copy') the program named in its argv -- is
 *    compared with the installed ssh (/usr/bin/ssh, /bin/ssh,
 *    /usr/local/bin/ssh and the configured ssh paths): not the same
 *    file (device and inode) but the same size and SHA-256.  Judged
 *    files are cached by device, inode, size and mtime, so each new file
 *    is hashed once;
 *  - in both modes, by history: a process that read a client binary
 *    (ssh-client-copied, clientcopy_note_reader()) and then listens under
 *    another exe runs what it read (python's memfd_create, write, execv
 *    of /proc/self/fd/N keeps the pid).
 * The listening address comes from the socket (/proc/PID/fd/N of the
 * listen's descriptor, then /proc/PID/net/tcp, tcp6, unix); without
 * ptrace access, from the listening sockets of the process's account in
 * its network namespace.  The alert is ssh-forward-listen, one severity
 * step above what the real client's bind of that address raises, tagged
 * client-copy, saying which binary it is a copy of.
 *
 * Files are opened without blocking (O_NONBLOCK, regular files only, not
 * on FUSE), /proc reads are capped; the parsers of /proc text are pure.
 */
#ifndef SW_CLIENTCOPY_H
#define SW_CLIENTCOPY_H

#include <stddef.h>
#include <sys/stat.h>

#include "rules.h"
#include "sockaddr.h"

#define CLIENTCOPY_REFS		8	/* client binaries compared */
#define CLIENTCOPY_CACHE	64	/* files judged, by identity */
#define CLIENTCOPY_READERS	64	/* processes that read a client */
#define CLIENTCOPY_MAX_FILE	(64L << 20)	/* bytes hashed of one file */
#define CLIENTCOPY_NET_MAX	(4 << 20)	/* bytes of /proc/PID/net/x */
#define CLIENTCOPY_SOCKS	4	/* listeners named by one alert */

struct clientcopy;
struct rawsys;

struct clientcopy_stats {
	unsigned long long	 listens;	/* listen events judged */
	unsigned long long	 hashes;	/* files hashed */
	unsigned long long	 copies;	/* copies found listening */
	unsigned long long	 unreadable;	/* process's file not opened */
};

/* One line of /proc/PID/net/tcp, tcp6 or unix. */
struct clientcopy_sock {
	struct sockaddr_info	 sa;
	unsigned long long	 inode;
	long long		 uid;		/* tcp only; -1 for unix */
	int			 listening;
};

struct clientcopy *clientcopy_new(void);
void		 clientcopy_free(struct clientcopy *c);
/*
 * Plugin mode: the host's files and /proc are this event stream's.  Off
 * by default (replay: only the history route works).
 */
void		 clientcopy_set_live(struct clientcopy *c, int on);
const struct clientcopy_stats *clientcopy_stats(const struct clientcopy *c);

/*
 * Is the SYSCALL record s (its fields read by rawsys.h) a listen(2)
 * (x86_64 50, i386 363, aarch64 201)?  For the gate.  The gate
 * asks it only of events of at most three records (a listen names no
 * path and no address: SYSCALL and PROCTITLE), so that the other events
 * (CWD, PATH, EXECVE, SOCKADDR...) pay one comparison.
 */
int		 clientcopy_gate(const struct rawsys *s);

/*
 * Judges the open regular file fd (fstat'ed into *st) against the client
 * binaries refs[0..nrefs): returns 2 when it is one of them (same device
 * and inode), 1 when it is a copy of one (another file, same size and
 * SHA-256) and sets *which to that path, 0 when neither, -1 when a
 * reference or the file could not be read.  Hashes each file once per
 * (device, inode, size, mtime).
 */
int		 clientcopy_identify(struct clientcopy *c, int fd,
		    const struct stat *st, const char *const *refs,
		    size_t nrefs, const char **which);

/*
 * Notes that process pid of node, running exe[0..exelen), read a client
 * binary at time t (kept for CLIENTCOPY_READERS such reads).
 */
void		 clientcopy_note_reader(struct clientcopy *c, const char *node,
		    long long pid, double t, const char *exe, size_t exelen);

/*
 * Parses "socket:[INODE]" (a /proc/PID/fd link's text).  Returns 0 and
 * sets *ino, or -1.
 */
int		 clientcopy_sock_inode(const char *s, size_t n,
		    unsigned long long *ino);
/*
 * Parses one line of /proc/net/tcp (v6 0) or tcp6 (v6 1) into *out.
 * Returns NULL, or a static string saying what is wrong (the header line
 * too).  Addresses are in the host's byte order, as the kernel prints
 * them.
 */
const char	*clientcopy_tcp_line(const char *s, size_t n, int v6,
		    struct clientcopy_sock *out);
/* The same for a line of /proc/net/unix. */
const char	*clientcopy_unix_line(const char *s, size_t n,
		    struct clientcopy_sock *out);

/*
 * The rule: ev is a listen(2) event.  Calls fn once when its process
 * runs a copy of the ssh client.  Returns the number of alerts.
 */
int		 clientcopy_run(const struct rules_ctx *rc,
		    const struct event *ev, alert_fn fn, void *ctx);

#endif
