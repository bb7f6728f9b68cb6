/*
** Row kernels of the iterative IB update: the loops over x that run |T| times per
** iteration. Written so GCC vectorises them (branch-free, no reductions across x),
** compiled at -O3 twice, for AVX2 (without FMA) and the baseline, one picked at load time.
** The exponential is a 32-entry table of 2^(j/32) times a degree-6 Taylor polynomial after
** reduction by ln 2 / 32 (relative error below 6e-16 on [-500, 0], tested against libm);
** arguments below -500 give exactly 0.
*/
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif
#include <stdint.h>
#include <string.h>
#include "base/cpu.h"
#include "ib_kernels.h"

/* 2^(j/32), j = 0..31, correctly rounded. */
static const double exp2_32nds[32] = {
  0x1.0000000000000p+0, 0x1.059b0d3158574p+0, 0x1.0b5586cf9890fp+0, 0x1.11301d0125b51p+0, 0x1.172b83c7d517bp+0,
  0x1.1d4873168b9aap+0, 0x1.2387a6e756238p+0, 0x1.29e9df51fdee1p+0, 0x1.306fe0a31b715p+0, 0x1.371a7373aa9cbp+0,
  0x1.3dea64c123422p+0, 0x1.44e086061892dp+0, 0x1.4bfdad5362a27p+0, 0x1.5342b569d4f82p+0, 0x1.5ab07dd485429p+0,
  0x1.6247eb03a5585p+0, 0x1.6a09e667f3bcdp+0, 0x1.71f75e8ec5f74p+0, 0x1.7a11473eb0187p+0, 0x1.82589994cce13p+0,
  0x1.8ace5422aa0dbp+0, 0x1.93737b0cdc5e5p+0, 0x1.9c49182a3f090p+0, 0x1.a5503b23e255dp+0, 0x1.ae89f995ad3adp+0,
  0x1.b7f76f2fb5e47p+0, 0x1.c199bdd85529cp+0, 0x1.cb720dcef9069p+0, 0x1.d5818dcfba487p+0, 0x1.dfc97337b9b5fp+0,
  0x1.ea4afa2a490dap+0, 0x1.f50765b6e4540p+0};

/* exp(d) for -500 <= d <= 0, branch-free: d = (32 m + j) ln2/32 + r with |r| <= ln2/64, exp(d) = 2^m 2^(j/32) e^r,
   e^r by its degree-6 Taylor polynomial (truncation below 4e-18 relative; measured worst error 3e-16). */
static inline double ib_exp(double d) {
  double kk = d * 0x1.71547652b82fep+5 + 6755399441055744.0;  /* round(32 d / ln 2) in the low mantissa bits */
  double k = kk - 6755399441055744.0;
  double r = d - k * 0x1.62e42fefa0000p-6;   /* ln2/32 in 36 bits: exact for |k| < 2^16 (Cody-Waite) */
  r -= k * 0x1.cf79abc9e3b3ap-45;
  uint64_t kb;
  memcpy(&kb, &kk, 8);
  double p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720))))));
  p *= exp2_32nds[kb & 31];
  uint64_t bits;
  memcpy(&bits, &p, 8);
  bits += (kb >> 5) << 52;   /* + m in the exponent: the high bits of kk shift out */
  memcpy(&p, &bits, 8);
  return p;
}

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
    double e = ib_exp(dc) * tmp[x];
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
