/*
** Order statistics of finite doubles by radix passes over order-preserving 64-bit keys
** (-0 and +0 are one value): a ranked sort and exact selection (medians) in O(n).
*/
#ifndef IBSH_MI_ORDER_H
#define IBSH_MI_ORDER_H

#include <stddef.h>
#include <stdint.h>

/* Sort n finite doubles ascending, ties by row: sorted gets the values and rank[i] the position of row i. */
int ibsh_sort_ranked(const double *v, size_t n, double *sorted, size_t *rank);

/* The median of n > 0 finite doubles (the mean of the two middle values when n is even); keys is n scratch words. */
double ibsh_median(const double *v, size_t n, uint64_t *keys);

#endif
