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
import sys
import time

V4, V6 = ("127.0.0.1", socket.AF_INET), ("::1", socket.AF_INET6)
EXPECT = {
    "ESTABLISHED": 16, "SYN_SENT": 1, "SYN_RECV": 2, "FIN_WAIT1": 0,
    "FIN_WAIT2": 2, "TIME_WAIT": 3, "CLOSE": 0, "CLOSE_WAIT": 2,
    "LAST_ACK": 0, "LISTEN": 7, "CLOSING": 0,
}
held = []


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
    s.settimeout(5)
    if s.recv(1) != b"":
        sys.exit("holder: expected EOF")


def main():
    la = listener(V4)
    lb = listener(V4)
    lc = listener(V6)
    ld = listener(("::", socket.AF_INET6), v6only=False)
    le = listener(V4, backlog=0)
    lf = listener(V4, defer=60)
    lg = listener(V6, defer=60)

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
    time.sleep(0.1)
    c = keep(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
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

    time.sleep(0.2)
    print("ready", os.getpid(), flush=True)
    print("expect", json.dumps(EXPECT, separators=(",", ":")), flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
