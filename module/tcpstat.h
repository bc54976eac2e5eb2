/* SPDX-License-Identifier: GPL-2.0 */
/* What the module's files share: the counts, the views, the table files. */
#ifndef TCPSTAT_H
#define TCPSTAT_H

#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/types.h>

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
/* The state columns of a table's header, and of a row. */
void tcpstat_show_states_header(struct seq_file *m);
void tcpstat_show_counts(struct seq_file *m, const struct tcpstat_counts *c);
/* The two rows of the families table. */
void tcpstat_show_family_rows(struct seq_file *m,
			      const struct tcpstat_family_counts *c);

/*
 * A table file (table.c): a header line, then rows, computed once per read
 * from offset 0 by the type's fill() into a snapshot owned by the open
 * file, charged to the reader and freed on the next fill or at close.
 */
struct tcpstat_table;

struct tcpstat_table_type {
	/* Fill t's snapshot (tcpstat_table_alloc()); 0 or -errno. */
	int (*fill)(struct tcpstat_table *t);
	void (*show_header)(struct seq_file *m, const struct tcpstat_table *t);
	void (*show_row)(struct seq_file *m, const struct tcpstat_table *t,
			 const void *row);
};

struct tcpstat_table {
	const struct tcpstat_table_type *type;
	struct net *net;	/* per-namespace tables: held while open */
	void *rows;		/* the snapshot: nrows rows of row_size bytes */
	size_t nrows;
	size_t row_size;
	bool refill;		/* the next read from offset 0 takes a new one */
};

/* A zeroed snapshot of n rows of size bytes, replacing t's; 0 or -ENOMEM. */
int tcpstat_table_alloc(struct tcpstat_table *t, size_t n, size_t size);
/* Open a table of that type, of namespace net (referenced) or of none. */
int tcpstat_table_open(struct file *file, const struct tcpstat_table_type *type,
		       struct net *net);
int tcpstat_table_release(struct inode *inode, struct file *file);
ssize_t tcpstat_table_read(struct file *file, char __user *buf, size_t size,
			   loff_t *ppos);
/* Open of a per-namespace table: the namespace is the proc entry's data. */
int tcpstat_table_open_net(struct inode *inode, struct file *file,
			   const struct tcpstat_table_type *type);

/* The views. */
extern const struct tcpstat_table_type tcpstat_families_table;
extern const struct tcpstat_table_type tcpstat_ports_table;
extern const struct tcpstat_table_type tcpstat_netns_table;

#endif /* TCPSTAT_H */
