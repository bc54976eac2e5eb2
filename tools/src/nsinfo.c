// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nsinfo.h"

/* A set of inode numbers, open addressing, grown as needed. */
struct inode_set {
	uint64_t *slot;		/* 0: empty (no namespace has inode 0) */
	size_t size;		/* a power of two */
	size_t n;
};

static int set_add(struct inode_set *s, uint64_t ino)
{
	size_t i;

	if (2 * (s->n + 1) > s->size) {
		struct inode_set bigger = { .size = s->size ? 2 * s->size : 64 };

		bigger.slot = calloc(bigger.size, sizeof(*bigger.slot));
		if (!bigger.slot)
			return -1;
		for (i = 0; i < s->size; i++)
			if (s->slot[i])
				set_add(&bigger, s->slot[i]);
		free(s->slot);
		*s = bigger;
	}
	for (i = (size_t)(ino * 0x9E3779B97F4A7C15ULL) & (s->size - 1);
	     s->slot[i]; i = (i + 1) & (s->size - 1))
		if (s->slot[i] == ino)
			return 0;
	s->slot[i] = ino;
	s->n++;
	return 1;
}

static int is_pid(const char *name)
{
	if (!*name)
		return 0;
	for (; *name; name++)
		if (*name < '0' || *name > '9')
			return 0;
	return 1;
}

/* The namespace inode of path, if it is one (st_dev of nsfs). */
static int ns_inode(const char *path, dev_t nsfs, uint64_t *ino)
{
	struct stat sb;

	if (stat(path, &sb) || sb.st_dev != nsfs)
		return -1;
	*ino = sb.st_ino;
	return 0;
}

/* The device of nsfs, from a namespace file we can always stat: our own. */
static int nsfs_dev(dev_t *dev)
{
	struct stat sb;

	if (stat("/proc/self/ns/net", &sb))
		return -1;
	*dev = sb.st_dev;
	return 0;
}

/*
 * Visit every namespace file: /proc/PID/ns/net in pid order, then
 * /run/netns/NAME in readdir order; visit gets the inode, the path, the
 * pid (0 for a name) and the name.
 */
static int walk(const char *proc_root,
		int (*visit)(void *arg, uint64_t ino, const char *path, int pid,
			     const char *name, struct tcpstat_err *e),
		void *arg, struct tcpstat_err *e)
{
	char path[PATH_MAX];
	struct dirent *d;
	uint64_t ino;
	dev_t nsfs;
	DIR *dir;
	int ret = 0;

	if (nsfs_dev(&nsfs)) {
		err_set(e, EXIT_RUNTIME, "/proc/self/ns/net: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	dir = opendir(proc_root);
	if (!dir) {
		err_set(e, EXIT_RUNTIME, "%s: %s", proc_root, strerror(errno));
		return EXIT_RUNTIME;
	}
	while (!ret && (d = readdir(dir))) {
		if (!is_pid(d->d_name) ||
		    snprintf(path, sizeof(path), "%s/%s/ns/net", proc_root,
			     d->d_name) >= (int)sizeof(path) ||
		    ns_inode(path, nsfs, &ino))
			continue;	/* gone, or not ours to see */
		ret = visit(arg, ino, path, atoi(d->d_name), NULL, e);
	}
	closedir(dir);
	dir = opendir(NETNS_RUN_DIR);
	while (!ret && dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR,
			     d->d_name) >= (int)sizeof(path) ||
		    ns_inode(path, nsfs, &ino))
			continue;
		ret = visit(arg, ino, path, 0, d->d_name, e);
	}
	if (dir)
		closedir(dir);
	return ret;
}

struct each_arg {
	struct inode_set seen;
	int (*fn)(void *arg, uint64_t inode, const char *path,
		  struct tcpstat_err *e);
	void *arg;
};

static int each_visit(void *p, uint64_t ino, const char *path, int pid,
		      const char *name, struct tcpstat_err *e)
{
	struct each_arg *a = p;
	int added = set_add(&a->seen, ino);

	(void)pid;
	(void)name;
	if (added < 0) {
		err_set(e, EXIT_RUNTIME, "out of memory");
		return EXIT_RUNTIME;
	}
	return added ? a->fn(a->arg, ino, path, e) : 0;
}

int nsinfo_each(const char *proc_root,
		int (*fn)(void *arg, uint64_t inode, const char *path,
			  struct tcpstat_err *e),
		void *arg, struct tcpstat_err *e)
{
	struct each_arg a = { .fn = fn, .arg = arg };
	int ret = walk(proc_root, each_visit, &a, e);

	free(a.seen.slot);
	return ret;
}

static struct netns_row *find(struct reading *r, uint64_t ino)
{
	size_t lo = 0, hi = r->nnetns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->netns[mid].netns == ino)
			return &r->netns[mid];
		if (r->netns[mid].netns < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void add_pid(struct netns_row *row, int pid)
{
	unsigned int i = row->npids;

	if (i == NETNS_PIDS_MAX && pid > row->pids[i - 1])
		return;
	if (i == NETNS_PIDS_MAX)
		i--;
	else
		row->npids++;
	for (; i > 0 && row->pids[i - 1] > pid; i--)
		row->pids[i] = row->pids[i - 1];
	row->pids[i] = pid;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_name(struct netns_row *row, const char *name)
{
	char **names = reallocarray(row->names, row->nnames + 1,
				    sizeof(*names));

	if (!names)
		return -1;
	row->names = names;
	names[row->nnames] = strdup(name);
	if (!names[row->nnames])
		return -1;
	row->nnames++;
	qsort(names, row->nnames, sizeof(*names), by_name);
	return 0;
}

static int annotate_visit(void *p, uint64_t ino, const char *path, int pid,
			  const char *name, struct tcpstat_err *e)
{
	struct netns_row *row = find(p, ino);

	(void)path;
	if (!row)
		return 0;	/* born after the reading */
	if (pid) {
		add_pid(row, pid);
		return 0;
	}
	if (add_name(row, name)) {
		err_set(e, EXIT_RUNTIME, "out of memory");
		return EXIT_RUNTIME;
	}
	return 0;
}

int nsinfo_annotate(const char *proc_root, struct reading *r,
		    struct tcpstat_err *e)
{
	return walk(proc_root, annotate_visit, r, e);
}
