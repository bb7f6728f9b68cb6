/*
** Atomic writes and size checks for tensor files.
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ibsh/error.h"
#include "tensor_file.h"

/* Open a temporary file next to path for writing; its name goes to tmp. */
FILE *ibsh_tmpfile_open(const char *path, char *tmp, size_t len) {
  if ((size_t)snprintf(tmp, len, "%s.tmp%ld", path, (long)getpid()) >= len) {
    ibsh_fail(IBSH_EIO, "%s: path too long", path);
    return NULL;
  }
  FILE *f = fopen(tmp, "wb");
  if (!f) ibsh_fail(IBSH_EIO, "%s: cannot write: %s", path, strerror(errno));
  return f;
}

/* Close f and rename tmp over path, or close and remove tmp when !ok. */
int ibsh_tmpfile_commit(FILE *f, const char *tmp, const char *path, int ok) {
  int write_error = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;   /* durable before the rename */
  int close_error = fclose(f);
  if (!ok) { remove(tmp); return IBSH_EIO; }
  if (write_error || close_error) {
    remove(tmp);
    return ibsh_fail(IBSH_EIO, "%s: write failed: %s", path, strerror(errno));
  }
  if (rename(tmp, path) != 0) {
    int e = errno;
    remove(tmp);
    return ibsh_fail(IBSH_EIO, "%s: cannot rename temporary file: %s", path, strerror(e));
  }
  return IBSH_OK;
}

/* Size of an open file in bytes, or -1. */
long long ibsh_file_size(FILE *f) {
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) return -1;
  return (long long)st.st_size;
}

/* Nonzero when path ends with suffix (case-insensitive). */
int ibsh_has_suffix(const char *path, const char *suffix) {
  size_t n = strlen(path), k = strlen(suffix);
  return n >= k && strcasecmp(path + n - k, suffix) == 0;
}
