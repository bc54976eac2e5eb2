enum webconfig_client_auth { WEBCONFIG_NO_CLIENT_CERT, WEBCONFIG_REQUEST_CLIENT_CERT, WEBCONFIG_REQUIRE_ANY_CLIENT_CERT, WEBCONFIG_VERIFY_CLIENT_CERT_IF_GIVEN, WEBCONFIG_REQUIRE_AND_VERIFY_CLIENT_CERT };
struct webconfig_header { char *name; char *value; };
struct webconfig_user { char *name; char *hash; };
struct webconfig {
	char *path; int tls;
	char *cert_file, *key_file, *client_ca_file;
	char *cert_pem, *key_pem, *ca_pem; size_t cert_len, key_len, ca_len;
	enum webconfig_client_auth client_auth;
	unsigned int min_version, max_version;	/* 0x0301..0x0304 */
	struct webconfig_header *headers; size_t nheaders;
	struct webconfig_user *users; size_t nusers;
};
int webconfig_load(const char *path, struct webconfig **out, char *err, size_t errlen); /* err "FILE:LINE: problem" */
void webconfig_free(struct webconfig *c);
int webconfig_tls_priorities(const struct webconfig *c, char *buf, size_t size);	/* GnuTLS priority string */
int webconfig_check_basic(struct webconfig *c, const char *authorization);	/* 1 allowed (or no users), 0 denied; thread-safe */
