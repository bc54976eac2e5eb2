# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The web configuration file (src/webconfig.c), through its test driver
# tests/lib/webconfig_dump (built sanitized by `make test`): every fixture
# of fixtures/webconfig/, the limits, real certificates made here by
# openssl, and HTTP Basic against bcrypt hashes made here.  Sourced by
# tests/run.

WEBCONFIG_DUMP=$tools/tests/lib/webconfig_dump
WCFX=$fx/webconfig

# wcd ARGS...: run the driver; stdout in $W/out, stderr in $W/err, status in rc.
wcd()
{
	[[ -x $WEBCONFIG_DUMP ]] ||
		fail "no $WEBCONFIG_DUMP (make -C tools tests/lib/webconfig_dump)"
	timeout -k 5 $WATCHDOG "$WEBCONFIG_DUMP" "$@" > "$W/out" 2> "$W/err" < /dev/null
	rc=$?
}

# basic USER:PASSWORD: the Authorization header's value for them.
basic()
{
	printf 'Basic %s' "$(printf %s "$1" | base64 -w0)"
}

# bcrypt PREFIX PASSWORD: a hash of PASSWORD by libxcrypt (cost 4: fast).
bcrypt()
{
	"$WEBCONFIG_DUMP" --bcrypt "$1" 4 "$2" || fail "cannot hash with $1"
}

# Three users, one per hash prefix, in $W/users.yml.
users_file()
{
	{
		echo "basic_auth_users:"
		echo "  alice: $(bcrypt '$2b$' secret)"
		echo "  bob: '$(bcrypt '$2a$' hunter2)'"
		echo "  carol: \"$(bcrypt '$2y$' 'pa:ss')\""
	} > "$W/users.yml"
}

# expect_lines LINE...: stdout is exactly these lines.
expect_lines()
{
	printf '%s\n' "$@" > "$W/expected.txt"
	expect_file "$W/expected.txt" "$W/out"
}

# ---------------------------------------------------------------------------
# Fixtures

t_wc_good()
{
	cd "$WCFX" || fail "no $WCFX"
	wcd "good/$1.yml"
	expect_ok "good/$1.out"
}

t_wc_bad()
{
	cd "$WCFX" || fail "no $WCFX"
	wcd "bad/$1.yml"
	expect_rc 2
	expect_empty out
	expect_file "bad/$1.err" "$W/err"
}

# Each config has its expectation, and each error is one line.
t_wc_fixtures_paired()
{
	local f

	for f in "$WCFX"/good/*.yml; do
		[[ -f ${f%.yml}.out ]] || fail "no ${f%.yml}.out"
	done
	for f in "$WCFX"/bad/*.yml; do
		[[ -f ${f%.yml}.err ]] || fail "no ${f%.yml}.err"
		[[ $(wc -l < "${f%.yml}.err") == 1 ]] || fail "${f%.yml}.err is not one line"
	done
	for f in "$WCFX"/good/*.out "$WCFX"/bad/*.err; do
		[[ -f ${f%.*}.yml ]] || fail "no ${f%.*}.yml for $f"
	done
}

# ---------------------------------------------------------------------------
# Files and limits, made here

t_wc_config_missing()
{
	wcd "$W/none.yml"
	expect_error 2 "$W/none.yml:1: cannot open: No such file or directory"
}

t_wc_config_directory()
{
	mkdir "$W/dir.yml"
	wcd "$W/dir.yml"
	expect_error 2 "$W/dir.yml:1: cannot read: Is a directory"
}

# padding FILE BYTES: FILE of comments, exactly BYTES long.
padding()
{
	yes '# padding padding padding padding padding padding padding' |
		head -c "$2" > "$1"
}

t_wc_config_size()
{
	padding "$W/max.yml" $((1024 * 1024))
	wcd "$W/max.yml"
	expect_rc 0
	grep -qx 'users=0' "$W/out" || fail "1 MiB exactly is not read"
	padding "$W/big.yml" $((1024 * 1024 + 1))
	wcd "$W/big.yml"
	expect_error 2 "$W/big.yml:1: larger than 1 MiB"
}

t_wc_pem_size()
{
	cd "$W" || fail "no $W"
	cp "$WCFX/pem/key.pem" key.pem
	cp "$WCFX/pem/cert.pem" cert.pem
	padding pad $((1024 * 1024 - $(stat -c %s cert.pem)))
	cat pad >> cert.pem
	[[ $(stat -c %s cert.pem) == $((1024 * 1024)) ]] || fail "cert.pem is not 1 MiB"
	printf 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n' > web.yml
	wcd web.yml
	expect_rc 0
	echo >> cert.pem
	wcd web.yml
	expect_error 2 "web.yml:2: tls_server_config.cert_file: 'cert.pem' is larger than 1 MiB"
}

# users_n N: a config of N users, all with one hash.
users_n()
{
	local h i

	h=$(bcrypt '$2b$' x)
	echo "basic_auth_users:"
	for ((i = 1; i <= $1; i++)); do
		echo "  user$i: $h"
	done
}

t_wc_users_max()
{
	users_n 1024 > "$W/1024.yml"
	wcd "$W/1024.yml"
	expect_rc 0
	grep -qx 'users=1024' "$W/out" || fail "not 1024 users"
	users_n 1025 > "$W/1025.yml"
	wcd "$W/1025.yml"
	expect_error 2 "$W/1025.yml:1026: basic_auth_users: more than 1024 users"
}

# Relative to the config's directory, however the config is named.
t_wc_paths()
{
	mkdir -p "$W/etc/tls" "$W/elsewhere"
	cp "$WCFX/pem/cert.pem" "$WCFX/pem/key.pem" "$W/etc/tls/"
	printf 'tls_server_config:\n  cert_file: tls/cert.pem\n  key_file: %s\n' \
		"$W/etc/tls/key.pem" > "$W/etc/web.yml"
	wcd "$W/etc/web.yml"
	expect_rc 0
	grep -qx "cert_file=$W/etc/tls/cert.pem" "$W/out" || fail "relative to an absolute config"
	grep -qx "key_file=$W/etc/tls/key.pem" "$W/out" || fail "absolute path changed"
	cd "$W/etc" || fail "no $W/etc"
	wcd web.yml
	expect_rc 0
	grep -qx "cert_file=tls/cert.pem" "$W/out" || fail "relative to a bare file name"
	cd "$W/elsewhere" || fail "no $W/elsewhere"
	wcd ../etc/web.yml
	expect_rc 0
	grep -qx "cert_file=../etc/tls/cert.pem" "$W/out" || fail "relative to the working directory"
}

# A key only root can read, read by nobody: the error names the file.
t_wc_pem_unreadable()
{
	cd "$W" || fail "no $W"
	cp "$WCFX/pem/cert.pem" "$WCFX/pem/key.pem" .
	chmod 600 key.pem
	printf 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n' > web.yml
	chmod 644 cert.pem web.yml
	if [[ $EUID == 0 ]]; then
		need_nobody
		"${NOBODY[@]}" "$WEBCONFIG_DUMP" web.yml > "$W/out" 2> "$W/err"
		rc=$?
	else
		chmod 000 key.pem
		wcd web.yml
	fi
	expect_error 2 "web.yml:3: tls_server_config.key_file: cannot open 'key.pem': Permission denied"
}

# openssl's certificates and keys reach GnuTLS as the server will load them.
make_certs()
{
	local n

	need openssl
	for n in ca server other; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-nodes -days 2 -subj "/CN=ktcpstat-test-$n" \
			-keyout "$W/$n.key" -out "$W/$n.crt" > "$W/openssl.log" 2>&1 ||
			{ cat "$W/openssl.log"; fail "openssl req failed"; }
	done
}

t_wc_gnutls()
{
	make_certs
	cat > "$W/web.yml" <<-EOF
	tls_server_config:
	  cert_file: server.crt
	  key_file: server.key
	  client_auth_type: RequireAndVerifyClientCert
	  client_ca_file: ca.crt
	  min_version: $1
	  max_version: $2
	EOF
	wcd --gnutls "$W/web.yml"
	expect_rc 0
	expect_empty err
	expect_lines "gnutls: ok"
}

# The check above can fail: a key that is not the certificate's.
t_wc_gnutls_mismatch()
{
	make_certs
	printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: other.key\n' > "$W/web.yml"
	wcd --gnutls "$W/web.yml"
	expect_rc 1
	grep -q '^gnutls: ' "$W/err" || { show; fail "no GnuTLS error"; }
}

# The same key inline, as a YAML block scalar.
t_wc_gnutls_inline()
{
	make_certs
	{
		echo "tls_server_config:"
		echo "  cert: |"
		sed 's/^/    /' "$W/server.crt"
		echo "  key: |"
		sed 's/^/    /' "$W/server.key"
	} > "$W/web.yml"
	wcd --gnutls "$W/web.yml"
	expect_rc 0
	expect_lines "gnutls: ok"
}

# ---------------------------------------------------------------------------
# HTTP Basic

t_wc_right_password()
{
	users_file
	wcd --check "$W/users.yml" "$(basic alice:secret)" "$(basic bob:hunter2)" \
		"$(basic carol:pa:ss)"
	expect_rc 0
	expect_lines allowed allowed allowed
}

t_wc_wrong_password()
{
	users_file
	wcd --runs "$W/users.yml" "$(basic alice:Secret)" "$(basic bob:)" \
		"$(basic carol:pa)" "$(basic alice:secret2)"
	expect_rc 1
	expect_lines denied denied denied denied bcrypt_runs=4
}

# Unknown users pay a bcrypt too (against the dummy hash), so that their
# answer comes no sooner than a wrong password's.
t_wc_unknown_user()
{
	users_file
	wcd --runs "$W/users.yml" "$(basic dave:secret)" "$(basic alic:secret)" \
		"$(basic alice2:secret)" "$(basic Alice:secret)" "$(basic :secret)"
	expect_rc 1
	expect_lines denied denied denied denied denied bcrypt_runs=5
}

# Refused before any bcrypt.
t_wc_malformed()
{
	local b c

	users_file
	b=$(printf %s alice:secret | base64 -w0)
	c=$(printf %s carol:pa:ss | base64 -w0)
	[[ $c == *= ]] || fail "carol's credentials need no padding"
	wcd --runs "$W/users.yml" "$b" "Bearer $b" "Basic" "Basic " "Basic  $b" \
		"Basic $b " "Basic !$b" "Basic ${c%%=*}" \
		"Basic $(printf al | base64 -w0)$(printf ice:secret | base64 -w0)" \
		"$(basic alicesecret)" "Basic $(printf 'alice:secret\0x' | base64 -w0)" \
		"Digest username=alice"
	expect_rc 1
	expect_lines denied denied denied denied denied denied denied denied \
		denied denied denied denied bcrypt_runs=0
	# And without the header at all.
	wcd --runs "$W/users.yml"
	expect_rc 1
	expect_lines denied bcrypt_runs=0
}

# Go's Request.BasicAuth takes the scheme in any case.
t_wc_scheme_case()
{
	users_file
	wcd --check "$W/users.yml" "BASIC $(printf %s alice:secret | base64 -w0)" \
		"basic $(printf %s alice:secret | base64 -w0)"
	expect_rc 0
	expect_lines allowed allowed
}

t_wc_no_users()
{
	wcd --check "$WCFX/good/empty.yml"
	expect_rc 0
	expect_lines allowed
	wcd --check "$WCFX/good/headers.yml" "garbage" "$(basic alice:wrong)"
	expect_rc 0
	expect_lines allowed allowed
}

# A success is cached: the same pair again costs no bcrypt, and a wrong
# password after it is still refused; failures are never cached.
t_wc_cache()
{
	users_file
	wcd --runs "$W/users.yml" "$(basic alice:secret)" "$(basic alice:secret)" \
		"$(basic alice:wrong)" "$(basic alice:secret)" "$(basic alice:wrong)" \
		"$(basic alice:wrong)"
	expect_rc 1
	expect_lines allowed allowed denied allowed denied denied bcrypt_runs=4
}

# More successful pairs than the cache holds: still right, and the oldest
# pay bcrypt again.
t_wc_cache_full()
{
	local i args=() want=()

	{
		echo "basic_auth_users:"
		for i in $(seq 1 20); do
			echo "  u$i: $(bcrypt '$2b$' "p$i")"
		done
	} > "$W/many.yml"
	for i in $(seq 1 20) 1 20; do
		args+=("$(basic "u$i:p$i")")
		want+=(allowed)
	done
	wcd --runs "$W/many.yml" "${args[@]}" "$(basic u1:p2)"
	expect_rc 1
	expect_lines "${want[@]}" denied bcrypt_runs=22
}

# htpasswd (apache2-utils), the tool exporter-toolkit's docs suggest, has a
# bcrypt of its own: its $2y$ hashes are checked by libxcrypt.
t_wc_htpasswd()
{
	need htpasswd
	htpasswd -nbBC 5 prometheus 'correct horse' > "$W/htpasswd" 2> "$W/htpasswd.err" ||
		{ cat "$W/htpasswd.err"; fail "htpasswd failed"; }
	printf 'basic_auth_users:\n  %s\n' "$(sed 's/:/: /' "$W/htpasswd")" > "$W/web.yml"
	grep -q ': \$2y\$05\$' "$W/web.yml" || { cat "$W/web.yml"; fail "not a \$2y\$ hash"; }
	wcd --check "$W/web.yml" "$(basic 'prometheus:correct horse')" \
		"$(basic 'prometheus:correct horse ')"
	expect_rc 1
	expect_lines allowed denied
}

# A published bcrypt test vector ("U*U", from crypt_blowfish's tests): the
# hash was not made by the library that checks it.
t_wc_known_answer()
{
	printf 'basic_auth_users:\n  kat: $2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n' \
		> "$W/web.yml"
	wcd --check "$W/web.yml" "$(basic 'kat:U*U')" "$(basic 'kat:U*V')"
	expect_rc 1
	expect_lines allowed denied
}

# 20 users, more than the cache holds, so that the threads run bcrypt at
# the same time for good passwords too.
t_wc_threads()
{
	local i good=()

	{
		echo "basic_auth_users:"
		for i in $(seq 1 20); do
			echo "  u$i: $(bcrypt '$2b$' "p$i")"
			good+=("$(basic "u$i:p$i")")
		done
	} > "$W/many.yml"
	wcd --threads "$W/many.yml" "$(basic u1:p2)" "${good[@]}"
	expect_rc 0
	expect_empty err
	expect_lines ok
}

# ---------------------------------------------------------------------------
# The plan

for f in "$WCFX"/good/*.yml; do
	f=$(basename "$f" .yml)
	add "webconfig: good/$f" t_wc_good "$f"
done
for f in "$WCFX"/bad/*.yml; do
	f=$(basename "$f" .yml)
	add "webconfig: bad/$f: exit 2, one line on stderr" t_wc_bad "$f"
done
add "webconfig: every fixture has its expectation" t_wc_fixtures_paired
add "webconfig: a missing config file" t_wc_config_missing
add "webconfig: a directory as config file" t_wc_config_directory
add "webconfig: 1 MiB of config is read, a byte more is not" t_wc_config_size
add "webconfig: 1 MiB of PEM is read, a byte more is not" t_wc_pem_size
add "webconfig: 1024 users, not 1025" t_wc_users_max
add "webconfig: relative file names follow the config's directory" t_wc_paths
add "webconfig: an unreadable key is named" t_wc_pem_unreadable
for v in "TLS10 TLS13" "TLS12 TLS13" "TLS13 TLS13" "TLS10 TLS11"; do
	add "webconfig: openssl's certificate and key load in GnuTLS, ${v/ /..}" t_wc_gnutls $v
done
add "webconfig: GnuTLS refuses a key that is not the certificate's" t_wc_gnutls_mismatch
add "webconfig: an inline certificate and key load in GnuTLS" t_wc_gnutls_inline
add "webconfig: basic: the right passwords, \$2b\$ \$2a\$ \$2y\$" t_wc_right_password
add "webconfig: basic: wrong passwords" t_wc_wrong_password
add "webconfig: basic: unknown users, checked against a dummy hash" t_wc_unknown_user
add "webconfig: basic: malformed headers, no bcrypt" t_wc_malformed
add "webconfig: basic: the scheme in any case" t_wc_scheme_case
add "webconfig: basic: no users, no authentication" t_wc_no_users
add "webconfig: basic: successes cached, failures not" t_wc_cache
add "webconfig: basic: more users than cache slots" t_wc_cache_full
add "webconfig: basic: htpasswd's \$2y\$ hash" t_wc_htpasswd
add "webconfig: basic: a published bcrypt test vector" t_wc_known_answer
add "webconfig: basic: 8 threads at once" t_wc_threads
