/*
** C test of the .npz ZIP64 paths on small archives: the writer is told to use ZIP64
** fields and end records for every size and offset, and the reader must read them
** back exactly; numpy checks the same files when /usr/bin/python3 has it.
*/
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ibsh/error.h"
#include "ibsh/npz.h"
#include "io/npz_write.h"

static int failures = 0;

/* Record a failed check. */
static void check(int ok, const char *what) {
  if (!ok) { fprintf(stderr, "FAIL: %s (%s)\n", what, ibsh_errmsg()); failures++; }
}

/* Nonzero when file path contains the n bytes of needle. */
static int file_has(const char *path, const char *needle, size_t n) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  static char buf[1 << 16];
  size_t len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  for (size_t i = 0; i + n <= len; i++) if (memcmp(buf + i, needle, n) == 0) return 1;
  return 0;
}

/* Write three tensors with ZIP64 everywhere, read them back, and let numpy read them. */
int main(void) {
  ibsh_tensor a = {0}, b = {0}, e = {0};
  size_t sa[2] = {2, 3}, sb[1] = {5}, se[2] = {0, 4};
  check(ibsh_tensor_alloc(&a, 2, sa) == IBSH_OK && ibsh_tensor_alloc(&b, 1, sb) == IBSH_OK &&
        ibsh_tensor_alloc(&e, 2, se) == IBSH_OK, "alloc");
  for (int i = 0; i < 6; i++) ibsh_tensor_data(&a)[i] = i * 1.5 - 2;
  for (int i = 0; i < 5; i++) ibsh_tensor_data(&b)[i] = 1.0 / (i + 1);
  const char *names[3] = {"a", "b", "empty"};
  const ibsh_tensor *ts[3] = {&a, &b, &e};
  char path[64];
  snprintf(path, sizeof path, "/tmp/ibsh-zip64-%ld.npz", (long)getpid());
  for (int compress = 0; compress < 2; compress++) {
    check(ibsh_npz_write_zip64_from(path, names, ts, 3, compress, 0) == IBSH_OK, "write with ZIP64 forced");
    check(file_has(path, "PK\x06\x06", 4) && file_has(path, "PK\x06\x07", 4), "ZIP64 end record and locator present");
    ibsh_npz_member *m = NULL;
    size_t n = 0;
    int rc = ibsh_npz_read(path, &m, &n);
    check(rc == IBSH_OK && n == 3, "read back a ZIP64 archive");
    for (size_t i = 0; rc == IBSH_OK && i < n && i < 3; i++) {
      const ibsh_tensor *x = &m[i].t, *y = ts[i];
      int same = strcmp(m[i].name, names[i]) == 0 && x->ndim == y->ndim;
      for (int d = 0; same && d < x->ndim; d++) same = x->shape[d] == y->shape[d];
      size_t k = ibsh_tensor_numel(y);
      same = same && (k == 0 || memcmp(ibsh_tensor_data(x), ibsh_tensor_data(y), k * sizeof(double)) == 0);
      check(same, names[i]);
    }
    ibsh_npz_free(m, n);
    if (access("/usr/bin/python3", X_OK) == 0 && system("/usr/bin/python3 -c 'import numpy; numpy.load' 2>/dev/null") == 0) {
      char cmd[512];
      snprintf(cmd, sizeof cmd,
               "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 -c \"import sys, zipfile, numpy as np; p = '%s'; "
               "assert zipfile.ZipFile(p).testzip() is None; d = np.load(p); "
               "sys.exit(0 if d['a'][1, 2] == 5.5 and d['b'][4] == 0.2 and d['empty'].shape == (0, 4) else 1)\"", path);
      check(system(cmd) == 0, "numpy reads the ZIP64 archive");
    }
  }
  remove(path);
  ibsh_tensor_release(&a);
  ibsh_tensor_release(&b);
  ibsh_tensor_release(&e);
  if (failures) fprintf(stderr, "%d failures\n", failures);
  else printf("OK\n");
  return failures != 0;
}
