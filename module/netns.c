// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/tcpstat_netns: every network namespace's sockets by family and
 * state, from one walk of the listener table and of the shared established
 * hash, plus one walk of each private established hash (6.1+,
 * net.ipv4.tcp_child_ehash_entries) - never one walk per namespace.
 *
 * The namespaces are taken under net_rwsem (read), each with a reference
 * (maybe_get_net(): dying ones are skipped), and the lock is dropped before
 * walking: namespace setup and cleanup take it for writing.  Holding a
 * reference keeps each namespace, and its private established hash, alive
 * until the walk is over.  A socket is charged to its namespace through a
 * small open-addressing table keyed by the namespace pointer, sized by
 * namespaces, in O(1); a socket of a namespace born after the lock was
 * dropped finds no entry and is not counted.  The pointers compared all
 * belong to referenced namespaces, so a match can never be a freed and
 * reused one.
 */
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/rwsem.h>
#include <linux/sort.h>
#include <net/net_namespace.h>

#include "tcpstat.h"
#include "walk.h"

/* Namespaces may appear between counting and taking them: retry, then fail. */
#define TCPSTAT_NETNS_TRIES	4

struct tcpstat_ns {
	struct net *net;	/* referenced during the walk, NULL after */
	u64 cookie;
	unsigned int inum;
	struct tcpstat_family_counts c;
};

/*
 * Namespace to entry: mask + 1 slots, a power of two, never full, each
 * holding the namespace's pointer beside its entry so that a probe reads
 * nothing else.
 */
struct tcpstat_ns_slot {
	const struct net *net;
	struct tcpstat_ns *ns;
};

struct tcpstat_ns_map {
	struct tcpstat_ns_slot *slot;
	unsigned int mask;
	unsigned int bits;
};

struct tcpstat_netns_arg {
	struct tcpstat_ns *ns;
	unsigned int n;
	struct tcpstat_ns_map map;
};

static __always_inline struct tcpstat_ns_slot *
tcpstat_ns_slot(const struct tcpstat_ns_map *m, const struct net *net)
{
	unsigned int i = hash_ptr(net, m->bits);

	while (m->slot[i].net && m->slot[i].net != net)
		i = (i + 1) & m->mask;
	return &m->slot[i];
}

/* Per socket: the walks' hot path. */
static __always_inline void tcpstat_netns_visit(struct sock *sk, void *p)
{
	struct tcpstat_ns *ns = tcpstat_ns_slot(p, sock_net(sk))->ns;
	unsigned int state;

	if (!ns)
		return;
	state = tcpstat_state(sk);
	if (tcpstat_state_valid(state))
		ns->c.fam[READ_ONCE(sk->sk_family) == AF_INET6].n[state]++;
}

static unsigned int tcpstat_netns_count(void)
{
	unsigned int n = 0;
	struct net *net;

	down_read(&net_rwsem);
	for_each_net(net)
		n++;
	up_read(&net_rwsem);
	return n;
}

/* A reference on every live namespace, at most cap; false if more. */
static bool tcpstat_netns_grab(struct tcpstat_netns_arg *a, unsigned int cap)
{
	bool all = true;
	struct net *net;

	a->n = 0;
	down_read(&net_rwsem);
	for_each_net(net) {
		if (a->n == cap) {
			all = false;
			break;
		}
		/* Dying namespaces stay listed until their exits ran. */
		if (!maybe_get_net(net))
			continue;
		a->ns[a->n].net = net;
		a->ns[a->n].inum = net->ns.inum;
		a->ns[a->n].cookie = tcpstat_net_cookie(net);
		a->n++;
	}
	up_read(&net_rwsem);
	return all;
}

static void tcpstat_netns_put(struct tcpstat_netns_arg *a)
{
	unsigned int i;

	for (i = 0; i < a->n; i++) {
		put_net(a->ns[i].net);
		a->ns[i].net = NULL;
	}
}

static int tcpstat_netns_take(struct tcpstat_table *t,
			      struct tcpstat_netns_arg *a)
{
	unsigned int tries, cap;
	int err;

	for (tries = 0; tries < TCPSTAT_NETNS_TRIES; tries++) {
		cap = tcpstat_netns_count();
		cap += cap / 4 + 16;
		err = tcpstat_table_alloc(t, cap, sizeof(*a->ns));
		if (err)
			return err;
		a->ns = t->rows;
		if (tcpstat_netns_grab(a, cap))
			return 0;
		tcpstat_netns_put(a);
	}
	return -EAGAIN;
}

static void tcpstat_netns_walk(struct tcpstat_netns_arg *a)
{
	/* init_net's is the global table; every namespace shares its listeners. */
	struct inet_hashinfo *global = tcpstat_hashinfo(&init_net);
	/*
	 * A copy no pointer can reach: its fields stay in registers across
	 * the walk instead of being reloaded after every count.
	 */
	struct tcpstat_ns_map map = a->map;
	unsigned int i;

	tcpstat_walk(global, tcpstat_netns_visit, &map);
	for (i = 0; i < a->n; i++) {
		struct inet_hashinfo *h = tcpstat_hashinfo(a->ns[i].net);

		/* A private established hash belongs to this namespace only. */
		if (h != global)
			tcpstat_walk_established(h, tcpstat_netns_visit, &map);
	}
}

static int tcpstat_netns_cmp(const void *x, const void *y)
{
	const struct tcpstat_ns *a = x, *b = y;

	return a->inum < b->inum ? -1 : a->inum > b->inum;
}

static int tcpstat_netns_fill(struct tcpstat_table *t)
{
	struct tcpstat_netns_arg a = {};
	unsigned int i;
	int err;

	err = tcpstat_netns_take(t, &a);
	if (err)
		return err;
	a.map.bits = ilog2(roundup_pow_of_two(2 * a.n + 2));
	a.map.mask = (1U << a.map.bits) - 1;
	a.map.slot = kvcalloc(a.map.mask + 1, sizeof(*a.map.slot),
			      GFP_KERNEL_ACCOUNT);
	if (!a.map.slot) {
		err = -ENOMEM;
		goto out_put;
	}
	for (i = 0; i < a.n; i++) {
		struct tcpstat_ns_slot *slot = tcpstat_ns_slot(&a.map, a.ns[i].net);

		slot->net = a.ns[i].net;
		slot->ns = &a.ns[i];
	}
	tcpstat_netns_walk(&a);
	kvfree(a.map.slot);
	t->nrows = a.n;
	sort(t->rows, t->nrows, sizeof(*a.ns), tcpstat_netns_cmp, NULL);
out_put:
	tcpstat_netns_put(&a);
	return err;
}

static void tcpstat_netns_header(struct seq_file *m,
				 const struct tcpstat_table *t)
{
	seq_puts(m, TCPSTAT_COL_NETNS " " TCPSTAT_COL_FAMILY);
	tcpstat_show_states_header(m);
	if (TCPSTAT_HAVE_COOKIE)
		seq_puts(m, " " TCPSTAT_COL_COOKIE);
	seq_putc(m, '\n');
}

static void tcpstat_netns_row(struct seq_file *m, const struct tcpstat_table *t,
			      const void *p)
{
	const struct tcpstat_ns *ns = p;
	unsigned int i;

	for (i = 0; i < TCPSTAT_FAMILIES; i++) {
		seq_put_decimal_ull(m, "", ns->inum);
		seq_putc(m, TCPSTAT_TABLE_SEP);
		seq_puts(m, tcpstat_family_name(i));
		tcpstat_show_counts(m, &ns->c.fam[i]);
		if (TCPSTAT_HAVE_COOKIE)
			seq_put_decimal_ull(m, " ", ns->cookie);
		seq_putc(m, '\n');
	}
}

const struct tcpstat_table_type tcpstat_netns_table = {
	.fill = tcpstat_netns_fill,
	.show_header = tcpstat_netns_header,
	.show_row = tcpstat_netns_row,
};
