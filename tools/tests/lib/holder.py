#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hold a known set of TCP sockets open on loopback, for tests/run.

Run inside a fresh network namespace with lo up.  Prints "ready PID" once
every socket is in place, then holds them until stdin reaches EOF.  The
expected counts (what ss -tan shows) are in EXPECT below and printed as
the second line, "expect" followed by the JSON object.
"""
import json
import os
import socket
import struct
import sys
import time

V4, V6 = ("127.0.0.1", socket.AF_INET), ("::1", socket.AF_INET6)
EXPECT = {
    "ESTABLISHED": 16, "SYN_SENT": 1, "SYN_RECV": 2, "FIN_WAIT1": 0,
    "FIN_WAIT2": 2, "TIME_WAIT": 3, "CLOSE": 0, "CLOSE_WAIT": 2,
    "LAST_ACK": 0, "LISTEN": 7, "CLOSING": 0,
}
held = []
# The kernel's numbers of the states, as /proc/net/tcp shows them.
STATE_NUMBERS = {
    1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1",
    5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT",
    9: "LAST_ACK", 10: "LISTEN", 11: "CLOSING",
}
# Only against a hang: every wait here is for an event.
WATCHDOG = 120


def keep(*socks):
    held.extend(socks)
    return socks[0] if len(socks) == 1 else socks


def listener(addr, backlog=16, v6only=True, defer=0):
    host, fam = addr
    s = socket.socket(fam, socket.SOCK_STREAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(v6only))
    if defer:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, defer)
    s.bind((host, 0))
    s.listen(backlog)
    return keep(s)


def port(lsock):
    return lsock.getsockname()[1]


def pair(lsock, addr):
    """An ESTABLISHED client and its accepted server side."""
    host, fam = addr
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.connect((host, port(lsock)))
    s, _ = lsock.accept()
    return c, s


def wait_eof(s):
    s.settimeout(WATCHDOG)
    if s.recv(1) != b"":
        sys.exit("holder: expected EOF")


def wait_for(what, done):
    """Poll done() until true: an event awaited, the deadline a watchdog."""
    deadline = time.monotonic() + WATCHDOG
    while not done():
        if time.monotonic() > deadline:
            sys.exit("holder: gave up waiting for " + what)
        time.sleep(0.01)


def accept_queue(lsock):
    """A listener's accept queue length: tcp_info's tcpi_unacked."""
    info = lsock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    return struct.unpack_from("I", info, 24)[0]


def kernel_counts():
    """The namespace's sockets by state, from /proc/net/tcp and tcp6."""
    counts = dict.fromkeys(EXPECT, 0)
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(name) as f:
            for line in f.readlines()[1:]:
                counts[STATE_NUMBERS[int(line.split()[3], 16)]] += 1
    return counts


def main():
    la = listener(V4)
    lb = listener(V4)
    lc = listener(V6)
    ld = listener(("::", socket.AF_INET6), v6only=False)
    le = listener(V4, backlog=0)
    # A long deferral: the request sockets (SYN_RECV) outlive the tests.
    lf = listener(V4, defer=1 << 30)
    lg = listener(V6, defer=1 << 30)

    # ESTABLISHED: 3 pairs over IPv4, 2 over IPv6, 1 v4-mapped = 12.
    for _ in range(3):
        keep(*pair(la, V4))
    for _ in range(2):
        keep(*pair(lc, V6))
    keep(*pair(ld, V4))

    # Full accept queue: one ESTABLISHED pair never accepted (2), then a
    # client whose SYNs the listener drops stays in SYN_SENT.
    c = keep(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    c.connect(("127.0.0.1", port(le)))
    wait_for("the accept queue to fill", lambda: accept_queue(le) == 1)
    c = keep(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    # As many SYNs as may be: hours in SYN_SENT, not the default 2 minutes.
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 127)
    c.setblocking(False)
    if c.connect_ex(("127.0.0.1", port(le))) != 115:    # EINPROGRESS
        sys.exit("holder: expected a pending connect")

    # TCP_DEFER_ACCEPT: the client is ESTABLISHED (2) while the listener
    # holds a request socket (SYN_RECV) until data arrives.
    for lsock, addr in ((lf, V4), (lg, V6)):
        c = keep(socket.socket(addr[1], socket.SOCK_STREAM))
        c.connect((addr[0], port(lsock)))

    # TIME_WAIT: the client closes first, the server then closes too.
    for lsock, addr in ((lb, V4), (lb, V4), (lc, V6)):
        c, s = pair(lsock, addr)
        c.close()
        wait_eof(s)
        s.close()

    # FIN_WAIT2 / CLOSE_WAIT: the client shuts down writing, the server
    # reads the EOF and keeps its socket open.
    for lsock, addr in ((la, V4), (lc, V6)):
        c, s = keep(*pair(lsock, addr))
        c.shutdown(socket.SHUT_WR)
        wait_eof(s)

    # Bound but neither listening nor connected: no state ss -tan shows
    # (TCP_BOUND_INACTIVE on 6.7+), so counted nowhere.
    b = keep(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    b.bind(("127.0.0.1", 0))

    # The last FINs and ACKs may wait for a softirq: ready once the kernel's
    # own account is the expected one.  (The TIME_WAIT sockets expire 60 s
    # later: tests/run counts them by sockstat at each comparison.)
    wait_for("the sockets to settle", lambda: kernel_counts() == EXPECT)
    print("ready", os.getpid(), flush=True)
    print("expect", json.dumps(EXPECT, separators=(",", ":")), flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
