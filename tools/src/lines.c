// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "lines.h"

int lines_feed(char *buf, size_t size, size_t *len, unsigned long *line,
	       const char *data, size_t n,
	       int (*fn)(void *arg, const char *start, const char *end),
	       void *arg)
{
	while (n) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl ? (size_t)(nl - data) : n;

		if (take > size - *len)
			return LINES_TOO_LONG;
		memcpy(buf + *len, data, take);
		*len += take;
		if (!nl)
			break;
		if (fn(arg, buf, buf + *len))
			return -1;
		*len = 0;
		(*line)++;
		data += take + 1;
		n -= take + 1;
	}
	return 0;
}
