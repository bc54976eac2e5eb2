// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "modparse.h"

enum {
	C_FAMILY,
	C_NETNS,
	C_PORT,
	C_LISTENERS,
	C_ACCEPT_QUEUE,
	C_ACCEPT_MAX,
	C_SYN_QUEUE,
	C_FASTOPEN,
	C_DROPS,
	C_COOKIE,
	C_STATE0,	/* + state - TCPSTAT_STATE_FIRST */
	C_MAX = C_STATE0 + TCPSTAT_STATES
};

static struct table_col cols[MOD_COUNT][C_MAX];

/* The columns each table must have, from the interface header. */
static void init_cols(void)
{
	static const char *const names[C_STATE0] = {
		TCPSTAT_COL_FAMILY, TCPSTAT_COL_NETNS, TCPSTAT_COL_PORT,
		TCPSTAT_COL_LISTENERS, TCPSTAT_COL_ACCEPT_QUEUE,
		TCPSTAT_COL_ACCEPT_MAX, TCPSTAT_COL_SYN_QUEUE,
		TCPSTAT_COL_FASTOPEN_QUEUE, TCPSTAT_COL_DROPS,
		TCPSTAT_COL_COOKIE,
	};
	static const unsigned int required[MOD_COUNT] = {
		[MOD_FAMILIES] = 1U << C_FAMILY,
		[MOD_NETNS] = 1U << C_NETNS | 1U << C_FAMILY,
		[MOD_PORTS] = 1U << C_PORT | 1U << C_LISTENERS |
			      1U << C_ACCEPT_QUEUE | 1U << C_ACCEPT_MAX |
			      1U << C_SYN_QUEUE,
		[MOD_NETNS_PORTS] = 1U << C_NETNS | 1U << C_PORT |
				    1U << C_LISTENERS | 1U << C_ACCEPT_QUEUE |
				    1U << C_ACCEPT_MAX | 1U << C_SYN_QUEUE,
	};
	unsigned int v, c, st;

	if (cols[MOD_FAMILIES][0].name)
		return;
	for (v = MOD_FAMILIES; v < MOD_COUNT; v++) {
		for (c = 0; c < C_STATE0; c++) {
			cols[v][c].name = names[c];
			cols[v][c].kind = c == C_FAMILY ? COL_FAMILY : COL_NUM;
			cols[v][c].required = !!(required[v] & (1U << c));
		}
		for_each_state(st) {
			c = C_STATE0 + st - TCPSTAT_STATE_FIRST;
			cols[v][c].name = tcpstat_state_name(st);
			cols[v][c].kind = COL_NUM;
			cols[v][c].required = 1;
		}
	}
}

static void row_states(const struct table_row *row, struct state_counts *c)
{
	unsigned int st;

	for_each_state(st)
		c->n[st] = row->vals[C_STATE0 + st - TCPSTAT_STATE_FIRST];
}

static int have(const struct table_row *row, unsigned int c)
{
	return !!(row->present & (1ULL << c));
}

static int families_row(void *arg, const struct table_row *row, char *err,
			size_t len)
{
	struct modparse *a = arg;
	unsigned int f = (unsigned int)row->vals[C_FAMILY];

	if (a->seen & (1UL << f)) {
		snprintf(err, len, "duplicate family %s", tcpstat_family_name(f));
		return -1;
	}
	a->seen |= 1UL << f;
	row_states(row, &a->r->fam[f]);
	return 0;
}

/*
 * A row of tcpstat_ports, or of tcpstat_netns_ports (keyed by netns too):
 * rows in increasing order of their key, each once.
 */
static int ports_row(void *arg, const struct table_row *row, char *err,
		     size_t len)
{
	struct modparse *a = arg;
	struct reading *r = a->r;
	uint64_t port = row->vals[C_PORT];
	uint64_t ns = a->file == MOD_NETNS_PORTS ? row->vals[C_NETNS] : 0;
	const struct port_row *last = a->rows ? &r->ports[r->nports - 1] : NULL;
	struct port_row *p;

	if (port > 65535) {
		snprintf(err, len, "port %llu out of range",
			 (unsigned long long)port);
		return -1;
	}
	if (last && last->netns == ns && last->port >= port) {
		snprintf(err, len, "port %llu after port %u: not in increasing order",
			 (unsigned long long)port, last->port);
		return -1;
	}
	if (last && last->netns > ns) {
		snprintf(err, len, "netns %llu after netns %llu: not in increasing order",
			 (unsigned long long)ns, (unsigned long long)last->netns);
		return -1;
	}
	p = reading_add_port(r, (unsigned int)port);
	if (!p) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	a->rows++;
	p->netns = ns;
	p->have = PORT_ACCEPT_MAX | PORT_SYN_QUEUE |
		  (have(row, C_FASTOPEN) ? PORT_FASTOPEN : 0) |
		  (have(row, C_DROPS) ? PORT_DROPS : 0);
	p->listeners = row->vals[C_LISTENERS];
	p->accept_queue = row->vals[C_ACCEPT_QUEUE];
	p->accept_max = row->vals[C_ACCEPT_MAX];
	p->syn_queue = row->vals[C_SYN_QUEUE];
	p->fastopen_queue = row->vals[C_FASTOPEN];
	p->drops = row->vals[C_DROPS];
	row_states(row, &p->c);
	return 0;
}

/*
 * Two rows per namespace, inet then inet6, namespaces in increasing order.
 * a->seen: the last namespace has both its rows.
 */
static int netns_row(void *arg, const struct table_row *row, char *err,
		     size_t len)
{
	struct modparse *a = arg;
	struct reading *r = a->r;
	uint64_t ns = row->vals[C_NETNS];
	unsigned int f = (unsigned int)row->vals[C_FAMILY];
	struct netns_row *n = r->nnetns ? &r->netns[r->nnetns - 1] : NULL;

	if (f == 0 && !a->seen) {
		snprintf(err, len, "netns %llu: no %s row",
			 (unsigned long long)n->netns, TCPSTAT_FAMILY_INET6);
		return -1;
	}
	if (f == 1 && (a->seen || n->netns != ns)) {
		snprintf(err, len, "netns %llu: %s row without its %s row",
			 (unsigned long long)ns, TCPSTAT_FAMILY_INET6,
			 TCPSTAT_FAMILY_INET);
		return -1;
	}
	if (f == 0 && n && n->netns >= ns) {
		snprintf(err, len, "netns %llu after netns %llu: not in increasing order",
			 (unsigned long long)ns, (unsigned long long)n->netns);
		return -1;
	}
	if (f == 0) {
		n = reading_add_netns(r, ns);
		if (!n) {
			snprintf(err, len, "out of memory");
			return -1;
		}
		n->have_cookie = have(row, C_COOKIE);
		n->cookie = row->vals[C_COOKIE];
	}
	a->seen = f;
	row_states(row, &n->fam[f]);
	return 0;
}

static const table_row_fn row_fns[MOD_COUNT] = {
	[MOD_FAMILIES] = families_row,
	[MOD_PORTS] = ports_row,
	[MOD_NETNS] = netns_row,
	[MOD_NETNS_PORTS] = ports_row,
};

static void init_file(struct modparse *a, struct reading *r, enum modfile f)
{
	a->r = r;
	a->file = f;
	a->rows = 0;
	a->seen = f == MOD_NETNS;
	if (f == MOD_SEED) {
		tcpstat_parse_init(&a->seed);
		return;
	}
	init_cols();
	table_init(&a->table, cols[f], C_MAX, row_fns[f], a);
}

void modparse_init(struct modparse *a, struct reading *r)
{
	static const enum modfile files[VIEW_COUNT] = {
		[VIEW_STATES] = MOD_SEED,
		[VIEW_FAMILIES] = MOD_FAMILIES,
		[VIEW_PORTS] = MOD_PORTS,
		[VIEW_NETNS] = MOD_NETNS,
	};

	reading_reset(r, r->view);
	init_file(a, r, files[r->view]);
}

void modparse_init_netns_ports(struct modparse *a, struct reading *r)
{
	init_file(a, r, MOD_NETNS_PORTS);
}

int modparse_feed(struct modparse *a, const char *buf, size_t n)
{
	return a->file == MOD_SEED ? tcpstat_parse_feed(&a->seed, buf, n) :
				     table_feed(&a->table, buf, n);
}

unsigned long modparse_line(const struct modparse *a)
{
	return a->file == MOD_SEED ? a->seed.line : a->table.line;
}

/* End of input: 0, or -1 with the problem in err. */
int modparse_finish(struct modparse *a, char *err, size_t len)
{
	struct reading *r = a->r;

	if (a->file == MOD_SEED) {
		if (!tcpstat_parse_finish(&a->seed, &r->states))
			return 0;
		snprintf(err, len, "%s", a->seed.err);
		return -1;
	}
	if (table_finish(&a->table)) {
		snprintf(err, len, "%s", a->table.err);
		return -1;
	}
	if (a->file == MOD_FAMILIES && a->seen != 3) {
		snprintf(err, len, "families: want exactly the rows %s and %s",
			 TCPSTAT_FAMILY_INET, TCPSTAT_FAMILY_INET6);
		return -1;
	}
	if (a->file == MOD_NETNS && !a->seen) {
		snprintf(err, len, "netns %llu: no %s row",
			 (unsigned long long)r->netns[r->nnetns - 1].netns,
			 TCPSTAT_FAMILY_INET6);
		return -1;
	}
	return 0;
}

