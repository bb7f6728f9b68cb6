/*
** Lua binding of tensor math: arithmetic metamethods and methods with numpy
** broadcasting, unary math, comparisons and selection, reductions, cumulative
** sums, sorting and unique rows. All loops run in the C core.
*/
#include <math.h>
#include <string.h>
#include "ltensor_common.h"
#include "ibsh/tensor_ops.h"
#include "ibsh/tensor_reduce.h"

/* Push a result tensor whose every element will be written (no zeroing pass; big storage is reused). */
static ibsh_tensor *new_result(lua_State *L, int ndim, const size_t *shape, const char *fname) {
  return lx_newtensor_uninit(L, ndim, shape, fname);
}

/* Push a op b for tensors and numbers (either side); inplace writes into argument 1. */
static int arith(lua_State *L, ibsh_binop op, int inplace, const char *fname) {
  ibsh_tensor *a = lx_testtensor(L, 1), *b = lx_testtensor(L, 2);
  int na = lua_type(L, 1) == LUA_TNUMBER, nb = lua_type(L, 2) == LUA_TNUMBER;
  if ((!a && !na) || (!b && !nb) || (a && !a->storage) || (b && !b->storage))
    lx_error(L, fname, "operands must be tensors or numbers, got %s and %s", luaL_typename(L, 1), luaL_typename(L, 2));
  if (inplace && !a) lx_error(L, fname, "argument #1 must be a tensor");
  if (a && b) {
    int ndim;
    size_t shape[IBSH_MAXDIM];
    lx_check(L, ibsh_tensor_broadcast_shape(a, b, &ndim, shape), fname);
    ibsh_tensor *out;
    if (inplace) {
      out = a;
      lua_pushvalue(L, 1);
    } else out = new_result(L, ndim, shape, fname);
    lx_check(L, ibsh_tensor_binary(out, a, b, op), fname);
    return 1;
  }
  ibsh_tensor *t = a ? a : b;
  double s = a ? lua_tonumber(L, 2) : lua_tonumber(L, 1);
  ibsh_tensor *out;
  if (inplace) { out = a; lua_pushvalue(L, 1); }
  else out = new_result(L, t->ndim, t->shape, fname);
  lx_check(L, ibsh_tensor_binary_scalar(out, t, s, a == NULL, op), fname);
  return 1;
}

#define ARITH(name, op, label) \
  static int name(lua_State *L) { return arith(L, op, 0, label); } \
  static int name##_(lua_State *L) { return arith(L, op, 1, label "_"); }

ARITH(m_add, IBSH_ADD, "Tensor:add")
ARITH(m_sub, IBSH_SUB, "Tensor:sub")
ARITH(m_mul, IBSH_MUL, "Tensor:mul")
ARITH(m_div, IBSH_DIV, "Tensor:div")
ARITH(m_pow, IBSH_POW, "Tensor:pow")
ARITH(m_maximum, IBSH_MAXIMUM, "Tensor:maximum")
ARITH(m_minimum, IBSH_MINIMUM, "Tensor:minimum")
ARITH(m_atan2, IBSH_ATAN2, "Tensor:atan2")
ARITH(m_fmod, IBSH_FMOD, "Tensor:fmod")
ARITH(m_eq, IBSH_EQ, "Tensor:eq")
ARITH(m_ne, IBSH_NE, "Tensor:ne")
ARITH(m_lt, IBSH_LT, "Tensor:lt")
ARITH(m_le, IBSH_LE, "Tensor:le")
ARITH(m_gt, IBSH_GT, "Tensor:gt")
ARITH(m_ge, IBSH_GE, "Tensor:ge")

/* Metamethods: + - * / ^ with tensors and numbers on either side. */
static int mm_add(lua_State *L) { return arith(L, IBSH_ADD, 0, "Tensor +"); }
static int mm_sub(lua_State *L) { return arith(L, IBSH_SUB, 0, "Tensor -"); }
static int mm_mul(lua_State *L) { return arith(L, IBSH_MUL, 0, "Tensor *"); }
static int mm_div(lua_State *L) { return arith(L, IBSH_DIV, 0, "Tensor /"); }
static int mm_pow(lua_State *L) { return arith(L, IBSH_POW, 0, "Tensor ^"); }

/* Apply a unary op to argument 1 (new tensor, or in place). */
static int unary(lua_State *L, ibsh_unop op, int inplace, const char *fname) {
  ibsh_tensor *t = lx_checktensor(L, 1, fname), *out;
  if (inplace) { out = t; lua_pushvalue(L, 1); }
  else out = new_result(L, t->ndim, t->shape, fname);
  lx_check(L, ibsh_tensor_unary(out, t, op), fname);
  return 1;
}

/* Unary minus. */
static int mm_unm(lua_State *L) { return unary(L, IBSH_NEG, 0, "Tensor unary -"); }

#define UNARY(name, op, label) \
  static int name(lua_State *L) { return unary(L, op, 0, label); } \
  static int name##_(lua_State *L) { return unary(L, op, 1, label "_"); }

UNARY(m_neg, IBSH_NEG, "Tensor:neg")
UNARY(m_exp, IBSH_EXP, "Tensor:exp")
UNARY(m_log, IBSH_LOG, "Tensor:log")
UNARY(m_log2, IBSH_LOG2, "Tensor:log2")
UNARY(m_log10, IBSH_LOG10, "Tensor:log10")
UNARY(m_log1p, IBSH_LOG1P, "Tensor:log1p")
UNARY(m_expm1, IBSH_EXPM1, "Tensor:expm1")
UNARY(m_tanh, IBSH_TANH, "Tensor:tanh")
UNARY(m_sigmoid, IBSH_SIGMOID, "Tensor:sigmoid")
UNARY(m_abs, IBSH_ABS, "Tensor:abs")
UNARY(m_sqrt, IBSH_SQRT, "Tensor:sqrt")
UNARY(m_square, IBSH_SQUARE, "Tensor:square")
UNARY(m_sin, IBSH_SIN, "Tensor:sin")
UNARY(m_cos, IBSH_COS, "Tensor:cos")
UNARY(m_tan, IBSH_TAN, "Tensor:tan")
UNARY(m_floor, IBSH_FLOOR, "Tensor:floor")
UNARY(m_ceil, IBSH_CEIL, "Tensor:ceil")
UNARY(m_round, IBSH_ROUND, "Tensor:round")
UNARY(m_sign, IBSH_SIGN, "Tensor:sign")
UNARY(m_relu, IBSH_RELU, "Tensor:relu")
UNARY(m_reciprocal, IBSH_RECIPROCAL, "Tensor:reciprocal")
UNARY(m_isnan, IBSH_ISNAN, "Tensor:isnan")
UNARY(m_isfinite, IBSH_ISFINITE, "Tensor:isfinite")
UNARY(m_logical_not, IBSH_NOT, "Tensor:logical_not")

/* t:clamp(lo, hi) */
static int m_clamp(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:clamp");
  double lo = luaL_optnumber(L, 2, -HUGE_VAL), hi = luaL_optnumber(L, 3, HUGE_VAL);
  ibsh_tensor *out = new_result(L, t->ndim, t->shape, "Tensor:clamp");
  lx_check(L, ibsh_tensor_clamp(out, t, lo, hi), "Tensor:clamp");
  return 1;
}

/* The tensor at idx, or a 0-d view of a number stored in sc. */
static const ibsh_tensor *tensor_or_number(lua_State *L, int idx, ibsh_scalar *sc, const char *fname) {
  if (lua_type(L, idx) == LUA_TNUMBER) return ibsh_scalar_init(sc, lua_tonumber(L, idx));
  return lx_checktensor(L, idx, fname);
}

/* tensor.where(cond, a, b): elementwise cond ~= 0 and a or b, with broadcasting (a, b tensors or numbers). */
static int t_where(lua_State *L) {
  ibsh_scalar s1, s2;
  const ibsh_tensor *c = lx_checktensor(L, 1, "tensor.where");
  const ibsh_tensor *a = tensor_or_number(L, 2, &s1, "tensor.where"), *b = tensor_or_number(L, 3, &s2, "tensor.where");
  int n1, n2;
  size_t sh1[IBSH_MAXDIM], sh2[IBSH_MAXDIM];
  lx_check(L, ibsh_tensor_broadcast_shape(a, b, &n1, sh1), "tensor.where");
  ibsh_tensor ab = {0};
  ab.ndim = n1;
  memcpy(ab.shape, sh1, sizeof sh1);
  lx_check(L, ibsh_tensor_broadcast_shape(c, &ab, &n2, sh2), "tensor.where");
  ibsh_tensor *out = lx_newtensor(L, n2, sh2, "tensor.where");
  lx_check(L, ibsh_tensor_where(out, c, a, b), "tensor.where");
  return 1;
}

/* t:masked_fill(mask, v): set elements where mask ~= 0 to v, in place; returns t. */
static int m_masked_fill(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:masked_fill");
  ibsh_tensor *mask = lx_checktensor(L, 2, "Tensor:masked_fill");
  ibsh_scalar sc;
  const ibsh_tensor *v = ibsh_scalar_init(&sc, luaL_checknumber(L, 3));
  lx_check(L, ibsh_tensor_where(t, mask, v, t), "Tensor:masked_fill");
  lua_settop(L, 1);
  return 1;
}

/* t:masked_select(mask): 1-d tensor of the elements where mask ~= 0 (row-major order). */
static int m_masked_select(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:masked_select");
  ibsh_tensor *mask = lx_checktensor(L, 2, "Tensor:masked_select");
  ibsh_tensor *out = lx_pushtensor(L);
  lx_check(L, ibsh_tensor_masked_select(out, t, mask), "Tensor:masked_select");
  return 1;
}

/* t:index(dim, idx): entries at 1-based indices idx (tensor or table) along dim, copied. */
static int m_index(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:index");
  int dim = lt_checkdim(L, t, 2, -1, "Tensor:index");
  size_t m;
  ibsh_tensor *it = lx_testtensor(L, 3);
  if (it) {
    if (it->ndim != 1) lx_error(L, "Tensor:index", "indices must be a 1-d tensor");
    m = it->shape[0];
  } else {
    luaL_checktype(L, 3, LUA_TTABLE);
    m = (size_t)lua_rawlen(L, 3);
  }
  size_t *idx = (size_t *)lua_newuserdatauv(L, (m ? m : 1) * sizeof(size_t), 0);  /* freed by the GC */
  for (size_t j = 0; j < m; j++) {
    double v;
    if (it) v = ibsh_tensor_data(it)[(ptrdiff_t)j * it->stride[0]];
    else { lua_rawgeti(L, 3, (lua_Integer)j + 1); v = lua_tonumber(L, -1); lua_pop(L, 1); }
    if (v < 0) v += (double)t->shape[dim] + 1;
    if (!(v >= 1 && v <= (double)t->shape[dim]) || v != (double)(size_t)v)
      lx_error(L, "Tensor:index", "index %g (entry %d) out of range 1..%d", v, (int)j + 1, (int)t->shape[dim]);
    idx[j] = (size_t)v - 1;
  }
  size_t shape[IBSH_MAXDIM];
  memcpy(shape, t->shape, sizeof shape);
  shape[dim] = m;
  ibsh_tensor *out = lx_newtensor(L, t->ndim, shape, "Tensor:index");
  lx_check(L, ibsh_tensor_index_select(out, t, dim, idx, m), "Tensor:index");
  return 1;
}

/* Push the 1-based multi-index of a 0-based flat position of t. */
static void push_multi_index(lua_State *L, const ibsh_tensor *t, size_t flat) {
  size_t idx[IBSH_MAXDIM];
  for (int d = t->ndim - 1; d >= 0; d--) { idx[d] = flat % t->shape[d]; flat /= t->shape[d]; }
  for (int d = 0; d < t->ndim; d++) lua_pushinteger(L, (lua_Integer)idx[d] + 1);
}

/* Shared body of the reductions: over everything (no dim) or along a dim. */
static int reduce(lua_State *L, ibsh_redop op, const char *fname) {
  ibsh_tensor *t = lx_checktensor(L, 1, fname);
  int has_dim = lua_type(L, 2) == LUA_TNUMBER, opts = has_dim ? 3 : 2;
  static const char *const known[] = {"keepdim", "ddof", NULL};
  lx_checkoptions(L, opts, known, fname);
  double ddof = lx_optnumber(L, opts, "ddof", 0, fname);
  int keepdim = lx_optboolean(L, opts, "keepdim", 0, fname);
  int arg = op == IBSH_RED_ARGMAX || op == IBSH_RED_ARGMIN;
  if (!has_dim) {
    double r;
    lx_check(L, ibsh_tensor_reduce_all(t, op, ddof, &r), fname);
    if (!arg) { lua_pushnumber(L, r); return 1; }
    lua_pushinteger(L, (lua_Integer)r + 1);
    if (t->ndim < 2) return 1;
    push_multi_index(L, t, (size_t)r);
    return 1 + t->ndim;
  }
  int dim = lt_checkdim(L, t, 2, -1, fname);
  size_t shape[IBSH_MAXDIM];
  int ndim = 0;
  for (int d = 0; d < t->ndim; d++) {
    if (d != dim) shape[ndim++] = t->shape[d];
    else if (keepdim) shape[ndim++] = 1;
  }
  ibsh_tensor *out = lx_newtensor(L, ndim, shape, fname);
  lx_check(L, ibsh_tensor_reduce_dim(out, t, dim, op, ddof), fname);
  if (arg) lx_check(L, ibsh_tensor_binary_scalar(out, out, 1.0, 0, IBSH_ADD), fname);
  if (op == IBSH_RED_MAX || op == IBSH_RED_MIN) {  /* also the 1-based positions, as Torch */
    ibsh_tensor *pos = lx_newtensor(L, ndim, shape, fname);
    lx_check(L, ibsh_tensor_reduce_dim(pos, t, dim, op == IBSH_RED_MAX ? IBSH_RED_ARGMAX : IBSH_RED_ARGMIN, 0), fname);
    lx_check(L, ibsh_tensor_binary_scalar(pos, pos, 1.0, 0, IBSH_ADD), fname);
    return 2;
  }
  return 1;
}

static int m_sum(lua_State *L) { return reduce(L, IBSH_RED_SUM, "Tensor:sum"); }
static int m_mean(lua_State *L) { return reduce(L, IBSH_RED_MEAN, "Tensor:mean"); }
static int m_prod(lua_State *L) { return reduce(L, IBSH_RED_PROD, "Tensor:prod"); }
static int m_max(lua_State *L) { return reduce(L, IBSH_RED_MAX, "Tensor:max"); }
static int m_min(lua_State *L) { return reduce(L, IBSH_RED_MIN, "Tensor:min"); }
static int m_argmax(lua_State *L) { return reduce(L, IBSH_RED_ARGMAX, "Tensor:argmax"); }
static int m_argmin(lua_State *L) { return reduce(L, IBSH_RED_ARGMIN, "Tensor:argmin"); }
static int m_var(lua_State *L) { return reduce(L, IBSH_RED_VAR, "Tensor:var"); }
static int m_std(lua_State *L) { return reduce(L, IBSH_RED_STD, "Tensor:std"); }

/* Shared body of cumsum/cumprod. */
static int cumulative(lua_State *L, int product, const char *fname) {
  ibsh_tensor *t = lx_checktensor(L, 1, fname);
  if (t->ndim == 0) lx_error(L, fname, "needs at least one dimension");
  int dim = lt_checkdim(L, t, 2, 0, fname);
  ibsh_tensor *out = lt_newlike(L, t, fname);
  lx_check(L, ibsh_tensor_cumulative(out, t, dim, product), fname);
  return 1;
}

static int m_cumsum(lua_State *L) { return cumulative(L, 0, "Tensor:cumsum"); }
static int m_cumprod(lua_State *L) { return cumulative(L, 1, "Tensor:cumprod"); }

/* Shared body of sort/argsort: dim defaults to the last; opts.descending. */
static int sort(lua_State *L, int want_values, const char *fname) {
  ibsh_tensor *t = lx_checktensor(L, 1, fname);
  if (t->ndim == 0) lx_error(L, fname, "needs at least one dimension");
  int has_dim = lua_type(L, 2) == LUA_TNUMBER, opts = has_dim ? 3 : 2;
  int dim = has_dim ? lt_checkdim(L, t, 2, -1, fname) : t->ndim - 1;
  int descending;
  if (lua_type(L, opts) == LUA_TBOOLEAN) descending = lua_toboolean(L, opts);
  else {
    static const char *const known[] = {"descending", NULL};
    lx_checkoptions(L, opts, known, fname);
    descending = lx_optboolean(L, opts, "descending", 0, fname);
  }
  ibsh_tensor *values = want_values ? lt_newlike(L, t, fname) : NULL;
  ibsh_tensor *idx = lt_newlike(L, t, fname);
  lx_check(L, ibsh_tensor_sort(values, idx, t, dim, descending), fname);
  lx_check(L, ibsh_tensor_binary_scalar(idx, idx, 1.0, 0, IBSH_ADD), fname);
  return want_values ? 2 : 1;
}

static int m_sort(lua_State *L) { return sort(L, 1, "Tensor:sort"); }
static int m_argsort(lua_State *L) { return sort(L, 0, "Tensor:argsort"); }

/* t:unique(): distinct rows (or values) sorted, their counts, and each row's 1-based group. */
static int m_unique(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:unique");
  ibsh_tensor *rows = lx_pushtensor(L), *counts = lx_pushtensor(L), *inverse = lx_pushtensor(L);
  lx_check(L, ibsh_tensor_unique_rows(t, rows, counts, inverse), "Tensor:unique");
  lx_check(L, ibsh_tensor_binary_scalar(inverse, inverse, 1.0, 0, IBSH_ADD), "Tensor:unique");
  return 3;
}

#define ARITH_HELP(name, sym, ex) \
  {#name, m_##name, "t:" #name "(x)\n\nElementwise t " sym " x for a tensor x (numpy broadcasting) or a number; a new tensor. " #name "_ works in place.\n\nExample: " ex}, \
  {#name "_", m_##name##_, "t:" #name "_(x)\n\nIn-place t = t " sym " x (x broadcast to t's shape); returns t.\n\nExample: t:" #name "_(2)"}
#define CMP_HELP(name, sym) \
  {#name, m_##name, "t:" #name "(x)\n\nElementwise comparison t " sym " x (tensor with broadcasting, or number) as a 0/1 mask.\n\nExample: t:" #name "(0):sum()  -- how many"}, \
  {#name "_", m_##name##_, "t:" #name "_(x)\n\nIn-place comparison mask t = (t " sym " x); returns t.\n\nExample: t:" #name "_(0)"}
#define UNARY_HELP(name, what) \
  {#name, m_##name, "t:" #name "()\n\nElementwise " what "; a new tensor (" #name "_ works in place).\n\nExample: x:" #name "()"}, \
  {#name "_", m_##name##_, "t:" #name "_()\n\nElementwise " what " in place; returns t.\n\nExample: x:" #name "_()"}

const lx_Reg ltensor_math_methods[] = {
  ARITH_HELP(add, "+", "a:add(b)  -- same as a + b"),
  ARITH_HELP(sub, "-", "a:sub(1)  -- same as a - 1"),
  ARITH_HELP(mul, "*", "a:mul(2)  -- same as a * 2"),
  ARITH_HELP(div, "/", "a:div(a:sum())"),
  ARITH_HELP(pow, "^", "a:pow(2)  -- same as a ^ 2"),
  ARITH_HELP(maximum, "max", "a:maximum(0)"),
  ARITH_HELP(minimum, "min", "a:minimum(b)"),
  ARITH_HELP(atan2, "atan2", "y:atan2(x)"),
  ARITH_HELP(fmod, "fmod", "a:fmod(2)"),
  CMP_HELP(eq, "=="), CMP_HELP(ne, "~="), CMP_HELP(lt, "<"), CMP_HELP(le, "<="), CMP_HELP(gt, ">"), CMP_HELP(ge, ">="),
  UNARY_HELP(neg, "negation -x"),
  UNARY_HELP(exp, "exponential e^x"),
  UNARY_HELP(log, "natural logarithm"),
  UNARY_HELP(log2, "base-2 logarithm"),
  UNARY_HELP(log10, "base-10 logarithm"),
  UNARY_HELP(log1p, "log(1 + x), accurate near 0"),
  UNARY_HELP(expm1, "e^x - 1, accurate near 0"),
  UNARY_HELP(tanh, "hyperbolic tangent"),
  UNARY_HELP(sigmoid, "logistic function 1 / (1 + e^-x)"),
  UNARY_HELP(abs, "absolute value"),
  UNARY_HELP(sqrt, "square root"),
  UNARY_HELP(square, "square x^2"),
  UNARY_HELP(sin, "sine"),
  UNARY_HELP(cos, "cosine"),
  UNARY_HELP(tan, "tangent"),
  UNARY_HELP(floor, "floor"),
  UNARY_HELP(ceil, "ceiling"),
  UNARY_HELP(round, "rounding half away from zero"),
  UNARY_HELP(sign, "sign (-1, 0 or 1)"),
  UNARY_HELP(relu, "max(x, 0)"),
  UNARY_HELP(reciprocal, "1 / x"),
  UNARY_HELP(isnan, "NaN test as a 0/1 mask"),
  UNARY_HELP(isfinite, "finiteness test as a 0/1 mask"),
  UNARY_HELP(logical_not, "logical not (1 where x == 0, else 0)"),
  {"clamp", m_clamp, "t:clamp([lo], [hi])\n\nElementwise min(max(x, lo), hi); a new tensor.\n\nExample: x:clamp(-1, 1)"},
  {"masked_fill", m_masked_fill, "t:masked_fill(mask, v)\n\nSet the elements where mask (broadcast to t) is nonzero to v, in place; returns t.\n\nExample: x:masked_fill(x:lt(0), 0)"},
  {"masked_select", m_masked_select, "t:masked_select(mask)\n\nA 1-d tensor of t's elements where mask (broadcast to t) is nonzero, in row-major order.\n\nExample: x:masked_select(x:gt(0))"},
  {"index", m_index, "t:index(dim, idx)\n\nA copy of the entries at the 1-based indices idx (a 1-d tensor or a table) along dim.\n\nExample: x:index(1, tensor.randperm(x:size(1), {seed = 1}))  -- shuffled rows"},
  {"sum", m_sum, "t:sum([dim], [{keepdim = false}])\n\nSum of all elements (a number), or along dim (a tensor without that dim, or with size 1 if keepdim).\n\nExample: tensor.new{{1, 2}, {3, 4}}:sum(1)  -- {4, 6}"},
  {"mean", m_mean, "t:mean([dim], [{keepdim = false}])\n\nMean of all elements, or along dim.\n\nExample: x:mean(1)  -- column means"},
  {"prod", m_prod, "t:prod([dim], [{keepdim = false}])\n\nProduct of all elements, or along dim.\n\nExample: x:prod()"},
  {"max", m_max, "t:max([dim], [{keepdim = false}])\n\nLargest element (NaN if any is NaN); along dim: the values and their 1-based positions.\n\nExample: local v, i = x:max(2)"},
  {"min", m_min, "t:min([dim], [{keepdim = false}])\n\nSmallest element; along dim: the values and their 1-based positions.\n\nExample: local v, i = x:min(1)"},
  {"argmax", m_argmax, "t:argmax([dim], [{keepdim = false}])\n\n1-based position of the first largest element: without dim the row-major flat index (followed by the per-dimension indices for 2-d and larger); along dim a tensor of indices.\n\nExample: probs:argmax(2)  -- predicted class per row (1-based)"},
  {"argmin", m_argmin, "t:argmin([dim], [{keepdim = false}])\n\n1-based position of the first smallest element, as argmax.\n\nExample: x:argmin()"},
  {"var", m_var, "t:var([dim], [{ddof = 0, keepdim = false}])\n\nVariance sum((x - mean)^2) / (n - ddof): ddof = 0 is numpy's default (population), ddof = 1 Torch's (unbiased).\n\nExample: x:var(1, {ddof = 1})"},
  {"std", m_std, "t:std([dim], [{ddof = 0, keepdim = false}])\n\nStandard deviation, the square root of var.\n\nExample: x:std()"},
  {"cumsum", m_cumsum, "t:cumsum([dim = 1])\n\nRunning sums along dim.\n\nExample: tensor.new{1, 2, 3}:cumsum()  -- 1 3 6"},
  {"cumprod", m_cumprod, "t:cumprod([dim = 1])\n\nRunning products along dim.\n\nExample: tensor.new{1, 2, 3}:cumprod()  -- 1 2 6"},
  {"sort", m_sort, "t:sort([dim = last], [{descending = false}])\n\nSorted values and their 1-based original positions along dim (stable; NaN last).\n\nExample: local v, i = x:sort()"},
  {"argsort", m_argsort, "t:argsort([dim = last], [{descending = false}])\n\nThe 1-based positions that sort t along dim (stable).\n\nExample: x:index(1, x:select(2, 1):argsort())  -- rows ordered by column 1"},
  {"unique", m_unique, "t:unique()\n\nDistinct rows of a 2-d tensor (values of a 1-d one) in lexicographic order, their counts, and for each input row the 1-based number of its distinct row.\n\nExample: local rows, counts, inverse = t:unique()"},
  {NULL, NULL, NULL}
};

const lx_Reg ltensor_math_funcs[] = {
  {"where", t_where, "tensor.where(cond, a, b)\n\nElementwise a where cond is nonzero, else b; a and b are tensors or numbers, all broadcast together.\n\nExample: tensor.where(x:gt(0), x, 0)  -- relu"},
  {NULL, NULL, NULL}
};

const luaL_Reg ltensor_math_metamethods[] = {
  {"__add", mm_add}, {"__sub", mm_sub}, {"__mul", mm_mul}, {"__div", mm_div}, {"__pow", mm_pow}, {"__unm", mm_unm},
  {NULL, NULL}
};
