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

#endif
