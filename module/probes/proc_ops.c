// SPDX-License-Identifier: GPL-2.0
/*
 * proc entries made from a struct proc_ops: from 5.6.  Exactly one of
 * this and proc_fops.c compiles.
 */
#include <linux/proc_fs.h>

static const struct proc_ops tcpstat_probe_ops;

struct proc_dir_entry *tcpstat_probe(void);
struct proc_dir_entry *tcpstat_probe(void)
{
	return proc_create_data("tcpstat_probe", 0444, NULL,
				&tcpstat_probe_ops, NULL);
}
