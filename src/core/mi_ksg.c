/*
** KSG estimators. Both searches (k-d tree and brute force) evaluate the same
** max-norm distances and comparisons, so they return bit-identical estimates.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "error.h"
#include "interrupt.h"
#include "kdtree.h"
#include "mi_ksg.h"
#include "mi_special.h"
#include "rng.h"

/* A searchable point set: a k-d tree, or the raw rows for brute force. */
typedef struct point_set {
  ibsh_kdtree tree;
  const double *pts;
  size_t n, dim;
  int brute;
} point_set;

/* Prepare a point set over n rows of dim columns. */
static int set_init(point_set *s, const double *pts, size_t n, size_t dim, int brute) {
  memset(s, 0, sizeof *s);
  s->pts = pts;
  s->n = n;
  s->dim = dim;
  s->brute = brute;
  return brute ? IBSH_OK : ibsh_kdtree_build(&s->tree, pts, n, dim);
}

/* Free a point set. */
static void set_free(point_set *s) {
  if (!s->brute) ibsh_kdtree_free(&s->tree);
}

/* k nearest neighbours of row i (excluding i): ascending distances and ids. */
static void set_knn(const point_set *s, size_t i, size_t k, double *dists, size_t *ids) {
  const double *q = s->pts + i * s->dim;
  if (!s->brute) {
    ibsh_kdtree_knn(&s->tree, q, i, k, dists, ids);
    return;
  }
  size_t found = 0;
  for (size_t j = 0; j < s->n; j++) {
    if (j == i) continue;
    double d = ibsh_maxdist(s->pts + j * s->dim, q, s->dim);
    if (found == k && d >= dists[k - 1]) continue;
    size_t p = found < k ? found++ : k - 1;
    while (p > 0 && dists[p - 1] > d) {
      dists[p] = dists[p - 1];
      ids[p] = ids[p - 1];
      p--;
    }
    dists[p] = d;
    ids[p] = j;
  }
}

/* Number of rows within distance r of row i (itself included): < r, or <= r when inclusive. */
static size_t set_count(const point_set *s, size_t i, double r, int inclusive) {
  const double *q = s->pts + i * s->dim;
  if (!s->brute) return ibsh_kdtree_count(&s->tree, q, r, inclusive);
  size_t c = 0;
  for (size_t j = 0; j < s->n; j++) {
    double d = ibsh_maxdist(s->pts + j * s->dim, q, s->dim);
    c += inclusive ? d <= r : d < r;
  }
  return c;
}

/* Copy n x d values into out, checking finiteness, z-scoring and adding seeded noise per column. */
static int prepare(const double *src, size_t n, size_t d, const ibsh_ksg_opts *o, ibsh_rng *rng, double *out,
                   const char *what) {
  for (size_t i = 0; i < n * d; i++)
    if (!isfinite(src[i])) return ibsh_fail(IBSH_EINVAL, "non-finite value %g in %s at row %zu, column %zu", src[i], what, i / d + 1, i % d + 1);
  memcpy(out, src, n * d * sizeof *out);
  for (size_t j = 0; j < d; j++) {
    double mean = 0, var = 0;
    for (size_t i = 0; i < n; i++) mean += out[i * d + j];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) var += (out[i * d + j] - mean) * (out[i * d + j] - mean);
    double sd = sqrt(var / (double)n);
    double scale = (o->normalize && sd > 0) ? 1 / sd : 1;
    double amp = o->noise * (o->normalize || sd == 0 ? 1 : sd);
    for (size_t i = 0; i < n; i++) {
      double v = out[i * d + j];
      if (o->normalize && sd > 0) v = (v - mean) * scale;
      if (amp > 0) v += amp * ibsh_rng_normal(rng);
      out[i * d + j] = v;
    }
  }
  return IBSH_OK;
}

/* Check the shared options. */
static int check_opts(const ibsh_ksg_opts *o, size_t n) {
  if (o->k < 1) return ibsh_fail(IBSH_EINVAL, "k must be at least 1");
  if (o->k >= n) return ibsh_fail(IBSH_EINVAL, "k = %zu must be smaller than the number of rows (%zu)", o->k, n);
  if (o->algorithm != 1 && o->algorithm != 2) return ibsh_fail(IBSH_EINVAL, "algorithm must be 1 or 2, got %d", o->algorithm);
  if (!(o->noise >= 0) || !isfinite(o->noise)) return ibsh_fail(IBSH_EINVAL, "noise must be a finite number >= 0");
  return IBSH_OK;
}

/* KSG estimate of I(X;Y) in nats for n rows of x (n x dx) and y (n x dy); never clipped at 0. */
int ibsh_mi_ksg(const double *x, size_t dx, const double *y, size_t dy, size_t n,
                const ibsh_ksg_opts *o, double *mi) {
  int rc = check_opts(o, n);
  if (rc) return rc;
  if (dx == 0 || dy == 0) return ibsh_fail(IBSH_EINVAL, "empty input");
  size_t dj = dx + dy, k = o->k;
  double *xs = malloc(n * dx * sizeof *xs), *ys = malloc(n * dy * sizeof *ys), *js = malloc(n * dj * sizeof *js);
  double *dists = malloc(k * sizeof *dists);
  size_t *ids = malloc(k * sizeof *ids);
  point_set sj, sx, sy;
  memset(&sj, 0, sizeof sj);
  memset(&sx, 0, sizeof sx);
  memset(&sy, 0, sizeof sy);
  sj.brute = sx.brute = sy.brute = 1;
  if (!xs || !ys || !js || !dists || !ids) {
    rc = ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
    goto done;
  }
  ibsh_rng rng;
  ibsh_rng_seed(&rng, o->seed);
  if ((rc = prepare(x, n, dx, o, &rng, xs, "x")) || (rc = prepare(y, n, dy, o, &rng, ys, "y"))) goto done;
  for (size_t i = 0; i < n; i++) {
    memcpy(js + i * dj, xs + i * dx, dx * sizeof *js);
    memcpy(js + i * dj + dx, ys + i * dy, dy * sizeof *js);
  }
  if ((rc = set_init(&sj, js, n, dj, o->brute)) || (rc = set_init(&sx, xs, n, dx, o->brute)) ||
      (rc = set_init(&sy, ys, n, dy, o->brute)))
    goto done;
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    if ((i & 1023) == 0 && ibsh_interrupted()) {
      rc = ibsh_fail(IBSH_EINTR, "interrupted");
      goto done;
    }
    set_knn(&sj, i, k, dists, ids);
    if (o->algorithm == 1) {
      double eps = dists[k - 1];
      size_t nx = set_count(&sx, i, eps, 0) - 1, ny = set_count(&sy, i, eps, 0) - 1;
      sum += ibsh_digamma((double)nx + 1) + ibsh_digamma((double)ny + 1);
    } else {
      double ex = 0, ey = 0;
      for (size_t m = 0; m < k; m++) {
        double a = ibsh_maxdist(xs + ids[m] * dx, xs + i * dx, dx), b = ibsh_maxdist(ys + ids[m] * dy, ys + i * dy, dy);
        if (a > ex) ex = a;
        if (b > ey) ey = b;
      }
      size_t nx = set_count(&sx, i, ex, 1) - 1, ny = set_count(&sy, i, ey, 1) - 1;
      sum += ibsh_digamma((double)nx) + ibsh_digamma((double)ny);
    }
  }
  double base = ibsh_digamma((double)k) + ibsh_digamma((double)n) - (o->algorithm == 2 ? 1.0 / (double)k : 0);
  *mi = base - sum / (double)n;
done:
  set_free(&sj);
  set_free(&sx);
  set_free(&sy);
  free(xs);
  free(ys);
  free(js);
  free(dists);
  free(ids);
  return rc;
}

/* Ross (2014) estimate of I(X;Y) in nats for continuous x (n x dx) and discrete y (dense ids, ky values). */
int ibsh_mi_ksg_discrete(const double *x, size_t dx, const uint32_t *yids, size_t ky, size_t n,
                         const ibsh_ksg_opts *o, double *mi) {
  int rc = check_opts(o, n);
  if (rc) return rc;
  size_t k = o->k;
  double *xs = malloc(n * dx * sizeof *xs), *sub = malloc(n * dx * sizeof *sub), *dists = malloc(k * sizeof *dists);
  size_t *ids = malloc(k * sizeof *ids), *order = malloc(n * sizeof *order), *start = calloc(ky + 1, sizeof *start);
  point_set all, cls;
  memset(&all, 0, sizeof all);
  memset(&cls, 0, sizeof cls);
  all.brute = cls.brute = 1;
  if (!xs || !sub || !dists || !ids || !order || !start) {
    rc = ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
    goto done;
  }
  ibsh_rng rng;
  ibsh_rng_seed(&rng, o->seed);
  if ((rc = prepare(x, n, dx, o, &rng, xs, "x"))) goto done;
  if ((rc = set_init(&all, xs, n, dx, o->brute))) goto done;
  /* Group rows by label (counting sort). */
  for (size_t i = 0; i < n; i++) start[yids[i] + 1]++;
  for (size_t c = 0; c < ky; c++) start[c + 1] += start[c];
  size_t *fill = malloc((ky ? ky : 1) * sizeof *fill);
  if (!fill) {
    rc = ibsh_fail(IBSH_ENOMEM, "out of memory");
    goto done;
  }
  memcpy(fill, start, ky * sizeof *fill);
  for (size_t i = 0; i < n; i++) order[fill[yids[i]]++] = i;
  free(fill);
  double sum = 0;
  size_t used = 0;
  for (size_t c = 0; c < ky; c++) {
    size_t m = start[c + 1] - start[c];
    if (m < 2) continue;   /* a label seen once has no neighbours: skipped, as scikit-learn does */
    size_t kc = k < m - 1 ? k : m - 1;
    for (size_t r = 0; r < m; r++) memcpy(sub + r * dx, xs + order[start[c] + r] * dx, dx * sizeof *sub);
    if ((rc = set_init(&cls, sub, m, dx, o->brute))) goto done;
    for (size_t r = 0; r < m; r++) {
      if ((r & 1023) == 0 && ibsh_interrupted()) {
        rc = ibsh_fail(IBSH_EINTR, "interrupted");
        goto done;
      }
      set_knn(&cls, r, kc, dists, ids);
      size_t mall = set_count(&all, order[start[c] + r], dists[kc - 1], 0);   /* includes the point itself */
      sum += ibsh_digamma((double)kc) - ibsh_digamma((double)m) - ibsh_digamma((double)mall);
      used++;
    }
    set_free(&cls);
    memset(&cls, 0, sizeof cls);
    cls.brute = 1;
  }
  if (used == 0) {
    rc = ibsh_fail(IBSH_EINVAL, "every label occurs only once");
    goto done;
  }
  *mi = ibsh_digamma((double)used) + sum / (double)used;
done:
  set_free(&all);
  set_free(&cls);
  free(xs);
  free(sub);
  free(dists);
  free(ids);
  free(order);
  free(start);
  return rc;
}
