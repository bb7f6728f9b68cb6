/*
** Incomplete gamma by series and continued fraction (Numerical Recipes' split at
** x = a + 1), and digamma by recurrence plus asymptotic expansion.
*/
#include <math.h>
#include <float.h>
#include "mi_special.h"

/* Series for P(a, x), convergent for x < a + 1. */
static double gamma_series(double a, double x) {
  double sum = 1.0 / a, term = sum, ap = a;
  for (int i = 0; i < 100000; i++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (fabs(term) < fabs(sum) * 1e-17) break;
  }
  return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Continued fraction for Q(a, x) (modified Lentz), convergent for x >= a + 1. */
static double gamma_cfrac(double a, double x) {
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 100000; i++) {
    double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1 / d;
    double delta = d * c;
    h *= delta;
    if (fabs(delta - 1) < 1e-16) break;
  }
  return exp(-x + a * log(x) - lgamma(a)) * h;
}

/* Regularised lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a), a > 0, x >= 0. */
double ibsh_gamma_p(double a, double x) {
  if (!(a > 0) || !(x >= 0)) return NAN;
  if (x == 0) return 0;
  return x < a + 1 ? gamma_series(a, x) : 1 - gamma_cfrac(a, x);
}

/* Regularised upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the far tail. */
double ibsh_gamma_q(double a, double x) {
  if (!(a > 0) || !(x >= 0)) return NAN;
  if (x == 0) return 1;
  if (isinf(x)) return 0;
  return x < a + 1 ? 1 - gamma_series(a, x) : gamma_cfrac(a, x);
}

/* Survival function of the chi-square distribution with df > 0 degrees of freedom at x >= 0. */
double ibsh_chi2_sf(double x, double df) {
  if (x <= 0) return 1;
  return ibsh_gamma_q(df / 2, x / 2);
}

/* Digamma function psi(x) for x > 0 (recurrence to x >= 10, then the asymptotic series). */
double ibsh_digamma(double x) {
  double r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  double f = 1 / (x * x);
  double series = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132 + f * (691.0 / 32760 + f * (-1.0 / 12)))))));
  return r + log(x) - 0.5 / x + series;
}
