/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One reading of one view, whatever its source: the counts of a namespace
 * by state (the default), by family and state, per listening port, or of
 * every namespace.  Memory is bounded by ports or namespaces, never by
 * sockets.
 */
#ifndef TCPSTAT_READING_H
#define TCPSTAT_READING_H

#include <stddef.h>
#include <stdint.h>

#include "states.h"

enum view {
	VIEW_STATES,
	VIEW_FAMILIES,
	VIEW_PORTS,
	VIEW_NETNS,
	VIEW_COUNT
};

const char *view_name(enum view v);

/* What a port row knows beyond the listeners and the states. */
#define PORT_ACCEPT_MAX	(1U << 0)
#define PORT_SYN_QUEUE	(1U << 1)
#define PORT_FASTOPEN	(1U << 2)
#define PORT_DROPS	(1U << 3)

struct port_row {
	unsigned int port;
	unsigned int have;		/* PORT_* */
	uint64_t listeners;
	uint64_t accept_queue;
	uint64_t accept_max;
	uint64_t syn_queue;
	uint64_t fastopen_queue;
	uint64_t drops;
	struct state_counts c;
};

#define NETNS_PIDS_MAX	16

struct netns_row {
	uint64_t netns;			/* the namespace's inode number */
	uint64_t cookie;
	int have_cookie;
	struct state_counts fam[TCPSTAT_FAMILIES];
	int pids[NETNS_PIDS_MAX];	/* lowest first */
	unsigned int npids;
	char **names;			/* ip netns names */
	unsigned int nnames;
};

struct reading {
	enum view view;
	struct state_counts states;			/* VIEW_STATES */
	struct state_counts fam[TCPSTAT_FAMILIES];	/* VIEW_FAMILIES */
	struct port_row *ports;				/* VIEW_PORTS, by port */
	size_t nports, ports_cap;
	struct netns_row *netns;			/* VIEW_NETNS, by netns */
	size_t nnetns, netns_cap;
};

/* Forget the rows, keep the memory. */
void reading_reset(struct reading *r, enum view v);
void reading_free(struct reading *r);

/* A new zeroed port or netns row at the end; NULL if out of memory. */
struct port_row *reading_add_port(struct reading *r, unsigned int port);
struct netns_row *reading_add_netns(struct reading *r, uint64_t netns);

/*
 * The row of a port added since the reading was reset, in O(1) (a table of
 * all 65536 ports), or NULL; valid until reading_sort().
 */
struct port_row *ports_find(const struct reading *r, unsigned int port);

/* Rows in increasing port or netns order. */
void reading_sort(struct reading *r);

#endif /* TCPSTAT_READING_H */
