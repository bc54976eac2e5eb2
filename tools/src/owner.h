/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who owns a network namespace: a Kubernetes pod, a container, a systemd
 * service or the host, decided from the cgroups of the namespace's
 * processes and named from files the kubelet and the runtimes leave on the
 * host.  Files only: no runtime or Kubernetes API.  The layouts recognised,
 * their sources and the privileges each read needs: doc/owners.md.
 *
 * Every string here comes from files anyone with a container may shape:
 * bounded (truncated to its field), not escaped (the output layer escapes).
 * Ids are 64 lowercase hex digits or "".
 */
#ifndef TCPSTAT_OWNER_H
#define TCPSTAT_OWNER_H

enum owner_kind { OWNER_UNKNOWN, OWNER_HOST, OWNER_POD, OWNER_CONTAINER, OWNER_SERVICE };

#define OWNER_CONTAINERS_MAX 32

struct owner_container {
	char name[64];		/* container name, "" if unknown */
	char id[65];		/* lowercase hex id, "" if unknown */
	char runtime[16];	/* "containerd", "cri-o", "docker", "podman", "lxc", "systemd-nspawn"; "" if unknown */
};

/* What owner_add_pid gathers for owner_finish: internal to owner.c. */
struct owner_acc {
	unsigned int pids;	/* pids whose cgroup file was read */
	unsigned int host;	/* ... in "/" or "/init.scope" */
	unsigned int in_unit;	/* ... in the service unit below */
	unsigned int units;	/* distinct service units seen (counted up to 2) */
	unsigned int pod_pids;	/* ... in o->pod_uid's pod */
	unsigned int other_pod;	/* ... in another pod than that */
	unsigned int dropped;	/* containers not kept: more than the maximum */
	unsigned int pod_mask;	/* containers[i] seen in the pod's cgroups */
	int first_pid;		/* the lowest pid in a container scope ... */
	unsigned int first;	/* ... and its index in containers[] */
	char unit[256];
};

struct owner {
	enum owner_kind kind;
	char runtime[16];	/* container: its runtime */
	char id[65];		/* container: its id ("" for lxc, systemd-nspawn) */
	char name[256];		/* container: its name; service: the unit ("foo.service") */
	char pod_namespace[64], pod_name[254], pod_uid[37];	/* pod */
	/*
	 * pod: its workload containers, by name: every container directory
	 * of the pod's log directory (init containers too), with the id and
	 * runtime of the one running in the namespace; the sandbox (pause)
	 * container is left out.
	 * container: the other containers that share the namespace (docker
	 * --network container:, podman pods), the owner being the one of the
	 * lowest pid.
	 * At most OWNER_CONTAINERS_MAX ids are gathered from a namespace's
	 * cgroups: past that, a pod's container is listed without its id.
	 */
	struct owner_container containers[OWNER_CONTAINERS_MAX];
	unsigned int ncontainers;
	unsigned int truncated;	/* containers left out past the maximum */
	struct owner_acc acc;	/* internal */
};

/* What a context has done since owner_ctx_new, for tests and benchmarks. */
struct owner_stats {
	unsigned long cgroup_files;	/* HOSTROOT/proc/PID/cgroup read */
	unsigned long dir_lists;	/* directories listed */
	unsigned long state_files;	/* runtime JSON files parsed */
	unsigned long stats;		/* runtime directories looked up */
};

struct owner_ctx;	/* opaque: host root, per-reading caches */

struct owner_ctx *owner_ctx_new(const char *host_root);	/* NULL if out of memory */
void owner_ctx_free(struct owner_ctx *c);
/* Start a new reading: forget caches (directory listings, runtime state files). */
void owner_ctx_reset(struct owner_ctx *c);
/*
 * Fold one pid of a namespace into o (zeroed by the caller before the first
 * pid): reads HOSTROOT/proc/PID/cgroup.  0, or -1 only if out of memory; a
 * pid that vanished or an unreadable file is skipped.
 */
int owner_add_pid(struct owner_ctx *c, struct owner *o, int pid);
/*
 * After every pid: resolve names (pod namespace/name and container names
 * from the kubelet's log directories, docker/podman names from their state
 * files), drop the pod sandbox (pause) container, and decide the kind.
 */
void owner_finish(struct owner_ctx *c, struct owner *o);
/* "unknown", "host", "pod", "container", "service" */
static inline const char *owner_kind_name(enum owner_kind k)
{
	switch (k) {
	case OWNER_HOST:
		return "host";
	case OWNER_POD:
		return "pod";
	case OWNER_CONTAINER:
		return "container";
	case OWNER_SERVICE:
		return "service";
	default:
		return "unknown";
	}
}
void owner_ctx_stats(const struct owner_ctx *c, struct owner_stats *s);

#endif /* TCPSTAT_OWNER_H */
