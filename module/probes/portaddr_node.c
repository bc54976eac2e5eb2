// SPDX-License-Identifier: GPL-2.0
/*
 * Listeners linked on lhash2 by a plain hlist_node, icsk_listen_portaddr_node:
 * exactly the kernels where lhash2 must NOT be walked as a nulls list,
 * which are those that still have listening_hash (listening_hash.c).
 * A tree where the two disagree is one tcpstat does not know: the build
 * stops.
 */
#include <net/inet_connection_sock.h>

struct hlist_node *tcpstat_probe(struct sock *sk);
struct hlist_node *tcpstat_probe(struct sock *sk)
{
	return &inet_csk(sk)->icsk_listen_portaddr_node;
}
