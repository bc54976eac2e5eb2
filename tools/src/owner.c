// SPDX-License-Identifier: GPL-2.0
/*
 * Who owns a network namespace, from files only: the cgroups of its
 * processes (HOSTROOT/proc/PID/cgroup), the kubelet's log directories, and
 * the state files of Docker and containers/storage.  doc/owners.md lists
 * the layouts and where each comes from.
 *
 * Everything read here is untrusted text: each string is bounded to its
 * field, ids are taken only as 64 lowercase hex digits, names are compared
 * whole (a name cut to fit never matches), and JSON is read with libyaml's
 * event parser, at most JSON_MAX bytes of a file.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "owner.h"
#include "util.h"

#define ID_LEN		64
#define UID_MAX_LEN	36
#define CGROUP_LINE_MAX	16384		/* a longer line is skipped */
#define CGROUP_FILE_MAX	(1 << 20)	/* bytes read of one cgroup file */
#define PARTS_MAX	128		/* path components looked at */
#define JSON_MAX	(64 << 20)	/* a larger state file is refused */
#define JSON_DEPTH	4		/* levels whose keys are tracked */

/* ------------------------------------------------------------------ */
/* Strings. */

struct str {
	const char *s;
	size_t len;
};

static int str_is(struct str a, const char *b)
{
	size_t n = strlen(b);

	return a.len == n && !memcmp(a.s, b, n);
}

static int str_starts(struct str a, const char *p)
{
	size_t n = strlen(p);

	return a.len >= n && !memcmp(a.s, p, n);
}

static int str_ends(struct str a, const char *p)
{
	size_t n = strlen(p);

	return a.len >= n && !memcmp(a.s + a.len - n, p, n);
}

/* Copy s[0..len) into dst, cut to fit: 1 if it was cut. */
static int copy_str(char *dst, size_t size, const char *s, size_t len)
{
	size_t n = len < size - 1 ? len : size - 1;

	memcpy(dst, s, n);
	dst[n] = '\0';
	return n < len;
}

#define COPY(dst, s, len) copy_str((dst), sizeof(dst), (s), (len))

static int is_hex_id(const char *s, size_t len)
{
	size_t i;

	if (len != ID_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/*
 * A pod UID: a UUID from the API server, or 32 hex digits for a static
 * pod.  With systemd's names its '-' are '_' (systemd = 1).
 */
static int take_uid(char *dst, const char *s, size_t len, int systemd)
{
	size_t i;

	if (!len || len > UID_MAX_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (systemd && ch == '_')
			ch = '-';
		else if (ch == '-' && systemd)
			return 0;
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || ch == '-'))
			return 0;
		dst[i] = ch;
	}
	dst[len] = '\0';
	return 1;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A systemd unit name's \xHH escapes undone into dst; 0 if one is NUL. */
static int unescape_unit(char *dst, size_t size, const char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 1 < size; i++) {
		int hi, lo;

		if (s[i] == '\\' && i + 3 < len && s[i + 1] == 'x' &&
		    (hi = hexval(s[i + 2])) >= 0 && (lo = hexval(s[i + 3])) >= 0) {
			if (!hi && !lo)
				return 0;
			dst[o++] = (char)(hi << 4 | lo);
			i += 3;
		} else {
			dst[o++] = s[i];
		}
	}
	dst[o] = '\0';
	return 1;
}

/* ------------------------------------------------------------------ */
/* The context and its per-reading caches. */

struct pod_dir {
	char uid[UID_MAX_LEN + 1];
	char ns[64];
	char name[254];
	char dir[256];
};

struct log_link {
	char id[ID_LEN + 1];
	char pod[254];
	char ns[64];
	char container[64];
	unsigned char cut;	/* a name was cut to fit: never compared */
};

struct storage_name {
	char id[ID_LEN + 1];
	char name[256];
	size_t order;
};

/* What the runtimes' directories say of one id. */
#define ID_CRI_DONE	0x01
#define ID_CRI_CTR	0x02	/* containerd's CRI made it a container */
#define ID_CRI_SANDBOX	0x04	/* ... a pod sandbox */
#define ID_DOCKER_DONE	0x08
#define ID_DOCKER	0x10	/* /var/lib/docker/containers/ID exists */
#define ID_NAME_DONE	0x20

struct id_info {
	char id[ID_LEN + 1];	/* "" for a free slot */
	unsigned char flags;
	char docker_name[256];
};

struct owner_ctx {
	char *root;		/* without a trailing '/': "" for "/" */
	char *proc;		/* root + "/proc" */
	char *line;		/* CGROUP_LINE_MAX bytes */

	int pods_loaded;
	struct pod_dir *pods;
	size_t npods;

	int links_loaded, links_ok;
	struct log_link *links;
	size_t nlinks;

	int storage_loaded;
	struct storage_name *storage;
	size_t nstorage, storage_cap;

	struct id_info *ids;	/* open addressing */
	size_t ids_size, nids;

	struct owner_stats stats;
};

static int host_path(const struct owner_ctx *c, char *buf, size_t size,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int host_path(const struct owner_ctx *c, char *buf, size_t size,
		     const char *fmt, ...)
{
	size_t n = strlen(c->root);
	va_list ap;
	int m;

	if (n >= size)
		return -1;
	memcpy(buf, c->root, n);
	va_start(ap, fmt);
	m = vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
	return m < 0 || (size_t)m >= size - n ? -1 : 0;
}

struct owner_ctx *owner_ctx_new(const char *host_root)
{
	struct owner_ctx *c = calloc(1, sizeof(*c));
	size_t n;

	if (!c)
		return NULL;
	if (!host_root || !*host_root)
		host_root = "/";
	n = strlen(host_root);
	while (n && host_root[n - 1] == '/')
		n--;
	c->root = strndup(host_root, n);
	c->line = malloc(CGROUP_LINE_MAX);
	if (c->root && asprintf(&c->proc, "%s/proc", c->root) < 0)
		c->proc = NULL;
	if (!c->root || !c->proc || !c->line) {
		owner_ctx_free(c);
		return NULL;
	}
	return c;
}

void owner_ctx_reset(struct owner_ctx *c)
{
	free(c->pods);
	free(c->links);
	free(c->storage);
	free(c->ids);
	c->pods = NULL;
	c->links = NULL;
	c->storage = NULL;
	c->ids = NULL;
	c->npods = c->nlinks = c->nstorage = c->storage_cap = 0;
	c->ids_size = c->nids = 0;
	c->pods_loaded = c->links_loaded = c->links_ok = c->storage_loaded = 0;
}

void owner_ctx_free(struct owner_ctx *c)
{
	if (!c)
		return;
	owner_ctx_reset(c);
	free(c->root);
	free(c->proc);
	free(c->line);
	free(c);
}

void owner_ctx_stats(const struct owner_ctx *c, struct owner_stats *s)
{
	*s = c->stats;
}


/* ------------------------------------------------------------------ */
/* One cgroup path, classified. */

enum cls_kind { CLS_NONE, CLS_HOST, CLS_POD, CLS_CONTAINER, CLS_UNIT };

struct cls {
	enum cls_kind kind;
	char uid[UID_MAX_LEN + 1];	/* pod */
	char id[ID_LEN + 1];		/* pod, container: "" if none */
	char runtime[16];		/* pod, container */
	char name[256];			/* container (lxc, nspawn), unit */
};

/*
 * The components of path, but "", "." and "..".  A path seen from another
 * cgroup namespace (a reader in a container) starts with "..": *foreign
 * says so.
 */
static size_t split_path(const char *s, size_t len, struct str *parts,
			 int *foreign)
{
	size_t i = 0, n = 0;

	*foreign = 0;
	while (i < len && n < PARTS_MAX) {
		size_t j = i;

		while (j < len && s[j] != '/')
			j++;
		if (j - i == 2 && s[i] == '.' && s[i + 1] == '.')
			*foreign = 1;
		else if (j > i && !(j - i == 1 && s[i] == '.'))
			parts[n++] = (struct str){ s + i, j - i };
		i = j + 1;
	}
	return n;
}

/* PREFIX<64 hex>SUFFIX: the id into id. */
static int id_between(struct str c, const char *prefix, const char *suffix,
		      char *id)
{
	size_t p = strlen(prefix), q = strlen(suffix);

	if (c.len != p + ID_LEN + q || !str_starts(c, prefix) ||
	    !str_ends(c, suffix) || !is_hex_id(c.s + p, ID_LEN))
		return 0;
	memcpy(id, c.s + p, ID_LEN);
	id[ID_LEN] = '\0';
	return 1;
}

/* A systemd-driver pod slice, "...kubepods...-pod<UID, - as _>.slice". */
static int pod_slice(struct str c, char *uid)
{
	struct str stem = { c.s, c.len };
	size_t dash;

	if (!str_ends(c, ".slice"))
		return 0;
	stem.len -= 6;
	for (dash = stem.len; dash > 0 && stem.s[dash - 1] != '-'; dash--)
		;
	if (!dash || stem.len - dash < 4 || memcmp(stem.s + dash, "pod", 3) ||
	    !memmem(stem.s, dash - 1, "kubepods", 8))
		return 0;
	return take_uid(uid, stem.s + dash + 3, stem.len - dash - 3, 1);
}

/* The container of a pod, the component below the pod's. */
static void pod_container(struct str c, struct cls *k)
{
	static const struct { const char *prefix, *suffix, *runtime; } scopes[] = {
		{ "cri-containerd-", ".scope", "containerd" },
		{ "crio-", ".scope", "cri-o" },
		{ "crio-", "", "cri-o" },		/* CRI-O, cgroupfs */
		{ "docker-", ".scope", "docker" },	/* cri-dockerd */
		{ "", "", "" },				/* cgroupfs: the id */
	};
	size_t i;

	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (id_between(c, scopes[i].prefix, scopes[i].suffix, k->id)) {
			strcpy(k->runtime, scopes[i].runtime);
			return;
		}
}

/* A containerd namespace name: [A-Za-z0-9]+ joined by '.', '_' or '-'. */
static int containerd_ns(struct str c)
{
	size_t i;

	if (!c.len || c.len > 76)
		return 0;
	for (i = 0; i < c.len; i++) {
		char ch = c.s[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9'))
			continue;
		if ((ch != '.' && ch != '_' && ch != '-') || !i || i + 1 == c.len)
			return 0;
	}
	return !str_is(c, "docker") && !str_is(c, "kubepods") &&
	       !str_is(c, "lxc") && !str_is(c, "libpod_parent");
}

static int set_container(struct cls *k, const char *runtime)
{
	k->kind = CLS_CONTAINER;
	strcpy(k->runtime, runtime);
	return 1;
}

/* Component i of p as a container outside Kubernetes. */
static int container_part(const struct str *p, size_t n, size_t i, struct cls *k)
{
	static const struct { const char *prefix, *suffix, *runtime; } scopes[] = {
		{ "docker-", ".scope", "docker" },
		{ "libpod-", ".scope", "podman" },
		{ "libpod-", "", "podman" },		/* cgroupfs */
		{ "libpod-payload-", "", "podman" },	/* --cgroups=split */
		{ "cri-containerd-", ".scope", "containerd" },
		{ "nerdctl-", ".scope", "containerd" },
		{ "crio-", ".scope", "cri-o" },
		{ "crio-", "", "cri-o" },
	};
	struct str c = p[i];
	size_t j;

	for (j = 0; j < sizeof(scopes) / sizeof(scopes[0]); j++)
		if (id_between(c, scopes[j].prefix, scopes[j].suffix, k->id))
			return set_container(k, scopes[j].runtime);
	if (i + 1 < n && str_is(c, "docker") && is_hex_id(p[i + 1].s, p[i + 1].len)) {
		COPY(k->id, p[i + 1].s, p[i + 1].len);
		return set_container(k, "docker");
	}
	/* containerd's default, /<containerd namespace>/<id> (ctr, nerdctl). */
	if (i == 0 && n >= 2 && containerd_ns(c) && is_hex_id(p[1].s, p[1].len)) {
		COPY(k->id, p[1].s, p[1].len);
		return set_container(k, "containerd");
	}
	if (str_starts(c, "lxc.payload.") && c.len > 12) {
		COPY(k->name, c.s + 12, c.len - 12);
		return set_container(k, "lxc");
	}
	if (i + 1 < n && str_is(c, "lxc")) {
		COPY(k->name, p[i + 1].s, p[i + 1].len);
		return set_container(k, "lxc");
	}
	if (str_starts(c, "systemd-nspawn@") && str_ends(c, ".service") &&
	    c.len > 15 + 8 && unescape_unit(k->name, sizeof(k->name), c.s + 15,
					    c.len - 15 - 8))
		return set_container(k, "systemd-nspawn");
	if (str_starts(c, "machine-") && str_ends(c, ".scope") && c.len > 8 + 6 &&
	    unescape_unit(k->name, sizeof(k->name), c.s + 8, c.len - 8 - 6))
		return set_container(k, "systemd-nspawn");
	return 0;
}

static void classify(const char *path, size_t len, struct cls *k)
{
	struct str p[PARTS_MAX];
	int foreign;
	size_t n = split_path(path, len, p, &foreign), i, kubepods = n;

	memset(k, 0, sizeof(*k));
	if (!n || (n == 1 && str_is(p[0], "init.scope"))) {
		k->kind = CLS_HOST;
		return;
	}
	/*
	 * cgroupfs' pod<UID> counts under kubepods/; in a path seen from
	 * another cgroup namespace, kubepods/ and the QoS class may be above
	 * where the path parts from the reader's (a DaemonSet's container
	 * sees its neighbours as ../../pod<UID>/<id>): there, anywhere.
	 */
	for (i = 0; i < n; i++) {
		if (kubepods == n && str_is(p[i], "kubepods"))
			kubepods = i;
		if (pod_slice(p[i], k->uid) ||
		    ((kubepods < i || (foreign && kubepods == n)) &&
		     p[i].len > 3 && !memcmp(p[i].s, "pod", 3) &&
		     take_uid(k->uid, p[i].s + 3, p[i].len - 3, 0))) {
			k->kind = CLS_POD;
			if (i + 1 < n)
				pod_container(p[i + 1], k);
			return;
		}
	}
	for (i = 0; i < n; i++)
		if (container_part(p, n, i, k))
			return;
	memset(k->id, 0, sizeof(k->id));
	memset(k->name, 0, sizeof(k->name));
	for (i = n; i-- > 0;)
		if (str_ends(p[i], ".service") && p[i].len > 8) {
			k->kind = CLS_UNIT;
			COPY(k->name, p[i].s, p[i].len);
			return;
		}
}

/* ------------------------------------------------------------------ */
/* /proc/PID/cgroup. */

struct cgroup_pick {
	struct cls v2, systemd, first, pod;
	unsigned int have_v2 : 1, have_systemd : 1, have_first : 1, have_pod : 1;
};

/* "HIER:CONTROLLERS:PATH" (the path may hold ':'). */
static void cgroup_line(struct cgroup_pick *pk, const char *s, size_t len)
{
	const char *c1 = memchr(s, ':', len), *c2;
	struct str ctl;
	struct cls k;

	if (!c1)
		return;
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s));
	if (!c2 || c2 + 1 == s + len || c2[1] != '/')
		return;
	ctl = (struct str){ c1 + 1, (size_t)(c2 - c1 - 1) };
	classify(c2 + 1, len - (size_t)(c2 + 1 - s), &k);
	if (k.kind == CLS_POD && !pk->have_pod) {
		pk->pod = k;
		pk->have_pod = 1;
	}
	if (c1 - s == 1 && *s == '0' && !ctl.len) {
		if (!pk->have_v2) {
			pk->v2 = k;
			pk->have_v2 = 1;
		}
	} else if (str_is(ctl, "name=systemd")) {
		if (!pk->have_systemd) {
			pk->systemd = k;
			pk->have_systemd = 1;
		}
	} else if (!pk->have_first) {
		pk->first = k;
		pk->have_first = 1;
	}
}

/*
 * The cgroup of pid: v2's "0::" line, or v1's name=systemd line, else the
 * first controller's; any line in a pod makes it that pod.  -1 if the file
 * cannot be read or has no usable line.
 */
static int read_cgroup(struct owner_ctx *c, int pid, struct cls *out)
{
	struct cgroup_pick pk;
	char path[4096];
	size_t have = 0, total = 0;
	int fd, skipping = 0;

	if (pid <= 0 || proc_path(path, sizeof(path), c->proc, pid, "cgroup"))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	c->stats.cgroup_files++;
	memset(&pk, 0, sizeof(pk));
	for (;;) {
		ssize_t n = read(fd, c->line + have, CGROUP_LINE_MAX - have);
		size_t start = 0;
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 && have && !skipping)
				cgroup_line(&pk, c->line, have);
			break;
		}
		have += (size_t)n;
		total += (size_t)n;
		while ((nl = memchr(c->line + start, '\n', have - start))) {
			if (!skipping)
				cgroup_line(&pk, c->line + start,
					    (size_t)(nl - (c->line + start)));
			skipping = 0;
			start = (size_t)(nl + 1 - c->line);
		}
		memmove(c->line, c->line + start, have - start);
		have -= start;
		if (have == CGROUP_LINE_MAX) {
			skipping = 1;	/* too long: up to its newline */
			have = 0;
		}
		if (total >= CGROUP_FILE_MAX)
			break;
	}
	close(fd);
	if (pk.have_systemd)
		*out = pk.systemd;
	else if (pk.have_v2)
		*out = pk.v2;
	else if (pk.have_first)
		*out = pk.first;
	else
		return -1;
	if (out->kind != CLS_POD && pk.have_pod)
		*out = pk.pod;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Folding pids. */

/* containers[] index of this container, added if new; -1 if full. */
static int add_container(struct owner *o, const struct cls *k)
{
	struct owner_container *ct;
	char name[sizeof(ct->name)];
	unsigned int i;

	COPY(name, k->name, strlen(k->name));
	for (i = 0; i < o->ncontainers; i++) {
		ct = &o->containers[i];
		if (strcmp(ct->runtime, k->runtime))
			continue;
		if (k->id[0] ? !strcmp(ct->id, k->id) : !ct->id[0] && !strcmp(ct->name, name))
			return (int)i;
	}
	if (o->ncontainers == OWNER_CONTAINERS_MAX) {
		o->acc.dropped++;
		return -1;
	}
	ct = &o->containers[o->ncontainers];
	memset(ct, 0, sizeof(*ct));
	strcpy(ct->id, k->id);
	strcpy(ct->runtime, k->runtime);
	strcpy(ct->name, name);
	return (int)o->ncontainers++;
}

int owner_add_pid(struct owner_ctx *c, struct owner *o, int pid)
{
	struct owner_acc *a = &o->acc;
	struct cls k;
	int i;

	if (read_cgroup(c, pid, &k))
		return 0;	/* gone, or not ours to read */
	a->pids++;
	switch (k.kind) {
	case CLS_HOST:
		a->host++;
		break;
	case CLS_UNIT:
		if (!a->units) {
			strcpy(a->unit, k.name);
			a->units = 1;
		}
		if (!strcmp(a->unit, k.name))
			a->in_unit++;
		else
			a->units = 2;
		break;
	case CLS_POD:
		if (!o->pod_uid[0])
			strcpy(o->pod_uid, k.uid);
		if (strcmp(o->pod_uid, k.uid)) {
			a->other_pod++;
			break;
		}
		a->pod_pids++;
		if (k.id[0] && (i = add_container(o, &k)) >= 0)
			a->pod_mask |= 1u << i;
		break;
	case CLS_CONTAINER:
		i = add_container(o, &k);
		if (i >= 0 && (!a->first_pid || pid < a->first_pid)) {
			a->first_pid = pid;
			a->first = (unsigned int)i;
			strcpy(o->runtime, k.runtime);
			strcpy(o->id, k.id);
			strcpy(o->name, k.name);
		}
		break;
	case CLS_NONE:
		break;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Directory listings. */

/* Call fn for each entry of HOSTROOT/rel but "." names; -1 if unreadable. */
static int list_dir(struct owner_ctx *c, const char *rel,
		    int (*fn)(void *arg, const struct dirent *d), void *arg)
{
	char path[4096];
	struct dirent *d;
	DIR *dir;
	int ret = 0;

	if (host_path(c, path, sizeof(path), "/%s", rel))
		return -1;
	dir = opendir(path);
	if (!dir)
		return -1;
	c->stats.dir_lists++;
	while (!ret && (d = readdir(dir)))
		if (d->d_name[0] != '.')
			ret = fn(arg, d);
	closedir(dir);
	return ret;
}

static int maybe_dir(const struct dirent *d)
{
	return d->d_type == DT_DIR || d->d_type == DT_UNKNOWN;
}

/*
 * base (of *cap elements of sz bytes) able to hold n + 1: base, or its
 * reallocation; NULL if out of memory, base then unchanged.
 */
static void *grow(void *base, size_t *cap, size_t n, size_t sz)
{
	size_t want;
	void *p;

	if (n < *cap)
		return base;
	want = *cap ? 2 * *cap : 64;
	p = reallocarray(base, want, sz);
	if (p)
		*cap = want;
	return p;
}

struct pods_arg {
	struct owner_ctx *c;
	size_t cap;
};

/* /var/log/pods/<namespace>_<name>_<uid>. */
static int pods_entry(void *p, const struct dirent *d)
{
	struct pods_arg *a = p;
	struct owner_ctx *c = a->c;
	const char *s = d->d_name, *first, *last;
	struct pod_dir *pd;
	size_t len = strlen(s);

	if (!maybe_dir(d))
		return 0;
	first = strchr(s, '_');
	last = strrchr(s, '_');
	if (!first || first == s || last - first < 2 || !last[1])
		return 0;
	pd = grow(c->pods, &a->cap, c->npods, sizeof(*c->pods));
	if (!pd)
		return -1;
	c->pods = pd;
	pd += c->npods;
	if (!take_uid(pd->uid, last + 1, len - (size_t)(last + 1 - s), 0))
		return 0;
	COPY(pd->ns, s, (size_t)(first - s));
	COPY(pd->name, first + 1, (size_t)(last - first - 1));
	COPY(pd->dir, s, len);
	c->npods++;
	return 0;
}

static int by_uid(const void *a, const void *b)
{
	const struct pod_dir *x = a, *y = b;
	int r = strcmp(x->uid, y->uid);

	return r ? r : strcmp(x->dir, y->dir);
}

static void load_pods(struct owner_ctx *c)
{
	struct pods_arg a = { c, 0 };

	if (c->pods_loaded)
		return;
	c->pods_loaded = 1;
	if (list_dir(c, "var/log/pods", pods_entry, &a) < 0 && c->npods == 0)
		return;
	if (c->npods)
		qsort(c->pods, c->npods, sizeof(*c->pods), by_uid);
}

static const struct pod_dir *find_pod(struct owner_ctx *c, const char *uid)
{
	size_t lo = 0, hi;

	load_pods(c);
	hi = c->npods;
	/* The first of equal uids: a forged twin does not win by order. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->pods[mid].uid, uid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->npods && !strcmp(c->pods[lo].uid, uid) ? &c->pods[lo] : NULL;
}

struct links_arg {
	struct owner_ctx *c;
	size_t cap;
};

/* /var/log/containers/<pod>_<namespace>_<container>-<id>.log */
static int links_entry(void *p, const struct dirent *d)
{
	struct links_arg *a = p;
	struct owner_ctx *c = a->c;
	const char *s = d->d_name, *u1, *u2, *dash;
	struct log_link *l;
	size_t len = strlen(s);

	if (len < 4 + ID_LEN + 1 || memcmp(s + len - 4, ".log", 4))
		return 0;
	len -= 4;
	dash = s + len - ID_LEN - 1;
	if (*dash != '-' || !is_hex_id(dash + 1, ID_LEN))
		return 0;
	u1 = memchr(s, '_', (size_t)(dash - s));
	u2 = u1 ? memchr(u1 + 1, '_', (size_t)(dash - u1 - 1)) : NULL;
	if (!u1 || u1 == s || !u2 || u2 == u1 + 1 || u2 + 1 == dash ||
	    memchr(u2 + 1, '_', (size_t)(dash - u2 - 1)))
		return 0;
	l = grow(c->links, &a->cap, c->nlinks, sizeof(*c->links));
	if (!l)
		return -1;
	c->links = l;
	l += c->nlinks++;
	COPY(l->id, dash + 1, ID_LEN);
	l->cut = (unsigned char)(COPY(l->pod, s, (size_t)(u1 - s)) |
				 COPY(l->ns, u1 + 1, (size_t)(u2 - u1 - 1)) |
				 COPY(l->container, u2 + 1, (size_t)(dash - u2 - 1)));
	return 0;
}

static int by_link_id(const void *a, const void *b)
{
	const struct log_link *x = a, *y = b;

	return strcmp(x->id, y->id);
}

static void load_links(struct owner_ctx *c)
{
	struct links_arg a = { c, 0 };

	if (c->links_loaded)
		return;
	c->links_loaded = 1;
	c->links_ok = list_dir(c, "var/log/containers", links_entry, &a) == 0;
	if (c->nlinks)
		qsort(c->links, c->nlinks, sizeof(*c->links), by_link_id);
}

static const struct log_link *find_link(struct owner_ctx *c, const char *id)
{
	struct log_link key;

	load_links(c);
	if (!c->nlinks)
		return NULL;
	strcpy(key.id, id);
	return bsearch(&key, c->links, c->nlinks, sizeof(*c->links), by_link_id);
}

/* ------------------------------------------------------------------ */
/* JSON state files, with libyaml's event parser. */

struct json_in {
	int fd;
	size_t read;
	int too_big;
};

static int json_read(void *data, unsigned char *buf, size_t size, size_t *got)
{
	struct json_in *in = data;
	ssize_t n;

	if (in->read > JSON_MAX) {
		in->too_big = 1;
		return 0;
	}
	do
		n = read(in->fd, buf, size);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return 0;
	in->read += (size_t)n;
	*got = (size_t)n;
	return 1;
}

/* Where the parser is: the open collections and their keys. */
struct json_walk {
	unsigned int depth;	/* collections open */
	struct {
		unsigned char map, want_key;
		char key[16];		/* map: the current key, "" if long */
		unsigned long index;	/* sequence: the current item */
	} lv[JSON_DEPTH + 1];
};

/* Return 1 to stop. */
typedef int (*json_fn)(void *arg, const struct json_walk *w, const yaml_event_t *e);

static void json_value_done(struct json_walk *w)
{
	if (w->depth && w->depth <= JSON_DEPTH) {
		if (w->lv[w->depth].map)
			w->lv[w->depth].want_key = 1;
		else
			w->lv[w->depth].index++;
	}
}

/* 0 if read (or stopped), -1 if there is no such file, -2 if it is not good JSON. */
static int json_walk(struct owner_ctx *c, const char *path, json_fn fn, void *arg)
{
	struct json_in in = { .fd = -1 };
	struct json_walk w;
	yaml_parser_t parser;
	yaml_event_t e;
	struct stat sb;
	int ret = 0, done = 0;

	in.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (in.fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? -1 : -2;
	if (fstat(in.fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size > JSON_MAX) {
		close(in.fd);
		return -2;
	}
	c->stats.state_files++;
	memset(&w, 0, sizeof(w));
	if (!yaml_parser_initialize(&parser)) {
		close(in.fd);
		return -2;
	}
	yaml_parser_set_input(&parser, json_read, &in);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&parser, &e)) {
			ret = -2;
			break;
		}
		switch (e.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			w.depth++;
			if (w.depth <= JSON_DEPTH) {
				memset(&w.lv[w.depth], 0, sizeof(w.lv[w.depth]));
				w.lv[w.depth].map = e.type == YAML_MAPPING_START_EVENT;
				w.lv[w.depth].want_key = w.lv[w.depth].map;
			}
			done = fn(arg, &w, &e);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			done = fn(arg, &w, &e);
			if (w.depth)
				w.depth--;
			json_value_done(&w);
			break;
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			if (w.depth && w.depth <= JSON_DEPTH && w.lv[w.depth].map &&
			    w.lv[w.depth].want_key) {
				char *key = w.lv[w.depth].key;
				size_t n = e.type == YAML_SCALAR_EVENT ? e.data.scalar.length : 0;

				key[0] = '\0';
				if (n && n < sizeof(w.lv[0].key) &&
				    !memchr(e.data.scalar.value, '\0', n)) {
					memcpy(key, e.data.scalar.value, n);
					key[n] = '\0';
				}
				w.lv[w.depth].want_key = 0;
			} else {
				if (e.type == YAML_SCALAR_EVENT)
					done = fn(arg, &w, &e);
				json_value_done(&w);
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&parser);
	close(in.fd);
	return in.too_big ? -2 : ret;
}

/* A JSON string value: not null or a number, no NUL in it. */
static int json_string(const yaml_event_t *e)
{
	return e->type == YAML_SCALAR_EVENT &&
	       e->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
	       !memchr(e->data.scalar.value, '\0', e->data.scalar.length);
}

/* Docker's config.v2.json: the top level's "Name", "/web". */
static int docker_name_fn(void *arg, const struct json_walk *w, const yaml_event_t *e)
{
	char *name = arg;	/* 256 bytes */
	const char *v;
	size_t n;

	if (w->depth != 1 || !w->lv[1].map || strcmp(w->lv[1].key, "Name") ||
	    e->type != YAML_SCALAR_EVENT)
		return 0;
	if (!json_string(e))
		return 1;
	v = (const char *)e->data.scalar.value;
	n = e->data.scalar.length;
	if (n && v[0] == '/') {
		v++;
		n--;
	}
	copy_str(name, 256, v, n);
	return 1;
}

struct storage_arg {
	struct owner_ctx *c;
	char id[ID_LEN + 1];
	char name[256];
	size_t first;		/* entries before this file */
};

/* containers/storage's containers.json: [{"id": ..., "names": [...]}, ...] */
static int storage_fn(void *p, const struct json_walk *w, const yaml_event_t *e)
{
	struct storage_arg *a = p;
	struct owner_ctx *c = a->c;

	if (w->depth < 1 || w->lv[1].map)
		return 1;	/* not a list: not the file we know */
	if (w->depth == 2 && e->type == YAML_MAPPING_START_EVENT) {
		a->id[0] = a->name[0] = '\0';
	} else if (w->depth == 2 && e->type == YAML_MAPPING_END_EVENT) {
		if (a->id[0]) {
			struct storage_name *s;

			s = grow(c->storage, &c->storage_cap, c->nstorage,
				 sizeof(*c->storage));
			if (!s)
				return 1;
			c->storage = s;
			s += c->nstorage;
			strcpy(s->id, a->id);
			strcpy(s->name, a->name);
			s->order = c->nstorage++;
		}
	} else if (w->depth == 2 && w->lv[2].map && !strcmp(w->lv[2].key, "id") &&
		   e->type == YAML_SCALAR_EVENT) {
		if (json_string(e) && is_hex_id((const char *)e->data.scalar.value,
						e->data.scalar.length))
			COPY(a->id, (const char *)e->data.scalar.value, ID_LEN);
	} else if (w->depth == 3 && w->lv[2].map && !strcmp(w->lv[2].key, "names") &&
		   !w->lv[3].map && w->lv[3].index == 0 && json_string(e)) {
		COPY(a->name, (const char *)e->data.scalar.value, e->data.scalar.length);
	}
	return 0;
}

static int by_storage_id(const void *a, const void *b)
{
	const struct storage_name *x = a, *y = b;
	int r = strcmp(x->id, y->id);

	return r ? r : (x->order > y->order) - (x->order < y->order);
}

static void storage_file(struct owner_ctx *c, const char *dir, const char *file)
{
	struct storage_arg a = { .c = c, .first = c->nstorage };
	char path[4096];

	if (host_path(c, path, sizeof(path), "/var/lib/containers/storage/%s/%s",
		      dir, file))
		return;
	if (json_walk(c, path, storage_fn, &a) == -2)
		c->nstorage = a.first;	/* not whole: none of it */
}

static int storage_entry(void *p, const struct dirent *d)
{
	struct owner_ctx *c = p;
	size_t n = strlen(d->d_name);

	/* <driver>-containers: overlay, vfs, btrfs, zfs, ... */
	if (!maybe_dir(d) && d->d_type != DT_LNK)
		return 0;
	if (n <= 11 || strcmp(d->d_name + n - 11, "-containers"))
		return 0;
	storage_file(c, d->d_name, "containers.json");
	storage_file(c, d->d_name, "volatile-containers.json");
	return 0;
}

static void load_storage(struct owner_ctx *c)
{
	if (c->storage_loaded)
		return;
	c->storage_loaded = 1;
	list_dir(c, "var/lib/containers/storage", storage_entry, c);
	if (c->nstorage)
		qsort(c->storage, c->nstorage, sizeof(*c->storage), by_storage_id);
}

static const struct storage_name *find_storage(struct owner_ctx *c, const char *id)
{
	size_t lo = 0, hi;

	load_storage(c);
	hi = c->nstorage;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->storage[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nstorage && !strcmp(c->storage[lo].id, id) ?
	       &c->storage[lo] : NULL;
}

/* ------------------------------------------------------------------ */
/* Per-id facts from the runtimes' directories, cached per reading. */

static uint64_t id_hash(const char *id)
{
	uint64_t h = 0;
	int i;

	for (i = 0; i < 16; i++)
		h = h << 4 | (uint64_t)hexval(id[i]);
	return h * 0x9E3779B97F4A7C15ULL;
}

static struct id_info *id_info(struct owner_ctx *c, const char *id)
{
	size_t i;

	if (2 * (c->nids + 1) > c->ids_size) {
		size_t size = c->ids_size ? 2 * c->ids_size : 64, j;
		struct id_info *t = calloc(size, sizeof(*t));

		if (!t)
			return NULL;
		for (j = 0; j < c->ids_size; j++) {
			if (!c->ids[j].id[0])
				continue;
			for (i = (size_t)id_hash(c->ids[j].id) & (size - 1); t[i].id[0];
			     i = (i + 1) & (size - 1))
				;
			t[i] = c->ids[j];
		}
		free(c->ids);
		c->ids = t;
		c->ids_size = size;
	}
	for (i = (size_t)id_hash(id) & (c->ids_size - 1); c->ids[i].id[0];
	     i = (i + 1) & (c->ids_size - 1))
		if (!strcmp(c->ids[i].id, id))
			return &c->ids[i];
	strcpy(c->ids[i].id, id);
	c->nids++;
	return &c->ids[i];
}

/* Is HOSTROOT/dir/id a directory? */
static int exists(struct owner_ctx *c, const char *dir, const char *id)
{
	char path[4096];
	struct stat sb;

	if (host_path(c, path, sizeof(path), "%s/%s", dir, id))
		return 0;
	c->stats.stats++;
	return !stat(path, &sb) && S_ISDIR(sb.st_mode);
}

#define CRI_ROOT "/var/lib/containerd/io.containerd.grpc.v1.cri"

/* What containerd's CRI and Docker's directories say of id. */
static unsigned int id_facts(struct owner_ctx *c, const char *id)
{
	struct id_info *in = id_info(c, id);

	if (!in)
		return 0;
	if (!(in->flags & ID_CRI_DONE)) {
		in->flags |= ID_CRI_DONE;
		if (exists(c, CRI_ROOT "/containers", id))
			in->flags |= ID_CRI_CTR;
		else if (exists(c, CRI_ROOT "/sandboxes", id))
			in->flags |= ID_CRI_SANDBOX;
	}
	if (!(in->flags & ID_DOCKER_DONE)) {
		in->flags |= ID_DOCKER_DONE;
		if (exists(c, "/var/lib/docker/containers", id))
			in->flags |= ID_DOCKER;
	}
	return in->flags;
}

/* Docker's name for id into dst (size bytes), "" if none. */
static void docker_name(struct owner_ctx *c, const char *id, char *dst, size_t size)
{
	struct id_info *in = id_info(c, id);
	char path[4096];

	if (!in) {
		dst[0] = '\0';
		return;
	}
	if (!(in->flags & ID_NAME_DONE)) {
		in->flags |= ID_NAME_DONE;
		in->docker_name[0] = '\0';
		if (!host_path(c, path, sizeof(path),
			       "/var/lib/docker/containers/%s/config.v2.json", id) &&
		    json_walk(c, path, docker_name_fn, in->docker_name) == -2)
			in->docker_name[0] = '\0';
	}
	copy_str(dst, size, in->docker_name, strlen(in->docker_name));
}

/* The name the runtime's state files give a container, into dst. */
static void runtime_name(struct owner_ctx *c, const char *runtime, const char *id,
			 char *dst, size_t size)
{
	const struct storage_name *s;

	if (!id[0])
		return;		/* lxc, systemd-nspawn: named by the path */
	dst[0] = '\0';
	if (!strcmp(runtime, "docker")) {
		docker_name(c, id, dst, size);
	} else if (!strcmp(runtime, "podman") && (s = find_storage(c, id))) {
		copy_str(dst, size, s->name, strlen(s->name));
	}
}

/* ------------------------------------------------------------------ */
/* Deciding. */

static void clear_result(struct owner *o)
{
	o->runtime[0] = o->id[0] = o->name[0] = '\0';
	o->pod_namespace[0] = o->pod_name[0] = o->pod_uid[0] = '\0';
	memset(o->containers, 0, sizeof(o->containers));
	o->ncontainers = 0;
	o->truncated = 0;
}

static void finish_container(struct owner_ctx *c, struct owner *o)
{
	struct owner_container seen[OWNER_CONTAINERS_MAX];
	unsigned int n = o->ncontainers, i, first = o->acc.first;
	char runtime[16], id[ID_LEN + 1], name[256];

	memcpy(seen, o->containers, sizeof(seen));
	strcpy(runtime, o->runtime);
	strcpy(id, o->id);
	strcpy(name, o->name);
	clear_result(o);
	o->kind = OWNER_CONTAINER;
	strcpy(o->runtime, runtime);
	strcpy(o->id, id);
	strcpy(o->name, name);
	runtime_name(c, o->runtime, o->id, o->name, sizeof(o->name));
	for (i = 0; i < n; i++) {
		struct owner_container *ct;

		if (i == first)
			continue;
		ct = &o->containers[o->ncontainers++];
		*ct = seen[i];
		runtime_name(c, ct->runtime, ct->id, ct->name, sizeof(ct->name));
	}
	o->truncated = o->acc.dropped;
}

struct names_arg {
	struct owner_ctx *c;
	struct { char name[64]; unsigned char cut; } *v;
	size_t n, cap;
};

static int names_entry(void *p, const struct dirent *d)
{
	struct names_arg *a = p;
	void *v;

	if (!maybe_dir(d))
		return 0;
	v = grow(a->v, &a->cap, a->n, sizeof(*a->v));
	if (!v)
		return -1;
	a->v = v;
	a->v[a->n].cut = (unsigned char)COPY(a->v[a->n].name, d->d_name,
					     strlen(d->d_name));
	a->n++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);	/* the name leads each element */
}

/* Is link one of this pod's? */
static int link_of(const struct log_link *l, const struct owner *o)
{
	return !strcmp(l->pod, o->pod_name) && !strcmp(l->ns, o->pod_namespace);
}

static void finish_pod(struct owner_ctx *c, struct owner *o)
{
	struct owner_container seen[OWNER_CONTAINERS_MAX], *ct;
	const struct log_link *link[OWNER_CONTAINERS_MAX];	/* its names usable */
	unsigned char logged[OWNER_CONTAINERS_MAX] = { 0 };	/* it has a log */
	unsigned char used[OWNER_CONTAINERS_MAX] = { 0 };
	unsigned int nseen = 0, i, mask = o->acc.pod_mask, linked = 0;
	struct names_arg names = { .c = c };
	const struct pod_dir *pd;
	char uid[sizeof(o->pod_uid)];
	size_t j;

	for (i = 0; i < o->ncontainers; i++)
		if (mask & 1u << i)
			seen[nseen++] = o->containers[i];
	strcpy(uid, o->pod_uid);
	clear_result(o);
	o->kind = OWNER_POD;
	strcpy(o->pod_uid, uid);

	pd = find_pod(c, uid);
	if (pd) {
		strcpy(o->pod_namespace, pd->ns);
		strcpy(o->pod_name, pd->name);
	}
	for (i = 0; i < nseen; i++) {
		const struct log_link *l = find_link(c, seen[i].id);

		link[i] = l && !l->cut && (!pd || link_of(l, o)) ? l : NULL;
		if (!l)
			continue;
		logged[i] = 1;
		linked++;
		if (!pd && !o->pod_name[0] && link[i]) {
			strcpy(o->pod_namespace, l->ns);
			strcpy(o->pod_name, l->pod);
		}
	}
	for (i = 0; i < nseen; i++) {
		unsigned int f;

		if (seen[i].runtime[0])
			continue;
		/* cgroupfs names the container by its id alone. */
		f = id_facts(c, seen[i].id);

		if (f & (ID_CRI_CTR | ID_CRI_SANDBOX))
			strcpy(seen[i].runtime, "containerd");
		else if (f & ID_DOCKER)
			strcpy(seen[i].runtime, "docker");
		if (f & ID_CRI_SANDBOX)
			used[i] = 1;	/* the sandbox, said so */
	}

	/* Every container directory, by name, with the id running here. */
	if (pd) {
		char rel[300];

		snprintf(rel, sizeof(rel), "var/log/pods/%s", pd->dir);
		if (list_dir(c, rel, names_entry, &names) == 0 && names.n)
			qsort(names.v, names.n, sizeof(*names.v), by_name);
	}
	for (j = 0; j < names.n; j++) {
		if (o->ncontainers == OWNER_CONTAINERS_MAX) {
			o->truncated++;
			continue;
		}
		ct = &o->containers[o->ncontainers++];
		strcpy(ct->name, names.v[j].name);
		for (i = 0; i < nseen && !names.v[j].cut; i++)
			if (!used[i] && link[i] && !strcmp(link[i]->container, ct->name)) {
				strcpy(ct->id, seen[i].id);
				strcpy(ct->runtime, seen[i].runtime);
				used[i] = 1;
				break;
			}
	}
	free(names.v);

	/*
	 * The rest: a container with a log but no directory listed (or names
	 * too long to be a container's); one with no log is the sandbox,
	 * unless there is no log to tell (no log directory for the pod and no
	 * symlink for any of its ids, or /var/log/containers unreadable).
	 */
	for (i = 0; i < nseen; i++) {
		if (used[i] || (!logged[i] && (pd || linked) && c->links_ok))
			continue;
		if (o->ncontainers == OWNER_CONTAINERS_MAX) {
			o->truncated++;
			continue;
		}
		ct = &o->containers[o->ncontainers++];
		*ct = seen[i];
		ct->name[0] = '\0';
		if (link[i])
			COPY(ct->name, link[i]->container, strlen(link[i]->container));
	}
	/* Ids not gathered (past the maximum) are among the directories. */
	if (!names.n)
		o->truncated += o->acc.dropped;
}

void owner_finish(struct owner_ctx *c, struct owner *o)
{
	const struct owner_acc *a = &o->acc;
	int pod = o->pod_uid[0] != '\0';

	if (pod && !a->other_pod) {
		finish_pod(c, o);
	} else if (a->first_pid && !pod) {
		finish_container(c, o);
	} else {
		clear_result(o);
		if (pod || !a->pids)	/* in two pods: not one owner */
			o->kind = OWNER_UNKNOWN;
		else if (a->units == 1 && a->in_unit == a->pids) {
			o->kind = OWNER_SERVICE;
			strcpy(o->name, a->unit);
		} else if (a->host == a->pids) {
			o->kind = OWNER_HOST;
		} else {
			o->kind = OWNER_UNKNOWN;
		}
	}
}
