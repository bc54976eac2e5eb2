// SPDX-License-Identifier: GPL-2.0
/*
 * Listeners hashed by port in listening_hash[INET_LHTABLE_SIZE]: up to
 * 5.18 ("net: inet: Retire port only listening_hash" removed it in 5.19,
 * and 5.15.y took that later).  Must agree with portaddr_node.c.
 */
#include <net/inet_hashtables.h>

unsigned long tcpstat_probe(struct inet_hashinfo *h);
unsigned long tcpstat_probe(struct inet_hashinfo *h)
{
	return sizeof(h->listening_hash);
}
