// SPDX-License-Identifier: GPL-2.0
/*
 * sock_diag: one inet_diag dump per address family, TCP only, states
 * ESTABLISHED..CLOSING, no extensions.  The kernel already reports request
 * sockets as SYN_RECV and timewait sockets by their substate, so
 * idiag_state is the state ss shows.  Counting happens while the replies
 * stream through one fixed buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "sources.h"

#define NL_BUFSIZE	32768	/* the kernel's largest dump skb fits */
#define NS_HINT		" (needs CAP_SYS_ADMIN)"

/* TCP_ESTABLISHED (1) .. TCP_CLOSING (11); not 12 nor 13. */
#define STATE_BITS	(((1U << (TCPSTAT_NSTATES + 1)) - 1) & ~1U)

struct dump {
	struct tcpstat_counts *counts;
	unsigned int bad_state;	/* first unexpected idiag_state + 1 */
};

static char nlbuf[NL_BUFSIZE] __attribute__((aligned(8)));

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m;
	struct dump *d = data;
	int i;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*m)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	m = mnl_nlmsg_get_payload(nlh);
	i = tcpstat_state_index(m->idiag_state);
	if (i < 0) {
		d->bad_state = m->idiag_state + 1U;
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	d->counts->n[i]++;
	return MNL_CB_OK;
}

static int request(struct mnl_socket *nl, uint8_t family, unsigned int seq)
{
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;

	nlh = mnl_nlmsg_put_header(nlbuf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_ext = 0;
	req->idiag_states = STATE_BITS;
	return mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

static int dump_family(struct mnl_socket *nl, uint8_t family, unsigned int seq,
		       struct dump *d, struct tcpstat_err *e)
{
	unsigned int portid = mnl_socket_get_portid(nl);
	const char *fam = family == AF_INET ? "AF_INET" : "AF_INET6";
	ssize_t n;
	int ret;

	if (request(nl, family, seq)) {
		err_set(e, EXIT_RUNTIME, "netlink: sock_diag %s request: %s",
			fam, strerror(errno));
		return EXIT_RUNTIME;
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl, nlbuf, sizeof(nlbuf));
		if (n < 0 && errno == EINTR)
			continue;
		ret = n < 0 ? MNL_CB_ERROR :
		      mnl_cb_run(nlbuf, (size_t)n, seq, portid, on_msg, d);
		if (ret <= MNL_CB_STOP)
			break;
	}
	if (ret == MNL_CB_STOP)
		return 0;
	if (d->bad_state)
		err_set(e, EXIT_RUNTIME, "netlink: sock_diag %s: unexpected state %u",
			fam, d->bad_state - 1);
	else
		err_set(e, EXIT_RUNTIME, "netlink: sock_diag %s dump: %s",
			fam, strerror(errno));
	return EXIT_RUNTIME;
}

int source_netlink_read(struct tcpstat_counts *out, struct tcpstat_err *e)
{
	struct tcpstat_counts counts;
	struct dump d = { .counts = &counts };
	struct mnl_socket *nl;
	unsigned int seq = (unsigned int)getpid();
	int ret;

	memset(&counts, 0, sizeof(counts));
	nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err_set(e, EXIT_RUNTIME, "netlink: NETLINK_SOCK_DIAG socket: %s",
			strerror(errno));
		if (nl)
			mnl_socket_close(nl);
		return EXIT_RUNTIME;
	}
	ret = dump_family(nl, AF_INET, seq, &d, e);
	if (!ret)
		ret = dump_family(nl, AF_INET6, seq + 1, &d, e);
	mnl_socket_close(nl);
	if (!ret)
		*out = counts;
	return ret;
}

static int enter_failed(const struct source_ctx *ctx, int err,
			const char *what, struct tcpstat_err *e)
{
	if (err == ENOENT && source_check_pid(ctx, e))
		return EXIT_RUNTIME;
	err_set(e, EXIT_RUNTIME,
		"--source netlink --pid %d: entering network namespace: %s%s%s",
		ctx->pid, what, strerror(err),
		err == EPERM || err == EACCES ? NS_HINT : "");
	return EXIT_RUNTIME;
}

int source_netlink_enter(const struct source_ctx *ctx, struct tcpstat_err *e)
{
	char path[PATH_MAX], what[PATH_MAX + 2];
	int fd, ret, err;

	if (!ctx->pid)
		return 0;
	if (proc_path(path, sizeof(path), ctx->proc_root, ctx->pid, "ns/net")) {
		err_set(e, EXIT_RUNTIME, "%s: path too long", ctx->proc_root);
		return EXIT_RUNTIME;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		snprintf(what, sizeof(what), "%s: ", path);
		return enter_failed(ctx, err, what, e);
	}
	ret = setns(fd, CLONE_NEWNET) ? enter_failed(ctx, errno, "", e) : 0;
	close(fd);
	return ret;
}
