// SPDX-License-Identifier: GPL-2.0
/*
 * sockets: hold a population of TCP sockets for the benchmark, on IPv4
 * loopback: ESTABLISHED pairs plus a share of TIME_WAIT, created fast
 * (no bind() before connect(), 4 listener ports x 8 127.0.0.x destinations,
 * non-blocking connects in batches).  Commands on stdin, one per line:
 *
 *   grow N     reach N sockets (not counting listeners): N/20 TIME_WAIT,
 *              the rest ESTABLISHED; answers "ok SECONDS" (creation time)
 *   refresh    recreate the TIME_WAIT sockets that expired (they live 60 s);
 *              answers "ok CREATED"
 *
 * The caller raises fs.nr_open, fs.file-max, net.core.somaxconn,
 * net.ipv4.ip_local_port_range and net.ipv4.tcp_max_tw_buckets, and sets
 * net.ipv4.tcp_tw_reuse=0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PORTS	4
#define DESTS	8
#define BATCH	512

static int lfd[PORTS], port[PORTS];
static unsigned long pairs, tw_target, rr;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "sockets: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void listeners(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int i, one = 1;

	for (i = 0; i < PORTS; i++) {
		lfd[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (lfd[i] < 0)
			die("socket");
		setsockopt(lfd[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		sin.sin_port = 0;
		sin.sin_addr.s_addr = htonl(INADDR_ANY);
		if (bind(lfd[i], (struct sockaddr *)&sin, sizeof(sin)) ||
		    listen(lfd[i], 65535) ||
		    getsockname(lfd[i], (struct sockaddr *)&sin, &len))
			die("listen");
		port[i] = ntohs(sin.sin_port);
	}
}

/* n new connections; fds[2i] the client, fds[2i+1] the server side. */
static void connect_batch(int n, int *fds)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int i;

	for (i = 0; i < n; i++, rr++) {
		int p = rr % PORTS;

		fds[2 * i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fds[2 * i] < 0)
			die("socket");
		sin.sin_port = htons(port[p]);
		sin.sin_addr.s_addr = htonl(0x7f000001 + (rr / PORTS) % DESTS);
		if (connect(fds[2 * i], (struct sockaddr *)&sin, sizeof(sin)) &&
		    errno != EINPROGRESS)
			die("connect");
	}
	for (i = 0; i < n; i++) {
		/* The i-th connection of the batch went to this listener. */
		struct pollfd pfd = { .fd = lfd[(rr - n + i) % PORTS],
				      .events = POLLIN };

		if (poll(&pfd, 1, 10000) != 1)
			die("accept: no connection");
		fds[2 * i + 1] = accept(pfd.fd, NULL, NULL);
		if (fds[2 * i + 1] < 0)
			die("accept");
	}
}

static void make_pairs(unsigned long n)
{
	static int fds[2 * BATCH];

	while (n) {
		int b = n < BATCH ? n : BATCH;

		connect_batch(b, fds);
		pairs += b;
		n -= b;
	}
}

/* Client closes first, server once the FIN arrived: one TIME_WAIT each. */
static void make_time_wait(unsigned long n)
{
	static int fds[2 * BATCH];
	char c;
	int i;

	while (n) {
		int b = n < BATCH ? n : BATCH;

		connect_batch(b, fds);
		for (i = 0; i < b; i++)
			close(fds[2 * i]);
		for (i = 0; i < b; i++) {
			fcntl(fds[2 * i + 1], F_SETFL, 0);
			if (read(fds[2 * i + 1], &c, 1) != 0)
				die("waiting for FIN");
			close(fds[2 * i + 1]);
		}
		n -= b;
	}
}

static unsigned long tw_now(void)
{
	char line[256];
	unsigned long tw = 0;
	FILE *f = fopen("/proc/net/sockstat", "r");
	char *p;

	if (!f)
		die("/proc/net/sockstat");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "TCP:", 4) && (p = strstr(line, " tw ")))
			tw = strtoul(p + 4, NULL, 10);
	fclose(f);
	return tw;
}

int main(void)
{
	struct rlimit rl = { 4000000, 4000000 };
	char cmd[64];

	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("RLIMIT_NOFILE (raise fs.nr_open)");
	listeners();
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(cmd, sizeof(cmd), stdin)) {
		unsigned long n, tw, want;
		double t0 = now();

		if (sscanf(cmd, "grow %lu", &n) == 1) {
			tw_target = n / 20;
			want = (n - tw_target) / 2;
			if (want > pairs)
				make_pairs(want - pairs);
			tw = tw_now();
			if (tw_target > tw)
				make_time_wait(tw_target - tw);
			printf("ok %.3f\n", now() - t0);
		} else if (!strncmp(cmd, "refresh", 7)) {
			tw = tw_now();
			n = tw_target > tw ? tw_target - tw : 0;
			make_time_wait(n);
			printf("ok %lu\n", n);
		} else {
			fprintf(stderr, "sockets: unknown command %s", cmd);
			return 2;
		}
	}
	return 0;
}
