// SPDX-License-Identifier: GPL-2.0
/*
 * Every reachable TCP state, over IPv4, IPv6 and IPv4-mapped IPv6: in a
 * fresh network namespace, /proc/tcpstat, /proc/net/tcpstat and
 * /proc/self/net/tcpstat show exactly the sockets the test created, state by
 * state, and equal ss -tan.  CLOSE is never counted.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/socket.h>

#include "tcpstat_check.h"

FIXTURE(states) {
	struct counts expect;
};

FIXTURE_VARIANT(states) {
	const struct fam *fam;
};

FIXTURE_VARIANT_ADD(states, ipv4) {
	.fam = &fam_ipv4,
};

FIXTURE_VARIANT_ADD(states, ipv6) {
	.fam = &fam_ipv6,
};

FIXTURE_VARIANT_ADD(states, ipv4_mapped_ipv6) {
	.fam = &fam_mapped,
};

FIXTURE_SETUP(states)
{
	const char *why = enter_test_netns();

	if (why)
		SKIP(return, "%s", why);
	memset(&self->expect, 0, sizeof(self->expect));
	/* Nothing at all in a new namespace. */
	check_counts(_metadata, &self->expect);
}

FIXTURE_TEARDOWN(states)
{
}

TEST_F(states, listeners)
{
	ASSERT_EQ(0, make_listeners(variant->fam, 3, &self->expect));
	check_counts(_metadata, &self->expect);
}

TEST_F(states, established)
{
	ASSERT_EQ(0, make_established(variant->fam, 5, &self->expect));
	check_counts(_metadata, &self->expect);
}

TEST_F(states, syn_sent)
{
	ASSERT_EQ(0, make_syn_sent(variant->fam, 2, &self->expect));
	check_counts(_metadata, &self->expect);
}

TEST_F(states, syn_recv)
{
	ASSERT_EQ(0, make_syn_recv(variant->fam, 4, &self->expect));
	check_counts(_metadata, &self->expect);
}

TEST_F(states, fin_wait1)
{
	ASSERT_EQ(0, make_fin_wait1(variant->fam, 2, &self->expect));
	check_counts(_metadata, &self->expect);
}

TEST_F(states, fin_wait2)
{
	ASSERT_EQ(0, make_fin_wait2(variant->fam, 3, &self->expect));
	check_counts(_metadata, &self->expect);
}

TEST_F(states, close_wait)
{
	ASSERT_EQ(0, make_close_wait(variant->fam, 2, &self->expect));
	check_counts(_metadata, &self->expect);
}

TEST_F(states, last_ack)
{
	ASSERT_EQ(0, make_last_ack(variant->fam, 2, &self->expect));
	check_counts(_metadata, &self->expect);
}

TEST_F(states, closing)
{
	ASSERT_EQ(0, make_closing(variant->fam, 2, &self->expect));
	check_counts(_metadata, &self->expect);
}

/* An orphaned FIN_WAIT2 becomes a timewait socket counted as FIN_WAIT2. */
TEST_F(states, fin_wait2_orphan)
{
	ASSERT_EQ(0, make_fin_wait2_orphan(variant->fam, 3, &self->expect));
	check_counts(_metadata, &self->expect);
	/* They did become timewait sockets (the transition may still be due). */
	ASSERT_EQ(3, sockstat_tw_wait(3));
}

TEST_F(states, time_wait)
{
	ASSERT_EQ(0, make_time_wait(variant->fam, 4, &self->expect));
	check_counts(_metadata, &self->expect);
	ASSERT_EQ(4, sockstat_tw_wait(4));
}

/*
 * Everything at once, and with both families in one namespace.  The
 * module shows every reachable state at once (not only what the recipes
 * meant: what it counts), CLOSE never.
 */
TEST_F(states, all_states)
{
	struct counts seen;
	int st;

	ASSERT_EQ(0, make_all_states(variant->fam, 2, &self->expect));
	check_counts(_metadata, &self->expect);
	ASSERT_EQ(0, counts_read(PROC_NET_TCPSTAT, &seen));
	for (st = TCPSTAT_ESTABLISHED; st <= TCPSTAT_CLOSING; st++)
		if (st != TCPSTAT_CLOSE && st != TCPSTAT_TIME_WAIT &&
		    st != TCPSTAT_FIN_WAIT2)
			EXPECT_LT(0UL, seen.n[st]) TH_LOG("state %d", st);
	/* Timewait sockets (60 s) are accounted for as sockstat says. */
	EXPECT_LT(0UL, seen.n[TCPSTAT_FIN_WAIT2]);	/* also held full ones */
	EXPECT_EQ(0UL, seen.n[TCPSTAT_CLOSE]);
}

TEST_F(states, all_states_both_families)
{
	ASSERT_EQ(0, make_all_states(&fam_ipv4, 2, &self->expect));
	ASSERT_EQ(0, make_all_states(&fam_ipv6, 2, &self->expect));
	ASSERT_EQ(0, make_all_states(variant->fam, 1, &self->expect));
	check_counts(_metadata, &self->expect);
}

TEST_HARNESS_MAIN
