/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two walks every view is built on, written once: the listener table
 * and an established hash, every bucket up to and including the last,
 * empty buckets skipped without locking, each bucket's lock taken as
 * inet_diag takes it (spin_lock for listener buckets, spin_lock_bh for
 * established ones, whose writers run in softirq), cond_resched() between
 * chunks of buckets.  Nothing is allocated.
 *
 * A view passes its visitor, a static function, as a constant: the walks
 * are always inlined, so each call of the visitor is a direct call the
 * compiler inlines too, and a view pays only for what its visitor does.
 */
#ifndef TCPSTAT_WALK_H
#define TCPSTAT_WALK_H

#include <linux/sched.h>
#include <linux/spinlock.h>
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
static __always_inline unsigned int tcpstat_state(const struct sock *sk)
{
	unsigned int state = inet_sk_state_load(sk);

	if (state == TCP_TIME_WAIT)
		return READ_ONCE(inet_twsk(sk)->tw_substate);
	if (state == TCP_NEW_SYN_RECV)
		return TCP_SYN_RECV;
	return state;
}

/*
 * Whether a state is one the files report.  Any other value is a kernel
 * this module does not understand: said once in the log, and counted
 * nowhere rather than in a slot no file prints.  Never a WARN: any user
 * reaches this by reading a file, and with panic_on_warn a WARN would take
 * the host down.
 */
static __always_inline bool tcpstat_state_valid(unsigned int state)
{
	if (likely(state >= TCPSTAT_STATE_FIRST && state <= TCPSTAT_STATE_LAST))
		return true;
	tcpstat_unknown_state(state);
	return false;
}

/* Let others run between chunks of buckets: tables reach 512k buckets. */
static __always_inline void tcpstat_resched(unsigned int bucket)
{
	if (bucket % TCPSTAT_RESCHED_BUCKETS == TCPSTAT_RESCHED_BUCKETS - 1)
		cond_resched();
}

typedef void (*tcpstat_visit_t)(struct sock *sk, void *arg);

/* Every socket of the listener table, whatever its namespace. */
static __always_inline void tcpstat_walk_listeners(struct inet_hashinfo *h,
						   tcpstat_visit_t visit,
						   void *arg)
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
		tcpstat_for_each_listener(sk, node, ilb)
			visit(sk, arg);
		spin_unlock(&ilb->lock);
	}
}

/*
 * Every object of an established hash (full, timewait and request
 * sockets), whatever its namespace.
 */
static __always_inline void tcpstat_walk_established(struct inet_hashinfo *h,
						     tcpstat_visit_t visit,
						     void *arg)
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
		sk_nulls_for_each(sk, node, &head->chain)
			visit(sk, arg);
		spin_unlock_bh(lock);
	}
}

/* Both walks, as every per-namespace view makes them. */
static __always_inline void tcpstat_walk(struct inet_hashinfo *h,
					 tcpstat_visit_t visit, void *arg)
{
	tcpstat_walk_listeners(h, visit, arg);
	tcpstat_walk_established(h, visit, arg);
}

#endif /* TCPSTAT_WALK_H */
