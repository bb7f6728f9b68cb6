/*
** Ordered sums over MPI ranks for data-parallel training (run_dist.c, run_net_dist.c): a running sum travels along
** the ranks in rank order — rank r receives the sum of every term before its own from rank r-1, adds its terms one
** by one and passes it on — and the last rank broadcasts the total. Each element sees the same additions in the same
** order for any number of ranks, so a sum split this way has the bits of one process adding every term in turn.
** Values are doubles or floats (f32). With one rank (or without MPI) every call is local.
*/
#ifndef IBSH_NN_RUN_CHAIN_H
#define IBSH_NN_RUN_CHAIN_H

#include <stddef.h>

typedef struct run_chain {
  int rank, size;             /* MPI rank and size (0, 1 without MPI) */
} run_chain;

/* This process's place in the chain (MPI initialised if mpirun started the process). */
int run_chain_init(run_chain *c);

/* Start a running sum of n values in v: zeros on rank 0, else the sum of the ranks before (from rank - 1). */
void run_chain_recv(const run_chain *c, int f32, void *v, size_t n);

/* Pass the running sum v on to rank + 1 (nothing on the last rank). */
void run_chain_send(const run_chain *c, int f32, const void *v, size_t n);

/* The last rank's v (the total) to every rank. */
void run_chain_bcast(const run_chain *c, int f32, void *v, size_t n);

/* acc (n values) on every rank = ((0 + p_0) + p_1) + ... element by element over all ranks' partials in rank order,
   each rank's in its order: this rank's nloc partials are part, part + stride, ... (values of the dtype). */
void run_chain_fold(const run_chain *c, int f32, void *acc, const void *part, size_t nloc, size_t stride, size_t n);

/* Whether any rank passed a nonzero flag (every rank gets the same answer). */
int run_chain_any(const run_chain *c, int flag);

#endif
