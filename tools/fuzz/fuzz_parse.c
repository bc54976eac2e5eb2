// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over every parser of the reader: the module's formats
 * for each view (modparse.c: the seed parser and the table parser with each
 * table's columns and rules), /proc/net/tcp (procnet.c, with and without
 * the per-port details) and /proc/net/snmp-style counters.  Each input is
 * parsed in one piece and again in small chunks, which must agree to the
 * byte; a seed input that parses must survive a round trip through the
 * module's own line format; whatever parses renders in every output format.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modparse.h"
#include "output.h"
#include "procnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static size_t chunk_size(const uint8_t *data, size_t size)
{
	size_t i, h = size;

	for (i = 0; i < size; i++)
		h = h * 31 + data[i];
	return 1 + h % 17;
}

struct result {
	int ret;
	unsigned long line;
	char err[256];
};

/* Feed p the input in pieces of chunk bytes, then finish it into res. */
static void feed_all(struct modparse *p, const char *s, size_t size,
		     size_t chunk, struct result *res)
{
	size_t off, n;

	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		if (modparse_feed(p, s + off, n))
			break;
	}
	res->ret = modparse_finish(p, res->err, sizeof(res->err));
	res->line = modparse_line(p);
	CHECK(res->ret == 0 || res->err[0]);
}

static void module_parse(const char *s, size_t size, size_t chunk,
			 struct reading *r, struct result *res)
{
	struct modparse p;

	memset(res, 0, sizeof(*res));
	modparse_init(&p, r);
	feed_all(&p, s, size, chunk, res);
	CHECK(res->line >= 1);
}

/* The rows of two readings of one view, compared. */
static int same(const struct reading *a, const struct reading *b)
{
	return !memcmp(&a->states, &b->states, sizeof(a->states)) &&
	       !memcmp(a->fam, b->fam, sizeof(a->fam)) &&
	       a->nports == b->nports && a->nnetns == b->nnetns &&
	       (!a->nports || !memcmp(a->ports, b->ports,
				      a->nports * sizeof(*a->ports))) &&
	       (!a->nnetns || !memcmp(a->netns, b->netns,
				      a->nnetns * sizeof(*a->netns)));
}

/* Print as the module does (with 64-bit counts) and parse that again. */
static void round_trip(const struct state_counts *c)
{
	char text[TCPSTAT_STATES * 40];
	struct reading r = { .view = VIEW_STATES };
	struct result res;
	size_t len = 0;
	unsigned int st;

	for_each_state(st)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%-12s: %" PRIu64 "\n",
					tcpstat_state_name(st), c->n[st]);
	module_parse(text, len, len, &r, &res);
	CHECK(res.ret == 0);
	CHECK(!memcmp(&r.states, c, sizeof(*c)));
	reading_free(&r);
}

static void render_all(const struct reading *r)
{
	static const struct output_opts opts[] = {
		{ FORMAT_JSON, 0, NULL, 0 }, { FORMAT_JSON, 1, NULL, 0 },
		{ FORMAT_PROMETHEUS, 0, NULL, 2 }, { FORMAT_TEXT, 0, NULL, 0 },
	};
	struct counters c = { .v = { 1, 2, 3 }, .mono_ns = 2000000000 };
	struct counters prev = { .v = { 0, 5, 3 }, .mono_ns = 1000000000 };
	struct render rc = { .r = r, .counters = &c };
	struct sbuf sb = { 0 };
	struct rates rates;
	size_t i;

	counters_rates(&prev, &c, &rates);
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		sbuf_reset(&sb);
		rc.time = NULL;
		rc.rates = NULL;
		CHECK(output_render(&sb, &rc, &opts[i]) == 0 && sb.len > 0);
		rc.time = "2026-11-22T10:22:03.123Z";
		rc.rates = &rates;
		CHECK(output_render(&sb, &rc, &opts[i]) == 0);
		CHECK(sb.buf[sb.len - 1] == '\n');
	}
	sbuf_free(&sb);
}

static void fuzz_view(const char *s, size_t size, size_t chunk, enum view v)
{
	struct reading whole = { .view = v }, parts = { .view = v };
	struct result a, b;

	module_parse(s, size, size ? size : 1, &whole, &a);
	module_parse(s, size, chunk, &parts, &b);
	CHECK(!memcmp(&a, &b, sizeof(a)));
	if (!a.ret) {
		CHECK(same(&whole, &parts));
		if (v == VIEW_STATES)
			round_trip(&whole.states);
		render_all(&whole);
	}
	reading_free(&whole);
	reading_free(&parts);
}

/* tcpstat_netns_ports, its rows given namespaces of their own, rendered. */
static void netns_ports_parse(const char *s, size_t size, size_t chunk,
			      struct reading *r, struct result *res)
{
	struct modparse p;

	memset(res, 0, sizeof(*res));
	reading_reset(r, VIEW_NETNS);
	r->netns_ports = 1;
	modparse_init_netns_ports(&p, r);
	feed_all(&p, s, size, chunk, res);
}

static void fuzz_netns_ports(const char *s, size_t size, size_t chunk)
{
	struct reading whole = { .view = VIEW_NETNS }, parts = { .view = VIEW_NETNS };
	struct result a, b;
	size_t i;

	netns_ports_parse(s, size, size ? size : 1, &whole, &a);
	netns_ports_parse(s, size, chunk, &parts, &b);
	CHECK(!memcmp(&a, &b, sizeof(a)));
	if (!a.ret) {
		CHECK(same(&whole, &parts));
		for (i = 0; i < whole.nports; i++)
			if (!whole.nnetns ||
			    whole.netns[whole.nnetns - 1].netns != whole.ports[i].netns)
				CHECK(reading_add_netns(&whole, whole.ports[i].netns));
		reading_link_ports(&whole);
		CHECK(whole.nnetns <= whole.nports);
		render_all(&whole);
	}
	reading_free(&whole);
	reading_free(&parts);
}

struct procnet_sum {
	uint64_t lines, state, port, rxq;
};

static int on_line(void *arg, unsigned int state, unsigned int port,
		   uint64_t rxq, char *err, size_t len)
{
	struct procnet_sum *sum = arg;

	(void)err;
	(void)len;
	sum->lines++;
	sum->state += state;
	sum->port += port;
	sum->rxq += rxq;
	CHECK(state <= 0xff && port <= 0xffff);
	return 0;
}

static void procnet_parse(const char *s, size_t size, size_t chunk,
			  int details, struct result *res,
			  struct procnet_sum *sum)
{
	struct procnet_parser p;
	size_t off, n;

	memset(res, 0, sizeof(*res));
	memset(sum, 0, sizeof(*sum));
	procnet_init(&p, on_line, sum, details);
	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		if (procnet_feed(&p, s + off, n))
			break;
	}
	res->ret = procnet_finish(&p);
	res->line = p.line;
	CHECK(res->ret == 0 || p.err[0]);
	if (res->ret)
		memcpy(res->err, p.err, sizeof(p.err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t chunk = chunk_size(data, size);
	struct procnet_sum s1, s2;
	struct result a, b;
	int v, details;

	for (v = VIEW_STATES; v < VIEW_COUNT; v++)
		fuzz_view(s, size, chunk, (enum view)v);
	fuzz_netns_ports(s, size, chunk);
	for (details = 0; details <= 1; details++) {
		procnet_parse(s, size, size ? size : 1, details, &a, &s1);
		procnet_parse(s, size, chunk, details, &b, &s2);
		CHECK(!memcmp(&a, &b, sizeof(a)));
		CHECK(!memcmp(&s1, &s2, sizeof(s1)));
	}
	return 0;
}
