/*
** Radius counts in one dimension: how many sorted values lie within r of the value at a
** given position, with the same comparisons as a scan over every value.
*/
#ifndef IBSH_MI_COUNT1D_H
#define IBSH_MI_COUNT1D_H

#include <stddef.h>

/* Number of j with |v[j] - v[p]| < r (<= r when inclusive) for ascending v[0..n-1], p included. */
size_t ibsh_sorted_count(const double *v, size_t n, size_t p, double r, int inclusive);

#endif
