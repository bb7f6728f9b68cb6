/*
** Binning MI estimators: discretise each unit of a layer, treat the row tuples as
** the discrete variable T, and compute I(X;T) = H(T) - H(T|X) and I(T;Y) with
** p(x) uniform over the rows.
*/
#ifndef IBSH_MI_BINNED_H
#define IBSH_MI_BINNED_H

#include <stddef.h>
#include <stdint.h>

#include "mi_discretise.h"

/* Dense ids of the binned rows of t (n x d): equal bin tuples share an id; *kt gets the count. */
int ibsh_mi_bin_ids(const double *t, size_t n, size_t d, const ibsh_binspec *spec, uint32_t *tids, size_t *kt);

/* Binned I(X;T) and I(T;Y) in nats; xids (NULL = all rows distinct) and yids (NULL = skip I(T;Y)) are dense ids. */
int ibsh_mi_binned(const double *t, size_t n, size_t d, const ibsh_binspec *spec,
                   const uint32_t *xids, size_t kx, const uint32_t *yids, size_t ky,
                   double *ixt, double *ity);

/* I(X;T) and I(T;Y) in nats from dense ids of T (and optional X ids, Y ids), p(x) uniform over rows. */
int ibsh_mi_from_ids(const uint32_t *tids, size_t kt, size_t n, const uint32_t *xids, size_t kx,
                     const uint32_t *yids, size_t ky, double *ixt, double *ity);

#endif
