/*
** Lua binding of tensor linear algebra (BLAS products, LAPACK factorisations).
*/
#include "ltensor_common.h"
#include "ibsh/tensor_linalg.h"

/* t:mm(u): matrix product through cblas_dgemm. */
static int m_mm(lua_State *L) {
  ibsh_tensor *a = lx_checktensor(L, 1, "Tensor:mm"), *b = lx_checktensor(L, 2, "Tensor:mm");
  if (a->ndim != 2 || b->ndim != 2) lx_error(L, "Tensor:mm", "needs two 2-d tensors, got %d-d and %d-d", a->ndim, b->ndim);
  if (a->shape[1] != b->shape[0])
    lx_error(L, "Tensor:mm", "sizes %dx%d and %dx%d do not match", (int)a->shape[0], (int)a->shape[1], (int)b->shape[0], (int)b->shape[1]);
  ibsh_tensor *out = lx_newtensor2(L, a->shape[0], b->shape[1], "Tensor:mm");
  lx_check(L, ibsh_tensor_mm(out, a, b), "Tensor:mm");
  return 1;
}

/* t:mv(x): matrix-vector product. */
static int m_mv(lua_State *L) {
  ibsh_tensor *a = lx_checktensor(L, 1, "Tensor:mv"), *x = lx_checktensor(L, 2, "Tensor:mv");
  if (a->ndim != 2) lx_error(L, "Tensor:mv", "needs a 2-d tensor, got %d-d", a->ndim);
  ibsh_tensor *out = lx_newtensor1(L, a->shape[0], "Tensor:mv");
  lx_check(L, ibsh_tensor_mv(out, a, x), "Tensor:mv");
  return 1;
}

/* t:dot(u): inner product of two vectors. */
static int m_dot(lua_State *L) {
  double r;
  lx_check(L, ibsh_tensor_dot(lx_checktensor(L, 1, "Tensor:dot"), lx_checktensor(L, 2, "Tensor:dot"), &r), "Tensor:dot");
  lua_pushnumber(L, r);
  return 1;
}

/* t:outer(u): outer product of two vectors. */
static int m_outer(lua_State *L) {
  ibsh_tensor *x = lx_checktensor(L, 1, "Tensor:outer"), *y = lx_checktensor(L, 2, "Tensor:outer");
  if (x->ndim != 1 || y->ndim != 1) lx_error(L, "Tensor:outer", "needs two 1-d tensors");
  ibsh_tensor *out = lx_newtensor2(L, x->shape[0], y->shape[0], "Tensor:outer");
  lx_check(L, ibsh_tensor_outer(out, x, y), "Tensor:outer");
  return 1;
}

/* tensor.solve(a, b) */
static int t_solve(lua_State *L) {
  ibsh_tensor *a = lx_checktensor(L, 1, "tensor.solve"), *b = lx_checktensor(L, 2, "tensor.solve");
  ibsh_tensor *x = lx_pushtensor(L);
  lx_check(L, ibsh_tensor_solve(x, a, b), "tensor.solve");
  return 1;
}

/* t:inv() */
static int m_inv(lua_State *L) {
  ibsh_tensor *a = lx_checktensor(L, 1, "Tensor:inv"), *out = lx_pushtensor(L);
  lx_check(L, ibsh_tensor_inv(out, a), "Tensor:inv");
  return 1;
}

/* t:det() */
static int m_det(lua_State *L) {
  double d;
  lx_check(L, ibsh_tensor_det(lx_checktensor(L, 1, "Tensor:det"), &d), "Tensor:det");
  lua_pushnumber(L, d);
  return 1;
}

/* t:cholesky() */
static int m_cholesky(lua_State *L) {
  ibsh_tensor *a = lx_checktensor(L, 1, "Tensor:cholesky"), *out = lx_pushtensor(L);
  lx_check(L, ibsh_tensor_cholesky(out, a), "Tensor:cholesky");
  return 1;
}

/* t:eigh() */
static int m_eigh(lua_State *L) {
  ibsh_tensor *a = lx_checktensor(L, 1, "Tensor:eigh");
  ibsh_tensor *w = lx_pushtensor(L), *v = lx_pushtensor(L);
  lx_check(L, ibsh_tensor_eigh(w, v, a), "Tensor:eigh");
  return 2;
}

/* t:svd() */
static int m_svd(lua_State *L) {
  ibsh_tensor *a = lx_checktensor(L, 1, "Tensor:svd");
  ibsh_tensor *u = lx_pushtensor(L), *s = lx_pushtensor(L), *vt = lx_pushtensor(L);
  lx_check(L, ibsh_tensor_svd(u, s, vt, a), "Tensor:svd");
  return 3;
}

const lx_Reg ltensor_linalg_methods[] = {
  {"mm", m_mm, "a:mm(b)\n\nMatrix product of a (m x k) and b (k x n) through OpenBLAS cblas_dgemm; transposed views are passed without copying.\n\nExample: x:t():mm(x)"},
  {"mv", m_mv, "a:mv(x)\n\nMatrix-vector product of a (m x n) and a vector of n elements (cblas_dgemv).\n\nExample: w:mv(v)"},
  {"dot", m_dot, "x:dot(y)\n\nInner product of two vectors of equal length (cblas_ddot).\n\nExample: x:dot(x)  -- squared norm"},
  {"outer", m_outer, "x:outer(y)\n\nOuter product: the m x n matrix x_i y_j.\n\nExample: tensor.new{1, 2}:outer(tensor.new{3, 4, 5})"},
  {"inv", m_inv, "a:inv()\n\nInverse of a square matrix (LAPACK dgetrf/dgetri); error if singular.\n\nExample: a:mm(a:inv())  -- identity"},
  {"det", m_det, "a:det()\n\nDeterminant of a square matrix (LU with partial pivoting; 0 if singular).\n\nExample: tensor.new{{1, 2}, {3, 4}}:det()  -- -2"},
  {"cholesky", m_cholesky, "a:cholesky()\n\nLower-triangular L with a = L L^T for a symmetric positive definite a (LAPACK dpotrf).\n\nExample: local l = cov:cholesky()"},
  {"eigh", m_eigh, "a:eigh()\n\nEigenvalues (ascending, a vector) and eigenvectors (the columns of a matrix) of a symmetric matrix (LAPACK dsyevd; only the lower triangle is read).\n\nExample: local w, v = cov:eigh()"},
  {"svd", m_svd, "a:svd()\n\nThin singular value decomposition a = U diag(S) Vt: U (m x k), S (k, descending), Vt (k x n), k = min(m, n) (LAPACK dgesdd).\n\nExample: local u, s, vt = x:svd()"},
  {NULL, NULL, NULL}
};

const lx_Reg ltensor_linalg_funcs[] = {
  {"solve", t_solve, "tensor.solve(a, b)\n\nThe solution x of a x = b for a square a and b a vector or a matrix of right-hand sides (LAPACK dgesv); error if a is singular.\n\nExample: tensor.solve(tensor.new{{2, 0}, {0, 4}}, tensor.new{2, 2})  -- 1 0.5"},
  {"mm", m_mm, "tensor.mm(a, b)\n\nMatrix product, as a:mm(b).\n\nExample: tensor.mm(a, b)"},
  {"dot", m_dot, "tensor.dot(x, y)\n\nInner product, as x:dot(y).\n\nExample: tensor.dot(x, y)"},
  {"outer", m_outer, "tensor.outer(x, y)\n\nOuter product, as x:outer(y).\n\nExample: tensor.outer(x, y)"},
  {NULL, NULL, NULL}
};
