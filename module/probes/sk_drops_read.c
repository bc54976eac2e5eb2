// SPDX-License-Identifier: GPL-2.0
/* A socket's drops read by sk_drops_read(), where the kernel has it. */
#include <net/sock.h>

unsigned int tcpstat_probe(const struct sock *sk);
unsigned int tcpstat_probe(const struct sock *sk)
{
	return sk_drops_read(sk);
}
