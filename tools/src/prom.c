// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "escape.h"
#include "owner.h"
#include "prom.h"

static void family(struct sbuf *sb, const char *name, const char *type,
		   const char *help)
{
	sbuf_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void prom_states(struct sbuf *sb, const struct state_counts *c)
{
	unsigned int st;

	family(sb, "tcpstat_sockets", "gauge",
	       "TCP sockets by state, as ss -tan counts them.");
	for_each_state(st)
		sbuf_printf(sb, "tcpstat_sockets{state=\"%s\"} %" PRIu64 "\n",
			    tcpstat_state_name(st), c->n[st]);
}

void prom_families(struct sbuf *sb, const struct state_counts *fam)
{
	unsigned int f, st;

	family(sb, "tcpstat_sockets", "gauge",
	       "TCP sockets by address family and state, as ss -tan counts them.");
	for (f = 0; f < TCPSTAT_FAMILIES; f++)
		for_each_state(st)
			sbuf_printf(sb, "tcpstat_sockets{family=\"%s\",state=\"%s\"} %"
				    PRIu64 "\n", tcpstat_family_name(f),
				    tcpstat_state_name(st), fam[f].n[st]);
}

struct port_metric {
	const char *name;	/* after tcpstat_port_ / tcpstat_netns_port_ */
	const char *type;
	const char *help;
	unsigned int need;	/* PORT_* the value needs, or 0 */
	size_t offset;		/* of the value in struct port_row */
};

static const struct port_metric port_metrics[] = {
	{ "listeners", "gauge",
	  "Listening sockets on the port.", 0,
	  offsetof(struct port_row, listeners) },
	{ "accept_queue", "gauge",
	  "Connections completed but not yet accepted, summed over the port's listeners (ss -lnt Recv-Q).",
	  0, offsetof(struct port_row, accept_queue) },
	{ "accept_max", "gauge",
	  "Accept queue limits summed over the port's listeners (ss -lnt Send-Q).",
	  PORT_ACCEPT_MAX, offsetof(struct port_row, accept_max) },
	{ "syn_queue", "gauge",
	  "Handshakes awaiting their final ACK, summed over the port's listeners.",
	  PORT_SYN_QUEUE, offsetof(struct port_row, syn_queue) },
	{ "fastopen_queue", "gauge",
	  "TCP Fast Open requests pending, summed over the port's listeners.",
	  PORT_FASTOPEN, offsetof(struct port_row, fastopen_queue) },
	{ "drops_total", "counter",
	  "Packets dropped by the port's current listeners (sk_drops, listen overflows included; u32 per listener, wraps at 2^32).",
	  PORT_DROPS, offsetof(struct port_row, drops) },
};

#define NPORT_METRICS	(sizeof(port_metrics) / sizeof(port_metrics[0]))

/* The labels of a port row: {port=""} or {netns="",port=""}. */
static void port_labels(struct sbuf *sb, const struct port_row *p,
			const char *state)
{
	sbuf_puts(sb, "{");
	if (p->netns)
		sbuf_printf(sb, "netns=\"%" PRIu64 "\",", p->netns);
	sbuf_printf(sb, "port=\"%u\"", p->port);
	if (state)
		sbuf_printf(sb, ",state=\"%s\"", state);
	sbuf_puts(sb, "}");
}

/*
 * Every port metric of the rows chosen by pick (row index; 1 to show),
 * named tcpstat_<prefix>port_...: what a source does not know is left out.
 */
static void port_families(struct sbuf *sb, const char *prefix,
			  const struct reading *r,
			  int (*pick)(const struct reading *r, size_t i,
				      const void *arg),
			  const void *arg)
{
	const struct port_metric *m;
	unsigned int st;
	size_t i;
	int any;

	for (m = port_metrics; m < port_metrics + NPORT_METRICS; m++) {
		any = 0;
		for (i = 0; i < r->nports; i++) {
			const struct port_row *p = &r->ports[i];

			if (!pick(r, i, arg) || (m->need && !(p->have & m->need)))
				continue;
			if (!any++) {
				char name[96];

				snprintf(name, sizeof(name), "tcpstat_%sport_%s",
					 prefix, m->name);
				family(sb, name, m->type, m->help);
			}
			sbuf_printf(sb, "tcpstat_%sport_%s", prefix, m->name);
			port_labels(sb, p, NULL);
			sbuf_printf(sb, " %" PRIu64 "\n",
				    *(const uint64_t *)((const char *)p + m->offset));
		}
	}
	any = 0;
	for (i = 0; i < r->nports; i++) {
		if (!pick(r, i, arg))
			continue;
		if (!any++) {
			char name[96];

			snprintf(name, sizeof(name), "tcpstat_%sport_sockets", prefix);
			family(sb, name, "gauge",
			       "TCP sockets by state whose local port is a listening port (ss -tan sport).");
		}
		for_each_state(st) {
			sbuf_printf(sb, "tcpstat_%sport_sockets", prefix);
			port_labels(sb, &r->ports[i], tcpstat_state_name(st));
			sbuf_printf(sb, " %" PRIu64 "\n", r->ports[i].c.n[st]);
		}
	}
}

static int pick_kept(const struct reading *r, size_t i, const void *arg)
{
	return port_kept((port_filter_t)arg, r->ports[i].port);
}

void prom_ports(struct sbuf *sb, const struct reading *r, port_filter_t keep)
{
	port_families(sb, "", r, pick_kept, keep);
}

/* A label="value" pair, the value escaped as the format says; if not empty. */
static void label(struct sbuf *sb, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	sbuf_printf(sb, ",%s=\"", name);
	escape_prom_label(sb, value);
	sbuf_puts(sb, "\"");
}

/*
 * Who owns each namespace, as an info metric (kube-state-metrics' way):
 * value series keep the netns label only, and a query joins
 *   ... * on(instance, netns) group_left(namespace, pod) tcpstat_netns_info
 * to name them.  Containers of a pod (and others sharing a container's
 * namespace) are one more info series each.
 */
static void prom_netns_info(struct sbuf *sb, const struct reading *r)
{
	unsigned int i, k, any;
	char names[1024];
	size_t len;

	family(sb, "tcpstat_netns_info", "gauge",
	       "Who owns each network namespace: owner is host, pod, container, service or unknown.");
	for (i = 0; i < r->nnetns; i++) {
		const struct netns_row *n = &r->netns[i];
		const struct netns_owner *w = &n->owner;

		sbuf_printf(sb, "tcpstat_netns_info{netns=\"%" PRIu64 "\",owner=\"%s\"",
			    n->netns, owner_kind_name(n->have_owner ?
						      (enum owner_kind)w->kind : OWNER_UNKNOWN));
		if (n->have_owner && w->kind == OWNER_POD) {
			label(sb, "namespace", w->pod_namespace);
			label(sb, "pod", w->pod_name);
			label(sb, "uid", w->pod_uid);
		} else if (n->have_owner && w->kind == OWNER_CONTAINER) {
			label(sb, "runtime", w->runtime);
			label(sb, "container_id", w->id);
			label(sb, "container", w->name);
		} else if (n->have_owner && w->kind == OWNER_SERVICE) {
			label(sb, "unit", w->name);
		}
		for (k = 0, len = 0; k < n->nnames && len < sizeof(names); k++)
			len += (size_t)snprintf(names + len, sizeof(names) - len,
						"%s%s", k ? "," : "", n->names[k]);
		if (n->nnames)
			label(sb, "netns_name", names);
		sbuf_puts(sb, "} 1\n");
	}
	for (i = 0, any = 0; i < r->nnetns; i++) {
		const struct netns_row *n = &r->netns[i];
		const struct netns_owner *w = &n->owner;

		for (k = 0; n->have_owner && k < w->ncontainers; k++) {
			if (!any++)
				family(sb, "tcpstat_netns_container_info", "gauge",
				       "The containers of a pod, or the others sharing a container's network namespace.");
			sbuf_printf(sb, "tcpstat_netns_container_info{netns=\"%" PRIu64 "\"",
				    n->netns);
			if (w->kind == OWNER_POD) {
				label(sb, "namespace", w->pod_namespace);
				label(sb, "pod", w->pod_name);
			}
			label(sb, "container", w->containers[k].name);
			label(sb, "container_id", w->containers[k].id);
			label(sb, "runtime", w->containers[k].runtime);
			sbuf_puts(sb, "} 1\n");
		}
	}
}

/* The bound on each namespace's port rows, and its port filter. */
struct netns_pick {
	port_filter_t keep;
	unsigned int max;
	unsigned long omitted;
};

static int pick_netns_port(const struct reading *r, size_t i, const void *arg)
{
	const struct netns_pick *np = arg;
	const struct port_row *p = &r->ports[i];
	size_t first = i, kept = 0;

	if (!port_kept(np->keep, p->port))
		return 0;
	if (!np->max)
		return 1;
	/* Its rank among its namespace's kept rows, which come in a run. */
	while (first > 0 && r->ports[first - 1].netns == p->netns)
		first--;
	for (; first < i; first++)
		kept += (size_t)port_kept(np->keep, r->ports[first].port);
	return kept < np->max;
}

void prom_netns(struct sbuf *sb, const struct reading *r, port_filter_t keep,
		unsigned int ports_max)
{
	struct netns_pick np = { .keep = keep, .max = ports_max };
	unsigned int f, st, i;
	size_t k;

	family(sb, "tcpstat_netns_sockets", "gauge",
	       "TCP sockets by network namespace (inode number), address family and state.");
	for (k = 0; k < r->nnetns; k++)
		for (f = 0; f < TCPSTAT_FAMILIES; f++)
			for_each_state(st)
				sbuf_printf(sb, "tcpstat_netns_sockets{netns=\"%" PRIu64
					    "\",family=\"%s\",state=\"%s\"} %" PRIu64 "\n",
					    r->netns[k].netns,
					    tcpstat_family_name(f),
					    tcpstat_state_name(st),
					    r->netns[k].fam[f].n[st]);
	prom_netns_info(sb, r);
	for (i = 0; i < CNT_COUNT; i++) {
		const struct counter_def *d = &counter_defs[i];
		int any = 0;

		for (k = 0; k < r->nnetns; k++) {
			if (!r->netns[k].have_counters)
				continue;
			if (!any++)
				sbuf_printf(sb, "# HELP tcpstat_netns_%s_total %s (%s: %s)\n"
					    "# TYPE tcpstat_netns_%s_total counter\n",
					    d->name, d->help, d->prefix, d->kernel,
					    d->name);
			sbuf_printf(sb, "tcpstat_netns_%s_total{netns=\"%" PRIu64 "\"} %"
				    PRIu64 "\n", d->name, r->netns[k].netns,
				    r->netns[k].counters.v[i]);
		}
	}
	if (!r->netns_ports)
		return;
	port_families(sb, "netns_", r, pick_netns_port, &np);
	for (k = 0; k < r->nports; k++)
		if (port_kept(keep, r->ports[k].port) &&
		    !pick_netns_port(r, k, &np))
			np.omitted++;
	family(sb, "tcpstat_netns_ports_omitted", "gauge",
	       "Port rows of namespaces left out of this scrape by the limit per namespace.");
	sbuf_printf(sb, "tcpstat_netns_ports_omitted %lu\n", np.omitted);
}

void prom_counters(struct sbuf *sb, const struct counters *c)
{
	unsigned int i;

	for (i = 0; i < CNT_COUNT; i++) {
		const struct counter_def *d = &counter_defs[i];

		sbuf_printf(sb, "# HELP tcpstat_%s_total %s (%s: %s)\n"
			    "# TYPE tcpstat_%s_total counter\n"
			    "tcpstat_%s_total %" PRIu64 "\n", d->name, d->help,
			    d->prefix, d->kernel, d->name, d->name, c->v[i]);
	}
}
