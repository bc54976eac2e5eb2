/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPSTAT_H
#define TCPSTAT_H

#include <net/tcp_states.h>

struct net;

/* Sockets per state, indexed by the state ss and /proc/net/tcp report. */
struct tcpstat_counts {
	unsigned int n[TCP_MAX_STATES];
};

void tcpstat_count(struct net *net, struct tcpstat_counts *c);

#endif /* TCPSTAT_H */
