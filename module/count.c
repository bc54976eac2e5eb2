// SPDX-License-Identifier: GPL-2.0
/*
 * Count the TCP sockets of one network namespace by state, walking the
 * listener table and the established hash under their bucket locks, the way
 * inet_diag does.
 */
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <net/inet_hashtables.h>
#include <net/inet_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "tcpstat.h"

/* Buckets walked between two cond_resched() calls. */
#define TCPSTAT_RESCHED_BUCKETS	256

/*
 * The state as ss, inet_diag and /proc/net/tcp report it.  Only sock_common
 * is valid in every object of the established hash: a timewait socket keeps
 * its real state in tw_substate, and a request socket (TCP_NEW_SYN_RECV) is
 * a connection in SYN_RECV.
 */
static unsigned int tcpstat_state(const struct sock *sk)
{
	unsigned int state = inet_sk_state_load(sk);

	if (state == TCP_TIME_WAIT)
		return READ_ONCE(inet_twsk(sk)->tw_substate);
	if (state == TCP_NEW_SYN_RECV)
		return TCP_SYN_RECV;
	return state;
}

/* Let others run between chunks of buckets: tables reach 512k buckets. */
static void tcpstat_resched(unsigned int bucket)
{
	if (bucket % TCPSTAT_RESCHED_BUCKETS == TCPSTAT_RESCHED_BUCKETS - 1)
		cond_resched();
}

static void tcpstat_add(struct tcpstat_counts *c, const struct sock *sk)
{
	unsigned int state = tcpstat_state(sk);

	if (WARN_ON_ONCE(state >= TCP_MAX_STATES))
		return;
	c->n[state]++;
}

static void tcpstat_count_listeners(const struct net *net,
				    struct inet_hashinfo *h,
				    struct tcpstat_counts *c)
{
	unsigned int i;

	for (i = 0; i <= tcpstat_listen_mask(h); i++) {
		struct inet_listen_hashbucket *ilb = &tcpstat_listen_table(h)[i];
		struct tcpstat_listen_node *node;
		struct sock *sk;

		tcpstat_resched(i);
		if (tcpstat_listen_empty(ilb))
			continue;

		spin_lock(&ilb->lock);
		tcpstat_for_each_listener(sk, node, ilb) {
			if (net_eq(sock_net(sk), net))
				tcpstat_add(c, sk);
		}
		spin_unlock(&ilb->lock);
	}
}

static void tcpstat_count_established(const struct net *net,
				      struct inet_hashinfo *h,
				      struct tcpstat_counts *c)
{
	unsigned int i;

	for (i = 0; i <= h->ehash_mask; i++) {
		struct inet_ehash_bucket *head = &h->ehash[i];
		spinlock_t *lock = inet_ehash_lockp(h, i);
		struct hlist_nulls_node *node;
		struct sock *sk;

		tcpstat_resched(i);
		if (hlist_nulls_empty(&head->chain))
			continue;

		spin_lock_bh(lock);
		sk_nulls_for_each(sk, node, &head->chain) {
			if (net_eq(sock_net(sk), net))
				tcpstat_add(c, sk);
		}
		spin_unlock_bh(lock);
	}
}

void tcpstat_count(struct net *net, struct tcpstat_counts *c)
{
	struct inet_hashinfo *h = tcpstat_hashinfo(net);

	memset(c, 0, sizeof(*c));
	tcpstat_count_listeners(net, h, c);
	tcpstat_count_established(net, h, c);
}
