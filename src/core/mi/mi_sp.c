/*
** Sample propagation (Goldfeld et al. 2019) for a noise-injected layer T = S + Z:
** T is the uniform mixture of N(s_i, sigma^2 I) over the n rows, so
** I(X;T) = h(T) - h(Z) = E[log n - LSE_k(log w_k - |T - s_k|^2 / (2 sigma^2))] - d/2,
** estimated with m draws T = s_i + sigma z per row (stratified Monte Carlo, its
** standard error from the within-row variances). h(Z) is taken on the same draws,
** E|z|^2/2 = d/2 being exact: the term -log phi(z) cancels the own component's
** Gaussian factor, a zero-mean control variate that leaves only the error of the
** mixture's overlap (far-apart rows give log n exactly). Equal rows are merged into one
** component of weight w_k. The kernel forms the exponents of a tile of draws against
** 8 or 16 components (k-d ordered, so groups of 8 lie close) in registers, drops groups
** of 8 that are all negligible (exact to rounding) and sums the exps of the rest with
** base/fastexp.h's vector exp; it is compiled for AVX-512, x86-64-v3 and the baseline.
** Rows are tasks of a parallel loop, each row drawing from its own generator and
** writing its own partial results, which are summed in row order: the bits do not
** depend on the number of threads.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "base/cpu.h"
#include "base/fastexp.h"
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

#define SP_CHUNK 64     /* draws generated and evaluated together (a multiple of every tile's draws) */
#define SP_TILE 8       /* the most draws of a tile */
#define SP_GROUPS 32    /* groups of 8 components whose exponents are buffered before their exps */
#define SP_ROWS 8       /* rows per task */
#define SP_LO (-700.0)  /* exponents are raised to this (exp stays a normal number; the term is < 1e-304 of the sum) */
#define SP_HI 690.0     /* when an exponent could exceed this (the reference is too small), the safe path */

/* A Gaussian mixture with weighted components: K means (feature-major, d x Kp with Kp = K rounded up to 16, the
   padding zero, ordered so that consecutive groups of 8 lie close together), log weights lw, c_k = lw_k - |s_k|^2 / 2
   (-1e300 for padding), and the largest log weight. */
typedef struct mixture {
  size_t K, Kp;
  double *S, *lw, *c;
  double lwmax, cut;
} mixture;

/* Eight doubles as a GCC vector (one AVX-512 register, two AVX or four SSE2 halves): base/fastexp.h's. */
typedef ibsh_v8d v8;
typedef ibsh_v8i v8i;
typedef long long v4i __attribute__((vector_size(32), aligned(8)));
typedef long long v2i __attribute__((vector_size(16), aligned(8)));
/* The exponents c_k + t_b . s_k - off_b of B draws (t: B x d) against the 8 G components from q * 8 on, each draw's group
   of 8 appended to its row of buf (SP_GROUPS * 8 values per draw, kept[b] so far). Every exponent is computed in the
   same order (c - off, then one multiply-add per feature) whatever B and G are, so every variant gives the same bits. */
IBSH_ALWAYS_INLINE void tile_exponents(const mixture *mx, size_t d, const double *t, const double *off, size_t q, int B,
                                       int G, double *buf, size_t *kept) {
  v8 acc[SP_TILE][2], x[2], c[2];
  const double *sp = mx->S + q * 8;
  size_t Kp = mx->Kp;
  for (int g = 0; g < G; g++) memcpy(&c[g], mx->c + q * 8 + 8 * g, sizeof c[g]);
  for (int b = 0; b < B; b++)
    for (int g = 0; g < G; g++) acc[b][g] = c[g] - off[b];
  for (size_t f = 0; f < d; f++) {
    for (int g = 0; g < G; g++) memcpy(&x[g], sp + f * Kp + 8 * g, sizeof x[g]);
    for (int b = 0; b < B; b++) {
      double tb = t[(size_t)b * d + f];
      for (int g = 0; g < G; g++) acc[b][g] += tb * x[g];
    }
  }
  for (int b = 0; b < B; b++)
    for (int g = 0; g < G; g++) {
      /* kept unless all 8 are below the cut: the AND of the sign bits of e - cut, by halving (no compare masks) */
      v8i m = (v8i)(acc[b][g] - mx->cut);
      v4i h4 = __builtin_shufflevector(m, m, 0, 1, 2, 3) & __builtin_shufflevector(m, m, 4, 5, 6, 7);
      v2i h2 = __builtin_shufflevector(h4, h4, 0, 1) & __builtin_shufflevector(h4, h4, 2, 3);
      uint64_t all_below = (uint64_t)(h2[0] & h2[1]) >> 63;
      memcpy(buf + (size_t)b * SP_GROUPS * 8 + kept[b], &acc[b][g], sizeof acc[b][g]);
      kept[b] += 8 - 8 * (size_t)all_below;
    }
}

/* exp of the eight values at x (those below SP_LO raised to it). */
IBSH_ALWAYS_INLINE void exp_at(const double *x, v8 *v) {
  memcpy(v, x, sizeof *v);
  v8i low = *v < SP_LO;
  *v = (v8)((low & (v8i)((v8){0} + SP_LO)) | (~low & (v8i)*v));
  ibsh_exp_fast8(v);
}

/* *s += exp of the n values x (a multiple of 8): four running sums of eight lanes (independent chains of additions),
   added in a fixed order. */
IBSH_ALWAYS_INLINE void exp_sum(const double *x, size_t n, v8 *s) {
  v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, v0, v1, v2, v3;
  size_t j = 0;
  for (; j + 32 <= n; j += 32) {
    exp_at(x + j, &v0);
    exp_at(x + j + 8, &v1);
    exp_at(x + j + 16, &v2);
    exp_at(x + j + 24, &v3);
    a0 += v0;
    a1 += v1;
    a2 += v2;
    a3 += v3;
  }
  for (; j < n; j += 8) {
    exp_at(x + j, &v0);
    a0 += v0;
  }
  *s += (a0 + a1) + (a2 + a3);
}

/* Lane sums (sums: cnt x 8) of exp(c_k + t_b . s_k - off_b) over all components for the cnt draws t (cnt a multiple of
   SP_TILE), in tiles of B draws by 8 G components, the exps of SP_GROUPS groups at a time from buf (SP_TILE x SP_GROUPS
   x 8 values). */
IBSH_ALWAYS_INLINE void chunk_kernel(const mixture *mx, size_t d, const double *t, const double *off, size_t cnt,
                                     double *buf, double *sums, int B, int G) {
  size_t ng = mx->Kp / 8;
  for (size_t b0 = 0; b0 < cnt; b0 += (size_t)B) {
    v8 s[SP_TILE];
    for (int b = 0; b < B; b++) s[b] = (v8){0};
    for (size_t q0 = 0; q0 < ng; q0 += SP_GROUPS) {
      size_t q1 = q0 + SP_GROUPS < ng ? q0 + SP_GROUPS : ng, kept[SP_TILE] = {0};
      for (size_t q = q0; q < q1; q += (size_t)G) tile_exponents(mx, d, t + b0 * d, off + b0, q, B, G, buf, kept);
      for (int b = 0; b < B; b++) exp_sum(buf + (size_t)b * SP_GROUPS * 8, kept[b], &s[b]);
    }
    for (int b = 0; b < B; b++) memcpy(sums + (b0 + (size_t)b) * 8, &s[b], sizeof s[b]);
  }
}

/* The copies of chunk_kernel: AVX-512 (tiles of 8 draws by 16 components), x86-64-v3 (4 by 8) and baseline (2 by 8). */
#define CHUNK_PARAMS (const mixture *mx, size_t d, const double *t, const double *off, size_t cnt, double *buf, \
                      double *sums)
IBSH_TARGET_V4 static void chunk_v4 CHUNK_PARAMS { chunk_kernel(mx, d, t, off, cnt, buf, sums, 8, 2); }
IBSH_TARGET_V3 static void chunk_v3 CHUNK_PARAMS { chunk_kernel(mx, d, t, off, cnt, buf, sums, 4, 1); }
static void chunk_base CHUNK_PARAMS { chunk_kernel(mx, d, t, off, cnt, buf, sums, 2, 1); }

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

/* out[b] = log sum_k exp(lw_k - |t_b - s_k|^2 / 2) for the cnt draws t (cnt a multiple of SP_TILE), computed relative
   to ref[b] (the draw's own component's exponent, so the sum is at least about 1); buf and sums are scratch (see
   chunk_kernel). No exponent can exceed lwmax - ref[b] (|t - s_k|^2 >= 0): when that bound passes SP_HI for a draw,
   the chunk takes the safe path. */
static void mixture_lse(const mixture *mx, size_t d, const double *t, size_t cnt, const double *ref, double *off,
                        double *buf, double *sums, double *out) {
  int big = 0;
  for (size_t b = 0; b < cnt; b++) {
    double q = 0;
    for (size_t f = 0; f < d; f++) q += t[b * d + f] * t[b * d + f];
    off[b] = 0.5 * q + ref[b];
    big |= !(mx->lwmax - ref[b] <= SP_HI);
  }
  if (big) {
    for (size_t b = 0; b < cnt; b++) out[b] = lse_exact(mx, d, t + b * d);
    return;
  }
  if (IBSH_HAVE_V4) chunk_v4(mx, d, t, off, cnt, buf, sums);
  else if (ibsh_cpu.v3) chunk_v3(mx, d, t, off, cnt, buf, sums);
  else chunk_base(mx, d, t, off, cnt, buf, sums);
  for (size_t b = 0; b < cnt; b++) {
    const double *l = sums + b * 8;
    out[b] = ref[b] + log(((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7])));
  }
}

/* One round of the splitmix64 finaliser. */
static uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
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

/* Per-worker scratch: the doubles of one chunk of draws and the kernel's buffers. */
#define SP_SCRATCH(d) (2 * SP_CHUNK * (d) + 6 * SP_CHUNK + SP_TILE * SP_GROUPS * 8 + SP_CHUNK * 8)

/* The rows of one task: draws, mixture sums, per-row means and variances. */
static void sp_task(void *vctx, size_t task, int worker) {
  sp_ctx *c = (sp_ctx *)vctx;
  if (c->stop) return;
  size_t d = c->d, r0 = task * SP_ROWS, r1 = r0 + SP_ROWS < c->n ? r0 + SP_ROWS : c->n;
  double *t = c->scratch + (size_t)worker * c->scratch_len, *z = t + SP_CHUNK * d;
  double *ref = z + SP_CHUNK * d, *off = ref + SP_CHUNK, *outa = off + SP_CHUNK, *outb = outa + SP_CHUNK;
  double *zz = outb + SP_CHUNK, *buf = zz + SP_CHUNK, *sums = buf + SP_TILE * SP_GROUPS * 8;
  double logn = log((double)c->n);
  for (size_t i = r0; i < r1; i++) {
    ibsh_rng r;
    ibsh_rng_seed(&r, mix(c->seed ^ mix(i + 0x5350ull)));
    const double *si = c->s + i * d;
    double mean_a = 0, m2_a = 0, mean_c = 0, m2_c = 0;
    size_t cnt = 0;
    for (size_t j0 = 0; j0 < c->m; j0 += SP_CHUNK) {
      size_t B = c->m - j0 < SP_CHUNK ? c->m - j0 : SP_CHUNK, Bp = (B + SP_TILE - 1) / SP_TILE * SP_TILE;
      memset(z, 0, B * d * sizeof(double));
      ibsh_rng_add_normals(&r, z, B * d, 1.0);
      for (size_t b = B; b < Bp; b++) memcpy(z + b * d, z, d * sizeof(double));   /* padding draws, not counted */
      for (size_t b = 0; b < Bp; b++) {
        double q = 0;
        for (size_t f = 0; f < d; f++) {
          t[b * d + f] = si[f] + c->sigma * z[b * d + f];
          q += z[b * d + f] * z[b * d + f];
        }
        zz[b] = 0.5 * q;
        ref[b] = c->all.lw[c->own[i]] - zz[b];
      }
      mixture_lse(&c->all, d, t, Bp, ref, off, buf, sums, outa);
      if (c->cls) {
        const mixture *cm = &c->cls[c->yids[i]];
        for (size_t b = 0; b < Bp; b++) ref[b] = cm->lw[c->cown[i]] - zz[b];
        mixture_lse(cm, d, t, Bp, ref, off, buf, sums, outb);
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

/* A coordinate and the point it belongs to, for sorting. */
typedef struct keyed {
  double v;
  uint32_t id;
} keyed;

/* Order keyed pairs by value, then id (a total order: the same permutation on every machine). */
static int cmp_keyed(const void *a, const void *b) {
  const keyed *x = a, *y = b;
  if (x->v != y->v) return x->v < y->v ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

/* Order the count points idx (coordinates feature-major in S with leading dimension ld) so that consecutive groups of
   8 lie close together: split at a multiple of 8 near the median of the widest coordinate, recursively. */
static void kd_order(const double *S, size_t ld, size_t d, uint32_t *idx, size_t count, keyed *tmp) {
  if (count <= 8) return;
  size_t wf = 0;
  double wide = -1;
  for (size_t f = 0; f < d; f++) {
    double lo = INFINITY, hi = -INFINITY;
    for (size_t j = 0; j < count; j++) {
      double v = S[f * ld + idx[j]];
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    if (hi - lo > wide) { wide = hi - lo; wf = f; }
  }
  for (size_t j = 0; j < count; j++) tmp[j] = (keyed){S[wf * ld + idx[j]], idx[j]};
  qsort(tmp, count, sizeof *tmp, cmp_keyed);
  for (size_t j = 0; j < count; j++) idx[j] = tmp[j].id;
  size_t h = (count / 2 + 7) / 8 * 8;
  kd_order(S, ld, d, idx, h, tmp);
  kd_order(S, ld, d, idx + h, count - h, tmp);
}

/* Build the mixture of n rows with dense ids (k of them): component q is the first row with id q, its weight the
   number of rows with id q; components are then put in k-d order and ids rewritten to their new positions. */
static int build_mixture(mixture *mx, const double *s, size_t n, size_t d, uint32_t *ids, size_t k) {
  size_t kp = (k + 15) / 16 * 16;
  double *S0 = calloc(kp * d, sizeof(double)), *w = calloc(kp, sizeof(double));
  uint32_t *order = malloc(kp * sizeof *order), *pos = malloc(kp * sizeof *pos);
  keyed *tmp = malloc(kp * sizeof *tmp);
  mx->S = calloc(kp * d, sizeof(double));
  mx->lw = calloc(kp, sizeof(double));
  mx->c = malloc(kp * sizeof(double));
  int rc = IBSH_OK;
  if (!S0 || !w || !order || !pos || !tmp || !mx->S || !mx->lw || !mx->c) {
    rc = ibsh_fail(IBSH_ENOMEM, "out of memory for a mixture of %zu components", k);
    goto done;
  }
  mx->K = k;
  mx->Kp = kp;
  mx->lwmax = 0;
  mx->cut = -(37.5 + log((double)kp));   /* all skipped terms together are below 2^-54 of a sum >= 1: exact to rounding */
  for (size_t i = 0; i < n; i++) {
    uint32_t q = ids[i];
    if (w[q] == 0)
      for (size_t f = 0; f < d; f++) S0[f * kp + q] = s[i * d + f];
    w[q] += 1;
  }
  for (size_t q = 0; q < k; q++) order[q] = (uint32_t)q;
  kd_order(S0, kp, d, order, k, tmp);
  for (size_t q = k; q < kp; q++) order[q] = (uint32_t)q;
  for (size_t p = 0; p < kp; p++) {
    uint32_t q = order[p];
    pos[q] = (uint32_t)p;
    double sq = 0;
    for (size_t f = 0; f < d; f++) {
      double v = S0[f * kp + q];
      mx->S[f * kp + p] = v;
      sq += v * v;
    }
    mx->lw[p] = q < k ? log(w[q]) : 0;
    mx->lwmax = mx->lw[p] > mx->lwmax ? mx->lw[p] : mx->lwmax;
    mx->c[p] = q < k ? mx->lw[p] - 0.5 * sq : -1e300;
  }
  for (size_t i = 0; i < n; i++) ids[i] = pos[ids[i]];
done:
  free(S0); free(w); free(order); free(pos); free(tmp);
  return rc;
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
  c.scratch_len = SP_SCRATCH(d);
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
      r = 0;
      for (size_t i = 0; i < n && !rc; i++)
        if (yids[i] == y) cown[i] = local[r++];   /* the components' k-d positions */
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
