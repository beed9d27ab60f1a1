/*
 * keyfile: what a file under an account's .ssh directory is, and what an
 * open(2) does to it -- the pure judgements behind ssh-key-read.
 *
 * The rules (rules.c's rule_key_read) hand over a resolved path and the
 * open flags of one PATH item; nothing here touches the file system, so
 * every function is a pure function of its bytes (tested in check_keys).
 *  - keyfile_ssh_dir(): is the path inside a directory named .ssh, at any
 *    depth (~/.ssh/id_rsa, ~/.ssh/keys/prod.pem), and where that
 *    directory ends;
 *  - keyfile_class(): a private key by name (id_* without .pub, *.pem,
 *    *.key), a file that is never a private key (authorized_keys*,
 *    known_hosts*, config, environment, rc, *.pub), or something else;
 *  - keyfile_access(): the open flags decoded exactly: O_RDONLY reads,
 *    O_WRONLY writes (with or without O_TRUNC, O_CREAT, O_APPEND), O_RDWR
 *    both; O_PATH opens neither.
 */
#ifndef SW_KEYFILE_H
#define SW_KEYFILE_H

#include <stddef.h>

enum keyclass {
	KEYCLASS_PRIVATE,	/* a private key by its name */
	KEYCLASS_PUBLIC,	/* never a private key (see above) */
	KEYCLASS_OTHER,		/* any other name under .ssh */
};

/* Access bits of keyfile_access(). */
#define KEYFILE_READ	1
#define KEYFILE_WRITE	2

/* Linux's generic open(2) flags (x86, arm, arm64, riscv, s390, ppc). */
#define KEYFILE_O_ACCMODE	03
#define KEYFILE_O_PATH		010000000

/*
 * Is p[0..n) (absolute and normalised) inside a directory named .ssh?
 * Returns the length of the prefix up to and including the nearest such
 * component ("/home/a/.ssh" of "/home/a/.ssh/keys/x.pem"), or 0.  The
 * file itself must be below it: "/home/a/.ssh" alone gives 0.
 */
size_t		 keyfile_ssh_dir(const char *p, size_t n);
/* What the last component b[0..n) names (see above). */
enum keyclass	 keyfile_class(const char *b, size_t n);
const char	*keyclass_name(enum keyclass c);
/*
 * What an open with these flags does: KEYFILE_READ, KEYFILE_WRITE, both,
 * or 0 (O_PATH: neither).
 */
int		 keyfile_access(unsigned long long flags);

/*
 * For the gate (gate.c): does a PATH record (rec[0..len), the record or
 * its part after the name field) with the decoded
 * name[0..n) matter to the key rules although the name shows no .ssh:
 * a private key by its base name (opened relative to a descriptor), a
 * name whose last component is .ssh (renamed, mounted over), or a
 * directory (nametype=NORMAL, mode=04...), which dirfds.h remembers?
 */
int		 keyfile_gate(const char *name, size_t n, const char *rec,
		    size_t len);

#endif
