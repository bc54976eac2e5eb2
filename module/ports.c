// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcpstat_ports: one row per listening port of a namespace.
 *
 * A first walk of the listener table counts the namespace's listeners and
 * sizes the snapshot; a second fills one row per port, summing its
 * listeners' accept queues, limits, SYN queues, Fast Open queues and drops,
 * and builds a small open-addressing table from port to row.  The walk of
 * the established hash then charges each socket of the namespace to the
 * row of its local port, if any, in O(1).  Memory is bounded by listeners,
 * never by sockets; nothing is allocated per socket or under a lock.
 */
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sort.h>
#include <net/inet_connection_sock.h>
#include <net/net_namespace.h>
#include <net/request_sock.h>

#include "tcpstat.h"
#include "walk.h"

/* Listeners may appear between the walks: retry a few times, then fail. */
#define TCPSTAT_PORTS_TRIES	4

struct tcpstat_port_row {
	u64 accept_queue;
	u64 accept_max;
	u64 syn_queue;
	u64 fastopen_queue;
	u64 drops;
	u32 listeners;
	u16 port;
	struct tcpstat_counts c;
};

struct tcpstat_ports_arg {
	const struct net *net;
	struct tcpstat_port_row *rows;
	unsigned int nrows;
	unsigned int cap;
	bool overflow;
	/* Port to row + 1 (0: empty slot); mask + 1 slots, a power of two. */
	u32 *slot;
	unsigned int mask;
};

static __always_inline u32 *tcpstat_port_slot(struct tcpstat_ports_arg *a,
					      u16 port)
{
	unsigned int i = hash_32(port, ilog2(a->mask + 1));

	while (a->slot[i] && a->rows[a->slot[i] - 1].port != port)
		i = (i + 1) & a->mask;
	return &a->slot[i];
}

static void tcpstat_listener_count_visit(struct sock *sk, void *p)
{
	struct tcpstat_ports_arg *a = p;

	if (net_eq(sock_net(sk), a->net))
		a->cap++;
}

/* Fields read as the kernel's own readers do (tcp_diag_get_info()). */
static void tcpstat_listener_visit(struct sock *sk, void *p)
{
	struct tcpstat_ports_arg *a = p;
	struct tcpstat_port_row *row;
	unsigned int state;
	u32 *slot;

	if (!net_eq(sock_net(sk), a->net))
		return;
	slot = tcpstat_port_slot(a, sk->sk_num);
	if (!*slot) {
		if (a->nrows == a->cap) {
			a->overflow = true;
			return;
		}
		a->rows[a->nrows].port = sk->sk_num;
		*slot = ++a->nrows;
	}
	row = &a->rows[*slot - 1];
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

/*
 * sk_num is in sock_common: the local port of full, timewait (tw_num) and
 * request sockets (ir_num, the listener's port) alike.
 */
static __always_inline void tcpstat_port_socket_visit(struct sock *sk, void *p)
{
	struct tcpstat_ports_arg *a = p;
	unsigned int state;
	u32 row;

	if (!net_eq(sock_net(sk), a->net))
		return;
	row = *tcpstat_port_slot(a, sk->sk_num);
	if (!row)
		return;
	state = tcpstat_state(sk);
	if (tcpstat_state_valid(state))
		a->rows[row - 1].c.n[state]++;
}

static int tcpstat_port_cmp(const void *x, const void *y)
{
	const struct tcpstat_port_row *a = x, *b = y;

	return (int)a->port - (int)b->port;
}

/* The rows and the port map for the listeners of one walk; or -errno. */
static int tcpstat_ports_listeners(struct tcpstat_table *t,
				   struct tcpstat_ports_arg *a)
{
	struct inet_hashinfo *h = tcpstat_hashinfo(t->net);
	unsigned int tries;
	int err;

	for (tries = 0; tries < TCPSTAT_PORTS_TRIES; tries++) {
		a->cap = 0;
		tcpstat_walk_listeners(h, tcpstat_listener_count_visit, a);
		/* Room for listeners that appear before the next walk. */
		a->cap += a->cap / 4 + 16;
		err = tcpstat_table_alloc(t, a->cap, sizeof(*a->rows));
		if (err)
			return err;
		a->mask = roundup_pow_of_two(2 * a->cap) - 1;
		kvfree(a->slot);
		a->slot = kvcalloc(a->mask + 1, sizeof(*a->slot),
				   GFP_KERNEL_ACCOUNT);
		if (!a->slot)
			return -ENOMEM;
		a->rows = t->rows;
		a->nrows = 0;
		a->overflow = false;
		tcpstat_walk_listeners(h, tcpstat_listener_visit, a);
		if (!a->overflow)
			return 0;
	}
	return -EAGAIN;
}

static int tcpstat_ports_fill(struct tcpstat_table *t)
{
	struct tcpstat_ports_arg a = { .net = t->net };
	int err;

	err = tcpstat_ports_listeners(t, &a);
	if (!err) {
		tcpstat_walk_established(tcpstat_hashinfo(t->net),
					 tcpstat_port_socket_visit, &a);
		t->nrows = a.nrows;
		sort(t->rows, t->nrows, sizeof(*a.rows), tcpstat_port_cmp, NULL);
	}
	kvfree(a.slot);
	return err;
}

static void tcpstat_ports_header(struct seq_file *m,
				 const struct tcpstat_table *t)
{
	seq_puts(m, TCPSTAT_COL_PORT " " TCPSTAT_COL_LISTENERS " "
		 TCPSTAT_COL_ACCEPT_QUEUE " " TCPSTAT_COL_ACCEPT_MAX " "
		 TCPSTAT_COL_SYN_QUEUE);
	tcpstat_show_states_header(m);
	seq_puts(m, " " TCPSTAT_COL_FASTOPEN_QUEUE " " TCPSTAT_COL_DROPS "\n");
}

static void tcpstat_ports_row(struct seq_file *m, const struct tcpstat_table *t,
			      const void *p)
{
	const struct tcpstat_port_row *row = p;

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

const struct tcpstat_table_type tcpstat_ports_table = {
	.fill = tcpstat_ports_fill,
	.show_header = tcpstat_ports_header,
	.show_row = tcpstat_ports_row,
};
