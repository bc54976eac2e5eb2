/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network namespaces this process can see, by inode number: from the
 * processes under /proc (/proc/PID/ns/net) and the `ip netns` names
 * (bind mounts under /run/netns), and what is known of each: its pids,
 * names, owner and counters.  Memory is bounded by namespaces and
 * processes.
 */
#ifndef TCPSTAT_NSINFO_H
#define TCPSTAT_NSINFO_H

#include <stdint.h>

#include "reading.h"
#include "sources.h"
#include "util.h"

#define NETNS_RUN_DIR	"/run/netns"	/* under the host root */

/*
 * Call fn once per distinct namespace, with a path that opens it; 0, the
 * first non-zero value fn returned, or EXIT_RUNTIME with *e set.
 */
int nsinfo_each(const struct source_ctx *ctx,
		int (*fn)(void *arg, uint64_t inode, const char *path,
			  struct tcpstat_err *e),
		void *arg, struct tcpstat_err *e);

#define NSINFO_OWNERS	(1U << 0)	/* who owns each namespace */
#define NSINFO_COUNTERS	(1U << 1)	/* each namespace's TCP counters */

/*
 * Fill the pids (thread-group leaders, lowest first, at most
 * NETNS_PIDS_MAX) and names of every row of r, sorted by netns; with
 * NSINFO_OWNERS, each row's owner (owner.h: from the cgroups of up to 256
 * of its processes and the files of the kubelet and the runtimes, all
 * under the host root; the namespace of pid 1 is the host); with
 * NSINFO_COUNTERS, the TCP counters of each namespace that has a pid, read
 * through the lowest one's /proc/PID/net.  0, or EXIT_RUNTIME (out of
 * memory, /proc unreadable) with *e set.
 */
int nsinfo_annotate(const struct source_ctx *ctx, struct reading *r,
		    unsigned int flags, struct tcpstat_err *e);

#endif /* TCPSTAT_NSINFO_H */
