/* SPDX-License-Identifier: GPL-2.0 */
/* What the module's files share: the counts, the views, the table files. */
#ifndef TCPSTAT_H
#define TCPSTAT_H

#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/types.h>
/* Before seq_file_net.h, which uses netns_tracker without including it. */
#include <net/net_namespace.h>
#include <linux/seq_file_net.h>

#include "tcpstat_uapi.h"

struct net;

/* Sockets per state, indexed by the state ss and /proc/net/tcp report. */
struct tcpstat_counts {
	u32 n[TCPSTAT_NR_STATES];
};

/* The same per address family, indexed as tcpstat_family_name(). */
struct tcpstat_family_counts {
	struct tcpstat_counts fam[TCPSTAT_FAMILIES];
};

/* count.c: one namespace's sockets by state, and by family and state. */
void tcpstat_count(struct net *net, struct tcpstat_counts *c);
void tcpstat_count_families(struct net *net, struct tcpstat_family_counts *c);
/* A state no file knows (a newer kernel's): said once, counted nowhere. */
void tcpstat_unknown_state(unsigned int state);
/* The state columns of a table's header, and of a row. */
void tcpstat_show_states_header(struct seq_file *m);
void tcpstat_show_counts(struct seq_file *m, const struct tcpstat_counts *c);

/*
 * A table file (table.c): a header line, then rows, rendered as one
 * seq_file record.  A read from offset 0 has the type's fill() compute a
 * snapshot of rows; the whole text is rendered into the seq_file buffer,
 * from which every later read of that pass is served, and the rows are
 * freed.  So memory between reads is the text alone, charged to the
 * reader, and no state outlives the file's own seq_file: the same
 * operations serve a file opened by seq_open_net() (the kernel's per-net
 * helper) or by our own open.
 */
struct tcpstat_table;

struct tcpstat_table_type {
	/* The seq_file operations, TCPSTAT_TABLE_SEQ: start finds the type. */
	const struct seq_operations seq;
	size_t row_size;
	/*
	 * Fill t's snapshot for namespace net (NULL for the all-namespace
	 * tables), allocating it with tcpstat_table_alloc(): 0, -errno, or
	 * -ENOSPC with t->need set, to be called again with room for that.
	 */
	int (*fill)(struct tcpstat_table *t, struct net *net);
	void (*show_header)(struct seq_file *m);
	void (*show_row)(struct seq_file *m, const void *row);
};

struct tcpstat_table {
	/* First: seq_file_net(), and the layout seq_open_net() allocates. */
	struct seq_net_private p;
	void *rows;		/* the snapshot: nrows rows of the type's size */
	size_t nrows;
	size_t need;		/* rows a refused fill asked for */
	size_t last;		/* rows of this file's previous snapshot */
	size_t kept_for;	/* m->size when rows were kept for a retry */
	bool keep;		/* rows may be kept across a buffer retry */
};

void *tcpstat_table_start(struct seq_file *m, loff_t *pos);
void *tcpstat_table_next(struct seq_file *m, void *v, loff_t *pos);
void tcpstat_table_stop(struct seq_file *m, void *v);
int tcpstat_table_show(struct seq_file *m, void *v);

#define TCPSTAT_TABLE_SEQ {						\
	.start = tcpstat_table_start, .next = tcpstat_table_next,	\
	.stop = tcpstat_table_stop, .show = tcpstat_table_show,		\
}

/* Zeroed room for n rows, replacing t's snapshot; 0 or -ENOMEM. */
int tcpstat_table_alloc(struct tcpstat_table *t, size_t n, size_t row_size);
/* Rows a fill should make room for: what was asked, or seen last. */
size_t tcpstat_table_want(const struct tcpstat_table *t, size_t floor);

/* Our own opens: a table of every namespace, or of the entry's. */
int tcpstat_table_open(struct inode *inode, struct file *file);
int tcpstat_table_open_net(struct inode *inode, struct file *file);
int tcpstat_table_release(struct inode *inode, struct file *file);
int tcpstat_table_release_net(struct inode *inode, struct file *file);

/* The views. */
extern const struct tcpstat_table_type tcpstat_families_table;
extern const struct tcpstat_table_type tcpstat_ports_table;
extern const struct tcpstat_table_type tcpstat_netns_table;
extern const struct tcpstat_table_type tcpstat_netns_ports_table;

#endif /* TCPSTAT_H */
