/*
 * sshchain: judging the remote command of an ssh started inside an SSH
 * session (rules.c's ssh-chain), for the false alarm admins hit most:
 * git fetch, pull, push and ls-remote over SSH run
 *     ssh [-o SendEnv=GIT_PROTOCOL] [-p PORT] host "git-upload-pack '/repo'"
 * (git-receive-pack for a push, git-upload-archive for git archive), one
 * argv word that git quotes itself.  Such a hop moves repository data,
 * not a shell: ssh-chain is then low.  Anything else in the word -- a
 * second command, a shell metacharacter outside git's quotes -- is not
 * git's and keeps the rule's severity.  A pure function of argv.
 */
#ifndef SW_SSHCHAIN_H
#define SW_SSHCHAIN_H

#include <stddef.h>

/*
 * Is the remote command words[0..n) exactly git's: one word,
 * "git-upload-pack", "git-receive-pack" or "git-upload-archive" (or
 * "git upload-pack" ...), a space, and one single-quoted path with no
 * quote, backslash or control byte in it?  Returns the service name
 * (static) or NULL.
 */
const char	*sshchain_git_service(const char *const *words,
		    const size_t *lens, size_t n);

#endif
