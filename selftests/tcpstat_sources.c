// SPDX-License-Identifier: GPL-2.0
/*
 * The reader's three sources agree with the module and with ss: in a
 * namespace holding every state over both families, `tcpstat --source
 * module|netlink|procfs|auto` print the same JSON, equal to the counts the
 * test created; with --pid they report another namespace's sockets.
 * The reader is $TCPSTAT_BIN, else tools/ktcpstat beside this tree.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcpstat_check.h"

static const char *const sources[] = { "module", "netlink", "procfs", "auto" };

static const char *reader_path(void)
{
	static char path[PATH_MAX + 32];
	const char *env = getenv("TCPSTAT_BIN");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return env;
	/* build/selftests/<test> -> tools/ktcpstat */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(path, sizeof(path), "%s/../../tools/ktcpstat", self);
	return access(path, X_OK) ? NULL : path;
}

/* The reader's JSON for these counts: its documented, fixed format. */
static void expected_json(const struct counts *c, char *buf, size_t len)
{
	size_t n = snprintf(buf, len, "{");
	int st;

	for (st = TCPSTAT_ESTABLISHED; st <= TCPSTAT_CLOSING; st++)
		n += snprintf(buf + n, len - n, "%s\"%s\":%lu",
			      st == TCPSTAT_ESTABLISHED ? "" : ",",
			      tcpstat_state_name(st), c->n[st]);
	snprintf(buf + n, len - n, "}\n");
}

/* The reader's JSON back into counts; 0 or -1. */
static int json_counts(const char *json, struct counts *c)
{
	char key[32];
	const char *p;
	int st;

	memset(c, 0, sizeof(*c));
	for (st = TCPSTAT_ESTABLISHED; st <= TCPSTAT_CLOSING; st++) {
		snprintf(key, sizeof(key), "\"%s\":", tcpstat_state_name(st));
		p = strstr(json, key);
		if (!p)
			return -1;
		c->n[st] = strtoul(p + strlen(key), NULL, 10);
	}
	return 0;
}

static int run_reader(const char *bin, const char *args, char *out, size_t len)
{
	char cmd[PATH_MAX + 128];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s %s", bin, args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	return pclose(f);
}

FIXTURE(sources) {
	const char *bin;
	struct counts expect;
};

FIXTURE_SETUP(sources)
{
	const char *why = enter_test_netns();

	if (why)
		SKIP(return, "%s", why);
	self->bin = reader_path();
	if (!self->bin)
		SKIP(return, "no tcpstat reader: build tools/ or set TCPSTAT_BIN");
	memset(&self->expect, 0, sizeof(self->expect));
	ASSERT_EQ(0, make_all_states(&fam_ipv4, 2, &self->expect));
	ASSERT_EQ(0, make_all_states(&fam_ipv6, 1, &self->expect));
	ASSERT_EQ(0, make_all_states(&fam_mapped, 1, &self->expect));
	check_counts(_metadata, &self->expect);
}

FIXTURE_TEARDOWN(sources)
{
}

/*
 * Every source, run one after the other in a window no timewait socket of
 * the namespace expired across (sockstat of seed's namespace equal before
 * and after), prints the same JSON, in the documented format, showing
 * exactly *want; retried until such a window comes, under the watchdog.
 */
static void check_sources(struct __test_metadata *_metadata, const char *bin,
			  const char *extra, const char *seed,
			  const struct counts *want)
{
	char out[ARRAY_SIZE(sources)][1024], args[96], fmt[1024];
	long deadline = now_ms() + WATCHDOG_MS, tw;
	struct counts seen;
	unsigned int i;

	for (;;) {
		tw = sockstat_tw_of(seed);
		for (i = 0; i < ARRAY_SIZE(sources); i++) {
			snprintf(args, sizeof(args), "--source %s%s", sources[i],
				 extra);
			ASSERT_EQ(0, run_reader(bin, args, out[i], sizeof(out[i])))
				TH_LOG("ktcpstat %s", args);
		}
		if (tw == sockstat_tw_of(seed))
			break;
		ASSERT_GT(deadline, now_ms()) TH_LOG("never a settled window");
	}
	for (i = 0; i < ARRAY_SIZE(sources); i++) {
		ASSERT_STREQ(out[0], out[i]) TH_LOG("--source %s", sources[i]);
		ASSERT_EQ(0, json_counts(out[i], &seen));
		expected_json(&seen, fmt, sizeof(fmt));
		ASSERT_STREQ(fmt, out[i]);
		ASSERT_TRUE(counts_match(want, &seen, tw)) {
			TH_LOG("want %s", counts_str(want));
			TH_LOG("seen %s (%ld timewait alive)", counts_str(&seen), tw);
		}
	}
}

TEST_F(sources, all_sources_agree)
{
	check_sources(_metadata, self->bin, "", PROC_TCPSTAT, &self->expect);
}

TEST_F(sources, pid_of_another_namespace)
{
	struct counts child = {};
	char args[64], seed[64], c;
	const char *what;
	int ready[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		die_with_parent();
		c = netns_fresh() || netns_deterministic(&what) ||
		    make_established(&fam_ipv6, 3, &child) ||
		    make_fin_wait2(&fam_ipv4, 2, &child) ||
		    make_time_wait(&fam_ipv4, 1, &child) ? 'E' : 'R';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ('R', c);
	/* What the child made, as its recipes count it. */
	child.n[TCPSTAT_LISTEN] = 3;
	child.n[TCPSTAT_ESTABLISHED] = 6;
	child.n[TCPSTAT_FIN_WAIT2] = 2;
	child.n[TCPSTAT_CLOSE_WAIT] = 2;
	child.n[TCPSTAT_TIME_WAIT] = 1;
	child.tw_time_wait = 1;
	snprintf(args, sizeof(args), " --pid %d", pid);
	snprintf(seed, sizeof(seed), "/proc/%d/net/%s", pid, TCPSTAT_FILE_SEED);
	check_sources(_metadata, self->bin, args, seed, &child);
	/* Our own namespace is untouched by the child's. */
	check_sources(_metadata, self->bin, "", PROC_TCPSTAT, &self->expect);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

TEST_HARNESS_MAIN
