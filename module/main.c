// SPDX-License-Identifier: GPL-2.0
/*
 * tcpstat: TCP sockets per state, counted in the kernel.
 *
 * /proc/tcpstat counts the network namespace of the task that opens it.
 * /proc/net/tcpstat exists in every network namespace and counts that one,
 * so /proc/<pid>/net/tcpstat shows the namespace of any process; beside it
 * the tables /proc/net/tcpstat_families and /proc/net/tcpstat_ports.
 * /proc/tcpstat_netns and /proc/tcpstat_netns_ports are tables of every
 * namespace, which only a privileged process of the initial namespace may
 * open.  Every file is bound to its namespace when it is opened, as the
 * kernel's own /proc/net files are, and keeps it until closed.
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
#include <net/tcp_states.h>

#include "tcpstat.h"

/* --- the seed files -------------------------------------------------------- */

/* The namespace is the file's, taken at open (seq_file_single_net()). */
static int tcpstat_show(struct seq_file *seq, void *v)
{
	struct tcpstat_counts c;
	unsigned int state;

	tcpstat_count(seq_file_single_net(seq), &c);
	for (state = TCPSTAT_STATE_FIRST; state <= TCPSTAT_STATE_LAST; state++)
		seq_printf(seq, TCPSTAT_SEED_FMT, tcpstat_state_name(state),
			   c.n[state]);
	return 0;
}

static int tcpstat_single_open(struct file *file, struct net *net)
{
	int err = single_open(file, tcpstat_show, net);

	if (err)
		put_net(net);
	return err;
}

/*
 * /proc/tcpstat: the opener's namespace, bound at open like every /proc/net
 * file, so that a descriptor passed to another process, or read after
 * setns(), keeps counting the namespace it was opened in.
 */
static int tcpstat_open_current(struct inode *inode, struct file *file)
{
	return tcpstat_single_open(file, get_net(current->nsproxy->net_ns));
}

/* /proc/net/tcpstat, as single_open_net() opens the kernel's own. */
static int tcpstat_open_net(struct inode *inode, struct file *file)
{
	struct net *net = maybe_get_net(proc_get_parent_data(inode));

	if (!net)
		return -ENXIO;
	return tcpstat_single_open(file, net);
}

static int tcpstat_release(struct inode *inode, struct file *file)
{
	put_net(seq_file_single_net(file->private_data));
	return single_release(inode, file);
}

static const struct tcpstat_proc_ops tcpstat_current_fops =
	TCPSTAT_PROC_OPS(tcpstat_open_current, tcpstat_release);
static const struct tcpstat_proc_ops tcpstat_net_fops =
	TCPSTAT_PROC_OPS(tcpstat_open_net, tcpstat_release);

/* --- the tables -------------------------------------------------------------- */

/*
 * Who may read every namespace, one rule for every file that shows them:
 * checked at open, against the opener's credentials (like /proc/kallsyms),
 * so that a descriptor handed on carries the opener's right and no more.
 *
 * CAP_NET_ADMIN in the initial user namespace keeps out a container's root
 * (capable only in its own user namespace) and unprivileged users, but it
 * is also held by ordinary containers that have no user namespace (docker
 * --cap-add NET_ADMIN, Kubernetes NET_ADMIN for mesh init and CNI pods):
 * in their own network namespace they could not see other tenants without
 * the module (that takes setns(), i.e. CAP_SYS_ADMIN, or a shared pid
 * namespace), so the opener must also be in the initial network namespace.
 * A process that may setns() there may open the file from there.  The mode
 * stays 0444 so that a non-root exporter granted only CAP_NET_ADMIN may.
 */
static bool tcpstat_may_read_all(struct file *file)
{
	return net_eq(current->nsproxy->net_ns, &init_net) &&
	       file_ns_capable(file, &init_user_ns, CAP_NET_ADMIN);
}

static int tcpstat_all_open(struct inode *inode, struct file *file)
{
	if (!tcpstat_may_read_all(file))
		return -EPERM;
	return tcpstat_table_open(inode, file);
}

static const struct tcpstat_proc_ops tcpstat_all_fops =
	TCPSTAT_PROC_OPS(tcpstat_all_open, tcpstat_table_release);
static const struct tcpstat_proc_ops tcpstat_net_table_fops =
	TCPSTAT_PROC_OPS(tcpstat_table_open_net, tcpstat_table_release_net);

/* --- the files of each namespace ----------------------------------------------- */

/*
 * Our own operations where the kernel looks the entry up again after
 * setns() anyway (they also serve splice()); else the kernel's per-net
 * helpers, which make it do so (compat.h, TCPSTAT_OWN_NET_OPS).  Either
 * way the data of a table's entry is its type, and its namespace that of
 * the directory.
 */
static struct proc_dir_entry *tcpstat_create_seed(struct net *net)
{
	if (TCPSTAT_OWN_NET_OPS)
		return proc_create_data(TCPSTAT_FILE_SEED, 0444, net->proc_net,
					&tcpstat_net_fops, NULL);
	return proc_create_net_single(TCPSTAT_FILE_SEED, 0444, net->proc_net,
				      tcpstat_show, NULL);
}

static struct proc_dir_entry *tcpstat_create_table(struct net *net,
						   const char *name,
						   const struct tcpstat_table_type *type)
{
	if (TCPSTAT_OWN_NET_OPS)
		return proc_create_data(name, 0444, net->proc_net,
					&tcpstat_net_table_fops, (void *)type);
	return proc_create_net_data(name, 0444, net->proc_net, &type->seq,
				    sizeof(struct tcpstat_table), (void *)type);
}

static int __net_init tcpstat_net_init(struct net *net)
{
	if (!tcpstat_create_seed(net))
		goto out;
	if (!tcpstat_create_table(net, TCPSTAT_FILE_FAMILIES,
				  &tcpstat_families_table))
		goto out_seed;
	if (!tcpstat_create_table(net, TCPSTAT_FILE_PORTS, &tcpstat_ports_table))
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
	if (!proc_create(TCPSTAT_FILE_SEED, 0444, NULL, &tcpstat_current_fops))
		goto out_unregister_pernet;
	if (!proc_create_data(TCPSTAT_FILE_NETNS, 0444, NULL, &tcpstat_all_fops,
			      (void *)&tcpstat_netns_table))
		goto out_remove_seed;
	if (!proc_create_data(TCPSTAT_FILE_NETNS_PORTS, 0444, NULL,
			      &tcpstat_all_fops, (void *)&tcpstat_netns_ports_table))
		goto out_remove_netns;
	return 0;

out_remove_netns:
	remove_proc_entry(TCPSTAT_FILE_NETNS, NULL);
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
	remove_proc_entry(TCPSTAT_FILE_NETNS_PORTS, NULL);
	remove_proc_entry(TCPSTAT_FILE_NETNS, NULL);
	remove_proc_entry(TCPSTAT_FILE_SEED, NULL);
	unregister_pernet_subsys(&tcpstat_net_ops);
}

module_init(tcpstat_init);
module_exit(tcpstat_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP socket counts per state, family, port and namespace in /proc");
MODULE_VERSION(TCPSTAT_VERSION);
