/*
** Template (included by net_f32.c and net_f64.c with R = float or double, SFX(name) adding the dtype suffix and
** GEMM the matching cblas routine): the row-local layer kernels of layer networks over a block of rows
** [i0, i1) — forward and backward of convolutions (im2col + GEMM, a few images at a time), pooling, flatten,
** dense layers, activations and dropout. Reductions over rows (weight gradients) go to the block's own partial
** gradient, so the blocks are independent and their sum in block order does not depend on the thread count.
*/

/* Values of the im2col matrix kept at once: conv layers cut a block into groups of images that fit. */
#define NET_COL_TARGET ((size_t)1 << 16)

/* Images per im2col group of layer y with input c x h x w. */
static size_t SFX(conv_group)(const ibsh_layer *y, size_t c) {
  size_t per = c * y->k * y->k * y->h * y->w;
  size_t g = per ? NET_COL_TARGET / per : 1;
  return g < 1 ? 1 : g > IBSH_NET_BLOCK ? IBSH_NET_BLOCK : g;
}

/* Scratch values per worker that conv layer y (input c x h x w) needs: columns, gathered outputs, column gradients. */
static size_t SFX(conv_scratch)(const ibsh_layer *y, size_t c) {
  size_t g = SFX(conv_group)(y, c), P = y->h * y->w;
  return g * P * (2 * c * y->k * y->k + y->c);
}

/* im2col of images [i0, i0 + g) of in (c x h x w each): col[(ci, ky, kx)][(img, oy, ox)], zero outside the image. */
static void SFX(im2col)(const ibsh_layer *y, size_t c, size_t h, size_t w, const R *in, size_t i0, size_t g, R *col) {
  size_t k = y->k, s = y->stride, pad = y->pad, oh = y->h, ow = y->w, P = oh * ow, N = g * P;
  for (size_t ci = 0; ci < c; ci++)
    for (size_t ky = 0; ky < k; ky++)
      for (size_t kx = 0; kx < k; kx++) {
        R *row = col + ((ci * k + ky) * k + kx) * N;
        for (size_t im = 0; im < g; im++) {
          const R *src = in + ((i0 + im) * c + ci) * h * w;
          for (size_t oy = 0; oy < oh; oy++) {
            R *dst = row + im * P + oy * ow;
            ptrdiff_t iy = (ptrdiff_t)(oy * s + ky) - (ptrdiff_t)pad;
            if (iy < 0 || iy >= (ptrdiff_t)h) { for (size_t ox = 0; ox < ow; ox++) dst[ox] = 0; continue; }
            const R *sr = src + (size_t)iy * w;
            if (s == 1 && pad == 0) { memcpy(dst, sr + kx, ow * sizeof(R)); continue; }
            for (size_t ox = 0; ox < ow; ox++) {
              ptrdiff_t ix = (ptrdiff_t)(ox * s + kx) - (ptrdiff_t)pad;
              dst[ox] = ix < 0 || ix >= (ptrdiff_t)w ? 0 : sr[ix];
            }
          }
        }
      }
}

/* col2im: add the column gradients dcol back onto din (images [i0, i0 + g), c x h x w each). */
static void SFX(col2im)(const ibsh_layer *y, size_t c, size_t h, size_t w, const R *dcol, size_t i0, size_t g, R *din) {
  size_t k = y->k, s = y->stride, pad = y->pad, oh = y->h, ow = y->w, P = oh * ow, N = g * P;
  for (size_t ci = 0; ci < c; ci++)
    for (size_t ky = 0; ky < k; ky++)
      for (size_t kx = 0; kx < k; kx++) {
        const R *row = dcol + ((ci * k + ky) * k + kx) * N;
        for (size_t im = 0; im < g; im++) {
          R *dst = din + ((i0 + im) * c + ci) * h * w;
          for (size_t oy = 0; oy < oh; oy++) {
            const R *sr = row + im * P + oy * ow;
            ptrdiff_t iy = (ptrdiff_t)(oy * s + ky) - (ptrdiff_t)pad;
            if (iy < 0 || iy >= (ptrdiff_t)h) continue;
            R *dr = dst + (size_t)iy * w;
            if (s == 1 && pad == 0) { for (size_t ox = 0; ox < ow; ox++) dr[ox + kx] += sr[ox]; continue; }
            for (size_t ox = 0; ox < ow; ox++) {
              ptrdiff_t ix = (ptrdiff_t)(ox * s + kx) - (ptrdiff_t)pad;
              if (ix >= 0 && ix < (ptrdiff_t)w) dr[ix] += sr[ox];
            }
          }
        }
      }
}

/* Convolution forward of rows [i0, i1): out = W * im2col(in) + b, a group of images per product. */
static void SFX(conv_forward)(const ibsh_layer *y, size_t c, size_t h, size_t w, const R *p, const R *in, R *out,
                              size_t i0, size_t i1, R *scratch) {
  size_t G = SFX(conv_group)(y, c), P = y->h * y->w, O = y->c, Kd = c * y->k * y->k;
  const R *W = p + y->woff, *b = p + y->boff;
  R *col = scratch, *tmp = scratch + G * P * Kd;
  for (size_t i = i0; i < i1; i += G) {
    size_t g = i1 - i < G ? i1 - i : G, N = g * P;
    SFX(im2col)(y, c, h, w, in, i, g, col);
    GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)O, (int)N, (int)Kd, 1, W, (int)Kd, col, (int)N, 0, tmp, (int)N);
    for (size_t im = 0; im < g; im++)
      for (size_t o = 0; o < O; o++) {
        R *dst = out + ((i + im) * O + o) * P;
        const R *src = tmp + o * N + im * P;
        R bo = b[o];
        for (size_t q = 0; q < P; q++) dst[q] = src[q] + bo;
      }
  }
}

/* Sum of n values in eight interleaved partial sums added pairwise at the end (a fixed order that vectorises). */
static R SFX(sum8)(const R *x, size_t n) {
  R acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) acc[j] += x[i + j];
  for (; i < n; i++) acc[0] += x[i];
  return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

/* Convolution backward of rows [i0, i1): weight and bias gradients into part, input gradient into din (if given). */
static void SFX(conv_backward)(const ibsh_layer *y, size_t c, size_t h, size_t w, const R *p, const R *in,
                               const R *dout, R *din, R *part, size_t i0, size_t i1, R *scratch) {
  size_t G = SFX(conv_group)(y, c), P = y->h * y->w, O = y->c, Kd = c * y->k * y->k;
  const R *W = p + y->woff;
  R *dW = part + y->woff, *db = part + y->boff;
  R *col = scratch, *dO = scratch + G * P * Kd, *dcol = dO + G * P * O;
  memset(db, 0, O * sizeof(R));
  if (din) memset(din + i0 * c * h * w, 0, (i1 - i0) * c * h * w * sizeof(R));
  for (size_t i = i0; i < i1; i += G) {
    size_t g = i1 - i < G ? i1 - i : G, N = g * P;
    SFX(im2col)(y, c, h, w, in, i, g, col);
    for (size_t o = 0; o < O; o++) {
      R s = 0;
      for (size_t im = 0; im < g; im++) {
        const R *src = dout + ((i + im) * O + o) * P;
        memcpy(dO + o * N + im * P, src, P * sizeof(R));
        s += SFX(sum8)(src, P);
      }
      db[o] += s;
    }
    GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)O, (int)Kd, (int)N, 1, dO, (int)N, col, (int)N, i == i0 ? 0 : 1,
         dW, (int)Kd);
    if (!din) continue;
    GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)Kd, (int)N, (int)O, 1, W, (int)Kd, dO, (int)N, 0, dcol, (int)N);
    SFX(col2im)(y, c, h, w, dcol, i, g, din);
  }
}

/* Max pooling of 2 x 2 windows over one plane (the common case, without the window loops). */
static void SFX(maxpool2_plane)(const R *src, R *dst, size_t w, size_t oh, size_t ow) {
  for (size_t oy = 0; oy < oh; oy++) {
    const R *r0 = src + 2 * oy * w, *r1 = r0 + w;
    R *d = dst + oy * ow;
    for (size_t ox = 0; ox < ow; ox++) {
      R a = r0[2 * ox] >= r0[2 * ox + 1] ? r0[2 * ox] : r0[2 * ox + 1];
      R b = r1[2 * ox] >= r1[2 * ox + 1] ? r1[2 * ox] : r1[2 * ox + 1];
      d[ox] = a >= b ? a : b;
    }
  }
}

/* Max pooling backward of 2 x 2 windows over one plane: each gradient to the first maximum of its window (row by
   row), zeros elsewhere in the window. */
static void SFX(maxpool2_back_plane)(const R *src, const R *g, R *dst, size_t w, size_t oh, size_t ow) {
  for (size_t oy = 0; oy < oh; oy++) {
    const R *r0 = src + 2 * oy * w, *r1 = r0 + w;
    R *d0 = dst + 2 * oy * w, *d1 = d0 + w;
    for (size_t ox = 0; ox < ow; ox++) {
      size_t c = 2 * ox;
      R v = r0[c], gv = g[oy * ow + ox];
      int best = 0;
      if (r0[c + 1] > v) { v = r0[c + 1]; best = 1; }
      if (r1[c] > v) { v = r1[c]; best = 2; }
      if (r1[c + 1] > v) best = 3;
      d0[c] = best == 0 ? gv : 0;
      d0[c + 1] = best == 1 ? gv : 0;
      d1[c] = best == 2 ? gv : 0;
      d1[c + 1] = best == 3 ? gv : 0;
    }
  }
}

/* Max or average pooling forward of rows [i0, i1) (windows k x k, stride k). */
static void SFX(pool_forward)(const ibsh_layer *y, size_t h, size_t w, const R *in, R *out, size_t i0, size_t i1) {
  size_t k = y->k, oh = y->h, ow = y->w, C = y->c;
  if (k == 2 && y->kind == IBSH_LAYER_MAXPOOL) {
    for (size_t i = i0; i < i1; i++)
      for (size_t ci = 0; ci < C; ci++) SFX(maxpool2_plane)(in + (i * C + ci) * h * w, out + (i * C + ci) * oh * ow, w, oh, ow);
    return;
  }
  R inv = (R)1 / (R)(k * k);
  for (size_t i = i0; i < i1; i++)
    for (size_t ci = 0; ci < C; ci++) {
      const R *src = in + (i * C + ci) * h * w;
      R *dst = out + (i * C + ci) * oh * ow;
      for (size_t oy = 0; oy < oh; oy++)
        for (size_t ox = 0; ox < ow; ox++) {
          const R *win = src + oy * k * w + ox * k;
          R v = y->kind == IBSH_LAYER_MAXPOOL ? win[0] : 0;
          for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b < k; b++) {
              R x = win[a * w + b];
              if (y->kind == IBSH_LAYER_MAXPOOL) { if (x > v) v = x; }
              else v += x;
            }
          dst[oy * ow + ox] = y->kind == IBSH_LAYER_MAXPOOL ? v : v * inv;
        }
    }
}

/* Pooling backward of rows [i0, i1): max pooling routes each gradient to the first maximum of its window. */
static void SFX(pool_backward)(const ibsh_layer *y, size_t h, size_t w, const R *in, const R *dout, R *din,
                               size_t i0, size_t i1) {
  size_t k = y->k, oh = y->h, ow = y->w, C = y->c;
  R inv = (R)1 / (R)(k * k);
  int fast = k == 2 && y->kind == IBSH_LAYER_MAXPOOL;
  if (!fast || h % 2 || w % 2) memset(din + i0 * C * h * w, 0, (i1 - i0) * C * h * w * sizeof(R));
  if (fast) {
    for (size_t i = i0; i < i1; i++)
      for (size_t ci = 0; ci < C; ci++)
        SFX(maxpool2_back_plane)(in + (i * C + ci) * h * w, dout + (i * C + ci) * oh * ow, din + (i * C + ci) * h * w, w, oh, ow);
    return;
  }
  for (size_t i = i0; i < i1; i++)
    for (size_t ci = 0; ci < C; ci++) {
      const R *src = in + (i * C + ci) * h * w, *g = dout + (i * C + ci) * oh * ow;
      R *dst = din + (i * C + ci) * h * w;
      for (size_t oy = 0; oy < oh; oy++)
        for (size_t ox = 0; ox < ow; ox++) {
          size_t base = oy * k * w + ox * k, best = base;
          R gv = g[oy * ow + ox];
          if (y->kind == IBSH_LAYER_AVGPOOL) {
            for (size_t a = 0; a < k; a++) for (size_t b = 0; b < k; b++) dst[base + a * w + b] = gv * inv;
            continue;
          }
          for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b < k; b++) if (src[base + a * w + b] > src[best]) best = base + a * w + b;
          dst[best] = gv;
        }
    }
}

/* Dense forward of rows [i0, i1): out = in W + b. */
static void SFX(dense_forward)(const ibsh_layer *y, size_t k, const R *p, const R *in, R *out, size_t i0, size_t i1) {
  size_t m = y->c, n = i1 - i0;
  const R *b = p + y->boff;
  R *o = out + i0 * m;
  for (size_t i = 0; i < n; i++) memcpy(o + i * m, b, m * sizeof(R));
  GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)m, (int)k, 1, in + i0 * k, (int)k, p + y->woff, (int)m, 1,
       o, (int)m);
}

/* Dense backward of rows [i0, i1): dW = in^T dout, db = column sums, din = dout W^T (if din). */
static void SFX(dense_backward)(const ibsh_layer *y, size_t k, const R *p, const R *in, const R *dout, R *din, R *part,
                                size_t i0, size_t i1) {
  size_t m = y->c, n = i1 - i0;
  const R *d = dout + i0 * m;
  GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)k, (int)m, (int)n, 1, in + i0 * k, (int)k, d, (int)m, 0,
       part + y->woff, (int)m);
  R *db = part + y->boff;
  memset(db, 0, m * sizeof(R));
  for (size_t i = 0; i < n; i++) for (size_t j = 0; j < m; j++) db[j] += d[i * m + j];
  if (din)
    GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)k, (int)m, 1, d, (int)m, p + y->woff, (int)m, 0,
         din + i0 * k, (int)k);
}

/* Activation forward of n values: out = act(in). */
static void SFX(act_forward)(int act, const R *in, R *out, size_t n) {
  switch (act) {
  case IBSH_ACT_RELU: for (size_t i = 0; i < n; i++) out[i] = in[i] > 0 ? in[i] : 0; break;
  case IBSH_ACT_LINEAR: memmove(out, in, n * sizeof(R)); break;
  case IBSH_ACT_SIGMOID: for (size_t i = 0; i < n; i++) out[i] = (R)(1.0 / (1.0 + exp(-(double)in[i]))); break;
  case IBSH_ACT_SOFTSIGN: for (size_t i = 0; i < n; i++) out[i] = in[i] / (1 + (in[i] < 0 ? -in[i] : in[i])); break;
  case IBSH_ACT_SOFTPLUS:
    for (size_t i = 0; i < n; i++) {
      double z = in[i];
      out[i] = (R)(z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)));
    }
    break;
  default: TANH_ARRAY(in, out, n); break;
  }
}

/* Activation backward of n values: din = dout * act'(z), from the outputs a = act(z). */
static void SFX(act_backward)(int act, const R *a, const R *dout, R *din, size_t n) {
  for (size_t i = 0; i < n; i++) {
    R x = a[i], g = dout[i];
    switch (act) {
    case IBSH_ACT_RELU: din[i] = x > 0 ? g : 0; break;
    case IBSH_ACT_LINEAR: din[i] = g; break;
    case IBSH_ACT_SIGMOID: din[i] = g * x * (1 - x); break;
    case IBSH_ACT_SOFTSIGN: { R t = 1 - (x < 0 ? -x : x); din[i] = g * t * t; break; }
    case IBSH_ACT_SOFTPLUS: din[i] = g * (R)(1.0 - exp(-(double)x)); break;
    default: din[i] = g * (1 - x * x); break;
    }
  }
}

/* Dropout forward of rows [i0, i1) (size values each): keep with probability 1 - p, scaled by 1/(1 - p); the mask of
   row i is drawn from a generator seeded by pass_seed, the layer and the row's index row0 + i in its batch (so that
   it does not depend on how a batch is shared among processes). */
static void SFX(dropout_forward)(const ibsh_layer *y, int l, size_t size, const R *in, R *out, unsigned char *mask,
                                 uint64_t pass_seed, size_t row0, size_t i0, size_t i1) {
  R scale = (R)(1.0 / (1.0 - y->p));
  for (size_t i = i0; i < i1; i++) {
    ibsh_rng r;
    ibsh_rng_seed(&r, pass_seed ^ ((uint64_t)l << 48) ^ (0x9E3779B97F4A7C15ULL * (uint64_t)(row0 + i + 1)));
    for (size_t j = 0; j < size; j++) {
      unsigned char keep = ibsh_rng_uniform(&r) >= y->p;
      mask[i * size + j] = keep;
      out[i * size + j] = keep ? in[i * size + j] * scale : 0;
    }
  }
}

/* Dropout backward of rows [i0, i1). */
static void SFX(dropout_backward)(const ibsh_layer *y, size_t size, const unsigned char *mask, const R *dout, R *din,
                                  size_t i0, size_t i1) {
  R scale = (R)(1.0 / (1.0 - y->p));
  for (size_t i = i0 * size; i < i1 * size; i++) din[i] = mask[i] ? dout[i] * scale : 0;
}

/* Batch normalisation in evaluation mode over rows [i0, i1): (x - running mean) / sqrt(running var + eps) * gamma + beta. */
static void SFX(bn_eval)(const ibsh_layer *y, const R *p, const R *in, R *out, size_t i0, size_t i1) {
  size_t C = y->c, P = y->h * y->w;
  for (size_t ci = 0; ci < C; ci++) {
    double sc = (double)p[y->woff + ci] / sqrt((double)p[y->soff + C + ci] + NET_BN_EPS);
    double sh = (double)p[y->boff + ci] - sc * (double)p[y->soff + ci];
    for (size_t i = i0; i < i1; i++) {
      const R *s = in + (i * C + ci) * P;
      R *d = out + (i * C + ci) * P;
      for (size_t q = 0; q < P; q++) d[q] = (R)(sc * (double)s[q] + sh);
    }
  }
}

/* Forward of row-local layer l (1-based) over rows [i0, i1) (row0: the index of row 0 in its batch). */
static void SFX(layer_forward)(const ibsh_net *net, int l, const R *p, ibsh_net_work *wk, int train, uint64_t seed,
                               size_t row0, size_t i0, size_t i1, R *scratch) {
  const ibsh_layer *y = &net->layer[l - 1];
  size_t c = l > 1 ? net->layer[l - 2].c : net->in_c, h = l > 1 ? net->layer[l - 2].h : net->in_h;
  size_t w = l > 1 ? net->layer[l - 2].w : net->in_w, size = c * h * w;
  const R *in = (const R *)wk->act[l - 1];
  R *out = (R *)wk->act[l];
  switch (y->kind) {
  case IBSH_LAYER_CONV: SFX(conv_forward)(y, c, h, w, p, in, out, i0, i1, scratch); break;
  case IBSH_LAYER_MAXPOOL: case IBSH_LAYER_AVGPOOL: SFX(pool_forward)(y, h, w, in, out, i0, i1); break;
  case IBSH_LAYER_DENSE: SFX(dense_forward)(y, size, p, in, out, i0, i1); break;
  case IBSH_LAYER_ACT: SFX(act_forward)(y->act, in + i0 * size, out + i0 * size, (i1 - i0) * size); break;
  case IBSH_LAYER_DROPOUT:
    if (train && y->p > 0) { SFX(dropout_forward)(y, l, size, in, out, wk->mask[l], seed, row0, i0, i1); break; }
    memcpy(out + i0 * size, in + i0 * size, (i1 - i0) * size * sizeof(R));
    break;
  case IBSH_LAYER_BATCHNORM: SFX(bn_eval)(y, p, in, out, i0, i1); break;
  default: memcpy(out + i0 * size, in + i0 * size, (i1 - i0) * size * sizeof(R)); break;
  }
}

/* Backward of row-local layer l over rows [i0, i1): from d(act[l]) in gout to d(act[l-1]) in gin (NULL: not needed). */
static void SFX(layer_backward)(const ibsh_net *net, int l, const R *p, ibsh_net_work *wk, const R *gout, R *gin,
                                R *part, size_t i0, size_t i1, R *scratch) {
  const ibsh_layer *y = &net->layer[l - 1];
  size_t c = l > 1 ? net->layer[l - 2].c : net->in_c, h = l > 1 ? net->layer[l - 2].h : net->in_h;
  size_t w = l > 1 ? net->layer[l - 2].w : net->in_w, size = c * h * w;
  const R *in = (const R *)wk->act[l - 1], *out = (const R *)wk->act[l];
  switch (y->kind) {
  case IBSH_LAYER_CONV: SFX(conv_backward)(y, c, h, w, p, in, gout, gin, part, i0, i1, scratch); break;
  case IBSH_LAYER_DENSE: SFX(dense_backward)(y, size, p, in, gout, gin, part, i0, i1); break;
  default:
    if (!gin) break;
    if (y->kind == IBSH_LAYER_MAXPOOL || y->kind == IBSH_LAYER_AVGPOOL) SFX(pool_backward)(y, h, w, in, gout, gin, i0, i1);
    else if (y->kind == IBSH_LAYER_ACT)
      SFX(act_backward)(y->act, out + i0 * size, gout + i0 * size, gin + i0 * size, (i1 - i0) * size);
    else if (y->kind == IBSH_LAYER_DROPOUT && y->p > 0) SFX(dropout_backward)(y, size, wk->mask[l], gout, gin, i0, i1);
    else memcpy(gin + i0 * size, gout + i0 * size, (i1 - i0) * size * sizeof(R));
    break;
  }
}
