/*
** Sample propagation (Goldfeld et al. 2019) for a noise-injected layer T = S + Z:
** T is the uniform mixture of N(s_i, sigma^2 I) over the n rows, so
** I(X;T) = h(T) - h(Z) = E[log n - LSE_k(log w_k - |T - s_k|^2 / (2 sigma^2))] - d/2,
** estimated with m draws T = s_i + sigma z per row (stratified Monte Carlo, its
** standard error from the within-row variances). h(Z) is taken on the same draws,
** E|z|^2/2 = d/2 being exact: the term -log phi(z) cancels the own component's
** Gaussian factor, a zero-mean control variate that leaves only the error of the
** mixture's overlap (far-apart rows give log n exactly). Equal rows are merged into one
** component of weight w_k. The kernel sums the mixture over groups of 8 components
** with the dot products in registers and a vectorised exp fused into the sum; rows are tasks of a parallel loop, each row
** drawing from its own generator and writing its own partial results, which are
** summed in row order: the bits do not depend on the number of threads.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "base/cpu.h"
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/mi_binned.h"
#include "ibsh/mi_exact.h"
#include "ibsh/parallel.h"
#include "ibsh/rng.h"
#include "mi_codes.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#define SP_B 4         /* draws evaluated together (the register block of the kernel) */
#define SP_ROWS 8      /* rows per task */
#define SP_CUT (-40.0) /* exponents below this, relative to the draw's own component, add < K e^-40 (relative): skipped */

/* A Gaussian mixture with weighted components: K means (feature-major, d x Kp with Kp = K rounded up to 8, the
   padding zero), log weights lw, and c_k = lw_k - |s_k|^2 / 2 (-1e300 for padding). */
typedef struct mixture {
  size_t K, Kp;
  double *S, *lw, *c;
} mixture;

/* Four doubles as a GCC vector (two SSE2 halves in the baseline copy); aligned(8) allows any address. */
typedef double vd __attribute__((vector_size(32), aligned(8)));
typedef long long vi __attribute__((vector_size(32), aligned(8)));

/* Lanes of a where mask is set, else lanes of b (a macro: vector arguments by value would change the ABI note). */
#define BLEND(mask, a, b) ((vd)(((mask) & (vi)(a)) | (~(mask) & (vi)(b))))

/* e^x for the four lanes of *x, x in [-700, 700]: x = k ln 2 + r with |r| <= ln 2 / 2, e^r by its Taylor polynomial of
   degree 11 (relative error below 1e-14), times 2^k added to the exponent bits. */
IBSH_ALWAYS_INLINE void exp4(vd *x) {
  const vd shifter = {0x1.8p52, 0x1.8p52, 0x1.8p52, 0x1.8p52};
  const vd log2e = {1.4426950408889634, 1.4426950408889634, 1.4426950408889634, 1.4426950408889634};
  const vd ln2hi = {0.6931471805598903, 0.6931471805598903, 0.6931471805598903, 0.6931471805598903};
  const vd ln2lo = {5.497923018708371e-14, 5.497923018708371e-14, 5.497923018708371e-14, 5.497923018708371e-14};
  vd t = *x * log2e + shifter;      /* k in the low mantissa bits */
  vd k = t - shifter;
  vd r = (*x - k * ln2hi) - k * ln2lo;
  vd p = r * (1.0 / 39916800) + (1.0 / 3628800);
  p = p * r + (1.0 / 362880);
  p = p * r + (1.0 / 40320);
  p = p * r + (1.0 / 5040);
  p = p * r + (1.0 / 720);
  p = p * r + (1.0 / 120);
  p = p * r + (1.0 / 24);
  p = p * r + (1.0 / 6);
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  vi ki = (vi)t - (vi)shifter;
  *x = (vd)((vi)p + (ki << 52));
}

/* Add exp of the 8 exponents *p0, *p1 (clamped to [-700, 700]) of one draw to its sums when any passes the cut
   (vectors by pointer: passing them by value would change the ABI note in the baseline copy). */
IBSH_ALWAYS_INLINE void add_group(const vd *p0, const vd *p1, vd *s0, vd *s1) {
  const vd cut = {SP_CUT, SP_CUT, SP_CUT, SP_CUT}, lo = {-700, -700, -700, -700}, hi = {700, 700, 700, 700};
  vd v0 = *p0, v1 = *p1;
  vi pass = (v0 > cut) | (v1 > cut);
  if (!((pass[0] | pass[1]) | (pass[2] | pass[3]))) return;
  v0 = BLEND(v0 < lo, lo, v0);
  v1 = BLEND(v1 < lo, lo, v1);
  v0 = BLEND(v0 > hi, hi, v0);
  v1 = BLEND(v1 > hi, hi, v1);
  exp4(&v0);
  exp4(&v1);
  *s0 += v0;
  *s1 += v1;
}

/* out[b] = ref[b] + log sum_k exp(c_k + t_b . s_k - off[b]) over all components for 4 draws, where off[b] =
   |t_b|^2 / 2 + ref[b]. Groups of 8 components: the 4 x 8 dot products in registers (one vector load per feature
   and half-group, the draws' coordinates broadcast), then each draw's 8 exponents, whose exps are summed unless
   all are below SP_CUT. Returns nonzero when an exponent exceeded 700 (the reference was too small: the caller
   retries with the maximum). */
IBSH_ALWAYS_INLINE int mixture_lse_kernel(const mixture *mx, size_t d, const double *t, const double *ref,
                                          const double *off, double *out) {
  const vd zero = {0, 0, 0, 0}, hi = {700, 700, 700, 700};
  vd s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
  vd o0 = {off[0], off[0], off[0], off[0]}, o1 = {off[1], off[1], off[1], off[1]};
  vd o2 = {off[2], off[2], off[2], off[2]}, o3 = {off[3], off[3], off[3], off[3]};
  vi big = {0, 0, 0, 0};
  size_t Kp = mx->Kp;
  for (size_t q = 0; q < Kp; q += 8) {
    vd a00 = zero, a01 = zero, a10 = zero, a11 = zero, a20 = zero, a21 = zero, a30 = zero, a31 = zero;
    const double *sp = mx->S + q;
    for (size_t f = 0; f < d; f++) {
      vd x0, x1;
      memcpy(&x0, sp + f * Kp, sizeof x0);
      memcpy(&x1, sp + f * Kp + 4, sizeof x1);
      double t0 = t[f], t1 = t[d + f], t2 = t[2 * d + f], t3 = t[3 * d + f];
      a00 += t0 * x0; a01 += t0 * x1;
      a10 += t1 * x0; a11 += t1 * x1;
      a20 += t2 * x0; a21 += t2 * x1;
      a30 += t3 * x0; a31 += t3 * x1;
    }
    vd c0, c1;
    memcpy(&c0, mx->c + q, sizeof c0);
    memcpy(&c1, mx->c + q + 4, sizeof c1);
    a00 = c0 + a00 - o0; a01 = c1 + a01 - o0;
    a10 = c0 + a10 - o1; a11 = c1 + a11 - o1;
    a20 = c0 + a20 - o2; a21 = c1 + a21 - o2;
    a30 = c0 + a30 - o3; a31 = c1 + a31 - o3;
    big |= ((a00 > hi) | (a01 > hi)) | ((a10 > hi) | (a11 > hi)) | ((a20 > hi) | (a21 > hi)) | ((a30 > hi) | (a31 > hi));
    add_group(&a00, &a01, &s00, &s01);
    add_group(&a10, &a11, &s10, &s11);
    add_group(&a20, &a21, &s20, &s21);
    add_group(&a30, &a31, &s30, &s31);
  }
  vd s[SP_B] = {s00 + s01, s10 + s11, s20 + s21, s30 + s31};
  for (size_t b = 0; b < SP_B; b++) out[b] = ref[b] + log((s[b][0] + s[b][2]) + (s[b][1] + s[b][3]));
  return ((big[0] | big[1]) | (big[2] | big[3])) != 0;
}

/* Wrapper so the kernel can be compiled twice. */
IBSH_ALWAYS_INLINE void lse_kernel(const mixture *mx, size_t d, const double *t, const double *ref, const double *off,
                                   double *out, int *over) {
  *over = mixture_lse_kernel(mx, d, t, ref, off, out);
}
IBSH_VARIANTS_V3(lse, (const mixture *mx, size_t d, const double *t, const double *ref, const double *off,
                       double *out, int *over),
                 (mx, d, t, ref, off, out, over))

/* log sum_k exp(lw_k - |t - s_k|^2 / 2) for one point, with the maximum as reference (the slow, safe path). */
static double lse_exact(const mixture *mx, size_t d, const double *t) {
  double top = -INFINITY, s = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t k = 0; k < mx->K; k++) {
      double r = 0;
      for (size_t f = 0; f < d; f++) { double df = t[f] - mx->S[f * mx->Kp + k]; r += df * df; }
      double v = mx->lw[k] - 0.5 * r;
      if (pass == 0) top = v > top ? v : top;
      else s += exp(v - top);
    }
  return top + log(s);
}

/* LSE of 4 draws t against a mixture (see mixture_lse_kernel), the safe path for all when a reference was too small. */
static void mixture_lse(const mixture *mx, size_t d, const double *t, const double *ref, double *out) {
  double off[SP_B];
  for (size_t b = 0; b < SP_B; b++) {
    double q = 0;
    for (size_t f = 0; f < d; f++) q += t[b * d + f] * t[b * d + f];
    off[b] = 0.5 * q + ref[b];
  }
  int over = 0;
  IBSH_PICK_V3(lse)(mx, d, t, ref, off, out, &over);
  if (over)
    for (size_t b = 0; b < SP_B; b++) out[b] = lse_exact(mx, d, t + b * d);
}

/* One round of the splitmix64 finaliser. */
static uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/* n standard normal deviates into z (Marsaglia's polar method). */
static void normals(ibsh_rng *r, double *z, size_t n) {
  size_t i = 0;
  while (i < n) {
    double u, v, s;
    do {
      u = 2.0 * ibsh_rng_uniform(r) - 1.0;
      v = 2.0 * ibsh_rng_uniform(r) - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    z[i++] = f * u;
    if (i < n) z[i++] = f * v;
  }
}

typedef struct sp_ctx {
  const double *s;
  size_t n, d, m;
  double sigma;
  uint64_t seed;
  mixture all, *cls;           /* the whole mixture; one per class (labels only) */
  const uint32_t *own, *cown;  /* each row's component in all and in its class mixture */
  const uint32_t *yids;
  const double *lognc;         /* log(n / n_y) per class */
  double *ma, *va, *mc, *vc;   /* per row: mean and variance of the I(X;T) and I(T;Y) terms */
  double *scratch;             /* per worker: scratch_len values */
  size_t scratch_len;
  volatile int stop;
} sp_ctx;

/* The rows of one task: draws, mixture sums, per-row means and variances. */
static void sp_task(void *vctx, size_t task, int worker) {
  sp_ctx *c = (sp_ctx *)vctx;
  if (c->stop) return;
  size_t d = c->d, r0 = task * SP_ROWS, r1 = r0 + SP_ROWS < c->n ? r0 + SP_ROWS : c->n;
  double *t = c->scratch + (size_t)worker * c->scratch_len, *z = t + SP_B * d;
  double *ref = z + SP_B * d, *outa = ref + SP_B, *outb = outa + SP_B, *zz = outb + SP_B;
  double logn = log((double)c->n);
  for (size_t i = r0; i < r1; i++) {
    ibsh_rng r;
    ibsh_rng_seed(&r, mix(c->seed ^ mix(i + 0x5350ull)));
    const double *si = c->s + i * d;
    double mean_a = 0, m2_a = 0, mean_c = 0, m2_c = 0;
    size_t cnt = 0;
    for (size_t j0 = 0; j0 < c->m; j0 += SP_B) {
      size_t B = c->m - j0 < SP_B ? c->m - j0 : SP_B;
      normals(&r, z, B * d);
      for (size_t b = B; b < SP_B; b++) memcpy(z + b * d, z, d * sizeof(double));   /* padding draws, not counted */
      for (size_t b = 0; b < SP_B; b++) {
        double q = 0;
        for (size_t f = 0; f < d; f++) {
          t[b * d + f] = si[f] + c->sigma * z[b * d + f];
          q += z[b * d + f] * z[b * d + f];
        }
        zz[b] = 0.5 * q;
        ref[b] = c->all.lw[c->own[i]] - zz[b];
      }
      mixture_lse(&c->all, d, t, ref, outa);
      if (c->cls) {
        const mixture *cm = &c->cls[c->yids[i]];
        for (size_t b = 0; b < SP_B; b++) ref[b] = cm->lw[c->cown[i]] - zz[b];
        mixture_lse(cm, d, t, ref, outb);
      }
      for (size_t b = 0; b < B; b++) {
        double va = logn - outa[b] - zz[b];   /* minus |z|^2/2 - d/2: h(Z) on the same draws (see the header) */
        cnt++;
        double da = va - mean_a;
        mean_a += da / (double)cnt;
        m2_a += da * (va - mean_a);
        if (c->cls) {
          double vc = c->lognc[c->yids[i]] - outa[b] + outb[b];
          double dc = vc - mean_c;
          mean_c += dc / (double)cnt;
          m2_c += dc * (vc - mean_c);
        }
      }
    }
    c->ma[i] = mean_a;
    c->va[i] = cnt > 1 ? m2_a / (double)(cnt - 1) : 0;
    c->mc[i] = mean_c;
    c->vc[i] = cnt > 1 ? m2_c / (double)(cnt - 1) : 0;
    if (ibsh_interrupted()) c->stop = 1;
  }
}

/* Build the mixture of n rows with dense ids (k of them): component q is the first row with id q, its weight the
   number of rows with id q. */
static int build_mixture(mixture *mx, const double *s, size_t n, size_t d, const uint32_t *ids, size_t k) {
  size_t kp = (k + 7) / 8 * 8;
  mx->S = calloc(kp * d, sizeof(double));
  mx->lw = calloc(kp, sizeof(double));
  mx->c = malloc(kp * sizeof(double));
  if (!mx->S || !mx->lw || !mx->c) return ibsh_fail(IBSH_ENOMEM, "out of memory for a mixture of %zu components", k);
  mx->K = k;
  mx->Kp = kp;
  for (size_t i = 0; i < n; i++) {
    uint32_t q = ids[i];
    if (mx->lw[q] == 0)
      for (size_t f = 0; f < d; f++) mx->S[f * kp + q] = s[i * d + f];
    mx->lw[q] += 1;
  }
  for (size_t q = 0; q < kp; q++) {
    double sq = 0;
    for (size_t f = 0; f < d; f++) sq += mx->S[f * kp + q] * mx->S[f * kp + q];
    mx->lw[q] = q < k ? log(mx->lw[q]) : 0;
    mx->c[q] = q < k ? mx->lw[q] - 0.5 * sq : -1e300;
  }
  return IBSH_OK;
}

/* Sum of n values in order, and the standard error sqrt(sum var / m) / n of the stratified mean (or, with one draw
   per row, the spread of the row values). */
static void reduce(const double *mean, const double *var, size_t n, size_t m, double *est, double *se) {
  double s = 0, v = 0;
  for (size_t i = 0; i < n; i++) s += mean[i];
  s /= (double)n;
  if (m > 1) {
    for (size_t i = 0; i < n; i++) v += var[i];
    *se = sqrt(v / (double)m) / (double)n;
  } else {
    for (size_t i = 0; i < n; i++) v += (mean[i] - s) * (mean[i] - s);
    *se = n > 1 ? sqrt(v / (double)(n - 1) / (double)n) : 0;
  }
  *est = s;
}

/* Sample-propagation estimate (see mi_exact.h). */
int ibsh_mi_sp(const double *s, size_t n, size_t d, double sigma, size_t m, uint64_t seed, const uint32_t *yids,
               size_t ky, int nworkers, ibsh_sp_result *out) {
  memset(out, 0, sizeof *out);
  if (n == 0 || d == 0) return ibsh_fail(IBSH_EINVAL, "no rows");
  if (!(sigma > 0) || !isfinite(sigma)) return ibsh_fail(IBSH_EINVAL, "noise must be a positive number, got %g", sigma);
  if (m < 1) return ibsh_fail(IBSH_EINVAL, "samples must be at least 1");
  for (size_t i = 0; i < n * d; i++)
    if (!isfinite(s[i])) return ibsh_fail(IBSH_EINVAL, "non-finite value at row %zu, column %zu", i / d + 1, i % d + 1);
  if (nworkers < 1) nworkers = ibsh_threads();
  sp_ctx c;
  memset(&c, 0, sizeof c);
  c.s = s; c.n = n; c.d = d; c.m = m; c.sigma = sigma; c.seed = seed; c.yids = yids;
  /* distances are measured in units of sigma: scale the means once */
  double *ss = malloc(n * d * sizeof(double));
  uint32_t *own = malloc(n * sizeof *own), *cown = yids ? malloc(n * sizeof *cown) : NULL;
  double *rowbuf = malloc(4 * n * sizeof(double));
  c.scratch_len = 6 * SP_B * (d + 1);
  c.scratch = malloc((size_t)nworkers * c.scratch_len * sizeof(double));
  double *lognc = yids ? calloc(ky ? ky : 1, sizeof(double)) : NULL;
  mixture *cls = yids ? calloc(ky ? ky : 1, sizeof(mixture)) : NULL;
  uint32_t *pair = yids ? malloc(n * sizeof *pair) : NULL, *local = yids ? malloc(n * sizeof *local) : NULL;
  int rc = IBSH_OK;
  if (!ss || !own || !rowbuf || !c.scratch || (yids && (!cown || !lognc || !cls || !pair || !local))) {
    rc = ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
    goto done;
  }
  for (size_t i = 0; i < n * d; i++) ss[i] = s[i] / sigma;
  c.s = ss;
  c.sigma = 1.0;
  size_t k = 0;
  if ((rc = ibsh_codes_doubles(ss, n, d, own, &k)) || (rc = build_mixture(&c.all, ss, n, d, own, k))) goto done;
  c.own = own;
  if (yids) {
    /* class mixtures: the distinct (row, class) pairs, renumbered densely within each class */
    size_t kp = 0;
    if ((rc = ibsh_codes_pairs(own, yids, n, pair, &kp))) goto done;
    uint32_t *pos = malloc((kp ? kp : 1) * sizeof *pos), *ncls = calloc(ky ? ky : 1, sizeof *ncls);
    size_t *rows = calloc(ky ? ky : 1, sizeof *rows);
    if (!pos || !ncls || !rows) {
      free(pos); free(ncls); free(rows);
      rc = ibsh_fail(IBSH_ENOMEM, "out of memory for %zu classes", ky);
      goto done;
    }
    for (size_t q = 0; q < kp; q++) pos[q] = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
      uint32_t y = yids[i];
      rows[y]++;
      if (pos[pair[i]] == UINT32_MAX) pos[pair[i]] = ncls[y]++;
      cown[i] = pos[pair[i]];
    }
    for (size_t y = 0; y < ky && !rc; y++) {
      if (!rows[y]) continue;
      lognc[y] = log((double)n / (double)rows[y]);
      /* rows of class y and their local ids, then that class's mixture */
      double *sy = malloc(rows[y] * d * sizeof(double));
      size_t r = 0;
      if (!sy) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory for class %zu", y); break; }
      for (size_t i = 0; i < n; i++)
        if (yids[i] == y) {
          memcpy(sy + r * d, ss + i * d, d * sizeof(double));
          local[r++] = cown[i];
        }
      rc = build_mixture(&cls[y], sy, rows[y], d, local, ncls[y]);
      free(sy);
    }
    free(pos); free(ncls); free(rows);
    if (rc) goto done;
    c.cls = cls;
    c.cown = cown;
    c.lognc = lognc;
  }
  c.ma = rowbuf; c.va = rowbuf + n; c.mc = rowbuf + 2 * n; c.vc = rowbuf + 3 * n;
  (void)ibsh_parallel_run((n + SP_ROWS - 1) / SP_ROWS, nworkers, sp_task, &c);   /* a thread that fails to start leaves its tasks to worker 0 */
  if (c.stop) {
    rc = ibsh_fail(IBSH_EINTR, "interrupted");
    goto done;
  }
  reduce(c.ma, c.va, n, m, &out->ixt, &out->ixt_se);
  if (yids) reduce(c.mc, c.vc, n, m, &out->ity, &out->ity_se);
done:
  free(ss); free(own); free(cown); free(rowbuf); free(c.scratch); free(lognc); free(pair); free(local);
  free(c.all.S); free(c.all.lw); free(c.all.c);
  for (size_t y = 0; cls && y < ky; y++) { free(cls[y].S); free(cls[y].lw); free(cls[y].c); }
  free(cls);
  return rc;
}
