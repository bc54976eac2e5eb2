// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/tcpstat_netns and /proc/tcpstat_netns_ports against ss, namespace
 * by namespace: the initial namespace, the test's own and CHILDREN child
 * namespaces (half with a private established hash where the kernel has
 * them), each holding every reachable state over IPv4, IPv6 and
 * IPv4-mapped IPv6, on listening ports of its own.  Every (netns, family)
 * row equals `nsenter -t PID -n ss -tan -f inet|inet6`, state by state;
 * the namespace's own /proc/PID/net/tcpstat_families shows the same rows,
 * and they add up to its /proc/PID/net/tcpstat.  Every (netns, port) row
 * equals, column for column, the namespace's own
 * /proc/PID/net/tcpstat_ports, and by state and queue what
 * `nsenter -t PID -n ss -tan` shows of that local port.  Timers move
 * sockets meanwhile (TIME_WAIT, orphans, retransmitted SYNs), so each
 * comparison is made around an ss run that two reads of the table agree
 * across, retried a bounded number of times; the equality itself is never
 * loosened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcpstat_check.h"

#define CHILDREN	20
#define PRIVATE_FROM	10	/* children from here get a private table */
#define TRIES		20

struct child {
	pid_t pid;
	int report;
	long ehash;		/* its net.ipv4.tcp_ehash_entries */
	bool private;
};

static unsigned long netns_of(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	return stat(path, &st) ? 0 : st.st_ino;
}

/* Every state over the three families; a report of its table size. */
static void child_main(int report, bool empty)
{
	const struct fam *fams[] = { &fam_ipv4, &fam_ipv6, &fam_mapped };
	struct counts expect = { 0 };
	const char *what;
	long ehash = 0;
	unsigned int i;

	if (netns_fresh() || netns_deterministic(&what))
		_exit(1);
	for (i = 0; i < ARRAY_SIZE(fams) && !empty; i++)
		if (make_all_states(fams[i], 1, &expect))
			_exit(2);
	sysctl_read_long("net.ipv4.tcp_ehash_entries", &ehash);
	if (write(report, &ehash, sizeof(ehash)) != sizeof(ehash))
		_exit(3);
	for (;;)
		pause();
}

static int start_child(struct child *ch, bool empty)
{
	int p[2];

	if (pipe(p))
		return -1;
	ch->pid = fork();
	if (ch->pid < 0)
		return -1;
	if (ch->pid == 0) {
		die_with_parent();
		close(p[0]);
		child_main(p[1], empty);
	}
	close(p[1]);
	ch->report = p[0];
	return 0;
}

static int child_ready(struct child *ch)
{
	ssize_t r = read(ch->report, &ch->ehash, sizeof(ch->ehash));

	close(ch->report);
	return r == sizeof(ch->ehash) ? 0 : -1;
}

/* The rows of namespace ns in table t: inet into fam[0], inet6 fam[1]. */
static int rows_of(const struct table *t, unsigned long ns, struct counts *fam)
{
	int r, found = 0;

	for (r = 0; r < t->nrows; r++) {
		const char *f = table_cell(t, r, TCPSTAT_COL_FAMILY);

		if ((unsigned long)table_num(t, r, TCPSTAT_COL_NETNS) != ns)
			continue;
		table_counts(t, r, &fam[strcmp(f, TCPSTAT_FAMILY_INET) != 0]);
		found++;
	}
	return found == TCPSTAT_FAMILIES ? 0 : -1;
}

static int ss_in(pid_t pid, const char *family, struct counts *c)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "nsenter -t %d -n ss -tanH -f %s", pid,
		 family);
	return counts_cmd(cmd, c);
}

/*
 * ss, the all-namespace table, the namespace's own families table and seed
 * file for the namespace of pid, all equal; around an ss run the table
 * read the same before and after.
 */
static void check_namespace(struct __test_metadata *_metadata, pid_t pid)
{
	struct counts before[2], after[2], ss[2], own[2], seed, sum;
	unsigned long ns = netns_of(pid);
	char path[96];
	struct table t;
	int tries, f;

	ASSERT_NE(0UL, ns);
	for (tries = 0; tries < TRIES; tries++) {
		ASSERT_EQ(0, table_read(PROC_NETNS, &t));
		ASSERT_EQ(0, rows_of(&t, ns, before))
			TH_LOG("no rows for netns %lu (pid %d)", ns, pid);
		table_free(&t);
		ASSERT_EQ(0, ss_in(pid, "inet", &ss[0]));
		ASSERT_EQ(0, ss_in(pid, "inet6", &ss[1]));
		snprintf(path, sizeof(path), "/proc/%d/net/%s", pid,
			 TCPSTAT_FILE_FAMILIES);
		ASSERT_EQ(0, families_read(path, own));
		snprintf(path, sizeof(path), "/proc/%d/net/%s", pid,
			 TCPSTAT_FILE_SEED);
		ASSERT_EQ(0, counts_read(path, &seed));
		ASSERT_EQ(0, table_read(PROC_NETNS, &t));
		ASSERT_EQ(0, rows_of(&t, ns, after));
		table_free(&t);
		if (!memcmp(before, after, sizeof(before)))
			break;
		usleep(100000);
	}
	ASSERT_GT(TRIES, tries) TH_LOG("netns %lu never settled", ns);
	memset(&sum, 0, sizeof(sum));
	for (f = 0; f < TCPSTAT_FAMILIES; f++) {
		if (!counts_equal(&before[f], &ss[f]) ||
		    !counts_equal(&before[f], &own[f])) {
			TH_LOG("netns %lu (pid %d) %s", ns, pid,
			       tcpstat_family_name(f));
			TH_LOG("  table:    %s", counts_str(&before[f]));
			TH_LOG("  ss:       %s", counts_str(&ss[f]));
			TH_LOG("  families: %s", counts_str(&own[f]));
			ASSERT_TRUE(false);
		}
		counts_add(&sum, &before[f]);
	}
	ASSERT_TRUE(counts_equal(&sum, &seed)) {
		TH_LOG("netns %lu: rows add up to %s", ns, counts_str(&sum));
		TH_LOG("netns %lu: seed file says %s", ns, counts_str(&seed));
	}
}

/* Whether rows a (of t) and b (of u) agree on every column of u. */
static bool rows_equal(const struct table *t, int a, const struct table *u,
		       int b)
{
	int c;

	for (c = 0; c < u->ncols; c++)
		if (strcmp(table_cell(t, a, u->cols[c]),
			   u->cells[b * u->ncols + c]))
			return false;
	return true;
}

/* The rows of namespace ns in the all-namespace ports table, in order. */
static int ns_rows(const struct table *t, unsigned long ns, int *rows, int max)
{
	int r, n = 0;

	for (r = 0; r < t->nrows && n < max; r++)
		if ((unsigned long)table_num(t, r, TCPSTAT_COL_NETNS) == ns)
			rows[n++] = r;
	return n;
}

#define MAX_NS_PORTS	256

/*
 * A namespace's rows of /proc/tcpstat_netns_ports equal its own
 * /proc/PID/net/tcpstat_ports read between two reads of the table that
 * agree on every column, and equal what ss shows of each port.
 */
static void check_namespace_ports(struct __test_metadata *_metadata, pid_t pid)
{
	static struct ss_port ss[MAX_NS_PORTS];
	int ra[MAX_NS_PORTS], rb[MAX_NS_PORTS], na, nb, nss, tries, i;
	unsigned long ns = netns_of(pid);
	struct table a, b, own;
	char cmd[96], path[96];
	bool settled = false;

	snprintf(path, sizeof(path), "/proc/%d/net/%s", pid, TCPSTAT_FILE_PORTS);
	snprintf(cmd, sizeof(cmd), "nsenter -t %d -n ss -tanH", pid);
	for (tries = 0; tries < TRIES && !settled; tries++) {
		ASSERT_EQ(0, table_read(PROC_NETNS_PORTS, &a));
		ASSERT_EQ(0, table_read(path, &own));
		nss = ss_ports_cmd(cmd, ss, MAX_NS_PORTS);
		ASSERT_LE(0, nss);
		ASSERT_EQ(0, table_read(PROC_NETNS_PORTS, &b));
		na = ns_rows(&a, ns, ra, MAX_NS_PORTS);
		nb = ns_rows(&b, ns, rb, MAX_NS_PORTS);
		settled = na == nb;
		for (i = 0; settled && i < na; i++)
			settled = rows_equal(&a, ra[i], &b, rb[i]) &&
				  rows_equal(&b, rb[i], &a, ra[i]);
		table_free(&b);
		if (!settled) {
			table_free(&a);
			table_free(&own);
			usleep(100000);
		}
	}
	ASSERT_TRUE(settled) TH_LOG("netns %lu: the ports table never settled", ns);
	ASSERT_LT(0, na) TH_LOG("netns %lu (pid %d) has no port row", ns, pid);
	ASSERT_EQ(own.nrows, na) TH_LOG("netns %lu: its own table has %d rows",
					ns, own.nrows);
	ASSERT_EQ(nss, na) TH_LOG("netns %lu: ss shows %d listening ports", ns, nss);
	for (i = 0; i < na; i++) {
		struct counts c;

		/* Every column of the namespace's own table, the same. */
		EXPECT_TRUE(rows_equal(&a, ra[i], &own, i))
			TH_LOG("netns %lu port %lld: differs from %s", ns,
			       table_num(&a, ra[i], TCPSTAT_COL_PORT), path);
		ASSERT_EQ(ss[i].port, table_num(&a, ra[i], TCPSTAT_COL_PORT));
		table_counts(&a, ra[i], &c);
		EXPECT_TRUE(counts_equal(&c, &ss[i].c)) {
			TH_LOG("netns %lu port %d: table %s", ns, ss[i].port,
			       counts_str(&c));
			TH_LOG("netns %lu port %d: ss    %s", ns, ss[i].port,
			       counts_str(&ss[i].c));
		}
		EXPECT_EQ(ss[i].listeners,
			  table_num(&a, ra[i], TCPSTAT_COL_LISTENERS));
		EXPECT_EQ(ss[i].recvq, table_num(&a, ra[i], TCPSTAT_COL_ACCEPT_QUEUE));
		EXPECT_EQ(ss[i].sendq, table_num(&a, ra[i], TCPSTAT_COL_ACCEPT_MAX));
	}
	table_free(&a);
	table_free(&own);
}

FIXTURE(allns) {
	struct child ch[CHILDREN + 1];	/* the last one holds no socket */
	int n;
	bool private_tables;
};

FIXTURE_SETUP(allns)
{
	const char *why = enter_test_netns();
	struct counts expect = { 0 };
	int i, j;

	self->n = 0;
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, make_all_states(&fam_ipv4, 1, &expect));
	ASSERT_EQ(0, make_all_states(&fam_ipv6, 1, &expect));
	ASSERT_EQ(0, make_all_states(&fam_mapped, 1, &expect));
	check_counts(_metadata, &expect);
	for (i = 0; i <= CHILDREN; i++) {
		/* Read when a namespace is created: wait for the first ones. */
		if (i == PRIVATE_FROM) {
			for (j = 0; j < i; j++)
				ASSERT_EQ(0, child_ready(&self->ch[j]));
			self->private_tables =
				!sysctl_write("net.ipv4.tcp_child_ehash_entries",
					      "128");
		}
		self->ch[i].private = self->private_tables && i >= PRIVATE_FROM;
		ASSERT_EQ(0, start_child(&self->ch[i], i == CHILDREN));
		self->n++;
	}
	/* Each child's namespace exists once it is ready. */
	for (i = PRIVATE_FROM; i < self->n; i++)
		ASSERT_EQ(0, child_ready(&self->ch[i]));
	if (!self->private_tables)
		TH_LOG("no net.ipv4.tcp_child_ehash_entries (6.1+): %s",
		       "all children share the table");
}

FIXTURE_TEARDOWN(allns)
{
	int i;

	for (i = 0; i < self->n; i++) {
		kill(self->ch[i].pid, SIGKILL);
		waitpid(self->ch[i].pid, NULL, 0);
	}
}

TEST_F_TIMEOUT(allns, every_namespace_equals_ss, 1800)
{
	int i;

	check_namespace(_metadata, 1);
	check_namespace(_metadata, getpid());
	for (i = 0; i < self->n; i++) {
		if (self->ch[i].private)
			ASSERT_EQ(128, self->ch[i].ehash);
		check_namespace(_metadata, self->ch[i].pid);
	}
}

/* The ports of every namespace, from the one table of them all. */
TEST_F_TIMEOUT(allns, every_namespace_ports_equal_ss, 1800)
{
	int i;

	check_namespace_ports(_metadata, getpid());
	for (i = 0; i < self->n; i++) {
		if (i == CHILDREN)
			continue;	/* no socket, no listening port */
		check_namespace_ports(_metadata, self->ch[i].pid);
	}
}

/* Two rows per namespace, inet then inet6, netns increasing; cookies unique. */
TEST_F_TIMEOUT(allns, rows_in_order, 1800)
{
	int r, have_cookie, i;
	struct table t;

	ASSERT_EQ(0, table_read(PROC_NETNS, &t));
	ASSERT_EQ(0, t.nrows % 2);
	have_cookie = table_col(&t, TCPSTAT_COL_COOKIE) >= 0;
	for (r = 0; r < t.nrows; r += 2) {
		ASSERT_STREQ(TCPSTAT_FAMILY_INET,
			     table_cell(&t, r, TCPSTAT_COL_FAMILY));
		ASSERT_STREQ(TCPSTAT_FAMILY_INET6,
			     table_cell(&t, r + 1, TCPSTAT_COL_FAMILY));
		ASSERT_EQ(table_num(&t, r, TCPSTAT_COL_NETNS),
			  table_num(&t, r + 1, TCPSTAT_COL_NETNS));
		if (r)
			ASSERT_LT(table_num(&t, r - 1, TCPSTAT_COL_NETNS),
				  table_num(&t, r, TCPSTAT_COL_NETNS));
		if (!have_cookie)
			continue;
		ASSERT_EQ(table_num(&t, r, TCPSTAT_COL_COOKIE),
			  table_num(&t, r + 1, TCPSTAT_COL_COOKIE));
		for (i = 0; i < r; i += 2)
			ASSERT_NE(table_num(&t, i, TCPSTAT_COL_COOKIE),
				  table_num(&t, r, TCPSTAT_COL_COOKIE));
	}
	/* Every namespace of ours is there, the empty one with zeros. */
	for (i = 0; i < self->n; i++) {
		struct counts fam[2], none = { 0 };

		ASSERT_EQ(0, rows_of(&t, netns_of(self->ch[i].pid), fam));
		if (i == CHILDREN) {
			ASSERT_TRUE(counts_equal(&fam[0], &none));
			ASSERT_TRUE(counts_equal(&fam[1], &none));
		}
	}
	table_free(&t);
}

/* A namespace gone is gone from the next read; the others stay exact. */
TEST_F_TIMEOUT(allns, namespace_destroyed, 1800)
{
	unsigned long ns = netns_of(self->ch[0].pid);
	struct counts fam[2];
	long deadline = now_ms() + WATCHDOG_MS;
	struct table t;
	int gone;

	ASSERT_EQ(0, table_read(PROC_NETNS, &t));
	ASSERT_EQ(0, rows_of(&t, ns, fam));
	table_free(&t);
	kill(self->ch[0].pid, SIGKILL);
	waitpid(self->ch[0].pid, NULL, 0);
	/* The namespace is torn down asynchronously, after its last socket. */
	do {
		ASSERT_GT(deadline, now_ms());
		usleep(50000);
		ASSERT_EQ(0, table_read(PROC_NETNS, &t));
		gone = rows_of(&t, ns, fam);
		table_free(&t);
	} while (!gone);
	self->ch[0].pid = self->ch[self->n - 1].pid;
	self->n--;
	check_namespace(_metadata, self->ch[1].pid);
}

TEST_HARNESS_MAIN
