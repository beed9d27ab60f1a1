/*
 * check_sshopt: the OpenSSH-exact option parser, as a table of argv cases.
 *
 * Each case names the program, the OpenSSH release (0 = newest), the argv
 * (split like a shell: '...' groups), the findings expected (sshfind
 * names, any order), flags (R: OpenSSH would refuse it, N: no connection,
 * B: a forward open on every address) and, optionally, the destination
 * host.  The traps of the seed rule (ssh -l, sftp -R 64, scp -l,
 * ssh host ls -R) are here, silent.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sshopt.h"
#include "testutil.h"

struct tcase {
	enum sshprog	 prog;
	int		 version;
	const char	*argv;
	const char	*expect;	/* space-separated finding names */
	const char	*flags;		/* R, N, B */
	const char	*host;		/* or NULL: not checked */
};

#define SSH	SSHPROG_SSH
#define SCP	SSHPROG_SCP
#define SFTP	SSHPROG_SFTP
#define ADD	SSHPROG_SSH_ADD

static const struct tcase cases[] = {
	/* Tunnels, and the BSD getopt forms they come in. */
	{ SSH, 0, "ssh -D 1080 h", "dynamic-forward", "", "h" },
	{ SSH, 0, "ssh -fND1080 h", "dynamic-forward no-command fork", "",
	  "h" },
	{ SSH, 0, "ssh -NfL 8080:h2:80 h", "local-forward no-command fork",
	  "", "h" },
	{ SSH, 0, "ssh -D1080 -N -f alice@h", "dynamic-forward no-command fork",
	  "", "h" },
	{ SSH, 0, "ssh h -D 1080", "dynamic-forward", "", "h" },
	{ SSH, 0, "ssh -R 9000:localhost:22 h", "remote-forward", "", "h" },
	{ SSH, 0, "ssh -R9000 h", "remote-forward", "", "h" },
	{ SSH, 0, "ssh -w 0:0 h", "tun-device", "", "h" },
	{ SSH, 0, "ssh -w any h", "tun-device", "", "h" },
	{ SSH, 0, "ssh -W h2:22 jump", "stdio-forward", "", "jump" },
	{ SSH, 0, "ssh -W '[10.0.0.1]:22' jump", "stdio-forward", "",
	  "jump" },
	{ SSH, 0, "ssh -N h", "no-command", "", "h" },
	{ SSH, 0, "ssh -o DynamicForward=1080 h", "dynamic-forward", "", "h" },
	{ SSH, 0, "ssh -o 'LocalForward 8080 h2:80' h", "local-forward", "",
	  "h" },
	{ SSH, 0, "ssh -o RemoteForward=9000 h", "remote-forward", "", "h" },
	{ SSH, 0, "ssh -o 'RemoteForward 9000 localhost:22' h",
	  "remote-forward", "", "h" },
	{ SSH, 0, "ssh -o LocalForward=8080 h", "", "R", "h" },
	{ SSH, 0, "ssh -o Tunnel=yes h", "tun-device", "", "h" },
	{ SSH, 0, "ssh -o Tunnel=point-to-point -w 1 h",
	  "tun-device tun-device", "",
	  "h" },
	{ SSH, 0, "ssh -o Tunnel=no -w 0 h", "", "", "h" },
	{ SSH, 0, "ssh -o SessionType=none h", "no-command", "", "h" },
	{ SSH, 0, "ssh -o SessionType=default -N h", "no-command", "R", "h" },
	{ SSH, 0, "ssh -N -s h", "", "R", "h" },
	{ SSH, 0, "ssh -S ctl -M -fN -D 1080 h",
	  "dynamic-forward no-command fork", "", "h" },
	{ SSH, 0, "ssh -g -L 8080:h2:80 h", "local-forward gateway-ports", "B",
	  "h" },
	{ SSH, 0, "ssh -L 0.0.0.0:8080:h2:80 h", "local-forward", "B", "h" },
	{ SSH, 0, "ssh -D '*:1080' h", "dynamic-forward", "B", "h" },
	{ SSH, 0, "ssh -D localhost:1080 h", "dynamic-forward", "", "h" },
	{ SSH, 0, "ssh -o ClearAllForwardings=yes -L 1:h:2 h", "", "", "h" },
	{ SSH, 0, "ssh -L 1:h:2 -o ClearAllForwardings=yes h", "", "", "h" },
	{ SSH, 0, "ssh -o ClearAllForwardings=yes -w 0 h", "", "", "h" },
	{ SSH, 0, "ssh -o ClearAllForwardings=yes -W h2:22 h",
	  "stdio-forward", "", "h" },
	{ SSH, 0, "ssh -O forward -L 1:h:2 h", "local-forward", "", "h" },
	{ SSH, 0, "ssh -O cancel -L 1:h:2 h", "", "", "h" },
	{ SSH, 0, "ssh -O check h", "", "N", "h" },
	{ SSH, 0, "ssh -O bogus h", "", "R", "h" },
	{ SSH, 0, "ssh -G -D 1080 h", "dynamic-forward", "N", "h" },
	{ SSH, 0, "ssh -V", "", "NR", NULL },
	{ SSH, 0, "ssh -D bad:spec:too:many h", "", "R", "h" },
	{ SSH, 0, "ssh -L 8080 h", "", "R", "h" },
	{ SSH, 0, "ssh -L 8080:/run/db.sock h", "local-forward", "", "h" },

	/* The remote command is never parsed; `--' ends options. */
	{ SSH, 0, "ssh h ls -R /", "", "", "h" },
	{ SSH, 0, "ssh h -- -D 1", "", "", "h" },
	{ SSH, 0, "ssh -- h -D 1", "", "", "h" },
	{ SSH, 0, "ssh -v -- h -D 1", "", "", "h" },
	{ SSH, 0, "ssh h echo -L 1:2:3", "", "", "h" },
	{ SSH, 0, "ssh h -v -L 1:h:2 cmd -R 3:h:4", "local-forward", "", "h" },
	/*
	 * ssh.c tests the element before the host for "--": an optarg too
	 * (and then refuses "--" as a user name, as it refuses "-v-" and "-"
	 * as host names).
	 */
	{ SSH, 0, "ssh -l -- h -D 1", "", "R", "h" },
	/* A trailing '-' in a cluster ends options without consuming it. */
	{ SSH, 0, "ssh -v- h -D 1", "", "R", "-v-" },
	{ SSH, 0, "ssh - -D 1", "dynamic-forward", "R", "-" },
	{ SSH, 0, "ssh -l alice h", "", "", "h" },
	{ SSH, 0, "ssh -lalice -p 2222 h", "", "", "h" },
	{ SSH, 0, "ssh -v -v -v h true", "", "", "h" },
	{ SSH, 0, "ssh ssh://alice@h:2222 -D 1", "dynamic-forward", "", "h" },
	{ SSH, 0, "ssh @h", "", "R", "h" },
	{ SSH, 0, "ssh -D", "", "R", NULL },
	{ SSH, 0, "ssh -D 1080", "dynamic-forward", "R", NULL },
	/* After an error BSD getopt goes on in the cluster: f, then -o "o". */
	{ SSH, 0, "ssh --foo -D 1080 h", "dynamic-forward fork", "R", "h" },

	/* Releases: -P takes a tag from 9.4, -Z exists from 10.5. */
	{ SSH, 902, "ssh -P h1 h2 -D 1080", "", "", "h1" },
	{ SSH, 904, "ssh -P h1 h2 -D 1080", "dynamic-forward", "", "h2" },
	{ SSH, 1005, "ssh -P tag h -D 1080", "dynamic-forward", "", "h" },
	{ SSH, 904, "ssh -Z -D 1080 h", "dynamic-forward", "R", "h" },
	{ SSH, 1005, "ssh -Z -D 1080 h", "dynamic-forward", "", "h" },

	/* Pivots. */
	{ SSH, 0, "ssh -J jump h", "proxy-jump", "", "h" },
	{ SSH, 0, "ssh -J alice@j1:2222,j2 h", "proxy-jump", "", "h" },
	{ SSH, 0, "ssh -J none h", "", "", "h" },
	{ SSH, 0, "ssh -o ProxyJump=jump h", "proxy-jump", "", "h" },
	{ SSH, 0, "ssh -o proxyjump=NONE h", "", "", "h" },
	{ SSH, 0, "ssh -o 'ProxyCommand=nc %h %p' h", "proxy-command", "",
	  "h" },
	{ SSH, 0, "ssh -o 'ProxyCommand ssh -W %h:%p j' h", "proxy-command",
	  "", "h" },
	{ SSH, 0, "ssh -o 'ProxyCommand none' h", "", "", "h" },
	{ SSH, 0, "ssh -o ProxyCommand=none -o ProxyJump=j h", "", "", "h" },
	{ SSH, 0, "ssh -o ProxyJump=j -o ProxyCommand=x h", "proxy-jump", "",
	  "h" },
	{ SSH, 0, "ssh -J a -J b h", "proxy-jump", "R", "h" },
	{ SSH, 0, "ssh -o ProxyCommand=x -J a h", "proxy-command", "R", "h" },

	/* Keys. */
	{ SSH, 0, "ssh -i /tmp/k h", "identity-file", "", "h" },
	{ SSH, 0, "ssh -i/tmp/k h", "identity-file", "", "h" },
	{ SSH, 0, "ssh -Ai/tmp/k h", "identity-file agent-forward", "", "h" },
	{ SSH, 0, "ssh -o IdentityFile=/tmp/k h", "identity-file", "", "h" },
	{ SSH, 0, "ssh -o IdentityFile2=/tmp/k h", "identity-file", "", "h" },
	{ SSH, 0, "ssh -o identityfile=none h", "", "", "h" },
	{ SSH, 0, "ssh -i a -i b h", "identity-file identity-file", "", "h" },
	{ SSH, 0, "ssh -e none -i ~/.ssh/id h", "identity-file", "", "h" },

	/* Host-key checking: values case-insensitive, first wins. */
	{ SSH, 0, "ssh -o StrictHostKeyChecking=no h", "no-hostcheck", "",
	  "h" },
	{ SSH, 0, "ssh -oStrictHostKeyChecking=no h", "no-hostcheck", "", "h" },
	{ SSH, 0, "ssh -o 'StrictHostKeyChecking no' h", "no-hostcheck", "",
	  "h" },
	{ SSH, 0, "ssh -o 'stricthostkeychecking = OFF' h", "no-hostcheck", "",
	  "h" },
	{ SSH, 0, "ssh -o StrictHostKeyChecking=False h", "no-hostcheck", "",
	  "h" },
	{ SSH, 0, "ssh -o 'StrictHostKeyChecking \"no\"' h", "no-hostcheck",
	  "", "h" },
	{ SSH, 0, "ssh -o '\"StrictHostKeyChecking\" no' h", "no-hostcheck",
	  "", "h" },
	{ SSH, 0, "ssh -o StrictHostKeyChecking=yes h", "", "", "h" },
	{ SSH, 0, "ssh -o StrictHostKeyChecking=accept-new h", "", "", "h" },
	{ SSH, 0, "ssh -o StrictHostKeyChecking=ask h", "", "", "h" },
	{ SSH, 0, "ssh -o StrictHostKeyChecking=yes "
	  "-o StrictHostKeyChecking=no h", "", "", "h" },
	{ SSH, 0, "ssh -o StrictHostKeyChecking=maybe h", "", "R", "h" },
	{ SSH, 0, "ssh -o StrictHostKeyChecking==no h", "", "R", "h" },
	{ SSH, 0, "ssh -o 'StrictHostKeyChecking no extra' h", "no-hostcheck",
	  "R", "h" },
	{ SSH, 0, "ssh -o UserKnownHostsFile=/dev/null h", "no-hostcheck", "",
	  "h" },
	{ SSH, 0, "ssh -o 'UserKnownHostsFile /dev/null ~/.ssh/known_hosts' h",
	  "", "", "h" },
	{ SSH, 0, "ssh -o GlobalKnownHostsFile=none h", "no-hostcheck", "",
	  "h" },
	{ SSH, 0, "ssh -o '#StrictHostKeyChecking no' h", "", "", "h" },
	{ SSH, 0, "ssh -o StrictHostKeyChecking h", "", "R", "h" },

	/* Agent forwarding: -A/-a assign, -o ForwardAgent only if unset. */
	{ SSH, 0, "ssh -A h", "agent-forward", "", "h" },
	{ SSH, 0, "ssh -A -a h", "", "", "h" },
	{ SSH, 0, "ssh -a -A h", "agent-forward", "", "h" },
	{ SSH, 0, "ssh -o ForwardAgent=yes h", "agent-forward", "", "h" },
	{ SSH, 0, "ssh -o ForwardAgent=no h", "", "", "h" },
	{ SSH, 0, "ssh -o ForwardAgent=no -A h", "agent-forward", "", "h" },
	{ SSH, 0, "ssh -A -o ForwardAgent=no h", "agent-forward", "", "h" },
	{ SSH, 0, "ssh -o ForwardAgent=/tmp/sock h", "agent-forward", "", "h" },
	{ SSH, 0, "ssh -o IdentityAgent=/home/bob/agent.sock h",
	  "identity-agent", "", "h" },
	{ SSH, 0, "ssh -o IdentityAgent=none h", "", "", "h" },
	{ SSH, 0, "ssh -o IdentityAgent=SSH_AUTH_SOCK h", "", "", "h" },

	/* scp: its own options differ; -o forwards are cleared. */
	{ SCP, 0, "scp -l 100 f h:/tmp/", "", "", "h" },
	{ SCP, 0, "scp -i /tmp/k f h:", "identity-file", "", "h" },
	{ SCP, 0, "scp -o StrictHostKeyChecking=no f alice@h:x",
	  "no-hostcheck", "", "h" },
	{ SCP, 0, "scp -o 'LocalForward 1 h:2' f h:", "", "", "h" },
	{ SCP, 0, "scp -o DynamicForward=1080 f h:", "", "", "h" },
	{ SCP, 0, "scp -J jump f h:", "proxy-jump", "", "h" },
	{ SCP, 0, "scp -A f h:", "agent-forward", "", "h" },
	{ SCP, 0, "scp -o ForwardAgent=yes f h:", "agent-forward", "", "h" },
	{ SCP, 800, "scp -o ForwardAgent=yes f h:", "", "", "h" },
	{ SCP, 800, "scp -A f h:", "", "R", "h" },
	{ SCP, 0, "scp f h:", "", "", "h" },
	{ SCP, 0, "scp -D /usr/lib/openssh/sftp-server f h:", "", "N", NULL },
	{ SCP, 0, "scp a b", "", "N", NULL },
	{ SCP, 0, "scp -t /tmp", "", "N", NULL },
	{ SCP, 0, "scp -r -3 h1:f h2:f", "", "", "h1" },
	{ SCP, 0, "scp -P 2222 f 'user@[::1]:/x'", "", "", "::1" },
	{ SCP, 0, "scp -o Port=2222 f scp://alice@h:22/x", "", "", "h" },
	{ SCP, 807, "scp -X buffer=1 f h:", "", "R", NULL },

	/* sftp: -R is a request count, -D a local server. */
	{ SFTP, 0, "sftp -R 64 h", "", "", "h" },
	{ SFTP, 0, "sftp -R 64 -P 2222 alice@h", "", "", "h" },
	{ SFTP, 0, "sftp -i /tmp/k h", "identity-file", "", "h" },
	{ SFTP, 0, "sftp -o StrictHostKeyChecking=no h", "no-hostcheck", "",
	  "h" },
	{ SFTP, 0, "sftp -D /usr/lib/openssh/sftp-server", "", "N", NULL },
	{ SFTP, 0, "sftp -J j h", "proxy-jump", "", "h" },
	{ SFTP, 0, "sftp -A h", "agent-forward", "", "h" },
	{ SFTP, 0, "sftp -o 'RemoteForward 9000 localhost:22' h", "", "", "h" },
	{ SFTP, 0, "sftp -b batch alice@h:/tmp", "", "", "h" },
	{ SFTP, 0, "sftp sftp://alice@h:2222/x", "", "", "h" },
	{ SFTP, 0, "sftp h a b", "", "R", "h" },

	/* ssh-add: adding keys, not listing, deleting or locking. */
	{ ADD, 0, "ssh-add /tmp/k", "add-key", "", NULL },
	{ ADD, 0, "ssh-add", "add-key", "", NULL },
	{ ADD, 0, "ssh-add -t 60 -c /tmp/k /tmp/k2", "add-key add-key", "",
	  NULL },
	{ ADD, 0, "ssh-add -l", "", "", NULL },
	{ ADD, 0, "ssh-add -L", "", "", NULL },
	{ ADD, 0, "ssh-add -d /tmp/k", "", "", NULL },
	{ ADD, 0, "ssh-add -D", "", "", NULL },
	{ ADD, 0, "ssh-add -x", "", "", NULL },
	{ ADD, 0, "ssh-add -T k.pub", "", "", NULL },
	{ ADD, 0, "ssh-add -s /usr/lib/x/opensc-pkcs11.so", "add-key", "",
	  NULL },
	{ ADD, 0, "ssh-add -e /usr/lib/x/opensc-pkcs11.so", "", "", NULL },
	{ ADD, 0, "ssh-add -K", "add-key", "", NULL },
	{ ADD, 0, "ssh-add -l -D", "", "R", NULL },
	{ ADD, 0, "ssh-add -", "add-key", "", NULL },
	{ ADD, 800, "ssh-add -K", "add-key", "R", NULL },
};

/* Compares the multiset of finding names with the expected list. */
static void
check_case(const struct tcase *c)
{
	struct sshopt so;
	size_t argc, nexp, i, j;
	char **argv = tu_split(c->argv, &argc);
	char **exp = tu_split(c->expect, &nexp);
	int *used, bind_all = 0;

	ck_assert_int_eq(sshopt_parse(&so, c->prog, c->version ? c->version :
	    SSHOPT_VERSION_NEWEST, argc, (const char *const *)argv), 0);
	used = calloc(nexp + 1, sizeof(*used));
	for (i = 0; i < so.nfinds; i++) {
		const char *name = sshfind_name(so.finds[i].kind);

		bind_all |= so.finds[i].bind_all;
		for (j = 0; j < nexp; j++)
			if (!used[j] && strcmp(exp[j], name) == 0)
				break;
		ck_assert_msg(j < nexp, "%s: unexpected finding %s (%s)",
		    c->argv, name, so.finds[i].text);
		used[j] = 1;
	}
	ck_assert_msg(so.nfinds == nexp, "%s: %zu findings, expected %zu",
	    c->argv, so.nfinds, nexp);
	ck_assert_msg((so.reject != NULL) == (strchr(c->flags, 'R') != NULL),
	    "%s: reject=%s", c->argv, so.reject ? so.reject : "(none)");
	ck_assert_msg(so.no_connect == (strchr(c->flags, 'N') != NULL),
	    "%s: no_connect=%d", c->argv, so.no_connect);
	ck_assert_msg(bind_all == (strchr(c->flags, 'B') != NULL),
	    "%s: bind_all=%d", c->argv, bind_all);
	if (c->host != NULL)
		ck_assert_msg(so.host != NULL && strcmp(so.host, c->host) == 0,
		    "%s: host=%s, expected %s", c->argv,
		    so.host ? so.host : "(null)", c->host);
	free(used);
	sshopt_free(&so);
	tu_free_words(argv);
	tu_free_words(exp);
}

START_TEST(test_table)
{
	check_case(&cases[_i]);
}
END_TEST

START_TEST(test_table_size)
{
	/* The issue asks for at least 80 cases. */
	ck_assert_uint_ge(sizeof(cases) / sizeof(cases[0]), 80);
}
END_TEST

/* The text shown in an alert is the option as given. */
START_TEST(test_texts)
{
	const char *argv[] = { "ssh", "-fND1080", "-o",
	    "StrictHostKeyChecking no", "h", NULL };
	struct sshopt so;
	int seen = 0;
	size_t i;

	ck_assert_int_eq(sshopt_parse(&so, SSHPROG_SSH, SSHOPT_VERSION_NEWEST,
	    5, argv), 0);
	for (i = 0; i < so.nfinds; i++) {
		if (so.finds[i].kind == SF_DYNAMIC_FORWARD) {
			ck_assert_str_eq(so.finds[i].text, "-D 1080");
			ck_assert_str_eq(so.finds[i].value, "1080");
			ck_assert_int_eq(so.finds[i].argi, 1);
			seen++;
		}
		if (so.finds[i].kind == SF_NO_HOSTCHECK) {
			ck_assert_str_eq(so.finds[i].text,
			    "-o StrictHostKeyChecking no");
			ck_assert_int_eq(so.finds[i].argi, 2);
			seen++;
		}
	}
	ck_assert_int_eq(seen, 2);
	ck_assert_int_eq(so.command_argi, -1);
	sshopt_free(&so);
}
END_TEST

START_TEST(test_command_index)
{
	const char *argv[] = { "ssh", "h", "-v", "ls", "-R", "/", NULL };
	struct sshopt so;

	sshopt_parse(&so, SSHPROG_SSH, SSHOPT_VERSION_NEWEST, 6, argv);
	ck_assert_int_eq(so.host_argi, 1);
	ck_assert_int_eq(so.command_argi, 3);
	ck_assert_uint_eq(so.nfinds, 0);
	sshopt_free(&so);
}
END_TEST

START_TEST(test_versions)
{
	ck_assert_int_eq(sshopt_version_parse("9.2"), 902);
	ck_assert_int_eq(sshopt_version_parse("9.2p1"), 902);
	ck_assert_int_eq(sshopt_version_parse("OpenSSH_8.7p1 Ubuntu"), 807);
	ck_assert_int_eq(sshopt_version_parse("10.0"), 1000);
	ck_assert_int_eq(sshopt_version_parse("7.4"), -1);
	ck_assert_int_eq(sshopt_version_parse("9"), -1);
	ck_assert_int_eq(sshopt_version_parse("x9.2"), -1);
	ck_assert_int_eq(sshopt_version_parse("9.2x"), -1);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_int_eq(sshprog_from_name("ssh"), SSHPROG_SSH);
	ck_assert_int_eq(sshprog_from_name("scp"), SSHPROG_SCP);
	ck_assert_int_eq(sshprog_from_name("sftp"), SSHPROG_SFTP);
	ck_assert_int_eq(sshprog_from_name("ssh-add"), SSHPROG_SSH_ADD);
	ck_assert_int_eq(sshprog_from_name("ssh-agent"), SSHPROG_SSH_AGENT);
	ck_assert_int_eq(sshprog_from_name("sshd"), SSHPROG_NONE);
	ck_assert_int_eq(sshprog_from_name("ssh-keygen"), SSHPROG_NONE);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sshopt");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_table, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_table_size);
	tcase_add_test(tc, test_texts);
	tcase_add_test(tc, test_command_index);
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return tu_run(s, 0);
}
