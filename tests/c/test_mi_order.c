/* The KSG helpers against straightforward versions, to the last bit: the ranked radix sort against qsort,
   the radix-selection median against the middle of a sorted copy, 1-D radius counts against a scan of every
   value, and the strip search with a cursor against the same search without one. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mi/mi_order.h"
#include "mi/mi_count1d.h"
#include "mi/mi_knn2d.h"
#include "ibsh/rng.h"

static int failures = 0;

typedef struct pair {
  double v;
  size_t id;
} pair;

/* qsort order: by value (-0 equals +0), then by row. */
static int cmp_pair(const void *a, const void *b) {
  const pair *p = a, *q = b;
  if (p->v < q->v) return -1;
  if (p->v > q->v) return 1;
  return p->id < q->id ? -1 : p->id > q->id;
}

/* Fill v with n values of a kind: 0 normal, 1 four tied integers, 2 signed zeros and ones, 3 heavy tails,
   4 one constant, 5 values near +-DBL_MAX, 6 tiny (subnormal) values. */
static void fill(double *v, size_t n, int kind, ibsh_rng *rng) {
  for (size_t i = 0; i < n; i++) {
    double z = ibsh_rng_normal(rng);
    switch (kind) {
      case 0: v[i] = z; break;
      case 1: v[i] = (double)ibsh_rng_below(rng, 4); break;
      case 2: v[i] = ibsh_rng_below(rng, 3) == 0 ? 1.0 : (ibsh_rng_below(rng, 2) ? 0.0 : -0.0); break;
      case 3: v[i] = z / (ibsh_rng_uniform(rng) + 1e-12); break;
      case 4: v[i] = 2.5; break;
      case 5: v[i] = (z < 0 ? -1 : 1) * 1.7e308 * (0.5 + 0.5 * ibsh_rng_uniform(rng)); break;
      default: v[i] = z * 1e-310; break;
    }
  }
}

/* Sort and median of n values of a kind against qsort. */
static void check_sort_median(size_t n, int kind, uint64_t seed) {
  ibsh_rng rng;
  ibsh_rng_seed(&rng, seed);
  double *v = malloc(n * sizeof *v), *sorted = malloc(n * sizeof *sorted);
  size_t *rank = malloc(n * sizeof *rank);
  uint64_t *keys = malloc(n * sizeof *keys);
  pair *ref = malloc(n * sizeof *ref);
  fill(v, n, kind, &rng);
  for (size_t i = 0; i < n; i++) ref[i] = (pair){v[i] + 0.0, i};
  qsort(ref, n, sizeof *ref, cmp_pair);
  if (ibsh_sort_ranked(v, n, sorted, rank) != 0) {
    fprintf(stderr, "FAIL sort n=%zu kind=%d: error\n", n, kind);
    failures++;
  } else {
    for (size_t p = 0; p < n; p++)
      if (memcmp(&sorted[p], &ref[p].v, 8) != 0 || rank[ref[p].id] != p) {
        fprintf(stderr, "FAIL sort n=%zu kind=%d at %zu: %g (row %zu) vs %g (row %zu)\n", n, kind, p, sorted[p],
                rank[ref[p].id], ref[p].v, ref[p].id);
        failures++;
        break;
      }
  }
  double want = n % 2 ? ref[n / 2].v : 0.5 * (ref[n / 2 - 1].v + ref[n / 2].v);
  double got = ibsh_median(v, n, keys);
  if (!(got == want)) {
    fprintf(stderr, "FAIL median n=%zu kind=%d: %.17g vs %.17g\n", n, kind, got, want);
    failures++;
  }
  free(v);
  free(sorted);
  free(rank);
  free(keys);
  free(ref);
}

/* Radius counts on sorted values of a kind against a scan, at radii equal to actual distances (ties) and between. */
static void check_counts(size_t n, int kind, uint64_t seed) {
  ibsh_rng rng;
  ibsh_rng_seed(&rng, seed);
  double *v = malloc(n * sizeof *v), *sorted = malloc(n * sizeof *sorted);
  size_t *rank = malloc(n * sizeof *rank);
  fill(v, n, kind, &rng);
  ibsh_sort_ranked(v, n, sorted, rank);
  for (size_t p = 0; p < n; p += 1 + n / 300) {
    for (int trial = 0; trial < 4; trial++) {
      size_t j = ibsh_rng_below(&rng, n);
      double r = fabs(sorted[j] - sorted[p]);
      if (trial == 1) r *= 1.0 + 1e-9;
      if (trial == 2) r = r * 0.5;
      if (trial == 3) r = INFINITY;
      for (int inclusive = 0; inclusive <= 1; inclusive++) {
        size_t want = 0;
        for (size_t m = 0; m < n; m++) want += inclusive ? fabs(sorted[m] - sorted[p]) <= r : fabs(sorted[m] - sorted[p]) < r;
        size_t got = ibsh_sorted_count(sorted, n, p, r, inclusive);
        if (got != want) {
          fprintf(stderr, "FAIL count n=%zu kind=%d p=%zu r=%g incl=%d: %zu vs %zu\n", n, kind, p, r, inclusive, got, want);
          failures++;
        }
      }
    }
  }
  free(v);
  free(sorted);
  free(rank);
}

/* The strip search with a cursor (queries in ascending position order) against fresh searches. */
static void check_cursor(size_t n, size_t k, int tied, uint64_t seed) {
  ibsh_rng rng;
  ibsh_rng_seed(&rng, seed);
  double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *sx = malloc(n * sizeof *sx), *sy = malloc(n * sizeof *sy);
  size_t *xrank = malloc(n * sizeof *xrank), *yrank = malloc(n * sizeof *yrank), *yorder = malloc(n * sizeof *yorder);
  for (size_t i = 0; i < n; i++) {
    x[i] = tied ? (double)ibsh_rng_below(&rng, 20) : ibsh_rng_normal(&rng);
    y[i] = tied ? (double)ibsh_rng_below(&rng, 20) : 0.9 * x[i] + 0.4 * ibsh_rng_normal(&rng);
  }
  ibsh_sort_ranked(x, n, sx, xrank);
  ibsh_sort_ranked(y, n, sy, yrank);
  for (size_t i = 0; i < n; i++) yorder[yrank[i]] = i;
  ibsh_knn2d g;
  if (ibsh_knn2d_build(&g, x, y, n, xrank, yorder, k) != 0) {
    fprintf(stderr, "FAIL knn2d build\n");
    failures++;
  } else {
    ibsh_knn2d_cursor cur;
    ibsh_knn2d_cursor_reset(&cur);
    double d1[16], d2[16];
    size_t i1[16], i2[16];
    for (size_t p = 0; p < n; p++) {
      if (p == n / 3) ibsh_knn2d_cursor_reset(&cur);   /* a sequence may start anywhere */
      ibsh_knn2d_query(&g, g.id[p], k, d1, i1, &cur);
      ibsh_knn2d_query(&g, g.id[p], k, d2, i2, NULL);
      if (memcmp(d1, d2, k * sizeof *d1) != 0 || memcmp(i1, i2, k * sizeof *i1) != 0) {
        fprintf(stderr, "FAIL cursor n=%zu k=%zu tied=%d at position %zu\n", n, k, tied, p);
        failures++;
        break;
      }
    }
  }
  ibsh_knn2d_free(&g);
  free(x); free(y); free(sx); free(sy); free(xrank); free(yrank); free(yorder);
}

/* Run the comparisons; nonzero exit on failure. */
int main(void) {
  size_t sizes[] = {1, 2, 3, 31, 32, 33, 100, 1001, 10000};
  for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
    for (int kind = 0; kind <= 6; kind++) {
      check_sort_median(sizes[s], kind, 100 * s + (uint64_t)kind);
      if (sizes[s] >= 2) check_counts(sizes[s], kind, 7 + 100 * s + (uint64_t)kind);
    }
  check_cursor(10000, 3, 0, 1);
  check_cursor(3000, 8, 0, 2);
  check_cursor(2000, 3, 1, 3);
  check_cursor(50, 1, 0, 4);
  if (!failures) printf("OK\n");
  return failures != 0;
}
