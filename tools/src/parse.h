/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strict parser of the seed files' format, as /proc/tcpstat prints it
 * (TCPSTAT_SEED_FMT): eleven lines "NAME : COUNT\n", one per state, each
 * state exactly once,
 * in any order.  Blanks (spaces, tabs) around the name, the colon and the
 * count are free; nothing else is.  COUNT is decimal digits only and must
 * fit in 64 bits.
 *
 * The parser is fed the bytes in chunks of any size, split anywhere, and
 * keeps no more than one line: memory is fixed whatever the input.
 */
#ifndef TCPSTAT_PARSE_H
#define TCPSTAT_PARSE_H

#include <stddef.h>

#include "states.h"

#define TCPSTAT_LINE_MAX	256	/* longest line, newline excluded */

struct tcpstat_parser {
	struct state_counts counts;
	unsigned long line;			/* line being read, 1-based */
	unsigned long seen_on[TCPSTAT_NR_STATES]; /* line of each state, or 0 */
	size_t len;				/* bytes of the line so far */
	int failed;
	char buf[TCPSTAT_LINE_MAX];
	char err[256];				/* the problem, once failed */
};

void tcpstat_parse_init(struct tcpstat_parser *p);

/*
 * Parse data[0..n).  0 on success; -1 once the input is known to be bad,
 * with p->line and p->err telling where and what.  A failed parser fails
 * every later call.
 */
int tcpstat_parse_feed(struct tcpstat_parser *p, const char *data, size_t n);

/* End of input: 0 and the counts in *out if the whole input was good. */
int tcpstat_parse_finish(struct tcpstat_parser *p, struct state_counts *out);

#endif /* TCPSTAT_PARSE_H */
