// SPDX-License-Identifier: GPL-2.0
/*
 * The rows per listening port (portmap.h), and /proc/net/tcpstat_ports:
 * one row per listening port of a namespace, from one walk of the
 * listener table and one of the namespace's established hash.
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sort.h>
#include <net/net_namespace.h>

#include "portmap.h"

int tcpstat_portmap_init(struct tcpstat_portmap *pm, struct tcpstat_table *t,
			 size_t cap)
{
	int err = tcpstat_table_alloc(t, cap, sizeof(*pm->rows));

	if (err)
		return err;
	pm->bits = ilog2(roundup_pow_of_two(2 * cap + 2));
	pm->mask = (1U << pm->bits) - 1;
	pm->slot = kvcalloc(pm->mask + 1, sizeof(*pm->slot), GFP_KERNEL_ACCOUNT);
	if (!pm->slot)
		return -ENOMEM;
	pm->rows = t->rows;
	pm->nrows = 0;
	pm->cap = cap;
	pm->unplaced = 0;
	return 0;
}

void tcpstat_portmap_free(struct tcpstat_portmap *pm)
{
	kvfree(pm->slot);
	pm->slot = NULL;
}

static int tcpstat_port_cmp(const void *x, const void *y)
{
	const struct tcpstat_port_row *a = x, *b = y;

	if (a->inum != b->inum)
		return a->inum < b->inum ? -1 : 1;
	return (int)a->port - (int)b->port;
}

void tcpstat_portmap_finish(struct tcpstat_portmap *pm, struct tcpstat_table *t)
{
	t->nrows = pm->nrows;
	sort(t->rows, t->nrows, sizeof(*pm->rows), tcpstat_port_cmp, NULL);
}

void tcpstat_show_port_header(struct seq_file *m)
{
	seq_puts(m, TCPSTAT_COL_PORT " " TCPSTAT_COL_LISTENERS " "
		 TCPSTAT_COL_ACCEPT_QUEUE " " TCPSTAT_COL_ACCEPT_MAX " "
		 TCPSTAT_COL_SYN_QUEUE);
	tcpstat_show_states_header(m);
	seq_puts(m, " " TCPSTAT_COL_FASTOPEN_QUEUE " " TCPSTAT_COL_DROPS "\n");
}

void tcpstat_show_port_row(struct seq_file *m, const struct tcpstat_port_row *row)
{
	seq_put_decimal_ull(m, "", row->port);
	seq_put_decimal_ull(m, " ", row->listeners);
	seq_put_decimal_ull(m, " ", row->accept_queue);
	seq_put_decimal_ull(m, " ", row->accept_max);
	seq_put_decimal_ull(m, " ", row->syn_queue);
	tcpstat_show_counts(m, &row->c);
	seq_put_decimal_ull(m, " ", row->fastopen_queue);
	seq_put_decimal_ull(m, " ", row->drops);
	seq_putc(m, '\n');
}

/* --- /proc/net/tcpstat_ports ------------------------------------------- */

struct tcpstat_ports_arg {
	struct tcpstat_portmap pm;
	const struct net *net;
};

static void tcpstat_ports_listener_visit(struct sock *sk, void *p)
{
	struct tcpstat_ports_arg *a = p;

	if (net_eq(sock_net(sk), a->net))
		tcpstat_portmap_listener(&a->pm, sk, a->net, 0);
}

static __always_inline void tcpstat_ports_socket_visit(struct sock *sk, void *p)
{
	struct tcpstat_ports_arg *a = p;

	if (net_eq(sock_net(sk), a->net))
		tcpstat_portmap_socket(&a->pm, sk, a->net);
}

/* Room for the listeners of the last read, or of the refused fill. */
#define TCPSTAT_PORTS_MIN	16

static int tcpstat_ports_fill(struct tcpstat_table *t, struct net *net)
{
	struct inet_hashinfo *h = tcpstat_hashinfo(net);
	struct tcpstat_ports_arg a = { .net = net };
	int err;

	err = tcpstat_portmap_init(&a.pm, t, tcpstat_table_want(t, TCPSTAT_PORTS_MIN));
	if (err)
		goto out;
	tcpstat_walk_listeners(h, tcpstat_ports_listener_visit, &a);
	if (a.pm.unplaced) {
		t->need = a.pm.nrows + a.pm.unplaced;
		err = -ENOSPC;
		goto out;
	}
	tcpstat_walk_established(h, tcpstat_ports_socket_visit, &a);
	tcpstat_portmap_finish(&a.pm, t);
out:
	tcpstat_portmap_free(&a.pm);
	return err;
}

static void tcpstat_ports_row(struct seq_file *m, const void *row)
{
	tcpstat_show_port_row(m, row);
}

const struct tcpstat_table_type tcpstat_ports_table = {
	.seq = TCPSTAT_TABLE_SEQ,
	.row_size = sizeof(struct tcpstat_port_row),
	.fill = tcpstat_ports_fill,
	.show_header = tcpstat_show_port_header,
	.show_row = tcpstat_ports_row,
};
