// SPDX-License-Identifier: GPL-2.0
/* The table of sources and the policy that picks one, per reading. */
#include <stdio.h>
#include <unistd.h>

#include "sources.h"

static const struct source_ops *const ops[SOURCE_COUNT] = {
	[SOURCE_MODULE] = &source_module_ops,
	[SOURCE_NETLINK] = &source_netlink_ops,
	[SOURCE_PROCFS] = &source_procfs_ops,
};

void source_ctx_init(struct source_ctx *ctx)
{
	ctx->host_root = "/";
	ctx->proc_root = "/proc";
	ctx->pid = 0;
	ctx->file = NULL;
	ctx->nsfd = -1;
	ctx->homefd = -1;
}

void source_ctx_close(struct source_ctx *ctx)
{
	if (ctx->nsfd >= 0)
		close(ctx->nsfd);
	if (ctx->homefd >= 0)
		close(ctx->homefd);
	ctx->nsfd = ctx->homefd = -1;
}

const char *source_name(enum tcpstat_source s)
{
	return s == SOURCE_AUTO ? "auto" : s < SOURCE_COUNT ? ops[s]->name : "?";
}

int source_can(enum tcpstat_source s, enum view v)
{
	if (s == SOURCE_AUTO)
		return 1;
	return s < SOURCE_COUNT && (ops[s]->views & (1U << v));
}

static int read_from(struct source_ctx *ctx, enum tcpstat_source s,
		     struct reading *r, struct tcpstat_err *e)
{
	reading_reset(r, r->view);
	return ops[s]->read(ctx, r, e);
}

int source_read(struct source_ctx *ctx, enum tcpstat_source s,
		struct reading *r, enum tcpstat_source *used,
		char *why, size_t why_len, struct tcpstat_err *e)
{
	struct tcpstat_err nl;
	int ret;

	if (why && why_len)
		why[0] = '\0';
	*used = s;
	if (s != SOURCE_AUTO) {
		ret = read_from(ctx, s, r, e);
		if (ret == SOURCE_ABSENT)
			ret = EXIT_RUNTIME;
		return ret;
	}
	/* The module if its file is there: it answers exactly and cheaply. */
	*used = SOURCE_MODULE;
	ret = read_from(ctx, SOURCE_MODULE, r, e);
	if (ret != SOURCE_ABSENT)
		return ret;
	*used = SOURCE_NETLINK;
	ret = read_from(ctx, SOURCE_NETLINK, r, &nl);
	if (!ret || !source_can(SOURCE_PROCFS, r->view)) {
		if (ret)
			*e = nl;
		return ret;
	}
	if (why)
		snprintf(why, why_len, "netlink unusable (%s)", nl.msg);
	*used = SOURCE_PROCFS;
	return read_from(ctx, SOURCE_PROCFS, r, e);
}
