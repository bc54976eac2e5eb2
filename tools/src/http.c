// SPDX-License-Identifier: GPL-2.0
/*
 * The exporter's HTTP layer.  libmicrohttpd (MHD) runs one thread per
 * connection, so a scrape may wait for a reading without holding up the
 * others; around it:
 *
 * - Sockets: ktcpstat binds its own (or takes systemd's) and hands each to
 *   an MHD daemon of its own, so errors name the address asked for and a
 *   reload can start new daemons on the same sockets (each daemon gets a
 *   dup, which it closes when stopped).
 * - A generation: the daemons started with one web configuration.  SIGHUP
 *   starts a new generation on the same sockets, then stops the old one.
 * - Limits, counted here across every daemon: connections in all, and per
 *   client address (checked when a connection is accepted); scrapes at once.
 * - A deadline: MHD's own timeout is an idle one, reset by every byte, so a
 *   client trickling a byte at a time would hold its connection forever.
 *   Every connection is tracked (MHD_OPTION_NOTIFY_CONNECTION), and a
 *   watchdog thread shuts down those whose request is not whole in time:
 *   --web.read-timeout from the connection, or from the request line of a
 *   later request on a kept-alive connection; --web.idle-timeout between
 *   requests.  A connection being answered has no deadline: MHD's idle
 *   timeout (--web.idle-timeout) closes one whose client stops reading.
 * - Bodies: one reference-counted body per reading, sent by every response
 *   without a copy, and its gzip form made once.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <zlib.h>

#include "http.h"
#include "webconfig.h"

#define NSEC_PER_SEC		1000000000LL
#define MEMORY_PER_CONN		(16 * 1024)	/* bounds a request's headers */
#define THREAD_STACK		(256 * 1024)
#define LISTEN_BACKLOG		128
#define URI_MAX			8192	/* longer is 414: no scrape needs it */
#define CONTENT_TYPE		"text/plain; version=0.0.4; charset=utf-8"
#define REALM			"Basic realm=\"" PROG "\""
#define LOG_PREFIX		PROG ": serve: "
#define LOG_BURST		20	/* lines, then one a second */

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* --- the log ---------------------------------------------------------- */

static struct {
	pthread_mutex_t lock;
	unsigned int tokens;
	long long refilled;		/* when a token was last added */
	unsigned long suppressed;
	long long last_suppressed;
} lg = { .lock = PTHREAD_MUTEX_INITIALIZER, .tokens = LOG_BURST };

/* One line, prefix and all, in one write(2): lines never interleave. */
static void log_write(const char *msg)
{
	char line[1024];
	int n = snprintf(line, sizeof(line) - 1, LOG_PREFIX "%s", msg);

	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;		/* nowhere left to say it */
}

static void log_suppressed(void)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "%lu messages suppressed", lg.suppressed);
	log_write(msg);
	lg.suppressed = 0;
}

static void log_refill(long long now)
{
	long long secs;

	if (!lg.refilled)
		lg.refilled = now;
	secs = (now - lg.refilled) / NSEC_PER_SEC;
	if (!secs)
		return;
	lg.refilled += secs * NSEC_PER_SEC;
	secs += lg.tokens;
	lg.tokens = secs < LOG_BURST ? (unsigned int)secs : LOG_BURST;
}

static void log_line(int limited, const char *fmt, va_list ap)
{
	long long now = mono_ns();
	char msg[900];
	char *p;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\r\n")] = '\0';
	for (p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	pthread_mutex_lock(&lg.lock);
	log_refill(now);
	if (limited && !lg.tokens) {
		lg.suppressed++;
		lg.last_suppressed = now;
	} else {
		lg.tokens -= (unsigned int)limited;
		if (lg.suppressed)
			log_suppressed();
		log_write(msg);
	}
	pthread_mutex_unlock(&lg.lock);
}

void http_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(1, fmt, ap);
	va_end(ap);
}

void http_log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(0, fmt, ap);
	va_end(ap);
}

/*
 * Say how many lines were suppressed once a flood has ended (a second
 * without one); the time until it should be asked again, or -1.
 */
static long long log_flush(long long now)
{
	long long wait = -1;

	pthread_mutex_lock(&lg.lock);
	if (lg.suppressed && now - lg.last_suppressed >= NSEC_PER_SEC)
		log_suppressed();
	else if (lg.suppressed)
		wait = lg.last_suppressed + NSEC_PER_SEC - now;
	pthread_mutex_unlock(&lg.lock);
	return wait;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	log_line(1, fmt, ap);
}

/* --- addresses and sockets -------------------------------------------- */

static int parse_port(const char *s, unsigned int *port)
{
	unsigned long p = 0;
	const char *c;

	if (!*s || strlen(s) > 5)
		return -1;
	for (c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		p = p * 10 + (unsigned long)(*c - '0');
	}
	if (p > 65535)
		return -1;
	*port = (unsigned int)p;
	return 0;
}

int http_parse_listen(const char *s, int bare_port, struct http_listen *l)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&l->ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&l->ss;
	const char *colon = strrchr(s, ':');
	char addr[INET6_ADDRSTRLEN + 2];
	unsigned int port;
	size_t len;

	memset(l, 0, sizeof(*l));
	l->text = s;
	if (!colon && !bare_port)
		return -1;
	if (parse_port(colon ? colon + 1 : s, &port))
		return -1;
	len = colon ? (size_t)(colon - s) : 0;
	if (len >= sizeof(addr))
		return -1;
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (colon && !len) {
		l->any = 1;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_any;
		sin6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	if (len >= 2 && addr[0] == '[' && addr[len - 1] == ']') {
		addr[len - 1] = '\0';
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, addr + 1, &sin6->sin6_addr) == 1 ? 0 : -1;
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, len ? addr : "127.0.0.1", &sin->sin_addr) == 1 ?
	       0 : -1;
}

/* "1.2.3.4:80", "[::1]:80", or ":80" for every address. */
static void sockaddr_text(const struct sockaddr_storage *ss, int any,
			  char *buf, size_t size)
{
	const struct sockaddr_in6 *sin6 = (const void *)ss;
	const struct sockaddr_in *sin = (const void *)ss;
	char a[INET6_ADDRSTRLEN] = "?";
	int v6 = ss->ss_family == AF_INET6;
	unsigned int port = ntohs(v6 ? sin6->sin6_port : sin->sin_port);

	if (any) {
		snprintf(buf, size, ":%u", port);
		return;
	}
	inet_ntop(ss->ss_family, v6 ? (const void *)&sin6->sin6_addr :
				      (const void *)&sin->sin_addr, a, sizeof(a));
	snprintf(buf, size, v6 ? "[%s]:%u" : "%s:%u", a, port);
}

static int is_loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *sin6 = (const void *)ss;
	const struct sockaddr_in *sin = (const void *)ss;

	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) ||
		       (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) &&
			sin6->sin6_addr.s6_addr[12] == 127);
	return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
}

static int open_listener(struct sockaddr_storage *ss, int any)
{
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						     sizeof(struct sockaddr_in);
	int fd, one = 1, v6only = !any, saved;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (ss->ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only))) ||
	    bind(fd, (struct sockaddr *)ss, len) || listen(fd, LISTEN_BACKLOG)) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* A socket for l: ":PORT" is IPv6 dual-stack, or IPv4 without IPv6. */
static int listen_on(const struct http_listen *l, struct tcpstat_err *e)
{
	struct sockaddr_storage ss = l->ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	char text[80];
	int fd = open_listener(&ss, l->any);

	if (fd < 0 && l->any && errno == EAFNOSUPPORT) {
		uint16_t port = ((const struct sockaddr_in6 *)&l->ss)->sin6_port;

		memset(&ss, 0, sizeof(ss));
		sin->sin_family = AF_INET;
		sin->sin_port = port;
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
		fd = open_listener(&ss, 1);
	}
	if (fd < 0) {
		sockaddr_text(&l->ss, l->any, text, sizeof(text));
		err_set(e, EXIT_RUNTIME, "cannot listen on %s: %s", text,
			strerror(errno));
	}
	return fd;
}

/* fd is a listening TCP socket: 0, else -1 with *e set. */
static int check_systemd_fd(int fd, struct tcpstat_err *e)
{
	int type = 0, listening = 0, domain = 0;
	socklen_t len = sizeof(int);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) ||
	    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) ||
	    type != SOCK_STREAM || !listening ||
	    (domain != AF_INET && domain != AF_INET6)) {
		err_set(e, EXIT_RUNTIME,
			"--web.systemd-socket: fd %d is not a listening TCP socket",
			fd);
		return -1;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)) {
		err_set(e, EXIT_RUNTIME, "--web.systemd-socket: fd %d: %s", fd,
			strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * sd_listen_fds(3)'s protocol: LISTEN_PID is this process, LISTEN_FDS
 * sockets from fd 3.  The variables are unset, so that nothing this
 * process starts takes them for its own.  The number of sockets, or -1.
 */
static int systemd_fds(int *fds, unsigned int max, struct tcpstat_err *e)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	unsigned long p = 0, count = 0;
	char *end;
	unsigned int i;

	if (pid)
		p = strtoul(pid, &end, 10);
	if (n)
		count = strtoul(n, &end, 10);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (!pid || !n) {
		err_set(e, EXIT_RUNTIME, "--web.systemd-socket: no sockets from systemd (LISTEN_PID or LISTEN_FDS not set)");
		return -1;
	}
	if (p != (unsigned long)getpid()) {
		err_set(e, EXIT_RUNTIME, "--web.systemd-socket: the sockets are for process %s, not this one (%d)",
			pid, (int)getpid());
		return -1;
	}
	if (!count || count > max) {
		err_set(e, EXIT_RUNTIME, "--web.systemd-socket: LISTEN_FDS is %s (1 to %u sockets)",
			n, max);
		return -1;
	}
	for (i = 0; i < count; i++) {
		fds[i] = 3 + (int)i;
		if (check_systemd_fd(fds[i], e))
			return -1;
	}
	return (int)count;
}

/* --- bodies ----------------------------------------------------------- */

struct http_body {
	unsigned int refs;
	char *text;
	size_t len;
	pthread_mutex_t gz_lock;
	int gz_state;			/* 0 not made yet, 1 made, -1 failed */
	unsigned char *gz;
	size_t gz_len;
};

struct http_body *http_body_new(struct sbuf *text)
{
	struct http_body *b;

	if (sbuf_failed(text) || !text->buf)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->refs = 1;
	b->text = text->buf;
	b->len = text->len;
	pthread_mutex_init(&b->gz_lock, NULL);
	text->buf = NULL;
	text->len = text->size = 0;
	return b;
}

struct http_body *http_body_get(struct http_body *b)
{
	__atomic_add_fetch(&b->refs, 1, __ATOMIC_RELAXED);
	return b;
}

void http_body_put(struct http_body *b)
{
	if (!b || __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL))
		return;
	pthread_mutex_destroy(&b->gz_lock);
	free(b->gz);
	free(b->text);
	free(b);
}

/* MHD_ContentReaderFreeCallback: a response is done with its body. */
static void body_release(void *cls)
{
	http_body_put(cls);
}

static int gzip_body(struct http_body *b)
{
	z_stream zs;
	uLong bound;
	int ret;

	memset(&zs, 0, sizeof(zs));
	if (b->len > UINT_MAX ||
	    deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	bound = deflateBound(&zs, (uLong)b->len);
	b->gz = bound <= UINT_MAX ? malloc(bound) : NULL;
	if (!b->gz) {
		deflateEnd(&zs);
		return -1;
	}
	zs.next_in = (Bytef *)b->text;
	zs.avail_in = (uInt)b->len;
	zs.next_out = b->gz;
	zs.avail_out = (uInt)bound;
	ret = deflate(&zs, Z_FINISH);
	b->gz_len = zs.total_out;
	deflateEnd(&zs);
	return ret == Z_STREAM_END ? 0 : -1;
}

/* The gzip form, made by the first scrape that asks; NULL if it failed. */
static const unsigned char *body_gzip(struct http_body *b, size_t *len)
{
	pthread_mutex_lock(&b->gz_lock);
	if (!b->gz_state)
		b->gz_state = gzip_body(b) ? -1 : 1;
	pthread_mutex_unlock(&b->gz_lock);
	*len = b->gz_len;
	return b->gz_state > 0 ? b->gz : NULL;
}

static int token_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && !strncasecmp(s, word, len);
}

/* A coding's q parameter is not zero (RFC 9110 12.4.2). */
static int q_nonzero(const char *p, const char *end)
{
	for (; p < end; p++) {
		if ((*p == 'q' || *p == 'Q') && p + 1 < end && p[1] == '=') {
			for (p += 2; p < end && (*p == '0' || *p == '.'); p++)
				;
			return p < end && *p >= '1' && *p <= '9';
		}
	}
	return 1;
}

/* Accept-Encoding takes gzip: named with q > 0, or "*" without it named. */
static int accepts_gzip(const char *h)
{
	int gzip = -1, star = -1;
	size_t len;

	while (h && *h) {
		const char *end = h + strcspn(h, ","), *params;

		h += strspn(h, " \t");
		len = strcspn(h, " \t;,");
		params = h + len;
		if (token_is(h, len, "gzip") || token_is(h, len, "x-gzip"))
			gzip = q_nonzero(params, end);
		else if (token_is(h, len, "*"))
			star = q_nonzero(params, end);
		h = *end ? end + 1 : end;
	}
	return gzip >= 0 ? gzip : star > 0;
}

/* --- connections ------------------------------------------------------ */

enum phase {
	PH_WAIT,	/* for a whole request, until the deadline */
	PH_BUSY,	/* answering it: no deadline */
	PH_IDLE,	/* kept alive, until the idle deadline */
};

struct conn {
	struct conn *prev, *next;
	int fd;
	unsigned char addr[16];		/* IPv4 as IPv4-mapped IPv6 */
	enum phase phase;
	long long deadline;		/* monotonic ns */
	int closing;			/* shut down by the watchdog */
	int tls;
	int uri_too_long;		/* the request line's */
};

struct gen;

struct http {
	const struct http_opts *o;
	http_scrape_fn scrape;
	void *cls;
	int fds[HTTP_LISTEN_MAX];
	unsigned int nfds;
	char *landing;			/* the page at / */
	char too_many[96];		/* the 503's text */
	struct gen *gen;		/* the daemons serving now */
	unsigned int inflight;		/* scrapes, atomic */
	/* The connections, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* the watchdog's */
	struct conn *conns;
	unsigned int nconns;
	int stopping;
	pthread_t watchdog;
};

/* A generation: the daemons of one web configuration. */
struct gen {
	struct http *h;
	struct webconfig *wc;		/* NULL without --web.config.file */
	char *cert, *key, *ca;		/* C strings, as MHD wants them */
	char priorities[512];
	struct MHD_Daemon *d[HTTP_LISTEN_MAX];
};

static void addr_key(const struct sockaddr *sa, unsigned char key[16])
{
	memset(key, 0, 16);
	if (sa && sa->sa_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	}
}

static const char *key_text(const unsigned char key[16], char *buf,
			    size_t size)
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (!memcmp(key, mapped, sizeof(mapped)))
		return inet_ntop(AF_INET, key + 12, buf, (socklen_t)size);
	return inet_ntop(AF_INET6, key, buf, (socklen_t)size);
}

/* MHD_AcceptPolicyCallback: within --web.max-connections(-per-ip)? */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *sa,
				 socklen_t len)
{
	struct gen *g = cls;
	struct http *h = g->h;
	unsigned char key[16];
	unsigned int same = 0, nopen;
	const char *why = NULL;
	char text[INET6_ADDRSTRLEN];
	struct conn *k;

	(void)len;
	addr_key(sa, key);
	pthread_mutex_lock(&h->lock);
	for (k = h->conns; k; k = k->next)
		same += !memcmp(k->addr, key, sizeof(key));
	if (h->nconns >= h->o->max_conns)
		why = "--web.max-connections";
	else if (same >= h->o->max_conns_per_ip)
		why = "--web.max-connections-per-ip";
	nopen = h->nconns;
	pthread_mutex_unlock(&h->lock);
	if (why)
		http_log("refused a connection from %s: %u open, %u from it (%s)",
			 key_text(key, text, sizeof(text)), nopen, same, why);
	return why ? MHD_NO : MHD_YES;
}

static struct conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *i =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return i ? i->socket_context : NULL;
}

/* Set a connection's phase, and wake the watchdog to a new deadline. */
static void conn_phase(struct http *h, struct conn *k, enum phase p,
		       unsigned int timeout)
{
	if (!k)
		return;
	pthread_mutex_lock(&h->lock);
	k->phase = p;
	k->deadline = mono_ns() + (long long)timeout * NSEC_PER_SEC;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
}

static gnutls_session_t tls_session(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *i =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);

	return i ? i->tls_session : NULL;
}

/*
 * Before the handshake: ask for a client certificate as the policy says
 * (MHD asks whenever a client CA is set; required ones fail the handshake
 * when missing).  Verification comes with the request (peer_allowed()).
 */
static void request_client_cert(struct MHD_Connection *c,
				enum webconfig_client_auth a)
{
	gnutls_session_t s = tls_session(c);
	gnutls_certificate_request_t req = GNUTLS_CERT_IGNORE;

	if (a == WEBCONFIG_REQUEST_CLIENT_CERT ||
	    a == WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN)
		req = GNUTLS_CERT_REQUEST;
	else if (a == WEBCONFIG_REQUIRE_ANY_CLIENT_CERT ||
		 a == WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT)
		req = GNUTLS_CERT_REQUIRE;
	if (s)
		gnutls_certificate_server_set_request(s, req);
}

static void conn_started(struct gen *g, struct MHD_Connection *c, void **ctx)
{
	const union MHD_ConnectionInfo *fd, *addr;
	struct http *h = g->h;
	struct conn *k = calloc(1, sizeof(*k));

	fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	addr = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!k || !fd) {
		/* Untracked, it would have no deadline: not served at all. */
		if (fd)
			shutdown(fd->connect_fd, SHUT_RDWR);
		free(k);
		return;
	}
	k->fd = fd->connect_fd;
	addr_key(addr ? addr->client_addr : NULL, k->addr);
	k->phase = PH_WAIT;
	k->deadline = mono_ns() + (long long)h->o->read_timeout * NSEC_PER_SEC;
	k->tls = g->wc && g->wc->tls;
	if (k->tls)
		request_client_cert(c, g->wc->client_auth);
	pthread_mutex_lock(&h->lock);
	k->next = h->conns;
	if (h->conns)
		h->conns->prev = k;
	h->conns = k;
	h->nconns++;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
	*ctx = k;
}

/*
 * MHD_NotifyConnectionCallback.  MHD calls it with CLOSED before it closes
 * the socket, so the watchdog (under the same lock) never shuts down an fd
 * that has been closed and reused.
 */
static void on_connection(void *cls, struct MHD_Connection *c, void **ctx,
			  enum MHD_ConnectionNotificationCode code)
{
	struct gen *g = cls;
	struct http *h = g->h;
	struct conn *k = *ctx;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		conn_started(g, c, ctx);
		return;
	}
	if (!k)
		return;
	pthread_mutex_lock(&h->lock);
	if (k->prev)
		k->prev->next = k->next;
	else
		h->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	h->nconns--;
	pthread_mutex_unlock(&h->lock);
	free(k);
	*ctx = NULL;
}

/*
 * A request line: on a kept-alive connection, the deadline for the rest
 * of the request starts.
 */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct gen *g = cls;
	struct conn *k = conn_of(c);

	if (!k)
		return NULL;
	k->uri_too_long = strlen(uri) > URI_MAX;
	if (k->phase == PH_IDLE)
		conn_phase(g->h, k, PH_WAIT, g->h->o->read_timeout);
	return NULL;
}

/* A response sent (or given up): the connection waits for the next. */
static void on_completed(void *cls, struct MHD_Connection *c, void **state,
			 enum MHD_RequestTerminationCode why)
{
	struct gen *g = cls;

	(void)state;
	(void)why;
	conn_phase(g->h, conn_of(c), PH_IDLE, g->h->o->idle_timeout);
}

/*
 * A request not whole in time is answered 408 (in plain HTTP, where MHD
 * writes nothing until it has a request), so that a client sending
 * garbage without a line end learns why it is cut off.
 */
static void request_timeout(struct conn *k)
{
	static const char r408[] = "HTTP/1.1 408 Request Timeout\r\n"
				   "Connection: close\r\nContent-Length: 0\r\n\r\n";

	if (!k->tls && send(k->fd, r408, sizeof(r408) - 1,
			    MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return;		/* closed all the same */
}

/* Shut down the connections past their deadline; the next deadline. */
static long long watchdog_pass(struct http *h, long long now)
{
	long long next = LLONG_MAX;
	char text[INET6_ADDRSTRLEN];
	struct conn *k;

	for (k = h->conns; k; k = k->next) {
		if (k->phase == PH_BUSY || k->closing)
			continue;
		if (k->deadline > now) {
			next = k->deadline < next ? k->deadline : next;
			continue;
		}
		if (k->phase == PH_WAIT)
			request_timeout(k);
		shutdown(k->fd, SHUT_RDWR);
		k->closing = 1;
		if (k->phase == PH_WAIT)
			http_log("closed a connection from %s: no whole request in %u s (--web.read-timeout)",
				 key_text(k->addr, text, sizeof(text)),
				 h->o->read_timeout);
	}
	return next;
}

static void *watchdog(void *arg)
{
	struct http *h = arg;
	long long now, next, flush;
	struct timespec ts;

	pthread_mutex_lock(&h->lock);
	while (!h->stopping) {
		now = mono_ns();
		next = watchdog_pass(h, now);
		flush = log_flush(now);
		if (flush >= 0 && now + flush < next)
			next = now + flush;
		if (next == LLONG_MAX) {
			pthread_cond_wait(&h->wake, &h->lock);
			continue;
		}
		ts.tv_sec = next / NSEC_PER_SEC;
		ts.tv_nsec = next % NSEC_PER_SEC;
		pthread_cond_timedwait(&h->wake, &h->lock, &ts);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* --- requests --------------------------------------------------------- */

/*
 * MHD decodes %XX in the path in place; %00 would end the C string early
 * and "/metrics%00x" would be served as "/metrics".  It is left encoded.
 */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *r = s, *w = s;

	(void)cls;
	(void)c;
	while (*r) {
		if (r[0] == '%' && isxdigit((unsigned char)r[1]) &&
		    isxdigit((unsigned char)r[2]) && (r[1] != '0' || r[2] != '0')) {
			char hex[3] = { r[1], r[2], '\0' };

			*w++ = (char)strtoul(hex, NULL, 16);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* Queue r with the configured headers, and let go of it. */
static enum MHD_Result send_response(struct gen *g, struct MHD_Connection *c,
				     unsigned int status, struct MHD_Response *r)
{
	enum MHD_Result ret;
	size_t i;

	if (!r)
		return MHD_NO;
	for (i = 0; g->wc && i < g->wc->nheaders; i++)
		MHD_add_response_header(r, g->wc->headers[i].name,
					g->wc->headers[i].value);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static struct MHD_Response *text_response(const char *text, const char *type)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
					    MHD_RESPMEM_PERSISTENT);
	if (r)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return r;
}

static enum MHD_Result reply(struct gen *g, struct MHD_Connection *c,
			     unsigned int status, const char *text)
{
	return send_response(g, c, status,
			     text_response(text, "text/plain; charset=utf-8"));
}

/* An error after which the connection is closed: 414. */
static enum MHD_Result reply_close(struct gen *g, struct MHD_Connection *c,
				   unsigned int status, const char *text)
{
	struct MHD_Response *r = text_response(text, "text/plain; charset=utf-8");

	if (r)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	return send_response(g, c, status, r);
}

static enum MHD_Result reply_405(struct gen *g, struct MHD_Connection *c)
{
	struct MHD_Response *r =
		text_response("Method Not Allowed: GET or HEAD only\n",
			      "text/plain; charset=utf-8");

	if (r)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	return send_response(g, c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
}

static enum MHD_Result reply_401(struct gen *g, struct MHD_Connection *c)
{
	struct MHD_Response *r = text_response("Unauthorized\n",
					       "text/plain; charset=utf-8");

	if (r)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					REALM);
	return send_response(g, c, MHD_HTTP_UNAUTHORIZED, r);
}

/* The client certificate the policy asks for, verified if it says so. */
static int peer_allowed(struct gen *g, struct MHD_Connection *c)
{
	enum webconfig_client_auth a;
	const gnutls_datum_t *certs;
	unsigned int n = 0, status = 0;
	gnutls_session_t s;
	gnutls_datum_t why;

	if (!g->wc || !g->wc->tls)
		return 1;
	a = g->wc->client_auth;
	if (a == WEBCONFIG_NO_CLIENT_CERT || a == WEBCONFIG_REQUEST_CLIENT_CERT)
		return 1;
	s = tls_session(c);
	certs = s ? gnutls_certificate_get_peers(s, &n) : NULL;
	if (!certs || !n) {
		if (a == WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN)
			return 1;
		http_log("refused a request: no client certificate");
		return 0;
	}
	if (a == WEBCONFIG_REQUIRE_ANY_CLIENT_CERT)
		return 1;
	if (gnutls_certificate_verify_peers2(s, &status) < 0)
		status = GNUTLS_CERT_INVALID;
	if (!status)
		return 1;
	if (!gnutls_certificate_verification_status_print(status,
			GNUTLS_CRT_X509, &why, 0)) {
		http_log("refused a request: client certificate: %s", why.data);
		gnutls_free(why.data);
	}
	return 0;
}

static enum MHD_Result serve_metrics(struct gen *g, struct MHD_Connection *c)
{
	struct http *h = g->h;
	const void *data;
	struct MHD_Response *r;
	struct http_body *b;
	size_t len = 0;
	unsigned int n;
	int gz;

	n = __atomic_add_fetch(&h->inflight, 1, __ATOMIC_SEQ_CST);
	b = !h->o->max_requests || n <= h->o->max_requests ?
	    h->scrape(h->cls) : NULL;
	__atomic_sub_fetch(&h->inflight, 1, __ATOMIC_SEQ_CST);
	if (h->o->max_requests && n > h->o->max_requests)
		return reply(g, c, MHD_HTTP_SERVICE_UNAVAILABLE, h->too_many);
	if (!b)
		return reply(g, c, MHD_HTTP_INTERNAL_SERVER_ERROR,
			     "out of memory\n");
	gz = accepts_gzip(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_ACCEPT_ENCODING));
	data = gz ? body_gzip(b, &len) : NULL;
	gz = !!data;
	if (!gz) {
		data = b->text;
		len = b->len;
	}
	r = MHD_create_response_from_buffer_with_free_callback_cls(len,
			(void *)data, body_release, b);
	if (!r) {
		http_body_put(b);
		return reply(g, c, MHD_HTTP_INTERNAL_SERVER_ERROR,
			     "out of memory\n");
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY,
				MHD_HTTP_HEADER_ACCEPT_ENCODING);
	if (gz)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING,
					"gzip");
	return send_response(g, c, MHD_HTTP_OK, r);
}

/*
 * MHD_AccessHandlerCallback.  A GET or HEAD is answered on the second call,
 * once MHD has the whole request: a response queued on the first call
 * makes MHD close the connection (it cannot know the request was read).
 * Other methods are refused at once, and the connection closed.
 */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	static int seen;
	struct gen *g = cls;
	struct conn *k = conn_of(c);
	const char *auth;
	int get = !strcmp(method, MHD_HTTP_METHOD_GET) ||
		  !strcmp(method, MHD_HTTP_METHOD_HEAD);

	(void)version;
	(void)upload;
	if (!*state) {
		*state = &seen;
		if (get)
			return MHD_YES;
	} else if (*upload_size) {
		*upload_size = 0;	/* a body with a GET: read, unused */
		return MHD_YES;
	}
	conn_phase(g->h, k, PH_BUSY, 0);
	if (k && k->uri_too_long)
		return reply_close(g, c, MHD_HTTP_URI_TOO_LONG, "URI Too Long\n");
	if (!peer_allowed(g, c))
		return MHD_NO;
	auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					   MHD_HTTP_HEADER_AUTHORIZATION);
	if (g->wc && !webconfig_check_basic(g->wc, auth))
		return reply_401(g, c);
	if (!get)
		return reply_405(g, c);
	if (!strcmp(url, g->h->o->telemetry_path))
		return serve_metrics(g, c);
	if (!strcmp(url, "/"))
		return send_response(g, c, MHD_HTTP_OK,
				     text_response(g->h->landing,
						   "text/html; charset=utf-8"));
	return reply(g, c, MHD_HTTP_NOT_FOUND, "Not Found\n");
}

/* --- daemons ---------------------------------------------------------- */

static char *pem_string(const char *pem, size_t len)
{
	char *s = pem ? malloc(len + 1) : NULL;

	if (s) {
		memcpy(s, pem, len);
		s[len] = '\0';
	}
	return s;
}

static void gen_free(struct gen *g)
{
	unsigned int i;

	if (!g)
		return;
	for (i = 0; i < HTTP_LISTEN_MAX; i++)
		if (g->d[i])
			MHD_stop_daemon(g->d[i]);
	if (g->wc)
		webconfig_free(g->wc);
	free(g->cert);
	free(g->key);
	free(g->ca);
	free(g);
}

/* TLS options for MHD from the web configuration, in items[]. */
static int tls_options(struct gen *g, struct MHD_OptionItem *items,
		       char *why, size_t size)
{
	const struct webconfig *wc = g->wc;
	unsigned int n = 0;

	g->cert = pem_string(wc->cert_pem, wc->cert_len);
	g->key = pem_string(wc->key_pem, wc->key_len);
	g->ca = pem_string(wc->ca_pem, wc->ca_len);
	if (!g->cert || !g->key || (wc->ca_pem && !g->ca) ||
	    webconfig_tls_priorities(wc, g->priorities, sizeof(g->priorities))) {
		snprintf(why, size, "%s: no TLS certificate, key or priorities",
			 wc->path);
		return -1;
	}
	items[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, g->cert };
	items[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, g->key };
	if (g->ca)
		items[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, g->ca };
	items[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0,
					      g->priorities };
	items[n] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	return 0;
}

static struct MHD_Daemon *start_daemon(struct gen *g, int fd,
				       struct MHD_OptionItem *tls)
{
	const struct http_opts *o = g->h->o;
	unsigned int flags = MHD_USE_THREAD_PER_CONNECTION |
			     MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
			     MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;
	int dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	if (dup < 0)
		return NULL;
	if (g->wc && g->wc->tls)
		flags |= MHD_USE_TLS;
	/* On failure, MHD closes the socket it was given.  The logger comes
	 * first, or MHD logs to stderr until it sees it. */
	d = MHD_start_daemon(flags, 0, on_accept, g, on_request, g,
			     MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
			     MHD_OPTION_LISTEN_SOCKET, dup,
			     MHD_OPTION_NOTIFY_CONNECTION, on_connection, g,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, g,
			     MHD_OPTION_URI_LOG_CALLBACK, on_uri, g,
			     MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
			     MHD_OPTION_CONNECTION_LIMIT, o->max_conns,
			     MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_PER_CONN,
			     MHD_OPTION_THREAD_STACK_SIZE, (size_t)THREAD_STACK,
			     MHD_OPTION_ARRAY, tls,
			     MHD_OPTION_END);
	return d;
}

/* A generation serving wc (taken) on every socket; NULL with *why set. */
static struct gen *gen_start(struct http *h, struct webconfig *wc,
			     char *why, size_t size)
{
	struct MHD_OptionItem tls[5] = { { MHD_OPTION_END, 0, NULL } };
	struct gen *g = calloc(1, sizeof(*g));
	char text[80];
	unsigned int i;

	if (!g) {
		if (wc)
			webconfig_free(wc);
		snprintf(why, size, "out of memory");
		return NULL;
	}
	g->h = h;
	g->wc = wc;
	if (wc && wc->tls && tls_options(g, tls, why, size)) {
		gen_free(g);
		return NULL;
	}
	for (i = 0; i < h->nfds; i++) {
		g->d[i] = start_daemon(g, h->fds[i], tls);
		if (!g->d[i]) {
			struct sockaddr_storage ss;
			socklen_t len = sizeof(ss);

			getsockname(h->fds[i], (struct sockaddr *)&ss, &len);
			sockaddr_text(&ss, 0, text, sizeof(text));
			snprintf(why, size, "cannot serve on %s (see above)", text);
			gen_free(g);
			return NULL;
		}
	}
	return g;
}

static int load_webconfig(const struct http_opts *o, struct webconfig **wc,
			  char *why, size_t size)
{
	*wc = NULL;
	if (!o->webconfig_file)
		return 0;
	return webconfig_load(o->webconfig_file, wc, why, size) ? -1 : 0;
}

void http_reload(struct http *h)
{
	struct webconfig *wc;
	struct gen *g, *old;
	char why[512] = "";

	if (!h->o->webconfig_file) {
		http_log("SIGHUP: no --web.config.file to read again");
		return;
	}
	if (load_webconfig(h->o, &wc, why, sizeof(why))) {
		http_log("SIGHUP: %s; the previous web configuration stays",
			 why);
		return;
	}
	g = gen_start(h, wc, why, sizeof(why));
	if (!g) {
		http_log("SIGHUP: %s; the previous web configuration stays",
			 why);
		return;
	}
	/* New connections may go to either until the old daemons stop. */
	old = h->gen;
	h->gen = g;
	gen_free(old);
	http_log("SIGHUP: %s read again, for new connections",
		 h->o->webconfig_file);
}

/* --- start and stop --------------------------------------------------- */

static void html_escape(struct sbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sbuf_puts(sb, "&amp;"); break;
		case '<': sbuf_puts(sb, "&lt;"); break;
		case '>': sbuf_puts(sb, "&gt;"); break;
		case '"': sbuf_puts(sb, "&quot;"); break;
		case '\'': sbuf_puts(sb, "&#39;"); break;
		default: sbuf_printf(sb, "%c", *s);
		}
	}
}

static char *landing_page(const char *path)
{
	struct sbuf sb = { 0 };

	sbuf_puts(&sb, "<!DOCTYPE html>\n<html><head><title>tcpstat exporter</title></head>\n"
		  "<body><h1>tcpstat exporter</h1>\n"
		  "<p>TCP sockets by state, family, listening port and namespace: "
		  "<a href=\"");
	html_escape(&sb, path);
	sbuf_puts(&sb, "\">");
	html_escape(&sb, path);
	sbuf_puts(&sb, "</a>.</p>\n</body></html>\n");
	if (sbuf_failed(&sb)) {
		sbuf_free(&sb);
		return NULL;
	}
	return sb.buf;
}

static int open_sockets(struct http *h, struct tcpstat_err *e)
{
	const struct http_opts *o = h->o;
	unsigned int i;
	int n;

	if (o->systemd_socket) {
		n = systemd_fds(h->fds, HTTP_LISTEN_MAX, e);
		if (n < 0)
			return EXIT_RUNTIME;
		h->nfds = (unsigned int)n;
		return 0;
	}
	for (i = 0; i < o->nlisten; i++) {
		h->fds[i] = listen_on(&o->listen[i], e);
		if (h->fds[i] < 0)
			return EXIT_RUNTIME;
		h->nfds++;
	}
	return 0;
}

/* "serving http://ADDR:PORT/metrics" for each socket, as bound. */
static void say_serving(struct http *h)
{
	int tls = h->gen->wc && h->gen->wc->tls, warn = 0;
	struct sockaddr_storage ss;
	socklen_t len;
	char text[80];
	unsigned int i;

	for (i = 0; i < h->nfds; i++) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		int any;

		len = sizeof(ss);
		memset(&ss, 0, sizeof(ss));
		getsockname(h->fds[i], (struct sockaddr *)&ss, &len);
		any = ss.ss_family == AF_INET6 &&
		      IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr);
		sockaddr_text(&ss, 0, text, sizeof(text));
		fprintf(stderr, PROG ": serving http%s://%s%s\n", tls ? "s" : "",
			text, h->o->telemetry_path);
		warn |= any || !is_loopback(&ss);
	}
	if (warn)
		fprintf(stderr, PROG ": warning: not a loopback address: whoever reaches it reads this host's TCP activity%s\n",
			h->o->all_netns ? ", and every container's" : "");
}

static int start_watchdog(struct http *h)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&h->wake, &attr);
	pthread_condattr_destroy(&attr);
	return pthread_create(&h->watchdog, NULL, watchdog, h);
}

int http_start(const struct http_opts *o, http_scrape_fn scrape, void *cls,
	       struct http **out, struct tcpstat_err *e)
{
	struct http *h = calloc(1, sizeof(*h));
	struct webconfig *wc;
	char why[512] = "";
	int ret;

	if (!h) {
		err_set(e, EXIT_RUNTIME, "out of memory");
		return EXIT_RUNTIME;
	}
	h->o = o;
	h->scrape = scrape;
	h->cls = cls;
	pthread_mutex_init(&h->lock, NULL);
	snprintf(h->too_many, sizeof(h->too_many),
		 "Limit of concurrent requests reached (%u), try again later.\n",
		 o->max_requests);
	if (start_watchdog(h)) {
		err_set(e, EXIT_RUNTIME, "cannot start a thread");
		pthread_cond_destroy(&h->wake);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return EXIT_RUNTIME;
	}
	h->landing = landing_page(o->telemetry_path);
	if (load_webconfig(o, &wc, why, sizeof(why))) {
		err_set(e, EXIT_INPUT, "%s", why);
		http_stop(h);
		return EXIT_INPUT;
	}
	ret = h->landing ? open_sockets(h, e) : EXIT_RUNTIME;
	if (!h->landing)
		err_set(e, EXIT_RUNTIME, "out of memory");
	if (!ret) {
		h->gen = gen_start(h, wc, why, sizeof(why));
		wc = NULL;
		if (!h->gen) {
			err_set(e, EXIT_RUNTIME, "%s", why);
			ret = EXIT_RUNTIME;
		}
	}
	if (ret) {
		if (wc)
			webconfig_free(wc);
		http_stop(h);
		return ret;
	}
	say_serving(h);
	*out = h;
	return 0;
}

void http_stop(struct http *h)
{
	unsigned int i;

	gen_free(h->gen);
	pthread_mutex_lock(&h->lock);
	h->stopping = 1;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->watchdog, NULL);
	log_flush(LLONG_MAX / 2);
	for (i = 0; i < h->nfds; i++)
		close(h->fds[i]);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->lock);
	free(h->landing);
	free(h);
}
