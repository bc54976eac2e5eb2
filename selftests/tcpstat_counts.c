// SPDX-License-Identifier: GPL-2.0
/*
 * Counts by state: the module's seed format, ss's output (also by local
 * port), and the kernel's own counters (sockstat, snmp, netstat).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcpstat_util.h"

/* ss's names for the same states (misc/ss.c sstate_name[]). */
static const char *const ss_names[TCPSTAT_NR_STATES] = {
	[TCPSTAT_ESTABLISHED] = "ESTAB", [TCPSTAT_SYN_SENT] = "SYN-SENT",
	[TCPSTAT_SYN_RECV] = "SYN-RECV", [TCPSTAT_FIN_WAIT1] = "FIN-WAIT-1",
	[TCPSTAT_FIN_WAIT2] = "FIN-WAIT-2", [TCPSTAT_TIME_WAIT] = "TIME-WAIT",
	[TCPSTAT_CLOSE] = "UNCONN", [TCPSTAT_CLOSE_WAIT] = "CLOSE-WAIT",
	[TCPSTAT_LAST_ACK] = "LAST-ACK", [TCPSTAT_LISTEN] = "LISTEN",
	[TCPSTAT_CLOSING] = "CLOSING",
};

static int ss_state(const char *name)
{
	unsigned int state;

	for (state = TCPSTAT_STATE_FIRST; state <= TCPSTAT_STATE_LAST; state++)
		if (!strcmp(name, ss_names[state]))
			return state;
	return -1;
}

/*
 * The module prints exactly TCPSTAT_SEED_FMT for each state in kernel order;
 * accept nothing else, so a format regression fails the tests too: each
 * line must be what that format prints for the number it holds.
 */
int counts_parse(const char *text, struct counts *c)
{
	const char *p = text;
	unsigned int state;

	memset(c, 0, sizeof(*c));
	for (state = TCPSTAT_STATE_FIRST; state <= TCPSTAT_STATE_LAST; state++) {
		const char *colon = strchr(p, ':'), *nl = strchr(p, '\n');
		char want[64];
		unsigned long v;
		char *end;

		if (!colon || !nl || colon > nl || colon[1] != ' ' ||
		    colon[2] < '0' || colon[2] > '9')
			return -EPROTO;
		errno = 0;
		v = strtoul(colon + 2, &end, 10);
		if (errno || end != nl || v > UINT_MAX)
			return -EPROTO;
		snprintf(want, sizeof(want), TCPSTAT_SEED_FMT,
			 tcpstat_state_name(state), (unsigned int)v);
		if (strncmp(p, want, (size_t)(nl + 1 - p)) ||
		    strlen(want) != (size_t)(nl + 1 - p))
			return -EPROTO;
		c->n[state] = v;
		p = nl + 1;
	}
	return *p ? -EPROTO : 0;
}

int counts_read(const char *path, struct counts *c)
{
	char buf[1024];
	size_t len = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += r;
	if (r < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	close(fd);
	buf[len] = '\0';
	return counts_parse(buf, c);
}

int counts_ss_args(const char *args, struct counts *c)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "ss -tanH %s", args);
	return counts_cmd(cmd, c);
}

int counts_cmd(const char *command, struct counts *c)
{
	char line[512], cmd[600];
	int state;
	FILE *f;

	memset(c, 0, sizeof(*c));
	snprintf(cmd, sizeof(cmd), "%s 2>&1", command);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char name[32];

		if (sscanf(line, "%31s", name) != 1)
			continue;
		state = ss_state(name);
		if (state < 0) {
			fprintf(stderr, "ss: unexpected line: %s", line);
			pclose(f);
			return -1;
		}
		c->n[state]++;
	}
	return pclose(f) == 0 ? 0 : -1;
}

int counts_ss(struct counts *c)
{
	return counts_ss_args("", c);
}

int ss_ports(struct ss_port *p, int max)
{
	return ss_ports_cmd("ss -tanH", p, max);
}

int ss_ports_cmd(const char *command, struct ss_port *p, int max)
{
	struct ss_port *all = calloc(65536, sizeof(*all));
	char line[512], name[32], local[128], cmd[600], *colon;
	int n = 0, port, state, ok = 1;
	long rq, sq;
	FILE *f;

	if (!all)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s 2>&1", command);
	f = popen(cmd, "r");
	if (!f) {
		free(all);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		state = -1;
		colon = NULL;
		if (sscanf(line, "%31s %ld %ld %127s", name, &rq, &sq,
			   local) == 4) {
			state = ss_state(name);
			colon = strrchr(local, ':');
		}
		if (state < 0 || !colon) {
			fprintf(stderr, "ss: unexpected line: %s", line);
			ok = 0;
			continue;
		}
		port = atoi(colon + 1) & 0xffff;
		all[port].c.n[state]++;
		if (state == TCPSTAT_LISTEN) {
			all[port].listeners++;
			all[port].recvq += rq;
			all[port].sendq += sq;
		}
	}
	if (pclose(f))
		ok = 0;
	for (port = 0; ok && port < 65536; port++) {
		if (!all[port].listeners)
			continue;
		if (n == max) {
			ok = 0;
			break;
		}
		p[n] = all[port];
		p[n++].port = port;
	}
	free(all);
	return ok ? n : -1;
}

int ss_listening_ports(int *ports, int max)
{
	struct ss_port *p = calloc(max, sizeof(*p));
	int n, i;

	if (!p)
		return -1;
	n = ss_ports(p, max);
	for (i = 0; i < n; i++)
		ports[i] = p[i].port;
	free(p);
	return n;
}

bool counts_equal(const struct counts *a, const struct counts *b)
{
	return !memcmp(a->n, b->n, sizeof(a->n));
}

bool counts_match(const struct counts *want, const struct counts *seen,
		  long tw_alive)
{
	unsigned long made = want->tw_time_wait + want->tw_fin_wait2, gone;
	unsigned int st;

	if (!made)
		return counts_equal(want, seen);
	if (tw_alive < 0 || (unsigned long)tw_alive > made)
		return false;
	gone = made - tw_alive;
	for (st = TCPSTAT_STATE_FIRST; st <= TCPSTAT_STATE_LAST; st++)
		if (st != TCPSTAT_TIME_WAIT && st != TCPSTAT_FIN_WAIT2 &&
		    seen->n[st] != want->n[st])
			return false;
	/* Which ones went, the kernel does not say: only how many. */
	return seen->n[TCPSTAT_TIME_WAIT] + seen->n[TCPSTAT_FIN_WAIT2] +
	       gone == want->n[TCPSTAT_TIME_WAIT] + want->n[TCPSTAT_FIN_WAIT2] &&
	       seen->n[TCPSTAT_TIME_WAIT] <= want->n[TCPSTAT_TIME_WAIT] &&
	       seen->n[TCPSTAT_TIME_WAIT] + want->tw_time_wait >= want->n[TCPSTAT_TIME_WAIT] &&
	       seen->n[TCPSTAT_FIN_WAIT2] <= want->n[TCPSTAT_FIN_WAIT2] &&
	       seen->n[TCPSTAT_FIN_WAIT2] + want->tw_fin_wait2 >= want->n[TCPSTAT_FIN_WAIT2];
}

void counts_add(struct counts *dst, const struct counts *src)
{
	int i;

	for (i = 0; i < TCPSTAT_NR_STATES; i++)
		dst->n[i] += src->n[i];
	dst->tw_time_wait += src->tw_time_wait;
	dst->tw_fin_wait2 += src->tw_fin_wait2;
}

const char *counts_str(const struct counts *c)
{
	static char buf[512];
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = TCPSTAT_STATE_FIRST; i <= TCPSTAT_STATE_LAST; i++)
		if (c->n[i] && len < sizeof(buf))
			len += snprintf(buf + len, sizeof(buf) - len, "%s%s=%lu",
					len ? " " : "", tcpstat_state_name(i), c->n[i]);
	return len ? buf : "(none)";
}

int counts_wait(const char *path, const struct counts *want,
		struct counts *seen)
{
	long deadline = now_ms() + WATCHDOG_MS, tw;

	for (;;) {
		tw = sockstat_tw_of(path);
		if (!counts_read(path, seen) && tw == sockstat_tw_of(path) &&
		    counts_match(want, seen, tw))
			return 0;
		if (now_ms() > deadline)
			return -1;
		sleep_ms(20);
	}
}

static long sockstat_tw_at(const char *path)
{
	char line[256];
	long tw = -1;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, " tw ");

		if (!strncmp(line, "TCP:", 4) && p)
			tw = strtol(p + 4, NULL, 10);
	}
	fclose(f);
	return tw;
}

long sockstat_tw(void)
{
	return sockstat_tw_at("/proc/net/sockstat");
}

/* ".../net/tcpstat" counts the namespace whose ".../net/sockstat" this is. */
long sockstat_tw_of(const char *seed_path)
{
	const char *tail = "/net/" TCPSTAT_FILE_SEED;
	size_t len = strlen(seed_path), tl = strlen(tail);
	char path[256];

	if (len < tl || strcmp(seed_path + len - tl, tail) ||
	    len - tl + strlen("/net/sockstat") >= sizeof(path))
		return sockstat_tw();	/* /proc/tcpstat: the caller's own */
	snprintf(path, sizeof(path), "%.*s/net/sockstat", (int)(len - tl),
		 seed_path);
	return sockstat_tw_at(path);
}

long sockstat_tw_wait(long want)
{
	long deadline = now_ms() + WATCHDOG_MS, tw;

	while ((tw = sockstat_tw()) != want && now_ms() <= deadline)
		sleep_ms(20);
	return tw;
}

/* The separators of /proc/net/snmp's fields. */
#define SEPS	"\n "

long long netstat_read(const char *prefix, const char *name)
{
	static const char *const files[] = {
		"/proc/net/snmp", "/proc/net/netstat",
	};
	char names[4096], values[4096];
	long long v = -1;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files) && v < 0; i++) {
		FILE *f = fopen(files[i], "re");

		if (!f)
			continue;
		while (v < 0 && fgets(names, sizeof(names), f) &&
		       fgets(values, sizeof(values), f)) {
			char *n, *val, *ns = NULL, *vs = NULL;
			size_t plen = strlen(prefix);

			if (strncmp(names, prefix, plen) || names[plen] != ':')
				continue;
			n = strtok_r(names + plen + 1, SEPS, &ns);
			val = strtok_r(values + plen + 1, SEPS, &vs);
			for (; n && val; n = strtok_r(NULL, SEPS, &ns),
			     val = strtok_r(NULL, SEPS, &vs))
				if (!strcmp(n, name))
					v = atoll(val);
		}
		fclose(f);
	}
	return v;
}

