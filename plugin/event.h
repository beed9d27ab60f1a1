/*
 * event: one audit event, reassembled from the records auparse hands us.
 *
 * This step sits between auparse (fed by the framer) and the rules.  It
 * walks every record of an auparse event and keeps the fields the rules
 * need, decoded to their exact bytes: the SYSCALL record (syscall, result,
 * arguments, ids, comm, exe, key), the argv of EXECVE records (execve.h),
 * CWD, the PATH items, OPENAT2's flags, and the session records sshd leaves
 * (LOGIN, USER_START, ...).  With ENRICHED input the user names logged by
 * auditd are kept too.
 *
 * One audit event can reach us as several auparse events (auparse ends an
 * event at a record type it believes stands alone, such as LOGIN), so
 * event_add_auparse() may be called more than once per event; it only
 * adds.  Every string is capped; what goes over is counted in `anomalies'.
 */
#ifndef SW_EVENT_H
#define SW_EVENT_H

#include <auparse.h>

#include "buf.h"
#include "execve.h"
#include "sockaddr.h"

#define EVENT_MAX_PATHS		32	/* PATH items kept */
#define EVENT_MAX_FIELD		8192	/* bytes kept of one string field */

enum nametype {
	NT_UNSET = 0, NT_NORMAL, NT_PARENT, NT_CREATE, NT_DELETE, NT_UNKNOWN,
	NT_OTHER
};

struct ev_path {
	long		 item;
	struct buf	 name;
	int		 have_name;
	enum nametype	 nametype;
	unsigned long long inode;	/* 0 when not logged */
	char		 dev[16];	/* "fe:00", "" when not logged */
	long long	 ouid;
	unsigned long	 mode;		/* st_mode, 0 when not logged */
};

/* Fields of the session records sshd and PAM leave. */
struct ev_session {
	int		 type;		/* AUDIT_LOGIN, AUDIT_USER_START, ... */
	long long	 pid, uid, auid, old_auid, ses, old_ses;
	long long	 id;		/* ADD_USER, USER_MGMT: the account */
	struct buf	 op, acct, exe, hostname, addr, terminal;
	int		 success;	/* res=, -1 unknown */
};

#define EVENT_MAX_SESSIONS	4

struct event {
	char		 time[32];	/* "sec.msec" as in msg=audit(...) */
	unsigned long long serial;
	char		*node;		/* or NULL */
	int		 first_type;	/* type of the first record */

	int		 have_syscall;
	unsigned long	 arch;		/* AUDIT_ARCH_* value */
	long		 syscall;
	const char	*syscall_name;	/* from libaudit's tables, or NULL */
	int		 success;	/* -1 unknown */
	long long	 exit;
	unsigned long long a[4];
	long long	 pid, ppid, auid, uid, euid, gid, ses;
	struct buf	 comm, exe, key;
	int		 have_exe;
	char		*auid_name, *uid_name;	/* ENRICHED AUID=, UID= */

	int		 have_execve;
	struct execve	 x;

	int		 have_cwd;
	struct buf	 cwd;

	struct ev_path	 paths[EVENT_MAX_PATHS];
	int		 npaths;

	int		 have_oflag;
	unsigned long long oflag;	/* OPENAT2 */

	struct ev_session sessions[EVENT_MAX_SESSIONS];
	int		 nsessions;

	unsigned	 anomalies;	/* malformed or capped fields */
	unsigned	 nrecords;

	int		 have_sockaddr;	/* SOCKADDR of bind/connect */
	struct sockaddr_info sa;

	/*
	 * URINGOP (uringop.h): the io_uring op, -1 when none.  Its success
	 * and exit are in success and exit (not io_uring_enter's), and
	 * have_syscall is set by it alone.
	 */
	long		 uring_op;
};

void	 event_init(struct event *ev, const struct execve_limits *lim);
void	 event_reset(struct event *ev);
void	 event_free(struct event *ev);
/*
 * Adds every record of auparse's current event to ev.  Returns 0, or -1
 * when the event had no record.
 */
int	 event_add_auparse(struct event *ev, auparse_state_t *au);
/* Completes ev after the last event_add_auparse() (argv reassembly). */
void	 event_finish(struct event *ev);

/*
 * Parses the "sec.msec:serial" of a record's msg=audit(...) header into
 * time[] and *serial.  Returns 0, or -1 when the header is malformed.
 */
int	 event_parse_stamp(const char *rec, size_t len, char *time,
	    size_t timesz, unsigned long long *serial);

#endif
