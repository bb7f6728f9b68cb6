/*
** Quantized and noise-injected networks. A quantized hidden layer rounds its
** activations to 2^bits evenly spaced levels on a fixed range (Lorenzen, Igel &
** Nielsen 2022): [-1, 1] for tanh and softsign, [0, 1] for sigmoid, [0, R] for
** ReLU and softplus and [-R, R] for linear units (R = 6 unless set), values
** outside clipped; the backward pass is straight-through inside the range and
** zero outside, as fake quantization. A noisy network adds N(0, sigma^2) to every
** hidden unit after its activation (Goldfeld et al. 2019), drawn from a
** generator seeded per pass from (seed, kind, epoch, index), so training,
** evaluation and resumed runs repeat the same noise bit for bit.
*/
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/nn.h"

/* Nonzero when the hidden layers of a are quantized or noisy (passes then keep raw activations). */
int ibsh_nn_perturbed(const ibsh_arch *a) {
  if (a->noise > 0) return 1;
  for (int l = 0; l + 1 < a->nlayers; l++) if (a->qbits[l]) return 1;
  return 0;
}

/* Round the n values of z to the nearest of the 2^bits levels lo + i (hi - lo) / (2^bits - 1), clipping outside [lo, hi]. */
static void quantize(double *z, size_t n, double lo, double hi, int bits) {
  double top = (double)((1u << bits) - 1), scale = top / (hi - lo), step = (hi - lo) / top;
  const double shifter = 0x1.8p52;   /* adding and subtracting it rounds 0 <= v < 2^51 to the nearest integer (ties to even) */
  for (size_t i = 0; i < n; i++) {
    double v = (z[i] - lo) * scale;
    v = v < 0 ? 0 : v > top ? top : v;
    z[i] = lo + step * ((v + shifter) - shifter);   /* IEEE arithmetic: the compiler keeps the rounding */
  }
}

/* Quantize layer l (1..nlayers-1) in place and add noise when w->noisy (see nn.h). */
void ibsh_nn_perturb(const ibsh_arch *a, int l, double *z, size_t n, ibsh_nn_work *w) {
  size_t cnt = n * a->width[l];
  memcpy(w->raw[l], z, cnt * sizeof(double));
  if (a->qbits[l - 1]) quantize(z, cnt, a->qlo[l - 1], a->qhi[l - 1], a->qbits[l - 1]);
  if (w->noisy && a->noise > 0) ibsh_rng_add_normals(&w->noise_rng, z, cnt, a->noise);
}

/* Gradient through act and the quantizer of hidden layer l (see nn.h). */
void ibsh_nn_perturbed_backward(const ibsh_arch *a, int l, const ibsh_nn_work *w, double *g, size_t n) {
  size_t cnt = n * a->width[l];
  const double *raw = w->raw[l];
  ibsh_act_backward(a->act, raw, g, cnt);
  if (!a->qbits[l - 1]) return;
  double lo = a->qlo[l - 1], hi = a->qhi[l - 1];
  for (size_t i = 0; i < cnt; i++) if (raw[i] < lo || raw[i] > hi) g[i] = 0;
}

/* Quantize the output layer's values in w (after a forward pass of n rows) when a quantizes it. */
void ibsh_nn_quant_output(const ibsh_arch *a, ibsh_nn_work *w, size_t n) {
  int L = a->nlayers;
  if (a->qbits[L - 1]) quantize(w->act[L], n * a->width[L], a->qlo[L - 1], a->qhi[L - 1], a->qbits[L - 1]);
}

/* One round of the splitmix64 finaliser, mixing every input bit into every output bit. */
static uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/* Seed w's noise for one pass when a is noisy (see nn.h). */
void ibsh_nn_noise_begin(const ibsh_arch *a, ibsh_nn_work *w, uint64_t kind, uint64_t epoch, uint64_t index) {
  w->noisy = a->noise > 0;
  if (!w->noisy) return;
  uint64_t s = mix(a->noise_seed ^ 0x6E6F697365ull);
  s = mix(s ^ (kind + 0x9E3779B97F4A7C15ull));
  s = mix(s ^ (epoch * 0xD1B54A32D192ED03ull));
  ibsh_rng_seed(&w->noise_rng, mix(s ^ (index + 0x8CB92BA72F3D8DD7ull)));
}

/* The quantizer range [*lo, *hi] of activation act with upper limit r for unbounded units. */
static void act_range(int act, double r, double *lo, double *hi) {
  switch (act) {
  case IBSH_ACT_TANH: case IBSH_ACT_SOFTSIGN: *lo = -1; *hi = 1; break;
  case IBSH_ACT_SIGMOID: *lo = 0; *hi = 1; break;
  case IBSH_ACT_LINEAR: *lo = -r; *hi = r; break;
  default: *lo = 0; *hi = r; break;   /* relu, softplus */
  }
}

/* Set quantization from bits[0..nlayers-1] and ranges (see nn.h). */
int ibsh_nn_set_quant(ibsh_arch *a, const int *bits, const double *ranges) {
  int L = a->nlayers;
  for (int l = 0; l < L; l++)
    if (bits[l] < 1 || bits[l] > 16) return ibsh_fail(IBSH_EINVAL, "quant bits must be 1 to 16, got %d (layer %d)", bits[l], l + 1);
  for (int l = 0; l + 1 < L; l++) {
    double r = ranges ? ranges[l] : 6.0;
    if (!(r > 0) || !isfinite(r)) return ibsh_fail(IBSH_EINVAL, "quant range must be a positive number, got %g (layer %d)", r, l + 1);
    a->qbits[l] = bits[l];
    act_range(a->act, r, &a->qlo[l], &a->qhi[l]);
  }
  a->qbits[L - 1] = 0;
  if (a->out == IBSH_OUT_SOFTMAX || a->out == IBSH_OUT_SIGMOID) {
    a->qbits[L - 1] = bits[L - 1];
    a->qlo[L - 1] = 0;
    a->qhi[L - 1] = 1;
  }
  return IBSH_OK;
}

/* Set the noise std (>= 0, finite) and seed of a. */
int ibsh_nn_set_noise(ibsh_arch *a, double sigma, uint64_t seed) {
  if (!(sigma >= 0) || !isfinite(sigma)) return ibsh_fail(IBSH_EINVAL, "noise must be a finite number >= 0, got %g", sigma);
  a->noise = sigma;
  a->noise_seed = seed;
  return IBSH_OK;
}

/* Append printf output to buf (len bytes) at *used; *used keeps counting past the end so overflow shows. */
static void put(char *buf, size_t len, size_t *used, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = *used < len ? vsnprintf(buf + *used, len - *used, fmt, ap) : vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  *used += k > 0 ? (size_t)k : 0;
}
#define PUT(...) put(buf, len, &used, __VA_ARGS__)

/* Write a's quantization and noise as JSON members, lines after the first indented by two spaces (see nn.h). */
int ibsh_nn_ext_json(const ibsh_arch *a, char *buf, size_t len) {
  size_t used = 0;
  int L = a->nlayers, quant = 0;
  if (len) buf[0] = '\0';
  for (int l = 0; l < L; l++) quant |= a->qbits[l] != 0;
  if (quant) {
    PUT("\"quant_bits\": [");
    for (int l = 0; l < L; l++) PUT("%s%d", l ? ", " : "", a->qbits[l]);
    PUT("],\n  \"quant_lo\": [");
    for (int l = 0; l < L; l++) PUT("%s%.17g", l ? ", " : "", a->qlo[l]);
    PUT("],\n  \"quant_hi\": [");
    for (int l = 0; l < L; l++) PUT("%s%.17g", l ? ", " : "", a->qhi[l]);
    PUT("],\n");
  }
  if (a->noise > 0)
    PUT("%s\"noise_sigma\": %.17g,\n  \"noise_seed\": \"%016" PRIx64 "\",\n", quant ? "  " : "", a->noise, a->noise_seed);
  return used < len ? (int)used : -1;
}

/* The text after "key": in text, or NULL. */
static const char *member(const char *text, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(text, pat);
  if (!p) return NULL;
  p += strlen(pat);
  while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++;
  return p;
}

/* Read a JSON array of exactly n numbers after key into out; 0 when absent, 1 when read, -1 when malformed. */
static int number_array(const char *text, const char *key, double *out, int n) {
  const char *p = member(text, key);
  if (!p) return 0;
  if (*p != '[') return -1;
  p++;
  for (int i = 0; i < n; i++) {
    while (*p == ' ' || *p == ',' || *p == '\n') p++;
    char *end;
    out[i] = strtod(p, &end);
    if (end == p) return -1;
    p = end;
  }
  while (*p == ' ' || *p == '\n') p++;
  return *p == ']' ? 1 : -1;
}

/* Read the members ibsh_nn_ext_json writes from JSON text into a (see nn.h). */
int ibsh_nn_ext_parse(ibsh_arch *a, const char *text) {
  int L = a->nlayers;
  double bits[IBSH_NN_MAXLAYERS], lo[IBSH_NN_MAXLAYERS], hi[IBSH_NN_MAXLAYERS];
  int rb = number_array(text, "quant_bits", bits, L), rl = number_array(text, "quant_lo", lo, L);
  int rh = number_array(text, "quant_hi", hi, L);
  if (rb < 0 || rl < 0 || rh < 0 || rb != rl || rb != rh) return ibsh_fail(IBSH_EFORMAT, "bad quant_bits, quant_lo or quant_hi");
  for (int l = 0; rb && l < L; l++) {
    if (!(bits[l] == 0 || (bits[l] >= 1 && bits[l] <= 16 && bits[l] == floor(bits[l]))) || !isfinite(lo[l]) ||
        !isfinite(hi[l]) || (bits[l] != 0 && !(lo[l] < hi[l])))
      return ibsh_fail(IBSH_EFORMAT, "bad quantizer of layer %d", l + 1);
    a->qbits[l] = (int)bits[l];
    a->qlo[l] = lo[l];
    a->qhi[l] = hi[l];
  }
  const char *ps = member(text, "noise_sigma"), *pd = member(text, "noise_seed");
  if (!ps != !pd) return ibsh_fail(IBSH_EFORMAT, "noise_sigma and noise_seed go together");
  if (ps) {
    char *end;
    double s = strtod(ps, &end);
    if (end == ps || !(s >= 0) || !isfinite(s) || *pd != '"') return ibsh_fail(IBSH_EFORMAT, "bad noise_sigma or noise_seed");
    uint64_t seed = strtoull(pd + 1, &end, 16);
    if (end == pd + 1 || *end != '"') return ibsh_fail(IBSH_EFORMAT, "bad noise_seed");
    a->noise = s;
    a->noise_seed = seed;
  }
  return IBSH_OK;
}

/* Nonzero when a and b quantize and add noise the same way. */
int ibsh_nn_ext_same(const ibsh_arch *a, const ibsh_arch *b) {
  if (a->nlayers != b->nlayers || a->noise != b->noise) return 0;
  for (int l = 0; l < a->nlayers; l++)
    if (a->qbits[l] != b->qbits[l] || (a->qbits[l] && (a->qlo[l] != b->qlo[l] || a->qhi[l] != b->qhi[l]))) return 0;
  return 1;
}
