/*
** Exact MI of a layer with finitely many values: equal rows of t are one value
** of T, and I(X;T), I(T;Y) are plug-in entropies of the row counts, the counting
** of binning without the bins. The common case (distinct inputs, few labels)
** hashes the rows and counts T and (T, Y) in one pass over a per-thread table
** kept clean between calls; the rest goes through the dense ids of mi_codes.c.
** A quantized layer with its grid known is counted by level codes (mi_levels.c).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/mi_binned.h"
#include "ibsh/mi_exact.h"
#include "mi_codes.h"

#define EXACT_MAX_LABELS 8

/* The error for the first non-finite value of t. */
static int nonfinite(const double *t, size_t n, size_t d) {
  for (size_t i = 0; i < n * d; i++)
    if (!isfinite(t[i]))
      return ibsh_fail(IBSH_EINVAL, "%s at row %zu, column %zu: exact MI needs finite values",
                       isnan(t[i]) ? "NaN" : "Inf", i / d + 1, i % d + 1);
  return IBSH_OK;
}

/* Hash of a row of d doubles (-0 counted as 0; *finite cleared on NaN or Inf): the sum of the splitmix64 finaliser of
   each value xor its position, so the per-value work of a row overlaps instead of forming a chain, and the sum of
   independent well-mixed words separates rows that differ anywhere. */
static inline uint64_t hash_doubles(const double *row, size_t d, int *finite) {
  uint64_t h = 0, bad = 0;
  for (size_t j = 0; j < d; j++) {
    uint64_t w;
    memcpy(&w, row + j, sizeof w);
    w = w << 1 ? w : 0;                                           /* -0 -> +0 */
    bad |= (w & 0x7FF0000000000000ull) == 0x7FF0000000000000ull; /* NaN or Inf */
    h += ibsh_hash_word(w ^ ((uint64_t)(j + 1) * 0x9E3779B97F4A7C15ull));
  }
  *finite &= !bad;
  return ibsh_hash_word(h ^ (uint64_t)d);
}

/* Nonzero when rows a and b of d doubles are equal (== also equates -0 and 0). */
static inline int rows_equal(const double *a, const double *b, size_t d) {
  for (size_t j = 0; j < d; j++) if (a[j] != b[j]) return 0;
  return 1;
}

/* This thread's scratch: a counting table of at least words uint32 words kept zero between calls (a call clears the
   slots it used), and 3 n words for row hashes, each row's slot and the list of used slots; NULL when out of memory.
   A slot is stride words: the key (a 64-bit row hash, two words), its first row + 1 (0 = empty), then the count and
   the count per label, so a row touches one cache line. */
static uint32_t *table(size_t words, size_t n, uint64_t **hash, uint32_t **slot_of, uint32_t **used) {
  static _Thread_local uint32_t *tab, *lists;
  static _Thread_local uint64_t *hashes;
  static _Thread_local size_t tcap, lcap;
  if (tcap < words) {
    free(tab);
    tab = calloc(words, sizeof *tab);
    tcap = tab ? words : 0;
    if (!tab) return NULL;
  }
  if (lcap < n) {
    free(lists);
    free(hashes);
    lists = malloc(2 * n * sizeof *lists);
    hashes = malloc(n * sizeof *hashes);
    lcap = lists && hashes ? n : 0;
    if (!lcap) return NULL;
  }
  *hash = hashes;
  *slot_of = lists;
  *used = lists + n;
  return tab;
}

/* Distinct inputs, at most EXACT_MAX_LABELS labels (or none): hash every row, count T and (T, Y) by the hashes in one
   pass, then check every row against its slot's first row (*collision set when two different rows share a hash; the
   caller then takes the general path). */
static int exact_fast(const double *t, size_t n, size_t d, const uint32_t *yids, size_t ky, double *ixt, double *ity,
                      int *collision) {
  size_t cap = 16, stride = 4 + (yids ? ky : 0);
  while (cap < 4 * n) cap <<= 1;   /* load <= 1/4: few probes */
  uint64_t *hash;
  uint32_t *slot_of, *used;
  uint32_t *tab = table(cap * stride, n, &hash, &slot_of, &used);
  if (!tab) return ibsh_fail(IBSH_ENOMEM, "out of memory counting %zu rows", n);
  int finite = 1;
  for (size_t i = 0; i < n; i++) hash[i] = hash_doubles(t + i * d, d, &finite);
  if (!finite) return nonfinite(t, n, d);
  size_t mask = cap - 1, k = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t h = hash[i];
    uint32_t hlo = (uint32_t)h, hhi = (uint32_t)(h >> 32);
    size_t s = (size_t)h & mask;
    uint32_t *e = tab + s * stride;
    while (e[2] != 0 && (e[0] != hlo || e[1] != hhi)) {
      s = (s + 1) & mask;
      e = tab + s * stride;
    }
    if (e[2] == 0) {
      e[0] = hlo;
      e[1] = hhi;
      e[2] = (uint32_t)(i + 1);
      used[k++] = (uint32_t)s;
    }
    slot_of[i] = (uint32_t)s;
    e[3]++;
    if (yids) e[4 + yids[i]]++;
  }
  int same = 1;
  for (size_t i = 0; i < n; i++) {
    uint32_t first = tab[(size_t)slot_of[i] * stride + 2] - 1;
    if (first != i) same &= rows_equal(t + (size_t)first * d, t + i * d, d);
  }
  double logn = log((double)n), st = 0, sj = 0, sy = 0;
  size_t ny[EXACT_MAX_LABELS] = {0};
  for (size_t j = 0; j < k; j++) {
    uint32_t *e = tab + (size_t)used[j] * stride;
    st += ibsh_clogc(e[3]);
    for (size_t y = 0; yids && y < ky; y++) {
      sj += ibsh_clogc(e[4 + y]);
      ny[y] += e[4 + y];
    }
    memset(e, 0, stride * sizeof *e);   /* leave the table empty for the next call */
  }
  *collision = !same;
  if (!same) return IBSH_OK;
  double ht = logn - st / (double)n;
  *ixt = ht > 0 ? ht : 0;
  if (yids && ity) {
    for (size_t y = 0; y < ky; y++) sy += ibsh_clogc(ny[y]);
    double v = ht - ((logn - sj / (double)n) - (logn - sy / (double)n));   /* H(T) - H(T|Y) */
    *ity = v > 0 ? v : 0;
  }
  return IBSH_OK;
}

/* Exact I(X;T) and I(T;Y) in nats over the distinct rows of t (see mi_exact.h). */
int ibsh_mi_exact(const double *t, size_t n, size_t d, const ibsh_levels *lv, const uint32_t *xids, size_t kx,
                  const uint32_t *yids, size_t ky, double *ixt, double *ity) {
  if (n == 0) return ibsh_fail(IBSH_EINVAL, "no rows");
  if (n > 0x7fffffffu) return ibsh_fail(IBSH_ENOMEM, "too many rows (%zu)", n);
  int rc, collision = 0, done = 0;
  if (!xids && lv && ((rc = ibsh_mi_exact_levels(t, n, d, lv, yids, ky, ixt, ity, &done)) || done)) return rc;
  if (!xids && (!yids || ky <= EXACT_MAX_LABELS) && ((rc = exact_fast(t, n, d, yids, ky, ixt, ity, &collision)) || !collision))
    return rc;
  rc = nonfinite(t, n, d);
  if (rc) return rc;
  uint32_t *tids = malloc(n * sizeof *tids);
  if (!tids) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu rows", n);
  size_t kt = 0;
  rc = ibsh_codes_doubles(t, n, d, tids, &kt);
  if (!rc) rc = ibsh_mi_from_ids(tids, kt, n, xids, kx, yids, ky, ixt, ity);
  free(tids);
  return rc;
}
