// SPDX-License-Identifier: GPL-2.0
/*
 * tcpstat_hold: a helper of the shell tests.  In a fresh network namespace,
 * hold every reachable TCP state over IPv4, IPv6 and IPv4-mapped IPv6 (two
 * of each), plus a full accept queue; print "ready PID" and the counts
 * made, then hold them until stdin is closed.  With --stable, only the
 * states no timer moves (LISTEN, ESTABLISHED, FIN_WAIT2 and CLOSE_WAIT of
 * sockets still open), for tests whose counts must hold however long they
 * take.
 */
#define _GNU_SOURCE
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

int main(int argc, char **argv)
{
	const struct fam *fams[] = { &fam_ipv4, &fam_ipv6, &fam_mapped };
	struct counts expect = { 0 };
	const char *what;
	unsigned int i;
	int port, c;
	char buf[64];
	bool stable = argc == 2 && !strcmp(argv[1], "--stable");

	if (argc > 2 || (argc == 2 && !stable)) {
		fprintf(stderr, "usage: tcpstat_hold [--stable]\n");
		return 2;
	}
	if (netns_fresh() || netns_deterministic(&what)) {
		fprintf(stderr, "tcpstat_hold: cannot set up a namespace\n");
		return 1;
	}
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
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
