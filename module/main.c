// SPDX-License-Identifier: GPL-2.0
/*
 * tcpstat: TCP sockets per state, counted in the kernel.
 *
 * /proc/tcpstat counts the network namespace of the task reading it.
 * /proc/net/tcpstat exists in every network namespace and counts that one,
 * so /proc/<pid>/net/tcpstat shows the namespace of any process.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
/* Before seq_file_net.h, which uses netns_tracker without including it. */
#include <net/net_namespace.h>
#include <linux/seq_file_net.h>
#include <net/tcp_states.h>

#include "tcpstat.h"

#define TCPSTAT_PROC_NAME	"tcpstat"

/* The states a socket in the hash tables can be in, in kernel order. */
static const char *const tcpstat_names[] = {
	[TCP_ESTABLISHED]	= "ESTABLISHED",
	[TCP_SYN_SENT]		= "SYN_SENT",
	[TCP_SYN_RECV]		= "SYN_RECV",
	[TCP_FIN_WAIT1]		= "FIN_WAIT1",
	[TCP_FIN_WAIT2]		= "FIN_WAIT2",
	[TCP_TIME_WAIT]		= "TIME_WAIT",
	[TCP_CLOSE]		= "CLOSE",
	[TCP_CLOSE_WAIT]	= "CLOSE_WAIT",
	[TCP_LAST_ACK]		= "LAST_ACK",
	[TCP_LISTEN]		= "LISTEN",
	[TCP_CLOSING]		= "CLOSING",
};

static void tcpstat_print(struct seq_file *seq, struct net *net)
{
	struct tcpstat_counts c;
	unsigned int state;

	tcpstat_count(net, &c);
	for (state = TCP_ESTABLISHED; state <= TCP_CLOSING; state++)
		seq_printf(seq, "%-12s: %u\n", tcpstat_names[state], c.n[state]);
}

/* /proc/tcpstat: the reader's namespace, looked up at read time. */
static int tcpstat_show_current(struct seq_file *seq, void *v)
{
	tcpstat_print(seq, current->nsproxy->net_ns);
	return 0;
}

/* /proc/net/tcpstat: the namespace the file belongs to (held by the open). */
static int tcpstat_show_net(struct seq_file *seq, void *v)
{
	tcpstat_print(seq, seq_file_single_net(seq));
	return 0;
}

static int __net_init tcpstat_net_init(struct net *net)
{
	if (!proc_create_net_single(TCPSTAT_PROC_NAME, 0444, net->proc_net,
				    tcpstat_show_net, NULL))
		return -ENOMEM;
	return 0;
}

static void __net_exit tcpstat_net_exit(struct net *net)
{
	remove_proc_entry(TCPSTAT_PROC_NAME, net->proc_net);
}

static struct pernet_operations tcpstat_net_ops = {
	.init = tcpstat_net_init,
	.exit = tcpstat_net_exit,
};

static int __init tcpstat_init(void)
{
	int err;

	err = register_pernet_subsys(&tcpstat_net_ops);
	if (err)
		return err;

	if (!proc_create_single(TCPSTAT_PROC_NAME, 0444, NULL,
				tcpstat_show_current)) {
		err = -ENOMEM;
		goto out_unregister_pernet;
	}
	return 0;

out_unregister_pernet:
	unregister_pernet_subsys(&tcpstat_net_ops);
	return err;
}

/*
 * remove_proc_entry() waits for readers inside the show functions and cuts
 * off files still open, so no reader can enter the module once we return.
 */
static void __exit tcpstat_exit(void)
{
	remove_proc_entry(TCPSTAT_PROC_NAME, NULL);
	unregister_pernet_subsys(&tcpstat_net_ops);
}

module_init(tcpstat_init);
module_exit(tcpstat_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP socket counts per state at /proc/tcpstat and /proc/net/tcpstat");
MODULE_VERSION(TCPSTAT_VERSION);
