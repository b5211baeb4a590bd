// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for alloc_page_atomic_quality() and the atomic page reserve.
 *
 * Every case starts with the reserve of each memory node resized to
 * PAR_TEST_PAGES and filled, and the sizes found at start are restored on
 * exit.
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/kallsyms.h>
#include <linux/kasan.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/poison.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "../page_alloc.h"
#include "../page_atomic_reserve.h"

#define PAR_TEST_PAGES	128

static unsigned long par_saved_target[MAX_NUMNODES];

static void par_stats(int nid, struct page_atomic_reserve_stats *st)
{
	page_atomic_reserve_get_stats(nid, st);
}

static unsigned long par_event(enum par_stat_item item)
{
	struct page_atomic_reserve_stats st;

	par_stats(NUMA_NO_NODE, &st);
	return st.events[item];
}

static bool page_is(struct page *page, int c)
{
	void *addr = kmap_local_page(page);
	bool ret = !memchr_inv(addr, c, PAGE_SIZE);

	kunmap_local(addr);
	return ret;
}

/* The same, for a page that the reserve holds (ready or held pending). */
static bool held_page_is(struct page *page, int c)
{
	bool ret;

	page_atomic_reserve_test_access(page, true);
	ret = page_is(page, c);
	page_atomic_reserve_test_access(page, false);
	return ret;
}

static void par_fill_all(void)
{
	int i;

	/* The refill work runs as the level drops; let it settle. */
	for (i = 0; i < 3; i++)
		page_atomic_reserve_flush();
}

static int par_test_init(struct kunit *test)
{
	struct page_atomic_reserve_stats st;
	int nid;

	page_atomic_reserve_pause_refill(false);
	for_each_node_state(nid, N_MEMORY) {
		par_stats(nid, &st);
		par_saved_target[nid] = st.target;
		if (page_atomic_reserve_max_pages(nid) < PAR_TEST_PAGES)
			kunit_skip(test, "node %d too small for the tests", nid);
		KUNIT_ASSERT_EQ(test, page_atomic_reserve_resize(nid, PAR_TEST_PAGES), 0);
	}
	par_fill_all();
	par_stats(NUMA_NO_NODE, &st);
	KUNIT_ASSERT_GE(test, st.level, st.target);
	return 0;
}

static void par_test_exit(struct kunit *test)
{
	int nid;

	page_atomic_reserve_pause_refill(false);
	page_atomic_reserve_hold_pending(false);
	for_each_node_state(nid, N_MEMORY)
		page_atomic_reserve_resize(nid, par_saved_target[nid]);
	page_atomic_reserve_flush();
}

/* A page from the reserve, or fail the test. */
static struct page *par_get(struct kunit *test, gfp_t gfp)
{
	struct page *page = alloc_page_atomic_quality(gfp);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, page_atomic_reserve_page_state(page), PAR_OWNED);
	return page;
}

/* Reserve pages sit in naturally aligned chunks: pfn names the chunk. */
static void par_test_chunk_alignment(struct kunit *test)
{
	struct page *pages[32], *plain;
	int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		unsigned long pfn, base;

		pages[i] = par_get(test, GFP_ATOMIC);
		pfn = page_to_pfn(pages[i]);
		base = page_atomic_reserve_chunk_pfn(pages[i]);
		KUNIT_EXPECT_NE(test, base, ULONG_MAX);
		KUNIT_EXPECT_EQ(test, base, ALIGN_DOWN(pfn, 8));
	}
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		free_page_atomic_quality(pages[i]);

	plain = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, plain);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_chunk_pfn(plain), ULONG_MAX);
	__free_page(plain);
}

/* A hit is counted, the page is owned, and comes back through pending. */
static void par_test_hit_and_recycle(struct kunit *test)
{
	unsigned long hits = par_event(PAR_STAT_HIT);
	unsigned long freed = par_event(PAR_STAT_FREED);
	struct page *page = par_get(test, GFP_ATOMIC);

	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_HIT), hits + 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	KUNIT_EXPECT_EQ(test, page_private(page), 0UL);
	free_page_atomic_quality(page);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_FREED), freed + 1);
	page_atomic_reserve_flush();
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_POOL);
}

/*
 * The zero invariant: over thousands of allocations, including pages that
 * were dirtied and given back, no __GFP_ZERO request sees a non-zero byte.
 */
static void par_test_zero_invariant(struct kunit *test)
{
	struct page **pages;
	unsigned long hits0 = par_event(PAR_STAT_HIT_ZERO);
	unsigned long zeroed0 = par_event(PAR_STAT_ZEROED);
	int round, i, bad = 0;

	pages = kunit_kcalloc(test, 64, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (round = 0; round < 64; round++) {
		for (i = 0; i < 64; i++) {
			pages[i] = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_ZERO);
			KUNIT_ASSERT_NOT_NULL(test, pages[i]);
			if (!page_is(pages[i], 0))
				bad++;
			page_atomic_reserve_fill(pages[i], 0x5a);
		}
		for (i = 0; i < 64; i++)
			free_page_atomic_quality(pages[i]);
		/* The dirty pages come back zeroed, and the level is restored. */
		page_atomic_reserve_flush();
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	/* Every request was served from the reserve, with recycled pages. */
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_HIT_ZERO) - hits0, 64UL * 64);
	KUNIT_EXPECT_GE(test, par_event(PAR_STAT_ZEROED) - zeroed0, 64UL * 64);
}

/*
 * A page freed dirty is never ready before the work zeroed it. The page is
 * held pending while the test looks: on another CPU the work the free
 * kicks may otherwise zero and pool it before the first check. No refill
 * meanwhile: a chunk added to make up for the pending page would make the
 * pool one chunk too big, and the trim may then give this page back.
 */
static void par_test_dirty_not_ready(struct kunit *test)
{
	struct page *page = par_get(test, GFP_ATOMIC);

	page_atomic_reserve_fill(page, 0xff);
	page_atomic_reserve_pause_refill(true);
	page_atomic_reserve_hold_pending(true);
	free_page_atomic_quality(page);
	page_atomic_reserve_flush();
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_PENDING);
	page_atomic_reserve_hold_pending(false);
	page_atomic_reserve_flush();
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_POOL);
	KUNIT_EXPECT_TRUE(test, held_page_is(page, 0));
}

static void par_test_poison_filled(struct kunit *test)
{
	struct page *page = par_get(test, GFP_ATOMIC | __GFP_POISON);

	KUNIT_EXPECT_TRUE(test, page_is(page, PAGE_POISON));
	free_page_atomic_quality(page);

	page = par_get(test, GFP_ATOMIC | __GFP_POISON | __GFP_ZERO);
	KUNIT_EXPECT_TRUE(test, page_is(page, 0));
	free_page_atomic_quality(page);
}

static void par_test_poison_clean_free(struct kunit *test)
{
	unsigned long reports = par_event(PAR_STAT_POISON);
	struct page *page = par_get(test, GFP_ATOMIC | __GFP_POISON);

	page_atomic_reserve_fill(page, 0x11);
	free_page_atomic_quality(page);
	page_atomic_reserve_flush();
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_POISON), reports);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_POOL);
	KUNIT_EXPECT_TRUE(test, held_page_is(page, 0));
}

/*
 * The page stays in the reserve after the free, so the write below hits
 * memory the reserve owns: it is the bug the modifier is there to catch.
 * The page is held pending meanwhile: without that, the work that the
 * free kicks could check, zero and pool it, or hand it to another owner,
 * before the write.
 */
static void par_test_poison_write_after_free(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	struct page *page = par_get(test, GFP_ATOMIC | __GFP_POISON);
	u8 *addr;

	par_stats(NUMA_NO_NODE, &before);
	page_atomic_reserve_pause_refill(true);
	page_atomic_reserve_hold_pending(true);
	free_page_atomic_quality(page);
	page_atomic_reserve_flush();
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_PENDING);
	/* Past KASAN and debug_pagealloc, which would catch it first. */
	page_atomic_reserve_test_access(page, true);
	addr = kmap_local_page(page);
	WRITE_ONCE(addr[100], 0x42);
	kunmap_local(addr);
	page_atomic_reserve_test_access(page, false);
	page_atomic_reserve_hold_pending(false);
	page_atomic_reserve_flush();
	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_POISON],
			before.events[PAR_STAT_POISON] + 1);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_QUARANTINED],
			before.events[PAR_STAT_QUARANTINED] + 1);
	KUNIT_EXPECT_EQ(test, after.quarantine, before.quarantine + 1);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_QUARANTINE);
}

#ifdef CONFIG_KASAN_GENERIC
/* Whether generic KASAN reports an access to the first byte of @page. */
static bool __no_sanitize_address par_kasan_poisoned(struct page *page)
{
	return *(s8 *)kasan_mem_to_shadow(page_address(page)) < 0;
}
#else
static bool par_kasan_poisoned(struct page *page)
{
	return false;
}
#endif

static bool par_kasan_on(void)
{
	return IS_ENABLED(CONFIG_KASAN_GENERIC) && kasan_enabled();
}

/*
 * Whether the debugging features that are enabled keep @page from access
 * (@sealed) or not: poisoned for KASAN, unmapped by debug_pagealloc.
 */
static void par_expect_sealed(struct kunit *test, struct page *page,
			      bool sealed, const char *what)
{
	if (par_kasan_on())
		KUNIT_EXPECT_EQ_MSG(test, par_kasan_poisoned(page), sealed,
				    "KASAN, %s page", what);
	if (debug_pagealloc_enabled())
		KUNIT_EXPECT_EQ_MSG(test, kernel_page_present(page), !sealed,
				    "debug_pagealloc, %s page", what);
}

/*
 * While the reserve holds a page, ready or pending, KASAN reports an
 * access to it and debug_pagealloc has it unmapped, as for a page in the
 * page allocator's free lists; a page handed out is accessible.
 */
static void par_test_debug_hooks(struct kunit *test)
{
	struct page *page, *ready;

	if (!par_kasan_on() && !debug_pagealloc_enabled())
		kunit_skip(test, "needs generic KASAN or debug_pagealloc=on");
	page_atomic_reserve_pause_refill(true);
	ready = page_atomic_reserve_peek(numa_mem_id());
	KUNIT_ASSERT_NOT_NULL(test, ready);
	page = par_get(test, GFP_ATOMIC | __GFP_ZERO);
	KUNIT_EXPECT_TRUE(test, page_is(page, 0));
	par_expect_sealed(test, ready, true, "ready");
	par_expect_sealed(test, page, false, "handed out");

	page_atomic_reserve_hold_pending(true);
	free_page_atomic_quality(page);
	page_atomic_reserve_flush();
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_PENDING);
	par_expect_sealed(test, page, true, "pending");
	page_atomic_reserve_hold_pending(false);
	page_atomic_reserve_flush();
	/* Checked and zeroed by the work, and sealed again. */
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_POOL);
	par_expect_sealed(test, page, true, "recycled");
	KUNIT_EXPECT_TRUE(test, held_page_is(page, 0));
}

static void par_test_exclusive_clean_free(struct kunit *test)
{
	unsigned long excl = par_event(PAR_STAT_EXCLUSIVE);
	unsigned long inval = par_event(PAR_STAT_INVALID_FREE);
	struct page *page = par_get(test, GFP_ATOMIC | __GFP_EXCLUSIVE);

	free_page_atomic_quality(page);
	page_atomic_reserve_flush();
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_EXCLUSIVE), excl);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_INVALID_FREE), inval);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_POOL);
}

static void par_test_exclusive_owner(struct kunit *test)
{
	struct page *page = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_EXCLUSIVE);
	char buf[KSYM_SYMBOL_LEN];

	KUNIT_ASSERT_NOT_NULL(test, page);
	snprintf(buf, sizeof(buf), "%ps",
		 (void *)page_atomic_reserve_owner(page));
	KUNIT_EXPECT_STREQ(test, buf, "par_test_exclusive_owner");
	free_page_atomic_quality(page);
}

static void par_test_exclusive_extra_ref(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	struct page *page = par_get(test, GFP_ATOMIC | __GFP_EXCLUSIVE);

	par_stats(NUMA_NO_NODE, &before);
	get_page(page);
	free_page_atomic_quality(page);
	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_EXCLUSIVE],
			before.events[PAR_STAT_EXCLUSIVE] + 1);
	/*
	 * The extra reference may be a transient speculative one: the page
	 * leaves the reserve instead of being lost to quarantine, and goes
	 * to the page allocator when that reference is dropped.
	 */
	KUNIT_EXPECT_EQ(test, after.quarantine, before.quarantine);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_RELEASED],
			before.events[PAR_STAT_RELEASED]);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_NOT_RESERVED);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	KUNIT_EXPECT_EQ(test, after.outstanding, before.outstanding - 1);
	put_page(page);
}

static bool par_drain_reserve(struct kunit *test, struct page *victim,
			      struct list_head *held);
static void par_free_list(struct list_head *held);

/*
 * The first free kicks the work, which on another CPU may zero the page and
 * pool it while the second free runs: that free finds the page pending,
 * then ready, and must mark it whichever it is. The first page is held
 * pending, so that its second free finds it so; the others race the work,
 * so that its move from pending to ready falls inside some second free
 * (it did on PREEMPT_RT under QEMU; on UML it may never).
 * Every page ends marked, and counted in quarantine once whoever takes it
 * next finds the mark: drain, and no marked page is handed out. All on one
 * CPU: a marked page that went back to the pool may sit in the per-CPU
 * cache of the CPU that allocated last, which a drain on another CPU does
 * not see (it happened with KASAN slowing the test down).
 */
#define PAR_TEST_DOUBLE_FREES	32

static void par_test_exclusive_double_free(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	struct page **pages;
	LIST_HEAD(held);
	int i, marked = 0;

	pages = kunit_kcalloc(test, PAR_TEST_DOUBLE_FREES, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	page_atomic_reserve_pause_refill(true);
	migrate_disable();
	par_stats(NUMA_NO_NODE, &before);
	/* The first one deterministically: the second free finds it pending. */
	pages[0] = par_get(test, GFP_ATOMIC | __GFP_EXCLUSIVE);
	page_atomic_reserve_hold_pending(true);
	free_page_atomic_quality(pages[0]);
	free_page_atomic_quality(pages[0]);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(pages[0]), PAR_QUARANTINE);
	page_atomic_reserve_hold_pending(false);
	page_atomic_reserve_flush();
	for (i = 1; i < PAR_TEST_DOUBLE_FREES; i++) {
		pages[i] = par_get(test, GFP_ATOMIC | __GFP_EXCLUSIVE);
		free_page_atomic_quality(pages[i]);
		free_page_atomic_quality(pages[i]);
		page_atomic_reserve_flush();
	}
	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_INVALID_FREE],
			before.events[PAR_STAT_INVALID_FREE] + PAR_TEST_DOUBLE_FREES);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_QUARANTINED],
			before.events[PAR_STAT_QUARANTINED] + PAR_TEST_DOUBLE_FREES);
	par_drain_reserve(test, NULL, &held);
	migrate_enable();
	for (i = 0; i < PAR_TEST_DOUBLE_FREES; i++)
		if (page_atomic_reserve_page_state(pages[i]) == PAR_QUARANTINE)
			marked++;
	KUNIT_EXPECT_EQ(test, marked, PAR_TEST_DOUBLE_FREES);
	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_EQ(test, after.quarantine,
			before.quarantine + PAR_TEST_DOUBLE_FREES);
	par_free_list(&held);
}

/*
 * Empty the reserve; true if @victim was handed out on the way. On one CPU:
 * a refill moves pool pages into the cache of the CPU that allocates, and
 * a drain that migrated would leave them in the cache it left.
 */
static bool par_drain_reserve(struct kunit *test, struct page *victim,
			      struct list_head *held)
{
	bool seen = false;
	int i;

	migrate_disable();
	for (i = 0; i < 4 * PAR_TEST_PAGES * MAX_NUMNODES; i++) {
		struct page *page = alloc_page_atomic_quality(GFP_ATOMIC);

		if (!page)
			break;
		if (page_atomic_reserve_page_state(page) != PAR_OWNED) {
			free_page_atomic_quality(page);
			break;
		}
		if (page == victim)
			seen = true;
		list_add(&page->lru, held);
	}
	migrate_enable();
	return seen;
}

static void par_free_list(struct list_head *held)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, held, lru) {
		list_del(&page->lru);
		free_page_atomic_quality(page);
	}
}

static void par_test_exclusive_not_handed_out(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	struct page *page;
	LIST_HEAD(held);

	page_atomic_reserve_pause_refill(true);
	page = page_atomic_reserve_peek(numa_node_id());
	KUNIT_ASSERT_NOT_NULL(test, page);
	par_stats(NUMA_NO_NODE, &before);
	free_page_atomic_quality(page);
	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_INVALID_FREE],
			before.events[PAR_STAT_INVALID_FREE] + 1);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_QUARANTINE);
	/* Take every ready page: the marked one is never among them. */
	KUNIT_EXPECT_FALSE(test, par_drain_reserve(test, page, &held));
	par_free_list(&held);
	page_atomic_reserve_flush();
	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_EQ(test, after.quarantine, before.quarantine + 1);
}

/* A plain page still referenced elsewhere leaves the reserve. */
static void par_test_shared_plain_released(struct kunit *test)
{
	unsigned long released = par_event(PAR_STAT_RELEASED);
	struct page *page = par_get(test, GFP_ATOMIC);

	get_page(page);
	free_page_atomic_quality(page);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_RELEASED), released + 1);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_NOT_RESERVED);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	put_page(page);
}

static void par_test_fallback_when_empty(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	struct page *page;
	LIST_HEAD(held);

	page_atomic_reserve_pause_refill(true);
	par_drain_reserve(test, NULL, &held);
	par_stats(NUMA_NO_NODE, &before);
	KUNIT_EXPECT_EQ(test, before.level, 0UL);

	page = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_NOT_RESERVED);
	KUNIT_EXPECT_TRUE(test, page_is(page, 0));
	free_page_atomic_quality(page);

	page = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_POISON);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_TRUE(test, page_is(page, PAGE_POISON));
	free_page_atomic_quality(page);

	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_FALLBACK],
			before.events[PAR_STAT_FALLBACK] + 2);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_FAIL],
			before.events[PAR_STAT_FAIL]);
	par_free_list(&held);
}

/* Pages kept by their owners are replaced by the refill work. */
static void par_test_refill_restores_level(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	LIST_HEAD(held);
	int i;

	par_stats(NUMA_NO_NODE, &before);
	for (i = 0; i < PAR_TEST_PAGES * 3 / 4; i++) {
		struct page *page = par_get(test, GFP_ATOMIC);

		list_add(&page->lru, &held);
	}
	par_fill_all();
	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_GE(test, after.level, after.target);
	KUNIT_EXPECT_GT(test, after.events[PAR_STAT_REFILLED],
			before.events[PAR_STAT_REFILLED]);
	KUNIT_EXPECT_GT(test, after.events[PAR_STAT_REFILLS],
			before.events[PAR_STAT_REFILLS]);
	par_free_list(&held);
	/* The surplus goes back: level stays within a chunk of the target. */
	par_fill_all();
	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_LE(test, after.level, round_up(after.target, 8));
}

/*
 * A node's ready pages are a stack of pointers in page-sized blocks, added
 * before the pages that need them and freed once no page does. A reserve
 * of several blocks is emptied and filled again twice, across the blocks'
 * edges both ways: every page comes out once (none quarantined as taken
 * twice), zeroed, and goes back; then the blocks it needed are freed.
 */
static void par_test_pool_blocks(struct kunit *test)
{
	unsigned long per_block = PAGE_SIZE / sizeof(struct page *);
	unsigned long n = 3 * per_block + PAR_TEST_PAGES, taken, bad = 0;
	unsigned long quarantined = par_event(PAR_STAT_QUARANTINED);
	struct page_atomic_reserve_stats st;
	int nid = numa_mem_id(), round;
	struct page *page;
	LIST_HEAD(held);

	if (page_atomic_reserve_max_pages(nid) < n)
		kunit_skip(test, "node %d too small for %lu pages", nid, n);
	KUNIT_ASSERT_EQ(test, page_atomic_reserve_resize(nid, n), 0);
	par_fill_all();
	par_stats(nid, &st);
	KUNIT_ASSERT_GE(test, st.level, n);
	KUNIT_EXPECT_GT(test, page_atomic_reserve_pool_blocks(nid), 3UL);
	/* Nothing added meanwhile: every page taken was in the stack. */
	page_atomic_reserve_pause_refill(true);
	for (round = 0; round < 2; round++) {
		/* Pages in another CPU's cache stay there. */
		par_stats(nid, &st);
		taken = st.cached;
		for (;;) {
			page = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_ZERO);
			KUNIT_ASSERT_NOT_NULL(test, page);
			if (page_atomic_reserve_page_state(page) != PAR_OWNED) {
				__free_page(page);
				break;
			}
			if (!page_is(page, 0))
				bad++;
			page_atomic_reserve_fill(page, 0x5a);
			list_add(&page->lru, &held);
			taken++;
		}
		KUNIT_EXPECT_GE(test, taken, n);
		par_free_list(&held);
		page_atomic_reserve_flush();
		par_stats(nid, &st);
		KUNIT_EXPECT_GE(test, st.level, n);
	}
	page_atomic_reserve_pause_refill(false);
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_QUARANTINED), quarantined);
	KUNIT_ASSERT_EQ(test, page_atomic_reserve_resize(nid, PAR_TEST_PAGES), 0);
	page_atomic_reserve_flush();
	KUNIT_EXPECT_LE(test, page_atomic_reserve_pool_blocks(nid), 2UL);
}

/*
 * The refill is kicked through an irq_work, never queued from the caller's
 * context, where a lock that queue_work() or the wakeup of a worker takes
 * may be held. With interrupts disabled on this CPU, the pool drops below
 * its low mark and no refill starts, here or on another CPU, until
 * interrupts are enabled again; then it does. Queued from the caller's
 * context, a worker on the other CPU adds chunks meanwhile.
 */
static void par_test_kick_deferred(struct kunit *test)
{
	struct page_atomic_reserve_stats before, during, after;
	unsigned long flags;
	LIST_HEAD(held);
	int i, nid;

	local_irq_save(flags);
	nid = numa_mem_id();
	par_stats(nid, &before);
	for (i = 0; i < PAR_TEST_PAGES * 3 / 4; i++) {
		struct page *page = alloc_page_atomic_quality(GFP_ATOMIC);

		if (page)
			list_add(&page->lru, &held);
	}
	/* Long enough for a worker on another CPU to add a chunk. */
	mdelay(50);
	par_stats(nid, &during);
	local_irq_restore(flags);
	par_fill_all();
	par_stats(nid, &after);
	KUNIT_EXPECT_LT(test, during.pooled, during.low);
	KUNIT_EXPECT_EQ(test, during.events[PAR_STAT_REFILLED],
			before.events[PAR_STAT_REFILLED]);
	KUNIT_EXPECT_GT(test, after.events[PAR_STAT_REFILLED],
			during.events[PAR_STAT_REFILLED]);
	par_free_list(&held);
}

/*
 * A page given back waits in its CPU's array of given back pages at most
 * until the next tick: on a CPU that gives back nothing more and takes
 * nothing, it still reaches its node's pending list, and the work makes
 * it ready again, without page_atomic_reserve_flush().
 */
static void par_test_freed_reach_node(struct kunit *test)
{
	struct page *page = par_get(test, GFP_ATOMIC);
	int i;

	free_page_atomic_quality(page);
	for (i = 0; i < 50; i++) {
		if (page_atomic_reserve_page_state(page) == PAR_POOL)
			break;
		msleep(20);
	}
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_POOL);
}

struct par_irq_ctx {
	struct hrtimer timer;
	struct completion done;
	struct page *pages[16];
	bool alloc;
	bool in_hardirq;
	bool in_softirq;
	bool non_zero;
	int got;
};

static enum hrtimer_restart par_irq_fn(struct hrtimer *timer)
{
	struct par_irq_ctx *ctx = container_of(timer, struct par_irq_ctx, timer);
	int i;

	ctx->in_hardirq = in_hardirq();
	ctx->in_softirq = in_serving_softirq();
	for (i = 0; i < ARRAY_SIZE(ctx->pages); i++) {
		if (ctx->alloc) {
			ctx->pages[i] = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_ZERO);
			if (!ctx->pages[i])
				continue;
			ctx->got++;
			if (!page_is(ctx->pages[i], 0))
				ctx->non_zero = true;
		} else {
			free_page_atomic_quality(ctx->pages[i]);
		}
	}
	complete(&ctx->done);
	return HRTIMER_NORESTART;
}

static void par_irq_run(struct kunit *test, struct par_irq_ctx *ctx,
			enum hrtimer_mode mode, bool alloc)
{
	ctx->alloc = alloc;
	init_completion(&ctx->done);
	hrtimer_setup(&ctx->timer, par_irq_fn, CLOCK_MONOTONIC, mode);
	hrtimer_start(&ctx->timer, ns_to_ktime(1000), mode);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&ctx->done, 10 * HZ), 0UL);
	hrtimer_cancel(&ctx->timer);
}

static void par_test_hardirq(struct kunit *test)
{
	struct par_irq_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	unsigned long hits = par_event(PAR_STAT_HIT);
	unsigned long freed = par_event(PAR_STAT_FREED);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	par_irq_run(test, ctx, HRTIMER_MODE_REL_HARD, true);
	KUNIT_EXPECT_TRUE(test, ctx->in_hardirq);
	KUNIT_EXPECT_EQ(test, ctx->got, 16);
	KUNIT_EXPECT_FALSE(test, ctx->non_zero);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_HIT), hits + 16);
	par_irq_run(test, ctx, HRTIMER_MODE_REL_HARD, false);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_FREED), freed + 16);
}

/*
 * With the reserve empty, a hard hrtimer falls back to the page allocator
 * on !PREEMPT_RT, and to alloc_pages_nolock() on PREEMPT_RT and where
 * lockdep checks raw lock nesting; free_page_atomic_quality() gives those
 * pages back with free_pages_nolock(): neither takes a lock that sleeps on
 * PREEMPT_RT.
 */
static void par_test_hardirq_fallback(struct kunit *test)
{
	struct par_irq_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	unsigned long fallbacks;
	LIST_HEAD(held);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	page_atomic_reserve_pause_refill(true);
	/* Draining ends with one fallback: count from here. */
	par_drain_reserve(test, NULL, &held);
	fallbacks = par_event(PAR_STAT_FALLBACK);
	par_irq_run(test, ctx, HRTIMER_MODE_REL_HARD, true);
	KUNIT_EXPECT_TRUE(test, ctx->in_hardirq);
	/*
	 * alloc_pages_nolock() only trylocks: it may fail, but not always.
	 * On PREEMPT_RT it refuses hardirq context, where the reserve is the
	 * only source of pages. The page allocator does not fail here.
	 */
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		KUNIT_EXPECT_EQ(test, ctx->got, 0);
	else if (IS_ENABLED(CONFIG_PROVE_RAW_LOCK_NESTING))
		KUNIT_EXPECT_GT(test, ctx->got, 0);
	else
		KUNIT_EXPECT_EQ(test, ctx->got, 16);
	KUNIT_EXPECT_FALSE(test, ctx->non_zero);
	for (i = 0; i < ARRAY_SIZE(ctx->pages); i++)
		if (ctx->pages[i])
			KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(ctx->pages[i]),
					PAR_NOT_RESERVED);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_FALLBACK), fallbacks + 16);
	par_irq_run(test, ctx, HRTIMER_MODE_REL_HARD, false);
	par_free_list(&held);
}

/*
 * A request for a zone bypasses the reserve, and is counted so. Where the
 * page allocator's locks must not be taken, asked for here with a gfp that
 * has no reclaim flag, alloc_pages_nolock() cannot honour the zone: the
 * request fails rather than get a page of another zone. With GFP_ATOMIC
 * the page allocator serves it from the zone asked for.
 */
static void par_test_zone_request(struct kunit *test)
{
	unsigned long bypassed = par_event(PAR_STAT_BYPASS);
	unsigned long fallbacks = par_event(PAR_STAT_FALLBACK);
	unsigned long fails = par_event(PAR_STAT_FAIL);
	unsigned long hits = par_event(PAR_STAT_HIT);
	struct page *page;

	page = alloc_page_atomic_quality(__GFP_DMA32 | __GFP_ZERO);
	KUNIT_EXPECT_NULL(test, page);
	if (page)
		free_page_atomic_quality(page);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_BYPASS), bypassed + 1);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_FAIL), fails + 1);

	page = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_DMA32 | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, page);
#ifdef CONFIG_ZONE_DMA32
	KUNIT_EXPECT_LE(test, page_zonenum(page), ZONE_DMA32);
#endif
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_NOT_RESERVED);
	KUNIT_EXPECT_TRUE(test, page_is(page, 0));
	free_page_atomic_quality(page);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_BYPASS), bypassed + 2);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_FALLBACK), fallbacks);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_HIT), hits);
}

static void par_test_softirq(struct kunit *test)
{
	struct par_irq_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	unsigned long hits = par_event(PAR_STAT_HIT);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	par_irq_run(test, ctx, HRTIMER_MODE_REL_SOFT, true);
	KUNIT_EXPECT_TRUE(test, ctx->in_softirq);
	KUNIT_EXPECT_FALSE(test, ctx->in_hardirq);
	KUNIT_EXPECT_EQ(test, ctx->got, 16);
	KUNIT_EXPECT_FALSE(test, ctx->non_zero);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_HIT), hits + 16);
	par_irq_run(test, ctx, HRTIMER_MODE_REL_SOFT, false);
}

static DEFINE_SPINLOCK(par_test_lock);

static void par_test_under_spinlock(struct kunit *test)
{
	struct page *pages[8];
	unsigned long flags;
	int i, got = 0;

	spin_lock_irqsave(&par_test_lock, flags);
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_EXCLUSIVE);
		if (pages[i] && page_atomic_reserve_page_state(pages[i]) == PAR_OWNED)
			got++;
	}
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		free_page_atomic_quality(pages[i]);
	spin_unlock_irqrestore(&par_test_lock, flags);
	KUNIT_EXPECT_EQ(test, got, (int)ARRAY_SIZE(pages));
}

struct par_stress {
	struct xarray held;	/* pfn -> owner id, for pages held now */
	atomic_t dup;
	atomic_t hits;
	atomic_t bad_zero;
	atomic_t running;
	struct completion done;
};

static int par_stress_fn(void *arg)
{
	struct par_stress *s = arg;
	unsigned long id = raw_smp_processor_id() + 1;
	struct page *pages[8];
	int iter, i;

	for (iter = 0; iter < 500; iter++) {
		unsigned long flags;

		local_irq_save(flags);
		for (i = 0; i < ARRAY_SIZE(pages); i++)
			pages[i] = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_ZERO);
		local_irq_restore(flags);

		for (i = 0; i < ARRAY_SIZE(pages); i++) {
			if (!pages[i])
				continue;
			if (page_atomic_reserve_page_state(pages[i]) == PAR_OWNED)
				atomic_inc(&s->hits);
			if (!page_is(pages[i], 0))
				atomic_inc(&s->bad_zero);
			if (xa_insert(&s->held, page_to_pfn(pages[i]),
				      xa_mk_value(id), GFP_KERNEL) == -EBUSY)
				atomic_inc(&s->dup);
			page_atomic_reserve_fill(pages[i], (int)id);
		}
		for (i = 0; i < ARRAY_SIZE(pages); i++) {
			if (!pages[i])
				continue;
			xa_erase(&s->held, page_to_pfn(pages[i]));
			local_irq_save(flags);
			free_page_atomic_quality(pages[i]);
			local_irq_restore(flags);
		}
		cond_resched();
	}
	if (atomic_dec_and_test(&s->running))
		complete(&s->done);
	return 0;
}

/* Every CPU allocates and frees at once: no page has two owners. */
static void par_test_concurrent_all_cpus(struct kunit *test)
{
	struct par_stress *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	int cpu, n = 0;

	KUNIT_ASSERT_NOT_NULL(test, s);
	xa_init(&s->held);
	init_completion(&s->done);
	cpus_read_lock();
	atomic_set(&s->running, num_online_cpus());
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		t = kthread_create_on_cpu(par_stress_fn, s, cpu, "par_stress/%u");
		if (IS_ERR(t)) {
			atomic_dec(&s->running);
			continue;
		}
		wake_up_process(t);
		n++;
	}
	cpus_read_unlock();
	KUNIT_ASSERT_GT(test, n, 0);
	if (atomic_read(&s->running))
		wait_for_completion(&s->done);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->dup), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->bad_zero), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&s->hits), 0);
	KUNIT_EXPECT_TRUE(test, xa_empty(&s->held));
	kunit_info(test, "%d CPUs, %d reserve hits\n", n, atomic_read(&s->hits));
	xa_destroy(&s->held);
}

static unsigned long par_free_pages(void)
{
	drain_all_pages(NULL);
	return global_zone_page_state(NR_FREE_PAGES);
}

/* Shrinking is synchronous and hands the pages to the page allocator. */
static void par_test_shrink_returns_pages(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	unsigned long free_before, free_after, returned;
	int nid;

	par_stats(NUMA_NO_NODE, &before);
	free_before = par_free_pages();
	for_each_node_state(nid, N_MEMORY)
		KUNIT_ASSERT_EQ(test, page_atomic_reserve_resize(nid, 0), 0);
	par_stats(NUMA_NO_NODE, &after);
	free_after = par_free_pages();
	returned = after.events[PAR_STAT_RETURNED] - before.events[PAR_STAT_RETURNED];

	KUNIT_EXPECT_EQ(test, after.level, 0UL);
	KUNIT_EXPECT_EQ(test, after.target, 0UL);
	KUNIT_EXPECT_GE(test, returned, before.level);
	/* Other activity moves the count a little; the reserve moved it a lot. */
	KUNIT_EXPECT_GE(test, free_after - free_before, returned * 3 / 4);
	kunit_info(test, "returned %lu pages, NR_FREE_PAGES +%ld\n",
		   returned, (long)(free_after - free_before));
}

struct par_churn {
	struct completion started;
	unsigned long rounds;
};

/* Allocate and free on one CPU until stopped, through its per-CPU cache. */
static int par_churn_fn(void *arg)
{
	struct par_churn *c = arg;
	struct page *pages[4];
	unsigned long flags;
	int i;

	while (!kthread_should_stop()) {
		local_irq_save(flags);
		for (i = 0; i < ARRAY_SIZE(pages); i++)
			pages[i] = alloc_page_atomic_quality(GFP_ATOMIC);
		for (i = 0; i < ARRAY_SIZE(pages); i++)
			if (pages[i])
				free_page_atomic_quality(pages[i]);
		local_irq_restore(flags);
		if (!c->rounds++)
			complete(&c->started);
		cond_resched();
	}
	return 0;
}

/*
 * Size 0 leaves no page anywhere, even while another CPU keeps refilling
 * its per-CPU cache during the resize: pages cached after the resize
 * drained the caches would be stranded there, out of the trim's reach.
 */
static void par_test_shrink_while_allocating(struct kunit *test)
{
	struct par_churn *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct page_atomic_reserve_stats st;
	struct task_struct *t;
	int nid, cpu, round;

	KUNIT_ASSERT_NOT_NULL(test, c);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	for (round = 0; round < 8; round++) {
		for_each_node_state(nid, N_MEMORY)
			KUNIT_ASSERT_EQ(test, page_atomic_reserve_resize(nid, PAR_TEST_PAGES), 0);
		par_fill_all();
		init_completion(&c->started);
		c->rounds = 0;
		cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
		t = kthread_create_on_cpu(par_churn_fn, c, cpu, "par_churn/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		wake_up_process(t);
		wait_for_completion(&c->started);
		/* No assertion while the thread runs: it uses @c. */
		for_each_node_state(nid, N_MEMORY)
			KUNIT_EXPECT_EQ(test, page_atomic_reserve_resize(nid, 0), 0);
		kthread_stop(t);
		page_atomic_reserve_flush();
		par_stats(NUMA_NO_NODE, &st);
		KUNIT_EXPECT_EQ(test, st.level, 0UL);
		if (st.level)
			break;
	}
}

/*
 * Shrinking does not wait for a refill to finish: written to relieve
 * memory pressure, size 0 must not first wait for the refill that adds to
 * it. A refill to the largest size is under way when the size drops to 0.
 */
static void par_test_shrink_during_refill(struct kunit *test)
{
	int nid = first_node(node_states[N_MEMORY]);
	unsigned long max = page_atomic_reserve_max_pages(nid);
	unsigned long start, added, late;
	int i;

	KUNIT_ASSERT_EQ(test, page_atomic_reserve_resize(nid, 0), 0);
	page_atomic_reserve_flush();
	start = par_event(PAR_STAT_REFILLED);
	KUNIT_ASSERT_EQ(test, page_atomic_reserve_resize(nid, max), 0);
	/* Wait for the refill's first chunk. */
	for (i = 0; i < 10000 && par_event(PAR_STAT_REFILLED) == start; i++)
		usleep_range(50, 100);
	KUNIT_ASSERT_GT(test, par_event(PAR_STAT_REFILLED), start);
	late = par_event(PAR_STAT_REFILLED);
	KUNIT_ASSERT_EQ(test, page_atomic_reserve_resize(nid, 0), 0);
	added = par_event(PAR_STAT_REFILLED) - start;
	late = par_event(PAR_STAT_REFILLED) - late;
	/*
	 * While the shrink ran, the refill may finish the chunk it was
	 * allocating and, having read the old size just before, one more.
	 */
	KUNIT_EXPECT_LE(test, late, 16UL);
	KUNIT_EXPECT_LT(test, added, max);
	kunit_info(test, "refill to %lu pages stopped after %lu (%lu during the shrink)\n",
		   max, added, late);
	page_atomic_reserve_flush();
}

/*
 * A page given back in a state the page allocator's free path rejects is
 * reported and kept out of use, not zeroed and handed to the next owner.
 */
static void par_test_bad_state_given_back(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	struct page *page = par_get(test, GFP_ATOMIC);

	par_stats(NUMA_NO_NODE, &before);
	/* As a driver that mapped the page to user space would leave it. */
	SetPageReserved(page);
	free_page_atomic_quality(page);
	page_atomic_reserve_flush();
	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_QUARANTINE);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_INVALID_FREE],
			before.events[PAR_STAT_INVALID_FREE] + 1);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_QUARANTINED],
			before.events[PAR_STAT_QUARANTINED] + 1);
	KUNIT_EXPECT_EQ(test, after.quarantine, before.quarantine + 1);
	/* Kept out for good: the flag stays, as bad_page() leaves it. */
}

/* A ready page that memory_failure() marked is never handed out. */
static void par_test_hwpoison_not_handed_out(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	struct page *page;
	LIST_HEAD(held);

	if (!IS_ENABLED(CONFIG_MEMORY_FAILURE))
		kunit_skip(test, "needs CONFIG_MEMORY_FAILURE");
	page_atomic_reserve_pause_refill(true);
	page = page_atomic_reserve_peek(numa_mem_id());
	KUNIT_ASSERT_NOT_NULL(test, page);
	par_stats(NUMA_NO_NODE, &before);
	/* What memory_failure() does first to a page it cannot isolate. */
	SetPageHWPoison(page);
	KUNIT_EXPECT_FALSE(test, par_drain_reserve(test, page, &held));
	par_free_list(&held);
	page_atomic_reserve_flush();
	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_QUARANTINE);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_QUARANTINED],
			before.events[PAR_STAT_QUARANTINED] + 1);
	KUNIT_EXPECT_EQ(test, after.quarantine, before.quarantine + 1);
}

static void par_test_resize_errors(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	int nid = first_node(node_states[N_MEMORY]);
	unsigned long max;

	par_stats(nid, &before);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_resize(-1, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_resize(MAX_NUMNODES, 8), -EINVAL);
	max = page_atomic_reserve_max_pages(nid);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_resize(nid, max + 1), -ERANGE);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_set_pcp_high(0), -ERANGE);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_set_pcp_high(65), -ERANGE);
	par_stats(nid, &after);
	KUNIT_EXPECT_EQ(test, after.target, before.target);
	KUNIT_EXPECT_EQ(test, after.low, before.low);
}

/*
 * The largest size counts only the zones the GFP_KERNEL refill can use: a
 * node with ZONE_MOVABLE memory (movablecore= on the x86_64 run) must not
 * accept a size the refill can never reach. A node without memory, if
 * there is one, still takes a size of 0.
 */
static void par_test_max_size_zones(struct kunit *test)
{
	unsigned long usable, movable;
	int nid, z, checked = 0;

	for_each_node_state(nid, N_MEMORY) {
		usable = 0;
		movable = 0;
		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];

			if (z <= gfp_zone(GFP_KERNEL))
				usable += zone_managed_pages(zone);
			else
				movable += zone_managed_pages(zone);
		}
		KUNIT_EXPECT_LE(test, page_atomic_reserve_max_pages(nid), usable / 32);
		kunit_info(test, "node %d: max %lu, usable %lu, other %lu pages\n", nid,
			   page_atomic_reserve_max_pages(nid), usable, movable);
	}
	for_each_node(nid) {
		if (node_state(nid, N_MEMORY))
			continue;
		KUNIT_EXPECT_EQ(test, page_atomic_reserve_resize(nid, 0), 0);
		KUNIT_EXPECT_EQ(test, page_atomic_reserve_resize(nid, 8), -EINVAL);
		checked++;
	}
	kunit_info(test, "%d nodes without memory\n", checked);
}

/* With no reserve anywhere, the static key is off and nothing is counted. */
static void par_test_disabled_costs_nothing(struct kunit *test)
{
	unsigned long fallback;
	struct page *page;
	int nid;

	for_each_node_state(nid, N_MEMORY)
		KUNIT_ASSERT_EQ(test, page_atomic_reserve_resize(nid, 0), 0);
	page_atomic_reserve_flush();
	KUNIT_EXPECT_FALSE(test, page_atomic_reserve_active());
	fallback = par_event(PAR_STAT_FALLBACK);
	page = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_TRUE(test, page_is(page, 0));
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_NOT_RESERVED);
	free_page_atomic_quality(page);
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_FALLBACK), fallback);
}

/* alloc_pages() ignores the quality modifiers, as documented. */
/*
 * The page allocator and slab ignore the modifiers, and with DEBUG_VM say
 * so once each: a caller that passes them there is not getting the checks
 * it asked for.
 */
static void par_test_plain_alloc_ignores_modifiers(struct kunit *test)
{
	unsigned long hits = par_event(PAR_STAT_HIT);
	int warned = -1;
	struct page *page;
	void *obj;

	kunit_warning_suppress(test) {
		page = alloc_pages(GFP_KERNEL | __GFP_POISON | __GFP_EXCLUSIVE, 0);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page),
				PAR_NOT_RESERVED);
		KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
		__free_pages(page, 0);

		page = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_POISON, 0);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_TRUE(test, page_is(page, 0));
		__free_pages(page, 0);

		obj = kmalloc(64, GFP_KERNEL | __GFP_EXCLUSIVE);
		KUNIT_EXPECT_NOT_NULL(test, obj);
		kfree(obj);
		warned = KUNIT_SUPPRESSED_WARNING_COUNT();
	}
	KUNIT_EXPECT_EQ(test, par_event(PAR_STAT_HIT), hits);
	/*
	 * At least once for the page allocator and once for slab. Whether a
	 * suppressed WARN_ON_ONCE() still uses up its one warning depends on
	 * the architecture's WARN (on x86 it does not, on UML it does), and
	 * kmalloc() may need a new slab page with the same flags.
	 */
	if (IS_ENABLED(CONFIG_DEBUG_VM))
		KUNIT_EXPECT_GE(test, warned, 2);
	else
		KUNIT_EXPECT_EQ(test, warned, 0);
}

/*
 * A reserve page freed with __free_page() or put_page() goes to the page
 * allocator and leaves the reserve: released, not outstanding, no report,
 * for any modifier, and the reserve refills.
 */
static void par_test_plain_free_of_reserve_page(struct kunit *test)
{
	static const gfp_t mods[] = { 0, __GFP_ZERO, __GFP_POISON, __GFP_EXCLUSIVE };
	struct page_atomic_reserve_stats before, after;
	struct page *page;
	int i;

	par_stats(NUMA_NO_NODE, &before);
	for (i = 0; i < ARRAY_SIZE(mods); i++) {
		page = par_get(test, GFP_ATOMIC | mods[i]);
		if (i & 1)
			put_page(page);
		else
			__free_page(page);
		KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(page), PAR_NOT_RESERVED);
	}
	par_fill_all();
	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_POISON], before.events[PAR_STAT_POISON]);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_EXCLUSIVE],
			before.events[PAR_STAT_EXCLUSIVE]);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_INVALID_FREE],
			before.events[PAR_STAT_INVALID_FREE]);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_RELEASED],
			before.events[PAR_STAT_RELEASED] + ARRAY_SIZE(mods));
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_FREED], before.events[PAR_STAT_FREED]);
	KUNIT_EXPECT_EQ(test, after.outstanding, before.outstanding);
	KUNIT_EXPECT_GE(test, after.level, after.target);
}

/*
 * A page that left the reserve through put_page() and that the page
 * allocator hands out again is not the reserve's: freeing it with
 * free_page_atomic_quality() gives it back to the page allocator, and the
 * reserve counts nothing.
 */
static void par_test_put_page_not_adopted(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	struct page *page, *again;
	int i;

	for (i = 0; i < 16; i++) {
		page = par_get(test, GFP_ATOMIC);
		/*
		 * The pcp list gives the page just freed back first. Not
		 * preempt_disable(): the page allocator takes spinlock_t,
		 * which sleeps on PREEMPT_RT.
		 */
		migrate_disable();
		put_page(page);
		again = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		migrate_enable();
		KUNIT_ASSERT_NOT_NULL(test, again);
		if (again == page)
			break;
		__free_page(again);
	}
	if (again != page)
		kunit_skip(test, "the page allocator never gave the page back");
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(again), PAR_NOT_RESERVED);
	par_stats(NUMA_NO_NODE, &before);
	free_page_atomic_quality(again);
	par_stats(NUMA_NO_NODE, &after);
	/* Taken in, it would count as freed and wait as pending. */
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_FREED], before.events[PAR_STAT_FREED]);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_INVALID_FREE],
			before.events[PAR_STAT_INVALID_FREE]);
	KUNIT_EXPECT_EQ(test, after.outstanding, before.outstanding);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_page_state(again), PAR_NOT_RESERVED);
}

#define PAR_PUT_PAGES	100000

/*
 * Consumers that hand a page on free it with put_page(). 100,000 reserve
 * pages released that way leave the counters right and no descriptor
 * behind: every chunk descriptor still indexed holds a page the reserve
 * has (ready, pending, handed out or quarantined).
 */
static void par_test_put_page_release_bounded(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	unsigned long chunks, released = 0, rounds = 0;
	struct page **pages;
	int i, n;

	pages = kunit_kcalloc(test, PAR_TEST_PAGES, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	par_stats(NUMA_NO_NODE, &before);
	chunks = page_atomic_reserve_nr_chunks();
	while (released < PAR_PUT_PAGES) {
		unsigned long got = 0;

		for (n = 0; n < PAR_TEST_PAGES; n++) {
			pages[n] = alloc_page_atomic_quality(GFP_ATOMIC | __GFP_ZERO |
							     __GFP_NOWARN);
			if (!pages[n])
				break;
		}
		for (i = 0; i < n; i++) {
			if (page_atomic_reserve_page_state(pages[i]) == PAR_OWNED)
				got++;
			put_page(pages[i]);
		}
		KUNIT_ASSERT_GT(test, got, 0UL);
		released += got;
		rounds++;
		page_atomic_reserve_flush();
	}
	par_fill_all();
	par_stats(NUMA_NO_NODE, &after);
	kunit_info(test, "%lu put_page() releases in %lu rounds, chunks %lu -> %lu\n",
		   released, rounds, chunks, page_atomic_reserve_nr_chunks());
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_RELEASED],
			before.events[PAR_STAT_RELEASED] + released);
	KUNIT_EXPECT_EQ(test, after.events[PAR_STAT_FREED], before.events[PAR_STAT_FREED]);
	KUNIT_EXPECT_EQ(test, after.outstanding, before.outstanding);
	KUNIT_EXPECT_LE(test, page_atomic_reserve_nr_chunks(),
			after.level + after.pending + after.outstanding + after.quarantine);
}

static void par_test_gfp_names(struct kunit *test)
{
	gfp_t gfp = GFP_ATOMIC | __GFP_POISON | __GFP_EXCLUSIVE;
	char buf[256];

	KUNIT_EXPECT_NE(test, __GFP_POISON, __GFP_EXCLUSIVE);
	KUNIT_EXPECT_EQ(test, __GFP_QUALITY & ~__GFP_BITS_MASK, (gfp_t)0);
	snprintf(buf, sizeof(buf), "%pGg", &gfp);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "__GFP_POISON"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "__GFP_EXCLUSIVE"));
}

static void par_test_parse_sizes(struct kunit *test)
{
	static const char * const bad[] = {
		"", "abc", "12x", "-1", "0:", ":5", "0:5,", "0:5,,1:2", "x:5",
		"0:5:6", "99999:5", "0x20", "1:0x20", "0x1:5",
	};
	unsigned long *pages;
	int i;

	pages = kunit_kcalloc(test, MAX_NUMNODES, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);

	KUNIT_EXPECT_EQ(test, page_atomic_reserve_parse_sizes("256", pages), 0);
	for (i = 0; i < MAX_NUMNODES; i++)
		KUNIT_EXPECT_EQ(test, pages[i], 256UL);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_parse_sizes("0:16", pages), 0);
	KUNIT_EXPECT_EQ(test, pages[0], 16UL);
	/* Sizes are decimal: "010" is 10 pages, not 8. */
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_parse_sizes("0:010", pages), 0);
	KUNIT_EXPECT_EQ(test, pages[0], 10UL);
	if (MAX_NUMNODES > 1) {
		KUNIT_EXPECT_EQ(test, page_atomic_reserve_parse_sizes("1:32,0:8", pages), 0);
		KUNIT_EXPECT_EQ(test, pages[0], 8UL);
		KUNIT_EXPECT_EQ(test, pages[1], 32UL);
	} else {
		KUNIT_EXPECT_EQ(test, page_atomic_reserve_parse_sizes("1:32", pages), -EINVAL);
	}

	/* Malformed input leaves every entry as it was. */
	for (i = 0; i < MAX_NUMNODES; i++)
		pages[i] = 7;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int j;

		KUNIT_EXPECT_EQ_MSG(test, page_atomic_reserve_parse_sizes(bad[i], pages),
				    -EINVAL, "input \"%s\"", bad[i]);
		for (j = 0; j < MAX_NUMNODES; j++)
			KUNIT_EXPECT_EQ(test, pages[j], 7UL);
	}
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_parse_sizes("0:1,0:", pages), -EINVAL);
	KUNIT_EXPECT_EQ(test, pages[0], 7UL);
}

static void par_test_tunables(struct kunit *test)
{
	struct page_atomic_reserve_stats st;
	unsigned int high = page_atomic_reserve_pcp_high();
	unsigned int low = page_atomic_reserve_low_percent();
	int nid = first_node(node_states[N_MEMORY]);
	unsigned long target;
	struct page *page;

	KUNIT_EXPECT_EQ(test, page_atomic_reserve_set_low_percent(0), -ERANGE);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_set_low_percent(101), -ERANGE);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_low_percent(), low);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_set_low_percent(25), 0);
	par_stats(nid, &st);
	KUNIT_EXPECT_EQ(test, st.low, DIV_ROUND_UP(st.target * 25, 100));
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_set_low_percent(low), 0);
	par_stats(nid, &st);
	KUNIT_EXPECT_EQ(test, st.low, DIV_ROUND_UP(st.target * low, 100));
	/* A small reserve still has a threshold, or nothing would refill it. */
	target = st.target;
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_resize(nid, 1), 0);
	par_stats(nid, &st);
	KUNIT_EXPECT_EQ(test, st.low, 1UL);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_resize(nid, target), 0);
	page_atomic_reserve_flush();

	/* A new cache size drains every cache. */
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_set_pcp_high(4), 0);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_pcp_high(), 4U);
	par_stats(NUMA_NO_NODE, &st);
	KUNIT_EXPECT_EQ(test, st.cached, 0UL);
	/* A miss fills the cache to pcp_high: one page out, three left. */
	page = par_get(test, GFP_ATOMIC);
	par_stats(NUMA_NO_NODE, &st);
	KUNIT_EXPECT_EQ(test, st.cached, 3UL);
	free_page_atomic_quality(page);
	KUNIT_EXPECT_EQ(test, page_atomic_reserve_set_pcp_high(high), 0);
}

static long par_alloc_on_cpu(void *arg)
{
	return (long)alloc_page_atomic_quality(GFP_ATOMIC);
}

/* A CPU going offline hands its cached pages back: the level is kept. */
static void par_test_cpu_hotplug(struct kunit *test)
{
	struct page_atomic_reserve_stats before, after;
	int cpu = cpumask_last(cpu_online_mask);
	struct page *page;

	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU) || num_online_cpus() < 2)
		kunit_skip(test, "needs CPU hotplug and two CPUs");
	/* Fill that CPU's cache: its first allocation moves a batch there. */
	page = (struct page *)work_on_cpu(cpu, par_alloc_on_cpu, NULL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	page_atomic_reserve_flush();
	page_atomic_reserve_pause_refill(true);
	par_stats(NUMA_NO_NODE, &before);
	KUNIT_ASSERT_GT(test, before.cached, 0UL);
	if (remove_cpu(cpu)) {
		free_page_atomic_quality(page);
		kunit_skip(test, "CPU %d cannot go offline", cpu);
	}
	par_stats(NUMA_NO_NODE, &after);
	KUNIT_EXPECT_EQ(test, after.level, before.level);
	KUNIT_EXPECT_LT(test, after.cached, before.cached);
	KUNIT_EXPECT_EQ(test, add_cpu(cpu), 0);
	free_page_atomic_quality(page);
}

static struct kunit_case par_test_cases[] = {
	KUNIT_CASE(par_test_chunk_alignment),
	KUNIT_CASE(par_test_hit_and_recycle),
	KUNIT_CASE(par_test_zero_invariant),
	KUNIT_CASE(par_test_dirty_not_ready),
	KUNIT_CASE(par_test_poison_filled),
	KUNIT_CASE(par_test_poison_clean_free),
	KUNIT_CASE(par_test_poison_write_after_free),
	KUNIT_CASE(par_test_debug_hooks),
	KUNIT_CASE(par_test_exclusive_clean_free),
	KUNIT_CASE(par_test_exclusive_owner),
	KUNIT_CASE(par_test_exclusive_extra_ref),
	KUNIT_CASE(par_test_exclusive_double_free),
	KUNIT_CASE(par_test_exclusive_not_handed_out),
	KUNIT_CASE(par_test_shared_plain_released),
	KUNIT_CASE(par_test_fallback_when_empty),
	KUNIT_CASE(par_test_refill_restores_level),
	KUNIT_CASE(par_test_pool_blocks),
	KUNIT_CASE(par_test_kick_deferred),
	KUNIT_CASE(par_test_freed_reach_node),
	KUNIT_CASE(par_test_hardirq),
	KUNIT_CASE(par_test_hardirq_fallback),
	KUNIT_CASE(par_test_zone_request),
	KUNIT_CASE(par_test_softirq),
	KUNIT_CASE(par_test_under_spinlock),
	KUNIT_CASE(par_test_concurrent_all_cpus),
	KUNIT_CASE(par_test_shrink_returns_pages),
	KUNIT_CASE(par_test_shrink_while_allocating),
	KUNIT_CASE(par_test_shrink_during_refill),
	KUNIT_CASE(par_test_bad_state_given_back),
	KUNIT_CASE(par_test_hwpoison_not_handed_out),
	KUNIT_CASE(par_test_resize_errors),
	KUNIT_CASE(par_test_max_size_zones),
	KUNIT_CASE(par_test_disabled_costs_nothing),
	KUNIT_CASE(par_test_plain_alloc_ignores_modifiers),
	KUNIT_CASE(par_test_plain_free_of_reserve_page),
	KUNIT_CASE(par_test_put_page_not_adopted),
	KUNIT_CASE(par_test_put_page_release_bounded),
	KUNIT_CASE(par_test_gfp_names),
	KUNIT_CASE(par_test_parse_sizes),
	KUNIT_CASE(par_test_tunables),
	KUNIT_CASE(par_test_cpu_hotplug),
	{}
};

static struct kunit_suite par_test_suite = {
	.name = "page_atomic_reserve",
	.init = par_test_init,
	.exit = par_test_exit,
	.test_cases = par_test_cases,
};

kunit_test_suite(par_test_suite);

MODULE_DESCRIPTION("KUnit tests for the atomic page reserve");
MODULE_LICENSE("GPL");
