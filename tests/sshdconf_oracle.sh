#!/bin/sh
# sshdconf_oracle: the sshd_config model against sshd itself.  Generates
# configurations (duplicates, keyword case, "=" and quotes, an Include of
# a glob, Match User blocks for the connection's user and for another)
# and compares, for each key set, the model's effective value
# (tests/sshdconf_cli) with what `sshd -T -f FILE -C user=...' prints.
# Keys left unset are skipped: sshd prints its defaults there.
set -u
N=${SSHDCONF_ORACLE_N:-40}
SSHD=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$SSHD" ] || { echo "skip: no sshd" >&2; exit 77; }
command -v ssh-keygen >/dev/null || { echo "skip: no ssh-keygen" >&2; exit 77; }
# The model reads only root's files (sshdconf's loader, as sshd is root's),
# and the generated files are the running user's.
[ "$(id -u)" -eq 0 ] ||
	{ echo "skip: needs root (the model reads only files root owns)" >&2; exit 77; }
# sshd -T wants its privilege separation directory: where it is missing,
# run in a private mount namespace with a tmpfs on /run that has it, so
# the host is left as it is.
if [ ! -d /run/sshd ] && [ -z "${SSHDCONF_ORACLE_NS:-}" ]; then
	[ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null ||
		{ echo "skip: /run/sshd missing and no private mount namespace" >&2; exit 77; }
	SSHDCONF_ORACLE_NS=1 exec unshare -m sh -c \
	    'mount -t tmpfs -o mode=755 none /run && mkdir -m 755 /run/sshd && exec sh "$0"' "$0"
fi
CLI=${top_builddir:-.}/tests/sshdconf_cli
[ -x "$CLI" ] || { echo "FAIL: $CLI not built" >&2; exit 1; }
T=$(mktemp -d /tmp/sshdconf_oracle.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
ssh-keygen -q -t ed25519 -N '' -f "$T/hk" >/dev/null || exit 1
mkdir -p "$T/d"

# A value sshd -T prints the same way, for key $1 (random by $2).
value() {
	case $1 in
	PermitRootLogin) set -- "$2" yes no forced-commands-only prohibit-password ;;
	PasswordAuthentication|X11Forwarding|PermitUserEnvironment) set -- "$2" yes no ;;
	ClientAliveInterval|MaxAuthTries) echo $(( $2 % 50 + 1 )); return ;;
	LogLevel) set -- "$2" QUIET INFO VERBOSE ERROR ;;
	AllowTcpForwarding) set -- "$2" yes no local remote ;;
	GatewayPorts) set -- "$2" yes no clientspecified ;;
	AuthorizedKeysFile) set -- "$2" .ssh/authorized_keys "/var/lib/k/%u" ".ssh/a .ssh/b" ;;
	ForceCommand) set -- "$2" /bin/true "/bin/echo hi" internal-sftp ;;
	esac
	i=$(( $1 % ($# - 1) + 2 ))
	eval echo "\"\${$i}\""
}
KEYS="PermitRootLogin PasswordAuthentication X11Forwarding ClientAliveInterval
MaxAuthTries LogLevel AllowTcpForwarding GatewayPorts AuthorizedKeysFile
ForceCommand PermitUserEnvironment"
MATCHKEYS="PermitRootLogin PasswordAuthentication X11Forwarding
ClientAliveInterval MaxAuthTries LogLevel AllowTcpForwarding GatewayPorts
AuthorizedKeysFile ForceCommand"

# Random numbers from awk, seeded per run for reproducibility.
rnd() { awk -v s="$1" 'BEGIN { srand(s); for (i = 0; i < 64; i++) print int(rand() * 100000) }'; }

fails=0
compared=0
i=0
while [ $i -lt "$N" ]; do
	i=$((i + 1))
	set -- $(rnd $i)
	f=$T/c$i
	{
		echo "HostKey $T/hk"
		echo "Include $T/d/$i-*.conf"
		for k in $KEYS; do
			r=$1; shift
			[ $((r % 3)) -eq 0 ] && continue
			v=$(value $k $r)
			case $((r % 4)) in
			0) echo "$k $v" ;;
			1) echo "$(echo $k | tr A-Z a-z)=$v" ;;
			2) echo "  $k   $v   # comment" ;;
			3) echo "$k $v"; echo "$k $(value $k $((r + 1)))" ;;
			esac
		done
		echo "Match User u$((i % 2))"
		for k in $MATCHKEYS; do
			r=$1; shift
			[ $((r % 2)) -eq 0 ] && continue
			echo "	$k $(value $k $r)"
		done
		echo "Match User other"
		echo "	PermitRootLogin yes"
	} >"$f"
	{
		set -- $(rnd $((i + 1000)))
		for k in PasswordAuthentication LogLevel ClientAliveInterval; do
			r=$1; shift
			[ $((r % 2)) -eq 0 ] && echo "$k $(value $k $r)"
		done
	} >"$T/d/$i-a.conf"
	keys=$(echo $KEYS | tr A-Z a-z)
	if ! "$SSHD" -T -f "$f" -C user=u1,host=h,addr=127.0.0.1 \
	    >"$T/sshd.out" 2>"$T/sshd.err"; then
		echo "FAIL: sshd -T refused config $i: $(head -2 "$T/sshd.err")" >&2
		cat "$f" >&2
		fails=$((fails + 1))
		continue
	fi
	"$CLI" "$f" u1 $keys >"$T/model.out" || { fails=$((fails + 1)); continue; }
	while read -r k v; do
		[ "$v" = "(unset)" ] && continue
		# The value as printed (awk's $1 = "" would squeeze spaces).
		s=$(sed -n "s/^$k //p" "$T/sshd.out" | head -n 1)
		# Names sshd -T prints for the same setting.
		mv=$(echo "$v" | tr A-Z a-z | sed 's/^prohibit-password$/without-password/; s/^quiet$/silent/')
		s=$(echo "$s" | tr A-Z a-z)
		compared=$((compared + 1))
		if [ "$mv" != "$s" ]; then
			echo "FAIL: config $i: $k: model \"$v\", sshd -T \"$s\"" >&2
			fails=$((fails + 1))
		fi
	done <"$T/model.out"
done
echo "sshdconf_oracle: $N configurations, $compared values compared, $fails differences"
[ "$compared" -gt 0 ] || { echo "FAIL: nothing compared" >&2; exit 1; }
[ "$fails" -eq 0 ]
