// SPDX-License-Identifier: GPL-2.0
/*
 * The test's surroundings: the clock for watchdogs, network namespaces and
 * their sysctls, limits, and the module's presence.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tcpstat_util.h"

long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The namespace the test started in, kept by the first netns_fresh(). */
static int initial_netns = -1;

bool all_ns_file(const char *path)
{
	return !strncmp(path, PROC_NETNS, strlen(PROC_NETNS));
}

int proc_open(const char *path, int flags)
{
	int fd, err, here;

	if (!all_ns_file(path) || initial_netns < 0)
		return open(path, flags);
	here = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (here < 0)
		return -1;
	if (setns(initial_netns, CLONE_NEWNET)) {
		err = errno;
		close(here);
		errno = err;
		return -1;
	}
	fd = open(path, flags);
	err = errno;
	if (setns(here, CLONE_NEWNET))
		abort();	/* the test would go on in the wrong namespace */
	close(here);
	errno = err;
	return fd;
}

int initial_netns_enter(void)
{
	if (initial_netns < 0)
		return 0;
	return setns(initial_netns, CLONE_NEWNET) ? -errno : 0;
}

int netns_lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		/* Already up needs no privilege (a container has none). */
		if (!(ifr.ifr_flags & IFF_UP)) {
			ifr.ifr_flags |= IFF_UP;
			if (ioctl(fd, SIOCSIFFLAGS, &ifr))
				err = -errno;
		}
	} else {
		err = -errno;
	}
	close(fd);
	return err;
}

int netns_fresh(void)
{
	if (initial_netns < 0)
		initial_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (unshare(CLONE_NEWNET))
		return -errno;
	return netns_lo_up();
}

int netns_deterministic(const char **what)
{
	static const char *const knobs[][2] = {
		{ "net.ipv4.tcp_syncookies", "0" },
		{ "net.ipv4.tcp_tw_reuse", "0" },
		{ "net.ipv4.tcp_max_tw_buckets", "1000000" },
	};
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		err = sysctl_write(knobs[i][0], knobs[i][1]);
		/* Without CONFIG_SYN_COOKIES there are no syncookies at all. */
		if (err && !(err == -ENOENT && i == 0)) {
			*what = knobs[i][0];
			return err;
		}
	}
	return 0;
}

static void sysctl_path(const char *name, char *path, size_t len)
{
	char *p;

	snprintf(path, len, "/proc/sys/%s", name);
	for (p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
}

int sysctl_write(const char *name, const char *value)
{
	char path[256];
	int fd, err = 0;

	sysctl_path(name, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		err = -errno;
	close(fd);
	return err;
}

int sysctl_read_long(const char *name, long *value)
{
	char path[256];
	FILE *f;
	int ok;

	sysctl_path(name, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ok = fscanf(f, "%ld", value) == 1;
	fclose(f);
	return ok ? 0 : -EPROTO;
}

int nofile_raise(rlim_t n)
{
	struct rlimit rl = { n, n };
	long nr_open;
	char v[32];

	/*
	 * fs.nr_open is the whole machine's: raised if need be, never lowered
	 * (a later test's runtime may set RLIMIT_NOFILE to the default 2^20,
	 * as podman does for its containers).
	 */
	if (sysctl_read_long("fs.nr_open", &nr_open) || nr_open < (long)n + 1024) {
		snprintf(v, sizeof(v), "%lu", (unsigned long)n + 1024);
		sysctl_write("fs.nr_open", v);
	}
	return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
}

void die_with_parent(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

bool module_loaded(void)
{
	return access(PROC_TCPSTAT, R_OK) == 0;
}
