/*
** Core tests of quantized and noise-injected networks: the backward pass of a noisy
** net against central differences of the loss with the same noise (the noise of a
** pass depends on its seed only, so the loss is a smooth function of the weights);
** the straight-through gradient of a 16-bit net against central differences of the
** float net; zero gradient beyond a ReLU quantizer's range; quantizer levels; noise
** statistics and reproducibility; the JSON round trip of the settings.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/nn.h"

static int failures = 0;

/* Report a failed check. */
static void check(int ok, const char *what) {
  if (!ok) { fprintf(stderr, "FAIL: %s\n", what); failures++; }
}

/* Mean loss of params on (x, t), noise seeded as pass (0, 0, 0) when the net is noisy. */
static double mean_loss(const ibsh_arch *a, const double *p, const double *x, const double *t, size_t n, ibsh_nn_work *w) {
  ibsh_nn_noise_begin(a, w, 0, 0, 0);
  ibsh_nn_forward(a, p, x, n, w);
  return ibsh_nn_loss_sum(a, w, t, NULL, n, NULL) / (double)n;
}

/* Largest relative error of the backward gradient of net a against central differences of the loss of net ref
   (the same architecture, possibly without quantization). */
static double grad_error(const ibsh_arch *a, const ibsh_arch *ref, double h) {
  ibsh_rng r;
  ibsh_rng_seed(&r, 7);
  size_t n = 8, np = a->nparams, d0 = a->width[0], K = a->width[a->nlayers];
  double *p = malloc(np * sizeof(double)), *g = malloc(np * sizeof(double));
  double x[8 * 8], t[8 * 8];
  ibsh_nn_init_params(a, p, IBSH_INIT_GLOROT_UNIFORM, 0.1, &r);
  for (size_t i = 0; i < n * d0; i++) x[i] = 2 * ibsh_rng_uniform(&r) - 1;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < K; j++) t[i * K + j] = j == i % K ? 1.0 : 0.0;
  ibsh_nn_work w, wr;
  ibsh_nn_work_alloc(&w, a, n);
  ibsh_nn_work_alloc(&wr, ref, n);
  ibsh_nn_noise_begin(a, &w, 0, 0, 0);
  ibsh_nn_forward(a, p, x, n, &w);
  ibsh_nn_backward(a, p, t, n, &w, g);
  double worst = 0;
  for (size_t k = 0; k < np; k++) {
    double keep = p[k];
    p[k] = keep + h;
    double lp = mean_loss(ref, p, x, t, n, &wr);
    p[k] = keep - h;
    double lm = mean_loss(ref, p, x, t, n, &wr);
    p[k] = keep;
    double fd = (lp - lm) / (2 * h), e = fabs(fd - g[k]) / (fabs(fd) + fabs(g[k]) + 1e-6);
    if (e > worst) worst = e;
  }
  ibsh_nn_work_free(&w);
  ibsh_nn_work_free(&wr);
  free(p);
  free(g);
  return worst;
}

/* Gradients of noisy nets (exact) and of 16-bit nets (straight through, against the float net). */
static void test_gradients(void) {
  size_t widths[4] = {3, 5, 4, 3};
  for (int act = 0; act < IBSH_ACT_COUNT; act++) {
    ibsh_arch a;
    ibsh_arch_init(&a, 3, widths, act, IBSH_OUT_SOFTMAX);
    ibsh_nn_set_noise(&a, 0.3, 11);
    char what[96];
    double e = grad_error(&a, &a, 1e-6);
    snprintf(what, sizeof what, "noisy %s gradient (relative error %.2g)", ibsh_act_name(act), e);
    check(e < 1e-5, what);
    ibsh_arch q, f;
    ibsh_arch_init(&q, 3, widths, act, IBSH_OUT_SOFTMAX);
    ibsh_arch_init(&f, 3, widths, act, IBSH_OUT_SOFTMAX);
    int bits[3] = {16, 16, 16};
    double ranges[2] = {4, 4};
    ibsh_nn_set_quant(&q, bits, ranges);
    e = grad_error(&q, &f, 1e-5);
    snprintf(what, sizeof what, "16-bit %s straight-through gradient vs float (relative error %.2g)", ibsh_act_name(act), e);
    check(e < 2e-3, what);
  }
}

/* A ReLU quantizer with a tiny range clips every positive unit: no gradient reaches the first layer's weights
   through units above the range. */
static void test_clip(void) {
  size_t widths[3] = {2, 3, 2};
  ibsh_arch a;
  ibsh_arch_init(&a, 2, widths, IBSH_ACT_RELU, IBSH_OUT_SOFTMAX);
  int bits[2] = {8, 8};
  double ranges[1] = {1e-9};
  ibsh_nn_set_quant(&a, bits, ranges);
  double p[64], g[64], x[4] = {1, 1, 1, -1}, t[4] = {1, 0, 0, 1};
  for (size_t k = 0; k < a.nparams; k++) p[k] = 0.5;   /* every hidden unit positive, far beyond the range */
  ibsh_nn_work w;
  ibsh_nn_work_alloc(&w, &a, 2);
  ibsh_nn_forward(&a, p, x, 2, &w);
  ibsh_nn_backward(&a, p, t, 2, &w, g);
  double s = 0;
  for (size_t k = a.woff[0]; k < a.woff[0] + 2 * 3 + 3; k++) s += fabs(g[k]);
  check(s == 0, "no gradient through clipped ReLU units");
  for (int j = 0; j < 3; j++) check(fabs(w.act[1][j * 2] - 1e-9) < 1e-20, "clipped units sit at the top level");
  ibsh_nn_work_free(&w);
}

/* Levels: 2-bit tanh units take only -1, -1/3, 1/3, 1; the output is on the 2^k grid of [0, 1]. */
static void test_levels(void) {
  size_t widths[3] = {1, 1, 2};
  ibsh_arch a;
  ibsh_arch_init(&a, 2, widths, IBSH_ACT_TANH, IBSH_OUT_SOFTMAX);
  int bits[2] = {2, 3};
  check(ibsh_nn_set_quant(&a, bits, NULL) == IBSH_OK, "set_quant");
  double p[8] = {1, 0, 1, -1, 0, 0}, x[5] = {-3, -0.4, 0, 0.2, 3};
  ibsh_nn_work w;
  ibsh_nn_work_alloc(&w, &a, 5);
  ibsh_nn_forward(&a, p, x, 5, &w);
  ibsh_nn_quant_output(&a, &w, 5);
  const double want[5] = {-1, -1.0 / 3, 1.0 / 3, 1.0 / 3, 1};   /* tanh: -0.995, -0.380, 0 (tie to 1/3 by even), 0.197, 0.995 */
  for (int i = 0; i < 5; i++) check(fabs(w.act[1][i] - want[i]) < 1e-15, "2-bit tanh level");
  for (int i = 0; i < 10; i++) {
    double v = w.act[2][i] * 7;
    check(fabs(v - nearbyint(v)) < 1e-12, "3-bit output level");
  }
  ibsh_nn_work_free(&w);
  check(ibsh_nn_set_quant(&a, (int[]){0, 8}, NULL) != IBSH_OK, "bits 0 rejected");
  check(ibsh_nn_set_quant(&a, (int[]){17, 8}, NULL) != IBSH_OK, "bits 17 rejected");
  check(ibsh_nn_set_noise(&a, -0.1, 1) != IBSH_OK, "negative noise rejected");
  check(ibsh_nn_set_noise(&a, NAN, 1) != IBSH_OK, "NaN noise rejected");
}

/* Noise: mean 0 and std sigma over many units, the same bits for the same pass, other bits for another pass. */
static void test_noise(void) {
  size_t widths[3] = {1, 2000, 2};
  ibsh_arch a;
  ibsh_arch_init(&a, 2, widths, IBSH_ACT_LINEAR, IBSH_OUT_SOFTMAX);
  ibsh_nn_set_noise(&a, 0.5, 3);
  double *p = calloc(a.nparams, sizeof(double)), x[10] = {0};
  ibsh_nn_work w;
  ibsh_nn_work_alloc(&w, &a, 10);
  ibsh_nn_noise_begin(&a, &w, 0, 4, 1);
  ibsh_nn_forward(&a, p, x, 10, &w);
  double s = 0, s2 = 0, first = w.act[1][0];
  size_t m = 2000 * 10;
  for (size_t i = 0; i < m; i++) { s += w.act[1][i]; s2 += w.act[1][i] * w.act[1][i]; }
  double mean = s / (double)m, sd = sqrt(s2 / (double)m - mean * mean);
  check(fabs(mean) < 4 * 0.5 / sqrt((double)m), "noise mean 0");
  check(fabs(sd - 0.5) < 0.01, "noise std sigma");
  ibsh_nn_noise_begin(&a, &w, 0, 4, 1);
  ibsh_nn_forward(&a, p, x, 10, &w);
  check(w.act[1][0] == first, "same pass, same noise");
  ibsh_nn_noise_begin(&a, &w, 0, 4, 2);
  ibsh_nn_forward(&a, p, x, 10, &w);
  check(w.act[1][0] != first, "another pass, other noise");
  w.noisy = 0;
  ibsh_nn_forward(&a, p, x, 10, &w);
  check(w.act[1][0] == 0 && w.act[1][m - 1] == 0, "noiseless pass");
  ibsh_nn_work_free(&w);
  free(p);
}

/* The JSON members round trip, and malformed ones are rejected. */
static void test_json(void) {
  size_t widths[4] = {3, 5, 4, 2};
  ibsh_arch a, b;
  ibsh_arch_init(&a, 3, widths, IBSH_ACT_RELU, IBSH_OUT_SOFTMAX);
  ibsh_arch_init(&b, 3, widths, IBSH_ACT_RELU, IBSH_OUT_SOFTMAX);
  char buf[1024];
  check(ibsh_nn_ext_json(&a, buf, sizeof buf) == 0, "plain net writes nothing");
  ibsh_nn_set_quant(&a, (int[]){3, 5, 7}, (double[]){2.5, 0.1});
  ibsh_nn_set_noise(&a, 0.125, 0xABCDEF0123456789ull);
  check(ibsh_nn_ext_json(&a, buf, sizeof buf) > 0, "json written");
  check(ibsh_nn_ext_json(&a, buf, 10) < 0, "short buffer reported");
  ibsh_nn_ext_json(&a, buf, sizeof buf);
  check(ibsh_nn_ext_parse(&b, buf) == IBSH_OK && ibsh_nn_ext_same(&a, &b) && b.noise_seed == a.noise_seed, "json round trip");
  check(b.qhi[1] == 0.1 && b.qbits[2] == 7 && b.qlo[2] == 0 && b.qhi[2] == 1, "json values");
  ibsh_arch c = b;
  check(ibsh_nn_ext_parse(&c, "\"quant_bits\": [3, 99, 7], \"quant_lo\": [0, 0, 0], \"quant_hi\": [1, 1, 1]") != IBSH_OK, "bits 99 rejected");
  check(ibsh_nn_ext_parse(&c, "\"quant_bits\": [3, 5], \"quant_lo\": [0, 0, 0], \"quant_hi\": [1, 1, 1]") != IBSH_OK, "short list rejected");
  check(ibsh_nn_ext_parse(&c, "\"noise_sigma\": -1, \"noise_seed\": \"0\"") != IBSH_OK, "negative sigma rejected");
  check(ibsh_nn_ext_parse(&c, "\"noise_sigma\": 1") != IBSH_OK, "sigma without seed rejected");
}

int main(void) {
  test_gradients();
  test_clip();
  test_levels();
  test_noise();
  test_json();
  if (failures) return 1;
  printf("OK\n");
  return 0;
}
