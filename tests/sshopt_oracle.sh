#!/bin/bash
# sshopt_oracle.sh: differential test of the option parser against the real
# ssh on this machine.  `ssh -F /dev/null -G ARGS' parses ARGS exactly as
# ssh would, prints the effective configuration and exits without
# connecting (255 when ssh refuses the command line).  For a fixed list of
# cases and for a few hundred random argv, the findings derived from that
# output must equal what sshopt_cli reports for the same release.
#
# Random argv come from a pool of tokens that excludes what sshopt does
# not model on purpose: option values it does not validate (-p, -c, -m,
# -e), unknown -o keywords (ssh refuses them; sshopt accepts them, so a
# newer keyword can never blind it), -W (-G does not print it), -O, -E,
# -F, -V and -Q.
set -u
top_builddir=${top_builddir:-.}
cli=$top_builddir/tests/sshopt_cli
SEED=${SSHOPT_ORACLE_SEED:-20261127}
COUNT=${SSHOPT_ORACLE_COUNT:-400}

ssh=$(command -v ssh) || { echo "SKIP: no ssh client installed"; exit 77; }
ver=$("$ssh" -V 2>&1 | sed -n 's/^OpenSSH_\([0-9]*\.[0-9]*\).*/\1/p')
[ -n "$ver" ] || { echo "SKIP: cannot read the ssh version"; exit 77; }
[ -x "$cli" ] || { echo "FAIL: $cli not built"; exit 1; }

T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
for k in k1 k2 k3; do : > "$T/$k"; done

# Findings from ssh -G's output, as sshopt names them.
oracle() {
	local out rc keys
	out=$(cd "$T" && "$ssh" -F /dev/null -G "$@" 2>/dev/null </dev/null)
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

# When ssh refuses the argv only that is compared: it prints no settings.
ours() {
	"$cli" "$ver" ssh "$@" | awk '
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
		printf '\n  ssh -G: %s\n  sshopt: %s\n' "${a//$'\n'/ | }" "${b//$'\n'/ | }"
	fi
}

# Fixed cases: every category and trap of the issue.
check -D 1080 h
check -fND1080 h
check -NfL 8080:h2:80 h
check h -D 1080
check h ls -R /
check h -- -D 1
check -- h -D 1
check -l -- h -D 1
check -v- h -D 1
check -l alice h
check h -v -L 1:h:2 cmd -R 3:h:4
check -R9000 h
check -w 0:0 h
check -o Tunnel=yes h
check -o Tunnel=no -w 0 h
check -o ClearAllForwardings=yes -L 1:h:2 h
check -L 1:h:2 -o ClearAllForwardings=yes h
check -o ClearAllForwardings=yes -w 0 h
check -J j h
check -J none h
check -o ProxyJump=none h
check -o ProxyCommand=none -o ProxyJump=j h
check -o ProxyJump=j -o 'ProxyCommand nc %h %p' h
check -o 'ProxyCommand=nc %h %p' h
check -J a -J b h
check -i "$T/k1" h
check -o "IdentityFile=$T/k3" h
check -o StrictHostKeyChecking=no h
check -o 'StrictHostKeyChecking no' h
check -o 'stricthostkeychecking = OFF' h
check -o StrictHostKeyChecking=False h
check -o 'StrictHostKeyChecking "no"' h
check -o '"StrictHostKeyChecking" no' h
check -o StrictHostKeyChecking=accept-new h
check -o StrictHostKeyChecking=yes -o StrictHostKeyChecking=no h
check -o StrictHostKeyChecking=maybe h
check -o StrictHostKeyChecking==no h
check -o 'StrictHostKeyChecking no extra' h
check -o '#StrictHostKeyChecking no' h
check -o UserKnownHostsFile=/dev/null h
check -o 'UserKnownHostsFile /dev/null /x' h
check -o GlobalKnownHostsFile=none h
check -A -a h
check -a -A h
check -o ForwardAgent=no -A h
check -A -o ForwardAgent=no h
check -o ForwardAgent=/tmp/s h
check -o IdentityAgent=/home/bob/s h
check -o SessionType=none h
check -o SessionType=default -N h
check -g -L 8080:h2:80 h
check -D
check -D 1080
check @h
check ssh://alice@h:2222 -D 1

# Random argv from the token pool, reproducible from the seed.
pool=(
	"-D 1080" "-D1081" "-L 8080:h2:80" "-L8081:h2:80"
	"-R 9000:localhost:22" "-R9001" "-N" "-f" "-g" "-A" "-a" "-n" "-T"
	"-t" "-v" "-q" "-x" "-C" "-4" "-fN" "-NfD1082" "-fNL 8083:h:80" "-Af"
	"-w 0:0" "-J j1" "-J none" "-l alice" "-lbob" "-p 2222"
	"-i $T/k1" "-i$T/k2" "-o StrictHostKeyChecking=no"
	"-o StrictHostKeyChecking=yes" "-oStrictHostKeyChecking=accept-new"
	"-o StrictHostKeyChecking__off" "-o stricthostkeychecking=FALSE"
	"-o StrictHostKeyChecking=maybe" "-o UserKnownHostsFile=/dev/null"
	"-o UserKnownHostsFile__/dev/null__/x" "-o GlobalKnownHostsFile=none"
	"-o ForwardAgent=yes" "-o ForwardAgent=no" "-o ForwardAgent=/tmp/s"
	"-o IdentityAgent=/home/bob/s" "-o IdentityAgent=none"
	"-o ProxyJump=j2" "-o ProxyJump=none" "-o ProxyCommand__nc__%h__%p"
	"-o ProxyCommand=none" "-o DynamicForward=1090"
	"-o LocalForward__8090__h:80" "-o RemoteForward=9090"
	"-o ClearAllForwardings=yes" "-o ClearAllForwardings=no"
	"-o Tunnel=yes" "-o Tunnel=no" "-o SessionType=none"
	"-o SessionType=default" "-o GatewayPorts=yes"
	"-o ForkAfterAuthentication=yes" "-o IdentityFile=$T/k3" "-s" "--"
	"h" "host2" "alice@h3" "ls" "-R" "/" "echo" "-" "-l" "-o"
)
RANDOM=$SEED
for ((i = 0; i < COUNT; i++)); do
	args=()
	len=$((RANDOM % 8 + 1))
	for ((j = 0; j < len; j++)); do
		tok=${pool[RANDOM % ${#pool[@]}]}
		# One token may be two argv words ("-D 1080"); "__" is a
		# space inside one word.
		for w in $tok; do
			args+=("${w//__/ }")
		done
	done
	check "${args[@]}"
done

echo "$n cases against $ssh (OpenSSH $ver), $fail mismatches"
[ "$fail" -eq 0 ]
