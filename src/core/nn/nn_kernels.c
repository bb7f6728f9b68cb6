/*
** The small-matrix kernels of dense networks (see nn_kernels.h): affine maps, softmax, and the weight and input
** gradients, on feature-major blocks whose rows may be a stride apart (so that a pass can cover part of a batch).
** Products of at least ibsh_nn_gemm_min_flops multiply-adds go through cblas_dgemm; the others are single passes
** of up to eight multiply-adds per element or register-tiled dot products, compiled for x86-64-v4, x86-64-v3 and
** the baseline and picked at load time.
*/
#include <cblas.h>
#include <math.h>
#include <string.h>
#include "base/cpu.h"
#include "ibsh/nn.h"
#include "ibsh/nn_act.h"
#include "nn_kernels.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

size_t ibsh_nn_gemm_min_flops = 2000000;

/* z[i] = (acc ? z[i] : base) + sum over t < cnt (1..8) of c[t * cs] * v[t * ldv + i], for i < n: one pass over z
   for up to eight terms, so the small products of narrow layers stream through memory once per output. */
IBSH_ALWAYS_INLINE void lincomb(double *z, int acc, double base, const double *c, size_t cs,
                                const double *v, size_t ldv, size_t cnt, size_t n) {
  const double *v0 = v, *v1 = v + ldv, *v2 = v + 2 * ldv, *v3 = v + 3 * ldv;
  const double *v4 = v + 4 * ldv, *v5 = v + 5 * ldv, *v6 = v + 6 * ldv, *v7 = v + 7 * ldv;
  double c0 = c[0], c1 = cnt > 1 ? c[cs] : 0, c2 = cnt > 2 ? c[2 * cs] : 0, c3 = cnt > 3 ? c[3 * cs] : 0;
  double c4 = cnt > 4 ? c[4 * cs] : 0, c5 = cnt > 5 ? c[5 * cs] : 0, c6 = cnt > 6 ? c[6 * cs] : 0, c7 = cnt > 7 ? c[7 * cs] : 0;
#define LC_LOOP(expr) \
  if (acc) { for (size_t i = 0; i < n; i++) z[i] += expr; } else { for (size_t i = 0; i < n; i++) z[i] = base + (expr); }
  switch (cnt) {
  case 1: LC_LOOP(c0 * v0[i]); break;
  case 2: LC_LOOP(c0 * v0[i] + c1 * v1[i]); break;
  case 3: LC_LOOP((c0 * v0[i] + c1 * v1[i]) + c2 * v2[i]); break;
  case 4: LC_LOOP((c0 * v0[i] + c1 * v1[i]) + (c2 * v2[i] + c3 * v3[i])); break;
  case 5: LC_LOOP(((c0 * v0[i] + c1 * v1[i]) + (c2 * v2[i] + c3 * v3[i])) + c4 * v4[i]); break;
  case 6: LC_LOOP(((c0 * v0[i] + c1 * v1[i]) + (c2 * v2[i] + c3 * v3[i])) + (c4 * v4[i] + c5 * v5[i])); break;
  case 7: LC_LOOP(((c0 * v0[i] + c1 * v1[i]) + (c2 * v2[i] + c3 * v3[i])) + ((c4 * v4[i] + c5 * v5[i]) + c6 * v6[i])); break;
  default: LC_LOOP(((c0 * v0[i] + c1 * v1[i]) + (c2 * v2[i] + c3 * v3[i])) + ((c4 * v4[i] + c5 * v5[i]) + (c6 * v6[i] + c7 * v7[i]))); break;
  }
#undef LC_LOOP
}

/* Z (m x n, rows ldz apart) = W^T A + b, with A (k x n, rows lda apart) feature-major and W (k x m) row-major. */
IBSH_ALWAYS_INLINE void affine_kernel(const double *A, size_t lda, const double *W, const double *b, double *Z,
                                      size_t ldz, size_t n, size_t k, size_t m) {
  if (n * k * m >= ibsh_nn_gemm_min_flops) {
    for (size_t j = 0; j < m; j++) {
      double *z = Z + j * ldz, bj = b[j];
      for (size_t i = 0; i < n; i++) z[i] = bj;
    }
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0, W, (int)m, A, (int)lda, 1.0, Z,
                (int)ldz);
    return;
  }
  size_t first = k % 8 ? k % 8 : 8;
  for (size_t j = 0; j < m; j++) {
    double *z = Z + j * ldz;
    lincomb(z, 0, b[j], W + j, m, A, lda, first, n);
    for (size_t t = first; t < k; t += 8) lincomb(z, 1, 0.0, W + t * m + j, m, A + t * lda, lda, 8, n);
  }
}
IBSH_VARIANTS_V4_AUTO(affine, (const double *A, size_t lda, const double *W, const double *b, double *Z, size_t ldz,
                                size_t n, size_t k, size_t m),
                 (A, lda, W, b, Z, ldz, n, k, m))

/* Four doubles as a GCC vector (two SSE2 halves in the baseline copy); aligned(8) allows any address. */
typedef double vd __attribute__((vector_size(32), aligned(8)));

/* Four doubles from any address (a macro: a vector returned by value would depend on the AVX ABI). */
#define LOAD4(v, p) memcpy(&(v), (p), sizeof(vd))

/* Eight doubles as a GCC vector: one AVX-512 register, two AVX2 halves in the x86-64-v3 copy (the same operations
   lane by lane, hence the same bits), four SSE2 quarters in the baseline copy; aligned(8) allows any address. */
typedef double vd8 __attribute__((vector_size(64), aligned(8)));

/* Sum of the lanes of a partial-sum vector: ((p0 + p4) + (p2 + p6)) + ((p1 + p5) + (p3 + p7)). */
IBSH_ALWAYS_INLINE double finish_dot(const vd8 *acc) {
  const vd8 p = *acc;
  return ((p[0] + p[4]) + (p[2] + p[6])) + ((p[1] + p[5]) + (p[3] + p[7]));
}

/* G[r * m + c] = (A row r) . (D row c) for r < R, c < C (R, C <= 4, constants after inlining): R x C vector
   accumulators in registers, each a dot product as eight strided partial sums (the last vector zero-padded)
   finished by finish_dot, so every tile shape and every copy with FMA gives the same bits. */
IBSH_ALWAYS_INLINE void dot_tile(const double *A, size_t lda, const double *D, size_t n, double *G, size_t m,
                                 const int R, const int C) {
  vd8 acc[4][4], x[4], y[4];
#pragma GCC unroll 4
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) acc[r][c] = (vd8){0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) memcpy(&x[r], A + r * lda + i, sizeof(vd8));
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) memcpy(&y[c], D + c * n + i, sizeof(vd8));
#pragma GCC unroll 4
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
      for (int c = 0; c < C; c++) acc[r][c] += x[r] * y[c];
  }
  if (i < n) {   /* the tail as one more vector, zero beyond n (kept out of the loop: a branch there cost 25 %) */
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) {
      x[r] = (vd8){0, 0, 0, 0, 0, 0, 0, 0};
      memcpy(&x[r], A + r * lda + i, (n - i) * sizeof(double));
    }
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) {
      y[c] = (vd8){0, 0, 0, 0, 0, 0, 0, 0};
      memcpy(&y[c], D + c * n + i, (n - i) * sizeof(double));
    }
#pragma GCC unroll 4
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
      for (int c = 0; c < C; c++) acc[r][c] += x[r] * y[c];
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) G[r * m + c] = finish_dot(&acc[r][c]);
}

/* Lanes 0-3 and 4-7 of the eight doubles at p, zero beyond the first cnt (1..8). */
#define LOAD_HALVES(lo, hi, p, cnt) do { \
    if ((cnt) == 8) { LOAD4(lo, p); LOAD4(hi, (p) + 4); } \
    else { \
      double t_[8] = {0, 0, 0, 0, 0, 0, 0, 0}; \
      memcpy(t_, p, (cnt) * sizeof(double)); \
      LOAD4(lo, t_); LOAD4(hi, t_ + 4); \
    } \
  } while (0)

/* dot_tile with each eight-lane accumulator held as two four-lane halves, lanes 0-3 and 4-7 (the x86-64-v3 and
   baseline copies: GCC keeps eight-lane vectors it cannot hold in one register in memory). The same products and
   additions lane by lane, and the same final sum, so the same bits as dot_tile. */
IBSH_ALWAYS_INLINE void dot_tile_halves(const double *A, size_t lda, const double *D, size_t n, double *G, size_t m,
                                        const int R, const int C) {
  vd lo[4][4], hi[4][4], xl[4], xh[4], yl[4], yh[4];
#pragma GCC unroll 4
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) lo[r][c] = hi[r][c] = (vd){0, 0, 0, 0};
  for (size_t i = 0; i < n; i += 8) {
    size_t cnt = n - i < 8 ? n - i : 8;   /* a short last step reads zeros beyond n */
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) LOAD_HALVES(xl[r], xh[r], A + r * lda + i, cnt);
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) LOAD_HALVES(yl[c], yh[c], D + c * n + i, cnt);
#pragma GCC unroll 4
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
      for (int c = 0; c < C; c++) { lo[r][c] += xl[r] * yl[c]; hi[r][c] += xh[r] * yh[c]; }
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) {
      const vd l = lo[r][c], h = hi[r][c];
      G[r * m + c] = ((l[0] + h[0]) + (l[2] + h[2])) + ((l[1] + h[1]) + (l[3] + h[3]));
    }
}

/* One tile of G at rows kk.., columns j.. of shape R x C (1..4 each), dispatched to its unrolled copy (in halves or
   eight lanes wide). */
#define DOT_TILE_CASE(R, C) \
  case (R) * 8 + (C): \
    if (halves) dot_tile_halves(A, lda, D, n, G, m, R, C); else dot_tile(A, lda, D, n, G, m, R, C); \
    break;
IBSH_ALWAYS_INLINE void dot_tile_any(const double *A, size_t lda, const double *D, size_t n, double *G, size_t m,
                                     int R, int C, const int halves) {
  switch (R * 8 + C) {
    DOT_TILE_CASE(1, 1) DOT_TILE_CASE(1, 2) DOT_TILE_CASE(1, 3) DOT_TILE_CASE(1, 4)
    DOT_TILE_CASE(2, 1) DOT_TILE_CASE(2, 2) DOT_TILE_CASE(2, 3) DOT_TILE_CASE(2, 4)
    DOT_TILE_CASE(3, 1) DOT_TILE_CASE(3, 2) DOT_TILE_CASE(3, 3) DOT_TILE_CASE(3, 4)
    DOT_TILE_CASE(4, 1) DOT_TILE_CASE(4, 2) DOT_TILE_CASE(4, 3) DOT_TILE_CASE(4, 4)
    default: break;
  }
}
#undef DOT_TILE_CASE

/* gb[j] = the sum of row j of D (m x n): four strided partial sums per row, added in order along the row and then
   as (s0 + s2) + (s1 + s3); four rows at a time, so that the additions of different rows overlap instead of waiting
   on each other. */
IBSH_ALWAYS_INLINE void row_sums(const double *D, double *gb, size_t n, size_t m) {
  for (size_t j = 0; j < m; j += 4) {
    int R = m - j < 4 ? (int)(m - j) : 4;
    vd s[4] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
      for (int r = 0; r < R; r++) { vd v; LOAD4(v, D + (j + r) * n + i); s[r] += v; }
    for (int r = 0; r < R; r++) {
      for (size_t t = i; t < n; t++) s[r][0] += D[(j + r) * n + t];
      gb[j + r] = (s[r][0] + s[r][2]) + (s[r][1] + s[r][3]);
    }
  }
}

/* G (k x m) = A D^T, with A (k x n, rows lda apart) and D (m x n) feature-major; gb (m) = row sums of D; small
   products in tiles of at most rows x cols eight-lane accumulators (2 x 2 held in halves with 16 vector registers,
   4 x 4 in AVX-512's 32). */
IBSH_ALWAYS_INLINE void grad_weights_tiles(const double *A, size_t lda, const double *D, double *G, double *gb,
                                           size_t n, size_t k, size_t m, const int rows, const int cols,
                                           const int halves) {
  row_sums(D, gb, n, m);
  if (n * k * m >= ibsh_nn_gemm_min_flops) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)k, (int)m, (int)n, 1.0, A, (int)lda, D, (int)n, 0.0, G, (int)m);
    return;
  }
  for (size_t kk = 0; kk < k; kk += (size_t)rows) {
    int R = k - kk < (size_t)rows ? (int)(k - kk) : rows;
    for (size_t j = 0; j < m; j += (size_t)cols) {
      int C = m - j < (size_t)cols ? (int)(m - j) : cols;
      dot_tile_any(A + kk * lda, lda, D + j * n, n, G + kk * m + j, m, R, C, halves);
    }
  }
}

/* grad_weights with tiles of up to 2 x 2 (x86-64-v3 and baseline). */
IBSH_ALWAYS_INLINE void grad_weights_kernel(const double *A, size_t lda, const double *D, double *G, double *gb,
                                            size_t n, size_t k, size_t m) {
  grad_weights_tiles(A, lda, D, G, gb, n, k, m, 2, 2, 1);
}

/* grad_weights with tiles of up to 4 x 4 (x86-64-v4: 32 vector registers). */
IBSH_ALWAYS_INLINE void grad_weights_kernel8(const double *A, size_t lda, const double *D, double *G, double *gb,
                                             size_t n, size_t k, size_t m) {
  grad_weights_tiles(A, lda, D, G, gb, n, k, m, 4, 4, 0);
}
IBSH_VARIANTS_V4(grad_weights, (const double *A, size_t lda, const double *D, double *G, double *gb, size_t n,
                                size_t k, size_t m),
                 (A, lda, D, G, gb, n, k, m))

/* O (k x n, rows ldo apart) = W D, with W (k x m) row-major and D (m x n, rows ldd apart) feature-major. */
IBSH_ALWAYS_INLINE void grad_inputs_kernel(const double *D, size_t ldd, const double *W, double *O, size_t ldo,
                                           size_t n, size_t k, size_t m) {
  if (n * k * m >= ibsh_nn_gemm_min_flops) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)k, (int)n, (int)m, 1.0, W, (int)m, D, (int)ldd, 0.0, O,
                (int)ldo);
    return;
  }
  size_t first = m % 8 ? m % 8 : 8;
  for (size_t kk = 0; kk < k; kk++) {
    double *o = O + kk * ldo;
    lincomb(o, 0, 0.0, W + kk * m, 1, D, ldd, first, n);
    for (size_t t = first; t < m; t += 8) lincomb(o, 1, 0.0, W + kk * m + t, 1, D + t * ldd, ldd, 8, n);
  }
}
IBSH_VARIANTS_V4_AUTO(grad_inputs, (const double *D, size_t ldd, const double *W, double *O, size_t ldo, size_t n,
                                    size_t k, size_t m),
                 (D, ldd, W, O, ldo, n, k, m))

/* Softmax over the K rows of each of the n columns of Z (K x n, rows ld apart) into P (the same layout); lse gets
   each column's log-sum-exp (unless want_lse is 0: then only its maxima); sum is scratch for n values. */
IBSH_ALWAYS_INLINE void softmax_cols_kernel(const double *Z, double *P, size_t ld, double *lse, double *sum, size_t n,
                                            size_t K, int want_lse) {
  for (size_t i = 0; i < n; i++) lse[i] = Z[i];
  for (size_t j = 1; j < K; j++) {
    const double *z = Z + j * ld;
    for (size_t i = 0; i < n; i++) lse[i] = z[i] > lse[i] ? z[i] : lse[i];
  }
  for (size_t j = 0; j < K; j++) {
    const double *z = Z + j * ld;
    double *p = P + j * ld;
    for (size_t i = 0; i < n; i++) p[i] = z[i] - lse[i];
  }
  if (ld == n) ibsh_exp_array(P, P, n * K);
  else for (size_t j = 0; j < K; j++) ibsh_exp_array(P + j * ld, P + j * ld, n);
  for (size_t i = 0; i < n; i++) sum[i] = P[i];
  for (size_t j = 1; j < K; j++) {
    const double *p = P + j * ld;
    for (size_t i = 0; i < n; i++) sum[i] += p[i];
  }
  for (size_t j = 0; j < K; j++) {
    double *p = P + j * ld;
    for (size_t i = 0; i < n; i++) p[i] /= sum[i];
  }
  if (want_lse) for (size_t i = 0; i < n; i++) lse[i] += log(sum[i]);
}
IBSH_VARIANTS_V4_AUTO(softmax_cols, (const double *Z, double *P, size_t ld, double *lse, double *sum, size_t n,
                                     size_t K, int want_lse),
                 (Z, P, ld, lse, sum, n, K, want_lse))

/* Dispatch each kernel to the copy for this CPU (see nn_kernels.h). */
void nn_affine(const double *A, size_t lda, const double *W, const double *b, double *Z, size_t ldz, size_t n,
               size_t k, size_t m) {
  IBSH_PICK_V4(affine)(A, lda, W, b, Z, ldz, n, k, m);
}

void nn_grad_weights(const double *A, size_t lda, const double *D, double *G, double *gb, size_t n, size_t k,
                     size_t m) {
  IBSH_PICK_V4(grad_weights)(A, lda, D, G, gb, n, k, m);
}

void nn_grad_inputs(const double *D, size_t ldd, const double *W, double *O, size_t ldo, size_t n, size_t k,
                    size_t m) {
  IBSH_PICK_V4(grad_inputs)(D, ldd, W, O, ldo, n, k, m);
}

void nn_softmax_cols(const double *Z, double *P, size_t ld, double *lse, double *sum, size_t n, size_t K,
                     int want_lse) {
  IBSH_PICK_V4(softmax_cols)(Z, P, ld, lse, sum, n, K, want_lse);
}
