/* The k-d tree against brute force: k nearest neighbours and radius counts, several dimensions,
   continuous and heavily tied data, strict and inclusive radii. */
#include <stdio.h>
#include <stdlib.h>
#include "mi/kdtree.h"
#include "ibsh/rng.h"

static int failures = 0;

/* Brute-force k-th smallest distance from row i (excluding i). */
static double brute_kth(const double *p, size_t n, size_t dim, size_t i, size_t k) {
  double best[64];
  size_t found = 0;
  for (size_t j = 0; j < n; j++) {
    if (j == i) continue;
    double d = ibsh_maxdist(p + j * dim, p + i * dim, dim);
    if (found == k && d >= best[k - 1]) continue;
    size_t q = found < k ? found++ : k - 1;
    while (q > 0 && best[q - 1] > d) {
      best[q] = best[q - 1];
      q--;
    }
    best[q] = d;
  }
  return best[k - 1];
}

/* Brute-force count of rows within r of row i (itself included). */
static size_t brute_count(const double *p, size_t n, size_t dim, size_t i, double r, int inclusive) {
  size_t c = 0;
  for (size_t j = 0; j < n; j++) {
    double d = ibsh_maxdist(p + j * dim, p + i * dim, dim);
    c += inclusive ? d <= r : d < r;
  }
  return c;
}

/* Compare tree and brute force on n points of dim columns (tied: integer grid values). */
static void check(size_t n, size_t dim, int tied, uint64_t seed) {
  ibsh_rng rng;
  ibsh_rng_seed(&rng, seed);
  double *p = malloc(n * dim * sizeof *p);
  for (size_t i = 0; i < n * dim; i++) p[i] = tied ? (double)ibsh_rng_below(&rng, 4) : ibsh_rng_normal(&rng);
  ibsh_kdtree t;
  if (ibsh_kdtree_build(&t, p, n, dim) != 0) {
    fprintf(stderr, "FAIL build\n");
    failures++;
    free(p);
    return;
  }
  double dists[8];
  size_t ids[8];
  for (size_t i = 0; i < n; i += 7) {
    for (size_t k = 1; k <= 8; k *= 2) {
      if (k >= n) break;
      ibsh_kdtree_knn(&t, p + i * dim, i, k, dists, ids);
      double want = brute_kth(p, n, dim, i, k);
      if (dists[k - 1] != want) {
        fprintf(stderr, "FAIL knn n=%zu dim=%zu tied=%d row %zu k=%zu: %g != %g\n", n, dim, tied, i, k, dists[k - 1], want);
        failures++;
      }
      for (size_t m = 0; m < k; m++)
        if (ids[m] == i || ibsh_maxdist(p + ids[m] * dim, p + i * dim, dim) != dists[m]) {
          fprintf(stderr, "FAIL knn ids n=%zu dim=%zu row %zu\n", n, dim, i);
          failures++;
        }
      for (int inclusive = 0; inclusive <= 1; inclusive++) {
        size_t a = ibsh_kdtree_count(&t, p + i * dim, want, inclusive), b = brute_count(p, n, dim, i, want, inclusive);
        if (a != b) {
          fprintf(stderr, "FAIL count n=%zu dim=%zu tied=%d row %zu r=%g incl=%d: %zu != %zu\n", n, dim, tied, i, want, inclusive, a, b);
          failures++;
        }
      }
    }
  }
  ibsh_kdtree_free(&t);
  free(p);
}

/* Run the comparisons; nonzero exit on failure. */
int main(void) {
  for (size_t dim = 1; dim <= 5; dim++) {
    check(1500, dim, 0, 10 + dim);
    check(700, dim, 1, 20 + dim);
  }
  check(2, 2, 0, 3);
  check(17, 3, 0, 4);
  check(60, 1, 1, 5);
  if (!failures) printf("OK\n");
  return failures != 0;
}
