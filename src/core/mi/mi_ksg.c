/*
** KSG estimators. Both searches (k-d tree and brute force) evaluate the same
** max-norm distances and comparisons, so they return bit-identical estimates.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/parallel.h"
#include "kdtree.h"
#include "mi_knn2d.h"
#include "mi_order.h"
#include "mi_count1d.h"
#include "ibsh/mi_ksg.h"
#include "mi_special.h"
#include "ibsh/rng.h"

/* A searchable point set: a k-d tree (plus a sorted copy for 1-D counts), x strips for a joint set of one x
   and one y column, or the raw rows for brute force. */
typedef struct point_set {
  ibsh_kdtree tree;
  ibsh_knn2d plane;     /* joint set of 1-D x and 1-D y: strip search instead of the tree */
  int use_plane;
  double *sorted;       /* 1-D sets: the values in ascending order */
  size_t *rank;         /* 1-D sets: sorted position of each row */
  const double *pts;
  size_t n, dim;
  int brute;            /* 1: O(n^2) scan (the oracle, or the fast path in high dimension) */
} point_set;

#define KSG_TASKS 64                 /* fixed query chunks: bits do not depend on the thread count */
#define KSG_PARALLEL_MIN 2048        /* rows below which one thread does all the queries */

/* Total dimension from which the default search scans all rows (with early exit per coordinate) instead of the
   k-d tree: the tree prunes little there, the scan touches rows in memory order. */
#define KSG_SCAN_DIM 16

/* Prepare a point set over n rows of dim columns (brute: 1 scan, -1 tree, 0 scan from KSG_SCAN_DIM columns on);
   counts_only sets of one column need no tree. */
static int set_init(point_set *s, const double *pts, size_t n, size_t dim, int brute, int counts_only) {
  memset(s, 0, sizeof *s);
  s->pts = pts;
  s->n = n;
  s->dim = dim;
  s->brute = brute > 0 || (brute == 0 && dim >= KSG_SCAN_DIM);
  if (s->brute) return IBSH_OK;
  if (dim == 1) {
    s->sorted = malloc(n * sizeof *s->sorted);
    s->rank = malloc(n * sizeof *s->rank);
    if (!s->sorted || !s->rank) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu points", n);
    int rc = ibsh_sort_ranked(pts, n, s->sorted, s->rank);
    if (rc || counts_only) return rc;
  }
  return ibsh_kdtree_build(&s->tree, pts, n, dim);
}

/* Prepare the joint set of 1-D x and 1-D y (sorted sets sx, sy) for the strip search. */
static int plane_init(point_set *s, const double *pts, size_t n, const point_set *sx, const point_set *sy, size_t k) {
  memset(s, 0, sizeof *s);
  s->pts = pts;
  s->n = n;
  s->dim = 2;
  size_t *yorder = malloc(n * sizeof *yorder);
  if (!yorder) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu points", n);
  for (size_t i = 0; i < n; i++) yorder[sy->rank[i]] = i;
  int rc = ibsh_knn2d_build(&s->plane, sx->pts, sy->pts, n, sx->rank, yorder, k);
  free(yorder);
  s->use_plane = rc == IBSH_OK;
  return rc;
}

/* Free a point set. */
static void set_free(point_set *s) {
  if (!s->brute) ibsh_kdtree_free(&s->tree);
  ibsh_knn2d_free(&s->plane);
  free(s->sorted);
  free(s->rank);
  s->sorted = NULL;
  s->rank = NULL;
}

/* k nearest neighbours of row i (excluding i): ascending distances and ids; cur (or NULL) speeds up a
   sequence of strip-search queries in ascending position order. */
static void set_knn(const point_set *s, size_t i, size_t k, double *dists, size_t *ids, ibsh_knn2d_cursor *cur) {
  const double *q = s->pts + i * s->dim;
  if (s->use_plane) {
    ibsh_knn2d_query(&s->plane, i, k, dists, ids, cur);
    return;
  }
  if (!s->brute) {
    ibsh_kdtree_knn(&s->tree, q, i, k, dists, ids);
    return;
  }
  size_t found = 0, dim = s->dim;
  for (size_t j = 0; j < s->n; j++) {
    if (j == i) continue;
    const double *r = s->pts + j * dim;
    double d = 0;
    if (found == k) {   /* early exit: once a coordinate reaches the k-th distance the row cannot enter */
      double kth = dists[k - 1];
      size_t c = 0;
      for (; c < dim; c++) {
        double v = fabs(r[c] - q[c]);
        if (v > d) d = v;
        if (d >= kth) break;
      }
      if (c < dim) continue;
    } else {
      d = ibsh_maxdist(r, q, dim);
    }
    found = ibsh_knn_insert(dists, ids, found, k, d, j);
  }
}

/* Number of rows within distance r of row i (itself included): < r, or <= r when inclusive. */
static size_t set_count(const point_set *s, size_t i, double r, int inclusive) {
  const double *q = s->pts + i * s->dim;
  if (s->sorted) return ibsh_sorted_count(s->sorted, s->n, s->rank[i], r, inclusive);
  if (!s->brute) return ibsh_kdtree_count(&s->tree, q, r, inclusive);
  size_t c = 0, dim = s->dim;
  for (size_t j = 0; j < s->n; j++) {   /* a row is outside as soon as one coordinate is */
    const double *p = s->pts + j * dim;
    size_t m = 0;
    if (inclusive)
      while (m < dim && fabs(p[m] - q[m]) <= r) m++;
    else
      while (m < dim && fabs(p[m] - q[m]) < r) m++;
    c += m == dim;
  }
  return c;
}

/* Robust spread of column j of the n x d matrix v scaled by inv: 1.4826 x the median absolute deviation
   (the standard deviation for Gaussian data), or 0 when more than half the values are equal. */
static double robust_scale(const double *v, size_t n, size_t d, size_t j, double inv, double *tmp,
                           uint64_t *keys) {
  for (size_t i = 0; i < n; i++) tmp[i] = v[i * d + j] * inv;
  double med = ibsh_median(tmp, n, keys);
  for (size_t i = 0; i < n; i++) tmp[i] = fabs(v[i * d + j] * inv - med);
  return 1.4826 * ibsh_median(tmp, n, keys);
}

/* What prepare does to one column: rescale by inv / sd_scaled (when normalising) and add noise of amplitude amp. */
typedef struct column_plan {
  double inv, sd_scaled, amp;
} column_plan;

/* Plan column j of the n x d block out (already copied): its scale, standard deviation and noise amplitude. The
   moments are taken of the values divided by the column's largest magnitude, so no square overflows even for values
   near DBL_MAX. Returns -1 when out of memory. */
static int plan_column(const double *out, size_t n, size_t d, size_t j, const ibsh_ksg_opts *o, column_plan *pl) {
  double *tmp = calloc(n, sizeof *tmp);   /* calloc: gcc cannot see that robust_scale fills it before reading */
  uint64_t *keys = malloc(n * sizeof *keys);
  if (!tmp || !keys) {
    free(tmp);
    free(keys);
    return -1;
  }
  double big = 0;
  for (size_t i = 0; i < n; i++) big = fmax(big, fabs(out[i * d + j]));
  double inv = big > 0 ? 1 / big : 1, mean = 0, var = 0;
  if (!isfinite(inv)) inv = 1;   /* subnormal magnitudes: no rescaling needed */
  for (size_t i = 0; i < n; i++) mean += out[i * d + j] * inv;
  mean /= (double)n;
  for (size_t i = 0; i < n; i++) var += (out[i * d + j] * inv - mean) * (out[i * d + j] * inv - mean);
  double sd_scaled = sqrt(var / (double)n);   /* standard deviation of the rescaled column */
  double sd = sd_scaled * big;                 /* finite: at most big */
  /* The noise is relative to the smaller of the standard deviation and the robust spread, so one huge
     outlier (which inflates the standard deviation) cannot drown the other values in noise. */
  double robust = robust_scale(out, n, d, j, inv, tmp, keys);
  double rel = (robust > 0 && robust < sd_scaled) ? robust / sd_scaled : 1;
  *pl = (column_plan){inv, sd_scaled, o->noise * rel * (o->normalize || sd == 0 ? 1 : sd)};
  free(tmp);
  free(keys);
  return 0;
}

/* Copy n x d values into out, checking finiteness (the error names what, "x" or "y"). */
static int copy_finite(const double *src, size_t n, size_t d, double *out, const char *what) {
  for (size_t i = 0; i < n * d; i++)
    if (!isfinite(src[i])) return ibsh_fail(IBSH_EINVAL, "non-finite value %g in %s at row %zu, column %zu", src[i], what, i / d + 1, i % d + 1);
  memcpy(out, src, n * d * sizeof *out);
  return IBSH_OK;
}

/* Apply the plans of the d columns of out in column order, drawing the noise from rng; *constant is set when
   every row of the block is the same. */
static void apply_plans(double *out, size_t n, size_t d, const ibsh_ksg_opts *o, const column_plan *plans,
                        ibsh_rng *rng, int *constant) {
  *constant = 1;
  for (size_t j = 0; j < d; j++) {
    const column_plan *pl = &plans[j];
    if (pl->sd_scaled > 0) *constant = 0;
    for (size_t i = 0; i < n; i++) {
      double v = out[i * d + j];
      /* scaled, not centred: KSG is translation invariant, and subtracting the mean would round away the
         differences between ordinary values when one value is huge */
      if (o->normalize && pl->sd_scaled > 0) v = v * pl->inv / pl->sd_scaled;
      if (pl->amp > 0) v += pl->amp * (2 * ibsh_rng_uniform(rng) - 1);   /* uniform tie-breaking noise in [-amp, amp] */
      out[i * d + j] = v;
    }
  }
}

/* The column plans of x and y, one task per column (the medians of large columns are worth a thread each). */
typedef struct plan_job {
  const double *xs, *ys;
  size_t n, dx, dy;
  const ibsh_ksg_opts *o;
  column_plan *plans;   /* dx + dy: x's columns, then y's */
  _Atomic int failed;
} plan_job;

/* Plan one column of plan_columns. */
static void plan_task(void *ctx, size_t task, int worker) {
  (void)worker;
  plan_job *j = ctx;
  int in_x = task < j->dx;
  if (plan_column(in_x ? j->xs : j->ys, j->n, in_x ? j->dx : j->dy, in_x ? task : task - j->dx, j->o, &j->plans[task]))
    atomic_store(&j->failed, 1);
}

/* Copy, check, scale and add seeded noise to x (and y when ys is not NULL): the columns' plans side by side, then the
   noise of x's columns and y's in order from rng, so the draws do not depend on the thread count. */
static int prepare_xy(const double *x, size_t dx, const double *y, size_t dy, size_t n, const ibsh_ksg_opts *o,
                      ibsh_rng *rng, double *xs, double *ys, int *cx, int *cy) {
  int rc = copy_finite(x, n, dx, xs, "x");
  if (!rc && ys) rc = copy_finite(y, n, dy, ys, "y");
  if (rc) return rc;
  size_t ncols = dx + (ys ? dy : 0);
  plan_job j = {xs, ys, n, dx, ys ? dy : 0, o, malloc(ncols * sizeof(column_plan)), 0};
  if (!j.plans) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
  int nworkers = n < KSG_PARALLEL_MIN ? 1 : ibsh_threads();
  (void)ibsh_parallel_run(ncols, nworkers, plan_task, &j);   /* a thread that fails to start leaves its tasks to worker 0 */
  if (atomic_load(&j.failed)) {
    free(j.plans);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
  }
  apply_plans(xs, n, dx, o, j.plans, rng, cx);
  if (ys) apply_plans(ys, n, dy, o, j.plans + dx, rng, cy);
  free(j.plans);
  return IBSH_OK;
}

/* psi(1..n + 1) by the recurrence psi(m + 1) = psi(m) + 1/m (table[m] = psi(m); table[0] unused). */
static double *digamma_table(size_t n) {
  double *t = malloc((n + 2) * sizeof *t);
  if (!t) return NULL;
  t[0] = 0;
  t[1] = ibsh_digamma(1);
  for (size_t m = 1; m <= n; m++) t[m + 1] = t[m] + 1.0 / (double)m;
  return t;
}

/* The two marginal point sets, built side by side (one task each) since their sorts and trees are independent. */
typedef struct marginal_job {
  point_set *set[2];
  const double *pts[2];
  size_t n, dim[2];
  int brute, rc[2];
} marginal_job;

/* One marginal set of marginal_sets. */
static void marginal_task(void *ctx, size_t task, int worker) {
  (void)worker;
  marginal_job *j = ctx;
  j->rc[task] = set_init(j->set[task], j->pts[task], j->n, j->dim[task], j->brute, 1);
}

/* Prepare the point sets of x and y (on two threads for large n). */
static int marginal_sets(point_set *sx, point_set *sy, const double *xs, const double *ys, size_t n, size_t dx,
                         size_t dy, int brute) {
  marginal_job j = {{sx, sy}, {xs, ys}, n, {dx, dy}, brute, {0, 0}};
  if (n < KSG_PARALLEL_MIN || ibsh_threads() < 2) {
    marginal_task(&j, 0, 0);
    if (j.rc[0]) return j.rc[0];
    marginal_task(&j, 1, 0);
    return j.rc[1];
  }
  (void)ibsh_parallel_run(2, 2, marginal_task, &j);   /* a thread that fails to start leaves its task to worker 0 */
  if (j.rc[0] || j.rc[1]) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu points", n);   /* the message was the worker's */
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

/* The per-row work of ibsh_mi_ksg shared by its parallel tasks. */
typedef struct ksg_ctx {
  const point_set *sj, *sx, *sy;
  const double *xs, *ys;
  size_t dx, dy, n, k;
  int algorithm;
  const double *psi;
  double *term;              /* n: each row's digamma term */
  size_t chunk;              /* queries per task */
  double *dists;             /* per worker: k */
  size_t *ids;               /* per worker: k */
  _Atomic size_t bad_p;      /* smallest query position with a zero k-th distance (n: none) */
  _Atomic int interrupted;
} ksg_ctx;

/* The row of the p-th query in the joint set's order. */
static size_t query_row(const point_set *sj, size_t p) {
  return sj->brute ? p : sj->use_plane ? sj->plane.id[p] : sj->tree.index[p];
}

/* Entries between two workers' neighbour lists: k rounded up to a cache line, plus one line, so no two workers
   write to the same line (a shared line made two threads 20 % slower than one). */
static size_t ksg_stride(size_t k) {
  return (k + 7) / 8 * 8 + 8;
}

/* One task: the queries [task * chunk, (task + 1) * chunk) of ibsh_mi_ksg. */
static void ksg_task(void *ctxp, size_t task, int worker) {
  ksg_ctx *c = ctxp;
  size_t k = c->k, dx = c->dx, dy = c->dy, first = task * c->chunk, last = first + c->chunk;
  double *dists = c->dists + (size_t)worker * ksg_stride(k);
  size_t *ids = c->ids + (size_t)worker * ksg_stride(k);
  if (last > c->n) last = c->n;
  ibsh_knn2d_cursor cur;   /* the queries run in ascending position order */
  ibsh_knn2d_cursor_reset(&cur);
  for (size_t p = first; p < last; p++) {
    if ((p & 1023) == 0 && (c->interrupted || ibsh_interrupted())) {
      c->interrupted = 1;
      return;
    }
    size_t i = query_row(c->sj, p);
    set_knn(c->sj, i, k, dists, ids, &cur);
    if (c->algorithm == 1) {
      double eps = dists[k - 1];
      if (!(eps > 0)) {
        size_t seen = c->bad_p;
        while (p < seen && !atomic_compare_exchange_weak(&c->bad_p, &seen, p)) {}
        return;
      }
      size_t nx = set_count(c->sx, i, eps, 0) - 1, ny = set_count(c->sy, i, eps, 0) - 1;
      c->term[i] = c->psi[nx + 1] + c->psi[ny + 1];
    } else {
      double ex = 0, ey = 0;
      for (size_t m = 0; m < k; m++) {
        double a = ibsh_maxdist(c->xs + ids[m] * dx, c->xs + i * dx, dx);
        double b = ibsh_maxdist(c->ys + ids[m] * dy, c->ys + i * dy, dy);
        if (a > ex) ex = a;
        if (b > ey) ey = b;
      }
      size_t nx = set_count(c->sx, i, ex, 1) - 1, ny = set_count(c->sy, i, ey, 1) - 1;
      c->term[i] = c->psi[nx] + c->psi[ny];
    }
  }
}

/* KSG estimate of I(X;Y) in nats for n rows of x (n x dx) and y (n x dy); never clipped at 0. */
int ibsh_mi_ksg(const double *x, size_t dx, const double *y, size_t dy, size_t n,
                const ibsh_ksg_opts *o, double *mi) {
  int rc = check_opts(o, n);
  if (rc) return rc;
  if (dx == 0 || dy == 0) return ibsh_fail(IBSH_EINVAL, "empty input");
  size_t dj = dx + dy, k = o->k;
  double *xs = malloc(n * dx * sizeof *xs), *ys = malloc(n * dy * sizeof *ys), *js = malloc(n * dj * sizeof *js);
  double *psi = digamma_table(n), *term = malloc(n * sizeof *term);
  point_set sj, sx, sy;
  memset(&sj, 0, sizeof sj);
  memset(&sx, 0, sizeof sx);
  memset(&sy, 0, sizeof sy);
  sj.brute = sx.brute = sy.brute = 1;
  if (!xs || !ys || !js || !psi || !term) {
    rc = ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
    goto done;
  }
  ibsh_rng rng;
  ibsh_rng_seed(&rng, o->seed);
  int cx, cy;
  if ((rc = prepare_xy(x, dx, y, dy, n, o, &rng, xs, ys, &cx, &cy))) goto done;
  if (cx || cy) {   /* a constant variable shares no information (and has no neighbour distances) */
    *mi = 0;
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    memcpy(js + i * dj, xs + i * dx, dx * sizeof *js);
    memcpy(js + i * dj + dx, ys + i * dy, dy * sizeof *js);
  }
  if ((rc = marginal_sets(&sx, &sy, xs, ys, n, dx, dy, o->brute))) goto done;
  if (o->brute <= 0 && dx == 1 && dy == 1) rc = plane_init(&sj, js, n, &sx, &sy, k);
  else rc = set_init(&sj, js, n, dj, o->brute, 0);
  if (rc) goto done;
  /* Queries run in the joint tree's order (neighbouring queries touch the same nodes), in fixed chunks spread
     over threads; each row's term is stored and the terms are summed in row order, so the result depends
     neither on the order nor on the number of threads. */
  ksg_ctx c = {&sj, &sx, &sy, xs, ys, dx, dy, n, k, o->algorithm, psi, term, (n + KSG_TASKS - 1) / KSG_TASKS,
               NULL, NULL, n, 0};
  int nworkers = n < KSG_PARALLEL_MIN ? 1 : ibsh_threads();
  if (nworkers > KSG_TASKS) nworkers = KSG_TASKS;
  c.dists = malloc((size_t)nworkers * ksg_stride(k) * sizeof *c.dists);
  c.ids = malloc((size_t)nworkers * ksg_stride(k) * sizeof *c.ids);
  if (!c.dists || !c.ids) {
    free(c.dists);
    free(c.ids);
    rc = ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
    goto done;
  }
  (void)ibsh_parallel_run(KSG_TASKS, nworkers, ksg_task, &c);   /* a thread that fails to start leaves its tasks to worker 0 */
  free(c.dists);
  free(c.ids);
  if (c.interrupted) {
    rc = ibsh_fail(IBSH_EINTR, "interrupted");
    goto done;
  }
  if (c.bad_p < n) {
    size_t i = query_row(&sj, c.bad_p);
    rc = ibsh_fail(IBSH_EINVAL, "row %zu has %zu exact duplicates in the joint space (k-th neighbour at distance 0): "
                   "use noise > 0 to break ties", i + 1, k);
    goto done;
  }
  double sum = 0;
  for (size_t i = 0; i < n; i++) sum += term[i];
  double base = psi[k] + psi[n] - (o->algorithm == 2 ? 1.0 / (double)k : 0);
  *mi = base - sum / (double)n;
done:
  set_free(&sj);
  set_free(&sx);
  set_free(&sy);
  free(xs);
  free(ys);
  free(js);
  free(psi);
  free(term);
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
  int cx;
  if ((rc = prepare_xy(x, dx, NULL, 0, n, o, &rng, xs, NULL, &cx, NULL))) goto done;
  if (cx) {   /* a constant x shares no information with y */
    *mi = 0;
    goto done;
  }
  if ((rc = set_init(&all, xs, n, dx, o->brute, 1))) goto done;
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
    if ((rc = set_init(&cls, sub, m, dx, o->brute, 0))) goto done;
    for (size_t r = 0; r < m; r++) {
      if ((r & 1023) == 0 && ibsh_interrupted()) {
        rc = ibsh_fail(IBSH_EINTR, "interrupted");
        goto done;
      }
      set_knn(&cls, r, kc, dists, ids, NULL);
      if (!(dists[kc - 1] > 0)) {
        rc = ibsh_fail(IBSH_EINVAL, "row %zu has %zu exact duplicates within its label (k-th neighbour at distance 0): "
                       "use noise > 0 to break ties", order[start[c] + r] + 1, kc);
        goto done;
      }
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
