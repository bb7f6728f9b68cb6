/*
** A seedable pseudo-random generator (xoshiro256** seeded through splitmix64).
** Every random choice in ibsh draws from an explicit generator, so the same seed
** gives the same bits on every run.
*/
#ifndef IBSH_RNG_H
#define IBSH_RNG_H

#include <stdint.h>
#include <stddef.h>

typedef struct ibsh_rng { uint64_t s[4]; } ibsh_rng;

/* Initialise the generator from a 64-bit seed. */
void ibsh_rng_seed(ibsh_rng *r, uint64_t seed);

/* Next raw 64-bit output. */
uint64_t ibsh_rng_next(ibsh_rng *r);

/* Uniform double in [0, 1) with 53 random bits. */
double ibsh_rng_uniform(ibsh_rng *r);

/* Uniform integer in [0, n) without modulo bias; n > 0. */
uint64_t ibsh_rng_below(ibsh_rng *r, uint64_t n);

/* Standard normal deviate (Box-Muller, one value per call). */
double ibsh_rng_normal(ibsh_rng *r);

/* Add sigma times standard normal deviates to the n values of z (Marsaglia's polar method, two per accepted pair:
   z[i] += (sigma f) u). Fills z with deviates when it is zeroed and sigma = 1. */
void ibsh_rng_add_normals(ibsh_rng *r, double *z, size_t n, double sigma);

/* Normal deviate with std sd, redrawn until within two standard deviations (as TensorFlow's truncated_normal). */
double ibsh_rng_truncated_normal(ibsh_rng *r, double sd);

/* Fill perm[0..n-1] with a uniformly random permutation of 0..n-1 (Fisher-Yates). */
void ibsh_rng_permutation(ibsh_rng *r, size_t *perm, size_t n);

#endif
