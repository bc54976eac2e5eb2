// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "output.h"

#define PROM_METRIC	"tcpstat_sockets"

/* An append-only string in a fixed buffer; over is set if it ran out. */
struct sbuf {
	char *buf;
	size_t size;
	size_t len;
	int over;
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sb->size - sb->len)
		sb->over = 1;
	else
		sb->len += (size_t)n;
}

static void render_json(struct sbuf *sb, const struct tcpstat_counts *c,
			int pretty, const char *time)
{
	const char *open = pretty ? "{\n  " : "{";
	const char *sep = pretty ? ",\n  " : ",";
	const char *colon = pretty ? ": " : ":";
	int i;

	sb_printf(sb, "%s", open);
	if (time)
		sb_printf(sb, "\"time\"%s\"%s\"%s", colon, time, sep);
	for (i = 0; i < TCPSTAT_NSTATES; i++)
		sb_printf(sb, "\"%s\"%s%" PRIu64 "%s", tcpstat_state_names[i],
			  colon, c->n[i], i + 1 < TCPSTAT_NSTATES ? sep : "");
	sb_printf(sb, "%s}\n", pretty ? "\n" : "");
}

static void render_prometheus(struct sbuf *sb, const struct tcpstat_counts *c)
{
	int i;

	sb_printf(sb, "# HELP " PROM_METRIC
		  " TCP sockets by state, as ss -tan counts them.\n");
	sb_printf(sb, "# TYPE " PROM_METRIC " gauge\n");
	for (i = 0; i < TCPSTAT_NSTATES; i++)
		sb_printf(sb, PROM_METRIC "{state=\"%s\"} %" PRIu64 "\n",
			  tcpstat_state_names[i], c->n[i]);
}

static int digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void render_text(struct sbuf *sb, const struct tcpstat_counts *c,
			const char *time)
{
	int i, w = 1;

	for (i = 0; i < TCPSTAT_NSTATES; i++)
		if (digits(c->n[i]) > w)
			w = digits(c->n[i]);
	if (time)
		sb_printf(sb, "%s\n", time);
	for (i = 0; i < TCPSTAT_NSTATES; i++)
		sb_printf(sb, "%-*s  %*" PRIu64 "\n", TCPSTAT_NAME_MAX,
			  tcpstat_state_names[i], w, c->n[i]);
}

int output_render(char *buf, size_t size, const struct tcpstat_counts *c,
		  const struct output_opts *o, const char *time)
{
	struct sbuf sb = { .buf = buf, .size = size };

	if (!size)
		return -1;
	switch (o->format) {
	case FORMAT_JSON:
		render_json(&sb, c, o->pretty, time);
		break;
	case FORMAT_PROMETHEUS:
		render_prometheus(&sb, c);
		break;
	case FORMAT_TEXT:
		render_text(&sb, c, time);
		break;
	}
	return sb.over ? -1 : (int)sb.len;
}

int output_time(char *buf, size_t size, const struct timespec *ts)
{
	struct tm tm;
	size_t n;
	int m;

	if (!gmtime_r(&ts->tv_sec, &tm))
		return -1;
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!n)
		return -1;
	m = snprintf(buf + n, size - n, ".%03ldZ", ts->tv_nsec / 1000000);
	return m < 0 || (size_t)m >= size - n ? -1 : 0;
}
