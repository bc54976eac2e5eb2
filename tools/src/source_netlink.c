// SPDX-License-Identifier: GPL-2.0
/*
 * sock_diag: inet_diag dumps of TCP sockets, IPv4 then IPv6, no
 * extensions.  The kernel already reports request sockets as SYN_RECV and
 * timewait sockets by their substate, so idiag_state is the state ss shows.
 * Counting happens while the replies stream through one fixed buffer.
 *
 * A dump that ends in an error (the int in NLMSG_DONE's payload, or an
 * NLMSG_ERROR) fails the reading; one the kernel flags as inconsistent
 * (NLM_F_DUMP_INTR, which libmnl reports as EINTR and stops at) is taken
 * again on a new socket, a few times, then fails: an interrupted dump is
 * never counted.
 *
 * Another namespace (--pid, --all-netns) is read by entering it just long
 * enough to create the socket, which stays in it: setns() there and back,
 * on the calling thread only; that needs CAP_SYS_ADMIN.
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

#include "nsinfo.h"
#include "sources.h"

#define NL_BUFSIZE	32768	/* the kernel's largest dump skb fits */
#define NL_TRIES	3	/* dumps taken again when interrupted */
#define NL_INTR		(-3)	/* a dump flagged NLM_F_DUMP_INTR */
#define NS_HINT		" (needs CAP_SYS_ADMIN)"

/* TCPSTAT_ESTABLISHED .. TCPSTAT_CLOSING; not 12 (NEW_SYN_RECV) nor 13. */
#define ALL_STATES	(((1U << (TCPSTAT_STATE_LAST + 1)) - 1) & \
			 ~((1U << TCPSTAT_STATE_FIRST) - 1))
#define LISTEN_ONLY	(1U << TCPSTAT_LISTEN)

enum what { COUNT_STATES, COUNT_FAMILY, COUNT_LISTENERS, COUNT_PORTS };

struct dump {
	enum what what;
	struct state_counts *counts;	/* COUNT_STATES, COUNT_FAMILY */
	struct reading *r;		/* COUNT_LISTENERS, COUNT_PORTS */
	unsigned int bad_state;		/* first unexpected idiag_state + 1 */
	int intr;
	int nomem;
};

static char nlbuf[NL_BUFSIZE] __attribute__((aligned(8)));

static int count_msg(struct dump *d, const struct inet_diag_msg *m)
{
	unsigned int st = m->idiag_state;
	struct port_row *row;

	if (!state_valid(st)) {
		d->bad_state = st + 1U;
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	switch (d->what) {
	case COUNT_STATES:
	case COUNT_FAMILY:
		d->counts->n[st]++;
		break;
	case COUNT_LISTENERS:
		row = ports_find(d->r, ntohs(m->id.idiag_sport));
		if (!row)
			row = reading_add_port(d->r, ntohs(m->id.idiag_sport));
		if (!row) {
			d->nomem = 1;
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		/* tcp_diag_get_info(): a listener's queue and its limit. */
		row->have = PORT_ACCEPT_MAX;
		row->listeners++;
		row->accept_queue += m->idiag_rqueue;
		row->accept_max += m->idiag_wqueue;
		row->c.n[st]++;
		break;
	case COUNT_PORTS:
		row = ports_find(d->r, ntohs(m->id.idiag_sport));
		if (row)
			row->c.n[st]++;
		break;
	}
	return MNL_CB_OK;
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		d->intr = 1;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct inet_diag_msg)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return count_msg(d, mnl_nlmsg_get_payload(nlh));
}

/* libmnl's default ignores the error a dump reports in its DONE. */
static int on_done(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	int err;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		d->intr = 1;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err)) {
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
		if (err < 0) {
			errno = -err;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_DONE] = on_done,
};

static int request(struct mnl_socket *nl, uint8_t family, unsigned int states,
		   unsigned int seq)
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
	req->idiag_states = states;
	return mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

/* One family's dump: 0, NL_INTR, or EXIT_RUNTIME with *e set. */
static int dump_family(struct mnl_socket *nl, uint8_t family,
		       unsigned int states, struct dump *d,
		       struct tcpstat_err *e)
{
	static unsigned int seq;
	unsigned int portid = mnl_socket_get_portid(nl);
	const char *fam = family == AF_INET ? "AF_INET" : "AF_INET6";
	ssize_t n;
	int ret;

	seq++;
	d->intr = 0;
	if (request(nl, family, states, seq)) {
		err_set(e, EXIT_RUNTIME, "netlink: sock_diag %s request: %s",
			fam, strerror(errno));
		return EXIT_RUNTIME;
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl, nlbuf, sizeof(nlbuf));
		if (n < 0 && errno == EINTR)
			continue;
		ret = n < 0 ? MNL_CB_ERROR :
		      mnl_cb_run2(nlbuf, (size_t)n, seq, portid, on_msg, d,
				  ctl_cb, NLMSG_MIN_TYPE);
		if (ret <= MNL_CB_STOP)
			break;
	}
	if (ret == MNL_CB_STOP)
		return d->intr ? NL_INTR : 0;
	if (n >= 0 && errno == EINTR)
		return NL_INTR;
	if (d->bad_state)
		err_set(e, EXIT_RUNTIME, "netlink: sock_diag %s: unexpected state %u",
			fam, d->bad_state - 1);
	else
		err_set(e, EXIT_RUNTIME, "netlink: sock_diag %s dump: %s",
			fam, strerror(errno));
	return EXIT_RUNTIME;
}

/*
 * A socket in the namespace nsfd (ours if -1), returning to homefd.  NULL
 * with *e set if that fails.
 */
static struct mnl_socket *nl_open(int nsfd, int homefd, const char *what,
				  struct tcpstat_err *e)
{
	struct mnl_socket *nl;
	int err;

	if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET)) {
		err = errno;
		err_set(e, EXIT_RUNTIME, "%s: entering network namespace: %s%s",
			what, strerror(err),
			err == EPERM || err == EACCES ? NS_HINT : "");
		return NULL;
	}
	nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	err = errno;
	if (nsfd >= 0 && setns(homefd, CLONE_NEWNET)) {
		/* Never go on reading from the wrong namespace. */
		err_set(e, EXIT_RUNTIME, "%s: returning to our own network namespace: %s",
			what, strerror(errno));
		if (nl)
			mnl_socket_close(nl);
		return NULL;
	}
	if (nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(nl);
		nl = NULL;
	}
	if (!nl)
		err_set(e, EXIT_RUNTIME, "netlink: NETLINK_SOCK_DIAG socket: %s",
			strerror(err));
	return nl;
}

/* Both families, states into counts (each family's own if fam != NULL). */
static int dump_both(struct mnl_socket *nl, struct dump *d,
		     unsigned int states, struct state_counts *fam,
		     struct tcpstat_err *e)
{
	static const uint8_t families[TCPSTAT_FAMILIES] = { AF_INET, AF_INET6 };
	unsigned int i;
	int ret;

	for (i = 0; i < TCPSTAT_FAMILIES; i++) {
		if (fam)
			d->counts = &fam[i];
		ret = dump_family(nl, families[i], states, d, e);
		if (ret)
			return ret;
	}
	return 0;
}

static int read_view(struct mnl_socket *nl, struct reading *r,
		     struct tcpstat_err *e)
{
	struct dump d = { .r = r };
	int ret;

	switch (r->view) {
	case VIEW_STATES:
		d.what = COUNT_STATES;
		d.counts = &r->states;
		return dump_both(nl, &d, ALL_STATES, NULL, e);
	case VIEW_FAMILIES:
		d.what = COUNT_FAMILY;
		return dump_both(nl, &d, ALL_STATES, r->fam, e);
	case VIEW_PORTS:
		d.what = COUNT_LISTENERS;
		ret = dump_both(nl, &d, LISTEN_ONLY, NULL, e);
		if (ret)
			return ret;
		d.what = COUNT_PORTS;
		ret = dump_both(nl, &d, ALL_STATES & ~LISTEN_ONLY, NULL, e);
		if (!ret)
			reading_sort(r);
		return ret;
	default:
		err_set(e, EXIT_RUNTIME, "netlink: no such view");
		return EXIT_RUNTIME;
	}
}

/* The namespace of --pid, opened once, and our own to come back to. */
static int open_pid_ns(struct source_ctx *ctx, struct tcpstat_err *e)
{
	char path[PATH_MAX];
	int err;

	if (!ctx->pid || ctx->nsfd >= 0)
		return 0;
	if (proc_path(path, sizeof(path), ctx->proc_root, ctx->pid, "ns/net")) {
		err_set(e, EXIT_RUNTIME, "%s: path too long", ctx->proc_root);
		return EXIT_RUNTIME;
	}
	ctx->nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (ctx->nsfd < 0) {
		err = errno;
		if (err == ENOENT && source_check_pid(ctx, e))
			return EXIT_RUNTIME;
		err_set(e, EXIT_RUNTIME,
			"--source netlink --pid %d: entering network namespace: %s: %s%s",
			ctx->pid, path, strerror(err),
			err == EPERM || err == EACCES ? NS_HINT : "");
		return EXIT_RUNTIME;
	}
	return 0;
}

static int open_home(struct source_ctx *ctx, struct tcpstat_err *e)
{
	if (ctx->homefd >= 0)
		return 0;
	ctx->homefd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ctx->homefd < 0) {
		err_set(e, EXIT_RUNTIME, "/proc/thread-self/ns/net: %s",
			strerror(errno));
		return EXIT_RUNTIME;
	}
	return 0;
}

/*
 * Read r->view in namespace nsfd (ours if -1); an interrupted dump is taken
 * again on a new socket (the rest of the old one's is never read).
 */
static int read_in(struct source_ctx *ctx, int nsfd, const char *what,
		   struct reading *r, struct tcpstat_err *e)
{
	struct mnl_socket *nl;
	unsigned int tries;
	int ret = NL_INTR;

	if (nsfd >= 0 && open_home(ctx, e))
		return EXIT_RUNTIME;
	for (tries = 0; tries < NL_TRIES && ret == NL_INTR; tries++) {
		nl = nl_open(nsfd, ctx->homefd, what, e);
		if (!nl)
			return EXIT_RUNTIME;
		reading_reset(r, r->view);
		ret = read_view(nl, r, e);
		mnl_socket_close(nl);
	}
	if (ret == NL_INTR) {
		err_set(e, EXIT_RUNTIME,
			"netlink: sock_diag dump inconsistent (NLM_F_DUMP_INTR) %d times in a row",
			NL_TRIES);
		ret = EXIT_RUNTIME;
	}
	return ret;
}

/* --all-netns: every namespace found, entered in turn, both families. */
struct netns_arg {
	struct source_ctx *ctx;
	struct reading *r;
};

/* The namespace's listening ports, each added to the reading with it. */
static int ports_of(struct netns_arg *a, int fd, const char *what,
		    uint64_t inode, struct tcpstat_err *e)
{
	struct reading ports = { .view = VIEW_PORTS };
	struct port_row *p;
	size_t i;
	int ret;

	ret = read_in(a->ctx, fd, what, &ports, e);
	for (i = 0; !ret && i < ports.nports; i++) {
		p = reading_add_port(a->r, ports.ports[i].port);
		if (!p) {
			err_set(e, EXIT_RUNTIME, "out of memory");
			ret = EXIT_RUNTIME;
			break;
		}
		*p = ports.ports[i];
		p->netns = inode;
	}
	reading_free(&ports);
	return ret;
}

static int one_netns(void *p, uint64_t inode, const char *path,
		     struct tcpstat_err *e)
{
	struct netns_arg *a = p;
	struct reading one = { .view = VIEW_FAMILIES };
	struct netns_row *row;
	char what[PATH_MAX + 64];
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* gone meanwhile */
	snprintf(what, sizeof(what), "--all-netns --source netlink: %s", path);
	ret = read_in(a->ctx, fd, what, &one, e);
	if (!ret && a->r->netns_ports)
		ret = ports_of(a, fd, what, inode, e);
	close(fd);
	if (ret)
		return ret;
	row = reading_add_netns(a->r, inode);
	if (!row) {
		err_set(e, EXIT_RUNTIME, "out of memory");
		return EXIT_RUNTIME;
	}
	memcpy(row->fam, one.fam, sizeof(row->fam));
	return 0;
}

static int netlink_read(struct source_ctx *ctx, struct reading *r,
			struct tcpstat_err *e)
{
	struct netns_arg a = { .ctx = ctx, .r = r };
	char what[64];
	int ret;

	if (r->view == VIEW_NETNS) {
		ret = nsinfo_each(ctx, one_netns, &a, e);
		if (!ret) {
			reading_sort(r);
			reading_link_ports(r);
		}
		return ret;
	}
	ret = open_pid_ns(ctx, e);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "--source netlink --pid %d", ctx->pid);
	return read_in(ctx, ctx->nsfd, what, r, e);
}

int source_netlink_check(struct source_ctx *ctx, struct tcpstat_err *e)
{
	struct mnl_socket *nl;
	char what[64];

	if (open_pid_ns(ctx, e) || (ctx->nsfd >= 0 && open_home(ctx, e)))
		return EXIT_RUNTIME;
	snprintf(what, sizeof(what), "--source netlink --pid %d", ctx->pid);
	nl = nl_open(ctx->nsfd, ctx->homefd, what, e);
	if (!nl)
		return EXIT_RUNTIME;
	mnl_socket_close(nl);
	return 0;
}

const struct source_ops source_netlink_ops = {
	.name = "netlink",
	.views = 1U << VIEW_STATES | 1U << VIEW_FAMILIES | 1U << VIEW_PORTS |
		 1U << VIEW_NETNS,
	.read = netlink_read,
};
