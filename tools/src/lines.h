/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whole lines out of chunks split anywhere, for the parsers: at most one
 * line is kept, in the caller's buffer, so memory is fixed whatever the
 * input.
 */
#ifndef TCPSTAT_LINES_H
#define TCPSTAT_LINES_H

#include <stddef.h>

#define LINES_TOO_LONG	1

/*
 * Append data[0..n) to the line in buf (size bytes, *len used); for each
 * line completed, call fn(arg, start, end) (the newline excluded), then
 * count it in *line.  0; -1 as soon as fn returns it; LINES_TOO_LONG if a
 * line would not fit in buf.
 */
int lines_feed(char *buf, size_t size, size_t *len, unsigned long *line,
	       const char *data, size_t n,
	       int (*fn)(void *arg, const char *start, const char *end),
	       void *arg);

#endif /* TCPSTAT_LINES_H */
