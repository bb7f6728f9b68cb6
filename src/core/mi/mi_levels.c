/*
** Exact MI of a quantized layer from its level codes, the counting of binning:
** every value's index on the quantizer's grid lo + j (hi - lo) / (2^bits - 1)
** (checked to be exactly that level's value, so equal codes are equal values),
** floor(63 / bits) codes packed into each 64-bit word, one or two words per row,
** and T and (T, Y) counted in one pass over a per-thread hash table whose slots
** carry a call stamp (nothing to clear), the entropies summed as the counts grow. Layers wider than two words, values off the grid, repeated
** inputs and many labels are left to the generic path of mi_exact.c.
*/
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "fp-contract=off")
#elif defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "base/cpu.h"
#include "ibsh/error.h"
#include "ibsh/mi_exact.h"
#include "mi_codes.h"

#define LEVELS_MAX_LABELS 8
#define LEVELS_MAX_WORDS 2
#define LEVELS_PREFETCH 8   /* rows ahead whose table slot is fetched while this row is counted */

/* This thread's hash table of cap slots of stride words and a fresh call stamp (never 0): a slot whose stamp is not
   this call's is empty, so no call has to clear what the previous one used. NULL when out of memory. */
static uint64_t *stamped_table(size_t cap, size_t stride, uint32_t *stamp) {
  static _Thread_local uint64_t *slots;
  static _Thread_local uint32_t calls;
  static _Thread_local size_t tcap, tstride;
  if (tcap != cap || tstride != stride || calls == UINT32_MAX) {
    uint64_t *p = realloc(slots, cap * stride * 8);
    if (!p) return NULL;
    slots = p;
    tcap = cap;
    tstride = stride;
    memset(p, 0, cap * stride * 8);
    calls = 0;
  }
  *stamp = ++calls;
  return slots;
}

/* The change of c ln c when a count grows from c to c + 1 (from the table clogc below its end). */
static inline double clogc_step(const double *clogc, size_t c) {
  if (c + 1 < IBSH_CLOGC_TABLE) return clogc[c + 1] - clogc[c];
  return (double)(c + 1) * log((double)(c + 1)) - (c < 2 ? 0 : (double)c * log((double)c));
}

/* Each value's level index j into code (one byte each when bytes, else 32 bits), and in *on_grid whether every value
   is exactly lo + step j computed as the quantizer computes it (a product, then a sum: this file never fuses them
   into an FMA, so every copy rounds alike). Branch-free, so it vectorises; bytes is a constant at each use. */
IBSH_ALWAYS_INLINE void level_index(const double *restrict t, size_t count, double lo, double scale, double step,
                                    double top, uint64_t mask, void *restrict code, int bytes, int *on_grid) {
  const double shifter = 0x1.8p52;   /* adding it rounds 0 <= x < 2^51 to an integer in the low mantissa bits */
  int bad = 0;
  for (size_t i = 0; i < count; i++) {
    double x = (t[i] - lo) * scale;
    x = x > 0 ? x : 0;
    x = x < top ? x : top;   /* NaN stays NaN: its level below is some number, which NaN cannot equal */
    double r = x + shifter;
    double level = lo + step * (r - shifter);
    uint64_t bits;
    memcpy(&bits, &r, sizeof bits);
    bad |= level != t[i];
    if (bytes) ((uint8_t *)code)[i] = (uint8_t)(bits & mask);
    else ((uint32_t *)code)[i] = (uint32_t)(bits & mask);
  }
  *on_grid = !bad;
}

/* The body of level_codes: level indices of up to 2^16 levels as 32-bit codes (one copy per variant). */
IBSH_ALWAYS_INLINE void level_codes_kernel(const double *restrict t, size_t count, double lo, double scale, double step,
                                           double top, uint64_t mask, uint32_t *restrict code, int *on_grid) {
  level_index(t, count, lo, scale, step, top, mask, code, 0, on_grid);
}
IBSH_VARIANTS_V3(level_codes, (const double *restrict t, size_t count, double lo, double scale, double step, double top,
                               uint64_t mask, uint32_t *restrict code, int *on_grid),
                 (t, count, lo, scale, step, top, mask, code, on_grid))

/* The body of level_bytes: level indices of up to 2^8 levels, one byte each (one copy per variant). */
IBSH_ALWAYS_INLINE void level_bytes_kernel(const double *restrict t, size_t count, double lo, double scale, double step,
                                           double top, uint64_t mask, uint8_t *restrict code, int *on_grid) {
  level_index(t, count, lo, scale, step, top, mask, code, 1, on_grid);
}
IBSH_VARIANTS_V4_AUTO(level_bytes, (const double *restrict t, size_t count, double lo, double scale, double step, double top,
                                    uint64_t mask, uint8_t *restrict code, int *on_grid),
                      (t, count, lo, scale, step, top, mask, code, on_grid))

/* Keys of n rows of d <= 16 byte codes: eight codes per word as they lie in memory (the codes need not be dense to
   make distinct rows distinct keys), kw = ceil(d / 8) words per row; codes has 8 bytes of padding after n d. */
static void pack_byte_rows(const uint8_t *code, size_t n, size_t d, size_t kw, uint64_t *words) {
  uint64_t last = d % 8 ? ((uint64_t)1 << (8 * (d % 8))) - 1 : ~(uint64_t)0;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *c = code + i * d;
    uint64_t a;
    memcpy(&a, c, 8);
    if (kw == 1) {
      words[i] = a & last;
      continue;
    }
    uint64_t b;
    memcpy(&b, c + 8, 8);
    words[2 * i] = a;
    words[2 * i + 1] = b & last;
  }
}

/* Keys of n rows of d codes below 2^bits: upw codes packed densely into each of the kw words of a row. */
static void pack_code_rows(const uint32_t *code, size_t n, size_t d, size_t bits, size_t upw, size_t kw,
                           uint64_t *words) {
  for (size_t i = 0; i < n; i++) {
    const uint32_t *c = code + i * d;
    for (size_t w = 0; w < kw; w++) {
      size_t j0 = w * upw, j1 = j0 + upw < d ? j0 + upw : d;
      uint64_t key = 0;
      for (size_t j = j0; j < j1; j++) key = key << bits | c[j];
      words[i * kw + w] = key;
    }
  }
}

/* The home slot of a key of kw words in a table of 2^logcap slots (Fibonacci hashing). */
IBSH_ALWAYS_INLINE size_t key_slot(const uint64_t *key, size_t kw, unsigned logcap) {
  uint64_t h = kw == 1 ? key[0] : key[0] ^ ibsh_hash_word(key[1]);
  return (size_t)((h * 0x9E3779B97F4A7C15ull) >> (64 - logcap));
}

/* Zero the nwords (1 to 5) field words of a new slot by stores (a loop here becomes a call to memset per key). */
static inline void clear_fields(uint64_t *z, size_t nwords) {
  z[0] = 0;
  if (nwords > 1) z[1] = 0;
  if (nwords > 2) z[2] = 0;
  if (nwords > 3) z[3] = 0;
  if (nwords > 4) z[4] = 0;
}

/* The body of count_keys for kw key words (a slot holds two, the same stride for every layer, so the table is not
   rebuilt between layers), then uint32 fields: the stamp, the key's total, one count per label. */
IBSH_ALWAYS_INLINE void count_keys_kw(const uint64_t *words, size_t kw, size_t n, const uint32_t *yids, uint64_t *table,
                                      size_t cap, size_t stride, uint32_t stamp, const double *clogc, double *st,
                                      double *sj) {
  size_t mask = cap - 1;
  unsigned logcap = 0;
  while (((size_t)1 << logcap) < cap) logcap++;
  double a = 0, b = 0;
  for (size_t i = 0; i < n; i++) {
    const uint64_t *key = words + i * kw;
    size_t s = key_slot(key, kw, logcap);
    if (i + LEVELS_PREFETCH < n) __builtin_prefetch(table + key_slot(key + LEVELS_PREFETCH * kw, kw, logcap) * stride, 1);
    uint64_t *slot = table + s * stride;
    uint32_t *f = (uint32_t *)(slot + LEVELS_MAX_WORDS);
    while (f[0] == stamp && (slot[0] != key[0] || (kw == 2 && slot[1] != key[1]))) {
      s = (s + 1) & mask;
      slot = table + s * stride;
      f = (uint32_t *)(slot + LEVELS_MAX_WORDS);
    }
    uint32_t y = yids ? yids[i] + 2 : 2;
    if (f[0] != stamp) {   /* a new key: counts 1 (c ln c stays 0), written field by field (no memset to read back) */
      slot[0] = key[0];
      if (kw == 2) slot[1] = key[1];
      clear_fields(slot + LEVELS_MAX_WORDS, stride - LEVELS_MAX_WORDS);
      f[0] = stamp;
      f[1] = 1;
      f[y] = 1;
      continue;
    }
    a += clogc_step(clogc, f[1]++);
    b += clogc_step(clogc, f[y]++);
  }
  *st = a;
  *sj = b;
}

/* Count the n keys of kw (1 or 2) words with their labels in one hash pass, adding the change of c ln c at every
   increment: *st gets the sum of c ln c over the keys' counts, *sj over the (key, label) counts. clogc is this
   thread's table (passed in so its thread-local address is looked up once). */
static void count_keys(const uint64_t *words, size_t kw, size_t n, const uint32_t *yids, uint64_t *table, size_t cap,
                       size_t stride, uint32_t stamp, const double *clogc, double *st, double *sj) {
  if (kw == 1) count_keys_kw(words, 1, n, yids, table, cap, stride, stamp, clogc, st, sj);
  else count_keys_kw(words, 2, n, yids, table, cap, stride, stamp, clogc, st, sj);
}

/* Exact I(X;T), I(T;Y) in nats of a quantized layer from level codes (see mi_codes.h). */
int ibsh_mi_exact_levels(const double *t, size_t n, size_t d, const ibsh_levels *lv, const uint32_t *yids, size_t ky,
                         double *ixt, double *ity, int *done) {
  *done = 0;
  if (!lv || lv->bits < 1 || lv->bits > 16 || !(lv->lo < lv->hi) || !isfinite(lv->lo) || !isfinite(lv->hi)) return IBSH_OK;
  if (yids && ky > LEVELS_MAX_LABELS) return IBSH_OK;
  size_t bits = (size_t)lv->bits, upw = bits <= 8 ? 8 : 63 / bits, kw = (d + upw - 1) / upw;
  if (kw > LEVELS_MAX_WORDS || n > 0x7fffffffu) return IBSH_OK;   /* wide layers: the generic path */
  size_t nlev = (size_t)1 << bits, kc = yids && ky ? ky : 1, stride = LEVELS_MAX_WORDS + (kc + 3) / 2;
  size_t cap = 16;
  while (cap < 2 * n) cap <<= 1;   /* load <= 1/2 */
  size_t bwords = n * kw * 8, bcode = n * d * 4 + 8;
  char *base = ibsh_mi_scratch(bwords + bcode);
  uint32_t stamp = 0;
  uint64_t *table = stamped_table(cap, stride, &stamp);
  if (!base || !table) return ibsh_fail(IBSH_ENOMEM, "out of memory counting %zu rows", n);
  uint64_t *words = (uint64_t *)base;
  uint32_t *code = (uint32_t *)(base + bwords);
  /* the level values as the quantizer computes them (nn_quant.c): lo + step * j */
  double top = (double)(nlev - 1), step = (lv->hi - lv->lo) / top, scale = top / (lv->hi - lv->lo);
  int on_grid = 0;
  if (bits <= 8) {   /* byte codes, eight to a word by plain loads */
    uint8_t *bytes = (uint8_t *)code;
    IBSH_PICK_V4(level_bytes)(t, n * d, lv->lo, scale, step, top, nlev - 1, bytes, &on_grid);
    if (!on_grid) return IBSH_OK;
    memset(bytes + n * d, 0, 8);
    pack_byte_rows(bytes, n, d, kw, words);
  } else {
    IBSH_PICK_V3(level_codes)(t, n * d, lv->lo, scale, step, top, nlev - 1, code, &on_grid);
    if (!on_grid) return IBSH_OK;
    pack_code_rows(code, n, d, bits, upw, kw, words);
  }
  if (!ibsh_clogc_ready) ibsh_clogc_fill();
  double st = 0, sj = 0, sy = 0;
  count_keys(words, kw, n, yids, table, cap, stride, stamp, ibsh_clogc_table, &st, &sj);
  double logn = log((double)n), ht = logn - st / (double)n;
  *ixt = ht > 0 ? ht : 0;
  if (yids && ity) {
    size_t ycount[4][LEVELS_MAX_LABELS] = {{0}};   /* four interleaved counters: no chain of increments */
    for (size_t i = 0; i < n; i++) ycount[i & 3][yids[i]]++;
    for (size_t c = 0; c < ky; c++) ycount[0][c] += ycount[1][c] + ycount[2][c] + ycount[3][c];
    for (size_t c = 0; c < ky; c++) sy += ibsh_clogc(ycount[0][c]);
    double v = ht - ((logn - sj / (double)n) - (logn - sy / (double)n));   /* H(T) - H(T|Y) */
    *ity = v > 0 ? v : 0;
  }
  *done = 1;
  return IBSH_OK;
}
