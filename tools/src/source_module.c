// SPDX-License-Identifier: GPL-2.0
/*
 * The module's files, or a saved copy of one (--file): the seed format for
 * the default view, the table files for the others.  For the module's own
 * files, failing to open or read is a runtime failure (exit 1); for --file
 * it is bad input (exit 2) and reported as FILE:1.  Malformed content is
 * bad input either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "modparse.h"
#include "sources.h"

#define STDIN_NAME	"<stdin>"
#define LOAD_HINT	"is the tcpstat module loaded? try: modprobe tcpstat"

int source_module_path(const struct source_ctx *ctx, enum view v, char *buf,
		       size_t size)
{
	static const char *const own[VIEW_COUNT] = {
		[VIEW_STATES] = TCPSTAT_FILE_SEED,
		[VIEW_FAMILIES] = "net/" TCPSTAT_FILE_FAMILIES,
		[VIEW_PORTS] = "net/" TCPSTAT_FILE_PORTS,
		[VIEW_NETNS] = TCPSTAT_FILE_NETNS,
	};
	const char *rest = own[v];

	if (ctx->pid && v == VIEW_STATES)
		rest = "net/" TCPSTAT_FILE_SEED;
	return proc_path(buf, size, ctx->proc_root, v == VIEW_NETNS ? 0 : ctx->pid,
			 rest);
}

/*
 * Parse all of fd, the file of r->view, or (netns_ports) the ports of
 * every namespace into r's ports; io_status is the exit status of a
 * failing read().
 */
static int read_fd(int fd, const char *name, int io_status, struct reading *r,
		   int netns_ports, struct tcpstat_err *e)
{
	struct modparse a;
	char buf[8192], err[256];
	ssize_t n;

	if (netns_ports)
		modparse_init_netns_ports(&a, r);
	else
		modparse_init(&a, r);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(e, io_status, "%s:%lu: cannot read: %s", name,
				modparse_line(&a), strerror(errno));
			return io_status;
		}
		if (n == 0)
			break;
		if (modparse_feed(&a, buf, (size_t)n))
			break;
	}
	if (modparse_finish(&a, err, sizeof(err))) {
		err_set(e, EXIT_INPUT, "%s:%lu: %s", name, modparse_line(&a), err);
		return EXIT_INPUT;
	}
	return 0;
}

static int read_saved(const char *file, struct reading *r,
		      struct tcpstat_err *e)
{
	int fd, ret;

	if (!strcmp(file, "-"))
		return read_fd(STDIN_FILENO, STDIN_NAME, EXIT_INPUT, r, 0, e);
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		err_set(e, EXIT_INPUT, "%s:1: cannot open: %s", file,
			strerror(errno));
		return EXIT_INPUT;
	}
	ret = read_fd(fd, file, EXIT_INPUT, r, 0, e);
	close(fd);
	return ret;
}

static int open_failed(const struct source_ctx *ctx, const char *path,
		       struct tcpstat_err *e)
{
	int err = errno;

	if (err == ENOENT && source_check_pid(ctx, e))
		return EXIT_RUNTIME;
	err_set(e, EXIT_RUNTIME, "%s: %s%s", path, strerror(err),
		err == ENOENT ? " (" LOAD_HINT ")" : "");
	return err == ENOENT ? SOURCE_ABSENT : EXIT_RUNTIME;
}

static int read_path(struct source_ctx *ctx, const char *path,
		     struct reading *r, int netns_ports, struct tcpstat_err *e)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return open_failed(ctx, path, e);
	ret = read_fd(fd, path, EXIT_RUNTIME, r, netns_ports, e);
	close(fd);
	return ret;
}

static int module_read(struct source_ctx *ctx, struct reading *r,
		       struct tcpstat_err *e)
{
	char path[PATH_MAX];
	int ret;

	if (ctx->file)
		return read_saved(ctx->file, r, e);
	if (source_module_path(ctx, r->view, path, sizeof(path))) {
		err_set(e, EXIT_RUNTIME, "%s: path too long", ctx->proc_root);
		return EXIT_RUNTIME;
	}
	ret = read_path(ctx, path, r, 0, e);
	if (ret || r->view != VIEW_NETNS || !r->netns_ports)
		return ret;
	/* Each namespace's ports: the second file of the view. */
	if (proc_path(path, sizeof(path), ctx->proc_root, 0,
		      TCPSTAT_FILE_NETNS_PORTS)) {
		err_set(e, EXIT_RUNTIME, "%s: path too long", ctx->proc_root);
		return EXIT_RUNTIME;
	}
	ret = read_path(ctx, path, r, 1, e);
	if (ret == SOURCE_ABSENT) {
		/* An older module: the namespaces, but not their ports. */
		err_set(e, EXIT_RUNTIME, "%s: %s (the loaded module is older than this reader?)",
			path, strerror(ENOENT));
		return EXIT_RUNTIME;
	}
	if (!ret)
		reading_link_ports(r);
	return ret;
}

const struct source_ops source_module_ops = {
	.name = "module",
	.views = 1U << VIEW_STATES | 1U << VIEW_FAMILIES | 1U << VIEW_PORTS |
		 1U << VIEW_NETNS,
	.read = module_read,
};
