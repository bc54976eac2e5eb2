// SPDX-License-Identifier: GPL-2.0
/*
 * Every entry under a namespace's /proc/net is looked up again after
 * setns(): from 5.18 (7055197705709 "proc: fix dentry/inode
 * overinstantiating under /proc/${pid}/net" makes children of a
 * force-lookup directory force-lookup too).  The change is in
 * fs/proc/generic.c, which no header shows: this one probe goes by
 * version (checkpatch's LINUX_VERSION_CODE warning is expected here, and
 * ignored for the probes), and errs towards "no" on a stable tree that
 * took the fix,
 * where the module then uses the kernel's per-net helpers, which re-look
 * up their entries since 5.1 (1fde6f21d90f).
 */
#include <linux/version.h>

#if KERNEL_VERSION(5, 18, 0) > LINUX_VERSION_CODE
#error "per-net proc entries are not looked up again after setns() before 5.18"
#endif

int tcpstat_probe(void);
int tcpstat_probe(void)
{
	return 0;
}
