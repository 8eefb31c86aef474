/*
 * tests/unit/test_pool.c - the scan's ordered worker pool (util/pool.c):
 * items come back in the order they went in, whatever finishes first;
 * placeholders keep their place; failures come back with their item;
 * 1 and N workers give the same results; the window bounds what is out
 * at a time; each worker's slot is made once and released.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "../vz_test.h"
#include "util/pool.h"

#define N 2000

struct job {
	unsigned i;        /* position in submission order */
	unsigned long out; /* what the work computed */
	int failed;        /* the work's own error */
	int ran;
};

/* Work of uneven length, so that later items often finish first. */
static void spin(unsigned i)
{
	struct timespec ts = {0, (long)((i * 7919u) % 5) * 20000L};

	if (ts.tv_nsec)
		nanosleep(&ts, NULL);
}

static atomic_int ctx_made, ctx_freed;

static void ctx_free(void *c)
{
	atomic_fetch_add(&ctx_freed, 1);
	free(c);
}

static void work(void *arg, void **wctx)
{
	struct job *j = arg;

	if (*wctx == NULL) {
		*wctx = malloc(1);
		atomic_fetch_add(&ctx_made, 1);
	}
	spin(j->i);
	j->ran++;
	if (j->i % 13 == 5) {
		j->failed = 1; /* an error the item carries back */
		return;
	}
	j->out = (unsigned long)j->i * j->i + 1;
}

/* Run N jobs (every 5th a placeholder) through a pool of `workers`;
 * check order as they come back; return the results. */
static struct job *run_all(unsigned workers, size_t window)
{
	struct job *jobs = calloc(N, sizeof(*jobs));
	struct vz__pool *p = vz__pool_new(workers, window, ctx_free);
	unsigned next = 0, i;
	struct job *j;

	assert_non_null(jobs);
	assert_non_null(p);
	atomic_store(&ctx_made, 0);
	atomic_store(&ctx_freed, 0);
	for (i = 0; i < N; i++) {
		jobs[i].i = i;
		while (vz__pool_full(p)) {
			j = vz__pool_take(p, 1);
			assert_non_null(j);
			assert_int_equal(j->i, next++);
		}
		assert_true(vz__pool_pending(p) < window);
		assert_int_equal(vz__pool_submit(p, i % 5 == 4 ? NULL : work,
		                                 &jobs[i]),
		                 0);
		assert_true(vz__pool_pending(p) <= window);
		while ((j = vz__pool_take(p, 0)) != NULL)
			assert_int_equal(j->i, next++);
	}
	while ((j = vz__pool_take(p, 1)) != NULL)
		assert_int_equal(j->i, next++);
	assert_int_equal(next, N);
	assert_int_equal(vz__pool_pending(p), 0);
	assert_null(vz__pool_take(p, 1));
	assert_true(vz__pool_workers(p) <= workers);
	vz__pool_free(p);
	/* One slot per worker at most (inline: one), all released. */
	assert_true(atomic_load(&ctx_made) >= 1);
	assert_true(atomic_load(&ctx_made) <=
	            (int)(workers ? workers : 1));
	assert_int_equal(atomic_load(&ctx_made), atomic_load(&ctx_freed));
	for (i = 0; i < N; i++) {
		/* Placeholders never ran; every other job ran once. */
		assert_int_equal(jobs[i].ran, i % 5 == 4 ? 0 : 1);
		if (i % 5 != 4)
			assert_int_equal(jobs[i].failed, i % 13 == 5);
	}
	return jobs;
}

static void test_order_inline(void **state)
{
	(void)state;
	free(run_all(0, 1));
	free(run_all(0, 16));
}

static void test_order_threads(void **state)
{
	(void)state;
	free(run_all(1, 8));
	free(run_all(4, 8));
	free(run_all(8, 3));
	free(run_all(3, 1));
}

static void test_same_results(void **state)
{
	struct job *a, *b;

	(void)state;
	a = run_all(0, 16);
	b = run_all(4, 32);
	assert_memory_equal(a, b, N * sizeof(*a));
	free(a);
	free(b);
}

/* ---- the window ------------------------------------------------------ */

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open;
static atomic_int started;

static void gated(void *arg, void **wctx)
{
	(void)arg;
	(void)wctx;
	atomic_fetch_add(&started, 1);
	pthread_mutex_lock(&gate_mu);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
}

static void test_window_bound(void **state)
{
	struct vz__pool *p = vz__pool_new(8, 4, NULL);
	struct job jobs[6];
	int i;

	(void)state;
	assert_non_null(p);
	memset(jobs, 0, sizeof(jobs));
	atomic_store(&started, 0);
	gate_open = 0;
	for (i = 0; i < 4; i++) {
		jobs[i].i = (unsigned)i;
		assert_int_equal(vz__pool_submit(p, gated, &jobs[i]), 0);
	}
	/* Four out, none back: a fifth is refused, placeholder or not. */
	assert_true(vz__pool_full(p));
	assert_int_equal(vz__pool_submit(p, gated, &jobs[4]), -1);
	assert_int_equal(vz__pool_submit(p, NULL, &jobs[4]), -1);
	assert_int_equal(vz__pool_pending(p), 4);
	assert_null(vz__pool_take(p, 0)); /* not done: no waiting */
	/* However many workers there are, no more than the window runs. */
	while (atomic_load(&started) < 4)
		sched_yield();
	assert_int_equal(atomic_load(&started), 4);
	pthread_mutex_lock(&gate_mu);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
	for (i = 0; i < 4; i++)
		assert_ptr_equal(vz__pool_take(p, 1), &jobs[i]);
	assert_false(vz__pool_full(p));
	assert_int_equal(vz__pool_submit(p, NULL, &jobs[5]), 0);
	assert_ptr_equal(vz__pool_take(p, 0), &jobs[5]);
	assert_int_equal(atomic_load(&started), 4);
	vz__pool_free(p);
}

/* Freed with items still out: it waits for them, and leaks nothing. */
static void test_free_with_items_out(void **state)
{
	struct vz__pool *p = vz__pool_new(2, 8, ctx_free);
	struct job jobs[8];
	int i;

	(void)state;
	assert_non_null(p);
	memset(jobs, 0, sizeof(jobs));
	atomic_store(&ctx_made, 0);
	atomic_store(&ctx_freed, 0);
	for (i = 0; i < 8; i++) {
		jobs[i].i = (unsigned)i + 1;
		assert_int_equal(vz__pool_submit(p, work, &jobs[i]), 0);
	}
	vz__pool_free(p);
	assert_int_equal(atomic_load(&ctx_made), atomic_load(&ctx_freed));
}

/* The pool's own allocations fail cleanly. */
static void test_pool_nomem(void **state)
{
	struct vz__pool *p;
	long n;

	(void)state;
	for (n = 0;; n++) {
		vz__alloc_fail_after(n);
		p = vz__pool_new(2, 4, NULL);
		if (vz__alloc_fail_after(-1) <= n) {
			assert_non_null(p); /* no allocation failed */
			break;
		}
		assert_null(p);
	}
	assert_true(n >= 3);
	vz__pool_free(p);
	vz__pool_free(NULL);
}

static void test_default_workers(void **state)
{
	unsigned n = vz__pool_default_workers();

	(void)state;
	assert_true(n >= 1 && n <= 256);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_inline),
		cmocka_unit_test(test_order_threads),
		cmocka_unit_test(test_same_results),
		cmocka_unit_test(test_window_bound),
		cmocka_unit_test(test_free_with_items_out),
		cmocka_unit_test(test_pool_nomem),
		cmocka_unit_test(test_default_workers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
