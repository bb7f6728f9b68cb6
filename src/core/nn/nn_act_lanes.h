/*
** Internal to nn_act.c: the vector exp, expm1 and tanh written once for any lane count. The includer
** defines VD (a vector of doubles), VI (the 64-bit integer vector of the same size) and LANES(f) (the
** name of f for this width), and gets LANES(vexp), LANES(vexpm1_pos) and LANES(vtanh). Every lane
** computes the same operations, so each width gives the same bits for the same input.
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

/* *out = expm1(a) for a in [0, 40]: a = k ln2 + r, expm1(a) = 2^k (exp(r) - 1) + (2^k - 1), with exp(r) - 1 as its
   Taylor polynomial without the constant term (Estrin's scheme), so that small a keeps full relative accuracy. */
IBSH_ALWAYS_INLINE void LANES(vexpm1_pos)(VD *out, const VD *ap) {
  const double log2e = 1.4426950408889634074, ln2_hi = 6.93147180369123816490e-01,
               ln2_lo = 1.90821492927058770002e-10, shifter = 0x1.8p52;
  VD a = *ap;
  VD t = a * log2e + shifter;
  VD k = t - shifter;
  VD r = (a - k * ln2_hi) - k * ln2_lo;
  VD r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  VD q0 = 1.0 + r * 0.5, q1 = 1.0 / 6.0 + r * (1.0 / 24.0), q2 = 1.0 / 120.0 + r * (1.0 / 720.0);
  VD q3 = 1.0 / 5040.0 + r * (1.0 / 40320.0), q4 = 1.0 / 362880.0 + r * (1.0 / 3628800.0);
  VD q5 = 1.0 / 39916800.0 + r * (1.0 / 479001600.0), q6 = 1.0 / 6227020800.0 + r * (1.0 / 87178291200.0);
  VD u0 = q0 + q1 * r2, u1 = q2 + q3 * r2, u2 = q4 + q5 * r2;
  VD w0 = u0 + u1 * r4, w1 = u2 + q6 * r4;
  VD pm = r * (w0 + w1 * r8);                       /* exp(r) - 1, degree 14 */
  VD scale = (VD)(((VI)t + 1023) << 52);
  *out = scale * pm + (scale - 1.0);
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
  LANES(vexpm1_pos)(&em, &a2);
  VD th = em / (em + 2.0);
  *out = (VD)((VI)th | ((VI)x & signbit));
}

#undef blend
