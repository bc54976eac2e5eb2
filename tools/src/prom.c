// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stddef.h>

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
	const char *name;
	const char *type;
	const char *help;
	unsigned int need;	/* PORT_* the value needs, or 0 */
	size_t offset;		/* of the value in struct port_row */
};

static const struct port_metric port_metrics[] = {
	{ "tcpstat_port_listeners", "gauge",
	  "Listening sockets on the port.", 0,
	  offsetof(struct port_row, listeners) },
	{ "tcpstat_port_accept_queue", "gauge",
	  "Connections completed but not yet accepted, summed over the port's listeners (ss -lnt Recv-Q).",
	  0, offsetof(struct port_row, accept_queue) },
	{ "tcpstat_port_accept_max", "gauge",
	  "Accept queue limits summed over the port's listeners (ss -lnt Send-Q).",
	  PORT_ACCEPT_MAX, offsetof(struct port_row, accept_max) },
	{ "tcpstat_port_syn_queue", "gauge",
	  "Handshakes awaiting their final ACK, summed over the port's listeners.",
	  PORT_SYN_QUEUE, offsetof(struct port_row, syn_queue) },
	{ "tcpstat_port_fastopen_queue", "gauge",
	  "TCP Fast Open requests pending, summed over the port's listeners.",
	  PORT_FASTOPEN, offsetof(struct port_row, fastopen_queue) },
	{ "tcpstat_port_drops_total", "counter",
	  "Packets dropped by the port's current listeners (sk_drops), listen overflows included.",
	  PORT_DROPS, offsetof(struct port_row, drops) },
};

void prom_ports(struct sbuf *sb, const struct reading *r, port_filter_t keep)
{
	const struct port_metric *m;
	unsigned int st;
	size_t i;

	for (m = port_metrics; m < port_metrics + sizeof(port_metrics) /
	     sizeof(port_metrics[0]); m++) {
		int any = 0;

		for (i = 0; i < r->nports; i++) {
			const struct port_row *p = &r->ports[i];

			if (!port_kept(keep, p->port) ||
			    (m->need && !(p->have & m->need)))
				continue;
			if (!any++)
				family(sb, m->name, m->type, m->help);
			sbuf_printf(sb, "%s{port=\"%u\"} %" PRIu64 "\n", m->name,
				    p->port,
				    *(const uint64_t *)((const char *)p + m->offset));
		}
	}
	family(sb, "tcpstat_port_sockets", "gauge",
	       "TCP sockets by state whose local port is a listening port (ss -tan sport).");
	for (i = 0; i < r->nports; i++) {
		if (!port_kept(keep, r->ports[i].port))
			continue;
		for_each_state(st)
			sbuf_printf(sb, "tcpstat_port_sockets{port=\"%u\",state=\"%s\"} %"
				    PRIu64 "\n", r->ports[i].port,
				    tcpstat_state_name(st), r->ports[i].c.n[st]);
	}
}

void prom_netns(struct sbuf *sb, const struct reading *r)
{
	unsigned int f, st;
	size_t i;

	family(sb, "tcpstat_netns_sockets", "gauge",
	       "TCP sockets by network namespace (inode number), address family and state.");
	for (i = 0; i < r->nnetns; i++)
		for (f = 0; f < TCPSTAT_FAMILIES; f++)
			for_each_state(st)
				sbuf_printf(sb, "tcpstat_netns_sockets{netns=\"%" PRIu64
					    "\",family=\"%s\",state=\"%s\"} %" PRIu64 "\n",
					    r->netns[i].netns,
					    tcpstat_family_name(f),
					    tcpstat_state_name(st),
					    r->netns[i].fam[f].n[st]);
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
