// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcpstat_ports, each test in a fresh namespace: listeners on
 * several ports over IPv4, IPv6 and dual-stack, SO_REUSEPORT groups and
 * one port bound by an IPv4 and an IPv6 listener; an accept queue filled by
 * connections never accepted; a SYN queue held by TCP_DEFER_ACCEPT;
 * connections in every reachable state.  Every row equals, state by state,
 * what ss -tan '( sport = :P )' shows, its queues the sums ss -lnt shows,
 * and there is exactly one row per listening port.  Then the reader's
 * rates: known connections, failures, resets and listen overflows driven
 * between two readings show up as exact deltas.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcpstat_check.h"

/* The table's row of one port, or -1. */
static int port_row(const struct table *t, int port)
{
	int i;

	for (i = 0; i < t->nrows; i++)
		if (table_num(t, i, TCPSTAT_COL_PORT) == port)
			return i;
	return -1;
}

static int set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v));
}

/* A listener on 127.0.0.1 / ::1 / :: (dual stack) at port (0: any). */
static int listen_on(int family, const char *addr, int port, int backlog,
		     bool reuseport, bool v6only)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (reuseport)
		set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1);
	if (family == AF_INET6)
		set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, addr, &sin->sin_addr);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
		len = sizeof(*sin6);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, backlog)) {
		close(fd);
		return -1;
	}
	return fd;
}

FIXTURE(ports) {
	struct counts expect;
};

FIXTURE_SETUP(ports)
{
	const char *why = enter_test_netns();

	if (why)
		SKIP(return, "%s", why);
	memset(&self->expect, 0, sizeof(self->expect));
	ASSERT_EQ(0, sysctl_write("net.core.somaxconn", "4096"));
}

FIXTURE_TEARDOWN(ports)
{
}

/* No listener, no row; the header is the interface header's. */
TEST_F(ports, empty)
{
	struct table t;

	ASSERT_EQ(0, table_read(PROC_NET_PORTS, &t));
	EXPECT_EQ(0, t.nrows);
	EXPECT_STREQ(TCPSTAT_COL_PORT, t.cols[0]);
	table_free(&t);
}

/* Listeners of every kind, and connections in every state, over them. */
static void every_kind(struct __test_metadata *_metadata, struct counts *expect)
{
	const struct fam *fams[] = { &fam_ipv4, &fam_ipv6, &fam_mapped };
	int a, b, port, fd[6];
	struct table t;
	int i, row;

	/* An SO_REUSEPORT group of three on one IPv4 port. */
	fd[0] = listen_on(AF_INET, "127.0.0.1", 0, 16, true, false);
	ASSERT_LE(0, fd[0]);
	port = local_port(fd[0]);
	fd[1] = listen_on(AF_INET, "127.0.0.1", port, 32, true, false);
	fd[2] = listen_on(AF_INET, "127.0.0.1", port, 64, true, false);
	ASSERT_LE(0, fd[1]);
	ASSERT_LE(0, fd[2]);
	/* One port, an IPv4 and an IPv6-only listener. */
	fd[3] = listen_on(AF_INET6, "::1", 0, 8, false, true);
	ASSERT_LE(0, fd[3]);
	a = local_port(fd[3]);
	fd[4] = listen_on(AF_INET, "127.0.0.1", a, 8, false, false);
	ASSERT_LE(0, fd[4]);
	/* A dual-stack one. */
	fd[5] = listen_on(AF_INET6, "::", 0, 100000, false, false);
	ASSERT_LE(0, fd[5]);
	b = local_port(fd[5]);
	expect->n[TCPSTAT_LISTEN] += 6;
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, make_all_states(fams[i], 1, expect));
	check_counts(_metadata, expect);
	check_ports(_metadata);

	ASSERT_EQ(0, table_read(PROC_NET_PORTS, &t));
	row = port_row(&t, port);
	ASSERT_LE(0, row);
	EXPECT_EQ(3, table_num(&t, row, TCPSTAT_COL_LISTENERS));
	EXPECT_EQ(16 + 32 + 64, table_num(&t, row, TCPSTAT_COL_ACCEPT_MAX));
	row = port_row(&t, a);
	ASSERT_LE(0, row);
	EXPECT_EQ(2, table_num(&t, row, TCPSTAT_COL_LISTENERS));
	row = port_row(&t, b);
	ASSERT_LE(0, row);
	/* listen()'s backlog, clamped by net.core.somaxconn. */
	EXPECT_EQ(4096, table_num(&t, row, TCPSTAT_COL_ACCEPT_MAX));
	table_free(&t);
}

TEST_F(ports, every_kind_of_listener)
{
	every_kind(_metadata, &self->expect);
}

/*
 * The same in a namespace with an established hash of its own (6.1+,
 * net.ipv4.tcp_child_ehash_entries): its connections are in that table,
 * its listeners still in the shared one.
 */
TEST_F(ports, every_kind_private_ehash)
{
	const char *what;
	long entries = 0;

	if (sysctl_write("net.ipv4.tcp_child_ehash_entries", "256"))
		SKIP(return, "no net.ipv4.tcp_child_ehash_entries (added in 6.1)");
	ASSERT_EQ(0, netns_fresh());
	ASSERT_EQ(0, netns_deterministic(&what));
	ASSERT_EQ(0, sysctl_write("net.core.somaxconn", "4096"));
	ASSERT_EQ(0, sysctl_read_long("net.ipv4.tcp_ehash_entries", &entries));
	ASSERT_EQ(256, entries);
	every_kind(_metadata, &self->expect);
}

/*
 * The listener table is global: listeners of other namespaces on the same
 * port number, one an SO_REUSEPORT group, are in no row of this
 * namespace, which sees exactly its own.
 */
TEST_F(ports, same_port_in_other_namespaces)
{
	int lfd, port, ready[2], status;
	struct table t;
	pid_t pid;
	char c;

	lfd = listen_on(AF_INET, "127.0.0.1", 0, 7, false, false);
	ASSERT_LE(0, lfd);
	port = local_port(lfd);
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int a, b, d;

		die_with_parent();
		if (netns_fresh())
			_exit(1);
		a = listen_on(AF_INET, "127.0.0.1", port, 30, true, false);
		b = listen_on(AF_INET, "127.0.0.1", port, 40, true, false);
		d = listen_on(AF_INET6, "::1", port, 50, false, true);
		if (a < 0 || b < 0 || d < 0 || write(ready[1], "r", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	ASSERT_EQ(0, table_read(PROC_NET_PORTS, &t));
	ASSERT_EQ(1, t.nrows);
	EXPECT_EQ(port, table_num(&t, 0, TCPSTAT_COL_PORT));
	EXPECT_EQ(1, table_num(&t, 0, TCPSTAT_COL_LISTENERS));
	EXPECT_EQ(7, table_num(&t, 0, TCPSTAT_COL_ACCEPT_MAX));
	table_free(&t);
	check_ports(_metadata);
	/* And the other namespace sees its three, and not ours. */
	{
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/net/%s", pid, TCPSTAT_FILE_PORTS);
		ASSERT_EQ(0, table_read(path, &t));
		ASSERT_EQ(1, t.nrows);
		EXPECT_EQ(3, table_num(&t, 0, TCPSTAT_COL_LISTENERS));
		EXPECT_EQ(30 + 40 + 50, table_num(&t, 0, TCPSTAT_COL_ACCEPT_MAX));
		table_free(&t);
	}
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(lfd);
}

/*
 * TCP Fast Open: connections whose SYN carried data are counted like any
 * other (here ESTABLISHED, in the accept queue); the Fast Open queue
 * holds only handshakes not yet completed, none at rest.  A socket bound
 * but neither listening nor connected is in no hash table: counted
 * nowhere, as ss -tan of iproute2 6.1 does not show it either.
 */
TEST_F(ports, fast_open_and_bound_only)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	long long tfo0, tfo1;
	int lfd, port, c, i, row, bound;
	struct table t;

	ASSERT_EQ(0, sysctl_write("net.ipv4.tcp_fastopen", "3"));
	lfd = listen_on(AF_INET, "127.0.0.1", 0, 16, false, false);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, set_int(lfd, IPPROTO_TCP, TCP_FASTOPEN, 16));
	port = local_port(lfd);
	sin.sin_port = htons(port);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	tfo0 = netstat_read("TcpExt", "TCPFastOpenPassive");
	/* The first asks for a cookie, the next three use it. */
	for (i = 0; i < 4; i++) {
		c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ASSERT_LE(0, c);
		ASSERT_EQ(3, sendto(c, "tfo", 3, MSG_FASTOPEN,
				    (struct sockaddr *)&sin, sizeof(sin)));
		self->expect.n[TCPSTAT_ESTABLISHED] += 2;
	}
	self->expect.n[TCPSTAT_LISTEN]++;
	bound = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, bound);
	sin.sin_port = 0;
	ASSERT_EQ(0, bind(bound, (struct sockaddr *)&sin, sizeof(sin)));
	check_counts(_metadata, &self->expect);
	check_ports(_metadata);
	tfo1 = netstat_read("TcpExt", "TCPFastOpenPassive");
	EXPECT_EQ(3, tfo1 - tfo0);
	ASSERT_EQ(0, table_read(PROC_NET_PORTS, &t));
	ASSERT_EQ(1, t.nrows);
	row = 0;
	EXPECT_EQ(4, table_num(&t, row, TCPSTAT_COL_ACCEPT_QUEUE));
	EXPECT_EQ(4, table_num(&t, row, "ESTABLISHED"));
	EXPECT_EQ(0, table_num(&t, row, TCPSTAT_COL_FASTOPEN_QUEUE));
	EXPECT_EQ(0, table_num(&t, row, "CLOSE"));
	table_free(&t);
	close(bound);
}

/*
 * Connections the kernel completed and nobody accepted: accept_queue grows
 * one by one up to the limit (the queue holds limit + 1).
 */
TEST_F(ports, accept_queue)
{
	int lfd, port, fd, i, row;
	struct table t;

	lfd = listen_on(AF_INET, "127.0.0.1", 0, 4, false, false);
	ASSERT_LE(0, lfd);
	port = local_port(lfd);
	for (i = 1; i <= 5; i++) {
		fd = tcp_connect(&fam_ipv4, NULL, port, false, 0, 0);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, table_read(PROC_NET_PORTS, &t));
		row = port_row(&t, port);
		ASSERT_LE(0, row);
		EXPECT_EQ(i, table_num(&t, row, TCPSTAT_COL_ACCEPT_QUEUE));
		EXPECT_EQ(4, table_num(&t, row, TCPSTAT_COL_ACCEPT_MAX));
		EXPECT_EQ(i, table_num(&t, row, "ESTABLISHED"));
		EXPECT_EQ(0, table_num(&t, row, TCPSTAT_COL_SYN_QUEUE));
		table_free(&t);
	}
	check_ports(_metadata);
	close(tcp_accept(lfd));
	ASSERT_EQ(0, table_read(PROC_NET_PORTS, &t));
	EXPECT_EQ(4, table_num(&t, port_row(&t, port), TCPSTAT_COL_ACCEPT_QUEUE));
	table_free(&t);
}

/*
 * TCP_DEFER_ACCEPT keeps each handshake a request socket: syn_queue counts
 * them, and so does the port's SYN_RECV; none is in the accept queue.
 */
TEST_F(ports, syn_queue)
{
	struct counts expect = { 0 };
	struct table t;
	int row, port;

	ASSERT_EQ(0, make_syn_recv(&fam_ipv6, 5, &expect));
	check_counts(_metadata, &expect);
	ASSERT_EQ(0, table_read(PROC_NET_PORTS, &t));
	ASSERT_EQ(1, t.nrows);
	row = 0;
	port = (int)table_num(&t, row, TCPSTAT_COL_PORT);
	EXPECT_EQ(5, table_num(&t, row, TCPSTAT_COL_SYN_QUEUE));
	EXPECT_EQ(5, table_num(&t, row, "SYN_RECV"));
	EXPECT_EQ(0, table_num(&t, row, TCPSTAT_COL_ACCEPT_QUEUE));
	/* The clients' ends have ephemeral ports: not in the row. */
	EXPECT_EQ(0, table_num(&t, row, "ESTABLISHED"));
	EXPECT_LT(0, port);
	table_free(&t);
	check_ports(_metadata);
}

/* A listener closed takes its row; its children stay in no row. */
TEST_F(ports, row_follows_listeners)
{
	int lfd, port, c, s;
	struct table t;

	lfd = listen_on(AF_INET, "127.0.0.1", 0, 8, false, false);
	ASSERT_LE(0, lfd);
	port = local_port(lfd);
	c = tcp_connect(&fam_ipv4, NULL, port, false, 0, 0);
	s = tcp_accept(lfd);
	ASSERT_LE(0, c);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, table_read(PROC_NET_PORTS, &t));
	ASSERT_EQ(1, t.nrows);
	EXPECT_EQ(1, table_num(&t, 0, "ESTABLISHED"));
	table_free(&t);
	close(lfd);
	ASSERT_EQ(0, table_read(PROC_NET_PORTS, &t));
	EXPECT_EQ(0, t.nrows);
	table_free(&t);
}

/* --- the reader's rates ------------------------------------------------ */

static const char *reader(void)
{
	const char *env = getenv("TCPSTAT_BIN");

	return env && *env ? env : "../../tools/ktcpstat";
}

/* A line of the reader's text output "  NAME  DELTA  RATE/s". */
static long rate_delta(const char *text, const char *name)
{
	char pattern[64];
	const char *p;

	snprintf(pattern, sizeof(pattern), "\n  %s ", name);
	p = strstr(text, pattern);
	if (!p)
		return -1;
	return strtol(p + strlen(pattern), NULL, 10);
}

struct drive {
	long conns, fails, resets, overflows;
};

/*
 * Connections completed, attempts refused (no listener), connections reset,
 * and SYNs dropped by a full accept queue, one at a time: each dropped SYN
 * is seen by the kernel's ListenOverflows before its client is closed.  A
 * client's SYN retransmitted before it was closed overflows the queue once
 * more; the tests account for that through RetransSegs, not the clock.
 */
static int drive(const struct drive *d, int *full_port)
{
	struct linger lg = { 1, 0 };
	int lfd, full, port, c, s, i;

	lfd = listen_on(AF_INET, "127.0.0.1", 0, 64, false, false);
	full = listen_on(AF_INET, "127.0.0.1", 0, 0, false, false);
	if (lfd < 0 || full < 0)
		return -1;
	port = local_port(lfd);
	*full_port = local_port(full);
	for (i = 0; i < d->conns; i++) {
		c = tcp_connect(&fam_ipv4, NULL, port, false, 0, 0);
		s = tcp_accept(lfd);
		if (c < 0 || s < 0)
			return -1;
		if (i < d->resets)
			setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c);
		close(s);
	}
	close(lfd);
	for (i = 0; i < d->fails; i++) {
		/* The listener is gone: the SYN meets a reset. */
		c = tcp_connect(&fam_ipv4, NULL, port, false, 0, 0);
		if (c >= 0 || errno != ECONNREFUSED)
			return -1;
	}
	/* Fill the queue of the backlog-0 listener, then overflow it. */
	c = tcp_connect(&fam_ipv4, NULL, *full_port, false, 0, 0);
	if (c < 0)
		return -1;
	for (i = 0; i < d->overflows; i++) {
		long long before = netstat_read("TcpExt", "ListenOverflows");
		long deadline = now_ms() + WATCHDOG_MS;

		c = tcp_connect(&fam_ipv4, NULL, *full_port, true, 0, 0);
		if (c < 0)
			return -1;
		while (netstat_read("TcpExt", "ListenOverflows") == before)
			if (now_ms() > deadline)
				return -1;
		close(c);
	}
	return 0;
}

/* The time of the last "YYYY-MM-DDTHH:MM:SS.mmmZ" line of text, in ms. */
static long long last_time_ms(const char *text)
{
	const char *p = text, *last = NULL;
	struct tm tm;
	int ms;

	while ((p = strstr(p, "Z\n"))) {
		last = p;
		p++;
	}
	if (!last || last - text < 23)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (!strptime(last - 23, "%Y-%m-%dT%H:%M:%S", &tm) ||
	    sscanf(last - 3, "%3d", &ms) != 1)
		return -1;
	return (long long)timegm(&tm) * 1000 + ms;
}

static long long realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read from fd into out (len so far) until it holds n occurrences of s. */
static size_t read_until(int fd, char *out, size_t len, size_t size,
			 const char *s, int n)
{
	ssize_t r;
	int seen;

	for (;;) {
		const char *p = out;

		for (seen = 0; (p = strstr(p, s)); p++)
			seen++;
		if (seen >= n || len >= size - 1)
			return len;
		r = read(fd, out + len, size - 1 - len);
		if (r <= 0)
			return len;
		len += r;
		out[len] = '\0';
	}
}

/*
 * Two readings of `tcpstat --ports --interval`, the reader stopped
 * (SIGSTOP, and seen stopped) in between while the test drives known
 * activity, then let go: the second reading, begun after the stop, shows
 * exactly that activity in its deltas.  A window disturbed (a reading
 * already under way at the stop, a SYN retransmitted) is taken again.
 */
/* The kernel's counters the rates come from, in the reader's order. */
static const char *const counter_names[][3] = {
	{ "Tcp", "ActiveOpens", "active_opens" },
	{ "Tcp", "PassiveOpens", "passive_opens" },
	{ "Tcp", "AttemptFails", "attempt_fails" },
	{ "Tcp", "EstabResets", "estab_resets" },
	{ "TcpExt", "ListenOverflows", "listen_overflows" },
	{ "TcpExt", "ListenDrops", "listen_drops" },
	{ "TcpExt", "TCPReqQFullDrop", "reqq_full_drops" },
	{ "Tcp", "RetransSegs", "retrans_segs" },
};

#define NCOUNTERS ARRAY_SIZE(counter_names)

static void read_counters(long long *k)
{
	unsigned int i;

	for (i = 0; i < NCOUNTERS; i++)
		k[i] = netstat_read(counter_names[i][0], counter_names[i][1]);
}

/*
 * Two readings of `ktcpstat --ports --interval`, the reader stopped
 * (SIGSTOP, and seen stopped) in between while the test drives known
 * activity, then let go: the second reading shows exactly the activity of
 * that window, every delta equal to the kernel's own counters read around
 * it.  A window disturbed (the second reading begun before the stop, or a
 * counter moving after the activity, e.g. a SYN retransmitted) is taken
 * again, as many times as needed until the watchdog.
 */
TEST_F_TIMEOUT(ports, rates, 900)
{
	const struct drive d = { .conns = 7, .fails = 3, .resets = 2,
				 .overflows = 4 };
	long long k0[NCOUNTERS], k1[NCOUNTERS], k2[NCOUNTERS], stopped = 0;
	long deadline = now_ms() + WATCHDOG_MS;
	int status, pipefd[2], full_port = 0;
	unsigned int i;
	char out[65536];
	bool clean = false;
	size_t len;
	pid_t pid;

	if (access(reader(), X_OK))
		SKIP(return, "no ktcpstat reader: build tools/ or set TCPSTAT_BIN");
	while (!clean) {
		ASSERT_GT(deadline, now_ms()) TH_LOG("no undisturbed window");
		ASSERT_EQ(0, pipe(pipefd));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			die_with_parent();
			dup2(pipefd[1], 1);
			close(pipefd[0]);
			execl(reader(), reader(), "--ports", "--format", "text",
			      "--interval", "2", "--count", "2", NULL);
			_exit(127);
		}
		close(pipefd[1]);
		out[0] = '\0';
		len = read_until(pipefd[0], out, 0, sizeof(out), "PORT", 1);
		kill(pid, SIGSTOP);
		ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
		ASSERT_TRUE(WIFSTOPPED(status));
		stopped = realtime_ms();
		read_counters(k0);
		ASSERT_EQ(0, drive(&d, &full_port));
		read_counters(k1);
		kill(pid, SIGCONT);
		len = read_until(pipefd[0], out, len, sizeof(out), "PORT", 2);
		read_until(pipefd[0], out, len, sizeof(out), "\n  retrans_segs", 1);
		close(pipefd[0]);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		read_counters(k2);
		clean = last_time_ms(out) >= stopped && !memcmp(k1, k2, sizeof(k1));
		if (!clean)
			TH_LOG("disturbed (read at %lld, stopped at %lld, counters %s): again",
			       last_time_ms(out), stopped,
			       memcmp(k1, k2, sizeof(k1)) ? "moved after" : "still");
	}
	TH_LOG("%s", strstr(out, "rates over") ? strstr(out, "rates over") : "(no rates)");
	/* Every delta is the kernel's own, over the window. */
	for (i = 0; i < NCOUNTERS; i++) {
		const char *name = counter_names[i][2];

		EXPECT_EQ(k1[i] - k0[i], rate_delta(out, name))
			TH_LOG("%s", name ? name : "?");
	}
	/* And the activity driven, whatever TCP retransmitted meanwhile. */
	EXPECT_EQ(d.conns + d.fails + 1 + d.overflows,
		  rate_delta(out, "active_opens"));
	/* The connections, and the one filling the full listener's queue. */
	EXPECT_EQ(d.conns + 1, rate_delta(out, "passive_opens"));
	EXPECT_EQ(d.fails, rate_delta(out, "attempt_fails"));
	/* A reset closes two ESTABLISHED ends: the one resetting, the peer. */
	EXPECT_EQ(2 * d.resets, rate_delta(out, "estab_resets"));
	/* Each SYN to the full queue overflows it, a retransmitted one again. */
	EXPECT_EQ(d.overflows + k1[7] - k0[7], rate_delta(out, "listen_overflows"));
	EXPECT_EQ(d.overflows + k1[7] - k0[7], rate_delta(out, "listen_drops"));
	EXPECT_EQ(0, rate_delta(out, "reqq_full_drops"));
}

/*
 * The drops column: the listener's own count of the SYNs it dropped, in
 * this fresh namespace exactly the kernel's ListenDrops; and exactly the
 * overflows driven, plus each SYN retransmitted meanwhile (every
 * retransmission meets the full queue again: RetransSegs counts them).
 */
TEST_F(ports, drops)
{
	const struct drive d = { .conns = 1, .overflows = 3 };
	long long retrans0, retrans1;
	int full_port = 0;
	struct table t;

	retrans0 = netstat_read("Tcp", "RetransSegs");
	ASSERT_EQ(0, drive(&d, &full_port));
	ASSERT_EQ(0, table_read(PROC_NET_PORTS, &t));
	retrans1 = netstat_read("Tcp", "RetransSegs");
	ASSERT_EQ(1, t.nrows);
	EXPECT_EQ(full_port, table_num(&t, 0, TCPSTAT_COL_PORT));
	EXPECT_EQ(netstat_read("TcpExt", "ListenDrops"),
		  table_num(&t, 0, TCPSTAT_COL_DROPS));
	EXPECT_EQ(d.overflows + retrans1 - retrans0,
		  table_num(&t, 0, TCPSTAT_COL_DROPS));
	table_free(&t);
}

TEST_HARNESS_MAIN
