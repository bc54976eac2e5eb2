// SPDX-License-Identifier: GPL-2.0
/*
 * proc_ops with a read_iter method: from 5.10 ("proc: add a read_iter
 * method to proc proc_ops").  From 5.10 too, a file without one fails
 * splice() and sendfile() with EINVAL (36e2c7421f02 "fs: don't allow
 * splice read/write without explicit ops"); before, they fell back to read.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static const struct proc_ops tcpstat_probe_ops = {
	.proc_read_iter = seq_read_iter,
};

const struct proc_ops *tcpstat_probe(void);
const struct proc_ops *tcpstat_probe(void)
{
	return &tcpstat_probe_ops;
}
