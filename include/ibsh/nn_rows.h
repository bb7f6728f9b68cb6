/*
** Forward passes that give every layer's activations row-major (n x width), as
** snapshots of a run are read: rows go in fixed blocks, spread over worker
** threads, through scratch buffers kept between calls.
*/
#ifndef IBSH_NN_ROWS_H
#define IBSH_NN_ROWS_H

#include "nn.h"

#define IBSH_NN_ROWS_BLOCK 512     /* rows per task */
#define IBSH_NN_ROWS_MAXWORKERS 16

/* Scratch for row-major forward passes, reused from call to call; zero-initialise it before the first use. */
typedef struct ibsh_nn_rows {
  ibsh_arch arch;                                   /* the architecture the buffers fit (nlayers 0: none yet) */
  int nwork;                                        /* buffers allocated */
  ibsh_nn_work work[IBSH_NN_ROWS_MAXWORKERS];       /* one per worker, IBSH_NN_ROWS_BLOCK rows each */
} ibsh_nn_rows;

/* Free the scratch buffers (the struct can be used again). */
void ibsh_nn_rows_free(ibsh_nn_rows *c);

/* Forward pass of n rows of x (row-major n x width[0]) writing layer l's outputs into outs[l] (n x width[l],
   row-major; l = 1..nlayers, outs[0] unused), in blocks of IBSH_NN_ROWS_BLOCK rows on up to nthreads threads
   (< 1: ibsh_threads()). Each row's outputs do not depend on the other rows or on the thread count. */
int ibsh_nn_forward_rows(ibsh_nn_rows *c, const ibsh_arch *a, const double *params, const double *x, size_t n,
                         double *const *outs, int nthreads);

/* Transpose the row-major r x c block src into the c x r block dst (4 x 4 tiles in registers). */
void ibsh_nn_transpose(const double *src, double *dst, size_t r, size_t c);

#endif
