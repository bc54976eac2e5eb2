// SPDX-License-Identifier: GPL-2.0
/* What all sources share. */
#include <limits.h>
#include <sys/stat.h>

#include "sources.h"

const char *source_name(enum tcpstat_source s)
{
	switch (s) {
	case SOURCE_AUTO:
		return "auto";
	case SOURCE_MODULE:
		return "module";
	case SOURCE_NETLINK:
		return "netlink";
	case SOURCE_PROCFS:
		return "procfs";
	}
	return "?";
}

int source_check_pid(const struct source_ctx *ctx, struct tcpstat_err *e)
{
	char path[PATH_MAX];
	struct stat sb;

	if (!ctx->pid)
		return 0;
	if (proc_path(path, sizeof(path), ctx->proc_root, ctx->pid, "") ||
	    stat(path, &sb) || !S_ISDIR(sb.st_mode)) {
		err_set(e, EXIT_RUNTIME, "--pid %d: no such process", ctx->pid);
		return EXIT_RUNTIME;
	}
	return 0;
}
