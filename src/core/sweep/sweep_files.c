/*
** Sweep helpers outside the worker engine: durable result files and the BLAS
** thread count shared by in-process jobs and workers.
*/
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/parallel.h"
#include "ibsh/sweep.h"
#include "io/durable.h"

/* Write n bytes to path durably: a temp file beside it, checked, fsynced, renamed, directory fsynced. */
int ibsh_sweep_write_file(const char *path, const char *data, size_t n) {
  char dir[4096];
  size_t len = strlen(path);
  if (len >= sizeof dir) return ibsh_fail(IBSH_EINVAL, "path too long: %s", path);
  memcpy(dir, path, len + 1);
  char *slash = strrchr(dir, '/');
  if (!slash) strcpy(dir, ".");
  else if (slash == dir) dir[1] = '\0';
  else *slash = '\0';
  return dur_replace(dir, path, data, n);
}

/* Run BLAS on one thread, as sweep workers do, unless OPENBLAS_NUM_THREADS chose; returns the previous count (0: unchanged). */
int ibsh_sweep_blas_single(void) {
  if (getenv("OPENBLAS_NUM_THREADS")) return 0;
  return ibsh_blas_threads(1);
}

/* Restore the BLAS thread count returned by ibsh_sweep_blas_single (0: nothing to do). */
void ibsh_sweep_blas_restore(int threads) {
  if (threads > 0) ibsh_blas_threads(threads);
}
