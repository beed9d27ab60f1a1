#!/bin/bash
# packages.sh: the Debian and RPM packages build from the release tree and
# hold the install layout; the SELinux module compiles.
#
#  1. `make distdir' (what `make dist' packs) into a temporary directory.
#  2. Debian: `dpkg-buildpackage -us -uc -b' in a copy of it, with
#     DEB_BUILD_OPTIONS=nocheck (the unit suites run in `make check'
#     already; this keeps the test short).  lintian on the .deb must print
#     no error or warning and no unused or mismatched override (every
#     override carries its reason in debian/*.lintian-overrides).  The
#     package must hold the layout with its modes, list the three files
#     of /etc as conffiles, and have no maintainer script that loads rules
#     or reloads auditd; the only unit they touch is
#     audisp-sshwatch-genrules.path, which postinst enables and starts.
#  3. RPM: the tarball of the same tree in SOURCES, `rpmbuild -bb' of the
#     spec it carries, with --nodeps (Debian's rpm database knows none of
#     the BuildRequires; the build itself uses the Debian build
#     dependencies) and --without check (check-devel is only for the unit
#     suites).  The .rpm must hold the layout with its modes, and the
#     three files of /etc as %config(noreplace); its scriptlets touch
#     only audisp-sshwatch-genrules.path, which %post enables and starts
#     on first install.
#  4. SELinux: the policy module compiles with the reference policy's
#     development Makefile (/usr/share/selinux/devel/Makefile, Debian
#     package selinux-policy-dev), without a warning.
# A missing tool skips the test (exit 77), except in CI (CI set), where
# scripts/install-deps has installed them and it fails instead.
. "${srcdir:-.}/tests/install/lib.sh"
si_no_package_build
si_need dpkg-buildpackage dh lintian dpkg-deb rpmbuild rpm tar gzip
SE_MAKEFILE=/usr/share/selinux/devel/Makefile
if ! [ -f "$SE_MAKEFILE" ]; then
	[ -z "${CI:-}" ] || si_fail "no $SE_MAKEFILE in CI (selinux-policy-dev)"
	si_skip "no $SE_MAKEFILE (selinux-policy-dev)"
fi
si_init
export SSHWATCH_PACKAGE_BUILD=1
# The builds below are not part of this make's job: no jobserver.
unset MAKEFLAGS MFLAGS MAKELEVEL

V=$PACKAGE_VERSION
P=audisp-sshwatch-$V
mkdir -p "$SI_T/dist"
(cd "$top_builddir" && env -u MAKEFLAGS -u MFLAGS make -s --no-print-directory \
    distdir distdir="$SI_T/dist/$P") >"$SI_T/distdir.log" 2>&1 ||
	si_fail "make distdir: $(tail -n 20 "$SI_T/distdir.log")"
for f in debian/rules debian/control audisp-sshwatch.spec selinux/audisp_sshwatch.te; do
	[ -f "$SI_T/dist/$P/$f" ] || si_fail "the release tree has no $f"
done

# ------------------------------------------------------------------ deb
si_log "dpkg-buildpackage -us -uc -b"
mkdir -p "$SI_T/deb"
cp -a "$SI_T/dist/$P" "$SI_T/deb/$P"
if ! (cd "$SI_T/deb/$P" && DEB_BUILD_OPTIONS=nocheck \
    dpkg-buildpackage -us -uc -b) >"$SI_T/deb.log" 2>&1; then
	si_fail "dpkg-buildpackage: $(tail -n 40 "$SI_T/deb.log")"
fi
DEB=$(ls "$SI_T"/deb/audisp-sshwatch_"$V"-*_*.deb 2>/dev/null | head -n 1)
[ -n "$DEB" ] || si_fail "no .deb: $(ls "$SI_T/deb")"

lintian -I --show-overrides "$DEB" >"$SI_T/lintian.out" 2>&1
lrc=$?
sed 's/^/lintian: /' "$SI_T/lintian.out" >&2
if [ "$lrc" -ne 0 ] || grep -qE "^[EW]: |unused-override|mismatched-override" \
    "$SI_T/lintian.out"; then
	si_fail "lintian is not clean: $(grep -E "^[EWI]: " "$SI_T/lintian.out")"
fi

dpkg-deb -c "$DEB" | awk '{ print $1, $2, $6 }' >"$SI_T/deb.list"
check_deb() {
	grep -qxF -- "$1 root/root ./$2" "$SI_T/deb.list" ||
		si_fail "the .deb has no $1 root/root ./$2: $(grep -F "$2" "$SI_T/deb.list")"
}
check_deb -rwxr-x--- usr/sbin/audisp-sshwatch
check_deb -rwxr-xr-x usr/sbin/audisp-sshwatch-genrules
check_deb drwxr-x--- etc/audit/
check_deb drwxr-x--- etc/audit/plugins.d/
check_deb drwxr-x--- etc/audit/rules.d/
check_deb -rw-r----- etc/audit/sshwatch.conf
check_deb -rw-r----- etc/audit/plugins.d/sshwatch.conf
check_deb -rw-r----- etc/audit/rules.d/25-sshwatch.rules
check_deb drwx------ var/spool/audisp-sshwatch/
check_deb -rw-r--r-- usr/share/man/man8/audisp-sshwatch.8.gz
check_deb -rw-r--r-- usr/share/man/man5/sshwatch.conf.5.gz
grep -qE "^[-l]r.* \./usr/share/man/man8/audisp-sshwatch-genrules\.8\.gz$" \
    "$SI_T/deb.list" || si_fail "the .deb has no audisp-sshwatch-genrules.8"
check_deb -rw-r--r-- usr/share/doc/audisp-sshwatch/README.Debian
check_deb -rw-r--r-- usr/share/doc/audisp-sshwatch/copyright
check_deb -rw-r--r-- usr/share/doc/audisp-sshwatch/audisp_sshwatch.te
mkdir "$SI_T/deb.ctrl" "$SI_T/deb.root"
dpkg-deb -e "$DEB" "$SI_T/deb.ctrl"
dpkg-deb -x "$DEB" "$SI_T/deb.root"
sort "$SI_T/deb.ctrl/conffiles" >"$SI_T/conffiles"
printf '%s\n' /etc/audit/plugins.d/sshwatch.conf \
    /etc/audit/rules.d/25-sshwatch.rules /etc/audit/sshwatch.conf |
	diff -u - "$SI_T/conffiles" >"$SI_T/diff" ||
	si_fail "conffiles: $(cat "$SI_T/diff")"
# The path unit's lines (and systemd's daemon-reload) aside, nothing may
# load, reload, start or stop anything.
PATH_UNIT=audisp-sshwatch-genrules.path
for s in preinst postinst prerm postrm; do
	[ -f "$SI_T/deb.ctrl/$s" ] || continue
	if grep -vE "'$PATH_UNIT'|daemon-reload" "$SI_T/deb.ctrl/$s" |
	    grep -qE "augenrules|auditctl|service|invoke|systemctl|kill"; then
		si_fail "$s loads or reloads something: $(cat "$SI_T/deb.ctrl/$s")"
	fi
done
grep -qF "deb-systemd-helper enable '$PATH_UNIT'" "$SI_T/deb.ctrl/postinst" ||
	si_fail "postinst does not enable $PATH_UNIT"
grep -qF "deb-systemd-invoke \$_dh_action '$PATH_UNIT'" "$SI_T/deb.ctrl/postinst" ||
	si_fail "postinst does not start $PATH_UNIT"
if cat "$SI_T"/deb.ctrl/p* | grep -E "systemd" | grep -vF "$PATH_UNIT" |
    grep -qE "'[^']*\.(service|path|socket|timer)'"; then
	si_fail "a maintainer script names another unit than $PATH_UNIT"
fi
grep -qx "active = no" "$SI_T/deb.root/etc/audit/plugins.d/sshwatch.conf" ||
	si_fail "the .deb's plugin entry is not inactive"
grep -qx "path = /usr/sbin/audisp-sshwatch" \
    "$SI_T/deb.root/etc/audit/plugins.d/sshwatch.conf" ||
	si_fail "the .deb's plugin entry does not name /usr/sbin/audisp-sshwatch"
grep -q -- "^-a always,exit .*key=sshwatch-exec" \
    "$SI_T/deb.root/etc/audit/rules.d/25-sshwatch.rules" ||
	si_fail "the .deb's 25-sshwatch.rules has no exec rules"
if grep -q -- "^-a never" "$SI_T/deb.root/etc/audit/rules.d/25-sshwatch.rules"; then
	si_fail "the .deb's 25-sshwatch.rules has a never-rule"
fi
dpkg-deb -f "$DEB" Depends | grep -qw auditd || si_fail "the .deb does not depend on auditd"
si_log "$(basename "$DEB"): lintian clean, layout and conffiles as expected"

# ------------------------------------------------------------------ rpm
si_log "rpmbuild -bb"
RT=$SI_T/rpm
mkdir -p "$RT/SOURCES" "$RT/SPECS" "$RT/BUILD" "$RT/RPMS" "$RT/SRPMS"
tar -C "$SI_T/dist" -czf "$RT/SOURCES/$P.tar.gz" "$P"
tar -xzOf "$RT/SOURCES/$P.tar.gz" "$P/audisp-sshwatch.spec" >"$RT/SPECS/audisp-sshwatch.spec" ||
	si_fail "the tarball carries no audisp-sshwatch.spec"
grep -q "^Version: *$V$" "$RT/SPECS/audisp-sshwatch.spec" ||
	si_fail "the spec's Version is not $V"
if ! rpmbuild -bb --nodeps --without check --define "_topdir $RT" \
    "$RT/SPECS/audisp-sshwatch.spec" >"$SI_T/rpm.log" 2>&1; then
	si_fail "rpmbuild: $(tail -n 40 "$SI_T/rpm.log")"
fi
RPM=$(find "$RT/RPMS" -name "audisp-sshwatch-$V-1*.rpm" ! -name "*debug*" | head -n 1)
[ -n "$RPM" ] || si_fail "no .rpm: $(find "$RT/RPMS" -type f)"
rpm -qp --qf '[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]' \
    "$RPM" >"$SI_T/rpm.list" 2>"$SI_T/rpm.err" || si_fail "rpm -qp: $(cat "$SI_T/rpm.err")"
check_rpm() {
	grep -qxE -- "$1" "$SI_T/rpm.list" ||
		si_fail "the .rpm has no line like \"$1\": $(cat "$SI_T/rpm.list")"
}
check_rpm "-rwxr-x--- root  /usr/sbin/audisp-sshwatch"
check_rpm "-rwxr-xr-x root  /usr/sbin/audisp-sshwatch-genrules"
check_rpm "-rw-r----- root cn /etc/audit/plugins.d/sshwatch.conf"
check_rpm "-rw-r----- root cn /etc/audit/sshwatch.conf"
check_rpm "-rw-r----- root cn /etc/audit/rules.d/25-sshwatch.rules"
check_rpm "-rw-r----- root g /etc/audit/rules.d/26-sshwatch-homes.rules"
check_rpm "drwx------ root  /var/spool/audisp-sshwatch"
# rpm marks man pages as documentation; the doc directory is NAME on
# RHEL, NAME-VERSION with Debian's rpm macros.
check_rpm "-rw-r--r-- root d /usr/share/man/man8/audisp-sshwatch.8(\.gz)?"
check_rpm "-rw-r--r-- root d /usr/share/man/man8/audisp-sshwatch-genrules.8(\.gz)?"
check_rpm "-rw-r--r-- root d /usr/share/man/man5/sshwatch.conf.5(\.gz)?"
check_rpm "-rw-r--r-- root d /usr/share/doc/audisp-sshwatch(-$V)?/audisp_sshwatch.te"
if grep -E " /etc/audit/?$| /etc/audit/(plugins|rules)\.d$" "$SI_T/rpm.list"; then
	si_fail "the .rpm owns auditd's directories"
fi
rpm -qp --requires "$RPM" 2>/dev/null | grep -qx "audit" ||
	si_fail "the .rpm does not require audit"
# rpm's tags (preinstall... are no tags: rpm printed nothing for them).
for s in PREIN POSTIN PREUN POSTUN; do
	rpm -qp --qf "%{$s}\n" "$RPM" >/dev/null 2>&1 ||
		si_fail "rpm -qp --qf %{$s} fails"
	if rpm -qp --qf "%{$s}\n" "$RPM" 2>/dev/null |
	    grep -vE "$PATH_UNIT|daemon-reload|command -v systemctl" |
	    grep -qE "augenrules|auditctl|service|systemctl|kill"; then
		si_fail "the .rpm's $s scriptlet loads or reloads something"
	fi
done
rpm -qp --qf "%{POSTIN}\n" "$RPM" 2>/dev/null |
    grep -qE "systemctl enable $PATH_UNIT" ||
	si_fail "the .rpm's %post does not enable $PATH_UNIT"
rpm -qp --qf "%{PREUN}\n" "$RPM" 2>/dev/null |
    grep -qE "disable --now $PATH_UNIT" ||
	si_fail "the .rpm's %preun does not disable $PATH_UNIT"
si_log "$(basename "$RPM"): layout, modes and %config(noreplace) as expected"

# -------------------------------------------------------------- SELinux
mkdir "$SI_T/se"
cp "$SI_T/dist/$P"/selinux/audisp_sshwatch.{te,fc,if} "$SI_T/se/"
if ! make -C "$SI_T/se" -f "$SE_MAKEFILE" audisp_sshwatch.pp \
    >"$SI_T/se.log" 2>&1; then
	si_fail "the SELinux module does not compile: $(cat "$SI_T/se.log")"
fi
[ -s "$SI_T/se/audisp_sshwatch.pp" ] || si_fail "no audisp_sshwatch.pp"
if grep -qiE "warning|error" "$SI_T/se.log"; then
	si_fail "the SELinux module compiles with warnings: $(cat "$SI_T/se.log")"
fi
si_log "audisp_sshwatch.pp compiles against $SE_MAKEFILE"
exit 0
