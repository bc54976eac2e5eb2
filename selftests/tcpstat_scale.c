// SPDX-License-Identifier: GPL-2.0
/*
 * Scale: TCPSTAT_SCALE_SOCKETS (default 100000) sockets, ESTABLISHED pairs
 * plus a tenth in TIME_WAIT, half IPv4 and half IPv6, created by two
 * processes: /proc/tcpstat and /proc/net/tcpstat equal the exact numbers
 * and equal ss -tan.  Timings are logged for information, never asserted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcpstat_check.h"

#define LISTEN_PORTS	4
#define BATCH		256

struct plan {
	const struct fam *fam;
	int pairs;	/* left ESTABLISHED */
	int tw;		/* closed into TIME_WAIT, created last */
};

/* Start a batch of connections; fds[] gets client, -, client, -, ... */
static int connect_batch(const struct plan *p, const int *port, int n, int *fds)
{
	int i;

	for (i = 0; i < n; i++) {
		fds[2 * i] = tcp_connect(p->fam, NULL, port[i % LISTEN_PORTS],
					 true, 0, 0);
		if (fds[2 * i] < 0)
			return -1;
	}
	return 0;
}

static int create_share(const struct plan *p, const int *lfd, const int *port)
{
	static int fds[2 * BATCH];
	int left = p->pairs, tw = p->tw, i, n;

	while (left > 0 || tw > 0) {
		bool closing = left <= 0;

		n = closing ? (tw < BATCH ? tw : BATCH) :
			      (left < BATCH ? left : BATCH);
		if (connect_batch(p, port, n, fds))
			return -1;
		for (i = 0; i < n; i++) {
			fds[2 * i + 1] = tcp_accept(lfd[i % LISTEN_PORTS]);
			if (fds[2 * i + 1] < 0)
				return -1;
		}
		if (!closing) {
			left -= n;
			continue;
		}
		/* Client closes first, server after the FIN: one TIME_WAIT. */
		for (i = 0; i < n; i++)
			close(fds[2 * i]);
		for (i = 0; i < n; i++) {
			char c;

			if (read(fds[2 * i + 1], &c, 1) != 0)
				return -1;
			close(fds[2 * i + 1]);
		}
		tw -= n;
	}
	return 0;
}

/*
 * Wait until /proc/tcpstat shows *expect less the TIME_WAIT sockets that
 * have expired meanwhile; returns how many had expired.  The kernel's own
 * count of live timewait sockets (sockstat) read equal before and after a
 * read of /proc/tcpstat says how many TIME_WAIT that read must show.
 */
static long counts_exact(struct __test_metadata *_metadata,
			 const struct counts *expect, struct counts *seen)
{
	long deadline = now_ms() + WATCHDOG_MS, before, after;
	struct counts want;

	for (;;) {
		before = sockstat_tw();
		ASSERT_EQ(0, counts_read(PROC_TCPSTAT, seen));
		after = sockstat_tw();
		ASSERT_LE(0, before);
		ASSERT_GE((long)expect->n[TCPSTAT_TIME_WAIT], before);
		want = *expect;
		want.n[TCPSTAT_TIME_WAIT] = before;
		if (before == after && counts_equal(&want, seen))
			return expect->n[TCPSTAT_TIME_WAIT] - before;
		if (now_ms() > deadline) {
			TH_LOG("want %s (%ld expired)", counts_str(&want),
			       (long)expect->n[TCPSTAT_TIME_WAIT] - before);
			TH_LOG("seen %s", counts_str(seen));
			ASSERT_TRUE(counts_equal(&want, seen));
		}
		usleep(20000);
	}
}

FIXTURE(scale) {
	long total;
};

FIXTURE_SETUP(scale)
{
	const char *why = enter_test_netns();
	const char *env = getenv("TCPSTAT_SCALE_SOCKETS");

	if (why)
		SKIP(return, "%s", why);
	self->total = env ? atol(env) : 100000;
	ASSERT_LT(0, self->total);
	ASSERT_EQ(0, nofile_raise(self->total + 4096))
		TH_LOG("cannot raise RLIMIT_NOFILE to %ld", self->total + 4096);
	ASSERT_EQ(0, sysctl_write("net.ipv4.ip_local_port_range", "1024 65535"));
	ASSERT_EQ(0, sysctl_write("net.ipv4.tcp_max_tw_buckets", "2000000"));
	ASSERT_EQ(0, sysctl_write("net.core.somaxconn", "65535"));
}

FIXTURE_TEARDOWN(scale)
{
}

TEST_F_TIMEOUT(scale, sockets, 1800)
{
	const struct fam *fams[2] = { &fam_ipv4, &fam_ipv6 };
	int lfd[2][LISTEN_PORTS], port[2][LISTEN_PORTS];
	struct counts expect = {}, seen;
	long tw = self->total / 10, pairs = (self->total - tw) / 2;
	pid_t pid[2];
	long t0, t1, expired;
	int f, i, status, ready[2];

	for (f = 0; f < 2; f++)
		for (i = 0; i < LISTEN_PORTS; i++) {
			lfd[f][i] = tcp_listener(fams[f], NULL, 4096, 0, &port[f][i]);
			ASSERT_LE(0, lfd[f][i]);
			expect.n[TCPSTAT_LISTEN]++;
		}
	expect.n[TCPSTAT_ESTABLISHED] = 2 * pairs;
	expect.n[TCPSTAT_TIME_WAIT] = tw;

	/* One creator per family (two vCPUs); each holds its sockets. */
	ASSERT_EQ(0, pipe(ready));
	t0 = now_ms();
	for (f = 0; f < 2; f++) {
		struct plan p = {
			.fam = fams[f],
			.pairs = f ? pairs / 2 : pairs - pairs / 2,
			.tw = f ? tw / 2 : tw - tw / 2,
		};

		pid[f] = fork();
		ASSERT_LE(0, pid[f]);
		if (pid[f] == 0) {
			die_with_parent();
			char ok = create_share(&p, lfd[f], port[f]) ? 'E' : 'R';

			if (ok == 'E')
				perror("creating sockets");
			if (write(ready[1], &ok, 1) != 1 || ok == 'E')
				_exit(1);
			pause();
			_exit(0);
		}
	}
	for (f = 0; f < 2; f++) {
		char ok;

		ASSERT_EQ(1, read(ready[0], &ok, 1));
		ASSERT_EQ('R', ok);
	}
	t1 = now_ms();
	TH_LOG("created %ld sockets in %.1f s", self->total, (t1 - t0) / 1e3);

	/*
	 * On a slow machine (a debug kernel under emulation) the first
	 * TIME_WAIT sockets may expire (60 s) before the check: the
	 * namespace's sockstat says how many are left, and a read
	 * bracketed by two equal values of it is exact.
	 */
	expired = counts_exact(_metadata, &expect, &seen);
	TH_LOG("%ld timewait sockets expired before the check", expired);
	t0 = now_ms();
	ASSERT_EQ(0, counts_read(PROC_NET_TCPSTAT, &seen));
	TH_LOG("one read of /proc/net/tcpstat: %ld ms", now_ms() - t0);

	/* ss against the module, around an ss run nothing changed across. */
	for (i = 0; i < 20; i++) {
		struct counts before, after;

		ASSERT_EQ(0, counts_read(PROC_TCPSTAT, &before));
		t0 = now_ms();
		ASSERT_EQ(0, counts_ss(&seen));
		t1 = now_ms();
		ASSERT_EQ(0, counts_read(PROC_TCPSTAT, &after));
		if (counts_equal(&before, &after)) {
			ASSERT_TRUE(counts_equal(&before, &seen)) {
				TH_LOG("module: %s", counts_str(&before));
				TH_LOG("ss:     %s", counts_str(&seen));
			}
			break;
		}
	}
	ASSERT_GT(20, i) TH_LOG("counts never stood still around an ss run");
	TH_LOG("one ss -tan count: %ld ms", t1 - t0);

	for (f = 0; f < 2; f++) {
		kill(pid[f], SIGKILL);
		ASSERT_EQ(pid[f], waitpid(pid[f], &status, 0));
	}
}

TEST_HARNESS_MAIN
