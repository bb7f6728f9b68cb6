/*
** Integer coding of rows for the discrete MI estimators: equal rows get the same
** dense id (0..k-1) through a hash table, and entropies come from id counts.
*/
#ifndef IBSH_MI_CODES_H
#define IBSH_MI_CODES_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "ibsh/mi_exact.h"

/* A well-mixed 64-bit hash of one word (every input bit affects the low bits; splitmix64 finaliser). */
static inline uint64_t ibsh_hash_word(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/* Give each of n rows of d 64-bit words a dense id, equal rows sharing one; *k gets the number of ids. */
int ibsh_codes_rows(const uint64_t *rows, size_t n, size_t d, uint32_t *ids, size_t *k);

/* Dense ids of n rows of d doubles (equal values, with -0 == 0, share an id); rejects NaN and Inf. */
int ibsh_codes_doubles(const double *rows, size_t n, size_t d, uint32_t *ids, size_t *k);

/* Ids of n labels that must be finite non-negative integers (error names the row): labels below 64 are
   their own ids (*k = largest + 1, some ids may not occur), others get dense ids by hashing. */
int ibsh_codes_labels(const double *labels, size_t n, uint32_t *ids, size_t *k);

/* Dense ids of the pairs (a[i], b[i]). */
int ibsh_codes_pairs(const uint32_t *a, const uint32_t *b, size_t n, uint32_t *ids, size_t *k);

#define IBSH_CLOGC_TABLE 4096
extern _Thread_local double ibsh_clogc_table[IBSH_CLOGC_TABLE];
extern _Thread_local int ibsh_clogc_ready;

/* Fill this thread's table of c ln c for c < IBSH_CLOGC_TABLE. */
void ibsh_clogc_fill(void);

/* c ln c for a count c (0 for c <= 1), from a per-thread table below 4096: the same value as computing it. */
static inline double ibsh_clogc(size_t c) {
  if (c >= IBSH_CLOGC_TABLE) return (double)c * log((double)c);
  if (!ibsh_clogc_ready) ibsh_clogc_fill();
  return ibsh_clogc_table[c];
}

/* Plug-in entropy in nats of n ids with values in 0..k-1; *used gets the number of ids that occur. */
int ibsh_codes_entropy(const uint32_t *ids, size_t n, size_t k, double *h, size_t *used);

/* Exact I(X;T), I(T;Y) in nats of the n x d values t (distinct inputs; yids NULL or at most 8 labels) counted by their
   packed level indices on the grid lv (mi_levels.c); *done = 0 when that does not apply (no grid, a value off the
   grid, a layer too wide for two words, more labels), leaving the work to the caller. */
int ibsh_mi_exact_levels(const double *t, size_t n, size_t d, const ibsh_levels *lv, const uint32_t *yids, size_t ky,
                         double *ixt, double *ity, int *done);

/* This thread's scratch buffer of at least bytes (NULL when out of memory), kept until exit so that loops over layers
   and epochs do not allocate; one per thread, shared by the counting paths (none holds it across another's call). */
void *ibsh_mi_scratch(size_t bytes);

#endif
