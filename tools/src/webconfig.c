// SPDX-License-Identifier: GPL-2.0
/*
 * The exporter-toolkit web configuration file (--web.config.file), read
 * with libyaml's event API and checked as exporter-toolkit checks it, so
 * that one file serves ktcpstat and the Go exporters alike.  References:
 * exporter-toolkit's docs/web-configuration.md, web/tls_config.go and
 * web/handler.go (prometheus/exporter-toolkit v0.17.1-12-g19a7c2d), and
 * yaml.v2's UnmarshalStrict, which it uses.
 *
 * As exporter-toolkit:
 *  - the keys are tls_server_config, http_server_config, basic_auth_users;
 *    an unknown or repeated key anywhere is an error (UnmarshalStrict);
 *  - an empty file, or one of comments only, is no TLS and no users;
 *  - cert or cert_file, and key or key_file, are required ("missing one of
 *    cert or cert_file"); an empty string is as good as absent;
 *  - relative file names are relative to the config file's directory
 *    (TLSConfig.SetDirectory), joined but not cleaned as filepath.Join
 *    would: "dir/./x" stays so;
 *  - client_auth_type takes the five names and the old RequireClientCert
 *    (RequireAnyClientCert); "" is NoClientCert;
 *  - a client CA with NoClientCert is an error ("client CA's have been
 *    configured without a Client Auth Policy");
 *  - min_version TLS12 and max_version TLS13 by default;
 *  - only Content-Security-Policy, Strict-Transport-Security,
 *    X-Content-Type-Options (nosniff), X-Frame-Options (deny, sameorigin)
 *    and X-XSS-Protection may be set, names and values matched exactly
 *    (validateHeaderConfig);
 *  - a string field takes any scalar as written (yaml.v2 turns 1 into
 *    "1"); a boolean is one of yaml.v2's YAML 1.1 spellings, unquoted;
 *  - an unknown user is checked against a dummy hash, and bcrypt runs one
 *    at a time (webHandler.bcryptMtx), so that authentication uses at most
 *    one CPU however many requests come.
 *
 * Where ktcpstat decides otherwise, on purpose:
 *  - the file is read once, by webconfig_load(): exporter-toolkit reads it
 *    again on every request, and the certificate on every handshake, but
 *    a config that turns bad under a running server should not take it
 *    down; the caller loads anew (e.g. on SIGHUP) and keeps the old
 *    config if the new one fails;
 *  - a string field keeps the scalar as written: yaml.v2 would store the
 *    plain YES of a string field as "true";
 *  - tls_server_config present, even empty or with only min_version, needs
 *    a certificate and key: exporter-toolkit then serves plain HTTP
 *    (TLSConfig.IsEnabled), which an admin who wrote the section did not
 *    ask for;
 *  - cert with cert_file (key with key_file, client_ca with
 *    client_ca_file) is an error: exporter-toolkit's docs say not to, and
 *    its code silently takes the file;
 *  - VerifyClientCertIfGiven and RequireAndVerifyClientCert need a client
 *    CA: Go would verify against the system's roots, which would let any
 *    publicly issued certificate in;
 *  - min_version above max_version is an error at load (Go fails every
 *    handshake instead);
 *  - cipher_suites, curve_preferences, client_allowed_sans and rate_limit
 *    are refused, "not supported by ktcpstat": GnuTLS names its ciphers
 *    and groups otherwise, and ignoring a restriction would weaken what
 *    the admin asked for;
 *  - prefer_server_cipher_suites (default true) is GnuTLS's
 *    %SERVER_PRECEDENCE (Go ignores it since 1.17);
 *  - http2 is accepted either way: true is the toolkit's default and only
 *    offers HTTP/2 through ALPN, so a server without it answers HTTP/1.1
 *    to the same clients;
 *  - a blank free-form header is not sent ("Unset if blank" in the docs);
 *    a header value with a control character is an error;
 *  - a user name with ':' is an error: HTTP Basic cannot carry it;
 *  - a hash must be $2a$, $2b$ or $2y$ bcrypt with a cost from 04 to 31,
 *    checked at load rather than at the first request;
 *  - anchors, aliases and tags are refused, and a second document: none
 *    has a use here, and aliases are how small YAML files grow large;
 *  - failures are not cached (exporter-toolkit caches both).
 */
#define _GNU_SOURCE
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <yaml.h>

#include "util.h"
#include "webconfig.h"

#define FILE_MAX	(1024 * 1024)	/* the config file, and each PEM file */
#define USERS_MAX	1024
#define HEADERS_MAX	64
#define CACHE_SLOTS	16		/* successful logins remembered */
#define DIGEST_LEN	32		/* SHA-256 */
#define BCRYPT_LEN	60		/* "$2b$10$" and 53 characters */
#define QUOTED		(4 * 32 + 4)	/* quote()'s output at most */
#define PATH_QUOTED	256		/* bytes of a file name shown */
#define TLS10		0x0301
#define TLS13		0x0304
#define PEM_MARK	"-----BEGIN "

/* A string value as written, and where. */
struct sval {
	char *s;		/* NULL if absent or null */
	size_t line;
};

struct tls_raw {
	int present;
	size_t line;		/* of the tls_server_config key */
	struct sval cert, key, client_ca;
	struct sval cert_file, key_file, client_ca_file;
	struct sval client_auth_type, min_version, max_version;
};

/* A load in progress. */
struct ld {
	yaml_parser_t parser;
	yaml_event_t ev;	/* the current event, if have_ev */
	int have_ev;
	const char *path;
	const char *text;	/* the file, for the line of a reader error */
	size_t len;
	char *err;
	size_t errlen;
	int failed;
	struct webconfig *c;
	struct tls_raw tls;
	size_t key_line;	/* of the key whose value is being read */
	size_t users_cap, headers_cap;
};

struct webconfig_auth {
	pthread_mutex_t lock;		/* slot, used, next */
	unsigned char slot[CACHE_SLOTS][DIGEST_LEN];
	unsigned int used, next;
	pthread_mutex_t bcrypt_lock;	/* cd, runs */
	struct crypt_data cd;
	unsigned long runs;
	char dummy[BCRYPT_LEN + 1];	/* for users who are not configured */
};

typedef int (*key_fn)(struct ld *l, const char *key, size_t line);

static int fail(struct ld *l, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The first error is the one reported. */
static int fail(struct ld *l, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->failed || !l->errlen)
		goto out;
	n = snprintf(l->err, l->errlen, "%s:%zu: ", l->path, line);
	if (n >= 0 && (size_t)n < l->errlen) {
		va_start(ap, fmt);
		vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
out:
	l->failed = 1;
	return -1;
}

static const char *sep(const char *where)
{
	return *where ? ": " : "";
}

static size_t line_of(const yaml_event_t *e)
{
	return e->start_mark.line + 1;
}

static void *ld_calloc(struct ld *l, size_t n, size_t size, size_t line)
{
	void *p = calloc(n, size);

	if (!p)
		fail(l, line, "out of memory");
	return p;
}

/* ------------------------------------------------------------------ */
/* Events */

/* libyaml says the line of its problem, but for a reader error (bad
 * UTF-8, a control character) only the byte offset. */
static int yaml_fail(struct ld *l)
{
	const yaml_parser_t *p = &l->parser;
	size_t line = p->problem_mark.line + 1, i;

	if (p->error == YAML_READER_ERROR) {
		line = 1;
		for (i = 0; i < p->problem_offset && i < l->len; i++)
			line += l->text[i] == '\n';
	}
	if (p->error == YAML_MEMORY_ERROR)
		return fail(l, line, "out of memory");
	return fail(l, line, "%s", p->problem ? p->problem : "YAML error");
}

static int no_anchor_nor_tag(struct ld *l)
{
	const yaml_event_t *e = &l->ev;
	const yaml_char_t *anchor = NULL, *tag = NULL;
	char q[QUOTED];

	switch (e->type) {
	case YAML_ALIAS_EVENT:
		anchor = e->data.alias.anchor;
		quote(q, sizeof(q), (const char *)anchor, strlen((const char *)anchor));
		return fail(l, line_of(e), "aliases are not supported (*%s)", q);
	case YAML_SCALAR_EVENT:
		anchor = e->data.scalar.anchor;
		tag = e->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = e->data.sequence_start.anchor;
		tag = e->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = e->data.mapping_start.anchor;
		tag = e->data.mapping_start.tag;
		break;
	default:
		return 0;
	}
	if (anchor) {
		quote(q, sizeof(q), (const char *)anchor, strlen((const char *)anchor));
		return fail(l, line_of(e), "anchors are not supported (&%s)", q);
	}
	if (tag) {
		quote(q, sizeof(q), (const char *)tag, strlen((const char *)tag));
		return fail(l, line_of(e), "tags are not supported (%s)", q);
	}
	return 0;
}

static int next(struct ld *l)
{
	if (l->have_ev) {
		yaml_event_delete(&l->ev);
		l->have_ev = 0;
	}
	if (!yaml_parser_parse(&l->parser, &l->ev))
		return yaml_fail(l);
	l->have_ev = 1;
	return no_anchor_nor_tag(l);
}

static int is_null(const yaml_event_t *e)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	unsigned int i;

	if (e->type != YAML_SCALAR_EVENT ||
	    e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (!strcmp((const char *)e->data.scalar.value, nulls[i]))
			return 1;
	return 0;
}

static const char *what(const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_SEQUENCE_START_EVENT:
		return "a sequence";
	case YAML_SCALAR_EVENT:
		return is_null(e) ? "null" : "a string";
	default:
		return "nothing";
	}
}

/* On the key's line: a block mapping or sequence starts on the next. */
static int want(struct ld *l, const char *where, const char *wanted)
{
	return fail(l, l->key_line, "%s%swant %s, got %s", where, sep(where),
		    wanted, what(&l->ev));
}

/* A copy of the current scalar; C strings cannot hold a NUL. */
static int scalar_dup(struct ld *l, const char *where, char **out)
{
	const char *v = (const char *)l->ev.data.scalar.value;
	size_t len = l->ev.data.scalar.length;

	if (memchr(v, '\0', len))
		return fail(l, line_of(&l->ev), "%s%scontains a NUL byte", where,
			    sep(where));
	*out = ld_calloc(l, len + 1, 1, line_of(&l->ev));
	if (!*out)
		return -1;
	memcpy(*out, v, len);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Values */

static int str_value(struct ld *l, const char *where, struct sval *v)
{
	if (next(l))
		return -1;
	v->line = line_of(&l->ev);
	if (l->ev.type != YAML_SCALAR_EVENT)
		return want(l, where, "a string");
	if (is_null(&l->ev))
		return 0;
	return scalar_dup(l, where, &v->s);
}

/* yaml.v2's booleans (YAML 1.1), unquoted as it wants them. */
static int bool_value(struct ld *l, const char *where, int *out)
{
	static const char *const yes[] = {
		"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
		"on", "On", "ON",
	};
	static const char *const no[] = {
		"n", "N", "no", "No", "NO", "false", "False", "FALSE",
		"off", "Off", "OFF",
	};
	const char *v;
	char q[QUOTED];
	unsigned int i;

	if (next(l))
		return -1;
	if (l->ev.type != YAML_SCALAR_EVENT || is_null(&l->ev))
		return want(l, where, "a boolean (true or false)");
	v = (const char *)l->ev.data.scalar.value;
	for (i = 0; l->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(v, yes[i]) || !strcmp(v, no[i])) {
			*out = !strcmp(v, yes[i]);
			return 0;
		}
	}
	quote(q, sizeof(q), v, l->ev.data.scalar.length);
	return fail(l, line_of(&l->ev), "%s: want a boolean (true or false), got '%s'",
		    where, q);
}

struct seen {
	char *key;
	size_t line;
};

static int seen_before(struct ld *l, const char *where, struct seen *seen,
		       size_t n, const char *key, size_t line)
{
	char q[QUOTED];
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(seen[i].key, key))
			continue;
		quote(q, sizeof(q), key, strlen(key));
		return fail(l, line, "%s%sduplicate key '%s' (first on line %zu)",
			    where, sep(where), q, seen[i].line);
	}
	return 0;
}

/*
 * The mapping whose start is the current event, key by key: fn reads each
 * key's value.  Every key is kept to find one given twice; the callers
 * bound how many there can be.
 */
static int mapping(struct ld *l, const char *where, key_fn fn)
{
	struct seen *seen = NULL, *more;
	size_t n = 0, cap = 0, i, line;
	int rc = -1;
	char *key;

	for (;;) {
		if (next(l))
			goto out;
		if (l->ev.type == YAML_MAPPING_END_EVENT)
			break;
		line = line_of(&l->ev);
		if (l->ev.type != YAML_SCALAR_EVENT) {
			fail(l, line, "%s%swant a string key, got %s", where,
			     sep(where), what(&l->ev));
			goto out;
		}
		if (memchr(l->ev.data.scalar.value, '\0', l->ev.data.scalar.length)) {
			fail(l, line, "%s%sa key contains a NUL byte", where,
			     sep(where));
			goto out;
		}
		if (scalar_dup(l, where, &key))
			goto out;
		if (seen_before(l, where, seen, n, key, line)) {
			free(key);
			goto out;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			more = reallocarray(seen, cap, sizeof(*seen));
			if (!more) {
				free(key);
				fail(l, line, "out of memory");
				goto out;
			}
			seen = more;
		}
		seen[n].key = key;
		seen[n++].line = line;
		l->key_line = line;
		if (fn(l, key, line))
			goto out;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(seen[i].key);
	free(seen);
	return rc;
}

/* A section: a mapping, or nothing at all (null). */
static int section(struct ld *l, const char *where, key_fn fn)
{
	if (next(l))
		return -1;
	if (is_null(&l->ev))
		return 0;
	if (l->ev.type != YAML_MAPPING_START_EVENT)
		return want(l, where, "a mapping");
	return mapping(l, where, fn);
}

static int unknown(struct ld *l, const char *where, const char *key, size_t line)
{
	char q[QUOTED];

	quote(q, sizeof(q), key, strlen(key));
	return fail(l, line, "%s%sunknown key '%s'", where, sep(where), q);
}

static int unsupported(struct ld *l, const char *where, const char *key,
		       size_t line)
{
	return fail(l, line, "%s%s%s: not supported by ktcpstat", where,
		    *where ? "." : "", key);
}

/* ------------------------------------------------------------------ */
/* tls_server_config */

static const struct {
	const char *name;
	size_t off;		/* of a struct sval in struct tls_raw */
} tls_strings[] = {
	{ "cert", offsetof(struct tls_raw, cert) },
	{ "key", offsetof(struct tls_raw, key) },
	{ "client_ca", offsetof(struct tls_raw, client_ca) },
	{ "cert_file", offsetof(struct tls_raw, cert_file) },
	{ "key_file", offsetof(struct tls_raw, key_file) },
	{ "client_ca_file", offsetof(struct tls_raw, client_ca_file) },
	{ "client_auth_type", offsetof(struct tls_raw, client_auth_type) },
	{ "min_version", offsetof(struct tls_raw, min_version) },
	{ "max_version", offsetof(struct tls_raw, max_version) },
};

/* exporter-toolkit's keys that GnuTLS could not honour as Go does. */
static const char *const tls_unsupported[] = {
	"cipher_suites", "curve_preferences", "client_allowed_sans",
};

static int tls_key(struct ld *l, const char *key, size_t line)
{
	char where[64];
	unsigned int i;

	snprintf(where, sizeof(where), "tls_server_config.%s", key);
	for (i = 0; i < sizeof(tls_strings) / sizeof(tls_strings[0]); i++)
		if (!strcmp(key, tls_strings[i].name))
			return str_value(l, where, (struct sval *)
					 ((char *)&l->tls + tls_strings[i].off));
	if (!strcmp(key, "prefer_server_cipher_suites"))
		return bool_value(l, where, &l->c->prefer_server_cipher_suites);
	for (i = 0; i < sizeof(tls_unsupported) / sizeof(tls_unsupported[0]); i++)
		if (!strcmp(key, tls_unsupported[i]))
			return unsupported(l, "tls_server_config", key, line);
	return unknown(l, "tls_server_config", key, line);
}

/* ------------------------------------------------------------------ */
/* http_server_config */

static const struct {
	const char *name;
	const char *values[3];	/* the only values allowed, if any */
	const char *list;	/* values, for the message */
} header_rules[] = {
	{ "Content-Security-Policy", { NULL }, NULL },
	{ "Strict-Transport-Security", { NULL }, NULL },
	{ "X-Content-Type-Options", { "nosniff", NULL }, "nosniff" },
	{ "X-Frame-Options", { "deny", "sameorigin", NULL }, "deny, sameorigin" },
	{ "X-XSS-Protection", { NULL }, NULL },
};

#define HEADER_NAMES	"Content-Security-Policy, Strict-Transport-Security, " \
			"X-Content-Type-Options, X-Frame-Options, X-XSS-Protection"

static int header_value_ok(struct ld *l, unsigned int rule, const char *v,
			   size_t line)
{
	const char *const *allowed = header_rules[rule].values;
	const char *name = header_rules[rule].name;
	char q[QUOTED];
	const char *s;

	if (*allowed) {
		for (; *allowed; allowed++)
			if (!strcmp(v, *allowed))
				return 0;
		quote(q, sizeof(q), v, strlen(v));
		return fail(l, line, "http_server_config.headers: invalid value for %s: expected one of %s, got '%s'",
			    name, header_rules[rule].list, q);
	}
	/* A line break would end the header and start another. */
	for (s = v; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return fail(l, line, "http_server_config.headers: the value of %s has a control character",
				    name);
	return 0;
}

static int add_header(struct ld *l, unsigned int rule, char *value, size_t line)
{
	struct webconfig *c = l->c;
	struct webconfig_header *more;

	if (c->nheaders == l->headers_cap) {
		l->headers_cap = l->headers_cap ? 2 * l->headers_cap : 4;
		more = reallocarray(c->headers, l->headers_cap, sizeof(*more));
		if (!more)
			return fail(l, line, "out of memory");
		c->headers = more;
	}
	c->headers[c->nheaders].name = strdup(header_rules[rule].name);
	c->headers[c->nheaders].value = value;
	if (!c->headers[c->nheaders].name)
		return fail(l, line, "out of memory");
	c->nheaders++;
	return 0;
}

static int header_key(struct ld *l, const char *key, size_t line)
{
	struct sval v = { NULL, 0 };
	char where[64], q[QUOTED];
	unsigned int i;

	/* Unreachable while names are few and unique; a bound all the same. */
	if (l->c->nheaders == HEADERS_MAX)
		return fail(l, line, "http_server_config.headers: more than %d headers",
			    HEADERS_MAX);
	for (i = 0; i < sizeof(header_rules) / sizeof(header_rules[0]); i++)
		if (!strcmp(key, header_rules[i].name))
			break;
	if (i == sizeof(header_rules) / sizeof(header_rules[0])) {
		quote(q, sizeof(q), key, strlen(key));
		return fail(l, line, "http_server_config.headers: HTTP header '%s' can not be configured (" HEADER_NAMES ")",
			    q);
	}
	snprintf(where, sizeof(where), "http_server_config.headers.%s", key);
	if (str_value(l, where, &v) ||
	    header_value_ok(l, i, v.s ? v.s : "", v.line))
		goto bad;
	if (!v.s || !*v.s) {		/* unset if blank */
		free(v.s);
		return 0;
	}
	if (add_header(l, i, v.s, v.line))
		goto bad;
	return 0;
bad:
	free(v.s);
	return -1;
}

static int http_key(struct ld *l, const char *key, size_t line)
{
	if (!strcmp(key, "http2"))
		return bool_value(l, "http_server_config.http2", &l->c->http2);
	if (!strcmp(key, "headers"))
		return section(l, "http_server_config.headers", header_key);
	return unknown(l, "http_server_config", key, line);
}

/* ------------------------------------------------------------------ */
/* basic_auth_users */

static int bcrypt_alphabet(char ch)
{
	return ch == '.' || ch == '/' || (ch >= '0' && ch <= '9') ||
	       (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

/* The cost of a $2a$, $2b$ or $2y$ bcrypt hash; 0 if h is not one. */
static unsigned int bcrypt_cost(const char *h)
{
	unsigned int cost, i;

	if (strlen(h) != BCRYPT_LEN || strncmp(h, "$2", 2) ||
	    !strchr("aby", h[2]) || h[3] != '$' ||
	    h[4] < '0' || h[4] > '9' || h[5] < '0' || h[5] > '9' || h[6] != '$')
		return 0;
	cost = (unsigned int)(h[4] - '0') * 10 + (unsigned int)(h[5] - '0');
	if (cost < 4 || cost > 31)
		return 0;
	for (i = 7; i < BCRYPT_LEN; i++)
		if (!bcrypt_alphabet(h[i]))
			return 0;
	return cost;
}

static int add_user(struct ld *l, char *name, char *hash, size_t line)
{
	struct webconfig *c = l->c;
	struct webconfig_user *more;

	if (c->nusers == l->users_cap) {
		l->users_cap = l->users_cap ? 2 * l->users_cap : 4;
		more = reallocarray(c->users, l->users_cap, sizeof(*more));
		if (!more)
			return fail(l, line, "out of memory");
		c->users = more;
	}
	c->users[c->nusers].name = name;
	c->users[c->nusers++].hash = hash;
	return 0;
}

static int user_key(struct ld *l, const char *key, size_t line)
{
	struct sval v = { NULL, 0 };
	char where[64 + QUOTED], q[QUOTED];
	char *name;

	if (l->c->nusers == USERS_MAX)
		return fail(l, line, "basic_auth_users: more than %d users",
			    USERS_MAX);
	quote(q, sizeof(q), key, strlen(key));
	if (strchr(key, ':'))
		return fail(l, line, "basic_auth_users: user '%s': a name with ':' cannot log in with HTTP Basic authentication",
			    q);
	snprintf(where, sizeof(where), "basic_auth_users: user '%s'", q);
	if (str_value(l, where, &v))
		goto bad;
	if (!bcrypt_cost(v.s ? v.s : "")) {
		fail(l, v.line, "%s: not a bcrypt hash ($2a$, $2b$ or $2y$, a cost from 04 to 31, '$', 53 characters of ./0-9A-Za-z)",
		     where);
		goto bad;
	}
	name = strdup(key);
	if (!name) {
		fail(l, line, "out of memory");
		goto bad;
	}
	if (add_user(l, name, v.s, line)) {
		free(name);
		goto bad;
	}
	return 0;
bad:
	free(v.s);
	return -1;
}

/* ------------------------------------------------------------------ */
/* The document */

static int top_key(struct ld *l, const char *key, size_t line)
{
	if (!strcmp(key, "tls_server_config")) {
		l->tls.present = 1;
		l->tls.line = line;
		return section(l, key, tls_key);
	}
	if (!strcmp(key, "http_server_config"))
		return section(l, key, http_key);
	if (!strcmp(key, "basic_auth_users"))
		return section(l, key, user_key);
	if (!strcmp(key, "rate_limit"))
		return unsupported(l, "", key, line);
	return unknown(l, "", key, line);
}

/* One document, a mapping or empty; no document at all is empty too. */
static int parse(struct ld *l)
{
	if (next(l) || next(l))		/* the stream's start, and after */
		return -1;
	if (l->ev.type == YAML_STREAM_END_EVENT)
		return 0;
	if (next(l))			/* the document's node */
		return -1;
	if (l->ev.type == YAML_MAPPING_START_EVENT) {
		if (mapping(l, "", top_key))
			return -1;
	} else if (!is_null(&l->ev)) {
		return fail(l, line_of(&l->ev), "want a mapping at the top level, got %s",
			    what(&l->ev));
	}
	if (next(l) || next(l))		/* the document's end, and after */
		return -1;
	if (l->ev.type != YAML_STREAM_END_EVENT)
		return fail(l, line_of(&l->ev), "more than one YAML document");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Files */

enum rd { RD_OK, RD_OPEN, RD_READ, RD_BIG, RD_NOMEM };

/* path's whole contents, NUL-terminated, if at most FILE_MAX bytes. */
static enum rd read_all(const char *path, char **out, size_t *len, int *err)
{
	size_t cap = 64 * 1024, n = 0;
	char *buf = NULL, *more;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*err = errno;
		return RD_OPEN;
	}
	for (;;) {
		if (n == cap || !buf) {
			cap = buf ? 2 * cap : cap;
			more = realloc(buf, cap + 1);
			if (!more)
				goto nomem;
			buf = more;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = errno;
			goto fail;
		}
		if (!r)
			break;
		n += (size_t)r;
		if (n > FILE_MAX) {
			explicit_bzero(buf, n);
			free(buf);
			close(fd);
			return RD_BIG;
		}
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return RD_OK;
nomem:
	*err = ENOMEM;
fail:
	if (buf)
		explicit_bzero(buf, n);
	free(buf);
	close(fd);
	return *err == ENOMEM ? RD_NOMEM : RD_READ;
}

/* A file named in the config: relative to the config's directory. */
static char *resolve(const struct ld *l, const char *file)
{
	const char *slash = strrchr(l->path, '/');
	char *p;

	if (file[0] == '/' || !slash)
		return strdup(file);
	if (asprintf(&p, "%.*s/%s", (int)(slash - l->path), l->path, file) < 0)
		return NULL;
	return p;
}

static int read_pem_file(struct ld *l, const char *where, const struct sval *v,
			 char **path, char **pem, size_t *len)
{
	char q[4 * PATH_QUOTED + 4];
	int err = 0;

	*path = resolve(l, v->s);
	if (!*path)
		return fail(l, v->line, "out of memory");
	quote_max(q, sizeof(q), *path, strlen(*path), PATH_QUOTED);
	switch (read_all(*path, pem, len, &err)) {
	case RD_OK:
		break;
	case RD_OPEN:
		return fail(l, v->line, "%s: cannot open '%s': %s", where, q,
			    strerror(err));
	case RD_READ:
		return fail(l, v->line, "%s: cannot read '%s': %s", where, q,
			    strerror(err));
	case RD_BIG:
		return fail(l, v->line, "%s: '%s' is larger than 1 MiB", where, q);
	case RD_NOMEM:
		return fail(l, v->line, "out of memory");
	}
	if (!memmem(*pem, *len, PEM_MARK, strlen(PEM_MARK)))
		return fail(l, v->line, "%s: '%s' is not PEM (no '" PEM_MARK "')",
			    where, q);
	return 0;
}

/* The PEM inline (name) or in a file (name_file), into pem and path. */
static int load_pem(struct ld *l, const char *name, const struct sval *inl,
		    const struct sval *file, char **path, char **pem,
		    size_t *len)
{
	char where[64];

	if (file->s) {
		snprintf(where, sizeof(where), "tls_server_config.%s_file", name);
		return read_pem_file(l, where, file, path, pem, len);
	}
	if (!inl->s)
		return 0;
	*len = strlen(inl->s);
	if (!strstr(inl->s, PEM_MARK))
		return fail(l, inl->line, "tls_server_config.%s: not PEM (no '" PEM_MARK "')",
			    name);
	*pem = strdup(inl->s);
	return *pem ? 0 : fail(l, inl->line, "out of memory");
}

/* ------------------------------------------------------------------ */
/* Checks across keys, once the file is read */

/* "" is as good as absent, as in Go. */
static void blank_is_absent(struct sval *v)
{
	if (v->s && !*v->s) {
		free(v->s);
		v->s = NULL;
	}
}

static int one_of(struct ld *l, const char *name, const struct sval *inl,
		  const struct sval *file, int required)
{
	const struct tls_raw *t = &l->tls;

	if (inl->s && file->s)
		return fail(l, inl->line > file->line ? inl->line : file->line,
			    "tls_server_config: %s and %s_file exclude each other",
			    name, name);
	if (required && !inl->s && !file->s)
		return fail(l, t->line, "tls_server_config: missing one of %s or %s_file",
			    name, name);
	return 0;
}

static const char *const auth_names[] = {
	[WEBCONFIG_NO_CLIENT_CERT] = "NoClientCert",
	[WEBCONFIG_REQUEST_CLIENT_CERT] = "RequestClientCert",
	[WEBCONFIG_REQUIRE_ANY_CLIENT_CERT] = "RequireAnyClientCert",
	[WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN] = "VerifyClientCertIfGiven",
	[WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT] = "RequireAndVerifyClientCert",
};

static const char *const version_names[] = { "TLS10", "TLS11", "TLS12", "TLS13" };

static int client_auth(struct ld *l)
{
	const struct sval *v = &l->tls.client_auth_type;
	char q[QUOTED];
	unsigned int i;

	if (!v->s || !*v->s)
		return 0;
	/* exporter-toolkit keeps the old name RequireClientCert. */
	if (!strcmp(v->s, "RequireClientCert")) {
		l->c->client_auth = WEBCONFIG_REQUIRE_ANY_CLIENT_CERT;
		return 0;
	}
	for (i = 0; i < sizeof(auth_names) / sizeof(auth_names[0]); i++) {
		if (!strcmp(v->s, auth_names[i])) {
			l->c->client_auth = (enum webconfig_client_auth)i;
			return 0;
		}
	}
	quote(q, sizeof(q), v->s, strlen(v->s));
	return fail(l, v->line, "tls_server_config.client_auth_type: invalid ClientAuth '%s' (NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert)",
		    q);
}

static int version(struct ld *l, const char *name, const struct sval *v,
		   unsigned int *out)
{
	char q[QUOTED];
	unsigned int i;

	if (!v->s)
		return 0;
	for (i = 0; i < sizeof(version_names) / sizeof(version_names[0]); i++) {
		if (!strcmp(v->s, version_names[i])) {
			*out = TLS10 + i;
			return 0;
		}
	}
	quote(q, sizeof(q), v->s, strlen(v->s));
	return fail(l, v->line, "tls_server_config.%s: unknown TLS version '%s' (TLS10, TLS11, TLS12, TLS13)",
		    name, q);
}

static int versions(struct ld *l)
{
	struct tls_raw *t = &l->tls;
	struct webconfig *c = l->c;

	if (version(l, "min_version", &t->min_version, &c->min_version) ||
	    version(l, "max_version", &t->max_version, &c->max_version))
		return -1;
	if (c->min_version > c->max_version)
		return fail(l, t->max_version.s ? t->max_version.line : t->min_version.line,
			    "tls_server_config: min_version %s is above max_version %s",
			    webconfig_version_name(c->min_version),
			    webconfig_version_name(c->max_version));
	return 0;
}

static int client_ca_rules(struct ld *l)
{
	const struct tls_raw *t = &l->tls;
	const struct sval *ca = t->client_ca_file.s ? &t->client_ca_file : &t->client_ca;
	enum webconfig_client_auth a = l->c->client_auth;

	if (ca->s && a == WEBCONFIG_NO_CLIENT_CERT)
		return fail(l, ca->line, "tls_server_config: client CA's have been configured without a Client Auth Policy (client_auth_type is NoClientCert)");
	if (!ca->s && (a == WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN ||
		       a == WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT))
		return fail(l, t->client_auth_type.line,
			    "tls_server_config: client_auth_type %s needs client_ca_file or client_ca",
			    auth_names[a]);
	return 0;
}

static int finish_tls(struct ld *l)
{
	struct tls_raw *t = &l->tls;
	struct webconfig *c = l->c;

	blank_is_absent(&t->cert);
	blank_is_absent(&t->key);
	blank_is_absent(&t->client_ca);
	blank_is_absent(&t->cert_file);
	blank_is_absent(&t->key_file);
	blank_is_absent(&t->client_ca_file);
	if (versions(l))
		return -1;
	if (!t->present)
		return 0;
	if (one_of(l, "cert", &t->cert, &t->cert_file, 1) ||
	    one_of(l, "key", &t->key, &t->key_file, 1) ||
	    one_of(l, "client_ca", &t->client_ca, &t->client_ca_file, 0) ||
	    client_auth(l) || client_ca_rules(l))
		return -1;
	if (load_pem(l, "cert", &t->cert, &t->cert_file, &c->cert_file,
		     &c->cert_pem, &c->cert_len) ||
	    load_pem(l, "key", &t->key, &t->key_file, &c->key_file,
		     &c->key_pem, &c->key_len) ||
	    load_pem(l, "client_ca", &t->client_ca, &t->client_ca_file,
		     &c->client_ca_file, &c->ca_pem, &c->ca_len))
		return -1;
	c->tls = 1;
	return 0;
}

/*
 * Unknown users are checked against a hash of the highest cost configured,
 * so that they take as long as a wrong password (as long as the costs
 * agree, which they do when one tool made them).
 */
static int finish_auth(struct ld *l)
{
	struct webconfig *c = l->c;
	unsigned int cost = 4, i;

	c->auth = ld_calloc(l, 1, sizeof(*c->auth), 1);
	if (!c->auth)
		return -1;
	pthread_mutex_init(&c->auth->lock, NULL);
	pthread_mutex_init(&c->auth->bcrypt_lock, NULL);
	for (i = 0; i < c->nusers; i++)
		if (bcrypt_cost(c->users[i].hash) > cost)
			cost = bcrypt_cost(c->users[i].hash);
	/* "$2b$CC$" and 53 '.': a zero salt, and a hash nothing gives. */
	memset(c->auth->dummy, '.', BCRYPT_LEN);
	memcpy(c->auth->dummy, "$2b$", 4);
	c->auth->dummy[4] = (char)('0' + cost / 10);
	c->auth->dummy[5] = (char)('0' + cost % 10);
	c->auth->dummy[6] = '$';
	c->auth->dummy[BCRYPT_LEN] = '\0';
	return 0;
}

static void free_sval(struct sval *v)
{
	if (v->s) {
		explicit_bzero(v->s, strlen(v->s));
		free(v->s);
	}
}

static void free_raw(struct tls_raw *t)
{
	free_sval(&t->cert);
	free_sval(&t->key);
	free_sval(&t->client_ca);
	free_sval(&t->cert_file);
	free_sval(&t->key_file);
	free_sval(&t->client_ca_file);
	free_sval(&t->client_auth_type);
	free_sval(&t->min_version);
	free_sval(&t->max_version);
}

static int load_text(struct ld *l, char **text, size_t *len)
{
	int err = 0;

	switch (read_all(l->path, text, len, &err)) {
	case RD_OK:
		return 0;
	case RD_OPEN:
		return fail(l, 1, "cannot open: %s", strerror(err));
	case RD_READ:
		return fail(l, 1, "cannot read: %s", strerror(err));
	case RD_BIG:
		return fail(l, 1, "larger than 1 MiB");
	case RD_NOMEM:
		break;
	}
	return fail(l, 1, "out of memory");
}

static struct webconfig *defaults(struct ld *l, const char *path)
{
	struct webconfig *c = ld_calloc(l, 1, sizeof(*c), 1);

	if (!c)
		return NULL;
	c->path = strdup(path);
	if (!c->path) {
		free(c);
		fail(l, 1, "out of memory");
		return NULL;
	}
	c->client_auth = WEBCONFIG_NO_CLIENT_CERT;
	c->min_version = 0x0303;
	c->max_version = TLS13;
	c->prefer_server_cipher_suites = 1;
	c->http2 = 1;
	return c;
}

int webconfig_load(const char *path, struct webconfig **out, char *err,
		   size_t errlen)
{
	struct ld l = { .path = path, .err = err, .errlen = errlen };
	char *text = NULL;
	size_t len = 0;
	int rc = -1;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (load_text(&l, &text, &len))
		return -1;
	l.text = text;
	l.len = len;
	l.c = defaults(&l, path);
	if (l.c && yaml_parser_initialize(&l.parser)) {
		yaml_parser_set_input_string(&l.parser, (const unsigned char *)text, len);
		rc = parse(&l) || finish_tls(&l) || finish_auth(&l) ? -1 : 0;
		if (l.have_ev)
			yaml_event_delete(&l.ev);
		yaml_parser_delete(&l.parser);
	} else if (l.c) {
		fail(&l, 1, "out of memory");
	}
	free_raw(&l.tls);
	explicit_bzero(text, len);	/* an inline key */
	free(text);
	if (rc) {
		webconfig_free(l.c);
		return -1;
	}
	*out = l.c;
	return 0;
}

void webconfig_free(struct webconfig *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nusers; i++) {
		free(c->users[i].name);
		free(c->users[i].hash);
	}
	for (i = 0; i < c->nheaders; i++) {
		free(c->headers[i].name);
		free(c->headers[i].value);
	}
	free(c->users);
	free(c->headers);
	if (c->key_pem)
		explicit_bzero(c->key_pem, c->key_len);
	free(c->key_pem);
	free(c->cert_pem);
	free(c->ca_pem);
	free(c->cert_file);
	free(c->key_file);
	free(c->client_ca_file);
	free(c->path);
	if (c->auth) {
		pthread_mutex_destroy(&c->auth->lock);
		pthread_mutex_destroy(&c->auth->bcrypt_lock);
		explicit_bzero(c->auth, sizeof(*c->auth));
		free(c->auth);
	}
	free(c);
}

const char *webconfig_version_name(unsigned int v)
{
	return v >= TLS10 && v <= TLS13 ? version_names[v - TLS10] : NULL;
}

const char *webconfig_client_auth_name(enum webconfig_client_auth a)
{
	return (unsigned int)a < sizeof(auth_names) / sizeof(auth_names[0]) ?
	       auth_names[a] : NULL;
}

static int append(char *buf, size_t size, size_t *o, const char *s)
{
	size_t n = strlen(s);

	if (*o + n >= size)
		return -1;
	memcpy(buf + *o, s, n + 1);
	*o += n;
	return 0;
}

int webconfig_tls_priorities(const struct webconfig *c, char *buf, size_t size)
{
	static const char *const vers[] = {
		":+VERS-TLS1.0", ":+VERS-TLS1.1", ":+VERS-TLS1.2", ":+VERS-TLS1.3",
	};
	size_t o = 0;
	unsigned int v;

	if (!size)
		return -1;
	buf[0] = '\0';
	if (c->min_version < TLS10 || c->max_version > TLS13 ||
	    c->min_version > c->max_version)
		return -1;
	if (append(buf, size, &o, "NORMAL:-VERS-ALL"))
		return -1;
	/* Highest first: GnuTLS offers them in this order. */
	for (v = c->max_version; v >= c->min_version; v--)
		if (append(buf, size, &o, vers[v - TLS10]))
			return -1;
	if (c->prefer_server_cipher_suites &&
	    append(buf, size, &o, ":%SERVER_PRECEDENCE"))
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* HTTP Basic */

static int b64_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/*
 * Standard base64 with its padding, as Go's base64.StdEncoding wants it
 * (Request.BasicAuth); NULL if s is not that.  The result is
 * NUL-terminated, its length in *len.
 */
static char *b64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), i, o = 0;
	unsigned int j, pad, bits;
	char *out;
	int v;

	if (n % 4)
		return NULL;
	out = malloc(n / 4 * 3 + 1);
	if (!out)
		return NULL;
	for (i = 0; i < n; i += 4) {
		for (j = 0, pad = 0, bits = 0; j < 4; j++) {
			if (s[i + j] == '=' && i + 4 == n && j >= 2) {
				pad++;
				bits <<= 6;
				continue;
			}
			v = b64_value((unsigned char)s[i + j]);
			if (v < 0 || pad)
				goto bad;
			bits = bits << 6 | (unsigned int)v;
		}
		out[o++] = (char)(bits >> 16 & 0xff);
		if (pad < 2)
			out[o++] = (char)(bits >> 8 & 0xff);
		if (pad < 1)
			out[o++] = (char)(bits & 0xff);
	}
	out[o] = '\0';
	*len = o;
	return out;
bad:
	explicit_bzero(out, o);
	free(out);
	return NULL;
}

/* a[0..n) == b[0..n), in time that depends on n only. */
static int ct_equal(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	unsigned int diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= (unsigned int)(x[i] ^ y[i]);
	return diff == 0;
}

/*
 * The configured name equal to name[0..len), or SIZE_MAX: every name is
 * compared over the whole of len, with no early exit, and every user is
 * looked at, so that the time says nothing of how close a guess came.
 */
static size_t find_user(const struct webconfig *c, const char *name, size_t len)
{
	size_t found = SIZE_MAX, i, k, ulen, mask;
	unsigned int diff;

	for (i = 0; i < c->nusers; i++) {
		const char *u = c->users[i].name;

		ulen = strlen(u);
		diff = ulen != len;
		for (k = 0; k < len; k++)	/* u[ulen] is its NUL */
			diff |= (unsigned int)(u[k < ulen ? k : ulen] ^ name[k]);
		mask = (size_t)0 - (size_t)(diff == 0);
		found = (i & mask) | (found & ~mask);
	}
	return found;
}

static int cache_has(struct webconfig_auth *a, const unsigned char *digest)
{
	unsigned int i;
	int hit = 0;

	pthread_mutex_lock(&a->lock);
	for (i = 0; i < a->used; i++)
		hit |= ct_equal(a->slot[i], digest, DIGEST_LEN);
	pthread_mutex_unlock(&a->lock);
	return hit;
}

/* The oldest entry makes room. */
static void cache_add(struct webconfig_auth *a, const unsigned char *digest)
{
	unsigned int i;

	pthread_mutex_lock(&a->lock);
	for (i = 0; i < a->used; i++)
		if (ct_equal(a->slot[i], digest, DIGEST_LEN))
			goto out;	/* another thread was quicker */
	memcpy(a->slot[a->next], digest, DIGEST_LEN);
	a->next = (a->next + 1) % CACHE_SLOTS;
	if (a->used < CACHE_SLOTS)
		a->used++;
out:
	pthread_mutex_unlock(&a->lock);
}

/* One bcrypt at a time: authentication never takes more than a CPU. */
static int bcrypt_matches(struct webconfig_auth *a, const char *password,
			  const char *hash)
{
	const char *r;
	int ok;

	pthread_mutex_lock(&a->bcrypt_lock);
	a->runs++;
	r = crypt_rn(password, hash, &a->cd, (int)sizeof(a->cd));
	ok = r && strlen(r) == BCRYPT_LEN && ct_equal(r, hash, BCRYPT_LEN);
	explicit_bzero(&a->cd, sizeof(a->cd));
	pthread_mutex_unlock(&a->bcrypt_lock);
	return ok;
}

/*
 * The cache is keyed by SHA-256 of "user:password" as sent: the name
 * cannot hold a ':', so the pair is unambiguous, and the config never
 * changes once loaded, so a pair that matched once matches for good.
 */
int webconfig_check_basic(struct webconfig *c, const char *authorization)
{
	unsigned char digest[DIGEST_LEN];
	int ok = 0, hashed;
	char *pair, *colon;
	size_t n, user;

	if (!c->nusers)
		return 1;
	/* Go's Request.BasicAuth: the scheme in any case, one space. */
	if (!authorization || strncasecmp(authorization, "Basic ", 6))
		return 0;
	pair = b64_decode(authorization + 6, &n);
	if (!pair)
		return 0;
	colon = memchr(pair, ':', n);
	if (!colon || memchr(pair, '\0', n))
		goto out;
	hashed = !gnutls_hash_fast(GNUTLS_DIG_SHA256, pair, n, digest);
	if (hashed && cache_has(c->auth, digest)) {
		ok = 1;
		goto out;
	}
	*colon = '\0';
	user = find_user(c, pair, (size_t)(colon - pair));
	ok = bcrypt_matches(c->auth, colon + 1, user < c->nusers ?
			    c->users[user].hash : c->auth->dummy) &&
	     user < c->nusers;
	if (ok && hashed)
		cache_add(c->auth, digest);
out:
	explicit_bzero(digest, sizeof(digest));
	explicit_bzero(pair, n);
	free(pair);
	return ok;
}

unsigned long webconfig_bcrypt_runs(struct webconfig *c)
{
	unsigned long runs;

	if (!c->auth)
		return 0;
	pthread_mutex_lock(&c->auth->bcrypt_lock);
	runs = c->auth->runs;
	pthread_mutex_unlock(&c->auth->bcrypt_lock);
	return runs;
}
