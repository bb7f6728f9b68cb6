/*
** libFuzzer harness of the CSV reader (numbers, optional header line).
*/
#include "fuzz_util.h"
#include "ibsh/csvio.h"

/* Read one input as a CSV file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[256];
  fuzz_write(fuzz_path(path, sizeof path, "x.csv"), data, size);
  ibsh_tensor t = {0};
  char *header = NULL;
  if (ibsh_csv_read(path, &t, &header) == 0) ibsh_tensor_release(&t);
  free(header);
  return 0;
}
