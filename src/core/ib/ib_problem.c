/*
** Discrete IB problems: validate a joint p(x,y), derive p(x), p(y|x), p(y), and
** optionally merge the x's that share one conditional p(y|x). Fixed points of the
** IB equations depend on x only through p(y|x), so the merge leaves the curve intact.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/ib.h"

static _Thread_local const double *sort_rows;
static _Thread_local size_t sort_cols;

/* Order row indices lexicographically by their conditional p(y|x). */
static int cmp_rows(const void *a, const void *b) {
  size_t i = *(const size_t *)a, j = *(const size_t *)b;
  const double *ri = sort_rows + i * sort_cols, *rj = sort_rows + j * sort_cols;
  for (size_t k = 0; k < sort_cols; k++) {
    if (ri[k] < rj[k]) return -1;
    if (ri[k] > rj[k]) return 1;
  }
  return (i > j) - (i < j);
}

/* Free a problem's arrays. */
void ibsh_ib_problem_free(ibsh_ib_problem *p) {
  free(p->xmap); free(p->px); free(p->pyx); free(p->pxyT); free(p->pyxT); free(p->nhyx); free(p->py); free(p->statm);
  memset(p, 0, sizeof *p);
}

/* Validate the joint: finite, non-negative, no empty row or column, sums to 1. */
static int check_joint(const double *pxy, size_t nx, size_t ny) {
  if (nx == 0 || ny == 0) return ibsh_fail(IBSH_EINVAL, "joint distribution is empty (%zux%zu)", nx, ny);
  if (ny < 2) return ibsh_fail(IBSH_EINVAL, "joint needs at least 2 columns (values of Y), got %zu", ny);
  double total = 0;
  for (size_t i = 0; i < nx * ny; i++) {
    double v = pxy[i];
    if (isnan(v)) return ibsh_fail(IBSH_EINVAL, "joint has NaN at (%zu, %zu)", i / ny + 1, i % ny + 1);
    if (!isfinite(v)) return ibsh_fail(IBSH_EINVAL, "joint has an infinite entry at (%zu, %zu)", i / ny + 1, i % ny + 1);
    if (v < 0) return ibsh_fail(IBSH_EINVAL, "joint has a negative entry %g at (%zu, %zu)", v, i / ny + 1, i % ny + 1);
    total += v;
  }
  if (fabs(total - 1.0) > 1e-9) return ibsh_fail(IBSH_EINVAL, "joint sums to %.12g, not 1 (tolerance 1e-9)", total);
  for (size_t x = 0; x < nx; x++) {
    double r = 0;
    for (size_t y = 0; y < ny; y++) r += pxy[x * ny + y];
    if (r == 0) return ibsh_fail(IBSH_EINVAL, "row %zu of the joint is empty (p(x) = 0): drop it", x + 1);
  }
  for (size_t y = 0; y < ny; y++) {
    double c = 0;
    for (size_t x = 0; x < nx; x++) c += pxy[x * ny + y];
    if (c == 0) return ibsh_fail(IBSH_EINVAL, "column %zu of the joint is empty (p(y) = 0): drop it", y + 1);
  }
  return IBSH_OK;
}

/* Check a joint p(x,y) (nx x ny, row-major) and build the problem; reduce merges x's with equal p(y|x). */
int ibsh_ib_problem_init(ibsh_ib_problem *p, const double *pxy, size_t nx, size_t ny, int reduce) {
  memset(p, 0, sizeof *p);
  int rc = check_joint(pxy, nx, ny);
  if (rc) return rc;
  double total = 0;
  for (size_t i = 0; i < nx * ny; i++) total += pxy[i];
  double *cond = malloc(nx * ny * sizeof *cond);
  double *rowp = malloc(nx * sizeof *rowp);
  size_t *idx = malloc(nx * sizeof *idx);
  p->xmap = malloc(nx * sizeof *p->xmap);
  if (!cond || !rowp || !idx || !p->xmap) { free(cond); free(rowp); free(idx); ibsh_ib_problem_free(p); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  for (size_t x = 0; x < nx; x++) {
    double r = 0;
    for (size_t y = 0; y < ny; y++) r += pxy[x * ny + y];
    rowp[x] = r / total;
    for (size_t y = 0; y < ny; y++) cond[x * ny + y] = pxy[x * ny + y] / r;
    idx[x] = x;
  }
  size_t nr = 0;
  if (reduce) {
    sort_rows = cond; sort_cols = ny;
    qsort(idx, nx, sizeof *idx, cmp_rows);
    for (size_t k = 0; k < nx; k++) {
      if (k > 0 && memcmp(cond + idx[k] * ny, cond + idx[k - 1] * ny, ny * sizeof(double)) == 0) p->xmap[idx[k]] = nr - 1;
      else p->xmap[idx[k]] = nr++;
    }
  } else {
    for (size_t x = 0; x < nx; x++) p->xmap[x] = x;
    nr = nx;
  }
  p->nx = nr; p->ny = ny; p->nx_orig = nx;
  p->px = calloc(nr, sizeof *p->px);
  p->pyx = calloc(nr * ny, sizeof *p->pyx);
  p->pxyT = calloc(nr * ny, sizeof *p->pxyT);
  p->pyxT = calloc(nr * ny, sizeof *p->pyxT);
  p->nhyx = calloc(nr, sizeof *p->nhyx);
  p->py = calloc(ny, sizeof *p->py);
  p->statm = calloc(nr * (ny + 1), sizeof *p->statm);
  if (!p->statm || !p->px || !p->pyx || !p->pxyT || !p->pyxT || !p->nhyx || !p->py) {
    free(cond); free(rowp); free(idx); ibsh_ib_problem_free(p);
    return ibsh_fail(IBSH_ENOMEM, "out of memory");
  }
  p->hx_orig = 0;
  for (size_t x = 0; x < nx; x++) {
    size_t r = p->xmap[x];
    p->px[r] += rowp[x];
    memcpy(p->pyx + r * ny, cond + x * ny, ny * sizeof(double));
    p->hx_orig -= rowp[x] * log(rowp[x]);
  }
  p->hx = 0;
  for (size_t r = 0; r < nr; r++) {
    p->hx -= p->px[r] * log(p->px[r]);
    double nh = 0;
    for (size_t y = 0; y < ny; y++) {
      double c = p->pyx[r * ny + y];
      if (c > 0) nh += c * log(c);
      p->pyxT[y * nr + r] = c;
      p->pxyT[y * nr + r] = c * p->px[r];
      p->py[y] += c * p->px[r];
    }
    p->nhyx[r] = nh;
  }
  for (size_t r = 0; r < nr; r++) {
    p->statm[r * (ny + 1)] = p->px[r];
    for (size_t y = 0; y < ny; y++) p->statm[r * (ny + 1) + 1 + y] = p->pxyT[y * nr + r];
  }
  p->hy = 0;
  for (size_t y = 0; y < ny; y++) if (p->py[y] > 0) p->hy -= p->py[y] * log(p->py[y]);
  double hyx = 0;
  for (size_t r = 0; r < nr; r++) hyx -= p->px[r] * p->nhyx[r];
  p->ixy = p->hy - hyx;
  if (p->ixy < 0) p->ixy = 0;
  free(cond); free(rowp); free(idx);
  return IBSH_OK;
}
