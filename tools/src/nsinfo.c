// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "counters.h"
#include "nsinfo.h"
#include "owner.h"

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
static int walk(const struct source_ctx *ctx,
		int (*visit)(void *arg, uint64_t ino, const char *path, int pid,
			     const char *name, struct tcpstat_err *e),
		void *arg, struct tcpstat_err *e)
{
	const char *proc_root = ctx->proc_root;
	char path[PATH_MAX], run[PATH_MAX];
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
	if (rooted_path(run, sizeof(run), ctx->host_root, NETNS_RUN_DIR))
		return ret;
	dir = opendir(run);
	while (!ret && dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", run,
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

int nsinfo_each(const struct source_ctx *ctx,
		int (*fn)(void *arg, uint64_t inode, const char *path,
			  struct tcpstat_err *e),
		void *arg, struct tcpstat_err *e)
{
	struct each_arg a = { .fn = fn, .arg = arg };
	int ret = walk(ctx, each_visit, &a, e);

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

/* Pids of a namespace given to the owner's resolution, at most. */
#define OWNER_PIDS_MAX	256

/* A pid of a namespace row, for the owner's resolution. */
struct member {
	size_t row;
	int pid;
};

struct annotate {
	struct reading *r;
	struct member *members;
	size_t nmembers, cap;
	unsigned int *given;	/* per row: members kept */
};

static int annotate_visit(void *p, uint64_t ino, const char *path, int pid,
			  const char *name, struct tcpstat_err *e)
{
	struct annotate *a = p;
	struct netns_row *row = find(a->r, ino);
	size_t idx;

	(void)path;
	if (!row)
		return 0;	/* born after the reading */
	if (!pid) {
		if (add_name(row, name)) {
			err_set(e, EXIT_RUNTIME, "out of memory");
			return EXIT_RUNTIME;
		}
		return 0;
	}
	add_pid(row, pid);
	idx = (size_t)(row - a->r->netns);
	if (a->given[idx] == OWNER_PIDS_MAX)
		return 0;
	if (a->nmembers == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 256;
		struct member *m = reallocarray(a->members, cap, sizeof(*m));

		if (!m) {
			err_set(e, EXIT_RUNTIME, "out of memory");
			return EXIT_RUNTIME;
		}
		a->members = m;
		a->cap = cap;
	}
	a->members[a->nmembers++] = (struct member){ idx, pid };
	a->given[idx]++;
	return 0;
}

static char *keep(struct reading *r, const char *s, int *failed)
{
	char *d = reading_strdup(r, s);

	if (!d)
		*failed = 1;
	return d;
}

/* The owner resolved, copied into the reading's own strings. */
static int keep_owner(struct reading *r, struct netns_row *row,
		      const struct owner *o)
{
	struct netns_owner *w = &row->owner;
	int failed = 0;
	unsigned int i;

	w->kind = (int)o->kind;
	w->runtime = keep(r, o->runtime, &failed);
	w->id = keep(r, o->id, &failed);
	w->name = keep(r, o->name, &failed);
	w->pod_namespace = keep(r, o->pod_namespace, &failed);
	w->pod_name = keep(r, o->pod_name, &failed);
	w->pod_uid = keep(r, o->pod_uid, &failed);
	w->truncated = o->truncated;
	w->ncontainers = 0;
	if (o->ncontainers) {
		w->containers = calloc(o->ncontainers, sizeof(*w->containers));
		if (!w->containers)
			return -1;
	}
	for (i = 0; i < o->ncontainers; i++) {
		w->containers[i].name = keep(r, o->containers[i].name, &failed);
		w->containers[i].id = keep(r, o->containers[i].id, &failed);
		w->containers[i].runtime = keep(r, o->containers[i].runtime, &failed);
		w->ncontainers++;
	}
	row->have_owner = !failed;
	return failed ? -1 : 0;
}

static int by_row(const void *x, const void *y)
{
	const struct member *a = x, *b = y;

	if (a->row != b->row)
		return a->row < b->row ? -1 : 1;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

/* The processes' cgroups and the runtimes' files under the host root. */
static struct owner_ctx *owners;

/* Each namespace's owner, from its members; the host's is pid 1's. */
static int resolve_owners(const struct source_ctx *ctx, struct annotate *a,
			  struct tcpstat_err *e)
{
	static struct owner o;
	char path[PATH_MAX];
	uint64_t host = 0;
	size_t i, j;
	dev_t nsfs;

	if (!owners) {
		owners = owner_ctx_new(ctx->host_root);
		if (!owners) {
			err_set(e, EXIT_RUNTIME, "out of memory");
			return EXIT_RUNTIME;
		}
	}
	owner_ctx_reset(owners);
	if (!nsfs_dev(&nsfs) &&
	    !proc_path(path, sizeof(path), ctx->proc_root, 1, "ns/net"))
		ns_inode(path, nsfs, &host);
	if (a->nmembers)
		qsort(a->members, a->nmembers, sizeof(*a->members), by_row);
	for (i = 0; i < a->nmembers; i = j) {
		struct netns_row *row = &a->r->netns[a->members[i].row];

		memset(&o, 0, sizeof(o));
		for (j = i; j < a->nmembers && a->members[j].row == a->members[i].row; j++)
			if (row->netns != host &&
			    owner_add_pid(owners, &o, a->members[j].pid)) {
				err_set(e, EXIT_RUNTIME, "out of memory");
				return EXIT_RUNTIME;
			}
		if (row->netns == host)
			o.kind = OWNER_HOST;
		else
			owner_finish(owners, &o);
		if (keep_owner(a->r, row, &o)) {
			err_set(e, EXIT_RUNTIME, "out of memory");
			return EXIT_RUNTIME;
		}
	}
	return 0;
}

/* Each namespace's counters, through its lowest pid's /proc/PID/net. */
static void read_counters(const struct source_ctx *ctx, struct reading *r)
{
	struct source_ctx one = *ctx;
	struct tcpstat_err e;
	size_t i;

	for (i = 0; i < r->nnetns; i++) {
		struct netns_row *row = &r->netns[i];

		row->have_counters = 0;
		if (!row->npids)
			continue;
		one.pid = row->pids[0];
		row->have_counters = !counters_read(&one, &row->counters, &e);
	}
}

int nsinfo_annotate(const struct source_ctx *ctx, struct reading *r,
		    unsigned int flags, struct tcpstat_err *e)
{
	struct annotate a = { .r = r };
	int ret;

	a.given = calloc(r->nnetns + 1, sizeof(*a.given));
	if (!a.given) {
		err_set(e, EXIT_RUNTIME, "out of memory");
		return EXIT_RUNTIME;
	}
	ret = walk(ctx, annotate_visit, &a, e);
	if (!ret && (flags & NSINFO_OWNERS))
		ret = resolve_owners(ctx, &a, e);
	if (!ret && (flags & NSINFO_COUNTERS))
		read_counters(ctx, r);
	free(a.members);
	free(a.given);
	return ret;
}
