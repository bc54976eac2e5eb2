/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Metrics in the Prometheus text exposition format, one family at a time
 * (HELP, TYPE, samples), under the names the one-shot reader and the
 * exporter share: tcpstat_sockets, tcpstat_port_*, tcpstat_netns_sockets
 * and tcpstat_<counter>_total.
 */
#ifndef TCPSTAT_PROM_H
#define TCPSTAT_PROM_H

#include <stdint.h>

#include "counters.h"
#include "reading.h"
#include "sbuf.h"

/* Ports to keep, one bit per port; NULL keeps all. */
typedef const uint8_t *port_filter_t;

static inline int port_kept(port_filter_t f, unsigned int port)
{
	return !f || (f[(port & 0xffff) / 8] >> (port % 8)) & 1;
}

/* tcpstat_sockets{state}: the seed view. */
void prom_states(struct sbuf *sb, const struct state_counts *c);
/* tcpstat_sockets{family,state}. */
void prom_families(struct sbuf *sb, const struct state_counts *fam);
/* tcpstat_port_*{port}: what a source does not know is left out. */
void prom_ports(struct sbuf *sb, const struct reading *r, port_filter_t keep);
/*
 * tcpstat_netns_sockets{netns,family,state}, tcpstat_netns_info (who owns
 * each namespace) and tcpstat_netns_container_info, each namespace's
 * counters as tcpstat_netns_<counter>_total{netns}; with its ports,
 * tcpstat_netns_port_*{netns,port}: at most ports_max per namespace (0:
 * all), those kept, and tcpstat_netns_ports_omitted.
 */
void prom_netns(struct sbuf *sb, const struct reading *r, port_filter_t keep,
		unsigned int ports_max);
/* tcpstat_<counter>_total. */
void prom_counters(struct sbuf *sb, const struct counters *c);

#endif /* TCPSTAT_PROM_H */
