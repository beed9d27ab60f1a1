/*
 * Round trip of the encoders: the input, split at NUL bytes, becomes the
 * bytes of an ssh command line (its identity file, host and remote
 * command), a working directory, an executable and an authorized_keys
 * path, written the way the kernel writes them (auval_encode: hex when
 * they need it).
 * The two events run through the whole pipeline, and each alert must
 * carry exactly those bytes and decode back to them from its JSON and
 * from its audit record (fuzz_check_alert).  The pipeline lives across
 * inputs, as in fuzz_stream.c.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "auval.h"
#include "cfg.h"
#include "framer.h"
#include "fuzzutil.h"
#include "pipeline.h"
#include "sshopt.h"
#include "users.h"

#define MAX_PIECES	64

struct want {
	const char	*argv[MAX_PIECES + 8];
	size_t		 len[MAX_PIECES + 8];
	size_t		 argc;
	const char	*exe;
	size_t		 exelen;
	unsigned long	 alerts;
};

static void
on_alert(void *ctx, const struct alert *a)
{
	struct want *w = ctx;
	const struct event *ev = a->ev;
	size_t i;

	fuzz_check_alert(a);
	w->alerts++;
	if (ev->have_execve && !ev->x.truncated) {
		if (ev->x.out_argc != w->argc)
			fuzz_fail("argc %zu, not %zu", ev->x.out_argc, w->argc);
		for (i = 0; i < w->argc; i++)
			if (ev->x.out_len[i] != w->len[i] ||
			    memcmp(ev->x.out_argv[i], w->argv[i], w->len[i]))
				fuzz_fail("argv[%zu] changed", i);
	}
	if (a->file_path != NULL && ev->have_exe &&
	    (ev->exe.len != w->exelen ||
	    memcmp(buf_str(&ev->exe), w->exe, w->exelen) != 0))
		fuzz_fail("exe changed");
}

static void
syscall_rec(struct buf *t, unsigned serial, int nr, const char *a2,
    const char *exe, size_t exelen, int items)
{
	buf_addf(t, "type=SYSCALL msg=audit(1795820629.395:%u): arch=c000003e "
	    "syscall=%d success=yes exit=3 a0=ffffff9c a1=7fff49efd9af a2=%s "
	    "a3=1b6 items=%d ppid=25615 pid=25616 auid=1001 uid=1001 gid=1001 "
	    "euid=1001 suid=1001 fsuid=1001 egid=1001 sgid=1001 fsgid=1001 "
	    "tty=(none) ses=597 comm=\"x\" exe=", serial, nr, a2, items);
	auval_encode(exe, exelen, t);
	buf_adds(t, " key=\"sshw\"\n");
}

static void
cwd_rec(struct buf *t, unsigned serial, const char *cwd, size_t n)
{
	buf_addf(t, "type=CWD msg=audit(1795820629.395:%u): cwd=", serial);
	auval_encode(cwd, n, t);
	buf_addc(t, '\n');
}

static void
path_rec(struct buf *t, unsigned serial, int item, const char *name,
    size_t n, const char *nametype)
{
	buf_addf(t, "type=PATH msg=audit(1795820629.395:%u): item=%d name=",
	    serial, item);
	auval_encode(name, n, t);
	buf_addf(t, " inode=1065182 dev=fe:00 mode=0100644 ouid=1001 "
	    "ogid=1001 rdev=00:00 nametype=%s cap_fp=0 cap_fi=0 cap_fe=0 "
	    "cap_fver=0 cap_frootid=0\n", nametype);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	static struct cfg cfg;
	static struct users users;
	static const char *const fixed[] = { "ssh", "-N", "-D", "1080", "-i" };
	const char *piece[MAX_PIECES];
	size_t plen[MAX_PIECES], npieces = 0, i, start;
	char *copy;
	struct want w;
	struct buf t, akpath;
	static struct pipeline *pl;
	static struct want cur;
	struct framer *fr;

	if (!init) {
		cfg_defaults(&cfg);
		users_init(&users);
		users_add(&users, "sshw-alice", 1001, "/home/sshw-alice");
		init = 1;
	}
	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (start = 0, i = 0; i <= size && npieces < MAX_PIECES; i++)
		if (copy[i] == '\0') {
			piece[npieces] = copy + start;
			plen[npieces++] = i - start;
			start = i + 1;
		}
	while (npieces < 4) {
		piece[npieces] = "";
		plen[npieces++] = 0;
	}
	/* ssh -N -D 1080 -i P0 P1 [P4...]: key, host, remote command. */
	memset(&w, 0, sizeof(w));
	for (i = 0; i < 5; i++) {
		w.argv[w.argc] = fixed[i];
		w.len[w.argc++] = strlen(fixed[i]);
	}
	w.argv[w.argc] = piece[0];
	w.len[w.argc++] = plen[0];
	w.argv[w.argc] = piece[1];
	w.len[w.argc++] = plen[1];
	for (i = 4; i < npieces; i++) {
		w.argv[w.argc] = piece[i];
		w.len[w.argc++] = plen[i];
	}
	w.exe = piece[2];
	w.exelen = plen[2];

	buf_init(&t, 64 << 20);
	buf_init(&akpath, 1 << 20);
	syscall_rec(&t, 100, 59, "0", "/usr/bin/ssh", 12, 1);
	buf_adds(&t, "type=EXECVE msg=audit(1795820629.395:100): ");
	buf_addf(&t, "argc=%zu", w.argc);
	for (i = 0; i < w.argc; i++) {
		buf_addf(&t, " a%zu=", i);
		auval_encode(w.argv[i], w.len[i], &t);
	}
	buf_addc(&t, '\n');
	cwd_rec(&t, 100, piece[3], plen[3]);
	path_rec(&t, 100, 0, "/usr/bin/ssh", 12, "NORMAL");
	buf_adds(&t, "type=EOE msg=audit(1795820629.395:100): \n");
	/* An append to P3/P1/.ssh/authorized_keys by the program P2. */
	buf_add(&akpath, piece[1], plen[1]);
	buf_adds(&akpath, "/.ssh/authorized_keys");
	syscall_rec(&t, 101, 257, "441", piece[2], plen[2], 1);
	cwd_rec(&t, 101, piece[3], plen[3]);
	path_rec(&t, 101, 0, buf_str(&akpath), akpath.len, "NORMAL");
	buf_adds(&t, "type=EOE msg=audit(1795820629.395:101): \n");

	if (pl == NULL)
		pl = pipeline_new(&cfg, &users, SSHOPT_VERSION_NEWEST,
		    on_alert, &cur);
	cur = w;
	fr = pl != NULL ? framer_new(&framer_replay_limits, pipeline_event,
	    pl) : NULL;
	if (fr != NULL && !t.over) {
		framer_feed(fr, t.p, t.len);
		framer_flush(fr);
	}
	framer_free(fr);
	buf_free(&t);
	buf_free(&akpath);
	free(copy);
	return 0;
}
