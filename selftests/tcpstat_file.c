// SPDX-License-Identifier: GPL-2.0
/*
 * File semantics of /proc/tcpstat, /proc/net/tcpstat and
 * /proc/<pid>/net/tcpstat: the exact bytes, 1-byte and odd-sized reads,
 * seeks and pread, splice() and sendfile(), writes refused, many
 * concurrent readers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcpstat_check.h"

#define NFILES 3
static const char *const files[NFILES] = {
	PROC_TCPSTAT, PROC_NET_TCPSTAT, "/proc/self/net/tcpstat",
};

FIXTURE(file) {
	struct counts expect;
	char text[1024];	/* what every read must return */
	size_t len;
};

FIXTURE_SETUP(file)
{
	const char *why = enter_test_netns();
	int st;

	if (why)
		SKIP(return, "%s", why);
	memset(&self->expect, 0, sizeof(self->expect));
	ASSERT_EQ(0, make_established(&fam_ipv4, 7, &self->expect));
	ASSERT_EQ(0, make_listeners(&fam_ipv6, 12, &self->expect));
	ASSERT_EQ(0, make_fin_wait2(&fam_ipv6, 1, &self->expect));
	check_counts(_metadata, &self->expect);
	/*
	 * The seed files' format never changes: the interface header's
	 * definition is pinned here, then used for the 11 states in kernel
	 * order.
	 */
	ASSERT_STREQ("%-12s: %u\n", TCPSTAT_SEED_FMT);
	self->len = 0;
	for (st = TCPSTAT_STATE_FIRST; st <= TCPSTAT_STATE_LAST; st++)
		self->len += snprintf(self->text + self->len,
				      sizeof(self->text) - self->len,
				      TCPSTAT_SEED_FMT, tcpstat_state_name(st),
				      (unsigned int)self->expect.n[st]);
}

FIXTURE_TEARDOWN(file)
{
}

static ssize_t read_all(int fd, char *buf, size_t size, size_t chunk)
{
	size_t len = 0;
	ssize_t r;

	while (len < size && (r = read(fd, buf + len, chunk)) > 0)
		len += r;
	return r < 0 ? -1 : (ssize_t)len;
}

TEST_F(file, exact_bytes)
{
	char buf[2048];
	int i, fd;

	for (i = 0; i < NFILES; i++) {
		fd = open(files[i], O_RDONLY);
		ASSERT_LE(0, fd);
		ASSERT_EQ((ssize_t)self->len, read_all(fd, buf, sizeof(buf), sizeof(buf)));
		ASSERT_EQ(0, memcmp(buf, self->text, self->len))
			TH_LOG("%s:\n%.*s", files[i], (int)self->len, buf);
		close(fd);
	}
}

TEST_F(file, one_byte_and_odd_reads)
{
	char buf[2048];
	size_t chunk;
	int i, fd;

	for (i = 0; i < NFILES; i++) {
		for (chunk = 1; chunk <= 19; chunk++) {
			fd = open(files[i], O_RDONLY);
			ASSERT_LE(0, fd);
			memset(buf, 0, sizeof(buf));
			ASSERT_EQ((ssize_t)self->len,
				  read_all(fd, buf, sizeof(buf), chunk));
			ASSERT_EQ(0, memcmp(buf, self->text, self->len))
				TH_LOG("%s in %zu-byte reads", files[i], chunk);
			close(fd);
		}
	}
}

TEST_F(file, seek_and_pread)
{
	char buf[2048];
	off_t off;
	int i, fd;

	for (i = 0; i < NFILES; i++) {
		fd = open(files[i], O_RDONLY);
		ASSERT_LE(0, fd);
		ASSERT_EQ((ssize_t)self->len, read_all(fd, buf, sizeof(buf), 64));
		ASSERT_EQ(0, read(fd, buf, sizeof(buf)));	/* at EOF */

		for (off = 0; off < (off_t)self->len; off += 7) {
			ASSERT_EQ(off, lseek(fd, off, SEEK_SET));
			ASSERT_EQ((ssize_t)self->len - off,
				  read_all(fd, buf, sizeof(buf), sizeof(buf)));
			ASSERT_EQ(0, memcmp(buf, self->text + off, self->len - off));
		}
		ASSERT_EQ(13, lseek(fd, 13, SEEK_SET));
		ASSERT_EQ(20, lseek(fd, 7, SEEK_CUR));
		ASSERT_EQ(5, read(fd, buf, 5));
		ASSERT_EQ(0, memcmp(buf, self->text + 20, 5));

		ASSERT_EQ(9, pread(fd, buf, 9, 31));
		ASSERT_EQ(0, memcmp(buf, self->text + 31, 9));
		/* Past the end reads nothing; a negative offset is refused. */
		ASSERT_EQ(0, pread(fd, buf, 9, self->len + 100));
		ASSERT_EQ(-1, lseek(fd, -1, SEEK_SET));
		close(fd);
	}
}

/*
 * sendfile() (as Go's io.Copy to a socket and sendfile-based copiers use)
 * and splice() give exactly what read() gives.
 */
TEST_F(file, sendfile_and_splice)
{
	char buf[2048];
	int i, fd, out, p[2];
	ssize_t n;

	for (i = 0; i < NFILES; i++) {
		fd = open(files[i], O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		out = memfd_create("sendfile", MFD_CLOEXEC);
		ASSERT_LE(0, out);
		n = sendfile(out, fd, NULL, sizeof(buf));
		ASSERT_EQ((ssize_t)self->len, n)
			TH_LOG("sendfile from %s: %s", files[i],
			       n < 0 ? strerror(errno) : "short");
		ASSERT_EQ((ssize_t)self->len, pread(out, buf, sizeof(buf), 0));
		ASSERT_EQ(0, memcmp(buf, self->text, self->len));
		close(out);
		ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
		ASSERT_EQ(0, pipe(p));
		n = splice(fd, NULL, p[1], NULL, sizeof(buf), 0);
		ASSERT_EQ((ssize_t)self->len, n)
			TH_LOG("splice from %s: %s", files[i],
			       n < 0 ? strerror(errno) : "short");
		ASSERT_EQ((ssize_t)self->len, read(p[0], buf, sizeof(buf)));
		ASSERT_EQ(0, memcmp(buf, self->text, self->len));
		close(p[0]);
		close(p[1]);
		close(fd);
	}
}

/*
 * The files are 0444 and a write is refused: even root, who may open
 * them for writing, gets an error and changes nothing.
 */
TEST_F(file, write_refused)
{
	char buf[2048];
	struct stat st;
	int i, fd;
	pid_t pid;

	for (i = 0; i < NFILES; i++) {
		ASSERT_EQ(0, stat(files[i], &st));
		ASSERT_EQ(0444U, st.st_mode & 07777);
		fd = open(files[i], O_WRONLY);
		if (fd >= 0) {
			ASSERT_EQ(-1, write(fd, "0\n", 2));
			close(fd);
		}
		fd = open(files[i], O_RDWR);
		if (fd >= 0) {
			ASSERT_EQ(-1, write(fd, "LISTEN      : 0\n", 16));
			close(fd);
		}
		fd = open(files[i], O_RDONLY);
		ASSERT_LE(0, fd);
		ASSERT_EQ(-1, write(fd, "x", 1));
		ASSERT_EQ(EBADF, errno);
		ASSERT_EQ((ssize_t)self->len, read_all(fd, buf, sizeof(buf), sizeof(buf)));
		ASSERT_EQ(0, memcmp(buf, self->text, self->len));
		close(fd);
	}

	/* An unprivileged user cannot even open them for writing. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		die_with_parent();
		if (setgid(65534) || setuid(65534))
			_exit(2);
		for (i = 0; i < NFILES; i++) {
			if (open(files[i], O_WRONLY) >= 0 || errno != EACCES)
				_exit(1);
			if (open(files[i], O_RDONLY) < 0)
				_exit(3);
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &i, 0));
	/* A child killed by a signal has no exit status: it failed. */
	ASSERT_TRUE(WIFEXITED(i));
	ASSERT_EQ(0, WEXITSTATUS(i));
}

struct reader_arg {
	int fd;			/* shared descriptor, or -1 to open per read */
	const char *path;
	const char *text;
	size_t len;
	int rounds;
	int bad;
};

static void *reader(void *p)
{
	struct reader_arg *a = p;
	char buf[2048];
	ssize_t r;
	int i, fd;

	for (i = 0; i < a->rounds; i++) {
		fd = a->fd >= 0 ? a->fd : open(a->path, O_RDONLY);
		if (fd < 0) {
			a->bad++;
			continue;
		}
		r = pread(fd, buf, sizeof(buf), 0);
		if (r != (ssize_t)a->len || memcmp(buf, a->text, a->len))
			a->bad++;
		if (a->fd < 0)
			close(fd);
	}
	return NULL;
}

/* Threads on one shared descriptor and threads each opening their own. */
TEST_F(file, concurrent_readers)
{
	struct reader_arg arg[16];
	pthread_t th[16];
	int i, shared[NFILES];

	for (i = 0; i < NFILES; i++) {
		shared[i] = open(files[i], O_RDONLY);
		ASSERT_LE(0, shared[i]);
	}
	for (i = 0; i < 16; i++) {
		arg[i] = (struct reader_arg) {
			.fd = i % 2 ? shared[i % NFILES] : -1,
			.path = files[i % NFILES], .text = self->text,
			.len = self->len, .rounds = 300,
		};
		ASSERT_EQ(0, pthread_create(&th[i], NULL, reader, &arg[i]));
	}
	for (i = 0; i < 16; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, arg[i].bad)
			TH_LOG("reader %d (%s): %d bad reads", i, arg[i].path,
			       arg[i].bad);
	}
	for (i = 0; i < NFILES; i++)
		close(shared[i]);
}

/* Readers in separate processes, as monitoring agents would be. */
TEST_F(file, concurrent_processes)
{
	struct reader_arg arg = {
		.fd = -1, .text = self->text, .len = self->len, .rounds = 200,
	};
	pid_t pid[8];
	int i, status;

	for (i = 0; i < 8; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			die_with_parent();
			arg.path = files[i % NFILES];
			reader(&arg);
			_exit(arg.bad ? 1 : 0);
		}
	}
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("reader %d: status %#x", i, status);
	}
}

TEST_HARNESS_MAIN
