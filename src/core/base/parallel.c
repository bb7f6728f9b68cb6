/*
** Parallel loops: the workers take the tasks in order from a shared counter (a
** worker that another process slows down simply takes fewer), joined before
** returning. No pool: a loop worth parallelising costs far more than the tens of
** microseconds a thread start takes.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#include "ibsh/error.h"
#include "ibsh/parallel.h"

#define MAX_THREADS 64

static int chosen_threads;   /* 0: default */

typedef struct worker_arg {
  ibsh_task_fn fn;
  void *ctx;
  size_t ntasks;
  _Atomic size_t *next;   /* the next task nobody has taken yet, shared by the workers of one loop */
  int worker;
} worker_arg;

/* The default thread count: $IBSH_THREADS or the online CPUs, within 1..MAX_THREADS. */
static int default_threads(void) {
  const char *env = getenv("IBSH_THREADS");
  long n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  if (n > MAX_THREADS) n = MAX_THREADS;
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

/* Run tasks as one worker: take the next untaken task until none is left. */
static void *run_worker(void *p) {
  const worker_arg *a = p;
  for (size_t t = atomic_fetch_add(a->next, 1); t < a->ntasks; t = atomic_fetch_add(a->next, 1)) a->fn(a->ctx, t, a->worker);
  return NULL;
}

/* Run fn for every task on min(nworkers, ntasks) threads, the caller's being worker 0. */
int ibsh_parallel_run(size_t ntasks, int nworkers, ibsh_task_fn fn, void *ctx) {
  int n = nworkers < 1 ? ibsh_threads() : (nworkers > MAX_THREADS ? MAX_THREADS : nworkers);
  if ((size_t)n > ntasks) n = ntasks ? (int)ntasks : 1;
  pthread_t threads[MAX_THREADS];
  worker_arg args[MAX_THREADS];
  int started = 1, rc = IBSH_OK;
  _Atomic size_t next = 0;
  for (int w = 0; w < n; w++) args[w] = (worker_arg){fn, ctx, ntasks, &next, w};
  for (int w = 1; w < n; w++, started++) {
    if (pthread_create(&threads[w], NULL, run_worker, &args[w]) != 0) {
      rc = ibsh_fail(IBSH_ENOMEM, "cannot start worker thread %d of %d", w + 1, n);
      break;
    }
  }
  run_worker(&args[0]);   /* workers that did not start leave their share to the others */
  for (int w = 1; w < started; w++) pthread_join(threads[w], NULL);
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
