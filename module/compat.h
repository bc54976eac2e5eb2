/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences tcpstat depends on, in one place.  The TCPSTAT_HAVE_*
 * flags come from feature probes on the target tree's headers in
 * module/Kbuild; this header is forced into every compile with -include.
 */
#ifndef TCPSTAT_COMPAT_H
#define TCPSTAT_COMPAT_H

/*
 * Only macros live here: this header comes first in every compile, before
 * any kernel header, and is expanded where the .c files use it.
 */

/*
 * The TCP hash tables a namespace uses.  From 6.1 a namespace may have its
 * own established hash (net.ipv4.tcp_child_ehash_entries); the listener
 * table stays shared by all namespaces.  tcp_hashinfo itself is not exported
 * on every kernel, so it is always reached through the namespace.
 */
#ifdef TCPSTAT_HAVE_DEATH_ROW_PTR
#define tcpstat_hashinfo(net)	((net)->ipv4.tcp_death_row->hashinfo)
#else
#define tcpstat_hashinfo(net)	((net)->ipv4.tcp_death_row.hashinfo)
#endif

/*
 * The listener table, and how TCP listeners hang in one of its buckets.
 * Before 5.19 lhash2 exists too but links listeners through a plain
 * hlist_node (icsk_listen_portaddr_node): walking it as a nulls list
 * compiles and is wrong, so those kernels walk listening_hash instead.
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

#endif /* TCPSTAT_COMPAT_H */
