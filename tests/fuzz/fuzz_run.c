/*
** libFuzzer harness of the run-directory readers. An input is the files of one
** checkpoint joined by the separator "\n@@FILE@@\n", in the order of names[] below
** (missing parts become missing files). The checkpoint reader gets them directly
** (bypassing the manifest's checksums, as a forged manifest would), and the whole
** directory loader gets them with the last part as the manifest.
*/
#include <string.h>
#include <sys/stat.h>
#include "fuzz_util.h"
#include "ibsh/run.h"
#include "nn/run_files.h"

static const char *const names[] = {"config.json", "state.npy", "epochs.npy", "metrics.npy", "gradstats.npy",
                                    "W1.npy", "b1.npy", "W2.npy", "b2.npy", "W3.npy", "b3.npy", "manifest.json"};
#define NFILES (sizeof names / sizeof names[0])
static const char sep[] = "\n@@FILE@@\n";

/* Split one input into the files of a scratch run directory and load it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char dir[256], path[512];
  fuzz_path(dir, sizeof dir, "run");
  mkdir(dir, 0700);
  const uint8_t *p = data, *end = data + size;
  size_t seplen = sizeof sep - 1;
  for (size_t i = 0; i < NFILES; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (!p) { remove(path); continue; }
    const uint8_t *q = p;
    while (q + seplen <= end && memcmp(q, sep, seplen) != 0) q++;
    if (q + seplen > end) q = end;
    fuzz_write(path, p, (size_t)(q - p));
    p = q == end ? NULL : q + seplen;
  }
  ibsh_run run;
  if (run_files_read(&run, dir) == 0) ibsh_run_free(&run);
  if (ibsh_run_load(&run, dir) == 0) ibsh_run_free(&run);
  return 0;
}
