// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

static int grow(struct sbuf *sb, size_t need)
{
	size_t size = sb->size ? sb->size : 1024;
	char *p;

	while (size - sb->len < need) {
		if (size > ((size_t)-1) / 2)
			return -1;
		size *= 2;
	}
	if (size == sb->size)
		return 0;
	p = realloc(sb->buf, size);
	if (!p)
		return -1;
	sb->buf = p;
	sb->size = size;
	return 0;
}

void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(sb, (size_t)n + 1)) {
		sb->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sbuf_puts(struct sbuf *sb, const char *s)
{
	size_t n = strlen(s);

	if (sb->failed)
		return;
	if (grow(sb, n + 1)) {
		sb->failed = 1;
		return;
	}
	memcpy(sb->buf + sb->len, s, n + 1);
	sb->len += n;
}

void sbuf_reset(struct sbuf *sb)
{
	sb->len = 0;
	sb->failed = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sbuf_free(struct sbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->size = 0;
	sb->failed = 0;
}
