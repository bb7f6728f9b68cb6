/*
** Order statistics of finite doubles. Every comparison is between order-preserving 64-bit
** keys (unsigned order = numeric order, -0 = +0), ties broken by row, so the ranked sort
** gives exactly the order of a stable sort by value and the median is the exact middle value.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "mi_order.h"

#define DIGIT_BITS 11
#define DIGITS ((size_t)1 << DIGIT_BITS)
#define SMALL_RUN 32   /* runs up to this length are finished by insertion sort */

/* The order-preserving key of a finite double (-0 maps to the key of +0). */
static inline uint64_t order_key(double v) {
  double x = v + 0.0;   /* -0 + 0 = +0; every other value is unchanged */
  uint64_t u;
  memcpy(&u, &x, 8);
  return (u >> 63) ? ~u : u | 0x8000000000000000ull;
}

/* The double whose order key is key. */
static inline double key_value(uint64_t key) {
  uint64_t u = (key >> 63) ? key & 0x7fffffffffffffffull : ~key;
  double v;
  memcpy(&v, &u, 8);
  return v;
}

/* Stable insertion sort of keys with their ids (for short runs). */
static void insertion_sort(uint64_t *key, size_t *id, size_t n) {
  for (size_t i = 1; i < n; i++) {
    uint64_t k = key[i];
    size_t d = id[i], j = i;
    while (j > 0 && key[j - 1] > k) {
      key[j] = key[j - 1];
      id[j] = id[j - 1];
      j--;
    }
    key[j] = k;
    id[j] = d;
  }
}

/* Stable LSD radix sort of n keys with their ids (11-bit digits; digits every key shares are skipped);
   tk and ti are n scratch words. The result ends in key and id. */
static int radix_sort(uint64_t *key, size_t *id, size_t n, uint64_t *tk, size_t *ti) {
  size_t (*count)[DIGITS + 1] = calloc(6, sizeof *count);
  if (!count) return ibsh_fail(IBSH_ENOMEM, "out of memory sorting %zu values", n);
  for (size_t i = 0; i < n; i++)
    for (unsigned d = 0; d < 6; d++) count[d][((key[i] >> (d * DIGIT_BITS)) & (DIGITS - 1)) + 1]++;
  uint64_t *ka = key, *kb = tk;
  size_t *ia = id, *ib = ti;
  for (unsigned d = 0; d < 6; d++) {
    size_t *c = count[d];
    unsigned shift = d * DIGIT_BITS;
    int single = 0;
    for (size_t b = 1; b <= DIGITS; b++) single |= c[b] == n;
    if (single) continue;   /* one digit value holds everything: the pass would not move anything */
    for (size_t b = 0; b < DIGITS; b++) c[b + 1] += c[b];
    for (size_t i = 0; i < n; i++) {
      size_t pos = c[(ka[i] >> shift) & (DIGITS - 1)]++;
      kb[pos] = ka[i];
      ib[pos] = ia[i];
    }
    uint64_t *t = ka; ka = kb; kb = t;
    size_t *u = ia; ia = ib; ib = u;
  }
  free(count);
  if (ka != key) {
    memcpy(key, ka, n * sizeof *key);
    memcpy(id, ia, n * sizeof *id);
  }
  return IBSH_OK;
}

/* Sort n finite doubles ascending, ties by row: sorted gets the values and rank[i] the position of row i.
   Rows are first distributed over about n buckets of equal width in value (a monotone map, so buckets are
   in order), then sorted by key within the buckets: radix sort for long ones, insertion sort for the rest. */
int ibsh_sort_ranked(const double *v, size_t n, double *sorted, size_t *rank) {
  if (n == 0) return IBSH_OK;
  uint64_t *key = malloc(n * sizeof *key), *tk = malloc(n * sizeof *tk);
  size_t *id = malloc(n * sizeof *id), *ti = malloc(n * sizeof *ti), *start = calloc(n + 1, sizeof *start);
  uint32_t *bucket = malloc(n * sizeof *bucket);
  int rc = IBSH_OK;
  if (!key || !tk || !id || !ti || !start || !bucket) {
    rc = ibsh_fail(IBSH_ENOMEM, "out of memory sorting %zu values", n);
    goto done;
  }
  double lo = v[0], hi = v[0];
  for (size_t i = 1; i < n; i++) {
    lo = v[i] < lo ? v[i] : lo;
    hi = v[i] > hi ? v[i] : hi;
  }
  size_t nb = n < UINT32_MAX ? n : UINT32_MAX;
  double scale = (double)nb / (hi - lo);   /* inf or nan when every value is equal or the range is tiny */
  if (!isfinite(scale) || n <= SMALL_RUN) scale = 0;   /* one bucket */
  for (size_t i = 0; i < n; i++) {
    double f = (v[i] - lo) * scale;   /* monotone in v[i]: fl(v - lo) and fl(x * scale) both are */
    size_t b = f < (double)nb ? (size_t)f : nb - 1;
    bucket[i] = (uint32_t)b;
    start[b + 1]++;
  }
  for (size_t b = 0; b < nb; b++) start[b + 1] += start[b];
  for (size_t i = 0; i < n; i++) {   /* rows in order within a bucket: stable */
    size_t pos = start[bucket[i]]++;
    key[pos] = order_key(v[i]);
    id[pos] = i;
  }
  /* Long buckets (clustered values) are radix sorted; then one insertion sort over everything finishes the short
     ones (keys are only out of order within a bucket, so it moves few). */
  for (size_t b = 0, first = 0; b < nb && first < n; b++) {   /* start[b] is now the end of bucket b */
    size_t len = start[b] - first;
    if (len > SMALL_RUN && (rc = radix_sort(key + first, id + first, len, tk, ti))) goto done;
    first = start[b];
  }
  insertion_sort(key, id, n);
  for (size_t p = 0; p < n; p++) {
    sorted[p] = key_value(key[p]);
    rank[id[p]] = p;
  }
done:
  free(key);
  free(tk);
  free(id);
  free(ti);
  free(start);
  free(bucket);
  return rc;
}

/* The k-th smallest (0-based) of the n keys in a (reordered): MSD radix selection, keeping only the keys that
   share the chosen digits, until few are left. */
static uint64_t select_key(uint64_t *a, size_t n, size_t k) {
  unsigned shift = 64;
  size_t count[DIGITS];
  while (n > SMALL_RUN && shift > 0) {
    unsigned bits = shift >= DIGIT_BITS ? DIGIT_BITS : shift;
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    shift -= bits;
    memset(count, 0, ((size_t)1 << bits) * sizeof *count);
    for (size_t i = 0; i < n; i++) count[(a[i] >> shift) & mask]++;
    size_t below = 0, b = 0;
    while (k >= below + count[b]) below += count[b++];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {   /* branch-free compaction */
      uint64_t x = a[i];
      a[m] = x;
      m += ((x >> shift) & mask) == b;
    }
    n = m;
    k -= below;
  }
  for (size_t i = 1; i < n; i++) {   /* few left (or all equal): insertion sort */
    uint64_t x = a[i];
    size_t j = i;
    while (j > 0 && a[j - 1] > x) {
      a[j] = a[j - 1];
      j--;
    }
    a[j] = x;
  }
  return a[k];
}

/* The median of n > 0 finite doubles (the mean of the two middle values when n is even); keys is n scratch words. */
double ibsh_median(const double *v, size_t n, uint64_t *keys) {
  uint64_t *a = keys;
  for (size_t i = 0; i < n; i++) a[i] = order_key(v[i]);
  uint64_t upper = select_key(a, n, n / 2);
  if (n % 2) return key_value(upper);
  /* The lower middle: the upper one when fewer than n / 2 keys lie below it, else the largest key below it. */
  size_t below = 0;
  uint64_t lower = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t k = order_key(v[i]);   /* branch-free: keys on either side come in random order */
    uint64_t under = k < upper ? k : 0;
    below += k < upper;
    lower = under > lower ? under : lower;
  }
  return 0.5 * (key_value(below < n / 2 ? upper : lower) + key_value(upper));
}
