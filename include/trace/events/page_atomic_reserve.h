/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM page_atomic_reserve

#if !defined(_TRACE_PAGE_ATOMIC_RESERVE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_PAGE_ATOMIC_RESERVE_H

#include <linux/tracepoint.h>
#include <trace/events/mmflags.h>

/* How an alloc_page_atomic_quality() call was served. */
#define PAR_TRACE_HIT		0	/* from the reserve */
#define PAR_TRACE_FALLBACK	1	/* from the page allocator */
#define PAR_TRACE_FAIL		2	/* not at all */

/*
 * One alloc_page_atomic_quality() call that reached the reserve. @nid is
 * the node of the page, or of the calling CPU when there is no page.
 */
TRACE_EVENT(page_atomic_reserve_alloc,
	    TP_PROTO(struct page *page, gfp_t gfp_flags, int nid, int result),
	    TP_ARGS(page, gfp_flags, nid, result),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned long, gfp_flags)
			     __field(int, nid)
			     __field(int, result)),
	    TP_fast_assign(__entry->pfn = page ? page_to_pfn(page) : 0;
			   __entry->gfp_flags = (__force unsigned long)gfp_flags;
			   __entry->nid = nid;
			   __entry->result = result;),
	    TP_printk("pfn=0x%lx nid=%d gfp_flags=%s result=%s",
		      __entry->pfn, __entry->nid,
		      show_gfp_flags(__entry->gfp_flags),
		      __print_symbolic(__entry->result,
				       { PAR_TRACE_HIT, "hit" },
				       { PAR_TRACE_FALLBACK, "fallback" },
				       { PAR_TRACE_FAIL, "fail" }))
);

/* One run of a node's refill work. */
TRACE_EVENT(page_atomic_reserve_refill,
	    TP_PROTO(int nid, unsigned long zeroed, unsigned long added,
		     unsigned long returned, unsigned long level, u64 ns),
	    TP_ARGS(nid, zeroed, added, returned, level, ns),
	    TP_STRUCT__entry(__field(int, nid)
			     __field(unsigned long, zeroed)
			     __field(unsigned long, added)
			     __field(unsigned long, returned)
			     __field(unsigned long, level)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->nid = nid;
			   __entry->zeroed = zeroed;
			   __entry->added = added;
			   __entry->returned = returned;
			   __entry->level = level;
			   __entry->ns = ns;),
	    TP_printk("nid=%d zeroed=%lu added=%lu returned=%lu level=%lu ns=%llu",
		      __entry->nid, __entry->zeroed, __entry->added,
		      __entry->returned, __entry->level, __entry->ns)
);

#endif /* _TRACE_PAGE_ATOMIC_RESERVE_H */

#include <trace/define_trace.h>
