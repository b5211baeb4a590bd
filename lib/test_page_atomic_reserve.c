// SPDX-License-Identifier: GPL-2.0
/*
 * Functional tests of alloc_page_atomic_quality() in a running kernel,
 * driven by tools/testing/selftests/mm/page_atomic_reserve.c. One test runs
 * per load:
 *
 *   insmod test_page_atomic_reserve.ko test=<name> [nr_pages=N] [stock=1]
 *
 * The init function runs the test and returns -EAGAIN when it passed, so
 * that the module is not kept loaded, -ENOENT when it cannot run (no reserve
 * sized), and -EFAULT when a check failed; details go to the kernel log.
 *
 *   hardirq    allocate and free nr_pages pages in hardirq context on every
 *              online CPU, all held at once: zeroed, never handed out twice
 *   zero       the zero invariant over many recycled pages
 *   poison     a write after free of a __GFP_POISON page (the selftest
 *              checks that it is reported)
 *   exclusive  a __GFP_EXCLUSIVE page freed with an extra reference
 *   hotplug    allocate and free on every CPU while CPUs go offline and
 *              online again
 *   burst      nr_pages allocations in a row from one timer interrupt
 *              (softirq, or hardirq with hardirq=1), with
 *              alloc_page_atomic_quality() or, with stock=1, with
 *              alloc_page(GFP_ATOMIC); prints how many failed. The stock
 *              page allocator takes spinlock_t locks, which a hardirq that
 *              is not threaded may not take (lockdep reports it), so the
 *              stock burst is only valid in softirq.
 *   serve      stay loaded; every write of "<nr_pages> <stock> [<hardirq>]"
 *              to /sys/module/test_page_atomic_reserve/parameters/burst
 *              runs one burst and leaves "<got> <failed> <ns>" in
 *              parameters/last_burst, and a write of up to 8 sizes to
 *              parameters/sweep runs a stock, a mempool and a reserve
 *              burst of each size and leaves "<N> <stock got> <stock
 *              failed> <mempool got> <mempool failed> <reserve got>
 *              <reserve failed> <reserve ns>;..." in
 *              parameters/sweep_result. Lets a caller fire bursts while
 *              memory is too short to load a module or fork a process;
 *              the page arrays, and a page mempool as large as the
 *              reserve, are allocated at load time.
 *   bench      latency of an allocation and free in hardirq context, for
 *              the reserve with each modifier and for stock GFP_ATOMIC,
 *              a page mempool, alloc_pages_nolock() and a bare per-CPU
 *              array, interleaved; prints median, p99 and max per case
 *              and the refill work's time per page. Driven by
 *              tools/testing/selftests/mm/page_atomic_reserve_bench.sh.
 *              Parameters: cases=, cpus=, iterations= (samples per case
 *              and CPU), chain= (pairs per sample), gap_us=.
 *   storm      for seconds= seconds, allocate and free with every
 *              combination of the modifiers from process, softirq and
 *              hardirq context on every CPU at once, while the caller
 *              turns the reserve's controls and takes CPUs offline
 *              (tools/testing/selftests/mm/page_atomic_reserve_storm.sh):
 *              no page handed to two owners at once, every __GFP_ZERO
 *              page zeroed, every __GFP_POISON page poisoned; then writes
 *              after free planted in __GFP_POISON pages, each found.
 *   chunks     after the storm, every size at 0: no chunk descriptor left
 *              without a page of the reserve's, and the descriptors' live
 *              counts add up to the pages it holds (ready, pending, handed
 *              out or quarantined).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/poison.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched/clock.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "../mm/page_atomic_reserve.h"

MODULE_IMPORT_NS("PAGE_ATOMIC_RESERVE_TEST");

static char *test = "hardirq";
module_param(test, charp, 0444);
MODULE_PARM_DESC(test, "hardirq, zero, poison, exclusive, hotplug, burst, serve, bench, storm or chunks");

static unsigned int nr_pages = 64;
module_param(nr_pages, uint, 0444);
MODULE_PARM_DESC(nr_pages, "pages per CPU (hardirq) or per burst (burst)");

static unsigned int iterations = 2000;
module_param(iterations, uint, 0444);
MODULE_PARM_DESC(iterations, "rounds of the zero and hotplug tests; bench: samples per case and CPU");

static bool stock;
module_param(stock, bool, 0444);
MODULE_PARM_DESC(stock, "burst: use alloc_page(GFP_ATOMIC) instead");

static bool hardirq;
module_param(hardirq, bool, 0444);
MODULE_PARM_DESC(hardirq, "burst: run in hardirq instead of softirq");

static char last_burst[64];
module_param_string(last_burst, last_burst, sizeof(last_burst), 0444);
MODULE_PARM_DESC(last_burst, "serve: \"<got> <failed> <ns>\" of the last burst");

static char sweep_result[512];
module_param_string(sweep_result, sweep_result, sizeof(sweep_result), 0444);
MODULE_PARM_DESC(sweep_result, "serve: results of the last sweep");

#define SERVE_MAX	4096
static struct page **serve_pages;
/* serve: a page mempool as large as the reserve was at load time. */
static mempool_t *serve_pool;
static bool burst_mempool;

#define TEST_FAIL	(-EFAULT)
#define TEST_SKIP	(-ENOENT)
#define TEST_PASS	(-EAGAIN)

static bool page_is(struct page *page, int c)
{
	void *addr = kmap_local_page(page);
	bool ret = !memchr_inv(addr, c, PAGE_SIZE);

	kunmap_local(addr);
	return ret;
}

/*
 * Run @fn in interrupt context on @cpu (-1: on the calling CPU): a pinned
 * hrtimer armed there, expiring in hardirq (HARD) or softirq (SOFT)
 * context.
 */
struct irq_call {
	struct hrtimer timer;
	struct completion done;
	void (*fn)(void *arg);
	void *arg;
	enum hrtimer_mode mode;
	bool in_ctx;
};

static enum hrtimer_restart irq_call_timer(struct hrtimer *timer)
{
	struct irq_call *c = container_of(timer, struct irq_call, timer);

	c->in_ctx = c->mode == HRTIMER_MODE_REL_PINNED_HARD ? in_hardirq() :
		    in_serving_softirq();
	c->fn(c->arg);
	complete(&c->done);
	return HRTIMER_NORESTART;
}

static long irq_call_arm(void *arg)
{
	struct irq_call *c = arg;

	hrtimer_start(&c->timer, ns_to_ktime(10000), c->mode);
	wait_for_completion(&c->done);
	return 0;
}

static int run_in_irq(int cpu, void (*fn)(void *arg), void *arg, bool hard)
{
	struct irq_call c = { .fn = fn, .arg = arg };

	c.mode = hard ? HRTIMER_MODE_REL_PINNED_HARD : HRTIMER_MODE_REL_PINNED_SOFT;
	init_completion(&c.done);
	hrtimer_setup_on_stack(&c.timer, irq_call_timer, CLOCK_MONOTONIC, c.mode);
	if (cpu < 0)
		irq_call_arm(&c);
	else
		work_on_cpu(cpu, irq_call_arm, &c);
	hrtimer_cancel(&c.timer);
	destroy_hrtimer_on_stack(&c.timer);
	return c.in_ctx ? 0 : -EINVAL;
}

static int run_in_hardirq(int cpu, void (*fn)(void *arg), void *arg)
{
	return run_in_irq(cpu, fn, arg, true);
}

struct cpu_pages {
	struct page **pages;
	unsigned int nr;
	gfp_t gfp;
	unsigned int got;
	unsigned int dirty;
};

static void alloc_fn(void *arg)
{
	struct cpu_pages *cp = arg;
	unsigned int i;

	for (i = 0; i < cp->nr; i++) {
		cp->pages[i] = alloc_page_atomic_quality(cp->gfp);
		if (!cp->pages[i])
			continue;
		cp->got++;
		if (!page_is(cp->pages[i], 0))
			cp->dirty++;
		page_atomic_reserve_fill(cp->pages[i], 0x5a);
	}
}

static void free_fn(void *arg)
{
	struct cpu_pages *cp = arg;
	unsigned int i;

	for (i = 0; i < cp->nr; i++)
		free_page_atomic_quality(cp->pages[i]);
}

static int cmp_ptr(const void *a, const void *b)
{
	unsigned long x = *(unsigned long *)a, y = *(unsigned long *)b;

	return x < y ? -1 : x > y;
}

static int test_hardirq(void)
{
	static const gfp_t mods[] = { 0, __GFP_EXCLUSIVE, __GFP_POISON };
	unsigned int ncpu = num_possible_cpus(), i, n = 0, dup = 0, round;
	unsigned long *all;
	struct cpu_pages *cps;
	int cpu, ret = TEST_PASS;

	cps = kcalloc(nr_cpu_ids, sizeof(*cps), GFP_KERNEL);
	all = kvcalloc(ncpu * nr_pages, sizeof(*all), GFP_KERNEL);
	if (!cps || !all) {
		ret = -ENOMEM;
		goto out;
	}
	cpus_read_lock();
	for (round = 0; round < ARRAY_SIZE(mods) && ret == TEST_PASS; round++) {
		n = 0;
		for_each_online_cpu(cpu) {
			struct cpu_pages *cp = &cps[cpu];

			cp->pages = kcalloc(nr_pages, sizeof(*cp->pages), GFP_KERNEL);
			if (!cp->pages) {
				ret = -ENOMEM;
				break;
			}
			cp->nr = nr_pages;
			cp->gfp = GFP_ATOMIC | __GFP_ZERO | mods[round];
			cp->got = 0;
			cp->dirty = 0;
			if (run_in_hardirq(cpu, alloc_fn, cp)) {
				pr_err("hardirq: not in hardirq context on CPU %d\n", cpu);
				ret = TEST_FAIL;
			}
			if (cp->got != nr_pages || cp->dirty) {
				pr_err("hardirq: CPU %d got %u of %u pages, %u not zeroed\n",
				       cpu, cp->got, nr_pages, cp->dirty);
				ret = TEST_FAIL;
			}
			for (i = 0; i < nr_pages; i++)
				if (cp->pages[i])
					all[n++] = (unsigned long)cp->pages[i];
		}
		/* Every page is held at once: no two may be the same. */
		sort(all, n, sizeof(*all), cmp_ptr, NULL);
		for (i = 1; i < n; i++)
			if (all[i] == all[i - 1])
				dup++;
		if (dup) {
			pr_err("hardirq: %u pages handed out twice\n", dup);
			ret = TEST_FAIL;
		}
		for_each_online_cpu(cpu) {
			struct cpu_pages *cp = &cps[cpu];

			if (!cp->pages)
				continue;
			if (run_in_hardirq(cpu, free_fn, cp))
				ret = TEST_FAIL;
			kfree(cp->pages);
			cp->pages = NULL;
		}
		pr_info("hardirq: gfp %pGg: %u pages on %u CPUs\n", &cps[0].gfp, n,
			num_online_cpus());
	}
	cpus_read_unlock();
out:
	kvfree(all);
	kfree(cps);
	return ret;
}

static int test_zero(void)
{
	struct page *pages[16];
	unsigned int it, i, dirty = 0;

	for (it = 0; it < iterations; it++) {
		unsigned long flags;

		local_irq_save(flags);
		for (i = 0; i < ARRAY_SIZE(pages); i++)
			pages[i] = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_ZERO);
		local_irq_restore(flags);
		for (i = 0; i < ARRAY_SIZE(pages); i++) {
			if (!pages[i])
				continue;
			if (!page_is(pages[i], 0))
				dirty++;
			page_atomic_reserve_fill(pages[i], 0xa5);
			free_page_atomic_quality(pages[i]);
		}
		cond_resched();
	}
	if (dirty) {
		pr_err("zero: %u __GFP_ZERO pages had a non-zero byte\n", dirty);
		return TEST_FAIL;
	}
	pr_info("zero: %u allocations, all zeroed\n", iterations * 16);
	return TEST_PASS;
}

/* A page from the reserve, or NULL when the reserve is not serving. */
static struct page *reserve_page(gfp_t gfp)
{
	struct page *page = alloc_page_atomic_quality(gfp);

	if (page && page_atomic_reserve_page_state(page) != PAR_OWNED) {
		free_page_atomic_quality(page);
		return NULL;
	}
	return page;
}

static int test_poison(void)
{
	struct page *page = reserve_page(GFP_ATOMIC | __GFP_POISON);
	u8 *addr;

	if (!page) {
		pr_info("poison: the reserve is empty\n");
		return TEST_SKIP;
	}
	if (!page_is(page, PAGE_POISON)) {
		pr_err("poison: page not filled with the poison pattern\n");
		free_page_atomic_quality(page);
		return TEST_FAIL;
	}
	/*
	 * The reserve keeps the page: this is the write after free to catch.
	 * It is held pending until the write is done, so that the write
	 * cannot land on a page the reserve has handed to someone else.
	 */
	page_atomic_reserve_hold_pending(true);
	free_page_atomic_quality(page);
	page_atomic_reserve_flush();
	if (page_atomic_reserve_page_state(page) != PAR_PENDING) {
		page_atomic_reserve_hold_pending(false);
		pr_err("poison: freed page not held pending\n");
		return TEST_FAIL;
	}
	/* Past KASAN and debug_pagealloc, which would catch it first. */
	page_atomic_reserve_test_access(page, true);
	addr = kmap_local_page(page);
	WRITE_ONCE(addr[123], 0x42);
	kunmap_local(addr);
	page_atomic_reserve_test_access(page, false);
	page_atomic_reserve_hold_pending(false);
	page_atomic_reserve_flush();
	pr_info("poison: wrote to pfn %#lx after free\n", page_to_pfn(page));
	return TEST_PASS;
}

static int test_exclusive(void)
{
	struct page *page = reserve_page(GFP_ATOMIC | __GFP_EXCLUSIVE);

	if (!page) {
		pr_info("exclusive: the reserve is empty\n");
		return TEST_SKIP;
	}
	get_page(page);
	free_page_atomic_quality(page);
	/* Reported, and it left the reserve: the last put_page() frees it. */
	if (page_atomic_reserve_page_state(page) != PAR_NOT_RESERVED) {
		pr_err("exclusive: shared page did not leave the reserve\n");
		put_page(page);
		return TEST_FAIL;
	}
	put_page(page);
	pr_info("exclusive: pfn %#lx freed with an extra reference\n",
		page_to_pfn(page));
	return TEST_PASS;
}

static atomic_t hp_running;
static atomic_t hp_failed;
static atomic_long_t hp_allocs;
static bool hp_stop;

static int hotplug_thread(void *arg)
{
	struct page *pages[8];
	unsigned int i;

	while (!READ_ONCE(hp_stop)) {
		unsigned long flags;

		local_irq_save(flags);
		for (i = 0; i < ARRAY_SIZE(pages); i++)
			pages[i] = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_ZERO);
		local_irq_restore(flags);
		for (i = 0; i < ARRAY_SIZE(pages); i++) {
			if (!pages[i])
				continue;
			atomic_long_inc(&hp_allocs);
			if (!page_is(pages[i], 0))
				atomic_inc(&hp_failed);
			local_irq_save(flags);
			free_page_atomic_quality(pages[i]);
			local_irq_restore(flags);
		}
		cond_resched();
	}
	atomic_dec(&hp_running);
	return 0;
}

static int test_hotplug(void)
{
	unsigned int n = num_online_cpus(), i, round, cycles = 0;
	int cpu, err;

	if (n < 2) {
		pr_info("hotplug: needs two CPUs\n");
		return TEST_SKIP;
	}
	WRITE_ONCE(hp_stop, false);
	atomic_set(&hp_failed, 0);
	atomic_long_set(&hp_allocs, 0);
	atomic_set(&hp_running, n);
	for (i = 0; i < n; i++) {
		struct task_struct *t = kthread_run(hotplug_thread, NULL, "par_hotplug/%u", i);

		if (IS_ERR(t))
			atomic_dec(&hp_running);
	}
	for (round = 0; round < 3; round++) {
		for_each_present_cpu(cpu) {
			if (cpu == 0)
				continue;
			err = remove_cpu(cpu);
			if (err) {
				pr_info("hotplug: CPU %d cannot go offline: %d\n", cpu, err);
				continue;
			}
			msleep(20);
			err = add_cpu(cpu);
			if (err) {
				pr_err("hotplug: CPU %d cannot come back: %d\n", cpu, err);
				atomic_inc(&hp_failed);
			}
			cycles++;
			msleep(20);
		}
	}
	WRITE_ONCE(hp_stop, true);
	while (atomic_read(&hp_running))
		msleep(20);
	pr_info("hotplug: %u offline/online cycles, %ld allocations\n", cycles,
		atomic_long_read(&hp_allocs));
	if (!cycles)
		return TEST_SKIP;
	return atomic_read(&hp_failed) ? TEST_FAIL : TEST_PASS;
}

struct burst {
	struct page **pages;
	unsigned int got;
	u64 ns;
};

static void burst_fn(void *arg)
{
	struct burst *b = arg;
	gfp_t gfp = GFP_ATOMIC | __GFP_NOWARN | __GFP_ZERO;
	u64 t0 = local_clock();
	unsigned int i;

	for (i = 0; i < nr_pages; i++) {
		if (burst_mempool)
			/* mempool_alloc() does not take __GFP_ZERO. */
			b->pages[i] = mempool_alloc(serve_pool, gfp & ~__GFP_ZERO);
		else if (stock)
			b->pages[i] = alloc_page(gfp);
		else
			b->pages[i] = alloc_page_atomic_quality(gfp);
		if (b->pages[i])
			b->got++;
	}
	b->ns = local_clock() - t0;
}

static int test_burst(void)
{
	struct burst b = { };
	unsigned int i;
	int cpu;

	if (stock && hardirq)
		return -EINVAL;
	if (serve_pages && nr_pages <= SERVE_MAX) {
		b.pages = serve_pages;
		memset(b.pages, 0, nr_pages * sizeof(*b.pages));
	} else {
		b.pages = kvcalloc(nr_pages, sizeof(*b.pages), GFP_KERNEL);
	}
	if (!b.pages)
		return -ENOMEM;
	cpu = get_cpu();
	put_cpu();
	if (run_in_irq(cpu, burst_fn, &b, hardirq)) {
		if (b.pages != serve_pages)
			kvfree(b.pages);
		return TEST_FAIL;
	}
	pr_info("burst: mode=%s ctx=%s cpu=%d requested=%u got=%u failed=%u ns=%llu\n",
		burst_mempool ? "mempool" : stock ? "stock" : "reserve",
		hardirq ? "hardirq" : "softirq", cpu,
		nr_pages, b.got, nr_pages - b.got, b.ns);
	snprintf(last_burst, sizeof(last_burst), "%u %u %llu", b.got,
		 nr_pages - b.got, b.ns);
	for (i = 0; i < nr_pages; i++) {
		if (!b.pages[i])
			continue;
		if (burst_mempool)
			mempool_free(b.pages[i], serve_pool);
		else if (stock)
			__free_page(b.pages[i]);
		else
			free_page_atomic_quality(b.pages[i]);
	}
	if (b.pages != serve_pages)
		kvfree(b.pages);
	return TEST_PASS;
}

/* serve: "<nr_pages> <stock> [<hardirq>]" runs one burst. */
static int burst_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int s, h = 0;

	if (sscanf(val, "%u %d %d", &n, &s, &h) < 2 || !n || n > 65536 ||
	    (s && h))
		return -EINVAL;
	nr_pages = n;
	stock = s;
	hardirq = h;
	return test_burst() == TEST_PASS ? 0 : -EIO;
}

static const struct kernel_param_ops burst_ops = {
	.set = burst_set,
};
module_param_cb(burst, &burst_ops, NULL, 0200);
MODULE_PARM_DESC(burst, "serve: write \"<nr_pages> <stock> [<hardirq>]\"");

/*
 * serve: "<N1> <N2> ...": a stock, a mempool and a reserve burst of each
 * size, all in softirq; the mempool's columns are "-" without a pool.
 */
static int sweep_one(bool use_stock, bool use_pool, unsigned int *got,
		     unsigned int *failed)
{
	int ret;

	stock = use_stock;
	burst_mempool = use_pool;
	ret = test_burst();
	burst_mempool = false;
	if (ret != TEST_PASS || sscanf(last_burst, "%u %u", got, failed) != 2)
		return -EIO;
	/* Let the pages given back settle, or be zeroed again. */
	msleep(200);
	return 0;
}

static int sweep_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n[8], sg, sf, mg, mf;
	char pool[24] = "- -";
	size_t len = 0;
	int i, cnt;

	cnt = sscanf(val, "%u %u %u %u %u %u %u %u", &n[0], &n[1], &n[2], &n[3],
		     &n[4], &n[5], &n[6], &n[7]);
	if (cnt < 1)
		return -EINVAL;
	for (i = 0; i < cnt; i++)
		if (!n[i] || n[i] > SERVE_MAX)
			return -EINVAL;
	sweep_result[0] = '\0';
	hardirq = false;
	for (i = 0; i < cnt; i++) {
		nr_pages = n[i];
		if (sweep_one(true, false, &sg, &sf))
			return -EIO;
		if (serve_pool) {
			if (sweep_one(false, true, &mg, &mf))
				return -EIO;
			snprintf(pool, sizeof(pool), "%u %u", mg, mf);
		}
		stock = false;
		if (test_burst() != TEST_PASS)
			return -EIO;
		len += scnprintf(sweep_result + len, sizeof(sweep_result) - len,
				 "%u %u %u %s %s;", n[i], sg, sf, pool, last_burst);
		msleep(200);
	}
	return 0;
}

static const struct kernel_param_ops sweep_ops = {
	.set = sweep_set,
};
module_param_cb(sweep, &sweep_ops, NULL, 0200);
MODULE_PARM_DESC(sweep, "serve: write up to 8 burst sizes");

/*
 * bench: what one allocation and free costs in hardirq context, for the
 * reserve and for what a caller could use instead. All cases run in the
 * same timer interrupts (a pinned hrtimer in HRTIMER_MODE_REL_PINNED_HARD),
 * one sample of each case per interrupt, in a random order drawn anew for
 * every interrupt, so that their ratios are comparable. A sample is the
 * ktime_get_ns() time of @chain alloc+free pairs of one case in a row,
 * divided by @chain: some clocks, UML's for one, tick in 256 ns steps. The
 * "clock" case runs the same loop with nothing in it. The _alloc and _free
 * cases time one half of the pairs only (@chain allocations, then @chain
 * frees), the _zero_line and _zero_page cases a __GFP_ZERO pair with a
 * write of the page's first cache line or of all of it in between.
 *
 * page_pool is not a case: it recycles in NAPI (softirq) context, and
 * giving a page back from hardirq takes spin_lock_bh() on its ring, which
 * is not allowed there.
 */
enum bench_case {
	BENCH_CLOCK,
	BENCH_FLOOR,
	BENCH_STOCK,
	BENCH_STOCK_ZERO,
	BENCH_MEMPOOL,
	BENCH_NOLOCK,
	BENCH_STOCK_ALLOC,
	BENCH_STOCK_FREE,
	BENCH_STOCK_ZERO_LINE,
	BENCH_STOCK_ZERO_PAGE,
	/* The reserve's cases, from here on. */
	BENCH_RESERVE,
	BENCH_RESERVE_ZERO,
	BENCH_RESERVE_POISON,
	BENCH_RESERVE_EXCLUSIVE,
	BENCH_RESERVE_ALLOC,
	BENCH_RESERVE_FREE,
	BENCH_RESERVE_ZERO_LINE,
	BENCH_RESERVE_ZERO_PAGE,
	NR_BENCH
};

static const char * const bench_names[NR_BENCH] = {
	[BENCH_CLOCK]		  = "clock",
	[BENCH_FLOOR]		  = "percpu_floor",
	[BENCH_STOCK]		  = "stock",
	[BENCH_STOCK_ZERO]	  = "stock_zero",
	[BENCH_MEMPOOL]		  = "mempool",
	[BENCH_NOLOCK]		  = "nolock",
	[BENCH_STOCK_ALLOC]	  = "stock_alloc",
	[BENCH_STOCK_FREE]	  = "stock_free",
	[BENCH_STOCK_ZERO_LINE]	  = "stock_zero_line",
	[BENCH_STOCK_ZERO_PAGE]	  = "stock_zero_page",
	[BENCH_RESERVE]		  = "reserve",
	[BENCH_RESERVE_ZERO]	  = "reserve_zero",
	[BENCH_RESERVE_POISON]	  = "reserve_poison",
	[BENCH_RESERVE_EXCLUSIVE] = "reserve_exclusive",
	[BENCH_RESERVE_ALLOC]	  = "reserve_alloc",
	[BENCH_RESERVE_FREE]	  = "reserve_free",
	[BENCH_RESERVE_ZERO_LINE] = "reserve_zero_line",
	[BENCH_RESERVE_ZERO_PAGE] = "reserve_zero_page",
};

static const gfp_t bench_mods[NR_BENCH] = {
	[BENCH_STOCK_ZERO]	  = __GFP_ZERO,
	[BENCH_STOCK_ZERO_LINE]	  = __GFP_ZERO,
	[BENCH_STOCK_ZERO_PAGE]	  = __GFP_ZERO,
	[BENCH_RESERVE_ZERO]	  = __GFP_ZERO,
	[BENCH_RESERVE_POISON]	  = __GFP_POISON,
	[BENCH_RESERVE_EXCLUSIVE] = __GFP_EXCLUSIVE,
	[BENCH_RESERVE_ZERO_LINE] = __GFP_ZERO,
	[BENCH_RESERVE_ZERO_PAGE] = __GFP_ZERO,
};

static char *cases;
module_param(cases, charp, 0444);
MODULE_PARM_DESC(cases, "bench: comma-separated cases to run (default: all)");

static char *cpus;
module_param(cpus, charp, 0444);
MODULE_PARM_DESC(cpus, "bench: CPU list to run on, one after the other (default: all online)");

#define BENCH_CHAIN_MAX	64
static unsigned int chain = 32;
module_param(chain, uint, 0444);
MODULE_PARM_DESC(chain, "bench: alloc+free pairs in a row per sample (1-64)");

static unsigned int gap_us = 1000;
module_param(gap_us, uint, 0444);
MODULE_PARM_DESC(gap_us, "bench: microseconds between two interrupts");

/* The floor: a bare per-CPU array of pages, one of them in use. */
struct bench_floor {
	unsigned int nr;
	struct page *pages[4];
};

static DEFINE_PER_CPU(struct bench_floor, bench_floor);

/*
 * A sample taken while a node's refill work ran, or that saw one start: the
 * work holds the node's lock for a while and writes to pages that the
 * sample may take next, and on a machine with few CPUs it competes with
 * the sample for the CPU's caches. Such samples are reported apart as
 * "busy", for stock as for the reserve, so that a slow sample can be put
 * down to the work or not.
 */
#define BENCH_BUSY	BIT(31)

struct bench {
	u32 *ns[NR_BENCH];	/* samples of each case, ns per pair | BENCH_BUSY */
	unsigned int n;		/* samples taken per case */
	unsigned int end;	/* take samples up to here on this CPU */
	unsigned int failed[NR_BENCH];
	unsigned int fallback[NR_BENCH];
	unsigned long mask;	/* cases that run */
	u8 order[NR_BENCH];	/* in this order, in the next interrupt */
	mempool_t *pool;
	bool not_hardirq;
};

static struct page *bench_alloc(enum bench_case c, gfp_t gfp)
{
	return c >= BENCH_RESERVE ? alloc_page_atomic_quality(gfp) :
				    alloc_page(gfp);
}

static void bench_free(enum bench_case c, struct page *page)
{
	if (c >= BENCH_RESERVE)
		free_page_atomic_quality(page);
	else
		__free_page(page);
}

/*
 * What a caller does with a page it asked to be zeroed: write to it, the
 * first cache line or all of it. A page zeroed in advance elsewhere may
 * come cache-cold; one zeroed just now is hot.
 */
static bool bench_touches(enum bench_case c)
{
	return c == BENCH_STOCK_ZERO_LINE || c == BENCH_STOCK_ZERO_PAGE ||
	       c == BENCH_RESERVE_ZERO_LINE || c == BENCH_RESERVE_ZERO_PAGE;
}

static void bench_touch(enum bench_case c, struct page *page)
{
	bool line = c == BENCH_STOCK_ZERO_LINE || c == BENCH_RESERVE_ZERO_LINE;

	memset(page_address(page), 0x5a, line ? L1_CACHE_BYTES : PAGE_SIZE);
}

static void bench_sample(struct bench *b, enum bench_case c)
{
	struct page *pages[BENCH_CHAIN_MAX];
	gfp_t gfp = GFP_ATOMIC | __GFP_NOWARN | bench_mods[c];
	bool split_free = c == BENCH_STOCK_FREE || c == BENCH_RESERVE_FREE;
	bool split_alloc = c == BENCH_STOCK_ALLOC || c == BENCH_RESERVE_ALLOC;
	struct bench_floor *f;
	struct page *page;
	unsigned long flags;
	unsigned int i, seq;
	u64 t0, t1;
	bool busy;

	/* The free side alone: the allocations are not timed. */
	if (split_free)
		for (i = 0; i < chain; i++)
			pages[i] = bench_alloc(c, gfp);

	seq = page_atomic_reserve_work_seq();
	t0 = ktime_get_ns();
	for (i = 0; i < chain; i++) {
		page = NULL;
		switch (c) {
		case BENCH_CLOCK:
			break;
		case BENCH_FLOOR:
			f = this_cpu_ptr(&bench_floor);
			local_irq_save(flags);
			page = f->pages[--f->nr];
			local_irq_restore(flags);
			local_irq_save(flags);
			f->pages[f->nr++] = page;
			local_irq_restore(flags);
			break;
		case BENCH_STOCK:
		case BENCH_STOCK_ZERO:
			page = alloc_page(gfp);
			if (page)
				__free_page(page);
			break;
		case BENCH_MEMPOOL:
			page = mempool_alloc(b->pool, gfp);
			if (page)
				mempool_free(page, b->pool);
			break;
		case BENCH_NOLOCK:
			page = alloc_pages_nolock(0, NUMA_NO_NODE, 0);
			if (page)
				free_pages_nolock(page, 0);
			break;
		case BENCH_STOCK_ALLOC:
		case BENCH_RESERVE_ALLOC:
			page = bench_alloc(c, gfp);
			break;
		case BENCH_STOCK_FREE:
		case BENCH_RESERVE_FREE:
			page = pages[i];
			if (page)
				bench_free(c, page);
			break;
		default:
			page = bench_alloc(c, gfp);
			if (!page)
				break;
			if (bench_touches(c))
				bench_touch(c, page);
			bench_free(c, page);
			break;
		}
		pages[i] = page;
	}
	t1 = ktime_get_ns();
	busy = (seq & 1) || seq != page_atomic_reserve_work_seq();

	/* The allocation side alone: the frees are not timed. */
	if (split_alloc)
		for (i = 0; i < chain; i++)
			if (pages[i])
				bench_free(c, pages[i]);

	b->ns[c][b->n] = min_t(u64, div_u64(t1 - t0, chain), BENCH_BUSY - 1) |
			 (busy ? BENCH_BUSY : 0);
	if (c == BENCH_CLOCK)
		return;
	for (i = 0; i < chain; i++) {
		if (!pages[i])
			b->failed[c]++;
		/* A page the page allocator gave when the reserve had none. */
		else if (c >= BENCH_RESERVE &&
			 page_atomic_reserve_page_state(pages[i]) == PAR_NOT_RESERVED)
			b->fallback[c]++;
	}
}

static void bench_irq(void *arg)
{
	struct bench *b = arg;
	unsigned int k;

	if (!in_hardirq())
		b->not_hardirq = true;
	for (k = 0; k < NR_BENCH; k++)
		if (b->mask & BIT(b->order[k]))
			bench_sample(b, b->order[k]);
	b->n++;
}

/* A new order for the next interrupt: no case always runs first. */
static void bench_shuffle(struct bench *b)
{
	unsigned int k;

	for (k = 0; k < NR_BENCH; k++)
		b->order[k] = k;
	/*
	 * One draw per step: swap() evaluates its second argument twice, and
	 * a draw inside it read one slot and wrote another, so that some
	 * cases ran twice in an interrupt and others not at all.
	 */
	for (k = NR_BENCH - 1; k > 0; k--) {
		unsigned int r = get_random_u32_below(k + 1);

		swap(b->order[k], b->order[r]);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(u32 *)a, y = *(u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The stock cases call the page allocator in hardirq. A stock pair mostly
 * gets back from the per-CPU list the page it has just freed, but not
 * always: when the list is empty (drained by vmstat or drain_all_pages(),
 * or emptied by stock_alloc's chain) its refill takes zone->lock, a
 * spinlock_t, and so does a free that finds the list full; mempool's own
 * lock is a spinlock_t as well. A hard hrtimer must not take a spinlock_t
 * where it sleeps (PREEMPT_RT), and lockdep reports it where it checks that
 * nesting (PROVE_RAW_LOCK_NESTING), at random, whenever the list happens
 * to be empty. Such kernels run only the cases that take no spinlock_t:
 * the clock, the floor, alloc_pages_nolock() (trylocks only) and the
 * reserve's.
 */
#define BENCH_SPINLOCK_CASES						\
	(BIT(BENCH_STOCK) | BIT(BENCH_STOCK_ZERO) | BIT(BENCH_MEMPOOL) |	\
	 BIT(BENCH_STOCK_ALLOC) | BIT(BENCH_STOCK_FREE) |			\
	 BIT(BENCH_STOCK_ZERO_LINE) | BIT(BENCH_STOCK_ZERO_PAGE))

static bool bench_allowed(enum bench_case c)
{
	if (!(BENCH_SPINLOCK_CASES & BIT(c)))
		return true;
	return !IS_ENABLED(CONFIG_PREEMPT_RT) &&
	       !IS_ENABLED(CONFIG_PROVE_RAW_LOCK_NESTING);
}

static int bench_parse_cases(unsigned long *mask)
{
	char *buf, *p, *name;
	int c, ret = 0;

	if (!cases || !*cases || !strcmp(cases, "all")) {
		*mask = 0;
		for (c = 0; c < NR_BENCH; c++)
			if (bench_allowed(c))
				*mask |= BIT(c);
		return 0;
	}
	buf = kstrdup(cases, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	*mask = 0;
	p = buf;
	while ((name = strsep(&p, ",")) != NULL) {
		c = match_string(bench_names, NR_BENCH, name);
		if (c < 0) {
			pr_err("bench: unknown case \"%s\"\n", name);
			ret = -EINVAL;
			break;
		}
		if (!bench_allowed(c)) {
			pr_err("bench: %s may take a spinlock_t in hardirq, not run in this kernel\n",
			       name);
			ret = -EINVAL;
			break;
		}
		*mask |= BIT(c);
	}
	kfree(buf);
	return ret;
}

static void bench_report(struct bench *b, const char *cpulist)
{
	unsigned int c, n = b->n;

	for (c = 0; c < NR_BENCH; c++) {
		u32 *s = b->ns[c], qm, qp, bm, bp;
		unsigned int i, nq, nb;

		if (!(b->mask & BIT(c)))
			continue;
		/* The busy samples sort after the quiet ones. */
		sort(s, n, sizeof(*s), cmp_u32, NULL);
		for (nq = 0; nq < n && !(s[nq] & BENCH_BUSY); nq++)
			;
		nb = n - nq;
		qm = nq ? s[nq / 2] : 0;
		qp = nq ? s[(u64)nq * 99 / 100] : 0;
		bm = nb ? s[nq + nb / 2] & ~BENCH_BUSY : 0;
		bp = nb ? s[nq + (u64)nb * 99 / 100] & ~BENCH_BUSY : 0;
		for (i = 0; i < n; i++)
			s[i] &= ~BENCH_BUSY;
		sort(s, n, sizeof(*s), cmp_u32, NULL);
		pr_info("bench: case=%s cpus=%s samples=%u pairs=%u failed=%u fallback=%u median_ns=%u p99_ns=%u max_ns=%u\n",
			bench_names[c], cpulist, n, n * chain, b->failed[c],
			b->fallback[c], s[n / 2], s[(u64)n * 99 / 100], s[n - 1]);
		pr_info("bench: busy: case=%s quiet=%u quiet_median_ns=%u quiet_p99_ns=%u busy=%u busy_median_ns=%u busy_p99_ns=%u\n",
			bench_names[c], nq, qm, qp, nb, bm, bp);
	}
}

static int test_bench(void)
{
	struct page_atomic_reserve_stats st0, st1;
	struct bench *b;
	cpumask_var_t mask;
	unsigned int c, total;
	char *cpulist = NULL;
	int cpu, ret = TEST_PASS;

	if (!chain || chain > BENCH_CHAIN_MAX || !iterations || iterations > 1000000)
		return -EINVAL;
	page_atomic_reserve_flush();
	page_atomic_reserve_get_stats(NUMA_NO_NODE, &st0);
	if (!st0.target) {
		pr_info("bench: no reserve is sized\n");
		return TEST_SKIP;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL)) {
		kfree(b);
		return -ENOMEM;
	}
	ret = bench_parse_cases(&b->mask);
	if (ret)
		goto out;
	if (cpus) {
		ret = cpulist_parse(cpus, mask);
		if (ret)
			goto out;
	} else {
		cpumask_copy(mask, cpu_online_mask);
	}
	cpumask_and(mask, mask, cpu_online_mask);
	total = cpumask_weight(mask) * iterations;
	ret = -EINVAL;
	if (!total)
		goto out_free;
	ret = -ENOMEM;
	cpulist = kasprintf(GFP_KERNEL, "%*pbl", cpumask_pr_args(mask));
	if (!cpulist)
		goto out_free;
	for (c = 0; c < NR_BENCH; c++) {
		if (!(b->mask & BIT(c)))
			continue;
		b->ns[c] = kvcalloc(total, sizeof(u32), GFP_KERNEL);
		if (!b->ns[c])
			goto out_free;
	}
	/* A page mempool of the size of the reserve. */
	b->pool = mempool_create_page_pool(st0.target, 0);
	if (!b->pool)
		goto out_free;
	for_each_cpu(cpu, mask) {
		struct bench_floor *f = per_cpu_ptr(&bench_floor, cpu);

		f->pages[0] = alloc_page(GFP_KERNEL);
		if (!f->pages[0])
			goto out_free;
		f->nr = 1;
	}
	pr_info("bench: hardirq (hrtimer, pinned, hard), %u samples of %u pairs per case and CPU, one per interrupt, %u us apart, reserve %lu pages\n",
		iterations, chain, gap_us, st0.target);

	ret = TEST_PASS;
	page_atomic_reserve_flush();
	page_atomic_reserve_get_stats(NUMA_NO_NODE, &st0);
	for_each_cpu(cpu, mask) {
		b->end += iterations;
		while (b->n < b->end) {
			int err = -ENODEV;

			bench_shuffle(b);
			/* Not across the flushes: the refill work takes it. */
			cpus_read_lock();
			if (cpu_online(cpu))
				err = run_in_hardirq(cpu, bench_irq, b);
			cpus_read_unlock();
			if (err == -ENODEV) {
				pr_err("bench: CPU %d went offline\n", cpu);
				ret = -ENODEV;
				goto out_free;
			}
			if (err)
				b->not_hardirq = true;
			usleep_range(gap_us, gap_us + gap_us / 10 + 1);
		}
	}
	page_atomic_reserve_flush();
	page_atomic_reserve_get_stats(NUMA_NO_NODE, &st1);

	if (b->not_hardirq) {
		pr_err("bench: a sample did not run in hardirq context\n");
		ret = TEST_FAIL;
	}
	bench_report(b, cpulist);
	st1.events[PAR_STAT_ZEROED] -= st0.events[PAR_STAT_ZEROED];
	st1.work_ns -= st0.work_ns;
	pr_info("bench: refill work_ns=%llu pages_zeroed=%lu ns_per_page=%llu\n",
		st1.work_ns, st1.events[PAR_STAT_ZEROED],
		st1.events[PAR_STAT_ZEROED] ?
		div64_ul(st1.work_ns, st1.events[PAR_STAT_ZEROED]) : 0);
out_free:
	for_each_possible_cpu(cpu) {
		struct bench_floor *f = per_cpu_ptr(&bench_floor, cpu);

		if (f->nr)
			__free_page(f->pages[0]);
		f->nr = 0;
	}
	mempool_destroy(b->pool);
	for (c = 0; c < NR_BENCH; c++)
		kvfree(b->ns[c]);
	kfree(cpulist);
out:
	free_cpumask_var(mask);
	kfree(b);
	return ret;
}

/*
 * storm: every CPU at once, from process, softirq and hardirq context,
 * with every combination of the modifiers, for @seconds, while whoever
 * loaded the module resizes the reserve, changes its tunables and takes
 * CPUs offline and online. The pages the storm holds have their bit set
 * in a bitmap by pfn: a page handed out whose bit is already set has two
 * owners at once.
 */
static unsigned int seconds = 10;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "storm: how long the storm lasts");

enum { STORM_TASK, STORM_SOFTIRQ, STORM_HARDIRQ, NR_STORM_CTX };

struct storm {
	unsigned long *held;
	unsigned long nr_pfns;
	atomic_long_t allocs[NR_STORM_CTX];
	atomic_long_t failed, dup, dirty, unpoisoned, wrong_ctx, rounds;
};

/*
 * One per thread, and used by its interrupts while the thread waits for
 * them: get_random_u32() takes a local_lock_t, which a hard hrtimer must
 * not take where it is a spinlock_t (PREEMPT_RT).
 */
struct storm_call {
	struct storm *s;
	struct rnd_state *rnd;
	int ctx;
};

static const gfp_t storm_mods[] = {
	0, __GFP_ZERO, __GFP_POISON, __GFP_EXCLUSIVE,
	__GFP_ZERO | __GFP_POISON, __GFP_ZERO | __GFP_EXCLUSIVE,
	__GFP_POISON | __GFP_EXCLUSIVE,
	__GFP_ZERO | __GFP_POISON | __GFP_EXCLUSIVE,
};

/* Take up to 8 pages, check each, write to it as its owner, give all back. */
static void storm_round(struct storm_call *sc)
{
	struct storm *s = sc->s;
	struct page *pages[8];
	unsigned int n = 1 + prandom_u32_state(sc->rnd) % ARRAY_SIZE(pages), i;
	unsigned long pfn;

	for (i = 0; i < n; i++) {
		gfp_t mods = storm_mods[prandom_u32_state(sc->rnd) % ARRAY_SIZE(storm_mods)];
		struct page *page;

		page = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_NOWARN | mods);
		pages[i] = page;
		if (!page) {
			atomic_long_inc(&s->failed);
			continue;
		}
		atomic_long_inc(&s->allocs[sc->ctx]);
		pfn = page_to_pfn(page);
		if (pfn < s->nr_pfns && test_and_set_bit(pfn, s->held))
			atomic_long_inc(&s->dup);
		if (mods & __GFP_ZERO) {
			if (!page_is(page, 0))
				atomic_long_inc(&s->dirty);
		} else if ((mods & __GFP_POISON) && !page_is(page, PAGE_POISON)) {
			atomic_long_inc(&s->unpoisoned);
		}
		page_atomic_reserve_fill(page, 0x5a);
	}
	for (i = 0; i < n; i++) {
		if (!pages[i])
			continue;
		pfn = page_to_pfn(pages[i]);
		if (pfn < s->nr_pfns)
			clear_bit(pfn, s->held);
		free_page_atomic_quality(pages[i]);
	}
}

static void storm_irq_fn(void *arg)
{
	storm_round(arg);
}

static int storm_thread(void *arg)
{
	struct storm *s = arg;
	struct rnd_state rnd;
	struct storm_call task = { s, &rnd, STORM_TASK };
	struct storm_call soft = { s, &rnd, STORM_SOFTIRQ };
	struct storm_call hard = { s, &rnd, STORM_HARDIRQ };

	prandom_seed_state(&rnd, get_random_u64());
	while (!kthread_should_stop()) {
		storm_round(&task);
		if (run_in_irq(-1, storm_irq_fn, &soft, false) ||
		    run_in_irq(-1, storm_irq_fn, &hard, true))
			atomic_long_inc(&s->wrong_ctx);
		atomic_long_inc(&s->rounds);
		cond_resched();
	}
	return 0;
}

static int test_storm(void)
{
	struct page_atomic_reserve_stats st0, st1;
	unsigned int nr_threads = 2 * num_online_cpus(), i, k, planted = 0;
	struct task_struct **threads;
	struct storm *s;
	int ret = TEST_PASS;

	if (!seconds || seconds > 3600)
		return -EINVAL;
	s = kzalloc_obj(*s);
	threads = kcalloc(nr_threads, sizeof(*threads), GFP_KERNEL);
	if (s) {
		int nid;

		/* Pages of memory onlined later are not tracked. */
		for_each_online_node(nid)
			s->nr_pfns = max(s->nr_pfns, node_end_pfn(nid));
		s->held = vzalloc(BITS_TO_LONGS(s->nr_pfns) * sizeof(long));
	}
	if (!s || !threads || !s->held) {
		ret = -ENOMEM;
		goto out;
	}
	/* Unbound: a CPU going offline takes none of them with it. */
	for (i = 0; i < nr_threads; i++) {
		threads[i] = kthread_run(storm_thread, s, "par_storm/%u", i);
		if (IS_ERR(threads[i])) {
			ret = PTR_ERR(threads[i]);
			threads[i] = NULL;
			break;
		}
		get_task_struct(threads[i]);
	}
	if (ret == TEST_PASS)
		msleep_interruptible(seconds * 1000);
	for (i = 0; i < nr_threads && threads[i]; i++) {
		kthread_stop(threads[i]);
		put_task_struct(threads[i]);
	}
	if (ret != TEST_PASS)
		goto out;

	pr_info("storm: %u s, %u threads, %ld rounds, allocations: %ld in process context, %ld in softirq, %ld in hardirq, %ld failed\n",
		seconds, nr_threads, atomic_long_read(&s->rounds),
		atomic_long_read(&s->allocs[STORM_TASK]),
		atomic_long_read(&s->allocs[STORM_SOFTIRQ]),
		atomic_long_read(&s->allocs[STORM_HARDIRQ]),
		atomic_long_read(&s->failed));
	pr_info("storm: handed to two owners %ld, __GFP_ZERO not zeroed %ld, __GFP_POISON not poisoned %ld, not in the context asked for %ld, still held %u\n",
		atomic_long_read(&s->dup), atomic_long_read(&s->dirty),
		atomic_long_read(&s->unpoisoned), atomic_long_read(&s->wrong_ctx),
		bitmap_weight(s->held, s->nr_pfns));
	if (atomic_long_read(&s->dup) || atomic_long_read(&s->dirty) ||
	    atomic_long_read(&s->unpoisoned) || atomic_long_read(&s->wrong_ctx) ||
	    !bitmap_empty(s->held, s->nr_pfns) ||
	    !atomic_long_read(&s->allocs[STORM_HARDIRQ]))
		ret = TEST_FAIL;

	/* Writes after free, planted one by one: the work must find each. */
	page_atomic_reserve_flush();
	page_atomic_reserve_get_stats(NUMA_NO_NODE, &st0);
	for (k = 0; k < 4; k++)
		if (test_poison() == TEST_PASS)
			planted++;
	page_atomic_reserve_flush();
	page_atomic_reserve_get_stats(NUMA_NO_NODE, &st1);
	pr_info("storm: writes after free planted %u, found %lu\n", planted,
		st1.events[PAR_STAT_POISON] - st0.events[PAR_STAT_POISON]);
	if (!planted ||
	    st1.events[PAR_STAT_POISON] - st0.events[PAR_STAT_POISON] != planted)
		ret = TEST_FAIL;
out:
	if (s)
		vfree(s->held);
	kfree(s);
	kfree(threads);
	return ret;
}

/*
 * chunks: a chunk descriptor lives while any of its pages is the reserve's;
 * its live count says how many are. With the work flushed and the dead
 * chunks reaped, no descriptor left in the index may have none, and their
 * live counts must add up to the pages the reserve holds: ready, pending,
 * handed out and quarantined, each counted once. A page given back
 * meanwhile (a consumer of the reserve's pages frees whenever it wants)
 * moves the counts between two readings: read again until two agree.
 */
static int test_chunks(void)
{
	struct page_atomic_reserve_stats st, again;
	unsigned long chunks, pages, empty, held;
	int tries = 0;

	do {
		page_atomic_reserve_flush();
		page_atomic_reserve_get_stats(NUMA_NO_NODE, &st);
		chunks = page_atomic_reserve_nr_chunks();
		pages = page_atomic_reserve_chunk_pages(&empty);
		page_atomic_reserve_get_stats(NUMA_NO_NODE, &again);
	} while ((again.level != st.level || again.pending != st.pending ||
		  again.outstanding != st.outstanding ||
		  again.quarantine != st.quarantine) && ++tries < 10);
	held = st.level + st.pending + st.outstanding + st.quarantine;
	pr_info("chunks: %lu descriptors in the index, %lu of their pages live, %lu with none; %lu pages held (ready %lu, pending %lu, handed out %lu, quarantined %lu)\n",
		chunks, pages, empty, held, st.level, st.pending, st.outstanding,
		st.quarantine);
	return !empty && pages == held ? TEST_PASS : TEST_FAIL;
}

static int __init test_par_init(void)
{
	if (!nr_pages || nr_pages > 65536)
		return -EINVAL;
	if (!strcmp(test, "hardirq"))
		return test_hardirq();
	if (!strcmp(test, "zero"))
		return test_zero();
	if (!strcmp(test, "poison"))
		return test_poison();
	if (!strcmp(test, "exclusive"))
		return test_exclusive();
	if (!strcmp(test, "hotplug"))
		return test_hotplug();
	if (!strcmp(test, "burst"))
		return test_burst();
	if (!strcmp(test, "bench"))
		return test_bench();
	if (!strcmp(test, "storm"))
		return test_storm();
	if (!strcmp(test, "chunks"))
		return test_chunks();
	if (!strcmp(test, "serve")) {
		struct page_atomic_reserve_stats st;

		serve_pages = kvcalloc(SERVE_MAX, sizeof(*serve_pages), GFP_KERNEL);
		if (!serve_pages)
			return -ENOMEM;
		page_atomic_reserve_get_stats(NUMA_NO_NODE, &st);
		if (st.target) {
			serve_pool = mempool_create_page_pool(st.target, 0);
			if (!serve_pool) {
				kvfree(serve_pages);
				return -ENOMEM;
			}
		}
		return 0;
	}
	return -EINVAL;
}

static void __exit test_par_exit(void)
{
	mempool_destroy(serve_pool);
	kvfree(serve_pages);
}

module_init(test_par_init);
module_exit(test_par_exit);

MODULE_DESCRIPTION("Functional tests of the atomic page reserve");
MODULE_LICENSE("GPL");
