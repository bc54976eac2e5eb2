// SPDX-License-Identifier: GPL-2.0
/*
 * netns_ipv4.tcp_death_row a pointer: 5.18 ("tcp: allocate tcp_death_row
 * outside of struct netns_ipv4") to 6.0.  Exactly one of this and
 * death_row.c compiles.
 */
#include <net/net_namespace.h>

struct inet_hashinfo *tcpstat_probe(struct net *net);
struct inet_hashinfo *tcpstat_probe(struct net *net)
{
	return net->ipv4.tcp_death_row->hashinfo;
}
