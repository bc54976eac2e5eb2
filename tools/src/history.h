/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the rates under --interval are taken against: the previous
 * reading's per-namespace counters and per-port drops, kept by key, with
 * the monotonic time they were read.  Memory is bounded by namespaces and
 * listening ports.
 */
#ifndef TCPSTAT_HISTORY_H
#define TCPSTAT_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "reading.h"

struct ns_sample {
	uint64_t netns, cookie;
	int have_cookie;
	struct counters counters;
};

struct port_sample {
	uint64_t netns;
	unsigned int port;
	uint64_t listeners, drops;
};

struct history {
	int have;			/* a previous reading is kept */
	long long mono_ns;		/* when it was taken */
	struct ns_sample *ns;
	size_t nns, ns_cap;
	struct port_sample *ports;
	size_t nports, ports_cap;
};

/* Keep r (read at mono_ns) for the next reading's rates: 0 or -1 (memory). */
int history_take(struct history *h, const struct reading *r, long long mono_ns);
void history_free(struct history *h);

/*
 * A namespace's counter rates since the previous reading: 0 with *out set,
 * or -1 if not comparable (absent then, counters unread, or the namespace
 * recreated: another cookie).
 */
int history_netns_rates(const struct history *h, const struct netns_row *row,
			struct rates *out);

/*
 * A port's drops since the previous reading, and per second: 0, or -1 if
 * not comparable (absent then, no drops column, its listeners changed).
 * The column is a u32 counter (the kernel's per listener, summed modulo
 * 2^32): the delta is taken modulo 2^32, right across a wrap.
 */
int history_port_drops(const struct history *h, const struct port_row *p,
		       long long now_ns, uint64_t *delta, double *per_second);

#endif /* TCPSTAT_HISTORY_H */
