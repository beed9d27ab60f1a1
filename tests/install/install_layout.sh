#!/bin/bash
# install_layout.sh: `make install DESTDIR=...' puts exactly the expected
# files, with the expected modes, where configure said; the installed
# files are what auditd and the plugin accept; the documentation covers
# the code; `make uninstall' takes everything back.  No root needed.
#
# Asserts:
#  - the file list under DESTDIR is exactly the expected one (nothing
#    missing, nothing more), and each mode: the plugin 0750 (auditd wants
#    u=rwx,g=rx), the generator 0755, the three config files 0640, the
#    audit directories 0750, the spool directory 0700, man pages 0644;
#  - the plugins.d entry: active = no, direction = out, type = always,
#    format = string, path = $sbindir/audisp-sshwatch (absolute, as auditd
#    requires), args = -c $sysconfdir/audit/sshwatch.conf;
#  - no @...@ left in any installed text file; the rules have no
#    never-rule (the plugin drops its own events by pid);
#  - the plugin's default config and spool (--help) and those the
#    installed sshwatch.conf and sshwatch.conf(5) name are under the
#    configured $sysconfdir and $localstatedir, not /etc and /var;
#  - the installed sshwatch.conf passes `audisp-sshwatch -t' (also as
#    0600), sets nothing (same output as an empty file), and shows every
#    key `-t' prints, commented out at its default;
#  - the man pages: every key is in sshwatch.conf(5), every long option
#    and every rule id (plugin/rules.c) in audisp-sshwatch(8), and
#    `man --warnings' (lintian's check) says nothing;
#  - installing twice works; `make uninstall' leaves no file.
. "${srcdir:-.}/tests/install/lib.sh"
si_init

R=$SI_T/root
si_install "$R"
PLUGIN_BIN=$top_builddir/plugin/audisp-sshwatch
[ -x "$PLUGIN_BIN" ] || si_fail "$PLUGIN_BIN is not built"

A=$sysconfdir/audit
S=$localstatedir/spool/audisp-sshwatch
# path mode, for every file and the directories whose mode matters.
cat >"$SI_T/want" <<EOF
$sbindir/audisp-sshwatch 750
$sbindir/audisp-sshwatch-genrules 755
$A/plugins.d/sshwatch.conf 640
$A/sshwatch.conf 640
$A/rules.d/25-sshwatch.rules 640
$mandir/man8/audisp-sshwatch.8 644
$mandir/man8/audisp-sshwatch-genrules.8 644
$mandir/man5/sshwatch.conf.5 644
$prefix/lib/systemd/system/audisp-sshwatch-follow.service 644
$prefix/lib/systemd/system/audisp-sshwatch-genrules.path 644
$prefix/lib/systemd/system/audisp-sshwatch-genrules.service 644
EOF
(cd "$R" && find . -type f -printf '/%P %m\n' | sort) >"$SI_T/got"
if ! diff -u <(sort "$SI_T/want") "$SI_T/got" >"$SI_T/diff"; then
	si_fail "installed files differ (want/got): $(cat "$SI_T/diff")"
fi
for d in "$A 750" "$A/plugins.d 750" "$A/rules.d 750" "$S 700"; do
	set -- $d
	[ -d "$R$1" ] || si_fail "no directory $1"
	[ "$(stat -c %a "$R$1")" = "$2" ] ||
		si_fail "$1 is mode $(stat -c %a "$R$1"), not $2"
done
[ -z "$(ls -A "$R$S")" ] || si_fail "the spool directory is not empty"

# The plugins.d entry, as auditd reads it.
E=$R$A/plugins.d/sshwatch.conf
entry() {
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\\(.*[^[:space:]]\\)[[:space:]]*\$/\\1/p" "$E"
}
for kv in "active=no" "direction=out" "type=always" "format=string" \
    "path=$sbindir/audisp-sshwatch" "args=-c $A/sshwatch.conf"; do
	k=${kv%%=*}
	[ "$(entry "$k" | wc -l)" -eq 1 ] || si_fail "plugins.d: $k not set once"
	[ "$(entry "$k")" = "${kv#*=}" ] ||
		si_fail "plugins.d: $k = $(entry "$k"), not ${kv#*=}"
done
case $(entry path) in
/*) ;;
*) si_fail "plugins.d: the path is not absolute" ;;
esac

# Substitution.
if grep -l "@[a-zA-Z_]*@" "$R$A/plugins.d/sshwatch.conf" "$R$A/sshwatch.conf" \
    "$R$A/rules.d/25-sshwatch.rules" "$R$sbindir/audisp-sshwatch-genrules" \
    "$R$mandir"/man*/*; then
	si_fail "unsubstituted @...@ in installed files"
fi
# No never-rule: one on the plugin's exe would blind the kernel to any
# process running that binary (issue 12); the plugin drops its own by pid.
if grep -q -- "^-a never" "$R$A/rules.d/25-sshwatch.rules"; then
	si_fail "a never-rule in 25-sshwatch.rules"
fi
"$R$sbindir/audisp-sshwatch-genrules" --version | grep -q "$PACKAGE_VERSION" ||
	si_fail "the installed generator does not run"
grep -q "^OUT='$A/rules.d/26-sshwatch-homes.rules'$" \
    "$R$sbindir/audisp-sshwatch-genrules" ||
	si_fail "the generator's default output is not under $A/rules.d"

# The built-in defaults follow --sysconfdir and --localstatedir (here
# $sysconfdir and $localstatedir), and so do the installed config and
# sshwatch.conf(5) that name them.
"$PLUGIN_BIN" --help >"$SI_T/help" 2>&1 || si_fail "--help failed"
grep -qxF "default configuration: $A/sshwatch.conf" "$SI_T/help" ||
	si_fail "--help does not name $A/sshwatch.conf: $(cat "$SI_T/help")"
grep -qxF "default spool: $S/remote.spool" "$SI_T/help" ||
	si_fail "--help does not name $S/remote.spool: $(cat "$SI_T/help")"
grep -qxF "#spool_file = $S/remote.spool" "$R$A/sshwatch.conf" ||
	si_fail "the installed sshwatch.conf does not name $S/remote.spool"
grep -qF "$A/sshwatch.conf" "$R$mandir/man5/sshwatch.conf.5" ||
	si_fail "sshwatch.conf(5) does not name $A/sshwatch.conf"
grep -qF "$localstatedir/spool/audisp\\-sshwatch/remote.spool" \
    "$R$mandir/man5/sshwatch.conf.5" ||
	si_fail "sshwatch.conf(5) does not name $S/remote.spool"
if [ "$sysconfdir" != /etc ] &&
    grep -nE '(^|[^-_./[:alnum:]])/etc/audit/' "$R$mandir"/man*/* \
    "$R$A/sshwatch.conf"; then
	si_fail "/etc/audit/ named in a build with sysconfdir=$sysconfdir"
fi

# The shipped configuration: valid, all defaults, every key documented.
C=$R$A/sshwatch.conf
"$PLUGIN_BIN" -t -c "$C" >"$SI_T/t.conf" 2>"$SI_T/t.err" ||
	si_fail "audisp-sshwatch -t refuses the installed config: $(cat "$SI_T/t.err")"
cp -p "$C" "$SI_T/c600" && chmod 0600 "$SI_T/c600"
"$PLUGIN_BIN" -t -c "$SI_T/c600" >/dev/null 2>&1 || si_fail "-t refuses it as 0600"
: >"$SI_T/empty.conf"
chmod 0600 "$SI_T/empty.conf"
"$PLUGIN_BIN" -t -c "$SI_T/empty.conf" >"$SI_T/t.empty" || si_fail "-t on an empty file"
cmp -s "$SI_T/t.conf" "$SI_T/t.empty" ||
	si_fail "the shipped config sets something: $(diff "$SI_T/t.empty" "$SI_T/t.conf")"
sed -n 's/^#\([a-z_0-9]* = .*\)$/\1/p' "$C" | sort >"$SI_T/commented"
if ! diff -u <(sort "$SI_T/t.empty") "$SI_T/commented" >"$SI_T/diff"; then
	si_fail "commented keys differ from -t (-t / conf): $(cat "$SI_T/diff")"
fi
# The config loader's own checks, on the installed file.
chmod 0660 "$SI_T/c600"
"$PLUGIN_BIN" -t -c "$SI_T/c600" >/dev/null 2>"$SI_T/err" &&
	si_fail "-t accepts a group-writable config"
grep -q "writable by its group" "$SI_T/err" || si_fail "message: $(cat "$SI_T/err")"

# The man pages cover the code.
M8=$R$mandir/man8/audisp-sshwatch.8
M5=$R$mandir/man5/sshwatch.conf.5
# The names a page documents: the words of its .B/.BR/.TP heading lines,
# with groff's \- made plain.
documented() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$1" |
		awk '/^\.(B|BR|BI|IR|RB) / { for (i = 2; i <= NF; i++) print $i }' |
		tr -d '",' | sort -u
}
documented "$M5" >"$SI_T/doc5"
documented "$M8" >"$SI_T/doc8"
missing=
for k in $(sed -n 's/^\([a-z_0-9]*\) = .*/\1/p' "$SI_T/t.empty") allow; do
	grep -qx "$k" "$SI_T/doc5" || missing="$missing $k"
done
[ -z "$missing" ] || si_fail "keys missing from sshwatch.conf(5):$missing"
ids=$(sed -n '/rules_ids\[\] = {/,/};/p' "$srcdir/plugin/rules.c" |
	grep -o '"[a-z0-9-]*"' | tr -d '"')
[ -n "$ids" ] || si_fail "no rule ids found in plugin/rules.c"
for id in $ids; do
	grep -qx "$id" "$SI_T/doc8" || missing="$missing $id"
done
[ -z "$missing" ] || si_fail "rule ids missing from audisp-sshwatch(8):$missing"
opts=$(sed -n '/longopts\[\] = {/,/};/p' "$srcdir/plugin/main.c" |
	grep -o '{ "[a-z-]*"' | sed 's/{ "//; s/"//')
[ -n "$opts" ] || si_fail "no long options found in plugin/main.c"
for o in $opts; do
	grep -qx -- "--$o" "$SI_T/doc8" || missing="$missing --$o"
done
[ -z "$missing" ] || si_fail "options missing from audisp-sshwatch(8):$missing"
# Every rule id has its severity and tags in the page, and its record type.
sed -e 's/\\-/-/g' "$M8" >"$SI_T/m8.plain"
for id in $ids; do
	awk -v id="$id" '$0 == ".B " id { on = 1; next }
	    on && /^\.(TP|PP|SH)/ { exit }
	    on { print }' "$SI_T/m8.plain" >"$SI_T/id.txt"
	grep -q "Tags " "$SI_T/id.txt" || si_fail "$id: no tags in audisp-sshwatch(8)"
	grep -qE "(Info|Low|Medium|High|Critical|info|low|medium|high)" "$SI_T/id.txt" ||
		si_fail "$id: no severity in audisp-sshwatch(8)"
	grep -qE "ANOM_(EXEC|MOD_ACCT)" "$SI_T/id.txt" ||
		si_fail "$id: no record type in audisp-sshwatch(8)"
done
if command -v man >/dev/null 2>&1; then
	# lintian's check, on the pages as a package installs them (with
	# /usr, /etc, /var: a long build prefix alone can make lines that
	# cannot be adjusted), and on the installed ones at a width that fits
	# their paths.
	mkdir -p "$SI_T/man/man8" "$SI_T/man/man5"
	sed -e 's|@sbindir@|/usr/sbin|g' -e 's|@sysconfdir@|/etc|g' \
	    -e 's|@localstatedir@|/var|g' -e "s|@PACKAGE_VERSION@|$PACKAGE_VERSION|g" \
	    "$srcdir/conf/audisp-sshwatch.8.in" >"$SI_T/man/man8/audisp-sshwatch.8"
	cp "$srcdir/conf/sshwatch.conf.5" "$SI_T/man/man5/"
	cp "$srcdir/conf/audisp-sshwatch-genrules.8" "$SI_T/man/man8/"
	for m in man8/audisp-sshwatch.8 man5/sshwatch.conf.5 \
	    man8/audisp-sshwatch-genrules.8; do
		out=$(cd "$SI_T/man" && LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		    man --warnings -E UTF-8 -l -Tutf8 -Z "$m" 2>&1 >/dev/null)
		[ -z "$out" ] || si_fail "man --warnings $m: $out"
		out=$(cd "$R$mandir" && LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=250 \
		    man --warnings -E UTF-8 -l -Tutf8 -Z "$m" 2>&1 >/dev/null)
		[ -z "$out" ] || si_fail "man --warnings (installed) $m: $out"
	done
	(cd "$R$mandir" && MANWIDTH=80 man -l "$R$mandir/man8/audisp-sshwatch-genrules.8" 2>/dev/null) |
		grep -q "audisp-sshwatch-genrules" ||
		si_fail "audisp-sshwatch-genrules(8) does not lead to audisp-sshwatch(8)"
else
	si_log "man not found: the pages were not rendered"
fi

# Again, then back out.
si_install "$R"
(cd "$top_builddir" && env -u MAKEFLAGS -u MFLAGS make -s --no-print-directory \
    uninstall DESTDIR="$R") >"$SI_T/uninstall.log" 2>&1 ||
	si_fail "make uninstall: $(tail -n 20 "$SI_T/uninstall.log")"
left=$(cd "$R" && find . -type f)
[ -z "$left" ] || si_fail "make uninstall left: $left"
si_log "layout, modes, plugin entry, config and man pages as expected"
exit 0
