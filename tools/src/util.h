/* SPDX-License-Identifier: GPL-2.0 */
/* Error reports and small helpers shared by the sources and main. */
#ifndef TCPSTAT_UTIL_H
#define TCPSTAT_UTIL_H

#include <stddef.h>

/* The command's name, as every message and the usage spell it. */
#define PROG		"ktcpstat"

/* Exit statuses. */
#define EXIT_OK		0
#define EXIT_RUNTIME	1	/* module not loaded, permission, netlink, ... */
#define EXIT_INPUT	2	/* usage error or malformed input */

/*
 * One error, reported by the caller as "ktcpstat: <msg>" on one line.
 * status is the exit status it calls for.
 */
struct tcpstat_err {
	int status;
	char msg[512];
};

void err_set(struct tcpstat_err *e, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Copy s[0..len) into dst as printable ASCII: bytes outside 0x20..0x7e
 * become \xHH (backslash too), and input past 32 bytes becomes "...".  dst is
 * always terminated.
 */
void quote(char *dst, size_t size, const char *s, size_t len);

/* quote() keeping up to max bytes of input: for file names, often longer. */
void quote_max(char *dst, size_t size, const char *s, size_t len, size_t max);

/* "/proc/PID/rest" or "/proc/rest" (pid 0) under root into buf; -1 if too long. */
int proc_path(char *buf, size_t size, const char *root, int pid, const char *rest);

/* root (a host root, "/" or a directory) and an absolute path, joined; -1 if too long. */
int rooted_path(char *buf, size_t size, const char *root, const char *path);

/* 0 if pid is 0 or root/PID exists; else EXIT_RUNTIME with *e set. */
int check_pid(const char *root, int pid, struct tcpstat_err *e);

#endif /* TCPSTAT_UTIL_H */
