# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The exporter as fleets deploy it: listeners, systemd sockets, the web
# configuration (TLS, basic auth, headers), limits, deadlines, shared
# bodies, gzip, keep-alive, the log, self metrics.  Sourced by tests/run:
# the helpers there (serve_start, status, exporter_root, ...) apply.
#
# Nothing here waits on the clock: every wait is for an event, bounded by
# the watchdog.  Clients that misbehave on purpose are Python, from
# 127.0.0.1; the well-behaved scrapes that must still succeed come from
# 127.0.0.2 (all of 127/8 reaches lo), so the per-address limit does not
# shield them.

# py URL SCRIPT-ARGS...: run the Python on stdin with host and port of URL
# as argv[1] and argv[2].
py()
{
	local hp=${1#http://}

	shift
	python3 - "${hp%:*}" "${hp##*:}" "$@"
}

# The Python helpers every client script starts with.
PYLIB='
import socket, sys, time, select, os
host, port = sys.argv[1].strip("[]"), int(sys.argv[2])
END = time.time() + 100		# under the test watchdog

def connect(src="127.0.0.1", rcvbuf=0):
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if ":" not in host:
        s.bind((src, 0))
    s.settimeout(60)
    s.connect((host, port))
    return s

pending = {}	# what was read past a response, by socket

def response(s):
    """One response: (status, headers, body); status 0 at EOF."""
    data = pending.pop(s, b"")
    while b"\r\n\r\n" not in data:
        c = s.recv(65536)
        if not c:
            return 0, {}, data
        data += c
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    hdrs = {k.strip().lower(): v.strip() for k, _, v in
            (l.partition(":") for l in lines[1:])}
    n = int(hdrs.get("content-length", "0"))
    while len(body) < n:
        c = s.recv(65536)
        if not c:
            break
        body += c
    pending[s] = body[n:]
    return int(lines[0].split()[1]), hdrs, body[:n]

def scrape(path="/metrics"):
    """A whole GET from 127.0.0.2: its status."""
    s = connect("127.0.0.2")
    s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    st = response(s)[0]
    s.close()
    return st

def eof(s):
    """True once the server has closed s (EOF or reset); never blocks."""
    try:
        return s.recv(65536, socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True

def until_eof(s):
    """Read until the server closes: all that came."""
    data = b""
    while time.time() < END:
        try:
            c = s.recv(65536)
        except OSError:
            break
        if not c:
            break
        data += c
    else:
        sys.exit("no EOF before the watchdog")
    return data
'

# --- listeners -------------------------------------------------------------

# Every --web.listen-address is served, each on its own socket; ":PORT"
# is every address, IPv4 and IPv6.
t_serve_listen_many()
{
	local urls

	need curl
	exporter_root
	serve_start 127.0.0.1:0 --source procfs --web.listen-address=127.0.0.3:0
	wait_for test "$(grep -c '^ktcpstat: serving' "$W/serve.err")" = 2
	mapfile -t urls < <(sed -n 's|^ktcpstat: serving \(http://.*\)/metrics$|\1|p' "$W/serve.err")
	[[ ${#urls[@]} == 2 && ${urls[1]} == http://127.0.0.3:* ]] ||
		{ cat "$W/serve.err"; fail "not two serving lines"; }
	[[ $(status "${urls[0]}/metrics") == 200 && $(status "${urls[1]}/metrics") == 200 ]] ||
		fail "a listener does not answer"
	serve_stop
}

t_serve_listen_any()
{
	local port

	need curl
	[[ -e /proc/net/if_inet6 ]] || skip "no IPv6"
	exporter_root
	serve_start --web.listen-address=:0 --source procfs
	port=${url##*:}
	[[ $url == "http://[::]:$port" ]] || { cat "$W/serve.err"; fail "url $url"; }
	grep -q "^ktcpstat: warning: not a loopback address" "$W/serve.err" ||
		fail "no warning"
	[[ $(status "http://127.0.0.1:$port/metrics") == 200 ]] || fail "not on IPv4"
	[[ $(status "http://[::1]:$port/metrics") == 200 ]] || fail "not on IPv6"
	serve_stop
}

# A port in use: one line naming the address and port asked for, exit 1.
t_serve_bind_error()
{
	local port

	exporter_root
	serve_start 127.0.0.1:0 --source procfs
	port=${url##*:}
	TCPSTAT_PROC_ROOT=$W/root tc --web.listen-address="127.0.0.1:$port" --source procfs
	expect_error 1 "ktcpstat: cannot listen on 127.0.0.1:$port: Address already in use"
	serve_stop
}

# systemd-socket-activate passes a listening socket the way systemd does.
t_serve_systemd_socket()
{
	local port pid dog

	need curl systemd-socket-activate
	exporter_root
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	TCPSTAT_PROC_ROOT=$W/root systemd-socket-activate -l "127.0.0.1:$port" \
		"$TCPSTAT" --web.systemd-socket --source procfs \
		> "$W/serve.out" 2> "$W/serve.err" &
	pid=$!
	dog=$(watchdog $pid)
	wait_for grep -q "^Listening on 127.0.0.1:$port" "$W/serve.err"
	# The first connection starts it, and is answered by it.
	[[ $(status "http://127.0.0.1:$port/metrics") == 200 ]] || fail "not 200"
	grep -qx "ktcpstat: serving http://127.0.0.1:$port/metrics" "$W/serve.err" ||
		{ cat "$W/serve.err"; fail "no serving line"; }
	grep -q "tcpstat_up" "$W/body" || fail "not the metrics"
	kill -TERM $pid
	wait $pid
	rc=$?
	kill "$dog"
	expect_rc 0
}

t_serve_systemd_socket_missing()
{
	LISTEN_PID=1 LISTEN_FDS=1 tc --web.systemd-socket
	expect_rc 1
	grep -qx 'ktcpstat: --web.systemd-socket: the sockets are for process 1, not this one ([0-9]*)' "$W/err" ||
		{ show; fail "LISTEN_PID not checked"; }
	tc --web.systemd-socket
	expect_error 1 "ktcpstat: --web.systemd-socket: no sockets from systemd (LISTEN_PID or LISTEN_FDS not set)"
}

# --- paths, limits, encodings -------------------------------------------

t_serve_telemetry_path()
{
	need curl
	exporter_root
	serve_start 127.0.0.1:0 --source procfs '--web.telemetry-path=/x&"y'
	grep -qx "ktcpstat: serving $url/x&\"y" "$W/serve.err" || { cat "$W/serve.err"; fail "url $url"; }
	[[ $(status "$url/x&%22y") == 200 ]] && grep -q '^tcpstat_up' "$W/body" ||
		fail "not served at the path"
	[[ $(status "$url/metrics") == 404 ]] || fail "/metrics is not 404"
	[[ $(status "$url/") == 200 ]] || fail "no landing page"
	grep -qF 'href="/x&amp;&quot;y"' "$W/body" || { cat "$W/body"; fail "link not escaped"; }
	serve_stop
}

# Past --web.max-requests scrapes at once, 503.  Two are held on a
# reading that waits on a FIFO (the second seen joining it).
t_serve_max_requests()
{
	local a b

	need curl
	exporter_root
	rm "$W/root/net/tcp"
	mkfifo "$W/root/net/tcp"
	serve_start 127.0.0.1:0 --source procfs -v --web.max-requests=2
	curl -s -m $WATCHDOG -o "$W/a" "$url/metrics" &
	a=$!
	curl -s -m $WATCHDOG -o "$W/b" "$url/metrics" &
	b=$!
	wait_for waiting 1
	[[ $(status "$url/metrics") == 503 ]] || fail "a third scrape is not 503"
	grep -q "Limit of concurrent requests reached (2)" "$W/body" || fail "body"
	feed_fifo "$W/root/net/tcp" "$fx/proc/procfs/net/tcp"
	wait $a $b
	fifo_stop
	grep -qx 'tcpstat_readings_total 1' "$W/a" && grep -qx 'tcpstat_readings_total 1' "$W/b" ||
		fail "the held scrapes were not served"
	rm "$W/root/net/tcp"
	cp "$fx/proc/procfs/net/tcp" "$W/root/net/tcp"
	[[ $(status "$url/metrics") == 200 ]] || fail "not 200 afterwards"
	serve_stop
}

t_serve_gzip()
{
	need curl
	exporter_root
	serve_start 127.0.0.1:0 --source procfs
	[[ $(status -H 'Accept-Encoding: gzip' "$url/metrics") == 200 ]] || fail "not 200"
	grep -qi '^content-encoding: gzip' "$W/headers" || { cat "$W/headers"; fail "not gzip"; }
	grep -qi '^vary: accept-encoding' "$W/headers" || fail "no Vary"
	gzip -dc < "$W/body" > "$W/plain" || fail "not gzip data"
	grep -qx 'tcpstat_up{view="sockets"} 1' "$W/plain" || fail "not the metrics"
	for ae in 'gzip;q=0' identity 'deflate, br' ''; do
		[[ $(status -H "Accept-Encoding: $ae" "$url/metrics") == 200 ]] || fail "not 200"
		! grep -qi '^content-encoding' "$W/headers" || fail "gzip for '$ae'"
		grep -qx 'tcpstat_up{view="sockets"} 1' "$W/body" || fail "not plain for '$ae'"
	done
	[[ $(status -H 'Accept-Encoding: br;q=1.0, GZIP;q=0.5' "$url/metrics") == 200 ]] &&
		grep -qi '^content-encoding: gzip' "$W/headers" || fail "GZIP;q=0.5 refused"
	serve_stop
}

# process_* as client_golang names them, with sane values.
t_serve_process_metrics()
{
	local t0 t1 start

	need curl
	exporter_root
	t0=$(date +%s)
	serve_start 127.0.0.1:0 --source procfs
	t1=$(date +%s)
	[[ $(status "$url/metrics") == 200 ]] || fail "not 200"
	for m in 'process_cpu_seconds_total counter' 'process_resident_memory_bytes gauge' \
		 'process_virtual_memory_bytes gauge' 'process_open_fds gauge' \
		 'process_max_fds gauge' 'process_start_time_seconds gauge' \
		 'tcpstat_scrape_collector_duration_seconds gauge'; do
		grep -qx "# TYPE $m" "$W/body" || { cat "$W/body"; fail "no TYPE $m"; }
	done
	grep -qx '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.' "$W/body" ||
		fail "HELP is not client_golang's"
	awk -v pid="$serve_pid" -v fds="$(ls "/proc/$serve_pid/fd" | wc -l)" \
	    -v max="$(awk '/^Max open files/ { print $4 }' "/proc/$serve_pid/limits")" '
		$1 == "process_open_fds" && ($2 < 3 || $2 > fds + 10) { print "open fds " $2 " of " fds; bad = 1 }
		$1 == "process_max_fds" && $2 != max { print "max fds " $2 ", not " max; bad = 1 }
		$1 == "process_resident_memory_bytes" && $2 < 100000 { print "rss " $2; bad = 1 }
		$1 == "process_virtual_memory_bytes" && $2 < 100000 { print "vsz " $2; bad = 1 }
		$1 == "process_cpu_seconds_total" && $2 < 0 { print "cpu " $2; bad = 1 }
		END { exit bad }' "$W/body" || fail "a value is wrong"
	start=$(awk '$1 == "process_start_time_seconds" { printf "%d", $2 }' "$W/body")
	((start >= t0 - 2 && start <= t1 + 2)) || fail "start time $start, not in [$t0, $t1]"
	for v in sockets ports counters; do
		grep -q "^tcpstat_scrape_collector_duration_seconds{view=\"$v\"} [0-9.]*$" "$W/body" ||
			fail "no duration of view $v"
	done
	if command -v promtool > /dev/null; then
		promtool check metrics < "$W/body" > "$W/promtool" 2>&1 ||
			{ cat "$W/promtool"; fail "promtool"; }
	fi
	serve_stop
}

# The module not loaded at start (auto): said once, and served from the
# fallback.
t_serve_module_missing()
{
	need curl
	exporter_root
	serve_start 127.0.0.1:0
	[[ $(status "$url/metrics") == 200 ]] || fail "not 200"
	[[ $(status "$url/metrics") == 200 ]] || fail "not 200"
	[[ $(grep -c 'module' "$W/serve.err") == 1 ]] || { cat "$W/serve.err"; fail "not said once"; }
	grep -qx "ktcpstat: the tcpstat module is not loaded ($W/root/tcpstat missing): serving from netlink or /proc/net/tcp until it is" \
		"$W/serve.err" || { cat "$W/serve.err"; fail "not said so"; }
	serve_stop
}

# --- keep-alive and requests ---------------------------------------------

t_serve_keepalive()
{
	need curl
	exporter_root
	serve_start 127.0.0.1:0 --source procfs
	curl -sv -m $WATCHDOG -o /dev/null -o /dev/null "$url/metrics" "$url/metrics" \
		> /dev/null 2> "$W/curl" || fail "curl"
	grep -q 'Re-using existing connection' "$W/curl" || { cat "$W/curl"; fail "not reused"; }
	! grep -qi '^< connection: close' "$W/curl" || fail "Connection: close"
	# Two requests in one write: two answers, in order.
	py "$url" <<EOF || fail "pipelined"
$PYLIB
s = connect()
s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
a, b = response(s)[0], response(s)[0]
if (a, b) != (200, 404):
    sys.exit("answers %r" % ((a, b),))
EOF
	serve_stop
}

# Requests answered as they are, not as C strings or after a timeout: the
# timeouts are long, so an EOF seen comes from the answer.
t_serve_bad_requests()
{
	need curl
	exporter_root
	serve_start 127.0.0.1:0 --source procfs --web.idle-timeout=600 \
		--web.read-timeout=3
	[[ $(status "$url/metrics%00garbage") == 404 ]] || fail "%00 is not 404"
	[[ $(status "$url/metrics%2500") == 404 ]] || fail "%2500 is not 404"
	[[ $(status "$url/met%72ics") == 200 ]] || fail "%72 not decoded"
	py "$url" <<EOF || fail "bad requests"
$PYLIB
def answer(data):
    s = connect()
    s.sendall(data)
    got = until_eof(s)
    s.close()
    return got[:12]
# A 15 KB query string: 414, and closed.
a = answer(b"GET /metrics?" + b"a" * 15000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
if a != b"HTTP/1.1 414":
    sys.exit("15 KB query: %r" % a)
# Binary garbage as a request line: 400, and closed.
a = answer(b"\x16\x03\x01 \x02\x00\x01 \xfc\x03\x03\r\n\r\n")
if a != b"HTTP/1.1 400":
    sys.exit("binary request line: %r" % a)
# Garbage with no line end is never a request: 408 at the deadline.
a = answer(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
if a != b"HTTP/1.1 408":
    sys.exit("binary, no line end: %r" % a)
EOF
	[[ $(status "$url/metrics") == 200 ]] || fail "no longer serving"
	serve_stop
}

# SIGHUP without a web configuration: said, and still serving.
t_serve_sighup()
{
	need curl
	exporter_root
	serve_start 127.0.0.1:0 --source procfs
	kill -HUP "$serve_pid"
	wait_for grep -q 'SIGHUP: no --web.config.file' "$W/serve.err"
	[[ $(status "$url/metrics") == 200 ]] || fail "not serving after SIGHUP"
	serve_stop
}

# --- hostile local clients ---------------------------------------------------

# 520 half-sent requests from one address: it gets its 8, the rest are
# refused, a scrape from elsewhere succeeds throughout, and every one of
# them is closed (EOF).  The flood is logged, rate limited.
t_serve_flood_half_sent()
{
	need python3
	exporter_root
	serve_start 127.0.0.1:0 --source procfs --web.read-timeout=5
	py "$url" <<EOF || fail "flood"
$PYLIB
socks = []
for i in range(520):
    s = connect()
    try:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Half: ")
    except OSError:
        pass
    socks.append(s)
    if i % 100 == 0 and scrape() != 200:
        sys.exit("a scrape from 127.0.0.2 failed during the flood")
if scrape() != 200:
    sys.exit("a scrape from 127.0.0.2 failed after the flood")
for s in socks:
    until_eof(s)
# Closed by the exporter's deadline, not by its end.
if scrape() != 200:
    sys.exit("a scrape from 127.0.0.2 failed after the flood")
EOF
	wait_for grep -q "messages suppressed" "$W/serve.err"
	(($(wc -l < "$W/serve.err") < 100)) || fail "$(wc -l < "$W/serve.err") lines logged"
	! grep -v '^ktcpstat: ' "$W/serve.err" || fail "a line is not whole"
	serve_stop
}

# 200 connections trickling a header byte every 2 s (MHD's own timeout
# would never fire: each byte resets it): every one is closed by the
# deadline, and scrapes from elsewhere succeed throughout.
t_serve_tricklers()
{
	need python3
	exporter_root
	serve_start 127.0.0.1:0 --source procfs --web.read-timeout=3 \
		--web.max-connections-per-ip=250 --web.max-connections=300 --web.max-requests=0
	py "$url" <<EOF || fail "tricklers"
$PYLIB
socks = [connect() for i in range(200)]
for s in socks:
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ")
while socks:
    if time.time() > END:
        sys.exit("%d tricklers still open" % len(socks))
    if scrape() != 200:
        sys.exit("a scrape from 127.0.0.2 failed")
    time.sleep(2)
    for s in list(socks):
        if eof(s):
            socks.remove(s)
            continue
        try:
            s.send(b"a")
        except OSError:
            socks.remove(s)
# Closed by the exporter's deadline, not by its end.
if scrape() != 200:
    sys.exit("a scrape from 127.0.0.2 failed after the tricklers")
EOF
	serve_stop
}

# 200 clients that ask for a 3.4 MB body and never read: one body, shared.
# All 200 join one reading (held on a FIFO), then each is sent its
# response; peak RSS must stay far below 200 copies.  Bound: one body
# (3.4 MB), its buffer while rendered, the parsed reading of 2,000
# namespaces, 200 threads' stacks and MHD pools (16 kB each) and the
# baseline: under 20 MB measured; 64 MB leaves room, and 200 copies would
# be 680 MB.  The optimised binary: a sanitizer would distort it.
t_serve_memory()
{
	local TCPSTAT=$TCPSTAT_PLAIN py_pid feeder hwm

	need python3 curl
	mkdir -p "$W/root/net"
	cp "$fx/proc/module/tcpstat" "$W/root/"
	cp "$fx/proc/module/net/tcpstat_families" "$fx/proc/module/net/tcpstat_ports" "$W/root/net/"
	write_counters "$W/root/net" 100 50 3 2 10 7 9 0
	{
		head -n1 "$fx/tables/good/netns-kernel.in"
		awk 'BEGIN { for (i = 0; i < 2000; i++) for (f = 0; f < 2; f++)
			printf "%.0f %s 5 0 0 0 0 2 0 0 0 3 0 %d\n", 4026531840 + i,
				f ? "inet6" : "inet", i + 1 }'
	} > "$W/netns.in"
	head -n1 "$fx/proc/netns-ports/tcpstat_netns_ports" > "$W/root/tcpstat_netns_ports"
	mkfifo "$W/root/tcpstat_netns"
	serve_start 127.0.0.1:0 --source module --all-netns -v \
		--web.max-connections-per-ip=250 --web.max-connections=300 --web.max-requests=0
	py "$url" "$W" > "$W/py.out" 2>&1 <<EOF &
$PYLIB
w = sys.argv[3]
socks = [connect(rcvbuf=4096) for i in range(200)]
for s in socks:
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
open(w + "/sent", "w").close()
# Each has its response on the way, then none reads any more of it.
waiting = list(socks)
while waiting and time.time() < END:
    r, _, _ = select.select(waiting, [], [], 1)
    waiting = [s for s in waiting if s not in r]
open(w + "/answered", "w").close()
while not os.path.exists(w + "/done") and time.time() < END:
    time.sleep(0.05)
EOF
	py_pid=$!
	wait_for test -e "$W/sent"
	wait_for waiting 199
	cat "$W/netns.in" > "$W/root/tcpstat_netns" &
	feeder=$!
	wait $feeder
	rm "$W/root/tcpstat_netns"
	cp "$W/netns.in" "$W/root/tcpstat_netns"
	wait_for test -e "$W/answered"
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$serve_pid/status")
	echo "peak RSS: $hwm kB"
	[[ $(status --interface 127.0.0.2 "$url/metrics") == 200 ]] ||
		fail "a scrape from 127.0.0.2 failed"
	(($(wc -c < "$W/body") > 3000000)) || fail "the body is not big: $(wc -c < "$W/body")"
	touch "$W/done"
	wait $py_pid || { cat "$W/py.out"; fail "clients"; }
	((hwm < 64 * 1024)) || fail "peak RSS $hwm kB, over 64 MB"
	serve_stop
}

# --- the web configuration ---------------------------------------------------

# certs DIR: a CA, a server certificate for 127.0.0.1 and a client one
# signed by it, and a self-signed client certificate ("other").
certs()
{
	local d=$1 n

	need openssl
	mkdir -p "$d"
	(
		cd "$d" || exit 1
		ec() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "$@"; }
		ec -x509 -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca
		for n in server client; do
			ec -keyout $n.key -out $n.csr -subj "/CN=$n"
			openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
				-out $n.crt -days 2 -extfile <(
				if [[ $n == server ]]; then
					printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'
				else
					printf 'extendedKeyUsage=clientAuth\n'
				fi)
		done
		ec -x509 -keyout other.key -out other.crt -days 2 -subj /CN=other
	) > "$d/openssl.log" 2>&1 || { cat "$d/openssl.log"; fail "openssl"; }
}

t_serve_webconfig_bad()
{
	printf 'tls_server_config:\n  cert_file: nowhere.crt\n' > "$W/web.yml"
	tc --web.config.file="$W/web.yml"
	expect_rc 2
	expect_empty out
	[[ $(wc -l < "$W/err") == 1 ]] && grep -q "^ktcpstat: $W/web.yml:[0-9]*: " "$W/err" ||
		{ show; fail "not the loader's one line"; }
}

t_serve_basic_auth()
{
	need curl
	exporter_root
	cat > "$W/web.yml" <<EOF
basic_auth_users:
  alice: $(bcrypt '$2b$' secret)
http_server_config:
  headers:
    X-Frame-Options: deny
EOF
	serve_start 127.0.0.1:0 --source procfs --web.config.file="$W/web.yml"
	[[ $(status "$url/metrics") == 401 ]] || fail "no credentials: not 401"
	grep -qix 'www-authenticate: Basic realm="ktcpstat"'$'\r' "$W/headers" ||
		{ cat "$W/headers"; fail "no WWW-Authenticate"; }
	grep -qi '^x-frame-options: deny' "$W/headers" || fail "no configured header on 401"
	[[ $(status -u alice:wrong "$url/metrics") == 401 ]] || fail "wrong password: not 401"
	[[ $(status -u bob:secret "$url/metrics") == 401 ]] || fail "unknown user: not 401"
	[[ $(status -u alice:secret "$url/metrics") == 200 ]] || fail "alice: not 200"
	grep -qi '^x-frame-options: deny' "$W/headers" || fail "no configured header on 200"
	[[ $(status -u alice:secret "$url/nope") == 404 ]] || fail "not 404"
	grep -qi '^x-frame-options: deny' "$W/headers" || fail "no configured header on 404"
	serve_stop
}

t_serve_tls()
{
	need curl
	exporter_root
	certs "$W/pki"
	printf 'tls_server_config:\n  cert_file: pki/server.crt\n  key_file: pki/server.key\n' > "$W/web.yml"
	serve_start 127.0.0.1:0 --source procfs --web.config.file="$W/web.yml"
	[[ $url == https://127.0.0.1:* ]] || { cat "$W/serve.err"; fail "url $url"; }
	[[ $(status --cacert "$W/pki/ca.crt" "$url/metrics") == 200 ]] || fail "https: not 200"
	grep -q '^tcpstat_up' "$W/body" || fail "not the metrics"
	[[ $(status "http://${url#https://}/metrics") != 200 ]] || fail "plain HTTP got 200"
	[[ $(status --cacert "$W/pki/ca.crt" --tls-max 1.1 "$url/metrics") != 200 ]] ||
		fail "TLS 1.1 accepted (min_version defaults to TLS12)"
	[[ $(status --cacert "$W/pki/ca.crt" "$url/metrics") == 200 ]] || fail "no longer serving"
	serve_stop
}

# client_auth_type: refused without a certificate when one is required,
# or with one the CA did not sign when it is verified.
t_serve_tls_client_auth()
{
	local type none good other

	need curl
	exporter_root
	certs "$W/pki"
	for type in RequireAndVerifyClientCert:no:200:no VerifyClientCertIfGiven:200:200:no \
		    RequireAnyClientCert:no:200:200 RequestClientCert:200:200:200; do
		IFS=: read -r type none good other <<< "$type"
		printf 'tls_server_config:\n  cert_file: pki/server.crt\n  key_file: pki/server.key\n  client_ca_file: pki/ca.crt\n  client_auth_type: %s\n' \
			"$type" > "$W/web.yml"
		serve_start 127.0.0.1:0 --source procfs --web.config.file="$W/web.yml"
		set -- --cacert "$W/pki/ca.crt"
		[[ $(status "$@" "$url/metrics") == "${none/no/000}" ]] ||
			fail "$type: without a certificate: $(cat "$W/headers")"
		[[ $(status "$@" --cert "$W/pki/client.crt" --key "$W/pki/client.key" "$url/metrics") == "$good" ]] ||
			fail "$type: with the CA's certificate"
		[[ $(status "$@" --cert "$W/pki/other.crt" --key "$W/pki/other.key" "$url/metrics") == "${other/no/000}" ]] ||
			fail "$type: with another certificate"
		serve_stop
	done
}

# SIGHUP: a good new file serves new connections (a new password, a new
# certificate); a bad one keeps the old and says why, in one line.
t_serve_webconfig_reload()
{
	need curl
	exporter_root
	certs "$W/pki"
	certs "$W/pki2"
	printf 'tls_server_config:\n  cert_file: pki/server.crt\n  key_file: pki/server.key\nbasic_auth_users:\n  alice: %s\n' \
		"$(bcrypt '$2b$' one)" > "$W/web.yml"
	serve_start 127.0.0.1:0 --source procfs --web.config.file="$W/web.yml"
	[[ $(status --cacert "$W/pki/ca.crt" -u alice:one "$url/metrics") == 200 ]] || fail "before"
	printf 'tls_server_config:\n  cert_file: pki2/server.crt\n  key_file: pki2/server.key\nbasic_auth_users:\n  alice: %s\n' \
		"$(bcrypt '$2b$' two)" > "$W/web.yml"
	kill -HUP "$serve_pid"
	wait_for grep -q 'SIGHUP: .* read again' "$W/serve.err"
	[[ $(status --cacert "$W/pki2/ca.crt" -u alice:two "$url/metrics") == 200 ]] ||
		fail "the new certificate and password do not serve"
	[[ $(status --cacert "$W/pki2/ca.crt" -u alice:one "$url/metrics") == 401 ]] ||
		fail "the old password still serves"
	[[ $(status --cacert "$W/pki/ca.crt" -u alice:two "$url/metrics") != 200 ]] ||
		fail "the old certificate still serves"
	printf 'tls_server_config:\n  bogus: 1\n' > "$W/web.yml"
	kill -HUP "$serve_pid"
	wait_for grep -q 'the previous web configuration stays' "$W/serve.err"
	grep -q "^ktcpstat: serve: SIGHUP: $W/web.yml:[0-9]*: .*; the previous web configuration stays$" "$W/serve.err" ||
		{ cat "$W/serve.err"; fail "not said in one line"; }
	[[ $(status --cacert "$W/pki2/ca.crt" -u alice:two "$url/metrics") == 200 ]] ||
		fail "the previous configuration did not stay"
	serve_stop
}

# --help into a full disk: said, exit 1.
t_help_full()
{
	timeout -k 5 $WATCHDOG "$TCPSTAT" --help > /dev/full 2> "$W/err"
	rc=$?
	expect_rc 1
	expect_text "ktcpstat: write error: No space left on device" "$W/err"
}

# --- the plan ----------------------------------------------------------------

add "serve: --web.listen-address, two listeners" t_serve_listen_many
add "serve: --web.listen-address=:PORT is every address, IPv4 and IPv6" t_serve_listen_any
add "serve: a port in use names the address asked for" t_serve_bind_error
add "serve: --web.systemd-socket under systemd-socket-activate" t_serve_systemd_socket
add "serve: --web.systemd-socket without systemd's sockets" t_serve_systemd_socket_missing
add "serve: --web.telemetry-path, linked HTML-escaped" t_serve_telemetry_path
add "serve: --web.max-requests, beyond it 503" t_serve_max_requests
add "serve: gzip when Accept-Encoding takes it, with Vary" t_serve_gzip
add "serve: process_* and per-view durations" t_serve_process_metrics
add "serve: the module not loaded at start is said once" t_serve_module_missing
add "serve: keep-alive, and pipelined requests both answered" t_serve_keepalive
add "serve: %00, a 15 KB query, binary garbage" t_serve_bad_requests
add "serve: SIGHUP does not kill it" t_serve_sighup
add "serve: 520 half-sent requests: others served, all closed, log limited" t_serve_flood_half_sent
add "serve: 200 tricklers closed by the deadline, others served" t_serve_tricklers
add "serve: 200 clients that never read share one body" t_serve_memory
add "serve: a bad --web.config.file at start, exit 2" t_serve_webconfig_bad
add "serve: basic auth, 401 with realm, configured headers" t_serve_basic_auth
add "serve: TLS; plain HTTP to it gets no 200" t_serve_tls
add "serve: TLS client_auth_type enforced" t_serve_tls_client_auth
add "serve: SIGHUP reloads the web configuration, keeps it if bad" t_serve_webconfig_reload
add "cli: --help into a full disk is a write error" t_help_full
add_usage "option '--po' is ambiguous; possibilities: '--port' '--ports'" --po
add_usage "option '--por' is ambiguous; possibilities: '--port' '--ports'" --por
add_usage "--serve: 'localhost:80' is not PORT, IPV4:PORT, [IPV6]:PORT or :PORT (literal addresses)" --serve localhost:80
add_usage "--web.listen-address: '80' is not IPV4:PORT, [IPV6]:PORT or :PORT (literal addresses)" --web.listen-address 80
add_usage "--web.listen-address: '[::1]:65536' is not IPV4:PORT, [IPV6]:PORT or :PORT (literal addresses)" --web.listen-address '[::1]:65536'
add_usage "--web.telemetry-path: 'metrics' does not start with /" --web.telemetry-path metrics
add_usage "--web.systemd-socket takes its sockets from systemd: it excludes listen addresses" --web.systemd-socket --web.listen-address :80
add_usage "--web.max-connections: invalid value '0' (an integer from 1 to 100000)" --web.max-connections 0
add_usage "--serve serves every view itself: it excludes --format" --web.max-requests 3 --format json
