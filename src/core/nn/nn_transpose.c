/*
** Transposes between row-major and feature-major blocks (declared in nn_rows.h),
** done in 4 x 4 tiles held in vector registers; compiled for x86-64-v3 and the
** baseline, picked at load time. A transpose only moves values: the bits are
** the same on every path.
*/
#include <string.h>
#include "base/cpu.h"
#include "ibsh/nn_rows.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

/* Four doubles as a GCC vector; aligned(8) allows any address (loads and stores through memcpy). */
typedef double vd __attribute__((vector_size(32), aligned(8)));

#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
#define HAVE_SHUFFLE 1
#define SHUF(a, b, i, j, k, l) __builtin_shufflevector(a, b, i, j, k, l)
#else
#define HAVE_SHUFFLE 0
#endif

/* dst (4 rows ldd apart) = the transpose of the 4 x 4 tile of src (4 rows lds apart). */
IBSH_ALWAYS_INLINE void tile4(const double *src, size_t lds, double *dst, size_t ldd) {
#if HAVE_SHUFFLE
  vd a, b, c, d;
  memcpy(&a, src, sizeof a); memcpy(&b, src + lds, sizeof b);
  memcpy(&c, src + 2 * lds, sizeof c); memcpy(&d, src + 3 * lds, sizeof d);
  vd t0 = SHUF(a, b, 0, 4, 2, 6), t1 = SHUF(a, b, 1, 5, 3, 7);
  vd t2 = SHUF(c, d, 0, 4, 2, 6), t3 = SHUF(c, d, 1, 5, 3, 7);
  vd c0 = SHUF(t0, t2, 0, 1, 4, 5), c1 = SHUF(t1, t3, 0, 1, 4, 5);
  vd c2 = SHUF(t0, t2, 2, 3, 6, 7), c3 = SHUF(t1, t3, 2, 3, 6, 7);
  memcpy(dst, &c0, sizeof c0); memcpy(dst + ldd, &c1, sizeof c1);
  memcpy(dst + 2 * ldd, &c2, sizeof c2); memcpy(dst + 3 * ldd, &c3, sizeof c3);
#else
  for (size_t i = 0; i < 4; i++)
    for (size_t j = 0; j < 4; j++) dst[j * ldd + i] = src[i * lds + j];
#endif
}

/* dst (c x r) = the transpose of the row-major r x c block src, a line of dst at a time, so every store is
   contiguous; a macro so that callers can pass a constant for the narrow side and the compiler unrolls it. */
#define TRANSPOSE_LINES(src, dst, r, c) do { \
    for (size_t j_ = 0; j_ < (c); j_++) \
      for (size_t i_ = 0; i_ < (r); i_++) (dst)[j_ * (r) + i_] = (src)[i_ * (c) + j_]; \
  } while (0)

/* One case of a switch on a narrow side: that side is the constant N inside the loops. */
#define NARROW_CASES(side, body) \
  switch (side) { \
  case 1: { const size_t N = 1; body; } break; case 2: { const size_t N = 2; body; } break; \
  case 3: { const size_t N = 3; body; } break; case 4: { const size_t N = 4; body; } break; \
  case 5: { const size_t N = 5; body; } break; case 6: { const size_t N = 6; body; } break; \
  case 7: { const size_t N = 7; body; } break; case 8: { const size_t N = 8; body; } break; \
  case 9: { const size_t N = 9; body; } break; case 10: { const size_t N = 10; body; } break; \
  case 11: { const size_t N = 11; body; } break; case 12: { const size_t N = 12; body; } break; \
  case 13: { const size_t N = 13; body; } break; case 14: { const size_t N = 14; body; } break; \
  case 15: { const size_t N = 15; body; } break; default: { const size_t N = 16; body; } break; \
  }

/* Transpose the row-major r x c block src into dst (c x r). A side of at most 16 (the layers of narrow nets) is made
   a constant of a plain loop that the compiler unrolls and vectorises: 5-10x faster than 4 x 4 tiles there, whose
   loads 4 KiB apart alias the stores. Larger blocks go in 4 x 4 tiles along the longer side; the leftover rows or
   columns are moved inside the same sweep, so every output line is written while it is in cache. */
IBSH_ALWAYS_INLINE void transpose_kernel(const double *src, double *dst, size_t r, size_t c) {
  if (r == 0 || c == 0) return;
  if (c <= 16) { NARROW_CASES(c, TRANSPOSE_LINES(src, dst, r, N)); return; }
  if (r <= 16) { NARROW_CASES(r, TRANSPOSE_LINES(src, dst, N, c)); return; }
  size_t r4 = r & ~(size_t)3, c4 = c & ~(size_t)3;
  if (r < c) {
    for (size_t j = 0; j < c4; j += 4) {
      for (size_t i = 0; i < r4; i += 4) tile4(src + i * c + j, c, dst + j * r + i, r);
      for (size_t i = r4; i < r; i++) {
        const double *s = src + i * c + j;
        double *d = dst + j * r + i;
        d[0] = s[0]; d[r] = s[1]; d[2 * r] = s[2]; d[3 * r] = s[3];
      }
    }
    for (size_t j = c4; j < c; j++)
      for (size_t i = 0; i < r; i++) dst[j * r + i] = src[i * c + j];
  } else {
    for (size_t i = 0; i < r4; i += 4) {
      for (size_t j = 0; j < c4; j += 4) tile4(src + i * c + j, c, dst + j * r + i, r);
      for (size_t j = c4; j < c; j++) {
        const double *s = src + i * c + j;
        double *d = dst + j * r + i;
        d[0] = s[0]; d[1] = s[c]; d[2] = s[2 * c]; d[3] = s[3 * c];
      }
    }
    for (size_t i = r4; i < r; i++)
      for (size_t j = 0; j < c; j++) dst[j * r + i] = src[i * c + j];
  }
}
IBSH_VARIANTS_V3(transpose, (const double *src, double *dst, size_t r, size_t c), (src, dst, r, c))

/* Transpose the row-major r x c block src into the c x r block dst. */
void ibsh_nn_transpose(const double *src, double *dst, size_t r, size_t c) {
  IBSH_PICK_V3(transpose)(src, dst, r, c);
}

