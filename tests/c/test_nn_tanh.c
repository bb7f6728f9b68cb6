/*
** The vectorised tanh of every tanh network (a 16-entry table of 2^(j/16) - 1 and a degree-7
** polynomial for expm1): within 5.5e-16 relative of tanhl over 2 million arguments spread over
** every magnitude, odd, exact at 0 and tiny arguments, +-1 far out, NaN for NaN, and the same
** value whatever its position in the array (the 8-lane body, the 4-lane body and the padded tail).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "ibsh/nn_act.h"

#define N 2000000

/* A deterministic argument: uniform magnitudes up to 25, magnitudes down to 2^-60, and points near the table's
   breakpoints 2|x| = m ln2/16 where the range reduction switches entries. */
static double argument(size_t i, uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  double u = (double)(*s >> 11) * 0x1p-53, sign = (i & 1) ? -1.0 : 1.0;
  switch (i % 4) {
  case 0: return sign * u * 25.0;
  case 1: return sign * ldexp(1.0 + u, -(int)(i % 61));
  case 2: return sign * u * 2.0;
  default: return sign * (floor(u * 1000.0) * 0.6931471805599453 / 32.0 + (u - 0.5) * 1e-12);
  }
}

int main(void) {
  double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
  if (!x || !y) return 1;
  uint64_t s = 42;
  for (size_t i = 0; i < N; i++) x[i] = argument(i, &s);
  ibsh_tanh_array(x, y, N);
  int failures = 0;
  double worst = 0, worst_x = 0;
  for (size_t i = 0; i < N; i++) {
    long double want = tanhl((long double)x[i]);
    double rel = want == 0 ? fabs(y[i]) : (double)fabsl(((long double)y[i] - want) / want);
    if (rel > worst) { worst = rel; worst_x = x[i]; }
  }
  printf("worst relative error %.3g at %a\n", worst, worst_x);
  if (worst > 5.5e-16) { printf("tanh: error above 5.5e-16\n"); failures++; }

  /* special values, and oddness */
  double sx[10] = {0.0, -0.0, 1e-300, 5e-324, 19.5, -25.0, 1e300, INFINITY, -INFINITY, NAN}, sy[10];
  ibsh_tanh_array(sx, sy, 10);
  for (int i = 0; i < 4; i++)
    if (sy[i] != sx[i] || signbit(sy[i]) != signbit(sx[i])) { printf("tanh(%g) = %g\n", sx[i], sy[i]); failures++; }
  double want_far[5] = {1.0, -1.0, 1.0, 1.0, -1.0};
  for (int i = 4; i < 9; i++)
    if (sy[i] != want_far[i - 4]) { printf("tanh(%g) = %.17g\n", sx[i], sy[i]); failures++; }
  if (!isnan(sy[9])) { printf("tanh(NaN) is not NaN\n"); failures++; }
  for (size_t i = 0; i + 1 < 4096; i += 2) {
    double a = fabs(x[i]), pair[2] = {a, -a}, out[2];
    ibsh_tanh_array(pair, out, 2);
    if (out[0] != -out[1]) { printf("tanh is not odd at %a\n", a); failures++; break; }
  }

  /* the same bits in every position: one value at each offset of arrays of every length up to 19 */
  double probe = 0.37, ref;
  ibsh_tanh_array(&probe, &ref, 1);
  for (size_t n = 1; n <= 19; n++)
    for (size_t k = 0; k < n; k++) {
      double in[19], out[19];
      for (size_t j = 0; j < n; j++) in[j] = j == k ? probe : 0.5 * (double)j;
      ibsh_tanh_array(in, out, n);
      if (out[k] != ref) { printf("tanh(0.37) differs at offset %zu of %zu\n", k, n); failures++; }
    }
  free(x);
  free(y);
  if (!failures) printf("OK\n");
  return failures != 0;
}
