/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser of /proc/net/tcp and /proc/net/tcp6: a header line, then one line
 * per socket whose fourth blank-separated field is the state in two hex
 * digits (01 ESTABLISHED .. 0B CLOSING; request sockets show as 03, timewait
 * sockets as 05 or 06).  Only that field is read.  The parser works byte by
 * byte on chunks split anywhere and keeps nothing of a line but a few
 * counters, so its memory is fixed whatever the number of sockets.
 */
#ifndef TCPSTAT_PROCNET_H
#define TCPSTAT_PROCNET_H

#include <stddef.h>

#include "states.h"

struct procnet_parser {
	struct tcpstat_counts counts;
	unsigned long line;	/* line being read, 1-based */
	unsigned long bytes;	/* bytes into the current line */
	unsigned int fields;	/* fields started on this line */
	unsigned int st;	/* value of the state field */
	unsigned int st_digits;	/* its length; > 2 if not hex */
	int in_field;
	int failed;
	char err[128];
};

void procnet_init(struct procnet_parser *p);

/* 0, or -1 once the input is bad (p->line and p->err say where and why). */
int procnet_feed(struct procnet_parser *p, const char *data, size_t n);

/* End of input: 0 and the counts added into *sum, or -1. */
int procnet_finish(struct procnet_parser *p, struct tcpstat_counts *sum);

#endif /* TCPSTAT_PROCNET_H */
