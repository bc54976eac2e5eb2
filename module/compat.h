/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences tcpstat depends on, in one place.  The
 * TCPSTAT_HAVE_* flags come from the try-compile probes of module/probes.mk
 * (the files of module/probes/), each decided against the target tree so that a
 * wrong answer stops the build instead of compiling; this header is forced
 * into every compile with -include, after <linux/kconfig.h>.
 *
 * Only macros live here: this header comes before any kernel header, and
 * is expanded where the .c files use it.
 */
#ifndef TCPSTAT_COMPAT_H
#define TCPSTAT_COMPAT_H

/* The counts are proc files; without procfs the module means nothing. */
#if !IS_ENABLED(CONFIG_PROC_FS)
#error "tcpstat needs CONFIG_PROC_FS: every count it makes is a /proc file"
#endif
#if !IS_ENABLED(CONFIG_INET)
#error "tcpstat needs CONFIG_INET: it counts TCP sockets"
#endif

/*
 * The TCP hash tables a namespace uses.  From 6.1 a namespace may have its
 * own established hash (net.ipv4.tcp_child_ehash_entries); the listener
 * table stays shared by all namespaces.  tcp_hashinfo itself is not exported
 * on every kernel, so it is always reached through the namespace.
 * tcp_death_row is a pointer from 5.18 to 6.0.
 */
#ifdef TCPSTAT_HAVE_DEATH_ROW_PTR
#define tcpstat_hashinfo(net)	((net)->ipv4.tcp_death_row->hashinfo)
#else
#define tcpstat_hashinfo(net)	((net)->ipv4.tcp_death_row.hashinfo)
#endif

/*
 * The listener table, and how TCP listeners hang in one of its buckets.
 * Before 5.19 (and its stable backports) lhash2 exists too but links
 * listeners through a plain hlist_node (icsk_listen_portaddr_node): walking
 * it as a nulls list compiles and is wrong, so those kernels walk
 * listening_hash instead, whose buckets hold listeners on a plain list
 * (before 5.5) or on a nulls list (5.5 to 5.18, and 4.19.y/5.4.y).
 */
#ifdef TCPSTAT_HAVE_LISTENING_HASH
#define tcpstat_listen_table(h)	((h)->listening_hash)
#define tcpstat_listen_mask(h)	(ARRAY_SIZE((h)->listening_hash) - 1)
#else
#define tcpstat_listen_table(h)	((h)->lhash2)
#define tcpstat_listen_mask(h)	((h)->lhash2_mask)
#endif

#if !defined(TCPSTAT_HAVE_LISTENING_HASH) || defined(TCPSTAT_HAVE_LISTEN_NULLS)
#define tcpstat_listen_node	hlist_nulls_node
#define tcpstat_listen_empty(ilb)	hlist_nulls_empty(&(ilb)->nulls_head)
#define tcpstat_for_each_listener(sk, node, ilb) \
	sk_nulls_for_each(sk, node, &(ilb)->nulls_head)
#else
#define tcpstat_listen_node	hlist_node
#define tcpstat_listen_empty(ilb)	hlist_empty(&(ilb)->head)
#define tcpstat_for_each_listener(sk, node, ilb) \
	sk_for_each_safe(sk, node, &(ilb)->head)
#endif

/*
 * A file with its own open and release, read through seq_file: struct
 * proc_ops from 5.6, file_operations (and a module owner) before.  From
 * 5.10 the read goes through seq_read_iter(), which also serves splice()
 * and sendfile(); before 5.10 those fell back to .read by themselves.
 */
#ifdef TCPSTAT_HAVE_PROC_READ_ITER
#define TCPSTAT_PROC_READ	.proc_read_iter = seq_read_iter
#elif defined(TCPSTAT_HAVE_PROC_OPS)
#define TCPSTAT_PROC_READ	.proc_read = seq_read
#endif
#ifdef TCPSTAT_HAVE_PROC_OPS
#define tcpstat_proc_ops	proc_ops
#define TCPSTAT_PROC_OPS(open_, release_) {				\
	.proc_open = (open_), TCPSTAT_PROC_READ,			\
	.proc_lseek = seq_lseek, .proc_release = (release_),		\
}
#else
#define tcpstat_proc_ops	file_operations
#define TCPSTAT_PROC_OPS(open_, release_) {				\
	.owner = THIS_MODULE, .open = (open_), .read = seq_read,	\
	.llseek = seq_lseek, .release = (release_),			\
}
#endif

/*
 * Entries of a namespace's /proc/net are looked up again after setns()
 * for every entry from 5.18; before, only for those the kernel's per-net
 * helpers make (proc_create_net_data(), proc_create_net_single()), whose
 * fixed operations have no read_iter.  So the per-namespace files use our
 * own operations (splice() works) from 5.18, the helpers (re-lookup
 * works) before.  1 or 0.
 */
#ifdef TCPSTAT_HAVE_NET_RELOOKUP
#define TCPSTAT_OWN_NET_OPS	1
#else
#define TCPSTAT_OWN_NET_OPS	0
#endif

/*
 * A namespace reference held by an open file, kept in struct
 * seq_net_private as seq_open_net() keeps it: tracked by the refcount
 * tracker where the kernel has one (5.17).  The caller holds the
 * reference; these record it and drop it.
 */
#if !IS_ENABLED(CONFIG_NET_NS)
#define tcpstat_seq_net_hold(p, net_)	((void)(p), (void)(net_))
#define tcpstat_seq_net_put(p)		((void)(p), put_net(&init_net))
#elif defined(TCPSTAT_HAVE_NETNS_TRACKER)
#define tcpstat_seq_net_hold(p, net_)	do {				\
	struct seq_net_private *p__ = (p);				\
									\
	p__->net = (net_);						\
	netns_tracker_alloc(p__->net, &p__->ns_tracker, GFP_KERNEL);	\
} while (0)
#define tcpstat_seq_net_put(p)		do {				\
	struct seq_net_private *p__ = (p);				\
									\
	put_net_track(p__->net, &p__->ns_tracker);			\
} while (0)
#else
#define tcpstat_seq_net_hold(p, net_)	((p)->net = (net_))
#define tcpstat_seq_net_put(p)		put_net((p)->net)
#endif

/* The data of a proc entry: PDE_DATA() became pde_data() in 5.17. */
#ifdef TCPSTAT_HAVE_PDE_DATA_FN
#define tcpstat_pde_data(inode)	pde_data(inode)
#else
#define tcpstat_pde_data(inode)	PDE_DATA(inode)
#endif

/*
 * A namespace's cookie, which unlike its inode number is never reused:
 * a u64 set when the namespace is created, from 5.12.  Before, the
 * netns table has no cookie column.
 */
#ifdef TCPSTAT_HAVE_NET_COOKIE
#define TCPSTAT_HAVE_COOKIE	1
#define tcpstat_net_cookie(net)	((net)->net_cookie)
#else
#define TCPSTAT_HAVE_COOKIE	0
#define tcpstat_net_cookie(net)	((void)(net), 0ULL)
#endif

/*
 * A socket's drop count: an atomic_t until sk_drops_read() replaced it.
 * Both read it as an int; the kernel reports it as a u32 (sk_get_meminfo(),
 * %u in /proc/net/udp), wrapping at 2^32: so do we.
 */
#ifdef TCPSTAT_HAVE_SK_DROPS_READ
#define tcpstat_sk_drops(sk)	((u32)sk_drops_read(sk))
#else
#define tcpstat_sk_drops(sk)	((u32)atomic_read(&(sk)->sk_drops))
#endif

#endif /* TCPSTAT_COMPAT_H */
