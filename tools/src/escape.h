/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text other users can write (ip netns names, pod and container names from
 * directory names and runtime state files) made safe for each output:
 * valid UTF-8 everywhere (an invalid byte becomes U+FFFD), and
 *   JSON: '"', '\' and every control character escaped (\uXXXX);
 *   Prometheus label values: '\', '"' and newline escaped as the text
 *     format defines, any other control character U+FFFD (the format has
 *     no escape for it);
 *   text for a terminal: every control character, and U+FFFD's stand-in
 *     for a bad byte, written as \xHH, so nothing reaches the terminal
 *     that it would act on; a backslash doubled.
 * The callers bound the input's length.
 */
#ifndef TCPSTAT_ESCAPE_H
#define TCPSTAT_ESCAPE_H

#include <stddef.h>

#include "sbuf.h"

void escape_json(struct sbuf *sb, const char *s);
void escape_prom_label(struct sbuf *sb, const char *s);
/*
 * s for a terminal, into dst (always terminated): what does not fit is cut
 * at a character's boundary and marked "...".
 */
void escape_text(char *dst, size_t size, const char *s);

#endif /* TCPSTAT_ESCAPE_H */
