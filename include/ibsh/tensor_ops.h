/*
** Elementwise tensor arithmetic with numpy broadcasting, unary math, comparisons
** (giving 0/1 masks) and selection. Outputs are preallocated by the caller with
** the broadcast shape (ibsh_tensor_broadcast_shape); out may alias an input.
*/
#ifndef IBSH_TENSOR_OPS_H
#define IBSH_TENSOR_OPS_H

#include "tensor.h"

typedef enum {
  IBSH_ADD, IBSH_SUB, IBSH_MUL, IBSH_DIV, IBSH_POW, IBSH_MAXIMUM, IBSH_MINIMUM, IBSH_ATAN2, IBSH_FMOD,
  IBSH_EQ, IBSH_NE, IBSH_LT, IBSH_LE, IBSH_GT, IBSH_GE, IBSH_BINOP_COUNT
} ibsh_binop;

typedef enum {
  IBSH_NEG, IBSH_EXP, IBSH_LOG, IBSH_LOG2, IBSH_LOG10, IBSH_LOG1P, IBSH_EXPM1, IBSH_TANH, IBSH_SIGMOID,
  IBSH_ABS, IBSH_SQRT, IBSH_SQUARE, IBSH_SIN, IBSH_COS, IBSH_TAN, IBSH_FLOOR, IBSH_CEIL, IBSH_ROUND,
  IBSH_SIGN, IBSH_RELU, IBSH_RECIPROCAL, IBSH_ISNAN, IBSH_ISFINITE, IBSH_NOT, IBSH_UNOP_COUNT
} ibsh_unop;

/* out = a op b elementwise with broadcasting; out must have the broadcast shape. */
int ibsh_tensor_binary(ibsh_tensor *out, const ibsh_tensor *a, const ibsh_tensor *b, ibsh_binop op);

/* out = a op s (or s op a when scalar_first) for a scalar s; out has a's shape. */
int ibsh_tensor_binary_scalar(ibsh_tensor *out, const ibsh_tensor *a, double s, int scalar_first, ibsh_binop op);

/* out = f(a) elementwise; out has a's shape. */
int ibsh_tensor_unary(ibsh_tensor *out, const ibsh_tensor *a, ibsh_unop op);

/* out = min(max(a, lo), hi) elementwise. */
int ibsh_tensor_clamp(ibsh_tensor *out, const ibsh_tensor *a, double lo, double hi);

/* out = cond != 0 ? a : b with broadcasting of all three; out has the broadcast shape. */
int ibsh_tensor_where(ibsh_tensor *out, const ibsh_tensor *cond, const ibsh_tensor *a, const ibsh_tensor *b);

/* Name of a unary op ("tanh"), for bindings; NULL when out of range. */
const char *ibsh_unop_name(ibsh_unop op);

#endif
