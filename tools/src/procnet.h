/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser of /proc/net/tcp and /proc/net/tcp6: a header line, then one line
 * per socket: "sl local_address rem_address st tx_queue:rx_queue ...",
 * addresses as HEX:PORT, the state in two hex digits (01 ESTABLISHED ..
 * 0B CLOSING; request sockets show as 03, timewait sockets as 05 or 06).
 * Only the state, and if asked the local port and rx_queue (a listener's
 * accept queue) are read.  The parser works byte by byte on chunks split
 * anywhere and keeps nothing of a line but a few counters, so its memory is
 * fixed whatever the number of sockets.
 */
#ifndef TCPSTAT_PROCNET_H
#define TCPSTAT_PROCNET_H

#include <stddef.h>
#include <stdint.h>

/*
 * Called for each socket line; 0 to go on, 1 to stop reading (the parse
 * still succeeds), -1 with a message in err to fail.
 */
typedef int (*procnet_fn)(void *arg, unsigned int state, unsigned int port,
			  uint64_t rx_queue, char *err, size_t errlen);

struct procnet_parser {
	procnet_fn fn;
	void *arg;
	int details;		/* read the port and rx_queue too */
	unsigned long line;	/* line being read, 1-based */
	unsigned long bytes;	/* bytes into the current line */
	unsigned int fields;	/* fields started on this line */
	uint64_t val[3];	/* state, port, rx_queue */
	unsigned int digits[3];	/* their lengths; BAD if not hex */
	int after_colon;	/* in a HEX:HEX field, past the colon */
	int in_field;
	int stopped;
	int failed;
	char err[128];
};

void procnet_init(struct procnet_parser *p, procnet_fn fn, void *arg,
		  int details);

/* 0, or -1 once the input is bad (p->line and p->err say where and why). */
int procnet_feed(struct procnet_parser *p, const char *data, size_t n);

/* End of input: 0 if the whole input (up to a stop) was good, or -1. */
int procnet_finish(struct procnet_parser *p);

#endif /* TCPSTAT_PROCNET_H */
