// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcp and /proc/net/tcp6 (or /proc/PID/net/...), read in large
 * chunks into one static buffer.  Without IPv6 there is no tcp6: that is
 * zero IPv6 sockets, not an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "procnet.h"
#include "sources.h"

#define CHUNK	(256 * 1024)

static char chunk[CHUNK];

static int read_table(const struct source_ctx *ctx, const char *name,
		      int optional, struct tcpstat_counts *sum,
		      struct tcpstat_err *e)
{
	struct procnet_parser p;
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	if (proc_path(path, sizeof(path), ctx->proc_root, ctx->pid, name)) {
		err_set(e, EXIT_RUNTIME, "%s: path too long", ctx->proc_root);
		return EXIT_RUNTIME;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		if (err == ENOENT && source_check_pid(ctx, e))
			return EXIT_RUNTIME;
		if (err == ENOENT && optional)
			return 0;
		err_set(e, EXIT_RUNTIME, "%s: %s", path, strerror(err));
		return EXIT_RUNTIME;
	}
	procnet_init(&p);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(e, EXIT_RUNTIME, "%s:%lu: cannot read: %s",
				path, p.line, strerror(errno));
			close(fd);
			return EXIT_RUNTIME;
		}
		if (procnet_feed(&p, chunk, (size_t)n))
			break;
	}
	close(fd);
	if (procnet_finish(&p, sum)) {
		err_set(e, EXIT_INPUT, "%s:%lu: %s", path, p.line, p.err);
		return EXIT_INPUT;
	}
	return 0;
}

int source_procfs_read(const struct source_ctx *ctx,
		       struct tcpstat_counts *out, struct tcpstat_err *e)
{
	struct tcpstat_counts sum;
	int ret;

	memset(&sum, 0, sizeof(sum));
	ret = read_table(ctx, "net/tcp", 0, &sum, e);
	if (!ret)
		ret = read_table(ctx, "net/tcp6", 1, &sum, e);
	if (!ret)
		*out = sum;
	return ret;
}
