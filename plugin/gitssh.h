/*
 * gitssh: is an ssh client git's own transport?
 *
 * Part of the rules step (rules.h), for ssh-chain.  `git fetch', `git
 * push', `git ls-remote' and `git clone' over ssh start
 *	ssh [-o SendEnv=GIT_PROTOCOL] [-p PORT] HOST "git-upload-pack '/r.git'"
 * as a child of git: inside a session that came in over SSH this is a
 * hop, but the one every developer and deploy job makes.  It is git's
 * transport when both hold:
 *  - the client's parent is git (its exe's base name, or its comm when
 *    the exe is not known: "git", "git-remote-*", "git-upload-pack",
 *    "git-receive-pack", "git-upload-archive", "git-send-pack",
 *    "git-fetch-pack"), or a shell (sh, dash, bash) whose parent is
 *    (core.sshCommand with shell syntax);
 *  - the remote command is exactly git-upload-pack, git-receive-pack or
 *    git-upload-archive (by base name) and one repository path: either
 *    the single word git writes (the name, a space, the path quoted as
 *    git's sq_quote() does) or two words (the name, then a path quoted so
 *    or made of [A-Za-z0-9/._~+-] only).  Anything a remote shell would
 *    read as more (`;', `$(', a second path) is not.
 * The same command typed by hand (no git parent) is not the transport.
 * rule_chain() does not ask when the argv was truncated (words of the
 * remote command may be missing).
 */
#ifndef SW_GITSSH_H
#define SW_GITSSH_H

#include <stddef.h>

#include "procs.h"
#include "sshopt.h"

/*
 * argv[0..argc) is the client's own argv as sshopt_parse() read it into
 * so; anc[0..nanc) its ancestry (context.h), parent first.  Returns NULL,
 * or a static note saying why the client is git's transport.
 */
const char	*gitssh_transport(const struct sshopt *so, size_t argc,
		    const char *const *argv, const struct proc *const *anc,
		    size_t nanc);
/* Pure checks, exported for the tests. */
int		 gitssh_is_git(const struct proc *p);
int		 gitssh_command(size_t nwords, const char *const *words);

#endif
