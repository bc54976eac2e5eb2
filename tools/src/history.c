// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "history.h"

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;

	if (n <= *cap)
		return 0;
	q = reallocarray(*p, n, size);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

int history_take(struct history *h, const struct reading *r, long long mono_ns)
{
	size_t i;

	h->have = 0;
	if (grow((void **)&h->ns, &h->ns_cap, r->nnetns, sizeof(*h->ns)) ||
	    grow((void **)&h->ports, &h->ports_cap, r->nports, sizeof(*h->ports)))
		return -1;
	h->nns = 0;
	for (i = 0; i < r->nnetns; i++) {
		const struct netns_row *n = &r->netns[i];

		if (!n->have_counters)
			continue;
		h->ns[h->nns++] = (struct ns_sample){
			.netns = n->netns, .cookie = n->cookie,
			.have_cookie = n->have_cookie, .counters = n->counters,
		};
	}
	h->nports = 0;
	for (i = 0; i < r->nports; i++) {
		const struct port_row *p = &r->ports[i];

		if (!(p->have & PORT_DROPS))
			continue;
		h->ports[h->nports++] = (struct port_sample){
			.netns = p->netns, .port = p->port,
			.listeners = p->listeners, .drops = p->drops,
		};
	}
	h->mono_ns = mono_ns;
	h->have = 1;
	return 0;
}

void history_free(struct history *h)
{
	free(h->ns);
	free(h->ports);
	memset(h, 0, sizeof(*h));
}

/* Both arrays are in the reading's order: by netns, then port. */
static const struct ns_sample *find_ns(const struct history *h, uint64_t netns)
{
	size_t lo = 0, hi = h->nns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->ns[mid].netns == netns)
			return &h->ns[mid];
		if (h->ns[mid].netns < netns)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct port_sample *find_port(const struct history *h,
					   uint64_t netns, unsigned int port)
{
	size_t lo = 0, hi = h->nports;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct port_sample *s = &h->ports[mid];

		if (s->netns == netns && s->port == port)
			return s;
		if (s->netns < netns || (s->netns == netns && s->port < port))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int history_netns_rates(const struct history *h, const struct netns_row *row,
			struct rates *out)
{
	const struct ns_sample *s;

	if (!h->have || !row->have_counters)
		return -1;
	s = find_ns(h, row->netns);
	if (!s || s->have_cookie != row->have_cookie ||
	    (s->have_cookie && s->cookie != row->cookie))
		return -1;
	counters_rates(&s->counters, &row->counters, out);
	return 0;
}

int history_port_drops(const struct history *h, const struct port_row *p,
		       long long now_ns, uint64_t *delta, double *per_second)
{
	const struct port_sample *s;
	double seconds;

	if (!h->have || !(p->have & PORT_DROPS))
		return -1;
	s = find_port(h, p->netns, p->port);
	seconds = (double)(now_ns - h->mono_ns) / 1e9;
	if (!s || s->listeners != p->listeners || seconds <= 0)
		return -1;
	*delta = (p->drops - s->drops) % TCPSTAT_DROPS_WRAP;
	*per_second = (double)*delta / seconds;
	return 0;
}
