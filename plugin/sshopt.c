/*
 * sshopt: OpenSSH-exact argv parsing (see sshopt.h for the contract).
 *
 * The code follows the order of OpenSSH's own: a getopt loop per program
 * (bsd_getopt() below behaves like openbsd-compat's getopt(), which
 * OpenSSH uses on Linux), option effects applied to a model of ssh's
 * Options (struct sshstate) with the same "first value wins" or "assign"
 * rule as ssh.c and readconf.c, then the final fix-ups of
 * fill_default_options() (ClearAllForwardings) before the findings are
 * listed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "path.h"
#include "sshopt.h"

/*
 * getopt strings per release: each row holds from its release until the
 * next row.  Taken from the getopt() calls of openssh-portable's ssh.c,
 * scp.c, sftp.c, ssh-add.c and ssh-agent.c at each tag.
 */
static const struct dialect {
	int		 since;
	const char	*ssh, *scp, *sftp, *add, *agent;
} dialects[] = {
	{ 800,
	  "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:PQ:R:S:TVw:W:XYy",
	  "dfl:prtTvBCc:i:P:q12346S:o:F:J:",
	  "1246afhpqrvCc:D:i:l:o:s:S:b:B:F:J:P:R:",
	  "vklLcdDTxXE:e:M:m:qs:t:",
	  "cDdksE:a:P:t:" },
	{ 802, NULL, NULL, NULL, "vkKlLcdDTxXE:e:M:m:qs:S:t:", NULL },
	{ 803, NULL, NULL, "1246afhNpqrvCc:D:i:l:o:s:S:b:B:F:J:P:R:", NULL,
	  NULL },
	{ 804, NULL, "12346ABCTdfpqrtvF:J:P:S:c:i:l:o:",
	  "1246AafhNpqrvCc:D:i:l:o:s:S:b:B:F:J:P:R:", NULL, "cDdksE:a:O:P:t:" },
	{ 807, NULL, "12346ABCTdfOpqRrstvD:F:J:M:P:S:c:i:l:o:", NULL, NULL,
	  NULL },
	{ 809, NULL, NULL, NULL, "vkKlLcdDTxXE:e:h:H:M:m:qs:S:t:", NULL },
	{ 902, NULL, "12346ABCTdfOpqRrstvD:F:J:M:P:S:c:i:l:o:X:",
	  "1246AafhNpqrvCc:D:i:l:o:s:S:b:B:F:J:P:R:X:", NULL, NULL },
	{ 904,
	  "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:P:Q:R:S:TVw:W:XYy",
	  NULL, NULL, NULL, NULL },
	{ 906, NULL, NULL, NULL, "vkKlLCcdDTxXE:e:h:H:M:m:qs:S:t:", NULL },
	{ 1001, NULL, NULL, NULL, "vkKlLNCcdDTxXE:e:h:H:M:m:qs:S:t:",
	  "cDdksTuUE:a:O:P:t:" },
	{ 1003, NULL, NULL, NULL, "vkKlLNCcdDTxXE:e:h:H:M:m:Qqs:S:t:", NULL },
	{ 1004, NULL, NULL, NULL, NULL, "cDdksTuUVE:a:O:P:t:" },
	{ 1005,
	  "1246ACGKMNTVXYZafgknqstvxyB:D:E:F:I:J:L:O:P:Q:R:S:W:b:c:e:i:l:m:o:p:w:",
	  NULL, NULL, NULL, NULL },
};

/* The getopt string of prog at release version. */
static const char *
dialect_opts(enum sshprog prog, int version)
{
	const char *r = NULL;
	size_t i;

	for (i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++) {
		const struct dialect *d = &dialects[i];
		const char *s = NULL;

		if (d->since > version)
			break;
		switch (prog) {
		case SSHPROG_SSH:	s = d->ssh; break;
		case SSHPROG_SCP:	s = d->scp; break;
		case SSHPROG_SFTP:	s = d->sftp; break;
		case SSHPROG_SSH_ADD:	s = d->add; break;
		case SSHPROG_SSH_AGENT:	s = d->agent; break;
		default:		break;
		}
		if (s != NULL)
			r = s;
	}
	return r;
}

int
sshopt_version_parse(const char *s)
{
	long major = 0, minor = 0;
	int digits = 0;

	if (strncasecmp(s, "OpenSSH_", 8) == 0)
		s += 8;
	while (*s >= '0' && *s <= '9' && digits < 4) {
		major = major * 10 + (*s++ - '0');
		digits++;
	}
	if (digits == 0 || *s++ != '.')
		return -1;
	digits = 0;
	while (*s >= '0' && *s <= '9' && digits < 3) {
		minor = minor * 10 + (*s++ - '0');
		digits++;
	}
	if (digits == 0 || (*s != '\0' && *s != 'p' && *s != ' '))
		return -1;
	if (major * 100 + minor < SSHOPT_VERSION_OLDEST || minor > 99)
		return -1;
	return (int)(major * 100 + minor);
}

enum sshprog
sshprog_from_name(const char *name)
{
	if (strcmp(name, "ssh") == 0)
		return SSHPROG_SSH;
	if (strcmp(name, "scp") == 0)
		return SSHPROG_SCP;
	if (strcmp(name, "sftp") == 0)
		return SSHPROG_SFTP;
	if (strcmp(name, "ssh-add") == 0)
		return SSHPROG_SSH_ADD;
	if (strcmp(name, "ssh-agent") == 0)
		return SSHPROG_SSH_AGENT;
	return SSHPROG_NONE;
}

const char *
sshprog_name(enum sshprog prog)
{
	switch (prog) {
	case SSHPROG_SSH:	return "ssh";
	case SSHPROG_SCP:	return "scp";
	case SSHPROG_SFTP:	return "sftp";
	case SSHPROG_SSH_ADD:	return "ssh-add";
	case SSHPROG_SSH_AGENT:	return "ssh-agent";
	default:		return "none";
	}
}

const char *
sshfind_name(enum sshfind_kind kind)
{
	static const char *const names[SF_KIND_MAX] = {
		"dynamic-forward", "local-forward", "remote-forward",
		"tun-device", "stdio-forward", "no-command", "fork",
		"gateway-ports", "proxy-jump", "proxy-command",
		"identity-file", "add-key", "no-hostcheck", "agent-forward",
		"identity-agent",
	};

	return (unsigned)kind < SF_KIND_MAX ? names[kind] : "?";
}

/*
 * BSD getopt without permutation, as openbsd-compat/getopt_long.c's
 * getopt() behaves.  Returns the option letter, '?' for an unknown letter,
 * ':' for a missing argument, -1 at the first non-option or after `--'.
 */
struct bgetopt {
	size_t		 optind;	/* next argv element */
	const char	*place;		/* rest of the current cluster */
	size_t		 argi;		/* element holding the last letter */
	const char	*optarg;
	size_t		 optarg_i;	/* element holding optarg */
};

static void
bgetopt_reset(struct bgetopt *g, size_t first)
{
	memset(g, 0, sizeof(*g));
	g->optind = first;
}

static int
bgetopt(struct bgetopt *g, size_t argc, const char *const *argv,
    const char *opts)
{
	const char *oli;
	int c;

	g->optarg = NULL;
	if (g->place == NULL || *g->place == '\0') {
		if (g->optind >= argc) {
			g->place = NULL;
			return -1;
		}
		g->place = argv[g->optind];
		if (g->place[0] != '-' || g->place[1] == '\0') {
			g->place = NULL;	/* a non-option */
			return -1;
		}
		g->place++;
		if (g->place[0] == '-' && g->place[1] == '\0') {
			g->optind++;		/* "--" */
			g->place = NULL;
			return -1;
		}
	}
	g->argi = g->optind;
	c = (unsigned char)*g->place++;
	if (c == ':' || (c == '-' && *g->place != '\0') ||
	    (oli = strchr(opts, c)) == NULL) {
		if (c == '-' && *g->place == '\0') {
			g->place = NULL;	/* a trailing '-' ends it */
			return -1;
		}
		if (*g->place == '\0')
			g->optind++;
		return '?';
	}
	if (oli[1] != ':') {
		if (*g->place == '\0')
			g->optind++;
		return c;
	}
	if (*g->place != '\0') {
		g->optarg = g->place;
		g->optarg_i = g->optind;
	} else if (++g->optind >= argc) {
		g->place = NULL;
		return ':';
	} else {
		g->optarg = argv[g->optind];
		g->optarg_i = g->optind;
	}
	g->place = NULL;
	g->optind++;
	return c;
}

/*
 * A single-valued setting of ssh's Options.  readconf.c keeps the first
 * value it reads; a few command-line flags (-A, -a, -N, -f, -g) assign.
 */
struct slot {
	int	 set;
	int	 ival;
	char	*sval;
	int	 argi;
	char	*text;		/* the option that set it, NULL if implied */
	int	 conf;		/* sshfind.conf of that option */
};

/* A forward, identity file or other option kept in argv order. */
struct pending {
	enum sshfind_kind	 kind;
	int			 argi;
	char			*text;
	char			*value;
	char			*bind;	/* forward's listen address, or NULL */
	int			 has_bind;
	int			 conf;
};

/* Multiplexing commands of -O that make no new connection or forward. */
enum { MUX_NONE, MUX_QUIET, MUX_FORWARD, MUX_CANCEL, MUX_PROXY };

struct sshstate {
	struct sshopt	*so;
	int		 version;
	struct slot	 forward_agent, identity_agent, strict, user_hf,
			 global_hf, clear_fwd, tun_open, session_type,
			 gateway, fork, proxy_command, jump_host, stdio,
			 remote_command;
	int		 user_hf_null, global_hf_null;
	char		*nocmd_text;	/* -N or SessionType=none */
	int		 nocmd_argi;
	struct pending	*pend;
	size_t		 npend, cappend;
	int		 mux;
	char		*user;
	/* The option being applied. */
	int		 cur_argi;
	const char	*cur_text;
	int		 cur_conf;
};

/* Tunnel modes, as readconf.c's multistate_tunnel. */
enum { TUN_NO = 0, TUN_POINTOPOINT = 1, TUN_ETHERNET = 2, TUN_DEFAULT = 1 };
enum { STRICT_OFF = 0, STRICT_YES = 2, STRICT_ASK = 3, STRICT_NEW = 4 };
enum { SESSION_NONE = 0, SESSION_SUBSYSTEM = 1, SESSION_DEFAULT = 2 };

struct multistate {
	const char	*key;
	int		 value;
};

static const struct multistate ms_flag[] = {
	{ "true", 1 }, { "false", 0 }, { "yes", 1 }, { "no", 0 }, { NULL, -1 }
};
static const struct multistate ms_strict[] = {
	{ "true", STRICT_YES }, { "false", STRICT_OFF },
	{ "yes", STRICT_YES }, { "no", STRICT_OFF }, { "ask", STRICT_ASK },
	{ "off", STRICT_OFF }, { "accept-new", STRICT_NEW }, { NULL, -1 }
};
static const struct multistate ms_tunnel[] = {
	{ "ethernet", TUN_ETHERNET }, { "point-to-point", TUN_POINTOPOINT },
	{ "true", TUN_DEFAULT }, { "yes", TUN_DEFAULT },
	{ "false", TUN_NO }, { "no", TUN_NO }, { NULL, -1 }
};
static const struct multistate ms_session[] = {
	{ "none", SESSION_NONE }, { "subsystem", SESSION_SUBSYSTEM },
	{ "default", SESSION_DEFAULT }, { NULL, -1 }
};

static int
multistate(const struct multistate *ms, const char *arg)
{
	if (arg == NULL || *arg == '\0')
		return -1;
	for (; ms->key != NULL; ms++)
		if (strcasecmp(arg, ms->key) == 0)
			return ms->value;
	return -1;
}

static char *
xstrdup(struct sshopt *so, const char *s)
{
	char *r;

	if (s == NULL)
		return NULL;
	if ((r = strdup(s)) == NULL)
		so->nomem = 1;
	return r;
}

/* Keeps the first reason OpenSSH would have to refuse the argv. */
static void
reject(struct sshstate *st, const char *why)
{
	if (st->so->reject == NULL)
		st->so->reject = why;
}

/* Sets a slot when it is unset, as readconf.c's `if (*p == -1) *p = v'. */
static void
slot_first(struct sshstate *st, struct slot *s, int ival, const char *sval)
{
	if (s->set)
		return;
	s->set = 1;
	s->ival = ival;
	s->sval = xstrdup(st->so, sval);
	s->argi = st->cur_argi;
	s->text = xstrdup(st->so, st->cur_text);
	s->conf = st->cur_conf;
}

/* Assigns a slot whatever it held, as ssh.c's `options.x = v'. */
static void
slot_assign(struct sshstate *st, struct slot *s, int ival)
{
	free(s->sval);
	free(s->text);
	s->set = 1;
	s->ival = ival;
	s->sval = NULL;
	s->argi = st->cur_argi;
	s->text = xstrdup(st->so, st->cur_text);
	s->conf = st->cur_conf;
}

static void
slot_free(struct slot *s)
{
	free(s->sval);
	free(s->text);
}

static struct pending *
pend_add(struct sshstate *st, enum sshfind_kind kind, const char *value)
{
	struct pending *p;

	if (st->npend == st->cappend) {
		size_t ncap = st->cappend ? st->cappend * 2 : 8;

		p = realloc(st->pend, ncap * sizeof(*p));
		if (p == NULL) {
			st->so->nomem = 1;
			return NULL;
		}
		st->pend = p;
		st->cappend = ncap;
	}
	p = &st->pend[st->npend++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->argi = st->cur_argi;
	p->text = xstrdup(st->so, st->cur_text);
	p->value = xstrdup(st->so, value);
	p->conf = st->cur_conf;
	return p;
}

/* misc.c's a2port(): a port number or service name, -1 if neither. */
static int
a2port(const char *s)
{
	struct servent *se;
	long v = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9' && v <= 65535; p++)
		v = v * 10 + (*p - '0');
	if (p != s && *p == '\0')
		return v <= 65535 ? (int)v : -1;
	if ((se = getservbyname(s, "tcp")) != NULL)
		return ntohs((unsigned short)se->s_port);
	return -1;
}

/* readconf.c's parse_fwd_field(): one field, '[...]' taken literally. */
static int
fwd_field(char **p, char **arg, int *ispath)
{
	char *ep, *cp = *p;

	*ispath = 0;
	if (*cp == '\0') {
		*p = NULL;
		return -1;
	}
	if (*cp == '[') {
		for (ep = cp + 1; *ep != ']' && *ep != '\0'; ep++)
			if (*ep == '/')
				*ispath = 1;
		if (ep[0] != ']' || (ep[1] != ':' && ep[1] != '\0'))
			return -1;
		*ep++ = '\0';
		if (*ep != '\0')
			*ep++ = '\0';
		*arg = cp + 1;
		*p = ep;
		return 0;
	}
	for (; *cp != '\0'; cp++) {
		if (*cp == '\\') {
			memmove(cp, cp + 1, strlen(cp + 1) + 1);
			if (*cp == '\0')
				return -1;
		} else if (*cp == '/')
			*ispath = 1;
		else if (*cp == ':') {
			*cp++ = '\0';
			break;
		}
	}
	*arg = *p;
	*p = cp;
	return 0;
}

/*
 * readconf.c's parse_forward(): is spec a forward ssh accepts?  On success
 * returns 1 and, for a TCP listener, its listen address in *listen (NULL:
 * the default, else a malloc'd copy; "" and "*" mean every address).
 */
static int
parse_forward(const char *spec, int dynamic, int remote, char **listen)
{
	char *dup, *cp, *arg[4];
	int ispath[4], i, lport = -1, cport = -1, lpath = 0, cpath = 0;
	const char *lhost = NULL;

	*listen = NULL;
	if ((dup = strdup(spec)) == NULL)
		return 0;
	cp = dup;
	while (isspace((unsigned char)*cp))
		cp++;
	for (i = 0; i < 4; i++)
		if (fwd_field(&cp, &arg[i], &ispath[i]) != 0)
			break;
	if (cp != NULL && *cp != '\0')
		i = 0;			/* trailing garbage */
	switch (i) {
	case 1:
		if (ispath[0])
			lpath = 1;
		else
			lport = a2port(arg[0]);
		break;
	case 2:
		if (ispath[0] && ispath[1]) {
			lpath = cpath = 1;
		} else if (ispath[1]) {
			lport = a2port(arg[0]);
			cpath = 1;
		} else {
			lhost = arg[0];
			lport = a2port(arg[1]);
		}
		break;
	case 3:
		if (ispath[0]) {
			lpath = 1;
			cport = a2port(arg[2]);
		} else if (ispath[2]) {
			lhost = arg[0];
			lport = a2port(arg[1]);
			cpath = 1;
		} else {
			lport = a2port(arg[0]);
			cport = a2port(arg[2]);
		}
		break;
	case 4:
		lhost = arg[0];
		lport = a2port(arg[1]);
		cport = a2port(arg[3]);
		break;
	default:
		i = 0;
	}
	if (dynamic) {
		if (!(i == 1 || i == 2))
			goto fail;
	} else {
		if (!(i == 3 || i == 4) && !cpath && !lpath)
			goto fail;
		if (cport <= 0 && !cpath)
			goto fail;
	}
	if ((lport < 0 && !lpath) || (!remote && lport == 0))
		goto fail;
	if (lhost != NULL && (*listen = strdup(lhost)) == NULL)
		goto fail;
	free(dup);
	return 1;
 fail:
	free(dup);
	return 0;
}

/*
 * Records a -D/-L/-R/-W or *Forward option if ssh would accept its
 * specification (ssh.c tries -R as a remote forward, then as a remote
 * dynamic one).
 */
static void
add_forward(struct sshstate *st, enum sshfind_kind kind, const char *spec)
{
	struct pending *p;
	char *listen = NULL;
	int ok;

	switch (kind) {
	case SF_DYNAMIC_FORWARD:
	case SF_STDIO_FORWARD:
		ok = parse_forward(spec, 1, 0, &listen);
		break;
	case SF_LOCAL_FORWARD:
		ok = parse_forward(spec, 0, 0, &listen);
		break;
	default:
		ok = parse_forward(spec, 0, 1, &listen);
		if (!ok)
			ok = parse_forward(spec, 1, 1, &listen);
		break;
	}
	if (!ok) {
		reject(st, "bad forwarding specification");
		return;
	}
	if ((p = pend_add(st, kind, spec)) == NULL) {
		free(listen);
		return;
	}
	if (listen != NULL) {
		p->has_bind = 1;
		p->bind = listen;
	}
}

static int
is_bind_all(const char *addr)
{
	return *addr == '\0' || strcmp(addr, "*") == 0 ||
	    strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0 ||
	    strcmp(addr, "[::]") == 0 || strcmp(addr, "[*]") == 0;
}

static int valid_hostname(const char *s);
static int valid_ruser(const char *s);
static void set_user(struct sshstate *st, const char *u, size_t n);

/*
 * parse_jump()'s checks of each hop, "[user@]host[:port]" or an ssh://
 * URI, comma-separated.
 */
static int
jump_hosts_valid(const char *v)
{
	char *d, *hop, *next, *at, *h, *end;
	int ok = 1;

	if ((d = strdup(v)) == NULL)
		return 1;
	for (hop = d; hop != NULL && ok; hop = next) {
		if ((next = strchr(hop, ',')) != NULL)
			*next++ = '\0';
		if (strncmp(hop, "ssh://", 6) == 0)
			hop += 6;
		h = hop;
		if ((at = strrchr(hop, '@')) != NULL) {
			*at = '\0';
			if (!valid_ruser(hop))
				ok = 0;
			h = at + 1;
		}
		if (*h == '[') {
			h++;
			if ((end = strchr(h, ']')) != NULL)
				*end = '\0';
		} else if ((end = strchr(h, ':')) != NULL)
			*end = '\0';
		if ((end = strchr(h, '/')) != NULL)
			*end = '\0';
		if (*h == '\0' || !valid_hostname(h))
			ok = 0;
	}
	free(d);
	return ok;
}

/* ssh's -J and ProxyJump: parse_jump(). */
static void
apply_jump(struct sshstate *st, const char *s)
{
	char *v, *hash;
	size_t n;

	if (strcasecmp(s, "none") == 0) {
		slot_first(st, &st->jump_host, 0, "none");
		return;
	}
	if ((v = xstrdup(st->so, s)) == NULL)
		return;
	if ((hash = strchr(v, '#')) != NULL)
		*hash = '\0';
	for (n = strlen(v); n > 0 && strchr(" \t\r\n", v[n - 1]); n--)
		v[n - 1] = '\0';
	if (*v == '\0' || v[strlen(v) - 1] == ',' || *v == ',')
		reject(st, "invalid ProxyJump");
	if (!jump_hosts_valid(v))
		reject(st, "invalid ProxyJump host or user");
	if (!st->proxy_command.set && !st->jump_host.set) {
		slot_first(st, &st->jump_host, 1, v);
		/* parse_jump() sets ProxyCommand to "none" as it takes it. */
		slot_first(st, &st->proxy_command, 0, "none");
	}
	free(v);
}

/*
 * readconf.c's strdelim(): takes the next token of *s, splitting on white
 * space, on one '=' and on double quotes; NULL when none is left.
 */
#define WHITESPACE " \t\r\n"
static char *
strdelim(char **s)
{
	char *old;
	int wspace = 0;

	if (*s == NULL)
		return NULL;
	old = *s;
	*s = strpbrk(*s, WHITESPACE "\"=");
	if (*s == NULL)
		return old;
	if (*s[0] == '"') {
		memmove(*s, *s + 1, strlen(*s));
		if ((*s = strpbrk(*s, "\"")) == NULL)
			return NULL;		/* no matching quote */
		*s[0] = '\0';
		*s += strspn(*s + 1, WHITESPACE) + 1;
		return old;
	}
	if (*s[0] == '=')
		wspace = 1;
	*s[0] = '\0';
	*s += strspn(*s + 1, WHITESPACE) + 1;
	if (*s[0] == '=' && !wspace)
		*s += strspn(*s + 1, WHITESPACE) + 1;
	return old;
}

/*
 * misc.c's argv_split() with comments ending the line: splits s into
 * words, honouring single and double quotes and backslash escapes.
 * Returns the word count, or -1 on an unterminated quote.  The words are
 * written into out (as big as s) separated by NULs; *words points to them.
 */
static int
argv_split(const char *s, char *out, const char **words, int maxw)
{
	int argc = 0, quote;
	size_t i = 0, j = 0;

	while (s[i] != '\0') {
		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		if (s[i] == '#')
			break;
		quote = 0;
		if (argc < maxw)
			words[argc] = out + j;
		argc++;
		for (; s[i] != '\0'; i++) {
			if (s[i] == '\\') {
				if (s[i + 1] == '\'' || s[i + 1] == '"' ||
				    s[i + 1] == '\\' ||
				    (quote == 0 && s[i + 1] == ' ')) {
					i++;
					out[j++] = s[i];
				} else
					out[j++] = s[i];
			} else if (quote == 0 && (s[i] == ' ' || s[i] == '\t'))
				break;
			else if (quote == 0 && (s[i] == '"' || s[i] == '\''))
				quote = s[i];
			else if (quote != 0 && s[i] == quote)
				quote = 0;
			else
				out[j++] = s[i];
		}
		out[j++] = '\0';
		if (s[i] == '\0') {
			if (quote != 0)
				return -1;
			break;
		}
	}
	return argc;
}

/* /dev/null however written: /dev//null, /proc/self/root/dev/null. */
static int
is_null_hostfile(const char *f)
{
	struct buf b;
	int r;

	if (strcasecmp(f, "none") == 0)
		return 1;
	if (f[0] != '/')
		return 0;
	buf_init(&b, strlen(f) + 2);
	r = path_normal(f, strlen(f), &b) == 0 && b.len == 9 &&
	    memcmp(b.p, "/dev/null", 9) == 0;
	buf_free(&b);
	return r;
}

char *
sshopt_strdelim(char **s)
{
	return strdelim(s);
}

int
sshopt_argv_split(const char *s, char *out, const char **words, int maxw)
{
	return argv_split(s, out, words, maxw);
}

/* Known hosts file lists: parse_char_array, first list wins. */
static void
apply_hostfiles(struct sshstate *st, struct slot *s, int *all_null,
    const char **w, int n)
{
	int i, nulls = 0;

	if (n == 0) {
		reject(st, "missing argument");
		return;
	}
	for (i = 0; i < n; i++) {
		if (*w[i] == '\0')
			reject(st, "empty argument");
		if (strcasecmp(w[i], "none") == 0 && n > 1)
			reject(st, "\"none\" argument must appear alone");
		nulls += is_null_hostfile(w[i]);
	}
	if (s->set)
		return;
	slot_first(st, s, n, w[0]);
	*all_null = nulls == n;
}

/* Applies a multistate keyword; first value wins. */
static int
apply_multi(struct sshstate *st, struct slot *s, const struct multistate *ms,
    const char **w, int n)
{
	int v = multistate(ms, n > 0 ? w[0] : NULL);

	if (v == -1) {
		reject(st, "unsupported option value");
		return -1;
	}
	slot_first(st, s, v, n > 0 ? w[0] : NULL);
	return v;
}

/*
 * One -o line, as process_config_line() on the command line.  Keywords
 * that cannot matter here are accepted without looking further: ssh would
 * refuse an unknown one, but a keyword list of our own could only fall
 * behind OpenSSH's.
 */
#define MAXWORDS 16
static void
apply_config_line(struct sshstate *st, const char *line)
{
	char *buf, *out = NULL, *str, *kw, *rest;
	const char *w[MAXWORDS];
	size_t len;
	int n = 0, consumed = 0;

	if ((buf = xstrdup(st->so, line)) == NULL)
		return;
	len = strlen(buf);
	while (len > 0 && strchr(WHITESPACE "\f", buf[len - 1]) != NULL)
		buf[--len] = '\0';
	str = buf;
	if ((kw = strdelim(&str)) == NULL)
		goto out;
	if (*kw == '\0')
		kw = strdelim(&str);
	if (kw == NULL || *kw == '\0' || *kw == '\n' || *kw == '#')
		goto out;
	if (str != NULL)
		str += strspn(str, WHITESPACE);
	if (str == NULL || *str == '\0') {
		reject(st, "no argument after keyword");
		goto out;
	}
	rest = str;
	if ((out = malloc(strlen(str) + 1)) == NULL) {
		st->so->nomem = 1;
		goto out;
	}
	if ((n = argv_split(str, out, w, MAXWORDS)) < 0) {
		reject(st, "invalid quotes");
		goto out;
	}
	if (n > MAXWORDS)
		n = MAXWORDS;

	if (strcasecmp(kw, "forwardagent") == 0) {
		int v = multistate(ms_flag, n > 0 ? w[0] : NULL);

		if (n == 0 || w[0] == NULL || *w[0] == '\0') {
			reject(st, "missing argument");
			goto out;
		}
		/* Not yes or no: a socket path, which means yes. */
		slot_first(st, &st->forward_agent, v == -1 ? 1 : v,
		    v == -1 ? w[0] : NULL);
		consumed = 1;
	} else if (strcasecmp(kw, "identityfile") == 0 ||
	    strcasecmp(kw, "identityfile2") == 0) {
		if (n == 0 || *w[0] == '\0') {
			reject(st, "missing argument");
			goto out;
		}
		pend_add(st, SF_IDENTITY_FILE, w[0]);
		consumed = 1;
	} else if (strcasecmp(kw, "identityagent") == 0) {
		if (n == 0 || *w[0] == '\0') {
			reject(st, "missing argument");
			goto out;
		}
		slot_first(st, &st->identity_agent, 1, w[0]);
		consumed = 1;
	} else if (strcasecmp(kw, "proxycommand") == 0) {
		slot_first(st, &st->proxy_command, 1,
		    rest + strspn(rest, WHITESPACE "="));
		consumed = n;
	} else if (strcasecmp(kw, "remotecommand") == 0) {
		slot_first(st, &st->remote_command, 1,
		    rest + strspn(rest, WHITESPACE "="));
		consumed = n;
	} else if (strcasecmp(kw, "proxyjump") == 0) {
		apply_jump(st, rest + strspn(rest, WHITESPACE "="));
		consumed = n;
	} else if (strcasecmp(kw, "localforward") == 0 ||
	    strcasecmp(kw, "remoteforward") == 0 ||
	    strcasecmp(kw, "dynamicforward") == 0) {
		enum sshfind_kind k = tolower((unsigned char)kw[0]) == 'l' ?
		    SF_LOCAL_FORWARD : tolower((unsigned char)kw[0]) == 'r' ?
		    SF_REMOTE_FORWARD : SF_DYNAMIC_FORWARD;
		char *spec;

		if (n == 0 || *w[0] == '\0') {
			reject(st, "missing argument");
			goto out;
		}
		consumed = 1;
		if (k != SF_DYNAMIC_FORWARD && n >= 2 && *w[1] != '\0') {
			size_t l0 = strlen(w[0]), l1 = strlen(w[1]);

			/* readconf.c joins the two words as "a:b". */
			if ((spec = malloc(l0 + l1 + 2)) == NULL) {
				st->so->nomem = 1;
				goto out;
			}
			memcpy(spec, w[0], l0);
			spec[l0] = ':';
			memcpy(spec + l0 + 1, w[1], l1 + 1);
			add_forward(st, k, spec);
			free(spec);
			consumed = 2;
		} else if (k == SF_LOCAL_FORWARD) {
			reject(st, "missing target argument");
		} else {
			/* RemoteForward with one argument is dynamic. */
			add_forward(st, k, w[0]);
		}
	} else if (strcasecmp(kw, "user") == 0) {
		/* Match user looks at it; first value wins, -l first. */
		if (n > 0 && *w[0] != '\0')
			set_user(st, w[0], strlen(w[0]));
		consumed = 1;
	} else if (strcasecmp(kw, "hostname") == 0) {
		if (n > 0 && *w[0] != '\0' && st->so->hostname == NULL)
			st->so->hostname = xstrdup(st->so, w[0]);
		consumed = 1;
	} else if (strcasecmp(kw, "clearallforwardings") == 0) {
		apply_multi(st, &st->clear_fwd, ms_flag, w, n);
		consumed = 1;
	} else if (strcasecmp(kw, "tunnel") == 0) {
		apply_multi(st, &st->tun_open, ms_tunnel, w, n);
		consumed = 1;
	} else if (strcasecmp(kw, "stricthostkeychecking") == 0) {
		apply_multi(st, &st->strict, ms_strict, w, n);
		consumed = 1;
	} else if (strcasecmp(kw, "userknownhostsfile") == 0) {
		apply_hostfiles(st, &st->user_hf, &st->user_hf_null, w, n);
		consumed = n;
	} else if (strcasecmp(kw, "globalknownhostsfile") == 0) {
		apply_hostfiles(st, &st->global_hf, &st->global_hf_null, w, n);
		consumed = n;
	} else if (strcasecmp(kw, "sessiontype") == 0) {
		int was = st->session_type.set;

		if (apply_multi(st, &st->session_type, ms_session, w, n) ==
		    SESSION_NONE && !was && st->nocmd_text == NULL) {
			st->nocmd_text = xstrdup(st->so, st->cur_text);
			st->nocmd_argi = st->cur_argi;
		}
		consumed = 1;
	} else if (strcasecmp(kw, "gatewayports") == 0) {
		apply_multi(st, &st->gateway, ms_flag, w, n);
		consumed = 1;
	} else if (strcasecmp(kw, "forkafterauthentication") == 0) {
		apply_multi(st, &st->fork, ms_flag, w, n);
		consumed = 1;
	} else
		consumed = n;
	if (consumed < n)
		reject(st, "extra arguments at end of line");
 out:
	free(out);
	free(buf);
}

/* Builds the "-X arg" text of the option bgetopt() just returned. */
static char *
opt_text(struct sshopt *so, int c, const char *optarg)
{
	size_t n = optarg != NULL ? strlen(optarg) : 0;
	char *t;

	if ((t = malloc(n + 5)) == NULL) {
		so->nomem = 1;
		return NULL;
	}
	t[0] = '-';
	t[1] = (char)c;
	t[2] = '\0';
	if (optarg != NULL) {
		t[2] = ' ';
		memcpy(t + 3, optarg, n + 1);
	}
	return t;
}

/*
 * The effect of one ssh command-line option (also used for the options
 * scp and sftp hand to ssh).  Mirrors the switch in ssh.c's main().
 */
static void
apply_ssh_option(struct sshstate *st, int c, const char *optarg)
{
	switch (c) {
	case '1':
		reject(st, "SSH protocol v.1 is no longer supported");
		break;
	case 'f':
		slot_assign(st, &st->fork, 1);
		break;
	case 'g':
		slot_assign(st, &st->gateway, 1);
		break;
	case 'G':
	case 'V':
	case 'Q':
		st->so->no_connect = 1;
		break;
	case 'O':
		if (st->stdio.set)
			reject(st, "Cannot specify multiplexing command with -W");
		else if (st->mux != MUX_NONE)
			reject(st, "Multiplexing command already specified");
		if (strcmp(optarg, "forward") == 0)
			st->mux = MUX_FORWARD;
		else if (strcmp(optarg, "cancel") == 0)
			st->mux = MUX_CANCEL;
		else if (strcmp(optarg, "proxy") == 0)
			st->mux = MUX_PROXY;
		else if (strcmp(optarg, "check") == 0 ||
		    strcmp(optarg, "conninfo") == 0 ||
		    strcmp(optarg, "channels") == 0 ||
		    strcmp(optarg, "exit") == 0 ||
		    strcmp(optarg, "stop") == 0)
			st->mux = MUX_QUIET;
		else
			reject(st, "Invalid multiplex command");
		break;
	case 'a':
		slot_assign(st, &st->forward_agent, 0);
		break;
	case 'A':
		slot_assign(st, &st->forward_agent, 1);
		break;
	case 'i':
		pend_add(st, SF_IDENTITY_FILE, optarg);
		break;
	case 'J':
		if (st->jump_host.set)
			reject(st, "Only a single -J option is permitted");
		else if (st->proxy_command.set)
			reject(st, "Cannot specify -J with ProxyCommand");
		apply_jump(st, optarg);
		break;
	case 'w': {
		const char *p = optarg;
		int fields = 1;

		/* a2tun(): "N", "any", "N:M", "any:any". */
		for (; *p != '\0'; p++)
			if (*p == ':')
				fields++;
		if (*optarg == '\0' || fields > 2)
			reject(st, "Bad tun device");
		slot_first(st, &st->tun_open, TUN_DEFAULT, optarg);
		pend_add(st, SF_TUN_DEVICE, optarg);
		break;
	}
	case 'W':
		if (st->stdio.set)
			reject(st, "stdio forward already specified");
		if (st->mux != MUX_NONE)
			reject(st, "Cannot specify stdio forward with -O");
		slot_first(st, &st->stdio, 1, optarg);
		add_forward(st, SF_STDIO_FORWARD, optarg);
		/* -W also sets SessionType none, directly. */
		st->session_type.set = 1;
		st->session_type.ival = SESSION_NONE;
		break;
	case 'l':
		set_user(st, optarg, strlen(optarg));
		break;
	case 'L':
		add_forward(st, SF_LOCAL_FORWARD, optarg);
		break;
	case 'R':
		add_forward(st, SF_REMOTE_FORWARD, optarg);
		break;
	case 'D':
		add_forward(st, SF_DYNAMIC_FORWARD, optarg);
		break;
	case 'N':
		if (st->session_type.set &&
		    st->session_type.ival != SESSION_NONE)
			reject(st, "Cannot specify -N with -s/SessionType");
		slot_assign(st, &st->session_type, SESSION_NONE);
		if (st->nocmd_text == NULL) {
			st->nocmd_text = xstrdup(st->so, st->cur_text);
			st->nocmd_argi = st->cur_argi;
		}
		break;
	case 's':
		if (st->session_type.set &&
		    st->session_type.ival != SESSION_SUBSYSTEM)
			reject(st, "Cannot specify -s with -N/SessionType");
		slot_assign(st, &st->session_type, SESSION_SUBSYSTEM);
		break;
	case 'o':
		apply_config_line(st, optarg);
		break;
	case 'F':
		/* ssh.c: the last -F is the file read. */
		free(st->so->config_file);
		st->so->config_file = xstrdup(st->so, optarg);
		break;
	default:
		/* Options with no bearing on lateral movement. */
		break;
	}
}

static void
state_init(struct sshstate *st, struct sshopt *so, int version)
{
	memset(st, 0, sizeof(*st));
	st->so = so;
	st->version = version;
	st->cur_argi = -1;
}

static void
state_free(struct sshstate *st)
{
	size_t i;

	slot_free(&st->forward_agent);
	slot_free(&st->identity_agent);
	slot_free(&st->strict);
	slot_free(&st->user_hf);
	slot_free(&st->global_hf);
	slot_free(&st->clear_fwd);
	slot_free(&st->tun_open);
	slot_free(&st->session_type);
	slot_free(&st->gateway);
	slot_free(&st->fork);
	slot_free(&st->proxy_command);
	slot_free(&st->jump_host);
	slot_free(&st->stdio);
	slot_free(&st->remote_command);
	for (i = 0; i < st->npend; i++) {
		free(st->pend[i].text);
		free(st->pend[i].value);
		free(st->pend[i].bind);
	}
	free(st->pend);
	free(st->nocmd_text);
	free(st->user);
}

/* Applies an option that scp or sftp gives ssh on its own. */
static void
apply_implied(struct sshstate *st, const char *line)
{
	st->cur_argi = -1;
	st->cur_text = NULL;
	apply_config_line(st, line);
}

static int
find_add(struct sshopt *so, enum sshfind_kind kind, int argi,
    const char *text, const char *value, int bind_all)
{
	struct sshfind *f;

	if (so->nfinds == so->capfinds) {
		size_t ncap = so->capfinds ? so->capfinds * 2 : 8;

		if ((f = realloc(so->finds, ncap * sizeof(*f))) == NULL) {
			so->nomem = 1;
			return -1;
		}
		so->finds = f;
		so->capfinds = ncap;
	}
	f = &so->finds[so->nfinds++];
	f->kind = kind;
	f->argi = argi;
	f->text = xstrdup(so, text);
	f->value = xstrdup(so, value);
	f->bind_all = bind_all;
	f->conf = 0;
	return 0;
}

/* Adds a finding for a slot set by an option the user gave. */
static void
find_slot(struct sshopt *so, enum sshfind_kind kind, const struct slot *s,
    const char *value)
{
	if (s->text != NULL &&
	    find_add(so, kind, s->argi, s->text, value, 0) == 0)
		so->finds[so->nfinds - 1].conf = s->conf;
}

static int
find_cmp(const void *a, const void *b)
{
	const struct sshfind *x = a, *y = b;

	if (x->argi != y->argi)
		return x->argi < y->argi ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/*
 * The end of option processing: fill_default_options() clears forwards
 * when ClearAllForwardings is set, then the effective settings become
 * findings.
 */
static void
state_finish(struct sshstate *st)
{
	struct sshopt *so = st->so;
	int clear = st->clear_fwd.set && st->clear_fwd.ival == 1;
	int gateway = st->gateway.set && st->gateway.ival == 1;
	int tun = st->tun_open.set && st->tun_open.ival != TUN_NO && !clear;
	size_t i;

	if (st->mux == MUX_QUIET)
		so->no_connect = 1;
	for (i = 0; i < st->npend; i++) {
		struct pending *p = &st->pend[i];
		int bind_all = 0;

		switch (p->kind) {
		case SF_DYNAMIC_FORWARD:
		case SF_LOCAL_FORWARD:
		case SF_REMOTE_FORWARD:
			if (clear || st->mux == MUX_CANCEL || p->text == NULL)
				continue;
			if (p->kind != SF_REMOTE_FORWARD)
				bind_all = p->has_bind ? is_bind_all(p->bind) :
				    gateway;
			break;
		case SF_TUN_DEVICE:
			if (!tun || st->mux == MUX_CANCEL)
				continue;
			break;
		case SF_IDENTITY_FILE:
			if (strcasecmp(p->value, "none") == 0)
				continue;
			break;
		default:
			break;
		}
		if (p->text != NULL && find_add(so, p->kind, p->argi, p->text,
		    p->value, bind_all) == 0)
			so->finds[so->nfinds - 1].conf = p->conf;
	}
	/* Tunnel=yes on its own opens a tunnel device too. */
	if (tun && st->tun_open.text != NULL &&
	    strncmp(st->tun_open.text, "-w", 2) != 0)
		find_slot(so, SF_TUN_DEVICE, &st->tun_open,
		    st->tun_open.sval);
	if (st->nocmd_text != NULL && st->session_type.ival == SESSION_NONE)
		find_add(so, SF_NO_COMMAND, st->nocmd_argi, st->nocmd_text,
		    NULL, 0);
	if (st->fork.set && st->fork.ival == 1)
		find_slot(so, SF_FORK, &st->fork, NULL);
	if (gateway)
		find_slot(so, SF_GATEWAY_PORTS, &st->gateway, NULL);
	if (st->jump_host.set && st->jump_host.ival == 1)
		find_slot(so, SF_PROXY_JUMP, &st->jump_host,
		    st->jump_host.sval);
	else if (st->proxy_command.set &&
	    strcmp(st->proxy_command.sval, "none") != 0)
		find_slot(so, SF_PROXY_COMMAND, &st->proxy_command,
		    st->proxy_command.sval);
	if (st->strict.set && st->strict.ival == STRICT_OFF)
		find_slot(so, SF_NO_HOSTCHECK, &st->strict, st->strict.sval);
	if (st->user_hf.set && st->user_hf_null)
		find_slot(so, SF_NO_HOSTCHECK, &st->user_hf, st->user_hf.sval);
	if (st->global_hf.set && st->global_hf_null)
		find_slot(so, SF_NO_HOSTCHECK, &st->global_hf,
		    st->global_hf.sval);
	if (st->forward_agent.set && st->forward_agent.ival == 1)
		find_slot(so, SF_AGENT_FORWARD, &st->forward_agent,
		    st->forward_agent.sval);
	if (st->identity_agent.set &&
	    strcasecmp(st->identity_agent.sval, "none") != 0 &&
	    strcmp(st->identity_agent.sval, "SSH_AUTH_SOCK") != 0 &&
	    strcmp(st->identity_agent.sval, "$SSH_AUTH_SOCK") != 0)
		find_slot(so, SF_IDENTITY_AGENT, &st->identity_agent,
		    st->identity_agent.sval);
	if (so->nfinds > 1)
		qsort(so->finds, so->nfinds, sizeof(*so->finds), find_cmp);
}

/* readconf.c's ssh_valid_hostname(): what ssh accepts as a host name. */
static int
valid_hostname(const char *s)
{
	if (*s == '-')
		return 0;
	for (; *s != '\0'; s++)
		if (strchr("'`\"$\\;&<>|(){},", *s) != NULL ||
		    isspace((unsigned char)*s) || iscntrl((unsigned char)*s))
			return 0;
	return 1;
}

/* readconf.c's ssh_valid_ruser(): what ssh accepts as a user name. */
static int
valid_ruser(const char *s)
{
	if (*s == '-')
		return 0;
	for (; *s != '\0'; s++) {
		if (iscntrl((unsigned char)*s) ||
		    strchr("'`\";&<>|(){}", *s) != NULL)
			return 0;
		if (isspace((unsigned char)*s) && s[1] == '-')
			return 0;
		if (*s == '\\' && s[1] == '\0')
			return 0;
	}
	return 1;
}

/* Sets options.user unless an earlier -l or user@ did. */
static void
set_user(struct sshstate *st, const char *u, size_t n)
{
	if (st->user != NULL)
		return;
	if ((st->user = strndup(u, n)) == NULL)
		st->so->nomem = 1;
}

/*
 * ssh's destination argument: "ssh://[user@]host[:port]" or
 * "[user@]host", split at the last '@'.
 */
static void
parse_destination(struct sshstate *st, const char *arg)
{
	struct sshopt *so = st->so;
	const char *at, *h = arg;

	if (strncmp(arg, "ssh://", 6) == 0) {
		h = arg + 6;
		if (strchr(h, '/') != NULL && h[strcspn(h, "/") + 1] != '\0')
			reject(st, "invalid ssh:// destination");
		if ((at = strrchr(h, '@')) != NULL) {
			set_user(st, h, (size_t)(at - h));
			h = at + 1;
		}
		if (*h == '[')
			so->host = strndup(h + 1, strcspn(h + 1, "]"));
		else
			so->host = strndup(h, strcspn(h, ":/"));
		if (so->host == NULL)
			so->nomem = 1;
		return;
	}
	if ((at = strrchr(arg, '@')) != NULL) {
		if (at == arg)
			reject(st, "empty user name");
		set_user(st, arg, (size_t)(at - arg));
		h = at + 1;
	}
	so->host = xstrdup(so, h);
}

static void
parse_ssh(struct sshstate *st, size_t argc, const char *const *argv,
    const char *opts)
{
	struct sshopt *so = st->so;
	struct bgetopt g;
	size_t base = 0;
	int c, terminated = 0, remote_cmd;

	bgetopt_reset(&g, 1);
	for (;;) {
		while ((c = bgetopt(&g, argc, argv, opts)) != -1) {
			char *text;

			if (c == '?' || c == ':') {
				reject(st, c == '?' ? "unknown option" :
				    "option requires an argument");
				continue;
			}
			text = opt_text(so, c, g.optarg);
			st->cur_argi = (int)g.argi;
			st->cur_text = text;
			apply_ssh_option(st, c, g.optarg);
			free(text);
		}
		/* ssh.c: `if (optind > 1 && strcmp(av[optind-1], "--") == 0)' */
		if (g.optind > base + 1 && strcmp(argv[g.optind - 1], "--") == 0)
			terminated = 1;
		if (g.optind >= argc || so->host != NULL)
			break;
		so->host_argi = (int)g.optind;
		parse_destination(st, argv[g.optind]);
		if (argc - g.optind > 1 && !terminated) {
			/* Second pass: the host name plays argv[0]. */
			base = g.optind;
			bgetopt_reset(&g, base + 1);
			continue;
		}
		g.optind++;
		break;
	}
	if (so->host == NULL) {
		reject(st, "no host");
		return;
	}
	if (g.optind < argc)
		so->command_argi = (int)g.optind;
	else if (st->session_type.set &&
	    st->session_type.ival == SESSION_SUBSYSTEM)
		reject(st, "no subsystem given");
	/* The checks ssh.c makes once the command line is read. */
	remote_cmd = st->remote_command.set &&
	    strcasecmp(st->remote_command.sval, "none") != 0;
	if (so->command_argi != -1 && remote_cmd)
		reject(st, "Cannot execute command-line and remote command");
	if (st->fork.set && st->fork.ival == 1 && so->command_argi == -1 &&
	    !remote_cmd && !(st->session_type.set &&
	    st->session_type.ival == SESSION_NONE))
		reject(st, "Cannot fork into background without a command");
	/* ssh.c validates what ends up in %tokens before using it. */
	if (st->user != NULL && !valid_ruser(st->user))
		reject(st, "remote username contains invalid characters");
	if (!valid_hostname(so->host))
		reject(st, "hostname contains invalid characters");
	so->user = xstrdup(so, st->user);
}

/*
 * scp's colon(): the ':' that makes an operand remote, or NULL.  A
 * leading ':' is part of a file name; a '/' before any ':' makes it local;
 * "[v6]:" and "user@[v6]:" are understood.
 */
static const char *
scp_colon(const char *cp)
{
	int flag = 0;

	if (*cp == ':')
		return NULL;
	if (*cp == '[')
		flag = 1;
	for (; *cp != '\0'; ++cp) {
		if (*cp == '@' && cp[1] == '[')
			flag = 1;
		if (*cp == ']' && cp[1] == ':' && flag)
			return cp + 1;
		if (*cp == ':' && !flag)
			return cp;
		if (*cp == '/')
			return NULL;
	}
	return NULL;
}

/* Takes user and host from a remote scp/sftp operand. */
static void
remote_operand(struct sshopt *so, const char *arg, size_t argi,
    const char *scheme)
{
	const char *colon, *at, *h = arg;
	size_t n, slen = strlen(scheme);

	if (so->host != NULL)
		return;
	if (strncmp(arg, scheme, slen) == 0) {
		h = arg + slen;
		colon = h + strcspn(h, "/");
	} else if ((colon = scp_colon(arg)) == NULL) {
		if (strcmp(scheme, "sftp://") != 0)
			return;
		colon = arg + strlen(arg);	/* sftp: "user@host" */
	}
	so->host_argi = (int)argi;
	at = NULL;
	for (const char *p = h; p < colon; p++)
		if (*p == '@')
			at = p;
	if (at != NULL) {
		so->user = strndup(h, (size_t)(at - h));
		h = at + 1;
	}
	n = (size_t)(colon - h);
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (strncmp(arg, scheme, slen) == 0)
		n = strcspn(h, *h == '[' ? "]" : ":/");
	if ((so->host = strndup(h, n)) == NULL)
		so->nomem = 1;
}

/*
 * scp and sftp: their own options, plus what they pass to the ssh they
 * start, in the order that ssh would see them.
 */
static void
parse_scp_sftp(struct sshstate *st, size_t argc, const char *const *argv,
    const char *opts)
{
	struct sshopt *so = st->so;
	int is_scp = so->prog == SSHPROG_SCP;
	struct bgetopt g;
	size_t i, nops;
	int c, direct = 0, remote = 0;

	if (st->version < 804)
		apply_implied(st, "ForwardAgent no");
	apply_implied(st, "PermitLocalCommand no");
	apply_implied(st, "ClearAllForwardings yes");
	bgetopt_reset(&g, 1);
	while ((c = bgetopt(&g, argc, argv, opts)) != -1) {
		char *text;

		if (c == '?' || c == ':') {
			reject(st, c == '?' ? "unknown option" :
			    "option requires an argument");
			continue;
		}
		text = opt_text(so, c, g.optarg);
		st->cur_argi = (int)g.argi;
		st->cur_text = text;
		switch (c) {
		case 'A':
		case 'i':
		case 'J':
		case 'o':
		case 'F':
			apply_ssh_option(st, c, g.optarg);
			break;
		case '1':
			reject(st, "SSH protocol v.1 is no longer supported");
			break;
		case 'D':
			direct = 1;	/* a local sftp server, no ssh */
			break;
		case 'f':
		case 't':
			if (is_scp)
				direct = 1;	/* scp's server side */
			break;
		case 'h':
			if (!is_scp)
				reject(st, "usage");
			break;
		default:
			break;
		}
		free(text);
	}
	if (st->version >= 804)
		apply_implied(st, "ForwardAgent no");

	nops = argc - g.optind;
	if (is_scp) {
		if (nops < 2 && !direct)
			reject(st, "usage");
		for (i = g.optind; i < argc; i++) {
			if (strncmp(argv[i], "scp://", 6) == 0 ||
			    scp_colon(argv[i]) != NULL) {
				remote = 1;
				remote_operand(so, argv[i], i, "scp://");
			}
		}
	} else if (!direct) {
		if (nops < 1 || nops > 2)
			reject(st, "usage");
		if (nops >= 1) {
			remote = 1;
			remote_operand(so, argv[g.optind], g.optind, "sftp://");
		}
	}
	if (direct || !remote)
		so->no_connect = 1;
}

/* ssh-add: which keys it adds (none when it lists, deletes or locks). */
static void
parse_ssh_add(struct sshstate *st, size_t argc, const char *const *argv,
    const char *opts)
{
	struct sshopt *so = st->so;
	struct bgetopt g;
	const char *provider = NULL;
	char *provider_text = NULL;
	int provider_argi = -1;
	int c, lflag = 0, xflag = 0, dflag = 0, Dflag = 0, Qflag = 0;
	int Tflag = 0, Kflag = 0, Kargi = -1;
	size_t i;

	bgetopt_reset(&g, 1);
	while ((c = bgetopt(&g, argc, argv, opts)) != -1) {
		switch (c) {
		case '?':
		case ':':
			reject(st, "usage");
			break;
		case 'l':
		case 'L':
			if (lflag)
				reject(st, "flag already specified");
			lflag = c;
			break;
		case 'x':
		case 'X':
			if (xflag)
				reject(st, "flag already specified");
			xflag = c;
			break;
		case 'd':
			dflag = 1;
			break;
		case 'D':
			Dflag = 1;
			break;
		case 'Q':
			Qflag = 1;
			break;
		case 'T':
			Tflag = 1;
			break;
		case 'K':
			Kflag = 1;
			Kargi = (int)g.argi;
			break;
		case 'e':
			dflag = 1;
			__attribute__((fallthrough));
		case 's':
			provider = g.optarg;
			free(provider_text);
			provider_text = opt_text(so, c, g.optarg);
			provider_argi = (int)g.argi;
			break;
		default:
			break;
		}
	}
	if ((xflag != 0) + (lflag != 0) + (Dflag != 0) + (Qflag != 0) > 1)
		reject(st, "Invalid combination of actions");
	if (xflag || lflag || Dflag || Qflag || Tflag || dflag)
		goto out;
	if (provider != NULL) {
		find_add(so, SF_ADD_KEY, provider_argi, provider_text, provider,
		    0);
		goto out;
	}
	if (Kflag) {
		find_add(so, SF_ADD_KEY, Kargi, "-K", NULL, 0);
		goto out;
	}
	if (g.optind >= argc) {
		find_add(so, SF_ADD_KEY, -1, "(default keys)", NULL, 0);
		goto out;
	}
	for (i = g.optind; i < argc; i++)
		find_add(so, SF_ADD_KEY, (int)i, argv[i], argv[i], 0);
 out:
	free(provider_text);
}

/*
 * The lines of the configuration files, after argv as ssh.c reads them.
 * Their argv index is past any real one, so findings sort after argv's.
 */
#define CONF_ARGI_BASE	(1 << 24)
static void
apply_conf_lines(struct sshstate *st, const struct sshopt_cline *lines,
    size_t nlines)
{
	size_t i, n;
	char *text;

	for (i = 0; i < nlines && i < CONF_ARGI_BASE; i++) {
		n = strlen(lines[i].where) + strlen(lines[i].line) + 3;
		if ((text = malloc(n)) == NULL) {
			st->so->nomem = 1;
			return;
		}
		snprintf(text, n, "%s: %s", lines[i].where, lines[i].line);
		st->cur_argi = CONF_ARGI_BASE + (int)i;
		st->cur_text = text;
		st->cur_conf = SSHOPT_CONF_FILE |
		    (lines[i].unsure ? SSHOPT_CONF_UNSURE : 0);
		apply_config_line(st, lines[i].line);
		free(text);
	}
	st->cur_text = NULL;
	st->cur_conf = 0;
}

int
sshopt_parse(struct sshopt *so, enum sshprog prog, int version, size_t argc,
    const char *const *argv)
{
	return sshopt_parse_conf(so, prog, version, argc, argv, NULL, 0);
}

int
sshopt_parse_conf(struct sshopt *so, enum sshprog prog, int version,
    size_t argc, const char *const *argv, const struct sshopt_cline *lines,
    size_t nlines)
{
	static const char *const noargs[] = { "", NULL };
	struct sshstate st;
	const char *opts;

	/*
	 * An empty argv (a forged record, or a kernel before 5.18, which let
	 * execve pass none) is taken the way newer kernels run it: argv[0]
	 * is "".  The parsers below may then count on argv[0].
	 */
	if (argc == 0) {
		argc = 1;
		argv = noargs;
	}
	memset(so, 0, sizeof(*so));
	so->prog = prog;
	so->host_argi = -1;
	so->command_argi = -1;
	if (version < SSHOPT_VERSION_OLDEST)
		version = SSHOPT_VERSION_NEWEST;
	so->version = version;
	if ((opts = dialect_opts(prog, version)) == NULL)
		return 0;
	state_init(&st, so, version);
	switch (prog) {
	case SSHPROG_SSH:
		parse_ssh(&st, argc, argv, opts);
		apply_conf_lines(&st, lines, nlines);
		/* A User line of a file names the destination account. */
		if (so->user == NULL && st.user != NULL && so->host != NULL)
			so->user = xstrdup(so, st.user);
		state_finish(&st);
		break;
	case SSHPROG_SCP:
	case SSHPROG_SFTP:
		parse_scp_sftp(&st, argc, argv, opts);
		apply_conf_lines(&st, lines, nlines);
		state_finish(&st);
		break;
	case SSHPROG_SSH_ADD:
		parse_ssh_add(&st, argc, argv, opts);
		break;
	default:
		/* ssh-agent: no rule looks at its options. */
		break;
	}
	state_free(&st);
	return so->nomem ? -1 : 0;
}

void
sshopt_free(struct sshopt *so)
{
	size_t i;

	for (i = 0; i < so->nfinds; i++) {
		free(so->finds[i].text);
		free(so->finds[i].value);
	}
	free(so->finds);
	free(so->host);
	free(so->user);
	free(so->config_file);
	free(so->hostname);
	memset(so, 0, sizeof(*so));
}
