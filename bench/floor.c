// SPDX-License-Identifier: GPL-2.0
/*
 * floor N [REPS]: the cost of touching N objects once, each where the
 * allocator happened to put it: N nodes spread over a region (one per
 * 256-byte slot, huge pages where the kernel gives them, like the kernel's
 * direct map) and linked in random order, so that every hop is a cache
 * miss, as a walk over hash chains of sockets is.  Prints the median time
 * of one walk, in seconds, and ns per node.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define SLOT 256

struct node {
	struct node *next;
	unsigned char state;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 0, i;
	int reps = argc > 2 ? atoi(argv[2]) : 7, r;
	unsigned long counts[16] = { 0 };
	double times[64];
	size_t *order;
	char *region;

	if (!n || reps < 1 || reps > 64) {
		fprintf(stderr, "usage: floor N [REPS<=64]\n");
		return 2;
	}
	region = mmap(NULL, n * SLOT, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	order = malloc(n * sizeof(*order));
	if (region == MAP_FAILED || !order)
		return 1;
	madvise(region, n * SLOT, MADV_HUGEPAGE);
	srand(42);
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		size_t j = ((size_t)rand() << 16 ^ (size_t)rand()) % (i + 1);
		size_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < n; i++) {
		struct node *node = (struct node *)(region + order[i] * SLOT);

		node->next = i + 1 < n ?
			(struct node *)(region + order[i + 1] * SLOT) : NULL;
		node->state = (unsigned char)(1 + i % 11);
	}
	for (r = 0; r < reps; r++) {
		struct node *p = (struct node *)(region + order[0] * SLOT);
		double t0 = now();

		for (; p; p = p->next)
			counts[p->state]++;
		times[r] = now() - t0;
	}
	qsort(times, reps, sizeof(times[0]), cmp);
	printf("%.9f,%.3f,%lu\n", times[reps / 2], times[reps / 2] * 1e9 / n,
	       counts[1] / reps);
	return 0;
}
