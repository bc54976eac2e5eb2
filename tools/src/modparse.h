/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's formats, for the view a reading is of: the seed format
 * (parse.h) for the states, and the table files (table.h) for the others,
 * with the columns the interface header names, and the rows checked for
 * what each table promises (families: exactly inet and inet6; ports and
 * namespaces: in increasing order, each once; two rows per namespace).
 * Fed chunks split anywhere; memory is one line plus the reading's rows.
 */
#ifndef TCPSTAT_MODPARSE_H
#define TCPSTAT_MODPARSE_H

#include <stddef.h>

#include "parse.h"
#include "reading.h"
#include "table.h"

/* The module's files, by format. */
enum modfile {
	MOD_SEED, MOD_FAMILIES, MOD_PORTS, MOD_NETNS, MOD_NETNS_PORTS, MOD_COUNT
};

struct modparse {
	struct reading *r;
	enum modfile file;
	unsigned long rows;	/* port rows this file added */
	struct tcpstat_parser seed;
	struct table_parser table;
	unsigned long seen;	/* families: rows by bit; netns: last complete */
};

/* Parse the file of view r->view into r (reset). */
void modparse_init(struct modparse *a, struct reading *r);
/*
 * Parse /proc/tcpstat_netns_ports, adding its rows to r's ports, each with
 * its namespace (not reset: after the namespaces of a VIEW_NETNS reading).
 */
void modparse_init_netns_ports(struct modparse *a, struct reading *r);
/* 0, or -1 once the input is bad. */
int modparse_feed(struct modparse *a, const char *buf, size_t n);
/* The line being read, for error messages. */
unsigned long modparse_line(const struct modparse *a);
/* End of input: 0, or -1 with the problem in err. */
int modparse_finish(struct modparse *a, char *err, size_t len);

#endif /* TCPSTAT_MODPARSE_H */
