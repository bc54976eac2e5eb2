/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The web configuration file of Prometheus exporters (--web.config.file, as
 * prometheus/exporter-toolkit reads it): TLS, extra response headers and
 * HTTP Basic users, loaded and checked once.  webconfig.c says where and
 * why ktcpstat differs from exporter-toolkit.
 */
#ifndef TCPSTAT_WEBCONFIG_H
#define TCPSTAT_WEBCONFIG_H

#include <stddef.h>

enum webconfig_client_auth {
	WEBCONFIG_NO_CLIENT_CERT,		/* "NoClientCert" (default) */
	WEBCONFIG_REQUEST_CLIENT_CERT,		/* "RequestClientCert" */
	WEBCONFIG_REQUIRE_ANY_CLIENT_CERT,	/* "RequireAnyClientCert" */
	WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN,	/* "VerifyClientCertIfGiven" */
	WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT,/* "RequireAndVerifyClientCert" */
};

struct webconfig_header { char *name; char *value; };
struct webconfig_user { char *name; char *hash; };	/* bcrypt */

/* The password cache and locks of webconfig_check_basic(). */
struct webconfig_auth;

struct webconfig {
	char *path;			/* the file it was loaded from */
	int tls;			/* tls_server_config with cert and key */
	/*
	 * Resolved paths; NULL when not given, or when the PEM is inline
	 * (cert, key, client_ca).
	 */
	char *cert_file, *key_file, *client_ca_file;
	/* The PEM, NUL-terminated, read at load; NULL when not given. */
	char *cert_pem, *key_pem, *ca_pem;
	size_t cert_len, key_len, ca_len;
	enum webconfig_client_auth client_auth;
	unsigned int min_version, max_version;	/* 0x0301 TLS1.0 .. 0x0304 TLS1.3 */
	struct webconfig_header *headers; size_t nheaders;
	struct webconfig_user *users; size_t nusers;
	/* Added to the agreed API. */
	int prefer_server_cipher_suites;	/* default 1: %SERVER_PRECEDENCE */
	int http2;			/* as written (default 1); HTTP/1.1 is served */
	struct webconfig_auth *auth;	/* private to webconfig.c */
};

/* Load and validate FILE: 0 with *out set, or -1 with err = "FILE:LINE: problem" (one line, no trailing newline). */
int webconfig_load(const char *path, struct webconfig **out, char *err, size_t errlen);
void webconfig_free(struct webconfig *c);

/* A GnuTLS priority string for min/max_version (e.g. "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"), into buf; -1 if too small. */
int webconfig_tls_priorities(const struct webconfig *c, char *buf, size_t size);

/*
 * HTTP Basic authorization: 1 if no users are configured, or the
 * Authorization header value (may be NULL) names a configured user whose
 * bcrypt hash matches the password; else 0.  Thread-safe.  Successes are
 * cached per config; failures are not.
 */
int webconfig_check_basic(struct webconfig *c, const char *authorization);

/* Added to the agreed API. */

/* The file's spelling of a version (0x0303: "TLS12") or auth type; NULL if none. */
const char *webconfig_version_name(unsigned int version);
const char *webconfig_client_auth_name(enum webconfig_client_auth a);

/* How many bcrypt computations webconfig_check_basic() made on c. */
unsigned long webconfig_bcrypt_runs(struct webconfig *c);

#endif /* TCPSTAT_WEBCONFIG_H */
