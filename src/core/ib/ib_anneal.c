/*
** Tracing the IB curve: beta schedules (automatic grid from beta0, or fixed), forward
** annealing from the trivial encoder with cluster splitting, reverse annealing from
** T = X with merging of duplicate clusters, warm starts, restarts, convergence.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/parallel.h"
#include "ibsh/interrupt.h"
#include "ibsh/rng.h"
#include "ibsh/ib.h"
#include "ibsh/progress.h"

#define LN2 0.69314718055994530942
#define IB_STREAM_BLOCK 64   /* columns per block of the streaming update (a multiple of 8, at most IBSH_IB_BLOCK_MAX) */

/* Fill opts with the defaults. */
void ibsh_ib_opts_default(ibsh_ib_opts *o) {
  memset(o, 0, sizeof *o);
  o->alpha = 1.0;
  o->npoints = 0;           /* 0 = automatic: 60, or 100 when |Y| > 2 */
  o->iterations = 0;        /* 0 = automatic: 1000 on a grid, as given for a fixed schedule */
  o->tol = -1;              /* < 0 = automatic */
  o->init = IBSH_IB_INIT_AUTO;
  o->direction = -1;        /* automatic */
  o->reduce = -1;           /* automatic: on for the grid, off for a fixed schedule */
  o->merge = 1;
  o->merge_tol = -1;        /* automatic */
  o->split = -1;
  o->perturb = 1e-3;
  o->restarts = 0;
  o->max_clusters = 0;
  o->encoders = 0;
  o->refine = 1e-6;
  o->max_points = 0;
  o->progress = NULL;        /* 0 = automatic: 500 for small problems, no refinement for large ones */
  o->agglomerative = -1;
  o->seed = 1;
}

/* Set the encoder: identity (T = X), trivial (one cluster) or random (cap clusters); streaming: the
   identity only by its statistics (the streaming update never reads the stored encoder). */
static void init_state(const ibsh_ib_problem *p, ibsh_ib_state *s, int init, ibsh_rng *rng, int streaming) {
  size_t nx = p->nx;
  if (init == IBSH_IB_INIT_IDENTITY && streaming) {
    ibsh_ib_stats_identity(p, s);
    return;
  }
  if (init == IBSH_IB_INIT_IDENTITY) {
    s->nt = nx;
    memset(s->q, 0, nx * nx * sizeof(double));
    for (size_t x = 0; x < nx; x++) s->q[x * nx + x] = 1.0;
  } else if (init == IBSH_IB_INIT_RANDOM) {
    s->nt = s->cap;
    for (size_t x = 0; x < nx; x++) s->work[x] = 0;
    for (size_t t = 0; t < s->nt; t++)
      for (size_t x = 0; x < nx; x++) { double u = ibsh_rng_uniform(rng) + 1e-3; s->q[t * nx + x] = u; s->work[x] += u; }
    for (size_t t = 0; t < s->nt; t++) for (size_t x = 0; x < nx; x++) s->q[t * nx + x] /= s->work[x];
  } else {
    s->nt = 1;
    for (size_t x = 0; x < nx; x++) s->q[x] = 1.0;
  }
  ibsh_ib_stats(p, s);
}

/* Split every cluster in two with a seeded multiplicative perturbation, up to the capacity. */
static void split_clusters(const ibsh_ib_problem *p, ibsh_ib_state *s, double perturb, ibsh_rng *rng) {
  size_t nx = p->nx, nt = s->nt;
  for (size_t t = 0; t < nt && s->nt < s->cap; t++) {
    double *src = s->q + t * nx, *dst = s->q + s->nt * nx;
    for (size_t x = 0; x < nx; x++) {
      double u = perturb * (2.0 * ibsh_rng_uniform(rng) - 1.0);
      dst[x] = src[x] * 0.5 * (1.0 + u);
      src[x] = src[x] * 0.5 * (1.0 - u);
    }
    s->nt++;
  }
  ibsh_ib_stats(p, s);
}

/* Largest change of p(t) and p(y|t) between two snapshots of equal size. */
static double stats_change(const double *pt0, const double *pyt0, const ibsh_ib_state *s) {
  double d = 0;
  for (size_t t = 0; t < s->nt; t++) {
    double e = fabs(s->pt[t] - pt0[t]);
    if (e > d) d = e;
    for (size_t y = 0; y < s->ny; y++) {
      e = fabs(s->pyt[t * s->ny + y] - pyt0[t * s->ny + y]);
      if (e > d) d = e;
    }
  }
  return d;
}

/* Iterate the updates at one beta until converged or out of iterations; exact duplicates merge on the way. */
static int solve_beta(const ibsh_ib_problem *p, ibsh_ib_state *s, double beta, double alpha, int iterations, double tol,
                      int merge, double merge_tol, double *snap, int *used, double *buf, size_t block) {
  double *pt0 = snap, *pyt0 = snap + s->cap;
  int it;
  for (it = 0; it < iterations; it++) {
    if (ibsh_interrupted()) return ibsh_fail(IBSH_EINTR, "interrupted");
    size_t nt = s->nt;
    memcpy(pt0, s->pt, nt * sizeof(double));
    memcpy(pyt0, s->pyt, nt * s->ny * sizeof(double));
    if (buf) ibsh_ib_update_streaming(p, s, beta, alpha, buf, block);
    else ibsh_ib_update(p, s, beta, alpha);
    for (size_t t = 0; t < s->nt; t++)
      if (!isfinite(s->pt[t])) return ibsh_fail(IBSH_ENUM, "numerical failure at beta = %g (p(t) is not finite)", beta);
    double d = stats_change(pt0, pyt0, s);
    if (merge) {
      double hc = s->hcond;
      /* Clusters with identical p(y|t) have proportional rows after an update: merging them is exact. */
      if (ibsh_ib_merge(p, s, 1e-14, 0.0) > 0) { d = INFINITY; (void)hc; }
      /* Every 25 iterations, clusters that stayed together (a split that is not a bifurcation) merge early. */
      if (merge_tol > 0 && it % 25 == 24 && ibsh_ib_merge(p, s, merge_tol, 1e-12) > 0) d = INFINITY;
    }
    if (d <= tol) { it++; break; }
  }
  if (used) *used = it;
  return IBSH_OK;
}

/* Lagrangian of the generalised IB in nats: H(T) - alpha H(T|X) - beta I(T;Y). */
static double lagrangian(double ixt, double ity, double ht, double alpha, double beta) {
  return ht - alpha * (ht - ixt) - beta * ity;
}

/* Record the state's point (bits) and its encoder if asked. */
static int record(ibsh_ib_curve *c, const ibsh_ib_problem *p, const ibsh_ib_state *s, double beta, int encoders) {
  double ix, iy, h;
  ibsh_ib_info(p, s, &ix, &iy, &h);
  return ibsh_ib_curve_add(c, beta, ix / LN2, iy / LN2, h / LN2, encoders ? s->q : NULL, s->nt, p->nx);
}

/* Bound (bits) on the distance between a concave curve and its chord, from the end points and their slopes 1/beta. */
static double chord_bound(double x0, double y0, double b0, double x1, double y1, double b1) {
  double dx = x1 - x0;
  if (!(dx > 1e-12)) return 0;
  double m0 = 1.0 / b0, m1 = 1.0 / b1, mc = (y1 - y0) / dx;
  if (!(m0 > m1)) return fabs(y1 - y0);  /* slopes unusable: refine on the rise instead */
  if (mc > m0 || mc < m1) return fabs(y1 - y0);
  /* Tangents meet at xs; the triangle's height over the chord bounds the error. */
  double xs = (y1 - y0 + m0 * x0 - m1 * x1) / (m0 - m1);
  return y0 + m0 * (xs - x0) - (y0 + mc * (xs - x0));
}

/* Points of the automatic grid placed below beta0 (between 1 and beta0). */
#define BELOW_BETA0 20

/* The automatic grid: BELOW_BETA0 geometric points from 1 (the lowest possible threshold: I(T;Y) <= I(X;T))
   up to beta0 = 1/rho_m^2, where the trivial solution stops being a local optimum but the curve may already
   have left it (the true threshold is the hypercontractivity ratio, Anantharam et al. 2013, which can lie
   below), then beta0 (1 + s) with s geometric from 1e-4 to 1e3; or geometric between the user's bounds. */
static double *make_grid(const ibsh_ib_opts *o, double beta0, size_t *n) {
  size_t m = o->npoints, below = (o->beta_min > 0 || o->beta_max > 0 || !(beta0 > 1.001)) ? 0 : BELOW_BETA0;
  double *b = malloc((m + below) * sizeof *b);
  if (!b) return NULL;
  if (o->beta_min > 0 || o->beta_max > 0) {
    double lo = o->beta_min > 0 ? o->beta_min : (isfinite(beta0) ? beta0 : 1.0);
    double hi = o->beta_max > 0 ? o->beta_max : lo * 1e3;
    for (size_t k = 0; k < m; k++) b[k] = m == 1 ? lo : lo * pow(hi / lo, (double)k / (double)(m - 1));
  } else {
    for (size_t k = 0; k < below; k++) b[k] = (1.0 + 1e-6) * pow(beta0 / (1.0 + 1e-6), (double)k / (double)below);
    for (size_t k = 0; k < m; k++) {
      double e = m == 1 ? 0 : -4.0 + 7.0 * (double)k / (double)(m - 1);
      b[below + k] = beta0 * (1.0 + pow(10.0, e));
    }
  }
  *n = m + below;
  return b;
}

/* Trace the IB curve of the joint pxy (nx x ny) (see ibsh_ib_curve_solve). */
static int curve_solve(ibsh_ib_curve *c, const double *pxy, size_t nx, size_t ny, const ibsh_ib_opts *o) {
  ibsh_ib_curve_init(c, IBSH_IB_DISCRETE);
  int fixed = o->betas != NULL;
  c->fixed = fixed;
  if (!(o->alpha >= 0) || o->alpha > 1e6) return ibsh_fail(IBSH_EINVAL, "alpha must be >= 0, got %g", o->alpha);
  if (fixed) {
    if (o->nbetas == 0) return ibsh_fail(IBSH_EINVAL, "betas is empty");
    for (size_t k = 0; k < o->nbetas; k++)
      if (!(o->betas[k] > 0) || !isfinite(o->betas[k])) return ibsh_fail(IBSH_EINVAL, "betas[%zu] = %g: betas must be finite and > 0", k + 1, o->betas[k]);
  } else {
    if (o->beta_min < 0 || o->beta_max < 0 || !isfinite(o->beta_min) || !isfinite(o->beta_max))
      return ibsh_fail(IBSH_EINVAL, "beta range must be finite and >= 0");
    if (o->beta_min > 0 && o->beta_max > 0 && o->beta_max < o->beta_min)
      return ibsh_fail(IBSH_EINVAL, "beta_max %g is below beta_min %g", o->beta_max, o->beta_min);
  }
  if (o->iterations < 0) return ibsh_fail(IBSH_EINVAL, "iterations must be >= 0, got %d", o->iterations);
  int reduce = o->reduce >= 0 ? o->reduce : !fixed;
  ibsh_ib_problem p;
  int rc = ibsh_ib_problem_init(&p, pxy, nx, ny, reduce);
  if (rc) return rc;
  c->hx = p.hx_orig / LN2; c->hy = p.hy / LN2; c->ixy = p.ixy / LN2;
  c->nx_orig = nx; c->nx = p.nx;
  c->xmap = malloc(nx * sizeof *c->xmap);
  if (!c->xmap) { ibsh_ib_problem_free(&p); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  memcpy(c->xmap, p.xmap, nx * sizeof *c->xmap);
  double beta0;
  rc = ibsh_ib_beta0(&p, &beta0);
  if (rc) { ibsh_ib_problem_free(&p); return rc; }
  c->beta0 = beta0;

  /* Schedule and direction. */
  double *grid = NULL;
  size_t nb = 0;
  if (fixed) {
    grid = malloc(o->nbetas * sizeof *grid);
    if (grid) memcpy(grid, o->betas, o->nbetas * sizeof *grid);
    nb = o->nbetas;
  } else if (isfinite(beta0)) {
    ibsh_ib_opts og = *o;
    if (og.npoints == 0) og.npoints = ny > 2 ? 100 : 60;
    grid = make_grid(&og, beta0, &nb);
  } else {
    grid = malloc(sizeof *grid);
    nb = 0;
  }
  if (!grid) { ibsh_ib_problem_free(&p); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  int direction = o->direction;
  if (direction < 0) {
    if (fixed) direction = (nb >= 2 && grid[0] > grid[nb - 1]) ? IBSH_IB_REVERSE : IBSH_IB_FORWARD;
    else direction = o->alpha > 0 ? IBSH_IB_FORWARD : IBSH_IB_REVERSE;
  }
  if (!fixed && direction == IBSH_IB_REVERSE)
    for (size_t k = 0; k < nb / 2; k++) { double t = grid[k]; grid[k] = grid[nb - 1 - k]; grid[nb - 1 - k] = t; }
  int init = o->init;
  if (init == IBSH_IB_INIT_AUTO) init = direction == IBSH_IB_REVERSE ? IBSH_IB_INIT_IDENTITY : IBSH_IB_INIT_TRIVIAL;
  int split = o->split >= 0 ? o->split : (direction == IBSH_IB_FORWARD && o->alpha > 0);
  size_t cap = o->max_clusters;
  if (cap == 0) cap = p.nx + 1 < 32 ? p.nx + 1 : 32;
  if (init == IBSH_IB_INIT_IDENTITY && cap < p.nx) cap = p.nx;
  int small = p.nx <= 64;  /* small problems converge fast: iterate longer and refine the grid */
  int iterations = o->iterations > 0 ? o->iterations : (fixed ? 5 : small ? 2000 : 100);
  size_t max_points = o->max_points > 0 ? o->max_points : (small ? 500 : 0);
  double tol = o->tol >= 0 ? o->tol : (fixed ? 0.0 : 1e-10);
  double merge_tol = o->merge_tol >= 0 ? o->merge_tol : 1e-5;

  ibsh_ib_state s, best, prev;
  memset(&best, 0, sizeof best);
  memset(&prev, 0, sizeof prev);
  rc = ibsh_ib_state_init(&s, &p, cap);
  if (!rc && o->restarts > 0) rc = ibsh_ib_state_init(&best, &p, cap);
  double *snap = calloc(cap * (ny + 1), sizeof *snap);
  if (!rc && !snap) rc = ibsh_fail(IBSH_ENOMEM, "out of memory");
  ibsh_rng rng;
  ibsh_rng_seed(&rng, o->seed);
  /* Fixed schedules that keep no encoders stream the update: p(t|x) is never stored whole. */
  size_t sblock = p.nx < IB_STREAM_BLOCK ? p.nx : IB_STREAM_BLOCK;
  double *sbuf = NULL;
  if (!rc && fixed && !o->encoders && o->alpha > 0 && !split && o->restarts == 0 && p.nx >= 256) {
    sbuf = malloc(cap * sblock * sizeof *sbuf);
    if (!sbuf) rc = ibsh_fail(IBSH_ENOMEM, "out of memory");
  }
  if (!rc) {
    init_state(&p, &s, init, &rng, sbuf != NULL);
    /* The trivial point is always on the curve. */
    if (!fixed) {
      /* The trivial encoder (one cluster) sits in s right after the trivial init; otherwise store ones. */
      double *ones = o->encoders ? malloc(p.nx * sizeof *ones) : NULL;
      if (ones) for (size_t x = 0; x < p.nx; x++) ones[x] = 1.0;
      rc = ibsh_ib_curve_add(c, 0.0, 0.0, 0.0, 0.0, ones, ones ? 1 : 0, p.nx);
      free(ones);
    }
  }
  if (!rc && !fixed && o->refine > 0 && direction == IBSH_IB_FORWARD && o->restarts == 0)
    rc = ibsh_ib_state_init(&prev, &p, cap);
  int adaptive = prev.q != NULL;
  double px0 = 0, py0 = 0, pb0 = beta0;   /* previous accepted point (bits) and its beta */
  if (adaptive) ibsh_ib_state_copy(&prev, &s);
  int reverse_pass = !fixed && o->direction < 0 && small && o->alpha > 0 && nb > 0;
  if (o->progress) o->progress->total = (long)(reverse_pass ? 2 * nb : nb);
  for (size_t k = 0; !rc && k < nb; k++) {
    if (o->progress) ibsh_progress_update(o->progress, (long)k, NULL);
    double target = grid[k], beta = target;
    for (;;) {
      if (split) split_clusters(&p, &s, o->perturb, &rng);
      rc = solve_beta(&p, &s, beta, o->alpha, iterations, tol, o->merge, fixed ? 0 : merge_tol, snap, NULL, sbuf, sblock);
      if (rc) break;
      if (adaptive) {
        double ix, iy, h;
        ibsh_ib_info(&p, &s, &ix, &iy, &h);
        ix /= LN2; iy /= LN2;
        double bound = chord_bound(px0, py0, pb0, ix, iy, beta);
        if (bound > o->refine && beta > pb0 * (1 + 1e-9) && c->n < max_points) {
          beta = sqrt(beta * (pb0 > 0 ? pb0 : beta * 0.5));  /* halve the step (geometric) */
          ibsh_ib_state_copy(&s, &prev);
          continue;
        }
      }
      for (int r = 0; r < o->restarts && !rc; r++) {
        init_state(&p, &best, IBSH_IB_INIT_RANDOM, &rng, 0);
        rc = solve_beta(&p, &best, beta, o->alpha, iterations, tol, o->merge, fixed ? 0 : merge_tol, snap, NULL, NULL, 0);
        if (rc) break;
        double ix0, iy0, h0, ix1, iy1, h1;
        ibsh_ib_info(&p, &s, &ix0, &iy0, &h0);
        ibsh_ib_info(&p, &best, &ix1, &iy1, &h1);
        if (lagrangian(ix1, iy1, h1, o->alpha, beta) < lagrangian(ix0, iy0, h0, o->alpha, beta) - 1e-12)
          ibsh_ib_state_copy(&s, &best);
      }
      if (rc) break;
      rc = record(c, &p, &s, beta, o->encoders);
      if (rc) break;
      px0 = c->ixt[c->n - 1]; py0 = c->ity[c->n - 1]; pb0 = beta;
      if (o->merge && !fixed) ibsh_ib_merge(&p, &s, merge_tol, 1e-12);
      if (adaptive) ibsh_ib_state_copy(&prev, &s);
      if (beta >= target) break;
      beta = target;
    }
  }
  if (!rc && reverse_pass) {
    /* Small problems: also anneal in reverse from T = X' and keep the better points (local optima differ). */
    ibsh_ib_state r;
    size_t cap2 = p.nx > cap ? p.nx : cap;
    rc = ibsh_ib_state_init(&r, &p, cap2);
    double *snap2 = rc ? NULL : calloc(cap2 * (ny + 1), sizeof *snap2);
    if (!rc && !snap2) rc = ibsh_fail(IBSH_ENOMEM, "out of memory");
    if (!rc) init_state(&p, &r, IBSH_IB_INIT_IDENTITY, &rng, 0);
    for (size_t k = nb; !rc && k-- > 0;) {
      if (o->progress) ibsh_progress_update(o->progress, (long)(2 * nb - 1 - k), NULL);
      rc = solve_beta(&p, &r, grid[k], o->alpha, iterations, tol, o->merge, merge_tol, snap2, NULL, NULL, 0);
      if (!rc) rc = record(c, &p, &r, grid[k], o->encoders);
      if (!rc && o->merge) ibsh_ib_merge(&p, &r, merge_tol, 1e-12);
    }
    free(snap2);
    ibsh_ib_state_free(&r);
  }
  int agglo = o->agglomerative >= 0 ? o->agglomerative : p.nx <= 1024;
  if (!rc && !fixed && agglo) {
    /* Hard partitions of the agglomerative hierarchy are feasible too; they help where |T| is capped. */
    ibsh_ib_curve a;
    rc = ibsh_ib_agglomerative(&a, pxy, nx, ny, reduce);
    for (size_t i = 0; !rc && i < a.n; i++) rc = ibsh_ib_curve_add(c, NAN, a.ixt[i], a.ity[i], a.ht[i], NULL, 0, 0);
    ibsh_ib_curve_free(&a);
  }
  if (!rc && !fixed) {
    /* Exact ends: T = X' (beta = inf) reaches I(X;Y); beyond H(X') the curve is flat up to H(X). The identity
       encoder (nx x nx: 134 MB for 4096 inputs) is built only when encoders are kept. */
    const double *enc = NULL;
    size_t nt = 0;
    if (o->encoders) {
      ibsh_ib_state_free(&s);
      rc = ibsh_ib_state_init(&s, &p, p.nx);
      if (!rc) {
        init_state(&p, &s, IBSH_IB_INIT_IDENTITY, &rng, 0);
        enc = s.q;
        nt = s.nt;
      }
    }
    if (!rc) rc = ibsh_ib_curve_add(c, INFINITY, p.hx / LN2, p.ixy / LN2, p.hx / LN2, enc, nt, p.nx);
    if (!rc && p.hx_orig > p.hx + 1e-12)
      rc = ibsh_ib_curve_add(c, INFINITY, p.hx_orig / LN2, p.ixy / LN2, p.hx_orig / LN2, NULL, 0, 0);
  }
  if (!rc) rc = ibsh_ib_curve_envelope(c);
  free(snap);
  free(sbuf);
  free(grid);
  ibsh_ib_state_free(&s);
  ibsh_ib_state_free(&best);
  ibsh_ib_state_free(&prev);
  ibsh_ib_problem_free(&p);
  return rc;
}

/* Trace the IB curve of the joint pxy (nx x ny), BLAS on one thread: the solver's products have a few rows (one
   per cluster), too little work to share, and an idle OpenBLAS thread spins on the second core between them
   (a random 4096 x 2 curve: 2.6 s of CPU for 1.5 s of wall time with two BLAS threads). */
int ibsh_ib_curve_solve(ibsh_ib_curve *c, const double *pxy, size_t nx, size_t ny, const ibsh_ib_opts *o) {
  int blas = ibsh_blas_threads(1);
  int rc = curve_solve(c, pxy, nx, ny, o);
  ibsh_blas_threads(blas);
  return rc;
}
