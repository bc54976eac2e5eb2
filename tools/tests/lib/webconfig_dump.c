// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver of src/webconfig.c (tests/run.d/webconfig.sh).
 *
 *   webconfig_dump FILE
 *	the loaded config, one "key=value" line per field; or the error
 *	line on stderr and exit status 2
 *   webconfig_dump --check FILE [AUTHORIZATION...]
 *	"allowed" or "denied" for each header value, in one loaded config
 *	(so the later ones may hit the cache); none at all checks a request
 *	without the header.  Exit 0 if all were allowed, else 1
 *   webconfig_dump --runs FILE AUTHORIZATION...
 *	--check, then "bcrypt_runs=N"
 *   webconfig_dump --threads FILE BAD GOOD...
 *	8 threads checking each GOOD (must be allowed), then BAD (denied),
 *	twice over, all at once; "ok" or what went wrong.  More GOODs than
 *	the cache holds make every check run bcrypt
 *   webconfig_dump --gnutls FILE
 *	hands the certificate, key, CA and priorities to GnuTLS as the
 *	server will; "gnutls: ok"
 *   webconfig_dump --bcrypt PREFIX COST PASSWORD
 *	a bcrypt hash made by libxcrypt, not by the code under test
 */
#define _GNU_SOURCE
#include <crypt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "webconfig.h"

#define THREADS		8
#define ROUNDS		2

static void put_escaped(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\\')
			fputs("\\\\", stdout);
		else if (c >= 0x20 && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
}

static void field(const char *key, const char *s, size_t len)
{
	printf("%s=", key);
	if (s)
		put_escaped(s, len);
	putchar('\n');
}

static void string(const char *key, const char *s)
{
	field(key, s, s ? strlen(s) : 0);
}

static int dump(struct webconfig *c)
{
	char prio[256];
	size_t i;

	string("path", c->path);
	printf("tls=%d\n", c->tls);
	string("cert_file", c->cert_file);
	string("key_file", c->key_file);
	string("client_ca_file", c->client_ca_file);
	field("cert_pem", c->cert_pem, c->cert_len);
	field("key_pem", c->key_pem, c->key_len);
	field("ca_pem", c->ca_pem, c->ca_len);
	printf("client_auth=%s\n", webconfig_client_auth_name(c->client_auth));
	printf("min_version=%s\n", webconfig_version_name(c->min_version));
	printf("max_version=%s\n", webconfig_version_name(c->max_version));
	printf("prefer_server_cipher_suites=%d\n", c->prefer_server_cipher_suites);
	if (webconfig_tls_priorities(c, prio, sizeof(prio))) {
		fprintf(stderr, "webconfig_tls_priorities failed\n");
		return 1;
	}
	printf("priorities=%s\n", prio);
	printf("http2=%d\n", c->http2);
	printf("headers=%zu\n", c->nheaders);
	for (i = 0; i < c->nheaders; i++) {
		printf("header=");
		put_escaped(c->headers[i].name, strlen(c->headers[i].name));
		printf(": ");
		put_escaped(c->headers[i].value, strlen(c->headers[i].value));
		putchar('\n');
	}
	printf("users=%zu\n", c->nusers);
	for (i = 0; i < c->nusers; i++) {
		printf("user=");
		put_escaped(c->users[i].name, strlen(c->users[i].name));
		printf(" %s\n", c->users[i].hash);
	}
	return 0;
}

static int check(struct webconfig *c, char **auth, int n, int runs)
{
	int i, all = 1, ok;

	if (!n) {
		ok = webconfig_check_basic(c, NULL);
		puts(ok ? "allowed" : "denied");
		all = ok;
	}
	for (i = 0; i < n; i++) {
		ok = webconfig_check_basic(c, auth[i]);
		puts(ok ? "allowed" : "denied");
		all &= ok;
	}
	if (runs)
		printf("bcrypt_runs=%lu\n", webconfig_bcrypt_runs(c));
	return all ? 0 : 1;
}

struct hammer {
	struct webconfig *c;
	char **good;
	int ngood;
	const char *bad;
	int wrong, checks;
};

static void *hammer(void *arg)
{
	struct hammer *h = arg;
	int i, g;

	for (i = 0; i < ROUNDS; i++) {
		for (g = 0; g < h->ngood; g++, h->checks++)
			if (webconfig_check_basic(h->c, h->good[g]) != 1)
				h->wrong++;
		if (webconfig_check_basic(h->c, h->bad) != 0)
			h->wrong++;
		h->checks++;
	}
	return NULL;
}

static int threads(struct webconfig *c, const char *bad, char **good, int ngood)
{
	struct hammer h[THREADS];
	int i, wrong = 0, checks = 0;
	pthread_t t[THREADS];

	for (i = 0; i < THREADS; i++) {
		h[i] = (struct hammer){ c, good, ngood, bad, 0, 0 };
		if (pthread_create(&t[i], NULL, hammer, &h[i])) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		wrong += h[i].wrong;
		checks += h[i].checks;
	}
	if (wrong) {
		printf("%d wrong answers of %d\n", wrong, checks);
		return 1;
	}
	puts("ok");
	return 0;
}

static int gnutls(struct webconfig *c)
{
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	gnutls_datum_t cert, key, ca;
	const char *where = NULL;
	char prios[256];
	int rc;

	if (!c->tls) {
		fprintf(stderr, "no TLS configured\n");
		return 1;
	}
	cert = (gnutls_datum_t){ (unsigned char *)c->cert_pem, (unsigned int)c->cert_len };
	key = (gnutls_datum_t){ (unsigned char *)c->key_pem, (unsigned int)c->key_len };
	ca = (gnutls_datum_t){ (unsigned char *)c->ca_pem, (unsigned int)c->ca_len };
	if (gnutls_certificate_allocate_credentials(&cred))
		return 1;
	rc = gnutls_certificate_set_x509_key_mem(cred, &cert, &key, GNUTLS_X509_FMT_PEM);
	if (!rc && c->ca_pem) {
		rc = gnutls_certificate_set_x509_trust_mem(cred, &ca, GNUTLS_X509_FMT_PEM);
		rc = rc > 0 ? 0 : rc ? rc : GNUTLS_E_NO_CERTIFICATE_FOUND;
	}
	gnutls_certificate_free_credentials(cred);
	if (rc) {
		fprintf(stderr, "gnutls: %s\n", gnutls_strerror(rc));
		return 1;
	}
	if (webconfig_tls_priorities(c, prios, sizeof(prios)))
		return 1;
	rc = gnutls_priority_init(&prio, prios, &where);
	if (rc) {
		fprintf(stderr, "gnutls: %s at '%s'\n", gnutls_strerror(rc), where);
		return 1;
	}
	gnutls_priority_deinit(prio);
	puts("gnutls: ok");
	return 0;
}

static int bcrypt(const char *prefix, const char *cost, const char *password)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	const char *h;

	memset(&cd, 0, sizeof(cd));
	if (!crypt_gensalt_rn(prefix, strtoul(cost, NULL, 10), NULL, 0, setting,
			      (int)sizeof(setting))) {
		perror("crypt_gensalt_rn");
		return 1;
	}
	h = crypt_rn(password, setting, &cd, (int)sizeof(cd));
	if (!h || h[0] == '*') {
		fprintf(stderr, "crypt_rn failed\n");
		return 1;
	}
	puts(h);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: webconfig_dump [--check|--runs|--threads|--gnutls] FILE [ARG...]\n"
		"       webconfig_dump --bcrypt PREFIX COST PASSWORD\n");
	return 3;
}

int main(int argc, char **argv)
{
	const char *mode = "", *file;
	struct webconfig *c;
	char err[1024];
	int rc;

	if (argc > 1 && !strncmp(argv[1], "--", 2)) {
		mode = argv[1];
		argv++;
		argc--;
	}
	if (!strcmp(mode, "--bcrypt"))
		return argc == 4 ? bcrypt(argv[1], argv[2], argv[3]) : usage();
	if (argc < 2 || (!*mode && argc != 2) ||
	    (!strcmp(mode, "--threads") && argc < 4))
		return usage();
	file = argv[1];
	if (webconfig_load(file, &c, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (!*mode)
		rc = dump(c);
	else if (!strcmp(mode, "--check"))
		rc = check(c, argv + 2, argc - 2, 0);
	else if (!strcmp(mode, "--runs"))
		rc = check(c, argv + 2, argc - 2, 1);
	else if (!strcmp(mode, "--threads"))
		rc = threads(c, argv[2], argv + 3, argc - 3);
	else if (!strcmp(mode, "--gnutls"))
		rc = gnutls(c);
	else
		rc = usage();
	webconfig_free(c);
	return rc;
}
