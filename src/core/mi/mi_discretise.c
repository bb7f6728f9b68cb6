/*
** Discretisation for the binning estimators: the bin rules (fixed range, original
** float32 edges, fixed width, adaptive equal mass), SIMD byte codes for the fixed
** rules, and packing of each row's codes into 64-bit words for hashing.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define IBSH_HAVE_AVX2_PATH 1
#endif
#include "base/cpu.h"
#include "ibsh/error.h"
#include "ibsh/mi_discretise.h"

/* Check a bin specification (bins >= 1, lo < hi, width > 0, finite). */
int ibsh_binspec_check(const ibsh_binspec *spec) {
  switch (spec->mode) {
  case IBSH_BIN_RANGE:
  case IBSH_BIN_EDGES:
    if (spec->bins < (spec->mode == IBSH_BIN_EDGES ? 2u : 1u) || spec->bins > 100000000u)
      return ibsh_fail(IBSH_EINVAL, "%s must be in %d..1e8, got %zu",
                       spec->mode == IBSH_BIN_EDGES ? "edges" : "bins", spec->mode == IBSH_BIN_EDGES ? 2 : 1, spec->bins);
    if (!isfinite(spec->lo) || !isfinite(spec->hi) || !(spec->lo < spec->hi))
      return ibsh_fail(IBSH_EINVAL, "range must be finite with low < high, got [%g, %g]", spec->lo, spec->hi);
    return IBSH_OK;
  case IBSH_BIN_WIDTH:
    if (!isfinite(spec->width) || !(spec->width > 0))
      return ibsh_fail(IBSH_EINVAL, "binsize must be a positive finite number, got %g", spec->width);
    return IBSH_OK;
  case IBSH_BIN_ADAPTIVE:
    if (spec->bins < 1 || spec->bins > 100000000u) return ibsh_fail(IBSH_EINVAL, "bins must be in 1..1e8, got %zu", spec->bins);
    return IBSH_OK;
  default:
    return ibsh_fail(IBSH_EINVAL, "unknown binning mode %d", spec->mode);
  }
}

/* Compare doubles for qsort. */
static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Number of sorted edges e[0..m-1] that are <= v (np.digitize's right=False index). */
static size_t count_le(const double *e, size_t m, double v) {
  size_t lo = 0, hi = m;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (e[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Fill edges for EDGES mode: linspace(lo, hi, bins) rounded to float32 as in the original code. */
static void original_edges(const ibsh_binspec *spec, double *e) {
  size_t m = spec->bins;
  for (size_t i = 0; i < m; i++) {
    double v = i + 1 == m ? spec->hi : spec->lo + (spec->hi - spec->lo) * (double)i / (double)(m - 1);
    e[i] = (double)(float)v;
  }
}

/* Edges of adaptive bins: bins-1 inner edges at the equal-count positions of the sorted pooled values
   (of the distinct values when unique is set). */
static int adaptive_edges(const double *t, size_t count, size_t bins, int unique, double *e) {
  double *sorted = malloc(count * sizeof *sorted);
  if (!sorted) return ibsh_fail(IBSH_ENOMEM, "out of memory sorting %zu values", count);
  memcpy(sorted, t, count * sizeof *sorted);
  qsort(sorted, count, sizeof *sorted, cmp_double);
  if (unique) {
    size_t m = 1;
    for (size_t i = 1; i < count; i++)
      if (sorted[i] != sorted[m - 1]) sorted[m++] = sorted[i];
    count = m;
  }
  for (size_t b = 1; b < bins; b++) {
    size_t pos = (size_t)(((unsigned long long)b * count) / bins);
    e[b - 1] = sorted[pos < count ? pos : count - 1];
  }
  free(sorted);
  return IBSH_OK;
}

/* Replace each of the n x d values by its integer bin code; NaN/Inf are errors. */
int ibsh_mi_discretise(const double *t, size_t n, size_t d, const ibsh_binspec *spec, int64_t *codes) {
  int rc = ibsh_binspec_check(spec);
  if (rc) return rc;
  size_t count = n * d;
  for (size_t i = 0; i < count; i++)
    if (!isfinite(t[i])) return ibsh_fail(IBSH_EINVAL, "non-finite value %g at row %zu, column %zu", t[i], i / d + 1, i % d + 1);
  if (spec->mode == IBSH_BIN_RANGE) {
    double scale = (double)spec->bins / (spec->hi - spec->lo);
    int64_t top = (int64_t)spec->bins - 1;
    for (size_t i = 0; i < count; i++) {
      double v = (t[i] - spec->lo) * scale;
      int64_t c = v <= 0 ? 0 : v >= (double)spec->bins ? top : (int64_t)v;
      codes[i] = c > top ? top : c;
    }
    return IBSH_OK;
  }
  if (spec->mode == IBSH_BIN_WIDTH) {
    for (size_t i = 0; i < count; i++) {
      double v = floor(t[i] / spec->width);
      if (fabs(v) > 9.0e18) return ibsh_fail(IBSH_EINVAL, "value %g is too large for binsize %g", t[i], spec->width);
      codes[i] = (int64_t)v;
    }
    return IBSH_OK;
  }
  size_t m = spec->mode == IBSH_BIN_EDGES ? spec->bins : spec->bins - 1;
  double *e = malloc((m ? m : 1) * sizeof *e);
  if (!e) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu edges", m);
  if (spec->mode == IBSH_BIN_EDGES) original_edges(spec, e);
  else if (count && m && (rc = adaptive_edges(t, count, spec->bins, spec->unique, e))) {
    free(e);
    return rc;
  }
  for (size_t i = 0; i < count; i++) {
    size_t c = count_le(e, m, t[i]);
    /* The original code indexes bins[digitize - 1]: below the first edge wraps round to the last edge. */
    if (spec->mode == IBSH_BIN_EDGES && c == 0) c = m;
    codes[i] = (int64_t)c;
  }
  free(e);
  return IBSH_OK;
}

/* Bits needed to hold the values 0..span. */
static unsigned bits_for(uint64_t span) {
  unsigned b = 1;
  while (b < 64 && (span >> b)) b++;
  return b;
}

/* Bits per code for the fixed rules: codes go up to bins, and one spare value keeps every field of a
   packed key below all ones, so an all-ones word can mark an empty hash slot. */
static unsigned fixed_bits(const ibsh_binspec *spec) {
  return bits_for((uint64_t)spec->bins + 1);
}

/* Words per packed row of d codes of the given bits (codes never straddle words). */
static size_t words_per_row(size_t d, unsigned bits) {
  size_t per = 64 / bits;
  return (d + per - 1) / per;
}

/* Append code c (already offset to >= 0) to a packed row at word *q, bit *shift. */
static inline void pack_one(uint64_t *row, size_t *q, unsigned *shift, unsigned bits, uint64_t c) {
  if (*shift + bits > 64) {
    (*q)++;
    *shift = 0;
  }
  row[*q] |= c << *shift;
  *shift += bits;
}

/* Report the first non-finite value of t (called only when one is known to exist). */
static int fail_nonfinite(const double *t, size_t n, size_t d) {
  for (size_t i = 0; i < n * d; i++)
    if (!isfinite(t[i])) return ibsh_fail(IBSH_EINVAL, "non-finite value %g at row %zu, column %zu", t[i], i / d + 1, i % d + 1);
  return ibsh_fail(IBSH_EINVAL, "non-finite value");
}

/* Exact original-edges code of v from an arithmetic guess g (at most one off): the number of edges <= v,
   with 0 wrapped round to m as np.digitize(...) - 1 indexing does in the original code. */
static inline uint8_t edge_code(const double *e, size_t m, double v, size_t g) {
  g -= e[g] > v;
  g += e[g + 1] <= v;
  return (uint8_t)(g == 0 ? m : g);
}

#if IBSH_HAVE_AVX2_PATH
/* The vector loop of bin_bytes with AVX2 (8 values per step), for CPUs that have it; the arithmetic is
   the same sequence of IEEE operations as the SSE2 and scalar paths, so the codes are identical.
   *done gets the number of values processed; returns nonzero when one of them is not finite. */
__attribute__((target("avx2")))
static int bin_bytes_avx2(const double *t, size_t count, size_t m, double lo, double scale, const double *e, double margin,
                          double top, double shift, uint8_t *out, size_t *done) {
  const __m256d vlo = _mm256_set1_pd(lo), vscale = _mm256_set1_pd(scale), vzero = _mm256_setzero_pd();
  const __m256d vtop = _mm256_set1_pd(top), vshift = _mm256_set1_pd(shift), vinf = _mm256_set1_pd(INFINITY);
  const __m256d vmargin = _mm256_set1_pd(margin), vupper = _mm256_set1_pd(1 - margin);
  const __m256d vabs = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
  const __m128i vwrap = _mm_set1_epi32((int)m), zero = _mm_setzero_si128();
  __m256d vbad = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    __m256d a = _mm256_loadu_pd(t + i), b = _mm256_loadu_pd(t + i + 4);
    vbad = _mm256_or_pd(vbad, _mm256_or_pd(_mm256_cmp_pd(_mm256_and_pd(a, vabs), vinf, _CMP_NLT_UQ),
                                           _mm256_cmp_pd(_mm256_and_pd(b, vabs), vinf, _CMP_NLT_UQ)));
    __m256d ua = _mm256_add_pd(_mm256_mul_pd(_mm256_sub_pd(a, vlo), vscale), vshift);
    __m256d ub = _mm256_add_pd(_mm256_mul_pd(_mm256_sub_pd(b, vlo), vscale), vshift);
    ua = _mm256_min_pd(_mm256_max_pd(ua, vzero), vtop);
    ub = _mm256_min_pd(_mm256_max_pd(ub, vzero), vtop);
    __m128i ia = _mm256_cvttpd_epi32(ua), ib = _mm256_cvttpd_epi32(ub);
    __m128i ca = ia, cb = ib;
    if (e) {   /* 0 -> m */
      ca = _mm_add_epi32(ca, _mm_and_si128(_mm_cmpeq_epi32(ca, zero), vwrap));
      cb = _mm_add_epi32(cb, _mm_and_si128(_mm_cmpeq_epi32(cb, zero), vwrap));
    }
    _mm_storel_epi64((__m128i *)(void *)(out + i), _mm_packus_epi16(_mm_packs_epi32(ca, cb), zero));
    if (e) {
      __m256d fa = _mm256_sub_pd(ua, _mm256_cvtepi32_pd(ia)), fb = _mm256_sub_pd(ub, _mm256_cvtepi32_pd(ib));
      int near = _mm256_movemask_pd(_mm256_or_pd(_mm256_cmp_pd(fa, vmargin, _CMP_LT_OQ), _mm256_cmp_pd(fa, vupper, _CMP_GT_OQ))) |
                 (_mm256_movemask_pd(_mm256_or_pd(_mm256_cmp_pd(fb, vmargin, _CMP_LT_OQ), _mm256_cmp_pd(fb, vupper, _CMP_GT_OQ))) << 4);
      if (near) {
        double u8[8];
        _mm256_storeu_pd(u8, ua);
        _mm256_storeu_pd(u8 + 4, ub);
        for (int l = 0; l < 8; l++)
          if (((near >> l) & 1) && isfinite(t[i + l])) out[i + l] = edge_code(e, m, t[i + l], (size_t)u8[l]);
      }
    }
  }
  *done = i;
  return _mm256_movemask_pd(vbad) != 0;
}

/* The vector loop of bin_bytes with AVX-512 (16 values per step), same IEEE operations as the AVX2 loop
   (so the same codes); *done gets the number of values processed; nonzero when one is not finite. */
__attribute__((target("avx512f,avx512vl")))
static int bin_bytes_avx512(const double *t, size_t count, size_t m, double lo, double scale, const double *e,
                            double margin, double top, double shift, uint8_t *out, size_t *done) {
  const __m512d vlo = _mm512_set1_pd(lo), vscale = _mm512_set1_pd(scale), vzero = _mm512_setzero_pd();
  const __m512d vtop = _mm512_set1_pd(top), vshift = _mm512_set1_pd(shift), vinf = _mm512_set1_pd(INFINITY);
  const __m512d vmargin = _mm512_set1_pd(margin), vupper = _mm512_set1_pd(1 - margin);
  const __m256i vwrap = _mm256_set1_epi32((int)m), zero = _mm256_setzero_si256();
  __mmask8 bad = 0;
  size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    __m512d a = _mm512_loadu_pd(t + i), b = _mm512_loadu_pd(t + i + 8);
    /* |v| >= inf is true for Inf, and "not less than" is true for NaN */
    bad |= _mm512_cmp_pd_mask(_mm512_abs_pd(a), vinf, _CMP_NLT_UQ) | _mm512_cmp_pd_mask(_mm512_abs_pd(b), vinf, _CMP_NLT_UQ);
    __m512d ua = _mm512_add_pd(_mm512_mul_pd(_mm512_sub_pd(a, vlo), vscale), vshift);
    __m512d ub = _mm512_add_pd(_mm512_mul_pd(_mm512_sub_pd(b, vlo), vscale), vshift);
    ua = _mm512_min_pd(_mm512_max_pd(ua, vzero), vtop);
    ub = _mm512_min_pd(_mm512_max_pd(ub, vzero), vtop);
    __m256i ia = _mm512_cvttpd_epi32(ua), ib = _mm512_cvttpd_epi32(ub);
    __m256i ca = ia, cb = ib;
    if (e) {   /* 0 -> m */
      ca = _mm256_mask_mov_epi32(ca, _mm256_cmpeq_epi32_mask(ca, zero), vwrap);
      cb = _mm256_mask_mov_epi32(cb, _mm256_cmpeq_epi32_mask(cb, zero), vwrap);
    }
    _mm_storeu_si128((__m128i *)(void *)(out + i), _mm512_cvtepi32_epi8(_mm512_inserti64x4(_mm512_castsi256_si512(ca), cb, 1)));
    if (e) {
      __m512d fa = _mm512_sub_pd(ua, _mm512_cvtepi32_pd(ia)), fb = _mm512_sub_pd(ub, _mm512_cvtepi32_pd(ib));
      unsigned near = (unsigned)(_mm512_cmp_pd_mask(fa, vmargin, _CMP_LT_OQ) | _mm512_cmp_pd_mask(fa, vupper, _CMP_GT_OQ)) |
                      ((unsigned)(_mm512_cmp_pd_mask(fb, vmargin, _CMP_LT_OQ) | _mm512_cmp_pd_mask(fb, vupper, _CMP_GT_OQ)) << 8);
      if (near) {
        double u16[16];
        _mm512_storeu_pd(u16, ua);
        _mm512_storeu_pd(u16 + 8, ub);
        for (int l = 0; l < 16; l++)
          if (((near >> l) & 1) && isfinite(t[i + l])) out[i + l] = edge_code(e, m, t[i + l], (size_t)u16[l]);
      }
    }
  }
  *done = i;
  return bad != 0;
}

/* Nonzero when the CPU runs AVX-512 F and VL (detected at load time). */
static int cpu_has_avx512(void) { return ibsh_cpu.avx512f && ibsh_cpu.avx512vl; }

/* Nonzero when the CPU runs AVX2 (detected at load time). */
static int cpu_has_avx2(void) { return ibsh_cpu.avx2; }
#endif

/* Bin codes of count values of t into bytes: fixed range (edges == NULL, codes 0..m-1) or the original
   edges (e[0] = -inf, e[1..m] edges, e[m + 1] = +inf; codes 1..m); margin is the distance (in units of
   bins) within which float32 rounding of the edges can change a code. Returns nonzero when a value is
   not finite. */
static int bin_bytes(const double *t, size_t count, size_t m, double lo, double scale, const double *e, double margin,
                     uint8_t *out) {
  const double top = e ? (double)m + 0.5 : (double)m - 0.5, shift = e ? 1.0 : 0.0;
  int bad = 0;
  size_t i = 0;
#if IBSH_HAVE_AVX2_PATH
  if (cpu_has_avx512()) bad = bin_bytes_avx512(t, count, m, lo, scale, e, margin, top, shift, out, &i);
  if (cpu_has_avx2()) {
    size_t more = 0;
    bad |= bin_bytes_avx2(t + i, count - i, m, lo, scale, e, margin, top, shift, out + i, &more);
    i += more;
  }
#endif
#if defined(__SSE2__)
  const __m128d vlo = _mm_set1_pd(lo), vscale = _mm_set1_pd(scale), vzero = _mm_setzero_pd(), vtop = _mm_set1_pd(top);
  const __m128d vshift = _mm_set1_pd(shift), vinf = _mm_set1_pd(INFINITY), vmargin = _mm_set1_pd(margin);
  const __m128d vupper = _mm_set1_pd(1 - margin);
  const __m128i vwrap = _mm_set1_epi32((int)m);
  const __m128d vabs = _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffffLL));
  __m128d vbad = _mm_setzero_pd();
  for (; i + 4 <= count; i += 4) {
    __m128d a = _mm_loadu_pd(t + i), b = _mm_loadu_pd(t + i + 2);
    /* |v| >= inf is true for Inf, and "not less than" is true for NaN */
    vbad = _mm_or_pd(vbad, _mm_or_pd(_mm_cmpnlt_pd(_mm_and_pd(a, vabs), vinf), _mm_cmpnlt_pd(_mm_and_pd(b, vabs), vinf)));
    __m128d ua = _mm_add_pd(_mm_mul_pd(_mm_sub_pd(a, vlo), vscale), vshift);
    __m128d ub = _mm_add_pd(_mm_mul_pd(_mm_sub_pd(b, vlo), vscale), vshift);
    ua = _mm_min_pd(_mm_max_pd(ua, vzero), vtop);
    ub = _mm_min_pd(_mm_max_pd(ub, vzero), vtop);
    __m128i ia = _mm_cvttpd_epi32(ua), ib = _mm_cvttpd_epi32(ub);
    __m128i c32 = _mm_unpacklo_epi64(ia, ib);
    if (e) c32 = _mm_add_epi32(c32, _mm_and_si128(_mm_cmpeq_epi32(c32, _mm_setzero_si128()), vwrap));   /* 0 -> m */
    __m128i c = _mm_packus_epi16(_mm_packs_epi32(c32, _mm_setzero_si128()), _mm_setzero_si128());
    int32_t four = _mm_cvtsi128_si32(c);
    memcpy(out + i, &four, 4);
    if (e) {
      /* Only values within margin of an edge can be moved by float32 rounding: fix those exactly. */
      __m128d fa = _mm_sub_pd(ua, _mm_cvtepi32_pd(ia)), fb = _mm_sub_pd(ub, _mm_cvtepi32_pd(ib));
      int near = _mm_movemask_pd(_mm_or_pd(_mm_cmplt_pd(fa, vmargin), _mm_cmpgt_pd(fa, vupper))) |
                 (_mm_movemask_pd(_mm_or_pd(_mm_cmplt_pd(fb, vmargin), _mm_cmpgt_pd(fb, vupper))) << 2);
      if (near) {
        double u4[4];
        _mm_storeu_pd(u4, ua);
        _mm_storeu_pd(u4 + 2, ub);
        for (int l = 0; l < 4; l++)
          if (((near >> l) & 1) && isfinite(t[i + l])) out[i + l] = edge_code(e, m, t[i + l], (size_t)u4[l]);
      }
    }
  }
  bad |= _mm_movemask_pd(vbad) != 0;
#endif
  for (; i < count; i++) {
    double v = t[i];
    bad |= !isfinite(v);
    double u = (v - lo) * scale + shift;
    u = u > 0 ? u : 0;
    u = u < top ? u : top;
    out[i] = (uint8_t)u;
    if (e && isfinite(v)) out[i] = edge_code(e, m, v, (size_t)u);
  }
  return bad;
}

/* Squeeze eight byte codes, each below 2^bits (bits <= 8), into the low 8 * bits bits of a word. */
static inline uint64_t compress8(uint64_t x, unsigned bits) {
  uint64_t low = (1ull << bits) - 1;
  uint64_t m16 = low * 0x0001000100010001ull, m32 = ((1ull << (2 * bits)) - 1) * 0x0000000100000001ull;
  x = (x & m16) | (((x >> 8) & m16) << bits);           /* 16-bit lanes hold 2 codes */
  x = (x & m32) | (((x >> 16) & m32) << (2 * bits));    /* 32-bit lanes hold 4 codes */
  uint64_t m64 = (1ull << (4 * bits)) - 1;
  return (x & m64) | (((x >> 32) & m64) << (4 * bits));  /* 8 codes */
}

/* Pack rows of d <= 16 byte codes (d * bits <= 64) into one word each: eight codes at a time by an
   unaligned load (codes has 8 zero bytes of padding), masked to the row, then compressed. */
IBSH_ALWAYS_INLINE void pack_bytes(const uint8_t *codes, size_t n, size_t d, unsigned bits, uint64_t *words) {
  uint64_t mask1 = d >= 8 ? ~0ull : (1ull << (8 * d)) - 1, mask2 = d <= 8 ? 0 : d == 16 ? ~0ull : (1ull << (8 * (d - 8))) - 1;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *c = codes + i * d;
    uint64_t a, b = 0;
    memcpy(&a, c, 8);
    uint64_t key = compress8(a & mask1, bits);
    if (mask2) {
      memcpy(&b, c + 8, 8);
      key |= compress8(b & mask2, bits) << (8 * bits);
    }
    words[i] = key;
  }
}

#if IBSH_HAVE_AVX2_PATH
/* pack_bytes with BMI2: one parallel bit extract per eight codes gives the same words as compress8
   (the code of byte j lands in bits [j * bits, (j + 1) * bits)). */
__attribute__((target("bmi2")))
static void pack_bytes_bmi2(const uint8_t *codes, size_t n, size_t d, unsigned bits, uint64_t *words) {
  uint64_t low = ((1ull << bits) - 1) * 0x0101010101010101ull;
  uint64_t mask1 = d >= 8 ? low : low & ((1ull << (8 * d)) - 1);
  uint64_t mask2 = d <= 8 ? 0 : d == 16 ? low : low & ((1ull << (8 * (d - 8))) - 1);
  if (!mask2) {
    for (size_t i = 0; i < n; i++) {
      uint64_t a;
      memcpy(&a, codes + i * d, 8);
      words[i] = _pext_u64(a, mask1);
    }
    return;
  }
  for (size_t i = 0; i < n; i++) {
    uint64_t a, b;
    memcpy(&a, codes + i * d, 8);
    memcpy(&b, codes + i * d + 8, 8);
    words[i] = _pext_u64(a, mask1) | (_pext_u64(b, mask2) << (8 * bits));
  }
}

/* Nonzero when the CPU runs BMI2 (detected at load time). */
static int cpu_has_bmi2(void) { return ibsh_cpu.bmi2; }
#endif

/* Fixed-range and original-edges binning fused with packing (bins <= 64, codes as bytes first). */
static int bin_pack_fixed(const double *t, size_t n, size_t d, const ibsh_binspec *spec, unsigned bits, size_t w,
                          uint64_t *words, uint8_t *codes) {
  size_t m = spec->bins;
  double e[66];   /* e[0] = -inf, e[1..m] = the edges, e[m + 1] = +inf (sentinels) */
  const double lo = spec->lo;
  double scale = (double)m / (spec->hi - lo);
  if (spec->mode == IBSH_BIN_EDGES) {
    original_edges(spec, e + 1);
    e[0] = -INFINITY;
    e[m + 1] = INFINITY;
    scale = (double)(m - 1) / (spec->hi - lo);
  }
  /* float32 edges are within 2^-24 |edge| of the exact ones: in bin units that is the margin below. */
  double big = fabs(spec->lo) > fabs(spec->hi) ? fabs(spec->lo) : fabs(spec->hi);
  double margin = 4.0 * ldexp(big, -24) * scale + 1e-9;
  if (margin > 0.25) margin = 0.25;
  if (bin_bytes(t, n * d, m, lo, scale, spec->mode == IBSH_BIN_EDGES ? e : NULL, margin, codes))
    return fail_nonfinite(t, n, d);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const int little = 1;
#else
  const int little = 0;
#endif
  if (little && w == 1 && bits <= 8 && d <= 16) {
    memset(codes + n * d, 0, 8);
#if IBSH_HAVE_AVX2_PATH
    if (cpu_has_bmi2()) {
      pack_bytes_bmi2(codes, n, d, bits, words);
      return IBSH_OK;
    }
#endif
    switch (bits) {   /* constant bit widths let the compiler fold the masks and shifts */
    case 5: pack_bytes(codes, n, d, 5, words); break;
    case 4: pack_bytes(codes, n, d, 4, words); break;
    case 6: pack_bytes(codes, n, d, 6, words); break;
    default: pack_bytes(codes, n, d, bits, words); break;
    }
  } else if (w == 1) {
    for (size_t i = 0; i < n; i++) {
      const uint8_t *c = codes + i * d;
      uint64_t acc = 0;
      for (size_t j = 0; j < d; j++) acc = (acc << bits) | c[j];
      words[i] = acc;
    }
  } else {
    memset(words, 0, n * w * sizeof *words);
    for (size_t i = 0; i < n; i++) {
      size_t q = 0;
      unsigned sh = 0;
      for (size_t j = 0; j < d; j++) pack_one(words + i * w, &q, &sh, bits, codes[i * d + j]);
    }
  }
  return IBSH_OK;
}

/* Pack n x d integer codes, offset by their minimum, into rows of words; returns words per row via *w. */
static int pack_codes(const int64_t *codes, size_t n, size_t d, uint64_t **words, size_t *w) {
  int64_t lo = codes[0], hi = codes[0];
  for (size_t i = 1; i < n * d; i++) {
    if (codes[i] < lo) lo = codes[i];
    if (codes[i] > hi) hi = codes[i];
  }
  unsigned bits = bits_for((uint64_t)hi - (uint64_t)lo);
  *w = words_per_row(d, bits);
  *words = calloc(n * *w, sizeof **words);
  if (!*words) return ibsh_fail(IBSH_ENOMEM, "out of memory packing %zu rows", n);
  for (size_t i = 0; i < n; i++) {
    uint64_t *row = *words + i * *w;
    size_t q = 0;
    unsigned shift = 0;
    for (size_t j = 0; j < d; j++) pack_one(row, &q, &shift, bits, (uint64_t)codes[i * d + j] - (uint64_t)lo);
  }
  return IBSH_OK;
}

/* Bin t (n x d) and pack each row's codes into *w words (*words is malloc'ed; the caller frees it). */
int ibsh_bin_pack(const double *t, size_t n, size_t d, const ibsh_binspec *spec, uint64_t **words, size_t *w) {
  if (n == 0 || d == 0) return ibsh_fail(IBSH_EINVAL, "empty input (%zu x %zu)", n, d);
  int rc = ibsh_binspec_check(spec);
  if (rc) return rc;
  *words = NULL;
  if ((spec->mode == IBSH_BIN_RANGE || spec->mode == IBSH_BIN_EDGES) && spec->bins <= 64) {
    unsigned bits = fixed_bits(spec);
    *w = words_per_row(d, bits);
    *words = malloc(n * *w * sizeof **words);
    uint8_t *codes = malloc(n * d + 8);   /* 8 bytes of padding for word loads */
    if (!*words || !codes) rc = ibsh_fail(IBSH_ENOMEM, "out of memory binning %zu x %zu values", n, d);
    else rc = bin_pack_fixed(t, n, d, spec, bits, *w, *words, codes);
    free(codes);
  } else {
    int64_t *codes = malloc(n * d * sizeof *codes);
    if (!codes) return ibsh_fail(IBSH_ENOMEM, "out of memory binning %zu x %zu values", n, d);
    rc = ibsh_mi_discretise(t, n, d, spec, codes);
    if (!rc) rc = pack_codes(codes, n, d, words, w);
    free(codes);
  }
  if (rc) {
    free(*words);
    *words = NULL;
  }
  return rc;
}

/* Words per packed row for the fixed rules with at most 64 bins (0 when the fused path does not apply). */
size_t ibsh_bin_fixed_words(const ibsh_binspec *spec, size_t d) {
  if (!(spec->mode == IBSH_BIN_RANGE || spec->mode == IBSH_BIN_EDGES) || spec->bins > 64) return 0;
  return words_per_row(d, fixed_bits(spec));
}

/* Fixed rules (ibsh_bin_fixed_words(spec, d) > 0): bin and pack into words, using codes (n * d + 8 bytes). */
int ibsh_bin_pack_fixed(const double *t, size_t n, size_t d, const ibsh_binspec *spec, uint64_t *words, uint8_t *codes) {
  unsigned bits = fixed_bits(spec);
  return bin_pack_fixed(t, n, d, spec, bits, words_per_row(d, bits), words, codes);
}
