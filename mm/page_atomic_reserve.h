/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mm-internal interface of the atomic page reserve. The public entry points,
 * alloc_page_atomic_quality() and free_page_atomic_quality(), are declared
 * in include/linux/gfp.h and live in mm/page_alloc.c.
 */
#ifndef _MM_PAGE_ATOMIC_RESERVE_H
#define _MM_PAGE_ATOMIC_RESERVE_H

#include <linux/gfp_types.h>
#include <linux/highmem.h>
#include <linux/jump_label.h>
#include <linux/poison.h>

struct page;

/* Requests the reserve does not serve: its pages are unaccounted, any node. */
#define PAR_GFP_BYPASS	(__GFP_DMA | __GFP_DMA32 | __GFP_ACCOUNT | __GFP_THISNODE)

/* Fill a page with @c in the caller's context. */
static inline void page_atomic_reserve_fill(struct page *page, int c)
{
	void *addr = kmap_local_page(page);

	memset(addr, c, PAGE_SIZE);
	kunmap_local(addr);
}

enum par_stat_item {
	PAR_STAT_HIT,		/* served from the reserve */
	PAR_STAT_HIT_ZERO,	/* ... of which asked for __GFP_ZERO */
	PAR_STAT_FALLBACK,	/* reserve empty: went to the page allocator */
	PAR_STAT_BYPASS,	/* not for the reserve: went to the page allocator */
	PAR_STAT_FAIL,		/* ... and the page allocator failed too */
	PAR_STAT_FREED,		/* given back with free_page_atomic_quality() */
	PAR_STAT_RELEASED,	/* left the reserve: shared when freed, or put_page() */
	PAR_STAT_REFILLS,	/* refill runs that added pages */
	PAR_STAT_REFILLED,	/* pages taken from the page allocator */
	PAR_STAT_REFILL_FAIL,	/* chunk allocations that failed */
	PAR_STAT_ZEROED,	/* pages zeroed by the refill work */
	PAR_STAT_RETURNED,	/* pages given back to the page allocator */
	PAR_STAT_POISON,	/* writes after free found */
	PAR_STAT_EXCLUSIVE,	/* __GFP_EXCLUSIVE pages freed while shared */
	PAR_STAT_INVALID_FREE,	/* double frees, frees of pages not handed out */
	PAR_STAT_QUARANTINED,	/* pages taken out of use for good */
	PAR_NR_STATS
};

/**
 * struct page_atomic_reserve_stats - a snapshot of the reserve
 * @target: size the reserve is kept at, in pages
 * @low: the shared pool is refilled when it drops below this
 * @level: pages ready to be handed out (@pooled plus @cached)
 * @pooled: ready pages in the per-node pool
 * @cached: ready pages in per-CPU caches
 * @pending: pages given back and waiting to be checked and zeroed
 * @quarantine: pages kept out of use after a violation
 * @outstanding: pages handed out and not given back
 * @work_ns: time the refill work spent, in ns (64 bits everywhere: an
 *           unsigned long of ns wraps after 4 seconds on 32-bit)
 * @events: event counters, indexed by enum par_stat_item
 */
struct page_atomic_reserve_stats {
	unsigned long target;
	unsigned long low;
	unsigned long level;
	unsigned long pooled;
	unsigned long cached;
	unsigned long pending;
	unsigned long quarantine;
	unsigned long outstanding;
	u64 work_ns;
	unsigned long events[PAR_NR_STATS];
};

#ifdef CONFIG_PAGE_ATOMIC_RESERVE
DECLARE_STATIC_KEY_FALSE(page_atomic_reserve_used);
DECLARE_STATIC_KEY_FALSE(page_atomic_reserve_live);

/* Some node has a reserve: try it first. */
static inline bool page_atomic_reserve_active(void)
{
	return static_branch_unlikely(&page_atomic_reserve_used);
}

/* Some reserve page exists: a freed page may be one. */
static inline bool page_atomic_reserve_has_pages(void)
{
	return static_branch_unlikely(&page_atomic_reserve_live);
}

struct page *page_atomic_reserve_alloc(gfp_t gfp, unsigned long ip);
bool page_atomic_reserve_free(struct page *page, unsigned long ip);
bool page_atomic_reserve_page_freed(struct page *page);
void page_atomic_reserve_fallback(struct page *page, gfp_t gfp);

int page_atomic_reserve_resize(int nid, unsigned long pages);
unsigned long page_atomic_reserve_max_pages(int nid);
int page_atomic_reserve_set_pcp_high(unsigned int high);
unsigned int page_atomic_reserve_pcp_high(void);
int page_atomic_reserve_set_low_percent(unsigned int percent);
unsigned int page_atomic_reserve_low_percent(void);
int page_atomic_reserve_parse_sizes(const char *str, unsigned long *pages);

#ifdef CONFIG_SYSFS
int page_atomic_reserve_sysfs_init(void);
#else
static inline int page_atomic_reserve_sysfs_init(void)
{
	return 0;
}
#endif
void page_atomic_reserve_get_stats(int nid, struct page_atomic_reserve_stats *st);
void page_atomic_reserve_flush(void);

/* For the KUnit suite only. */
enum par_page_state {
	PAR_NOT_RESERVED = 0,	/* not (or no longer) a reserve page */
	PAR_POOL,		/* ready, in a pool or a per-CPU cache */
	PAR_OWNED,		/* handed out */
	PAR_FREEING,		/* being given back */
	PAR_PENDING,		/* given back, waiting for the refill work */
	PAR_QUARANTINE,		/* taken out of use */
};

enum par_page_state page_atomic_reserve_page_state(struct page *page);
unsigned long page_atomic_reserve_chunk_pfn(struct page *page);
unsigned long page_atomic_reserve_nr_chunks(void);
unsigned long page_atomic_reserve_chunk_pages(unsigned long *empty);
unsigned long page_atomic_reserve_owner(struct page *page);
void page_atomic_reserve_pause_refill(bool pause);
void page_atomic_reserve_hold_pending(bool hold);
void page_atomic_reserve_test_access(struct page *page, bool access);
unsigned int page_atomic_reserve_work_seq(void);
struct page *page_atomic_reserve_peek(int nid);
unsigned long page_atomic_reserve_pool_blocks(int nid);
#else
static inline bool page_atomic_reserve_active(void)
{
	return false;
}

static inline bool page_atomic_reserve_has_pages(void)
{
	return false;
}

static inline struct page *page_atomic_reserve_alloc(gfp_t gfp, unsigned long ip)
{
	return NULL;
}

static inline bool page_atomic_reserve_free(struct page *page, unsigned long ip)
{
	return false;
}

static inline bool page_atomic_reserve_page_freed(struct page *page)
{
	return true;
}

static inline void page_atomic_reserve_fallback(struct page *page, gfp_t gfp)
{
}
#endif /* CONFIG_PAGE_ATOMIC_RESERVE */

#endif /* _MM_PAGE_ATOMIC_RESERVE_H */
