// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny established hash, so that every bucket, the last one included,
 * holds sockets: a walk that stops at `i < ehash_mask` loses about 1/16 of
 * them.  Run by the rig in a guest booted with thash_entries=16 (the global
 * table) and, in any guest on 6.1+, in a namespace with a private 16-bucket
 * table (tcp_child_ehash_entries=16).  A few hundred connections over 16
 * buckets leave none empty (the chance of an empty one is below 1e-15).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcpstat_check.h"

#define BUCKETS 16

FIXTURE(smallhash) {
	struct counts expect;
};

FIXTURE_VARIANT(smallhash) {
	bool private_table;
};

/* The boot-time table: the rig boots with thash_entries=16. */
FIXTURE_VARIANT_ADD(smallhash, global_table) {
	.private_table = false,
};

FIXTURE_VARIANT_ADD(smallhash, private_table) {
	.private_table = true,
};

FIXTURE_SETUP(smallhash)
{
	const char *why = enter_test_netns(), *what;
	long entries;

	if (why)
		SKIP(return, "%s", why);
	if (sysctl_read_long("net.ipv4.tcp_ehash_entries", &entries))
		SKIP(return, "no net.ipv4.tcp_ehash_entries (added in 6.1)");
	if (variant->private_table) {
		/* Applies to namespaces created from this one. */
		ASSERT_EQ(0, sysctl_write("net.ipv4.tcp_child_ehash_entries", "16"));
		ASSERT_EQ(0, netns_fresh());
		ASSERT_EQ(0, netns_deterministic(&what));
		ASSERT_EQ(0, sysctl_read_long("net.ipv4.tcp_ehash_entries", &entries));
		/* Positive: this namespace owns its table. */
		ASSERT_EQ(BUCKETS, entries);
	} else {
		/* Negative in a child namespace: it shares the global table. */
		if (labs(entries) != BUCKETS)
			SKIP(return, "global ehash has %ld buckets: boot with thash_entries=%d",
			     labs(entries), BUCKETS);
	}
	memset(&self->expect, 0, sizeof(self->expect));
}

FIXTURE_TEARDOWN(smallhash)
{
}

TEST_F_TIMEOUT(smallhash, hundreds_of_connections, 300)
{
	ASSERT_EQ(0, make_established(&fam_ipv4, 150, &self->expect));
	ASSERT_EQ(0, make_established(&fam_ipv6, 150, &self->expect));
	ASSERT_EQ(0, make_time_wait(&fam_ipv4, 40, &self->expect));
	ASSERT_EQ(0, make_time_wait(&fam_ipv6, 40, &self->expect));
	ASSERT_EQ(0, make_syn_recv(&fam_ipv4, 20, &self->expect));
	ASSERT_EQ(0, make_fin_wait2_orphan(&fam_ipv6, 20, &self->expect));
	check_counts(_metadata, &self->expect);
}

TEST_F_TIMEOUT(smallhash, every_state, 300)
{
	ASSERT_EQ(0, make_all_states(&fam_ipv4, 3, &self->expect));
	ASSERT_EQ(0, make_all_states(&fam_ipv6, 3, &self->expect));
	ASSERT_EQ(0, make_established(&fam_mapped, 100, &self->expect));
	check_counts(_metadata, &self->expect);
}

TEST_HARNESS_MAIN
