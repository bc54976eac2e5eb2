/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rows per listening port, for /proc/net/tcpstat_ports (one namespace) and
 * /proc/tcpstat_netns_ports (every namespace): a walk of the listener
 * table makes one row per (namespace, port) and sums its listeners'
 * queues, limits and drops into it; the walk of an established hash then
 * charges each socket to the row of its namespace and local port, if
 * there is one, in O(1) through a small open-addressing map.  Rows are
 * made only while there is room for them: listeners beyond it are counted
 * (unplaced), and the caller fills again with room for them.  Nothing is
 * allocated during a walk; memory is bounded by listeners.
 */
#ifndef TCPSTAT_PORTMAP_H
#define TCPSTAT_PORTMAP_H

#include <linux/hash.h>
#include <net/inet_connection_sock.h>
#include <net/request_sock.h>

#include "tcpstat.h"
#include "walk.h"

struct tcpstat_port_row {
	u64 accept_queue;
	u64 accept_max;
	u64 syn_queue;
	u64 fastopen_queue;
	u32 drops;		/* modulo 2^32, as the kernel keeps each one */
	u32 listeners;
	unsigned int inum;	/* the namespace's, for the all-namespace table */
	u16 port;
	struct tcpstat_counts c;
};

/* (namespace, port) to row + 1; 0: an empty slot. */
struct tcpstat_port_slot {
	const struct net *net;
	u32 port;
	u32 row;
};

struct tcpstat_portmap {
	struct tcpstat_port_slot *slot;	/* mask + 1 slots, never full */
	unsigned int mask;
	unsigned int bits;
	struct tcpstat_port_row *rows;	/* the table's snapshot */
	size_t nrows;
	size_t cap;
	size_t unplaced;		/* listeners without a row for lack of room */
};

/* Room for cap rows in t's snapshot, and their map; 0 or -ENOMEM. */
int tcpstat_portmap_init(struct tcpstat_portmap *pm, struct tcpstat_table *t,
			 size_t cap);
void tcpstat_portmap_free(struct tcpstat_portmap *pm);
/* After the walks: the rows in t, sorted by namespace then port. */
void tcpstat_portmap_finish(struct tcpstat_portmap *pm, struct tcpstat_table *t);
/* A row's columns after its key, as /proc/net/tcpstat_ports shows them. */
void tcpstat_show_port_row(struct seq_file *m, const struct tcpstat_port_row *row);
void tcpstat_show_port_header(struct seq_file *m);

static __always_inline struct tcpstat_port_slot *
tcpstat_port_slot(const struct tcpstat_portmap *pm, const struct net *net,
		  u32 port)
{
	unsigned int i = hash_64((u64)(unsigned long)net ^ port, pm->bits);

	while (pm->slot[i].row &&
	       (pm->slot[i].net != net || pm->slot[i].port != port))
		i = (i + 1) & pm->mask;
	return &pm->slot[i];
}

/*
 * A listener of namespace net: its port's row.  Fields are read as the
 * kernel's own readers read them (tcp_diag_get_info()).  sk_num is in
 * sock_common: the local port of full, timewait (tw_num) and request
 * sockets (ir_num, the listener's port) alike.
 */
static __always_inline void tcpstat_portmap_listener(struct tcpstat_portmap *pm,
						     struct sock *sk,
						     const struct net *net,
						     unsigned int inum)
{
	struct tcpstat_port_slot *slot = tcpstat_port_slot(pm, net, sk->sk_num);
	struct tcpstat_port_row *row;
	unsigned int state;

	if (!slot->row) {
		if (pm->nrows == pm->cap) {
			pm->unplaced++;
			return;
		}
		row = &pm->rows[pm->nrows];
		row->port = sk->sk_num;
		row->inum = inum;
		slot->net = net;
		slot->port = sk->sk_num;
		slot->row = ++pm->nrows;
	}
	row = &pm->rows[slot->row - 1];
	row->listeners++;
	row->accept_queue += READ_ONCE(sk->sk_ack_backlog);
	row->accept_max += READ_ONCE(sk->sk_max_ack_backlog);
	row->syn_queue += inet_csk_reqsk_queue_len(sk);
	row->fastopen_queue +=
		READ_ONCE(inet_csk(sk)->icsk_accept_queue.fastopenq.qlen);
	row->drops += tcpstat_sk_drops(sk);
	state = tcpstat_state(sk);
	if (tcpstat_state_valid(state))
		row->c.n[state]++;
}

/* A socket of an established hash: its namespace and local port's row. */
static __always_inline void tcpstat_portmap_socket(const struct tcpstat_portmap *pm,
						   struct sock *sk,
						   const struct net *net)
{
	u32 row = tcpstat_port_slot(pm, net, sk->sk_num)->row;
	unsigned int state;

	if (!row)
		return;
	state = tcpstat_state(sk);
	if (tcpstat_state_valid(state))
		pm->rows[row - 1].c.n[state]++;
}

#endif /* TCPSTAT_PORTMAP_H */
