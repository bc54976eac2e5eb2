// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for the reader's host tests: a virtual clock, so that the
 * --interval schedule is tested by what it does, not by how fast a loaded
 * machine happens to run.  Virtual time starts at 0 and moves only when:
 *   - the program sleeps until a CLOCK_MONOTONIC time (clock_nanosleep
 *     with TIMER_ABSTIME): it jumps there at once;
 *   - it reads CLOCK_REALTIME, which a reading does once, at its start:
 *     the K-th such read then costs FAKECLOCK_COSTS's K-th value, in ms
 *     (a comma-separated list; missing values are 0), as if the reading
 *     took that long.
 * CLOCK_REALTIME is FAKECLOCK_EPOCH (seconds, default 2026-01-01T00:00:00Z)
 * plus virtual time; CLOCK_MONOTONIC is 1000 s plus virtual time.
 * Not part of tcpstat: built by `make test` only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NSEC	1000000000LL

static long long now_ns;	/* virtual time */
static unsigned int realtime_reads;

static long long cost_ns(unsigned int k)
{
	const char *s = getenv("FAKECLOCK_COSTS");
	unsigned int i;

	for (i = 0; s && *s && i < k; i++) {
		s = strchr(s, ',');
		s = s ? s + 1 : NULL;
	}
	return s && *s ? atoll(s) * 1000000LL : 0;
}

static void set(struct timespec *ts, long long ns)
{
	ts->tv_sec = ns / NSEC;
	ts->tv_nsec = ns % NSEC;
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	const char *epoch = getenv("FAKECLOCK_EPOCH");

	if (clk == CLOCK_MONOTONIC) {
		set(ts, 1000 * NSEC + now_ns);
		return 0;
	}
	if (clk == CLOCK_REALTIME) {
		set(ts, (epoch ? atoll(epoch) : 1767225600LL) * NSEC + now_ns);
		now_ns += cost_ns(realtime_reads++);
		return 0;
	}
	errno = EINVAL;
	return -1;
}

int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
		    struct timespec *rem)
{
	long long t = req->tv_sec * NSEC + req->tv_nsec;

	(void)rem;
	if (clk != CLOCK_MONOTONIC || !(flags & TIMER_ABSTIME))
		return EINVAL;
	if (t - 1000 * NSEC > now_ns)
		now_ns = t - 1000 * NSEC;
	return 0;
}
