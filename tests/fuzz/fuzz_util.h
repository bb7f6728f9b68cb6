/*
** Helpers shared by the libFuzzer harnesses: the readers take file names, so each
** input is written to a per-process scratch file (in /dev/shm when it exists).
*/
#ifndef IBSH_FUZZ_UTIL_H
#define IBSH_FUZZ_UTIL_H

#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The scratch path for tag in this process (a static buffer per call site's out). */
static inline const char *fuzz_path(char *out, size_t len, const char *tag) {
  const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  snprintf(out, len, "%s/ibsh-fuzz-%ld-%s", dir, (long)getpid(), tag);
  return out;
}

/* Write size bytes of data to path, aborting if the scratch file cannot be written. */
static inline void fuzz_write(const char *path, const uint8_t *data, size_t size) {
  FILE *f = fopen(path, "wb");
  if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
    perror(path);
    abort();
  }
}

#endif
