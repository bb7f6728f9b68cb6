/*
** Checking an observed encoder p(t|x) against the IB self-consistent equations
** (reference section 4.6): recompute p(t), p(y|t) and D(x,t) = KL[p(y|x) || p(y|t)];
** fit beta by regressing ln p(t|x) - ln p(t) on D(x,t) after centring over t per x;
** the residual is max_x || p(.|x) - q_beta(.|x) ||_1 with q_beta the right-hand side.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/ib.h"

/* Self-consistency of an observed encoder (nx x nt, rows p(t|x)): residual at the fitted (or given, if beta > 0) beta. */
int ibsh_ib_consistency(const double *enc, size_t nt, const double *pxy, size_t nx, size_t ny, double beta_given,
                        double *beta, double *residual, double *logres) {
  if (nt == 0) return ibsh_fail(IBSH_EINVAL, "encoder has no clusters");
  ibsh_ib_problem p;
  int rc = ibsh_ib_problem_init(&p, pxy, nx, ny, 0);
  if (rc) return rc;
  for (size_t x = 0; x < nx; x++) {
    double s = 0;
    for (size_t t = 0; t < nt; t++) {
      double v = enc[x * nt + t];
      if (!isfinite(v) || v < 0) { ibsh_ib_problem_free(&p); return ibsh_fail(IBSH_EINVAL, "encoder entry (%zu, %zu) is %g: must be a probability", x + 1, t + 1, v); }
      s += v;
    }
    if (fabs(s - 1) > 1e-6) { ibsh_ib_problem_free(&p); return ibsh_fail(IBSH_EINVAL, "encoder row %zu sums to %.9g, not 1", x + 1, s); }
  }
  double *pt = calloc(nt, sizeof *pt), *lpyt = calloc(nt * ny, sizeof *lpyt), *d = calloc(nt, sizeof *d);
  if (!pt || !lpyt || !d) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory"); goto done; }
  for (size_t x = 0; x < nx; x++)
    for (size_t t = 0; t < nt; t++) {
      double w = enc[x * nt + t] * p.px[x];
      pt[t] += w;
      for (size_t y = 0; y < ny; y++) lpyt[t * ny + y] += w * p.pyx[x * ny + y];
    }
  for (size_t t = 0; t < nt; t++)
    for (size_t y = 0; y < ny; y++) {
      double v = pt[t] > 0 ? lpyt[t * ny + y] / pt[t] : 0;
      lpyt[t * ny + y] = v > 0 ? log(v) : -INFINITY;
    }
  /* Regression of centred ln p(t|x) - ln p(t) on centred D(x,t). */
  double sad = 0, sdd = 0, saa = 0;
  size_t used = 0;
  for (int pass = 0; pass < 2; pass++) {
    double b = pass == 0 ? 0 : *beta;
    for (size_t x = 0; x < nx; x++) {
      const double *row = enc + x * nt;
      double ma = 0, md = 0;
      size_t m = 0;
      for (size_t t = 0; t < nt; t++) {
        d[t] = NAN;
        if (!(row[t] > 0) || !(pt[t] > 0)) continue;
        double kl = 0;
        for (size_t y = 0; y < ny; y++) {
          double c = p.pyx[x * ny + y];
          if (c > 0) kl += c * (log(c) - lpyt[t * ny + y]);
        }
        if (!isfinite(kl)) continue;
        d[t] = kl;
        ma += log(row[t]) - log(pt[t]);
        md += kl;
        m++;
      }
      if (m < 2) continue;
      ma /= (double)m; md /= (double)m;
      for (size_t t = 0; t < nt; t++) {
        if (isnan(d[t])) continue;
        double a = log(row[t]) - log(pt[t]) - ma, dd = d[t] - md;
        if (pass == 0) { sad += a * dd; sdd += dd * dd; used++; }
        else saa += (a + b * dd) * (a + b * dd);
      }
    }
    if (pass == 0) *beta = beta_given > 0 ? beta_given : (sdd > 0 ? -sad / sdd : NAN);
  }
  *logres = used ? sqrt(saa / (double)used) : NAN;
  /* Residual of the update at beta: q_beta(t|x) = p(t) exp(-beta D(x,t)) / Z(x). */
  double b = *beta, r = 0;
  if (isnan(b)) b = 0;
  for (size_t x = 0; x < nx; x++) {
    double mx = -INFINITY;
    for (size_t t = 0; t < nt; t++) {
      double kl = 0;
      for (size_t y = 0; y < ny; y++) {
        double c = p.pyx[x * ny + y];
        if (c > 0) kl += c * (log(c) - lpyt[t * ny + y]);
      }
      d[t] = pt[t] > 0 && isfinite(kl) ? log(pt[t]) - b * kl : -INFINITY;
      if (d[t] > mx) mx = d[t];
    }
    double z = 0;
    for (size_t t = 0; t < nt; t++) z += d[t] > -INFINITY ? exp(d[t] - mx) : 0;
    double l1 = 0;
    for (size_t t = 0; t < nt; t++) {
      double q = d[t] > -INFINITY ? exp(d[t] - mx) / z : 0;
      l1 += fabs(enc[x * nt + t] - q);
    }
    if (l1 > r) r = l1;
  }
  *residual = r;
done:
  free(pt); free(lpyt); free(d);
  ibsh_ib_problem_free(&p);
  return rc;
}
