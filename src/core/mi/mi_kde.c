/*
** KDE bounds (Kolchinsky & Tracey; Saxe et al. 2018): for each row i the log of
** sum_j exp(-|t_i - t_j|^2 / width), computed once per unordered pair. Rows are cut
** into a fixed list of tasks (independent of the thread count); each task keeps the
** column terms it produced in a partial vector of its own, and the partials are added
** in task order, so the result has the same bits for any number of threads. Distances
** come from a direct difference loop for narrow layers (exact, no cancellation) and
** from blocked dgemm (|a|^2 + |b|^2 - 2ab) for wide ones. Narrow layers run fused
** blocks of four rows against eight columns at a time (each column loaded once for
** the four rows), with the table exp of base/fastexp.h in registers; the file is built
** without FMA contraction, so the x86-64-v4, v3 and baseline copies give the same bits.
** Wide layers take their exponentials from the vector library (tensor/tensor_vmath.h).
*/
#include <cblas.h>
#include <stdatomic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/mi_kde.h"
#include "ibsh/parallel.h"
#include "base/cpu.h"
#include "base/fastexp.h"
#include "tensor/tensor_vmath.h"

#define DIRECT_MAX_D 32   /* up to this width distances are summed directly, in parallel tasks */
#define MAX_TASKS 64
#define MIN_TASK_ROWS 64
#define LANES 8     /* columns per vector in the direct kernel (and zero padding after each transposed column) */
#define BLOCK_ROWS 4   /* rows per block of the direct kernel */

typedef struct kde_ctx {
  const double *c;       /* n x d, centred columns */
  const double *ct;      /* d x (n + LANES), the same transposed and zero-padded (direct path) */
  const double *norms;   /* squared row norms (dgemm path) */
  size_t n, d, task_rows;
  double inv;            /* 1 / width */
  double *rowsum;        /* n: 1 + sum over j > i of the pair terms */
  double **part;         /* per task: terms added to rows j >= the task's first row */
  double **xbuf;         /* per worker: n scratch values (dgemm path) */
  double **gbuf;         /* per worker: task_rows x n dot products (dgemm path) */
  _Atomic int interrupted;
} kde_ctx;

/* exp(x[j]) in place for j < m, through the vector library when there is one. Exponents below -700 are raised to
   -700 first: the vector library falls back to scalar code for results that underflow (5x slower with narrow
   kernels), and every sum these terms enter holds the self term 1, beside which e^-700 is below half an ulp. */
static void exp_inplace(double *x, size_t m) {
  for (size_t j = 0; j < m; j++) x[j] = x[j] < -700.0 ? -700.0 : x[j];
  if (ibsh_vmath(IBSH_V_EXP, x, x, m)) return;
  for (size_t j = 0; j < m; j++) x[j] = exp(x[j]);
}

/* The lanes of a where mask is set, else those of b. */
#define SELECT(mask, a, b) ((ibsh_v8d)(((mask) & (ibsh_v8i)(a)) | (~(mask) & (ibsh_v8i)(b))))

/* Rows i0 .. i0 + R - 1 (R <= BLOCK_ROWS, a constant after inlining) against every later row j: the pair term
   exp(-|t_i - t_j|^2 / width) added to pj[j - i0 - 1] (rows in order) and, with the self term 1, to rowsum[i].
   Eight columns at a time, each loaded once for the R rows; pairs with j <= i, and the padding past row n - 1,
   are masked to 0. Row sums are eight strided partial sums added in a fixed tree. */
IBSH_ALWAYS_INLINE void block_terms(const kde_ctx *k, size_t i0, const int R, double *pj, double *rowsum) {
  size_t n = k->n, d = k->d, stride = n + LANES, j0 = i0 + 1, m = n - j0;
  const double *row = k->c + i0 * d, *ct = k->ct + j0;
  const ibsh_v8d zero = {0, 0, 0, 0, 0, 0, 0, 0}, floor700 = zero - 700.0, lane = {0, 1, 2, 3, 4, 5, 6, 7};
  ibsh_v8d sum[BLOCK_ROWS];
#pragma GCC unroll 4
  for (int r = 0; r < R; r++) sum[r] = zero;
  for (size_t j = 0; j < m; j += LANES) {
    ibsh_v8d dist[BLOCK_ROWS];
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) dist[r] = zero;
    for (size_t q = 0; q < d; q++) {
      ibsh_v8d col;
      memcpy(&col, ct + q * stride + j, sizeof col);
#pragma GCC unroll 4
      for (int r = 0; r < R; r++) {
        ibsh_v8d diff = row[r * d + q] - col;
        dist[r] += diff * diff;
      }
    }
    ibsh_v8d p, idx = lane + (double)j;
    memcpy(&p, pj + j, sizeof p);
    int edge = j == 0 || j + LANES > m;
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) {
      ibsh_v8d e = dist[r] * -k->inv;
      e = SELECT(e < floor700, floor700, e);   /* e^-700 is far below an ulp of the self term 1 */
      ibsh_exp_fast8(&e);
      if (edge) e = SELECT((idx >= (double)r) & (idx < (double)m), e, zero);
      sum[r] += e;
      p += e;
    }
    memcpy(pj + j, &p, sizeof p);
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; r++) {
    ibsh_v8d v = sum[r];
    rowsum[i0 + r] = 1 + (((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7])));
  }
}

/* The direct kernel on rows [r0, r1) of a task, whose partial vector part starts at column r0. */
IBSH_ALWAYS_INLINE void direct_rows_kernel(const kde_ctx *k, size_t r0, size_t r1, double *part) {
  size_t i = r0;
  for (; i + BLOCK_ROWS <= r1; i += BLOCK_ROWS) block_terms(k, i, BLOCK_ROWS, part + (i + 1 - r0), k->rowsum);
  switch (r1 - i) {
    case 3: block_terms(k, i, 3, part + (i + 1 - r0), k->rowsum); break;
    case 2: block_terms(k, i, 2, part + (i + 1 - r0), k->rowsum); break;
    case 1: block_terms(k, i, 1, part + (i + 1 - r0), k->rowsum); break;
    default: break;
  }
}
IBSH_VARIANTS_V4_AUTO(direct_rows, (const kde_ctx *k, size_t r0, size_t r1, double *part), (k, r0, r1, part))

/* One task: rows [r0, r1) against every later row. */
static void kde_task(void *p, size_t task, int worker) {
  kde_ctx *k = p;
  if (k->interrupted) return;
  if (ibsh_interrupted()) {
    k->interrupted = 1;
    return;
  }
  size_t n = k->n, d = k->d, r0 = task * k->task_rows, r1 = r0 + k->task_rows < n ? r0 + k->task_rows : n;
  double *part = k->part[task];
  if (d <= DIRECT_MAX_D) {
    IBSH_PICK_V4(direct_rows)(k, r0, r1, part);
    return;
  }
  double *x = k->xbuf[worker], *g = k->gbuf[worker];   /* dot products of the task's rows with rows r0.. */
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(r1 - r0), (int)(n - r0), (int)d, 1.0, k->c + r0 * d,
              (int)d, k->c + r0 * d, (int)d, 0.0, g, (int)(n - r0));
  for (size_t i = r0; i < r1; i++) {
    size_t m = n - i - 1;
    double *pj = part + (i + 1 - r0);
    const double *gi = g + (i - r0) * (n - r0) + (i - r0) + 1, *nj = k->norms + i + 1, ni = k->norms[i];
    for (size_t j = 0; j < m; j++) {
      double s = ni + nj[j] - 2 * gi[j];
      x[j] = (s > 0 ? s : 0) * -k->inv;
    }
    exp_inplace(x, m);
    double s = 1;   /* the self term: distance 0 */
    for (size_t j = 0; j < m; j++) {
      s += x[j];
      pj[j] += x[j];
    }
    k->rowsum[i] = s;
  }
}

/* Free the buffers of a context (NULL-safe). */
static void kde_free(kde_ctx *k, size_t ntasks, int nworkers) {
  for (size_t t = 0; k->part && t < ntasks; t++) free(k->part[t]);
  for (int w = 0; k->xbuf && w < nworkers; w++) free(k->xbuf[w]);
  for (int w = 0; k->gbuf && w < nworkers; w++) free(k->gbuf[w]);
  free(k->part);
  free(k->xbuf);
  free(k->gbuf);
  free((void *)k->c);
  free((void *)k->ct);
  free((void *)k->norms);
  free(k->rowsum);
}

/* Allocate the buffers of a context; 0 on success. */
static int kde_alloc(kde_ctx *k, size_t ntasks, int nworkers) {
  size_t n = k->n, d = k->d;
  k->c = malloc(n * d * sizeof(double));
  k->rowsum = malloc(n * sizeof(double));
  k->part = calloc(ntasks, sizeof *k->part);
  k->xbuf = calloc((size_t)nworkers, sizeof *k->xbuf);
  if (!k->c || !k->rowsum || !k->part || !k->xbuf) return -1;
  if (d > DIRECT_MAX_D) {
    k->norms = malloc(n * sizeof(double));
    k->gbuf = calloc((size_t)nworkers, sizeof *k->gbuf);
    if (!k->norms || !k->gbuf) return -1;
    for (int w = 0; w < nworkers; w++)
      if (!(k->gbuf[w] = malloc(k->task_rows * n * sizeof(double)))) return -1;
  } else if (!(k->ct = calloc((n + LANES) * d, sizeof(double)))) {
    return -1;
  }
  for (size_t t = 0; t < ntasks; t++)
    if (!(k->part[t] = calloc(n - t * k->task_rows + LANES, sizeof(double)))) return -1;
  for (int w = 0; d > DIRECT_MAX_D && w < nworkers; w++)
    if (!(k->xbuf[w] = malloc((n + LANES) * sizeof(double)))) return -1;
  return 0;
}

/* -mean_i ln[(1/n) sum_j exp(-|t_i - t_j|^2 / width)] over n rows of d columns. */
int ibsh_kde_term(const double *t, size_t n, size_t d, double width, double *out) {
  if (n == 0 || d == 0) return ibsh_fail(IBSH_EINVAL, "empty input (%zu x %zu)", n, d);
  kde_ctx k = {0};
  k.n = n;
  k.d = d;
  k.inv = 1 / width;
  k.task_rows = (n + MAX_TASKS - 1) / MAX_TASKS;
  if (k.task_rows < MIN_TASK_ROWS) k.task_rows = MIN_TASK_ROWS;
  if (d > DIRECT_MAX_D && k.task_rows * n > ((size_t)4 << 20)) k.task_rows = ((size_t)4 << 20) / n + 1;
  size_t ntasks = (n + k.task_rows - 1) / k.task_rows;
  int nworkers = d > DIRECT_MAX_D ? 1 : ibsh_threads();   /* wide layers: dgemm uses the BLAS threads */
  if ((size_t)nworkers > ntasks) nworkers = (int)ntasks;
  if (kde_alloc(&k, ntasks, nworkers)) {
    kde_free(&k, ntasks, nworkers);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for the pair sums of %zu rows", n);
  }
  /* Centre the columns: distances do not change and the norm expansion loses less to cancellation. */
  double *c = (double *)k.c;
  for (size_t j = 0; j < d; j++) {
    double mean = 0;
    for (size_t i = 0; i < n; i++) mean += t[i * d + j];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) c[i * d + j] = t[i * d + j] - mean;
  }
  if (k.ct) {
    double *ct = (double *)k.ct;
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < d; j++) ct[j * (n + LANES) + i] = c[i * d + j];
  } else {
    double *norms = (double *)k.norms;
    for (size_t i = 0; i < n; i++) {
      double s = 0;
      for (size_t j = 0; j < d; j++) s += c[i * d + j] * c[i * d + j];
      norms[i] = s;
    }
  }
  int rc = IBSH_OK;
  rc = ibsh_parallel_run(ntasks, nworkers, kde_task, &k);
  if (rc == IBSH_OK && k.interrupted) rc = ibsh_fail(IBSH_EINTR, "interrupted");
  if (rc == IBSH_OK) {
    double total = 0, logn = log((double)n);
    for (size_t i = 0; i < n; i++) {
      double s = k.rowsum[i];
      for (size_t task = 0; task * k.task_rows <= i && task < ntasks; task++) s += k.part[task][i - task * k.task_rows];
      total += logn - log(s);
    }
    *out = total / (double)n;
  }
  kde_free(&k, ntasks, nworkers);
  return rc;
}

/* Bounds in nats on I(X;T) and I(T;Y) (yids NULL: skip) for noise variance s2; lower selects Bhattacharyya. */
int ibsh_mi_kde(const double *t, size_t n, size_t d, const uint32_t *yids, size_t ky, double noise_var,
                int lower, double *ixt, double *ity) {
  if (!(noise_var > 0) || !isfinite(noise_var))
    return ibsh_fail(IBSH_EINVAL, "noise_var must be a positive finite number, got %g", noise_var);
  for (size_t i = 0; i < n * d; i++)
    if (!isfinite(t[i])) return ibsh_fail(IBSH_EINVAL, "non-finite value %g at row %zu, column %zu", t[i], i / d + 1, i % d + 1);
  double width = (lower ? 8 : 2) * noise_var, all;
  int rc = ibsh_kde_term(t, n, d, width, &all);
  if (rc) return rc;
  *ixt = all;   /* H(T|X) is the noise entropy, which cancels */
  if (!yids || !ity) return IBSH_OK;
  double *sub = malloc(n * d * sizeof *sub);
  if (!sub) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
  double cond = 0;
  for (size_t c = 0; c < ky && !rc; c++) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
      if (yids[i] == c) memcpy(sub + m++ * d, t + i * d, d * sizeof *sub);
    if (m == 0) continue;
    double term;
    if ((rc = ibsh_kde_term(sub, m, d, width, &term))) break;
    cond += (double)m / (double)n * term;
  }
  free(sub);
  if (rc) return rc;
  *ity = all - cond;
  return IBSH_OK;
}
