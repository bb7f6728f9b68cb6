/*
** Parallel loops (parallel.h) on the worker pool: every task runs exactly once with a worker index below the
** loop's worker count, across thousands of back-to-back loops, loops of varying width, loops after the
** workers fell asleep, nested loops, loops from two threads at once, and a loop in a forked child.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "ibsh/parallel.h"

static int failures = 0;

/* Report a failed check. */
static void check(int ok, const char *what) {
  if (!ok) { printf("FAIL: %s\n", what); failures++; }
}

#define MAXTASKS 4096

typedef struct counts {
  _Atomic int hits[MAXTASKS];
  _Atomic int bad_worker;
  int nworkers;
} counts;

/* A task: count its run and check its worker index. */
static void count_task(void *ctx, size_t task, int worker) {
  counts *c = ctx;
  atomic_fetch_add(&c->hits[task], 1);
  if (worker < 0 || worker >= c->nworkers) atomic_store(&c->bad_worker, 1);
}

/* Run one loop of ntasks on nworkers and check every task ran once with a valid worker. */
static int loop_ok(size_t ntasks, int nworkers) {
  counts *c = calloc(1, sizeof *c);
  c->nworkers = nworkers;
  int rc = ibsh_parallel_run(ntasks, nworkers, count_task, c);
  int ok = rc == 0 && !atomic_load(&c->bad_worker);
  for (size_t t = 0; t < ntasks; t++) ok &= atomic_load(&c->hits[t]) == 1;
  free(c);
  return ok;
}

/* A task that runs a loop of its own (the pool is busy: the inner loop gets its own threads). */
static void nested_task(void *ctx, size_t task, int worker) {
  (void)task; (void)worker;
  if (!loop_ok(64, 3)) atomic_store((_Atomic int *)ctx, 1);
}

/* A thread that runs many loops while another thread does too. */
static void *loops_thread(void *arg) {
  int ok = 1;
  for (int i = 0; i < 300; i++) ok &= loop_ok(1 + (size_t)(i * 7) % 200, 2 + i % 3);
  *(int *)arg = ok;
  return NULL;
}

int main(void) {
  int ok = 1;
  for (int i = 0; i < 3000; i++) ok &= loop_ok(1 + (size_t)i % 97, 1 + i % 4);
  check(ok, "3000 back-to-back loops of varying size and width: every task once, valid worker indices");

  check(loop_ok(MAXTASKS, 8), "a wide loop grows the pool");
  check(loop_ok(10, 2), "a narrow loop after a wide one");
  struct timespec nap = {0, 5000000};
  nanosleep(&nap, NULL);   /* the workers have stopped spinning and sleep */
  check(loop_ok(1000, 4), "a loop wakes sleeping workers");

  _Atomic int nested_bad = 0;
  check(ibsh_parallel_run(16, 2, nested_task, (void *)&nested_bad) == 0 && !atomic_load(&nested_bad),
        "nested loops run (on threads of their own)");

  pthread_t t1, t2;
  int ok1 = 0, ok2 = 0;
  pthread_create(&t1, NULL, loops_thread, &ok1);
  pthread_create(&t2, NULL, loops_thread, &ok2);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  check(ok1 && ok2, "loops from two threads at once");

  pid_t pid = fork();
  if (pid == 0) _exit(loop_ok(500, 3) ? 0 : 1);
  int status = 0;
  waitpid(pid, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a loop in a forked child (no pool threads there)");
  check(loop_ok(500, 3), "the parent's pool still works after fork");

  if (failures == 0) printf("OK\n");
  return failures ? 1 : 0;
}
