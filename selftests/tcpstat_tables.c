// SPDX-License-Identifier: GPL-2.0
/*
 * The table files' contract (module/tcpstat_uapi.h): the exact header, one
 * space between fields and none at either end, numbers in decimal; reads
 * of any size; one snapshot per read from offset 0, kept for every later
 * offset however small the reads, and renewed by a read from 0; writes
 * refused; many readers at once.  And who may open /proc/tcpstat_netns:
 * CAP_NET_ADMIN in the initial user namespace, checked at open.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcpstat_check.h"

static const char *const tables[] = {
	PROC_NET_FAMILIES, PROC_NET_PORTS, PROC_NETNS,
	"/proc/self/net/" TCPSTAT_FILE_FAMILIES,
	"/proc/self/net/" TCPSTAT_FILE_PORTS,
};

#define NTABLES ARRAY_SIZE(tables)
#define BIG	(TABLE_MAX)

/* Read all of fd from where it is, chunk bytes at a time. */
static ssize_t read_chunks(int fd, char *buf, size_t size, size_t chunk)
{
	size_t len = 0;
	ssize_t r = 0;

	while (len < size && (r = read(fd, buf + len,
				       chunk < size - len ? chunk : size - len)) > 0)
		len += r;
	return r < 0 ? -1 : (ssize_t)len;
}

/* All of fd by pread() from offset 0: each call may return less. */
static ssize_t pread_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t r;

	while (len < size - 1 && (r = pread(fd, buf + len, size - 1 - len,
					    len)) > 0)
		len += r;
	if (r < 0)
		return -1;
	buf[len] = '\0';
	return len;
}

static ssize_t read_whole(const char *path, char *buf, size_t size,
			  size_t chunk)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read_chunks(fd, buf, size - 1, chunk);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* "COL COL ... " plus the state columns, as the interface header says. */
static void expected_header(char *buf, size_t size, const char *first,
			    const char *last)
{
	size_t len = snprintf(buf, size, "%s", first);
	unsigned int st;

	for (st = TCPSTAT_STATE_FIRST; st <= TCPSTAT_STATE_LAST; st++)
		len += snprintf(buf + len, size - len, " %s",
				tcpstat_state_name(st));
	snprintf(buf + len, size - len, "%s\n", last);
}

FIXTURE(tables) {
	char *buf, *again;
	int ports;		/* distinct listening ports */
	int all_ports[1024];
};

FIXTURE_SETUP(tables)
{
	const char *why = enter_test_netns();
	struct counts expect = { 0 };
	int i;

	if (why)
		SKIP(return, "%s", why);
	self->buf = malloc(BIG + 1);
	self->again = malloc(BIG + 1);
	ASSERT_TRUE(self->buf && self->again);
	/* Enough listening ports for the ports table to span pages. */
	ASSERT_EQ(0, make_listeners(&fam_ipv4, 300, &expect));
	ASSERT_EQ(0, make_listeners(&fam_ipv6, 100, &expect));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, make_established(i % 2 ? &fam_ipv6 : &fam_mapped,
					      2, &expect));
	ASSERT_EQ(0, make_time_wait(&fam_ipv4, 3, &expect));
	check_counts(_metadata, &expect);
	self->ports = ss_listening_ports(self->all_ports, 1024);
	ASSERT_LT(300, self->ports);
}

FIXTURE_TEARDOWN(tables)
{
	free(self->buf);
	free(self->again);
}

TEST_F(tables, exact_headers)
{
	char want[1024];

	ASSERT_LT(0, read_whole(PROC_NET_FAMILIES, self->buf, BIG, BIG));
	expected_header(want, sizeof(want), TCPSTAT_COL_FAMILY, "");
	ASSERT_EQ(0, strncmp(self->buf, want, strlen(want)));

	ASSERT_LT(0, read_whole(PROC_NET_PORTS, self->buf, BIG, BIG));
	expected_header(want, sizeof(want),
			TCPSTAT_COL_PORT " " TCPSTAT_COL_LISTENERS " "
			TCPSTAT_COL_ACCEPT_QUEUE " " TCPSTAT_COL_ACCEPT_MAX " "
			TCPSTAT_COL_SYN_QUEUE,
			" " TCPSTAT_COL_FASTOPEN_QUEUE " " TCPSTAT_COL_DROPS);
	ASSERT_EQ(0, strncmp(self->buf, want, strlen(want)));

	/* The cookie column is there only where the kernel has one. */
	ASSERT_LT(0, read_whole(PROC_NETNS, self->buf, BIG, BIG));
	expected_header(want, sizeof(want),
			TCPSTAT_COL_NETNS " " TCPSTAT_COL_FAMILY, "");
	ASSERT_EQ(0, strncmp(self->buf, want, strlen(want) - 1));
	ASSERT_TRUE(self->buf[strlen(want) - 1] == '\n' ||
		    !strncmp(self->buf + strlen(want) - 1,
			     " " TCPSTAT_COL_COOKIE "\n",
			     strlen(" " TCPSTAT_COL_COOKIE "\n")));
}

/* One space between fields, none at the ends, numbers in decimal. */
TEST_F(tables, strict_format)
{
	unsigned int i;
	struct table t;
	int r, c;

	for (i = 0; i < NTABLES; i++) {
		ASSERT_EQ(0, table_read(tables[i], &t))
			TH_LOG("%s", tables[i]);
		ASSERT_LT(0, t.ncols);
		for (c = 0; c < t.ncols; c++)
			ASSERT_LT(0, (int)strlen(t.cols[c]));
		for (r = 0; r < t.nrows; r++)
			for (c = 0; c < t.ncols; c++) {
				const char *v = t.cells[r * t.ncols + c];

				ASSERT_LT(0, (int)strlen(v));
				if (!strcmp(t.cols[c], TCPSTAT_COL_FAMILY))
					continue;
				ASSERT_EQ(strlen(v), strspn(v, "0123456789"))
					TH_LOG("%s: '%s'", tables[i], v);
			}
		table_free(&t);
	}
}

/* Reads of any size give the same bytes; so do pread and lseek. */
TEST_F(tables, odd_reads_and_seeks)
{
	size_t chunk, len;
	unsigned int i;
	ssize_t n;
	int fd;

	for (i = 0; i < NTABLES; i++) {
		n = read_whole(tables[i], self->buf, BIG, BIG);
		ASSERT_LT(0, n);
		len = n;
		for (chunk = 1; chunk <= 7; chunk += 3) {
			ASSERT_EQ((ssize_t)len,
				  read_whole(tables[i], self->again, BIG, chunk));
			ASSERT_EQ(0, memcmp(self->buf, self->again, len))
				TH_LOG("%s in %zu-byte reads", tables[i], chunk);
		}
		fd = open(tables[i], O_RDONLY);
		ASSERT_LE(0, fd);
		ASSERT_EQ((ssize_t)len, read_chunks(fd, self->again, BIG, 4096));
		ASSERT_EQ(0, read(fd, self->again, 10));	/* at EOF */
		ASSERT_EQ(7, pread(fd, self->again, 7, len / 2));
		ASSERT_EQ(0, memcmp(self->again, self->buf + len / 2, 7));
		ASSERT_EQ((off_t)(len / 3), lseek(fd, len / 3, SEEK_SET));
		ASSERT_EQ((ssize_t)(len - len / 3),
			  read_chunks(fd, self->again, BIG, 100));
		ASSERT_EQ(0, memcmp(self->again, self->buf + len / 3,
				    len - len / 3));
		close(fd);
	}
}

/*
 * One snapshot per read from offset 0: a listener opened after the first
 * byte was read is not in the rest of that read, however it is read; a
 * read from 0 (lseek or pread) takes a new snapshot with it.
 */
TEST_F(tables, snapshot_per_read)
{
	int fd, port, lfd;
	struct table t;
	ssize_t n;
	char c;

	fd = open(PROC_NET_PORTS, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, read(fd, &c, 1));
	lfd = tcp_listener(&fam_ipv4, NULL, 1, 0, &port);
	ASSERT_LE(0, lfd);
	self->buf[0] = c;
	n = read_chunks(fd, self->buf + 1, BIG - 1, 3);
	ASSERT_LT(0, n);
	self->buf[n + 1] = '\0';
	ASSERT_EQ(0, table_parse(strdup(self->buf), &t));
	ASSERT_EQ(self->ports, t.nrows);
	table_free(&t);

	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	n = read_chunks(fd, self->buf, BIG, 5);
	ASSERT_LT(0, n);
	self->buf[n] = '\0';
	ASSERT_EQ(0, table_parse(strdup(self->buf), &t));
	ASSERT_EQ(self->ports + 1, t.nrows);
	table_free(&t);

	close(lfd);
	n = pread_all(fd, self->buf, BIG);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, table_parse(strdup(self->buf), &t));
	ASSERT_EQ(self->ports, t.nrows);
	table_free(&t);
	close(fd);
}

/* The same across namespaces for the all-namespace table. */
TEST_F(tables, netns_snapshot_per_read)
{
	struct table t;
	int fd, rows;
	ssize_t n;
	pid_t pid;
	char c;

	ASSERT_EQ(0, table_read(PROC_NETNS, &t));
	rows = t.nrows;
	table_free(&t);
	fd = open(PROC_NETNS, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, read(fd, &c, 1));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		die_with_parent();
		if (unshare(CLONE_NEWNET))
			_exit(1);
		for (;;)
			pause();
	}
	/* The child's namespace exists once its /proc entry says so. */
	for (;;) {
		char p1[64], l1[64] = "", l2[64] = "";

		snprintf(p1, sizeof(p1), "/proc/%d/ns/net", pid);
		if (readlink(p1, l1, sizeof(l1) - 1) > 0 &&
		    readlink("/proc/self/ns/net", l2, sizeof(l2) - 1) > 0 &&
		    strcmp(l1, l2))
			break;
		usleep(10000);
	}
	self->buf[0] = c;
	n = read_chunks(fd, self->buf + 1, BIG - 1, 7);
	ASSERT_LT(0, n);
	self->buf[n + 1] = '\0';
	ASSERT_EQ(0, table_parse(strdup(self->buf), &t));
	EXPECT_EQ(rows, t.nrows);
	table_free(&t);
	n = pread_all(fd, self->buf, BIG);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, table_parse(strdup(self->buf), &t));
	EXPECT_EQ(rows + 2, t.nrows);
	table_free(&t);
	close(fd);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

TEST_F(tables, write_refused)
{
	struct stat st;
	unsigned int i;
	int fd;

	for (i = 0; i < NTABLES; i++) {
		ASSERT_EQ(0, stat(tables[i], &st));
		ASSERT_EQ(0444U, st.st_mode & 07777);
		fd = open(tables[i], O_RDWR);
		if (fd >= 0) {
			ASSERT_EQ(-1, write(fd, "0\n", 2));
			close(fd);
		}
	}
}

struct reader_arg {
	const char *path;
	int rounds, bad;
	char *buf;
};

static void *reader(void *p)
{
	struct reader_arg *a = p;
	struct table t;
	int i;

	for (i = 0; i < a->rounds; i++) {
		if (table_read(a->path, &t)) {
			a->bad++;
			continue;
		}
		if (t.nrows < 1 && strcmp(a->path, PROC_NET_PORTS))
			a->bad++;
		table_free(&t);
	}
	return NULL;
}

TEST_F(tables, concurrent_readers)
{
	struct reader_arg arg[12];
	pthread_t th[12];
	int i;

	for (i = 0; i < 12; i++) {
		arg[i] = (struct reader_arg){ .path = tables[i % NTABLES],
					      .rounds = 30 };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, reader, &arg[i]));
	}
	for (i = 0; i < 12; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, arg[i].bad) TH_LOG("%s", arg[i].path);
	}
}

/* --- who may open /proc/tcpstat_netns ---------------------------------- */

static int capset_effective(__u32 add, bool keep_only)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	if (keep_only)
		memset(d, 0, sizeof(d));
	d[add / 32].permitted |= 1U << (add % 32);
	d[add / 32].effective |= 1U << (add % 32);
	return syscall(SYS_capset, &h, d);
}

static int drop_effective(__u32 cap)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[cap / 32].effective &= ~(1U << (cap % 32));
	return syscall(SYS_capset, &h, d);
}

enum who { NOBODY, ROOT_NO_NET_ADMIN, USERNS_ROOT, NOBODY_NET_ADMIN };

/*
 * Open the table as who: 0, or the errno of the refused open; 200 if who
 * could not be set up, 202 if the kernel has no user namespaces.
 */
static int open_as(enum who who)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		die_with_parent();
		switch (who) {
		case NOBODY:
			if (setgid(65534) || setuid(65534))
				_exit(200);
			break;
		case ROOT_NO_NET_ADMIN:
			if (drop_effective(CAP_NET_ADMIN))
				_exit(200);
			break;
		case USERNS_ROOT:
			/* All capabilities, in its own user namespace only. */
			if (unshare(CLONE_NEWUSER))
				_exit(errno == EINVAL ? 202 : 200);
			break;
		case NOBODY_NET_ADMIN:
			if (prctl(PR_SET_KEEPCAPS, 1) || setgid(65534) ||
			    setuid(65534) || capset_effective(CAP_NET_ADMIN, true))
				_exit(200);
			break;
		}
		fd = open(PROC_NETNS, O_RDONLY);
		if (fd >= 0 && read(fd, &status, 1) != 1)
			_exit(201);
		_exit(fd >= 0 ? 0 : errno);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(tables, netns_needs_cap_net_admin)
{
	EXPECT_EQ(EPERM, open_as(NOBODY));
	EXPECT_EQ(EPERM, open_as(ROOT_NO_NET_ADMIN));
	/* The mode stays 0444: an exporter granted only the capability may. */
	EXPECT_EQ(0, open_as(NOBODY_NET_ADMIN));
}

/* A container's root: every capability, in its own user namespace only. */
TEST_F(tables, netns_refused_to_container_root)
{
	int err = open_as(USERNS_ROOT);

	if (err == 202)
		SKIP(return, "kernel without user namespaces (CONFIG_USER_NS=n)");
	EXPECT_EQ(EPERM, err);
}

/* The per-namespace tables, like /proc/net/tcp, are anyone's to read. */
TEST_F(tables, own_namespace_for_anyone)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct table t;

		die_with_parent();
		if (setgid(65534) || setuid(65534) ||
		    table_read(PROC_NET_FAMILIES, &t) ||
		    table_read(PROC_NET_PORTS, &t))
			_exit(1);
		_exit(t.nrows == self->ports ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
