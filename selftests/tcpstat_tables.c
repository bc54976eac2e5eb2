// SPDX-License-Identifier: GPL-2.0
/*
 * The table files' contract (module/tcpstat_uapi.h), for every table: the
 * exact header, one space between fields and none at either end, numbers
 * in decimal, keys in strictly increasing order; reads of any size, and
 * splice()/sendfile(), all giving the same bytes; one snapshot per read
 * from offset 0, kept for every later offset however small the reads, and
 * renewed by a read from 0; a read as large as the table gets all of it
 * in one call, also from threads sharing one descriptor while listeners
 * come and go; a pread() past offset 0 on a fresh descriptor returns under
 * listener and namespace churn, and a reader killed in it dies; writes
 * refused; the snapshot charged to the reader's memory cgroup.  And who
 * may open the files that show every namespace: a process of the initial
 * network namespace with CAP_NET_ADMIN in the initial user namespace,
 * checked at open.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcpstat_check.h"

static const char *const tables[] = {
	PROC_NET_FAMILIES, PROC_NET_PORTS, PROC_NETNS, PROC_NETNS_PORTS,
	"/proc/self/net/" TCPSTAT_FILE_FAMILIES,
	"/proc/self/net/" TCPSTAT_FILE_PORTS,
};

#define NTABLES ARRAY_SIZE(tables)
#define BIG	(TABLE_MAX)

/* The files showing every namespace, one privilege rule for both. */
static const char *const all_ns_tables[] = { PROC_NETNS, PROC_NETNS_PORTS };

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
	int fd = proc_open(path, O_RDONLY | O_CLOEXEC);
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

/* A row's key, for the order check: (netns, family or port). */
static unsigned long long row_key(const struct table *t, int r)
{
	unsigned long long ns = table_col(t, TCPSTAT_COL_NETNS) >= 0 ?
				table_num(t, r, TCPSTAT_COL_NETNS) : 0;
	unsigned long long k;

	if (table_col(t, TCPSTAT_COL_PORT) >= 0)
		k = table_num(t, r, TCPSTAT_COL_PORT);
	else
		k = strcmp(table_cell(t, r, TCPSTAT_COL_FAMILY),
			   TCPSTAT_FAMILY_INET) != 0;
	return ns << 17 | k;
}

/*
 * A whole table of the contract: header, cells, numbers in decimal and keys
 * strictly increasing; NULL if so, else what is wrong.
 */
static const char *table_wrong(char *text)
{
	static char why[160];
	struct table t;
	int r, c;

	if (table_parse(text, &t))
		return "does not parse";
	if (t.ncols <= TCPSTAT_STATES) {
		table_free(&t);
		return "too few columns";
	}
	for (r = 0; r < t.nrows; r++) {
		for (c = 0; c < t.ncols; c++) {
			const char *v = t.cells[r * t.ncols + c];

			if (!*v || (strcmp(t.cols[c], TCPSTAT_COL_FAMILY) &&
				    strspn(v, "0123456789") != strlen(v))) {
				snprintf(why, sizeof(why), "row %d, %s: '%.40s'",
					 r, t.cols[c], v);
				table_free(&t);
				return why;
			}
		}
		if (r && row_key(&t, r) <= row_key(&t, r - 1)) {
			snprintf(why, sizeof(why), "row %d out of order", r);
			table_free(&t);
			return why;
		}
	}
	table_free(&t);
	return NULL;
}

FIXTURE(tables) {
	char *buf, *again;
	int ports;		/* distinct listening ports */
	int all_ports[1024];
};

/*
 * Only timer-free states: the tables must read the same throughout a test
 * (a TIME_WAIT socket would expire on its own after 60 s).
 */
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
	/* Enough listening ports for the ports tables to span pages. */
	ASSERT_EQ(0, make_listeners(&fam_ipv4, 300, &expect));
	ASSERT_EQ(0, make_listeners(&fam_ipv6, 100, &expect));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, make_established(i % 2 ? &fam_ipv6 : &fam_mapped,
					      2, &expect));
	ASSERT_EQ(0, make_close_wait(&fam_ipv4, 2, &expect));
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
	char want[1024], ports[1024];

	ASSERT_LT(0, read_whole(PROC_NET_FAMILIES, self->buf, BIG, BIG));
	expected_header(want, sizeof(want), TCPSTAT_COL_FAMILY, "");
	ASSERT_EQ(0, strncmp(self->buf, want, strlen(want)));

	ASSERT_LT(0, read_whole(PROC_NET_PORTS, self->buf, BIG, BIG));
	expected_header(ports, sizeof(ports),
			TCPSTAT_COL_PORT " " TCPSTAT_COL_LISTENERS " "
			TCPSTAT_COL_ACCEPT_QUEUE " " TCPSTAT_COL_ACCEPT_MAX " "
			TCPSTAT_COL_SYN_QUEUE,
			" " TCPSTAT_COL_FASTOPEN_QUEUE " " TCPSTAT_COL_DROPS);
	ASSERT_EQ(0, strncmp(self->buf, ports, strlen(ports)));

	/* Every column of the ports table, after the namespace's. */
	ASSERT_LT(0, read_whole(PROC_NETNS_PORTS, self->buf, BIG, BIG));
	snprintf(want, sizeof(want), "%s %s", TCPSTAT_COL_NETNS, ports);
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

/* One space between fields, none at the ends, decimal, keys in order. */
TEST_F(tables, strict_format)
{
	const char *why;
	unsigned int i;

	for (i = 0; i < NTABLES; i++) {
		ASSERT_LT(0, read_whole(tables[i], self->buf, BIG, BIG));
		why = table_wrong(strdup(self->buf));
		EXPECT_EQ(NULL, why) TH_LOG("%s: %s", tables[i], why ? why : "");
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
		fd = proc_open(tables[i], O_RDONLY);
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

/* splice() and sendfile() give what read() gives, for every table. */
TEST_F(tables, sendfile_equals_read)
{
	unsigned int i;
	ssize_t n, len;
	int fd, out;

	for (i = 0; i < NTABLES; i++) {
		len = read_whole(tables[i], self->buf, BIG, BIG);
		ASSERT_LT(0, len);
		fd = proc_open(tables[i], O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		out = memfd_create("sendfile", MFD_CLOEXEC);
		ASSERT_LE(0, out);
		n = sendfile(out, fd, NULL, BIG);
		ASSERT_EQ(len, n)
			TH_LOG("sendfile from %s: %s", tables[i],
			       n < 0 ? strerror(errno) : "short");
		ASSERT_EQ(len, pread(out, self->again, BIG, 0));
		ASSERT_EQ(0, memcmp(self->buf, self->again, len))
			TH_LOG("%s: sendfile differs from read", tables[i]);
		close(out);
		close(fd);
	}
}

/* A read as large as the table gets all of it, in one call. */
TEST_F(tables, whole_table_in_one_read)
{
	unsigned int i;
	ssize_t len;
	int fd;

	for (i = 0; i < NTABLES; i++) {
		len = read_whole(tables[i], self->buf, BIG, BIG);
		ASSERT_LT(0, len);
		fd = proc_open(tables[i], O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		ASSERT_EQ(len, read(fd, self->again, BIG)) TH_LOG("%s", tables[i]);
		ASSERT_EQ(len, pread(fd, self->again, BIG, 0)) TH_LOG("%s", tables[i]);
		ASSERT_EQ(0, memcmp(self->buf, self->again, len));
		close(fd);
	}
}

/*
 * One snapshot per read from offset 0: a listener opened after the first
 * byte was read is not in the rest of that read, however it is read; a
 * read from 0 (lseek or pread) takes a new snapshot with it.  For the
 * namespace's table and for the table of every namespace.
 */
TEST_F(tables, snapshot_per_read)
{
	static const char *const paths[] = { PROC_NET_PORTS, PROC_NETNS_PORTS };
	int fd, port, lfd, rows;
	unsigned int i;
	struct table t;
	ssize_t n;
	char c;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		ASSERT_EQ(0, table_read(paths[i], &t));
		rows = t.nrows;
		table_free(&t);
		fd = proc_open(paths[i], O_RDONLY);
		ASSERT_LE(0, fd);
		ASSERT_EQ(1, read(fd, &c, 1));
		lfd = tcp_listener(&fam_ipv4, NULL, 1, 0, &port);
		ASSERT_LE(0, lfd);
		self->buf[0] = c;
		n = read_chunks(fd, self->buf + 1, BIG - 1, 3);
		ASSERT_LT(0, n);
		self->buf[n + 1] = '\0';
		ASSERT_EQ(0, table_parse(strdup(self->buf), &t));
		ASSERT_EQ(rows, t.nrows) TH_LOG("%s", paths[i]);
		table_free(&t);

		ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
		n = read_chunks(fd, self->buf, BIG, 5);
		ASSERT_LT(0, n);
		self->buf[n] = '\0';
		ASSERT_EQ(0, table_parse(strdup(self->buf), &t));
		ASSERT_EQ(rows + 1, t.nrows) TH_LOG("%s", paths[i]);
		table_free(&t);

		close(lfd);
		n = pread_all(fd, self->buf, BIG);
		ASSERT_LT(0, n);
		ASSERT_EQ(0, table_parse(strdup(self->buf), &t));
		ASSERT_EQ(rows, t.nrows) TH_LOG("%s", paths[i]);
		table_free(&t);
		close(fd);
	}
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
	fd = proc_open(PROC_NETNS, O_RDONLY);
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
		fd = proc_open(tables[i], O_RDWR);
		if (fd >= 0) {
			ASSERT_EQ(-1, write(fd, "0\n", 2));
			close(fd);
		}
	}
}

struct reader_arg {
	const char *path;
	int fd;			/* a descriptor shared with other threads, or -1 */
	int rounds, bad;
	const char *want;	/* what every read must be, or NULL */
	char why[200];
};

/* Whole reads: each one a complete table (and, if given, exactly want). */
static void *reader(void *p)
{
	struct reader_arg *a = p;
	char *buf = malloc(BIG + 1);
	const char *wrong;
	ssize_t n;
	int i, fd;

	for (i = 0; buf && i < a->rounds; i++) {
		fd = a->fd >= 0 ? a->fd : proc_open(a->path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : pread(fd, buf, BIG, 0);
		if (a->fd < 0 && fd >= 0)
			close(fd);
		if (n <= 0) {
			snprintf(a->why, sizeof(a->why), "read: %s",
				 n < 0 ? strerror(errno) : "nothing");
			a->bad++;
			continue;
		}
		buf[n] = '\0';
		if (a->want && strcmp(buf, a->want)) {
			snprintf(a->why, sizeof(a->why), "differs from a read alone");
			a->bad++;
			continue;
		}
		wrong = table_wrong(strdup(buf));
		if (wrong) {
			snprintf(a->why, sizeof(a->why), "%s", wrong);
			a->bad++;
		}
	}
	free(buf);
	return NULL;
}

/* Readers at once, each opening its own: each reads what a read alone does. */
TEST_F(tables, concurrent_readers)
{
	struct reader_arg arg[12];
	pthread_t th[12];
	char *want[NTABLES];
	unsigned int i;

	for (i = 0; i < NTABLES; i++) {
		ASSERT_LT(0, read_whole(tables[i], self->buf, BIG, BIG));
		want[i] = strdup(self->buf);
	}
	for (i = 0; i < 12; i++) {
		arg[i] = (struct reader_arg){ .path = tables[i % NTABLES],
					      .fd = -1, .rounds = 30,
					      .want = want[i % NTABLES] };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, reader, &arg[i]));
	}
	for (i = 0; i < 12; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, arg[i].bad) TH_LOG("%s: %s", arg[i].path, arg[i].why);
	}
	for (i = 0; i < NTABLES; i++)
		free(want[i]);
}

/* Listeners on ports of their own, opened and closed until stop is set. */
struct churn_arg {
	int stop;		/* read and written atomically */
	unsigned long cycles;
};

static void *listener_churn(void *p)
{
	struct churn_arg *a = p;
	int fd[64], port, i;

	while (!__atomic_load_n(&a->stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < 64; i++)
			fd[i] = tcp_listener(&fam_ipv4, NULL, 1, 0, &port);
		for (i = 0; i < 64; i++)
			if (fd[i] >= 0)
				close(fd[i]);
		a->cycles++;
	}
	return NULL;
}

/*
 * Threads sharing one descriptor, each reading whole tables with pread()
 * at 0 while listeners come and go: every read is one complete table, not
 * parts of two; the choice of snapshot is made under the file's own lock.
 */
TEST_F(tables, shared_descriptor_whole_tables)
{
	static const char *const paths[] = { PROC_NET_PORTS, PROC_NETNS_PORTS };
	struct churn_arg churn = { 0 };
	struct reader_arg arg[8];
	pthread_t th[8], ch;
	unsigned int i, t;
	int fd;

	ASSERT_EQ(0, pthread_create(&ch, NULL, listener_churn, &churn));
	for (t = 0; t < ARRAY_SIZE(paths); t++) {
		fd = proc_open(paths[t], O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		for (i = 0; i < 8; i++) {
			arg[i] = (struct reader_arg){ .path = paths[t], .fd = fd,
						      .rounds = 40 };
			ASSERT_EQ(0, pthread_create(&th[i], NULL, reader, &arg[i]));
		}
		for (i = 0; i < 8; i++) {
			ASSERT_EQ(0, pthread_join(th[i], NULL));
			EXPECT_EQ(0, arg[i].bad)
				TH_LOG("%s, shared: %s", paths[t], arg[i].why);
		}
		close(fd);
	}
	__atomic_store_n(&churn.stop, 1, __ATOMIC_RELAXED);
	pthread_join(ch, NULL);
	ASSERT_LT(0UL, churn.cycles);
}

/*
 * pread() past offset 0 on fresh descriptors of every table, while
 * listeners and namespaces come and go: seq_file then renders the table
 * from the start to get there, and a fill that lost a race to new
 * listeners or namespaces must not send it round for ever (-EAGAIN from
 * ->start did: unkillable).  Every pread returns; a reader killed in the
 * middle of them dies.
 */
static void churn_namespaces(void)
{
	pid_t pid;

	for (;;) {
		pid = fork();
		if (pid == 0) {
			if (unshare(CLONE_NEWNET))
				_exit(1);
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
}

static void pread_forever(void)
{
	char buf[512];
	unsigned int i;
	int fd;

	for (;;) {
		for (i = 0; i < NTABLES; i++) {
			fd = proc_open(tables[i], O_RDONLY | O_CLOEXEC);
			if (fd < 0 || pread(fd, buf, sizeof(buf), 100) < 0)
				_exit(1);
			close(fd);
		}
	}
}

TEST_F(tables, pread_past_zero_under_churn)
{
	struct churn_arg churn = { 0 };
	char buf[512];
	pid_t churner, victim;
	unsigned int i, k;
	int status, fd;
	pthread_t ch;

	ASSERT_EQ(0, pthread_create(&ch, NULL, listener_churn, &churn));
	churner = fork();
	ASSERT_LE(0, churner);
	if (churner == 0) {
		die_with_parent();
		churn_namespaces();
	}
	victim = fork();
	ASSERT_LE(0, victim);
	if (victim == 0) {
		die_with_parent();
		pread_forever();
	}
	for (k = 0; k < 50; k++)
		for (i = 0; i < NTABLES; i++) {
			fd = proc_open(tables[i], O_RDONLY | O_CLOEXEC);
			ASSERT_LE(0, fd);
			ASSERT_LE(0, pread(fd, buf, sizeof(buf), 100 + k))
				TH_LOG("%s: %s", tables[i], strerror(errno));
			close(fd);
		}
	/* The victim is somewhere in its preads: it must die of SIGKILL. */
	ASSERT_EQ(0, kill(victim, SIGKILL));
	ASSERT_EQ(victim, waitpid(victim, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("the reader ended otherwise (status %#x)", status);
	kill(churner, SIGKILL);
	waitpid(churner, NULL, 0);
	__atomic_store_n(&churn.stop, 1, __ATOMIC_RELAXED);
	pthread_join(ch, NULL);
}

/*
 * The snapshot is charged to the reader: a reader in a memory cgroup of
 * its own, having read one byte of the ports table (the whole table is
 * rendered for it), is charged at least the table's size, and uncharged
 * as much when it closes the file.
 */
static long long cg_current(const char *cg)
{
	char path[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.current", cg);
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Minutes under KASAN in TCG: 10000 listeners' worth of sockets. */
TEST_F_TIMEOUT(tables, snapshot_charged_to_reader, 3600)
{
	const char *root = "/sys/fs/cgroup", *cg = "/sys/fs/cgroup/tcpstat-charge";
	/*
	 * memory.current moves by whole charge batches, kept per CPU (64
	 * pages): the reader runs on one CPU, so exact to within 64 pages and
	 * a few more of its own (stack, page tables).
	 */
	const long long slack = (64 + 16) * 4096;
	int go[2], done[2], status, more = 10000, port, i;
	cpu_set_t one;
	long long before, held, after;
	char pidbuf[32], c = 0;
	ssize_t len;
	pid_t pid;

	/* A table of about 400 kB: the charge stands above that noise. */
	ASSERT_EQ(0, nofile_raise(20000));
	for (i = 0; i < more; i++)
		ASSERT_LE(0, tcp_listener(&fam_ipv4, NULL, 1, 0, &port));
	len = read_whole(PROC_NET_PORTS, self->buf, BIG, BIG);
	ASSERT_LT(slack, len);
	/* The guest's cgroup2, mounted here if it is not yet. */
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK))
		ASSERT_EQ(0, mount("cgroup2", root, "cgroup2", 0, NULL));
	ASSERT_EQ(0, write_str("/sys/fs/cgroup/cgroup.subtree_control", "+memory"));
	rmdir(cg);
	ASSERT_EQ(0, mkdir(cg, 0755));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd;

		die_with_parent();
		CPU_ZERO(&one);
		CPU_SET(0, &one);
		if (sched_setaffinity(0, sizeof(one), &one) || read(go[0], &c, 1) != 1)
			_exit(1);
		fd = open(PROC_NET_PORTS, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, &c, 1) != 1 || write(done[1], &c, 1) != 1 ||
		    read(go[0], &c, 1) != 1)
			_exit(2);
		close(fd);
		if (write(done[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(3);
		_exit(0);
	}
	snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
	snprintf(self->again, 256, "%s/cgroup.procs", cg);
	ASSERT_EQ(0, write_str(self->again, pidbuf));
	before = cg_current(cg);
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(1, read(done[0], &c, 1));	/* one byte read, file open */
	held = cg_current(cg);
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(1, read(done[0], &c, 1));	/* closed */
	after = cg_current(cg);
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	rmdir(cg);
	TH_LOG("memory.current: %lld, %lld with the table open, %lld closed; table %zd bytes",
	       before, held, after, len);
	ASSERT_LE(0, before);
	EXPECT_LE(before + len - slack, held);
	EXPECT_LE(after + len - slack, held);
}

/* --- who may open the files of every namespace ---------------------------- */

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

/*
 * A user namespace of its own, mapping our uid and gid (taken before: in
 * the new namespace they read as the overflow ids) to its root.
 */
static int userns_root(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];

	if (unshare(CLONE_NEWUSER))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (write_str("/proc/self/setgroups", "deny") ||
	    write_str("/proc/self/uid_map", map))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	return write_str("/proc/self/gid_map", map);
}

enum who {
	ROOT,			/* every capability, in the initial namespaces */
	NOBODY,
	ROOT_NO_NET_ADMIN,
	NOBODY_NET_ADMIN,	/* an exporter granted only that capability */
	ROOT_OWN_NETNS,		/* every capability, a network namespace of its own */
	USERNS_ROOT,		/* root of its own user namespace only */
	CONTAINER_ROOT,		/* a user and a network namespace, uid 0 mapped */
};

/*
 * Open path as who, from the initial network namespace unless who has its
 * own: 0, or the errno of the refused open; 200 if who could not be set
 * up.
 */
static int open_as(enum who who, const char *path)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		die_with_parent();
		if (initial_netns_enter())
			_exit(200);
		switch (who) {
		case ROOT:
			break;
		case NOBODY:
			if (setgid(65534) || setuid(65534))
				_exit(200);
			break;
		case ROOT_NO_NET_ADMIN:
			if (drop_effective(CAP_NET_ADMIN))
				_exit(200);
			break;
		case NOBODY_NET_ADMIN:
			if (prctl(PR_SET_KEEPCAPS, 1) || setgid(65534) ||
			    setuid(65534) || capset_effective(CAP_NET_ADMIN, true))
				_exit(200);
			break;
		case ROOT_OWN_NETNS:
			if (unshare(CLONE_NEWNET))
				_exit(200);
			break;
		case USERNS_ROOT:
			if (userns_root())
				_exit(200);
			break;
		case CONTAINER_ROOT:
			if (userns_root() || unshare(CLONE_NEWNET))
				_exit(200);
			break;
		}
		fd = open(path, O_RDONLY);
		if (fd >= 0 && read(fd, &status, 1) != 1)
			_exit(201);
		_exit(fd >= 0 ? 0 : errno);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The existing refusals, and the two openers the rule lets in. */
TEST_F(tables, all_ns_needs_cap_net_admin)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(all_ns_tables); i++) {
		const char *p = all_ns_tables[i];

		EXPECT_EQ(0, open_as(ROOT, p)) TH_LOG("%s", p);
		EXPECT_EQ(EPERM, open_as(NOBODY, p)) TH_LOG("%s", p);
		EXPECT_EQ(EPERM, open_as(ROOT_NO_NET_ADMIN, p)) TH_LOG("%s", p);
		/* The mode stays 0444: an exporter granted only that may. */
		EXPECT_EQ(0, open_as(NOBODY_NET_ADMIN, p)) TH_LOG("%s", p);
	}
}

/*
 * CAP_NET_ADMIN in the initial user namespace is no proof of being the
 * host: a container without a user namespace may hold it (docker
 * --cap-add NET_ADMIN).  Its root, in a network namespace of its own, is
 * refused, even with every capability.
 */
TEST_F(tables, all_ns_refused_outside_initial_netns)
{
	EXPECT_EQ(EPERM, open_as(ROOT_OWN_NETNS, PROC_NETNS));
	EXPECT_EQ(EPERM, open_as(ROOT_OWN_NETNS, PROC_NETNS_PORTS));
}

/*
 * A container's root: every capability, in its own user namespace only.
 * Staying in the initial network namespace, the capability check refuses
 * it (a check in the opener's user namespace would not); in a network
 * namespace of its own, owned by its user namespace, both checks do (a
 * check in the file's namespace's owner would not, were it alone).
 */
TEST_F(tables, all_ns_refused_to_container_root)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(all_ns_tables); i++) {
		EXPECT_EQ(EPERM, open_as(USERNS_ROOT, all_ns_tables[i]))
			TH_LOG("%s", all_ns_tables[i]);
		EXPECT_EQ(EPERM, open_as(CONTAINER_ROOT, all_ns_tables[i]))
			TH_LOG("%s", all_ns_tables[i]);
	}
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
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
