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
	uint64_t netns;			/* its namespace's, in a netns view; else 0 */
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

/* A namespace's TCP counters (counters.h names them). */
enum counter {
	CNT_ACTIVE_OPENS,
	CNT_PASSIVE_OPENS,
	CNT_ATTEMPT_FAILS,
	CNT_ESTAB_RESETS,
	CNT_LISTEN_OVERFLOWS,
	CNT_LISTEN_DROPS,
	CNT_REQQ_FULL_DROPS,
	CNT_RETRANS_SEGS,
	CNT_COUNT
};

struct counters {
	uint64_t v[CNT_COUNT];
	long long mono_ns;	/* CLOCK_MONOTONIC when read */
};

#define NETNS_PIDS_MAX	16

/* Who owns a namespace (owner.h), its strings the reading's. */
struct netns_container {
	char *name, *id, *runtime;	/* never NULL, maybe "" */
};

struct netns_owner {
	int kind;			/* enum owner_kind; 0 unknown */
	char *runtime, *id, *name;	/* never NULL once set, maybe "" */
	char *pod_namespace, *pod_name, *pod_uid;
	struct netns_container *containers;
	unsigned int ncontainers;
	unsigned int truncated;		/* containers left out */
};

struct netns_row {
	uint64_t netns;			/* the namespace's inode number */
	uint64_t cookie;
	int have_cookie;
	struct state_counts fam[TCPSTAT_FAMILIES];
	int pids[NETNS_PIDS_MAX];	/* lowest first */
	unsigned int npids;
	char **names;			/* ip netns names */
	unsigned int nnames;
	int have_owner;			/* owner resolved (not for --file) */
	struct netns_owner owner;
	size_t port_first, nports;	/* its rows in r->ports (with ports) */
	int have_counters;		/* counters read (through a pid of it) */
	struct counters counters;
};

struct reading {
	enum view view;
	int netns_ports;		/* VIEW_NETNS: each namespace's ports too */
	struct state_counts states;			/* VIEW_STATES */
	struct state_counts fam[TCPSTAT_FAMILIES];	/* VIEW_FAMILIES */
	struct port_row *ports;				/* VIEW_PORTS, by port */
	size_t nports, ports_cap;
	struct netns_row *netns;			/* VIEW_NETNS, by netns */
	size_t nnetns, netns_cap;
	char **strs;					/* reading_strdup()'s */
	size_t nstrs, strs_cap;
};

/* Forget the rows, keep the memory. */
void reading_reset(struct reading *r, enum view v);
void reading_free(struct reading *r);

/* A new zeroed port or netns row at the end; NULL if out of memory. */
struct port_row *reading_add_port(struct reading *r, unsigned int port);
struct netns_row *reading_add_netns(struct reading *r, uint64_t netns);
/*
 * Give each namespace row (sorted) its port rows (r->ports, sorted here by
 * netns, then port); rows of a namespace the reading has not are dropped.
 */
void reading_link_ports(struct reading *r);
/* A copy of s owned by the reading (freed at reset); NULL if out of memory. */
char *reading_strdup(struct reading *r, const char *s);

/*
 * The row of a port added since the reading was reset, in O(1) (a table of
 * all 65536 ports), or NULL; valid until reading_sort().
 */
struct port_row *ports_find(const struct reading *r, unsigned int port);

/* Rows in increasing port or netns order. */
void reading_sort(struct reading *r);

#endif /* TCPSTAT_READING_H */
