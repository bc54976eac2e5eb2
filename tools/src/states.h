/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counts per TCP state, indexed by the kernel's state number as the
 * interface header (module/tcpstat_uapi.h) numbers them: slot 0 is unused.
 */
#ifndef TCPSTAT_STATES_H
#define TCPSTAT_STATES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tcpstat_uapi.h"

struct state_counts {
	uint64_t n[TCPSTAT_NR_STATES];
};

#define for_each_state(st) \
	for ((st) = TCPSTAT_STATE_FIRST; (st) <= TCPSTAT_STATE_LAST; (st)++)

static inline int state_valid(unsigned int st)
{
	return st >= TCPSTAT_STATE_FIRST && st <= TCPSTAT_STATE_LAST;
}

/* The state called name[0..len), or -1. */
static inline int state_lookup(const char *name, size_t len)
{
	unsigned int st;

	for_each_state(st)
		if (strlen(tcpstat_state_name(st)) == len &&
		    !memcmp(tcpstat_state_name(st), name, len))
			return (int)st;
	return -1;
}

static inline void counts_add(struct state_counts *dst,
			      const struct state_counts *src)
{
	unsigned int st;

	for_each_state(st)
		dst->n[st] += src->n[st];
}

#endif /* TCPSTAT_STATES_H */
