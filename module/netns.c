// SPDX-License-Identifier: GPL-2.0
/*
 * The set of every namespace (nsset.h), and /proc/tcpstat_netns: every
 * network namespace's sockets by family and state, from the one walk of
 * the set.
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/rwsem.h>
#include <linux/sched/signal.h>
#include <linux/sort.h>

#include "nsset.h"

static unsigned int tcpstat_nsset_count(void)
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
static bool tcpstat_nsset_grab(struct tcpstat_nsset *s, unsigned int cap)
{
	bool all = true;
	struct net *net;

	s->n = 0;
	down_read(&net_rwsem);
	for_each_net(net) {
		if (s->n == cap) {
			all = false;
			break;
		}
		/* Dying namespaces stay listed until their exits ran. */
		if (!maybe_get_net(net))
			continue;
		s->ns[s->n].net = net;
		s->ns[s->n].inum = net->ns.inum;
		s->ns[s->n].cookie = tcpstat_net_cookie(net);
		s->n++;
	}
	up_read(&net_rwsem);
	return all;
}

static void tcpstat_nsset_unref(struct tcpstat_nsset *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		put_net(s->ns[i].net);
	s->n = 0;
}

void tcpstat_nsset_put(struct tcpstat_nsset *s)
{
	tcpstat_nsset_unref(s);
	kvfree(s->ns);
	kvfree(s->slot);
	s->ns = NULL;
	s->slot = NULL;
}

static int tcpstat_nsset_map(struct tcpstat_nsset *s)
{
	unsigned int i, j;

	s->bits = ilog2(roundup_pow_of_two(2 * s->n + 2));
	s->mask = (1U << s->bits) - 1;
	s->slot = kvcalloc(s->mask + 1, sizeof(*s->slot), GFP_KERNEL_ACCOUNT);
	if (!s->slot)
		return -ENOMEM;
	for (i = 0; i < s->n; i++) {
		j = hash_ptr(s->ns[i].net, s->bits);
		while (s->slot[j].net)
			j = (j + 1) & s->mask;
		s->slot[j].net = s->ns[i].net;
		s->slot[j].idx = i + 1;
	}
	return 0;
}

/*
 * Namespaces may be created between counting and taking them: take again
 * with room for those, for as long as it takes, unless the reader is being
 * killed.
 */
int tcpstat_nsset_take(struct tcpstat_nsset *s)
{
	unsigned int cap;
	int err;

	memset(s, 0, sizeof(*s));
	for (;;) {
		cap = tcpstat_nsset_count();
		cap += cap / 4 + 16;
		kvfree(s->ns);
		s->ns = kvcalloc(cap, sizeof(*s->ns), GFP_KERNEL_ACCOUNT);
		if (!s->ns)
			return -ENOMEM;
		if (tcpstat_nsset_grab(s, cap))
			break;
		tcpstat_nsset_unref(s);
		if (fatal_signal_pending(current)) {
			tcpstat_nsset_put(s);
			return -EINTR;
		}
		cond_resched();
	}
	err = tcpstat_nsset_map(s);
	if (err)
		tcpstat_nsset_put(s);
	return err;
}

/* --- /proc/tcpstat_netns ------------------------------------------------ */

struct tcpstat_ns_row {
	u64 cookie;
	unsigned int inum;
	struct tcpstat_family_counts c;
};

struct tcpstat_netns_arg {
	struct tcpstat_nsset set;
	struct tcpstat_ns_row *rows;
};

/* Per socket: the walks' hot path. */
static __always_inline void tcpstat_netns_visit(struct sock *sk, void *p)
{
	struct tcpstat_netns_arg *a = p;
	unsigned int idx = tcpstat_nsset_find(&a->set, sock_net(sk));
	unsigned int state;

	if (!idx)
		return;
	state = tcpstat_state(sk);
	if (tcpstat_state_valid(state))
		a->rows[idx - 1].c.fam[READ_ONCE(sk->sk_family) == AF_INET6].n[state]++;
}

static int tcpstat_netns_cmp(const void *x, const void *y)
{
	const struct tcpstat_ns_row *a = x, *b = y;

	return a->inum < b->inum ? -1 : a->inum > b->inum;
}

static int tcpstat_netns_fill(struct tcpstat_table *t, struct net *unused)
{
	struct tcpstat_netns_arg a;
	unsigned int i;
	int err;

	err = tcpstat_nsset_take(&a.set);
	if (err)
		return err;
	err = tcpstat_table_alloc(t, a.set.n, sizeof(*a.rows));
	if (err)
		goto out;
	a.rows = t->rows;
	for (i = 0; i < a.set.n; i++) {
		a.rows[i].inum = a.set.ns[i].inum;
		a.rows[i].cookie = a.set.ns[i].cookie;
	}
	/*
	 * A copy no pointer can reach: its fields stay in registers across
	 * the walk instead of being reloaded after every count.
	 */
	{
		struct tcpstat_netns_arg walk = a;

		tcpstat_nsset_walk_listeners(tcpstat_netns_visit, &walk);
		tcpstat_nsset_walk_established(&walk.set, tcpstat_netns_visit,
					       &walk);
	}
	t->nrows = a.set.n;
	sort(t->rows, t->nrows, sizeof(*a.rows), tcpstat_netns_cmp, NULL);
out:
	tcpstat_nsset_put(&a.set);
	return err;
}

static void tcpstat_netns_header(struct seq_file *m)
{
	seq_puts(m, TCPSTAT_COL_NETNS " " TCPSTAT_COL_FAMILY);
	tcpstat_show_states_header(m);
	if (TCPSTAT_HAVE_COOKIE)
		seq_puts(m, " " TCPSTAT_COL_COOKIE);
	seq_putc(m, '\n');
}

static void tcpstat_netns_row(struct seq_file *m, const void *p)
{
	const struct tcpstat_ns_row *ns = p;
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
	.seq = TCPSTAT_TABLE_SEQ,
	.row_size = sizeof(struct tcpstat_ns_row),
	.fill = tcpstat_netns_fill,
	.show_header = tcpstat_netns_header,
	.show_row = tcpstat_netns_row,
};
