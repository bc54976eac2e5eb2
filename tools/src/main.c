// SPDX-License-Identifier: GPL-2.0
/*
 * tcpstat: TCP sockets per state, from the tcpstat module, sock_diag or
 * /proc/net/tcp, as JSON, Prometheus text or aligned text; once, or every
 * --interval seconds on a drift-free schedule.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "sink.h"
#include "sources.h"
#include "util.h"

#ifndef TCPSTAT_VERSION
#error "TCPSTAT_VERSION must be defined (from dkms.conf)"
#endif

#define NSEC_PER_SEC	1000000000LL
#define INTERVAL_MAX	(366LL * 24 * 3600)	/* seconds */

struct opts {
	enum tcpstat_source source;
	struct source_ctx ctx;
	struct output_opts out;
	const char *output;	/* -o, or NULL for stdout */
	long long interval_ns;	/* 0: one reading */
	unsigned long long count;	/* 0: no limit */
	int verbose;
};

static volatile sig_atomic_t stop;

static void usage(FILE *f)
{
	fputs(
"Usage: tcpstat [OPTION]...\n"
"Print how many TCP sockets are in each state, as ss -tan counts them.\n"
"\n"
"Source:\n"
"  -s, --source=SOURCE     auto (default), module, netlink or procfs\n"
"  -p, --pid=PID           count the network namespace of process PID\n"
"      --file=FILE         parse a saved /proc/tcpstat (- for stdin)\n"
"\n"
"Output:\n"
"      --format=FORMAT     json (default), prometheus or text\n"
"      --pretty            indent JSON, one key per line\n"
"  -o, --output=PATH       replace PATH atomically with each reading\n"
"\n"
"Repetition:\n"
"  -i, --interval=SECONDS  a reading every SECONDS (fractional, > 0)\n"
"  -c, --count=N           stop after N readings (with --interval)\n"
"\n"
"  -v, --verbose           tell on stderr which source is used\n"
"  -h, --help              print this help and exit\n"
"  -V, --version           print the version and exit\n"
"\n"
"auto reads the module's /proc/tcpstat if it exists, else asks sock_diag,\n"
"else reads /proc/net/tcp and /proc/net/tcp6.\n"
"\n"
"Environment: TCPSTAT_PROC_ROOT replaces /proc (default /proc).\n"
"Exit status: 0 success, 1 runtime failure, 2 usage error or bad input.\n"
"See tcpstat(8).\n", f);
}

static void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tcpstat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'tcpstat --help' for more information.\n", stderr);
	exit(EXIT_INPUT);
}

static int is_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Decimal digits only, 1..max. */
static unsigned long long parse_positive(const char *opt, const char *arg,
					 unsigned long long max)
{
	unsigned long long v = 0;

	errno = 0;
	if (is_digits(arg))
		v = strtoull(arg, NULL, 10);
	if (errno || v == 0 || v > max)
		usage_error("%s: invalid value '%s' (an integer from 1 to %llu)",
			    opt, arg, max);
	return v;
}

/* "S", "S.F" or ".F", at most 9 fractional digits, in nanoseconds. */
static long long parse_interval(const char *arg)
{
	long long sec = 0, frac = 0, scale = NSEC_PER_SEC;
	const char *s = arg;
	int digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if (sec <= INTERVAL_MAX)
			sec = sec * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9' && scale > 1; s++, digits++)
			frac += (*s - '0') * (scale /= 10);
	if (*s || !digits)
		usage_error("--interval: invalid number of seconds '%s'", arg);
	if (sec > INTERVAL_MAX || (sec == INTERVAL_MAX && frac))
		usage_error("--interval: '%s' is more than %lld seconds",
			    arg, INTERVAL_MAX);
	if (!sec && !frac)
		usage_error("--interval: must be more than 0 seconds");
	return sec * NSEC_PER_SEC + frac;
}

static enum tcpstat_source parse_source(const char *arg)
{
	static const enum tcpstat_source all[] = {
		SOURCE_AUTO, SOURCE_MODULE, SOURCE_NETLINK, SOURCE_PROCFS,
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(arg, source_name(all[i])))
			return all[i];
	usage_error("--source: unknown source '%s' (auto, module, netlink, procfs)",
		    arg);
}

static enum tcpstat_format parse_format(const char *arg)
{
	if (!strcmp(arg, "json"))
		return FORMAT_JSON;
	if (!strcmp(arg, "prometheus"))
		return FORMAT_PROMETHEUS;
	if (!strcmp(arg, "text"))
		return FORMAT_TEXT;
	usage_error("--format: unknown format '%s' (json, prometheus, text)", arg);
}

enum { OPT_FILE = 256, OPT_FORMAT, OPT_PRETTY };

static const struct option long_opts[] = {
	{ "source",	required_argument,	NULL, 's' },
	{ "pid",	required_argument,	NULL, 'p' },
	{ "file",	required_argument,	NULL, OPT_FILE },
	{ "format",	required_argument,	NULL, OPT_FORMAT },
	{ "pretty",	no_argument,		NULL, OPT_PRETTY },
	{ "output",	required_argument,	NULL, 'o' },
	{ "interval",	required_argument,	NULL, 'i' },
	{ "count",	required_argument,	NULL, 'c' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void bad_option(int c, char **argv)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		usage_error("option '%s' requires an argument", opt);
	if (optopt && optopt < 256 && strncmp(opt, "--", 2))
		usage_error("invalid option -- '%c'", optopt);
	usage_error("unrecognized option '%s'", opt);
}

static void check_combination(const struct opts *o, int has_count)
{
	if (has_count && !o->interval_ns)
		usage_error("--count needs --interval");
	if (o->ctx.file && o->ctx.pid)
		usage_error("--file and --pid exclude each other");
	if (o->ctx.file && o->source != SOURCE_AUTO && o->source != SOURCE_MODULE)
		usage_error("--file reads the module's format: it excludes --source %s",
			    source_name(o->source));
	if (o->ctx.file && !strcmp(o->ctx.file, "-") && o->interval_ns)
		usage_error("--file - (stdin) cannot be read again: it excludes --interval");
	if (o->out.pretty && o->out.format != FORMAT_JSON)
		usage_error("--pretty applies to --format json only");
	if (o->out.format == FORMAT_PROMETHEUS && o->interval_ns && !o->output)
		usage_error("--format prometheus with --interval needs --output");
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	int c, has_count = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:p:o:i:c:vhV", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 's':
			o->source = parse_source(optarg);
			break;
		case 'p':
			o->ctx.pid = (int)parse_positive("--pid", optarg, INT_MAX);
			break;
		case OPT_FILE:
			if (!*optarg)
				usage_error("--file: empty file name");
			o->ctx.file = optarg;
			break;
		case OPT_FORMAT:
			o->out.format = parse_format(optarg);
			break;
		case OPT_PRETTY:
			o->out.pretty = 1;
			break;
		case 'o':
			if (!*optarg)
				usage_error("--output: empty file name");
			o->output = strcmp(optarg, "-") ? optarg : NULL;
			break;
		case 'i':
			o->interval_ns = parse_interval(optarg);
			break;
		case 'c':
			o->count = parse_positive("--count", optarg, ULLONG_MAX);
			has_count = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			usage(stdout);
			exit(fflush(stdout) ? EXIT_RUNTIME : EXIT_OK);
		case 'V':
			printf("tcpstat %s\n", TCPSTAT_VERSION);
			exit(fflush(stdout) ? EXIT_RUNTIME : EXIT_OK);
		default:
			bad_option(c, argv);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	check_combination(o, has_count);
}

static void note_source(const struct opts *o, const char *why)
{
	char path[PATH_MAX];

	if (!o->verbose)
		return;
	if (o->source == SOURCE_MODULE && !o->ctx.file &&
	    !source_module_path(&o->ctx, path, sizeof(path)))
		fprintf(stderr, "tcpstat: source: module (%s)\n", path);
	else if (o->source == SOURCE_MODULE && o->ctx.file)
		fprintf(stderr, "tcpstat: source: module (--file %s)\n",
			o->ctx.file);
	else
		fprintf(stderr, "tcpstat: source: %s%s%s\n",
			source_name(o->source), why ? ": " : "", why ? why : "");
}

static int read_counts(struct opts *o, struct tcpstat_counts *c,
		       struct tcpstat_err *e);

/* auto: the module if its file is there, else netlink, else procfs. */
static int read_auto(struct opts *o, struct tcpstat_counts *c,
		     struct tcpstat_err *e)
{
	struct tcpstat_err why;
	char msg[sizeof(why.msg) + 64];

	if (o->ctx.file || source_module_present(&o->ctx)) {
		o->source = SOURCE_MODULE;
		note_source(o, NULL);
		return read_counts(o, c, e);
	}
	if (!source_netlink_enter(&o->ctx, &why) &&
	    !source_netlink_read(c, &why)) {
		o->source = SOURCE_NETLINK;
		note_source(o, NULL);
		return 0;
	}
	o->source = SOURCE_PROCFS;
	snprintf(msg, sizeof(msg), "netlink unusable (%s)", why.msg);
	note_source(o, msg);
	return read_counts(o, c, e);
}

static int read_counts(struct opts *o, struct tcpstat_counts *c,
		       struct tcpstat_err *e)
{
	switch (o->source) {
	case SOURCE_AUTO:
		return read_auto(o, c, e);
	case SOURCE_MODULE:
		return source_module_read(&o->ctx, c, e);
	case SOURCE_NETLINK:
		return source_netlink_read(c, e);
	case SOURCE_PROCFS:
		return source_procfs_read(&o->ctx, c, e);
	}
	err_set(e, EXIT_RUNTIME, "no source");
	return EXIT_RUNTIME;
}

/* One reading, rendered whole, then written: 0, SINK_CLOSED or a status. */
static int reading(struct opts *o, struct tcpstat_err *e)
{
	char time[TIME_MAX], buf[OUTPUT_MAX];
	struct tcpstat_counts c;
	struct timespec now;
	int len, ret;

	clock_gettime(CLOCK_REALTIME, &now);
	ret = read_counts(o, &c, e);
	if (ret)
		return ret;
	if (o->interval_ns && output_time(time, sizeof(time), &now)) {
		err_set(e, EXIT_RUNTIME, "cannot format the time");
		return EXIT_RUNTIME;
	}
	len = output_render(buf, sizeof(buf), &c, &o->out,
			    o->interval_ns ? time : NULL);
	if (len < 0) {
		err_set(e, EXIT_RUNTIME, "output too long");
		return EXIT_RUNTIME;
	}
	return sink_write(o->output, buf, (size_t)len, e);
}

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Sleep until the monotonic time t; 0, or -1 if a signal asked to stop. */
static int sleep_until(long long t)
{
	struct timespec ts = {
		.tv_sec = t / NSEC_PER_SEC,
		.tv_nsec = t % NSEC_PER_SEC,
	};
	int err;

	while ((err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))) {
		if (err != EINTR || stop)
			return -1;
	}
	return stop ? -1 : 0;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;	/* finish the reading in progress */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * Reading k is due at start + k * interval.  A reading that overruns skips
 * the ticks it missed instead of catching up in a burst.
 */
static int run(struct opts *o, struct tcpstat_err *e)
{
	long long start = mono_ns(), tick = 0, late;
	unsigned long long done = 0;
	int ret;

	for (;;) {
		ret = reading(o, e);
		if (ret)
			return ret == SINK_CLOSED ? EXIT_OK : ret;
		done++;
		if (!o->interval_ns || done == o->count || stop)
			return EXIT_OK;
		late = (mono_ns() - start) / o->interval_ns;
		tick = late >= tick + 1 ? late + 1 : tick + 1;
		if (sleep_until(start + tick * o->interval_ns))
			return EXIT_OK;
	}
}

static int prepare(struct opts *o, struct tcpstat_err *e)
{
	int ret = source_check_pid(&o->ctx, e);

	if (ret)
		return ret;
	if (o->source == SOURCE_NETLINK)
		ret = source_netlink_enter(&o->ctx, e);
	if (!ret && o->source != SOURCE_AUTO)
		note_source(o, NULL);
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.source = SOURCE_AUTO,
		.out.format = FORMAT_JSON,
	};
	struct tcpstat_err e;
	int ret;

	parse_args(argc, argv, &o);
	o.ctx.proc_root = getenv("TCPSTAT_PROC_ROOT");
	if (!o.ctx.proc_root || !*o.ctx.proc_root)
		o.ctx.proc_root = "/proc";
	if (o.ctx.file)
		o.source = SOURCE_MODULE;
	signal(SIGPIPE, SIG_IGN);
	sink_init();
	if (o.interval_ns)
		catch_signals();
	ret = prepare(&o, &e);
	if (!ret)
		ret = run(&o, &e);
	if (ret)
		fprintf(stderr, "tcpstat: %s\n", e.msg);
	return ret;
}
