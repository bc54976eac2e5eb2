// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the two parsers: the module's format (parse.c) and
 * /proc/net/tcp (procnet.c).  Each input is parsed in one piece and again in
 * small chunks, which must agree to the byte; an input the module parser
 * accepts must survive a round trip through the module's own printf format
 * and render in every output format.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "parse.h"
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

struct result {
	int ret;
	unsigned long line;
	char err[256];
	struct tcpstat_counts counts;
};

static size_t chunk_size(const uint8_t *data, size_t size)
{
	size_t i, h = size;

	for (i = 0; i < size; i++)
		h = h * 31 + data[i];
	return 1 + h % 17;
}

static void module_parse(const char *s, size_t size, size_t chunk,
			 struct result *r)
{
	struct tcpstat_parser p;
	size_t off, n;

	memset(r, 0, sizeof(*r));
	tcpstat_parse_init(&p);
	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		if (tcpstat_parse_feed(&p, s + off, n))
			break;
	}
	r->ret = tcpstat_parse_finish(&p, &r->counts);
	r->line = p.line;
	CHECK(r->ret == 0 || p.err[0]);
	CHECK(p.line >= 1);
	if (r->ret)
		memcpy(r->err, p.err, sizeof(r->err));
}

static void procnet_parse(const char *s, size_t size, size_t chunk,
			  struct result *r)
{
	struct procnet_parser p;
	size_t off, n;

	memset(r, 0, sizeof(*r));
	procnet_init(&p);
	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		if (procnet_feed(&p, s + off, n))
			break;
	}
	r->ret = procnet_finish(&p, &r->counts);
	r->line = p.line;
	CHECK(r->ret == 0 || p.err[0]);
	if (r->ret)
		memcpy(r->err, p.err, sizeof(p.err));
}

/* Print as the module does (with 64-bit counts) and parse that again. */
static void round_trip(const struct tcpstat_counts *c)
{
	char text[TCPSTAT_NSTATES * 40];
	struct result r;
	size_t len = 0;
	int i;

	for (i = 0; i < TCPSTAT_NSTATES; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%-12s: %" PRIu64 "\n",
					tcpstat_state_names[i], c->n[i]);
	module_parse(text, len, len, &r);
	CHECK(r.ret == 0);
	CHECK(!memcmp(&r.counts, c, sizeof(*c)));
}

static void render_all(const struct tcpstat_counts *c)
{
	static const struct output_opts opts[] = {
		{ FORMAT_JSON, 0 }, { FORMAT_JSON, 1 },
		{ FORMAT_PROMETHEUS, 0 }, { FORMAT_TEXT, 0 },
	};
	char buf[OUTPUT_MAX];
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		CHECK(output_render(buf, sizeof(buf), c, &opts[i],
				    "2026-11-22T10:22:03.123Z") > 0);
		CHECK(output_render(buf, sizeof(buf), c, &opts[i], NULL) > 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t chunk = chunk_size(data, size);
	struct result whole, parts;

	module_parse(s, size, size ? size : 1, &whole);
	module_parse(s, size, chunk, &parts);
	CHECK(!memcmp(&whole, &parts, sizeof(whole)));
	if (!whole.ret) {
		round_trip(&whole.counts);
		render_all(&whole.counts);
	}

	procnet_parse(s, size, size ? size : 1, &whole);
	procnet_parse(s, size, chunk, &parts);
	CHECK(!memcmp(&whole, &parts, sizeof(whole)));
	return 0;
}
