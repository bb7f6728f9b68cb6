/*
** Parallel loops: the workers take the tasks in order from a shared counter (a
** worker that another process slows down simply takes fewer), joined before
** returning. The workers are kept in a pool between loops: after a loop they
** spin briefly for the next one (loops of a few hundred microseconds, such as a
** snapshot's forward pass, come back to back), then sleep on a condition
** variable (base/event.h). A loop started while the pool is busy (a nested loop, or a second
** thread's) runs on threads of its own, as every loop did before the pool.
*/
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "base/event.h"
#include "ibsh/error.h"
#include "ibsh/parallel.h"

#define MAX_THREADS 64
#define SPIN_NS 100000   /* how long an idle pool worker (or a waiting caller) spins before it sleeps (or yields) */

static int chosen_threads;   /* 0: default */

/* One loop: the function, its tasks and the next task nobody has taken yet. */
typedef struct loop_job {
  ibsh_task_fn fn;
  void *ctx;
  size_t ntasks;
  _Atomic size_t next;
} loop_job;

/* The pool: workers 1..nthreads wait for a new value of `posted` (generation << 8 | workers in the loop). */
static struct {
  atomic_flag busy;                     /* a loop owns the pool */
  int nthreads;                         /* pool workers started (worker indices 1..nthreads) */
  loop_job job;
  ibsh_event posted;
  _Atomic int running;                  /* workers of the current loop not yet done */
  uint64_t start_posted[MAX_THREADS];   /* `posted` when worker w was started: it waits for the next post */
} pool = {.busy = ATOMIC_FLAG_INIT,
          .posted = {0, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER}};

/* The default thread count: $IBSH_THREADS or the online CPUs, within 1..MAX_THREADS; read once (glibc counts the
   online CPUs by opening a sysfs file, a system call pair that cost every parallel loop several microseconds). */
static int default_threads(void) {
  static _Atomic int cached;   /* 0: not read yet */
  int c = atomic_load_explicit(&cached, memory_order_relaxed);
  if (c > 0) return c;
  const char *env = getenv("IBSH_THREADS");
  long n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  if (n > MAX_THREADS) n = MAX_THREADS;
  atomic_store_explicit(&cached, (int)n, memory_order_relaxed);
  return (int)n;
}

/* The number of worker threads parallel loops use. */
int ibsh_threads(void) {
  return chosen_threads > 0 ? chosen_threads : default_threads();
}

/* Set the number of worker threads (n < 1 restores the default). */
void ibsh_set_threads(int n) {
  chosen_threads = n < 1 ? 0 : (n > MAX_THREADS ? MAX_THREADS : n);
}

/* Take the next untaken task of job until none is left. */
static void run_tasks(loop_job *job, int worker) {
  for (size_t t = atomic_fetch_add(&job->next, 1); t < job->ntasks; t = atomic_fetch_add(&job->next, 1))
    job->fn(job->ctx, t, worker);
}

/* A pool worker's life: take part in every posted loop that has a place for its index. */
static void *pool_main(void *arg) {
  int worker = (int)(intptr_t)arg;
  uint64_t seen = pool.start_posted[worker];
  for (;;) {
    seen = ibsh_event_wait(&pool.posted, seen, SPIN_NS);
    if ((int)(seen & 255) <= worker) continue;   /* this loop has fewer workers */
    run_tasks(&pool.job, worker);
    atomic_fetch_sub_explicit(&pool.running, 1, memory_order_release);
  }
  return NULL;
}

/* After fork() the child has no pool threads: forget them (the pool is never busy across a fork we make). */
static void pool_after_fork(void) {
  pool.nthreads = 0;
  atomic_flag_clear(&pool.busy);
  ibsh_event_init(&pool.posted);
}

/* Register pool_after_fork (once per process). */
static void register_fork_handler(void) {
  (void)pthread_atfork(NULL, NULL, pool_after_fork);
}

/* Start pool workers until there are want of them; returns the number running. */
static int pool_grow(int want) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, register_fork_handler);
  while (pool.nthreads < want) {
    pthread_attr_t attr;
    pthread_t t;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pool.start_posted[pool.nthreads + 1] = atomic_load(&pool.posted.value);
    int rc = pthread_create(&t, &attr, pool_main, (void *)(intptr_t)(pool.nthreads + 1));
    pthread_attr_destroy(&attr);
    if (rc != 0) break;
    pool.nthreads++;
  }
  return pool.nthreads;
}

/* Run a loop on the pool (which the caller owns) with n workers; returns IBSH_OK or a thread-start error. */
static int pool_run(size_t ntasks, int n, ibsh_task_fn fn, void *ctx) {
  int rc = IBSH_OK, have = pool_grow(n - 1);
  if (have < n - 1) {
    rc = ibsh_fail(IBSH_ENOMEM, "cannot start worker thread %d of %d", have + 2, n);
    n = have + 1;   /* the started workers take the others' share */
  }
  pool.job.fn = fn;
  pool.job.ctx = ctx;
  pool.job.ntasks = ntasks;
  atomic_store(&pool.job.next, 0);
  atomic_store(&pool.running, n - 1);
  uint64_t gen = (atomic_load(&pool.posted.value) >> 8) + 1;
  ibsh_event_post(&pool.posted, gen << 8 | (uint64_t)n);
  run_tasks(&pool.job, 0);
  int64_t start = ibsh_now_ns();
  for (unsigned i = 1; atomic_load_explicit(&pool.running, memory_order_acquire) > 0; i++) {
    ibsh_cpu_relax();
    if ((i & 255) == 0 && ibsh_now_ns() - start > SPIN_NS) sched_yield();   /* a worker was descheduled */
  }
  return rc;
}

typedef struct worker_arg {
  loop_job *job;
  int worker;
} worker_arg;

/* Run a loop's tasks as one worker on a thread of its own. */
static void *own_thread_main(void *p) {
  const worker_arg *a = p;
  run_tasks(a->job, a->worker);
  return NULL;
}

/* Run a loop on threads started for it (the pool is busy). */
static int own_threads_run(size_t ntasks, int n, ibsh_task_fn fn, void *ctx) {
  pthread_t threads[MAX_THREADS];
  worker_arg args[MAX_THREADS];
  loop_job job = {fn, ctx, ntasks, 0};
  int started = 1, rc = IBSH_OK;
  for (int w = 1; w < n; w++, started++) {
    args[w] = (worker_arg){&job, w};
    if (pthread_create(&threads[w], NULL, own_thread_main, &args[w]) != 0) {
      rc = ibsh_fail(IBSH_ENOMEM, "cannot start worker thread %d of %d", w + 1, n);
      break;
    }
  }
  run_tasks(&job, 0);   /* workers that did not start leave their share to the others */
  for (int w = 1; w < started; w++) pthread_join(threads[w], NULL);
  return rc;
}

/* Run fn for every task on min(nworkers, ntasks) threads, the caller's being worker 0. */
int ibsh_parallel_run(size_t ntasks, int nworkers, ibsh_task_fn fn, void *ctx) {
  int n = nworkers < 1 ? ibsh_threads() : (nworkers > MAX_THREADS ? MAX_THREADS : nworkers);
  if ((size_t)n > ntasks) n = ntasks ? (int)ntasks : 1;
  if (n <= 1) {
    loop_job job = {fn, ctx, ntasks, 0};
    run_tasks(&job, 0);
    return IBSH_OK;
  }
  if (atomic_flag_test_and_set(&pool.busy)) return own_threads_run(ntasks, n, fn, ctx);
  int rc = pool_run(ntasks, n, fn, ctx);
  atomic_flag_clear(&pool.busy);
  return rc;
}

/* OpenBLAS's thread-count getter and setter, if the BLAS in use has them (weak: absent with other BLAS). */
extern void openblas_set_num_threads(int) __attribute__((weak));
extern int openblas_get_num_threads(void) __attribute__((weak));

/* Set the BLAS thread count, returning the previous one (0 when it cannot be set). */
int ibsh_blas_threads(int n) {
  if (!openblas_set_num_threads || !openblas_get_num_threads) return 0;
  int old = openblas_get_num_threads();
  if (n > 0 && n != old) openblas_set_num_threads(n);
  return old;
}
