// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "procnet.h"

#define F_LOCAL		2	/* "sl", local_address, rem_address, st, queues */
#define F_STATE		4
#define F_QUEUES	5
#define BAD		100	/* digits[] value marking a non-hex digit */

enum { V_STATE, V_PORT, V_RXQ };

void procnet_init(struct procnet_parser *p, procnet_fn fn, void *arg,
		  int details)
{
	memset(p, 0, sizeof(*p));
	p->fn = fn;
	p->arg = arg;
	p->details = details;
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

/* A whole socket line has been read: hand it over. */
static int end_line(struct procnet_parser *p)
{
	unsigned int last = p->details ? F_QUEUES : F_STATE;
	int ret;

	if (p->fields < last)
		return fail(p, "too few fields (no %s column)",
			    p->fields < F_STATE ? "state" : "queues");
	if (p->digits[V_STATE] != 2)
		return fail(p, "state column is not two hex digits");
	if (p->details && (!p->digits[V_PORT] || p->digits[V_PORT] > 4))
		return fail(p, "local address does not end in a hex port");
	if (p->details && (!p->digits[V_RXQ] || p->digits[V_RXQ] > 16))
		return fail(p, "queues column is not tx_queue:rx_queue in hex");
	ret = p->fn(p->arg, (unsigned int)p->val[V_STATE],
		    (unsigned int)p->val[V_PORT], p->val[V_RXQ], p->err,
		    sizeof(p->err));
	if (ret < 0)
		p->failed = 1;
	if (ret > 0)
		p->stopped = 1;
	return ret < 0 ? -1 : 0;
}

/* The value a field holds, if it is one we read; -1 otherwise. */
static int field_value(const struct procnet_parser *p)
{
	if (p->fields == F_STATE)
		return V_STATE;
	if (!p->details || !p->after_colon)
		return -1;
	if (p->fields == F_LOCAL)
		return V_PORT;
	return p->fields == F_QUEUES ? V_RXQ : -1;
}

static void field_byte(struct procnet_parser *p, char c)
{
	int v, i;

	if (!p->in_field) {
		p->in_field = 1;
		p->after_colon = 0;
		p->fields++;
	}
	if (c == ':') {
		p->after_colon = 1;
		return;
	}
	i = field_value(p);
	if (i < 0 || p->digits[i] >= BAD)
		return;
	v = hex_value(c);
	if (v < 0) {
		p->digits[i] = BAD;
		return;
	}
	p->val[i] = p->val[i] * 16 + (unsigned int)v;
	p->digits[i]++;
}

static void next_line(struct procnet_parser *p)
{
	p->line++;
	p->bytes = 0;
	p->fields = 0;
	memset(p->val, 0, sizeof(p->val));
	memset(p->digits, 0, sizeof(p->digits));
	p->in_field = 0;
	p->after_colon = 0;
}

int procnet_feed(struct procnet_parser *p, const char *data, size_t n)
{
	const char *end = data + n;
	unsigned int last = p->details ? F_QUEUES : F_STATE;

	while (data < end && !p->failed && !p->stopped) {
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
		if (p->fields > last) {
			/* Past what we read: jump to the end of the line. */
			const char *nl = memchr(data, '\n', (size_t)(end - data));

			p->bytes += (size_t)((nl ? nl : end) - data);
			data = nl ? nl : end;
		}
	}
	return p->failed ? -1 : 0;
}

int procnet_finish(struct procnet_parser *p)
{
	if (p->failed)
		return -1;
	if (p->stopped)
		return 0;
	if (p->bytes)
		return fail(p, "truncated line: no newline at end of file");
	if (p->line == 1)
		return fail(p, "empty file (no header line)");
	return 0;
}
