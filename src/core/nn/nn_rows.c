/*
** Row-major forward passes for snapshots (see nn_rows.h): blocks of rows on
** worker threads, each through its own scratch kept between calls.
*/
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/nn_rows.h"
#include "ibsh/parallel.h"

/* Free the scratch buffers (the struct can be used again). */
void ibsh_nn_rows_free(ibsh_nn_rows *c) {
  for (int w = 0; w < c->nwork; w++) ibsh_nn_work_free(&c->work[w]);
  memset(c, 0, sizeof *c);
}

/* Does the scratch of c fit architecture a? */
static int same_arch(const ibsh_arch *x, const ibsh_arch *y) {
  if (x->nlayers != y->nlayers || ibsh_nn_perturbed(x) != ibsh_nn_perturbed(y)) return 0;   /* raw buffers differ */
  for (int l = 0; l <= x->nlayers; l++) if (x->width[l] != y->width[l]) return 0;
  return 1;
}

/* Make c hold nwork buffers for architecture a. */
static int rows_reserve(ibsh_nn_rows *c, const ibsh_arch *a, int nwork) {
  if (c->nwork && !same_arch(&c->arch, a)) ibsh_nn_rows_free(c);
  for (; c->nwork < nwork; c->nwork++) {
    int rc = ibsh_nn_work_alloc(&c->work[c->nwork], a, IBSH_NN_ROWS_BLOCK);
    if (rc) return rc;
    c->work[c->nwork].no_lse = 1;   /* activations only: no loss */
  }
  c->arch = *a;
  return IBSH_OK;
}

typedef struct rows_job {
  ibsh_nn_rows *c;
  const ibsh_arch *a;
  const double *params, *x;
  size_t n;
  double *const *outs;
} rows_job;

/* One block of rows: the forward pass, then each layer transposed into its row-major output. */
static void rows_task(void *ctx, size_t task, int worker) {
  const rows_job *j = ctx;
  const ibsh_arch *a = j->a;
  size_t s = task * IBSH_NN_ROWS_BLOCK, m = j->n - s < IBSH_NN_ROWS_BLOCK ? j->n - s : IBSH_NN_ROWS_BLOCK;
  ibsh_nn_work *w = &j->c->work[worker];
  ibsh_nn_forward(a, j->params, j->x + s * a->width[0], m, w);
  ibsh_nn_quant_output(a, w, m);
  for (int l = 1; l <= a->nlayers; l++) ibsh_nn_layer_rows(a, w, l, m, j->outs[l] + s * a->width[l]);
}

/* Row-major forward pass of n rows (see nn_rows.h). */
int ibsh_nn_forward_rows(ibsh_nn_rows *c, const ibsh_arch *a, const double *params, const double *x, size_t n,
                         double *const *outs, int nthreads) {
  if (n == 0) return IBSH_OK;
  size_t ntasks = (n + IBSH_NN_ROWS_BLOCK - 1) / IBSH_NN_ROWS_BLOCK;
  int nw = nthreads < 1 ? ibsh_threads() : nthreads;
  if (nw > IBSH_NN_ROWS_MAXWORKERS) nw = IBSH_NN_ROWS_MAXWORKERS;
  if ((size_t)nw > ntasks) nw = (int)ntasks;
  int rc = rows_reserve(c, a, nw);
  if (rc) return rc;
  rows_job j = {c, a, params, x, n, outs};
  if (nw == 1) {
    for (size_t t = 0; t < ntasks; t++) rows_task(&j, t, 0);
    return IBSH_OK;
  }
  return ibsh_parallel_run(ntasks, nw, rows_task, &j);
}
