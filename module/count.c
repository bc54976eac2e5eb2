// SPDX-License-Identifier: GPL-2.0
/*
 * One namespace's TCP sockets by state (the seed files), and by address
 * family and state (/proc/net/tcpstat_families): the listener table and the
 * namespace's established hash, walked under their bucket locks the way
 * inet_diag does, counting only the namespace's sockets.
 */
#include <linux/seq_file.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "tcpstat.h"
#include "walk.h"

struct tcpstat_count_arg {
	const struct net *net;
	struct tcpstat_counts *c;
};

static __always_inline void tcpstat_count_visit(struct sock *sk, void *p)
{
	struct tcpstat_count_arg *a = p;
	unsigned int state;

	if (!net_eq(sock_net(sk), a->net))
		return;
	state = tcpstat_state(sk);
	if (tcpstat_state_valid(state))
		a->c->n[state]++;
}

void tcpstat_count(struct net *net, struct tcpstat_counts *c)
{
	struct tcpstat_count_arg a = { .net = net, .c = c };

	memset(c, 0, sizeof(*c));
	tcpstat_walk(tcpstat_hashinfo(net), tcpstat_count_visit, &a);
}

struct tcpstat_family_arg {
	const struct net *net;
	struct tcpstat_family_counts *c;
};

/*
 * sk_family is in sock_common, valid for full, timewait and request
 * sockets alike; IPV6_ADDRFORM may rewrite it, hence READ_ONCE.
 */
static __always_inline unsigned int tcpstat_family_index(const struct sock *sk)
{
	return READ_ONCE(sk->sk_family) == AF_INET6;
}

static __always_inline void tcpstat_family_visit(struct sock *sk, void *p)
{
	struct tcpstat_family_arg *a = p;
	unsigned int state;

	if (!net_eq(sock_net(sk), a->net))
		return;
	state = tcpstat_state(sk);
	if (tcpstat_state_valid(state))
		a->c->fam[tcpstat_family_index(sk)].n[state]++;
}

void tcpstat_count_families(struct net *net, struct tcpstat_family_counts *c)
{
	struct tcpstat_family_arg a = { .net = net, .c = c };

	memset(c, 0, sizeof(*c));
	tcpstat_walk(tcpstat_hashinfo(net), tcpstat_family_visit, &a);
}

void __cold tcpstat_unknown_state(unsigned int state)
{
	pr_warn_once("a socket in state %u, which this module does not know, is counted nowhere\n",
		     state);
}

/* " ESTABLISHED SYN_SENT ... CLOSING" and the end of the header line. */
void tcpstat_show_states_header(struct seq_file *m)
{
	unsigned int state;

	for (state = TCPSTAT_STATE_FIRST; state <= TCPSTAT_STATE_LAST; state++) {
		seq_putc(m, TCPSTAT_TABLE_SEP);
		seq_puts(m, tcpstat_state_name(state));
	}
}

void tcpstat_show_counts(struct seq_file *m, const struct tcpstat_counts *c)
{
	unsigned int state;

	for (state = TCPSTAT_STATE_FIRST; state <= TCPSTAT_STATE_LAST; state++)
		seq_put_decimal_ull(m, " ", c->n[state]);
}

/* /proc/net/tcpstat_families: one snapshot row holding both families. */
static int tcpstat_families_fill(struct tcpstat_table *t, struct net *net)
{
	int err = tcpstat_table_alloc(t, 1, sizeof(struct tcpstat_family_counts));

	if (err)
		return err;
	tcpstat_count_families(net, t->rows);
	t->nrows = 1;
	return 0;
}

static void tcpstat_families_header(struct seq_file *m)
{
	seq_puts(m, TCPSTAT_COL_FAMILY);
	tcpstat_show_states_header(m);
	seq_putc(m, '\n');
}

static void tcpstat_families_row(struct seq_file *m, const void *row)
{
	const struct tcpstat_family_counts *c = row;
	unsigned int i;

	for (i = 0; i < TCPSTAT_FAMILIES; i++) {
		seq_puts(m, tcpstat_family_name(i));
		tcpstat_show_counts(m, &c->fam[i]);
		seq_putc(m, '\n');
	}
}

const struct tcpstat_table_type tcpstat_families_table = {
	.seq = TCPSTAT_TABLE_SEQ,
	.row_size = sizeof(struct tcpstat_family_counts),
	.fill = tcpstat_families_fill,
	.show_header = tcpstat_families_header,
	.show_row = tcpstat_families_row,
};
