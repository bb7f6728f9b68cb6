/*
** C tests of the tensor core: views, broadcasting, reductions, products and the
** npy/csv readers, against hand-computed values; errors come back as codes.
*/
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include "ibsh/csvio.h"
#include "ibsh/error.h"
#include "ibsh/npy.h"
#include "ibsh/tensor.h"
#include "ibsh/tensor_linalg.h"
#include "ibsh/tensor_ops.h"
#include "ibsh/tensor_reduce.h"

static int failures = 0;

/* Record a failed check. */
static void check(int ok, const char *what) {
  if (!ok) { fprintf(stderr, "FAIL: %s (%s)\n", what, ibsh_errmsg()); failures++; }
}

/* Compare n values of a contiguous tensor with expected ones. */
static void check_values(const ibsh_tensor *t, const double *expect, size_t n, const char *what) {
  int ok = ibsh_tensor_numel(t) == n;
  ibsh_tensor c = {0};
  if (ok && ibsh_tensor_contiguous(&c, t) == IBSH_OK) {
    for (size_t i = 0; i < n; i++) if (fabs(ibsh_tensor_data(&c)[i] - expect[i]) > 1e-12) ok = 0;
  } else ok = 0;
  ibsh_tensor_release(&c);
  check(ok, what);
}

/* Fill a contiguous tensor with values. */
static void set_values(ibsh_tensor *t, const double *v) {
  memcpy(ibsh_tensor_data(t), v, ibsh_tensor_numel(t) * sizeof *v);
}

/* Run the checks; nonzero exit on any failure. */
int main(void) {
  ibsh_tensor a = {0}, b = {0}, out = {0}, view = {0};
  check(ibsh_tensor_alloc2(&a, 2, 3) == IBSH_OK, "alloc 2x3");
  set_values(&a, (double[]){1, 2, 3, 4, 5, 6});
  check(ibsh_tensor_alloc1(&b, 3) == IBSH_OK, "alloc 3");
  set_values(&b, (double[]){10, 20, 30});

  /* broadcasting add: 2x3 + 3 */
  ibsh_tensor_alloc2(&out, 2, 3);
  check(ibsh_tensor_binary(&out, &a, &b, IBSH_ADD) == IBSH_OK, "broadcast add");
  check_values(&out, (double[]){11, 22, 33, 14, 25, 36}, 6, "broadcast add values");
  check(ibsh_tensor_binary_scalar(&out, &a, 2, 1, IBSH_DIV) == IBSH_OK, "scalar first div");
  check_values(&out, (double[]){2, 1, 2.0 / 3, 0.5, 0.4, 2.0 / 6}, 6, "2 / a");

  /* shape mismatch is an error, not a crash */
  ibsh_tensor c2 = {0};
  ibsh_tensor_alloc1(&c2, 2);
  check(ibsh_tensor_binary(&out, &a, &c2, IBSH_ADD) == IBSH_EINVAL, "mismatch gives EINVAL");
  check(strstr(ibsh_errmsg(), "do not broadcast") != NULL, "mismatch message");

  /* transpose view and reductions along dims */
  check(ibsh_tensor_transpose(&view, &a, 0, 1) == IBSH_OK, "transpose");
  check_values(&view, (double[]){1, 4, 2, 5, 3, 6}, 6, "transposed values");
  ibsh_tensor sums = {0};
  ibsh_tensor_alloc1(&sums, 3);
  check(ibsh_tensor_reduce_dim(&sums, &a, 0, IBSH_RED_SUM, 0) == IBSH_OK, "sum dim 0");
  check_values(&sums, (double[]){5, 7, 9}, 3, "column sums");
  check(ibsh_tensor_reduce_dim(&sums, &view, 1, IBSH_RED_MAX, 0) == IBSH_OK, "max along transposed dim");
  check_values(&sums, (double[]){4, 5, 6}, 3, "max of transposed rows");
  double r;
  check(ibsh_tensor_reduce_all(&view, IBSH_RED_ARGMAX, 0, &r) == IBSH_OK && r == 5, "argmax of a view is row-major");
  check(ibsh_tensor_reduce_all(&a, IBSH_RED_VAR, 0, &r) == IBSH_OK && fabs(r - 35.0 / 12) < 1e-12, "variance");

  /* mm through dgemm with a transposed operand: a @ a^T = [[14, 32], [32, 77]] */
  ibsh_tensor p = {0};
  ibsh_tensor_alloc2(&p, 2, 2);
  check(ibsh_tensor_mm(&p, &a, &view) == IBSH_OK, "mm");
  check_values(&p, (double[]){14, 32, 32, 77}, 4, "mm values");

  /* npy round trip and a truncated file */
  const char *path = "test_tensor_core.npy";
  check(ibsh_npy_write(path, &view) == IBSH_OK, "npy write of a view");
  ibsh_tensor back = {0};
  check(ibsh_npy_read(path, &back) == IBSH_OK, "npy read");
  check(back.ndim == 2 && back.shape[0] == 3 && back.shape[1] == 2, "npy shape");
  check_values(&back, (double[]){1, 4, 2, 5, 3, 6}, 6, "npy values");
  FILE *f = fopen(path, "r+b");
  if (f) { fseek(f, 0, SEEK_END); long n = ftell(f); fclose(f); if (truncate(path, n - 8) != 0) failures++; }
  ibsh_tensor bad = {0};
  check(ibsh_npy_read(path, &bad) == IBSH_EFORMAT && bad.storage == NULL, "truncated npy rejected");
  check(strstr(ibsh_errmsg(), "truncated") != NULL, "truncated npy message");
  remove(path);

  /* csv round trip */
  char *header = NULL;
  check(ibsh_csv_write("test_tensor_core.csv", &a, "x,y,z") == IBSH_OK, "csv write");
  ibsh_tensor csv = {0};
  check(ibsh_csv_read("test_tensor_core.csv", &csv, &header) == IBSH_OK, "csv read");
  check(header && strcmp(header, "x,y,z") == 0, "csv header");
  check_values(&csv, (double[]){1, 2, 3, 4, 5, 6}, 6, "csv values");
  free(header);
  remove("test_tensor_core.csv");

  ibsh_tensor_release(&a); ibsh_tensor_release(&b); ibsh_tensor_release(&out); ibsh_tensor_release(&view);
  ibsh_tensor_release(&c2); ibsh_tensor_release(&sums); ibsh_tensor_release(&p); ibsh_tensor_release(&back);
  ibsh_tensor_release(&csv);
  check(ibsh_tensor_live_bytes() == 0, "all storage freed");
  if (failures) fprintf(stderr, "%d failures\n", failures);
  else printf("OK\n");
  return failures != 0;
}
