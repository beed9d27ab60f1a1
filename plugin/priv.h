/*
 * priv: what plugin mode keeps of the privileges auditd starts it with.
 *
 * auditd runs its plugins as root with every capability.  After start-up
 * the plugin needs at most one: CAP_AUDIT_WRITE, for the audit sink (the
 * kernel checks it on every record sent, in the sending thread and in
 * whoever opened the netlink socket, and a reload opens a new socket).
 * It keeps CAP_DAC_READ_SEARCH too: for the start-up look at every
 * account's ~/.ssh (inodes_seed()), and for reading, when a client runs,
 * the client configuration that account's ssh reads (a 0600
 * ~/.ssh/config: clientconf.h; sshconfio.h reads only what the account
 * itself could).  It lets the plugin read and search, never write.
 * Everything else it does afterwards -- reading
 * its configuration and allow_dir, opening the JSON file and the spool,
 * connecting out to the aggregator, syslog -- root does as the owner of
 * those files, with no capability.
 *
 * A thread's capabilities are its own and a new thread copies its
 * creator's, so priv_drop() must run before any thread is started.
 */
#ifndef SW_PRIV_H
#define SW_PRIV_H

/*
 * Keeps CAP_AUDIT_WRITE in the effective and permitted sets when
 * audit_write is set (and the process holds it), CAP_DAC_READ_SEARCH
 * (when held), and no other capability; empties the bounding, inheritable and ambient sets.  Logs
 * one line with what is kept.  A process that holds no capability (not
 * root) is left alone, silently.  A failure is logged and never fatal.
 * Without libcap-ng it keeps everything and says so.
 */
void	 priv_drop(int audit_write);

/* 0 once priv_drop() has given CAP_AUDIT_WRITE up, else 1. */
int	 priv_audit_write(void);

#endif
