/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a rendered reading goes: stdout, written whole, or a file replaced
 * atomically (a temporary file in the same directory, then rename(2)), so
 * that a reader such as node_exporter never sees half a reading.  A FIFO
 * or a character device is written in place; a directory, socket, block
 * device or dangling symlink is refused, never replaced.
 */
#ifndef TCPSTAT_SINK_H
#define TCPSTAT_SINK_H

#include <stddef.h>

#include "util.h"

#define SINK_CLOSED	(-1)	/* stdout's reader went away (EPIPE) */

/* Call once at start-up, before any sink_write() to a file. */
void sink_init(void);

/*
 * Write buf[0..len) to path, or to stdout if path is NULL.  0 on success,
 * SINK_CLOSED if stdout is a pipe nobody reads any more, else the exit
 * status with *e set (EXIT_INPUT for a path that is not to be written).
 */
int sink_write(const char *path, const char *buf, size_t len,
	       struct tcpstat_err *e);

#endif /* TCPSTAT_SINK_H */
