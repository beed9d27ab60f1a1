/*
 * idfiles: the IdentityFile paths each account's ssh runs used lately --
 * so that ssh-key-read knows a key by the name a client gave it.
 *
 * The exec rules (rules.c, rule_keys) feed every -i and IdentityFile of
 * an ssh run (argv, or a line of the configuration files clientconf.h
 * read), resolved to an absolute path (~ and the cwd joined), under the
 * account (uid) that ran it and the node it ran on.  rule_key_read asks
 * whether a file another identity read is one of them: then it is a
 * private key whatever its name (~/.ssh/work, ~/.ssh/backup).
 *
 * Bounded: IDFILES_PER_ACCOUNT paths per (node, account), IDFILES_MAX in
 * all, the least recently used replaced (counted); a path longer than
 * IDFILES_MAX_PATH or a node name longer than IDFILES_NODELEN is refused
 * (counted), never cut.
 */
#ifndef SW_IDFILES_H
#define SW_IDFILES_H

#include <stddef.h>

#define IDFILES_MAX		512
#define IDFILES_PER_ACCOUNT	8
#define IDFILES_MAX_PATH	1024
#define IDFILES_NODELEN		64

struct idfiles;

/* A table of at most max paths (0 refused: NULL); NULL on no memory. */
struct idfiles	*idfiles_new(size_t max);
void		 idfiles_free(struct idfiles *t);
/*
 * Remembers that account uid on node (NULL: local) used path[0..n) (an
 * absolute path) as an IdentityFile.  Returns 0, or -1 when refused
 * (relative, empty, over a cap; counted).
 */
int		 idfiles_note(struct idfiles *t, const char *node,
		    long long uid, const char *path, size_t n);
/*
 * Did an account on node use path[0..n) as an IdentityFile?  Returns the
 * uid of the one that used it last, or -1.
 */
long long	 idfiles_lookup(const struct idfiles *t, const char *node,
		    const char *path, size_t n);
size_t		 idfiles_count(const struct idfiles *t);
unsigned long long idfiles_evicted(const struct idfiles *t);
unsigned long long idfiles_refused(const struct idfiles *t);

#endif
