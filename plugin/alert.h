/*
 * alert: what a rule raises, and its JSON and text forms.
 *
 * The rules (rules.h) fill a struct alert that points back at the event it
 * came from; the sinks turn it into one JSON object per line (the format
 * other tools read: the field names below are a contract, documented in
 * audisp-sshwatch(8)) or one readable text line.
 */
#ifndef SW_ALERT_H
#define SW_ALERT_H

#include <stddef.h>

#include "buf.h"
#include "event.h"
#include "procs.h"
#include "sessions.h"
#include "pathclass.h"
#include "sshopt.h"

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };
enum confidence { CONF_LOW, CONF_MEDIUM, CONF_HIGH };

#define ALERT_MAX_MATCH	64
#define ALERT_MAX_KEYS	16
#define ALERT_MAX_LINE	(1024 * 1024)	/* one JSON or text line */
#define ALERT_SHOW_ANC	4		/* ancestors shown in JSON */

struct alert_key {
	char		*path;		/* resolved */
	enum keyloc	 loc;
};

/* A directive of sshd's configuration that changed (sshdwatch.h). */
struct alert_config {
	const char	*file;
	unsigned	 line;
	const char	*directive;
	const char	*block;		/* Match criteria, NULL: global */
	const char	*old, *new;	/* NULL: not set */
};

/* A key added to or removed from an authorized_keys file (akeys.h). */
struct alert_akey {
	const char	*fingerprint;	/* "SHA256:..." */
	const char	*type;
	const char	*comment;	/* or NULL */
	const char	*options;	/* or NULL */
	int		 removed;
};

struct alert {
	const char		*rule;
	enum severity		 severity;
	enum confidence		 confidence;
	const char *const	*tags;		/* NULL-terminated, static */
	const char		*match[ALERT_MAX_MATCH];
	size_t			 nmatch;
	enum sshprog		 program;
	const char		*destination_user;
	const char		*destination_host;
	struct alert_key	 keys[ALERT_MAX_KEYS];
	size_t			 nkeys;
	/* File rules. */
	const char		*file_path;
	size_t			 file_pathlen;
	int			 file_resolved;
	const char		*file_op;
	const char		*file_target;	/* the file a link leads to */
	const char		*file_owner;	/* whose home holds it */
	long long		 file_dirfd;	/* -1 unless unresolved */
	const char		*note;		/* why confidence is lowered */
	const char		*via;		/* e.g. "ld.so" */
	int			 truncated;
	const struct event	*ev;
	/* Context (context.h): parent first, and the session's origin. */
	const struct proc	*anc[PROCS_DEPTH];
	size_t			 nanc;
	const struct session	*session;
	const char		*allowed_by;	/* suppressed: "FILE:LINE" */
	/* Socket rules (sockrules.h): the bind or connect, or NULL. */
	const char		*sock_op;	/* "bind", "connect" */
	const struct sockaddr_info *sock;
	long long		 sock_owner;	/* unix socket's uid, -1 */
	int			 sock_in_argv;	/* 1, 0; -1 not known */
	/* sshd persistence rules (sshdwatch.h): what changed. */
	const struct alert_config *config;
	size_t			 nconfig;
	const struct alert_akey	*akeys;
	size_t			 nakeys;
	const char *const	*lines;		/* lines added to a file */
	size_t			 nlines;
};

const char	*severity_name(enum severity s);
const char	*confidence_name(enum confidence c);

/*
 * Appends the alert as one JSON object and '\n'.  Returns 0; or 1 when it
 * would not fit in out whole, and every string longer than N bytes was cut
 * to its first N, N as large as fits ("truncated" is true); or -1 when
 * even that does not fit.
 */
int	 alert_json(const struct alert *a, struct buf *out);
/* Appends the alert as one text line and '\n'.  -1 when out is full. */
int	 alert_text(const struct alert *a, struct buf *out);
struct repeat;
/* A repeat record (filter.h) as JSON and as text. */
int	 alert_repeat_json(const struct repeat *r, struct buf *out);
int	 alert_repeat_text(const struct repeat *r, struct buf *out);

#endif
