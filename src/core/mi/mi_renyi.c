/*
** Matrix-based Renyi alpha-entropy: Gaussian and label Gram matrices normalised to
** unit trace, Hadamard joints, and S_alpha from the eigenvalues (LAPACK dsyevd).
*/
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/mi_renyi.h"
#include "ibsh/parallel.h"

extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
                    double *work, const int *lwork, int *iwork, const int *liwork, int *info);

/* OpenBLAS's thread-count getter and setter, if the BLAS in use has them (weak: absent with other BLAS). */
extern void openblas_set_num_threads(int) __attribute__((weak));
extern int openblas_get_num_threads(void) __attribute__((weak));

/* Largest n accepted: the n x n matrices must fit in memory and a LAPACK int. */
#define RENYI_MAXN 16384

/* Check the size of an n-row problem. */
static int check_n(size_t n) {
  if (n < 1) return ibsh_fail(IBSH_EINVAL, "no rows");
  if (n > RENYI_MAXN) return ibsh_fail(IBSH_ENOMEM, "%zu rows need an %zu x %zu matrix; at most %d rows", n, n, n, RENYI_MAXN);
  return IBSH_OK;
}

/* Squared Euclidean distances of the rows of x (n x d, row stride ld) into dist (n x n, full): direct
   differences for narrow rows, the Gram matrix through dsyrk for wide ones (clamped at 0). */
static void squared_distances(const double *x, size_t n, size_t d, size_t ld, double *dist) {
  if (d <= 16) {
    for (size_t i = 0; i < n; i++) {
      dist[i * n + i] = 0;
      for (size_t j = 0; j < i; j++) {
        double s = 0;
        for (size_t c = 0; c < d; c++) {
          double u = x[i * ld + c] - x[j * ld + c];
          s += u * u;
        }
        dist[i * n + j] = dist[j * n + i] = s;
      }
    }
    return;
  }
  cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)n, (int)d, 1.0, x, (int)ld, 0.0, dist, (int)n);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++) {
      double s = dist[i * n + i] + dist[j * n + j] - 2 * dist[i * n + j];
      dist[i * n + j] = s > 0 ? s : 0;
    }
  for (size_t i = 0; i < n; i++) {
    dist[i * n + i] = 0;
    for (size_t j = 0; j < i; j++) dist[j * n + i] = dist[i * n + j];
  }
}

/* Turn squared distances into the Gaussian kernel of width sigma divided by n (unit trace), in place. */
static void gaussian_from_distances(double *a, size_t n, double sigma) {
  double scale = -1.0 / (2 * sigma * sigma), inv_n = 1.0 / (double)n;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = exp(a[i * n + j] * scale) * inv_n;
}

/* Check that every entry of x is finite. */
static int check_finite(const double *x, size_t count) {
  for (size_t i = 0; i < count; i++)
    if (!isfinite(x[i]))
      return ibsh_fail(IBSH_EINVAL, "entry %zu is %s (only finite values have a kernel)", i + 1, isnan(x[i]) ? "NaN" : "infinite");
  return IBSH_OK;
}

/* Ordering of doubles (for qsort). */
static int cmp_double(const void *a, const void *b) {
  double u = *(const double *)a, v = *(const double *)b;
  return (u > v) - (u < v);
}

/* Width from the rows' spread, Scott's factor n^(-1/(4+d)) and a floor for coinciding rows. */
static double scott_width(const double *x, size_t n, size_t d) {
  double total = 0;
  for (size_t c = 0; c < d; c++) {
    double mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++) mean += x[i * d + c];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) ss += (x[i * d + c] - mean) * (x[i * d + c] - mean);
    total += n > 1 ? ss / (double)(n - 1) : 0;
  }
  return sqrt(total) * pow((double)n, -1.0 / (4.0 + (double)d));
}

/* Kernel width of rule for the rows of x. */
int ibsh_renyi_sigma(const double *x, size_t n, size_t d, int rule, double *sigma) {
  int rc = check_n(n);
  if (rc) return rc;
  if ((rc = check_finite(x, n * d))) return rc;
  double s = 0;
  if (rule == IBSH_RENYI_SCOTT) {
    s = scott_width(x, n, d);
  } else if (rule == IBSH_RENYI_KNN) {
    double *dist = malloc(n * n * sizeof *dist);
    if (!dist) return ibsh_fail(IBSH_ENOMEM, "no memory for %zu x %zu distances", n, n);
    squared_distances(x, n, d, d, dist);
    size_t k = n - 1 < 10 ? n - 1 : 10;
    for (size_t i = 0; i < n && k > 0; i++) {
      double *row = dist + i * n;
      row[i] = INFINITY;
      qsort(row, n, sizeof *row, cmp_double);
      for (size_t j = 0; j < k; j++) s += sqrt(row[j]);
    }
    s = k > 0 ? s / (double)(n * k) : 0;
    free(dist);
  } else {
    return ibsh_fail(IBSH_EINVAL, "unknown width rule %d", rule);
  }
  *sigma = s > 1e-12 ? s : 1e-12;
  return IBSH_OK;
}

/* a = K / tr K for the Gaussian Gram of the rows of x. */
int ibsh_renyi_gram(const double *x, size_t n, size_t d, double sigma, double *a) {
  int rc = check_n(n);
  if (rc) return rc;
  if (!(sigma > 0) || !isfinite(sigma)) return ibsh_fail(IBSH_EINVAL, "sigma must be a positive finite number, got %g", sigma);
  if ((rc = check_finite(x, n * d))) return rc;
  squared_distances(x, n, d, d, a);
  gaussian_from_distances(a, n, sigma);
  return IBSH_OK;
}

/* a = normalised Hadamard product of the channels' Gaussian Grams. */
int ibsh_renyi_gram_channels(const double *x, size_t n, size_t d, size_t channels, const double *sigma, double *a) {
  int rc = check_n(n);
  if (rc) return rc;
  if (channels < 1 || d % channels) return ibsh_fail(IBSH_EINVAL, "%zu columns do not split into %zu channels", d, channels);
  if ((rc = check_finite(x, n * d))) return rc;
  size_t cols = d / channels;
  double *one = channels > 1 ? malloc(n * n * sizeof *one) : NULL;
  if (channels > 1 && !one) return ibsh_fail(IBSH_ENOMEM, "no memory for a %zu x %zu Gram matrix", n, n);
  for (size_t c = 0; c < channels; c++) {
    if (!(sigma[c] > 0) || !isfinite(sigma[c])) {
      free(one);
      return ibsh_fail(IBSH_EINVAL, "sigma of channel %zu must be a positive finite number, got %g", c + 1, sigma[c]);
    }
    double *dst = c == 0 ? a : one;
    squared_distances(x + c * cols, n, cols, d, dst);
    gaussian_from_distances(dst, n, sigma[c]);
    if (c > 0) ibsh_renyi_joint(a, one, n, a);
    if (ibsh_interrupted()) {
      free(one);
      return ibsh_fail(IBSH_EINTR, "interrupted");
    }
  }
  free(one);
  return IBSH_OK;
}

/* a = K / tr K for the label kernel [ids_i == ids_j]. */
void ibsh_renyi_gram_labels(const uint32_t *ids, size_t n, double *a) {
  double inv_n = 1.0 / (double)n;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) a[i * n + j] = ids[i] == ids[j] ? inv_n : 0;
}

/* out = (a o b) / tr(a o b). */
int ibsh_renyi_joint(const double *a, const double *b, size_t n, double *out) {
  double tr = 0;
  for (size_t i = 0; i < n; i++) tr += a[i * n + i] * b[i * n + i];
  if (!(tr > 0)) return ibsh_fail(IBSH_ENUM, "the joint Gram matrix has trace %g", tr);
  double inv = 1.0 / tr;
  for (size_t i = 0; i < n * n; i++) out[i] = a[i] * b[i] * inv;
  return IBSH_OK;
}

/* log2(sum lambda^alpha) / (1 - alpha) of a spectrum (negative rounding noise counts as 0). */
static double spectrum_entropy(const double *w, size_t n, double alpha) {
  double s = 0;
  for (size_t i = 0; i < n; i++)
    if (w[i] > 0) s += pow(w[i], alpha);
  return log2(s) / (1 - alpha);
}

/* Eigenvalues of the symmetric m x m matrix a (destroyed) into w, through dsyevd without vectors. */
static int eigenvalues(double *a, size_t m, double *w) {
  int n = (int)m, lwork = -1, liwork = -1, info = 0, iwq = 0;
  double wq = 0;
  dsyevd_("N", "L", &n, a, &n, w, &wq, &lwork, &iwq, &liwork, &info);
  if (info != 0) return ibsh_fail(IBSH_ENUM, "dsyevd workspace query failed (info %d)", info);
  lwork = (int)wq;
  liwork = iwq;
  double *work = malloc((size_t)lwork * sizeof *work);
  int *iwork = malloc((size_t)(liwork > 0 ? liwork : 1) * sizeof *iwork);
  if (!work || !iwork) {
    free(work);
    free(iwork);
    return ibsh_fail(IBSH_ENOMEM, "no memory for the eigenvalue workspace");
  }
  dsyevd_("N", "L", &n, a, &n, w, work, &lwork, iwork, &liwork, &info);
  free(work);
  free(iwork);
  if (info != 0) return ibsh_fail(IBSH_ENUM, "dsyevd did not converge (info %d)", info);
  return IBSH_OK;
}

/* Check alpha for the entropy. */
static int check_alpha(double alpha) {
  if (!(alpha > 0) || !isfinite(alpha)) return ibsh_fail(IBSH_EINVAL, "alpha must be a positive finite number, got %g", alpha);
  if (alpha == 1) return ibsh_fail(IBSH_EINVAL, "alpha = 1 is the Shannon limit, where the formula is 0/0; use alpha = 1.01");
  return IBSH_OK;
}

/* S_alpha(a) in bits. */
int ibsh_renyi_entropy(double *a, size_t n, double alpha, double *bits) {
  int rc = check_alpha(alpha);
  if (rc) return rc;
  if ((rc = check_n(n))) return rc;
  if (alpha == 2) {
    double s = 0;
    for (size_t i = 0; i < n * n; i++) s += a[i] * a[i];
    *bits = -log2(s);
    return IBSH_OK;
  }
  double *w = malloc(n * sizeof *w);
  if (!w) return ibsh_fail(IBSH_ENOMEM, "no memory for %zu eigenvalues", n);
  rc = eigenvalues(a, n, w);
  if (!rc) *bits = spectrum_entropy(w, n, alpha);
  free(w);
  return rc;
}

/* S_alpha of a restricted to its blocks of equal ids. */
int ibsh_renyi_entropy_blocks(const double *a, const uint32_t *ids, size_t k, size_t n, double alpha, double *bits) {
  int rc = check_alpha(alpha);
  if (rc) return rc;
  if ((rc = check_n(n))) return rc;
  size_t *rows = malloc(n * sizeof *rows), *start = calloc(k + 1, sizeof *start);
  double *w = malloc(n * sizeof *w), *block = NULL;
  if (!rows || !start || !w) {
    rc = ibsh_fail(IBSH_ENOMEM, "no memory for %zu rows", n);
    goto done;
  }
  for (size_t i = 0; i < n; i++) start[ids[i] + 1]++;
  for (size_t c = 0; c < k; c++) start[c + 1] += start[c];
  size_t biggest = 0;
  for (size_t c = 0; c < k; c++)
    if (start[c + 1] - start[c] > biggest) biggest = start[c + 1] - start[c];
  {
    size_t *fill = calloc(k, sizeof *fill);
    if (!fill) {
      rc = ibsh_fail(IBSH_ENOMEM, "no memory for %zu classes", k);
      goto done;
    }
    for (size_t i = 0; i < n; i++) rows[start[ids[i]] + fill[ids[i]]++] = i;
    free(fill);
  }
  block = malloc(biggest * biggest * sizeof *block);
  if (!block) {
    rc = ibsh_fail(IBSH_ENOMEM, "no memory for a %zu x %zu block", biggest, biggest);
    goto done;
  }
  double tr = 0;
  for (size_t i = 0; i < n; i++) tr += a[i * n + i];
  for (size_t c = 0; c < k && !rc; c++) {
    size_t m = start[c + 1] - start[c];
    const size_t *r = rows + start[c];
    for (size_t i = 0; i < m; i++)
      for (size_t j = 0; j < m; j++) block[i * m + j] = a[r[i] * n + r[j]] / tr;
    if (alpha == 2) {
      double s = 0;
      for (size_t i = 0; i < m * m; i++) s += block[i] * block[i];
      w[start[c]] = s;   /* sum of squared eigenvalues of this block */
    } else if (m > 0) {
      rc = eigenvalues(block, m, w + start[c]);
    }
  }
  if (!rc) {
    if (alpha == 2) {
      double s = 0;
      for (size_t c = 0; c < k; c++)
        if (start[c + 1] > start[c]) s += w[start[c]];
      *bits = -log2(s);
    } else {
      *bits = spectrum_entropy(w, n, alpha);
    }
  }
done:
  free(rows);
  free(start);
  free(w);
  free(block);
  return rc;
}

/* S_alpha of the label Gram in closed form. */
int ibsh_renyi_entropy_labels(const uint32_t *ids, size_t k, size_t n, double alpha, double *bits) {
  int rc = check_alpha(alpha);
  if (rc) return rc;
  if ((rc = check_n(n))) return rc;
  size_t *count = calloc(k, sizeof *count);
  if (!count) return ibsh_fail(IBSH_ENOMEM, "no memory for %zu classes", k);
  for (size_t i = 0; i < n; i++) count[ids[i]]++;
  double s = 0;
  for (size_t c = 0; c < k; c++)
    if (count[c]) s += pow((double)count[c] / (double)n, alpha);
  free(count);
  *bits = log2(s) / (1 - alpha);
  return IBSH_OK;
}

/* The spectra of ibsh_renyi_entropy_many: matrices, their size, alpha, results and per-task errors. */
typedef struct many_job {
  double **a;
  size_t n;
  double alpha;
  double *bits;
  int *rc;
  char (*msg)[256];
} many_job;

/* One spectrum of ibsh_renyi_entropy_many, its error kept for the caller's thread. */
static void many_task(void *ctx, size_t task, int worker) {
  (void)worker;
  many_job *j = ctx;
  j->rc[task] = ibsh_renyi_entropy(j->a[task], j->n, j->alpha, &j->bits[task]);
  if (j->rc[task]) snprintf(j->msg[task], sizeof j->msg[task], "%s", ibsh_errmsg());
}

/* S_alpha of count matrices, side by side on ibsh_threads() threads with single-threaded LAPACK each. */
int ibsh_renyi_entropy_many(double **a, size_t count, size_t n, double alpha, double *bits) {
  if (count > 16) return ibsh_fail(IBSH_EINVAL, "at most 16 matrices at once, got %zu", count);
  int rc[16] = {0};
  char msg[16][256];
  many_job job = {a, n, alpha, bits, rc, msg};
  int old = openblas_get_num_threads && openblas_set_num_threads ? openblas_get_num_threads() : 0;
  if (old > 1) openblas_set_num_threads(1);
  int prc = ibsh_parallel_run(count, 0, many_task, &job);
  if (old > 1) openblas_set_num_threads(old);
  if (prc) return prc;
  for (size_t i = 0; i < count; i++)
    if (rc[i]) return ibsh_fail(rc[i], "%s", msg[i]);
  return IBSH_OK;
}
