/*
** Internal: a branch-free exp for hot loops that GCC vectorises (the IB rows, the
** sample-propagation sums). x = (32 m + j) ln2/32 + r with |r| <= ln2/64, exp(x) =
** 2^m 2^(j/32) e^r: a 32-entry table and e^r by its degree-6 Taylor polynomial, the
** reduction by ln2/32 split in two parts (Cody-Waite). Relative error below 6e-16
** (truncation below 4e-18; measured worst 3e-16 against libm, tests/c/test_fastexp.c)
** for -708 <= x <= 709; outside that range the result is garbage, so callers clamp.
*/
#ifndef IBSH_BASE_FASTEXP_H
#define IBSH_BASE_FASTEXP_H

#include <stdint.h>
#include <string.h>

/* 2^(j/32), j = 0..31, correctly rounded. */
static const double ibsh_exp2_32nds[32] = {
  0x1.0000000000000p+0, 0x1.059b0d3158574p+0, 0x1.0b5586cf9890fp+0, 0x1.11301d0125b51p+0, 0x1.172b83c7d517bp+0,
  0x1.1d4873168b9aap+0, 0x1.2387a6e756238p+0, 0x1.29e9df51fdee1p+0, 0x1.306fe0a31b715p+0, 0x1.371a7373aa9cbp+0,
  0x1.3dea64c123422p+0, 0x1.44e086061892dp+0, 0x1.4bfdad5362a27p+0, 0x1.5342b569d4f82p+0, 0x1.5ab07dd485429p+0,
  0x1.6247eb03a5585p+0, 0x1.6a09e667f3bcdp+0, 0x1.71f75e8ec5f74p+0, 0x1.7a11473eb0187p+0, 0x1.82589994cce13p+0,
  0x1.8ace5422aa0dbp+0, 0x1.93737b0cdc5e5p+0, 0x1.9c49182a3f090p+0, 0x1.a5503b23e255dp+0, 0x1.ae89f995ad3adp+0,
  0x1.b7f76f2fb5e47p+0, 0x1.c199bdd85529cp+0, 0x1.cb720dcef9069p+0, 0x1.d5818dcfba487p+0, 0x1.dfc97337b9b5fp+0,
  0x1.ea4afa2a490dap+0, 0x1.f50765b6e4540p+0};

/* exp(x) for -708 <= x <= 709 (relative error below 6e-16), branch-free. */
static inline double ibsh_exp_fast(double x) {
  double kk = x * 0x1.71547652b82fep+5 + 6755399441055744.0;  /* round(32 x / ln 2) in the low mantissa bits */
  double k = kk - 6755399441055744.0;
  double r = x - k * 0x1.62e42fefa0000p-6;   /* ln2/32 in 36 bits: exact for |k| < 2^16 (Cody-Waite) */
  r -= k * 0x1.cf79abc9e3b3ap-45;
  uint64_t kb;
  memcpy(&kb, &kk, 8);
  double p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720))))));
  p *= ibsh_exp2_32nds[kb & 31];
  uint64_t bits;
  memcpy(&bits, &p, 8);
  bits += (kb >> 5) << 52;   /* + m in the exponent: the high bits of kk shift out */
  memcpy(&p, &bits, 8);
  return p;
}

/* Eight doubles (and 64-bit integers) as GCC vectors; aligned(8) allows any address. */
typedef double ibsh_v8d __attribute__((vector_size(64), aligned(8)));
typedef long long ibsh_v8i __attribute__((vector_size(64), aligned(8)));

/* ibsh_exp_fast on the eight lanes of *x, in place (the same steps lane by lane; the table lookup is two two-register
   permutes and a blend under GCC, lane loads under clang). By pointer: vectors by value change the ABI note. */
static inline __attribute__((always_inline)) void ibsh_exp_fast8(ibsh_v8d *x) {
  ibsh_v8d v = *x;
  ibsh_v8d kk = v * 0x1.71547652b82fep+5 + 6755399441055744.0;
  ibsh_v8d k = kk - 6755399441055744.0;
  ibsh_v8d r = v - k * 0x1.62e42fefa0000p-6;
  r -= k * 0x1.cf79abc9e3b3ap-45;
  ibsh_v8i kb = (ibsh_v8i)kk, j = kb & 31;
  ibsh_v8d p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720))))));
  ibsh_v8d tab;
#if defined(__clang__)
  for (int l = 0; l < 8; l++) tab[l] = ibsh_exp2_32nds[j[l]];
#else
  ibsh_v8d t0, t1, t2, t3;
  memcpy(&t0, ibsh_exp2_32nds, sizeof t0);
  memcpy(&t1, ibsh_exp2_32nds + 8, sizeof t1);
  memcpy(&t2, ibsh_exp2_32nds + 16, sizeof t2);
  memcpy(&t3, ibsh_exp2_32nds + 24, sizeof t3);
  ibsh_v8i j15 = j & 15, upper = (j & 16) != 0;
  ibsh_v8d lo = __builtin_shuffle(t0, t1, j15), hi = __builtin_shuffle(t2, t3, j15);
  tab = (ibsh_v8d)((upper & (ibsh_v8i)hi) | (~upper & (ibsh_v8i)lo));
#endif
  p *= tab;
  *x = (ibsh_v8d)((ibsh_v8i)p + ((kb >> 5) << 52));   /* + m in the exponent: the high bits of kk shift out */
}

#endif
