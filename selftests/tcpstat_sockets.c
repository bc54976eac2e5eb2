// SPDX-License-Identifier: GPL-2.0
/*
 * TCP sockets over loopback, and recipes that leave connections in each
 * state, adding exactly what they made to an expectation.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcpstat_util.h"

const struct fam fam_ipv4 = { AF_INET, "127.0.0.1", AF_INET, "127.0.0.1" };
const struct fam fam_ipv6 = { AF_INET6, "::1", AF_INET6, "::1" };
/* An IPv4 client of a dual-stack IPv6 listener: the server side is an
 * AF_INET6 socket with a v4-mapped address.
 */
const struct fam fam_mapped = { AF_INET6, "::", AF_INET, "127.0.0.1" };

static socklen_t make_addr(int family, const char *addr, int port,
			   struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, addr, &sin->sin_addr);
		return sizeof(*sin);
	}
	sin6 = (struct sockaddr_in6 *)ss;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	inet_pton(AF_INET6, addr, &sin6->sin6_addr);
	return sizeof(*sin6);
}

static int set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v));
}

int tcp_listener(const struct fam *f, const char *addr, int backlog, int rcvbuf,
		 int *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	fd = socket(f->lfamily, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (f->lfamily == AF_INET6)
		set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, f->cfamily == AF_INET6);
	if (rcvbuf)
		set_int(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf);
	len = make_addr(f->lfamily, addr ? addr : f->laddr, 0, &ss);
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, backlog))
		goto fail;
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		goto fail;
	*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return fd;
fail:
	close(fd);
	return -1;
}

int tcp_connect(const struct fam *f, const char *addr, int port, bool nonblock,
		int sndbuf, int rcvbuf)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	fd = socket(f->cfamily, SOCK_STREAM | SOCK_CLOEXEC |
		    (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -1;
	if (sndbuf)
		set_int(fd, SOL_SOCKET, SO_SNDBUF, sndbuf);
	if (rcvbuf)
		set_int(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf);
	len = make_addr(f->cfamily, addr ? addr : f->caddr, port, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len) &&
	    !(nonblock && errno == EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

int tcp_accept(int lfd)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };

	if (poll(&pfd, 1, WATCHDOG_MS) != 1)
		return -1;
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

int tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return -1;
	return ti.tcpi_state;
}

static int wait_state(int fd, int state)
{
	long deadline = now_ms() + WATCHDOG_MS;

	while (tcp_state(fd) != state) {
		if (now_ms() > deadline)
			return -1;
		sleep_ms(5);
	}
	return 0;
}

static int fail(const char *what)
{
	fprintf(stderr, "recipe: %s: %s\n", what, strerror(errno));
	return -1;
}

/* The local port of a socket (sin_port and sin6_port share their place). */
int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/*
 * The state /proc/net/tcp or tcp6 shows for the connection from local port
 * lport to remote port rport, or -1 if there is none: the kernel's own
 * account, asked where no descriptor is left to ask (a timewait socket
 * shows its substate).
 */
static int procfs_state(int lport, int rport)
{
	static const char *const files[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	unsigned int i, l, r, st;
	char line[512];
	int state = -1;
	FILE *f;

	for (i = 0; i < 2 && state < 0; i++) {
		f = fopen(files[i], "re");
		if (!f)
			continue;
		while (state < 0 && fgets(line, sizeof(line), f))
			if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%x %x",
				   &l, &r, &st) == 3 &&
			    (int)l == lport && (int)r == rport)
				state = (int)st;
		fclose(f);
	}
	return state;
}

/* Until the connection lport -> rport is in state (-1: gone). */
static int wait_procfs_state(int lport, int rport, int state)
{
	long deadline = now_ms() + WATCHDOG_MS;

	while (procfs_state(lport, rport) != state) {
		if (now_ms() > deadline)
			return -1;
		sleep_ms(5);
	}
	return 0;
}

/* A connected pair over a fresh connection to listener lfd:port. */
static int tcp_pair(const struct fam *f, int lfd, int port, int sndbuf,
		    int rcvbuf, int *cfd, int *sfd)
{
	*cfd = tcp_connect(f, NULL, port, false, sndbuf, rcvbuf);
	if (*cfd < 0)
		return fail("connect");
	*sfd = tcp_accept(lfd);
	if (*sfd < 0)
		return fail("accept");
	return 0;
}

/*
 * Write until the peer's receive window is closed and data sits unsent in
 * our queue: a FIN queued after it cannot leave while the peer never reads.
 */
static int fill_until_stuck(int fd)
{
	static char junk[65536];
	long deadline = now_ms() + WATCHDOG_MS;
	int last = -1, stable = 0;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (stable < 3) {
		int unsent = 0;

		while (send(fd, junk, sizeof(junk), MSG_NOSIGNAL) > 0)
			;
		if (errno != EAGAIN)
			return fail("send");
		if (ioctl(fd, SIOCOUTQNSD, &unsent))
			return fail("SIOCOUTQNSD");
		stable = unsent > 0 && unsent == last ? stable + 1 : 0;
		last = unsent;
		if (now_ms() > deadline) {
			errno = ETIMEDOUT;
			return fail("filling the peer's window");
		}
		sleep_ms(30);
	}
	return 0;
}

#define SMALL_BUF 4096

static int listener_counted(const struct fam *f, int backlog, int rcvbuf,
			    int *port, struct counts *expect)
{
	int lfd = tcp_listener(f, NULL, backlog, rcvbuf, port);

	if (lfd < 0)
		return fail("listen");
	expect->n[TCPSTAT_LISTEN]++;
	return lfd;
}

int make_listeners(const struct fam *f, int n, struct counts *expect)
{
	int port;

	while (n--)
		if (listener_counted(f, 16, 0, &port, expect) < 0)
			return -1;
	return 0;
}

int make_established(const struct fam *f, int n, struct counts *expect)
{
	int lfd, port, c, s;

	lfd = listener_counted(f, 128, 0, &port, expect);
	if (lfd < 0)
		return -1;
	while (n--) {
		if (tcp_pair(f, lfd, port, 0, 0, &c, &s))
			return -1;
		expect->n[TCPSTAT_ESTABLISHED] += 2;
	}
	return 0;
}

/* A listener's drop count (sk_drops, which counts its listen drops). */
static long listener_drops(int lfd)
{
	__u32 mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(lfd, SOL_SOCKET, SO_MEMINFO, mem, &len) ||
	    len <= SK_MEMINFO_DROPS * sizeof(mem[0]))
		return -1;
	return mem[SK_MEMINFO_DROPS];
}

/*
 * A listener with a backlog of 0 admits a kernel-dependent number of
 * connections (none on 5.4, one on 6.x); once its accept queue is full and
 * syncookies are off, further SYNs are dropped and the clients stay in
 * SYN_SENT.  Whether a connection was admitted or dropped is an event
 * either way: the client becomes ESTABLISHED, or the listener counts a
 * drop.  The caller must have set net.ipv4.tcp_syncookies=0.
 */
int make_syn_sent(const struct fam *f, int n, struct counts *expect)
{
	int lfd, port, fd, admitted = 0, pending = 0;
	long deadline, drops;

	lfd = listener_counted(f, 0, 0, &port, expect);
	if (lfd < 0)
		return -1;
	while (pending < n) {
		drops = listener_drops(lfd);
		if (drops < 0)
			return fail("SO_MEMINFO");
		fd = tcp_connect(f, NULL, port, true, 0, 0);
		if (fd < 0)
			return fail("connect");
		/* Until the queue is known full, see what became of each. */
		deadline = now_ms() + WATCHDOG_MS;
		while (!pending && tcp_state(fd) != TCPSTAT_ESTABLISHED &&
		       listener_drops(lfd) == drops) {
			if (now_ms() > deadline) {
				errno = ETIMEDOUT;
				return fail("connect neither admitted nor dropped");
			}
			sleep_ms(5);
		}
		if (tcp_state(fd) == TCPSTAT_ESTABLISHED) {
			if (++admitted > 64) {
				errno = EOVERFLOW;
				return fail("backlog 0 admits too many");
			}
			expect->n[TCPSTAT_ESTABLISHED] += 2;
			continue;
		}
		if (tcp_state(fd) != TCPSTAT_SYN_SENT) {
			errno = EPROTO;
			return fail("connect neither established nor pending");
		}
		expect->n[TCPSTAT_SYN_SENT]++;
		pending++;
	}
	return 0;
}

/*
 * TCP_DEFER_ACCEPT: the client's bare ACK does not complete the handshake,
 * so the server side stays a request socket (TCP_NEW_SYN_RECV, shown as
 * SYN_RECV) while the client is ESTABLISHED.
 */
int make_syn_recv(const struct fam *f, int n, struct counts *expect)
{
	int lfd, port, fd;

	lfd = listener_counted(f, 128, 0, &port, expect);
	if (lfd < 0)
		return -1;
	if (set_int(lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT, 120))
		return fail("TCP_DEFER_ACCEPT");
	while (n--) {
		fd = tcp_connect(f, NULL, port, false, 0, 0);
		if (fd < 0)
			return fail("connect");
		expect->n[TCPSTAT_ESTABLISHED]++;
		expect->n[TCPSTAT_SYN_RECV]++;
	}
	return 0;
}

/* The client's FIN waits behind data the server never reads. */
int make_fin_wait1(const struct fam *f, int n, struct counts *expect)
{
	int lfd, port, c, s;

	lfd = listener_counted(f, 128, SMALL_BUF, &port, expect);
	if (lfd < 0)
		return -1;
	while (n--) {
		if (tcp_pair(f, lfd, port, SMALL_BUF, 0, &c, &s) ||
		    fill_until_stuck(c))
			return -1;
		if (shutdown(c, SHUT_WR))
			return fail("shutdown");
		expect->n[TCPSTAT_FIN_WAIT1]++;
		expect->n[TCPSTAT_ESTABLISHED]++;
	}
	return 0;
}

/* The client sends its FIN and waits until the peer has acked it. */
static int half_close(int c)
{
	if (shutdown(c, SHUT_WR) || wait_state(c, TCPSTAT_FIN_WAIT2))
		return fail("shutdown to FIN_WAIT2");
	return 0;
}

/* Half close: the client keeps its socket open in FIN_WAIT2. */
int make_fin_wait2(const struct fam *f, int n, struct counts *expect)
{
	int lfd, port, c, s;

	lfd = listener_counted(f, 128, 0, &port, expect);
	if (lfd < 0)
		return -1;
	while (n--) {
		if (tcp_pair(f, lfd, port, 0, 0, &c, &s))
			return -1;
		if (half_close(c))
			return -1;
		expect->n[TCPSTAT_FIN_WAIT2]++;
		expect->n[TCPSTAT_CLOSE_WAIT]++;
	}
	return 0;
}

/*
 * n connections whose client closed first; the server side then closes too
 * (the client ends in TIME_WAIT) or stays in CLOSE_WAIT (the orphaned
 * client ends in FIN_WAIT2).
 *
 * The client shuts down and waits for FIN_WAIT2 before close(): had the
 * ACK of its FIN reached it while close() still owned the socket (another
 * CPU, a slow kernel), the kernel would keep a full FIN_WAIT2 socket on a
 * timer instead of a timewait one.  Counted the same, but the test wants
 * the timewait path.
 */
static int closed_by_client(const struct fam *f, int n, bool server_closes,
			    struct counts *expect)
{
	int lfd, port, cport, c, s;

	lfd = listener_counted(f, 128, 0, &port, expect);
	if (lfd < 0)
		return -1;
	while (n--) {
		if (tcp_pair(f, lfd, port, 0, 0, &c, &s))
			return -1;
		cport = local_port(c);
		if (cport < 0 || half_close(c))
			return -1;
		close(c);
		if (wait_state(s, TCPSTAT_CLOSE_WAIT))
			return fail("peer to CLOSE_WAIT");
		if (server_closes) {
			/*
			 * The server's FIN, the client's ACK and the server's
			 * end may wait for a softirq on a busy machine: until
			 * then the client is a timewait socket in FIN_WAIT2
			 * and the server is in LAST_ACK.
			 */
			close(s);
			if (wait_procfs_state(cport, port, TCPSTAT_TIME_WAIT) ||
			    wait_procfs_state(port, cport, -1))
				return fail("to TIME_WAIT, the peer gone");
			expect->n[TCPSTAT_TIME_WAIT]++;
			expect->tw_time_wait++;
		} else {
			expect->n[TCPSTAT_FIN_WAIT2]++;
			expect->tw_fin_wait2++;
			expect->n[TCPSTAT_CLOSE_WAIT]++;
		}
	}
	return 0;
}

/*
 * The client closes (orphaning its socket) in FIN_WAIT2: the kernel
 * replaces it by a timewait socket whose substate is FIN_WAIT2.
 */
int make_fin_wait2_orphan(const struct fam *f, int n, struct counts *expect)
{
	return closed_by_client(f, n, false, expect);
}

/* Active close on both sides: the client ends in TIME_WAIT. */
int make_time_wait(const struct fam *f, int n, struct counts *expect)
{
	return closed_by_client(f, n, true, expect);
}

int make_close_wait(const struct fam *f, int n, struct counts *expect)
{
	return make_fin_wait2(f, n, expect);
}

/*
 * The client half-closes (FIN_WAIT2, server CLOSE_WAIT); the server then
 * fills the client's window and closes its side: its FIN stays queued and
 * it sits in LAST_ACK.
 */
int make_last_ack(const struct fam *f, int n, struct counts *expect)
{
	int lfd, port, c, s;

	lfd = listener_counted(f, 128, 0, &port, expect);
	if (lfd < 0)
		return -1;
	while (n--) {
		if (tcp_pair(f, lfd, port, 0, SMALL_BUF, &c, &s))
			return -1;
		if (shutdown(c, SHUT_WR) || wait_state(s, TCPSTAT_CLOSE_WAIT))
			return fail("peer to CLOSE_WAIT");
		set_int(s, SOL_SOCKET, SO_SNDBUF, SMALL_BUF);
		if (fill_until_stuck(s))
			return -1;
		if (shutdown(s, SHUT_WR))
			return fail("shutdown");
		expect->n[TCPSTAT_FIN_WAIT2]++;
		expect->n[TCPSTAT_LAST_ACK]++;
	}
	return 0;
}

/*
 * Both sides fill each other's window and shut down (both FIN_WAIT1, FINs
 * queued); the client then drains: the server's FIN reaches it before its
 * own FIN could leave, so it goes to CLOSING and the server, its FIN
 * acked, to FIN_WAIT2.
 */
int make_closing(const struct fam *f, int n, struct counts *expect)
{
	static char sink[65536];
	int lfd, port, c, s;
	ssize_t r;

	lfd = listener_counted(f, 128, SMALL_BUF, &port, expect);
	if (lfd < 0)
		return -1;
	while (n--) {
		if (tcp_pair(f, lfd, port, SMALL_BUF, SMALL_BUF, &c, &s))
			return -1;
		set_int(s, SOL_SOCKET, SO_SNDBUF, SMALL_BUF);
		if (fill_until_stuck(c) || fill_until_stuck(s))
			return -1;
		if (shutdown(c, SHUT_WR) || shutdown(s, SHUT_WR))
			return fail("shutdown");
		fcntl(c, F_SETFL, fcntl(c, F_GETFL) & ~O_NONBLOCK);
		while ((r = read(c, sink, sizeof(sink))) > 0)
			;
		if (r < 0)
			return fail("drain");
		if (wait_state(c, TCPSTAT_CLOSING) ||
		    wait_state(s, TCPSTAT_FIN_WAIT2))
			return fail("simultaneous close to CLOSING");
		expect->n[TCPSTAT_CLOSING]++;
		expect->n[TCPSTAT_FIN_WAIT2]++;
	}
	return 0;
}

int make_all_states(const struct fam *f, int n, struct counts *expect)
{
	return make_listeners(f, n, expect) ||
	       make_established(f, n, expect) ||
	       make_syn_sent(f, n, expect) ||
	       make_syn_recv(f, n, expect) ||
	       make_fin_wait1(f, n, expect) ||
	       make_fin_wait2(f, n, expect) ||
	       make_fin_wait2_orphan(f, n, expect) ||
	       make_time_wait(f, n, expect) ||
	       make_close_wait(f, n, expect) ||
	       make_last_ack(f, n, expect) ||
	       make_closing(f, n, expect) ? -1 : 0;
}
