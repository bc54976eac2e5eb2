/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The output formats.  A reading is rendered whole into a caller's buffer
 * and only then written, so a failed reading never leaves half an output.
 */
#ifndef TCPSTAT_OUTPUT_H
#define TCPSTAT_OUTPUT_H

#include <stddef.h>
#include <time.h>

#include "states.h"

enum tcpstat_format {
	FORMAT_JSON,
	FORMAT_PROMETHEUS,
	FORMAT_TEXT,
};

#define OUTPUT_MAX	2048	/* enough for any reading in any format */
#define TIME_MAX	32	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" and more */

struct output_opts {
	enum tcpstat_format format;
	int pretty;		/* JSON: two-space indent, one key per line */
};

/*
 * Render one reading into buf, ending in a newline.  time is the reading's
 * RFC 3339 time or NULL: JSON puts it first as "time", text as a line of its
 * own before the states, Prometheus leaves it out.  Returns the length, or
 * -1 if buf is too small.
 */
int output_render(char *buf, size_t size, const struct tcpstat_counts *c,
		  const struct output_opts *o, const char *time);

/* ts (CLOCK_REALTIME) as RFC 3339 UTC with milliseconds; -1 on failure. */
int output_time(char *buf, size_t size, const struct timespec *ts);

#endif /* TCPSTAT_OUTPUT_H */
