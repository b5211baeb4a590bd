// SPDX-License-Identifier: GPL-2.0
/*
 * Memory hog for the main job's demo (workflow only, not part of the
 * series): mlocks anonymous memory until MemFree drops to the given number
 * of kB, then holds it until
 * killed. Prints what it holds.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static long mem_free_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	long target = argc > 1 ? atol(argv[1]) : 0, held = 0, step;
	long free_kb;
	FILE *f;

	if (target <= 0) {
		fprintf(stderr, "usage: hog <MemFree target in kB>\n");
		return 2;
	}
	/* If memory runs out, the OOM killer takes the hog first. */
	f = fopen("/proc/self/oom_score_adj", "w");
	if (f) {
		fputs("1000", f);
		fclose(f);
	}
	while ((free_kb = mem_free_kb()) > target) {
		void *p;

		/* Big steps far from the target, 64 kB steps near it. */
		step = (free_kb - target) / 2;
		if (step < 64)
			step = 64;
		if (step > 16384)
			step = 16384;
		p = mmap(NULL, step * 1024, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
		if (p == MAP_FAILED)
			break;
		held += step;
	}
	printf("hog: holding %ld kB, MemFree %ld kB (target %ld kB)\n", held,
	       mem_free_kb(), target);
	fflush(stdout);
	/* Tell the init script that the pressure is on. */
	fclose(fopen("/tmp/hog.ready", "w"));
	for (;;)
		pause();
}
