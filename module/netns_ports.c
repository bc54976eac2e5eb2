// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/tcpstat_netns_ports: one row per (namespace, listening port) of
 * every namespace, meaning what /proc/<pid>/net/tcpstat_ports means for
 * each, from the one walk of every namespace (nsset.h) - not one walk of
 * every socket per namespace, as reading each namespace's own table would
 * be.  Memory is bounded by namespaces and listeners.
 */
#include <linux/atomic.h>

#include "nsset.h"
#include "portmap.h"

struct tcpstat_netns_ports_arg {
	struct tcpstat_nsset set;
	struct tcpstat_portmap pm;
};

/* A listener makes its namespace's row, if the namespace is in the set. */
static void tcpstat_netns_ports_listener_visit(struct sock *sk, void *p)
{
	struct tcpstat_netns_ports_arg *a = p;
	const struct net *net = sock_net(sk);
	unsigned int idx = tcpstat_nsset_find(&a->set, net);

	if (idx)
		tcpstat_portmap_listener(&a->pm, sk, net,
					 a->set.ns[idx - 1].inum);
}

/*
 * Per socket, the hot path: one map look-up by (namespace, port).  Rows
 * exist only for namespaces of the set, so no other check is needed.
 */
static __always_inline void tcpstat_netns_ports_socket_visit(struct sock *sk,
							     void *p)
{
	struct tcpstat_netns_ports_arg *a = p;

	tcpstat_portmap_socket(&a->pm, sk, sock_net(sk));
}

/*
 * Rows of the last snapshot of any reader: every exporter opens the file
 * afresh each scrape, and starting from what the host has avoids a second
 * walk of the listeners each time.
 */
static atomic_long_t tcpstat_netns_ports_last;

#define TCPSTAT_NETNS_PORTS_MIN	64

static int tcpstat_netns_ports_fill(struct tcpstat_table *t, struct net *unused)
{
	struct tcpstat_netns_ports_arg a = {};
	size_t want;
	int err;

	err = tcpstat_nsset_take(&a.set);
	if (err)
		return err;
	want = max_t(size_t, tcpstat_table_want(t, TCPSTAT_NETNS_PORTS_MIN),
		     atomic_long_read(&tcpstat_netns_ports_last) * 5 / 4);
	err = tcpstat_portmap_init(&a.pm, t, want);
	if (err)
		goto out;
	tcpstat_nsset_walk_listeners(tcpstat_netns_ports_listener_visit, &a);
	if (a.pm.unplaced) {
		t->need = a.pm.nrows + a.pm.unplaced;
		err = -ENOSPC;
		goto out;
	}
	{
		/* A copy no pointer can reach: the map stays in registers. */
		struct tcpstat_netns_ports_arg walk = a;

		tcpstat_nsset_walk_established(&walk.set,
					       tcpstat_netns_ports_socket_visit,
					       &walk);
	}
	tcpstat_portmap_finish(&a.pm, t);
	atomic_long_set(&tcpstat_netns_ports_last, t->nrows);
out:
	tcpstat_portmap_free(&a.pm);
	tcpstat_nsset_put(&a.set);
	return err;
}

static void tcpstat_netns_ports_header(struct seq_file *m)
{
	seq_puts(m, TCPSTAT_COL_NETNS " ");
	tcpstat_show_port_header(m);
}

static void tcpstat_netns_ports_row(struct seq_file *m, const void *p)
{
	const struct tcpstat_port_row *row = p;

	seq_put_decimal_ull(m, "", row->inum);
	seq_putc(m, TCPSTAT_TABLE_SEP);
	tcpstat_show_port_row(m, row);
}

const struct tcpstat_table_type tcpstat_netns_ports_table = {
	.seq = TCPSTAT_TABLE_SEQ,
	.row_size = sizeof(struct tcpstat_port_row),
	.fill = tcpstat_netns_ports_fill,
	.show_header = tcpstat_netns_ports_header,
	.show_row = tcpstat_netns_ports_row,
};
