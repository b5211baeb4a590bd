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
 *              parameters/sweep runs a stock and a reserve burst of each
 *              size and leaves "<N> <stock got> <stock failed> <reserve
 *              got> <reserve failed> <reserve ns>;..." in
 *              parameters/sweep_result. Lets
 *              a caller fire bursts while memory is too short to load a
 *              module or fork a process; the page arrays are allocated at
 *              load time.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poison.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "../mm/page_atomic_reserve.h"

MODULE_IMPORT_NS("PAGE_ATOMIC_RESERVE_TEST");

static char *test = "hardirq";
module_param(test, charp, 0444);
MODULE_PARM_DESC(test, "hardirq, zero, poison, exclusive, hotplug, burst or serve");

static unsigned int nr_pages = 64;
module_param(nr_pages, uint, 0444);
MODULE_PARM_DESC(nr_pages, "pages per CPU (hardirq) or per burst (burst)");

static unsigned int iterations = 2000;
module_param(iterations, uint, 0444);
MODULE_PARM_DESC(iterations, "rounds of the zero and hotplug tests");

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

static void page_fill(struct page *page, int c)
{
	void *addr = kmap_local_page(page);

	memset(addr, c, PAGE_SIZE);
	kunmap_local(addr);
}

/*
 * Run @fn in interrupt context on @cpu: a pinned hrtimer armed there,
 * expiring in hardirq (HARD) or softirq (SOFT) context.
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
		page_fill(cp->pages[i], 0x5a);
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

	cps = kcalloc(ncpu, sizeof(*cps), GFP_KERNEL);
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
			page_fill(pages[i], 0xa5);
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
	free_page_atomic_quality(page);
	/* The reserve keeps the page: this is the write after free to catch. */
	addr = kmap_local_page(page);
	WRITE_ONCE(addr[123], 0x42);
	kunmap_local(addr);
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
	if (page_atomic_reserve_page_state(page) != PAR_QUARANTINE) {
		pr_err("exclusive: shared page not quarantined\n");
		return TEST_FAIL;
	}
	/* The quarantine keeps its reference. */
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
		b->pages[i] = stock ? alloc_page(gfp) : alloc_page_atomic_quality(gfp);
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

	if (serve_pages && nr_pages <= SERVE_MAX) {
		b.pages = serve_pages;
		memset(b.pages, 0, nr_pages * sizeof(*b.pages));
	} else {
		b.pages = kvcalloc(nr_pages, sizeof(*b.pages), GFP_KERNEL);
	}
	if (!b.pages)
		return -ENOMEM;
	if (stock && hardirq)
		return -EINVAL;
	cpu = get_cpu();
	put_cpu();
	if (run_in_irq(cpu, burst_fn, &b, hardirq)) {
		if (b.pages != serve_pages)
			kvfree(b.pages);
		return TEST_FAIL;
	}
	pr_info("burst: mode=%s ctx=%s cpu=%d requested=%u got=%u failed=%u ns=%llu\n",
		stock ? "stock" : "reserve", hardirq ? "hardirq" : "softirq", cpu,
		nr_pages, b.got, nr_pages - b.got, b.ns);
	snprintf(last_burst, sizeof(last_burst), "%u %u %llu", b.got,
		 nr_pages - b.got, b.ns);
	for (i = 0; i < nr_pages; i++) {
		if (!b.pages[i])
			continue;
		if (stock)
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

	if (sscanf(val, "%u %d %d", &n, &s, &h) < 2 || !n || n > 65536)
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

/* serve: "<N1> <N2> ...": a stock and a reserve burst of each size. */
static int sweep_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n[8], sg, sf;
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
		stock = true;
		if (test_burst() != TEST_PASS)
			return -EIO;
		if (sscanf(last_burst, "%u %u", &sg, &sf) != 2)
			return -EIO;
		/* Let the pages freed by the stock burst settle. */
		msleep(200);
		stock = false;
		if (test_burst() != TEST_PASS)
			return -EIO;
		len += scnprintf(sweep_result + len, sizeof(sweep_result) - len,
				 "%u %u %u %s;", n[i], sg, sf, last_burst);
		/* The reserve zeroes what came back before the next size. */
		msleep(200);
	}
	return 0;
}

static const struct kernel_param_ops sweep_ops = {
	.set = sweep_set,
};
module_param_cb(sweep, &sweep_ops, NULL, 0200);
MODULE_PARM_DESC(sweep, "serve: write up to 8 burst sizes");

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
	if (!strcmp(test, "serve")) {
		serve_pages = kvcalloc(SERVE_MAX, sizeof(*serve_pages), GFP_KERNEL);
		return serve_pages ? 0 : -ENOMEM;
	}
	return -EINVAL;
}

static void __exit test_par_exit(void)
{
	kvfree(serve_pages);
}

module_init(test_par_init);
module_exit(test_par_exit);

MODULE_DESCRIPTION("Functional tests of the atomic page reserve");
MODULE_LICENSE("GPL");
