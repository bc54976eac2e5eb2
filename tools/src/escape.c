// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD in UTF-8 */

/*
 * The character at s: its length in bytes, and its code point in *cp; 0 if
 * the bytes there are not a well-formed UTF-8 sequence (overlong forms,
 * surrogates and code points past U+10FFFF included), of which the caller
 * takes one byte.
 */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* the NUL ends it too */
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* C0, DEL and C1 controls: what a terminal may act on. */
static int is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

void escape_json(struct sbuf *sb, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	size_t n;

	sbuf_puts(sb, "\"");
	while (*s) {
		n = utf8_next(s, &c);
		if (!n) {
			sbuf_puts(sb, "\\ufffd");
			s++;
			continue;
		}
		if (c == '"' || c == '\\')
			sbuf_printf(sb, "\\%c", (char)c);
		else if (is_control(c))
			sbuf_printf(sb, "\\u%04x", (unsigned int)c);
		else
			sbuf_printf(sb, "%.*s", (int)n, (const char *)s);
		s += n;
	}
	sbuf_puts(sb, "\"");
}

void escape_prom_label(struct sbuf *sb, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	size_t n;

	while (*s) {
		n = utf8_next(s, &c);
		if (!n) {
			sbuf_puts(sb, REPLACEMENT);
			s++;
			continue;
		}
		if (c == '"' || c == '\\')
			sbuf_printf(sb, "\\%c", (char)c);
		else if (c == '\n')
			sbuf_puts(sb, "\\n");
		else if (is_control(c))
			sbuf_puts(sb, REPLACEMENT);
		else
			sbuf_printf(sb, "%.*s", (int)n, (const char *)s);
		s += n;
	}
}

void escape_text(char *dst, size_t size, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t o = 0, n, i, need;
	char piece[32];
	uint32_t c;

	if (!size)
		return;
	while (*s) {
		n = utf8_next(s, &c);
		if (!n || is_control(c)) {
			/* Each byte of it, as \xHH. */
			need = 0;
			for (i = 0; i < (n ? n : 1); i++)
				need += (size_t)snprintf(piece + need, sizeof(piece) - need,
							 "\\x%02x", s[i]);
			n = n ? n : 1;
		} else if (c == '\\') {
			need = (size_t)snprintf(piece, sizeof(piece), "\\\\");
		} else {
			memcpy(piece, s, n);
			need = n;
		}
		/* Room for it and for "..." should more follow. */
		if (o + need + (s[n] ? 4 : 1) > size) {
			if (o + 4 <= size) {
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(dst + o, piece, need);
		o += need;
		s += n;
	}
	dst[o] = '\0';
}
