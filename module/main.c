// SPDX-License-Identifier: GPL-2.0
/*
 * tcpstat: TCP sockets per state, counted in the kernel.
 *
 * /proc/tcpstat counts the network namespace of the task reading it.
 * /proc/net/tcpstat exists in every network namespace and counts that one,
 * so /proc/<pid>/net/tcpstat shows the namespace of any process; beside it
 * the tables /proc/net/tcpstat_families and /proc/net/tcpstat_ports.
 * /proc/tcpstat_netns is one table of every namespace, readable only with
 * CAP_NET_ADMIN in the initial user namespace.
 */
#include <linux/build_bug.h>
#include <linux/capability.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/user_namespace.h>
/* Before seq_file_net.h, which uses netns_tracker without including it. */
#include <net/net_namespace.h>
#include <linux/seq_file_net.h>
#include <net/tcp_states.h>

#include "tcpstat.h"

static void tcpstat_print(struct seq_file *seq, struct net *net)
{
	struct tcpstat_counts c;
	unsigned int state;

	tcpstat_count(net, &c);
	for (state = TCPSTAT_STATE_FIRST; state <= TCPSTAT_STATE_LAST; state++)
		seq_printf(seq, TCPSTAT_SEED_FMT, tcpstat_state_name(state),
			   c.n[state]);
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

static int tcpstat_families_open(struct inode *inode, struct file *file)
{
	return tcpstat_table_open_net(inode, file, &tcpstat_families_table);
}

static int tcpstat_ports_open(struct inode *inode, struct file *file)
{
	return tcpstat_table_open_net(inode, file, &tcpstat_ports_table);
}

/*
 * Every container's activity: the capability is checked at open, against
 * the opener's credentials, in the initial user namespace, so a container's
 * root (capable only in its own user namespace) is refused; the mode stays
 * 0444 so that a non-root exporter granted only CAP_NET_ADMIN may open it.
 */
static int tcpstat_netns_open(struct inode *inode, struct file *file)
{
	if (!file_ns_capable(file, &init_user_ns, CAP_NET_ADMIN))
		return -EPERM;
	return tcpstat_table_open(file, &tcpstat_netns_table, NULL);
}

static const struct tcpstat_proc_ops tcpstat_families_fops =
	TCPSTAT_PROC_OPS(tcpstat_families_open, tcpstat_table_read,
			 seq_lseek, tcpstat_table_release);
static const struct tcpstat_proc_ops tcpstat_ports_fops =
	TCPSTAT_PROC_OPS(tcpstat_ports_open, tcpstat_table_read,
			 seq_lseek, tcpstat_table_release);
static const struct tcpstat_proc_ops tcpstat_netns_fops =
	TCPSTAT_PROC_OPS(tcpstat_netns_open, tcpstat_table_read,
			 seq_lseek, tcpstat_table_release);

static int __net_init tcpstat_net_init(struct net *net)
{
	if (!proc_create_net_single(TCPSTAT_FILE_SEED, 0444, net->proc_net,
				    tcpstat_show_net, NULL))
		goto out;
	/* The namespace, for the tables' open: this entry goes before it. */
	if (!proc_create_data(TCPSTAT_FILE_FAMILIES, 0444, net->proc_net,
			      &tcpstat_families_fops, net))
		goto out_seed;
	if (!proc_create_data(TCPSTAT_FILE_PORTS, 0444, net->proc_net,
			      &tcpstat_ports_fops, net))
		goto out_families;
	return 0;

out_families:
	remove_proc_entry(TCPSTAT_FILE_FAMILIES, net->proc_net);
out_seed:
	remove_proc_entry(TCPSTAT_FILE_SEED, net->proc_net);
out:
	return -ENOMEM;
}

static void __net_exit tcpstat_net_exit(struct net *net)
{
	remove_proc_entry(TCPSTAT_FILE_PORTS, net->proc_net);
	remove_proc_entry(TCPSTAT_FILE_FAMILIES, net->proc_net);
	remove_proc_entry(TCPSTAT_FILE_SEED, net->proc_net);
}

static struct pernet_operations tcpstat_net_ops = {
	.init = tcpstat_net_init,
	.exit = tcpstat_net_exit,
};

/*
 * The interface header's states are the kernel's, number for number (two
 * enums: compared as int).
 */
static void __init tcpstat_check_uapi(void)
{
	BUILD_BUG_ON((int)TCPSTAT_ESTABLISHED != (int)TCP_ESTABLISHED);
	BUILD_BUG_ON((int)TCPSTAT_SYN_SENT != (int)TCP_SYN_SENT);
	BUILD_BUG_ON((int)TCPSTAT_SYN_RECV != (int)TCP_SYN_RECV);
	BUILD_BUG_ON((int)TCPSTAT_FIN_WAIT1 != (int)TCP_FIN_WAIT1);
	BUILD_BUG_ON((int)TCPSTAT_FIN_WAIT2 != (int)TCP_FIN_WAIT2);
	BUILD_BUG_ON((int)TCPSTAT_TIME_WAIT != (int)TCP_TIME_WAIT);
	BUILD_BUG_ON((int)TCPSTAT_CLOSE != (int)TCP_CLOSE);
	BUILD_BUG_ON((int)TCPSTAT_CLOSE_WAIT != (int)TCP_CLOSE_WAIT);
	BUILD_BUG_ON((int)TCPSTAT_LAST_ACK != (int)TCP_LAST_ACK);
	BUILD_BUG_ON((int)TCPSTAT_LISTEN != (int)TCP_LISTEN);
	BUILD_BUG_ON((int)TCPSTAT_CLOSING != (int)TCP_CLOSING);
	/* Every state stored in sk_state fits the arrays. */
	BUILD_BUG_ON(TCPSTAT_NR_STATES > TCP_MAX_STATES);
}

static int __init tcpstat_init(void)
{
	int err;

	tcpstat_check_uapi();
	err = register_pernet_subsys(&tcpstat_net_ops);
	if (err)
		return err;

	err = -ENOMEM;
	if (!proc_create_single(TCPSTAT_FILE_SEED, 0444, NULL,
				tcpstat_show_current))
		goto out_unregister_pernet;
	if (!proc_create(TCPSTAT_FILE_NETNS, 0444, NULL, &tcpstat_netns_fops))
		goto out_remove_seed;
	return 0;

out_remove_seed:
	remove_proc_entry(TCPSTAT_FILE_SEED, NULL);
out_unregister_pernet:
	unregister_pernet_subsys(&tcpstat_net_ops);
	return err;
}

/*
 * remove_proc_entry() waits for readers inside the files' operations and
 * releases files still open, so no reader can enter the module once we
 * return; reads of those files then fail with EIO.
 */
static void __exit tcpstat_exit(void)
{
	remove_proc_entry(TCPSTAT_FILE_NETNS, NULL);
	remove_proc_entry(TCPSTAT_FILE_SEED, NULL);
	unregister_pernet_subsys(&tcpstat_net_ops);
}

module_init(tcpstat_init);
module_exit(tcpstat_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP socket counts per state, family, port and namespace in /proc");
MODULE_VERSION(TCPSTAT_VERSION);
