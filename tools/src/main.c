// SPDX-License-Identifier: GPL-2.0
/*
 * ktcpstat: TCP sockets per state (and per family, listening port or
 * namespace), from the tcpstat module, sock_diag or /proc/net/tcp, as JSON,
 * Prometheus text or aligned text; once, every --interval seconds on a
 * drift-free schedule, or served to Prometheus (--serve).
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

#include "counters.h"
#include "history.h"
#include "nsinfo.h"
#include "output.h"
#include "serve.h"
#include "sink.h"
#include "sources.h"
#include "util.h"

#ifndef TCPSTAT_VERSION
#error "TCPSTAT_VERSION must be defined (from dkms.conf)"
#endif

#define NSEC_PER_SEC	1000000000LL
#define INTERVAL_MAX	(366LL * 24 * 3600)	/* seconds */
#define MODULE_VERSION_FILE "/sys/module/tcpstat/version"

struct opts {
	enum tcpstat_source source;
	struct source_ctx ctx;
	struct output_opts out;
	enum view view;
	const char *output;	/* -o, or NULL for stdout */
	long long interval_ns;	/* 0: one reading */
	unsigned long long count;	/* 0: no limit */
	int verbose;
	int serve;		/* --serve or any --web.* option */
	struct http_opts http;	/* --web.*, and --serve's address */
	uint8_t keep[65536 / 8];	/* --port, one bit per port */
	int ports_given;
	int netns_ports;	/* --all-netns with --ports (or --port) */
	char proc_root[4096];	/* <host root>/proc */
};

static volatile sig_atomic_t stop;

static void usage(FILE *f)
{
	fputs(
"Usage: " PROG " [OPTION]...\n"
"Print how many TCP sockets are in each state, as ss -tan counts them.\n"
"\n"
"View (default: the states of one namespace):\n"
"      --families          by address family (inet, inet6) and state\n"
"      --ports             per listening port: queues and connections\n"
"      --port=N            only port N (repeatable; implies --ports)\n"
"      --all-netns         every network namespace, by family and state, with\n"
"                          who owns it (pod, container, service, host); with\n"
"                          --ports (or --port), each namespace's ports too\n"
"\n"
"Source:\n"
"  -s, --source=SOURCE     auto (default), module, netlink or procfs\n"
"  -p, --pid=PID           read the network namespace of process PID\n"
"      --file=FILE         parse a saved copy of the module's file (- for stdin)\n"
"      --host-root=DIR     the host's / is mounted at DIR (a containerised\n"
"                          reader): /proc, /run/netns and the runtimes' files\n"
"                          are read there (default /)\n"
"\n"
"Output:\n"
"      --format=FORMAT     json (default), prometheus or text\n"
"      --pretty            indent JSON, one key per line\n"
"  -o, --output=PATH       replace PATH atomically with each reading (a FIFO or\n"
"                          a character device is written to instead)\n"
"      --netns-ports-max=N  in Prometheus text, at most N ports per namespace\n"
"                          (0: all, the default); tcpstat_netns_ports_omitted\n"
"                          counts the rest\n"
"\n"
"Repetition:\n"
"  -i, --interval=SECONDS  a reading every SECONDS (fractional, > 0)\n"
"  -c, --count=N           stop after N readings (with --interval)\n"
"\n"
"Exporter (any --web option implies --serve):\n"
"      --serve[=[ADDR:]PORT]  serve /metrics to Prometheus (default "
TCPSTAT_SERVE_DEFAULT ")\n"
"      --web.listen-address=ADDR:PORT  listen there too (repeatable):\n"
"                          IPV4:PORT, [IPV6]:PORT, or :PORT for every address\n"
"      --web.systemd-socket  use the sockets systemd passes instead\n"
"      --web.telemetry-path=PATH  where the metrics are (default /metrics)\n"
"      --web.config.file=FILE  TLS, basic auth and headers (exporter-toolkit's\n"
"                          web configuration); SIGHUP reads it again\n"
"      --web.max-requests=N  scrapes at once, beyond which 503 (default 40;\n"
"                          0: no limit)\n"
"      --web.max-connections=N  connections at once (default 64)\n"
"      --web.max-connections-per-ip=N  from one address (default 8)\n"
"      --web.read-timeout=SECONDS  to receive a whole request (default 10)\n"
"      --web.idle-timeout=SECONDS  between requests on a connection, or\n"
"                          with nothing moving (default 120)\n"
"\n"
"  -v, --verbose           tell on stderr which source is used\n"
"  -h, --help              print this help and exit\n"
"  -V, --version           print the version (and the loaded module's) and exit\n"
"\n"
"auto reads the module's file if it exists, else asks sock_diag, else reads\n"
"/proc/net/tcp and /proc/net/tcp6; it decides again at every reading.\n"
"\n"
"Environment: TCPSTAT_PROC_ROOT replaces /proc (default /proc, or DIR/proc).\n"
"Exit status: 0 success, 1 runtime failure, 2 usage error or bad input.\n"
"See " PROG "(8).\n", f);
}

static void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry '" PROG " --help' for more information.\n", stderr);
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

/* Decimal digits only, min..max. */
static unsigned long long parse_number(const char *opt, const char *arg,
				       unsigned long long min,
				       unsigned long long max)
{
	unsigned long long v = 0;

	errno = 0;
	if (is_digits(arg))
		v = strtoull(arg, NULL, 10);
	if (!is_digits(arg) || errno || v < min || v > max)
		usage_error("%s: invalid value '%s' (an integer from %llu to %llu)",
			    opt, arg, min, max);
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
	int s;

	for (s = SOURCE_AUTO; s < SOURCE_COUNT; s++)
		if (!strcmp(arg, source_name((enum tcpstat_source)s)))
			return (enum tcpstat_source)s;
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

/*
 * One view at a time, but --all-netns takes --ports along: each
 * namespace's listening ports.
 */
static void set_view(struct opts *o, enum view v, const char *opt)
{
	if (o->view == VIEW_NETNS && v == VIEW_PORTS) {
		o->netns_ports = 1;
		return;
	}
	if (o->view == VIEW_PORTS && v == VIEW_NETNS) {
		o->netns_ports = 1;
		o->view = v;
		return;
	}
	if (o->view != VIEW_STATES && o->view != v)
		usage_error("%s: one view at a time (--families, --ports, --all-netns)",
			    opt);
	o->view = v;
}

enum {
	OPT_FILE = 256, OPT_FORMAT, OPT_PRETTY, OPT_FAMILIES, OPT_PORTS,
	OPT_PORT, OPT_ALL_NETNS, OPT_SERVE, OPT_HOST_ROOT, OPT_NETNS_PORTS_MAX,
	OPT_WEB_LISTEN, OPT_WEB_SYSTEMD,
	OPT_WEB_PATH, OPT_WEB_CONFIG, OPT_WEB_MAX_REQUESTS, OPT_WEB_MAX_CONNS,
	OPT_WEB_MAX_CONNS_IP, OPT_WEB_READ_TIMEOUT, OPT_WEB_IDLE_TIMEOUT,
};

static const char short_opts[] = ":s:p:o:i:c:vhV";

static const struct option long_opts[] = {
	{ "source",	required_argument,	NULL, 's' },
	{ "pid",	required_argument,	NULL, 'p' },
	{ "file",	required_argument,	NULL, OPT_FILE },
	{ "format",	required_argument,	NULL, OPT_FORMAT },
	{ "pretty",	no_argument,		NULL, OPT_PRETTY },
	{ "output",	required_argument,	NULL, 'o' },
	{ "interval",	required_argument,	NULL, 'i' },
	{ "count",	required_argument,	NULL, 'c' },
	{ "families",	no_argument,		NULL, OPT_FAMILIES },
	{ "port",	required_argument,	NULL, OPT_PORT },
	{ "ports",	no_argument,		NULL, OPT_PORTS },
	{ "all-netns",	no_argument,		NULL, OPT_ALL_NETNS },
	{ "host-root",	required_argument,	NULL, OPT_HOST_ROOT },
	{ "netns-ports-max", required_argument,	NULL, OPT_NETNS_PORTS_MAX },
	{ "serve",	optional_argument,	NULL, OPT_SERVE },
	{ "web.listen-address",	required_argument, NULL, OPT_WEB_LISTEN },
	{ "web.systemd-socket",	no_argument,	NULL, OPT_WEB_SYSTEMD },
	{ "web.telemetry-path",	required_argument, NULL, OPT_WEB_PATH },
	{ "web.config.file",	required_argument, NULL, OPT_WEB_CONFIG },
	{ "web.max-requests",	required_argument, NULL, OPT_WEB_MAX_REQUESTS },
	{ "web.max-connections", required_argument, NULL, OPT_WEB_MAX_CONNS },
	{ "web.max-connections-per-ip", required_argument, NULL,
	  OPT_WEB_MAX_CONNS_IP },
	{ "web.read-timeout",	required_argument, NULL, OPT_WEB_READ_TIMEOUT },
	{ "web.idle-timeout",	required_argument, NULL, OPT_WEB_IDLE_TIMEOUT },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A prefix of more than one long option, none of them exactly. */
static void ambiguous(const char *opt)
{
	size_t len = strcspn(opt + 2, "="), n = 0, i;
	char list[512] = "";

	for (i = 0; long_opts[i].name; i++) {
		if (strncmp(long_opts[i].name, opt + 2, len))
			continue;
		if (strlen(long_opts[i].name) == len)
			return;
		n++;
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 " '--%s'", long_opts[i].name);
	}
	if (n > 1)
		usage_error("option '%.*s' is ambiguous; possibilities:%s",
			    (int)(len + 2), opt, list);
}

/*
 * getopt_long() leaves optopt at the character of an unknown short option
 * (maybe inside a cluster such as -Zv, where argv[optind - 1] is the word
 * before), at 0 for an unknown long option, and at the option's value for a
 * long option given an argument it does not take or missing one it needs;
 * long options always advance optind past themselves.
 */
static void bad_option(int c, char **argv)
{
	const char *opt = argv[optind - 1];
	int is_long = !strncmp(opt, "--", 2);

	if (c == ':' && is_long)
		usage_error("option '%s' requires an argument", opt);
	if (c == ':')
		usage_error("option '-%c' requires an argument", optopt);
	if (optopt > 0 && optopt < 256 && !strchr(short_opts + 1, optopt))
		usage_error("invalid option -- '%c'", optopt);
	if (optopt)
		usage_error("option '%.*s' doesn't allow an argument",
			    (int)strcspn(opt, "="), opt);
	if (is_long)
		ambiguous(opt);
	usage_error("unrecognized option '%s'", opt);
}

/* --serve takes an optional argument, also as the next word. */
static const char *serve_arg(int argc, char **argv)
{
	if (optarg)
		return optarg;
	if (optind < argc && argv[optind][0] != '-')
		return argv[optind++];
	return NULL;
}

/* One more address to listen on; --serve's may be a bare port. */
static void add_listen(struct opts *o, const char *opt, const char *arg)
{
	struct http_opts *h = &o->http;

	if (h->nlisten == HTTP_LISTEN_MAX)
		usage_error("%s: at most %d addresses", opt, HTTP_LISTEN_MAX);
	if (http_parse_listen(arg, !strcmp(opt, "--serve"), &h->listen[h->nlisten]))
		usage_error("%s: '%s' is not %sIPV4:PORT, [IPV6]:PORT or :PORT (literal addresses)",
			    opt, arg, strcmp(opt, "--serve") ? "" : "PORT, ");
	h->nlisten++;
}

static void web_option(struct opts *o, int c, const char *arg)
{
	struct http_opts *h = &o->http;

	o->serve = 1;
	switch (c) {
	case OPT_WEB_LISTEN:
		add_listen(o, "--web.listen-address", arg);
		break;
	case OPT_WEB_SYSTEMD:
		h->systemd_socket = 1;
		break;
	case OPT_WEB_PATH:
		if (arg[0] != '/')
			usage_error("--web.telemetry-path: '%s' does not start with /",
				    arg);
		h->telemetry_path = arg;
		break;
	case OPT_WEB_CONFIG:
		if (!*arg)
			usage_error("--web.config.file: empty file name");
		h->webconfig_file = arg;
		break;
	case OPT_WEB_MAX_REQUESTS:
		h->max_requests = (unsigned int)parse_number("--web.max-requests",
							     arg, 0, 100000);
		break;
	case OPT_WEB_MAX_CONNS:
		h->max_conns = (unsigned int)parse_number("--web.max-connections",
							  arg, 1, 100000);
		break;
	case OPT_WEB_MAX_CONNS_IP:
		h->max_conns_per_ip = (unsigned int)parse_number(
			"--web.max-connections-per-ip", arg, 1, 100000);
		break;
	case OPT_WEB_READ_TIMEOUT:
		h->read_timeout = (unsigned int)parse_number("--web.read-timeout",
							     arg, 1, 86400);
		break;
	case OPT_WEB_IDLE_TIMEOUT:
		h->idle_timeout = (unsigned int)parse_number("--web.idle-timeout",
							     arg, 1, 86400);
		break;
	}
}

/* Options --serve has no use for. */
enum {
	GIVEN_INTERVAL = 1 << 0,
	GIVEN_COUNT = 1 << 1,
	GIVEN_FORMAT = 1 << 2,
	GIVEN_PRETTY = 1 << 3,
	GIVEN_OUTPUT = 1 << 4,
	GIVEN_FILE = 1 << 5,
	GIVEN_FAMILIES = 1 << 6,
	GIVEN_PORTS = 1 << 7,
};

static void check_serve(const struct opts *o, unsigned int given)
{
	static const char *const names[] = {
		"interval", "count", "format", "pretty", "output", "file",
		"families", "ports",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (given & (1U << i))
			usage_error("--serve serves every view itself: it excludes --%s",
				    names[i]);
	if (o->view == VIEW_NETNS && o->ctx.pid)
		usage_error("--all-netns reads every namespace: it excludes --pid");
	if (!source_can(o->source, o->view))
		usage_error("--all-netns: --source %s cannot read it",
			    source_name(o->source));
	if (o->http.systemd_socket && o->http.nlisten)
		usage_error("--web.systemd-socket takes its sockets from systemd: it excludes listen addresses");
}

static void exit_flushed(void) __attribute__((noreturn));

/* What --help and --version printed reached stdout, or exit 1 saying so. */
static void exit_flushed(void)
{
	int failed = ferror(stdout);

	errno = 0;
	if (fflush(stdout) || failed) {
		if (errno)
			fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
		else
			fputs(PROG ": write error\n", stderr);
		exit(EXIT_RUNTIME);
	}
	exit(EXIT_OK);
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
	if (o->view == VIEW_NETNS && o->ctx.pid)
		usage_error("--all-netns reads every namespace: it excludes --pid");
	if (!source_can(o->source, o->view))
		usage_error("--%s: --source %s cannot read it",
			    o->view == VIEW_NETNS ? "all-netns" : view_name(o->view),
			    source_name(o->source));
}

static void print_version(void)
{
	char buf[64];
	FILE *f;

	printf(PROG " %s\n", TCPSTAT_VERSION);
	f = fopen(MODULE_VERSION_FILE, "re");
	if (f && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		printf("tcpstat.ko %s (loaded)\n", buf);
	}
	if (f)
		fclose(f);
	exit_flushed();
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	unsigned int given = 0;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->source = parse_source(optarg);
			break;
		case 'p':
			o->ctx.pid = (int)parse_number("--pid", optarg, 1, INT_MAX);
			break;
		case OPT_FILE:
			if (!*optarg)
				usage_error("--file: empty file name");
			o->ctx.file = optarg;
			given |= GIVEN_FILE;
			break;
		case OPT_FORMAT:
			o->out.format = parse_format(optarg);
			given |= GIVEN_FORMAT;
			break;
		case OPT_PRETTY:
			o->out.pretty = 1;
			given |= GIVEN_PRETTY;
			break;
		case 'o':
			if (!*optarg)
				usage_error("--output: empty file name");
			o->output = strcmp(optarg, "-") ? optarg : NULL;
			given |= GIVEN_OUTPUT;
			break;
		case 'i':
			o->interval_ns = parse_interval(optarg);
			given |= GIVEN_INTERVAL;
			break;
		case 'c':
			o->count = parse_number("--count", optarg, 1, ULLONG_MAX);
			given |= GIVEN_COUNT;
			break;
		case OPT_FAMILIES:
			set_view(o, VIEW_FAMILIES, "--families");
			given |= GIVEN_FAMILIES;
			break;
		case OPT_PORTS:
			set_view(o, VIEW_PORTS, "--ports");
			given |= GIVEN_PORTS;
			break;
		case OPT_PORT: {
			unsigned int port = (unsigned int)parse_number("--port",
							optarg, 0, 65535);

			o->keep[port / 8] |= (uint8_t)(1U << (port % 8));
			o->ports_given = 1;
			break;
		}
		case OPT_ALL_NETNS:
			set_view(o, VIEW_NETNS, "--all-netns");
			break;
		case OPT_HOST_ROOT:
			if (!*optarg)
				usage_error("--host-root: empty directory name");
			o->ctx.host_root = optarg;
			break;
		case OPT_NETNS_PORTS_MAX:
			o->out.netns_ports_max = (unsigned int)parse_number(
				"--netns-ports-max", optarg, 0, 65536);
			break;
		case OPT_SERVE: {
			const char *arg = serve_arg(argc, argv);

			o->serve = 1;
			if (arg)
				add_listen(o, "--serve", arg);
			break;
		}
		case OPT_WEB_LISTEN ... OPT_WEB_IDLE_TIMEOUT:
			web_option(o, c, optarg);
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			usage(stdout);
			exit_flushed();
		case 'V':
			print_version();
			break;
		default:
			bad_option(c, argv);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (o->ports_given && !o->serve) {
		if (o->view == VIEW_NETNS)
			o->netns_ports = 1;
		else if (o->view != VIEW_STATES && o->view != VIEW_PORTS)
			usage_error("--port applies to --ports and --all-netns only");
		else
			o->view = VIEW_PORTS;
	}
	if (o->netns_ports && o->ctx.file)
		usage_error("--file reads one file: it excludes --all-netns --ports");
	if (o->ports_given)
		o->out.keep = o->keep;
	if (o->serve && !o->http.nlisten && !o->http.systemd_socket)
		add_listen(o, "--serve", TCPSTAT_SERVE_DEFAULT);
	if (o->serve)
		check_serve(o, given);
	else
		check_combination(o, given & GIVEN_COUNT);
}

/* Say which source a reading came from, when it is not the last one's. */
static void note_source(const struct opts *o, enum tcpstat_source used,
			const char *why)
{
	static int last = -1;
	char path[PATH_MAX];

	if (!o->verbose || (int)used == last)
		return;
	last = (int)used;
	if (used == SOURCE_MODULE && o->ctx.file)
		fprintf(stderr, PROG ": source: module (--file %s)\n",
			o->ctx.file);
	else if (used == SOURCE_MODULE &&
		 !source_module_path(&o->ctx, o->view, path, sizeof(path)))
		fprintf(stderr, PROG ": source: module (%s)\n", path);
	else
		fprintf(stderr, PROG ": source: %s%s%s\n", source_name(used),
			why && *why ? ": " : "", why ? why : "");
}

/* The state of a run of readings: the buffers and the last counters. */
struct run {
	struct reading r;
	struct sbuf out;
	struct counters prev, cur;
	int have_prev;
	struct history hist;	/* the last reading's, under --interval */
};

/* Counters, and rates from the previous reading's, for the ports view. */
static int read_counters(struct opts *o, struct run *run, struct render *rc,
			 struct tcpstat_err *e)
{
	static struct rates rates;
	int ret;

	if (o->view != VIEW_PORTS || o->ctx.file ||
	    (!o->interval_ns && o->out.format != FORMAT_PROMETHEUS))
		return 0;
	ret = counters_read(&o->ctx, &run->cur, e);
	if (ret)
		return ret;
	rc->counters = &run->cur;
	if (run->have_prev) {
		counters_rates(&run->prev, &run->cur, &rates);
		rc->rates = &rates;
	}
	run->prev = run->cur;
	run->have_prev = 1;
	return 0;
}

static long long mono_ns(void);

/* One reading, rendered whole, then written: 0, SINK_CLOSED or a status. */
static int reading(struct opts *o, struct run *run, struct tcpstat_err *e)
{
	struct render rc = { .r = &run->r };
	enum tcpstat_source used;
	char time[TIME_MAX], why[600];
	struct timespec now;
	int ret;

	clock_gettime(CLOCK_REALTIME, &now);
	run->r.view = o->view;
	run->r.netns_ports = o->netns_ports;
	ret = source_read(&o->ctx, o->source, &run->r, &used, why, sizeof(why), e);
	if (ret)
		return ret;
	note_source(o, used, why);
	if (o->view == VIEW_NETNS && !o->ctx.file) {
		ret = nsinfo_annotate(&o->ctx, &run->r, NSINFO_OWNERS |
				      (o->interval_ns || o->out.format == FORMAT_PROMETHEUS ?
				       NSINFO_COUNTERS : 0), e);
		if (ret)
			return ret;
	}
	ret = read_counters(o, run, &rc, e);
	if (ret)
		return ret;
	if (o->interval_ns && output_time(time, sizeof(time), &now)) {
		err_set(e, EXIT_RUNTIME, "cannot format the time");
		return EXIT_RUNTIME;
	}
	rc.time = o->interval_ns ? time : NULL;
	/* Rates per namespace and per port's drops, against the last one. */
	rc.now_ns = mono_ns();
	rc.hist = o->interval_ns && run->hist.have ? &run->hist : NULL;
	sbuf_reset(&run->out);
	if (output_render(&run->out, &rc, &o->out) ||
	    (o->interval_ns && history_take(&run->hist, &run->r, rc.now_ns))) {
		err_set(e, EXIT_RUNTIME, "out of memory");
		return EXIT_RUNTIME;
	}
	return sink_write(o->output, run->out.buf, run->out.len, e);
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
	struct run state = { .r.view = o->view };
	int ret;

	for (;;) {
		ret = reading(o, &state, e);
		if (ret)
			break;
		done++;
		if (!o->interval_ns || done == o->count || stop)
			break;
		late = (mono_ns() - start) / o->interval_ns;
		tick = late >= tick + 1 ? late + 1 : tick + 1;
		if (sleep_until(start + tick * o->interval_ns))
			break;
	}
	reading_free(&state.r);
	sbuf_free(&state.out);
	history_free(&state.hist);
	return ret == SINK_CLOSED ? EXIT_OK : ret;
}

/* Errors that every reading would meet, up front. */
static int prepare(struct opts *o, struct tcpstat_err *e)
{
	int ret = source_check_pid(&o->ctx, e);

	if (!ret && o->source == SOURCE_NETLINK && o->view != VIEW_NETNS)
		ret = source_netlink_check(&o->ctx, e);
	return ret;
}

int main(int argc, char **argv)
{
	static struct opts o = {
		.source = SOURCE_AUTO,
		.out.format = FORMAT_JSON,
		.view = VIEW_STATES,
		.http = {
			.telemetry_path = "/metrics",
			.max_requests = 40,
			.max_conns = 64,
			.max_conns_per_ip = 8,
			.read_timeout = 10,
			.idle_timeout = 120,
		},
	};
	struct tcpstat_err e;
	const char *root;
	int ret;

	source_ctx_init(&o.ctx);
	parse_args(argc, argv, &o);
	/* /proc is the host root's, unless the tests name another. */
	root = getenv("TCPSTAT_PROC_ROOT");
	if (root && *root) {
		o.ctx.proc_root = root;
	} else if (strcmp(o.ctx.host_root, "/")) {
		if (rooted_path(o.proc_root, sizeof(o.proc_root),
				o.ctx.host_root, "/proc"))
			usage_error("--host-root: '%s' is too long", o.ctx.host_root);
		o.ctx.proc_root = o.proc_root;
	}
	if (o.ctx.file)
		o.source = SOURCE_MODULE;
	signal(SIGPIPE, SIG_IGN);
	sink_init();
	ret = prepare(&o, &e);
	if (!ret && o.serve) {
		struct serve_opts so = {
			.http = o.http,
			.source = o.source,
			.ctx = &o.ctx,
			.all_netns = o.view == VIEW_NETNS,
			.keep = o.ports_given ? o.keep : NULL,
			.netns_ports_max = o.out.netns_ports_max,
			.verbose = o.verbose,
		};

		so.http.all_netns = so.all_netns;
		so.http.verbose = o.verbose;
		ret = serve(&so, &e);
	} else if (!ret) {
		if (o.interval_ns)
			catch_signals();
		ret = run(&o, &e);
	}
	source_ctx_close(&o.ctx);
	if (ret)
		fprintf(stderr, PROG ": %s\n", e.msg);
	return ret;
}
