// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "procnet.h"

#define ST_FIELD	4	/* "sl", local_address, rem_address, st */
#define ST_BAD		3	/* st_digits value marking a non-hex digit */

void procnet_init(struct procnet_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->line = 1;
}

static int fail(struct procnet_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct procnet_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	p->failed = 1;
	return -1;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A whole socket line has been read: count its state. */
static int end_line(struct procnet_parser *p)
{
	int i;

	if (p->fields < ST_FIELD)
		return fail(p, "too few fields (no state column)");
	if (p->st_digits != 2)
		return fail(p, "state column is not two hex digits");
	i = tcpstat_state_index(p->st);
	if (i < 0)
		return fail(p, "unknown state 0x%02X", p->st);
	p->counts.n[i]++;
	return 0;
}

static void field_byte(struct procnet_parser *p, char c)
{
	int v;

	if (!p->in_field) {
		p->in_field = 1;
		p->fields++;
	}
	if (p->fields != ST_FIELD || p->st_digits >= ST_BAD)
		return;
	v = hex_value(c);
	if (v < 0) {
		p->st_digits = ST_BAD;
		return;
	}
	p->st = p->st * 16 + (unsigned int)v;
	p->st_digits++;
}

static void next_line(struct procnet_parser *p)
{
	p->line++;
	p->bytes = 0;
	p->fields = 0;
	p->st = 0;
	p->st_digits = 0;
	p->in_field = 0;
}

int procnet_feed(struct procnet_parser *p, const char *data, size_t n)
{
	const char *end = data + n;

	while (data < end && !p->failed) {
		char c = *data++;

		if (c == '\n') {
			if (p->line > 1 && end_line(p))
				return -1;
			next_line(p);
			continue;
		}
		p->bytes++;
		if (p->line == 1) {
			continue;	/* the header */
		} else if (c == ' ' || c == '\t') {
			p->in_field = 0;
		} else {
			field_byte(p, c);
		}
		if (p->fields > ST_FIELD) {
			/* Past the state: jump to the end of the line. */
			const char *nl = memchr(data, '\n', (size_t)(end - data));

			p->bytes += (size_t)((nl ? nl : end) - data);
			data = nl ? nl : end;
		}
	}
	return p->failed ? -1 : 0;
}

int procnet_finish(struct procnet_parser *p, struct tcpstat_counts *sum)
{
	int i;

	if (p->failed)
		return -1;
	if (p->bytes)
		return fail(p, "truncated line: no newline at end of file");
	if (p->line == 1)
		return fail(p, "empty file (no header line)");
	for (i = 0; i < TCPSTAT_NSTATES; i++)
		sum->n[i] += p->counts.n[i];
	return 0;
}
