// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace references tracked by the refcount tracker, as seq_open_net()
 * takes them: netns_tracker_alloc() and put_net_track(), and the tracker in
 * struct seq_net_private (5.17, "net: add networking namespace refcount
 * tracker").  Before, a reference is a plain get_net()/put_net().
 */
#include <net/net_namespace.h>
#include <linux/seq_file_net.h>

void tcpstat_probe(struct net *net, struct seq_net_private *p);
void tcpstat_probe(struct net *net, struct seq_net_private *p)
{
	p->net = net;
	netns_tracker_alloc(net, &p->ns_tracker, GFP_KERNEL);
	put_net_track(p->net, &p->ns_tracker);
}
