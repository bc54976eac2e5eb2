// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace cookie as a plain u64 set at creation: from 5.12 ("net:
 * initialize net->net_cookie at netns setup").  Before, there is none or
 * an atomic64_t generated on demand, and the netns table has no cookie.
 */
#include <net/net_namespace.h>

u64 tcpstat_probe(const struct net *net);
u64 tcpstat_probe(const struct net *net)
{
	/* Not BUILD_BUG_ON(): the probe is only parsed, never compiled. */
	return net->net_cookie +
	       BUILD_BUG_ON_ZERO(!__same_type(net->net_cookie, u64));
}
