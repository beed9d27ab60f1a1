/*
 * sockrules: the tunnels an OpenSSH program opens, seen by their sockets.
 *
 * A rule family of rules_run() (rules.h), after event reassembly.  The
 * shipped audit rules record bind(2), listen(2) and connect(2) of the
 * OpenSSH client programs and of sshd only; their SOCKADDR record says
 * what was bound or reached (sockaddr.h).  Whatever asked for the tunnel
 * -- argv, ~/.ssh/config, a -F file, an escape command line, a mux
 * request -- the socket is the same, so these rules see what the argv
 * rules miss, and say whether argv named it (in_argv):
 *  - ssh-forward-listen: a client bound a TCP port (a -L or -D listener,
 *    severity by the address: all addresses high, one address medium,
 *    loopback low) or a unix socket that is not a control socket (low);
 *  - ssh-control-master: a client bound a ControlMaster socket (info);
 *  - ssh-agent-hijack: a client connected to a unix socket that is
 *    another account's agent, judged by the socket's owner;
 *  - sshd-tunnel-connect: an sshd session connected out (direct-tcpip:
 *    this host is a jump, or the target of a -L);
 *  - sshd-tunnel-listen: an sshd session bound a port or a socket for a
 *    client's -R.
 * The copy rule (ssh-client-copied) reads the client binaries' identity
 * (binids.h).  A listen(2) of another program (the shipped rules record
 * every one) goes to clientcopy_run(): a running copy of ssh.  Ids, severities and JSON fields are in audisp-sshwatch(8).
 */
#ifndef SW_SOCKRULES_H
#define SW_SOCKRULES_H

#include "rules.h"

/*
 * Runs the socket rules and the copy rule on ev, calling fn once per
 * alert; also learns the client binaries' identity from exec records
 * (binids.h).  Returns the number of alerts.
 */
int	 sockrules_run(const struct rules_ctx *rc, const struct event *ev,
	    alert_fn fn, void *ctx);
/*
 * The program ev's process is, for the socket rules: by exe name, by an
 * exe name seen running a client binary (a hard link), or, when exe is
 * the loader, by the program ld.so was asked to run (from the process
 * table).  *via is set to "ld.so" or "link" for the last two.
 */
enum sshprog sockrules_program(const struct rules_ctx *rc,
	    const struct event *ev, const char **via);

/*
 * The program an execve event runs when its exe name is not one: by the
 * (dev, inode) of the executed file (its PATH item 0), a hard link of a
 * client; *via is then "link".  SSHPROG_NONE otherwise.
 */
enum sshprog sockrules_exec_program(const struct rules_ctx *rc,
	    const struct event *ev, const char **via);

/*
 * The word of a display argv ("ld.so --argv0 x /usr/bin/ssh -D 1080 h")
 * that names the program ld.so runs (the first after ld.so's options),
 * and its length in *n; NULL when there is none.
 */
const char	*sockrules_ldso_program(const char *argv, size_t *n);
/*
 * What a client's listener on sa raises (ssh-forward-listen): high on
 * every address, medium on one other address, low on loopback or a unix
 * socket.
 */
enum severity	 sockrules_listen_severity(const struct sockaddr_info *sa);

#endif
