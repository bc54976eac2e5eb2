/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One reading of every view the exporter serves, rendered as Prometheus
 * text: the views themselves (each read as the one-shot reader reads it),
 * tcpstat_up{view} and tcpstat_scrape_collector_duration_seconds{view} for
 * each, the reading's own metrics and the process_* self metrics.  A view
 * is a row of the table in collect.c: adding one is adding a row.
 */
#ifndef TCPSTAT_COLLECT_H
#define TCPSTAT_COLLECT_H

#include "counters.h"
#include "prom.h"
#include "reading.h"
#include "sbuf.h"
#include "sources.h"

enum collect_view {
	CV_SOCKETS,
	CV_PORTS,
	CV_COUNTERS,
	CV_NETNS,
	CV_SYSCTL,
	CV_COUNT
};

struct collector {
	/* Set by collector_init(). */
	enum tcpstat_source source;
	struct source_ctx *ctx;
	int all_netns;
	port_filter_t keep;
	unsigned int netns_ports_max;	/* port rows per namespace, 0: all */
	int verbose;
	/* The readings' state. */
	unsigned long long readings;	/* taken, this one included */
	struct reading r[CV_COUNT];
	struct counters counters;
	unsigned long long max_tw_buckets;
	int up[CV_COUNT];		/* last state: -1 unknown, 0, 1 */
	double seconds[CV_COUNT];	/* how long each view took */
};

void collector_init(struct collector *c, enum tcpstat_source source,
		    struct source_ctx *ctx, int all_netns, port_filter_t keep,
		    unsigned int netns_ports_max, int verbose);
void collector_free(struct collector *c);

/*
 * A reading of every view into out (reset first).  A view that fails is
 * tcpstat_up 0, said on stderr when that changes, and the others are
 * rendered all the same.  0, or -1 if out of memory.
 */
int collect_reading(struct collector *c, struct sbuf *out);

/* process_* as Prometheus client libraries export them (procmetrics.c). */
void procmetrics_render(struct sbuf *sb);

#endif /* TCPSTAT_COLLECT_H */
