/*
** Fork-join parallel loops over a fixed list of tasks on a few POSIX threads.
** Free workers take the next task in order (which worker runs a task depends on
** timing), so code keeps per-task (never per-worker) partial results, combined in
** task order, and gets the same bits for any number of threads; workers own scratch.
*/
#ifndef IBSH_PARALLEL_H
#define IBSH_PARALLEL_H

#include <stddef.h>

/* One task of a parallel loop: ctx is the caller's, task in [0, ntasks), worker in [0, nworkers). */
typedef void (*ibsh_task_fn)(void *ctx, size_t task, int worker);

/* The number of worker threads parallel loops use: ibsh_set_threads, else $IBSH_THREADS, else the online CPUs (at most 64). */
int ibsh_threads(void);

/* Set the number of worker threads (n < 1 restores the default). */
void ibsh_set_threads(int n);

/* Run fn for every task on min(nworkers, ntasks) threads (nworkers < 1: ibsh_threads()), the caller's thread
   being worker 0; returns IBSH_OK, or an error when a thread cannot be started (the started workers, at
   least the caller's, then run every task). */
int ibsh_parallel_run(size_t ntasks, int nworkers, ibsh_task_fn fn, void *ctx);

/* Set the BLAS library's own thread count to n when it can be set (OpenBLAS), for loops that already run on
   ibsh's threads or call BLAS on small blocks; returns the previous count (0: not settable, nothing changed). */
int ibsh_blas_threads(int n);

#endif
