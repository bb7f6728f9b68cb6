/*
** The vectorised exp used by softmax: accurate in range, flushed to 0 far below it (a ReLU
** network's logits can put z - logsumexp below -708; the exponent bits must not wrap round).
*/
#include <math.h>
#include <stdio.h>
#include "ibsh/nn_act.h"

/* Compare ibsh_exp_array with libm over a sweep of inputs and at the underflow edge. */
int main(void) {
  double x[12] = {-2000, -1000, -800, -745.2, -708.5, -708.0, -700, -1, 0, 1e-9, 3.5, 700};
  double y[12];
  int failures = 0;
  ibsh_exp_array(x, y, 12);
  for (int i = 0; i < 12; i++) {
    double want = exp(x[i]);
    int ok = x[i] < -708.0 ? (y[i] == 0.0) : (fabs(y[i] - want) <= 4e-16 * want);
    if (!ok) {
      printf("exp(%g) = %.17g, want %.17g\n", x[i], y[i], want);
      failures++;
    }
  }
  double nan_in = NAN, nan_out = 0;
  ibsh_exp_array(&nan_in, &nan_out, 1);
  if (!isnan(nan_out)) { printf("exp(NaN) is not NaN\n"); failures++; }
  if (!failures) printf("OK\n");
  return failures != 0;
}
