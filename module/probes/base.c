// SPDX-License-Identifier: GPL-2.0
/*
 * The control probe: what every kernel tcpstat supports has.  If this does
 * not compile, no other probe's answer can be trusted and the build stops.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/net_namespace.h>
#include <net/sock.h>

unsigned int tcpstat_probe(struct inet_hashinfo *h, struct sock *sk);
unsigned int tcpstat_probe(struct inet_hashinfo *h, struct sock *sk)
{
	return h->ehash_mask + h->lhash2_mask + sk->sk_num +
	       READ_ONCE(sk->sk_ack_backlog) + inet_csk_reqsk_queue_len(sk) +
	       inet_csk(sk)->icsk_accept_queue.fastopenq.qlen +
	       sk->sk_family + init_net.ns.inum;
}
