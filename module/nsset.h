/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every live network namespace, referenced, for the tables that show them
 * all (/proc/tcpstat_netns, /proc/tcpstat_netns_ports), and the one walk
 * those tables make: the listener table and the shared established hash
 * once, plus each private established hash (6.1+,
 * net.ipv4.tcp_child_ehash_entries) once - never one walk per namespace.
 *
 * The namespaces are taken under net_rwsem (read), each with a reference
 * (maybe_get_net(): dying ones are skipped), and the lock is dropped before
 * walking: namespace setup and cleanup take it for writing.  Holding a
 * reference keeps each namespace, and its private established hash, alive
 * until the walk is over.  A socket is charged to its namespace through a
 * small open-addressing map keyed by the namespace pointer, sized by
 * namespaces, in O(1); a socket of a namespace born after the lock was
 * dropped finds no entry and is not counted.  The pointers compared all
 * belong to referenced namespaces, so a match can never be a freed and
 * reused one.
 */
#ifndef TCPSTAT_NSSET_H
#define TCPSTAT_NSSET_H

#include <linux/hash.h>
#include <net/net_namespace.h>

#include "walk.h"

struct tcpstat_nsent {
	struct net *net;	/* referenced until tcpstat_nsset_put() */
	u64 cookie;
	unsigned int inum;
};

/* Namespace to its index + 1 (0: an empty slot), the pointer beside it. */
struct tcpstat_ns_slot {
	const struct net *net;
	unsigned int idx;
};

struct tcpstat_nsset {
	struct tcpstat_nsent *ns;
	unsigned int n;
	struct tcpstat_ns_slot *slot;	/* mask + 1 slots, never full */
	unsigned int mask;
	unsigned int bits;
};

/* Every live namespace, referenced, and the map: 0, -ENOMEM or -EINTR. */
int tcpstat_nsset_take(struct tcpstat_nsset *s);
/* Drop the references and free everything. */
void tcpstat_nsset_put(struct tcpstat_nsset *s);

/* The index of a namespace of the set, + 1; 0 if it is not one. */
static __always_inline unsigned int tcpstat_nsset_find(const struct tcpstat_nsset *s,
						       const struct net *net)
{
	unsigned int i = hash_ptr(net, s->bits);

	while (s->slot[i].net && s->slot[i].net != net)
		i = (i + 1) & s->mask;
	return s->slot[i].idx;
}

/* init_net's is the global table; every namespace shares its listeners. */
#define tcpstat_global_hashinfo()	tcpstat_hashinfo(&init_net)

/* Every listener, of whatever namespace, through visit. */
static __always_inline void tcpstat_nsset_walk_listeners(tcpstat_visit_t visit,
							 void *arg)
{
	tcpstat_walk_listeners(tcpstat_global_hashinfo(), visit, arg);
}

/*
 * Every object of the shared established hash, and of each private one of
 * the set's namespaces, through visit.
 */
static __always_inline void tcpstat_nsset_walk_established(const struct tcpstat_nsset *s,
							   tcpstat_visit_t visit,
							   void *arg)
{
	struct inet_hashinfo *global = tcpstat_global_hashinfo();
	unsigned int i;

	tcpstat_walk_established(global, visit, arg);
	for (i = 0; i < s->n; i++) {
		struct inet_hashinfo *h = tcpstat_hashinfo(s->ns[i].net);

		/* A private established hash belongs to this namespace only. */
		if (h != global)
			tcpstat_walk_established(h, visit, arg);
	}
}

#endif /* TCPSTAT_NSSET_H */
