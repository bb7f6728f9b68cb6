/*
** Ordered sums over MPI ranks (see run_chain.h). Vectors travel in segments of 65 536 values, so that a long chain
** of ranks works as a pipeline; waiting ranks sleep between polls instead of spinning.
*/
#include <string.h>
#include <time.h>
#include "ibsh/sweep.h"
#include "run_chain.h"
#ifdef IBSH_HAVE_MPI
#include <mpi.h>
#endif

/* Values per message of the chain. */
#define CHAIN_SEGMENT ((size_t)1 << 16)

/* Values per broadcast (well below INT_MAX). */
#define CHAIN_BCAST ((size_t)1 << 26)

/* This process's place in the chain. */
int run_chain_init(run_chain *c) {
  return ibsh_sweep_mpi_rank(&c->rank, &c->size);
}

/* Bytes of one value. */
static size_t value_size(int f32) { return f32 ? sizeof(float) : sizeof(double); }

#ifdef IBSH_HAVE_MPI
/* Complete an MPI request, polling it briefly and then sleeping between polls, so that a rank waiting for the
   others gives its core to them (MPI's own blocking calls spin, which starves the rank being waited for when
   there are more processes than cores). */
static void wait_request(MPI_Request *req) {
  int done = 0;
  for (int i = 0; i < 200 && !done; i++) MPI_Test(req, &done, MPI_STATUS_IGNORE);
  while (!done) {
    struct timespec ts = {0, 20000};
    nanosleep(&ts, NULL);
    MPI_Test(req, &done, MPI_STATUS_IGNORE);
  }
}

/* Receive n (at most CHAIN_SEGMENT) values from rank - 1. */
static void recv_segment(const run_chain *c, int f32, void *v, size_t n) {
  MPI_Request req;
  MPI_Irecv(v, (int)n, f32 ? MPI_FLOAT : MPI_DOUBLE, c->rank - 1, 71, MPI_COMM_WORLD, &req);
  wait_request(&req);
}

/* Send n (at most CHAIN_SEGMENT) values to rank + 1. */
static void send_segment(const run_chain *c, int f32, const void *v, size_t n) {
  MPI_Request req;
  MPI_Isend(v, (int)n, f32 ? MPI_FLOAT : MPI_DOUBLE, c->rank + 1, 71, MPI_COMM_WORLD, &req);
  wait_request(&req);
}
#endif

/* Values lo..hi-1 of the running sum: zeros on rank 0, else received from rank - 1. */
static void recv_range(const run_chain *c, int f32, void *v, size_t lo, size_t hi) {
  size_t es = value_size(f32);
  if (c->rank == 0) { memset((char *)v + lo * es, 0, (hi - lo) * es); return; }
#ifdef IBSH_HAVE_MPI
  recv_segment(c, f32, (char *)v + lo * es, hi - lo);
#endif
}

/* Values lo..hi-1 of the running sum on to rank + 1 (nothing on the last rank). */
static void send_range(const run_chain *c, int f32, const void *v, size_t lo, size_t hi) {
  if (c->rank + 1 >= c->size) return;
#ifdef IBSH_HAVE_MPI
  send_segment(c, f32, (const char *)v + lo * value_size(f32), hi - lo);
#else
  (void)f32; (void)v; (void)lo; (void)hi;
#endif
}

/* Start a running sum (see run_chain.h). */
void run_chain_recv(const run_chain *c, int f32, void *v, size_t n) {
  for (size_t lo = 0; lo < n; lo += CHAIN_SEGMENT) recv_range(c, f32, v, lo, n - lo < CHAIN_SEGMENT ? n : lo + CHAIN_SEGMENT);
}

/* Pass a running sum on (see run_chain.h). */
void run_chain_send(const run_chain *c, int f32, const void *v, size_t n) {
  for (size_t lo = 0; lo < n; lo += CHAIN_SEGMENT) send_range(c, f32, v, lo, n - lo < CHAIN_SEGMENT ? n : lo + CHAIN_SEGMENT);
}

/* The last rank's total to every rank (see run_chain.h). */
void run_chain_bcast(const run_chain *c, int f32, void *v, size_t n) {
  if (c->size == 1) return;
#ifdef IBSH_HAVE_MPI
  for (size_t lo = 0; lo < n; lo += CHAIN_BCAST) {
    size_t m = n - lo < CHAIN_BCAST ? n - lo : CHAIN_BCAST;
    MPI_Request req;
    MPI_Ibcast((char *)v + lo * value_size(f32), (int)m, f32 ? MPI_FLOAT : MPI_DOUBLE, c->size - 1, MPI_COMM_WORLD, &req);
    wait_request(&req);
  }
#else
  (void)f32; (void)v; (void)n;
#endif
}

/* acc[lo..hi) += each of the nloc partials in turn (the fixed order of the sum). */
static void fold_range(int f32, void *acc, const void *part, size_t nloc, size_t stride, size_t lo, size_t hi) {
  for (size_t j = 0; j < nloc; j++) {
    if (f32) {
      float *a = acc;
      const float *p = (const float *)part + j * stride;
      for (size_t i = lo; i < hi; i++) a[i] += p[i];
    } else {
      double *a = acc;
      const double *p = (const double *)part + j * stride;
      for (size_t i = lo; i < hi; i++) a[i] += p[i];
    }
  }
}

/* The ordered sum of every rank's partials (see run_chain.h). */
void run_chain_fold(const run_chain *c, int f32, void *acc, const void *part, size_t nloc, size_t stride, size_t n) {
  for (size_t lo = 0; lo < n; lo += CHAIN_SEGMENT) {
    size_t hi = n - lo < CHAIN_SEGMENT ? n : lo + CHAIN_SEGMENT;
    recv_range(c, f32, acc, lo, hi);
    fold_range(f32, acc, part, nloc, stride, lo, hi);
    send_range(c, f32, acc, lo, hi);
  }
  run_chain_bcast(c, f32, acc, n);
}

/* Whether any rank passed a nonzero flag (see run_chain.h). */
int run_chain_any(const run_chain *c, int flag) {
  int any = flag != 0;
#ifdef IBSH_HAVE_MPI
  if (c->size > 1) {
    int mine = any;
    MPI_Request req;
    MPI_Iallreduce(&mine, &any, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD, &req);
    wait_request(&req);
  }
#else
  (void)c;
#endif
  return any;
}
