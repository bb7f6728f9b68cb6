/*
** Binning MI: entropies of the binned row tuples (hashed codes), with a fused
** one-pass counter for the common case. Discretisation lives in mi_discretise.c.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/mi_binned.h"
#include "mi_codes.h"

/* Plug-in joint entropy in nats of the pairs (a[i], b[i]): dense counts when ka * kb is small, else hashing. */
static int joint_entropy(const uint32_t *a, size_t ka, const uint32_t *b, size_t kb, size_t n, double *h) {
  if (ka * kb <= 4 * n + 64) {
    uint32_t *count = calloc(ka * kb > 0 ? ka * kb : 1, sizeof *count);
    if (!count) return ibsh_fail(IBSH_ENOMEM, "out of memory counting %zu pairs", n);
    for (size_t i = 0; i < n; i++) count[(size_t)a[i] * kb + b[i]]++;
    double s = 0;
    for (size_t c = 0; c < ka * kb; c++)
      s += ibsh_clogc(count[c]);
    free(count);
    double v = log((double)n) - s / (double)n;
    *h = v > 0 ? v : 0;
    return IBSH_OK;
  }
  uint32_t *joint = malloc(n * sizeof *joint);
  if (!joint) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
  size_t kj;
  int rc = ibsh_codes_pairs(a, b, n, joint, &kj);
  if (!rc) rc = ibsh_codes_entropy(joint, n, kj, h, NULL);
  free(joint);
  return rc;
}

/* I(X;T) and I(T;Y) in nats from dense ids of T (and optional X ids, Y ids), p(x) uniform over rows. */
int ibsh_mi_from_ids(const uint32_t *tids, size_t kt, size_t n, const uint32_t *xids, size_t kx,
                     const uint32_t *yids, size_t ky, double *ixt, double *ity) {
  double ht, hx, hy, hj;
  int rc = ibsh_codes_entropy(tids, n, kt, &ht, NULL);
  if (rc) return rc;
  *ixt = ht;   /* rows are distinct inputs: H(T|X) = 0 */
  if (xids) {
    if ((rc = ibsh_codes_entropy(xids, n, kx, &hx, NULL)) || (rc = joint_entropy(tids, kt, xids, kx, n, &hj))) return rc;
    *ixt = ht - (hj - hx);   /* H(T) - H(T|X) */
    if (*ixt < 0) *ixt = 0;  /* rounding only: an exact difference of plug-in entropies */
  }
  if (yids && ity) {
    if ((rc = ibsh_codes_entropy(yids, n, ky, &hy, NULL)) || (rc = joint_entropy(tids, kt, yids, ky, n, &hj))) return rc;
    *ity = ht - (hj - hy);   /* H(T) - H(T|Y) */
    if (*ity < 0) *ity = 0;
  }
  return IBSH_OK;
}

/* Dense ids of the binned rows of t (n x d): equal bin tuples share an id; *kt gets the count. */
int ibsh_mi_bin_ids(const double *t, size_t n, size_t d, const ibsh_binspec *spec, uint32_t *tids, size_t *kt) {
  uint64_t *words;
  size_t w;
  int rc = ibsh_bin_pack(t, n, d, spec, &words, &w);
  if (!rc) rc = ibsh_codes_rows(words, n, w, tids, kt);
  free(words);
  return rc;
}

/* Sum of c ln c over counts (0 ln 0 = 1 ln 1 = 0). */
static double sum_clogc(const uint32_t *count, size_t m) {
  double s = 0;
  for (size_t i = 0; i < m; i++)
    s += ibsh_clogc(count[i]);
  return s;
}

/* c ln c from this thread's filled table (as ibsh_clogc, without its per-call readiness check). */
static inline double clogc_from(const double *table, size_t c) {
  return c < IBSH_CLOGC_TABLE ? table[c] : (double)c * log((double)c);
}

#define FAST_MAX_LABELS 8

/* Round up to a multiple of 8 bytes. */
static size_t align8(size_t bytes) {
  return (bytes + 7) & ~(size_t)7;
}

/* A per-thread hash table of slots {key, label counts} kept clean between calls (every key empty, every
   count zero): a call resets only the slots it used, so it pays no memset of the whole table. */
typedef struct count_table {
  uint64_t *slots;     /* cap slots of stride words: the key, then the counts as uint32 */
  size_t cap, stride;
} count_table;

/* This thread's clean table of cap slots of stride words (reallocated and cleared when the shape changes). */
static uint64_t *clean_table(size_t cap, size_t stride) {
  static _Thread_local count_table tab;
  if (tab.cap != cap || tab.stride != stride) {
    uint64_t *p = realloc(tab.slots, cap * stride * 8);
    if (!p) return NULL;
    tab.slots = p;
    tab.cap = cap;
    tab.stride = stride;
    for (size_t s = 0; s < cap; s++) {
      p[s * stride] = ~(uint64_t)0;
      memset(p + s * stride + 1, 0, (stride - 1) * 8);
    }
  }
  return tab.slots;
}

/* Fixed bins, one-word rows, few labels, distinct inputs: bin, pack, and count T and (T, Y) in one
   hash pass; returns 1 in *done when it applied. */
static int binned_fast(const double *t, size_t n, size_t d, const ibsh_binspec *spec, const uint32_t *yids,
                       size_t ky, double *ixt, double *ity, int *done) {
  *done = 0;
  if (ky > FAST_MAX_LABELS || ibsh_bin_fixed_words(spec, d) != 1) return IBSH_OK;
  size_t cap = 16, kc = ky ? ky : 1, stride = 1 + (kc + 1) / 2;
  while (cap < 4 * n) cap <<= 1;   /* load <= 1/4: few collisions */
  size_t bcodes = align8(n * d + 8), bwords = n * 8;
  size_t bytes = bcodes + bwords + n * 4, limit = (size_t)32 << 20;
  if (bytes + cap * stride * 8 > limit) cap >>= 1;   /* load <= 1/2 for big inputs */
  if (bytes + cap * stride * 8 > limit) return IBSH_OK;   /* huge inputs take the general path */
  char *base = ibsh_mi_scratch(bytes);
  uint64_t *table = clean_table(cap, stride);
  if (!base || !table) return ibsh_fail(IBSH_ENOMEM, "out of memory binning %zu x %zu values", n, d);
  uint8_t *codes = (uint8_t *)base;
  uint64_t *words = (uint64_t *)(base + bcodes);
  uint32_t *used = (uint32_t *)(base + bcodes + bwords);   /* occupied slots */
  int rc = ibsh_bin_pack_fixed(t, n, d, spec, words, codes);
  if (rc) return rc;
  /* No field of a packed key is all ones (see fixed_bits in mi_discretise.c), so the all-ones word
     marks an empty slot and the table needs no separate occupancy array. */
  const uint64_t empty = ~(uint64_t)0;
  size_t mask = cap - 1;
  unsigned logcap = 0;
  while (((size_t)1 << logcap) < cap) logcap++;
  size_t kt = 0;
  /* Fibonacci hashing: the top bits of key * 2^64/phi depend on every bit of the key. A row stops at
     the first slot that holds its key or is empty and writes its key there either way, so new and seen
     keys take the same branch-free path (only a collision with another key loops). */
  for (size_t i = 0; i < n; i++) {
    size_t s = (size_t)((words[i] * 0x9E3779B97F4A7C15ull) >> (64 - logcap));
    uint64_t key = words[i], old;
    while ((old = table[s * stride]) != key && old != empty) s = (s + 1) & mask;
    uint64_t *slot = table + s * stride;
    *slot = key;
    used[kt] = (uint32_t)s;
    kt += old == empty;
    ((uint32_t *)(slot + 1))[yids ? yids[i] : 0]++;
  }
  double st = 0, sj = 0;
  uint32_t ycount[FAST_MAX_LABELS] = {0};
  if (!ibsh_clogc_ready) ibsh_clogc_fill();
  const double *table_clogc = ibsh_clogc_table;   /* this thread's table, looked up once */
  for (size_t u = 0; u < kt; u++) {
    uint64_t *slot = table + (size_t)used[u] * stride;
    uint32_t *js = (uint32_t *)(slot + 1);
    size_t tot = 0;
    for (size_t c = 0; c < kc; c++) {
      tot += js[c];
      ycount[c] += js[c];
      sj += clogc_from(table_clogc, js[c]);
    }
    st += clogc_from(table_clogc, tot);
    slot[0] = empty;   /* leave the table clean for the next call */
    for (size_t w = 1; w < stride; w++) slot[w] = 0;
  }
  double logn = log((double)n), ht = logn - st / (double)n;
  *ixt = ht > 0 ? ht : 0;
  if (yids) {
    double hj = logn - sj / (double)n, hy = logn - sum_clogc(ycount, ky) / (double)n;
    double v = ht - (hj - hy);
    *ity = v > 0 ? v : 0;
  }
  *done = 1;
  return IBSH_OK;
}

/* Binned I(X;T) and I(T;Y) in nats; xids (NULL = all rows distinct) and yids (NULL = skip I(T;Y)) are dense ids. */
int ibsh_mi_binned(const double *t, size_t n, size_t d, const ibsh_binspec *spec,
                   const uint32_t *xids, size_t kx, const uint32_t *yids, size_t ky,
                   double *ixt, double *ity) {
  if (n == 0 || d == 0) return ibsh_fail(IBSH_EINVAL, "empty input (%zu x %zu)", n, d);
  int rc = ibsh_binspec_check(spec), done = 0;
  if (rc) return rc;
  if (!xids && (rc = binned_fast(t, n, d, spec, yids, ky, ixt, ity, &done))) return rc;
  if (done) return IBSH_OK;
  uint64_t *words;
  size_t w;
  if ((rc = ibsh_bin_pack(t, n, d, spec, &words, &w))) return rc;
  uint32_t *tids = malloc(n * sizeof *tids);
  size_t kt = 0;
  if (!tids) rc = ibsh_fail(IBSH_ENOMEM, "out of memory binning %zu rows", n);
  if (!rc) rc = ibsh_codes_rows(words, n, w, tids, &kt);
  free(words);
  if (!rc) rc = ibsh_mi_from_ids(tids, kt, n, xids, kx, yids, ky, ixt, ity);
  free(tids);
  return rc;
}
