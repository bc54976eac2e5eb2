/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A string that grows as it is appended to.  An allocation failure is
 * remembered and reported once, by sbuf_failed(), at the end.
 */
#ifndef TCPSTAT_SBUF_H
#define TCPSTAT_SBUF_H

#include <stddef.h>

struct sbuf {
	char *buf;
	size_t len;
	size_t size;
	int failed;
};

void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sbuf_puts(struct sbuf *sb, const char *s);
/* Forget the contents, keep the memory. */
void sbuf_reset(struct sbuf *sb);
void sbuf_free(struct sbuf *sb);

static inline int sbuf_failed(const struct sbuf *sb)
{
	return sb->failed;
}

#endif /* TCPSTAT_SBUF_H */
