// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink.h"

static mode_t file_mode;	/* 0666 less the umask, as open(2) would */

void sink_init(void)
{
	mode_t mask = umask(0);

	umask(mask);
	file_mode = 0666 & ~mask;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* "dir/.base.XXXXXX" beside path: never matched by *.prom. */
static int temp_name(char *tmp, size_t size, const char *path)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	int n;

	n = snprintf(tmp, size, "%.*s.%s.XXXXXX", dirlen, path, path + dirlen);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int write_file(const char *path, const char *buf, size_t len,
		      struct tcpstat_err *e)
{
	char tmp[PATH_MAX];
	const char *what = "cannot create temporary file";
	int fd;

	if (temp_name(tmp, sizeof(tmp), path)) {
		err_set(e, EXIT_RUNTIME, "%s: path too long", path);
		return EXIT_RUNTIME;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	what = "cannot write";
	if (fchmod(fd, file_mode) || write_all(fd, buf, len))
		goto fail_unlink;
	if (close(fd)) {
		fd = -1;
		goto fail_unlink;
	}
	fd = -1;
	what = "cannot replace";
	if (rename(tmp, path))
		goto fail_unlink;
	return 0;

fail_unlink:
	err_set(e, EXIT_RUNTIME, "%s: %s: %s", path, what, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return EXIT_RUNTIME;
fail:
	err_set(e, EXIT_RUNTIME, "%s: %s: %s", path, what, strerror(errno));
	return EXIT_RUNTIME;
}

int sink_write(const char *path, const char *buf, size_t len,
	       struct tcpstat_err *e)
{
	if (path)
		return write_file(path, buf, len, e);
	if (!write_all(STDOUT_FILENO, buf, len))
		return 0;
	if (errno == EPIPE)
		return SINK_CLOSED;
	err_set(e, EXIT_RUNTIME, "write error: %s", strerror(errno));
	return EXIT_RUNTIME;
}
