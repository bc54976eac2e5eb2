// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "reading.h"

const char *view_name(enum view v)
{
	static const char *const names[VIEW_COUNT] = {
		[VIEW_STATES] = "states",
		[VIEW_FAMILIES] = "families",
		[VIEW_PORTS] = "ports",
		[VIEW_NETNS] = "netns",
	};

	return v < VIEW_COUNT ? names[v] : "?";
}

static void free_names(struct netns_row *row)
{
	unsigned int i;

	for (i = 0; i < row->nnames; i++)
		free(row->names[i]);
	free(row->names);
	row->names = NULL;
	row->nnames = 0;
}

/*
 * Row index + 1 of each port, 0 for none: one reading at a time uses it (the
 * exporter reads under a lock).
 */
static uint32_t port_slot[65536];

void reading_reset(struct reading *r, enum view v)
{
	size_t i;

	if (v == VIEW_PORTS)
		memset(port_slot, 0, sizeof(port_slot));
	for (i = 0; i < r->nnetns; i++) {
		free_names(&r->netns[i]);
		free(r->netns[i].owner.containers);
	}
	for (i = 0; i < r->nstrs; i++)
		free(r->strs[i]);
	r->nstrs = 0;
	r->view = v;
	memset(&r->states, 0, sizeof(r->states));
	memset(r->fam, 0, sizeof(r->fam));
	r->nports = 0;
	r->nnetns = 0;
}

void reading_free(struct reading *r)
{
	reading_reset(r, r->view);
	free(r->ports);
	free(r->netns);
	free(r->strs);
	memset(r, 0, sizeof(*r));
}

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap * 2 : 64;
	void *q;

	if (n < *cap)
		return p;
	q = reallocarray(p, c, size);
	if (q)
		*cap = c;
	return q;
}

struct port_row *reading_add_port(struct reading *r, unsigned int port)
{
	struct port_row *rows = grow(r->ports, &r->ports_cap, r->nports,
				     sizeof(*rows));

	if (!rows)
		return NULL;
	r->ports = rows;
	memset(&rows[r->nports], 0, sizeof(*rows));
	rows[r->nports].port = port;
	port_slot[port & 0xffff] = (uint32_t)++r->nports;
	return &rows[r->nports - 1];
}

struct netns_row *reading_add_netns(struct reading *r, uint64_t netns)
{
	struct netns_row *rows = grow(r->netns, &r->netns_cap, r->nnetns,
				      sizeof(*rows));

	if (!rows)
		return NULL;
	r->netns = rows;
	memset(&rows[r->nnetns], 0, sizeof(*rows));
	rows[r->nnetns].netns = netns;
	return &rows[r->nnetns++];
}

char *reading_strdup(struct reading *r, const char *s)
{
	char **strs = grow(r->strs, &r->strs_cap, r->nstrs, sizeof(*strs));
	char *d;

	if (!strs)
		return NULL;
	r->strs = strs;
	d = strdup(s);
	if (d)
		strs[r->nstrs++] = d;
	return d;
}

static int by_netns_port(const void *a, const void *b)
{
	const struct port_row *x = a, *y = b;

	if (x->netns != y->netns)
		return (x->netns > y->netns) - (x->netns < y->netns);
	return (x->port > y->port) - (x->port < y->port);
}

/*
 * The two files are read one after the other: a namespace born between
 * the reads has ports but no row (its ports are dropped), one gone has a
 * row and no ports.
 */
void reading_link_ports(struct reading *r)
{
	size_t i = 0, p, kept = 0;

	if (r->nports)
		qsort(r->ports, r->nports, sizeof(*r->ports), by_netns_port);
	for (p = 0; p < r->nports; p++) {
		while (i < r->nnetns && r->netns[i].netns < r->ports[p].netns)
			i++;
		if (i < r->nnetns && r->netns[i].netns == r->ports[p].netns)
			r->ports[kept++] = r->ports[p];
	}
	r->nports = kept;
	for (i = 0, p = 0; i < r->nnetns; i++) {
		struct netns_row *n = &r->netns[i];

		n->port_first = p;
		while (p < r->nports && r->ports[p].netns == n->netns)
			p++;
		n->nports = p - n->port_first;
	}
}

struct port_row *ports_find(const struct reading *r, unsigned int port)
{
	uint32_t i = port_slot[port & 0xffff];

	return i && i <= r->nports && r->ports[i - 1].port == port ?
	       &r->ports[i - 1] : NULL;
}

static int by_port(const void *a, const void *b)
{
	const struct port_row *x = a, *y = b;

	return (x->port > y->port) - (x->port < y->port);
}

static int by_netns(const void *a, const void *b)
{
	const struct netns_row *x = a, *y = b;

	return (x->netns > y->netns) - (x->netns < y->netns);
}

void reading_sort(struct reading *r)
{
	if (r->nports)
		qsort(r->ports, r->nports, sizeof(*r->ports), by_port);
	if (r->nnetns)
		qsort(r->netns, r->nnetns, sizeof(*r->netns), by_netns);
}
