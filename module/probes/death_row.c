// SPDX-License-Identifier: GPL-2.0
/*
 * netns_ipv4.tcp_death_row embedded: before 5.18 and again from 6.1.
 * Exactly one of this and death_row_ptr.c compiles.
 */
#include <net/net_namespace.h>

struct inet_hashinfo *tcpstat_probe(struct net *net);
struct inet_hashinfo *tcpstat_probe(struct net *net)
{
	return net->ipv4.tcp_death_row.hashinfo;
}
