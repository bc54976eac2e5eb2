// SPDX-License-Identifier: GPL-2.0
/*
 * proc entries made from a struct file_operations: before 5.6.  Exactly
 * one of this and proc_ops.c compiles.
 */
#include <linux/fs.h>
#include <linux/proc_fs.h>

static const struct file_operations tcpstat_probe_fops;

struct proc_dir_entry *tcpstat_probe(void);
struct proc_dir_entry *tcpstat_probe(void)
{
	return proc_create_data("tcpstat_probe", 0444, NULL,
				&tcpstat_probe_fops, NULL);
}
