/*
** MPI side of sweeps: detect mpirun, initialise MPI on first use (finalised at
** exit), and gather every rank's serialised results at rank 0, which then
** broadcasts them so that every rank returns the same table. Without
** IBSH_HAVE_MPI these are single-process stand-ins.
*/
#include "ibsh/sweep.h"
#include "ibsh/error.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef IBSH_HAVE_MPI
#include <mpi.h>
#endif

/* Nonzero when this build has MPI and mpirun started the process. */
int ibsh_sweep_mpi_active(void) {
#ifdef IBSH_HAVE_MPI
  return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMI_SIZE") != NULL;
#else
  return 0;
#endif
}

#ifdef IBSH_HAVE_MPI
/* Finalise MPI at process exit if this module initialised it. */
static void finalize_at_exit(void) {
  int done = 0;
  MPI_Finalized(&done);
  if (!done) MPI_Finalize();
}

/* Initialise MPI once; IBSH_OK or an error. */
static int ensure_init(void) {
  int inited = 0;
  MPI_Initialized(&inited);
  if (inited) return IBSH_OK;
  if (MPI_Init(NULL, NULL) != MPI_SUCCESS) return ibsh_fail(IBSH_EIO, "MPI_Init failed");
  atexit(finalize_at_exit);
  return IBSH_OK;
}
#endif

/* This process's rank and the number of ranks. */
int ibsh_sweep_mpi_rank(int *rank, int *size) {
  *rank = 0; *size = 1;
#ifdef IBSH_HAVE_MPI
  if (!ibsh_sweep_mpi_active()) return IBSH_OK;
  int rc = ensure_init();
  if (rc) return rc;
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
#endif
  return IBSH_OK;
}

/* Gather all ranks' buffers at rank 0 and broadcast the concatenation. */
int ibsh_sweep_mpi_allgather(const char *mine, size_t len, char **all, size_t *alllen) {
  *all = NULL; *alllen = 0;
#ifdef IBSH_HAVE_MPI
  int rank, size, rc = ibsh_sweep_mpi_rank(&rank, &size);
  if (rc) return rc;
  if (size > 1) {
    if (len > INT32_MAX) return ibsh_fail(IBSH_EINVAL, "results of this rank too large for MPI (%zu bytes)", len);
    int n = (int)len;
    int *counts = rank == 0 ? calloc((size_t)size, sizeof *counts) : NULL;
    int *displs = rank == 0 ? calloc((size_t)size, sizeof *displs) : NULL;
    if (rank == 0 && (!counts || !displs)) { free(counts); free(displs); return ibsh_fail(IBSH_ENOMEM, "no memory"); }
    MPI_Gather(&n, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    long long total = 0;
    if (rank == 0) for (int r = 0; r < size; r++) { displs[r] = (int)total; total += counts[r]; }
    if (total > INT32_MAX) { free(counts); free(displs); return ibsh_fail(IBSH_EINVAL, "gathered results too large for MPI"); }
    MPI_Bcast(&total, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
    char *buf = malloc((size_t)total + 1);
    if (!buf) { free(counts); free(displs); return ibsh_fail(IBSH_ENOMEM, "no memory for %lld bytes", total); }
    MPI_Gatherv(mine, n, MPI_CHAR, buf, counts, displs, MPI_CHAR, 0, MPI_COMM_WORLD);
    MPI_Bcast(buf, (int)total, MPI_CHAR, 0, MPI_COMM_WORLD);
    free(counts); free(displs);
    *all = buf; *alllen = (size_t)total;
    return IBSH_OK;
  }
#endif
  *all = malloc(len + 1);
  if (!*all) return ibsh_fail(IBSH_ENOMEM, "no memory for %zu bytes", len);
  if (len) memcpy(*all, mine, len);
  *alllen = len;
  return IBSH_OK;
}

/* Broadcast rank 0's *value to every rank (nothing to do without MPI or with one rank). */
int ibsh_sweep_mpi_bcast_int(int *value) {
#ifdef IBSH_HAVE_MPI
  int rank, size, rc = ibsh_sweep_mpi_rank(&rank, &size);
  if (rc) return rc;
  if (size > 1) MPI_Bcast(value, 1, MPI_INT, 0, MPI_COMM_WORLD);
#else
  (void)value;
#endif
  return IBSH_OK;
}
