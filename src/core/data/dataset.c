/*
** Labelled data sets: CSV loading, subsets, splits and the empirical joint.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/dataset.h"
#include "ibsh/error.h"
#include "ibsh/rng.h"

/* Count the comma-separated fields of one line. */
static size_t count_fields(const char *line) {
  size_t n = 1;
  for (const char *p = line; *p && *p != '\n' && *p != '\r'; p++) n += (*p == ',');
  return n;
}

/* Parse the numeric fields of one data line into out[0..cols-1]; 0 on success, else the bad field (1-based). */
static size_t parse_row(char *line, size_t cols, double *out) {
  char *p = line;
  for (size_t j = 0; j < cols; j++) {
    char *end;
    errno = 0;
    double v = strtod(p, &end);
    if (end == p || errno == ERANGE || !isfinite(v)) return j + 1;
    while (*end == ' ' || *end == '\t') end++;
    if (j + 1 < cols ? *end != ',' : (*end != '\0' && *end != '\n' && *end != '\r')) return j + 1;
    out[j] = v;
    p = end + 1;
  }
  return 0;
}

/* Read all lines of a file into a growing array of data rows (cols values each). */
static int read_rows(FILE *f, const char *path, size_t cols, double **data, size_t *rows) {
  size_t cap = 1024, n = 0, lineno = 1;
  double *buf = malloc(cap * cols * sizeof(double));
  char *line = NULL;
  size_t linecap = 0;
  if (!buf) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  while (getline(&line, &linecap, f) > 0) {
    lineno++;
    if (line[0] == '\n' || line[0] == '\r') continue;
    if (n == cap) {
      double *grown = realloc(buf, 2 * cap * cols * sizeof(double));
      if (!grown) { free(buf); free(line); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
      buf = grown;
      cap *= 2;
    }
    size_t fields = count_fields(line);
    if (fields != cols) {
      free(buf); free(line);
      return ibsh_fail(IBSH_EFORMAT, "%s:%zu: expected %zu fields, found %zu", path, lineno, cols, fields);
    }
    size_t bad = parse_row(line, cols, buf + n * cols);
    if (bad) {
      free(buf); free(line);
      return ibsh_fail(IBSH_EFORMAT, "%s:%zu: field %zu is not a finite number", path, lineno, bad);
    }
    n++;
  }
  free(line);
  *data = buf;
  *rows = n;
  return IBSH_OK;
}

/* Read a CSV with a header line whose last column is an integer label >= 0; x and y must be empty. */
int ibsh_dataset_load_csv(const char *path, ibsh_tensor *x, ibsh_tensor *y) {
  FILE *f = fopen(path, "r");
  if (!f) return ibsh_fail(IBSH_EIO, "cannot open %s: %s", path, strerror(errno));
  char *header = NULL;
  size_t hcap = 0;
  if (getline(&header, &hcap, f) <= 0) {
    free(header);
    fclose(f);
    return ibsh_fail(IBSH_EFORMAT, "%s: empty file (expected a header line)", path);
  }
  size_t cols = count_fields(header);
  free(header);
  if (cols < 2) {
    fclose(f);
    return ibsh_fail(IBSH_EFORMAT, "%s:1: need at least one input column and a label column", path);
  }
  double *data = NULL;
  size_t n = 0;
  int rc = read_rows(f, path, cols, &data, &n);
  fclose(f);
  if (rc) return rc;
  if (n == 0) { free(data); return ibsh_fail(IBSH_EFORMAT, "%s: no data rows", path); }
  rc = ibsh_tensor_alloc2(x, n, cols - 1);
  if (!rc) rc = ibsh_tensor_alloc1(y, n);
  for (size_t i = 0; !rc && i < n; i++) {
    double label = data[i * cols + cols - 1];
    if (label < 0 || label != floor(label))
      rc = ibsh_fail(IBSH_EFORMAT, "%s:%zu: label %g is not a non-negative integer", path, i + 2, label);
    memcpy(ibsh_tensor_data(x) + i * (cols - 1), data + i * cols, (cols - 1) * sizeof(double));
    ibsh_tensor_data(y)[i] = label;
  }
  free(data);
  if (rc) { ibsh_tensor_release(x); ibsh_tensor_release(y); }
  return rc;
}

/* Copy rows[0..m-1] of x (n x d, contiguous) and y (n) into new tensors xo (m x d) and yo (m). */
int ibsh_dataset_rows(const ibsh_tensor *x, const ibsh_tensor *y, const size_t *rows, size_t m,
                      ibsh_tensor *xo, ibsh_tensor *yo) {
  size_t n = x->shape[0], d = x->shape[1];
  int rc = ibsh_tensor_alloc2(xo, m, d);
  if (!rc) rc = ibsh_tensor_alloc1(yo, m);
  if (rc) { ibsh_tensor_release(xo); return rc; }
  for (size_t i = 0; i < m; i++) {
    if (rows[i] >= n) {
      ibsh_tensor_release(xo); ibsh_tensor_release(yo);
      return ibsh_fail(IBSH_EINVAL, "row %zu out of range 1..%zu", rows[i] + 1, n);
    }
    memcpy(ibsh_tensor_data(xo) + i * d, ibsh_tensor_data(x) + rows[i] * d, d * sizeof(double));
    ibsh_tensor_data(yo)[i] = ibsh_tensor_data(y)[rows[i]];
  }
  return IBSH_OK;
}

/* Row order of a split: a seeded permutation of 0..n-1 (or the identity when shuffle is 0). */
void ibsh_dataset_split_order(size_t n, int shuffle, uint64_t seed, size_t *order) {
  if (!shuffle) {
    for (size_t i = 0; i < n; i++) order[i] = i;
    return;
  }
  ibsh_rng rng;
  ibsh_rng_seed(&rng, seed);
  ibsh_rng_permutation(&rng, order, n);
}

/* Number of training rows for a training fraction (rounded to nearest, at least 1 and at most n-1). */
size_t ibsh_dataset_train_count(size_t n, double fraction) {
  double rows = nearbyint(fraction * (double)n);
  if (rows < 1) rows = 1;
  if (rows > (double)n - 1) rows = (double)n - 1;
  return (size_t)rows;
}

/* Number of classes: 1 + the largest label; fails if a label is not a non-negative integer. */
int ibsh_dataset_nclasses(const ibsh_tensor *y, size_t *nclasses) {
  size_t n = ibsh_tensor_numel(y);
  double top = -1;
  for (size_t i = 0; i < n; i++) {
    double v = ibsh_tensor_data(y)[i];
    if (!(v >= 0) || v != floor(v) || v > 1e9)
      return ibsh_fail(IBSH_EINVAL, "label %g at row %zu is not a non-negative integer", v, i + 1);
    if (v > top) top = v;
  }
  *nclasses = (size_t)top + 1;
  return IBSH_OK;
}

/* Joint p(x, y) with p(x) uniform over the n rows: an n x nclasses tensor with 1/n at (i, y_i). */
int ibsh_dataset_joint(const ibsh_tensor *y, size_t nclasses, ibsh_tensor *pxy) {
  size_t n = ibsh_tensor_numel(y);
  if (n == 0) return ibsh_fail(IBSH_EINVAL, "empty data set");
  int rc = ibsh_tensor_alloc2(pxy, n, nclasses);
  if (rc) return rc;
  for (size_t i = 0; i < n; i++) {
    size_t label = (size_t)ibsh_tensor_data(y)[i];
    if (label >= nclasses) {
      ibsh_tensor_release(pxy);
      return ibsh_fail(IBSH_EINVAL, "label %zu at row %zu out of range 0..%zu", label, i + 1, nclasses - 1);
    }
    ibsh_tensor_data(pxy)[i * nclasses + label] = 1.0 / (double)n;
  }
  return IBSH_OK;
}
