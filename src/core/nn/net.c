/*
** Sequential layer networks: layer names, shapes and parameter offsets,
** initialisation, and text and JSON descriptions (see net.h).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/net.h"

static const char *const kind_names[IBSH_LAYER_COUNT] = {
  "conv", "maxpool", "avgpool", "flatten", "dense", "act", "dropout", "batchnorm"
};

/* The size (c*h*w) of the values of layer l (0 = the inputs). */
size_t ibsh_net_size(const ibsh_net *net, int l) {
  if (l == 0) return net->in_c * net->in_h * net->in_w;
  const ibsh_layer *y = &net->layer[l - 1];
  return y->c * y->h * y->w;
}

/* The layer kind called name or -1; an activation name gives IBSH_LAYER_ACT with *act set. */
int ibsh_layer_from_name(const char *name, int *act) {
  for (int i = 0; i < IBSH_LAYER_COUNT; i++)
    if (i != IBSH_LAYER_ACT && strcmp(name, kind_names[i]) == 0) return i;
  int a = ibsh_act_from_name(name);
  if (a < 0) return -1;
  *act = a;
  return IBSH_LAYER_ACT;
}

/* The name of layer l's kind (1-based l; activations by their own name). */
const char *ibsh_layer_name(const ibsh_net *net, int l) {
  const ibsh_layer *y = &net->layer[l - 1];
  return y->kind == IBSH_LAYER_ACT ? ibsh_act_name(y->act) : kind_names[y->kind];
}

/* Fail with a message naming layer l (1-based) and its kind. */
static int layer_fail(const ibsh_net *net, int l, const char *what) {
  return ibsh_fail(IBSH_EINVAL, "layer %d (%s): %s", l, ibsh_layer_name(net, l), what);
}

/* Shape and parameters of layer l (1-based) from the shape before it; *total counts parameters. */
static int shape_layer(ibsh_net *net, int l, size_t c, size_t h, size_t w, size_t *total) {
  ibsh_layer *y = &net->layer[l - 1];
  char msg[160];
  y->c = c; y->h = h; y->w = w;
  y->nw = y->nb = 0;
  size_t flat = c * h * w;
  switch (y->kind) {
  case IBSH_LAYER_CONV:
    if (y->units < 1 || y->units > 65536) return layer_fail(net, l, "the number of output channels must be 1 to 65536");
    if (y->k < 1 || y->stride < 1 || y->pad > 1024) return layer_fail(net, l, "kernel and stride must be >= 1 and pad <= 1024");
    if (y->k > h + 2 * y->pad || y->k > w + 2 * y->pad) {
      snprintf(msg, sizeof msg, "kernel %zu is larger than the %zux%zu image (pad %zu)", y->k, h, w, y->pad);
      return layer_fail(net, l, msg);
    }
    y->c = y->units;
    y->h = (h + 2 * y->pad - y->k) / y->stride + 1;
    y->w = (w + 2 * y->pad - y->k) / y->stride + 1;
    y->nw = y->units * c * y->k * y->k;
    y->nb = y->units;
    break;
  case IBSH_LAYER_MAXPOOL: case IBSH_LAYER_AVGPOOL:
    if (y->k < 1) return layer_fail(net, l, "the window must be at least 1");
    if (y->k > h || y->k > w) {
      snprintf(msg, sizeof msg, "window %zu is larger than the %zux%zu image", y->k, h, w);
      return layer_fail(net, l, msg);
    }
    y->h = h / y->k;
    y->w = w / y->k;
    break;
  case IBSH_LAYER_FLATTEN:
    y->c = flat; y->h = y->w = 1;
    break;
  case IBSH_LAYER_DENSE:
    if (y->units < 1 || y->units > ((size_t)1 << 24)) return layer_fail(net, l, "the width must be 1 to 16777216");
    y->c = y->units; y->h = y->w = 1;
    y->nw = flat * y->units;
    y->nb = y->units;
    break;
  case IBSH_LAYER_DROPOUT:
    if (!(y->p >= 0 && y->p < 1)) {
      snprintf(msg, sizeof msg, "p must be in [0, 1), got %g", y->p);
      return layer_fail(net, l, msg);
    }
    break;
  case IBSH_LAYER_BATCHNORM:
    y->nw = y->nb = c;
    break;
  case IBSH_LAYER_ACT:
    if (y->act < 0 || y->act >= IBSH_ACT_COUNT) return layer_fail(net, l, "unknown activation");
    break;
  default:
    return ibsh_fail(IBSH_EINVAL, "layer %d: unknown layer kind", l);
  }
  y->woff = *total;
  y->boff = y->woff + y->nw;
  *total = y->boff + y->nb;
  y->soff = *total;
  if (y->kind == IBSH_LAYER_BATCHNORM) *total += 2 * c;
  if (*total > ((size_t)1 << 31)) return layer_fail(net, l, "the network is too large");
  return IBSH_OK;
}

/* Compute shapes and offsets of net's layers (see net.h). */
int ibsh_net_init(ibsh_net *net) {
  if (net->nlayers < 1 || net->nlayers > IBSH_NET_MAXLAYERS)
    return ibsh_fail(IBSH_EINVAL, "a network needs 1 to %d layers, got %d", IBSH_NET_MAXLAYERS, net->nlayers);
  if (net->in_c < 1 || net->in_h < 1 || net->in_w < 1 || net->in_c * net->in_h * net->in_w > ((size_t)1 << 24))
    return ibsh_fail(IBSH_EINVAL, "the input shape must be positive and at most 16777216 values");
  if (net->out < 0 || net->out >= IBSH_OUT_COUNT) return ibsh_fail(IBSH_EINVAL, "unknown output kind");
  size_t c = net->in_c, h = net->in_h, w = net->in_w, total = 0;
  net->first_weighted = net->nlayers;
  for (int l = 1; l <= net->nlayers; l++) {
    int rc = shape_layer(net, l, c, h, w, &total);
    if (rc) return rc;
    const ibsh_layer *y = &net->layer[l - 1];
    if (y->nw && l - 1 < net->first_weighted) net->first_weighted = l - 1;
    c = y->c; h = y->h; w = y->w;
    if (c * h * w < 1) return layer_fail(net, l, "the layer has no outputs");
  }
  const ibsh_layer *last = &net->layer[net->nlayers - 1];
  if (net->out == IBSH_OUT_SOFTMAX && last->c * last->h * last->w < 2)
    return ibsh_fail(IBSH_EINVAL, "a softmax output needs at least 2 values in the last layer");
  net->nparams = total;
  return IBSH_OK;
}

/* Draw the parameters (see net.h). */
void ibsh_net_init_params(const ibsh_net *net, double *params, int init, double bias, ibsh_rng *r) {
  for (int l = 0; l < net->nlayers; l++) {
    const ibsh_layer *y = &net->layer[l];
    double *W = params + y->woff, *b = params + y->boff;
    if (y->kind == IBSH_LAYER_BATCHNORM) {
      for (size_t j = 0; j < y->c; j++) { W[j] = 1; b[j] = 0; params[y->soff + j] = 0; params[y->soff + y->c + j] = 1; }
      continue;
    }
    if (!y->nw) continue;
    size_t fi = y->nw / y->nb, fo = y->kind == IBSH_LAYER_CONV ? y->nb * y->k * y->k : y->nb;
    double lim = 1.0 / sqrt((double)fi);
    for (size_t i = 0; i < y->nw; i++) {
      switch (init) {
      case IBSH_INIT_TRUNCNORMAL_FANIN: W[i] = ibsh_rng_truncated_normal(r, lim); break;
      case IBSH_INIT_TRUNCNORMAL_FANOUT: W[i] = ibsh_rng_truncated_normal(r, 1.0 / sqrt((double)fo)); break;
      case IBSH_INIT_GLOROT_UNIFORM: W[i] = (2.0 * ibsh_rng_uniform(r) - 1.0) * sqrt(6.0 / (double)(fi + fo)); break;
      case IBSH_INIT_HE_NORMAL: W[i] = ibsh_rng_normal(r) * sqrt(2.0 / (double)fi); break;
      default: W[i] = (2.0 * ibsh_rng_uniform(r) - 1.0) * lim; break;
      }
    }
    for (size_t j = 0; j < y->nb; j++) b[j] = init < 0 ? (2.0 * ibsh_rng_uniform(r) - 1.0) * lim : bias;
  }
}

/* Nonzero for parameter i of batch normalisation's running statistics. */
int ibsh_net_is_state(const ibsh_net *net, size_t i) {
  for (int l = 0; l < net->nlayers; l++) {
    const ibsh_layer *y = &net->layer[l];
    if (y->kind == IBSH_LAYER_BATCHNORM && i >= y->soff && i < y->soff + 2 * y->c) return 1;
  }
  return 0;
}

/* Number of layers with weights. */
int ibsh_net_nweighted(const ibsh_net *net) {
  int k = 0;
  for (int l = 0; l < net->nlayers; l++) k += net->layer[l].nw > 0;
  return k;
}

/* The weight range of the j-th layer with weights (0-based). */
void ibsh_net_weight_range(const ibsh_net *net, int j, size_t *off, size_t *n) {
  *off = *n = 0;
  for (int l = 0; l < net->nlayers; l++) {
    if (!net->layer[l].nw) continue;
    if (j-- == 0) { *off = net->layer[l].woff; *n = net->layer[l].nw; return; }
  }
}

/* Append printf-style text to buf at *used (clipped at len). */
#define APPEND(...) do { if (*used < len) *used += (size_t)snprintf(buf + *used, len - *used, __VA_ARGS__); } while (0)

/* Short text of one layer ("conv8k5", "maxpool2", "relu", ...). */
static void layer_str(const ibsh_net *net, int l, char *buf, size_t len, size_t *used) {
  const ibsh_layer *y = &net->layer[l - 1];
  APPEND("%s%s", l > 1 ? "-" : "", ibsh_layer_name(net, l));
  if (y->kind == IBSH_LAYER_CONV) {
    APPEND("%zuk%zu", y->units, y->k);
    if (y->stride != 1) APPEND("s%zu", y->stride);
    if (y->pad) APPEND("p%zu", y->pad);
  } else if (y->kind == IBSH_LAYER_DENSE) APPEND("%zu", y->units);
  else if (y->kind == IBSH_LAYER_MAXPOOL || y->kind == IBSH_LAYER_AVGPOOL) APPEND("%zu", y->k);
  else if (y->kind == IBSH_LAYER_DROPOUT) APPEND("%g", y->p);
}

/* Text like "1x28x28 conv8k5-relu-maxpool2-flatten-dense10 float32" into buf. */
void ibsh_net_str(const ibsh_net *net, char *buf, size_t len) {
  size_t u = 0, *used = &u;
  buf[0] = '\0';
  APPEND("%zux%zux%zu ", net->in_c, net->in_h, net->in_w);
  for (int l = 1; l <= net->nlayers; l++) layer_str(net, l, buf, len, used);
  APPEND(" %s %s", ibsh_out_name(net->out), net->dtype == IBSH_F32 ? "float32" : "float64");
}

/* JSON members describing the net: "input": [C, H, W], "dtype", "net_out", "dropout_seed", "layers": [[kind, units,
   k, stride, pad, p, act], ...]; returns the length or -1 when buf is too small. */
int ibsh_net_json(const ibsh_net *net, char *buf, size_t len) {
  size_t u = 0, *used = &u;
  APPEND("\"input\": [%zu, %zu, %zu],\n  \"dtype\": \"%s\",\n  \"net_out\": \"%s\",\n  \"dropout_seed\": \"%016llx\",\n"
         "  \"layers\": [", net->in_c, net->in_h, net->in_w, net->dtype == IBSH_F32 ? "float32" : "float64",
         ibsh_out_name(net->out), (unsigned long long)net->dropout_seed);
  for (int l = 0; l < net->nlayers; l++) {
    const ibsh_layer *y = &net->layer[l];
    APPEND("%s[%d, %zu, %zu, %zu, %zu, %.17g, %d]", l ? ", " : "", y->kind, y->units, y->k, y->stride, y->pad, y->p, y->act);
  }
  APPEND("],\n");
  return u < len ? (int)u : -1;
}

/* Parse the members ibsh_net_json writes into net (then ibsh_net_init). */
int ibsh_net_parse(ibsh_net *net, const char *text) {
  memset(net, 0, sizeof *net);
  const char *p = strstr(text, "\"input\":");
  if (!p || sscanf(p, "\"input\": [%zu, %zu, %zu]", &net->in_c, &net->in_h, &net->in_w) != 3)
    return ibsh_fail(IBSH_EINVAL, "config.json: no valid \"input\" of a layer network");
  p = strstr(text, "\"dtype\":");
  net->dtype = p && strncmp(p, "\"dtype\": \"float32\"", 18) == 0 ? IBSH_F32 : IBSH_F64;
  p = strstr(text, "\"net_out\": \"");
  char name[32] = "";
  if (!p || sscanf(p + 12, "%31[a-z]", name) != 1 || (net->out = ibsh_out_from_name(name)) < 0)
    return ibsh_fail(IBSH_EINVAL, "config.json: no valid \"net_out\"");
  p = strstr(text, "\"dropout_seed\": \"");
  if (p) net->dropout_seed = strtoull(p + 17, NULL, 16);
  p = strstr(text, "\"layers\": [");
  if (!p) return ibsh_fail(IBSH_EINVAL, "config.json: no \"layers\"");
  p += 11;
  while (*p == ' ' || *p == ',') p++;
  while (*p == '[') {
    if (net->nlayers >= IBSH_NET_MAXLAYERS) return ibsh_fail(IBSH_EINVAL, "config.json: too many layers");
    ibsh_layer *y = &net->layer[net->nlayers++];
    int nc = 0;
    if (sscanf(p, "[%d, %zu, %zu, %zu, %zu, %lg, %d]%n", &y->kind, &y->units, &y->k, &y->stride, &y->pad, &y->p,
               &y->act, &nc) != 7 || nc == 0 || y->kind < 0 || y->kind >= IBSH_LAYER_COUNT)
      return ibsh_fail(IBSH_EINVAL, "config.json: bad layer %d", net->nlayers);
    p += nc;
    while (*p == ' ' || *p == ',') p++;
  }
  return ibsh_net_init(net);
}

/* d[i] = (float)s[i]. */
void ibsh_f64_to_f32(const double *s, float *d, size_t n) {
  for (size_t i = 0; i < n; i++) d[i] = (float)s[i];
}

/* d[i] = s[i]. */
void ibsh_f32_to_f64(const float *s, double *d, size_t n) {
  for (size_t i = 0; i < n; i++) d[i] = (double)s[i];
}
