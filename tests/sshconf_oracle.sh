#!/bin/bash
# sshconf_oracle.sh: differential test of the client configuration reader
# (sshconf.c, applied by sshopt_parse_conf) against the real ssh on this
# machine.  For generated configuration files -- Host blocks with
# wildcards and negation, Match host/originalhost/user/localuser/all/
# final/canonical, Hostname and User that later Matches look at, Include
# of further generated files, keywords in every case, `=' and quotes --
# `ssh -G -F FILE ARGS' prints the effective configuration without
# connecting; the findings derived from it must equal what sshconf_cli
# reports for the same argv and file.  Not generated: Match exec (never
# run by us: taken as possibly true), CanonicalizeHostname (needs DNS).
set -u
top_builddir=${top_builddir:-.}
cli=$(cd "$top_builddir" && pwd)/tests/sshconf_cli
SEED=${SSHCONF_ORACLE_SEED:-20261203}
COUNT=${SSHCONF_ORACLE_COUNT:-300}

ssh=$(command -v ssh) || { echo "SKIP: no ssh client installed" >&2; exit 77; }
ver=$("$ssh" -V 2>&1 | sed -n 's/^OpenSSH_\([0-9]*\.[0-9]*\).*/\1/p')
[ -n "$ver" ] || { echo "SKIP: cannot read the ssh version" >&2; exit 77; }
[ -x "$cli" ] || { echo "FAIL: $cli not built"; exit 1; }
me=$(id -un)

T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
: > "$T/k1"

# Findings from ssh -G's output, as sshopt names them (sshopt_oracle.sh's).
oracle() {
	local out rc keys
	out=$(cd "$T" && "$ssh" -G "$@" 2>/dev/null </dev/null)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		printf 'finds:\nreject: 1\n'
		return
	fi
	keys=$(printf '%s\n' "$out" | awk -v T="$T" '
	function allnull(   i) {
		for (i = 2; i <= NF; i++)
			if ($i != "/dev/null" && tolower($i) != "none") return 0
		return 1
	}
	$1 == "dynamicforward" { f["dynamic-forward"] = 1 }
	$1 == "localforward" { f["local-forward"] = 1 }
	$1 == "remoteforward" { f["remote-forward"] = 1 }
	$1 == "tunnel" && $2 != "false" { f["tun-device"] = 1 }
	$1 == "sessiontype" && $2 == "none" { f["no-command"] = 1 }
	$1 == "forkafterauthentication" && $2 == "yes" { f["fork"] = 1 }
	$1 == "gatewayports" && $2 == "yes" { f["gateway-ports"] = 1 }
	$1 == "proxyjump" { f["proxy-jump"] = 1 }
	$1 == "proxycommand" && $2 != "none" { f["proxy-command"] = 1 }
	$1 == "stricthostkeychecking" && $2 == "false" { f["no-hostcheck"] = 1 }
	($1 == "userknownhostsfile" || $1 == "globalknownhostsfile") &&
	    allnull() { f["no-hostcheck"] = 1 }
	$1 == "forwardagent" && $2 != "no" { f["agent-forward"] = 1 }
	$1 == "identityagent" && tolower($2) != "none" &&
	    $2 != "SSH_AUTH_SOCK" { f["identity-agent"] = 1 }
	$1 == "identityfile" && index($2, T) == 1 { f["identity-file"] = 1 }
	END { for (k in f) print k }' | sort)
	printf 'finds:%s\nreject: 0\n' "$(printf ' %s' $keys | sed 's/^ $//')"
}

ours() {
	(cd "$T" && "$cli" "$ver" ssh "$@") | awk '
	/^finds:/ { f = $0 } /^reject:/ { r = $0 }
	END { if (r == "reject: 1") f = "finds:"; print f; print r }'
}

fail=0 n=0
check() {
	local a b
	n=$((n + 1))
	a=$(oracle "$@")
	b=$(ours "$@")
	if [ "$a" != "$b" ]; then
		fail=$((fail + 1))
		printf 'MISMATCH: ssh'
		printf ' %q' "$@"
		printf '\n  ssh -G: %s\n  sshconf: %s\n' "${a//$'\n'/ | }" \
		    "${b//$'\n'/ | }"
		for f in "$T"/c*; do
			case " $* " in *" $f "*) ;; *) continue ;; esac
		done
		sed 's/^/    | /' "$T/cfg"
		for f in "$T"/inc*; do
			[ -f "$f" ] && { echo "    $f:"; sed 's/^/    | /' "$f"; }
		done
	fi
}

opts=(
	"DynamicForward 1080" "dynamicforward=1081" "LocalForward 8080 x:80"
	"RemoteForward 9000 localhost:22" "ForwardAgent yes" "ForwardAgent no"
	"StrictHostKeyChecking no" "StrictHostKeyChecking yes"
	"UserKnownHostsFile /dev/null" "ProxyJump j1" "ProxyCommand nc %h %p"
	"ProxyCommand none" "IdentityFile $T/k1" "ClearAllForwardings yes"
	"Tunnel yes" "GatewayPorts yes" "SessionType none"
	"Hostname real.example" "Hostname %h.int" "User admin" "User bob"
	"IdentityAgent /tmp/x/agent.1" '"ForwardAgent" "yes"'
	"FORWARDAGENT = yes" "  stricthostkeychecking=no" "HostName h2"
)
sels=(
	"Host h1" "Host h*" "Host *" "Host * !h1" "Host real.example"
	"Host *.int" "Host h?" "Host h2 h1" "host=h2"
	"Match host h1" "Match host real.example,*.int" "Match originalhost h1"
	"Match user admin" "Match user root" "Match localuser $me"
	"Match localuser nobody" "Match all" "Match final"
	"Match final host real.example" "Match canonical" "Match !final"
	"Match host !h1,h*" "MATCH User=bob" "Match !host h2 user admin"
)
dests=( "h1" "h2" "admin@h1" "-l bob h2" "real.example" "h3" "H1" )
extra=( "" "" "" "-o ForwardAgent=no" "-D 5" "-o Hostname=x.int"
	"-o User=admin" "-o ClearAllForwardings=yes" )

# One file of k stanzas; with inc, one line includes $T/inc*.
gen_file() {
	local k=$1 inc=$2 i j
	for ((i = 0; i < k; i++)); do
		[ $((RANDOM % 4)) -ne 0 ] && echo "${sels[RANDOM % ${#sels[@]}]}"
		for ((j = 0; j <= RANDOM % 3; j++)); do
			echo "	${opts[RANDOM % ${#opts[@]}]}"
		done
		if [ "$inc" = 1 ] && [ $((RANDOM % 3)) -eq 0 ]; then
			echo "Include $T/inc*"
			inc=0
		fi
	done
}

# Fixed cases first.
printf 'Host web*\n\tDynamicForward 1080\n' > "$T/cfg"
check -F "$T/cfg" web1
check -F "$T/cfg" db1
printf 'Host a\n Hostname b\nMatch final\nHost b\n DynamicForward 3\n' > "$T/cfg"
check -F "$T/cfg" a
printf 'Match host real.x\n ForwardAgent yes\nHost a\n HostName real.x\n' > "$T/cfg"
check -F "$T/cfg" a
printf 'Include %s/inc1\nForwardAgent yes\n' "$T" > "$T/cfg"
printf 'Host zz\n' > "$T/inc1"
check -F "$T/cfg" h
rm -f "$T/inc1"

RANDOM=$SEED
for ((c = 0; c < COUNT; c++)); do
	rm -f "$T"/inc*
	gen_file $((1 + RANDOM % 6)) 1 > "$T/cfg"
	if [ $((RANDOM % 2)) -eq 0 ]; then
		gen_file $((1 + RANDOM % 3)) 0 > "$T/inc_a"
		[ $((RANDOM % 2)) -eq 0 ] && gen_file 2 0 > "$T/inc_b"
	fi
	# shellcheck disable=SC2206
	args=(-F "$T/cfg" ${extra[RANDOM % ${#extra[@]}]} \
	    ${dests[RANDOM % ${#dests[@]}]})
	check "${args[@]}"
done

echo "sshconf_oracle: $n cases against $ssh $ver, $fail mismatches"
[ "$fail" -eq 0 ]
