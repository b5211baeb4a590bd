// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs interface of the atomic page reserve:
 *
 *   /sys/kernel/mm/atomic_reserve/
 *   |-- pcp_high          per-CPU cache size, pages
 *   |-- low_percent       refill threshold, percent of a node's size
 *   |-- stats/            the sums over all nodes
 *   `-- node<N>/          one per node that has or had memory
 *       |-- size          the node's reserve, pages
 *       |-- max_size      the largest size accepted
 *       `-- stats/        the node's level and counters
 *
 * See Documentation/ABI/testing/sysfs-kernel-mm-atomic_reserve.
 */

#define pr_fmt(fmt) "atomic_reserve: " fmt

#include <linux/kobject.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/node.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "page_atomic_reserve.h"

struct par_sysfs_node {
	struct kobject kobj;
	struct kobject stats;
	struct list_head list;
	int nid;
};

static struct kobject *par_root;
static struct kobject *par_root_stats;
static LIST_HEAD(par_sysfs_nodes);

/* The node a kobject stands for, NUMA_NO_NODE for the root. */
static int par_kobj_nid(struct kobject *kobj)
{
	if (kobj == par_root || kobj == par_root_stats)
		return NUMA_NO_NODE;
	if (kobj->parent && kobj->parent != par_root)
		kobj = kobj->parent;
	return container_of(kobj, struct par_sysfs_node, kobj)->nid;
}

/* Stats: one read-only file per value. */
struct par_stat_attr {
	struct kobj_attribute attr;
	int item;	/* enum par_stat_item, or one of PAR_LEVEL_* below */
};

enum {
	PAR_LEVEL_LEVEL = PAR_NR_STATS,
	PAR_LEVEL_POOLED,
	PAR_LEVEL_CACHED,
	PAR_LEVEL_PENDING,
	PAR_LEVEL_QUARANTINE,
	PAR_LEVEL_OUTSTANDING,
	PAR_WORK_NS,
};

static ssize_t stat_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct par_stat_attr *sa = container_of(attr, struct par_stat_attr, attr);
	struct page_atomic_reserve_stats st;
	u64 v;

	page_atomic_reserve_get_stats(par_kobj_nid(kobj), &st);
	switch (sa->item) {
	case PAR_LEVEL_LEVEL:
		v = st.level;
		break;
	case PAR_LEVEL_POOLED:
		v = st.pooled;
		break;
	case PAR_LEVEL_CACHED:
		v = st.cached;
		break;
	case PAR_LEVEL_PENDING:
		v = st.pending;
		break;
	case PAR_LEVEL_QUARANTINE:
		v = st.quarantine;
		break;
	case PAR_LEVEL_OUTSTANDING:
		v = st.outstanding;
		break;
	case PAR_WORK_NS:
		v = st.work_ns;
		break;
	default:
		v = st.events[sa->item];
		break;
	}
	return sysfs_emit(buf, "%llu\n", v);
}

#define PAR_STAT(_name, _item)						\
	static struct par_stat_attr par_stat_##_name = {		\
		.attr = __ATTR(_name, 0444, stat_show, NULL),		\
		.item = _item,						\
	}

PAR_STAT(level, PAR_LEVEL_LEVEL);
PAR_STAT(pooled, PAR_LEVEL_POOLED);
PAR_STAT(cached, PAR_LEVEL_CACHED);
PAR_STAT(pending, PAR_LEVEL_PENDING);
PAR_STAT(quarantine, PAR_LEVEL_QUARANTINE);
PAR_STAT(outstanding, PAR_LEVEL_OUTSTANDING);
PAR_STAT(hits, PAR_STAT_HIT);
PAR_STAT(hits_zero, PAR_STAT_HIT_ZERO);
PAR_STAT(fallbacks, PAR_STAT_FALLBACK);
PAR_STAT(bypassed, PAR_STAT_BYPASS);
PAR_STAT(failures, PAR_STAT_FAIL);
PAR_STAT(freed, PAR_STAT_FREED);
PAR_STAT(released, PAR_STAT_RELEASED);
PAR_STAT(refills, PAR_STAT_REFILLS);
PAR_STAT(pages_refilled, PAR_STAT_REFILLED);
PAR_STAT(refill_failures, PAR_STAT_REFILL_FAIL);
PAR_STAT(pages_zeroed, PAR_STAT_ZEROED);
PAR_STAT(work_ns, PAR_WORK_NS);
PAR_STAT(pages_returned, PAR_STAT_RETURNED);
PAR_STAT(poison_reports, PAR_STAT_POISON);
PAR_STAT(exclusive_violations, PAR_STAT_EXCLUSIVE);
PAR_STAT(invalid_frees, PAR_STAT_INVALID_FREE);
PAR_STAT(quarantined, PAR_STAT_QUARANTINED);

static struct attribute *par_stats_attrs[] = {
	&par_stat_level.attr.attr,
	&par_stat_pooled.attr.attr,
	&par_stat_cached.attr.attr,
	&par_stat_pending.attr.attr,
	&par_stat_quarantine.attr.attr,
	&par_stat_outstanding.attr.attr,
	&par_stat_hits.attr.attr,
	&par_stat_hits_zero.attr.attr,
	&par_stat_fallbacks.attr.attr,
	&par_stat_bypassed.attr.attr,
	&par_stat_failures.attr.attr,
	&par_stat_freed.attr.attr,
	&par_stat_released.attr.attr,
	&par_stat_refills.attr.attr,
	&par_stat_pages_refilled.attr.attr,
	&par_stat_refill_failures.attr.attr,
	&par_stat_pages_zeroed.attr.attr,
	&par_stat_work_ns.attr.attr,
	&par_stat_pages_returned.attr.attr,
	&par_stat_poison_reports.attr.attr,
	&par_stat_exclusive_violations.attr.attr,
	&par_stat_invalid_frees.attr.attr,
	&par_stat_quarantined.attr.attr,
	NULL,
};

static const struct attribute_group par_stats_group = {
	.attrs = par_stats_attrs,
};

/* node<N>/size and node<N>/max_size */
static ssize_t size_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct page_atomic_reserve_stats st;

	page_atomic_reserve_get_stats(par_kobj_nid(kobj), &st);
	return sysfs_emit(buf, "%lu\n", st.target);
}

static ssize_t size_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	unsigned long pages;
	int err;

	err = kstrtoul(buf, 10, &pages);
	if (err)
		return err;
	err = page_atomic_reserve_resize(par_kobj_nid(kobj), pages);
	return err ? err : count;
}

static ssize_t max_size_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%lu\n",
			  page_atomic_reserve_max_pages(par_kobj_nid(kobj)));
}

static struct kobj_attribute par_size_attr = __ATTR_RW_MODE(size, 0644);
static struct kobj_attribute par_max_size_attr = __ATTR_RO_MODE(max_size, 0444);

static struct attribute *par_node_attrs[] = {
	&par_size_attr.attr,
	&par_max_size_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(par_node);

/* pcp_high and low_percent */
static ssize_t pcp_high_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", page_atomic_reserve_pcp_high());
}

static ssize_t pcp_high_store(struct kobject *kobj, struct kobj_attribute *attr,
			      const char *buf, size_t count)
{
	unsigned int v;
	int err;

	err = kstrtouint(buf, 10, &v);
	if (err)
		return err;
	err = page_atomic_reserve_set_pcp_high(v);
	return err ? err : count;
}

static ssize_t low_percent_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", page_atomic_reserve_low_percent());
}

static ssize_t low_percent_store(struct kobject *kobj,
				 struct kobj_attribute *attr,
				 const char *buf, size_t count)
{
	unsigned int v;
	int err;

	err = kstrtouint(buf, 10, &v);
	if (err)
		return err;
	err = page_atomic_reserve_set_low_percent(v);
	return err ? err : count;
}

static struct kobj_attribute par_pcp_high_attr = __ATTR_RW_MODE(pcp_high, 0644);
static struct kobj_attribute par_low_percent_attr = __ATTR_RW_MODE(low_percent, 0644);

static struct attribute *par_root_attrs[] = {
	&par_pcp_high_attr.attr,
	&par_low_percent_attr.attr,
	NULL,
};

static const struct attribute_group par_root_group = {
	.attrs = par_root_attrs,
};

static void par_node_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct par_sysfs_node, kobj));
}

static const struct kobj_type par_node_ktype = {
	.release = par_node_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = par_node_groups,
};

static void par_stats_release(struct kobject *kobj)
{
}

static const struct kobj_type par_stats_ktype = {
	.release = par_stats_release,
	.sysfs_ops = &kobj_sysfs_ops,
};

static int par_sysfs_add_node(int nid)
{
	struct par_sysfs_node *node;
	int err;

	list_for_each_entry(node, &par_sysfs_nodes, list)
		if (node->nid == nid)
			return 0;
	node = kzalloc_obj(*node, GFP_KERNEL);
	if (!node)
		return -ENOMEM;
	node->nid = nid;
	err = kobject_init_and_add(&node->kobj, &par_node_ktype, par_root,
				   "node%d", nid);
	if (err) {
		kobject_put(&node->kobj);
		return err;
	}
	err = kobject_init_and_add(&node->stats, &par_stats_ktype, &node->kobj,
				   "stats");
	if (!err)
		err = sysfs_create_group(&node->stats, &par_stats_group);
	if (err) {
		kobject_put(&node->stats);
		kobject_put(&node->kobj);
		return err;
	}
	list_add(&node->list, &par_sysfs_nodes);
	return 0;
}

/*
 * A node that gets its first memory after boot gets its directory then.
 * It keeps it when its memory goes again, so that its size can still be
 * set to 0 and its counters read. Node notifiers are serialised by the
 * memory hotplug lock, and the initcall that adds the boot nodes runs
 * before any memory can be hot-added.
 */
static int par_sysfs_node_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct node_notify *nn = data;
	int err;

	if (action != NODE_ADDED_FIRST_MEMORY || !par_root)
		return NOTIFY_OK;
	err = par_sysfs_add_node(nn->nid);
	if (err)
		pr_err("cannot create the directory of node %d: %d\n",
		       nn->nid, err);
	return NOTIFY_OK;
}

/**
 * page_atomic_reserve_sysfs_init - create /sys/kernel/mm/atomic_reserve
 *
 * Return: 0 or a negative errno; the reserve works without its sysfs files.
 */
int __init page_atomic_reserve_sysfs_init(void)
{
	int nid, err;

	par_root = kobject_create_and_add("atomic_reserve", mm_kobj);
	if (!par_root)
		return -ENOMEM;
	err = sysfs_create_group(par_root, &par_root_group);
	if (err)
		goto out;
	par_root_stats = kobject_create_and_add("stats", par_root);
	if (!par_root_stats) {
		err = -ENOMEM;
		goto out;
	}
	err = sysfs_create_group(par_root_stats, &par_stats_group);
	if (err)
		goto out;
	for_each_node_state(nid, N_MEMORY) {
		err = par_sysfs_add_node(nid);
		if (err)
			goto out;
	}
	hotplug_node_notifier(par_sysfs_node_notify, DEFAULT_CALLBACK_PRI);
	return 0;
out:
	while (!list_empty(&par_sysfs_nodes)) {
		struct par_sysfs_node *node;

		node = list_first_entry(&par_sysfs_nodes, struct par_sysfs_node, list);
		list_del(&node->list);
		kobject_put(&node->stats);
		kobject_put(&node->kobj);
	}
	kobject_put(par_root_stats);
	kobject_put(par_root);
	par_root = NULL;
	par_root_stats = NULL;
	pr_err("cannot create the sysfs directory: %d\n", err);
	return err;
}
