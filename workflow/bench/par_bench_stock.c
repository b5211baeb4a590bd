// SPDX-License-Identifier: GPL-2.0
/*
 * Not part of the series: the zero-cost harness of workflow/bench-zero.sh.
 * Built into two UML kernels, one with the series (reserve at 0) and one
 * without it, it times alloc_page(GFP_ATOMIC) + __free_page() pairs in
 * hardirq context exactly as lib/test_page_atomic_reserve.c's bench does
 * (pinned hard hrtimer; a sample is the ktime_get_ns() time of CHAIN pairs
 * in a row, divided by CHAIN; one sample of each case per interrupt,
 * interleaved with the empty "clock" case), and prints the same lines.
 */
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/init.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/workqueue.h>

#define CHAIN	64

static unsigned int samples;
core_param(par_bench_stock_samples, samples, uint, 0444);
static char *tag = "stock";
core_param(par_bench_stock_tag, tag, charp, 0444);

struct pb {
	struct hrtimer timer;
	struct completion done;
	u32 *ns[2];
	unsigned int n, end, failed;
	bool not_hardirq;
};

static void pb_sample(struct pb *b, int c)
{
	struct page *pages[CHAIN];
	unsigned int i;
	u64 t0, t1;

	t0 = ktime_get_ns();
	for (i = 0; i < CHAIN; i++) {
		struct page *page = NULL;

		if (c) {
			page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
			if (page)
				__free_page(page);
		}
		pages[i] = page;
	}
	t1 = ktime_get_ns();
	b->ns[c][b->n] = min_t(u64, div_u64(t1 - t0, CHAIN), U32_MAX);
	for (i = 0; c && i < CHAIN; i++)
		if (!pages[i])
			b->failed++;
}

static enum hrtimer_restart pb_timer(struct hrtimer *t)
{
	struct pb *b = container_of(t, struct pb, timer);
	unsigned int k;

	if (!in_hardirq())
		b->not_hardirq = true;
	for (k = 0; k < 2; k++)
		pb_sample(b, (k + b->n) % 2);
	b->n++;
	complete(&b->done);
	return HRTIMER_NORESTART;
}

static long pb_arm(void *arg)
{
	struct pb *b = arg;

	reinit_completion(&b->done);
	hrtimer_start(&b->timer, ns_to_ktime(10000), HRTIMER_MODE_REL_PINNED_HARD);
	wait_for_completion(&b->done);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(u32 *)a, y = *(u32 *)b;

	return x < y ? -1 : x > y;
}

static int __init par_bench_stock(void)
{
	static const char * const names[2] = { "clock", NULL };
	unsigned int total = samples * num_online_cpus(), c;
	struct pb *b;
	int cpu;

	if (!samples)
		return 0;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->ns[0] = kvcalloc(total, sizeof(u32), GFP_KERNEL);
	b->ns[1] = kvcalloc(total, sizeof(u32), GFP_KERNEL);
	if (!b->ns[0] || !b->ns[1])
		goto out;
	init_completion(&b->done);
	hrtimer_setup(&b->timer, pb_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		b->end += samples;
		while (b->n < b->end) {
			work_on_cpu(cpu, pb_arm, b);
			usleep_range(1000, 1101);
		}
	}
	cpus_read_unlock();
	if (b->not_hardirq)
		pr_err("par_bench_stock: a batch did not run in hardirq context\n");
	for (c = 0; c < 2; c++) {
		u32 *s = b->ns[c];
		unsigned int n = b->n;

		sort(s, n, sizeof(*s), cmp_u32, NULL);
		pr_info("par_bench_stock: bench: case=%s samples=%u pairs=%u failed=%u fallback=0 median_ns=%u p99_ns=%u max_ns=%u\n",
			names[c] ? names[c] : tag, n, n * CHAIN, c ? b->failed : 0,
			s[n / 2], s[(u64)n * 99 / 100], s[n - 1]);
	}
out:
	kvfree(b->ns[0]);
	kvfree(b->ns[1]);
	kfree(b);
	return 0;
}
late_initcall(par_bench_stock);
