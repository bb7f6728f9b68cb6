/*
** BLAS products and LAPACK factorisations for tensors.
*/
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/tensor_linalg.h"

/* LAPACK (Fortran) entry points exported by OpenBLAS. */
extern void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b, const int *ldb, int *info);
extern void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
extern void dgetri_(const int *n, double *a, const int *lda, const int *ipiv, double *work, const int *lwork, int *info);
extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
                    double *work, const int *lwork, int *iwork, const int *liwork, int *info);
extern void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s, double *u,
                    const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork, int *iwork, int *info);

/* How a 2-d tensor maps onto a BLAS row-major operand: 0 = as is, 1 = transposed, -1 = needs a copy. */
static int blas_layout(const ibsh_tensor *t, int *ld) {
  size_t r = t->shape[0], c = t->shape[1];
  if ((t->stride[1] == 1 || c == 1) && t->stride[0] >= (ptrdiff_t)(c ? c : 1)) { *ld = (int)t->stride[0]; return 0; }
  if ((t->stride[0] == 1 || r == 1) && t->stride[1] >= (ptrdiff_t)(r ? r : 1)) { *ld = (int)t->stride[1]; return 1; }
  return -1;
}

/* Fail unless t is a matrix (2-d). */
static int check_matrix(const ibsh_tensor *t, const char *what) {
  if (t->ndim != 2) return ibsh_fail(IBSH_EINVAL, "%s must be 2-d, got %d dimensions", what, t->ndim);
  if (t->shape[0] > 0x7fffffff || t->shape[1] > 0x7fffffff) return ibsh_fail(IBSH_EINVAL, "%s too large for BLAS", what);
  return IBSH_OK;
}

/* C = op(A) @ op(B) in panels of rows of about 2e8 multiply-adds each, polling the interrupt flag between
   panels so that Ctrl-C stops a large product within a fraction of a second. */
static int gemm_in_panels(int ta, int tb, size_t m, size_t n, size_t k, const double *a, int lda,
                          const double *b, int ldb, double *c) {
  double per_row = (double)n * (double)k;
  size_t rows = per_row > 0 ? (size_t)(2e8 / per_row) : m;
  if (rows < 64) rows = 64;
  for (size_t r = 0; r < m; r += rows) {
    if (r > 0 && ibsh_interrupted()) return ibsh_fail(IBSH_EINTR, "interrupted");
    size_t h = m - r < rows ? m - r : rows;
    const double *ap = ta ? a + r : a + r * (size_t)lda;   /* transposed A: its rows are columns of storage */
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (int)h, (int)n, (int)k, 1.0, ap, lda, b, ldb, 0.0, c + r * n, (int)n);
  }
  return IBSH_OK;
}

/* out (m x n) = a (m x k) @ b (k x n) through cblas_dgemm. */
int ibsh_tensor_mm(ibsh_tensor *out, const ibsh_tensor *a, const ibsh_tensor *b) {
  int rc = check_matrix(a, "left operand");
  if (!rc) rc = check_matrix(b, "right operand");
  if (rc) return rc;
  size_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
  if (b->shape[0] != k) return ibsh_fail(IBSH_EINVAL, "sizes %zux%zu and %zux%zu do not match", m, k, b->shape[0], n);
  if (out->ndim != 2 || out->shape[0] != m || out->shape[1] != n || !ibsh_tensor_is_contiguous(out))
    return ibsh_fail(IBSH_EINVAL, "output must be a contiguous %zux%zu matrix", m, n);
  if (m == 0 || n == 0) return IBSH_OK;
  if (k == 0) { ibsh_tensor_fill(out, 0.0); return IBSH_OK; }
  ibsh_tensor ac = {0}, bc = {0};
  int lda, ldb, ta = blas_layout(a, &lda), tb = blas_layout(b, &ldb);
  if (ta < 0) { if ((rc = ibsh_tensor_contiguous(&ac, a))) return rc; a = &ac; ta = 0; lda = (int)k; }
  if (tb < 0) { if ((rc = ibsh_tensor_contiguous(&bc, b))) { ibsh_tensor_release(&ac); return rc; } b = &bc; tb = 0; ldb = (int)n; }
  rc = gemm_in_panels(ta, tb, m, n, k, ibsh_tensor_data(a), lda, ibsh_tensor_data(b), ldb, ibsh_tensor_data(out));
  ibsh_tensor_release(&ac);
  ibsh_tensor_release(&bc);
  return rc;
}

/* out (m) = a (m x n) @ x (n). */
int ibsh_tensor_mv(ibsh_tensor *out, const ibsh_tensor *a, const ibsh_tensor *x) {
  int rc = check_matrix(a, "matrix");
  if (rc) return rc;
  size_t m = a->shape[0], n = a->shape[1];
  if (x->ndim != 1 || x->shape[0] != n) return ibsh_fail(IBSH_EINVAL, "matrix %zux%zu and vector of %zu elements do not match", m, n, x->ndim == 1 ? x->shape[0] : ibsh_tensor_numel(x));
  if (out->ndim != 1 || out->shape[0] != m) return ibsh_fail(IBSH_EINVAL, "output must have %zu elements", m);
  if (m == 0) return IBSH_OK;
  if (n == 0) { ibsh_tensor_fill(out, 0.0); return IBSH_OK; }
  ibsh_tensor ac = {0};
  int lda, ta = blas_layout(a, &lda);
  if (ta < 0) { if ((rc = ibsh_tensor_contiguous(&ac, a))) return rc; a = &ac; ta = 0; lda = (int)n; }
  cblas_dgemv(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, ta ? (int)n : (int)m, ta ? (int)m : (int)n, 1.0,
              ibsh_tensor_data(a), lda, ibsh_tensor_data(x), (int)x->stride[0], 0.0, ibsh_tensor_data(out), (int)out->stride[0]);
  ibsh_tensor_release(&ac);
  return IBSH_OK;
}

/* Dot product of two vectors with the same number of elements. */
int ibsh_tensor_dot(const ibsh_tensor *a, const ibsh_tensor *b, double *result) {
  if (a->ndim != 1 || b->ndim != 1) return ibsh_fail(IBSH_EINVAL, "dot needs two 1-d tensors, got %d-d and %d-d", a->ndim, b->ndim);
  if (a->shape[0] != b->shape[0]) return ibsh_fail(IBSH_EINVAL, "lengths %zu and %zu differ", a->shape[0], b->shape[0]);
  *result = a->shape[0] ? cblas_ddot((int)a->shape[0], ibsh_tensor_data(a), (int)a->stride[0], ibsh_tensor_data(b), (int)b->stride[0]) : 0.0;
  return IBSH_OK;
}

/* out (m x n) = x (m) outer y (n). */
int ibsh_tensor_outer(ibsh_tensor *out, const ibsh_tensor *x, const ibsh_tensor *y) {
  if (x->ndim != 1 || y->ndim != 1) return ibsh_fail(IBSH_EINVAL, "outer needs two 1-d tensors");
  size_t m = x->shape[0], n = y->shape[0];
  if (out->ndim != 2 || out->shape[0] != m || out->shape[1] != n || !ibsh_tensor_is_contiguous(out))
    return ibsh_fail(IBSH_EINVAL, "output must be a contiguous %zux%zu matrix", m, n);
  double *o = ibsh_tensor_data(out);
  const double *xp = ibsh_tensor_data(x), *yp = ibsh_tensor_data(y);
  for (size_t i = 0; i < m; i++) {
    double xi = xp[(ptrdiff_t)i * x->stride[0]];
    for (size_t j = 0; j < n; j++) o[i * n + j] = xi * yp[(ptrdiff_t)j * y->stride[0]];
  }
  return IBSH_OK;
}

/* Copy a 2-d tensor into a new column-major buffer (caller frees). */
static double *to_colmajor(const ibsh_tensor *t) {
  size_t r = t->shape[0], c = t->shape[1];
  double *buf = malloc((r && c ? r * c : 1) * sizeof *buf);
  if (!buf) return NULL;
  const double *p = ibsh_tensor_data(t);
  for (size_t j = 0; j < c; j++)
    for (size_t i = 0; i < r; i++) buf[j * r + i] = p[(ptrdiff_t)i * t->stride[0] + (ptrdiff_t)j * t->stride[1]];
  return buf;
}

/* Copy a column-major r x c buffer into a contiguous tensor. */
static void from_colmajor(ibsh_tensor *t, const double *buf, size_t r, size_t c) {
  double *p = ibsh_tensor_data(t);
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++) p[i * c + j] = buf[j * r + i];
}

/* Fail unless a is square. */
static int check_square(const ibsh_tensor *a) {
  int rc = check_matrix(a, "matrix");
  if (rc) return rc;
  if (a->shape[0] != a->shape[1]) return ibsh_fail(IBSH_EINVAL, "matrix must be square, got %zux%zu", a->shape[0], a->shape[1]);
  if (a->shape[0] == 0) return ibsh_fail(IBSH_EINVAL, "matrix is empty");
  return IBSH_OK;
}

/* Allocate x solving a x = b for square a and b (n or n x k). */
int ibsh_tensor_solve(ibsh_tensor *x, const ibsh_tensor *a, const ibsh_tensor *b) {
  int rc = check_square(a);
  if (rc) return rc;
  int n = (int)a->shape[0];
  if ((b->ndim != 1 && b->ndim != 2) || b->shape[0] != (size_t)n)
    return ibsh_fail(IBSH_EINVAL, "right-hand side must have %d rows", n);
  int nrhs = b->ndim == 2 ? (int)b->shape[1] : 1, info = 0;
  ibsh_tensor b2 = *b;  /* a borrowed 2-d description of b */
  if (b->ndim == 1) { b2.ndim = 2; b2.shape[1] = 1; b2.stride[1] = 1; }
  double *am = to_colmajor(a), *bm = to_colmajor(&b2);
  int *ipiv = malloc((size_t)n * sizeof *ipiv);
  if (!am || !bm || !ipiv) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory"); goto done; }
  dgesv_(&n, &nrhs, am, &n, ipiv, bm, &n, &info);
  if (info > 0) { rc = ibsh_fail(IBSH_ENUM, "matrix is singular (zero pivot at %d)", info); goto done; }
  if (info < 0) { rc = ibsh_fail(IBSH_EINVAL, "LAPACK dgesv argument %d invalid", -info); goto done; }
  if ((rc = b->ndim == 1 ? ibsh_tensor_alloc1(x, (size_t)n) : ibsh_tensor_alloc2(x, (size_t)n, (size_t)nrhs))) goto done;
  from_colmajor(x, bm, (size_t)n, (size_t)nrhs);
done:
  free(am); free(bm); free(ipiv);
  return rc;
}

/* Allocate the inverse of square a. */
int ibsh_tensor_inv(ibsh_tensor *out, const ibsh_tensor *a) {
  int rc = check_square(a);
  if (rc) return rc;
  int n = (int)a->shape[0], info = 0, lwork = n * 64;
  double *am = to_colmajor(a), *work = malloc((size_t)lwork * sizeof *work);
  int *ipiv = malloc((size_t)n * sizeof *ipiv);
  if (!am || !work || !ipiv) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory"); goto done; }
  dgetrf_(&n, &n, am, &n, ipiv, &info);
  if (info > 0) { rc = ibsh_fail(IBSH_ENUM, "matrix is singular (zero pivot at %d)", info); goto done; }
  dgetri_(&n, am, &n, ipiv, work, &lwork, &info);
  if (info != 0) { rc = ibsh_fail(IBSH_ENUM, "inversion failed (LAPACK info %d)", info); goto done; }
  if ((rc = ibsh_tensor_alloc2(out, (size_t)n, (size_t)n))) goto done;
  from_colmajor(out, am, (size_t)n, (size_t)n);
done:
  free(am); free(work); free(ipiv);
  return rc;
}

/* Determinant of square a (LU with partial pivoting). */
int ibsh_tensor_det(const ibsh_tensor *a, double *det) {
  int rc = check_square(a);
  if (rc) return rc;
  int n = (int)a->shape[0], info = 0;
  double *am = to_colmajor(a);
  int *ipiv = malloc((size_t)n * sizeof *ipiv);
  if (!am || !ipiv) { free(am); free(ipiv); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  dgetrf_(&n, &n, am, &n, ipiv, &info);
  double d = 1.0;
  for (int i = 0; i < n; i++) {
    d *= am[(size_t)i * (size_t)n + (size_t)i];
    if (ipiv[i] != i + 1) d = -d;
  }
  *det = info > 0 ? 0.0 : d;
  free(am); free(ipiv);
  return IBSH_OK;
}

/* Allocate lower-triangular l with a = l l^T. */
int ibsh_tensor_cholesky(ibsh_tensor *l, const ibsh_tensor *a) {
  int rc = check_square(a);
  if (rc) return rc;
  int n = (int)a->shape[0], info = 0;
  double *am = to_colmajor(a);
  if (!am) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  dpotrf_("L", &n, am, &n, &info);
  if (info > 0) { free(am); return ibsh_fail(IBSH_ENUM, "matrix is not positive definite (leading minor %d)", info); }
  for (int j = 0; j < n; j++) for (int i = 0; i < j; i++) am[(size_t)j * (size_t)n + (size_t)i] = 0.0;
  if ((rc = ibsh_tensor_alloc2(l, (size_t)n, (size_t)n))) { free(am); return rc; }
  from_colmajor(l, am, (size_t)n, (size_t)n);
  free(am);
  return IBSH_OK;
}

/* Allocate eigenvalues w (ascending) and eigenvectors v (columns) of symmetric a. */
int ibsh_tensor_eigh(ibsh_tensor *w, ibsh_tensor *v, const ibsh_tensor *a) {
  int rc = check_square(a);
  if (rc) return rc;
  int n = (int)a->shape[0], info = 0, lwork = -1, liwork = -1, iwq = 0;
  double wq = 0;
  double *am = to_colmajor(a), *work = NULL;
  int *iwork = NULL;
  if (!am) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  if ((rc = ibsh_tensor_alloc1(w, (size_t)n))) { free(am); return rc; }
  dsyevd_("V", "L", &n, am, &n, ibsh_tensor_data(w), &wq, &lwork, &iwq, &liwork, &info);  /* workspace query */
  lwork = (int)wq; liwork = iwq;
  work = malloc((size_t)lwork * sizeof *work);
  iwork = malloc((size_t)liwork * sizeof *iwork);
  if (!work || !iwork) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory"); goto fail; }
  dsyevd_("V", "L", &n, am, &n, ibsh_tensor_data(w), work, &lwork, iwork, &liwork, &info);
  if (info != 0) { rc = ibsh_fail(IBSH_ENUM, "eigen-decomposition failed (LAPACK info %d)", info); goto fail; }
  if ((rc = ibsh_tensor_alloc2(v, (size_t)n, (size_t)n))) goto fail;
  from_colmajor(v, am, (size_t)n, (size_t)n);
  free(am); free(work); free(iwork);
  return IBSH_OK;
fail:
  ibsh_tensor_release(w);
  free(am); free(work); free(iwork);
  return rc;
}

/* Allocate the thin SVD a = u diag(s) vt. */
int ibsh_tensor_svd(ibsh_tensor *u, ibsh_tensor *s, ibsh_tensor *vt, const ibsh_tensor *a) {
  int rc = check_matrix(a, "matrix");
  if (rc) return rc;
  int m = (int)a->shape[0], n = (int)a->shape[1], k = m < n ? m : n, info = 0, lwork = -1;
  if (k == 0) return ibsh_fail(IBSH_EINVAL, "matrix is empty");
  double wq = 0;
  double *am = to_colmajor(a), *um = malloc((size_t)m * (size_t)k * sizeof(double));
  double *vm = malloc((size_t)k * (size_t)n * sizeof(double)), *sv = malloc((size_t)k * sizeof(double)), *work = NULL;
  int *iwork = malloc(8 * (size_t)k * sizeof(int));
  if (!am || !um || !vm || !sv || !iwork) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory"); goto done; }
  dgesdd_("S", &m, &n, am, &m, sv, um, &m, vm, &k, &wq, &lwork, iwork, &info);
  lwork = (int)wq;
  if (!(work = malloc((size_t)lwork * sizeof *work))) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory"); goto done; }
  dgesdd_("S", &m, &n, am, &m, sv, um, &m, vm, &k, work, &lwork, iwork, &info);
  if (info != 0) { rc = ibsh_fail(IBSH_ENUM, "SVD did not converge (LAPACK info %d)", info); goto done; }
  if ((rc = ibsh_tensor_alloc2(u, (size_t)m, (size_t)k))) goto done;
  if ((rc = ibsh_tensor_alloc1(s, (size_t)k))) { ibsh_tensor_release(u); goto done; }
  if ((rc = ibsh_tensor_alloc2(vt, (size_t)k, (size_t)n))) { ibsh_tensor_release(u); ibsh_tensor_release(s); goto done; }
  from_colmajor(u, um, (size_t)m, (size_t)k);
  memcpy(ibsh_tensor_data(s), sv, (size_t)k * sizeof(double));
  from_colmajor(vt, vm, (size_t)k, (size_t)n);
done:
  free(am); free(um); free(vm); free(sv); free(work); free(iwork);
  return rc;
}
