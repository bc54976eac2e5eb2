/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The eleven TCP states a socket can be reported in, in kernel order
 * (TCP_ESTABLISHED = 1 .. TCP_CLOSING = 11), named as /proc/tcpstat names
 * them.  Index i holds kernel state i + 1.
 */
#ifndef TCPSTAT_STATES_H
#define TCPSTAT_STATES_H

#include <stddef.h>
#include <stdint.h>

#define TCPSTAT_NSTATES		11
#define TCPSTAT_NAME_MAX	11	/* strlen("ESTABLISHED") */

struct tcpstat_counts {
	uint64_t n[TCPSTAT_NSTATES];
};

extern const char *const tcpstat_state_names[TCPSTAT_NSTATES];

/* Index of the state called name[0..len), or -1. */
int tcpstat_state_lookup(const char *name, size_t len);

/* Index of kernel state number st (1..11), or -1. */
static inline int tcpstat_state_index(unsigned int st)
{
	return st >= 1 && st <= TCPSTAT_NSTATES ? (int)st - 1 : -1;
}

#endif /* TCPSTAT_STATES_H */
