// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tcpstat_util.h"

/* ss's names for the same states (misc/ss.c sstate_name[]). */
static const char *const ss_names[TCPSTAT_NR_STATES] = {
	[TCPSTAT_ESTABLISHED] = "ESTAB", [TCPSTAT_SYN_SENT] = "SYN-SENT",
	[TCPSTAT_SYN_RECV] = "SYN-RECV", [TCPSTAT_FIN_WAIT1] = "FIN-WAIT-1",
	[TCPSTAT_FIN_WAIT2] = "FIN-WAIT-2", [TCPSTAT_TIME_WAIT] = "TIME-WAIT",
	[TCPSTAT_CLOSE] = "UNCONN", [TCPSTAT_CLOSE_WAIT] = "CLOSE-WAIT",
	[TCPSTAT_LAST_ACK] = "LAST-ACK", [TCPSTAT_LISTEN] = "LISTEN",
	[TCPSTAT_CLOSING] = "CLOSING",
};

static int ss_state(const char *name)
{
	unsigned int state;

	for (state = TCPSTAT_STATE_FIRST; state <= TCPSTAT_STATE_LAST; state++)
		if (!strcmp(name, ss_names[state]))
			return state;
	return -1;
}

long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * The module prints exactly TCPSTAT_SEED_FMT for each state in kernel order;
 * accept nothing else, so a format regression fails the tests too: each
 * line must be what that format prints for the number it holds.
 */
int counts_parse(const char *text, struct counts *c)
{
	const char *p = text;
	unsigned int state;

	memset(c, 0, sizeof(*c));
	for (state = TCPSTAT_STATE_FIRST; state <= TCPSTAT_STATE_LAST; state++) {
		const char *colon = strchr(p, ':'), *nl = strchr(p, '\n');
		char want[64];
		unsigned long v;
		char *end;

		if (!colon || !nl || colon > nl || colon[1] != ' ' ||
		    colon[2] < '0' || colon[2] > '9')
			return -EPROTO;
		errno = 0;
		v = strtoul(colon + 2, &end, 10);
		if (errno || end != nl || v > UINT_MAX)
			return -EPROTO;
		snprintf(want, sizeof(want), TCPSTAT_SEED_FMT,
			 tcpstat_state_name(state), (unsigned int)v);
		if (strncmp(p, want, (size_t)(nl + 1 - p)) ||
		    strlen(want) != (size_t)(nl + 1 - p))
			return -EPROTO;
		c->n[state] = v;
		p = nl + 1;
	}
	return *p ? -EPROTO : 0;
}

int counts_read(const char *path, struct counts *c)
{
	char buf[1024];
	size_t len = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += r;
	if (r < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	close(fd);
	buf[len] = '\0';
	return counts_parse(buf, c);
}

int counts_ss_args(const char *args, struct counts *c)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "ss -tanH %s", args);
	return counts_cmd(cmd, c);
}

int counts_cmd(const char *command, struct counts *c)
{
	char line[512], cmd[600];
	int state;
	FILE *f;

	memset(c, 0, sizeof(*c));
	snprintf(cmd, sizeof(cmd), "%s 2>&1", command);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char name[32];

		if (sscanf(line, "%31s", name) != 1)
			continue;
		state = ss_state(name);
		if (state < 0) {
			fprintf(stderr, "ss: unexpected line: %s", line);
			pclose(f);
			return -1;
		}
		c->n[state]++;
	}
	return pclose(f) == 0 ? 0 : -1;
}

int counts_ss(struct counts *c)
{
	return counts_ss_args("", c);
}

int ss_ports(struct ss_port *p, int max)
{
	struct ss_port *all = calloc(65536, sizeof(*all));
	char line[512], name[32], local[128], *colon;
	int n = 0, port, state, ok = 1;
	long rq, sq;
	FILE *f;

	if (!all)
		return -1;
	f = popen("ss -tanH 2>&1", "r");
	if (!f) {
		free(all);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		state = -1;
		colon = NULL;
		if (sscanf(line, "%31s %ld %ld %127s", name, &rq, &sq,
			   local) == 4) {
			state = ss_state(name);
			colon = strrchr(local, ':');
		}
		if (state < 0 || !colon) {
			fprintf(stderr, "ss: unexpected line: %s", line);
			ok = 0;
			continue;
		}
		port = atoi(colon + 1) & 0xffff;
		all[port].c.n[state]++;
		if (state == TCPSTAT_LISTEN) {
			all[port].listeners++;
			all[port].recvq += rq;
			all[port].sendq += sq;
		}
	}
	if (pclose(f))
		ok = 0;
	for (port = 0; ok && port < 65536; port++) {
		if (!all[port].listeners)
			continue;
		if (n == max) {
			ok = 0;
			break;
		}
		p[n] = all[port];
		p[n++].port = port;
	}
	free(all);
	return ok ? n : -1;
}

int ss_listening_ports(int *ports, int max)
{
	struct ss_port *p = calloc(max, sizeof(*p));
	int n, i;

	if (!p)
		return -1;
	n = ss_ports(p, max);
	for (i = 0; i < n; i++)
		ports[i] = p[i].port;
	free(p);
	return n;
}

bool counts_equal(const struct counts *a, const struct counts *b)
{
	return !memcmp(a, b, sizeof(*a));
}

void counts_add(struct counts *dst, const struct counts *src)
{
	int i;

	for (i = 0; i < TCPSTAT_NR_STATES; i++)
		dst->n[i] += src->n[i];
}

const char *counts_str(const struct counts *c)
{
	static char buf[512];
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = TCPSTAT_STATE_FIRST; i <= TCPSTAT_STATE_LAST; i++)
		if (c->n[i] && len < sizeof(buf))
			len += snprintf(buf + len, sizeof(buf) - len, "%s%s=%lu",
					len ? " " : "", tcpstat_state_name(i), c->n[i]);
	return len ? buf : "(none)";
}

int counts_wait(const char *path, const struct counts *want,
		struct counts *seen)
{
	long deadline = now_ms() + WATCHDOG_MS;

	for (;;) {
		if (!counts_read(path, seen) && counts_equal(seen, want))
			return 0;
		if (now_ms() > deadline)
			return -1;
		sleep_ms(20);
	}
}

long sockstat_tw(void)
{
	char line[256];
	long tw = -1;
	FILE *f;

	f = fopen("/proc/net/sockstat", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, " tw ");

		if (!strncmp(line, "TCP:", 4) && p)
			tw = strtol(p + 4, NULL, 10);
	}
	fclose(f);
	return tw;
}

long sockstat_tw_wait(long want)
{
	long deadline = now_ms() + WATCHDOG_MS, tw;

	while ((tw = sockstat_tw()) != want && now_ms() <= deadline)
		sleep_ms(20);
	return tw;
}

/* The separators of /proc/net/snmp's fields. */
#define SEPS	"\n "

long long netstat_read(const char *prefix, const char *name)
{
	static const char *const files[] = {
		"/proc/net/snmp", "/proc/net/netstat",
	};
	char names[4096], values[4096];
	long long v = -1;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files) && v < 0; i++) {
		FILE *f = fopen(files[i], "re");

		if (!f)
			continue;
		while (v < 0 && fgets(names, sizeof(names), f) &&
		       fgets(values, sizeof(values), f)) {
			char *n, *val, *ns = NULL, *vs = NULL;
			size_t plen = strlen(prefix);

			if (strncmp(names, prefix, plen) || names[plen] != ':')
				continue;
			n = strtok_r(names + plen + 1, SEPS, &ns);
			val = strtok_r(values + plen + 1, SEPS, &vs);
			for (; n && val; n = strtok_r(NULL, SEPS, &ns),
			     val = strtok_r(NULL, SEPS, &vs))
				if (!strcmp(n, name))
					v = atoll(val);
		}
		fclose(f);
	}
	return v;
}

/* Split s at sep; the number of fields, or -1 if more than max. */
static int split(char *s, char sep, char **f, int max)
{
	int n = 0;

	for (;;) {
		if (n == max)
			return -1;
		f[n++] = s;
		s = strchr(s, sep);
		if (!s)
			return n;
		*s++ = '\0';
	}
}

int table_parse(char *text, struct table *t)
{
	char *line, *next;
	int rows = 0;

	memset(t, 0, sizeof(*t));
	t->text = text;
	for (line = text; *line; line = strchr(line, '\n') + 1) {
		if (!strchr(line, '\n'))
			return -EPROTO;
		rows++;
	}
	if (!rows)
		return -EPROTO;
	t->cells = calloc((size_t)rows * TABLE_COLS, sizeof(*t->cells));
	if (!t->cells)
		return -ENOMEM;
	next = strchr(text, '\n');
	*next++ = '\0';
	t->ncols = split(text, TCPSTAT_TABLE_SEP, t->cols, TABLE_COLS);
	if (t->ncols < 0)
		return -EPROTO;
	for (line = next; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		if (split(line, TCPSTAT_TABLE_SEP, t->cells + t->nrows * t->ncols,
			  t->ncols) != t->ncols || strchr(line, '\0')[-1] == ' ')
			return -EPROTO;
		t->nrows++;
	}
	return 0;
}

int table_read(const char *path, struct table *t)
{
	char *text = malloc(TABLE_MAX + 1);
	size_t len = 0;
	ssize_t r;
	int fd, err;

	memset(t, 0, sizeof(*t));
	if (!text)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(text);
		return err;
	}
	while ((r = read(fd, text + len, TABLE_MAX - len)) > 0)
		len += r;
	err = r < 0 ? -errno : 0;
	close(fd);
	text[len] = '\0';
	if (!err)
		err = table_parse(text, t);	/* t owns text from here */
	else
		free(text);
	if (err)
		table_free(t);
	return err;
}

void table_free(struct table *t)
{
	free(t->text);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

int table_col(const struct table *t, const char *name)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i], name))
			return i;
	return -1;
}

const char *table_cell(const struct table *t, int row, const char *name)
{
	int c = table_col(t, name);

	return c < 0 || row < 0 || row >= t->nrows ? NULL :
	       t->cells[row * t->ncols + c];
}

long long table_num(const struct table *t, int row, const char *name)
{
	const char *cell = table_cell(t, row, name);

	return cell ? atoll(cell) : -1;
}

void table_counts(const struct table *t, int row, struct counts *c)
{
	unsigned int st;

	memset(c, 0, sizeof(*c));
	for (st = TCPSTAT_STATE_FIRST; st <= TCPSTAT_STATE_LAST; st++)
		c->n[st] = (unsigned long)table_num(t, row, tcpstat_state_name(st));
}

int netns_fresh(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, err = 0;

	if (unshare(CLONE_NEWNET))
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			err = -errno;
	} else {
		err = -errno;
	}
	close(fd);
	return err;
}

int netns_deterministic(const char **what)
{
	static const char *const knobs[][2] = {
		{ "net.ipv4.tcp_syncookies", "0" },
		{ "net.ipv4.tcp_tw_reuse", "0" },
		{ "net.ipv4.tcp_max_tw_buckets", "1000000" },
	};
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		err = sysctl_write(knobs[i][0], knobs[i][1]);
		/* Without CONFIG_SYN_COOKIES there are no syncookies at all. */
		if (err && !(err == -ENOENT && i == 0)) {
			*what = knobs[i][0];
			return err;
		}
	}
	return 0;
}

static void sysctl_path(const char *name, char *path, size_t len)
{
	char *p;

	snprintf(path, len, "/proc/sys/%s", name);
	for (p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
}

int sysctl_write(const char *name, const char *value)
{
	char path[256];
	int fd, err = 0;

	sysctl_path(name, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		err = -errno;
	close(fd);
	return err;
}

int sysctl_read_long(const char *name, long *value)
{
	char path[256];
	FILE *f;
	int ok;

	sysctl_path(name, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ok = fscanf(f, "%ld", value) == 1;
	fclose(f);
	return ok ? 0 : -EPROTO;
}

int nofile_raise(rlim_t n)
{
	struct rlimit rl = { n, n };
	char v[32];

	snprintf(v, sizeof(v), "%lu", (unsigned long)n + 1024);
	sysctl_write("fs.nr_open", v);
	return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
}

void die_with_parent(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

bool module_loaded(void)
{
	return access(PROC_TCPSTAT, R_OK) == 0;
}

/* --- sockets ---------------------------------------------------------- */

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
	int lfd, port, c, s;

	lfd = listener_counted(f, 128, 0, &port, expect);
	if (lfd < 0)
		return -1;
	while (n--) {
		if (tcp_pair(f, lfd, port, 0, 0, &c, &s))
			return -1;
		if (half_close(c))
			return -1;
		close(c);
		if (wait_state(s, TCPSTAT_CLOSE_WAIT))
			return fail("peer to CLOSE_WAIT");
		if (server_closes) {
			close(s);
			expect->n[TCPSTAT_TIME_WAIT]++;
		} else {
			expect->n[TCPSTAT_FIN_WAIT2]++;
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
