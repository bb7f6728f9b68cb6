/*
** Sweeps: run numbered jobs in forked worker processes (one machine) or share
** them among MPI ranks (many machines). The work of a job is a callback that
** produces a byte string (the serialised result); the pool hands results back
** to the parent in completion order, tagged with their job number.
*/
#ifndef IBSH_SWEEP_H
#define IBSH_SWEEP_H

#include <stddef.h>

/* Run job `job` in a worker; set *out and *len to a malloc'd result and return 0, or nonzero on failure (message in *out). */
typedef int (*ibsh_sweep_work_fn)(void *ctx, size_t job, char **out, size_t *len);

/* Receive the result of job `job` in the parent (ok = 1, or 0 with an error message); a nonzero return (an error code set with ibsh_fail) aborts the sweep. */
typedef int (*ibsh_sweep_result_fn)(void *ctx, size_t job, int ok, const char *bytes, size_t len);

/* Run the njobs jobs listed in jobs[] on `workers` forked processes (dynamic scheduling); each
   result goes to on_result in the parent as it arrives. Returns IBSH_OK, IBSH_EINTR when
   interrupted (workers are killed and reaped), or an error if a worker dies. */
int ibsh_sweep_fork(const size_t *jobs, size_t njobs, int workers,
                    ibsh_sweep_work_fn work, ibsh_sweep_result_fn on_result, void *ctx);

/* Nonzero when this build has MPI and the process was started by mpirun (OMPI_COMM_WORLD_SIZE or PMI_SIZE set). */
int ibsh_sweep_mpi_active(void);

/* Initialise MPI if needed and give this process's rank and the number of ranks (0 and 1 without MPI). */
int ibsh_sweep_mpi_rank(int *rank, int *size);

/* Broadcast rank 0's *value to every rank (nothing to do without MPI or with one rank). */
int ibsh_sweep_mpi_bcast_int(int *value);

/* Gather every rank's buffer at rank 0 and broadcast the concatenation (rank order) to all ranks;
   *all is malloc'd. Without MPI it copies the local buffer. */
int ibsh_sweep_mpi_allgather(const char *mine, size_t len, char **all, size_t *alllen);

/* Create directory path and its missing parents (as mkdir -p). */
int ibsh_sweep_mkdirs(const char *path);

/* Write n bytes to path durably: a temp file beside it, every write checked, fsynced, renamed, directory fsynced. */
int ibsh_sweep_write_file(const char *path, const char *data, size_t n);

/* Run BLAS on one thread (as workers do, so that jobs = 1 and jobs >= 2 give the same bits) unless
   OPENBLAS_NUM_THREADS is set; returns the previous count for ibsh_sweep_blas_restore (0: unchanged). */
int ibsh_sweep_blas_single(void);

/* Restore the BLAS thread count returned by ibsh_sweep_blas_single. */
void ibsh_sweep_blas_restore(int threads);

#endif
