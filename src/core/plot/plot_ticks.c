/*
** Tick placement: "nice" linear ticks (steps 1, 2, 2.5, 5 x 10^k, as
** matplotlib's MaxNLocator), decade ticks for log axes, labels with a shared
** number of decimals, an offset exponent for very large or small values, and
** automatic limits with a 5% margin.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "plot_internal.h"

#define MINUS "\xe2\x88\x92"   /* U+2212, as matplotlib prints negative numbers */

/* Format v with decimals digits; "-0" becomes "0" and the minus sign is U+2212. */
static void fmt_number(char *buf, size_t len, double v, int decimals) {
  char tmp[40];
  snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
  int zero = 1;
  for (const char *p = tmp; *p; p++) if (*p >= '1' && *p <= '9') zero = 0;
  const char *digits = tmp[0] == '-' ? tmp + 1 : tmp;
  size_t used = 0;
  if (tmp[0] == '-' && !zero && len > 4) { memcpy(buf, MINUS, 3); used = 3; }
  size_t n = strlen(digits);
  if (used + n >= len) n = len - used - 1;
  memcpy(buf + used, digits, n);
  buf[used + n] = 0;
}

/* Linear ticks for [lo, hi] with at most maxn intervals. */
void plot_ticks_linear(double lo, double hi, int maxn, plot_ticks *t) {
  plot_ticks_linear_int(lo, hi, maxn, 0, t);
}

/* Linear ticks; with integer set, steps below 10 avoid 2.5 (for counts such as epochs). */
void plot_ticks_linear_int(double lo, double hi, int maxn, int integer, plot_ticks *t) {
  memset(t, 0, sizeof *t);
  if (!(hi > lo) || !isfinite(lo) || !isfinite(hi)) return;
  if (maxn < 1) maxn = 1;
  double raw = (hi - lo) / maxn, mag = pow(10, floor(log10(raw)));
  static const double steps[] = {1, 2, 2.5, 5, 10};
  double step = 10 * mag, mant = 10;
  for (int i = 0; i < 5; i++)
    if (steps[i] * mag >= raw * (1 - 1e-9) && !(integer && steps[i] * mag < 1)) {
      if (integer && steps[i] == 2.5 && mag < 10) continue;
      step = steps[i] * mag; mant = steps[i]; break;
    }
  double k0 = ceil(lo / step - 1e-9), k1 = floor(hi / step + 1e-9);
  for (double k = k0; k <= k1 && t->n < MAXTICKS; k++) {
    double v = k * step;
    if (fabs(v) < step * 1e-9) v = 0;
    t->v[t->n++] = v;
  }
  double amax = fmax(fabs(lo), fabs(hi));
  int e = 0;
  if (amax >= 1e5 || amax < 1e-3) e = (int)floor(log10(amax));
  double scale = pow(10, e);
  int decimals = (int)fmax(0, -floor(log10(step / scale) + 1e-9) + (mant == 2.5 ? 1 : 0));
  for (int i = 0; i < t->n; i++) fmt_number(t->label[i], sizeof t->label[i], t->v[i] / scale, decimals);
  if (e != 0) {
    char ex[16];
    fmt_number(ex, sizeof ex, e, 0);
    snprintf(t->offset, sizeof t->offset, "\xc3\x97" "10^{%s}", ex);  /* ×10^{e} */
  }
  /* minor ticks: 4 or 5 per interval, for grids and tick marks */
  int sub = (mant == 2 || mant == 2.5) ? 4 : 5;
  double ms = step / sub;
  for (double k = floor(lo / ms); k <= ceil(hi / ms) && t->nminor < 4 * MAXTICKS; k++) {
    double v = k * ms;
    if (v >= lo && v <= hi) t->minor[t->nminor++] = v;
  }
}

/* Decade ticks (with minor ticks) for [lo, hi] (both > 0). */
void plot_ticks_log(double lo, double hi, int maxn, plot_ticks *t) {
  memset(t, 0, sizeof *t);
  if (!(hi > lo) || !(lo > 0) || !isfinite(hi)) return;
  double l0 = log10(lo), l1 = log10(hi);
  int k0 = (int)ceil(l0 - 1e-9), k1 = (int)floor(l1 + 1e-9);
  int nd = k1 - k0 + 1;
  if (nd < 2) {
    /* fewer than two decades shown: ticks at 1-2-5 (or 1..9) times powers of ten, plain labels */
    static const int sets[4][10] = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 0}, {1, 2, 5, 0}, {1, 5, 0}, {1, 0}};
    if (maxn < 2) maxn = 2;
    for (int si = (l1 - l0 < 1 ? 0 : 1); si < 4; si++) {
      t->n = 0;
      for (int k = (int)floor(l0); k <= (int)ceil(l1) && t->n < MAXTICKS; k++)
        for (int i = 0; sets[si][i]; i++) {
          double v = sets[si][i] * pow(10, k);
          if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) && t->n < MAXTICKS) t->v[t->n++] = v;
        }
      if (t->n <= maxn + 1) break;
    }
    if (t->n < 2) {
      plot_ticks_linear(lo, hi, maxn, t);
      int j = 0;
      for (int i = 0; i < t->n; i++)
        if (t->v[i] > 0) { t->v[j] = t->v[i]; memcpy(t->label[j], t->label[i], sizeof t->label[i]); j++; }
      t->n = j;
      t->nminor = 0;
      return;
    }
    for (int i = 0; i < t->n; i++) {
      double v = t->v[i];
      int e = (int)floor(log10(v) + 1e-9);
      fmt_number(t->label[i], sizeof t->label[i], v, e < 0 ? -e : 0);
    }
    for (int k = (int)floor(l0); k <= (int)ceil(l1) && t->nminor < 4 * MAXTICKS; k++)
      for (int m = 1; m <= 9 && t->nminor < 4 * MAXTICKS; m++) {
        double v = m * pow(10, k);
        int major = 0;
        for (int i = 0; i < t->n; i++) if (fabs(t->v[i] - v) <= 1e-9 * v) major = 1;
        if (!major && v >= lo && v <= hi) t->minor[t->nminor++] = v;
      }
    return;
  }
  if (maxn < 1) maxn = 1;
  int stride = (nd + maxn - 1) / maxn;
  if (stride < 1) stride = 1;
  for (int k = k0; k <= k1 && t->n < MAXTICKS; k++) {
    if (((k % stride) + stride) % stride) continue;
    t->v[t->n] = pow(10, k);
    char ex[16];
    fmt_number(ex, sizeof ex, k, 0);
    snprintf(t->label[t->n], sizeof t->label[t->n], "10^{%s}", ex);
    t->n++;
  }
  if (stride == 1 || nd <= 12) {
    for (int k = (int)floor(l0); k <= k1 && t->nminor < 4 * MAXTICKS; k++) {
      for (int m = 1; m <= 9 && t->nminor < 4 * MAXTICKS; m++) {
        double v = m * pow(10, k);
        if (stride > 1 ? (m == 1 && ((k % stride) + stride) % stride) : m > 1)
          if (v >= lo && v <= hi) t->minor[t->nminor++] = v;
      }
    }
  }
}

/* Nice automatic limits: the data range [lo, hi] widened by a margin (log scale when logscale). */
void plot_autolimits(double *lo, double *hi, int logscale) {
  double a = *lo, b = *hi;
  if (!isfinite(a) || !isfinite(b) || a > b) { a = logscale ? 1 : 0; b = logscale ? 10 : 1; }
  if (logscale) { a = log10(a); b = log10(b); }
  if (a == b) {
    double d = logscale ? 0.5 : (a != 0 ? 0.05 * fabs(a) : 0.05);
    a -= d;
    b += d;
  }
  double m = 0.05 * (b - a);
  a -= m;
  b += m;
  if (logscale) { a = pow(10, a); b = pow(10, b); }
  *lo = a;
  *hi = b;
}
