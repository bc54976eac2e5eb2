// SPDX-License-Identifier: GPL-2.0
/*
 * Listener buckets with a nulls list, on which TCP listeners sit: from 5.5
 * ("tcp/dccp: fix possible race __inet_lookup_established()") and in the
 * 4.19.y/5.4.y backports; and the only list of lhash2 buckets from 5.19.
 */
#include <net/inet_hashtables.h>

int tcpstat_probe(struct inet_listen_hashbucket *ilb);
int tcpstat_probe(struct inet_listen_hashbucket *ilb)
{
	return hlist_nulls_empty(&ilb->nulls_head);
}
