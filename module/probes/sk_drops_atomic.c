// SPDX-License-Identifier: GPL-2.0
/* A socket's drops as a plain atomic_t, read with atomic_read(). */
#include <net/sock.h>

int tcpstat_probe(struct sock *sk);
int tcpstat_probe(struct sock *sk)
{
	return atomic_read(&sk->sk_drops);
}
