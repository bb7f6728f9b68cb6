/*
** Core tests of the networks: finite-difference gradient checks for every
** activation and loss, two Adam steps against hand-computed values, the
** original code's 274 log-spaced epochs, determinism, interruption, and the
** save/load round trip.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/nn.h"
#include "ibsh/optim.h"
#include "ibsh/run.h"

static int failures = 0;

/* Report a failed check. */
static void check(int ok, const char *what) {
  if (!ok) { fprintf(stderr, "FAIL: %s\n", what); failures++; }
}

/* Mean loss of params on (x, t) with n rows. */
static double mean_loss(const ibsh_arch *a, const double *params, const double *x, const double *t, size_t n, ibsh_nn_work *w) {
  ibsh_nn_forward(a, params, x, n, w);
  return ibsh_nn_loss_sum(a, w, t, NULL, n, NULL) / (double)n;
}

/* Largest relative error between the backward gradient and central differences, for one net. */
static double grad_error(int act, int out, size_t K) {
  size_t widths[4] = {3, 5, 4, K};
  ibsh_arch a;
  if (ibsh_arch_init(&a, 3, widths, act, out)) return 1e9;
  ibsh_rng r;
  ibsh_rng_seed(&r, 42 + (uint64_t)act * 7 + (uint64_t)out);
  size_t n = 6, np = a.nparams;
  double *p = malloc(np * sizeof(double)), *g = malloc(np * sizeof(double));
  double x[6 * 3], t[6 * 4];
  ibsh_nn_init_params(&a, p, IBSH_INIT_GLOROT_UNIFORM, 0.1, &r);
  for (size_t i = 0; i < n * 3; i++) x[i] = 2 * ibsh_rng_uniform(&r) - 1;
  for (size_t i = 0; i < n; i++) {
    size_t c = ibsh_rng_below(&r, K < 2 ? 2 : K);
    for (size_t j = 0; j < K; j++) {
      if (out == IBSH_OUT_LINEAR) t[i * K + j] = ibsh_rng_normal(&r);
      else if (K == 1) t[i * K + j] = (double)c;
      else t[i * K + j] = j == c ? 1.0 : 0.0;
    }
  }
  ibsh_nn_work w;
  ibsh_nn_work_alloc(&w, &a, n);
  ibsh_nn_forward(&a, p, x, n, &w);
  ibsh_nn_backward(&a, p, t, n, &w, g);
  double worst = 0, gmax = 0;
  for (size_t i = 0; i < np; i++) gmax = fmax(gmax, fabs(g[i]));
  /* relative error per component, with components below 1e-3 of the largest measured against that floor
     (finite differences of a loss ~1 carry ~1e-12 of rounding noise) */
  double floor_ = fmax(1e-3 * gmax, 1e-9);
  for (size_t i = 0; i < np; i++) {
    double h = 1e-4 * (fabs(p[i]) > 1 ? fabs(p[i]) : 1), old = p[i], f[4];
    const double off[4] = {2, 1, -1, -2};
    for (int k = 0; k < 4; k++) {
      p[i] = old + off[k] * h;
      f[k] = mean_loss(&a, p, x, t, n, &w);
    }
    p[i] = old;
    double fd = (8 * (f[1] - f[2]) - (f[0] - f[3])) / (12 * h);  /* fourth-order central difference */
    double err = fabs(fd - g[i]) / fmax(fmax(fabs(fd), fabs(g[i])), floor_);
    if (err > worst) worst = err;
  }
  ibsh_nn_work_free(&w);
  free(p);
  free(g);
  return worst;
}

/* Gradient checks for every hidden activation with softmax, and every output kind with tanh. */
static void test_gradients(void) {
  char what[128];
  for (int act = 0; act < IBSH_ACT_COUNT; act++) {
    double e = grad_error(act, IBSH_OUT_SOFTMAX, 3);
    snprintf(what, sizeof what, "gradient %s+softmax relative error %.3g", ibsh_act_name(act), e);
    check(e < 1e-6, what);
    if (getenv("IBSH_VERBOSE")) printf("%s\n", what);
  }
  size_t saved = ibsh_nn_gemm_min_flops;
  ibsh_nn_gemm_min_flops = 0;  /* every product through cblas_dgemm */
  double eg = grad_error(IBSH_ACT_TANH, IBSH_OUT_SOFTMAX, 3);
  ibsh_nn_gemm_min_flops = saved;
  snprintf(what, sizeof what, "gradient tanh+softmax through dgemm relative error %.3g", eg);
  check(eg < 1e-6, what);
  struct { int out; size_t K; } outs[] = {{IBSH_OUT_SIGMOID, 1}, {IBSH_OUT_SIGMOID, 3}, {IBSH_OUT_LINEAR, 1}, {IBSH_OUT_LINEAR, 2}};
  for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
    double e = grad_error(IBSH_ACT_TANH, outs[i].out, outs[i].K);
    snprintf(what, sizeof what, "gradient tanh+%s(K=%zu) relative error %.3g", ibsh_out_name(outs[i].out), outs[i].K, e);
    check(e < 1e-6, what);
    if (getenv("IBSH_VERBOSE")) printf("%s\n", what);
  }
}

/* Two Adam steps against values computed by hand from the textbook formulas. */
static void test_adam(void) {
  ibsh_optim o = {IBSH_OPTIM_ADAM, 0.1, 0, 0.9, 0.999, 1e-8, 0};
  double p[2] = {1.0, -2.0}, m[2] = {0, 0}, v[2] = {0, 0}, g1[2] = {0.5, -1.0}, g2[2] = {0.1, 0.3};
  long step = 0;
  ibsh_optim_step(&o, o.lr, p, g1, m, v, 2, &step);
  check(fabs(p[0] - 0.9000000632455132) < 1e-14 && fabs(p[1] + 1.9000000316227665) < 1e-14, "Adam step 1");
  ibsh_optim_step(&o, o.lr, p, g2, m, v, 2, &step);
  check(fabs(p[0] - 0.8196960152288328) < 1e-14 && fabs(p[1] + 1.8572151854374255) < 1e-14, "Adam step 2");
  check(fabs(m[0] - 0.055) < 1e-15 && fabs(v[1] - 0.001089) < 1e-15 && step == 2, "Adam moments");
  ibsh_optim s = {IBSH_OPTIM_SGD, 0.5, 0.9, 0, 0, 0, 0};
  double q[1] = {1.0}, mv[1] = {0}, gg[1] = {2.0};
  ibsh_optim_step(&s, 0.5, q, gg, mv, NULL, 1, &step);
  ibsh_optim_step(&s, 0.5, q, gg, mv, NULL, 1, &step);
  check(fabs(q[0] - (1.0 - 0.5 * 2 - 0.5 * 3.8)) < 1e-15, "SGD momentum two steps");
}

/* The original code's log-spaced epochs: 274 unique out of 400 requested for 8000 epochs. */
static void test_log_epochs(void) {
  long e[400];
  size_t n = ibsh_log_epochs(8000, 400, e, 400);
  long sum = 0;
  for (size_t i = 0; i < n; i++) sum += e[i];
  check(n == 274, "log:400 over 8000 epochs gives 274 epochs");
  check(sum == 357762 && e[0] == 0 && e[273] == 7999 && e[100] == 161 && e[109] == 197, "log epochs match numpy");
  long big[1800];
  check(ibsh_log_epochs(10000, 1800, big, 1800) == 964, "log:1800 over 10000 epochs gives 964 epochs");
}

typedef struct toy { ibsh_arch a; double x[64 * 4], t[64 * 2]; int32_t y[64]; } toy;

/* A small 4-6-2 task: label 1 when the sum of inputs is positive. */
static void make_toy(toy *d) {
  size_t widths[3] = {4, 6, 2};
  ibsh_arch_init(&d->a, 2, widths, IBSH_ACT_TANH, IBSH_OUT_SOFTMAX);
  ibsh_rng r;
  ibsh_rng_seed(&r, 7);
  for (int i = 0; i < 64; i++) {
    double s = 0;
    for (int j = 0; j < 4; j++) s += d->x[i * 4 + j] = ibsh_rng_normal(&r);
    d->y[i] = s > 0;
    d->t[i * 2] = s > 0 ? 0 : 1;
    d->t[i * 2 + 1] = s > 0 ? 1 : 0;
  }
}

static long stop_after = -1;

/* Progress callback that requests an interrupt after a given epoch (stands in for a signal). */
static void interrupter(void *ud, const ibsh_run *run, long epoch, long last, double seconds) {
  (void)ud; (void)run; (void)last; (void)seconds;
  if (epoch == stop_after) ibsh_interrupt_request(SIGTERM);
}

/* Train the toy net for epochs from a fresh start or continue run; snap flags every epoch. */
static int train(ibsh_run *run, const toy *d, long epochs, int shuffle) {
  unsigned char snap[256];
  memset(snap, 1, sizeof snap);
  ibsh_fit_config c;
  memset(&c, 0, sizeof c);
  c.epochs = epochs; c.batch = 10; c.shuffle = shuffle; c.gradstats = 1; c.snap = snap; c.lr_gamma = 1;
  c.optim = (ibsh_optim){IBSH_OPTIM_ADAM, 0.01, 0, 0.9, 0.999, 1e-8, 0};
  c.progress = interrupter;
  ibsh_data_view tr = {d->x, d->t, d->y, 48}, te = {d->x + 48 * 4, d->t + 48 * 2, d->y + 48, 16};
  return ibsh_run_fit(run, &c, &tr, &te);
}

/* Same seed => same bits; 5 + 5 epochs (with save/load) == 10; interrupt keeps completed epochs. */
static void test_runs(void) {
  toy d;
  make_toy(&d);
  ibsh_rng r;
  double p0[64];
  ibsh_rng_seed(&r, 1);
  ibsh_nn_init_params(&d.a, p0, IBSH_INIT_TRUNCNORMAL_FANIN, 0, &r);
  ibsh_run a, b, c;
  ibsh_run_init(&a, &d.a, p0, 3);
  ibsh_run_init(&b, &d.a, p0, 3);
  check(train(&a, &d, 10, 1) == IBSH_OK && train(&b, &d, 10, 1) == IBSH_OK, "training succeeds");
  check(memcmp(a.params, b.params, d.a.nparams * sizeof(double)) == 0, "determinism: same seed, same bits");
  check(a.nsnap == 11 && a.snap_epoch[10] == 10 && a.epochs == 10, "snapshots 0..10");
  check(a.train_loss[9] < a.train_loss[0], "loss decreases");
  check(a.grad_mean[0] > 0 && a.grad_std[0] > 0 && a.weight_norm[0] > 0, "gradient statistics recorded");
  ibsh_run_free(&b);
  char dir[] = "/tmp/ibsh_nn_test_XXXXXX";
  check(mkdtemp(dir) != NULL, "mkdtemp");
  ibsh_run_init(&b, &d.a, p0, 3);
  check(train(&b, &d, 5, 1) == IBSH_OK, "first half");
  check(ibsh_run_save(&b, dir, "\"note\": \"test\"") == IBSH_OK, "save");
  ibsh_run_free(&b);
  check(ibsh_run_load(&c, dir) == IBSH_OK, ibsh_errmsg());
  check(c.epochs == 5 && c.nsnap == 6, "loaded counters");
  check(train(&c, &d, 5, 1) == IBSH_OK, "second half");
  check(memcmp(a.params, c.params, d.a.nparams * sizeof(double)) == 0, "resume: 5 + 5 epochs bit-identical to 10");
  check(memcmp(a.snap_params, c.snap_params, 11 * d.a.nparams * sizeof(double)) == 0, "resume: same snapshots");
  check(memcmp(a.m, c.m, d.a.nparams * sizeof(double)) == 0 && a.step == c.step, "resume: same Adam state");
  ibsh_run_free(&c);
  ibsh_run_init(&b, &d.a, p0, 3);
  stop_after = 3;
  int rc = train(&b, &d, 10, 1);
  ibsh_interrupt_clear();
  stop_after = -1;
  check(rc == IBSH_EINTR && b.epochs == 3 && b.nsnap == 4, "interrupt keeps the 3 completed epochs");
  check(memcmp(b.snap_params + 3 * d.a.nparams, a.snap_params + 3 * d.a.nparams, d.a.nparams * sizeof(double)) == 0,
        "interrupted run matches at epoch 3");
  check(train(&b, &d, 7, 1) == IBSH_OK && memcmp(a.params, b.params, d.a.nparams * sizeof(double)) == 0,
        "continuing after an interrupt gives the same bits");
  ibsh_run_free(&b);
  ibsh_run_free(&a);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  check(system(cmd) == 0, "cleanup");
}

/* Divergence: a huge learning rate makes the loss non-finite and names the epoch. */
static void test_divergence(void) {
  toy d;
  make_toy(&d);
  size_t widths[3] = {4, 6, 2};
  ibsh_arch a;
  ibsh_arch_init(&a, 2, widths, IBSH_ACT_RELU, IBSH_OUT_LINEAR);
  double p0[64];
  ibsh_rng r;
  ibsh_rng_seed(&r, 1);
  ibsh_nn_init_params(&a, p0, IBSH_INIT_HE_NORMAL, 0, &r);
  ibsh_run run;
  ibsh_run_init(&run, &a, p0, 1);
  unsigned char snap[64];
  memset(snap, 1, sizeof snap);
  ibsh_fit_config c;
  memset(&c, 0, sizeof c);
  c.epochs = 50; c.batch = 64; c.snap = snap; c.lr_gamma = 1;
  c.optim = (ibsh_optim){IBSH_OPTIM_SGD, 1e6, 0, 0, 0, 0, 0};
  ibsh_data_view tr = {d.x, d.t, d.y, 64};
  int rc = ibsh_run_fit(&run, &c, &tr, NULL);
  check(rc == IBSH_ENUM && strstr(ibsh_errmsg(), "after epoch") != NULL, "divergence is reported with its epoch");
  check(run.epochs >= 0 && run.epochs < 50, "divergence keeps finite epochs");
  ibsh_run_free(&run);
}

/* Run every test. */
int main(void) {
  test_gradients();
  test_adam();
  test_log_epochs();
  test_runs();
  test_divergence();
  if (failures) return 1;
  printf("OK\n");
  return 0;
}
