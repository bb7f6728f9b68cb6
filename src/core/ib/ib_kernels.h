/*
** Vectorised row kernels of the iterative IB update (see ib_kernels.c).
*/
#ifndef IBSH_IB_KERNELS_H
#define IBSH_IB_KERNELS_H

#include <stddef.h>

/* row[x] = base + sum_y coef[y] * cond[y * ld + x]; colmax[x] = max(colmax[x], row[x]). */
void ibsh_ib_row_scores(double *restrict row, size_t nx, double base, const double *restrict coef,
                        const double *restrict cond, size_t ld, size_t ny, double *restrict colmax);

/* row[x] = exp(row[x] - colmax[x]) (0 below -500); colsum[x] += it; ed[x] += it * (row[x] - colmax[x]); tmp is nx scratch. */
void ibsh_ib_row_exp(double *restrict row, size_t nx, const double *restrict colmax, double *restrict colsum,
                     double *restrict ed, double *restrict tmp);

/* row[x] *= scale[x]. */
void ibsh_ib_row_scale(double *restrict row, size_t nx, const double *restrict scale);

#define IBSH_IB_BLOCK_MAX_NY 8   /* the block kernels take joints with up to this many columns */
#define IBSH_IB_BLOCK_MAX 128    /* and blocks of up to this many x */

/* colmax[x] = max over live clusters t of the score coef[t][0] + sum_y coef[t][1 + y] cond[y * ld + x], x < n
   (n <= 128, ny <= 8; a cluster is dead when coef[t][0] is NaN). */
void ibsh_ib_block_colmax(const double *restrict coef, size_t nt, size_t ny, const double *restrict cond, size_t ld,
                          size_t n, double *restrict colmax);

/* For x < n and every cluster t: buf[t * ldb + x] = e = exp(score - colmax[x]) (0 below -500 and for dead
   clusters; buf is written up to n rounded up to 4, ldb >= that); colsum[x] = sum_t e and
   ed[x] = sum_t e (score - colmax[x]), summed in t order. n <= 128, ny <= 8; ldb >= n rounded up to 8. */
void ibsh_ib_block_exp(const double *restrict coef, size_t nt, size_t ny, const double *restrict cond, size_t ld,
                       size_t n, const double *restrict colmax, double *restrict buf, size_t ldb,
                       double *restrict colsum, double *restrict ed);

/* acc[t] += sum_{x < n} e[t][x] w(x) with e[t][x] = buf[t * ldb + x] and w(x) = [p(x), p(x, y)...] inv[x],
   p(x, y) = pxyT[y * ld + x]: each cluster's mass and joint with y over the block (p(t|x) = e inv), summed
   in a fixed order. n <= 128, ny <= 8. */
void ibsh_ib_block_mass(const double *restrict buf, size_t ldb, size_t nt, size_t n, const double *restrict inv,
                        const double *restrict px, const double *restrict pxyT, size_t ld, size_t ny,
                        double *restrict acc);

#endif
