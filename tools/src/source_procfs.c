// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcp and /proc/net/tcp6 (or /proc/PID/net/...), read in large
 * chunks into one static buffer.  tcp lists the AF_INET sockets, tcp6 the
 * AF_INET6 ones (IPv4-mapped included).  Without IPv6 there is no tcp6:
 * that is zero IPv6 sockets, not an error.
 *
 * Per port: the listeners' lines come first in each file (the kernel lists
 * its listener table before its established hash), so a first pass over
 * both files reads listeners only, up to the first other line, and a
 * second charges every other socket to its local port.  A listener's
 * rx_queue is its accept queue; its limit, its SYN queue and the rest are
 * not in these files.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procnet.h"
#include "sources.h"

#define CHUNK	(256 * 1024)

static char chunk[CHUNK];

enum pass { PASS_ALL, PASS_LISTENERS, PASS_OTHERS };

struct procfs_arg {
	struct reading *r;
	unsigned int family;	/* 0 tcp, 1 tcp6 */
	enum pass pass;
};

static int on_socket(void *p, unsigned int st, unsigned int port,
		     uint64_t rxq, char *err, size_t len)
{
	struct procfs_arg *a = p;
	struct reading *r = a->r;
	struct port_row *row;

	if (!state_valid(st)) {
		snprintf(err, len, "unknown state 0x%02X", st);
		return -1;
	}
	switch (r->view) {
	case VIEW_STATES:
		r->states.n[st]++;
		return 0;
	case VIEW_FAMILIES:
		r->fam[a->family].n[st]++;
		return 0;
	default:
		break;
	}
	if (a->pass == PASS_LISTENERS) {
		if (st != TCPSTAT_LISTEN)
			return 1;
		row = ports_find(r, port);
		if (!row) {
			row = reading_add_port(r, port);
			if (!row) {
				snprintf(err, len, "out of memory");
				return -1;
			}
		}
		row->listeners++;
		row->accept_queue += rxq;
		row->c.n[st]++;
		return 0;
	}
	if (st == TCPSTAT_LISTEN)
		return 0;
	row = ports_find(r, port);
	if (row)
		row->c.n[st]++;
	return 0;
}

static int read_table(const struct source_ctx *ctx, int family,
		      struct procfs_arg *a, struct tcpstat_err *e)
{
	const char *name = family ? "net/tcp6" : "net/tcp";
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
		if (err == ENOENT && family)
			return 0;
		err_set(e, EXIT_RUNTIME, "%s: %s", path, strerror(err));
		return EXIT_RUNTIME;
	}
	a->family = (unsigned int)family;
	procnet_init(&p, on_socket, a, a->r->view == VIEW_PORTS);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(e, EXIT_RUNTIME, "%s:%lu: cannot read: %s",
				path, p.line, strerror(errno));
			close(fd);
			return EXIT_RUNTIME;
		}
		if (procnet_feed(&p, chunk, (size_t)n) || p.stopped)
			break;
	}
	close(fd);
	if (procnet_finish(&p)) {
		err_set(e, EXIT_INPUT, "%s:%lu: %s", path, p.line, p.err);
		return EXIT_INPUT;
	}
	return 0;
}

static int read_both(const struct source_ctx *ctx, struct procfs_arg *a,
		     struct tcpstat_err *e)
{
	int ret = read_table(ctx, 0, a, e);

	return ret ? ret : read_table(ctx, 1, a, e);
}

static int procfs_read(struct source_ctx *ctx, struct reading *r,
		       struct tcpstat_err *e)
{
	struct procfs_arg a = { .r = r, .pass = PASS_ALL };
	int ret;

	if (r->view != VIEW_PORTS)
		return read_both(ctx, &a, e);
	a.pass = PASS_LISTENERS;
	ret = read_both(ctx, &a, e);
	if (ret)
		return ret;
	a.pass = PASS_OTHERS;
	ret = read_both(ctx, &a, e);
	if (!ret)
		reading_sort(r);
	return ret;
}

const struct source_ops source_procfs_ops = {
	.name = "procfs",
	.views = 1U << VIEW_STATES | 1U << VIEW_FAMILIES | 1U << VIEW_PORTS,
	.read = procfs_read,
};
