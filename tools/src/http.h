/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exporter's HTTP layer, on libmicrohttpd: the listening sockets (its
 * own, or systemd's), one MHD daemon per socket, TLS and basic auth from
 * the web configuration file, the limits on connections and requests, the
 * deadline for receiving a request, the shared response bodies (plain and
 * gzip), and the rate-limited log.  What a scrape serves comes from a
 * callback: this layer knows nothing of readings.
 */
#ifndef TCPSTAT_HTTP_H
#define TCPSTAT_HTTP_H

#include <stddef.h>
#include <sys/socket.h>

#include "sbuf.h"
#include "util.h"

#define HTTP_LISTEN_MAX		16

/* One address to listen on, as given and as parsed. */
struct http_listen {
	const char *text;
	struct sockaddr_storage ss;
	int any;		/* ":PORT": every address, IPv4 and IPv6 */
};

/*
 * "IPV4:PORT", "[IPV6]:PORT" or ":PORT" (literal addresses only); with
 * bare_port, also "PORT" alone, on 127.0.0.1 (--serve's short form).
 * 0, or -1 if s is none of these.
 */
int http_parse_listen(const char *s, int bare_port, struct http_listen *l);

struct http_opts {
	struct http_listen listen[HTTP_LISTEN_MAX];
	unsigned int nlisten;
	int systemd_socket;		/* take the sockets from systemd */
	const char *telemetry_path;	/* "/metrics" */
	const char *webconfig_file;	/* or NULL */
	unsigned int max_requests;	/* scrapes at once; 0: no limit */
	unsigned int max_conns;
	unsigned int max_conns_per_ip;
	unsigned int read_timeout;	/* s: from connection or request line
					 * to the whole request */
	unsigned int idle_timeout;	/* s: keep-alive, or nothing moving */
	int all_netns;			/* for the non-loopback warning */
	int verbose;
};

/*
 * The metrics of one reading, reference-counted: every response that
 * sends them holds a reference, so a body exists once however many slow
 * clients are sending it.  Its gzip form is made once, by the first
 * scrape that asks for it.
 */
struct http_body;

/* A body of text's contents, taking its buffer; NULL if out of memory. */
struct http_body *http_body_new(struct sbuf *text);
struct http_body *http_body_get(struct http_body *b);
void http_body_put(struct http_body *b);

/* What a scrape of the telemetry path serves: a new reference, or NULL. */
typedef struct http_body *(*http_scrape_fn)(void *cls);

struct http;

/* Listen and serve; 0, or an exit status with *e set. */
int http_start(const struct http_opts *o, http_scrape_fn scrape, void *cls,
	       struct http **out, struct tcpstat_err *e);
/* SIGHUP: the web configuration file read again, kept if it is bad. */
void http_reload(struct http *h);
void http_stop(struct http *h);

/*
 * "ktcpstat: serve: MESSAGE" on stderr, one write(2) per line, rate
 * limited: a burst passes, then a line a second, and how many were
 * suppressed is said when the flood ends.
 */
void http_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, not rate limited: what --verbose asked to see, all of it. */
void http_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* TCPSTAT_HTTP_H */
