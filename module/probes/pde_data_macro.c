// SPDX-License-Identifier: GPL-2.0
/* A proc entry's data by PDE_DATA(): before 5.17. */
#include <linux/fs.h>
#include <linux/proc_fs.h>

void *tcpstat_probe(const struct inode *inode);
void *tcpstat_probe(const struct inode *inode)
{
	return PDE_DATA(inode);
}
