#!/bin/sh
# tests/compat/build-audit.sh TARBALL CACHE: builds one audit-userspace
# release into a prefix under CACHE and prints that prefix.
#
# The prefix is named after the release and the first 16 hex digits of the
# tarball's SHA-256 (CACHE/audit-3.1.2-df5ca34229a24040), so a changed
# tarball gets a new prefix; an existing prefix with its .complete stamp is
# used as is.  Only what the compatibility test needs is built and
# installed: libaudit and libauparse (with headers and pkg-config files),
# auditd, auditctl, ausearch, aureport and augenrules (no plugins, tools,
# bindings, docs or rules), which keeps a cold build near a minute.
# With SW_AUDIT_IO_URING=1 the build has io_uring support (--with-io_uring:
# the io_uring filter and its op names, as RHEL and Fedora build it) and its
# prefix ends in -uring.
set -eu
tarball=$1
cache=$2
name=$(basename "$tarball" .tar.gz)
ver=${name#audit-userspace-}
sum=$(sha256sum "$tarball" | cut -c1-16)
prefix=$cache/audit-$ver-$sum
uring=--without-io_uring
if [ "${SW_AUDIT_IO_URING:-}" = 1 ]; then
	uring=--with-io_uring
	prefix=$prefix-uring
fi
if [ -f "$prefix/.complete" ]; then
	echo "$prefix"
	exit 0
fi
mkdir -p "$cache"
work=$(mktemp -d "${TMPDIR:-/tmp}/sshw-audit-$ver.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/build.log
{
	echo "build-audit: building audit $ver into $prefix" >&2
	rm -rf "$prefix"
	tar xzf "$tarball" -C "$work"
	cd "$work/$name"
	autoreconf -fi
	./configure --prefix="$prefix" --without-python --without-python3 \
	    --without-golang --disable-zos-remote --with-libcap-ng=yes \
	    --disable-gssapi-krb5 "$uring"
	# The pieces, in dependency order (audisp without its plugins).
	make -j2 -C common
	make -j2 -C lib
	make -j2 -C auparse
	make -j2 -C audisp SUBDIRS=
	if [ -d auplugin ]; then make -j2 -C auplugin; fi
	make -j2 -C src/libev
	make -j2 -C src SUBDIRS=
	make -C init.d augenrules
	make -C lib install
	make -C auparse install
	make -C src SUBDIRS= install-sbinPROGRAMS
	install -m 0755 init.d/augenrules "$prefix/sbin/augenrules"
	install -m 0644 init.d/auditd.conf "$prefix/auditd.conf.dist"
	touch "$prefix/.complete"
} >"$log" 2>&1 || {
	tail -n 40 "$log" >&2
	echo "build-audit: building audit $ver failed" >&2
	exit 1
}
echo "$prefix"
