/*
** Internal to nn_act.c: the vector exp, expm1 and tanh written once for any lane count. The includer
** defines VD (a vector of doubles), VI (the 64-bit integer vector of the same size), LANES(f) (the name
** of f for this width) and LANES(lookup16)(out, j) (entry j of exp2_16ths_m1 in each lane), and gets
** LANES(vexp), LANES(vexpm1_tab) and LANES(vtanh). Every lane computes the same operations, so each
** width gives the same bits for the same input.
*/

/* Lanes of a where mask is set, else lanes of b (a macro: vector arguments by value would change the ABI note). */
#define blend(mask, a, b) ((VD)(((mask) & (VI)(a)) | (~(mask) & (VI)(b))))

/* *out = exp(x) for x <= 708 by x = k ln2 + r, |r| <= ln2/2, and the degree-13 Taylor polynomial of exp(r); below -708
   (where exp is subnormal) the result is flushed to 0 rather than letting the exponent bits wrap round. */
IBSH_ALWAYS_INLINE void LANES(vexp)(VD *out, const VD *xp) {
  VD x = *xp;
  VI tiny = x < -708.0;
  x = blend(tiny, x * 0.0 - 708.0, x);
  const double log2e = 1.4426950408889634074, ln2_hi = 6.93147180369123816490e-01,
               ln2_lo = 1.90821492927058770002e-10, shifter = 0x1.8p52;
  VD t = x * log2e + shifter;
  VD k = t - shifter;
  VD r = (x - k * ln2_hi) - k * ln2_lo;
  /* Estrin's scheme: the Taylor polynomial of degree 13 in four levels of multiply-adds */
  VD r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  VD q0 = 1.0 + r, q1 = 0.5 + r * (1.0 / 6.0), q2 = 1.0 / 24.0 + r * (1.0 / 120.0);
  VD q3 = 1.0 / 720.0 + r * (1.0 / 5040.0), q4 = 1.0 / 40320.0 + r * (1.0 / 362880.0);
  VD q5 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0), q6 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0);
  VD u0 = q0 + q1 * r2, u1 = q2 + q3 * r2, u2 = q4 + q5 * r2;
  VD w0 = u0 + u1 * r4, w1 = u2 + q6 * r4;
  VD p = w0 + w1 * r8;
  VD scale = (VD)(((VI)t + 1023) << 52);
  VD y = p * scale;
  *out = blend(tiny, y * 0.0, y);
}

/* 2^(j/16) - 1 for j = 0..15, each rounded to nearest (from 60-digit decimal values). */
#ifndef IBSH_EXP2_16THS_M1
#define IBSH_EXP2_16THS_M1
static const double exp2_16ths_m1[16] = {
  0x0.0p+0, 0x1.6ab0d9f3121ecp-5, 0x1.72b83c7d517aep-4, 0x1.1c3d373ab11c3p-3,
  0x1.837f0518db8a9p-3, 0x1.ef5326091a112p-3, 0x1.2ff6b54d8a89cp-2, 0x1.6ac1f752150a5p-2,
  0x1.a827999fcef32p-2, 0x1.e8451cfac061bp-2, 0x1.159ca845541b7p-1, 0x1.389230547e120p-1,
  0x1.5d13f32b5a75bp-1, 0x1.83337bb0aa538p-1, 0x1.ab031b9f7490ep-1, 0x1.d495f454921b3p-1};
#endif

/* *out = expm1(a) for a in [0, 40]: a = (16 k + j) ln2/16 + r with |r| <= ln2/32, so
   exp(a) = 2^k (1 + T_j) e^r with T_j = 2^(j/16) - 1 from the table (LANES(lookup16), a register permute) and
   p = e^r - 1 as its degree-7 Taylor polynomial (truncation below 2^-54 relative); then
   expm1(a) = 2^k (T_j p + (T_j + p)) + (2^k - 1), exact in the last two steps' structure for small a. */
IBSH_ALWAYS_INLINE void LANES(vexpm1_tab)(VD *out, const VD *ap) {
  const double inv = 0x1.71547652b82fep+4,           /* 16 / ln 2 */
               hi = 0x1.62e42fefa4000p-5,            /* ln2 / 16 in 40 bits, so n * hi is exact */
               lo = -0x1.8432a1b0e2634p-47, shifter = 0x1.8p52;
  VD a = *ap;
  VD t = a * inv + shifter;
  VD n = t - shifter;
  VD r = (a - n * hi) - n * lo;
  VI ti = (VI)t;                                     /* 16 k + j in the low mantissa bits */
  VD tj;
  LANES(lookup16)(tj, ti & 15);
  VD scale = (VD)(((ti >> 4) + 1023) << 52);         /* 2^k: the shifter's bits shift out */
  VD r2 = r * r, r4 = r2 * r2;
  VD q0 = 0.5 + r * (1.0 / 6.0), q1 = 1.0 / 24.0 + r * (1.0 / 120.0), q2 = 1.0 / 720.0 + r * (1.0 / 5040.0);
  VD p = r + r2 * ((q0 + r2 * q1) + r4 * q2);
  VD inner = tj * p + (tj + p);
  *out = scale * inner + (scale - 1.0);
}

/* *out = tanh(x) = sign(x) em / (em + 2) with em = expm1(2|x|), 2|x| clamped at 40 where tanh is 1 in double. */
IBSH_ALWAYS_INLINE void LANES(vtanh)(VD *out, const VD *xp) {
  VD x = *xp;
  const VI signbit = (VI){0} | (long long)0x8000000000000000ULL;
  VD ax = (VD)((VI)x & ~signbit);
  VD a2 = ax + ax;
  const VD forty = (VD){0} + 40.0;
  a2 = blend(a2 > 40.0, forty, a2);
  VD em;
  LANES(vexpm1_tab)(&em, &a2);
  VD th = em / (em + 2.0);
  *out = (VD)((VI)th | ((VI)x & signbit));
}

#undef blend
