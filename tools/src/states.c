// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "states.h"

const char *const tcpstat_state_names[TCPSTAT_NSTATES] = {
	"ESTABLISHED",
	"SYN_SENT",
	"SYN_RECV",
	"FIN_WAIT1",
	"FIN_WAIT2",
	"TIME_WAIT",
	"CLOSE",
	"CLOSE_WAIT",
	"LAST_ACK",
	"LISTEN",
	"CLOSING",
};

int tcpstat_state_lookup(const char *name, size_t len)
{
	int i;

	for (i = 0; i < TCPSTAT_NSTATES; i++)
		if (strlen(tcpstat_state_names[i]) == len &&
		    !memcmp(tcpstat_state_names[i], name, len))
			return i;
	return -1;
}
