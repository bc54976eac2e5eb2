// SPDX-License-Identifier: GPL-2.0
/*
 * One reading of every view, as the exporter serves it.  Each view is read
 * as the one-shot reader reads it (the module, else netlink, else procfs,
 * decided again at every reading); one that fails is reported by
 * tcpstat_up{view} 0 and a line on stderr when that changes, and the
 * others are served all the same (HTTP 200: see ktcpstat(8)).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "collect.h"
#include "escape.h"
#include "http.h"
#include "nsinfo.h"

#define MODULE_VERSION_FILE	"/sys/module/tcpstat/version"

struct view_ops {
	const char *name;
	/* Whether this exporter serves the view at all. */
	int (*enabled)(const struct collector *c);
	/* Read it into the collector: 0, or an exit status with *e set. */
	int (*read)(struct collector *c, enum tcpstat_source *used,
		    struct tcpstat_err *e);
	/* Its metrics, once read. */
	void (*render)(const struct collector *c, struct sbuf *sb);
};

static int always(const struct collector *c)
{
	(void)c;
	return 1;
}

static int netns_enabled(const struct collector *c)
{
	return c->all_netns;
}

static int read_source(struct collector *c, enum collect_view v,
		       enum view what, enum tcpstat_source *used,
		       struct tcpstat_err *e)
{
	c->r[v].view = what;
	return source_read(c->ctx, c->source, &c->r[v], used, NULL, 0, e);
}

static int read_sockets(struct collector *c, enum tcpstat_source *used,
			struct tcpstat_err *e)
{
	return read_source(c, CV_SOCKETS, VIEW_FAMILIES, used, e);
}

static int read_ports(struct collector *c, enum tcpstat_source *used,
		      struct tcpstat_err *e)
{
	return read_source(c, CV_PORTS, VIEW_PORTS, used, e);
}

/* Every namespace with its ports, who owns it and its counters. */
static int read_netns(struct collector *c, enum tcpstat_source *used,
		      struct tcpstat_err *e)
{
	int ret;

	c->r[CV_NETNS].netns_ports = 1;
	ret = read_source(c, CV_NETNS, VIEW_NETNS, used, e);
	if (ret)
		return ret;
	return nsinfo_annotate(c->ctx, &c->r[CV_NETNS],
			       NSINFO_OWNERS | NSINFO_COUNTERS, e);
}

/* The serving namespace's own (not --pid's: /proc/sys is the reader's). */
static int sysctl_enabled(const struct collector *c)
{
	return !c->ctx->pid;
}

static int read_sysctl(struct collector *c, enum tcpstat_source *used,
		       struct tcpstat_err *e)
{
	char path[PATH_MAX];
	unsigned long long v;
	FILE *f;
	int ok;

	*used = SOURCE_PROCFS;
	if (proc_path(path, sizeof(path), c->ctx->proc_root, 0,
		      "sys/net/ipv4/tcp_max_tw_buckets")) {
		err_set(e, EXIT_RUNTIME, "tcp_max_tw_buckets: path too long");
		return EXIT_RUNTIME;
	}
	f = fopen(path, "re");
	if (!f) {
		err_set(e, EXIT_RUNTIME, "%s: %s", path, strerror(errno));
		return EXIT_RUNTIME;
	}
	ok = fscanf(f, "%llu", &v) == 1;
	fclose(f);
	if (!ok) {
		err_set(e, EXIT_RUNTIME, "%s: not a number", path);
		return EXIT_RUNTIME;
	}
	c->max_tw_buckets = v;
	return 0;
}

static int read_counters(struct collector *c, enum tcpstat_source *used,
			 struct tcpstat_err *e)
{
	*used = SOURCE_PROCFS;
	return counters_read(c->ctx, &c->counters, e);
}

static void render_sockets(const struct collector *c, struct sbuf *sb)
{
	prom_families(sb, c->r[CV_SOCKETS].fam);
}

static void render_ports(const struct collector *c, struct sbuf *sb)
{
	prom_ports(sb, &c->r[CV_PORTS], c->keep);
}

static void render_counters(const struct collector *c, struct sbuf *sb)
{
	prom_counters(sb, &c->counters);
}

static void render_netns(const struct collector *c, struct sbuf *sb)
{
	prom_netns(sb, &c->r[CV_NETNS], c->keep, c->netns_ports_max);
}

static void render_sysctl(const struct collector *c, struct sbuf *sb)
{
	sbuf_printf(sb, "# HELP tcpstat_tcp_max_tw_buckets net.ipv4.tcp_max_tw_buckets of the namespace the exporter runs in: TIME_WAIT sockets past it are not kept.\n"
		    "# TYPE tcpstat_tcp_max_tw_buckets gauge\n"
		    "tcpstat_tcp_max_tw_buckets %llu\n", c->max_tw_buckets);
}

static const struct view_ops views[CV_COUNT] = {
	[CV_SOCKETS] = { "sockets", always, read_sockets, render_sockets },
	[CV_PORTS] = { "ports", always, read_ports, render_ports },
	[CV_COUNTERS] = { "counters", always, read_counters, render_counters },
	[CV_NETNS] = { "netns", netns_enabled, read_netns, render_netns },
	[CV_SYSCTL] = { "sysctl", sysctl_enabled, read_sysctl, render_sysctl },
};

void collector_init(struct collector *c, enum tcpstat_source source,
		    struct source_ctx *ctx, int all_netns, port_filter_t keep,
		    unsigned int netns_ports_max, int verbose)
{
	unsigned int v;

	memset(c, 0, sizeof(*c));
	c->source = source;
	c->ctx = ctx;
	c->all_netns = all_netns;
	c->keep = keep;
	c->netns_ports_max = netns_ports_max;
	c->verbose = verbose;
	for (v = 0; v < CV_COUNT; v++)
		c->up[v] = -1;
}

void collector_free(struct collector *c)
{
	unsigned int v;

	for (v = 0; v < CV_COUNT; v++)
		reading_free(&c->r[v]);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* One view, timed: 1 if read, else 0 and said when that changes. */
static int read_view(struct collector *c, enum collect_view v)
{
	enum tcpstat_source used = c->source;
	struct tcpstat_err e;
	struct timespec t0;
	int up;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	up = !views[v].read(c, &used, &e);
	c->seconds[v] = seconds_since(&t0);
	if (up != c->up[v]) {
		if (!up)
			http_log("view %s: %s", views[v].name, e.msg);
		else if (c->up[v] == 0 || c->verbose)
			http_log("view %s: read (%s)", views[v].name,
				 source_name(used));
		c->up[v] = up;
	}
	return up;
}

static void module_version(char *buf, size_t size)
{
	FILE *f = fopen(MODULE_VERSION_FILE, "re");

	buf[0] = '\0';
	if (f && fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

static void render_build_info(struct sbuf *sb)
{
	char version[64];

	module_version(version, sizeof(version));
	sbuf_puts(sb, "# HELP tcpstat_build_info The reader's version, and the loaded module's (empty if none).\n"
		  "# TYPE tcpstat_build_info gauge\n"
		  "tcpstat_build_info{version=\"");
	escape_prom_label(sb, TCPSTAT_VERSION);
	sbuf_puts(sb, "\",module_version=\"");
	escape_prom_label(sb, version);
	sbuf_puts(sb, "\"} 1\n");
}

/* tcpstat_up and the per-view durations, for the views served. */
static void render_views_state(const struct collector *c, const int *up,
			       struct sbuf *sb)
{
	unsigned int v;

	sbuf_puts(sb, "# HELP tcpstat_up Whether the view could be read at this scrape.\n"
		  "# TYPE tcpstat_up gauge\n");
	for (v = 0; v < CV_COUNT; v++)
		if (up[v] >= 0)
			sbuf_printf(sb, "tcpstat_up{view=\"%s\"} %d\n",
				    views[v].name, up[v]);
	sbuf_puts(sb, "# HELP tcpstat_scrape_collector_duration_seconds How long reading the view took at this scrape.\n"
		  "# TYPE tcpstat_scrape_collector_duration_seconds gauge\n");
	for (v = 0; v < CV_COUNT; v++)
		if (up[v] >= 0)
			sbuf_printf(sb, "tcpstat_scrape_collector_duration_seconds{view=\"%s\"} %.6f\n",
				    views[v].name, c->seconds[v]);
}

int collect_reading(struct collector *c, struct sbuf *out)
{
	int up[CV_COUNT];
	struct timespec t0;
	double total;
	unsigned int v;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (v = 0; v < CV_COUNT; v++)
		up[v] = views[v].enabled(c) ? read_view(c, (enum collect_view)v) : -1;
	total = seconds_since(&t0);
	c->readings++;

	sbuf_reset(out);
	render_build_info(out);
	render_views_state(c, up, out);
	sbuf_printf(out, "# HELP tcpstat_scrape_duration_seconds How long the reading served took, every view.\n"
		    "# TYPE tcpstat_scrape_duration_seconds gauge\n"
		    "tcpstat_scrape_duration_seconds %.6f\n", total);
	sbuf_printf(out, "# HELP tcpstat_readings_total Readings taken; concurrent scrapes share one.\n"
		    "# TYPE tcpstat_readings_total counter\n"
		    "tcpstat_readings_total %llu\n", c->readings);
	procmetrics_render(out);
	for (v = 0; v < CV_COUNT; v++)
		if (up[v] > 0)
			views[v].render(c, out);
	return sbuf_failed(out) ? -1 : 0;
}
