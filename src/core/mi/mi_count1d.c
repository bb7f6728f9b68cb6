/*
** Radius counts on sorted values. For ascending v, |v[j] - q| is exactly v[j] - q to the
** right of q's position p and q - v[j] to the left, so the values within r form one run
** around p (unless it is empty) and the count is found from its two ends.
*/
#include "mi_count1d.h"

#define LINEAR_MAX 8   /* brackets up to this long are finished by a scan (no dependent loads) instead of bisected */

/* Whether a distance d >= 0 is within r: < r, or <= r when inclusive (a constant after inlining). */
static inline int inside(double d, double r, int inclusive) {
  return inclusive ? d <= r : d < r;
}

/* ibsh_sorted_count with the rule fixed (a constant after inlining): each end of the run is found by galloping
   outwards from p (predictable steps the processor runs ahead on), a branch-free binary search on the last
   step down to LINEAR_MAX positions and a scan of those, so the cost grows with log(count), not log(n). */
static inline __attribute__((always_inline)) size_t count_rule(const double *v, size_t n, size_t p, double r,
                                                               int inclusive) {
  double q = v[p];
  if (!inside(0, r, inclusive)) return 0;
  size_t step = 1, a = p;   /* right end: v[a] within, v[a + step] (if any) not within */
  while (a + step < n && inside(v[a + step] - q, r, inclusive)) {
    a += step;
    step *= 2;
  }
  size_t len = (a + step < n ? a + step : n) - a;   /* last within is in [a, a + len) */
  while (len > LINEAR_MAX) {
    size_t half = len / 2;
    a = inside(v[a + half] - q, r, inclusive) ? a + half : a;
    len -= half;
  }
  size_t right = a + 1;
  for (size_t j = 1; j < len; j++) right += inside(v[a + j] - q, r, inclusive);   /* the run is a prefix */
  step = 1;
  a = p;   /* left end: v[a] within, v[a - step] (if any) not within */
  while (a >= step && inside(q - v[a - step], r, inclusive)) {
    a -= step;
    step *= 2;
  }
  len = a >= step ? step : a + 1;   /* first within is in (a - len, a] */
  while (len > LINEAR_MAX) {
    size_t half = len / 2;
    a = inside(q - v[a - half], r, inclusive) ? a - half : a;
    len -= half;
  }
  size_t left = a;
  for (size_t j = 1; j < len; j++) left -= inside(q - v[a - j], r, inclusive);
  return right - left;
}

/* Number of j with |v[j] - v[p]| < r (<= r when inclusive) for ascending v[0..n-1], p included. */
size_t ibsh_sorted_count(const double *v, size_t n, size_t p, double r, int inclusive) {
  return inclusive ? count_rule(v, n, p, r, 1) : count_rule(v, n, p, r, 0);
}
