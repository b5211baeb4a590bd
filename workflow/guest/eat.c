// SPDX-License-Identifier: GPL-2.0
/*
 * Workflow only, not part of the series: a memory eater for the pressure
 * experiment. Writing D to /sys/module/eat/parameters/distance sets the
 * free pages of every populated zone up to ZONE_NORMAL to D pages above
 * the zone's min watermark, taking pages with __GFP_THISNODE and the
 * zone's modifier (so that lowmem_reserve does not stop it) or giving back
 * pages it took. Reading parameters/state shows each zone's free pages, min
 * watermark and the pages the eater holds there, from the zone counters
 * (NR_FREE_PAGES, which the watermark check reads). Unloading gives every
 * page back.
 *
 * A shrinker gives pages back to direct reclaim, not to kswapd: after a
 * burst has dug a zone below its min watermark, the next GFP_KERNEL
 * allocation of the shell that drives the experiment (a file open) would
 * otherwise invoke the OOM killer, with nothing to kill. kswapd, which the
 * bursts wake, gets nothing, so that it cannot hand a burst more memory.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/vmstat.h>

static struct list_head held[MAX_NUMNODES][MAX_NR_ZONES];
static unsigned long nheld[MAX_NUMNODES][MAX_NR_ZONES];
static DEFINE_MUTEX(eat_lock);
static long distance = -1;

static gfp_t zone_gfp(enum zone_type z)
{
	switch (z) {
#ifdef CONFIG_ZONE_DMA
	case ZONE_DMA:
		return __GFP_DMA;
#endif
#ifdef CONFIG_ZONE_DMA32
	case ZONE_DMA32:
		return __GFP_DMA32;
#endif
	default:
		return 0;
	}
}

static bool eaten_zone(struct zone *zone)
{
	enum zone_type z = zone_idx(zone);

	return populated_zone(zone) && z <= ZONE_NORMAL;
}

/* With the per-CPU deltas, as the watermark check reads it near the mark. */
static long zone_distance(struct zone *zone)
{
	return (long)zone_page_state_snapshot(zone, NR_FREE_PAGES) -
	       (long)min_wmark_pages(zone);
}

/*
 * The eater takes and gives back blocks of order 4: they bypass the
 * per-CPU lists, so that every block moves NR_FREE_PAGES at once. Order-0
 * pages would come from and go to the per-CPU lists, which NR_FREE_PAGES
 * does not count, and the distance would swing by their size.
 */
#define EAT_ORDER	4

/* Give the first block held in zone @z of node @nid back. */
static void give_back(int nid, int z)
{
	struct page *page = list_first_entry(&held[nid][z], struct page, lru);

	list_del(&page->lru);
	nheld[nid][z]--;
	__free_pages(page, EAT_ORDER);
}

/*
 * Bring @zone to @d free pages above its min watermark, to within
 * EAT_ORDER's block size.
 */
static void eat_zone(int nid, struct zone *zone, long d)
{
	enum zone_type z = zone_idx(zone);
	/*
	 * No reclaim, no kswapd wake-up, and __GFP_HIGH, which may go below
	 * the min watermark: the loop stops at the distance it is asked for,
	 * whatever the low watermark and kswapd do.
	 */
	gfp_t gfp = __GFP_HIGH | __GFP_THISNODE | __GFP_NOWARN |
		    __GFP_NOMEMALLOC | __GFP_COMP | zone_gfp(z);
	struct page *page;

	while (zone_distance(zone) >= d + (1 << EAT_ORDER)) {
		page = alloc_pages_node(nid, gfp, EAT_ORDER);
		if (!page)
			break;
		if (page_zone(page) != zone) {
			__free_pages(page, EAT_ORDER);
			break;
		}
		list_add(&page->lru, &held[nid][z]);
		nheld[nid][z]++;
		cond_resched();
	}
	while (zone_distance(zone) < d && nheld[nid][z])
		give_back(nid, z);
}

/*
 * Pages in the per-CPU list of @zone on the reading CPU, which
 * NR_FREE_PAGES leaves out: an allocation on that CPU takes them first
 * while the zone passes its watermark check. The experiment reads the
 * state on the CPU its bursts run on.
 */
static unsigned long zone_pcp(struct zone *zone)
{
	return READ_ONCE(per_cpu_ptr(zone->per_cpu_pageset,
				     raw_smp_processor_id())->count);
}

static void eat_all(long d)
{
	int nid, z;

	for_each_online_node(nid)
		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];

			if (eaten_zone(zone))
				eat_zone(nid, zone, d);
		}
}

static int distance_set(const char *val, const struct kernel_param *kp)
{
	long d;
	int ret = kstrtol(val, 10, &d);

	if (ret)
		return ret;
	mutex_lock(&eat_lock);
	distance = d;
	eat_all(d);
	mutex_unlock(&eat_lock);
	return 0;
}

static int distance_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", distance);
}

static const struct kernel_param_ops distance_ops = {
	.set = distance_set,
	.get = distance_get,
};
module_param_cb(distance, &distance_ops, NULL, 0600);

/*
 * "<node>:<zone>:<free>:<min>:<boost>:<pcp>:<held pages>" per zone, space
 * separated.
 */
static int state_get(char *buf, const struct kernel_param *kp)
{
	int nid, z, len = 0;

	for_each_online_node(nid)
		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];

			if (!eaten_zone(zone))
				continue;
			len += scnprintf(buf + len, PAGE_SIZE - len,
					 "%d:%s:%lu:%lu:%lu:%lu:%lu ", nid, zone->name,
					 zone_page_state_snapshot(zone, NR_FREE_PAGES),
					 min_wmark_pages(zone),
					 (unsigned long)zone->watermark_boost,
					 zone_pcp(zone), nheld[nid][z] << EAT_ORDER);
		}
	len += scnprintf(buf + len, PAGE_SIZE - len, "\n");
	return len;
}

static const struct kernel_param_ops state_ops = {
	.get = state_get,
};
module_param_cb(state, &state_ops, NULL, 0400);

static unsigned long eat_count(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long nr = 0;
	int z;

	if (current_is_kswapd())
		return 0;
	for (z = 0; z < MAX_NR_ZONES; z++)
		nr += READ_ONCE(nheld[sc->nid][z]) << EAT_ORDER;
	return nr;
}

static unsigned long eat_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0;
	int z;

	if (current_is_kswapd() || !mutex_trylock(&eat_lock))
		return SHRINK_STOP;
	for (z = 0; z < MAX_NR_ZONES && freed < sc->nr_to_scan; z++)
		while (nheld[sc->nid][z] && freed < sc->nr_to_scan) {
			give_back(sc->nid, z);
			freed += 1 << EAT_ORDER;
		}
	mutex_unlock(&eat_lock);
	return freed;
}

#define STOCK_MAX	256

struct stock_call {
	struct hrtimer timer;
	struct completion done;
	struct page *pages[STOCK_MAX];
	unsigned int nr, got;
	bool hardirq;
};

static char stock_result[32] = "none\n";

static enum hrtimer_restart stock_fn(struct hrtimer *t)
{
	struct stock_call *c = container_of(t, struct stock_call, timer);
	unsigned int i;

	c->hardirq = in_hardirq();
	for (i = 0; i < c->nr; i++) {
		c->pages[i] = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		if (c->pages[i])
			c->got++;
	}
	complete(&c->done);
	return HRTIMER_NORESTART;
}

static int stock_set(const char *val, const struct kernel_param *kp)
{
	struct stock_call *c;
	unsigned int n, i;
	int ret = kstrtouint(val, 10, &n);

	if (ret)
		return ret;
	if (!n || n > STOCK_MAX)
		return -ERANGE;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->nr = n;
	init_completion(&c->done);
	hrtimer_setup(&c->timer, stock_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_PINNED_HARD);
	migrate_disable();
	hrtimer_start(&c->timer, us_to_ktime(100), HRTIMER_MODE_REL_PINNED_HARD);
	migrate_enable();
	wait_for_completion(&c->done);
	hrtimer_cancel(&c->timer);
	for (i = 0; i < n; i++)
		if (c->pages[i])
			__free_page(c->pages[i]);
	scnprintf(stock_result, sizeof(stock_result), "%u %u %d\n", c->got,
		  n - c->got, c->hardirq);
	kfree(c);
	return 0;
}

static int stock_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s", stock_result);
}

static const struct kernel_param_ops stock_ops = {
	.set = stock_set,
	.get = stock_get,
};
module_param_cb(stock_hardirq, &stock_ops, NULL, 0600);

/*
 * The series' first user at work: DMA mappings of the virtio disk behind
 * the IOMMU, made as its driver makes them, with dma_map_page(), whose
 * I/O page-table pages are allocated with GFP_ATOMIC inside (through
 * iommu_alloc_pages_node_sz()). Each mapping is 2 MiB of a physically
 * contiguous buffer taken at load, at a 4 KiB offset: the IOVA allocator
 * aligns the IOVA to 2 MiB and the physical address is not, so the range
 * is mapped with 4 KiB entries and needs one new leaf table page; the
 * unmap covers that table and frees it, so every round needs new ones.
 * Writing N makes N mappings from this (process) context, on this CPU,
 * holds them all, counts the ones that failed, unmaps the rest and waits
 * for the flush queue to free their tables. Reading gives "<tried>
 * <failed> <table pages while held> <table pages left after the unmap>".
 */
#define DMA_MAX		4096
#define DMA_BUF_ORDER	10
#define DMA_LEN		SZ_2M
/* dma-iommu's flush queue frees unmapped tables after 10 ms. */
#define DMA_FQ_MS	100

static struct device *dma_dev;
static struct page *dma_buf;
static dma_addr_t dma_addrs[DMA_MAX];
static char dma_result[64] = "none\n";

static unsigned long iommu_pages(void)
{
	return global_node_page_state(NR_IOMMU_PAGES);
}

static int dma_set(const char *val, const struct kernel_param *kp)
{
	unsigned long before, held;
	long left;
	unsigned int n, i, failed = 0;
	int ret = kstrtouint(val, 10, &n);

	if (ret)
		return ret;
	if (!n || n > DMA_MAX)
		return -ERANGE;
	if (!dma_dev || !dma_buf)
		return -ENODEV;
	mutex_lock(&eat_lock);
	before = iommu_pages();
	for (i = 0; i < n; i++) {
		dma_addrs[i] = dma_map_page(dma_dev, dma_buf, PAGE_SIZE, DMA_LEN,
					    DMA_TO_DEVICE);
		if (dma_mapping_error(dma_dev, dma_addrs[i]))
			failed++;
		cond_resched();
	}
	held = iommu_pages() - before;
	for (i = 0; i < n; i++)
		if (!dma_mapping_error(dma_dev, dma_addrs[i]))
			dma_unmap_page(dma_dev, dma_addrs[i], DMA_LEN,
				       DMA_TO_DEVICE);
	msleep(DMA_FQ_MS);
	/* Negative when the flush queue freed tables of an earlier round. */
	left = (long)iommu_pages() - (long)before;
	mutex_unlock(&eat_lock);
	scnprintf(dma_result, sizeof(dma_result), "%u %u %lu %ld\n", n, failed,
		  held, left);
	return 0;
}

static int dma_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s", dma_result);
}

static const struct kernel_param_ops dma_ops = {
	.set = dma_set,
	.get = dma_get,
};
module_param_cb(dma_map, &dma_ops, NULL, 0600);

/* The first virtio PCI device whose DMA goes through an IOMMU. */
static void dma_init(void)
{
	struct pci_dev *pdev = NULL;

	while ((pdev = pci_get_device(PCI_VENDOR_ID_REDHAT_QUMRANET,
				      PCI_ANY_ID, pdev)))
		if (device_iommu_mapped(&pdev->dev)) {
			dma_dev = &pdev->dev;
			break;
		}
	if (dma_dev)
		dma_buf = alloc_pages(GFP_KERNEL | __GFP_NOWARN, DMA_BUF_ORDER);
}

static struct shrinker *eat_shrinker;

static int __init eat_init(void)
{
	int nid, z;

	for (nid = 0; nid < MAX_NUMNODES; nid++)
		for (z = 0; z < MAX_NR_ZONES; z++)
			INIT_LIST_HEAD(&held[nid][z]);
	eat_shrinker = shrinker_alloc(SHRINKER_NUMA_AWARE, "eat");
	if (!eat_shrinker)
		return -ENOMEM;
	eat_shrinker->count_objects = eat_count;
	eat_shrinker->scan_objects = eat_scan;
	eat_shrinker->seeks = 0;
	shrinker_register(eat_shrinker);
	dma_init();
	return 0;
}

static void __exit eat_exit(void)
{
	int nid, z;

	shrinker_free(eat_shrinker);
	if (dma_buf)
		__free_pages(dma_buf, DMA_BUF_ORDER);
	if (dma_dev)
		pci_dev_put(to_pci_dev(dma_dev));
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		for (z = 0; z < MAX_NR_ZONES; z++)
			while (nheld[nid][z])
				give_back(nid, z);
}

module_init(eat_init);
module_exit(eat_exit);
MODULE_DESCRIPTION("Memory eater for the atomic page reserve's pressure experiment");
MODULE_LICENSE("GPL");
