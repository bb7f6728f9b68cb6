/*
** Internal: vectorised transcendental functions over contiguous arrays. On x86-64
** with glibc >= 2.35 they call libmvec's SIMD variants (AVX-512 or AVX2, chosen at run
** time; accurate to 4 ulp); elsewhere they loop over libm.
*/
#ifndef IBSH_TENSOR_VMATH_H
#define IBSH_TENSOR_VMATH_H

#include <stddef.h>

typedef enum { IBSH_V_EXP, IBSH_V_LOG, IBSH_V_TANH, IBSH_V_SIN, IBSH_V_COS, IBSH_V_EXPM1, IBSH_V_LOG1P,
               IBSH_V_LOG2, IBSH_V_LOG10, IBSH_V_COUNT } ibsh_vfunc;

/* o[i] = f(a[i]) for i < n (o may equal a); returns 0 when no vector path exists (caller loops). */
int ibsh_vmath(ibsh_vfunc f, double *o, const double *a, size_t n);

/* Sum of n contiguous doubles with AVX-512/AVX2 partial sums; 0 when there is no vector path. */
int ibsh_vsum(const double *p, size_t n, double *sum);

/* Largest (want_max) or smallest of n > 0 contiguous doubles, NaNs skipped; *nan set when one was seen. 0 when there is no vector path. */
int ibsh_vextreme(const double *p, size_t n, int want_max, double *best, int *nan);

/* Index of the first of n contiguous doubles equal to v (n if none); 0 when there is no vector path. */
int ibsh_vfind(const double *p, size_t n, double v, size_t *index);

#endif
