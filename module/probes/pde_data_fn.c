// SPDX-License-Identifier: GPL-2.0
/* A proc entry's data by pde_data(): from 5.17 (PDE_DATA() before). */
#include <linux/fs.h>
#include <linux/proc_fs.h>

void *tcpstat_probe(const struct inode *inode);
void *tcpstat_probe(const struct inode *inode)
{
	return pde_data(inode);
}
