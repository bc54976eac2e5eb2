/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the tcpstat selftests, by file: tcpstat_counts.c reads
 * counts from the module, from ss and from the kernel's own counters;
 * tcpstat_table.c reads the table files; tcpstat_env.c sets up the test's
 * surroundings (namespaces, sysctls, limits, the clock); tcpstat_sockets.c
 * holds TCP sockets in each state over loopback.
 */
#ifndef TCPSTAT_UTIL_H
#define TCPSTAT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>

#include "tcpstat_uapi.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/*
 * No test waits for the clock: a deadline only guards against a hang, and
 * is never shorter than this.
 */
#define WATCHDOG_MS	120000

/*
 * Sockets per state, indexed by the kernel's state numbers; and, for an
 * expectation, how many of them are timewait sockets a recipe made (in
 * TIME_WAIT, and orphans in FIN_WAIT2), which the kernel destroys on its
 * own after 60 s: a comparison accounts for those gone meanwhile by the
 * kernel's own count of the living (sockstat), never by the clock.
 */
struct counts {
	unsigned long n[TCPSTAT_NR_STATES];
	unsigned long tw_time_wait, tw_fin_wait2;
};

#define PROC_TCPSTAT	"/proc/" TCPSTAT_FILE_SEED
#define PROC_NET_TCPSTAT	"/proc/net/" TCPSTAT_FILE_SEED
#define PROC_NET_FAMILIES	"/proc/net/" TCPSTAT_FILE_FAMILIES
#define PROC_NET_PORTS		"/proc/net/" TCPSTAT_FILE_PORTS
#define PROC_NETNS		"/proc/" TCPSTAT_FILE_NETNS
#define PROC_NETNS_PORTS	"/proc/" TCPSTAT_FILE_NETNS_PORTS

/* --- tcpstat_counts.c ------------------------------------------------- */

/* Parse a file in the module's format; 0, -errno, or -EPROTO if malformed. */
int counts_read(const char *path, struct counts *c);
/* Parse module-format text; 0 or -EPROTO. */
int counts_parse(const char *text, struct counts *c);
/* Count `ss -tanH` output by state (in the caller's namespace); 0 or -1. */
int counts_ss(struct counts *c);
/* The same for `ss -tanH ARGS` (a filter, -f inet, ...); 0 or -1. */
int counts_ss_args(const char *args, struct counts *c);
/* The same for the output of a command printing what ss -tanH prints. */
int counts_cmd(const char *command, struct counts *c);
/* What ss shows of one local port. */
struct ss_port {
	int port;
	struct counts c;	/* its sockets by state: ss '( sport = :PORT )' */
	long listeners, recvq, sendq;	/* ss -lnt: count, Recv-Q, Send-Q */
};

/*
 * One ss -tanH run, by local port: the listening ports in increasing
 * order, at most max; their number, or -1.
 */
int ss_ports(struct ss_port *p, int max);
/* The same for the output of a command printing what ss -tanH prints. */
int ss_ports_cmd(const char *command, struct ss_port *p, int max);
/* Only their port numbers. */
int ss_listening_ports(int *ports, int max);
/* The same counts per state (what a recipe made aside). */
bool counts_equal(const struct counts *a, const struct counts *b);
/*
 * Whether seen is what want expects, tw_alive of its timewait sockets
 * still alive (sockstat): every state exactly, but TIME_WAIT and FIN_WAIT2
 * short of exactly the timewait sockets gone since.
 */
bool counts_match(const struct counts *want, const struct counts *seen,
		  long tw_alive);
void counts_add(struct counts *dst, const struct counts *src);
/* "EST=2 LISTEN=1 ..." (non-zero states only) into a static buffer. */
const char *counts_str(const struct counts *c);
/*
 * Poll until path shows want (counts_match(), its timewait sockets
 * counted by sockstat around the read); 0 on a match, else -1 with *seen
 * last read, after WATCHDOG_MS.
 */
int counts_wait(const char *path, const struct counts *want,
		struct counts *seen);
/*
 * /proc/net/sockstat "TCP: ... tw N" of the caller's namespace, or -1: the
 * timewait sockets alive now (the kernel's own count, both substates).
 */
long sockstat_tw(void);
/* The same for the namespace of a seed file's path (/proc/PID/net/...). */
long sockstat_tw_of(const char *seed_path);
/* Poll until sockstat_tw() is want; returns the last value read. */
long sockstat_tw_wait(long want);
/*
 * A counter of the caller's namespace from /proc/net/snmp or netstat:
 * prefix "Tcp" or "TcpExt", the kernel's name; -1 if not found.
 */
long long netstat_read(const char *prefix, const char *name);

/* --- tcpstat_table.c -------------------------------------------------- */

/*
 * A table file read whole (at most TABLE_MAX bytes): the header's columns
 * and the rows' cells, as text.  0, -errno, or -EPROTO if malformed (a row
 * whose number of cells is not the header's).
 */
#define TABLE_MAX	(1024 * 1024)
#define TABLE_COLS	64

struct table {
	char *text;
	int ncols;
	char *cols[TABLE_COLS];
	int nrows;
	char **cells;		/* nrows * ncols */
};

int table_read(const char *path, struct table *t);
int table_parse(char *text, struct table *t);
void table_free(struct table *t);
/* The column named name, or -1. */
int table_col(const struct table *t, const char *name);
/* The cell of row, column name, as a number (-1 if no such column). */
long long table_num(const struct table *t, int row, const char *name);
const char *table_cell(const struct table *t, int row, const char *name);
/* The state columns of a row, into c. */
void table_counts(const struct table *t, int row, struct counts *c);

/* --- tcpstat_env.c ---------------------------------------------------- */

/*
 * unshare(CLONE_NEWNET) and bring lo up: 0 or -errno.  The first call
 * keeps a descriptor of the namespace it leaves, the initial one.
 */
int netns_fresh(void);
/* Bring the current namespace's lo up (if it is not): 0 or -errno. */
int netns_lo_up(void);
/*
 * open() a /proc file; the files showing every namespace are opened from
 * the initial namespace, as their rule requires (the caller must be
 * allowed to setns() there), and the caller stays where it is.
 */
int proc_open(const char *path, int flags);
/* Whether path shows every namespace (only openable from the initial one). */
bool all_ns_file(const char *path);
/* setns() back to the initial namespace (a forked helper): 0 or -errno. */
int initial_netns_enter(void);
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
void sleep_ms(int ms);

/* --- tcpstat_sockets.c ------------------------------------------------ */

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
/* A socket's local port, or -1. */
int local_port(int fd);
int tcp_listener(const struct fam *f, const char *addr, int backlog, int rcvbuf,
		 int *port);
int tcp_connect(const struct fam *f, const char *addr, int port, bool nonblock,
		int sndbuf, int rcvbuf);
int tcp_accept(int lfd);
int tcp_state(int fd);

#endif /* TCPSTAT_UTIL_H */
