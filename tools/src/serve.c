// SPDX-License-Identifier: GPL-2.0
/*
 * The exporter.  libmicrohttpd runs one thread per connection (at most
 * CONNECTIONS_MAX, each idle for at most TIMEOUT_S), so a scrape may wait
 * for a reading without holding up the others.  A scrape of /metrics
 * joins the reading in flight if there is one, else starts one: no
 * time-based cache, and never two kernel walks at once however many
 * scrapes arrive.  Each view is read as the one-shot reader reads it
 * (the module, else netlink, else procfs); one that fails is reported by
 * tcpstat_up{view} 0 and a line on stderr when that changes, and the others
 * are served all the same.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "counters.h"
#include "prom.h"
#include "reading.h"
#include "sbuf.h"
#include "serve.h"

#define CONNECTIONS_MAX		512
#define TIMEOUT_S		30	/* an idle connection is closed after */
#define MEMORY_PER_CONN		(16 * 1024)	/* bounds a request's headers */
#define THREAD_STACK		(256 * 1024)
#define MODULE_VERSION_FILE	"/sys/module/tcpstat/version"
#define CONTENT_TYPE		"text/plain; version=0.0.4; charset=utf-8"

enum sview { SV_SOCKETS, SV_PORTS, SV_COUNTERS, SV_NETNS, SV_COUNT };

static const char *const sview_names[SV_COUNT] = {
	"sockets", "ports", "counters", "netns",
};

struct exporter {
	const struct serve_opts *o;
	/* The reading in flight and its result, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t done;
	int running;
	unsigned long long readings;	/* completed */
	unsigned int waiting;
	struct sbuf body;		/* the last reading's metrics */
	/* Used by the one reading in flight only. */
	struct reading r[SV_COUNT];
	struct counters counters;
	int up[SV_COUNT];		/* last state: -1 unknown, 0, 1 */
	struct sbuf next;
};

static void label_value(struct sbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			sbuf_printf(sb, "\\%c", *s);
		else if (*s == '\n')
			sbuf_puts(sb, "\\n");
		else
			sbuf_printf(sb, "%c", *s);
	}
}

static void module_version(char *buf, size_t size)
{
	FILE *f = fopen(MODULE_VERSION_FILE, "re");

	buf[0] = '\0';
	if (f && fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

/* One view: 0 if read, else its error, reported when the state changes. */
static int read_view(struct exporter *x, enum sview v)
{
	static const enum view views[SV_COUNT] = {
		[SV_SOCKETS] = VIEW_FAMILIES,
		[SV_PORTS] = VIEW_PORTS,
		[SV_NETNS] = VIEW_NETNS,
	};
	enum tcpstat_source used = x->o->source;
	struct tcpstat_err e;
	int ret, up;

	if (v == SV_COUNTERS) {
		ret = counters_read(x->o->ctx, &x->counters, &e);
	} else {
		x->r[v].view = views[v];
		ret = source_read(x->o->ctx, x->o->source, &x->r[v], &used,
				  NULL, 0, &e);
	}
	up = !ret;
	if (up != x->up[v]) {
		if (!up)
			fprintf(stderr, PROG ": serve: view %s: %s\n",
				sview_names[v], e.msg);
		else if (x->up[v] == 0 || x->o->verbose)
			fprintf(stderr, PROG ": serve: view %s: read (%s)\n",
				sview_names[v], v == SV_COUNTERS ? "procfs" :
				source_name(used));
		x->up[v] = up;
	}
	return ret;
}

/* A reading of every view, rendered into x->next. */
static void take_reading(struct exporter *x)
{
	struct sbuf *sb = &x->next;
	struct timespec t0, t1;
	char version[64];
	int up[SV_COUNT];
	unsigned int v;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (v = 0; v < SV_COUNT; v++)
		up[v] = v == SV_NETNS && !x->o->all_netns ? -1 :
			!read_view(x, (enum sview)v);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	sbuf_reset(sb);
	module_version(version, sizeof(version));
	sbuf_puts(sb, "# HELP tcpstat_build_info The reader's version, and the loaded module's (empty if none).\n"
		  "# TYPE tcpstat_build_info gauge\n"
		  "tcpstat_build_info{version=\"");
	label_value(sb, TCPSTAT_VERSION);
	sbuf_puts(sb, "\",module_version=\"");
	label_value(sb, version);
	sbuf_puts(sb, "\"} 1\n");
	sbuf_puts(sb, "# HELP tcpstat_up Whether the view could be read at this scrape.\n"
		  "# TYPE tcpstat_up gauge\n");
	for (v = 0; v < SV_COUNT; v++)
		if (up[v] >= 0)
			sbuf_printf(sb, "tcpstat_up{view=\"%s\"} %d\n",
				    sview_names[v], up[v]);
	sbuf_printf(sb, "# HELP tcpstat_scrape_duration_seconds How long the reading served took.\n"
		    "# TYPE tcpstat_scrape_duration_seconds gauge\n"
		    "tcpstat_scrape_duration_seconds %.6f\n",
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	sbuf_printf(sb, "# HELP tcpstat_readings_total Readings taken; concurrent scrapes share one.\n"
		    "# TYPE tcpstat_readings_total counter\n"
		    "tcpstat_readings_total %llu\n", x->readings + 1);
	if (up[SV_SOCKETS] > 0)
		prom_families(sb, x->r[SV_SOCKETS].fam);
	if (up[SV_PORTS] > 0)
		prom_ports(sb, &x->r[SV_PORTS], x->o->keep);
	if (up[SV_COUNTERS] > 0)
		prom_counters(sb, &x->counters);
	if (up[SV_NETNS] > 0)
		prom_netns(sb, &x->r[SV_NETNS], x->o->keep, 0);
}

/*
 * The metrics of the reading in flight, or of a new one: a response, made
 * under the lock from the shared body (copied), or NULL if out of memory.
 */
static struct MHD_Response *metrics(struct exporter *x)
{
	struct MHD_Response *resp = NULL;
	unsigned long long gen;

	pthread_mutex_lock(&x->lock);
	if (x->running) {
		gen = x->readings;
		x->waiting++;
		if (x->o->verbose)
			fprintf(stderr, PROG ": serve: scrape joins reading %llu (%u waiting)\n",
				gen + 1, x->waiting);
		while (x->readings == gen)
			pthread_cond_wait(&x->done, &x->lock);
		x->waiting--;
	} else {
		struct sbuf done;

		x->running = 1;
		pthread_mutex_unlock(&x->lock);
		take_reading(x);
		pthread_mutex_lock(&x->lock);
		done = x->body;
		x->body = x->next;
		x->next = done;
		x->readings++;
		x->running = 0;
		pthread_cond_broadcast(&x->done);
	}
	if (!sbuf_failed(&x->body))
		resp = MHD_create_response_from_buffer(x->body.len, x->body.buf,
						       MHD_RESPMEM_MUST_COPY);
	pthread_mutex_unlock(&x->lock);
	if (resp)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					CONTENT_TYPE);
	return resp;
}

static const char landing[] =
	"<!DOCTYPE html>\n<html><head><title>tcpstat exporter</title></head>\n"
	"<body><h1>tcpstat exporter</h1>\n"
	"<p>TCP sockets by state, family, listening port and namespace: "
	"<a href=\"/metrics\">/metrics</a>.</p>\n</body></html>\n";

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     const char *text, const char *type,
			     const char *allow)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(strlen(text), (void *)text,
					       MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	struct exporter *x = cls;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)state;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED,
			     "Method Not Allowed: GET or HEAD only\n",
			     "text/plain", "GET, HEAD");
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, landing, "text/html; charset=utf-8",
			     NULL);
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "Not Found: see /metrics\n",
			     "text/plain", NULL);
	resp = metrics(x);
	if (!resp)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
			     "out of memory\n", "text/plain", NULL);
	ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs(PROG ": serve: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* "PORT", "ADDR:PORT" or "[ADDR6]:PORT", literal addresses only. */
static int parse_listen(const char *s, struct sockaddr_storage *ss,
			struct tcpstat_err *e)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	const char *colon = strrchr(s, ':'), *port = colon ? colon + 1 : s;
	char addr[INET6_ADDRSTRLEN + 2];
	size_t len = colon ? (size_t)(colon - s) : 0;
	unsigned long p;
	char *end;

	memset(ss, 0, sizeof(*ss));
	errno = 0;
	p = strtoul(port, &end, 10);
	if (!*port || *end || errno || p > 65535 || *port < '0' || *port > '9')
		goto bad;
	if (len >= sizeof(addr))
		goto bad;
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (len >= 2 && addr[0] == '[' && addr[len - 1] == ']') {
		addr[len - 1] = '\0';
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		if (inet_pton(AF_INET6, addr + 1, &sin6->sin6_addr) != 1)
			goto bad;
		return 0;
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)p);
	if (inet_pton(AF_INET, len ? addr : "127.0.0.1", &sin->sin_addr) == 1)
		return 0;
bad:
	err_set(e, EXIT_INPUT,
		"--serve: '%s' is not PORT, IPV4:PORT or [IPV6]:PORT (literal addresses)",
		s);
	return EXIT_INPUT;
}

static int is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
}

static void exporter_free(struct exporter *x)
{
	unsigned int v;

	for (v = 0; v < SV_COUNT; v++)
		reading_free(&x->r[v]);
	sbuf_free(&x->body);
	sbuf_free(&x->next);
	pthread_mutex_destroy(&x->lock);
	pthread_cond_destroy(&x->done);
}

int serve(const struct serve_opts *o, struct tcpstat_err *e)
{
	static struct exporter x;
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	sigset_t stop;
	unsigned int v;
	int ret, sig;

	ret = parse_listen(o->listen, &ss, e);
	if (ret)
		return ret;
	x.o = o;
	pthread_mutex_init(&x.lock, NULL);
	pthread_cond_init(&x.done, NULL);
	for (v = 0; v < SV_COUNT; v++)
		x.up[v] = -1;
	/* Every thread MHD starts inherits this: only sigwait() sees them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
			     MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
			     (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
			     0, NULL, NULL, on_request, &x,
			     MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONNECTIONS_MAX,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)TIMEOUT_S,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_PER_CONN,
			     MHD_OPTION_THREAD_STACK_SIZE, (size_t)THREAD_STACK,
			     MHD_OPTION_END);
	if (!d) {
		err_set(e, EXIT_RUNTIME, "--serve %s: cannot listen (in use? see above)",
			o->listen);
		exporter_free(&x);
		return EXIT_RUNTIME;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, PROG ": serving http://%s%s%s:%u/metrics\n",
		ss.ss_family == AF_INET6 ? "[" : "",
		inet_ntop(ss.ss_family, ss.ss_family == AF_INET6 ?
			  (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr :
			  (void *)&((struct sockaddr_in *)&ss)->sin_addr,
			  (char[INET6_ADDRSTRLEN]){ 0 }, INET6_ADDRSTRLEN),
		ss.ss_family == AF_INET6 ? "]" : "",
		info ? info->port : 0);
	if (!is_loopback(&ss))
		fprintf(stderr, PROG ": warning: not a loopback address: whoever reaches it reads this host's TCP activity%s\n",
			o->all_netns ? ", and every container's" : "");
	sigwait(&stop, &sig);
	MHD_stop_daemon(d);
	exporter_free(&x);
	return EXIT_OK;
}
