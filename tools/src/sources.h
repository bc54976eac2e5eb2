/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the counts come from.  Every source fills a whole struct
 * tcpstat_counts or nothing: on failure it returns the exit status the
 * failure calls for and describes it in *e, and the caller prints nothing
 * of the reading.
 */
#ifndef TCPSTAT_SOURCES_H
#define TCPSTAT_SOURCES_H

#include "states.h"
#include "util.h"

enum tcpstat_source {
	SOURCE_AUTO,
	SOURCE_MODULE,
	SOURCE_NETLINK,
	SOURCE_PROCFS,
};

struct source_ctx {
	const char *proc_root;	/* "/proc", or $TCPSTAT_PROC_ROOT */
	int pid;		/* --pid, or 0 for our own namespace */
	const char *file;	/* --file, "-" for stdin, or NULL */
};

const char *source_name(enum tcpstat_source s);

/* 0 if ctx->pid is 0 or $ROOT/PID exists; else EXIT_RUNTIME with *e set. */
int source_check_pid(const struct source_ctx *ctx, struct tcpstat_err *e);

/* source_module.c: --file, $ROOT/tcpstat or $ROOT/PID/net/tcpstat. */
int source_module_path(const struct source_ctx *ctx, char *buf, size_t size);
int source_module_present(const struct source_ctx *ctx);
int source_module_read(const struct source_ctx *ctx,
		       struct tcpstat_counts *out, struct tcpstat_err *e);

/* source_procfs.c: $ROOT[/PID]/net/tcp and tcp6. */
int source_procfs_read(const struct source_ctx *ctx,
		       struct tcpstat_counts *out, struct tcpstat_err *e);

/*
 * source_netlink.c: sock_diag.  With ctx->pid, source_netlink_enter()
 * moves the process into that network namespace, once, before any read.
 */
int source_netlink_enter(const struct source_ctx *ctx, struct tcpstat_err *e);
int source_netlink_read(struct tcpstat_counts *out, struct tcpstat_err *e);

#endif /* TCPSTAT_SOURCES_H */
