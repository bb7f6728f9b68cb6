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

#endif
