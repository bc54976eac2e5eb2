/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a reading comes from: one table of source operations, and the one
 * policy that picks among them.  Every source fills a whole reading or
 * nothing: on failure it returns the exit status the failure calls for and
 * describes it in *e, and the caller prints nothing of the reading.
 */
#ifndef TCPSTAT_SOURCES_H
#define TCPSTAT_SOURCES_H

#include <stddef.h>

#include "reading.h"
#include "util.h"

enum tcpstat_source {
	SOURCE_AUTO,
	SOURCE_MODULE,
	SOURCE_NETLINK,
	SOURCE_PROCFS,
	SOURCE_COUNT
};

struct source_ctx {
	/*
	 * Where host paths are read: host_root ("/", or --host-root) holds
	 * run/netns, var/log/pods, the runtimes' state; proc_root is
	 * host_root's proc, unless $TCPSTAT_PROC_ROOT names another (tests).
	 */
	const char *host_root;
	const char *proc_root;
	int pid;		/* --pid, or 0 for our own namespace */
	const char *file;	/* --file, "-" for stdin, or NULL */
	int nsfd;		/* netlink: PID's namespace, once opened; or -1 */
	int homefd;		/* netlink: our own namespace; or -1 */
};

/* Returned by a source's read when it is not there at all (no module). */
#define SOURCE_ABSENT	(-2)

struct source_ops {
	const char *name;
	unsigned int views;	/* 1 << view, for each view it can read */
	/* Read r->view into r; 0, SOURCE_ABSENT, or an exit status. */
	int (*read)(struct source_ctx *ctx, struct reading *r,
		    struct tcpstat_err *e);
};

void source_ctx_init(struct source_ctx *ctx);
void source_ctx_close(struct source_ctx *ctx);

const char *source_name(enum tcpstat_source s);
int source_can(enum tcpstat_source s, enum view v);

/*
 * One reading of r->view from s; for SOURCE_AUTO, decided now: the module
 * if its file is there, else netlink, else procfs (if it can read the
 * view).  *used is the source that gave the reading, and *why, if not
 * NULL, why auto passed over netlink.  0 or an exit status.
 */
int source_read(struct source_ctx *ctx, enum tcpstat_source s,
		struct reading *r, enum tcpstat_source *used,
		char *why, size_t why_len, struct tcpstat_err *e);

static inline int source_check_pid(const struct source_ctx *ctx,
				   struct tcpstat_err *e)
{
	return check_pid(ctx->proc_root, ctx->pid, e);
}

/* The path of the module's file for view v; -1 if too long. */
int source_module_path(const struct source_ctx *ctx, enum view v, char *buf,
		       size_t size);

extern const struct source_ops source_module_ops;
extern const struct source_ops source_netlink_ops;
extern const struct source_ops source_procfs_ops;

/*
 * netlink: open (once) and enter the namespace of ctx->pid, for callers
 * that want its errors up front.  0 or EXIT_RUNTIME.
 */
int source_netlink_check(struct source_ctx *ctx, struct tcpstat_err *e);

#endif /* TCPSTAT_SOURCES_H */
