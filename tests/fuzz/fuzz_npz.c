/*
** libFuzzer harness of the .npz reader; whatever it accepts is written back
** (stored, deflated, and with ZIP64 fields forced) and must read back to the same
** names, shapes and bits.
*/
#include <string.h>
#include "fuzz_util.h"
#include "ibsh/npz.h"
#include "io/npz_write.h"

/* Nonzero when the member lists a and b hold the same names and tensors in the same order. */
static int same(const ibsh_npz_member *a, size_t na, const ibsh_npz_member *b, size_t nb) {
  if (na != nb) return 0;
  for (size_t i = 0; i < na; i++) {
    const ibsh_tensor *x = &a[i].t, *y = &b[i].t;
    if (strcmp(a[i].name, b[i].name) != 0 || x->ndim != y->ndim) return 0;
    for (int d = 0; d < x->ndim; d++) if (x->shape[d] != y->shape[d]) return 0;
    size_t n = ibsh_tensor_numel(x);
    if (n && memcmp(ibsh_tensor_data(x), ibsh_tensor_data(y), n * sizeof(double)) != 0) return 0;
  }
  return 1;
}

/* Order members by name (the writer takes them in the order given). */
static int by_name(const void *a, const void *b) {
  return strcmp(((const ibsh_npz_member *)a)->name, ((const ibsh_npz_member *)b)->name);
}

/* Read one input; round-trip what it accepts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[256], back[256];
  fuzz_write(fuzz_path(path, sizeof path, "x.npz"), data, size);
  fuzz_path(back, sizeof back, "back.npz");
  ibsh_npz_member *m = NULL;
  size_t n = 0;
  if (ibsh_npz_read(path, &m, &n) != 0) return 0;
  qsort(m, n, sizeof *m, by_name);
  const char **names = malloc((n + 1) * sizeof *names);
  const ibsh_tensor **ts = malloc((n + 1) * sizeof *ts);
  int writable = 1;  /* the writer takes names of up to 65531 bytes (+ ".npy" = the ZIP limit) */
  for (size_t i = 0; i < n; i++) { names[i] = m[i].name; ts[i] = &m[i].t; writable &= strlen(m[i].name) <= 65531; }
  for (int mode = 0; writable && mode < 4; mode++) {
    ibsh_npz_member *r = NULL;
    size_t nr = 0;
    if (ibsh_npz_write_zip64_from(back, names, ts, n, mode & 1, mode & 2 ? 0 : UINT64_MAX) != 0 || ibsh_npz_read(back, &r, &nr) != 0 || !same(m, n, r, nr)) abort();
    ibsh_npz_free(r, nr);
  }
  free(names);
  free(ts);
  ibsh_npz_free(m, n);
  return 0;
}
