/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The interface between tcpstat.ko and its readers, in one place: the
 * files, the TCP states and their names, and the format of every file.
 * The module, the reader (tools/), the selftests and the fuzzer all build
 * from this header; the shell tests take the state names from it too.
 *
 * It compiles in the kernel and in userspace, so every name carries a
 * TCPSTAT_ prefix (<netinet/tcp.h> already defines TCP_ESTABLISHED...).
 * The numbers are the kernel's own (include/net/tcp_states.h); the module
 * asserts at build time that each one still is.
 *
 * Seed files: /proc/tcpstat (the reader's namespace) and /proc/net/tcpstat
 * (each namespace its own).  Eleven lines, one per state from
 * TCPSTAT_STATE_FIRST to TCPSTAT_STATE_LAST in that order, each printed
 * with TCPSTAT_SEED_FMT (state name, count).  Their format never changes.
 *
 * Table files (every other file): the first line holds the column names,
 * then one line per row; names and values are separated by one space
 * (TCPSTAT_TABLE_SEP), without padding; every value is an unsigned decimal
 * integer except the key columns named so below.  Later versions only ever
 * append columns: a reader maps columns by their name in the header,
 * ignores names it does not know, and treats a column it knows but does
 * not find as absent (those named required below are always present).
 * A table is computed once per read: from offset 0 to the end, a reader
 * sees one consistent snapshot, however small its reads, and a read (or
 * pread at 0) of a buffer at least as large as the table returns all of it.
 *
 * Who may open the files that show every namespace (those in /proc itself
 * but the seed file): a process in the initial network namespace holding
 * CAP_NET_ADMIN in the initial user namespace, checked at open.
 */
#ifndef TCPSTAT_UAPI_H
#define TCPSTAT_UAPI_H

/* The TCP states a socket is reported in, numbered as the kernel does. */
enum tcpstat_state {
	TCPSTAT_ESTABLISHED = 1,
	TCPSTAT_SYN_SENT,
	TCPSTAT_SYN_RECV,
	TCPSTAT_FIN_WAIT1,
	TCPSTAT_FIN_WAIT2,
	TCPSTAT_TIME_WAIT,
	TCPSTAT_CLOSE,
	TCPSTAT_CLOSE_WAIT,
	TCPSTAT_LAST_ACK,
	TCPSTAT_LISTEN,
	TCPSTAT_CLOSING,
};

#define TCPSTAT_STATE_FIRST	TCPSTAT_ESTABLISHED
#define TCPSTAT_STATE_LAST	TCPSTAT_CLOSING
/* Size of an array indexed by state: slot 0 is unused, as in iproute2. */
#define TCPSTAT_NR_STATES	(TCPSTAT_STATE_LAST + 1)
/* How many states every file reports. */
#define TCPSTAT_STATES		(TCPSTAT_STATE_LAST - TCPSTAT_STATE_FIRST + 1)
/* strlen() of the longest state name, "ESTABLISHED". */
#define TCPSTAT_STATE_NAME_MAX	11

/* The name of a state, as every file and output spells it; NULL if none. */
static inline const char *tcpstat_state_name(unsigned int state)
{
	static const char *const names[TCPSTAT_NR_STATES] = {
		[TCPSTAT_ESTABLISHED]	= "ESTABLISHED",
		[TCPSTAT_SYN_SENT]	= "SYN_SENT",
		[TCPSTAT_SYN_RECV]	= "SYN_RECV",
		[TCPSTAT_FIN_WAIT1]	= "FIN_WAIT1",
		[TCPSTAT_FIN_WAIT2]	= "FIN_WAIT2",
		[TCPSTAT_TIME_WAIT]	= "TIME_WAIT",
		[TCPSTAT_CLOSE]		= "CLOSE",
		[TCPSTAT_CLOSE_WAIT]	= "CLOSE_WAIT",
		[TCPSTAT_LAST_ACK]	= "LAST_ACK",
		[TCPSTAT_LISTEN]	= "LISTEN",
		[TCPSTAT_CLOSING]	= "CLOSING",
	};

	return state < TCPSTAT_NR_STATES ? names[state] : (const char *)0;
}

/* One line of a seed file: the state's name and its count (unsigned int). */
#define TCPSTAT_SEED_FMT	"%-12s: %u\n"

/* The files, by name: where each one lives is said beside it. */
#define TCPSTAT_FILE_SEED	"tcpstat"		/* /proc and /proc/net */
#define TCPSTAT_FILE_FAMILIES	"tcpstat_families"	/* /proc/net */
#define TCPSTAT_FILE_PORTS	"tcpstat_ports"		/* /proc/net */
#define TCPSTAT_FILE_NETNS	"tcpstat_netns"		/* /proc */
#define TCPSTAT_FILE_NETNS_PORTS "tcpstat_netns_ports"	/* /proc */

#define TCPSTAT_TABLE_SEP	' '

/*
 * Column names.  After the listed columns every table below carries one
 * column per state, named by tcpstat_state_name(), FIRST to LAST.
 */
#define TCPSTAT_COL_FAMILY	"family"	/* key: TCPSTAT_FAMILY_* */
#define TCPSTAT_COL_NETNS	"netns"
#define TCPSTAT_COL_COOKIE	"cookie"
#define TCPSTAT_COL_PORT	"port"
#define TCPSTAT_COL_LISTENERS	"listeners"
#define TCPSTAT_COL_ACCEPT_QUEUE "accept_queue"
#define TCPSTAT_COL_ACCEPT_MAX	"accept_max"
#define TCPSTAT_COL_SYN_QUEUE	"syn_queue"
#define TCPSTAT_COL_FASTOPEN_QUEUE "fastopen_queue"
#define TCPSTAT_COL_DROPS	"drops"

/* Values of the family column: the socket's sk_family. */
#define TCPSTAT_FAMILY_INET	"inet"
#define TCPSTAT_FAMILY_INET6	"inet6"
#define TCPSTAT_FAMILIES	2

/* Family rows come in this order: 0 is AF_INET, 1 is AF_INET6. */
static inline const char *tcpstat_family_name(unsigned int index)
{
	return index ? TCPSTAT_FAMILY_INET6 : TCPSTAT_FAMILY_INET;
}

/*
 * /proc/net/tcpstat_families: family, then the states.  Exactly two rows,
 * inet then inet6.  All columns required.
 */

/*
 * /proc/tcpstat_netns: netns (the namespace's inode number), family, the
 * states (all required), then cookie (the namespace's cookie, only on
 * kernels that have one).  Two rows per namespace, inet then inet6, in
 * increasing netns order.
 */

/*
 * /proc/net/tcpstat_ports: port, listeners, accept_queue, accept_max,
 * syn_queue, the states (all required), then fastopen_queue and drops.
 * One row per listening port, in increasing port order.  drops is a u32
 * counter: the sum, modulo 2^32, of the listeners' own drop counters,
 * which the kernel keeps as u32 and lets wrap.
 */
#define TCPSTAT_DROPS_WRAP	4294967296ULL	/* 2^32 */

/*
 * /proc/tcpstat_netns_ports: netns, then every column of tcpstat_ports in
 * its order (all required but fastopen_queue and drops), meaning the same
 * for that namespace.  One row per (namespace, listening port), in
 * increasing netns, then port order.
 */

#endif /* TCPSTAT_UAPI_H */
