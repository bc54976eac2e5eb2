// SPDX-License-Identifier: GPL-2.0
/*
 * Churn: connections opening and closing at full speed over IPv4 and IPv6,
 * network namespaces created and destroyed, several processes reading the
 * module's files in a loop, and (reload case) the module unloaded and
 * loaded again repeatedly under them.  Every read that succeeds must be
 * well formed; once the churn stops the counts equal ss exactly.
 *
 * Readers read the seed files and the tables (in reads of varying size).
 * TCPSTAT_CHURN_SECONDS (default 20) bounds the churn; TCPSTAT_RELOADS
 * (default 40) is the number of unload/load cycles; TCPSTAT_READERS (default
 * 6, at most 32) the number of reader processes; the module is loaded from
 * TCPSTAT_KO if set, else with modprobe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcpstat_check.h"

#define MAX_READERS	32
#define HELD_PAIRS	10

/* Shared with every worker process. */
struct board {
	int stop;			/* churn stops */
	/*
	 * Bumped before each unload and after each load: odd while the
	 * module may be absent.  A failed read is excused only if a reload
	 * happened since the descriptor was opened.
	 */
	unsigned long gen;
	unsigned long reads, bad_reads, churned, namespaces, ns_bad, held;
	unsigned long ns_judged;	/* namespaces whose reading was judged */
	char bad[256];			/* the first bad read, for the log */
	int ns_told;			/* ns_detail is written */
	char ns_detail[512];		/* the first namespace miscounted */
};

static struct board *board;

/* The board is shared memory: every access to stop and gen is atomic. */
#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? atol(v) : def;
}

static void note_bad(const char *what)
{
	if (!board->bad[0])
		snprintf(board->bad, sizeof(board->bad), "%s", what);
	__sync_fetch_and_add(&board->bad_reads, 1);
}

/* Could a reload explain a failure of something begun at generation g? */
static bool reload_since(unsigned long g)
{
	return g % 2 || LOAD(board->gen) != g;
}

/* Every file a reader may read, seed files first. */
static const char *const paths[] = {
	PROC_TCPSTAT, PROC_NET_TCPSTAT, "/proc/self/net/" TCPSTAT_FILE_SEED,
	PROC_NET_FAMILIES, PROC_NET_PORTS, PROC_NETNS, PROC_NETNS_PORTS,
};

#define SEED_FILES	3

/*
 * From offset 0 to the end, in reads of varying size; <0 on error, with
 * *op naming the call that failed.
 */
static ssize_t read_from_start(int fd, char *buf, size_t size, int chunk,
			       const char **op)
{
	size_t len = 0, want;
	ssize_t r = 0;

	*op = "lseek";
	if (lseek(fd, 0, SEEK_SET))
		return -1;
	*op = "read";
	while (len < size - 1) {
		want = size - 1 - len;
		if ((size_t)chunk < want)
			want = chunk;
		r = read(fd, buf + len, want);
		if (r <= 0)
			break;
		len += r;
	}
	if (r < 0)
		return -1;
	buf[len] = '\0';
	return len;
}

/* A whole, well-formed read of path: the seed format or a table. */
static bool well_formed(unsigned int which, char *buf)
{
	struct table t;
	struct counts c;
	bool ok;

	if (which < SEED_FILES)
		return !counts_parse(buf, &c);
	ok = !table_parse(strdup(buf), &t) && t.ncols > TCPSTAT_STATES &&
	     (which != 3 || t.nrows == TCPSTAT_FAMILIES) &&
	     (which != 5 || (t.nrows > 0 && t.nrows % 2 == 0)) &&
	     (which != 6 || table_col(&t, TCPSTAT_COL_NETNS) == 0);
	table_free(&t);
	return ok;
}

/* Open, read, re-read from offset 0, parse every successful read. */
static void reader_loop(int id)
{
	unsigned int which = id % ARRAY_SIZE(paths);
	const char *path = paths[which];
	static char buf[TABLE_MAX];
	unsigned long opened = 0;
	int fd = -1, round;
	const char *op;
	char why[200];
	ssize_t r;

	while (!LOAD(board->stop)) {
		for (round = 0; round < 2; round++) {
			if (fd < 0) {
				opened = LOAD(board->gen);
				fd = proc_open(path, O_RDONLY | O_CLOEXEC);
			}
			if (fd < 0) {
				/* Excused only if the open met an unloaded module. */
				if (errno != ENOENT || !reload_since(opened)) {
					snprintf(why, sizeof(why), "open %s: %s",
						 path, strerror(errno));
					note_bad(why);
				}
				break;
			}
			r = read_from_start(fd, buf, sizeof(buf),
					    round ? 4096 : 1 + id % 61, &op);
			if (r < 0) {
				/*
				 * A file cut off by rmmod answers EIO to a
				 * read, EINVAL to lseek (proc_reg_*()): only
				 * a descriptor that outlived an unload.
				 */
				if (errno != (*op == 'r' ? EIO : EINVAL) ||
				    !reload_since(opened)) {
					snprintf(why, sizeof(why), "%s %s: %s",
						 op, path, strerror(errno));
					note_bad(why);
				}
				close(fd);
				fd = -1;
				break;
			}
			if (!well_formed(which, buf)) {
				snprintf(why, sizeof(why), "%s: malformed: %.120s",
					 path, buf);
				note_bad(why);
			}
			__sync_fetch_and_add(&board->reads, 1);
		}
		/*
		 * Half the readers keep their descriptor across reads, half
		 * reopen: alternating over each round of paths, so that from
		 * 2 * ARRAY_SIZE(paths) readers on every file has both.
		 */
		if ((id + id / ARRAY_SIZE(paths)) % 2 && fd >= 0) {
			close(fd);
			fd = -1;
		}
	}
}

static void linger0(int fd)
{
	struct linger l = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

/* Open a batch, then close it four different ways; hold a final set. */
static void churn_loop(const struct fam *f)
{
	int lfd, port, c[16], s[16], i;

	lfd = tcp_listener(f, NULL, 1024, 0, &port);
	if (lfd < 0)
		_exit(1);
	while (!LOAD(board->stop)) {
		for (i = 0; i < 16; i++) {
			c[i] = tcp_connect(f, NULL, port, false, 0, 0);
			s[i] = c[i] < 0 ? -1 : tcp_accept(lfd);
			if (s[i] < 0)
				_exit(1);
		}
		for (i = 0; i < 16; i++) {
			switch (i % 4) {
			case 0:	/* client first: TIME_WAIT on the client */
				close(c[i]);
				close(s[i]);
				break;
			case 1:	/* server first */
				close(s[i]);
				close(c[i]);
				break;
			case 2:	/* reset */
				linger0(c[i]);
				close(c[i]);
				close(s[i]);
				break;
			default: /* half close, then both */
				shutdown(c[i], SHUT_WR);
				close(s[i]);
				close(c[i]);
				break;
			}
		}
		__sync_fetch_and_add(&board->churned, 16);
	}
	for (i = 0; i < HELD_PAIRS; i++) {
		c[0] = tcp_connect(f, NULL, port, false, 0, 0);
		if (c[0] < 0 || tcp_accept(lfd) < 0)
			_exit(1);
	}
	__sync_fetch_and_add(&board->held, 1);
	for (;;)
		pause();
}

/*
 * A short-lived namespace's reading of itself: every reading that
 * succeeds is judged, exactly (its timewait socket accounted for by
 * sockstat); a reading that failed is excused only if it met an unloaded
 * module (the generation odd, or moved, around it).  Exit 0 judged and
 * right, 2 judged and wrong, 3 a failure not excused, 4 never judged (every
 * reading met a reload, until the watchdog).
 */
static int count_self(const struct counts *expect)
{
	long deadline = now_ms() + WATCHDOG_MS, tw;
	struct counts seen;
	char want[160];
	unsigned long g;
	int err;

	while (now_ms() < deadline) {
		g = LOAD(board->gen);
		tw = sockstat_tw();
		err = counts_read(PROC_NET_TCPSTAT, &seen);
		if (err) {
			if (g % 2 == 0 && LOAD(board->gen) == g)
				return 3;
			continue;
		}
		if (tw != sockstat_tw())
			continue;	/* a timewait socket went meanwhile */
		if (counts_match(expect, &seen, tw))
			return 0;
		snprintf(want, sizeof(want), "%s", counts_str(expect));
		if (!__sync_lock_test_and_set(&board->ns_told, 1))
			snprintf(board->ns_detail, sizeof(board->ns_detail),
				 "made %s (%lu timewait), read %s, sockstat tw %ld",
				 want, expect->tw_time_wait + expect->tw_fin_wait2,
				 counts_str(&seen), tw);
		return 2;
	}
	return 4;
}

/* Namespaces born and destroyed; each must count itself exactly. */
static void netns_loop(void)
{
	static const char *const why[] = {
		[1] = "a short-lived namespace could not be set up",
		[2] = "a short-lived namespace miscounted itself",
		[3] = "a short-lived namespace's reading failed, no reload near it",
	};
	struct counts expect;
	const char *what;
	int status;
	pid_t pid;

	while (!LOAD(board->stop)) {
		pid = fork();
		if (pid == 0) {
			die_with_parent();
			memset(&expect, 0, sizeof(expect));
			if (netns_fresh() || netns_deterministic(&what) ||
			    make_established(&fam_ipv4, 2, &expect) ||
			    make_time_wait(&fam_ipv6, 1, &expect))
				_exit(1);
			_exit(count_self(&expect));
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) == 1) {
			__sync_fetch_and_add(&board->ns_bad, 1);
			note_bad(why[1]);
		} else if (WEXITSTATUS(status) == 2 || WEXITSTATUS(status) == 3) {
			__sync_fetch_and_add(&board->ns_bad, 1);
			note_bad(why[WEXITSTATUS(status)]);
		}
		if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) != 4)
			__sync_fetch_and_add(&board->ns_judged, 1);
		__sync_fetch_and_add(&board->namespaces, 1);
	}
	_exit(0);
}

static int module_unload(void)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (!syscall(SYS_delete_module, "tcpstat", O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			return -errno;
		usleep(10000);
	}
	return -EBUSY;
}

static int module_load(void)
{
	const char *ko = getenv("TCPSTAT_KO");
	int fd, err = 0;

	if (!ko || !*ko)
		return system("modprobe tcpstat") ? -ENOEXEC : 0;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = -errno;
	close(fd);
	return err;
}

static bool can_reload(char *why, size_t len)
{
	const char *ko = getenv("TCPSTAT_KO");

	if (ko && *ko) {
		if (access(ko, R_OK) == 0)
			return true;
		snprintf(why, len, "TCPSTAT_KO=%s: %s", ko, strerror(errno));
		return false;
	}
	if (system("modinfo tcpstat >/dev/null 2>&1") == 0)
		return true;
	snprintf(why, len, "no TCPSTAT_KO and modprobe cannot find tcpstat");
	return false;
}

/*
 * Quiescent now, but TIME_WAIT sockets may still expire: compare only
 * around an ss run that the module saw nothing change across.
 */
static int settled_compare(struct counts *mod, struct counts *ss)
{
	struct counts after;
	int tries;

	for (tries = 0; tries < 600; tries++) {
		if (counts_read(PROC_TCPSTAT, mod) || counts_ss(ss) ||
		    counts_read(PROC_TCPSTAT, &after))
			return -1;
		if (counts_equal(mod, &after) && !mod->n[TCPSTAT_LAST_ACK] &&
		    !mod->n[TCPSTAT_FIN_WAIT1] && !mod->n[TCPSTAT_CLOSING])
			return counts_equal(mod, ss) ? 0 : -1;
		usleep(100000);
	}
	return -1;
}

FIXTURE(churn) {
	pid_t pids[MAX_READERS + 3];
	int npids;
};

FIXTURE_SETUP(churn)
{
	const char *why = enter_test_netns();

	if (why)
		SKIP(return, "%s", why);
	board = mmap(NULL, sizeof(*board), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, board);
	memset(board, 0, sizeof(*board));
	ASSERT_EQ(0, nofile_raise(65536));
	ASSERT_EQ(0, sysctl_write("net.ipv4.ip_local_port_range", "1024 65535"));
	ASSERT_EQ(0, sysctl_write("net.ipv4.tcp_max_tw_buckets", "1000000"));
	self->npids = 0;
}

FIXTURE_TEARDOWN(churn)
{
	int i;

	if (board)
		STORE(board->stop, 1);
	for (i = 0; i < self->npids; i++) {
		kill(self->pids[i], SIGKILL);
		waitpid(self->pids[i], NULL, 0);
	}
}

static void start_workers(struct __test_metadata *_metadata,
			  FIXTURE_DATA(churn) * self)
{
	int readers = env_long("TCPSTAT_READERS", 6), i;

	ASSERT_LT(0, readers);
	ASSERT_GE(MAX_READERS, readers);
	for (i = 0; i < readers + 3; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			die_with_parent();
			/*
			 * The workers saturate every CPU; at equal priority
			 * the test's own unload/load loop gets a 1/(readers+4)
			 * share and a cycle takes seconds on a slow kernel.
			 * Niced, they still run on every other CPU and
			 * whenever the loop sleeps or waits, so reads stay in
			 * flight across each unload.
			 */
			if (nice(19) < 0)
				_exit(1);
			if (i < readers) {
				reader_loop(i);
				_exit(0);
			}
			if (i == readers)
				churn_loop(&fam_ipv4);
			if (i == readers + 1)
				churn_loop(&fam_ipv6);
			netns_loop();
		}
		self->pids[self->npids++] = pid;
	}
}

static void finish(struct __test_metadata *_metadata, FIXTURE_DATA(churn) * self)
{
	long deadline = now_ms() + WATCHDOG_MS;
	struct counts mod, ss;

	STORE(board->stop, 1);
	while (board->held < 2 && now_ms() < deadline)
		usleep(10000);
	ASSERT_EQ(2UL, board->held);
	TH_LOG("%lu reads judged (%lu bad), %lu connections churned",
	       board->reads, board->bad_reads, board->churned);
	TH_LOG("%lu namespaces (%lu judged, %lu bad)", board->namespaces,
	       board->ns_judged, board->ns_bad);
	if (board->bad[0])
		TH_LOG("first problem: %s", board->bad);
	if (board->ns_told)
		TH_LOG("first namespace miscounted: %s", board->ns_detail);
	ASSERT_LT(0UL, board->reads);
	ASSERT_LT(0UL, board->churned);
	ASSERT_LT(0UL, board->ns_judged);
	ASSERT_EQ(0UL, board->bad_reads);
	ASSERT_EQ(0UL, board->ns_bad);

	ASSERT_EQ(0, settled_compare(&mod, &ss)) {
		TH_LOG("module: %s", counts_str(&mod));
		TH_LOG("ss:     %s", counts_str(&ss));
	}
	ASSERT_EQ(2UL * 2 * HELD_PAIRS, mod.n[TCPSTAT_ESTABLISHED]);
	ASSERT_EQ(2UL, mod.n[TCPSTAT_LISTEN]);
	/*
	 * The tables at rest, by family and per port as ss sees them; each
	 * its own settled reading, as TIME_WAIT sockets may still expire.
	 */
	check_families(_metadata, PROC_NET_FAMILIES, PROC_NET_TCPSTAT, NULL);
	check_ports(_metadata);
}

TEST_F_TIMEOUT(churn, readers_under_churn, 900)
{
	long seconds = env_long("TCPSTAT_CHURN_SECONDS", 20);

	start_workers(_metadata, self);
	sleep(seconds);
	finish(_metadata, self);
}

TEST_F_TIMEOUT(churn, reload_under_readers, 3600)
{
	long seconds = env_long("TCPSTAT_CHURN_SECONDS", 20);
	long reloads = env_long("TCPSTAT_RELOADS", 40), i;
	long start = now_ms(), deadline = start + seconds * 1000;
	char why[256];
	int err;

	if (!can_reload(why, sizeof(why)))
		SKIP(return, "%s", why);
	start_workers(_metadata, self);
	for (i = 0; i < reloads || now_ms() < deadline; i++) {
		__atomic_add_fetch(&board->gen, 1, __ATOMIC_SEQ_CST);
		err = module_unload();
		ASSERT_EQ(0, err)
			TH_LOG("unload %ld: %s", i, strerror(-err));
		usleep(rand() % 20000);
		err = module_load();
		__atomic_add_fetch(&board->gen, 1, __ATOMIC_SEQ_CST);
		ASSERT_EQ(0, err)
			TH_LOG("load %ld: %s", i, strerror(-err));
		usleep(rand() % 20000);
		if ((i + 1) % 100 == 0)
			TH_LOG("%ld unload/load cycles in %lds", i + 1,
			       (now_ms() - start) / 1000);
	}
	TH_LOG("%ld unload/load cycles in %lds", i, (now_ms() - start) / 1000);
	/* Loaded for good: from here on every read must succeed. */
	ASSERT_TRUE(module_loaded());
	sleep(2);
	finish(_metadata, self);
}

/*
 * Unloading the module while a table's snapshot is held, deterministically:
 * opened, one byte read (the whole table rendered for the file), module
 * unloaded: the next read answers EIO and lseek EINVAL, close succeeds,
 * and nothing of the snapshot is left (the debug kernel's kmemleak scans
 * judge that after the stress).  Then the module is loaded again.
 */
TEST_F(churn, unload_with_snapshot_held)
{
	static const char *const held[] = {
		PROC_NET_PORTS, PROC_NETNS_PORTS, PROC_NET_FAMILIES, PROC_NETNS,
		PROC_TCPSTAT,
	};
	int fds[ARRAY_SIZE(held)], port, lfd;
	char why[256], c;
	unsigned int i;
	int err;

	if (!can_reload(why, sizeof(why)))
		SKIP(return, "%s", why);
	lfd = tcp_listener(&fam_ipv4, NULL, 4, 0, &port);
	ASSERT_LE(0, lfd);
	for (i = 0; i < ARRAY_SIZE(held); i++) {
		fds[i] = proc_open(held[i], O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fds[i]) TH_LOG("%s", held[i]);
		ASSERT_EQ(1, read(fds[i], &c, 1)) TH_LOG("%s", held[i]);
	}
	err = module_unload();
	ASSERT_EQ(0, err) TH_LOG("unload: %s", strerror(-err));
	for (i = 0; i < ARRAY_SIZE(held); i++) {
		EXPECT_EQ(-1, read(fds[i], &c, 1));
		EXPECT_EQ(EIO, errno) TH_LOG("%s: read", held[i]);
		EXPECT_EQ(-1, lseek(fds[i], 0, SEEK_SET));
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s: lseek", held[i]);
		EXPECT_EQ(0, close(fds[i])) TH_LOG("%s: close", held[i]);
	}
	err = module_load();
	ASSERT_EQ(0, err) TH_LOG("load: %s", strerror(-err));
	ASSERT_TRUE(module_loaded());
	close(lfd);
}

TEST_HARNESS_MAIN
