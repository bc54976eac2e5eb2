/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network namespaces this process can see, by inode number: from the
 * processes under /proc (/proc/PID/ns/net) and the `ip netns` names
 * (bind mounts under /run/netns).  Memory is bounded by namespaces.
 */
#ifndef TCPSTAT_NSINFO_H
#define TCPSTAT_NSINFO_H

#include <stdint.h>

#include "reading.h"
#include "util.h"

#define NETNS_RUN_DIR	"/run/netns"

/*
 * Call fn once per distinct namespace, with a path that opens it; 0, the
 * first non-zero value fn returned, or EXIT_RUNTIME with *e set.
 */
int nsinfo_each(const char *proc_root,
		int (*fn)(void *arg, uint64_t inode, const char *path,
			  struct tcpstat_err *e),
		void *arg, struct tcpstat_err *e);

/*
 * Fill the pids (thread-group leaders, lowest first, at most
 * NETNS_PIDS_MAX) and names of every row of r, sorted by netns.  0, or
 * EXIT_RUNTIME (out of memory, /proc unreadable) with *e set.
 */
int nsinfo_annotate(const char *proc_root, struct reading *r,
		    struct tcpstat_err *e);

#endif /* TCPSTAT_NSINFO_H */
