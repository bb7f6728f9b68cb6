/*
** CSV reader and writer for numeric tables.
*/
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/csvio.h"
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "tensor_file.h"

/* Parse one field [p, end) as a number (surrounding blanks and double quotes allowed): 1 if it is one, 0 if
   not, FIELD_RANGE if it overflows float64 (1e400; an underflow such as 1e-400 gives the nearest double). */
#define FIELD_RANGE 2
static int parse_field(const char *p, const char *end, double *v) {
  while (p < end && isspace((unsigned char)*p)) p++;
  while (end > p && isspace((unsigned char)end[-1])) end--;
  if (end - p >= 2 && *p == '"' && end[-1] == '"') { p++; end--; }
  if (p == end || end - p > 60) return 0;
  char buf[64];
  memcpy(buf, p, (size_t)(end - p));
  buf[end - p] = '\0';
  char *stop;
  errno = 0;
  *v = strtod(buf, &stop);
  if (*stop != '\0') return 0;
  return errno == ERANGE && isinf(*v) ? FIELD_RANGE : 1;
}

/* Number of fields in the line [p, end). */
static size_t count_fields(const char *p, const char *end) {
  size_t n = 1;
  for (; p < end; p++) n += *p == ',';
  return n;
}

/* Nonzero when the line [p, end) holds only blanks. */
static int blank(const char *p, const char *end) {
  for (; p < end; p++) if (!isspace((unsigned char)*p)) return 0;
  return 1;
}

/* Read path into a newly allocated rows x cols tensor. */
int ibsh_csv_read(const char *path, ibsh_tensor *out, char **header) {
  *header = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return ibsh_fail(IBSH_EIO, "%s: cannot open", path);
  long long size = ibsh_file_size(f);
  if (size < 0) { fclose(f); return ibsh_fail(IBSH_EIO, "%s: not a regular file", path); }
  char *text = malloc((size_t)size + 1);
  if (!text) { fclose(f); return ibsh_fail(IBSH_ENOMEM, "%s: out of memory", path); }
  size_t got = fread(text, 1, (size_t)size, f);
  fclose(f);
  if (got != (size_t)size) { free(text); return ibsh_fail(IBSH_EIO, "%s: read failed", path); }
  text[size] = '\0';
  char *nul = memchr(text, '\0', (size_t)size);
  if (nul) {
    size_t at = (size_t)(nul - text);
    free(text);
    return ibsh_fail(IBSH_EFORMAT, "%s: binary data (NUL byte at byte %zu)", path, at);
  }
  char *end = text + size, *first = text;
  /* skip leading blank lines, then decide whether the first line is a header */
  while (first < end) {
    char *nl = memchr(first, '\n', (size_t)(end - first));
    char *le = nl ? nl : end;
    if (!blank(first, le)) break;
    first = nl ? nl + 1 : end;
  }
  size_t cols = 0, rows = 0, lineno_first = 1;
  for (char *p = text; p < first; p++) lineno_first += *p == '\n';
  char *body = first;
  if (first < end) {
    char *nl = memchr(first, '\n', (size_t)(end - first));
    char *le = nl ? nl : end;
    if (le > first && le[-1] == '\r') le--;
    cols = count_fields(first, le);
    const char *fp = first;
    int any_number = 0;   /* a header has no numeric field: "1,2x" or "1,,3" is a bad data row, not a header */
    for (size_t j = 0; j < cols; j++) {
      const char *fe = memchr(fp, ',', (size_t)(le - fp));
      if (!fe) fe = le;
      double v;
      if (parse_field(fp, fe, &v)) any_number = 1;
      fp = fe + 1;
    }
    if (!any_number) {
      *header = malloc((size_t)(le - first) + 1);
      if (*header) { memcpy(*header, first, (size_t)(le - first)); (*header)[le - first] = '\0'; }
      body = nl ? nl + 1 : end;
      lineno_first++;
    }
  }
  /* pass 1: check and count rows; pass 2: parse into the tensor */
  int rc = IBSH_OK;
  double *data = NULL;
  for (int pass = 0; pass < 2 && !rc; pass++) {
    size_t row = 0, lineno = lineno_first;
    for (char *p = body; p < end; lineno++) {
      char *nl = memchr(p, '\n', (size_t)(end - p));
      char *le = nl ? nl : end;
      if (le > p && le[-1] == '\r') le--;
      if (!blank(p, le)) {
        size_t n = count_fields(p, le);
        if (n != cols) { rc = ibsh_fail(IBSH_EFORMAT, "%s: line %zu has %zu fields, expected %zu", path, lineno, n, cols); break; }
        const char *fp = p;
        for (size_t j = 0; j < cols; j++) {
          const char *fe = memchr(fp, ',', (size_t)(le - fp));
          if (!fe) fe = le;
          double v;
          int kind = parse_field(fp, fe, &v);
          if (kind != 1) {
            int w = (int)(fe - fp) > 40 ? 40 : (int)(fe - fp);
            rc = ibsh_fail(IBSH_EFORMAT, "%s: line %zu, field %zu: '%.*s' %s", path, lineno, j + 1, w, fp,
                           kind == FIELD_RANGE ? "is out of the float64 range (write inf if that is meant)" : "is not a number");
            break;
          }
          if (data) data[row * cols + j] = v;
          fp = fe + 1;
        }
        if (rc) break;
        row++;
      }
      p = nl ? nl + 1 : end;
      if ((lineno & 0xffff) == 0 && ibsh_interrupted()) { rc = ibsh_fail(IBSH_EINTR, "interrupted"); break; }
    }
    if (!rc && pass == 0) {
      rows = row;
      if (rows == 0) rc = ibsh_fail(IBSH_EFORMAT, "%s: no data rows", path);
      else if (!(rc = ibsh_tensor_alloc2(out, rows, cols))) data = ibsh_tensor_data(out);
    }
  }
  if (rc) {
    if (data) ibsh_tensor_release(out);
    free(*header);
    *header = NULL;
  }
  free(text);
  return rc;
}

/* Write a 1-d or 2-d tensor with an optional header line, exact to 17 digits. */
int ibsh_csv_write(const char *path, const ibsh_tensor *t, const char *header) {
  if (t->ndim != 1 && t->ndim != 2) return ibsh_fail(IBSH_EINVAL, "CSV needs a 1-d or 2-d tensor, got %d dimensions", t->ndim);
  size_t rows = t->shape[0], cols = t->ndim == 2 ? t->shape[1] : 1;
  ptrdiff_t rs = t->stride[0], cs = t->ndim == 2 ? t->stride[1] : 0;
  char tmp[4096];
  FILE *f = ibsh_tmpfile_open(path, tmp, sizeof tmp);
  if (!f) return IBSH_EIO;
  if (header) fprintf(f, "%s\n", header);
  const double *p = ibsh_tensor_data(t);
  for (size_t i = 0; i < rows; i++) {
    for (size_t j = 0; j < cols; j++)
      fprintf(f, j ? ",%.17g" : "%.17g", p[(ptrdiff_t)i * rs + (ptrdiff_t)j * cs]);
    fputc('\n', f);
    if ((i & 0xfff) == 0xfff && ibsh_interrupted()) {
      ibsh_fail(IBSH_EINTR, "interrupted");
      return ibsh_tmpfile_commit(f, tmp, path, 0) ? IBSH_EINTR : IBSH_EINTR;
    }
  }
  return ibsh_tmpfile_commit(f, tmp, path, 1);
}
