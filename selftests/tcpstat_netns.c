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
		counts_wait(PROC_TCPSTAT, &rep->expect, &rep->own_tcpstat);
		counts_read(PROC_NET_TCPSTAT, &rep->own_net);
		rep->err |= counts_ss(&rep->own_ss);
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

	ASSERT_TRUE(counts_equal(&rep->expect, &rep->own_tcpstat)) {
		TH_LOG("child /proc/tcpstat: want %s", counts_str(&rep->expect));
		TH_LOG("child /proc/tcpstat: seen %s", counts_str(&rep->own_tcpstat));
	}
	ASSERT_TRUE(counts_equal(&rep->expect, &rep->own_net))
		TH_LOG("child /proc/net/tcpstat: %s", counts_str(&rep->own_net));
	ASSERT_TRUE(counts_equal(&rep->expect, &rep->own_ss))
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

TEST_F_TIMEOUT(netns, child_invisible_to_parent, 120)
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

TEST_F_TIMEOUT(netns, many_children_each_exact, 180)
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
	/* Its processes are gone: no listener and no open connection. */
	ASSERT_EQ(0UL, seen.n[TCPSTAT_LISTEN]);
	ASSERT_EQ(0UL, seen.n[TCPSTAT_ESTABLISHED]);
	close(fd);
	check_counts(_metadata, &self->parent);
}

TEST_HARNESS_MAIN
