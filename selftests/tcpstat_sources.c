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
	char json[1024];
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
	expected_json(&self->expect, self->json, sizeof(self->json));
}

FIXTURE_TEARDOWN(sources)
{
}

TEST_F(sources, all_sources_agree)
{
	char out[1024], args[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sources); i++) {
		snprintf(args, sizeof(args), "--source %s", sources[i]);
		ASSERT_EQ(0, run_reader(self->bin, args, out, sizeof(out)));
		ASSERT_STREQ(self->json, out)
			TH_LOG("tcpstat %s", args);
	}
}

TEST_F(sources, pid_of_another_namespace)
{
	struct counts child = {};
	char out[1024], want[1024], args[64];
	const char *what;
	int ready[2];
	unsigned int i;
	pid_t pid;
	char c;

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
	child.n[TCPSTAT_LISTEN] = 3;
	child.n[TCPSTAT_ESTABLISHED] = 6;
	child.n[TCPSTAT_FIN_WAIT2] = 2;
	child.n[TCPSTAT_CLOSE_WAIT] = 2;
	child.n[TCPSTAT_TIME_WAIT] = 1;
	expected_json(&child, want, sizeof(want));
	for (i = 0; i < ARRAY_SIZE(sources); i++) {
		snprintf(args, sizeof(args), "--source %s --pid %d",
			 sources[i], pid);
		ASSERT_EQ(0, run_reader(self->bin, args, out, sizeof(out)));
		EXPECT_STREQ(want, out)
			TH_LOG("tcpstat %s", args);
	}
	/* Our own namespace is untouched by the child's. */
	ASSERT_EQ(0, run_reader(self->bin, "", out, sizeof(out)));
	ASSERT_STREQ(self->json, out);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

TEST_HARNESS_MAIN
