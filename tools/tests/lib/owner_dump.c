// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver of src/owner.c: the owner of each group of pids (one network
 * namespace), one canonical line each.
 *
 * usage: owner_dump [--stats] [--twice] HOSTROOT PID[,PID...]...
 *
 *   PIDS: kind=pod namespace=NS pod=NAME uid=UID containers=NAME:ID:RUNTIME,...
 *   PIDS: kind=container runtime=R id=ID name=NAME [others=NAME:ID:RUNTIME,...]
 *   PIDS: kind=service unit=UNIT
 *   PIDS: kind=host | kind=unknown
 * and " truncated=N" when containers were left out.  Bytes outside
 * printable ASCII, and the separators " ,:=\", are written \xHH (quote()),
 * so that the expected files stay text.
 *
 * --twice reads every group again after owner_ctx_reset; --stats ends with
 * the context's counters.  Exit status 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owner.h"
#include "util.h"

static void put(const char *s)
{
	char buf[8];

	for (; *s; s++) {
		if (strchr(" ,:=", *s))
			printf("\\x%02x", (unsigned char)*s);
		else {
			quote(buf, sizeof(buf), s, 1);
			fputs(buf, stdout);
		}
	}
}

static void field(const char *key, const char *value)
{
	printf(" %s=", key);
	put(value);
}

static void containers(const char *key, const struct owner *o)
{
	unsigned int i;

	if (!o->ncontainers)
		return;
	printf(" %s=", key);
	for (i = 0; i < o->ncontainers; i++) {
		const struct owner_container *c = &o->containers[i];

		if (i)
			putchar(',');
		put(c->name);
		putchar(':');
		put(c->id);
		putchar(':');
		put(c->runtime);
	}
}

static void print(const char *group, const struct owner *o)
{
	printf("%s: kind=%s", group, owner_kind_name(o->kind));
	switch (o->kind) {
	case OWNER_POD:
		field("namespace", o->pod_namespace);
		field("pod", o->pod_name);
		field("uid", o->pod_uid);
		containers("containers", o);
		break;
	case OWNER_CONTAINER:
		field("runtime", o->runtime);
		field("id", o->id);
		field("name", o->name);
		containers("others", o);
		break;
	case OWNER_SERVICE:
		field("unit", o->name);
		break;
	default:
		break;
	}
	if (o->truncated)
		printf(" truncated=%u", o->truncated);
	putchar('\n');
}

static int parse_pid(const char *s, size_t len, int *pid)
{
	long v = 0;
	size_t i;

	if (!len || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > 2147483647)
		return -1;
	*pid = (int)v;
	return 0;
}

/* One group: 0, 2 if it is not a list of pids, 1 if out of memory. */
static int group(struct owner_ctx *c, const char *g)
{
	struct owner *o = calloc(1, sizeof(*o));
	const char *s = g;
	int ret = 0;

	if (!o)
		return 1;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		int pid;

		if (parse_pid(s, len, &pid)) {
			fprintf(stderr, "owner_dump: '%s' is not a list of pids\n", g);
			ret = 2;
			break;
		}
		if (owner_add_pid(c, o, pid)) {
			ret = 1;
			break;
		}
		if (!comma)
			break;
		s = comma + 1;
	}
	if (!ret) {
		owner_finish(c, o);
		print(g, o);
	}
	free(o);
	return ret;
}

int main(int argc, char **argv)
{
	int stats = 0, twice = 0, i, round, ret = 0;
	struct owner_stats st;
	struct owner_ctx *c;

	for (i = 1; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--stats"))
			stats = 1;
		else if (!strcmp(argv[i], "--twice"))
			twice = 1;
		else
			break;
	}
	if (argc - i < 1 || !strncmp(argv[i], "--", 2)) {
		fprintf(stderr, "usage: owner_dump [--stats] [--twice] HOSTROOT PID[,PID...]...\n");
		return 2;
	}
	c = owner_ctx_new(argv[i]);
	if (!c) {
		fprintf(stderr, "owner_dump: out of memory\n");
		return 1;
	}
	for (round = 0; round < 1 + twice && !ret; round++) {
		int g;

		if (round)
			owner_ctx_reset(c);
		for (g = i + 1; g < argc && !ret; g++)
			ret = group(c, argv[g]);
	}
	if (!ret && stats) {
		owner_ctx_stats(c, &st);
		printf("stats: cgroup_files=%lu dir_lists=%lu state_files=%lu stats=%lu\n",
		       st.cgroup_files, st.dir_lists, st.state_files, st.stats);
	}
	owner_ctx_free(c);
	if (ret == 1)
		fprintf(stderr, "owner_dump: out of memory\n");
	if (fflush(stdout) || ferror(stdout))
		ret = 1;
	return ret;
}
