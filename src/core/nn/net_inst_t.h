/*
** Template (included last by net_f32.c and net_f64.c): the exported entry points of one dtype's instance.
*/

/* Scratch values per worker the convolutions of net need. */
size_t SFX(net_scratch)(const ibsh_net *net) {
  size_t best = 1;
  for (int l = 1; l <= net->nlayers; l++) {
    const ibsh_layer *y = &net->layer[l - 1];
    if (y->kind != IBSH_LAYER_CONV) continue;
    size_t need = SFX(conv_scratch)(y, l > 1 ? net->layer[l - 2].c : net->in_c);
    if (need > best) best = need;
  }
  return best;
}

/* Forward pass of n rows in this dtype. */
void SFX(net_forward)(const ibsh_net *net, const R *p, const double *x, size_t n, int train, uint64_t seed,
                      ibsh_net_work *wk, R *stats) {
  SFX(forward)(net, p, x, n, train, seed, wk, stats);
}

/* One training pass in this dtype. */
double SFX(net_train_batch)(const ibsh_net *net, const R *p, const double *x, const double *t, const int32_t *labels,
                            size_t n, uint64_t seed, ibsh_net_work *wk, R *grad, R *stats, size_t *correct) {
  return SFX(train_batch)(net, p, x, t, labels, n, seed, wk, grad, stats, correct);
}

/* The training pass of one share of a batch in this dtype. */
void SFX(net_train_share)(const ibsh_net *net, const R *p, const double *x, const double *t, const int32_t *labels,
                          size_t n, uint64_t seed, const ibsh_net_share *share, ibsh_net_work *wk, R *grad, R *stats) {
  SFX(train_pass)(net, p, x, t, labels, n, seed, share, wk, grad, stats);
}

/* Loss sum of the last pass over n rows. */
double SFX(net_loss_sum)(const ibsh_net *net, const ibsh_net_work *w, const double *t, const int32_t *labels,
                         size_t n, size_t *correct) {
  size_t c = 0;
  int L = net->nlayers;
  double s = SFX(loss_rows)(net->out, (const R *)w->act[L], ibsh_net_size(net, L), t, labels, 0, n, n, NULL, &c);
  if (correct) *correct = c;
  return s;
}
