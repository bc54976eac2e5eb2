/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The assertion every count test ends with: the module's files for this
 * namespace show exactly what the test created, and so does ss.
 */
#ifndef TCPSTAT_CHECK_H
#define TCPSTAT_CHECK_H

#include "kselftest_harness.h"
#include "tcpstat_util.h"

#define SETTLE_MS 10000

static inline void check_counts_file(struct __test_metadata *_metadata,
				     const char *path,
				     const struct counts *expect)
{
	struct counts seen;

	if (counts_wait(path, expect, SETTLE_MS, &seen)) {
		TH_LOG("%s: want %s", path, counts_str(expect));
		TH_LOG("%s: seen %s", path, counts_str(&seen));
		TH_LOG("timewait sockets alive (sockstat): %ld; they live 60 s",
		       sockstat_tw());
		ASSERT_TRUE(counts_equal(expect, &seen));
	}
}

/* All three views of the caller's namespace, then ss, equal *expect. */
static inline void check_counts(struct __test_metadata *_metadata,
				const struct counts *expect)
{
	struct counts ss;

	check_counts_file(_metadata, PROC_TCPSTAT, expect);
	check_counts_file(_metadata, PROC_NET_TCPSTAT, expect);
	check_counts_file(_metadata, "/proc/self/net/tcpstat", expect);
	ASSERT_EQ(0, counts_ss(&ss));
	if (!counts_equal(expect, &ss)) {
		TH_LOG("ss -tan: want %s", counts_str(expect));
		TH_LOG("ss -tan: seen %s", counts_str(&ss));
		ASSERT_TRUE(counts_equal(expect, &ss));
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

#endif /* TCPSTAT_CHECK_H */
