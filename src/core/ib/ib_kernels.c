/*
** Row kernels of the iterative IB update: the loops over x that run |T| times per
** iteration. Written so GCC vectorises them (branch-free, no reductions across x),
** compiled at -O3 twice, for AVX2 (without FMA) and the baseline, one picked at load time.
** The exponential is base/fastexp.h's (a 32-entry table of 2^(j/32) times a degree-6
** Taylor polynomial, relative error below 6e-16); arguments below -500 give exactly 0.
*/
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif
#include <stdint.h>
#include <string.h>
#include "base/cpu.h"
#include "base/fastexp.h"
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
