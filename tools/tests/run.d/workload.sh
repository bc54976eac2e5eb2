# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Every namespace's ports and who owns each namespace, as ktcpstat
# --all-netns [--ports] renders them: from the module's two files under a
# proc root (fixtures/proc/netns-ports), and end to end on a host root of
# real namespaces with hostile names (lib/fakehost.sh, root only, in a
# private mount namespace).  Sourced by tests/run.

NP_ROOT=$fx/proc/netns-ports
NP_HEADER="netns port listeners accept_queue accept_max syn_queue ${STATES[*]} fastopen_queue drops"

# np ARGS...: ktcpstat --all-netns on the fixture, no host files looked at.
np()
{
	mkdir -p "$W/nohost"
	TCPSTAT_PROC_ROOT=$NP_ROOT tc --host-root "$W/nohost" --all-netns "$@"
}

t_np_format()	# format extension
{
	np --ports --format "$1"
	expect_ok "$exp/netns-ports.$2"
	case $1 in
	json)
		need jq
		# Each namespace's ports are the file's rows of that namespace.
		[[ $(jq -r '.[] | .netns as $n | .ports[] | "\($n) \(.port) \(.drops)"' "$W/out") == \
		   "$(awk 'NR > 1 { print $1, $2, $NF }' "$NP_ROOT/tcpstat_netns_ports")" ]] ||
			fail "the ports are not the file's"
		[[ $(jq -c 'map(.ports | length)' "$W/out") == "[2,1,0]" ]] ||
			fail "a namespace without listeners must have \"ports\": []"
		;;
	prometheus)
		need promtool
		promtool check metrics < "$W/out" > "$W/promtool" 2>&1 ||
			{ cat "$W/promtool"; fail "promtool check metrics failed"; }
		;;
	esac
}

t_np_port_filter()
{
	need jq
	np --port 8080 --port 22
	expect_rc 0
	[[ $(jq -c 'map([.netns, [.ports[].port]])' "$W/out") == \
	   "[[4026531840,[22]],[4026532164,[8080]],[4026532200,[]]]" ]] ||
		{ show; fail "--port must keep those ports in every namespace"; }
}

# --netns-ports-max bounds the series per namespace; the rest is counted.
t_np_max()
{
	np --ports --format prometheus --netns-ports-max 1
	expect_rc 0
	grep -qx 'tcpstat_netns_ports_omitted 1' "$W/out" ||
		{ show; fail "one port row left out, not counted"; }
	grep -q 'port="80"' "$W/out" && fail "port 80 is past the limit"
	grep -q 'tcpstat_netns_port_listeners{netns="4026531840",port="22"} 1' "$W/out" &&
		grep -q 'tcpstat_netns_port_listeners{netns="4026532164",port="8080"} 2' "$W/out" ||
		fail "the first port of each namespace must stay"
	# Only the exporter's text is bounded: JSON has every row.
	np --ports --netns-ports-max 1
	expect_ok "$exp/netns-ports.json"
}

t_np_bad()
{
	mkdir -p "$W/root"
	cp "$NP_ROOT"/* "$W/root/"
	tail -n 1 "$NP_ROOT/tcpstat_netns_ports" >> "$W/root/tcpstat_netns_ports"
	TCPSTAT_PROC_ROOT=$W/root tc --host-root "$W" --all-netns --ports
	expect_error 2 "ktcpstat: $W/root/tcpstat_netns_ports:5: port 8080 after port 8080: not in increasing order"
	sed -i '$d' "$W/root/tcpstat_netns_ports"
	sed -i '2s/^4026531840 22 1 0 128/4026531840 22 1 0 x/' "$W/root/tcpstat_netns_ports"
	TCPSTAT_PROC_ROOT=$W/root tc --host-root "$W" --all-netns --ports
	expect_error 2 "ktcpstat: $W/root/tcpstat_netns_ports:2: column accept_max: invalid value 'x'"
}

# The two files are read one after the other: a namespace born between
# the reads has ports but no row yet; its ports wait for the next reading.
t_np_born_between()
{
	need jq
	mkdir -p "$W/root"
	cp "$NP_ROOT"/* "$W/root/"
	echo "4026532999 80 1 0 128 0 0 0 0 0 0 0 0 0 0 1 0 0 0" >> "$W/root/tcpstat_netns_ports"
	TCPSTAT_PROC_ROOT=$W/root tc --host-root "$W" --all-netns --ports
	expect_rc 0
	expect_empty err
	[[ $(jq -c 'map(.netns)' "$W/out") == "[4026531840,4026532164,4026532200]" ]] &&
		[[ $(jq -c '[.[].ports[].port]' "$W/out") == "[22,80,8080]" ]] ||
		{ show; fail "the unborn namespace's port went somewhere"; }
}

# feed FIFO FILE... (in the background): each FILE into FIFO, in turn.
feed()
{
	local fifo=$1 f

	shift
	for f; do
		cat "$f" > "$fifo" || return
	done
}

# Under --interval, drops per second is the delta modulo 2^32 (the column
# is u32 counters summed modulo 2^32): 4294967290 then 5 is 11 drops; a
# port whose listeners changed has none.  The files are FIFOs, fed one
# sample per reading, in the order ktcpstat reads them.
drops_samples()		# DIR PREFIX: samples DIR/1..3 of the port row
{
	local k=0 d

	for d in "1 4294967290" "1 5" "2 9"; do
		k=$((k + 1))
		set -- "$1" "$2" $d
		{
			echo "${2:+netns }${NP_HEADER#netns }"
			echo "$2${2:+ }80 $3 0 128 0 0 0 0 0 0 0 0 0 0 $3 0 0 $4"
		} > "$1/$k"
	done
}

t_drops_wrap_ports()
{
	local writer

	need jq
	mkdir -p "$W/root/net" "$W/s"
	drops_samples "$W/s" ""
	mkdir -p "$W/c"
	write_counters "$W/c" 1 1 1 1 1 1 1 1
	mkfifo "$W/root/net/tcpstat_ports" "$W/root/net/snmp" "$W/root/net/netstat"
	(
		for k in 1 2 3; do
			feed "$W/root/net/tcpstat_ports" "$W/s/$k" &&
			feed "$W/root/net/snmp" "$W/c/snmp" &&
			feed "$W/root/net/netstat" "$W/c/netstat" || exit
		done
	) &
	writer=$!
	TCPSTAT_PROC_ROOT=$W/root tc_fake 0 --ports --source module --interval 1 --count 3
	wait $writer
	expect_rc 0
	expect_empty err
	[[ $(jq -c '.ports[] | [.drops, .drops_per_second]' "$W/out" | tr '\n' ' ') == \
	   "[4294967290,null] [5,11] [9,null] " ]] ||
		{ show; fail "drops per second across the wrap"; }
}

t_drops_wrap_netns()
{
	local writer

	need jq
	mkdir -p "$W/root" "$W/s"
	drops_samples "$W/s" 4026532164
	mkfifo "$W/root/tcpstat_netns" "$W/root/tcpstat_netns_ports"
	(
		for k in 1 2 3; do
			feed "$W/root/tcpstat_netns" "$NP_ROOT/tcpstat_netns" &&
			feed "$W/root/tcpstat_netns_ports" "$W/s/$k" || exit
		done
	) &
	writer=$!
	TCPSTAT_PROC_ROOT=$W/root tc_fake 0 --host-root "$W" --all-netns --ports \
		--interval 1 --count 3
	wait $writer
	expect_rc 0
	expect_empty err
	[[ $(jq -c '.netns[1].ports[] | [.drops, .drops_per_second]' "$W/out" | tr '\n' ' ') == \
	   "[4294967290,null] [5,11] [9,null] " ]] ||
		{ show; fail "drops per second across the wrap"; }
}

# The exporter under --all-netns: every namespace's states, owner and
# ports, the view up, promtool content.
t_serve_all_netns()
{
	need curl promtool
	exporter_root
	cp "$NP_ROOT"/tcpstat_netns "$NP_ROOT"/tcpstat_netns_ports "$W/root/"
	serve_start 127.0.0.1:0 --all-netns --source module --host-root "$W" \
		--netns-ports-max 1
	[[ $(status "$url/metrics") == 200 ]] || fail "GET /metrics: not 200"
	promtool check metrics < "$W/body" > "$W/promtool" 2>&1 ||
		{ cat "$W/promtool"; fail "promtool check metrics failed"; }
	for want in 'tcpstat_up{view="netns"} 1' \
		    'tcpstat_netns_sockets{netns="4026532164",family="inet",state="CLOSE_WAIT"} 1' \
		    'tcpstat_netns_info{netns="4026532200",owner="unknown"} 1' \
		    'tcpstat_netns_port_accept_queue{netns="4026532164",port="8080"} 1' \
		    'tcpstat_netns_port_drops_total{netns="4026532164",port="8080"} 4294967295' \
		    'tcpstat_netns_ports_omitted 1'; do
		grep -qxF "$want" "$W/body" || { cat "$W/body"; fail "no '$want'"; }
	done
	# The exporter's text is the one-shot reader's, the same files read.
	grep '^tcpstat_netns_' "$W/body" > "$W/served"
	TCPSTAT_PROC_ROOT=$W/root tc --all-netns --ports --source module \
		--host-root "$W" --netns-ports-max 1 --format prometheus
	grep '^tcpstat_netns_' "$W/out" | grep -v '_total{netns=' > "$W/oneshot"
	grep -v '_total{netns=' "$W/served" > "$W/served.values"
	expect_file "$W/oneshot" "$W/served.values"
	serve_stop
}

# ---------------------------------------------------------------------------
# End to end on lib/fakehost.sh's host root.

# fakehost SCRIPT: run SCRIPT (bash) on a fake host root at $W/host, in a
# private mount namespace.  SCRIPT sees ROOT, TCPSTAT and names.sh's names.
fakehost()
{
	need_root "the namespaces are bound on files"
	need unshare mount
	unshare -m --propagation private true 2> "$W/unshare.err" ||
		skip "no private mount namespace: $(head -n1 "$W/unshare.err")"
	ROOT=$W/host TCPSTAT=$TCPSTAT PRELOAD_ASAN=$PRELOAD_ASAN FAKECLOCK=$FAKECLOCK \
		timeout -k 5 $WATCHDOG \
		unshare -m --propagation private "$here/lib/fakehost.sh" "$W/host" \
		bash -euc ". \"\$ROOT/names.sh\"; $1" > "$W/fakehost.log" 2>&1 ||
		{ cat "$W/fakehost.log"; fail "the fake host's script failed"; }
	ino() { awk -v r="$1" '$1 == r { print $2 }' "$W/host/inodes"; }
}

t_owner_e2e_json()
{
	need jq
	fakehost '"$TCPSTAT" --host-root "$ROOT" --all-netns --ports > "$ROOT/../out" 2> "$ROOT/../err"'
	expect_empty err
	jq -e . "$W/out" > /dev/null || fail "not JSON"
	# Each namespace, by its role's inode: pids, names and owner, the
	# names decoded as the files had them (a bad byte is U+FFFD).
	jq -e --argjson host "$(ino host)" --argjson pod "$(ino pod)" \
		--argjson docker "$(ino docker)" --argjson svc "$(ino svc)" \
		--argjson named "$(ino named)" '
		def row($n): map(select(.netns == $n)) | .[0];
		(row($host) | .pids == [1] and .owner == {kind: "host"}) and
		(row($pod) | .pids == [2001, 2002] and .owner == {
			kind: "pod", namespace: "shop",
			pod: "cart\"\\\u001b[31m\nx\ufffd",
			uid: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
			containers: [{name: "app\u0007\"",
				      id: ("b" * 64), runtime: "containerd"}]} and
			(.ports | map(.port)) == [8080]) and
		(row($docker) | .owner == {kind: "container", runtime: "docker",
			id: ("c" * 64), name: "db\u001b]0;pwned\u0007\"\\"} and
			(.ports | map(.port)) == [5432]) and
		(row($svc) | .owner == {kind: "service", unit: "nginx.service"}) and
		(row($named) | .pids == [] and .names == ["red\u001b[31m\"\ufffd\\"] and
			.owner == {kind: "unknown"})' "$W/out" > /dev/null ||
		{ jq -c '.[] | del(.inet, .inet6)' "$W/out"; cat "$W/host/inodes"; fail "wrong rows"; }
}

t_owner_e2e_text()
{
	fakehost '"$TCPSTAT" --host-root "$ROOT" --all-netns --ports --format text > "$ROOT/../out" 2> "$ROOT/../err"'
	expect_empty err
	# Not one control byte (but newlines), nor one that is not UTF-8: the
	# names have no other non-ASCII byte.
	LC_ALL=C grep -n $'[\x01-\x09\x0b-\x1f\x7f-\xff]' "$W/out" | cat -A | head -5 | grep . &&
		fail "raw control or non-ASCII bytes on a terminal"
	grep -qF "$(ino pod)  inet " "$W/out" || fail "no pod row"
	grep -F "$(ino pod)  inet " "$W/out" | grep -qF ' pod shop/cart"\\\x1b[31m\x0ax\xff [app\x07"]' &&
		grep -F "$(ino docker)  inet " "$W/out" | grep -qF ' container docker db\x1b]0;pwned\x07"\\' &&
		grep -F "$(ino named)  inet " "$W/out" | grep -qF ' red\x1b[31m"\xff\\  unknown' &&
		grep -F "$(ino svc)  inet " "$W/out" | grep -qF ' service nginx.service' ||
		{ cat "$W/out"; fail "names not escaped as \\xHH"; }
	# The ports table names the owner too.
	grep -E "^$(ino pod) +pod shop/.* +8080 " "$W/out" > /dev/null ||
		{ cat "$W/out"; fail "no owner beside port 8080"; }
}

t_owner_e2e_prometheus()
{
	local pod docker R=$'\xef\xbf\xbd'	# U+FFFD

	need promtool
	fakehost '"$TCPSTAT" --host-root "$ROOT" --all-netns --ports --format prometheus > "$ROOT/../out" 2> "$ROOT/../err"'
	expect_empty err
	promtool check metrics < "$W/out" > "$W/promtool" 2>&1 ||
		{ cat "$W/promtool"; fail "promtool check metrics failed"; }
	pod=$(ino pod) docker=$(ino docker)
	# Label values: \\, \" and \n escaped, other controls and bad bytes
	# U+FFFD (the text format has no other escape).
	grep -qxF "tcpstat_netns_info{netns=\"$pod\",owner=\"pod\",namespace=\"shop\",pod=\"cart\\\"\\\\${R}[31m\\nx${R}\",uid=\"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\"} 1" "$W/out" &&
		grep -qxF "tcpstat_netns_container_info{netns=\"$pod\",namespace=\"shop\",pod=\"cart\\\"\\\\${R}[31m\\nx${R}\",container=\"app${R}\\\"\",container_id=\"$(printf 'b%.0s' {1..64})\",runtime=\"containerd\"} 1" "$W/out" &&
		grep -qxF "tcpstat_netns_info{netns=\"$docker\",owner=\"container\",runtime=\"docker\",container_id=\"$(printf 'c%.0s' {1..64})\",container=\"db${R}]0;pwned${R}\\\"\\\\\"} 1" "$W/out" &&
		grep -qxF "tcpstat_netns_info{netns=\"$(ino named)\",owner=\"unknown\",netns_name=\"red${R}[31m\\\"${R}\\\\\"} 1" "$W/out" &&
		grep -qxF "tcpstat_netns_info{netns=\"$(ino host)\",owner=\"host\"} 1" "$W/out" ||
		{ grep _info "$W/out"; fail "info metrics"; }
	# The pod's counters, from its lowest pid's files; the others have none.
	grep -qxF "tcpstat_netns_active_opens_total{netns=\"$pod\"} 100" "$W/out" &&
		grep -qxF "tcpstat_netns_listen_drops_total{netns=\"$pod\"} 9" "$W/out" &&
		[[ $(grep -c '^tcpstat_netns_[a-z_]*_total{netns="[0-9]*"} ' "$W/out") == 8 ]] ||
		{ grep _total "$W/out"; fail "per-namespace counters"; }
	grep -qxF "tcpstat_netns_port_drops_total{netns=\"$pod\",port=\"8080\"} 3" "$W/out" &&
		grep -qxF "tcpstat_netns_port_listeners{netns=\"$docker\",port=\"5432\"} 1" "$W/out" ||
		fail "per-namespace ports"
}

# Under --interval, a namespace's counters have rates; none once the
# namespace is another (its cookie changed), none where no counters were
# read.
t_owner_e2e_rates()
{
	need jq
	fakehost '
		cd "$ROOT/proc"
		net=2001/net
		mkdir -p ../s && mv tcpstat_netns ../s/1 && cp ../s/1 ../s/2
		awk -v pod="$(awk "\$1 == \"pod\" { print \$2 }" ../inodes)" \
			"\$1 == pod { \$NF = \$NF + 100 } 1" ../s/1 > ../s/3
		mv $net/snmp ../s/snmp1 && mv $net/netstat ../s/netstat
		sed "2s/^Tcp: 1 200 120000 -1 100 50/Tcp: 1 200 120000 -1 105 53/" ../s/snmp1 > ../s/snmp2
		cp ../s/snmp2 ../s/snmp3
		mkfifo tcpstat_netns $net/snmp $net/netstat
		(
			for k in 1 2 3; do
				cat ../s/$k > tcpstat_netns &&
				cat ../s/snmp$k > $net/snmp &&
				cat ../s/netstat > $net/netstat || exit
			done
		) &
		ASAN_OPTIONS=$PRELOAD_ASAN LD_PRELOAD=$FAKECLOCK FAKECLOCK_COSTS=0 \
			"$TCPSTAT" --host-root "$ROOT" --all-netns --interval 1 --count 3 \
			> "$ROOT/../out" 2> "$ROOT/../err"
		wait $!'
	expect_empty err
	jq -e --argjson pod "$(ino pod)" -s '
		map(.netns | map(select(.netns == $pod)) | .[0].rates) |
		.[0] == null and .[2] == null and
		.[1].seconds == 1 and
		.[1].deltas.active_opens == 5 and .[1].deltas.passive_opens == 3 and
		.[1].per_second.active_opens == 5 and .[1].deltas.listen_drops == 0' \
		"$W/out" > /dev/null ||
		{ jq -c '.netns[] | [.netns, .rates]' "$W/out"; fail "per-namespace rates"; }
	jq -e --argjson pod "$(ino pod)" -s \
		'[.[].netns[] | select(.netns != $pod) | .rates] | all(. == null)' \
		"$W/out" > /dev/null || fail "rates without counters"
}

# The exporter on the fake host: the owners and the pod's counters served.
t_owner_e2e_serve()
{
	need curl
	fakehost '
		"$TCPSTAT" --serve 127.0.0.1:0 --all-netns --host-root "$ROOT" \
			2> "$ROOT/../serve.err" &
		pid=$!
		n=0
		until grep -q "^ktcpstat: serving http://" "$ROOT/../serve.err"; do
			kill -0 $pid || exit 1
			n=$((n + 1)); [ $n -lt 2400 ] || exit 1
			sleep 0.05
		done
		url=$(sed -n "s|^ktcpstat: serving \(http://[^/]*\)/.*|\1|p" "$ROOT/../serve.err")
		curl -s -m 120 -o "$ROOT/../out" "$url/metrics"
		kill -TERM $pid
		wait $pid'
	grep -qxF "tcpstat_netns_info{netns=\"$(ino svc)\",owner=\"service\",unit=\"nginx.service\"} 1" "$W/out" &&
		grep -qxF "tcpstat_netns_active_opens_total{netns=\"$(ino pod)\"} 100" "$W/out" &&
		grep -qxF "tcpstat_netns_port_listeners{netns=\"$(ino pod)\",port=\"8080\"} 1" "$W/out" &&
		grep -q "^tcpstat_netns_container_info{netns=\"$(ino pod)\",namespace=\"shop\"," "$W/out" ||
		{ grep '^tcpstat_netns_\(info\|container\|active\|port_listeners\)' "$W/out"; fail "owners not served"; }
}

for f in json:json text:txt prometheus:prom; do
	add "workload: --all-netns --ports as ${f%%:*}" t_np_format "${f%%:*}" "${f#*:}"
done
add "workload: --port keeps those ports in every namespace" t_np_port_filter
add "workload: --netns-ports-max bounds Prometheus' rows, counts the rest" t_np_max
add "workload: a bad tcpstat_netns_ports: exit 2, file and line" t_np_bad
add "workload: ports of a namespace born between the two reads wait" t_np_born_between
add "workload: --ports drops per second across a u32 wrap" t_drops_wrap_ports
add "workload: --all-netns --ports drops per second across a u32 wrap" t_drops_wrap_netns
add "workload: owners end to end, JSON names decoded exactly" t_owner_e2e_json
add "workload: owners end to end, text escapes every control byte" t_owner_e2e_text
add "workload: owners end to end, Prometheus labels escaped, promtool" t_owner_e2e_prometheus
add "workload: per-namespace rates, none for a recreated namespace" t_owner_e2e_rates
add "workload: the exporter's --all-netns, its text the one-shot reader's" t_serve_all_netns
add "workload: the exporter serves owners and counters end to end" t_owner_e2e_serve
