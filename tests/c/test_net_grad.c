/*
** Layer networks (net.h): every layer's gradient against central differences in float64 (convolutions with stride
** and padding, max and average pooling, batch normalisation on images and on flat features, dropout, every
** activation, the three output kinds, batches of more than one block), float32 passes against float64 to float32
** precision, the same bits for 1 and 2 threads, and the shape errors naming the layer.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/net.h"
#include "ibsh/parallel.h"

static int failures = 0;

/* Report a failed check. */
static void check(int ok, const char *what) {
  if (!ok) { fprintf(stderr, "FAIL: %s\n", what); failures++; }
}

/* Add a layer of kind with units and k (stride 1, pad 0) to net. */
static ibsh_layer *add(ibsh_net *net, int kind, size_t units, size_t k) {
  ibsh_layer *y = &net->layer[net->nlayers++];
  memset(y, 0, sizeof *y);
  y->kind = kind; y->units = units; y->k = k; y->stride = 1;
  return y;
}

/* Add an activation layer. */
static void add_act(ibsh_net *net, int act) { add(net, IBSH_LAYER_ACT, 0, 0)->act = act; }

/* Mean training-mode loss of params (doubles) on n rows. */
static double mean_loss(const ibsh_net *net, const double *p, const double *x, const double *t, size_t n,
                        ibsh_net_work *w) {
  ibsh_net_forward(net, p, x, n, 1, 42, w);
  return ibsh_net_loss_sum(net, w, t, NULL, n, NULL) / (double)n;
}

/* Check the gradient of a float64 net on n random rows against central differences; then float32 against it. */
static void check_net(ibsh_net *net, size_t n, const char *name) {
  net->dtype = IBSH_F64;
  if (ibsh_net_init(net)) { fprintf(stderr, "FAIL: %s: %s\n", name, ibsh_errmsg()); failures++; return; }
  size_t np = net->nparams, d = ibsh_net_size(net, 0), K = ibsh_net_size(net, net->nlayers);
  double *p = malloc(np * sizeof(double)), *g = malloc(np * sizeof(double)), *st = calloc(np, sizeof(double));
  double *x = malloc(n * d * sizeof(double)), *t = calloc(n * K, sizeof(double));
  ibsh_rng r;
  ibsh_rng_seed(&r, 7);
  ibsh_net_init_params(net, p, -1, 0, &r);
  for (size_t i = 0; i < np; i++) if (!ibsh_net_is_state(net, i)) p[i] += 0.05 * ibsh_rng_normal(&r);
  for (size_t i = 0; i < n * d; i++) x[i] = ibsh_rng_normal(&r);
  for (size_t i = 0; i < n; i++) {
    if (net->out == IBSH_OUT_SOFTMAX) t[i * K + ibsh_rng_below(&r, K)] = 1;
    else for (size_t j = 0; j < K; j++) t[i * K + j] = net->out == IBSH_OUT_SIGMOID ? (double)(ibsh_rng_below(&r, 2)) : ibsh_rng_normal(&r);
  }
  ibsh_net_work w;
  if (ibsh_net_work_alloc(&w, net, n, 1)) { failures++; return; }
  size_t c = 0;
  double loss = ibsh_net_train_batch(net, p, x, t, NULL, n, 42, &w, g, st, &c) / (double)n;
  check(fabs(loss - mean_loss(net, p, x, t, n, &w)) < 1e-12, "train_batch loss equals the forward pass's");
  double worst = 0;
  for (size_t i = 0; i < np; i++) {
    if (ibsh_net_is_state(net, i)) { check(g[i] == 0, "no gradient for running statistics"); continue; }
    double h = 1e-6, v = p[i];
    p[i] = v + h; double lp = mean_loss(net, p, x, t, n, &w);
    p[i] = v - h; double lm = mean_loss(net, p, x, t, n, &w);
    p[i] = v;
    double fd = (lp - lm) / (2 * h), err = fabs(fd - g[i]) / (fabs(fd) + fabs(g[i]) + 1e-6);
    if (err > worst) worst = err;
  }
  char what[200];
  snprintf(what, sizeof what, "%s: gradient against central differences (worst relative error %.2g)", name, worst);
  check(worst < 1e-5, what);
  /* the same bits on 1 and 2 threads */
  double *g1 = malloc(np * sizeof(double));
  ibsh_net_work w1;
  ibsh_set_threads(1);
  ibsh_net_work_alloc(&w1, net, n, 1);
  c = 0;
  ibsh_net_train_batch(net, p, x, t, NULL, n, 42, &w1, g1, st, &c);
  snprintf(what, sizeof what, "%s: the same gradient bits on 1 and 2 threads", name);
  check(memcmp(g, g1, np * sizeof(double)) == 0, what);
  ibsh_net_work_free(&w1);
  ibsh_set_threads(2);
  /* float32 against float64 (from the float-rounded parameters) */
  ibsh_net f = *net;
  f.dtype = IBSH_F32;
  float *pf = malloc(np * sizeof(float)), *gf = malloc(np * sizeof(float)), *sf = calloc(np, sizeof(float));
  ibsh_f64_to_f32(p, pf, np);
  ibsh_f32_to_f64(pf, p, np);
  c = 0;
  loss = ibsh_net_train_batch(net, p, x, t, NULL, n, 42, &w, g, st, &c);
  ibsh_net_work wf;
  ibsh_net_work_alloc(&wf, &f, n, 1);
  double lossf = ibsh_net_train_batch(&f, pf, x, t, NULL, n, 42, &wf, gf, sf, &c);
  double gn = 0, dn = 0;
  for (size_t i = 0; i < np; i++) { gn += g[i] * g[i]; dn += (g[i] - gf[i]) * (g[i] - gf[i]); }
  snprintf(what, sizeof what, "%s: float32 loss %.9g and gradient (relative difference %.2g) agree with float64 %.9g",
           name, lossf, sqrt(dn / gn), loss);
  check(fabs(lossf - loss) < 1e-5 * fabs(loss) + 1e-6 && sqrt(dn / gn) < 1e-4, what);
  ibsh_net_work_free(&wf);
  ibsh_net_work_free(&w);
  free(p); free(g); free(st); free(x); free(t); free(g1); free(pf); free(gf); free(sf);
}

/* Run the checks on three networks and the shape errors; exit status 1 on any failure. */
int main(void) {
  ibsh_set_threads(2);
  ibsh_net a = {.in_c = 2, .in_h = 7, .in_w = 7, .out = IBSH_OUT_SOFTMAX};
  ibsh_layer *cv = add(&a, IBSH_LAYER_CONV, 3, 3);
  cv->pad = 1;
  add(&a, IBSH_LAYER_BATCHNORM, 0, 0);
  add_act(&a, IBSH_ACT_RELU);
  add(&a, IBSH_LAYER_MAXPOOL, 0, 2);
  add(&a, IBSH_LAYER_CONV, 4, 2);
  add_act(&a, IBSH_ACT_TANH);
  add(&a, IBSH_LAYER_AVGPOOL, 0, 2);
  add(&a, IBSH_LAYER_FLATTEN, 0, 0);
  add(&a, IBSH_LAYER_DENSE, 5, 0);
  add_act(&a, IBSH_ACT_SIGMOID);
  add(&a, IBSH_LAYER_DROPOUT, 0, 0)->p = 0.3;
  add(&a, IBSH_LAYER_DENSE, 3, 0);
  check_net(&a, 70, "conv/bn/relu/maxpool/conv/tanh/avgpool/dense/sigmoid/dropout/dense softmax");

  ibsh_net b = {.in_c = 1, .in_h = 9, .in_w = 8, .out = IBSH_OUT_SIGMOID};
  cv = add(&b, IBSH_LAYER_CONV, 2, 3);
  cv->stride = 2; cv->pad = 1;
  add_act(&b, IBSH_ACT_SOFTPLUS);
  add(&b, IBSH_LAYER_FLATTEN, 0, 0);
  add(&b, IBSH_LAYER_BATCHNORM, 0, 0);
  add(&b, IBSH_LAYER_DENSE, 6, 0);
  add_act(&b, IBSH_ACT_SOFTSIGN);
  add(&b, IBSH_LAYER_DENSE, 2, 0);
  check_net(&b, 9, "strided padded conv/softplus/bn on features/softsign, sigmoid output");

  ibsh_net c = {.in_c = 3, .in_h = 1, .in_w = 1, .out = IBSH_OUT_LINEAR};
  add(&c, IBSH_LAYER_DENSE, 4, 0);
  add_act(&c, IBSH_ACT_LINEAR);
  add(&c, IBSH_LAYER_DENSE, 2, 0);
  check_net(&c, 130, "dense linear, mean squared error, three blocks");

  /* errors name the layer */
  ibsh_net e = {.in_c = 1, .in_h = 4, .in_w = 4, .out = IBSH_OUT_SOFTMAX};
  add(&e, IBSH_LAYER_MAXPOOL, 0, 2);
  add(&e, IBSH_LAYER_CONV, 2, 5);
  check(ibsh_net_init(&e) != 0 && strstr(ibsh_errmsg(), "layer 2 (conv): kernel 5 is larger than the 2x2 image (pad 0)"), ibsh_errmsg());
  ibsh_net f = {.in_c = 1, .in_h = 4, .in_w = 4, .out = IBSH_OUT_SOFTMAX};
  add(&f, IBSH_LAYER_DROPOUT, 0, 0)->p = 1;
  check(ibsh_net_init(&f) != 0 && strstr(ibsh_errmsg(), "layer 1 (dropout): p must be in [0, 1)"), ibsh_errmsg());
  if (failures) return 1;
  printf("OK\n");
  return 0;
}
