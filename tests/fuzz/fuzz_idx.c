/*
** libFuzzer harness of the IDX reader (plain or gzip, detected by content).
*/
#include "fuzz_util.h"
#include "ibsh/idx.h"

/* Read one input as an IDX file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[256];
  fuzz_write(fuzz_path(path, sizeof path, "x.idx"), data, size);
  ibsh_tensor t = {0};
  if (ibsh_idx_read(path, &t) == 0) ibsh_tensor_release(&t);
  return 0;
}
