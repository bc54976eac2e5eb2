// SPDX-License-Identifier: GPL-2.0
/*
 * The module's file, or a saved copy of it (--file).  For the module's own
 * files, failing to open or read is a runtime failure (exit 1); for --file
 * it is bad input (exit 2) and reported as FILE:1.  Malformed content is
 * bad input either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "sources.h"

#define STDIN_NAME	"<stdin>"
#define LOAD_HINT	"is the tcpstat module loaded? try: modprobe tcpstat"

int source_module_path(const struct source_ctx *ctx, char *buf, size_t size)
{
	return proc_path(buf, size, ctx->proc_root, ctx->pid,
			 ctx->pid ? "net/tcpstat" : "tcpstat");
}

int source_module_present(const struct source_ctx *ctx)
{
	char path[PATH_MAX];

	return !source_module_path(ctx, path, sizeof(path)) &&
	       !access(path, F_OK);
}

/* Parse all of fd; io_status is the exit status of a failing read(). */
static int read_fd(int fd, const char *name, int io_status,
		   struct tcpstat_counts *out, struct tcpstat_err *e)
{
	struct tcpstat_parser p;
	char buf[4096];
	ssize_t n;

	tcpstat_parse_init(&p);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(e, io_status, "%s:%lu: cannot read: %s", name,
				p.line, strerror(errno));
			return io_status;
		}
		if (n == 0)
			break;
		if (tcpstat_parse_feed(&p, buf, (size_t)n))
			break;
	}
	if (tcpstat_parse_finish(&p, out)) {
		err_set(e, EXIT_INPUT, "%s:%lu: %s", name, p.line, p.err);
		return EXIT_INPUT;
	}
	return 0;
}

static int read_saved(const char *file, struct tcpstat_counts *out,
		      struct tcpstat_err *e)
{
	int fd, ret;

	if (!strcmp(file, "-"))
		return read_fd(STDIN_FILENO, STDIN_NAME, EXIT_INPUT, out, e);
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		err_set(e, EXIT_INPUT, "%s:1: cannot open: %s", file,
			strerror(errno));
		return EXIT_INPUT;
	}
	ret = read_fd(fd, file, EXIT_INPUT, out, e);
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
	return EXIT_RUNTIME;
}

int source_module_read(const struct source_ctx *ctx,
		       struct tcpstat_counts *out, struct tcpstat_err *e)
{
	char path[PATH_MAX];
	int fd, ret;

	if (ctx->file)
		return read_saved(ctx->file, out, e);
	if (source_module_path(ctx, path, sizeof(path))) {
		err_set(e, EXIT_RUNTIME, "%s: path too long", ctx->proc_root);
		return EXIT_RUNTIME;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return open_failed(ctx, path, e);
	ret = read_fd(fd, path, EXIT_RUNTIME, out, e);
	close(fd);
	return ret;
}
