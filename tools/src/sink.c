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

/*
 * Replace the regular file path (or create it) with buf, atomically: the
 * new file gets old's mode and, as far as we may, its owner (NULL: a new
 * file, mode 0666 less the umask).
 */
static int replace_file(const char *path, const struct stat *old,
			const char *buf, size_t len, struct tcpstat_err *e)
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
	if (old && fchown(fd, old->st_uid, old->st_gid) && errno != EPERM)
		goto fail_unlink;
	if (fchmod(fd, old ? old->st_mode & 07777 : file_mode) ||
	    write_all(fd, buf, len))
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

/* A FIFO or a character device: written in place, whole, as a shell would. */
static int write_in_place(const char *path, const char *buf, size_t len,
			  struct tcpstat_err *e)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);

	if (fd < 0 || write_all(fd, buf, len)) {
		err_set(e, EXIT_RUNTIME, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_RUNTIME;
	}
	if (close(fd)) {
		err_set(e, EXIT_RUNTIME, "%s: %s", path, strerror(errno));
		return EXIT_RUNTIME;
	}
	return 0;
}

static const char *file_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:	return "a directory";
	case S_IFBLK:	return "a block device";
	case S_IFSOCK:	return "a socket";
	default:	return "not a regular file";
	}
}

/*
 * What is at path decides (a symlink is followed): nothing, a new file of
 * mode 0666 less the umask; a regular file, replaced atomically by one of
 * its mode (through a symlink, the file it names is replaced, the link
 * kept); a FIFO or character device (/dev/stdout, a terminal), written in
 * place; anything else refused, never replaced.
 */
static int write_file(const char *path, const char *buf, size_t len,
		      struct tcpstat_err *e)
{
	char real[PATH_MAX];
	struct stat sb;

	if (stat(path, &sb)) {
		if (errno != ENOENT) {
			err_set(e, EXIT_RUNTIME, "%s: %s", path, strerror(errno));
			return EXIT_RUNTIME;
		}
		if (!lstat(path, &sb)) {	/* a symlink to nothing */
			err_set(e, EXIT_INPUT, "%s: a symbolic link to nothing: "
				"not replaced", path);
			return EXIT_INPUT;
		}
		return replace_file(path, NULL, buf, len, e);
	}
	if (S_ISFIFO(sb.st_mode) || S_ISCHR(sb.st_mode))
		return write_in_place(path, buf, len, e);
	if (!S_ISREG(sb.st_mode)) {
		err_set(e, EXIT_INPUT, "%s: %s: not replaced (a regular file, "
			"a FIFO or a character device only)", path,
			file_type(sb.st_mode));
		return EXIT_INPUT;
	}
	if (!realpath(path, real)) {
		err_set(e, EXIT_RUNTIME, "%s: %s", path, strerror(errno));
		return EXIT_RUNTIME;
	}
	return replace_file(real, &sb, buf, len, e);
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
