// SPDX-License-Identifier: GPL-2.0
/*
 * The exporter's own process_* metrics, under the names, HELP and TYPE
 * that Prometheus client libraries (client_golang's process collector)
 * give them, so that dashboards made for any exporter show this one.
 * Read from the real /proc/self, whatever TCPSTAT_PROC_ROOT says: they
 * describe this process.  A value that cannot be read is left out.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "collect.h"

/* Fields of /proc/self/stat, numbered as proc(5) numbers them. */
#define STAT_UTIME	14
#define STAT_STIME	15
#define STAT_STARTTIME	22
#define STAT_VSIZE	23
#define STAT_RSS	24

struct self_stat {
	unsigned long long utime, stime, starttime, vsize, rss;
};

/* The fields after "(comm)", which may itself hold spaces and parens. */
static int read_stat(struct self_stat *st)
{
	char buf[1024], *p, *tok, *save;
	unsigned long long v[STAT_RSS + 1] = { 0 };
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	int field = 3;

	if (f)
		fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	for (tok = strtok_r(p + 1, " ", &save); tok && field <= STAT_RSS;
	     tok = strtok_r(NULL, " ", &save), field++)
		v[field] = strtoull(tok, NULL, 10);
	if (field <= STAT_RSS)
		return -1;
	st->utime = v[STAT_UTIME];
	st->stime = v[STAT_STIME];
	st->starttime = v[STAT_STARTTIME];
	st->vsize = v[STAT_VSIZE];
	st->rss = v[STAT_RSS];
	return 0;
}

/* The boot time, seconds since the epoch ("btime" in /proc/stat). */
static int boot_time(unsigned long long *btime)
{
	FILE *f = fopen("/proc/stat", "re");
	char line[256];
	int ret = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %llu", btime) == 1) {
			ret = 0;
			break;
		}
	if (f)
		fclose(f);
	return ret;
}

/* Open file descriptors, less the one that lists them. */
static long open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	long n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && atoi(de->d_name) != dirfd(d))
			n++;
	closedir(d);
	return n;
}

static void gauge(struct sbuf *sb, const char *name, const char *help,
		  const char *type)
{
	sbuf_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void procmetrics_render(struct sbuf *sb)
{
	double tck = (double)sysconf(_SC_CLK_TCK);
	long page = sysconf(_SC_PAGESIZE), fds = open_fds();
	unsigned long long btime;
	struct self_stat st;
	struct rlimit rl;

	if (!read_stat(&st) && tck > 0) {
		gauge(sb, "process_cpu_seconds_total",
		      "Total user and system CPU time spent in seconds.", "counter");
		sbuf_printf(sb, "process_cpu_seconds_total %.2f\n",
			    (double)(st.utime + st.stime) / tck);
		gauge(sb, "process_resident_memory_bytes",
		      "Resident memory size in bytes.", "gauge");
		sbuf_printf(sb, "process_resident_memory_bytes %llu\n",
			    st.rss * (unsigned long long)(page > 0 ? page : 4096));
		gauge(sb, "process_virtual_memory_bytes",
		      "Virtual memory size in bytes.", "gauge");
		sbuf_printf(sb, "process_virtual_memory_bytes %llu\n", st.vsize);
		if (!boot_time(&btime)) {
			gauge(sb, "process_start_time_seconds",
			      "Start time of the process since unix epoch in seconds.",
			      "gauge");
			sbuf_printf(sb, "process_start_time_seconds %.2f\n",
				    (double)btime + (double)st.starttime / tck);
		}
	}
	if (fds >= 0) {
		gauge(sb, "process_open_fds", "Number of open file descriptors.",
		      "gauge");
		sbuf_printf(sb, "process_open_fds %ld\n", fds);
	}
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		gauge(sb, "process_max_fds",
		      "Maximum number of open file descriptors.", "gauge");
		if (rl.rlim_cur == RLIM_INFINITY)
			sbuf_puts(sb, "process_max_fds +Inf\n");
		else
			sbuf_printf(sb, "process_max_fds %llu\n",
				    (unsigned long long)rl.rlim_cur);
	}
}
