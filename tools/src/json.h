/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON written as it goes into a growing buffer: commas, nesting and
 * indentation (two spaces per level when pretty) handled in one place,
 * integers exact, every string escaped and valid UTF-8 (escape.h).
 */
#ifndef TCPSTAT_JSON_H
#define TCPSTAT_JSON_H

#include <stdint.h>

#include "sbuf.h"

#define JSON_DEPTH_MAX	8

struct json {
	struct sbuf *sb;
	int pretty;
	int depth;
	int count[JSON_DEPTH_MAX];	/* members written at each level */
};

void json_init(struct json *j, struct sbuf *sb, int pretty);
/* key is NULL for an array element or the top level. */
void json_open_object(struct json *j, const char *key);
void json_close_object(struct json *j);
void json_open_array(struct json *j, const char *key);
void json_close_array(struct json *j);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, long long v);
void json_double(struct json *j, const char *key, double v);
void json_null(struct json *j, const char *key);
void json_string(struct json *j, const char *key, const char *s);
/* The final newline. */
void json_end(struct json *j);

#endif /* TCPSTAT_JSON_H */
