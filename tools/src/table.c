// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lines.h"
#include "table.h"
#include "tcpstat_uapi.h"
#include "util.h"

static int fail(struct table_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct table_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	p->failed = 1;
	return -1;
}

void table_init(struct table_parser *p, const struct table_col *cols,
		unsigned int ncols, table_row_fn row, void *arg)
{
	memset(p, 0, sizeof(*p));
	p->cols = cols;
	p->ncols = ncols;
	p->row = row;
	p->arg = arg;
	p->line = 1;
}

/* The next field of s[0..end): its start and length; NULL at the end. */
static const char *field(const char *s, const char *end, size_t *len,
			 const char **next)
{
	const char *f = s;

	if (s == end)
		return NULL;
	while (s < end && *s != TCPSTAT_TABLE_SEP)
		s++;
	*len = (size_t)(s - f);
	*next = s < end ? s + 1 : s;
	return f;
}

static int header(struct table_parser *p, const char *s, const char *end)
{
	const char *f, *next;
	char q[4 * 32 + 4];
	unsigned int i;
	size_t len;

	for (; (f = field(s, end, &len, &next)); s = next) {
		if (!len)
			return fail(p, "header: empty column name");
		if (p->file_cols == TABLE_FILE_COLS_MAX)
			return fail(p, "header: more than %d columns",
				    TABLE_FILE_COLS_MAX);
		p->map[p->file_cols] = -1;
		for (i = 0; i < p->ncols; i++) {
			if (strlen(p->cols[i].name) != len ||
			    memcmp(p->cols[i].name, f, len))
				continue;
			if (p->present & (1ULL << i)) {
				quote(q, sizeof(q), f, len);
				return fail(p, "header: duplicate column '%s'", q);
			}
			p->present |= 1ULL << i;
			p->map[p->file_cols] = (int)i;
		}
		p->file_cols++;
	}
	for (i = 0; i < p->ncols; i++)
		if (p->cols[i].required && !(p->present & (1ULL << i)))
			return fail(p, "header: no column '%s'", p->cols[i].name);
	return 0;
}

static int number(struct table_parser *p, const struct table_col *c,
		  const char *f, size_t len, uint64_t *v)
{
	char q[4 * 32 + 4];
	size_t i;

	*v = 0;
	for (i = 0; i < len; i++) {
		unsigned int d = (unsigned int)(f[i] - '0');

		if (f[i] < '0' || f[i] > '9')
			break;
		if (*v > (UINT64_MAX - d) / 10) {
			quote(q, sizeof(q), f, len);
			return fail(p, "column %s: '%s' out of range (max %llu)",
				    c->name, q, (unsigned long long)UINT64_MAX);
		}
		*v = *v * 10 + d;
	}
	if (!len || i < len) {
		quote(q, sizeof(q), f, len);
		return fail(p, "column %s: invalid value '%s'", c->name, q);
	}
	return 0;
}

static int family(struct table_parser *p, const struct table_col *c,
		  const char *f, size_t len, uint64_t *v)
{
	char q[4 * 32 + 4];
	unsigned int i;

	for (i = 0; i < TCPSTAT_FAMILIES; i++) {
		const char *name = tcpstat_family_name(i);

		if (strlen(name) == len && !memcmp(name, f, len)) {
			*v = i;
			return 0;
		}
	}
	quote(q, sizeof(q), f, len);
	return fail(p, "column %s: unknown family '%s'", c->name, q);
}

static int row(struct table_parser *p, const char *s, const char *end)
{
	struct table_row r = { .present = p->present };
	const char *f, *next;
	unsigned int n = 0;
	size_t len;
	int w;

	for (; (f = field(s, end, &len, &next)); s = next, n++) {
		if (n == p->file_cols)
			return fail(p, "more values than the header's %u columns",
				    p->file_cols);
		w = p->map[n];
		if (w < 0)
			continue;
		if (p->cols[w].kind == COL_FAMILY ?
		    family(p, &p->cols[w], f, len, &r.vals[w]) :
		    number(p, &p->cols[w], f, len, &r.vals[w]))
			return -1;
	}
	if (n != p->file_cols)
		return fail(p, "%u values, the header has %u columns", n,
			    p->file_cols);
	p->rows++;
	if (p->row(p->arg, &r, p->err, sizeof(p->err))) {
		p->failed = 1;
		return -1;
	}
	return 0;
}

/* Exactly one separator between fields: none at either end of a line. */
static int line(void *arg, const char *s, const char *end)
{
	struct table_parser *p = arg;

	if (s < end && (*s == TCPSTAT_TABLE_SEP || end[-1] == TCPSTAT_TABLE_SEP))
		return fail(p, "blank at the start or end of the line");
	return p->line == 1 ? header(p, s, end) : row(p, s, end);
}

int table_feed(struct table_parser *p, const char *data, size_t n)
{
	if (p->failed)
		return -1;
	if (lines_feed(p->buf, sizeof(p->buf), &p->len, &p->line, data, n,
		       line, p) == LINES_TOO_LONG)
		return fail(p, "line too long (more than %d bytes)",
			    TABLE_LINE_MAX);
	return p->failed ? -1 : 0;
}

int table_finish(struct table_parser *p)
{
	if (p->failed)
		return -1;
	if (p->len)
		return fail(p, "truncated line: no newline at end of file");
	if (p->line == 1)
		return fail(p, "empty file (no header line)");
	return 0;
}
