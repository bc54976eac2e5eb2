// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>

#include "escape.h"
#include "json.h"

void json_init(struct json *j, struct sbuf *sb, int pretty)
{
	j->sb = sb;
	j->pretty = pretty;
	j->depth = 0;
	j->count[0] = 0;
}

static void indent(struct json *j)
{
	int i;

	if (!j->pretty)
		return;
	sbuf_puts(j->sb, "\n");
	for (i = 0; i < j->depth; i++)
		sbuf_puts(j->sb, "  ");
}

/* The separator, the indentation and the key of a new member. */
static void member(struct json *j, const char *key)
{
	if (j->depth && j->count[j->depth]++)
		sbuf_puts(j->sb, ",");
	if (j->depth)
		indent(j);
	if (key) {
		escape_json(j->sb, key);
		sbuf_puts(j->sb, j->pretty ? ": " : ":");
	}
}

static void open_level(struct json *j, const char *key, const char *bracket)
{
	member(j, key);
	sbuf_puts(j->sb, bracket);
	if (j->depth + 1 < JSON_DEPTH_MAX)
		j->depth++;
	j->count[j->depth] = 0;
}

static void close_level(struct json *j, const char *bracket)
{
	int empty = !j->count[j->depth];

	if (j->depth)
		j->depth--;
	if (!empty)
		indent(j);
	sbuf_puts(j->sb, bracket);
}

void json_open_object(struct json *j, const char *key)
{
	open_level(j, key, "{");
}

void json_close_object(struct json *j)
{
	close_level(j, "}");
}

void json_open_array(struct json *j, const char *key)
{
	open_level(j, key, "[");
}

void json_close_array(struct json *j)
{
	close_level(j, "]");
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	member(j, key);
	sbuf_printf(j->sb, "%" PRIu64, v);
}

void json_int(struct json *j, const char *key, long long v)
{
	member(j, key);
	sbuf_printf(j->sb, "%lld", v);
}

void json_double(struct json *j, const char *key, double v)
{
	member(j, key);
	sbuf_printf(j->sb, "%.3f", v);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	sbuf_puts(j->sb, "null");
}

void json_string(struct json *j, const char *key, const char *s)
{
	member(j, key);
	escape_json(j->sb, s);
}

void json_end(struct json *j)
{
	sbuf_puts(j->sb, "\n");
}
