// SPDX-License-Identifier: GPL-2.0
/*
 * tcpstat_hold: a helper of the shell tests.  In a fresh network namespace,
 * hold every reachable TCP state over IPv4, IPv6 and IPv4-mapped IPv6 (two
 * of each), plus a full accept queue; print "ready PID" and the counts
 * made, then hold them until stdin is closed.  With --stable, only the
 * states no timer moves (LISTEN, ESTABLISHED, FIN_WAIT2 and CLOSE_WAIT of
 * sockets still open), for tests whose counts must hold however long they
 * take.
 *
 * With --here, the --stable population is made in the namespace the
 * holder is started in (a container's, or one a test made with unshare),
 * no sysctl is written (a container's /proc/sys is read-only; no stable
 * state depends on them), and it is held until SIGTERM, SIGINT or SIGHUP:
 * a container's stdin is closed or never closes, and a container's PID 1
 * ignores signals it does not handle.  Built static too
 * (tcpstat_hold.static), to run in a container image holding nothing else.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tcpstat_util.h"

static int make_stable_states(const struct fam *f, int n,
			      struct counts *expect)
{
	return make_listeners(f, n, expect) ||
	       make_established(f, n, expect) ||
	       make_fin_wait2(f, n, expect) ||
	       make_close_wait(f, n, expect) ? -1 : 0;
}

/* The namespace to fill: a fresh one, or (here) the current one. */
static int setup(bool here)
{
	const char *what;
	int err;

	if (here) {
		err = netns_lo_up();
		if (err)
			fprintf(stderr, "tcpstat_hold: cannot bring lo up: %s\n",
				strerror(-err));
		return err;
	}
	if (netns_fresh() || netns_deterministic(&what)) {
		fprintf(stderr, "tcpstat_hold: cannot set up a namespace\n");
		return -1;
	}
	return 0;
}

/* The signals that end a holder --here; blocked, then waited for. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

/* Until stdin is closed, or (here) one of the stop signals. */
static void hold(bool here, const sigset_t *set)
{
	char buf[64];
	int sig;

	if (here)
		sigwait(set, &sig);
	else
		while (read(0, buf, sizeof(buf)) > 0)
			;
}

int main(int argc, char **argv)
{
	const struct fam *fams[] = { &fam_ipv4, &fam_ipv6, &fam_mapped };
	struct counts expect = { 0 };
	bool stable = false, here = false;
	unsigned int i;
	int port, c;
	sigset_t set;

	if (argc == 2) {
		here = !strcmp(argv[1], "--here");
		stable = here || !strcmp(argv[1], "--stable");
	}
	if (argc > 2 || (argc == 2 && !stable)) {
		fprintf(stderr, "usage: tcpstat_hold [--stable | --here]\n");
		return 2;
	}
	/* Blocked before anything is made: a stop asked early still ends it. */
	stop_signals(&set);
	if (here && sigprocmask(SIG_BLOCK, &set, NULL))
		return 1;
	if (setup(here))
		return 1;
	for (i = 0; i < ARRAY_SIZE(fams); i++)
		if (stable ? make_stable_states(fams[i], 2, &expect) :
			     make_all_states(fams[i], 2, &expect))
			return 1;
	/* Three connections nobody accepts. */
	c = tcp_listener(&fam_ipv4, NULL, 8, 0, &port);
	if (c < 0)
		return 1;
	expect.n[TCPSTAT_LISTEN]++;
	for (i = 0; i < 3; i++) {
		if (tcp_connect(&fam_ipv4, NULL, port, false, 0, 0) < 0)
			return 1;
		expect.n[TCPSTAT_ESTABLISHED] += 2;
	}
	printf("ready %d\n%s\n", getpid(), counts_str(&expect));
	fflush(stdout);
	hold(here, &set);
	return 0;
}
