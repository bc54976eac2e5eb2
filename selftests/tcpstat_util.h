/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the tcpstat selftests: reading counts from the module,
 * from ss and from /proc/net/sockstat, setting up a private network namespace,
 * and holding TCP sockets in each state over loopback.
 */
#ifndef TCPSTAT_UTIL_H
#define TCPSTAT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>

/* Indexed by the kernel's TCP state numbers, TCP_ESTABLISHED (1) ..
 * TCP_CLOSING (11); slot 0 is unused.
 */
#define NSTATES 12

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

enum {
	ST_ESTABLISHED = 1, ST_SYN_SENT, ST_SYN_RECV, ST_FIN_WAIT1,
	ST_FIN_WAIT2, ST_TIME_WAIT, ST_CLOSE, ST_CLOSE_WAIT, ST_LAST_ACK,
	ST_LISTEN, ST_CLOSING,
};

extern const char *const state_names[NSTATES];

struct counts {
	unsigned long n[NSTATES];
};

#define PROC_TCPSTAT	"/proc/tcpstat"
#define PROC_NET_TCPSTAT	"/proc/net/tcpstat"

/* Parse a file in the module's format; 0, -errno, or -EPROTO if malformed. */
int counts_read(const char *path, struct counts *c);
/* Parse module-format text; 0 or -EPROTO. */
int counts_parse(const char *text, struct counts *c);
/* Count `ss -tanH` output by state (in the caller's namespace); 0 or -1. */
int counts_ss(struct counts *c);
bool counts_equal(const struct counts *a, const struct counts *b);
void counts_add(struct counts *dst, const struct counts *src);
/* "EST=2 LISTEN=1 ..." (non-zero states only) into a static buffer. */
const char *counts_str(const struct counts *c);
/* Poll until path shows want; 0 on a match, else -1 with *seen last read. */
int counts_wait(const char *path, const struct counts *want, int timeout_ms,
		struct counts *seen);
/*
 * /proc/net/sockstat "TCP: ... tw N" of the caller's namespace, or -1: the
 * timewait sockets alive now (the kernel's own count, both substates).
 */
long sockstat_tw(void);
/* Poll until sockstat_tw() is want; returns the last value read. */
long sockstat_tw_wait(long want, int timeout_ms);

/* unshare(CLONE_NEWNET) and bring lo up: 0 or -errno. */
int netns_fresh(void);
/*
 * Make the caller's namespace count predictably: syncookies off (SYN_SENT
 * relies on SYNs to a full queue being dropped), no TIME_WAIT reuse by
 * loopback connects, no TIME_WAIT cap (half the ehash size by default: 8
 * with 16 buckets).  0, or -errno naming the failed sysctl in *what.
 */
int netns_deterministic(const char **what);
int sysctl_write(const char *name, const char *value);
int sysctl_read_long(const char *name, long *value);
int nofile_raise(rlim_t n);
/* In a forked helper: die with the test process, however it ends. */
void die_with_parent(void);
bool module_loaded(void);
long now_ms(void);

/*
 * Where the sockets of a recipe live: the listener's family and address,
 * and the connecting side's (they differ for IPv4 clients of a dual-stack
 * IPv6 listener).
 */
struct fam {
	int lfamily;
	const char *laddr;
	int cfamily;
	const char *caddr;
};

extern const struct fam fam_ipv4, fam_ipv6, fam_mapped;

/*
 * Recipes: each opens its own listener and leaves n connections in the
 * named state (plus whatever their peers are in), adds exactly what it
 * created to *expect, and keeps every descriptor open until the process
 * exits.  0 on success, -1 with a message on stderr otherwise.
 */
int make_listeners(const struct fam *f, int n, struct counts *expect);
int make_established(const struct fam *f, int n, struct counts *expect);
int make_syn_sent(const struct fam *f, int n, struct counts *expect);
int make_syn_recv(const struct fam *f, int n, struct counts *expect);
int make_fin_wait1(const struct fam *f, int n, struct counts *expect);
int make_fin_wait2(const struct fam *f, int n, struct counts *expect);
int make_fin_wait2_orphan(const struct fam *f, int n, struct counts *expect);
int make_time_wait(const struct fam *f, int n, struct counts *expect);
int make_close_wait(const struct fam *f, int n, struct counts *expect);
int make_last_ack(const struct fam *f, int n, struct counts *expect);
int make_closing(const struct fam *f, int n, struct counts *expect);
/* Every recipe above once, n each. */
int make_all_states(const struct fam *f, int n, struct counts *expect);

/* Low level pieces, for the scale and churn tests. */
int tcp_listener(const struct fam *f, const char *addr, int backlog, int rcvbuf,
		 int *port);
int tcp_connect(const struct fam *f, const char *addr, int port, bool nonblock,
		int sndbuf, int rcvbuf);
int tcp_accept(int lfd, int timeout_ms);
int tcp_state(int fd);

#endif /* TCPSTAT_UTIL_H */
