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
 *
 * sockets --netns K N: N sockets, ESTABLISHED pairs only, spread evenly
 * over K new network namespaces: one holder process per namespace
 * unshare()s it, brings lo up, and makes its share of pairs the same way
 * (as many holders at a time as there are CPUs).  Once all are ready,
 * answers "ok SECONDS PID..." (creation time, the holders' pids), then
 * holds them until stdin closes, kills them and waits for them.  Every
 * socket lingers 0 s, so that closing sends a reset and leaves no
 * TIME_WAIT or orphan behind in the shared established hash: the next
 * population is measured alone.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PORTS	4
#define DESTS	8
#define BATCH	512

static int lfd[PORTS], port[PORTS];
static unsigned long pairs, tw_target, rr;
static int linger0;	/* --netns: every socket closes with a reset */
static const struct linger no_linger = { .l_onoff = 1, .l_linger = 0 };

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
		/* Accepted sockets inherit it from their listener. */
		if (linger0 && setsockopt(lfd[i], SOL_SOCKET, SO_LINGER,
					  &no_linger, sizeof(no_linger)))
			die("SO_LINGER");
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
		if (linger0 && setsockopt(fds[2 * i], SOL_SOCKET, SO_LINGER,
					  &no_linger, sizeof(no_linger)))
			die("SO_LINGER");
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

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(s, f) < 0 || fclose(f))
		die(path);
}

/* A new namespace starts with lo down. */
static void lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
		die("lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		die("lo up");
	close(fd);
}

/*
 * One namespace's holder: waits for a token (one per CPU, so that the
 * holders do not all compete for the CPUs at once), makes its namespace and
 * its pairs, gives the token back, says it is ready and holds its sockets
 * until killed.  Dies with the parent.
 */
static void holder(unsigned long n, int token[2], int ready, pid_t parent)
{
	int null = open("/dev/null", O_RDWR);
	char c;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		exit(1);
	/* Not the caller's pipes: its reads must end when the parent ends. */
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(null, STDOUT_FILENO) < 0)
		die("/dev/null");
	close(null);
	if (read(token[0], &c, 1) != 1)
		die("token");
	if (unshare(CLONE_NEWNET))
		die("unshare(CLONE_NEWNET)");
	lo_up();
	/* /proc/sys/net is the namespace's own: the range the scales have. */
	write_file("/proc/sys/net/ipv4/ip_local_port_range", "1024 65535");
	linger0 = 1;
	listeners();
	make_pairs(n);
	if (write(token[1], &c, 1) != 1 || write(ready, "r", 1) != 1)
		die("ready");
	for (;;)
		pause();
}

static void kill_all(pid_t *pid, unsigned long k)
{
	unsigned long i;

	for (i = 0; i < k; i++)
		if (pid[i] > 0)
			kill(pid[i], SIGKILL);
	for (i = 0; i < k; i++)
		if (pid[i] > 0)
			waitpid(pid[i], NULL, 0);
}

static int netns(unsigned long k, unsigned long n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long i, got = 0, per = n / k / 2;
	int token[2], ready[2];
	pid_t *pid, self = getpid();
	char buf[256];
	double t0 = now();

	pid = calloc(k, sizeof(*pid));
	if (!pid || pipe(token) || pipe(ready))
		die("pipe");
	for (i = 0; i < (unsigned long)(cpus > 0 ? cpus : 1); i++)
		if (write(token[1], "t", 1) != 1)
			die("token");
	for (i = 0; i < k; i++) {
		pid[i] = fork();
		if (pid[i] < 0) {
			kill_all(pid, i);
			die("fork");
		}
		if (pid[i] == 0) {
			close(ready[0]);
			holder(per, token, ready[1], self);
		}
	}
	close(ready[1]);
	/* Every holder ready, or one died: then all go. */
	while (got < k) {
		struct pollfd pfd = { .fd = ready[0], .events = POLLIN };
		pid_t dead;
		ssize_t r;

		if (poll(&pfd, 1, 1000) > 0) {
			r = read(ready[0], buf, sizeof(buf));
			if (r <= 0)
				break;
			got += r;
		}
		dead = waitpid(-1, NULL, WNOHANG);
		if (dead > 0) {
			for (i = 0; i < k; i++)
				if (pid[i] == dead)
					pid[i] = 0;
			break;
		}
	}
	if (got < k) {
		kill_all(pid, k);
		fprintf(stderr, "sockets: a namespace holder failed\n");
		return 1;
	}
	printf("ok %.3f", now() - t0);
	for (i = 0; i < k; i++)
		printf(" %d", (int)pid[i]);
	printf("\n");
	fflush(stdout);
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	kill_all(pid, k);
	return 0;
}

int main(int argc, char **argv)
{
	struct rlimit rl = { 4000000, 4000000 };
	char cmd[64];

	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("RLIMIT_NOFILE (raise fs.nr_open)");
	if (argc == 4 && !strcmp(argv[1], "--netns") &&
	    strtoul(argv[2], NULL, 10) > 0)
		return netns(strtoul(argv[2], NULL, 10),
			     strtoul(argv[3], NULL, 10));
	if (argc != 1) {
		fprintf(stderr, "usage: sockets [--netns K N]\n");
		return 2;
	}
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
