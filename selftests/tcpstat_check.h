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

/*
 * The harness kills a test after 30 s unless told otherwise: a wall-clock
 * limit that a loaded machine, or the debug kernel under TCG (minutes per
 * test), trips on a correct test. Every test gets a watchdog against hangs
 * instead; the tests wait for events, never for time.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	900

static inline void check_counts_file(struct __test_metadata *_metadata,
				     const char *path,
				     const struct counts *expect)
{
	struct counts seen;

	if (counts_wait(path, expect, &seen)) {
		TH_LOG("%s: want %s", path, counts_str(expect));
		TH_LOG("%s: seen %s", path, counts_str(&seen));
		TH_LOG("timewait sockets alive (sockstat): %ld of %lu made",
		       sockstat_tw_of(path),
		       expect->tw_time_wait + expect->tw_fin_wait2);
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

/*
 * Poll until the families of path add up to want, its timewait sockets
 * counted by the sockstat of seed's namespace; fam[] as last read.
 */
static inline int families_wait(const char *path, const char *seed,
				const struct counts *want, struct counts *fam)
{
	long deadline = now_ms() + WATCHDOG_MS, tw;
	struct counts sum;

	for (;;) {
		memset(&sum, 0, sizeof(sum));
		tw = sockstat_tw_of(seed);
		if (!families_read(path, fam) && tw == sockstat_tw_of(seed)) {
			counts_add(&sum, &fam[0]);
			counts_add(&sum, &fam[1]);
			if (counts_match(want, &sum, tw))
				return 0;
		}
		if (now_ms() > deadline)
			return -1;
		usleep(20000);
	}
}

/*
 * One settled reading of the families table at path and of the seed file
 * seed of the same namespace: both read, ss -tan -f inet and -f inet6 run,
 * both read again.  Timers move sockets (TIME_WAIT's 60 s) while ss runs,
 * so only a reading that saw nothing change across ss counts; retried
 * until the watchdog.  fam[], ss[] and *total get that reading; 0 or -1.
 */
static inline int families_settled(const char *path, const char *seed,
				   struct counts *fam, struct counts *ss,
				   struct counts *total)
{
	static const char *const ss_args[] = { "-f inet", "-f inet6" };
	long deadline = now_ms() + WATCHDOG_MS;
	struct counts after[TCPSTAT_FAMILIES], total_after;
	int i, same;

	for (;;) {
		if (counts_read(seed, total) || families_read(path, fam))
			return -1;
		for (i = 0; i < TCPSTAT_FAMILIES; i++)
			if (counts_ss_args(ss_args[i], &ss[i]))
				return -1;
		if (families_read(path, after) ||
		    counts_read(seed, &total_after))
			return -1;
		same = counts_equal(total, &total_after);
		for (i = 0; i < TCPSTAT_FAMILIES; i++)
			same = same && counts_equal(&fam[i], &after[i]);
		if (same)
			return 0;
		if (now_ms() > deadline)
			return -1;
		usleep(100000);
	}
}

/*
 * The families table at path (of the caller's namespace, whose seed file
 * is seed) first adds up to *expect, if given; then, in one settled
 * reading, equals ss -tan -f inet / inet6 row by row and adds up to the
 * seed file.  fam[] gets the rows.
 */
static inline void check_families_ss(struct __test_metadata *_metadata,
				     const char *path, const char *seed,
				     const struct counts *expect,
				     struct counts *fam)
{
	struct counts ss[TCPSTAT_FAMILIES], total, sum;
	int i;

	if (expect && families_wait(path, seed, expect, fam)) {
		TH_LOG("%s: inet %s", path, counts_str(&fam[0]));
		TH_LOG("%s: inet6 %s", path, counts_str(&fam[1]));
		TH_LOG("%s: want a sum of %s", path, counts_str(expect));
		ASSERT_TRUE(false);
	}
	ASSERT_EQ(0, families_settled(path, seed, fam, ss, &total)) {
		TH_LOG("%s and %s never read the same twice around ss",
		       path, seed);
	}
	for (i = 0; i < TCPSTAT_FAMILIES; i++) {
		if (!counts_equal(&fam[i], &ss[i])) {
			TH_LOG("ss -tan -f %s: %s", tcpstat_family_name(i),
			       counts_str(&ss[i]));
			TH_LOG("%s %s: %s", path, tcpstat_family_name(i),
			       counts_str(&fam[i]));
			ASSERT_TRUE(counts_equal(&fam[i], &ss[i]));
		}
	}
	memset(&sum, 0, sizeof(sum));
	counts_add(&sum, &fam[0]);
	counts_add(&sum, &fam[1]);
	if (!counts_equal(&sum, &total)) {
		TH_LOG("%s: rows add up to %s", path, counts_str(&sum));
		TH_LOG("%s: %s", seed, counts_str(&total));
		ASSERT_TRUE(counts_equal(&sum, &total));
	}
}

static inline void check_families(struct __test_metadata *_metadata,
				  const char *path, const char *seed,
				  const struct counts *expect)
{
	struct counts fam[TCPSTAT_FAMILIES];

	check_families_ss(_metadata, path, seed, expect, fam);
}

/* ss -tan of the caller's namespace matches *expect, as counts_wait(). */
static inline int ss_wait(const struct counts *expect, struct counts *ss)
{
	long deadline = now_ms() + WATCHDOG_MS, tw;

	for (;;) {
		tw = sockstat_tw();
		if (!counts_ss(ss) && tw == sockstat_tw() &&
		    counts_match(expect, ss, tw))
			return 0;
		if (now_ms() > deadline)
			return -1;
		usleep(20000);
	}
}

/*
 * The seed files of the caller's namespace (by each of their paths), ss,
 * and the families table all show exactly *expect.
 */
static inline void check_counts(struct __test_metadata *_metadata,
				const struct counts *expect)
{
	struct counts ss, fam[TCPSTAT_FAMILIES];

	check_counts_file(_metadata, PROC_TCPSTAT, expect);
	check_counts_file(_metadata, PROC_NET_TCPSTAT, expect);
	check_counts_file(_metadata, "/proc/self/net/tcpstat", expect);
	if (ss_wait(expect, &ss)) {
		TH_LOG("ss -tan: want %s", counts_str(expect));
		TH_LOG("ss -tan: seen %s", counts_str(&ss));
		ASSERT_TRUE(false);
	}
	check_families_ss(_metadata, PROC_NET_FAMILIES, PROC_NET_TCPSTAT,
			  expect, fam);
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

/*
 * Whether two reads of the ports table agree on everything ss can show:
 * ports, listeners, accept queues and states. drops and syn_queue move
 * with every SYN a full queue turns away, and ss shows neither.
 */
static inline bool ports_same_for_ss(const struct table *a,
				     const struct table *b)
{
	static const char *const cols[] = {
		TCPSTAT_COL_PORT, TCPSTAT_COL_LISTENERS,
		TCPSTAT_COL_ACCEPT_QUEUE, TCPSTAT_COL_ACCEPT_MAX,
	};
	struct counts ca, cb;
	unsigned int c;
	int r;

	if (a->nrows != b->nrows)
		return false;
	for (r = 0; r < a->nrows; r++) {
		for (c = 0; c < ARRAY_SIZE(cols); c++)
			if (table_num(a, r, cols[c]) != table_num(b, r, cols[c]))
				return false;
		table_counts(a, r, &ca);
		table_counts(b, r, &cb);
		if (!counts_equal(&ca, &cb))
			return false;
	}
	return true;
}

/*
 * The table against ss, port by port, in one settled reading: the seed
 * file and the table read, one ss -tan run attributed by local port, both
 * read again.  Timers move sockets (TIME_WAIT's 60 s) while ss runs, so
 * only a reading that saw nothing change across it counts, retried until
 * the watchdog.  The seed file is part of it because the table shows only
 * listening ports: a socket of an ephemeral port that changes during ss's
 * dump can shift where inet_diag resumes a bucket, so that ss misses a
 * socket of a listening port.  Equal reads must equal ss.
 */
static inline void check_ports(struct __test_metadata *_metadata)
{
	static struct ss_port ss[MAX_PORTS];
	long deadline = now_ms() + WATCHDOG_MS;
	struct counts seed, seed_after;
	struct table a, b;
	bool settled;
	int n, i;

	for (;;) {
		ASSERT_EQ(0, counts_read(PROC_NET_TCPSTAT, &seed));
		ASSERT_EQ(0, table_read(PROC_NET_PORTS, &a));
		n = ss_ports(ss, MAX_PORTS);
		ASSERT_LE(0, n);
		ASSERT_EQ(0, table_read(PROC_NET_PORTS, &b));
		ASSERT_EQ(0, counts_read(PROC_NET_TCPSTAT, &seed_after));
		settled = ports_same_for_ss(&a, &b) &&
			  counts_equal(&seed, &seed_after);
		table_free(&b);
		if (settled)
			break;
		table_free(&a);
		ASSERT_GT(deadline, now_ms())
			TH_LOG("%s never read the same twice around ss",
			       PROC_NET_PORTS);
		usleep(100000);
	}
	ASSERT_EQ(n, a.nrows);
	for (i = 0; i < a.nrows; i++) {
		struct counts c;

		ASSERT_EQ(ss[i].port, table_num(&a, i, TCPSTAT_COL_PORT));
		table_counts(&a, i, &c);
		if (!counts_equal(&c, &ss[i].c)) {
			TH_LOG("port %d: table %s", ss[i].port, counts_str(&c));
			TH_LOG("port %d: ss    %s", ss[i].port,
			       counts_str(&ss[i].c));
			TH_LOG("%s: %s", PROC_NET_TCPSTAT, counts_str(&seed));
			ASSERT_TRUE(counts_equal(&c, &ss[i].c));
		}
		EXPECT_EQ(ss[i].listeners,
			  table_num(&a, i, TCPSTAT_COL_LISTENERS));
		EXPECT_EQ(ss[i].listeners, (long)c.n[TCPSTAT_LISTEN]);
		EXPECT_EQ(ss[i].recvq,
			  table_num(&a, i, TCPSTAT_COL_ACCEPT_QUEUE));
		EXPECT_EQ(ss[i].sendq,
			  table_num(&a, i, TCPSTAT_COL_ACCEPT_MAX));
	}
	table_free(&a);
}

#endif /* TCPSTAT_CHECK_H */
