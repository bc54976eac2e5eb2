// SPDX-License-Identifier: GPL-2.0
/*
 * STUB -- TO BE REPLACED AT MERGE by the web configuration parser of the
 * branch `webconfig`, which implements webconfig.h in full.
 *
 * This stub exists only so that the branch `exporter` builds and its HTTP
 * layer can be tested.  It reads a small line-based subset of
 * exporter-toolkit's web configuration file: the keys below, each on its
 * own line, indented by spaces, values unquoted or simply quoted; no
 * flow syntax, anchors, multi-line values or escapes.
 *
 *	tls_server_config:
 *	  cert_file: FILE		(relative to the configuration's directory)
 *	  key_file: FILE
 *	  client_ca_file: FILE
 *	  client_auth_type: NoClientCert | RequestClientCert | ...
 *	  min_version: TLS10 .. TLS13	(default TLS12)
 *	  max_version: TLS10 .. TLS13	(default TLS13)
 *	http_server_config:
 *	  headers:
 *	    NAME: VALUE
 *	basic_auth_users:
 *	  NAME: BCRYPT-HASH
 *
 * Passwords are checked with crypt_r(3) (libxcrypt knows bcrypt).
 */
#define _GNU_SOURCE
#include <crypt.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webconfig.h"

#define LINE_MAX_LEN	4096

struct parse {
	struct webconfig *c;
	const char *path;
	char *dir;		/* the configuration's directory, with '/' */
	unsigned int line;
	const char *section;	/* the top-level key */
	int in_headers;
	char *err;
	size_t errlen;
};

static int fail(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parse *p, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u: %s", p->path, p->line, msg);
	return -1;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t size = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		char *nb;

		if (*len + 4096 + 1 > size) {
			size = size ? size * 2 : 8192;
			nb = realloc(buf, size);
			if (!nb)
				break;
			buf = nb;
		}
		n = fread(buf + *len, 1, size - *len - 1, f);
		*len += n;
		if (n == 0) {
			fclose(f);
			buf[*len] = '\0';
			return buf;
		}
	}
	fclose(f);
	free(buf);
	return NULL;
}

static char *resolve(struct parse *p, const char *file)
{
	char *s;

	if (file[0] == '/' || !p->dir)
		return strdup(file);
	if (asprintf(&s, "%s%s", p->dir, file) < 0)
		return NULL;
	return s;
}

static int load_pem(struct parse *p, const char *file, char **path,
		    char **pem, size_t *len)
{
	free(*path);
	free(*pem);
	*pem = NULL;
	*path = resolve(p, file);
	if (!*path)
		return fail(p, "out of memory");
	*pem = read_file(*path, len);
	if (!*pem)
		return fail(p, "%s: %s", *path, strerror(errno ? errno : EIO));
	return 0;
}

static int tls_version(struct parse *p, const char *v, unsigned int *out)
{
	static const char *const names[] = { "TLS10", "TLS11", "TLS12", "TLS13" };
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(v, names[i])) {
			*out = 0x0301 + i;
			return 0;
		}
	return fail(p, "unknown TLS version '%s'", v);
}

static int client_auth(struct parse *p, const char *v)
{
	static const char *const names[] = {
		"NoClientCert", "RequestClientCert", "RequireAnyClientCert",
		"VerifyClientCertIfGiven", "RequireAndVerifyClientCert",
	};
	unsigned int i;

	for (i = 0; i < 5; i++)
		if (!strcmp(v, names[i])) {
			p->c->client_auth = (enum webconfig_client_auth)i;
			return 0;
		}
	return fail(p, "unknown client_auth_type '%s'", v);
}

static int tls_key(struct parse *p, const char *k, const char *v)
{
	struct webconfig *c = p->c;

	if (!strcmp(k, "cert_file"))
		return load_pem(p, v, &c->cert_file, &c->cert_pem, &c->cert_len);
	if (!strcmp(k, "key_file"))
		return load_pem(p, v, &c->key_file, &c->key_pem, &c->key_len);
	if (!strcmp(k, "client_ca_file"))
		return load_pem(p, v, &c->client_ca_file, &c->ca_pem, &c->ca_len);
	if (!strcmp(k, "client_auth_type"))
		return client_auth(p, v);
	if (!strcmp(k, "min_version"))
		return tls_version(p, v, &c->min_version);
	if (!strcmp(k, "max_version"))
		return tls_version(p, v, &c->max_version);
	return fail(p, "unknown key '%s' in tls_server_config", k);
}

static int add_pair(struct parse *p, const char *k, const char *v, int user)
{
	struct webconfig *c = p->c;
	size_t n = user ? c->nusers : c->nheaders;
	size_t size = user ? sizeof(*c->users) : sizeof(*c->headers);
	void *arr = realloc(user ? (void *)c->users : (void *)c->headers,
			    (n + 1) * size);
	char *name = strdup(k), *value = strdup(v);

	if (!arr || !name || !value) {
		free(name);
		free(value);
		if (arr && user)
			c->users = arr;
		else if (arr)
			c->headers = arr;
		return fail(p, "out of memory");
	}
	if (user) {
		c->users = arr;
		c->users[c->nusers++] = (struct webconfig_user){ name, value };
	} else {
		c->headers = arr;
		c->headers[c->nheaders++] = (struct webconfig_header){ name, value };
	}
	return 0;
}

static void unquote(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		memmove(v, v + 1, n - 2);
		v[n - 2] = '\0';
	}
}

static int parse_line(struct parse *p, char *s)
{
	size_t indent = strspn(s, " ");
	char *k = s + indent, *v, *colon;

	s[strcspn(s, "\r\n")] = '\0';
	if (!*k || *k == '#')
		return 0;
	colon = strstr(k, ": ");
	if (!colon && k[strlen(k) - 1] == ':')
		colon = k + strlen(k) - 1;
	if (!colon)
		return fail(p, "expected KEY: VALUE");
	*colon = '\0';
	v = colon[1] ? colon + 2 : colon + 1;
	v += strspn(v, " ");
	if (strstr(v, " #"))
		*strstr(v, " #") = '\0';
	while (*v && v[strlen(v) - 1] == ' ')
		v[strlen(v) - 1] = '\0';
	unquote(v);
	if (!indent) {
		static const char *const sections[] = {
			"tls_server_config", "http_server_config",
			"basic_auth_users",
		};
		unsigned int i;

		p->section = NULL;
		p->in_headers = 0;
		for (i = 0; i < 3 && !*v; i++)
			if (!strcmp(k, sections[i]))
				p->section = sections[i];
		return p->section ? 0 : fail(p, "unknown section '%s'", k);
	}
	if (!p->section)
		return fail(p, "'%s' outside any section", k);
	if (!strcmp(p->section, "tls_server_config"))
		return tls_key(p, k, v);
	if (!strcmp(p->section, "basic_auth_users"))
		return add_pair(p, k, v, 1);
	if (!strcmp(p->section, "http_server_config") && !strcmp(k, "headers") && !*v) {
		p->in_headers = 1;
		return 0;
	}
	if (!strcmp(p->section, "http_server_config") && p->in_headers)
		return add_pair(p, k, v, 0);
	return fail(p, "unexpected key '%s'", k);
}

static int check(struct parse *p)
{
	struct webconfig *c = p->c;

	if (!c->cert_file != !c->key_file)
		return fail(p, "tls_server_config needs both cert_file and key_file");
	c->tls = !!c->cert_file;
	if (!c->min_version)
		c->min_version = 0x0303;
	if (!c->max_version)
		c->max_version = 0x0304;
	if (c->min_version > c->max_version)
		return fail(p, "min_version is above max_version");
	if (c->client_auth >= WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN && !c->ca_pem)
		return fail(p, "client_auth_type needs client_ca_file");
	return 0;
}

int webconfig_load(const char *path, struct webconfig **out, char *err,
		   size_t errlen)
{
	struct parse p = { .path = path, .err = err, .errlen = errlen };
	char line[LINE_MAX_LEN];
	const char *slash = strrchr(path, '/');
	FILE *f;
	int ret = 0;

	*out = NULL;
	p.c = calloc(1, sizeof(*p.c));
	if (!p.c || !(p.c->path = strdup(path))) {
		free(p.c);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (slash)
		p.dir = strndup(path, (size_t)(slash - path + 1));
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s:0: cannot open: %s", path, strerror(errno));
		ret = -1;
	}
	while (!ret && fgets(line, sizeof(line), f)) {
		p.line++;
		ret = parse_line(&p, line);
	}
	if (f)
		fclose(f);
	if (!ret)
		ret = check(&p);
	free(p.dir);
	if (ret) {
		webconfig_free(p.c);
		return -1;
	}
	*out = p.c;
	return 0;
}

void webconfig_free(struct webconfig *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nheaders; i++) {
		free(c->headers[i].name);
		free(c->headers[i].value);
	}
	for (i = 0; i < c->nusers; i++) {
		free(c->users[i].name);
		free(c->users[i].hash);
	}
	free(c->headers);
	free(c->users);
	free(c->path);
	free(c->cert_file);
	free(c->key_file);
	free(c->client_ca_file);
	free(c->cert_pem);
	free(c->key_pem);
	free(c->ca_pem);
	free(c);
}

int webconfig_tls_priorities(const struct webconfig *c, char *buf, size_t size)
{
	static const char *const vers[] = { "1.0", "1.1", "1.2", "1.3" };
	size_t len;
	unsigned int v;
	int n;

	n = snprintf(buf, size, "NORMAL:-VERS-ALL");
	for (v = c->max_version; n > 0 && v >= c->min_version && v >= 0x0301; v--) {
		len = strlen(buf);
		n = snprintf(buf + len, size - len, ":+VERS-TLS%s", vers[v - 0x0301]);
	}
	return n > 0 && strlen(buf) < size - 1 ? 0 : -1;
}

static int b64(int ch)
{
	const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = ch ? strchr(a, ch) : NULL;

	return p ? (int)(p - a) : -1;
}

/* Base64 s into out (size bytes at least strlen(s)); -1 if malformed. */
static int b64_decode(const char *s, char *out)
{
	unsigned int acc = 0, bits = 0;
	size_t n = 0;
	int v;

	for (; *s && *s != '='; s++) {
		v = b64(*s);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[n] = '\0';
	return 0;
}

int webconfig_check_basic(struct webconfig *c, const char *authorization)
{
	struct crypt_data *cd;
	char *plain, *pass;
	const char *hash;
	size_t i;
	int ok = 0;

	if (!c->nusers)
		return 1;
	if (!authorization || strncasecmp(authorization, "Basic ", 6))
		return 0;
	plain = malloc(strlen(authorization));
	cd = calloc(1, sizeof(*cd));
	if (plain && cd && !b64_decode(authorization + 6, plain) &&
	    (pass = strchr(plain, ':'))) {
		*pass++ = '\0';
		for (i = 0; i < c->nusers && !ok; i++) {
			if (strcmp(c->users[i].name, plain))
				continue;
			hash = crypt_r(pass, c->users[i].hash, cd);
			ok = hash && !strcmp(hash, c->users[i].hash);
		}
	}
	free(cd);
	free(plain);
	return ok;
}
