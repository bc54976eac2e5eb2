// SPDX-License-Identifier: GPL-2.0
/*
 * Table files: a header line, then one line per row of a snapshot.
 *
 * A single_open() file re-runs its show() from the start every time the
 * output outgrows the seq_file buffer: for a table of many rows that is
 * several full walks per read.  Here a read from offset 0 computes the
 * snapshot once, into memory owned by the open file and charged to the
 * reader; every read at a later offset, of whatever size, is served from
 * it, one row per seq_file record.  The next read from offset 0 (lseek or
 * pread) takes a new snapshot; close frees it.
 */
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "tcpstat.h"

int tcpstat_table_alloc(struct tcpstat_table *t, size_t n, size_t size)
{
	void *rows = n ? kvcalloc(n, size, GFP_KERNEL_ACCOUNT) : NULL;

	if (n && !rows)
		return -ENOMEM;
	kvfree(t->rows);
	t->rows = rows;
	t->nrows = n;
	t->row_size = size;
	return 0;
}

static void tcpstat_table_drop(struct tcpstat_table *t)
{
	kvfree(t->rows);
	t->rows = NULL;
	t->nrows = 0;
}

/* Position 0 is the header; position i > 0 is row i - 1. */
static void *tcpstat_table_at(struct tcpstat_table *t, loff_t pos)
{
	if (pos == 0)
		return SEQ_START_TOKEN;
	if (pos > t->nrows)
		return NULL;
	return t->rows + (pos - 1) * t->row_size;
}

static void *tcpstat_table_start(struct seq_file *m, loff_t *pos)
{
	struct tcpstat_table *t = m->private;
	int err;

	if (*pos == 0 && READ_ONCE(t->refill)) {
		WRITE_ONCE(t->refill, false);
		tcpstat_table_drop(t);
		err = t->type->fill(t);
		if (err) {
			/* Nothing half-filled is ever shown. */
			tcpstat_table_drop(t);
			WRITE_ONCE(t->refill, true);
			return ERR_PTR(err);
		}
	}
	return tcpstat_table_at(t, *pos);
}

static void *tcpstat_table_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return tcpstat_table_at(m->private, *pos);
}

static void tcpstat_table_stop(struct seq_file *m, void *v)
{
}

static int tcpstat_table_show(struct seq_file *m, void *v)
{
	struct tcpstat_table *t = m->private;

	if (v == SEQ_START_TOKEN)
		t->type->show_header(m, t);
	else
		t->type->show_row(m, t, v);
	return 0;
}

static const struct seq_operations tcpstat_table_seq_ops = {
	.start = tcpstat_table_start,
	.next = tcpstat_table_next,
	.stop = tcpstat_table_stop,
	.show = tcpstat_table_show,
};

int tcpstat_table_open(struct file *file, const struct tcpstat_table_type *type,
		       struct net *net)
{
	struct tcpstat_table *t;
	int err;

	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->type = type;
	t->net = net;
	/* A first read at an offset other than 0 needs a snapshot too. */
	t->refill = true;
	err = seq_open(file, &tcpstat_table_seq_ops);
	if (err)
		goto out_free;
	((struct seq_file *)file->private_data)->private = t;
	return 0;

out_free:
	kfree(t);
	return err;
}

int tcpstat_table_open_net(struct inode *inode, struct file *file,
			   const struct tcpstat_table_type *type)
{
	/*
	 * The entry lives in the namespace's /proc/net and is removed by its
	 * pernet exit, which waits for this open: the pointer is valid, but
	 * the namespace may already be dying (no reference left).
	 */
	struct net *net = maybe_get_net(tcpstat_pde_data(inode));
	int err;

	if (!net)
		return -ENXIO;
	err = tcpstat_table_open(file, type, net);
	if (err)
		put_net(net);
	return err;
}

/*
 * Called at close, and by remove_proc_entry() for files still open when
 * the module goes away.
 */
int tcpstat_table_release(struct inode *inode, struct file *file)
{
	struct tcpstat_table *t = ((struct seq_file *)file->private_data)->private;

	tcpstat_table_drop(t);
	if (t->net)
		put_net(t->net);
	kfree(t);
	return seq_release(inode, file);
}

ssize_t tcpstat_table_read(struct file *file, char __user *buf, size_t size,
			   loff_t *ppos)
{
	struct tcpstat_table *t = ((struct seq_file *)file->private_data)->private;

	if (*ppos == 0)
		WRITE_ONCE(t->refill, true);
	return seq_read(file, buf, size, ppos);
}
