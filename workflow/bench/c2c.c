// SPDX-License-Identifier: GPL-2.0
/*
 * How long a cache line takes to move between two of the host's CPUs: two
 * threads, pinned to CPU A and CPU B, hand a counter back and forth. The
 * reserve's fast path meets such a transfer for every line the refill
 * work wrote on another CPU, so this host figure goes with every latency
 * run (UML's CPUs are host threads, on host CPUs the host places).
 *   c2c [A B [ROUNDS]]   prints the median of 7 runs, ns per one-way hand-over
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static _Alignas(64) atomic_long ball;
static long rounds = 1000000;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) {
		fprintf(stderr, "c2c: cannot pin to CPU %d\n", cpu);
		exit(1);
	}
}

static void *other(void *arg)
{
	long i;

	pin(*(int *)arg);
	for (i = 1; i < 2 * rounds; i += 2) {
		while (atomic_load_explicit(&ball, memory_order_acquire) != i)
			;
		atomic_store_explicit(&ball, i + 1, memory_order_release);
	}
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int a = argc > 2 ? atoi(argv[1]) : 0, b = argc > 2 ? atoi(argv[2]) : 1;
	double ns[7];
	int r;

	if (argc > 3)
		rounds = atol(argv[3]);
	for (r = 0; r < 7; r++) {
		struct timespec t0, t1;
		pthread_t t;
		long i;

		atomic_store(&ball, 0);
		pin(a);
		if (pthread_create(&t, NULL, other, &b))
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < 2 * rounds; i += 2) {
			while (atomic_load_explicit(&ball, memory_order_acquire) != i)
				;
			atomic_store_explicit(&ball, i + 1, memory_order_release);
		}
		while (atomic_load_explicit(&ball, memory_order_acquire) != 2 * rounds)
			;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		pthread_join(t, NULL);
		ns[r] = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) /
			(2.0 * rounds);
	}
	qsort(ns, 7, sizeof(ns[0]), cmp);
	printf("c2c: CPU %d <-> CPU %d: %.0f ns per hand-over (median of 7 runs; min %.0f, max %.0f)\n",
	       a, b, ns[3], ns[0], ns[6]);
	return 0;
}
