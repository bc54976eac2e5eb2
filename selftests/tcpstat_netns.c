// SPDX-License-Identifier: GPL-2.0
/*
 * Namespaces: sockets of a child network namespace are absent from the
 * parent's /proc/tcpstat, present in the child's /proc/net/tcpstat and in
 * /proc/<pid>/net/tcpstat read from the parent; /proc/tcpstat follows the
 * reader's namespace at read time.  The same with a private established
 * hash (net.ipv4.tcp_child_ehash_entries, 6.1+), where only lhash2 is
 * shared with the parent.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcpstat_check.h"

/* What a child namespace holds and what it saw of itself. */
struct child_report {
	struct counts expect;
	struct counts own_tcpstat;	/* its /proc/tcpstat */
	struct counts own_net;		/* its /proc/net/tcpstat */
	struct counts own_ss;		/* ss -tan run inside it */
	long ehash_entries;		/* net.ipv4.tcp_ehash_entries, or 0 */
	long tw_alive;			/* its timewait sockets, around all three */
	int err;
};

struct child {
	pid_t pid;
	int report;	/* the child's report comes through it */
};

/*
 * Fork a child into a new network namespace holding `scale` times a mix of
 * every state over both families; collect_report() waits for its report.
 */
static int start_child(int scale, struct child *ch, struct child_report *rep)
{
	const char *what;
	int report[2];

	if (pipe(report))
		return -1;
	ch->pid = fork();
	if (ch->pid < 0)
		return -1;
	if (ch->pid == 0) {
		die_with_parent();
		memset(rep, 0, sizeof(*rep));
		close(report[0]);
		rep->err = netns_fresh() || netns_deterministic(&what) ||
			   make_all_states(&fam_ipv4, scale, &rep->expect) ||
			   make_established(&fam_ipv6, scale, &rep->expect) ||
			   make_time_wait(&fam_ipv6, scale, &rep->expect);
		/* Three readings no timewait socket expired across. */
		do {
			counts_wait(PROC_TCPSTAT, &rep->expect, &rep->own_tcpstat);
			rep->tw_alive = sockstat_tw();
			counts_read(PROC_TCPSTAT, &rep->own_tcpstat);
			counts_read(PROC_NET_TCPSTAT, &rep->own_net);
			rep->err |= counts_ss(&rep->own_ss);
		} while (!rep->err && rep->tw_alive != sockstat_tw());
		sysctl_read_long("net.ipv4.tcp_ehash_entries",
				 &rep->ehash_entries);
		if (write(report[1], rep, sizeof(*rep)) != sizeof(*rep))
			_exit(1);
		for (;;)
			pause();
	}
	close(report[1]);
	ch->report = report[0];
	return 0;
}

static int collect_report(struct child *ch, struct child_report *rep)
{
	ssize_t r = read(ch->report, rep, sizeof(*rep));

	close(ch->report);
	return r == sizeof(*rep) && !rep->err ? 0 : -1;
}

static int spawn_child(int scale, struct child *ch, struct child_report *rep)
{
	return start_child(scale, ch, rep) || collect_report(ch, rep) ? -1 : 0;
}

/* The child holds its sockets until killed; its namespace dies with it. */
static int reap_child(struct child *ch)
{
	int status;

	if (kill(ch->pid, SIGKILL) || waitpid(ch->pid, &status, 0) != ch->pid)
		return -1;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? 0 : -1;
}

static void check_child(struct __test_metadata *_metadata,
			const struct child *ch, const struct child_report *rep)
{
	char path[64];

	ASSERT_TRUE(counts_match(&rep->expect, &rep->own_tcpstat, rep->tw_alive)) {
		TH_LOG("child /proc/tcpstat: want %s", counts_str(&rep->expect));
		TH_LOG("child /proc/tcpstat: seen %s", counts_str(&rep->own_tcpstat));
	}
	ASSERT_TRUE(counts_match(&rep->expect, &rep->own_net, rep->tw_alive))
		TH_LOG("child /proc/net/tcpstat: %s", counts_str(&rep->own_net));
	ASSERT_TRUE(counts_match(&rep->expect, &rep->own_ss, rep->tw_alive))
		TH_LOG("child ss -tan: %s", counts_str(&rep->own_ss));
	snprintf(path, sizeof(path), "/proc/%d/net/tcpstat", ch->pid);
	check_counts_file(_metadata, path, &rep->expect);
}

FIXTURE(netns) {
	struct counts parent;
};

FIXTURE_VARIANT(netns) {
	const char *child_ehash_entries;
};

FIXTURE_VARIANT_ADD(netns, shared_ehash) {
	.child_ehash_entries = NULL,
};

FIXTURE_VARIANT_ADD(netns, private_ehash) {
	.child_ehash_entries = "256",
};

FIXTURE_SETUP(netns)
{
	const char *why = enter_test_netns();

	if (why)
		SKIP(return, "%s", why);
	if (variant->child_ehash_entries &&
	    sysctl_write("net.ipv4.tcp_child_ehash_entries",
			 variant->child_ehash_entries))
		SKIP(return, "no net.ipv4.tcp_child_ehash_entries (added in 6.1)");
	memset(&self->parent, 0, sizeof(self->parent));
	/* The parent has sockets of its own, on the same ports range. */
	ASSERT_EQ(0, make_established(&fam_ipv4, 3, &self->parent));
	ASSERT_EQ(0, make_listeners(&fam_ipv6, 2, &self->parent));
	ASSERT_EQ(0, make_time_wait(&fam_ipv4, 2, &self->parent));
}

FIXTURE_TEARDOWN(netns)
{
}

static void check_ehash_kind(struct __test_metadata *_metadata,
			     const char *child_ehash_entries,
			     const struct child_report *rep)
{
	if (!child_ehash_entries)
		return;
	/* Positive: the child owns an established hash of that size. */
	ASSERT_EQ(256, rep->ehash_entries);
}

TEST_F(netns, child_invisible_to_parent)
{
	struct child_report rep;
	struct child ch;

	ASSERT_EQ(0, spawn_child(2, &ch, &rep));
	check_ehash_kind(_metadata, variant->child_ehash_entries, &rep);
	check_child(_metadata, &ch, &rep);
	/* The parent sees its own sockets and none of the child's. */
	check_counts(_metadata, &self->parent);
	ASSERT_EQ(0, reap_child(&ch));
	check_counts(_metadata, &self->parent);
}

TEST_F(netns, many_children_each_exact)
{
	struct child_report rep[4];
	struct child ch[4];
	int i;

	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, start_child(i + 1, &ch[i], &rep[i]));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, collect_report(&ch[i], &rep[i]));
	for (i = 0; i < 4; i++) {
		check_ehash_kind(_metadata, variant->child_ehash_entries, &rep[i]);
		check_child(_metadata, &ch[i], &rep[i]);
	}
	check_counts(_metadata, &self->parent);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, reap_child(&ch[i]));
}

/* /proc/tcpstat counts the namespace the reader is in when it reads. */
TEST_F(netns, global_file_follows_setns)
{
	struct child_report rep;
	struct counts seen;
	struct child ch;
	char path[64];
	int fd, home;

	ASSERT_EQ(0, spawn_child(1, &ch, &rep));
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, home);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", ch.pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);

	ASSERT_EQ(0, setns(fd, CLONE_NEWNET));
	ASSERT_EQ(0, counts_read(PROC_TCPSTAT, &seen));
	ASSERT_TRUE(counts_equal(&rep.expect, &seen))
		TH_LOG("after setns: %s", counts_str(&seen));
	ASSERT_EQ(0, setns(home, CLONE_NEWNET));
	ASSERT_EQ(0, counts_read(PROC_TCPSTAT, &seen));
	ASSERT_TRUE(counts_equal(&self->parent, &seen))
		TH_LOG("back home: %s", counts_str(&seen));
	close(fd);
	close(home);
	ASSERT_EQ(0, reap_child(&ch));
}

/*
 * A per-namespace file stays bound to its namespace: reading it after the
 * last process of that namespace exited works (the open file keeps the
 * namespace alive) and never shows the parent's sockets.
 */
TEST_F(netns, file_outlives_namespace_owner)
{
	struct child_report rep;
	struct counts seen;
	struct child ch;
	char path[64], buf[1024];
	int fd;

	ASSERT_EQ(0, spawn_child(1, &ch, &rep));
	snprintf(path, sizeof(path), "/proc/%d/net/tcpstat", ch.pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, reap_child(&ch));

	memset(buf, 0, sizeof(buf));
	ASSERT_LT(0, pread(fd, buf, sizeof(buf) - 1, 0));
	ASSERT_EQ(0, counts_parse(buf, &seen));
	/*
	 * Its processes are gone: no listener and no open connection.  Only
	 * these two are certain: the sockets their exit closed pass through
	 * FIN_WAIT1, LAST_ACK, TIME_WAIT and the like on the kernel's timers,
	 * at a pace no test controls.
	 */
	ASSERT_EQ(0UL, seen.n[TCPSTAT_LISTEN]);
	ASSERT_EQ(0UL, seen.n[TCPSTAT_ESTABLISHED]);
	close(fd);
	check_counts(_metadata, &self->parent);
}

/*
 * Every file is bound to a namespace when it is opened, as /proc/net files
 * are: a descriptor opened before setns() keeps counting the namespace it
 * was opened in (so does one passed to a process of another namespace),
 * and the path opened after setns() shows the new one.
 */
static const char *const bound_files[] = {
	PROC_TCPSTAT, PROC_NET_TCPSTAT, PROC_NET_FAMILIES, PROC_NET_PORTS,
	"/proc/self/net/" TCPSTAT_FILE_SEED,
	"/proc/self/net/" TCPSTAT_FILE_FAMILIES,
	"/proc/self/net/" TCPSTAT_FILE_PORTS,
};

#define NBOUND	ARRAY_SIZE(bound_files)

static int slurp(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static int slurp_path(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -1;
	err = slurp(fd, buf, size);
	close(fd);
	return err;
}

/* A namespace of its own holding n listeners, each with n connections. */
static pid_t timer_free_population(int n, int *ready)
{
	struct counts expect = { 0 };
	int p[2], i;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		die_with_parent();
		close(p[0]);
		if (netns_fresh())
			_exit(1);
		for (i = 0; i < n; i++)
			if (make_established(&fam_ipv4, n, &expect))
				_exit(2);
		if (write(p[1], "r", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	close(p[1]);
	*ready = p[0];
	return pid;
}

TEST_F(netns, bound_at_open)
{
	static char home_text[NBOUND][4096], away_text[NBOUND][4096];
	struct counts expect = { 0 };
	char path[128], buf[4096], c;
	int fds[NBOUND], ready, away_ns, home_ns, sv[2], status;
	unsigned int i;
	pid_t away, pid;

	/* Home: a fresh namespace; away: another; no timer moves either. */
	ASSERT_EQ(0, netns_fresh());
	ASSERT_EQ(0, make_established(&fam_ipv6, 2, &expect));
	away = timer_free_population(3, &ready);
	ASSERT_LT(0, away);
	ASSERT_EQ(1, read(ready, &c, 1));
	close(ready);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", away);
	away_ns = open(path, O_RDONLY | O_CLOEXEC);
	home_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, away_ns);
	ASSERT_LE(0, home_ns);
	for (i = 0; i < NBOUND; i++) {
		/* What each file shows of each namespace, read plainly. */
		ASSERT_EQ(0, slurp_path(bound_files[i], home_text[i], 4096));
		snprintf(path, sizeof(path), "/proc/%d/net/%s", away,
			 strrchr(bound_files[i], '/') + 1);
		ASSERT_EQ(0, slurp_path(path, away_text[i], 4096));
		ASSERT_STRNE(home_text[i], away_text[i]);
		fds[i] = open(bound_files[i], O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fds[i]);
	}

	ASSERT_EQ(0, setns(away_ns, CLONE_NEWNET));
	for (i = 0; i < NBOUND; i++) {
		ASSERT_EQ(0, slurp(fds[i], buf, sizeof(buf)));
		EXPECT_STREQ(home_text[i], buf)
			TH_LOG("%s, opened before setns(), read after", bound_files[i]);
		ASSERT_EQ(0, slurp_path(bound_files[i], buf, sizeof(buf)));
		EXPECT_STREQ(away_text[i], buf)
			TH_LOG("%s, opened after setns()", bound_files[i]);
	}

	/* A descriptor handed to a process of another namespace. */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { &c, 1 };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		int fd;

		die_with_parent();
		/* In the away namespace, as the test is now. */
		if (recvmsg(sv[1], &msg, 0) != 1 || !CMSG_FIRSTHDR(&msg))
			_exit(1);
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(fd));
		if (slurp(fd, buf, sizeof(buf)))
			_exit(2);
		_exit(strcmp(buf, home_text[0]) ? 3 : 0);
	}
	{
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
		struct iovec iov = { &c, 1 };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fds[0], sizeof(int));
		ASSERT_EQ(1, sendmsg(sv[0], &msg, 0));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("%s passed to a process in another namespace: status %#x",
		       bound_files[0], status);

	ASSERT_EQ(0, setns(home_ns, CLONE_NEWNET));
	for (i = 0; i < NBOUND; i++)
		close(fds[i]);
	close(sv[0]);
	close(sv[1]);
	kill(away, SIGKILL);
	waitpid(away, NULL, 0);
}

TEST_HARNESS_MAIN
