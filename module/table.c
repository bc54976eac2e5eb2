// SPDX-License-Identifier: GPL-2.0
/*
 * Table files: a header line, then one line per row of a snapshot, all of
 * it one seq_file record.
 *
 * A read from offset 0 (a first read, lseek() or pread() there) starts a
 * pass: start() has the type's fill() compute a snapshot of rows, show()
 * renders the whole table into the seq_file buffer, and stop() frees the
 * rows.  seq_file then serves every later read of the pass, of any size and
 * at any offset reached by reading on, from that buffer, under its own
 * lock: a reader sees one snapshot from offset 0 to the end, and a read as
 * large as the table gets all of it at once.  A read that lands elsewhere
 * (pread() or lseek() to an offset the pass is not at) makes seq_file
 * render the table again from offset 0 to get there: a new snapshot.
 *
 * The buffer starts at a page and seq_file doubles it and calls start()
 * again each time the record does not fit: the rows are kept for that
 * retry where our release frees them should it never come, so a table is
 * walked once per pass whatever its size; under the kernel's per-net
 * helpers (whose release knows nothing of them) they are not, and a large
 * table is computed again per doubling there.
 *
 * Nothing is ever half shown: a failed fill fails the read.  A fill
 * that finds more rows than it made room for is run again with room for
 * them, for as long as it takes, unless the reader is being killed; never
 * -EAGAIN, which seq_file takes for "buffer grown, try again" and would
 * loop on.
 */
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "tcpstat.h"

/* The whole table is record 0: start() returns this for it. */
#define TCPSTAT_TABLE_RECORD	SEQ_START_TOKEN

static const struct tcpstat_table_type *tcpstat_table_type(struct seq_file *m)
{
	return container_of(m->op, struct tcpstat_table_type, seq);
}

int tcpstat_table_alloc(struct tcpstat_table *t, size_t n, size_t row_size)
{
	void *rows = kvcalloc(n ? n : 1, row_size, GFP_KERNEL_ACCOUNT);

	if (!rows)
		return -ENOMEM;
	kvfree(t->rows);
	t->rows = rows;
	t->nrows = 0;
	return 0;
}

size_t tcpstat_table_want(const struct tcpstat_table *t, size_t floor)
{
	/* A quarter more: listeners or namespaces may come meanwhile. */
	size_t want = max(t->need, t->last) * 5 / 4;

	return max(want, floor);
}

static void tcpstat_table_drop(struct tcpstat_table *t)
{
	kvfree(t->rows);
	t->rows = NULL;
	t->nrows = 0;
	t->kept_for = 0;
}

static int tcpstat_table_fill(struct seq_file *m, struct tcpstat_table *t)
{
	const struct tcpstat_table_type *type = tcpstat_table_type(m);
	int err;

	t->need = 0;
	for (;;) {
		err = type->fill(t, seq_file_net(m));
		if (err != -ENOSPC)
			break;
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cond_resched();
	}
	if (err)
		tcpstat_table_drop(t);
	else
		t->last = t->nrows;
	return err;
}

void *tcpstat_table_start(struct seq_file *m, loff_t *pos)
{
	struct tcpstat_table *t = m->private;
	int err;

	if (*pos)
		return NULL;
	/* The same pass, with a buffer twice as large: the same rows. */
	if (t->rows && t->kept_for && m->size == 2 * t->kept_for) {
		t->kept_for = 0;
		return TCPSTAT_TABLE_RECORD;
	}
	tcpstat_table_drop(t);
	err = tcpstat_table_fill(m, t);
	return err ? ERR_PTR(err) : TCPSTAT_TABLE_RECORD;
}

void *tcpstat_table_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

/*
 * At the end of a pass (v NULL) or a failed one (an error) the rows go.
 * Stopped on the record itself, seq_file is about to retry it in a larger
 * buffer: keep them for that if our release would free them.
 */
void tcpstat_table_stop(struct seq_file *m, void *v)
{
	struct tcpstat_table *t = m->private;

	if (v == TCPSTAT_TABLE_RECORD && t->keep)
		t->kept_for = m->size;
	else
		tcpstat_table_drop(t);
}

int tcpstat_table_show(struct seq_file *m, void *v)
{
	const struct tcpstat_table_type *type = tcpstat_table_type(m);
	struct tcpstat_table *t = m->private;
	size_t i;

	type->show_header(m);
	/* Once the buffer is full, the rest would be thrown away. */
	for (i = 0; i < t->nrows && !seq_has_overflowed(m); i++)
		type->show_row(m, t->rows + i * type->row_size);
	return 0;
}

/* The all-namespace tables: the caller checked who may open them. */
int tcpstat_table_open(struct inode *inode, struct file *file)
{
	const struct tcpstat_table_type *type = tcpstat_pde_data(inode);
	struct tcpstat_table *t;

	t = __seq_open_private(file, &type->seq, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->keep = true;
	return 0;
}

int tcpstat_table_release(struct inode *inode, struct file *file)
{
	struct tcpstat_table *t = ((struct seq_file *)file->private_data)->private;

	tcpstat_table_drop(t);
	return seq_release_private(inode, file);
}

/*
 * A namespace's table, as seq_open_net() opens it: the namespace of the
 * entry's directory, referenced (and tracked) from open to release, so
 * that the file stays bound to it whatever the reader does meanwhile.
 * The entry goes with the namespace's pernet exit, which waits for this
 * open: the pointer is valid, the namespace may be dying (no reference
 * left).
 */
int tcpstat_table_open_net(struct inode *inode, struct file *file)
{
	const struct tcpstat_table_type *type = tcpstat_pde_data(inode);
	struct net *net = maybe_get_net(proc_get_parent_data(inode));
	struct tcpstat_table *t;

	if (!net)
		return -ENXIO;
	t = __seq_open_private(file, &type->seq, sizeof(*t));
	if (!t) {
		put_net(net);
		return -ENOMEM;
	}
	tcpstat_seq_net_hold(&t->p, net);
	t->keep = true;
	return 0;
}

/*
 * Called at close, and by remove_proc_entry() for files still open when
 * the module goes away.
 */
int tcpstat_table_release_net(struct inode *inode, struct file *file)
{
	struct tcpstat_table *t = ((struct seq_file *)file->private_data)->private;

	tcpstat_seq_net_put(&t->p);
	return tcpstat_table_release(inode, file);
}
