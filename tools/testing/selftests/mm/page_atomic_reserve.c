// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the atomic page reserve in a running kernel: sizes the reserve
 * through /sys/kernel/mm/atomic_reserve, loads test_page_atomic_reserve.ko
 * once per test and checks what the reserve reports.
 *
 * The module is looked up in $PAGE_ATOMIC_RESERVE_MODULE, else in
 * /lib/modules/$(uname -r)/kernel/lib/test_page_atomic_reserve.ko.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../kselftest.h"

#define ROOT	"/sys/kernel/mm/atomic_reserve"
#define SIZE	256UL

static char module_path[512];
static int nodes[64];
static unsigned long saved_size[64];
static int nr_nodes;

static int read_ul(const char *path, unsigned long *v)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*v = strtoul(buf, NULL, 0);
	return 0;
}

static unsigned long stat_of(int nid, const char *name)
{
	char path[256];
	unsigned long v = 0;

	if (nid < 0)
		snprintf(path, sizeof(path), ROOT "/stats/%s", name);
	else
		snprintf(path, sizeof(path), ROOT "/node%d/stats/%s", nid, name);
	if (read_ul(path, &v))
		ksft_exit_fail_msg("cannot read %s\n", path);
	return v;
}

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int set_size(int nid, unsigned long pages)
{
	char path[256], val[32];

	snprintf(path, sizeof(path), ROOT "/node%d/size", nid);
	snprintf(val, sizeof(val), "%lu", pages);
	return write_str(path, val);
}

/*
 * Free pages: MemFree plus the pages in the per-CPU free lists, which
 * MemFree does not count.
 */
static long free_pages(void)
{
	char line[256];
	long kb = 0, count, pcp = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &count) == 1)
			pcp += count;
	fclose(f);
	return kb * 1024 / sysconf(_SC_PAGESIZE) + pcp;
}

/* Wait until every node's level is at least its size. */
static bool wait_full(void)
{
	int tries, i;

	for (tries = 0; tries < 100; tries++) {
		bool full = true;

		for (i = 0; i < nr_nodes; i++) {
			char path[256];
			unsigned long size;

			snprintf(path, sizeof(path), ROOT "/node%d/size", nodes[i]);
			if (read_ul(path, &size) || stat_of(nodes[i], "level") < size ||
			    stat_of(nodes[i], "pending"))
				full = false;
		}
		if (full)
			return true;
		usleep(50000);
	}
	return false;
}

/*
 * The reserve's books: the pages it took from the page allocator, less
 * those it gave back or that left it, less those it holds (ready, pending,
 * quarantined) or has handed out. It stays put while the reserve loses no
 * page, whatever the rest of the kernel allocates meanwhile (a debug
 * kernel's KASAN quarantine, stack depot or page_owner, new workers of a
 * CPU coming online), which free pages do not. The counters are read one
 * by one while pages move: a reading may catch a page between two of them.
 */
static long books(void)
{
	return (long)(stat_of(-1, "pages_refilled") - stat_of(-1, "pages_returned") -
		      stat_of(-1, "released")) -
	       (long)(stat_of(-1, "level") + stat_of(-1, "pending") +
		      stat_of(-1, "quarantine") + stat_of(-1, "outstanding"));
}

/* The books of a reserve at rest: the same in three readings in a row. */
static bool books_settled(long *v)
{
	int tries, same = 0;
	long prev = books();

	for (tries = 0; tries < 200 && same < 2; tries++) {
		usleep(50000);
		*v = books();
		same = *v == prev ? same + 1 : 0;
		prev = *v;
	}
	return same == 2;
}

/* Load the module for one test: 0 passed, 1 skipped, -1 failed. */
static int run_module(const char *params)
{
	int fd, ret;

	fd = open(module_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	ret = syscall(__NR_finit_module, fd, params, 0);
	close(fd);
	if (!ret) {
		/* Should not stay loaded; unload it and call that a failure. */
		syscall(__NR_delete_module, "test_page_atomic_reserve", O_NONBLOCK);
		return -1;
	}
	if (errno == EAGAIN)
		return 0;
	if (errno == ENOENT)
		return 1;
	ksft_print_msg("module %s: %s\n", params, strerror(errno));
	return -1;
}

static void module_test(const char *params, const char *name)
{
	int r = run_module(params);

	if (r > 0)
		ksft_test_result_skip("%s\n", name);
	else
		ksft_test_result(r == 0, "%s\n", name);
}

/* Wait for the refill work to see a counter move past @before. */
static bool wait_stat(const char *name, unsigned long before)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (stat_of(-1, name) > before)
			return true;
		usleep(20000);
	}
	return false;
}

/*
 * The refill workqueue has a rescuer thread, as every WQ_MEM_RECLAIM
 * workqueue does: the reserve is refilled when memory is short, when a
 * new worker may not be created.
 */
static bool has_rescuer(void)
{
	struct dirent *d;
	bool found = false;
	DIR *dir = opendir("/proc");

	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		char path[300], comm[64] = "";
		FILE *f;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f))
			found = !strcmp(comm, "kworker/R-atomic_reserve\n");
		fclose(f);
	}
	closedir(dir);
	return found;
}

/* /dev/kmsg, positioned after the last record, or -1. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * Read the records logged since kmsg_open(): whether one contains @want,
 * and whether one contains @bad.
 */
static void kmsg_scan(int fd, const char *want, bool *seen_want,
		      const char *bad, bool *seen_bad)
{
	char rec[2048];
	ssize_t n;

	*seen_want = *seen_bad = false;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = '\0';
		if (strstr(rec, want))
			*seen_want = true;
		if (strstr(rec, bad))
			*seen_bad = true;
	}
}

static void find_nodes(void)
{
	char path[256];
	unsigned long v;
	int nid;

	for (nid = 0; nid < 64; nid++) {
		snprintf(path, sizeof(path), ROOT "/node%d/size", nid);
		if (read_ul(path, &v))
			continue;
		nodes[nr_nodes] = nid;
		saved_size[nr_nodes++] = v;
	}
}

static void restore(void)
{
	int i;

	for (i = 0; i < nr_nodes; i++)
		set_size(nodes[i], saved_size[i]);
}

int main(int argc, char **argv)
{
	unsigned long before, q_before, hits, level, returned, outstanding;
	long free0, books0, books1;
	bool settled0;
	int kmsg;
	struct utsname u;
	const char *env;
	bool have_module;
	int i, r;

	ksft_print_header();
	if (geteuid())
		ksft_exit_skip("needs root\n");
	if (access(ROOT, F_OK))
		ksft_exit_skip("no %s: CONFIG_PAGE_ATOMIC_RESERVE is off\n", ROOT);
	find_nodes();
	if (!nr_nodes)
		ksft_exit_skip("no node directories\n");

	env = getenv("PAGE_ATOMIC_RESERVE_MODULE");
	uname(&u);
	if (env)
		snprintf(module_path, sizeof(module_path), "%s", env);
	else
		snprintf(module_path, sizeof(module_path),
			 "/lib/modules/%s/kernel/lib/test_page_atomic_reserve.ko",
			 u.release);
	have_module = !access(module_path, R_OK);

	ksft_set_plan(13);
	ksft_print_msg("%d node(s), module %s\n", nr_nodes,
		       have_module ? module_path : "absent");

	/* 1: growing is done in the background and reaches the size */
	r = 0;
	for (i = 0; i < nr_nodes; i++)
		r |= set_size(nodes[i], SIZE);
	ksft_test_result(!r && wait_full(), "every node's level reaches %lu pages\n", SIZE);
	/* 2: the refill workqueue can make progress when memory is short */
	ksft_test_result(has_rescuer(), "refill workqueue has a rescuer (WQ_MEM_RECLAIM)\n");
	for (i = 0; i < nr_nodes; i++)
		ksft_print_msg("node%d: level %lu pooled %lu cached %lu\n", nodes[i],
			       stat_of(nodes[i], "level"), stat_of(nodes[i], "pooled"),
			       stat_of(nodes[i], "cached"));

	if (!have_module) {
		for (i = 0; i < 8; i++)
			ksft_test_result_skip("module test: no test_page_atomic_reserve.ko\n");
		goto shrink;
	}

	hits = stat_of(-1, "hits");
	outstanding = stat_of(-1, "outstanding");

	/* 3: hardirq on every CPU, all pages held at once */
	module_test("test=hardirq nr_pages=64", "alloc and free in hardirq on every online CPU");

	/* 4: zero invariant */
	module_test("test=zero iterations=2000", "no __GFP_ZERO page has a non-zero byte");

	/*
	 * 5: a write after free of a __GFP_POISON page is reported. The
	 * reserve ratelimits its reports (printk's default, 10 in 5 s): let
	 * the interval of earlier ones (the KUnit suite's, run just before
	 * when it is built in) pass, so that case 6 can find this one.
	 */
	sleep(6);
	before = stat_of(-1, "poison_reports");
	q_before = stat_of(-1, "quarantine");
	kmsg = kmsg_open();
	r = run_module("test=poison");
	if (r > 0) {
		ksft_test_result_skip("poison report\n");
		ksft_test_result_skip("poison report text\n");
	} else {
		bool report, zero_ip;

		ksft_test_result(!r && wait_stat("poison_reports", before) &&
				 stat_of(-1, "quarantine") == q_before + 1,
				 "write after free reported and page quarantined\n");
		/*
		 * 6: the report names the owner; the work that finds the
		 * write does not know who freed the page, and says nothing of it.
		 */
		usleep(100000);
		kmsg_scan(kmsg, "write after free: pfn", &report, "freed by 0x0", &zero_ip);
		ksft_test_result(kmsg >= 0 && report && !zero_ip,
				 "write after free report names the owner, no \"freed by 0x0\"\n");
	}
	if (kmsg >= 0)
		close(kmsg);

	/* 7: an exclusive page freed while shared is reported */
	before = stat_of(-1, "exclusive_violations");
	r = run_module("test=exclusive");
	if (r > 0)
		ksft_test_result_skip("exclusive violation\n");
	else
		ksft_test_result(!r && stat_of(-1, "exclusive_violations") == before + 1,
				 "exclusive page freed with an extra reference reported\n");

	/*
	 * 8: CPUs go offline and online while allocations run; nothing lost:
	 * every page taken from the page allocator is accounted for after it
	 * (a page left in a dead CPU's cache or free array would not be).
	 * Free pages are printed, not checked: in a kernel with KASAN and
	 * page_owner they moved by 1683 pages, the outstanding count unchanged.
	 */
	wait_full();
	settled0 = books_settled(&books0);
	free0 = free_pages();
	outstanding = stat_of(-1, "outstanding");
	r = run_module("test=hotplug");
	if (r > 0) {
		ksft_test_result_skip("CPU hotplug\n");
	} else {
		bool full = wait_full();
		bool settled = books_settled(&books1);

		ksft_print_msg("hotplug: books %+ld%s%s, outstanding %lu -> %lu, free pages %+ld\n",
			       books1 - books0, settled0 ? "" : " (not settled before)",
			       settled ? "" : " (not settled after)", outstanding,
			       stat_of(-1, "outstanding"), free_pages() - free0);
		ksft_test_result(!r && full && settled0 && settled && books1 == books0 &&
				 stat_of(-1, "outstanding") == outstanding,
				 "CPU hotplug during allocations loses no page\n");
	}

	/* 9: the counters moved */
	ksft_test_result(stat_of(-1, "hits") > hits, "hits counted (%lu)\n",
			 stat_of(-1, "hits") - hits);

	/* 10: burst from one hardirq, served by the reserve */
	before = stat_of(-1, "hits");
	r = run_module("test=burst nr_pages=128 hardirq=1");
	ksft_test_result(!r && stat_of(-1, "hits") - before == 128,
			 "burst of 128 from hardirq served by the reserve\n");

shrink:
	/* 11, 12: shrinking is synchronous and gives the pages back */
	wait_full();
	level = stat_of(-1, "level");
	returned = stat_of(-1, "pages_returned");
	free0 = free_pages();
	r = 0;
	for (i = 0; i < nr_nodes; i++)
		r |= set_size(nodes[i], 0);
	ksft_test_result(!r && stat_of(-1, "level") == 0 &&
			 stat_of(-1, "pages_returned") - returned >= level,
			 "shrinking to 0 returns all %lu ready pages at once\n", level);
	{
		long gained = free_pages() - free0;

		ksft_print_msg("free pages rose by %ld for %lu pages returned\n",
			       gained, level);
		ksft_test_result(gained >= (long)level * 3 / 4 &&
				 gained <= (long)level * 5 / 4 + 256,
				 "free pages rise by the pages given back\n");
	}

	/*
	 * 13: no reserve: hardirq callers get pages from alloc_pages_nolock(),
	 * except on PREEMPT_RT, where it refuses hardirq context: there the
	 * module must get no page, in hardirq, and the reserve (unused: every
	 * size is 0, so it counts nothing) none either.
	 */
	if (!have_module) {
		ksft_test_result_skip("fallback in hardirq: no module\n");
	} else if (strstr(u.version, "PREEMPT_RT")) {
		bool none = false, not_irq = false;

		hits = stat_of(-1, "hits");
		kmsg = kmsg_open();
		r = run_module("test=hardirq nr_pages=16");
		usleep(100000);
		kmsg_scan(kmsg, "got 0 of 16 pages", &none, "not in hardirq context", &not_irq);
		if (kmsg >= 0)
			close(kmsg);
		ksft_test_result(r < 0 && kmsg >= 0 && none && !not_irq &&
				 stat_of(-1, "hits") == hits,
				 "PREEMPT_RT: hardirq allocations with an empty reserve get no page\n");
	} else {
		module_test("test=hardirq nr_pages=16",
			    "hardirq allocations with an empty reserve fall back");
	}

	restore();
	ksft_finished();
}
