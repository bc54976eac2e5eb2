/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktcpstat --serve: a Prometheus exporter.  GET on the telemetry path takes
 * a fresh reading of every view (collect.h); scrapes that arrive while a
 * reading runs share it, so at most one reading is ever in flight.  The
 * HTTP side is http.h's.
 */
#ifndef TCPSTAT_SERVE_H
#define TCPSTAT_SERVE_H

#include "http.h"
#include "prom.h"
#include "sources.h"
#include "util.h"

/* Unallocated in Prometheus' default port allocations: see the README. */
#define TCPSTAT_SERVE_PORT	10742
#define TCPSTAT_SERVE_DEFAULT	"127.0.0.1:10742"

struct serve_opts {
	struct http_opts http;
	enum tcpstat_source source;
	struct source_ctx *ctx;
	int all_netns;
	port_filter_t keep;
	unsigned int netns_ports_max;
	int verbose;
};

/*
 * Serve until SIGINT or SIGTERM (SIGHUP reads the web configuration
 * again): 0, or an exit status with *e set.
 */
int serve(const struct serve_opts *o, struct tcpstat_err *e);

#endif /* TCPSTAT_SERVE_H */
