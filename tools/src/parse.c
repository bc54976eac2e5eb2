// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lines.h"
#include "parse.h"
#include "util.h"

#define QUOTED_MAX	(4 * 32 + 4)

static int fail(struct tcpstat_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct tcpstat_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	p->failed = 1;
	return -1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && is_blank(*s))
		s++;
	return s;
}

void tcpstat_parse_init(struct tcpstat_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->line = 1;
}

/* The count of state name: digits, then only blanks to the end. */
static int parse_count(struct tcpstat_parser *p, const char *name,
		       const char *s, const char *end, uint64_t *out)
{
	char q[QUOTED_MAX];
	const char *start = s;
	uint64_t v = 0;

	if (s == end)
		return fail(p, "missing count for %s", name);
	for (; s < end && is_digit(*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (v > (UINT64_MAX - d) / 10) {
			while (s < end && is_digit(*s))
				s++;
			quote(q, sizeof(q), start, (size_t)(s - start));
			return fail(p, "count for %s out of range (max %llu): '%s'",
				    name, (unsigned long long)UINT64_MAX, q);
		}
		v = v * 10 + d;
	}
	if (skip_blanks(s, end) != end || s == start) {
		quote(q, sizeof(q), start, (size_t)(end - start));
		return fail(p, "invalid count for %s: '%s'", name, q);
	}
	*out = v;
	return 0;
}

static int parse_line(struct tcpstat_parser *p, const char *s, const char *end)
{
	char q[QUOTED_MAX];
	const char *name;
	uint64_t v = 0;
	int st;

	s = skip_blanks(s, end);
	if (s == end)
		return fail(p, "blank line");
	for (name = s; s < end && !is_blank(*s) && *s != ':'; s++)
		;
	if (s == name)
		return fail(p, "missing state name before ':'");
	st = state_lookup(name, (size_t)(s - name));
	if (st < 0) {
		quote(q, sizeof(q), name, (size_t)(s - name));
		return fail(p, "unknown state '%s'", q);
	}
	if (p->seen_on[st])
		return fail(p, "duplicate state %s (first on line %lu)",
			    tcpstat_state_name((unsigned int)st), p->seen_on[st]);
	s = skip_blanks(s, end);
	if (s == end || *s != ':')
		return fail(p, "missing ':' after %s", tcpstat_state_name((unsigned int)st));
	s = skip_blanks(s + 1, end);
	if (parse_count(p, tcpstat_state_name((unsigned int)st), s, end, &v))
		return -1;
	p->counts.n[st] = v;
	p->seen_on[st] = p->line;
	return 0;
}

static int parse_one(void *p, const char *s, const char *end)
{
	return parse_line(p, s, end);
}

int tcpstat_parse_feed(struct tcpstat_parser *p, const char *data, size_t n)
{
	if (p->failed)
		return -1;
	if (lines_feed(p->buf, sizeof(p->buf), &p->len, &p->line, data, n,
		       parse_one, p) == LINES_TOO_LONG)
		return fail(p, "line too long (more than %d bytes)",
			    TCPSTAT_LINE_MAX);
	return p->failed ? -1 : 0;
}

static int fail_missing(struct tcpstat_parser *p)
{
	char list[TCPSTAT_STATES * (TCPSTAT_STATE_NAME_MAX + 2)];
	size_t len = 0;
	unsigned int st;
	int missing = 0;

	for_each_state(st) {
		if (p->seen_on[st])
			continue;
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					missing ? ", " : "",
					tcpstat_state_name(st));
		missing++;
	}
	if (!missing)
		return 0;
	return fail(p, "missing state%s %s", missing > 1 ? "s" : "", list);
}

int tcpstat_parse_finish(struct tcpstat_parser *p, struct state_counts *out)
{
	if (p->failed)
		return -1;
	if (p->len)
		return fail(p, "truncated line: no newline at end of file");
	if (p->line == 1)
		return fail(p, "empty file");
	if (fail_missing(p))
		return -1;
	*out = p->counts;
	return 0;
}
