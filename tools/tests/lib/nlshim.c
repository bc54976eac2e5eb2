// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for the reader's host tests: what a sock_diag dump can
 * answer besides sockets, on demand.  It wraps libmnl's
 * mnl_socket_recvfrom() and rewrites what the kernel sent:
 *   TCPSTAT_SHIM_DONE_ERR=N  the error in every NLMSG_DONE becomes -N
 *                            (a dump that failed in the kernel);
 *   TCPSTAT_SHIM_INTR=K      the messages of the first K replies carry
 *                            NLM_F_DUMP_INTR (an inconsistent dump: it
 *                            must be taken again).
 * Not part of tcpstat: built by `make test` only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

typedef ssize_t (*recvfrom_fn)(const struct mnl_socket *, void *, size_t);

static int env_int(const char *name)
{
	const char *v = getenv(name);

	return v ? atoi(v) : 0;
}

ssize_t mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf,
			    size_t size)
{
	static recvfrom_fn real;
	static int replies;
	struct nlmsghdr *nlh;
	ssize_t n;
	int left, flag;

	if (!real)
		real = (recvfrom_fn)dlsym(RTLD_NEXT, "mnl_socket_recvfrom");
	n = real(nl, buf, size);
	if (n <= 0)
		return n;
	left = (int)n;
	flag = replies++ < env_int("TCPSTAT_SHIM_INTR");
	for (nlh = buf; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (flag)
			nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
		if (nlh->nlmsg_type != NLMSG_DONE)
			continue;
		if (env_int("TCPSTAT_SHIM_DONE_ERR") &&
		    mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
			int err = -env_int("TCPSTAT_SHIM_DONE_ERR");

			memcpy(mnl_nlmsg_get_payload(nlh), &err, sizeof(err));
		}
	}
	return n;
}
