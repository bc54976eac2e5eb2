/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The assertion every count test ends with: the module's files for this
 * namespace show exactly what the test created, and so does ss; the
 * families table splits it as ss -f inet / -f inet6 do, and its two rows
 * add up to it.
 */
#ifndef TCPSTAT_CHECK_H
#define TCPSTAT_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tcpstat_util.h"

static inline void check_counts_file(struct __test_metadata *_metadata,
				     const char *path,
				     const struct counts *expect)
{
	struct counts seen;

	if (counts_wait(path, expect, &seen)) {
		TH_LOG("%s: want %s", path, counts_str(expect));
		TH_LOG("%s: seen %s", path, counts_str(&seen));
		TH_LOG("timewait sockets alive (sockstat): %ld; they live 60 s",
		       sockstat_tw());
		ASSERT_TRUE(counts_equal(expect, &seen));
	}
}

/*
 * A families table: exactly the rows inet and inet6, in that order, into
 * fam[0] and fam[1]; 0 or -1.
 */
static inline int families_read(const char *path, struct counts *fam)
{
	struct table t;
	int i, ok;

	if (table_read(path, &t))
		return -1;
	ok = t.nrows == TCPSTAT_FAMILIES;
	for (i = 0; ok && i < TCPSTAT_FAMILIES; i++) {
		ok = !strcmp(table_cell(&t, i, TCPSTAT_COL_FAMILY),
			     tcpstat_family_name(i));
		table_counts(&t, i, &fam[i]);
	}
	table_free(&t);
	return ok ? 0 : -1;
}

/* Poll until the families of path add up to want; fam[] as last read. */
static inline int families_wait(const char *path, const struct counts *want,
				struct counts *fam)
{
	long deadline = now_ms() + WATCHDOG_MS;
	struct counts sum;

	for (;;) {
		memset(&sum, 0, sizeof(sum));
		if (!families_read(path, fam)) {
			counts_add(&sum, &fam[0]);
			counts_add(&sum, &fam[1]);
			if (counts_equal(&sum, want))
				return 0;
		}
		if (now_ms() > deadline)
			return -1;
		usleep(20000);
	}
}

/*
 * The families table at path adds up to *expect and, row by row, equals
 * ss -tan -f inet / inet6; fam[] gets the rows.
 */
static inline void check_families_ss(struct __test_metadata *_metadata,
				     const char *path,
				     const struct counts *expect,
				     struct counts *fam)
{
	static const char *const ss_args[] = { "-f inet", "-f inet6" };
	struct counts ss;
	int i;

	if (families_wait(path, expect, fam)) {
		TH_LOG("%s: inet %s", path, counts_str(&fam[0]));
		TH_LOG("%s: inet6 %s", path, counts_str(&fam[1]));
		TH_LOG("%s: want a sum of %s", path, counts_str(expect));
		ASSERT_TRUE(false);
	}
	for (i = 0; i < TCPSTAT_FAMILIES; i++) {
		ASSERT_EQ(0, counts_ss_args(ss_args[i], &ss));
		if (!counts_equal(&fam[i], &ss)) {
			TH_LOG("ss -tan %s: %s", ss_args[i], counts_str(&ss));
			TH_LOG("%s %s: %s", path, tcpstat_family_name(i),
			       counts_str(&fam[i]));
			ASSERT_TRUE(counts_equal(&fam[i], &ss));
		}
	}
}

static inline void check_families(struct __test_metadata *_metadata,
				  const char *path, const struct counts *expect)
{
	struct counts fam[TCPSTAT_FAMILIES];

	check_families_ss(_metadata, path, expect, fam);
}

/* All three views of the caller's namespace, then ss, equal *expect. */
static inline void check_counts(struct __test_metadata *_metadata,
				const struct counts *expect)
{
	static const char self_fam[] = "/proc/self/net/" TCPSTAT_FILE_FAMILIES;
	struct counts ss, fam[TCPSTAT_FAMILIES], other[TCPSTAT_FAMILIES];

	check_counts_file(_metadata, PROC_TCPSTAT, expect);
	check_counts_file(_metadata, PROC_NET_TCPSTAT, expect);
	check_counts_file(_metadata, "/proc/self/net/tcpstat", expect);
	ASSERT_EQ(0, counts_ss(&ss));
	if (!counts_equal(expect, &ss)) {
		TH_LOG("ss -tan: want %s", counts_str(expect));
		TH_LOG("ss -tan: seen %s", counts_str(&ss));
		ASSERT_TRUE(counts_equal(expect, &ss));
	}
	check_families_ss(_metadata, PROC_NET_FAMILIES, expect, fam);
	/* The same namespace's table by another path: the same rows. */
	if (families_wait(self_fam, expect, other) ||
	    !counts_equal(&fam[0], &other[0]) ||
	    !counts_equal(&fam[1], &other[1])) {
		/* counts_str() has one buffer: one per line. */
		TH_LOG("%s: inet %s", self_fam, counts_str(&other[0]));
		TH_LOG("%s: inet6 %s", self_fam, counts_str(&other[1]));
		TH_LOG("%s: inet %s", PROC_NET_FAMILIES, counts_str(&fam[0]));
		TH_LOG("%s: inet6 %s", PROC_NET_FAMILIES, counts_str(&fam[1]));
		ASSERT_TRUE(false);
	}
}

/*
 * Why the tests cannot run here (module not loaded, no permission for a
 * network namespace), or NULL once the caller is alone in a fresh namespace
 * with lo up.
 */
static inline const char *enter_test_netns(void)
{
	static char why[128];
	const char *what;
	int err;

	if (!module_loaded())
		return PROC_TCPSTAT " missing: load tcpstat.ko first";
	err = netns_fresh();
	if (err) {
		snprintf(why, sizeof(why), "cannot create a network namespace: %s",
			 strerror(-err));
		return why;
	}
	err = netns_deterministic(&what);
	if (err) {
		snprintf(why, sizeof(why), "cannot set %s: %s", what,
			 strerror(-err));
		return why;
	}
	return NULL;
}

#define MAX_PORTS	64

/* What ss says of one port: states, listeners and their queues. */
struct ss_port {
	struct counts c;
	long listeners, recvq, sendq;
};

static inline int ss_port(int port, struct ss_port *p)
{
	char args[64], line[512];
	FILE *f;

	memset(p, 0, sizeof(*p));
	snprintf(args, sizeof(args), "'( sport = :%d )'", port);
	if (counts_ss_args(args, &p->c))
		return -1;
	snprintf(line, sizeof(line), "ss -ltnH '( sport = :%d )'", port);
	f = popen(line, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		long rq, sq;

		if (sscanf(line, "LISTEN %ld %ld", &rq, &sq) != 2) {
			pclose(f);
			return -1;
		}
		p->listeners++;
		p->recvq += rq;
		p->sendq += sq;
	}
	return pclose(f) ? -1 : 0;
}

/*
 * The table against ss, port by port, around an ss run that the table saw
 * nothing change across (timers move sockets): equal reads must equal ss.
 */
static inline void check_ports(struct __test_metadata *_metadata)
{
	int ports[MAX_PORTS], n, tries, i;
	struct table a, b;
	bool settled = false;

	for (tries = 0; tries < 20 && !settled; tries++) {
		ASSERT_EQ(0, table_read(PROC_NET_PORTS, &a));
		n = ss_listening_ports(ports, MAX_PORTS);
		ASSERT_EQ(0, table_read(PROC_NET_PORTS, &b));
		settled = a.nrows == b.nrows && !strcmp(a.text, b.text);
		if (!settled) {
			table_free(&a);
			table_free(&b);
		}
	}
	ASSERT_TRUE(settled);
	ASSERT_EQ(n, a.nrows);
	for (i = 0; i < a.nrows; i++) {
		struct ss_port ss;
		struct counts c;

		ASSERT_EQ(ports[i], table_num(&a, i, TCPSTAT_COL_PORT));
		ASSERT_EQ(0, ss_port(ports[i], &ss));
		table_counts(&a, i, &c);
		if (!counts_equal(&c, &ss.c)) {
			TH_LOG("port %d: table %s", ports[i], counts_str(&c));
			TH_LOG("port %d: ss    %s", ports[i], counts_str(&ss.c));
			ASSERT_TRUE(counts_equal(&c, &ss.c));
		}
		EXPECT_EQ(ss.listeners, table_num(&a, i, TCPSTAT_COL_LISTENERS));
		EXPECT_EQ(ss.listeners, (long)c.n[TCPSTAT_LISTEN]);
		EXPECT_EQ(ss.recvq, table_num(&a, i, TCPSTAT_COL_ACCEPT_QUEUE));
		EXPECT_EQ(ss.sendq, table_num(&a, i, TCPSTAT_COL_ACCEPT_MAX));
	}
	table_free(&a);
	table_free(&b);
}

#endif /* TCPSTAT_CHECK_H */
