/*
** libFuzzer harness of the .npy readers: the memory reader and the file reader must
** agree (both fail, or both give the same shape and bits), and never crash.
*/
#include <string.h>
#include "fuzz_util.h"
#include "ibsh/npy.h"

/* Nonzero when a and b have the same shape and the same bytes. */
static int same(const ibsh_tensor *a, const ibsh_tensor *b) {
  if (a->ndim != b->ndim) return 0;
  for (int i = 0; i < a->ndim; i++) if (a->shape[i] != b->shape[i]) return 0;
  size_t n = ibsh_tensor_numel(a);
  return n == 0 || memcmp(ibsh_tensor_data(a), ibsh_tensor_data(b), n * sizeof(double)) == 0;
}

/* Read one input both ways. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[256];
  fuzz_write(fuzz_path(path, sizeof path, "x.npy"), data, size);
  ibsh_tensor a = {0}, b = {0};
  int ra = ibsh_npy_read_mem(data, size, "fuzz", &a), rb = ibsh_npy_read(path, &b);
  if ((ra == 0) != (rb == 0) || (ra == 0 && !same(&a, &b))) abort();
  ibsh_tensor_release(&a);
  ibsh_tensor_release(&b);
  return 0;
}
