/*
** Row coding by open-addressing hash tables and plug-in entropies of the codes.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "ibsh/error.h"
#include "mi_codes.h"

/* Hash of one row of d words (multiply-rotate per word, splitmix64 finaliser). */
static uint64_t hash_row(const uint64_t *row, size_t d) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)d;
  for (size_t j = 0; j < d; j++) {
    h ^= row[j];
    h *= 0xBF58476D1CE4E5B9ull;
    h = (h << 31) | (h >> 33);
  }
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

/* One-word rows: the keys live in the table itself (no indirection to the rows). */
static int codes_words1(const uint64_t *rows, size_t n, uint32_t *ids, size_t *k) {
  size_t cap = 16;
  while (cap < 2 * n) cap <<= 1;
  uint64_t *keys = malloc(cap * sizeof *keys);
  uint32_t *slot = calloc(cap, sizeof *slot);      /* 0 = empty, else id + 1 */
  if (!keys || !slot) {
    free(keys);
    free(slot);
    return ibsh_fail(IBSH_ENOMEM, "out of memory coding %zu rows", n);
  }
  uint32_t next = 0;
  size_t mask = cap - 1;
  for (size_t i = 0; i < n; i++) {
    uint64_t key = rows[i], h = ibsh_hash_word(key);
    size_t s = (size_t)h & mask;
    for (;;) {
      uint32_t r = slot[s];
      if (r == 0) {
        slot[s] = ++next;
        keys[s] = key;
        ids[i] = next - 1;
        break;
      }
      if (keys[s] == key) {
        ids[i] = r - 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  free(keys);
  free(slot);
  *k = next;
  return IBSH_OK;
}

/* Give each of n rows of d 64-bit words a dense id, equal rows sharing one; *k gets the number of ids. */
int ibsh_codes_rows(const uint64_t *rows, size_t n, size_t d, uint32_t *ids, size_t *k) {
  if (n > 0x7fffffffu) return ibsh_fail(IBSH_ENOMEM, "too many rows (%zu)", n);
  if (d == 1) return codes_words1(rows, n, ids, k);
  size_t cap = 16;
  while (cap < 2 * n) cap <<= 1;
  uint32_t *slot = calloc(cap, sizeof *slot);      /* 0 = empty, else row index + 1 */
  uint64_t *hashes = malloc((n ? n : 1) * sizeof *hashes);
  if (!slot || !hashes) {
    free(slot);
    free(hashes);
    return ibsh_fail(IBSH_ENOMEM, "out of memory coding %zu rows", n);
  }
  size_t next = 0, mask = cap - 1;
  for (size_t i = 0; i < n; i++) {
    const uint64_t *row = rows + i * d;
    uint64_t h = hash_row(row, d);
    hashes[i] = h;
    size_t s = (size_t)h & mask;
    for (;;) {
      uint32_t r = slot[s];
      if (r == 0) {
        slot[s] = (uint32_t)(i + 1);
        ids[i] = (uint32_t)next++;
        break;
      }
      if (hashes[r - 1] == h && memcmp(rows + (size_t)(r - 1) * d, row, d * sizeof *row) == 0) {
        ids[i] = ids[r - 1];
        break;
      }
      s = (s + 1) & mask;
    }
  }
  free(slot);
  free(hashes);
  *k = next;
  return IBSH_OK;
}

/* Dense ids of n rows of d doubles (equal values, with -0 == 0, share an id); rejects NaN and Inf. */
int ibsh_codes_doubles(const double *rows, size_t n, size_t d, uint32_t *ids, size_t *k) {
  uint64_t *words = malloc((n * d > 0 ? n * d : 1) * sizeof *words);
  if (!words) return ibsh_fail(IBSH_ENOMEM, "out of memory coding %zu rows", n);
  for (size_t i = 0; i < n * d; i++) {
    double v = rows[i];
    if (!isfinite(v)) {
      free(words);
      return ibsh_fail(IBSH_EINVAL, "non-finite value %g at row %zu, column %zu", v, i / d + 1, i % d + 1);
    }
    if (v == 0) v = 0;   /* -0 and +0 are the same value */
    memcpy(&words[i], &v, sizeof v);
  }
  int rc = ibsh_codes_rows(words, n, d, ids, k);
  free(words);
  return rc;
}

/* Dense ids of n labels that must be finite non-negative integers (error names the row). */
int ibsh_codes_labels(const double *labels, size_t n, uint32_t *ids, size_t *k) {
  /* Fast path, one branch-free pass: labels that are all integers below 64 are their own ids
     (k = largest label + 1; ids that do not occur have zero counts, which the entropies ignore). */
  int bad = 0;
  int32_t top = 0;
  size_t i = 0;
#if defined(__SSE2__)
  /* Two labels per step: the same tests as the scalar loop below. */
  const __m128d zero = _mm_setzero_pd(), sixtyfour = _mm_set1_pd(64);
  __m128d vbad = _mm_setzero_pd(), vtop = _mm_setzero_pd();
  for (; i + 2 <= n; i += 2) {
    __m128d v = _mm_loadu_pd(labels + i);
    __m128d w = _mm_and_pd(_mm_and_pd(_mm_cmpge_pd(v, zero), _mm_cmplt_pd(v, sixtyfour)), v);
    __m128i c = _mm_cvttpd_epi32(w);
    vbad = _mm_or_pd(vbad, _mm_cmpneq_pd(_mm_cvtepi32_pd(c), v));   /* true for NaN too */
    vtop = _mm_max_pd(vtop, w);
    _mm_storel_epi64((__m128i *)(void *)(ids + i), c);
  }
  double tops[2];
  _mm_storeu_pd(tops, vtop);
  top = (int32_t)(tops[0] > tops[1] ? tops[0] : tops[1]);
  bad = _mm_movemask_pd(vbad) != 0;
#endif
  for (; i < n; i++) {
    double v = labels[i];
    double w = v >= 0 && v < 64 ? v : 0;   /* NaN and out-of-range values become 0, then fail the test */
    int32_t c = (int32_t)w;
    bad |= (double)c != v;
    ids[i] = (uint32_t)c;
    top = c > top ? c : top;
  }
  if (!bad) {
    *k = n ? (size_t)top + 1 : 0;
    return IBSH_OK;
  }
  /* General path: check every label, then code them by hashing. */
  for (size_t i = 0; i < n; i++) {
    double v = labels[i];
    if (!isfinite(v)) return ibsh_fail(IBSH_EINVAL, "label %g at row %zu is not finite", v, i + 1);
    if (!(v >= 0 && v < 9.0e15) || (double)(int64_t)v != v)
      return ibsh_fail(IBSH_EINVAL, "label %g at row %zu is not a non-negative integer", v, i + 1);
  }
  return ibsh_codes_doubles(labels, n, 1, ids, k);
}

/* Dense ids of the pairs (a[i], b[i]). */
int ibsh_codes_pairs(const uint32_t *a, const uint32_t *b, size_t n, uint32_t *ids, size_t *k) {
  uint64_t *words = malloc((n ? n : 1) * sizeof *words);
  if (!words) return ibsh_fail(IBSH_ENOMEM, "out of memory coding %zu pairs", n);
  for (size_t i = 0; i < n; i++) words[i] = ((uint64_t)a[i] << 32) | b[i];
  int rc = ibsh_codes_rows(words, n, 1, ids, k);
  free(words);
  return rc;
}

_Thread_local double ibsh_clogc_table[IBSH_CLOGC_TABLE];
_Thread_local int ibsh_clogc_ready;

/* Fill this thread's table of c ln c for c < IBSH_CLOGC_TABLE. */
void ibsh_clogc_fill(void) {
  ibsh_clogc_table[0] = ibsh_clogc_table[1] = 0;
  for (size_t i = 2; i < IBSH_CLOGC_TABLE; i++) ibsh_clogc_table[i] = (double)i * log((double)i);
  ibsh_clogc_ready = 1;
}

/* Plug-in entropy in nats of n ids with values in 0..k-1; *used gets the number of ids that occur. */
int ibsh_codes_entropy(const uint32_t *ids, size_t n, size_t k, double *h, size_t *used) {
  if (n == 0) return ibsh_fail(IBSH_EINVAL, "no samples");
  size_t *count = calloc(k ? k : 1, sizeof *count);
  if (!count) return ibsh_fail(IBSH_ENOMEM, "out of memory counting %zu symbols", k);
  for (size_t i = 0; i < n; i++) count[ids[i]]++;
  double s = 0;
  size_t m = 0;
  for (size_t c = 0; c < k; c++) {
    if (count[c] == 0) continue;
    m++;
    s += ibsh_clogc(count[c]);
  }
  free(count);
  double hv = log((double)n) - s / (double)n;
  *h = hv > 0 ? hv : 0;
  if (used) *used = m;
  return IBSH_OK;
}

/* This thread's scratch buffer of at least bytes (see mi_codes.h). */
void *ibsh_mi_scratch(size_t bytes) {
  static _Thread_local void *buf;
  static _Thread_local size_t cap;
  if (bytes > cap) {
    void *p = realloc(buf, bytes);
    if (!p) return NULL;
    buf = p;
    cap = bytes;
  }
  return buf;
}
