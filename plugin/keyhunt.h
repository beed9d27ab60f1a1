/*
 * keyhunt: searching for private keys, and making keys where they do not
 * belong.
 *
 * Run by the sshd persistence rules (sshdwatch.h) on execution events,
 * which only sites with exec rules record (rules.d/extra/
 * 27-sshwatch-hunt.rules has the ones these rules need).  It raises:
 *  - ssh-key-hunt (medium): find with -name/-iname/-path/-regex naming a
 *    private key (id_rsa, id_ed25519, id_*, *.pem, *.key), locate of one,
 *    grep -r (or rg) for "PRIVATE KEY", and tar, zip, 7z, rsync or cp of
 *    another account's .ssh directory (a single key file copied is
 *    ssh-key-read's);
 *  - ssh-keygen-key: ssh-keygen generating a key into another account's
 *    .ssh or a temporary directory (medium), into one's own ~/.ssh (low).
 * The argument vector is matched as the programs read it (an option and
 * its value, attached or not); nothing is executed or read.
 */
#ifndef SW_KEYHUNT_H
#define SW_KEYHUNT_H

#include <stddef.h>

struct rules_ctx;
struct event;
struct alert;

struct framer_event;
/*
 * For the gate: can an execution of exe (decoded bytes) in event fe
 * matter to these rules?  ssh-keygen and locate: always; find, grep, rg,
 * tar, zip, 7z, rsync and cp only when an EXECVE record of fe holds a
 * word these rules look for (id_, .pem, .key, PRIVATE, BEGIN, .ssh), as
 * text or in the kernel's hex encoding: grep runs thousands of times a
 * second on a busy host, and most runs are not worth decoding.
 */
int	 keyhunt_gate(const char *exe, size_t n, const struct framer_event *fe);
/* Runs the rules on an execution event.  Returns the alerts raised. */
int	 keyhunt_rules(const struct rules_ctx *rc, const struct event *ev,
	    void (*fn)(void *, const struct alert *), void *ctx);

#endif
