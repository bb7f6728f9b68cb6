/*
** xoshiro256** generator, splitmix64 seeding, and the distributions ibsh uses.
*/
#include <math.h>
#include "ibsh/rng.h"

/* One step of splitmix64, used to expand a seed into generator state. */
static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Rotate a 64-bit word left by k bits. */
static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* Initialise the generator from a 64-bit seed. */
void ibsh_rng_seed(ibsh_rng *r, uint64_t seed) {
  uint64_t x = seed;
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

/* Next raw 64-bit output. */
uint64_t ibsh_rng_next(ibsh_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

/* Uniform double in [0, 1) with 53 random bits. */
double ibsh_rng_uniform(ibsh_rng *r) {
  return (double)(ibsh_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n) without modulo bias (Lemire's rejection). */
uint64_t ibsh_rng_below(ibsh_rng *r, uint64_t n) {
  uint64_t threshold = -n % n;
  for (;;) {
    uint64_t x = ibsh_rng_next(r);
    __uint128_t m = (__uint128_t)x * n;
    if ((uint64_t)m >= threshold) return (uint64_t)(m >> 64);
  }
}

/* Standard normal deviate (Box-Muller, one value per call). */
double ibsh_rng_normal(ibsh_rng *r) {
  double u1 = 1.0 - ibsh_rng_uniform(r);  /* in (0, 1] */
  double u2 = ibsh_rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Add sigma times standard normal deviates to the n values of z (Marsaglia's polar method). */
void ibsh_rng_add_normals(ibsh_rng *r, double *z, size_t n, double sigma) {
  size_t i = 0;
  while (i < n) {
    double u, v, s;
    do {
      u = 2.0 * ibsh_rng_uniform(r) - 1.0;
      v = 2.0 * ibsh_rng_uniform(r) - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sigma * sqrt(-2.0 * log(s) / s);
    z[i++] += f * u;
    if (i < n) z[i++] += f * v;
  }
}

/* Normal deviate with std sd, redrawn until within two standard deviations. */
double ibsh_rng_truncated_normal(ibsh_rng *r, double sd) {
  double z;
  do z = ibsh_rng_normal(r); while (fabs(z) > 2.0);
  return z * sd;
}

/* Fill perm[0..n-1] with a uniformly random permutation of 0..n-1 (Fisher-Yates). */
void ibsh_rng_permutation(ibsh_rng *r, size_t *perm, size_t n) {
  for (size_t i = 0; i < n; i++) perm[i] = i;
  for (size_t i = n; i > 1; i--) {
    size_t j = (size_t)ibsh_rng_below(r, i);
    size_t t = perm[i - 1]; perm[i - 1] = perm[j]; perm[j] = t;
  }
}
