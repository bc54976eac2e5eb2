/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser of the module's table files (see module/tcpstat_uapi.h): a header
 * line of column names, then rows of as many space-separated values.  The
 * caller names the columns it wants; they are found by name, in any order;
 * columns it does not know are skipped; a wanted column missing from the
 * header is an error if required, else reported absent.  Values are
 * unsigned decimal integers fitting 64 bits, except in "family" columns
 * (inet or inet6, read as 0 or 1).  Like the seed parser, it is fed chunks
 * split anywhere and keeps no more than one line.
 */
#ifndef TCPSTAT_TABLE_H
#define TCPSTAT_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define TABLE_LINE_MAX	8192	/* longest line, newline excluded */
#define TABLE_COLS_MAX	64	/* wanted columns */
#define TABLE_FILE_COLS_MAX 1024 /* columns of a file */

enum table_kind {
	COL_NUM,
	COL_FAMILY,
};

struct table_col {
	const char *name;
	enum table_kind kind;
	int required;
};

/* A row: vals[i] of wanted column i, if (present >> i) & 1. */
struct table_row {
	uint64_t vals[TABLE_COLS_MAX];
	uint64_t present;
};

/* Called per row; 0, or -1 with a message in err[0..errlen). */
typedef int (*table_row_fn)(void *arg, const struct table_row *row,
			    char *err, size_t errlen);

struct table_parser {
	const struct table_col *cols;
	unsigned int ncols;
	table_row_fn row;
	void *arg;
	int map[TABLE_FILE_COLS_MAX];	/* file column -> wanted column, or -1 */
	unsigned int file_cols;
	uint64_t present;		/* wanted columns the header has */
	unsigned long line;
	unsigned long rows;
	size_t len;
	int failed;
	char buf[TABLE_LINE_MAX];
	char err[256];
};

void table_init(struct table_parser *p, const struct table_col *cols,
		unsigned int ncols, table_row_fn row, void *arg);
/* 0, or -1 once the input is bad (p->line and p->err say where and why). */
int table_feed(struct table_parser *p, const char *data, size_t n);
int table_finish(struct table_parser *p);

#endif /* TCPSTAT_TABLE_H */
