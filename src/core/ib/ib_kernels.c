/*
** Row kernels of the iterative IB update: the loops over x that run |T| times per
** iteration. Written so GCC vectorises them (branch-free, no reductions across x),
** compiled at -O3 twice, for AVX2 (without FMA) and the baseline, one picked at load time
** (the block exponentials also for AVX-512 F; products are never fused into FMAs, so every
** copy gives the same bits).
** The exponential is base/fastexp.h's (a 32-entry table of 2^(j/32) times a degree-6
** Taylor polynomial, relative error below 6e-16); arguments below -500 give exactly 0.
*/
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "fp-contract=off")
#elif defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "base/cpu.h"
#include "base/fastexp.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include "ib_kernels.h"

/* The body of ibsh_ib_row_scores (one copy per variant). */
IBSH_ALWAYS_INLINE void row_scores_kernel(double *restrict row, size_t nx, double base, const double *restrict coef,
                                          const double *restrict cond, size_t ld, size_t ny, double *restrict colmax) {
  /* The first and last conditionals are fused with the initialisation and the maximum (fewer passes over the row). */
  const double b0 = coef[0];
  const double *restrict c0 = cond;
  if (ny == 2) {
    const double b1 = coef[1];
    const double *restrict c1 = cond + ld;
    for (size_t x = 0; x < nx; x++) {
      double v = base + b0 * c0[x] + b1 * c1[x];
      row[x] = v;
      colmax[x] = v > colmax[x] ? v : colmax[x];
    }
    return;
  }
  for (size_t x = 0; x < nx; x++) row[x] = base + b0 * c0[x];
  for (size_t y = 1; y + 1 < ny; y++) {
    const double b = coef[y];
    const double *restrict c = cond + y * ld;
    for (size_t x = 0; x < nx; x++) row[x] += b * c[x];
  }
  if (ny > 1) {
    const double b = coef[ny - 1];
    const double *restrict c = cond + (ny - 1) * ld;
    for (size_t x = 0; x < nx; x++) {
      double v = row[x] + b * c[x];
      row[x] = v;
      colmax[x] = v > colmax[x] ? v : colmax[x];
    }
  } else {
    for (size_t x = 0; x < nx; x++) colmax[x] = row[x] > colmax[x] ? row[x] : colmax[x];
  }
}
IBSH_VARIANTS_AVX2(row_scores, (double *restrict row, size_t nx, double base, const double *restrict coef,
                                const double *restrict cond, size_t ld, size_t ny, double *restrict colmax),
                   (row, nx, base, coef, cond, ld, ny, colmax))

/* row[x] = base + sum_y coef[y] * cond[y * ld + x]; colmax[x] = max(colmax[x], row[x]). */
void ibsh_ib_row_scores(double *restrict row, size_t nx, double base, const double *restrict coef,
                        const double *restrict cond, size_t ld, size_t ny, double *restrict colmax) {
  IBSH_PICK_AVX2(row_scores)(row, nx, base, coef, cond, ld, ny, colmax);
}

/* The body of ibsh_ib_row_exp (one copy per variant). */
IBSH_ALWAYS_INLINE void row_exp_kernel(double *restrict row, size_t nx, const double *restrict colmax,
                                       double *restrict colsum, double *restrict ed, double *restrict tmp) {
  for (size_t x = 0; x < nx; x++) {
    double d = row[x] - colmax[x];
    tmp[x] = d > -500.0 ? 1.0 : 0.0;
    row[x] = d > -500.0 ? d : -500.0;
  }
  for (size_t x = 0; x < nx; x++) {
    double dc = row[x];
    double e = ibsh_exp_fast(dc) * tmp[x];
    row[x] = e;
    colsum[x] += e;
    ed[x] += e * dc;
  }
}
IBSH_VARIANTS_AVX2(row_exp, (double *restrict row, size_t nx, const double *restrict colmax, double *restrict colsum,
                             double *restrict ed, double *restrict tmp),
                   (row, nx, colmax, colsum, ed, tmp))

/* row[x] = exp(row[x] - colmax[x]) (0 below -500); colsum[x] += it; ed[x] += it * (row[x] - colmax[x]); tmp is nx scratch.
   Two simple loops (clamp and mask, then exponentiate): GCC does not vectorise a clamp feeding the inlined exponential. */
void ibsh_ib_row_exp(double *restrict row, size_t nx, const double *restrict colmax, double *restrict colsum,
                     double *restrict ed, double *restrict tmp) {
  IBSH_PICK_AVX2(row_exp)(row, nx, colmax, colsum, ed, tmp);
}

/* The body of ibsh_ib_row_scale (one copy per variant). */
IBSH_ALWAYS_INLINE void row_scale_kernel(double *restrict row, size_t nx, const double *restrict scale) {
  for (size_t x = 0; x < nx; x++) row[x] *= scale[x];
}
IBSH_VARIANTS_AVX2(row_scale, (double *restrict row, size_t nx, const double *restrict scale), (row, nx, scale))

/* row[x] *= scale[x]. */
void ibsh_ib_row_scale(double *restrict row, size_t nx, const double *restrict scale) {
  IBSH_PICK_AVX2(row_scale)(row, nx, scale);
}

/* Four doubles, and their bit patterns as words: GCC/clang vector extensions, lowered to SSE2 pairs in the
   baseline copy. Helpers take and return them by pointer (clang rejects AVX-sized vectors by value there). */
typedef double v4d __attribute__((vector_size(32)));
typedef uint64_t v4u __attribute__((vector_size(32)));
typedef int64_t v4i __attribute__((vector_size(32)));

/* *out = lanes of *a where *mask is set (all ones), else lanes of *b. */
IBSH_ALWAYS_INLINE void select4(v4d *out, const v4i *mask, const v4d *a, const v4d *b) {
  *out = (v4d)(((v4i)*a & *mask) | ((v4i)*b & ~*mask));
}

/* *out = ibsh_exp_fast of each lane of *d, lane by lane the same operations (so the same bits as ibsh_exp_fast). */
IBSH_ALWAYS_INLINE void exp4(v4d *out, const v4d *d) {
  v4d kk = *d * 0x1.71547652b82fep+5 + 6755399441055744.0;
  v4d k = kk - 6755399441055744.0;
  v4d r = *d - k * 0x1.62e42fefa0000p-6;
  r -= k * 0x1.cf79abc9e3b3ap-45;
  v4u kb = (v4u)kk;
  v4d p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720))))));
  v4d t = {ibsh_exp2_32nds[kb[0] & 31], ibsh_exp2_32nds[kb[1] & 31], ibsh_exp2_32nds[kb[2] & 31], ibsh_exp2_32nds[kb[3] & 31]};
  p *= t;
  v4u bits = (v4u)p + ((kb >> 5) << 52);
  *out = (v4d)bits;
}

/* *v = the score of cluster a (a[0] + sum_y a[1 + y] c[y], in that order) of the 4 columns at c, whose
   conditionals lie IBSH_IB_BLOCK_MAX apart. */
IBSH_ALWAYS_INLINE void score4(v4d *v, const double *a, const double *c, size_t ny) {
  v4d cy;
  memcpy(&cy, c, sizeof cy);
  v4d s = a[0] + a[1] * cy;
  for (size_t y = 1; y < ny; y++) {
    memcpy(&cy, c + y * IBSH_IB_BLOCK_MAX, sizeof cy);
    s = s + a[1 + y] * cy;
  }
  *v = s;
}

/* Copy the first n of each of rows rows (ld apart) into out (IBSH_IB_BLOCK_MAX apart), zero-padded to a
   multiple of 8. */
IBSH_ALWAYS_INLINE void copy_padded(double *out, const double *v, size_t ld, size_t rows, size_t n) {
  for (size_t y = 0; y < rows; y++) {
    memcpy(out + y * IBSH_IB_BLOCK_MAX, v + y * ld, n * sizeof *v);
    for (size_t x = n; x % 8; x++) out[y * IBSH_IB_BLOCK_MAX + x] = 0;
  }
}

/* The body of ibsh_ib_block_colmax for a given |Y|. */
IBSH_ALWAYS_INLINE void block_colmax_body(const double *restrict coef, size_t nt, size_t ny,
                                          const double *restrict cond, size_t ld, size_t n, double *restrict colmax) {
  double c[IBSH_IB_BLOCK_MAX_NY * IBSH_IB_BLOCK_MAX] __attribute__((aligned(32)));
  double m[IBSH_IB_BLOCK_MAX] __attribute__((aligned(32)));
  copy_padded(c, cond, ld, ny, n);
  for (size_t x = 0; x < n; x++) m[x] = -INFINITY;
  for (size_t t = 0; t < nt; t++) {
    const double *a = coef + t * (ny + 1);
    if (isnan(a[0])) continue;   /* a dead cluster */
    for (size_t x = 0; x < n; x += 4) {
      v4d v, old;
      score4(&v, a, c + x, ny);
      memcpy(&old, m + x, sizeof old);
      v4i above = v > old;
      select4(&old, &above, &v, &old);
      memcpy(m + x, &old, sizeof old);
    }
  }
  memcpy(colmax, m, n * sizeof *m);
}
/* block_colmax_body, with |Y| = 2 as a constant (the usual case: loops unrolled). */
IBSH_ALWAYS_INLINE void block_colmax_kernel(const double *restrict coef, size_t nt, size_t ny,
                                            const double *restrict cond, size_t ld, size_t n, double *restrict colmax) {
  if (ny == 2) block_colmax_body(coef, nt, 2, cond, ld, n, colmax);
  else block_colmax_body(coef, nt, ny, cond, ld, n, colmax);
}
IBSH_VARIANTS_AVX2(block_colmax, (const double *restrict coef, size_t nt, size_t ny, const double *restrict cond,
                                  size_t ld, size_t n, double *restrict colmax),
                   (coef, nt, ny, cond, ld, n, colmax))

/* The body of ibsh_ib_block_exp for a given |Y|. */
IBSH_ALWAYS_INLINE void block_exp_body(const double *restrict coef, size_t nt, size_t ny, const double *restrict cond,
                                       size_t ld, size_t n, const double *restrict colmax, double *restrict buf,
                                       size_t ldb, double *restrict colsum, double *restrict ed) {
  double c[IBSH_IB_BLOCK_MAX_NY * IBSH_IB_BLOCK_MAX] __attribute__((aligned(32)));
  double mx[IBSH_IB_BLOCK_MAX] __attribute__((aligned(32)));
  double cs[IBSH_IB_BLOCK_MAX] __attribute__((aligned(32))), es[IBSH_IB_BLOCK_MAX] __attribute__((aligned(32)));
  size_t n4 = (n + 3) / 4 * 4;
  copy_padded(c, cond, ld, ny, n);
  copy_padded(mx, colmax, 0, 1, n);
  memset(cs, 0, n4 * sizeof *cs);
  memset(es, 0, n4 * sizeof *es);
  const v4d floor = {-500.0, -500.0, -500.0, -500.0};
  for (size_t t = 0; t < nt; t++) {
    const double *a = coef + t * (ny + 1);
    double *row = buf + t * ldb;
    if (isnan(a[0])) {   /* a dead cluster: probability 0 */
      memset(row, 0, n4 * sizeof *row);
      continue;
    }
    for (size_t x = 0; x < n4; x += 4) {
      v4d v, m, d, dc, e, sum, sed;
      score4(&v, a, c + x, ny);
      memcpy(&m, mx + x, sizeof m);
      d = v - m;
      v4i live = d > floor;   /* exp below -500 is 0 */
      select4(&dc, &live, &d, &floor);
      exp4(&e, &dc);
      e = (v4d)((v4i)e & live);
      memcpy(row + x, &e, sizeof e);
      memcpy(&sum, cs + x, sizeof sum);
      memcpy(&sed, es + x, sizeof sed);
      sum += e;
      sed += e * dc;
      memcpy(cs + x, &sum, sizeof sum);
      memcpy(es + x, &sed, sizeof sed);
    }
  }
  memcpy(colsum, cs, n * sizeof *cs);
  memcpy(ed, es, n * sizeof *es);
}
/* block_exp_body, with |Y| = 2 as a constant. */
IBSH_ALWAYS_INLINE void block_exp_kernel(const double *restrict coef, size_t nt, size_t ny, const double *restrict cond,
                                         size_t ld, size_t n, const double *restrict colmax, double *restrict buf,
                                         size_t ldb, double *restrict colsum, double *restrict ed) {
  if (ny == 2) block_exp_body(coef, nt, 2, cond, ld, n, colmax, buf, ldb, colsum, ed);
  else block_exp_body(coef, nt, ny, cond, ld, n, colmax, buf, ldb, colsum, ed);
}
IBSH_VARIANTS_AVX2(block_exp, (const double *restrict coef, size_t nt, size_t ny, const double *restrict cond,
                               size_t ld, size_t n, const double *restrict colmax, double *restrict buf, size_t ldb,
                               double *restrict colsum, double *restrict ed),
                   (coef, nt, ny, cond, ld, n, colmax, buf, ldb, colsum, ed))

/* The weights of ibsh_ib_block_mass: w[j][x] = p(x) / Z(x) (j = 0) and p(x, y) / Z(x) (j = 1 + y), zero-padded. */
IBSH_ALWAYS_INLINE void mass_weights(double *w, const double *inv, const double *px, const double *pxyT, size_t ld,
                                     size_t ny, size_t n) {
  copy_padded(w, px, 0, 1, n);
  copy_padded(w + IBSH_IB_BLOCK_MAX, pxyT, ld, ny, n);
  for (size_t j = 0; j <= ny; j++)
    for (size_t x = 0; x < n; x++) w[j * IBSH_IB_BLOCK_MAX + x] *= inv[x];
}

/* The body of ibsh_ib_block_mass for a given |Y|. Every copy adds the products of column x into partial sum
   x mod 8, in x order, then the partials as ((p0 + p4) + (p1 + p5)) + ((p2 + p6) + (p3 + p7)): the same bits
   four or eight lanes wide. */
IBSH_ALWAYS_INLINE void block_mass_body(const double *restrict buf, size_t ldb, size_t nt, size_t n,
                                        const double *restrict inv, const double *restrict px,
                                        const double *restrict pxyT, size_t ld, size_t ny, double *restrict acc) {
  double w[(IBSH_IB_BLOCK_MAX_NY + 1) * IBSH_IB_BLOCK_MAX] __attribute__((aligned(32)));
  size_t n8 = (n + 7) / 8 * 8;
  mass_weights(w, inv, px, pxyT, ld, ny, n);
  for (size_t t = 0; t < nt; t++) {
    const double *row = buf + t * ldb;
    v4d s[IBSH_IB_BLOCK_MAX_NY + 1], u[IBSH_IB_BLOCK_MAX_NY + 1];   /* partials 0-3 and 4-7 */
    for (size_t j = 0; j <= ny; j++) s[j] = u[j] = (v4d){0, 0, 0, 0};
    for (size_t x = 0; x < n8; x += 8) {
      v4d e, f, wj;
      memcpy(&e, row + x, sizeof e);
      memcpy(&f, row + x + 4, sizeof f);
      for (size_t j = 0; j <= ny; j++) {
        memcpy(&wj, w + j * IBSH_IB_BLOCK_MAX + x, sizeof wj);
        s[j] += e * wj;
        memcpy(&wj, w + j * IBSH_IB_BLOCK_MAX + x + 4, sizeof wj);
        u[j] += f * wj;
      }
    }
    double *a = acc + t * (ny + 1);
    for (size_t j = 0; j <= ny; j++) {
      v4d h = s[j] + u[j];
      a[j] += (h[0] + h[1]) + (h[2] + h[3]);
    }
  }
}
/* block_mass_body, with |Y| = 2 as a constant. */
IBSH_ALWAYS_INLINE void block_mass_kernel(const double *restrict buf, size_t ldb, size_t nt, size_t n,
                                          const double *restrict inv, const double *restrict px,
                                          const double *restrict pxyT, size_t ld, size_t ny, double *restrict acc) {
  if (ny == 2) block_mass_body(buf, ldb, nt, n, inv, px, pxyT, ld, 2, acc);
  else block_mass_body(buf, ldb, nt, n, inv, px, pxyT, ld, ny, acc);
}
IBSH_VARIANTS_AVX2(block_mass, (const double *restrict buf, size_t ldb, size_t nt, size_t n, const double *restrict inv,
                                const double *restrict px, const double *restrict pxyT, size_t ld, size_t ny,
                                double *restrict acc),
                   (buf, ldb, nt, n, inv, px, pxyT, ld, ny, acc))

#if defined(__x86_64__)
/* Eight doubles and their bit patterns, for the AVX-512 copy of the exponentials. */
typedef double v8d __attribute__((vector_size(64)));
typedef uint64_t v8u __attribute__((vector_size(64)));
typedef int64_t v8i __attribute__((vector_size(64)));

/* *out = ibsh_exp_fast of each lane of *d by the operations of exp4; the table is read by two-register permutes. */
IBSH_ALWAYS_INLINE IBSH_TARGET_AVX512 void exp8(v8d *out, const v8d *d) {
  v8d kk = *d * 0x1.71547652b82fep+5 + 6755399441055744.0;
  v8d k = kk - 6755399441055744.0;
  v8d r = *d - k * 0x1.62e42fefa0000p-6;
  r -= k * 0x1.cf79abc9e3b3ap-45;
  v8u kb = (v8u)kk;
  v8d p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720))))));
  __m512i idx = (__m512i)kb;
  __m512d lo = _mm512_permutex2var_pd(_mm512_loadu_pd(ibsh_exp2_32nds), idx, _mm512_loadu_pd(ibsh_exp2_32nds + 8));
  __m512d hi = _mm512_permutex2var_pd(_mm512_loadu_pd(ibsh_exp2_32nds + 16), idx, _mm512_loadu_pd(ibsh_exp2_32nds + 24));
  __mmask8 upper = _mm512_test_epi64_mask(idx, _mm512_set1_epi64(16));
  p *= (v8d)_mm512_mask_blend_pd(upper, lo, hi);
  v8u bits = (v8u)p + ((kb >> 5) << 52);
  *out = (v8d)bits;
}

/* *v = the score of cluster a at the 8 columns at c (as score4). */
IBSH_ALWAYS_INLINE IBSH_TARGET_AVX512 void score8(v8d *v, const double *a, const double *c, size_t ny) {
  v8d cy;
  memcpy(&cy, c, sizeof cy);
  v8d s = a[0] + a[1] * cy;
  for (size_t y = 1; y < ny; y++) {
    memcpy(&cy, c + y * IBSH_IB_BLOCK_MAX, sizeof cy);
    s = s + a[1 + y] * cy;
  }
  *v = s;
}

/* block_exp_body eight columns at a time (AVX-512 F; the same operations lane by lane, so the same bits). */
IBSH_ALWAYS_INLINE IBSH_TARGET_AVX512 void block_exp8_body(const double *restrict coef, size_t nt, size_t ny,
                                                           const double *restrict cond, size_t ld, size_t n,
                                                           const double *restrict colmax, double *restrict buf,
                                                           size_t ldb, double *restrict colsum, double *restrict ed) {
  double c[IBSH_IB_BLOCK_MAX_NY * IBSH_IB_BLOCK_MAX] __attribute__((aligned(64)));
  double mx[IBSH_IB_BLOCK_MAX] __attribute__((aligned(64)));
  double cs[IBSH_IB_BLOCK_MAX] __attribute__((aligned(64))), es[IBSH_IB_BLOCK_MAX] __attribute__((aligned(64)));
  size_t n8 = (n + 7) / 8 * 8;
  copy_padded(c, cond, ld, ny, n);
  copy_padded(mx, colmax, 0, 1, n);
  memset(cs, 0, n8 * sizeof *cs);
  memset(es, 0, n8 * sizeof *es);
  const v8d floor = {-500.0, -500.0, -500.0, -500.0, -500.0, -500.0, -500.0, -500.0};
  for (size_t t = 0; t < nt; t++) {
    const double *a = coef + t * (ny + 1);
    double *row = buf + t * ldb;
    if (isnan(a[0])) {
      memset(row, 0, n8 * sizeof *row);
      continue;
    }
    for (size_t x = 0; x < n8; x += 8) {
      v8d v, m, d, dc, e, sum, sed;
      score8(&v, a, c + x, ny);
      memcpy(&m, mx + x, sizeof m);
      d = v - m;
      v8i live = d > floor;
      dc = (v8d)(((v8i)d & live) | ((v8i)floor & ~live));
      exp8(&e, &dc);
      e = (v8d)((v8i)e & live);
      memcpy(row + x, &e, sizeof e);
      memcpy(&sum, cs + x, sizeof sum);
      memcpy(&sed, es + x, sizeof sed);
      sum += e;
      sed += e * dc;
      memcpy(cs + x, &sum, sizeof sum);
      memcpy(es + x, &sed, sizeof sed);
    }
  }
  memcpy(colsum, cs, n * sizeof *cs);
  memcpy(ed, es, n * sizeof *es);
}

/* block_colmax_body eight columns at a time (AVX-512 F; maxima are exact, so the same result). */
IBSH_ALWAYS_INLINE IBSH_TARGET_AVX512 void block_colmax8_body(const double *restrict coef, size_t nt, size_t ny,
                                                              const double *restrict cond, size_t ld, size_t n,
                                                              double *restrict colmax) {
  double c[IBSH_IB_BLOCK_MAX_NY * IBSH_IB_BLOCK_MAX] __attribute__((aligned(64)));
  double m[IBSH_IB_BLOCK_MAX] __attribute__((aligned(64)));
  size_t n8 = (n + 7) / 8 * 8;
  copy_padded(c, cond, ld, ny, n);
  for (size_t x = 0; x < n8; x++) m[x] = -INFINITY;
  for (size_t t = 0; t < nt; t++) {
    const double *a = coef + t * (ny + 1);
    if (isnan(a[0])) continue;
    for (size_t x = 0; x < n8; x += 8) {
      v8d v, old;
      score8(&v, a, c + x, ny);
      memcpy(&old, m + x, sizeof old);
      v8i above = v > old;
      old = (v8d)(((v8i)v & above) | ((v8i)old & ~above));
      memcpy(m + x, &old, sizeof old);
    }
  }
  memcpy(colmax, m, n * sizeof *m);
}

/* The AVX-512 copy of ibsh_ib_block_colmax. */
IBSH_TARGET_AVX512 static void block_colmax_avx512(const double *restrict coef, size_t nt, size_t ny,
                                                   const double *restrict cond, size_t ld, size_t n,
                                                   double *restrict colmax) {
  if (ny == 2) block_colmax8_body(coef, nt, 2, cond, ld, n, colmax);
  else block_colmax8_body(coef, nt, ny, cond, ld, n, colmax);
}

/* block_mass_body eight lanes wide (the same partial sums, so the same bits). */
IBSH_ALWAYS_INLINE IBSH_TARGET_AVX512 void block_mass8_body(const double *restrict buf, size_t ldb, size_t nt,
                                                            size_t n, const double *restrict inv,
                                                            const double *restrict px, const double *restrict pxyT,
                                                            size_t ld, size_t ny, double *restrict acc) {
  double w[(IBSH_IB_BLOCK_MAX_NY + 1) * IBSH_IB_BLOCK_MAX] __attribute__((aligned(64)));
  size_t n8 = (n + 7) / 8 * 8;
  mass_weights(w, inv, px, pxyT, ld, ny, n);
  for (size_t t = 0; t < nt; t++) {
    const double *row = buf + t * ldb;
    v8d s[IBSH_IB_BLOCK_MAX_NY + 1];
    for (size_t j = 0; j <= ny; j++) s[j] = (v8d){0, 0, 0, 0, 0, 0, 0, 0};
    for (size_t x = 0; x < n8; x += 8) {
      v8d e, wj;
      memcpy(&e, row + x, sizeof e);
      for (size_t j = 0; j <= ny; j++) {
        memcpy(&wj, w + j * IBSH_IB_BLOCK_MAX + x, sizeof wj);
        s[j] += e * wj;
      }
    }
    double *a = acc + t * (ny + 1);
    for (size_t j = 0; j <= ny; j++) {
      double h0 = s[j][0] + s[j][4], h1 = s[j][1] + s[j][5], h2 = s[j][2] + s[j][6], h3 = s[j][3] + s[j][7];
      a[j] += (h0 + h1) + (h2 + h3);
    }
  }
}

/* The AVX-512 copy of ibsh_ib_block_mass. */
IBSH_TARGET_AVX512 static void block_mass_avx512(const double *restrict buf, size_t ldb, size_t nt, size_t n,
                                                 const double *restrict inv, const double *restrict px,
                                                 const double *restrict pxyT, size_t ld, size_t ny,
                                                 double *restrict acc) {
  if (ny == 2) block_mass8_body(buf, ldb, nt, n, inv, px, pxyT, ld, 2, acc);
  else block_mass8_body(buf, ldb, nt, n, inv, px, pxyT, ld, ny, acc);
}

/* The AVX-512 copy of ibsh_ib_block_exp, |Y| = 2 as a constant where it is. */
IBSH_TARGET_AVX512 static void block_exp_avx512(const double *restrict coef, size_t nt, size_t ny,
                                                const double *restrict cond, size_t ld, size_t n,
                                                const double *restrict colmax, double *restrict buf, size_t ldb,
                                                double *restrict colsum, double *restrict ed) {
  if (ny == 2) block_exp8_body(coef, nt, 2, cond, ld, n, colmax, buf, ldb, colsum, ed);
  else block_exp8_body(coef, nt, ny, cond, ld, n, colmax, buf, ldb, colsum, ed);
}
#define PICK_AVX512(name) (ibsh_cpu.avx512f ? name##_avx512 : IBSH_PICK_AVX2(name))
#else
#define PICK_AVX512(name) IBSH_PICK_AVX2(name)
#endif

/* colmax[x] = max over live clusters t of the score coef[t][0] + sum_y coef[t][1 + y] cond[y * ld + x], x < n
   (n <= 128, ny <= 8; a cluster is dead when coef[t][0] is NaN). */
void ibsh_ib_block_colmax(const double *restrict coef, size_t nt, size_t ny, const double *restrict cond, size_t ld,
                          size_t n, double *restrict colmax) {
  PICK_AVX512(block_colmax)(coef, nt, ny, cond, ld, n, colmax);
}

/* For x < n and every cluster t: buf[t * ldb + x] = e = exp(score - colmax[x]) (0 below -500 and for dead
   clusters; buf is written up to n rounded up to 4, ldb >= that); colsum[x] = sum_t e and
   ed[x] = sum_t e (score - colmax[x]), summed in t order. n <= 128, ny <= 8; ldb >= n rounded up to 8. */
void ibsh_ib_block_exp(const double *restrict coef, size_t nt, size_t ny, const double *restrict cond, size_t ld,
                       size_t n, const double *restrict colmax, double *restrict buf, size_t ldb,
                       double *restrict colsum, double *restrict ed) {
  PICK_AVX512(block_exp)(coef, nt, ny, cond, ld, n, colmax, buf, ldb, colsum, ed);
}

/* acc[t] += sum_{x < n} e[t][x] w(x) with e[t][x] = buf[t * ldb + x] and w(x) = [p(x), p(x, y)...] inv[x],
   p(x, y) = pxyT[y * ld + x]: each cluster's mass and joint with y over the block (p(t|x) = e inv), summed
   in a fixed order. n <= 128, ny <= 8; ldb >= n rounded up to 8 (buf zero-padded or finite there). */
void ibsh_ib_block_mass(const double *restrict buf, size_t ldb, size_t nt, size_t n, const double *restrict inv,
                        const double *restrict px, const double *restrict pxyT, size_t ld, size_t ny,
                        double *restrict acc) {
  PICK_AVX512(block_mass)(buf, ldb, nt, n, inv, px, pxyT, ld, ny, acc);
}
