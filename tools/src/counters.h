/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A namespace's TCP counters, from /proc[/PID]/net/snmp ("Tcp:") and
 * /proc[/PID]/net/netstat ("TcpExt:"), read by name from the kernel's own
 * header lines, and the per-second rates of two samples.
 */
#ifndef TCPSTAT_COUNTERS_H
#define TCPSTAT_COUNTERS_H

#include <stdint.h>

#include "sources.h"

struct counter_def {
	const char *file;	/* under net/ */
	const char *prefix;	/* "Tcp" or "TcpExt" */
	const char *kernel;	/* the kernel's name */
	const char *name;	/* ours: JSON key, Prometheus tcpstat_<name>_total */
	const char *help;
};

extern const struct counter_def counter_defs[CNT_COUNT];

/* Read the namespace's counters (ctx->proc_root, ctx->pid); 0 or a status. */
int counters_read(const struct source_ctx *ctx, struct counters *c,
		  struct tcpstat_err *e);

/*
 * Between two samples: the interval on the monotonic clock, and each
 * counter's delta and per-second rate, valid unless it went backwards (the
 * namespace was recreated).
 */
struct rates {
	double seconds;
	int valid[CNT_COUNT];
	uint64_t delta[CNT_COUNT];
	double per_second[CNT_COUNT];
};

void counters_rates(const struct counters *prev, const struct counters *cur,
		    struct rates *out);

#endif /* TCPSTAT_COUNTERS_H */
