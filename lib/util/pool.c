/*
 * lib/util/pool.c - a small ordered worker pool: a ring of `window`
 * slots, filled at the tail by the one thread that owns the pool, run in
 * that order by the workers, and taken back at the head in that order.
 *
 * Why this shape: the scan's results must not depend on the thread
 * count or on which worker finishes first, and a walk of a million files
 * must not queue a million jobs. A ring gives both: the owner can only
 * run `window` items ahead of the oldest one it has not taken back, and
 * it takes them back strictly in order. One mutex guards the indices;
 * the work itself runs unlocked. With no worker threads the work runs
 * inside vz__pool_submit, so one code path serves both.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "util/pool.h"
#include "vz_int.h"

struct slot {
	vz__pool_work_fn work; /* NULL: nothing to run, only the place */
	void *arg;             /* borrowed */
	int done;
};

struct worker {
	struct vz__pool *p;
	unsigned i;
};

struct vz__pool {
	pthread_mutex_t mu;
	pthread_cond_t work_cv; /* an item to run, or stop */
	pthread_cond_t done_cv; /* the head item is done */
	struct slot *ring;      /* owned, `window` slots */
	size_t window;
	/* Counters that only grow; slot k is ring[k % window]. */
	size_t head; /* oldest not taken back */
	size_t next; /* next to run */
	size_t tail; /* next free */
	int stop;
	pthread_t *threads; /* owned */
	struct worker *args; /* owned */
	unsigned nthreads;
	void **wctx; /* owned: one per worker, and one for inline work */
	void (*ctx_free)(void *wctx);
};

static void *run(void *v)
{
	struct worker *w = v;
	struct vz__pool *p = w->p;
	vz__pool_work_fn work;
	struct slot *s;
	size_t k;
	void *arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->next != p->tail &&
		       p->ring[p->next % p->window].work == NULL)
			p->next++; /* placeholders are done already */
		if (p->next == p->tail) {
			if (p->stop)
				break;
			pthread_cond_wait(&p->work_cv, &p->mu);
			continue;
		}
		k = p->next++;
		s = &p->ring[k % p->window];
		work = s->work;
		arg = s->arg;
		pthread_mutex_unlock(&p->mu);
		work(arg, &p->wctx[w->i]);
		pthread_mutex_lock(&p->mu);
		s->done = 1;
		if (k == p->head)
			pthread_cond_signal(&p->done_cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

unsigned vz__pool_default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	/* A process confined to fewer CPUs (taskset, a container's
	 * cpuset) gains nothing from more threads than it may use. */
	if (sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    CPU_COUNT(&set) > 0 && (n < 1 || CPU_COUNT(&set) < n))
		n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

struct vz__pool *vz__pool_new(unsigned workers, size_t window,
                              void (*ctx_free)(void *wctx))
{
	struct vz__pool *p = vz__calloc(1, sizeof(*p));
	sigset_t all, old;
	unsigned i;

	if (p == NULL)
		return NULL;
	p->window = window ? window : 1;
	p->ctx_free = ctx_free;
	p->ring = vz__calloc(p->window, sizeof(*p->ring));
	p->wctx = vz__calloc((size_t)workers + 1, sizeof(*p->wctx));
	p->threads = vz__calloc(workers ? workers : 1, sizeof(*p->threads));
	p->args = vz__calloc(workers ? workers : 1, sizeof(*p->args));
	if (p->ring == NULL || p->wctx == NULL || p->threads == NULL ||
	    p->args == NULL)
		goto fail;
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&p->work_cv, NULL) != 0) {
		pthread_mutex_destroy(&p->mu);
		goto fail;
	}
	if (pthread_cond_init(&p->done_cv, NULL) != 0) {
		pthread_cond_destroy(&p->work_cv);
		pthread_mutex_destroy(&p->mu);
		goto fail;
	}
	/* Workers take no signals: the program's handlers expect to run
	 * on the thread they know. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < workers; i++) {
		p->args[i].p = p;
		p->args[i].i = i;
		if (pthread_create(&p->threads[i], NULL, run, &p->args[i]) !=
		    0)
			break; /* run with the threads there are */
		p->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return p;
fail:
	vz__free(p->ring);
	vz__free(p->wctx);
	vz__free(p->threads);
	vz__free(p->args);
	vz__free(p);
	return NULL;
}

void vz__pool_free(struct vz__pool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	for (i = 0; i <= p->nthreads; i++)
		if (p->wctx[i] != NULL && p->ctx_free != NULL)
			p->ctx_free(p->wctx[i]);
	pthread_cond_destroy(&p->done_cv);
	pthread_cond_destroy(&p->work_cv);
	pthread_mutex_destroy(&p->mu);
	vz__free(p->ring);
	vz__free(p->wctx);
	vz__free(p->threads);
	vz__free(p->args);
	vz__free(p);
}

size_t vz__pool_pending(const struct vz__pool *p)
{
	/* head and tail change only on the owner's thread: no lock. */
	return p->tail - p->head;
}

int vz__pool_full(const struct vz__pool *p)
{
	return p->tail - p->head >= p->window;
}

unsigned vz__pool_workers(const struct vz__pool *p)
{
	return p->nthreads;
}

int vz__pool_submit(struct vz__pool *p, vz__pool_work_fn work, void *arg)
{
	struct slot *s;

	if (vz__pool_full(p))
		return -1;
	if (p->nthreads == 0) {
		/* Inline: done before it is queued, in order by definition. */
		if (work != NULL)
			work(arg, &p->wctx[0]);
		s = &p->ring[p->tail % p->window];
		s->work = NULL;
		s->arg = arg;
		s->done = 1;
		p->tail++;
		p->next = p->tail;
		return 0;
	}
	pthread_mutex_lock(&p->mu);
	s = &p->ring[p->tail % p->window];
	s->work = work;
	s->arg = arg;
	s->done = work == NULL;
	p->tail++;
	if (work != NULL)
		pthread_cond_signal(&p->work_cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

void *vz__pool_take(struct vz__pool *p, int wait)
{
	struct slot *s;
	void *arg = NULL;

	if (p->head == p->tail)
		return NULL;
	pthread_mutex_lock(&p->mu);
	s = &p->ring[p->head % p->window];
	while (!s->done && wait)
		pthread_cond_wait(&p->done_cv, &p->mu);
	if (s->done) {
		arg = s->arg;
		p->head++;
		/* A placeholder taken back before a worker skipped it: the
		 * workers must never look at a slot behind the head (it is
		 * reused for a later item). */
		if (p->next < p->head)
			p->next = p->head;
	}
	pthread_mutex_unlock(&p->mu);
	return arg;
}
