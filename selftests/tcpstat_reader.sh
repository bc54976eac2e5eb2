#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The reader against the loaded module, in a guest, as KTAP: the views read
# through every source agree with each other and with ss (--families,
# --ports, --all-netns with pids and ip netns names); an --interval run
# follows the module being unloaded and loaded again, switching sources and
# saying so with -v; --version names the loaded module.  A namespace held by
# tcpstat_hold is the population.  Needs root, jq, the module loaded, and
# TCPSTAT_KO (or modprobe) to reload it.
#
# Environment: TCPSTAT_BIN (default: tools/ktcpstat of this tree).

set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
TCPSTAT=${TCPSTAT_BIN:-$top/tools/ktcpstat}
HOLD=$top/build/selftests/tcpstat_hold
WATCHDOG=120	# seconds; no test waits on the clock for less
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

n=0
pass=0
fail=0
skip=0
tmp=$(mktemp -d)
holder=
holder_fd=

cleanup() {
	[ -n "$holder_fd" ] && exec {holder_fd}>&-
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	ip netns del tsblue 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

result() {	# status name [reason]
	n=$((n + 1))
	case $1 in
	0) pass=$((pass + 1)); echo "ok $n $2" ;;
	skip) skip=$((skip + 1)); echo "ok $n $2 # SKIP $3" ;;
	*) fail=$((fail + 1)); echo "not ok $n $2" ;;
	esac
}

# run NAME FUNCTION: one test; its output becomes diagnostics.
run() {	# description command [args...]
	local out rc
	out=$("${@:2}" 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	if [ $rc -eq 77 ]; then
		result skip "$1" "$(printf '%s\n' "$out" | tail -n 1)"
	else
		result $rc "$1"
	fi
}

# wait_for CMD...: until CMD succeeds, or fail after the watchdog.
wait_for() {
	local end=$((SECONDS + WATCHDOG))
	until "$@"; do
		[ $SECONDS -lt $end ] || { echo "gave up waiting for: $*"; return 1; }
		sleep 0.1
	done
}

# ss's counts for a family of the holder's namespace, as tcpstat's JSON.
ss_vector() {	# family: "{n,n,...}", its 11 state counts in kernel order
	nsenter -t "$holder" -n ss -tanH -f "$1" | awk '
	BEGIN {
		n = split("ESTAB SYN-SENT SYN-RECV FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT UNCONN CLOSE-WAIT LAST-ACK LISTEN CLOSING", ss)
		for (i = 1; i <= n; i++) { idx[ss[i]] = i; c[i] = 0 }
	}
	{ c[idx[$1]]++ }
	END {
		printf "{"
		for (i = 1; i <= n; i++)
			printf "%s%d", (i > 1 ? "," : ""), c[i]
		print "}"
	}'
}

# The state counts of an object, in kernel order, as a comparable string.
STATES=$(sed -n 's/^[[:space:]]*\[TCPSTAT_[A-Z0-9_]*\][\t ]*= "\([A-Z0-9_]*\)",$/\1/p' \
	"$top/module/tcpstat_uapi.h" | tr '\n' ' ')
JQ_STATES="[$(for s in $STATES; do printf '.%s,' "$s"; done | sed 's/,$//')]"

t_families() {
	local s f want got
	for s in module netlink procfs; do
		"$TCPSTAT" --families --source $s --pid "$holder" >"$tmp/fam.$s" ||
			return 1
	done
	cmp "$tmp/fam.module" "$tmp/fam.netlink" && cmp "$tmp/fam.module" "$tmp/fam.procfs" ||
		{ cat "$tmp"/fam.*; return 1; }
	for f in inet inet6; do
		want=$(ss_vector $f)
		got=$(jq -c ".$f | $JQ_STATES" "$tmp/fam.module" | tr -d '[]')
		[ "{$got}" = "$want" ] || { echo "$f: tcpstat {$got}, ss $want"; return 1; }
	done
}

t_ports() {
	local s
	for s in module netlink procfs; do
		"$TCPSTAT" --ports --source $s --pid "$holder" >"$tmp/ports.$s" ||
			return 1
	done
	# What every source knows is the same; what one cannot know is null.
	jq -e --slurpfile n "$tmp/ports.netlink" --slurpfile p "$tmp/ports.procfs" '
		def common: map({port, listeners, accept_queue} + (. | with_entries(select(.key | test("^[A-Z]")))));
		(common == ($n[0] | common)) and (common == ($p[0] | common)) and
		(map(.accept_max) == ($n[0] | map(.accept_max))) and
		($n[0] | all(.syn_queue == null and .drops == null)) and
		($p[0] | all(.accept_max == null and .syn_queue == null)) and
		all(.syn_queue != null and .accept_max != null) and
		any(.accept_queue == 3) and length > 10' "$tmp/ports.module" >/dev/null ||
		{ cat "$tmp"/ports.*; return 1; }
	# --port keeps only that port.
	local p
	p=$(jq '.[3].port' "$tmp/ports.module")
	"$TCPSTAT" --port "$p" --pid "$holder" >"$tmp/one" || return 1
	jq -e --argjson p "$p" 'length == 1 and .[0].port == $p' "$tmp/one" >/dev/null ||
		{ cat "$tmp/one"; return 1; }
}

t_all_netns() {
	local ino hino try f got settled=1
	ip netns add tsblue || return 1
	ino=$(stat -L -c %i /run/netns/tsblue)
	hino=$(stat -L -c %i /proc/"$holder"/ns/net)
	# One settled reading: module, netlink and ss between two module
	# reads that agree (a timer may move a socket meanwhile).
	for try in 1 2 3 4 5 6 7 8 9 10; do
		"$TCPSTAT" --all-netns --source module >"$tmp/ns.module" || return 1
		"$TCPSTAT" --all-netns --source netlink >"$tmp/ns.netlink" || return 1
		ss_vector inet >"$tmp/ss.inet"
		ss_vector inet6 >"$tmp/ss.inet6"
		"$TCPSTAT" --all-netns --source module >"$tmp/ns.module2" || return 1
		cmp -s "$tmp/ns.module" "$tmp/ns.module2" && { settled=0; break; }
	done
	[ $settled -eq 0 ] || { echo "the population never held still across a reading"; return 1; }
	# netlink finds at least the initial namespace, the holder's and
	# tsblue, and every namespace it finds, the module counts the same.
	jq -e --slurpfile n "$tmp/ns.netlink" --argjson h "$hino" --argjson b "$ino" '
		def rows: map({key: (.netns | tostring), value: {inet, inet6}}) | from_entries;
		rows as $m | ($n[0] | rows) as $nl |
		($nl | length) >= 3 and ($nl | has($h | tostring)) and
		($nl | has($b | tostring)) and
		($nl | to_entries | all(.value == $m[.key]))' \
		"$tmp/ns.module" >/dev/null || { cat "$tmp"/ns.*; return 1; }
	# The holder's namespace is exactly what ss shows there.
	for f in inet inet6; do
		got=$(jq -c --argjson h "$hino" ".[] | select(.netns == \$h) | .$f | $JQ_STATES" \
			"$tmp/ns.module" | tr -d '[]')
		[ "{$got}" = "$(cat "$tmp/ss.$f")" ] ||
			{ echo "$f: module {$got}, ss $(cat "$tmp/ss.$f")"; return 1; }
	done
	jq -e --argjson h "$holder" --argjson b "$ino" '
		(map(select(.pids | index($h))) | length == 1) and
		(map(select(.netns == $b)) | .[0].names == ["tsblue"] and .[0].pids == [])' \
		"$tmp/ns.module" >/dev/null || { cat "$tmp/ns.module"; return 1; }
	ip netns del tsblue
}

t_all_netns_refused() {
	"${NOBODY[@]}" "$TCPSTAT" --all-netns --source module >"$tmp/out" 2>"$tmp/err"
	[ $? -eq 1 ] && grep -q "/proc/tcpstat_netns: Operation not permitted" "$tmp/err" ||
		{ cat "$tmp/err"; return 1; }
	"${NOBODY[@]}" "$TCPSTAT" --all-netns --source netlink >"$tmp/out" 2>"$tmp/err"
	[ $? -eq 1 ] && grep -q "needs CAP_SYS_ADMIN" "$tmp/err" ||
		{ cat "$tmp/err"; return 1; }
}

t_version() {
	local v
	v=$(cat /sys/module/tcpstat/version)
	"$TCPSTAT" --version >"$tmp/v" || return 1
	[ "$(sed -n 2p "$tmp/v")" = "tcpstat.ko $v (loaded)" ] || { cat "$tmp/v"; return 1; }
	[ "$(sed -n 1p "$tmp/v")" = "ktcpstat $v" ] || { cat "$tmp/v"; return 1; }
}

module_unload() { rmmod tcpstat; }
module_load() {
	if [ -n "${TCPSTAT_KO:-}" ]; then insmod "$TCPSTAT_KO"; else modprobe tcpstat; fi
}
lines_at_least() { [ "$(wc -l <"$1")" -ge "$2" ]; }
says() { [ "$(grep -c "$2" "$1")" -ge "$3" ]; }

# The stream is compared with one reading, so its namespace must hold
# still however long the reloads take (the debug kernel): a population of
# its own, in states no timer moves.
t_interval_reload() {
	local fd stable word rc hpid
	mkfifo "$tmp/stable.in" || return 1
	"$HOLD" --stable <"$tmp/stable.in" >"$tmp/stable.out" 2>"$tmp/stable.err" &
	hpid=$!
	exec {fd}>"$tmp/stable.in"
	if wait_for lines_at_least "$tmp/stable.out" 2 &&
	   read -r word stable <"$tmp/stable.out" && [ "$word" = ready ]; then
		interval_reload "$stable"
		rc=$?
	else
		cat "$tmp/stable.err"
		rc=1
	fi
	exec {fd}>&-
	wait "$hpid"
	# A reader left running by a failure.
	# shellcheck disable=SC2046 # one pid per word
	kill $(jobs -p) 2>/dev/null
	return $rc
}

interval_reload() {	# pid of the namespace to read
	local pid rc want n
	want=$("$TCPSTAT" --pid "$1")
	"$TCPSTAT" --pid "$1" -v --interval 0.3 >"$tmp/iv.out" 2>"$tmp/iv.err" &
	pid=$!
	wait_for lines_at_least "$tmp/iv.out" 2 || return 1
	module_unload || return 1
	wait_for says "$tmp/iv.err" "source: netlink" 1 || { module_load; return 1; }
	n=$(wc -l <"$tmp/iv.out")
	module_load || return 1
	wait_for says "$tmp/iv.err" "source: module" 2 || return 1
	wait_for lines_at_least "$tmp/iv.out" $((n + 2)) || return 1
	kill -TERM $pid
	wait $pid
	rc=$?
	[ $rc -eq 0 ] || { echo "exit $rc"; cat "$tmp/iv.err"; return 1; }
	cat "$tmp/iv.err"
	# Every reading whole, and the same counts from either source.
	[ "$(jq -c 'del(.time)' "$tmp/iv.out" | sort -u)" = "$(jq -c . <<<"$want")" ] ||
		{ cat "$tmp/iv.out"; return 1; }
	[ "$(grep -c "source:" "$tmp/iv.err")" -eq 3 ] || return 1
}

echo "TAP version 13"
if [ "$(id -u)" -ne 0 ] || [ ! -e /proc/tcpstat ] || ! command -v jq >/dev/null ||
   [ ! -x "$HOLD" ]; then
	echo "1..0 # SKIP needs root, jq, $HOLD and the module loaded"
	exit 4
fi
echo "1..7"
coproc HOLDER { exec "$HOLD"; }
holder_fd=${HOLDER[1]}
read -r word holder <&"${HOLDER[0]}"
read -r expected <&"${HOLDER[0]}"
if [ "$word" != ready ]; then
	echo "# the holder did not start"
	exit 1
fi
echo "# holder $holder: $expected"

run "families: module, netlink and procfs agree, and equal ss -f inet/inet6" t_families
run "ports: the sources agree on what each knows" t_ports
run "all-netns: module equals netlink, with pids and ip netns names" t_all_netns
run "all-netns: refused without the privileges each source needs" t_all_netns_refused
run "version: the loaded module's too" t_version
run "interval: follows the module unloaded and loaded, says so with -v" t_interval_reload
run "interval: module loaded again at the end" test -e /proc/tcpstat

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ $fail -eq 0 ]
