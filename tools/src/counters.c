// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "counters.h"

const struct counter_def counter_defs[CNT_COUNT] = {
	[CNT_ACTIVE_OPENS] = { "snmp", "Tcp", "ActiveOpens", "active_opens",
		"Connections opened actively (SYN sent: connect())." },
	[CNT_PASSIVE_OPENS] = { "snmp", "Tcp", "PassiveOpens", "passive_opens",
		"Connections opened passively (SYN received by a listener)." },
	[CNT_ATTEMPT_FAILS] = { "snmp", "Tcp", "AttemptFails", "attempt_fails",
		"Connection attempts that failed (to CLOSED from SYN_SENT or SYN_RECV, or to LISTEN from SYN_RECV)." },
	[CNT_ESTAB_RESETS] = { "snmp", "Tcp", "EstabResets", "estab_resets",
		"Resets of connections in ESTABLISHED or CLOSE_WAIT." },
	[CNT_LISTEN_OVERFLOWS] = { "netstat", "TcpExt", "ListenOverflows",
		"listen_overflows",
		"SYNs and handshake completions refused because an accept queue was full." },
	[CNT_LISTEN_DROPS] = { "netstat", "TcpExt", "ListenDrops", "listen_drops",
		"SYNs and handshake completions dropped by listeners, for any reason." },
	[CNT_REQQ_FULL_DROPS] = { "netstat", "TcpExt", "TCPReqQFullDrop",
		"reqq_full_drops",
		"SYNs dropped because a SYN queue was full (syncookies off)." },
	[CNT_RETRANS_SEGS] = { "snmp", "Tcp", "RetransSegs", "retrans_segs",
		"Segments retransmitted." },
};

#define FIELDS_MAX	512	/* counters on one line: about 130 in 6.12 */

/* Split s at blanks into at most max fields; the number found. */
static unsigned int split(char *s, char **f, unsigned int max)
{
	unsigned int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, " ", &save); t && n < max;
	     t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	return n;
}

/* The wanted counters of "PREFIX: names" and "PREFIX: values". */
static int take(const char *path, const char *file, const char *prefix,
		char *names, char *values, struct counters *c,
		unsigned int *found, struct tcpstat_err *e)
{
	char *n[FIELDS_MAX], *v[FIELDS_MAX];
	unsigned int nn = split(names, n, FIELDS_MAX);
	unsigned int nv = split(values, v, FIELDS_MAX);
	unsigned int i, k;
	char *end;

	if (nn != nv) {
		err_set(e, EXIT_INPUT, "%s: %s: %u names but %u values", path,
			prefix, nn, nv);
		return EXIT_INPUT;
	}
	for (i = 0; i < CNT_COUNT; i++) {
		const struct counter_def *d = &counter_defs[i];

		if (strcmp(d->file, file) || strcmp(d->prefix, prefix))
			continue;
		for (k = 0; k < nn && strcmp(n[k], d->kernel); k++)
			;
		if (k == nn)
			continue;
		errno = 0;
		c->v[i] = strtoull(v[k], &end, 10);
		if (errno || *end || v[k][0] == '-') {
			err_set(e, EXIT_INPUT, "%s: %s: %s: not a counter: '%s'",
				path, prefix, n[k], v[k]);
			return EXIT_INPUT;
		}
		*found |= 1U << i;
	}
	return 0;
}

/* Lines come in pairs: "PREFIX: name name ..." then "PREFIX: value ...". */
static int parse(const char *path, char *text, const char *file,
		 struct counters *c, unsigned int *found, struct tcpstat_err *e)
{
	char *names = NULL, *line, *save = NULL;
	const char *prefix = NULL;
	int ret;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (!colon) {
			err_set(e, EXIT_INPUT, "%s: a line without ':'", path);
			return EXIT_INPUT;
		}
		*colon = '\0';
		if (!names) {
			names = colon + 1;
			prefix = line;
			continue;
		}
		if (strcmp(prefix, line)) {
			err_set(e, EXIT_INPUT, "%s: %s: names without values",
				path, prefix);
			return EXIT_INPUT;
		}
		ret = take(path, file, prefix, names, colon + 1, c, found, e);
		if (ret)
			return ret;
		names = NULL;
	}
	return 0;
}

static int read_file(const struct source_ctx *ctx, const char *file,
		     struct counters *c, unsigned int *found,
		     struct tcpstat_err *e)
{
	char path[PATH_MAX], rest[32], *text = NULL;
	size_t len = 0, size = 0;
	FILE *f;
	int ret;

	snprintf(rest, sizeof(rest), "net/%s", file);
	if (proc_path(path, sizeof(path), ctx->proc_root, ctx->pid, rest)) {
		err_set(e, EXIT_RUNTIME, "%s: path too long", ctx->proc_root);
		return EXIT_RUNTIME;
	}
	f = fopen(path, "re");
	if (!f) {
		int err = errno;

		if (err == ENOENT && source_check_pid(ctx, e))
			return EXIT_RUNTIME;
		err_set(e, EXIT_RUNTIME, "%s: %s", path, strerror(err));
		return EXIT_RUNTIME;
	}
	/* A few kB: the kernel's counters, not the sockets. */
	for (;;) {
		size_t n;

		if (size - len < 4096) {
			char *p = realloc(text, size += 8192);

			if (!p) {
				fclose(f);
				free(text);
				err_set(e, EXIT_RUNTIME, "out of memory");
				return EXIT_RUNTIME;
			}
			text = p;
		}
		n = fread(text + len, 1, size - len - 1, f);
		len += n;
		if (!n)
			break;
	}
	ret = ferror(f);
	fclose(f);
	if (ret) {
		free(text);
		err_set(e, EXIT_RUNTIME, "%s: cannot read", path);
		return EXIT_RUNTIME;
	}
	text[len] = '\0';
	ret = parse(path, text, file, c, found, e);
	free(text);
	return ret;
}

int counters_read(const struct source_ctx *ctx, struct counters *c,
		  struct tcpstat_err *e)
{
	unsigned int found = 0, i;
	struct timespec ts;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = read_file(ctx, "snmp", c, &found, e);
	if (!ret)
		ret = read_file(ctx, "netstat", c, &found, e);
	if (ret)
		return ret;
	for (i = 0; i < CNT_COUNT; i++) {
		char path[PATH_MAX], rest[32];

		if (found & (1U << i))
			continue;
		snprintf(rest, sizeof(rest), "net/%s", counter_defs[i].file);
		proc_path(path, sizeof(path), ctx->proc_root, ctx->pid, rest);
		err_set(e, EXIT_INPUT, "%s: no %s: %s counter", path,
			counter_defs[i].prefix, counter_defs[i].kernel);
		return EXIT_INPUT;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	c->mono_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	return 0;
}

void counters_rates(const struct counters *prev, const struct counters *cur,
		    struct rates *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	out->seconds = (double)(cur->mono_ns - prev->mono_ns) / 1e9;
	for (i = 0; i < CNT_COUNT; i++) {
		if (cur->v[i] < prev->v[i] || out->seconds <= 0)
			continue;
		out->valid[i] = 1;
		out->delta[i] = cur->v[i] - prev->v[i];
		out->per_second[i] = (double)out->delta[i] / out->seconds;
	}
}
