/*
 * lib/util/pool.h - a small ordered worker pool (internal).
 *
 * The file walk hands the expensive per-file work (hashing, Authenticode
 * checks) to worker threads and takes the results back in the order it
 * handed them out, so that what a scan reports does not depend on the
 * number of threads or on scheduling. The pool holds at most `window`
 * items at a time (submitted and not yet taken back): memory and open
 * descriptors stay bounded however many files the walk finds.
 *
 * Threads: only the thread that made the pool may call these functions;
 * `work` runs on a worker (or, with no worker threads, inside
 * vz__pool_submit on the caller's thread). An item's argument belongs to
 * the work function from submission until vz__pool_take returns it.
 */
#ifndef VZ_UTIL_POOL_H
#define VZ_UTIL_POOL_H

#include <stddef.h>

/*
 * The work for one item. `wctx` is the worker's own slot (NULL at first,
 * kept across items of that worker): the place for objects worth
 * building once per thread, released with the pool's ctx_free.
 */
typedef void (*vz__pool_work_fn)(void *arg, void **wctx);

struct vz__pool;

/*
 * A pool of `workers` threads (0: the work runs inline, in submission
 * order, on the caller's thread) holding at most `window` items (at
 * least 1). `ctx_free` (may be NULL) releases each worker's slot. If
 * fewer threads can be started than asked, the pool runs with those
 * (inline if none). NULL when out of memory.
 */
struct vz__pool *vz__pool_new(unsigned workers, size_t window,
                              void (*ctx_free)(void *wctx));

/*
 * Waits for every item still running, then releases the pool and the
 * workers' slots. Items not taken back are dropped (their arguments are
 * the caller's to release: take them all back first). NULL is a no-op.
 */
void vz__pool_free(struct vz__pool *p);

/* Items submitted and not yet taken back. */
size_t vz__pool_pending(const struct vz__pool *p);

/* Is the window full (vz__pool_submit would refuse)? */
int vz__pool_full(const struct vz__pool *p);

/* Worker threads actually running (0: inline). */
unsigned vz__pool_workers(const struct vz__pool *p);

/*
 * Queue `arg` for `work` (NULL: nothing to do, the item only keeps its
 * place in the order). 0; -1 if the window is full (take one back
 * first).
 */
int vz__pool_submit(struct vz__pool *p, vz__pool_work_fn work, void *arg);

/*
 * The oldest item not yet taken back, once its work is done: waits for
 * it if `wait`, else returns NULL when it is not done yet. NULL when
 * nothing is pending. Items come back in submission order.
 */
void *vz__pool_take(struct vz__pool *p, int wait);

/* Worker threads to use by default: the online CPUs (at least 1). */
unsigned vz__pool_default_workers(void);

#endif /* VZ_UTIL_POOL_H */
