/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The output formats.  A reading is rendered whole into a buffer and only
 * then written, so a failed reading never leaves half an output.
 */
#ifndef TCPSTAT_OUTPUT_H
#define TCPSTAT_OUTPUT_H

#include <stddef.h>
#include <time.h>

#include "counters.h"
#include "history.h"
#include "prom.h"
#include "reading.h"
#include "sbuf.h"

enum tcpstat_format {
	FORMAT_JSON,
	FORMAT_PROMETHEUS,
	FORMAT_TEXT,
};

#define TIME_MAX	32	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" and more */

struct output_opts {
	enum tcpstat_format format;
	int pretty;		/* JSON: two-space indent, one key per line */
	port_filter_t keep;	/* the ports to show (ports views), or NULL */
	/* Prometheus: port rows per namespace at most (0: no limit). */
	unsigned int netns_ports_max;
};

/* What one reading renders from, beside the reading itself. */
struct render {
	const struct reading *r;
	const char *time;		/* RFC 3339, or NULL for one reading */
	const struct rates *rates;	/* ports, from the second reading on */
	const struct counters *counters; /* ports in Prometheus format */
	/* Under --interval, the previous reading (per-namespace rates and
	 * per-port drops), and when this one was taken. */
	const struct history *hist;
	long long now_ns;
};

/*
 * Render into sb (appended), ending in a newline.  JSON puts the time first
 * as "time" (and the rows under "ports" or "netns"), text as a line of its
 * own before the table, Prometheus leaves it out.  0, or -1 if out of
 * memory.
 */
int output_render(struct sbuf *sb, const struct render *rc,
		  const struct output_opts *o);

/* ts (CLOCK_REALTIME) as RFC 3339 UTC with milliseconds; -1 on failure. */
int output_time(char *buf, size_t size, const struct timespec *ts);

#endif /* TCPSTAT_OUTPUT_H */
