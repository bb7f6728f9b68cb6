/*
** KDE bounds (Kolchinsky & Tracey; Saxe et al. 2018): for each row i the log of
** sum_j exp(-|t_i - t_j|^2 / width), computed once per unordered pair. Rows are cut
** into a fixed list of tasks (independent of the thread count); each task keeps the
** column terms it produced in a partial vector of its own, and the partials are added
** in task order, so the result has the same bits for any number of threads. Distances
** come from a direct difference loop for narrow layers (exact, no cancellation) and
** from blocked dgemm (|a|^2 + |b|^2 - 2ab) for wide ones; exponentials through the
** vector library (tensor/tensor_vmath.h).
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
#include "tensor/tensor_vmath.h"

#define DIRECT_MAX_D 32   /* up to this width distances are summed directly, in parallel tasks */
#define MAX_TASKS 64
#define MIN_TASK_ROWS 64
#define LANES 4

typedef struct kde_ctx {
  const double *c;       /* n x d, centred columns */
  const double *ct;      /* d x (n + LANES), the same transposed and zero-padded (direct path) */
  const double *norms;   /* squared row norms (dgemm path) */
  size_t n, d, task_rows;
  double inv;            /* 1 / width */
  double *rowsum;        /* n: 1 + sum over j > i of the pair terms */
  double **part;         /* per task: terms added to rows j >= the task's first row */
  double **xbuf;         /* per worker: n scratch values */
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

typedef double lanes __attribute__((vector_size(LANES * sizeof(double))));

/* Four doubles from p (any alignment) into *v (no vector return value: that would depend on the ABI). */
static inline __attribute__((always_inline)) void load_lanes(lanes *v, const double *p) {
  memcpy(v, p, sizeof *v);
}

/* Store the four doubles of *v at p (any alignment). */
static inline __attribute__((always_inline)) void store_lanes(double *p, const lanes *v) {
  memcpy(p, v, sizeof *v);
}

/* Row i against rows i+1..n-1 from the transposed columns: x[j] = exp(-|t_i - t_{i+1+j}|^2 / width), added to
   pj[j], and the sum over j (plus the self term 1) returned. Four lanes (vector extensions) with a fixed order of additions, so
   the AVX2 and the baseline compilations of this body give the same bits (neither contracts to FMA). */
static inline __attribute__((always_inline)) double row_terms_body(const kde_ctx *k, size_t i, double *x, double *pj) {
  size_t m = k->n - i - 1, stride = k->n + LANES;
  const double *row = k->c + i * k->d;
  const lanes scale = {-k->inv, -k->inv, -k->inv, -k->inv};
  for (size_t j = 0; j < m; j += LANES) {
    lanes acc = {0, 0, 0, 0};
    for (size_t q = 0; q < k->d; q++) {
      const double v = row[q];
      lanes col;
      load_lanes(&col, k->ct + q * stride + i + 1 + j);
      lanes diff = (lanes){v, v, v, v} - col;
      acc += diff * diff;
    }
    acc *= scale;
    store_lanes(x + j, &acc);
  }
  exp_inplace(x, m);
  for (int l = 0; l < LANES; l++) x[m + l] = 0;   /* padding lanes add nothing */
  lanes sum = {0, 0, 0, 0};
  for (size_t j = 0; j < m; j += LANES) {
    lanes e, p;
    load_lanes(&e, x + j);
    load_lanes(&p, pj + j);
    sum += e;
    p += e;
    store_lanes(pj + j, &p);
  }
  return 1 + ((sum[0] + sum[1]) + (sum[2] + sum[3]));
}

#if defined(__x86_64__) && defined(__GNUC__)
/* row_terms_body compiled for AVX2 (no FMA). */
__attribute__((target("avx2"))) static double row_terms_avx2(const kde_ctx *k, size_t i, double *x, double *pj) {
  return row_terms_body(k, i, x, pj);
}
#endif

/* row_terms_body for the baseline instruction set. */
static double row_terms_base(const kde_ctx *k, size_t i, double *x, double *pj) {
  return row_terms_body(k, i, x, pj);
}

/* The row kernel for this CPU, chosen once. */
static double row_terms(const kde_ctx *k, size_t i, double *x, double *pj) {
#if defined(__x86_64__) && defined(__GNUC__)
  static _Atomic int avx2 = -1;
  if (avx2 < 0) avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
  if (avx2) return row_terms_avx2(k, i, x, pj);
#endif
  return row_terms_base(k, i, x, pj);
}

/* One task: rows [r0, r1) against every later row. */
static void kde_task(void *p, size_t task, int worker) {
  kde_ctx *k = p;
  if (k->interrupted) return;
  if (ibsh_interrupted()) {
    k->interrupted = 1;
    return;
  }
  size_t n = k->n, d = k->d, r0 = task * k->task_rows, r1 = r0 + k->task_rows < n ? r0 + k->task_rows : n;
  double *x = k->xbuf[worker], *part = k->part[task], *g = NULL;
  if (d > DIRECT_MAX_D) {   /* dot products of the task's rows with rows r0.. */
    g = k->gbuf[worker];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(r1 - r0), (int)(n - r0), (int)d, 1.0, k->c + r0 * d,
                (int)d, k->c + r0 * d, (int)d, 0.0, g, (int)(n - r0));
  }
  for (size_t i = r0; i < r1; i++) {
    size_t m = n - i - 1;
    double *pj = part + (i + 1 - r0);
    if (!g) {
      k->rowsum[i] = row_terms(k, i, x, pj);
      continue;
    }
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
  for (int w = 0; w < nworkers; w++)
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
