// SPDX-License-Identifier: GPL-2.0
/*
 * Atomic page reserve: order-0 pages taken from the page allocator in
 * advance, in process context, and handed out by alloc_page_atomic_quality()
 * to callers that cannot sleep.
 *
 * Each NUMA node has a pool of ready (zeroed) pages behind a raw spinlock,
 * and every CPU has a small front cache of ready pages of its own node,
 * protected by disabling interrupts. A hit in the front cache takes no lock
 * at all; refilling the front cache from the pool takes the pool's raw
 * spinlock. Neither ever calls back into the page allocator, so neither
 * takes zone->lock or a lock that sleeps on PREEMPT_RT.
 *
 * Pages enter the reserve in naturally aligned chunks of PAR_CHUNK_PAGES
 * pages. Because the buddy allocator aligns an order-N block to 2^N pfns,
 * pfn >> PAR_CHUNK_ORDER names the chunk of any reserve page and an xarray
 * lookup under RCU tells, from any context, whether a page belongs to the
 * reserve and where its descriptor is. A per-node bitmap with one bit per
 * chunk-sized block of pfns answers "no" for every other page without the
 * lookup.
 *
 * A page handed out stays the reserve's until it comes back through
 * free_page_atomic_quality() or until its last reference is dropped with
 * put_page(), whichever comes first: the page allocator's free path tells
 * the reserve about every order-0 page it frees while reserve pages exist
 * (page_atomic_reserve_page_freed()), so a page that a consumer handed on
 * to another subsystem leaves the reserve, and its descriptor, when that
 * subsystem frees it.
 *
 * Pages given back with free_page_atomic_quality() are queued as pending;
 * a work item checks them (poison), zeroes them and puts them back into the
 * pool, tops the pool up to its target with GFP_KERNEL, and gives surplus
 * pages back to the page allocator.
 *
 * See Documentation/mm/page_atomic_reserve.rst.
 */

#define pr_fmt(fmt) "atomic_reserve: " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/irq_work.h>
#include <linux/jump_label.h>
#include <linux/kasan.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/page_owner.h>
#include <linux/percpu.h>
#include <linux/poison.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "page_atomic_reserve.h"

#define CREATE_TRACE_POINTS
#include <trace/events/page_atomic_reserve.h>

#define PAR_CHUNK_ORDER		3
#define PAR_CHUNK_PAGES		BIT(PAR_CHUNK_ORDER)
/* Capacity of a per-CPU front cache. */
#define PAR_PCP_MAX		64
/* Given back pages a CPU collects before it moves them to their nodes. */
#define PAR_FREE_BATCH		32
/* Pages handled per pool-lock round by the refill work. */
#define PAR_BATCH		32
/* The reserve of a node may not exceed 1/PAR_MAX_FRACTION of its memory. */
#define PAR_MAX_FRACTION	32
/*
 * Every allocation of the refill work, its pages and its metadata: under
 * pressure it gives up rather than invoke the OOM killer, which could kill
 * a task, or panic a machine with nothing left to kill, for pages held in
 * advance.
 */
#define PAR_REFILL_GFP		(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN)

struct par_pdesc {
	unsigned int state;	/* enum par_page_state, changed with cmpxchg() */
	gfp_t gfp;		/* quality modifiers the owner asked for */
	unsigned long owner;	/* return address of the allocating call */
};

struct par_chunk {
	unsigned long base_pfn;
	int nid;
	atomic_t live;		/* pages not given back to the page allocator */
	struct llist_node dead;
	struct rcu_head rcu;
	struct par_pdesc pd[PAR_CHUNK_PAGES];
};

struct par_counters {
	unsigned long v[PAR_NR_STATS];
};

/*
 * One bit per naturally aligned chunk-sized block of a node's pfn span, set
 * while par_chunks names a chunk for that block. Set and cleared under the
 * xarray's lock together with the index; read locklessly under RCU. A
 * node's map is allocated when its first chunk is added, replaced by a
 * larger one when a chunk lies outside it (memory added later), and kept:
 * 4 KiB per GiB of the node's span.
 */
struct par_map {
	unsigned long base;		/* first block covered: pfn >> order */
	unsigned long nbits;
	struct rcu_head rcu;
	unsigned long bits[];
};

/*
 * A block of a node's pool: one page of ready page pointers. Blocks are
 * linked in and out whole and never move, so that nothing is copied under
 * the node's raw lock when the pool grows.
 */
#define PAR_BLOCK_PAGES	((PAGE_SIZE - sizeof(struct list_head)) / \
			 sizeof(struct page *))

struct par_block {
	struct list_head list;
	struct page *pages[PAR_BLOCK_PAGES];
};

static_assert(sizeof(struct par_block) == PAGE_SIZE);

struct par_node {
	raw_spinlock_t lock;		/* protects the stack, lists, counts */
	/*
	 * Ready pages, all zeroed: a stack of page pointers in @blocks, so
	 * that moving pages to a per-CPU cache touches no struct page. @top
	 * is the block of slot @nr_pool, the next free one, or the list head
	 * when every block is full (at first: no block). The blocks have
	 * room for every page of the node's chunks (@nr_live), ready or not:
	 * par_grow_pool() adds blocks under @mutex before a chunk is added,
	 * so that a page never finds the stack full.
	 */
	struct list_head blocks;
	struct par_block *top;
	unsigned long nr_blocks;	/* written under @mutex and @lock */
	atomic_long_t nr_live;		/* pages of the node's chunks */
	struct list_head pending;	/* given back, not yet checked */
	/*
	 * @nr_pool is written under @lock with WRITE_ONCE(): par_level() and
	 * par_take_remote() read it without @lock.
	 */
	unsigned long nr_pool;
	unsigned long nr_pending;
	atomic_long_t nr_quarantine;	/* pages kept out of use for good */

	struct mutex mutex;		/* serialises shrinking and the work */
	unsigned long target;		/* written under @lock */
	unsigned long low;		/* written under @lock */
	struct work_struct work;
	struct irq_work kick;		/* queues @work from any context */
	struct par_counters __percpu *stats;
	atomic64_t work_ns;		/* the work's run time */
	struct par_map __rcu *map;	/* replaced under @mutex */
	int nid;
};

/*
 * Per CPU, with interrupts disabled: a front cache of ready pages of the
 * CPU's node, and the pages given back on this CPU, of any node, not yet
 * on their node's pending list. Those move there together: when
 * PAR_FREE_BATCH have gathered, when the front cache is refilled (in the
 * same round of the node's lock), and at the latest from @flush, a lazy
 * irq_work queued by the first of them, which runs with the next tick.
 */
struct par_pcp {
	unsigned int count;	/* WRITE_ONCE(): par_cached() reads it */
	unsigned int nr_freed;	/* WRITE_ONCE(), as @freed: par_freed_percpu() */
	struct page *pages[PAR_PCP_MAX];
	struct page *freed[PAR_FREE_BATCH];
	struct irq_work flush;
};

DEFINE_STATIC_KEY_FALSE(page_atomic_reserve_used);
DEFINE_STATIC_KEY_FALSE(page_atomic_reserve_live);

static struct par_node *par_nodes[MAX_NUMNODES];
static void par_flush_fn(struct irq_work *flush);
static DEFINE_PER_CPU(struct par_pcp, par_pcp) = {
	.flush = IRQ_WORK_INIT_LAZY(par_flush_fn),
};
static DEFINE_XARRAY(par_chunks);
static LLIST_HEAD(par_dead_chunks);
static struct workqueue_struct *par_wq;
static DEFINE_MUTEX(par_global_mutex);	/* pcp_high, the static key */
static unsigned int par_pcp_high __read_mostly = 16;
/* The pool is refilled when it drops below this percentage of its target. */
static unsigned int par_low_percent __read_mostly = 50;

/* The refill threshold: at least one page, so that an empty pool kicks. */
static unsigned long par_low(unsigned long target, unsigned int percent)
{
	return DIV_ROUND_UP(target * percent, 100);
}

/* Sizes from the atomic_reserve= boot parameter; ULONG_MAX: not given. */
static unsigned long par_boot_pages[MAX_NUMNODES] __initdata = {
	[0 ... MAX_NUMNODES - 1] = ULONG_MAX
};

static bool par_refill_paused;
static bool par_pending_held;
static bool par_ready;

static void par_reap_fn(struct work_struct *work);
static DECLARE_WORK(par_reap_work, par_reap_fn);

static void par_reap_kick_fn(struct irq_work *kick)
{
	if (likely(par_wq))
		queue_work(par_wq, &par_reap_work);
}

static struct irq_work par_reap_kick = IRQ_WORK_INIT_HARD(par_reap_kick_fn);

static inline void par_count(struct par_node *pn, enum par_stat_item item)
{
	this_cpu_inc(pn->stats->v[item]);
}

static inline void par_count_add(struct par_node *pn, enum par_stat_item item,
				 unsigned long nr)
{
	this_cpu_add(pn->stats->v[item], nr);
}

/* Under rcu_read_lock(), or with a reference to a reserve page. */
static struct par_chunk *par_chunk_of(struct page *page)
{
	return xa_load(&par_chunks, page_to_pfn(page) >> PAR_CHUNK_ORDER);
}

/*
 * Whether @page may be a reserve page: false for every page whose block has
 * no chunk, without the index lookup. Under rcu_read_lock().
 */
static inline bool par_maybe_reserve(struct page *page)
{
	struct par_node *pn = par_nodes[page_to_nid(page)];
	unsigned long idx = page_to_pfn(page) >> PAR_CHUNK_ORDER;
	struct par_map *map = pn ? rcu_dereference(pn->map) : NULL;

	return map && idx >= map->base && idx - map->base < map->nbits &&
	       test_bit(idx - map->base, map->bits);
}

/* Mark the block @idx of @pn as having a chunk, or not. */
static void par_map_assign(struct par_node *pn, unsigned long idx, bool set)
{
	struct par_map *map;

	map = rcu_dereference_protected(pn->map,
					lockdep_is_held(&par_chunks.xa_lock));
	if (set)
		set_bit(idx - map->base, map->bits);
	else
		clear_bit(idx - map->base, map->bits);
}

/* Make the map of @pn cover the block of @pfn. Under pn->mutex. */
static int par_map_cover(struct par_node *pn, unsigned long pfn)
{
	unsigned long idx = pfn >> PAR_CHUNK_ORDER, start, end, b;
	struct par_map *old, *map;

	old = rcu_dereference_protected(pn->map, lockdep_is_held(&pn->mutex));
	if (old && idx >= old->base && idx - old->base < old->nbits)
		return 0;
	start = min(node_start_pfn(pn->nid), pfn) >> PAR_CHUNK_ORDER;
	end = DIV_ROUND_UP(max(node_end_pfn(pn->nid), pfn + 1), PAR_CHUNK_PAGES);
	if (old) {
		start = min(start, old->base);
		end = max(end, old->base + old->nbits);
	}
	map = kvzalloc(struct_size(map, bits, BITS_TO_LONGS(end - start)),
		       PAR_REFILL_GFP);
	if (!map)
		return -ENOMEM;
	map->base = start;
	map->nbits = end - start;
	xa_lock(&par_chunks);
	if (old)
		for_each_set_bit(b, old->bits, old->nbits)
			set_bit(b + old->base - start, map->bits);
	rcu_assign_pointer(pn->map, map);
	xa_unlock(&par_chunks);
	if (old)
		kvfree_rcu(old, rcu);
	return 0;
}

static inline struct par_pdesc *par_pdesc_of(struct par_chunk *chunk,
					     struct page *page)
{
	return &chunk->pd[page_to_pfn(page) & (PAR_CHUNK_PAGES - 1)];
}

/*
 * Given back pages of @nid still collected per CPU. Racy, for stats: a slot
 * may be read before the count that covers it, or after its page moved on.
 */
static unsigned long par_freed_percpu(int nid)
{
	unsigned long sum = 0;
	unsigned int i, n;
	int cpu;

	for_each_online_cpu(cpu) {
		struct par_pcp *pcp = per_cpu_ptr(&par_pcp, cpu);

		n = min_t(unsigned int, READ_ONCE(pcp->nr_freed), PAR_FREE_BATCH);
		for (i = 0; i < n; i++) {
			struct page *page = READ_ONCE(pcp->freed[i]);

			if (page && page_to_nid(page) == nid)
				sum++;
		}
	}
	return sum;
}

/* Ready pages of @nid held in per-CPU caches. Racy; for sizing and stats. */
static unsigned long par_cached(int nid)
{
	unsigned long sum = 0;
	int cpu;

	/* A CPU caches pages of its nearest node with memory. */
	for_each_online_cpu(cpu)
		if (cpu_to_mem(cpu) == nid)
			sum += READ_ONCE(per_cpu_ptr(&par_pcp, cpu)->count);
	return sum;
}

static unsigned long par_level(struct par_node *pn)
{
	return READ_ONCE(pn->nr_pool) + par_cached(pn->nid);
}

/* Process context: run the node's work. */
static void par_queue(struct par_node *pn)
{
	if (likely(par_wq))
		queue_work(par_wq, &pn->work);
}

static void par_kick_fn(struct irq_work *kick)
{
	par_queue(container_of(kick, struct par_node, kick));
}

/*
 * The caller's context: queue the node's work through a hard irq_work, so
 * that a caller holding a lock that queue_work() and the wakeup of a worker
 * take (a runqueue, pi or workqueue pool lock) cannot deadlock on it.
 */
static void par_kick(struct par_node *pn)
{
	irq_work_queue(&pn->kick);
}

/*
 * Move the pages of @pn that @pcp collected to the pending list of @pn.
 * Under pn->lock, interrupts disabled. Return: whether the list was empty
 * and is not now, so that the work must be kicked.
 */
static bool par_move_freed(struct par_pcp *pcp, struct par_node *pn)
{
	bool was_empty = !pn->nr_pending;
	unsigned int i, left = 0;

	for (i = 0; i < pcp->nr_freed; i++) {
		struct page *page = pcp->freed[i];

		if (page_to_nid(page) != pn->nid) {
			WRITE_ONCE(pcp->freed[left], page);
			left++;
			continue;
		}
		list_add_tail(&page->lru, &pn->pending);
		pn->nr_pending++;
	}
	WRITE_ONCE(pcp->nr_freed, left);
	return was_empty && pn->nr_pending;
}

/* Move every page @pcp collected to its node. Interrupts disabled. */
static void par_flush_freed(struct par_pcp *pcp)
{
	while (pcp->nr_freed) {
		struct par_node *pn = par_nodes[page_to_nid(pcp->freed[0])];
		bool kick;

		raw_spin_lock(&pn->lock);
		kick = par_move_freed(pcp, pn);
		raw_spin_unlock(&pn->lock);
		if (kick)
			par_kick(pn);
	}
}

static void par_flush_fn(struct irq_work *flush)
{
	struct par_pcp *pcp = container_of(flush, struct par_pcp, flush);
	unsigned long flags;

	local_irq_save(flags);
	/* Queued by a CPU that went offline: par_cpu_dead() moved them. */
	if (pcp == this_cpu_ptr(&par_pcp))
		par_flush_freed(pcp);
	local_irq_restore(flags);
}

/*
 * The page allocator's debugging hooks for a page that the reserve holds,
 * ready or pending: KASAN reports an access to it and debug_pagealloc
 * unmaps it, as for a page in the page allocator's free lists, so that a
 * use after free_page_atomic_quality() is caught at the access, as it would
 * be after __free_page(). The work makes a page accessible again while it
 * checks and zeroes it.
 */
static void par_seal(struct page *page)
{
	kasan_mempool_poison_pages(page, 0);
	debug_pagealloc_unmap_pages(page, 1);
}

static void par_unseal(struct page *page)
{
	debug_pagealloc_map_pages(page, 1);
	kasan_mempool_unpoison_pages(page, 0);
}

/*
 * A page enters the reserve's hands: given back by its owner, or added by
 * the refill. page_owner then shows where it was given back.
 */
static void par_hide(struct page *page)
{
	reset_page_owner(page, 0);
	par_seal(page);
}

/*
 * A page leaves the reserve's hands: handed out, or given back to the page
 * allocator. page_owner records the new owner, as post_alloc_hook() does.
 * A hand-out passes a @gfp without reclaim flags: it may run where the
 * caller must not spin, and the stack depot then allocates nothing, as for
 * alloc_pages_nolock().
 */
static void par_show(struct page *page, gfp_t gfp)
{
	par_unseal(page);
	set_page_owner(page, 0, gfp);
}

/*
 * Keep @page out of use for good: it is neither reused nor freed, and only
 * counted. Its page->lru is not touched: a page quarantined because it is
 * still referenced elsewhere may be on a list of its other user.
 */
static void par_quarantine(struct par_node *pn, struct page *page)
{
	atomic_long_inc(&pn->nr_quarantine);
}

/*
 * Move up to @n ready pages from the top of the pool of @pn to @dst, in
 * stack order: the most recently added last, where a per-CPU cache pops
 * first. Called with pn->lock held.
 * Return: the number of pages moved.
 */
static unsigned int par_pool_take(struct par_node *pn, struct page **dst,
				  unsigned int n)
{
	unsigned int left, slot, k;

	n = min_t(unsigned long, n, pn->nr_pool);
	for (left = n; left; left -= k) {
		slot = pn->nr_pool % PAR_BLOCK_PAGES;
		if (!slot) {
			pn->top = list_prev_entry(pn->top, list);
			slot = PAR_BLOCK_PAGES;
		}
		k = min(left, slot);
		memcpy(&dst[left - k], &pn->top->pages[slot - k], k * sizeof(*dst));
		WRITE_ONCE(pn->nr_pool, pn->nr_pool - k);
	}
	return n;
}

/* Take the top ready page of the pool. Called with pn->lock held. */
static struct page *par_pool_pop(struct par_node *pn)
{
	struct page *page;

	return par_pool_take(pn, &page, 1) ? page : NULL;
}

/* Whether the pool of @pn is full: @top is past the last block. */
static inline bool par_pool_full(struct par_node *pn)
{
	return list_entry_is_head(pn->top, &pn->blocks, list);
}

/*
 * Put a ready page on the pool. Called with pn->lock held. The page is one
 * of the node's chunks', and par_grow_pool() keeps room for all of them:
 * should it not, the page is kept out of use rather than written past the
 * last block.
 */
static void par_pool_push(struct par_node *pn, struct page *page)
{
	unsigned long slot = pn->nr_pool % PAR_BLOCK_PAGES;

	if (WARN_ON_ONCE(par_pool_full(pn))) {
		struct par_pdesc *pd = (struct par_pdesc *)page_private(page);

		WRITE_ONCE(pd->state, PAR_QUARANTINE);
		par_count(pn, PAR_STAT_QUARANTINED);
		par_quarantine(pn, page);
		return;
	}
	pn->top->pages[slot] = page;
	WRITE_ONCE(pn->nr_pool, pn->nr_pool + 1);
	if (slot == PAR_BLOCK_PAGES - 1)
		pn->top = list_next_entry(pn->top, list);
}

/*
 * Report a misuse of @page. @ip is where it was freed, 0 when that is not
 * known (the page allocator's free path, the refill work). Reports may come
 * from the caller's context, under its locks: the console is left to a
 * later, safe context, as kmemleak does.
 */
static void par_report(struct par_node *pn, struct page *page,
		       struct par_pdesc *pd, const char *what, unsigned long ip)
{
	static DEFINE_RATELIMIT_STATE(rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);
	unsigned long flags;

	if (!__ratelimit(&rs))
		return;
	local_irq_save(flags);
	printk_deferred_enter();
	if (ip)
		pr_err("%s: pfn %#lx node %d owner %pS freed by %pS\n", what,
		       page_to_pfn(page), pn->nid, (void *)READ_ONCE(pd->owner),
		       (void *)ip);
	else
		pr_err("%s: pfn %#lx node %d owner %pS\n", what,
		       page_to_pfn(page), pn->nid, (void *)READ_ONCE(pd->owner));
	printk_deferred_exit();
	local_irq_restore(flags);
}

/*
 * Front cache miss: move ready pages of the local node into the cache.
 * Interrupts are disabled by the caller.
 */
static bool par_pcp_refill(struct par_pcp *pcp, int nid)
{
	struct par_node *pn = par_nodes[nid];
	unsigned int batch;
	bool kick, kick_pending;

	if (!pn)
		return false;

	raw_spin_lock(&pn->lock);
	/* The pages given back here go to the work in the same lock round. */
	kick_pending = par_move_freed(pcp, pn);
	/*
	 * Fill the cache to its capacity; but hand the pages of a node being
	 * emptied out one at a time, so that none is left in a cache that
	 * page_atomic_reserve_resize() already drained.
	 */
	batch = pn->target ? READ_ONCE(par_pcp_high) : 1;
	if (pcp->count < batch)
		WRITE_ONCE(pcp->count, pcp->count +
			   par_pool_take(pn, &pcp->pages[pcp->count],
					 batch - pcp->count));
	kick = kick_pending || pn->nr_pool < pn->low;
	raw_spin_unlock(&pn->lock);

	if (kick)
		par_kick(pn);
	/* Pages of other nodes, taken there when this one was empty. */
	par_flush_freed(pcp);
	return pcp->count;
}

/*
 * The local node is empty: take a single page from the nearest node that
 * has one. A race that empties that node first makes this miss, and the
 * caller falls back to the page allocator.
 */
static struct page *par_take_remote(int local)
{
	int nid, best = NUMA_NO_NODE;
	struct par_node *pn;
	struct page *page;
	bool kick;

	for_each_node_state(nid, N_MEMORY) {
		pn = par_nodes[nid];
		if (nid == local || !pn || !READ_ONCE(pn->nr_pool))
			continue;
		if (best == NUMA_NO_NODE ||
		    node_distance(local, nid) < node_distance(local, best))
			best = nid;
	}
	if (best == NUMA_NO_NODE)
		return NULL;
	pn = par_nodes[best];
	raw_spin_lock(&pn->lock);
	page = par_pool_pop(pn);
	kick = pn->nr_pool < pn->low;
	raw_spin_unlock(&pn->lock);
	if (kick)
		par_kick(pn);
	return page;
}

/**
 * page_atomic_reserve_alloc - take a ready page from the reserve
 * @gfp: the caller's gfp flags
 * @ip: the caller's address, recorded as the page's owner
 *
 * Context: Any context but NMI.
 * Return: a zeroed page, filled with PAGE_POISON for %__GFP_POISON without
 * %__GFP_ZERO, or NULL when the reserve has none or cannot serve @gfp.
 */
struct page *page_atomic_reserve_alloc(gfp_t gfp, unsigned long ip)
{
	struct par_pdesc *pd = NULL;
	struct par_pcp *pcp;
	struct par_node *pn;
	struct page *page;
	unsigned long flags;
	int nid;

	/* Reserve pages are unaccounted lowmem pages of any node. */
	if (gfp & PAR_GFP_BYPASS)
		return NULL;

	local_irq_save(flags);
	pcp = this_cpu_ptr(&par_pcp);
	nid = numa_mem_id();
	for (;;) {
		if (pcp->count || par_pcp_refill(pcp, nid)) {
			page = pcp->pages[pcp->count - 1];
			WRITE_ONCE(pcp->count, pcp->count - 1);
		} else {
			page = par_take_remote(nid);
			if (!page)
				break;
		}
		pd = (struct par_pdesc *)page_private(page);
		if (unlikely(PageHWPoison(page))) {
			/* memory_failure() hit it while it was ready. */
			if (cmpxchg(&pd->state, PAR_POOL, PAR_QUARANTINE) == PAR_POOL)
				par_count(par_nodes[page_to_nid(page)],
					  PAR_STAT_QUARANTINED);
		} else if (cmpxchg(&pd->state, PAR_POOL, PAR_OWNED) == PAR_POOL) {
			break;
		}
		/* Poisoned, or a bad free marked it while it was ready. */
		par_quarantine(par_nodes[page_to_nid(page)], page);
	}
	local_irq_restore(flags);

	if (!page)
		return NULL;

	pn = par_nodes[page_to_nid(page)];
	par_show(page, gfp & ~__GFP_RECLAIM);
	set_page_private(page, 0);
	WRITE_ONCE(pd->owner, ip);
	WRITE_ONCE(pd->gfp, gfp & __GFP_QUALITY);
	par_count(pn, PAR_STAT_HIT);
	if (gfp & __GFP_ZERO)
		par_count(pn, PAR_STAT_HIT_ZERO);
	else if (gfp & __GFP_POISON)
		page_atomic_reserve_fill(page, PAGE_POISON);
	trace_page_atomic_reserve_alloc(page, gfp, pn->nid, PAR_TRACE_HIT);
	return page;
}

/**
 * page_atomic_reserve_fallback - count a request the reserve could not serve
 * @page: what the page allocator returned for it
 * @gfp: the request's gfp flags
 */
void page_atomic_reserve_fallback(struct page *page, gfp_t gfp)
{
	int nid = page ? page_to_nid(page) : numa_node_id();
	struct par_node *pn = par_nodes[nid];

	if (!pn)
		return;
	par_count(pn, gfp & PAR_GFP_BYPASS ? PAR_STAT_BYPASS : PAR_STAT_FALLBACK);
	if (!page)
		par_count(pn, PAR_STAT_FAIL);
	trace_page_atomic_reserve_alloc(page, gfp, nid, page ? PAR_TRACE_FALLBACK :
					PAR_TRACE_FAIL);
}

/*
 * A page that the reserve holds, ready or pending, was freed by someone:
 * mark it, and whoever takes it next keeps it out of use. The work may
 * make a pending page ready meanwhile (@old is then stale): follow it
 * until the mark is set or the page is no longer the reserve's.
 */
static void par_mark(struct par_node *pn, struct par_pdesc *pd,
		     unsigned int old)
{
	while (old == PAR_POOL || old == PAR_PENDING) {
		if (try_cmpxchg(&pd->state, &old, PAR_QUARANTINE)) {
			par_count(pn, PAR_STAT_QUARANTINED);
			return;
		}
	}
}

/* Called when a page left the reserve for good. */
static void par_chunk_put(struct par_chunk *chunk)
{
	atomic_long_dec(&par_nodes[chunk->nid]->nr_live);
	if (atomic_dec_and_test(&chunk->live)) {
		llist_add(&chunk->dead, &par_dead_chunks);
		/* Any context, NMI (free_pages_nolock()) included. */
		irq_work_queue(&par_reap_kick);
	}
}

/**
 * page_atomic_reserve_free - give a page back to the reserve
 * @page: the page
 * @ip: the caller's address, for reports
 *
 * Context: Any context but NMI.
 * Return: true if the reserve took care of @page; false if the caller is
 * to free it to the page allocator: it does not belong to the reserve, or
 * it just left the reserve because it is still referenced elsewhere.
 */
bool page_atomic_reserve_free(struct page *page, unsigned long ip)
{
	struct par_chunk *chunk;
	struct par_pdesc *pd;
	struct par_pcp *pcp;
	struct par_node *pn;
	unsigned int old, nr;
	unsigned long flags;
	const char *what = NULL;
	gfp_t quality;
	int refs;

	rcu_read_lock();
	chunk = par_maybe_reserve(page) ? par_chunk_of(page) : NULL;
	if (!chunk) {
		rcu_read_unlock();
		return false;
	}
	pd = par_pdesc_of(chunk, page);
	pn = par_nodes[chunk->nid];
	old = cmpxchg(&pd->state, PAR_OWNED, PAR_FREEING);
	if (old != PAR_OWNED) {
		/* Freed twice, or never handed out. */
		par_mark(pn, pd, old);
		rcu_read_unlock();
		if (old == PAR_NOT_RESERVED)
			return false;
		par_count(pn, PAR_STAT_INVALID_FREE);
		par_report(pn, page, pd, old == PAR_POOL ?
			   "free of a page not handed out" : "double free", ip);
		return true;
	}
	rcu_read_unlock();
	/* FREEING: the page, and so its chunk, stay ours. */

	quality = READ_ONCE(pd->gfp);
	refs = page_ref_count(page);
	if (quality & __GFP_EXCLUSIVE) {
		if (refs != 1)
			what = "exclusive page freed with extra references";
		else if (folio_mapped(page_folio(page)))
			what = "exclusive page freed while mapped";
	}
	if (what) {
		par_report(pn, page, pd, what, ip);
		par_count(pn, PAR_STAT_EXCLUSIVE);
	}
	if (what && refs == 1) {
		/* Mapped with no reference of its own: never free it. */
		par_count(pn, PAR_STAT_QUARANTINED);
		WRITE_ONCE(pd->state, PAR_QUARANTINE);
		par_quarantine(pn, page);
		return true;
	}

	if (refs != 1) {
		/*
		 * Still used elsewhere: it leaves the reserve. The other
		 * reference may be a second owner, or a transient speculative
		 * one (a page cache lookup or a GUP-fast walk holding a stale
		 * pointer), which cannot be told apart here: either way the
		 * reserve never reuses the page, and it is freed with its
		 * last reference, so nothing is lost. An exclusive page is
		 * counted as a violation only, not as released as well.
		 */
		WRITE_ONCE(pd->state, PAR_NOT_RESERVED);
		if (!what)
			par_count(pn, PAR_STAT_RELEASED);
		par_chunk_put(chunk);
		/*
		 * The caller drops its reference as for any other page, in a
		 * way that suits its context: the other holder may drop
		 * theirs first, and then the caller's frees the page.
		 */
		return false;
	}

	if (quality & __GFP_POISON)
		page_atomic_reserve_fill(page, PAGE_POISON);
	par_hide(page);
	set_page_private(page, (unsigned long)pd);
	WRITE_ONCE(pd->state, PAR_PENDING);
	par_count(pn, PAR_STAT_FREED);
	/*
	 * Pending from here on, wherever it waits: collected on this CPU,
	 * so that most frees take no shared lock and kick nothing.
	 */
	local_irq_save(flags);
	pcp = this_cpu_ptr(&par_pcp);
	nr = pcp->nr_freed;
	WRITE_ONCE(pcp->freed[nr], page);
	WRITE_ONCE(pcp->nr_freed, ++nr);
	if (nr == PAR_FREE_BATCH)
		par_flush_freed(pcp);
	else if (nr == 1)
		irq_work_queue(&pcp->flush);
	local_irq_restore(flags);
	return true;
}

/**
 * page_atomic_reserve_page_freed - the page allocator frees an order-0 page
 * @page: the page, whose last reference was just dropped
 *
 * Called from the page allocator's free path for every order-0 page while
 * reserve pages exist. A page the reserve handed out and that comes back
 * this way, through put_page() by whoever held it last, leaves the reserve:
 * its descriptor is dropped and it goes to the page allocator like any
 * other page. A page that is in the reserve's hands (ready, pending or
 * quarantined) must not reach the page allocator: that is a reference
 * count bug; it is reported and kept out of use.
 *
 * Context: Any context the page allocator frees pages in, NMI included.
 * Return: false if the page allocator must not take @page.
 */
bool page_atomic_reserve_page_freed(struct page *page)
{
	struct par_chunk *chunk;
	struct par_pdesc *pd;
	struct par_node *pn;
	unsigned int old;
	bool ret = true;

	rcu_read_lock();
	chunk = par_maybe_reserve(page) ? par_chunk_of(page) : NULL;
	if (!chunk)
		goto out;
	pd = par_pdesc_of(chunk, page);
	pn = par_nodes[chunk->nid];
	old = READ_ONCE(pd->state);
	if (old == PAR_NOT_RESERVED)
		goto out;
	if (old == PAR_OWNED && cmpxchg(&pd->state, PAR_OWNED,
					PAR_NOT_RESERVED) == PAR_OWNED) {
		par_count(pn, PAR_STAT_RELEASED);
		par_chunk_put(chunk);
		goto out;
	}
	ret = false;
	par_mark(pn, pd, old);
	par_count(pn, PAR_STAT_INVALID_FREE);
	par_report(pn, page, pd, "reserve page freed to the page allocator", 0);
out:
	rcu_read_unlock();
	return ret;
}

/* Process context: a page leaves the reserve for the page allocator. */
static void par_release(struct par_node *pn, struct page *page)
{
	struct par_chunk *chunk = par_chunk_of(page);
	struct par_pdesc *pd = par_pdesc_of(chunk, page);

	WRITE_ONCE(pd->state, PAR_NOT_RESERVED);
	set_page_private(page, 0);
	/* As the page allocator handed it out: its free path checks that. */
	par_show(page, GFP_KERNEL);
	__free_page(page);
	par_count(pn, PAR_STAT_RETURNED);
	par_chunk_put(chunk);
}

/*
 * Move the pages of every per-CPU cache back to their pools, and the given
 * back pages to their pending lists.
 */
static void par_drain_pcp(struct par_pcp *pcp)
{
	par_flush_freed(pcp);
	while (pcp->count) {
		struct page *page = pcp->pages[pcp->count - 1];
		struct par_node *pn = par_nodes[page_to_nid(page)];

		WRITE_ONCE(pcp->count, pcp->count - 1);
		raw_spin_lock(&pn->lock);
		par_pool_push(pn, page);
		raw_spin_unlock(&pn->lock);
	}
}

static void par_drain_local(void *unused)
{
	unsigned long flags;

	local_irq_save(flags);
	par_drain_pcp(this_cpu_ptr(&par_pcp));
	local_irq_restore(flags);
}

static void par_flush_local(void *unused)
{
	unsigned long flags;

	local_irq_save(flags);
	par_flush_freed(this_cpu_ptr(&par_pcp));
	local_irq_restore(flags);
}

static void par_drain_all(void)
{
	cpus_read_lock();
	on_each_cpu(par_drain_local, NULL, 1);
	cpus_read_unlock();
}

static int par_cpu_dead(unsigned int cpu)
{
	unsigned long flags;

	/* The CPU is gone: nothing else touches its cache. */
	local_irq_save(flags);
	par_drain_pcp(per_cpu_ptr(&par_pcp, cpu));
	local_irq_restore(flags);
	return 0;
}

/*
 * Do to a given back page what the page allocator's free path does to a
 * freed one (__free_pages_prepare()): clear what it clears (mlocked, an
 * anon mapping, a page type), then check it as page_bad_reason() does,
 * its reference and page_pool's mark aside (page->lru, which the mark
 * shares, is the reserve's), then clear the flags that a page must not
 * have when it is handed out. A given back page is reused as it is: a
 * flag, a mapping or a charge left on it would reach the next owner. A
 * page memory_failure() hit must not be used again at all.
 * Return: NULL for a good page, else the reason, for the report.
 */
static const char *par_page_bad(struct page *page)
{
	struct folio *folio = page_folio(page);

	if (PageHWPoison(page))
		return "hardware poisoned page given back";
	if (unlikely(folio_test_mlocked(folio))) {
		__folio_clear_mlocked(folio);
		zone_stat_mod_folio(folio, NR_MLOCK, -1);
		count_vm_events(UNEVICTABLE_PGCLEARED, 1);
	}
	if (folio_test_anon(folio))
		folio->mapping = NULL;
	if (unlikely(page_has_type(page)))
		page->page_type = UINT_MAX;
	if (atomic_read(&page->_mapcount) != -1)
		return "page given back with nonzero mapcount";
	if (page->mapping)
		return "page given back with non-NULL mapping";
	if (page->flags.f & PAGE_FLAGS_CHECK_AT_FREE)
		return "page given back with PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
#ifdef CONFIG_MEMCG
	if (page->memcg_data)
		return "page given back still charged to a cgroup";
#endif
	page->flags.f &= ~PAGE_FLAGS_CHECK_AT_PREP;
	return NULL;
}

/*
 * Put @nr ready pages on the pool of @pn in one round of its raw lock:
 * the work's pages go back PAR_BATCH at a time, so that an allocation on
 * another CPU never waits for more than that.
 */
static void par_pool_push_batch(struct par_node *pn, struct page **pages,
				unsigned int nr)
{
	unsigned long flags;
	unsigned int i;

	if (!nr)
		return;
	raw_spin_lock_irqsave(&pn->lock, flags);
	for (i = 0; i < nr; i++)
		par_pool_push(pn, pages[i]);
	raw_spin_unlock_irqrestore(&pn->lock, flags);
}

/*
 * Check and zero pending pages, then make them ready again. A page found in
 * a state the page allocator would reject, or written to after a
 * __GFP_POISON free, is reported and kept out of use for good, as
 * bad_page() keeps such a page from the page allocator.
 */
static unsigned long par_process_pending(struct par_node *pn)
{
	struct page *page, *next, *ready[PAR_BATCH];
	unsigned long flags, zeroed = 0;
	unsigned int nr = 0;
	LIST_HEAD(todo);

	raw_spin_lock_irqsave(&pn->lock, flags);
	list_splice_init(&pn->pending, &todo);
	pn->nr_pending = 0;
	raw_spin_unlock_irqrestore(&pn->lock, flags);

	list_for_each_entry_safe(page, next, &todo, lru) {
		struct par_pdesc *pd = (struct par_pdesc *)page_private(page);
		const char *bad;

		list_del(&page->lru);
		par_unseal(page);
		bad = par_page_bad(page);
		if (bad) {
			par_count(pn, PAR_STAT_INVALID_FREE);
		} else if (READ_ONCE(pd->gfp) & __GFP_POISON) {
			void *addr = kmap_local_page(page);

			if (memchr_inv(addr, PAGE_POISON, PAGE_SIZE)) {
				bad = "write after free";
				par_count(pn, PAR_STAT_POISON);
			}
			kunmap_local(addr);
		}
		if (bad) {
			par_report(pn, page, pd, bad, 0);
			if (xchg(&pd->state, PAR_QUARANTINE) != PAR_QUARANTINE)
				par_count(pn, PAR_STAT_QUARANTINED);
			par_quarantine(pn, page);
			continue;
		}
		clear_highpage(page);
		par_seal(page);
		zeroed++;
		WRITE_ONCE(pd->gfp, 0);
		if (cmpxchg(&pd->state, PAR_PENDING, PAR_POOL) != PAR_PENDING) {
			par_quarantine(pn, page);
			continue;
		}
		ready[nr++] = page;
		if (nr == PAR_BATCH) {
			par_pool_push_batch(pn, ready, nr);
			nr = 0;
		}
		cond_resched();
	}
	par_pool_push_batch(pn, ready, nr);
	par_count_add(pn, PAR_STAT_ZEROED, zeroed);
	return zeroed;
}

/* Give ready pages back to the page allocator until @pn is at its target. */
static unsigned long par_trim(struct par_node *pn)
{
	unsigned long flags, returned = 0;

	/* Refilling works in chunks: tolerate the last chunk's overshoot. */
	while (par_level(pn) > round_up(READ_ONCE(pn->target), PAR_CHUNK_PAGES)) {
		struct page *page = NULL;
		struct par_pdesc *pd;

		raw_spin_lock_irqsave(&pn->lock, flags);
		page = par_pool_pop(pn);
		raw_spin_unlock_irqrestore(&pn->lock, flags);
		if (!page)
			break;
		pd = (struct par_pdesc *)page_private(page);
		if (cmpxchg(&pd->state, PAR_POOL, PAR_NOT_RESERVED) != PAR_POOL) {
			par_quarantine(pn, page);
			continue;
		}
		par_release(pn, page);
		returned++;
		cond_resched();
	}
	return returned;
}

/*
 * Make room in the pool of @pn for one more chunk. Under pn->mutex, which
 * every chunk is added under: until the next one, the node's pages, and so
 * its ready ones, are at most @need.
 */
static int par_grow_pool(struct par_node *pn)
{
	unsigned long need = atomic_long_read(&pn->nr_live) + PAR_CHUNK_PAGES;
	struct par_block *blk;
	unsigned long flags;

	lockdep_assert_held(&pn->mutex);
	/* One slot more than @need: @top names the block of the next slot. */
	while (pn->nr_blocks * PAR_BLOCK_PAGES <= need) {
		struct page *page = alloc_pages_node(pn->nid, PAR_REFILL_GFP, 0);

		if (!page)
			return -ENOMEM;
		blk = page_address(page);
		raw_spin_lock_irqsave(&pn->lock, flags);
		list_add_tail(&blk->list, &pn->blocks);
		/* A full pool's next slot is in the new block. */
		if (par_pool_full(pn))
			pn->top = blk;
		pn->nr_blocks++;
		raw_spin_unlock_irqrestore(&pn->lock, flags);
	}
	return 0;
}

/*
 * Free the blocks of @pn that its pages no longer need, but one, so that a
 * node that hovers at a block's edge does not allocate and free one every
 * round. Under pn->mutex: the node's pages only decrease meanwhile, and
 * @top, the block of slot @nr_pool <= @nr_live, is never the last one
 * freed.
 */
static void par_shrink_pool(struct par_node *pn)
{
	unsigned long need = atomic_long_read(&pn->nr_live) + PAR_CHUNK_PAGES;
	unsigned long keep = need / PAR_BLOCK_PAGES + 2;
	struct par_block *blk;
	unsigned long flags;

	lockdep_assert_held(&pn->mutex);
	while (pn->nr_blocks > keep) {
		raw_spin_lock_irqsave(&pn->lock, flags);
		blk = list_last_entry(&pn->blocks, struct par_block, list);
		if (WARN_ON_ONCE(blk == pn->top)) {
			raw_spin_unlock_irqrestore(&pn->lock, flags);
			return;
		}
		list_del(&blk->list);
		pn->nr_blocks--;
		raw_spin_unlock_irqrestore(&pn->lock, flags);
		free_page((unsigned long)blk);
	}
}

/* Add one chunk of zeroed pages to the pool of @pn. */
static int par_add_chunk(struct par_node *pn)
{
	struct par_chunk *chunk, *old;
	struct page *page;
	unsigned long flags, pfn;
	unsigned int i;
	int err;

	err = par_grow_pool(pn);
	if (err)
		return err;
	chunk = kzalloc_node(sizeof(*chunk), PAR_REFILL_GFP, pn->nid);
	if (!chunk)
		return -ENOMEM;
	/*
	 * __GFP_ZERO, not a clear_highpage() of our own: with init_on_alloc=1
	 * the page allocator zeroes anyway, and a page is then zeroed once.
	 */
	page = alloc_pages_node(pn->nid, PAR_REFILL_GFP | __GFP_THISNODE | __GFP_ZERO,
				PAR_CHUNK_ORDER);
	if (!page) {
		kfree(chunk);
		return -ENOMEM;
	}
	pfn = page_to_pfn(page);
	if (WARN_ON_ONCE(!IS_ALIGNED(pfn, PAR_CHUNK_PAGES))) {
		__free_pages(page, PAR_CHUNK_ORDER);
		kfree(chunk);
		return -EINVAL;
	}
	err = par_map_cover(pn, pfn);
	if (err) {
		__free_pages(page, PAR_CHUNK_ORDER);
		kfree(chunk);
		return err;
	}
	chunk->base_pfn = pfn;
	chunk->nid = pn->nid;
	atomic_set(&chunk->live, PAR_CHUNK_PAGES);
	split_page(page, PAR_CHUNK_ORDER);
	for (i = 0; i < PAR_CHUNK_PAGES; i++) {
		struct page *p = pfn_to_page(pfn + i);

		chunk->pd[i].state = PAR_POOL;
		set_page_private(p, (unsigned long)&chunk->pd[i]);
	}
	xa_lock(&par_chunks);
	old = __xa_store(&par_chunks, pfn >> PAR_CHUNK_ORDER, chunk, PAR_REFILL_GFP);
	err = xa_err(old);
	if (!err)
		par_map_assign(pn, pfn >> PAR_CHUNK_ORDER, true);
	xa_unlock(&par_chunks);
	/*
	 * Every page leaves its chunk through par_chunk_put(), so the block
	 * can only come back from the page allocator once its old chunk is
	 * dead (live == 0); par_reap_fn() frees that one.
	 */
	WARN_ON_ONCE(old && !err && atomic_read(&old->live));
	if (err) {
		for (i = 0; i < PAR_CHUNK_PAGES; i++) {
			set_page_private(pfn_to_page(pfn + i), 0);
			__free_page(pfn_to_page(pfn + i));
		}
		kfree(chunk);
		return err;
	}
	for (i = 0; i < PAR_CHUNK_PAGES; i++)
		par_hide(pfn_to_page(pfn + i));
	atomic_long_add(PAR_CHUNK_PAGES, &pn->nr_live);
	raw_spin_lock_irqsave(&pn->lock, flags);
	for (i = 0; i < PAR_CHUNK_PAGES; i++)
		par_pool_push(pn, pfn_to_page(pfn + i));
	raw_spin_unlock_irqrestore(&pn->lock, flags);
	par_count_add(pn, PAR_STAT_REFILLED, PAR_CHUNK_PAGES);
	par_count_add(pn, PAR_STAT_ZEROED, PAR_CHUNK_PAGES);
	return 0;
}

static unsigned long par_refill(struct par_node *pn)
{
	unsigned long added = 0;

	while (!READ_ONCE(par_refill_paused) &&
	       par_level(pn) < READ_ONCE(pn->target)) {
		if (par_add_chunk(pn)) {
			par_count(pn, PAR_STAT_REFILL_FAIL);
			break;
		}
		added += PAR_CHUNK_PAGES;
		cond_resched();
	}
	if (added)
		par_count(pn, PAR_STAT_REFILLS);
	return added;
}

/* Refill work items started, and running now: see page_atomic_reserve_work_seq(). */
static atomic_t par_works_started, par_works_running;

static void par_node_work(struct work_struct *work)
{
	struct par_node *pn = container_of(work, struct par_node, work);
	unsigned long zeroed, returned, added;
	u64 start = ktime_get_ns(), ns;

	atomic_inc(&par_works_started);
	atomic_inc(&par_works_running);
	mutex_lock(&pn->mutex);
	zeroed = READ_ONCE(par_pending_held) ? 0 : par_process_pending(pn);
	returned = par_trim(pn);
	added = par_refill(pn);
	par_shrink_pool(pn);
	mutex_unlock(&pn->mutex);
	atomic_dec(&par_works_running);
	ns = ktime_get_ns() - start;
	atomic64_add(ns, &pn->work_ns);
	/* par_level() sums the per-CPU caches: only when someone listens. */
	if (trace_page_atomic_reserve_refill_enabled())
		trace_page_atomic_reserve_refill(pn->nid, zeroed, added,
						 returned, par_level(pn), ns);
}

/*
 * page_atomic_reserve_used lets alloc_page_atomic_quality() look at the
 * reserve: some node has a non-zero target. page_atomic_reserve_live lets
 * free_page_atomic_quality() look pages up: some reserve page still exists,
 * handed out or quarantined. Both stay off, one patched-out branch each, on
 * a machine that never sizes the reserve.
 */
static void par_update_key(void)
{
	bool used = false, live;
	int nid;

	mutex_lock(&par_global_mutex);
	live = !xa_empty(&par_chunks);
	for_each_node(nid)
		if (par_nodes[nid] && READ_ONCE(par_nodes[nid]->target))
			used = true;

	/* "live" first: a page may be handed out as soon as "used" is on. */
	if (used || live)
		static_branch_enable(&page_atomic_reserve_live);
	if (used)
		static_branch_enable(&page_atomic_reserve_used);
	else
		static_branch_disable(&page_atomic_reserve_used);
	if (!used && !live)
		static_branch_disable(&page_atomic_reserve_live);
	mutex_unlock(&par_global_mutex);
}

static void par_reap_fn(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&par_dead_chunks);
	struct par_chunk *chunk, *next;

	llist_for_each_entry_safe(chunk, next, list, dead) {
		unsigned long idx = chunk->base_pfn >> PAR_CHUNK_ORDER;

		/* The index may already name a newer chunk of the same block. */
		xa_lock(&par_chunks);
		if (__xa_cmpxchg(&par_chunks, idx, chunk, NULL, 0) == chunk)
			par_map_assign(par_nodes[chunk->nid], idx, false);
		xa_unlock(&par_chunks);
		kfree_rcu(chunk, rcu);
	}
	par_update_key();
}

/**
 * page_atomic_reserve_max_pages - the largest reserve a node may have
 * @nid: the node
 *
 * The refill allocates with GFP_KERNEL: only the zones up to ZONE_NORMAL
 * count, not ZONE_MOVABLE (memory that hot-unplug and virtio-mem rely on
 * being movable) or highmem, which it can never use.
 *
 * Return: 1/PAR_MAX_FRACTION of the managed pages of the node's zones that
 * the refill can use, 0 for a node without memory.
 */
unsigned long page_atomic_reserve_max_pages(int nid)
{
	unsigned long managed = 0;
	struct zone *zone;
	int i;

	if (nid < 0 || nid >= MAX_NUMNODES || !node_state(nid, N_MEMORY))
		return 0;
	for (i = 0; i <= gfp_zone(GFP_KERNEL); i++) {
		zone = &NODE_DATA(nid)->node_zones[i];
		managed += zone_managed_pages(zone);
	}
	return managed / PAR_MAX_FRACTION;
}

/**
 * page_atomic_reserve_resize - set the size of a node's reserve
 * @nid: the node
 * @pages: the new size in pages; 0 empties and disables the node's reserve
 *
 * Growing returns at once and the refill work fills the reserve in the
 * background. Shrinking is synchronous: when it returns, the surplus ready
 * pages are back in the page allocator. Pages handed out when the reserve
 * shrinks are given back to the page allocator as they are freed.
 *
 * Context: Process context, may sleep.
 * Return: 0, -EINVAL for a node that does not exist or, unless @pages is 0,
 * has no memory, -ERANGE when @pages exceeds page_atomic_reserve_max_pages(),
 * -EBUSY before the reserve is set up. 0 is always accepted: a node whose
 * memory went offline can still have its size cleared.
 */
int page_atomic_reserve_resize(int nid, unsigned long pages)
{
	struct par_node *pn;
	unsigned long old, flags;

	if (nid < 0 || nid >= MAX_NUMNODES || !node_possible(nid))
		return -EINVAL;
	if (pages && !node_state(nid, N_MEMORY))
		return -EINVAL;
	if (pages > page_atomic_reserve_max_pages(nid))
		return -ERANGE;
	if (!READ_ONCE(par_ready))
		return -EBUSY;
	pn = par_nodes[nid];
	if (!pn)
		return -EINVAL;

	/*
	 * The new size first, under the lock the per-CPU cache refill takes:
	 * a refill running now stops at its next chunk, so that shrinking,
	 * done to relieve memory pressure, does not wait for the whole refill.
	 */
	raw_spin_lock_irqsave(&pn->lock, flags);
	old = pn->target;
	WRITE_ONCE(pn->target, pages);
	WRITE_ONCE(pn->low, par_low(pages, READ_ONCE(par_low_percent)));
	raw_spin_unlock_irqrestore(&pn->lock, flags);

	if (pages > old) {
		par_update_key();
		par_queue(pn);
	} else if (pages < old) {
		mutex_lock(&pn->mutex);
		par_drain_all();
		par_trim(pn);
		par_shrink_pool(pn);
		mutex_unlock(&pn->mutex);
		if (!pages)
			par_update_key();
	}
	return 0;
}

/**
 * page_atomic_reserve_set_pcp_high - set the capacity of the per-CPU caches
 * @high: pages per CPU, 1 to PAR_PCP_MAX
 *
 * Context: Process context, may sleep.
 * Return: 0 or -ERANGE.
 */
int page_atomic_reserve_set_pcp_high(unsigned int high)
{
	if (!high || high > PAR_PCP_MAX)
		return -ERANGE;
	mutex_lock(&par_global_mutex);
	WRITE_ONCE(par_pcp_high, high);
	mutex_unlock(&par_global_mutex);
	par_drain_all();
	return 0;
}

/**
 * page_atomic_reserve_set_low_percent - set the refill threshold
 * @percent: a node's pool is refilled when it drops below this percentage
 *           of the node's size, 1 to 100
 *
 * Context: Process context, may sleep.
 * Return: 0 or -ERANGE.
 */
int page_atomic_reserve_set_low_percent(unsigned int percent)
{
	unsigned long flags;
	int nid;

	if (!percent || percent > 100)
		return -ERANGE;
	mutex_lock(&par_global_mutex);
	WRITE_ONCE(par_low_percent, percent);
	mutex_unlock(&par_global_mutex);
	for_each_node(nid) {
		struct par_node *pn = par_nodes[nid];

		if (!pn)
			continue;
		raw_spin_lock_irqsave(&pn->lock, flags);
		WRITE_ONCE(pn->low, par_low(pn->target, percent));
		raw_spin_unlock_irqrestore(&pn->lock, flags);
		par_queue(pn);
	}
	return 0;
}

/* The tunables, for sysfs. */
unsigned int page_atomic_reserve_pcp_high(void)
{
	return READ_ONCE(par_pcp_high);
}

unsigned int page_atomic_reserve_low_percent(void)
{
	return READ_ONCE(par_low_percent);
}

static void par_node_stats(struct par_node *pn,
			   struct page_atomic_reserve_stats *st)
{
	unsigned long flags;
	int cpu, i;

	raw_spin_lock_irqsave(&pn->lock, flags);
	st->pooled += pn->nr_pool;
	st->pending += pn->nr_pending;
	st->quarantine += atomic_long_read(&pn->nr_quarantine);
	raw_spin_unlock_irqrestore(&pn->lock, flags);
	st->cached += par_cached(pn->nid);
	st->pending += par_freed_percpu(pn->nid);
	st->target += READ_ONCE(pn->target);
	st->low += READ_ONCE(pn->low);
	st->work_ns += atomic64_read(&pn->work_ns);
	for_each_possible_cpu(cpu) {
		struct par_counters *c = per_cpu_ptr(pn->stats, cpu);

		for (i = 0; i < PAR_NR_STATS; i++)
			st->events[i] += READ_ONCE(c->v[i]);
	}
}

/**
 * page_atomic_reserve_get_stats - read the state of the reserve
 * @nid: a node, or NUMA_NO_NODE for the sum over all nodes
 * @st: filled in
 */
void page_atomic_reserve_get_stats(int nid, struct page_atomic_reserve_stats *st)
{
	int n;

	memset(st, 0, sizeof(*st));
	for_each_node(n) {
		if (!par_nodes[n] || (nid != NUMA_NO_NODE && n != nid))
			continue;
		par_node_stats(par_nodes[n], st);
	}
	st->level = st->pooled + st->cached;
	st->outstanding = st->events[PAR_STAT_HIT] - st->events[PAR_STAT_FREED] -
			  st->events[PAR_STAT_RELEASED] -
			  st->events[PAR_STAT_EXCLUSIVE];
}
EXPORT_SYMBOL_NS_GPL(page_atomic_reserve_get_stats, "PAGE_ATOMIC_RESERVE_TEST");

/**
 * page_atomic_reserve_flush - wait for the refill work of every node
 *
 * Context: Process context, may sleep.
 */
void page_atomic_reserve_flush(void)
{
	int nid;

	if (!par_wq)
		return;
	/* Pages given back and still collected per CPU go to their nodes. */
	cpus_read_lock();
	on_each_cpu(par_flush_local, NULL, 1);
	cpus_read_unlock();
	/* Kicks from atomic context may still wait for their irq_work. */
	for_each_node(nid)
		if (par_nodes[nid])
			irq_work_sync(&par_nodes[nid]->kick);
	for_each_node(nid)
		if (par_nodes[nid])
			par_queue(par_nodes[nid]);
	flush_workqueue(par_wq);
	/* Chunks may have died before or during the node work: reap them. */
	irq_work_sync(&par_reap_kick);
	queue_work(par_wq, &par_reap_work);
	flush_workqueue(par_wq);
}
EXPORT_SYMBOL_NS_GPL(page_atomic_reserve_flush, "PAGE_ATOMIC_RESERVE_TEST");

/* Test support, also for lib/test_page_atomic_reserve.c: a page's state. */
enum par_page_state page_atomic_reserve_page_state(struct page *page)
{
	struct par_chunk *chunk;
	enum par_page_state state = PAR_NOT_RESERVED;

	rcu_read_lock();
	chunk = par_chunk_of(page);
	if (chunk)
		state = READ_ONCE(par_pdesc_of(chunk, page)->state);
	rcu_read_unlock();
	return state;
}
EXPORT_SYMBOL_NS_GPL(page_atomic_reserve_page_state, "PAGE_ATOMIC_RESERVE_TEST");

/* Test support: first pfn of the chunk holding @page, or ULONG_MAX. */
unsigned long page_atomic_reserve_chunk_pfn(struct page *page)
{
	struct par_chunk *chunk;
	unsigned long pfn = ULONG_MAX;

	rcu_read_lock();
	chunk = par_chunk_of(page);
	if (chunk)
		pfn = chunk->base_pfn;
	rcu_read_unlock();
	return pfn;
}

/* Test support: the number of chunk descriptors in the index. */
unsigned long page_atomic_reserve_nr_chunks(void)
{
	struct par_chunk *chunk;
	unsigned long idx, nr = 0;

	rcu_read_lock();
	xa_for_each(&par_chunks, idx, chunk)
		nr++;
	rcu_read_unlock();
	return nr;
}
EXPORT_SYMBOL_NS_GPL(page_atomic_reserve_nr_chunks, "PAGE_ATOMIC_RESERVE_TEST");

/*
 * Test support: the pages of the chunks in the index that are still the
 * reserve's (ready, pending, handed out or quarantined), from the chunks'
 * live counts; @empty: the chunks in the index with none, dead and not
 * yet reaped.
 */
unsigned long page_atomic_reserve_chunk_pages(unsigned long *empty)
{
	struct par_chunk *chunk;
	unsigned long idx, pages = 0;

	*empty = 0;
	rcu_read_lock();
	xa_for_each(&par_chunks, idx, chunk) {
		int live = atomic_read(&chunk->live);

		pages += live;
		if (!live)
			(*empty)++;
	}
	rcu_read_unlock();
	return pages;
}
EXPORT_SYMBOL_NS_GPL(page_atomic_reserve_chunk_pages, "PAGE_ATOMIC_RESERVE_TEST");

/*
 * Test support: a number that changes whenever a node's refill work starts,
 * odd while one runs. The benchmark reads it around each sample to tell
 * the samples that ran while the work took the node's lock or wrote to
 * the pool's pages from those that did not.
 */
unsigned int page_atomic_reserve_work_seq(void)
{
	return (unsigned int)atomic_read(&par_works_started) << 1 |
	       !!atomic_read(&par_works_running);
}
EXPORT_SYMBOL_NS_GPL(page_atomic_reserve_work_seq, "PAGE_ATOMIC_RESERVE_TEST");

/* Test support: stop and restart the refill work's allocations. */
void page_atomic_reserve_pause_refill(bool pause)
{
	WRITE_ONCE(par_refill_paused, pause);
}

/*
 * Test support: keep pages that were given back pending, neither checked
 * nor reused, so that a test that writes to a page after giving it back
 * writes to memory no one else can have been handed.
 */
void page_atomic_reserve_hold_pending(bool hold)
{
	WRITE_ONCE(par_pending_held, hold);
}
EXPORT_SYMBOL_NS_GPL(page_atomic_reserve_hold_pending, "PAGE_ATOMIC_RESERVE_TEST");

/*
 * Test support: let a test read or write a page that the reserve holds
 * (ready, or held pending), which KASAN and debug_pagealloc otherwise keep
 * it from, and seal it again.
 */
void page_atomic_reserve_test_access(struct page *page, bool access)
{
	if (access)
		par_unseal(page);
	else
		par_seal(page);
}
EXPORT_SYMBOL_NS_GPL(page_atomic_reserve_test_access, "PAGE_ATOMIC_RESERVE_TEST");

/* Test support: the recorded owner of a reserve page. */
unsigned long page_atomic_reserve_owner(struct page *page)
{
	struct par_chunk *chunk;
	unsigned long owner = 0;

	rcu_read_lock();
	chunk = par_chunk_of(page);
	if (chunk)
		owner = READ_ONCE(par_pdesc_of(chunk, page)->owner);
	rcu_read_unlock();
	return owner;
}

/* Test support: a ready page of @nid that stays in the reserve. */
struct page *page_atomic_reserve_peek(int nid)
{
	struct par_node *pn = par_nodes[nid];
	struct page *page = NULL;
	unsigned long flags;

	if (!pn)
		return NULL;
	raw_spin_lock_irqsave(&pn->lock, flags);
	if (pn->nr_pool)
		page = list_first_entry(&pn->blocks, struct par_block,
					list)->pages[0];
	raw_spin_unlock_irqrestore(&pn->lock, flags);
	return page;
}

/* Test support: the blocks of the pool of @nid. */
unsigned long page_atomic_reserve_pool_blocks(int nid)
{
	struct par_node *pn = par_nodes[nid];
	unsigned long nr = 0;

	if (pn) {
		mutex_lock(&pn->mutex);
		nr = pn->nr_blocks;
		mutex_unlock(&pn->mutex);
	}
	return nr;
}

static int par_parse_sizes(const char *str, unsigned long *pages, bool apply)
{
	unsigned long v;
	char buf[24];
	int i;

	if (!str || !*str)
		return -EINVAL;
	if (!strchr(str, ':')) {
		if (kstrtoul(str, 10, &v))
			return -EINVAL;
		for (i = 0; apply && i < MAX_NUMNODES; i++)
			pages[i] = v;
		return 0;
	}
	while (*str) {
		size_t len = strcspn(str, ",");
		unsigned int nid;
		char *colon;

		if (!len || len >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, str, len);
		buf[len] = '\0';
		colon = strchr(buf, ':');
		if (!colon)
			return -EINVAL;
		*colon = '\0';
		if (kstrtouint(buf, 10, &nid) || nid >= MAX_NUMNODES ||
		    kstrtoul(colon + 1, 10, &v))
			return -EINVAL;
		if (apply)
			pages[nid] = v;
		str += len;
		if (*str == ',' && !*++str)
			return -EINVAL;
	}
	return 0;
}

/**
 * page_atomic_reserve_parse_sizes - parse the atomic_reserve= boot parameter
 * @str: "<pages>" for every node, or a comma-separated list of
 *       "<node>:<pages>"
 * @pages: one entry per possible node, set where @str names a size
 *
 * Return: 0, or -EINVAL for a malformed @str, in which case @pages is left
 * as it was.
 */
int page_atomic_reserve_parse_sizes(const char *str, unsigned long *pages)
{
	int err = par_parse_sizes(str, pages, false);

	return err ? err : par_parse_sizes(str, pages, true);
}

static int __init par_setup(char *str)
{
	if (page_atomic_reserve_parse_sizes(str, par_boot_pages))
		pr_warn("ignoring malformed atomic_reserve=%s\n", str);
	return 1;
}
__setup("atomic_reserve=", par_setup);

static int __init par_init(void)
{
	int nid, ret;

	par_wq = alloc_workqueue("atomic_reserve", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!par_wq)
		return -ENOMEM;

	for_each_node(nid) {
		struct par_node *pn;

		pn = kzalloc_node(sizeof(*pn), GFP_KERNEL,
				  node_state(nid, N_MEMORY) ? nid : NUMA_NO_NODE);
		if (!pn)
			goto nomem;
		pn->stats = alloc_percpu(struct par_counters);
		if (!pn->stats) {
			kfree(pn);
			goto nomem;
		}
		raw_spin_lock_init(&pn->lock);
		INIT_LIST_HEAD(&pn->blocks);
		/* No block yet: full at a capacity of 0. */
		pn->top = list_entry(&pn->blocks, struct par_block, list);
		INIT_LIST_HEAD(&pn->pending);
		mutex_init(&pn->mutex);
		INIT_WORK(&pn->work, par_node_work);
		pn->kick = IRQ_WORK_INIT_HARD(par_kick_fn);
		pn->nid = nid;
		par_nodes[nid] = pn;
	}

	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN,
					"mm/atomic_reserve:dead", NULL,
					par_cpu_dead);
	if (ret < 0)
		goto nomem;

	WRITE_ONCE(par_ready, true);
	page_atomic_reserve_sysfs_init();
	for_each_node_state(nid, N_MEMORY) {
		unsigned long pages = par_boot_pages[nid];
		unsigned long max = page_atomic_reserve_max_pages(nid);

		if (pages == ULONG_MAX)
			pages = CONFIG_PAGE_ATOMIC_RESERVE_PAGES;
		if (pages > max) {
			pr_warn("node %d: reserve of %lu pages capped at %lu\n",
				nid, pages, max);
			pages = max;
		}
		if (pages)
			page_atomic_reserve_resize(nid, pages);
	}
	return 0;

nomem:
	for_each_node(nid) {
		if (!par_nodes[nid])
			continue;
		free_percpu(par_nodes[nid]->stats);
		kfree(par_nodes[nid]);
		par_nodes[nid] = NULL;
	}
	destroy_workqueue(par_wq);
	par_wq = NULL;
	pr_err("cannot set up the reserve\n");
	return -ENOMEM;
}
subsys_initcall(par_init);
