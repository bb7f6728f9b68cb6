/*
** IDX reader: magic 0 0 type ndim, big-endian 32-bit dimensions, then the values
** big-endian. Compressed files are read from a gzip child process (no shell).
*/
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "error.h"
#include "nn_idx.h"

/* A byte source: a file or the output of "gzip -dc path". */
typedef struct source {
  FILE *f;
  pid_t pid;
} source;

/* Open path, through gzip when its name ends in ".gz". */
static int source_open(source *s, const char *path) {
  s->pid = 0;
  size_t len = strlen(path);
  FILE *probe = fopen(path, "rb");
  if (!probe) return ibsh_fail(IBSH_EIO, "cannot open %s: %s", path, strerror(errno));
  if (len < 3 || strcmp(path + len - 3, ".gz") != 0) {
    s->f = probe;
    return IBSH_OK;
  }
  fclose(probe);
  int fd[2];
  if (pipe(fd) != 0) return ibsh_fail(IBSH_EIO, "cannot create a pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(fd[0]); close(fd[1]);
    return ibsh_fail(IBSH_EIO, "cannot start gzip: %s", strerror(errno));
  }
  if (pid == 0) {
    dup2(fd[1], 1);
    close(fd[0]); close(fd[1]);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 2);
    execlp("gzip", "gzip", "-dc", "--", path, (char *)NULL);
    _exit(127);
  }
  close(fd[1]);
  s->f = fdopen(fd[0], "rb");
  s->pid = pid;
  if (!s->f) {
    close(fd[0]);
    waitpid(pid, NULL, 0);
    return ibsh_fail(IBSH_EIO, "cannot read from gzip");
  }
  return IBSH_OK;
}

/* Close the source; nonzero when gzip exited with an error (not when it stopped because we stopped reading). */
static int source_close(source *s) {
  fclose(s->f);
  if (!s->pid) return 0;
  int status = 0;
  waitpid(s->pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) != 0;
}

/* Size in bytes of an IDX value type, or 0 if unknown. */
static size_t type_size(int type) {
  switch (type) {
  case 0x08: case 0x09: return 1;
  case 0x0B: return 2;
  case 0x0C: case 0x0D: return 4;
  case 0x0E: return 8;
  default: return 0;
  }
}

/* Decode one big-endian value of the given type. */
static double decode(const unsigned char *p, int type) {
  uint64_t u = 0;
  size_t n = type_size(type);
  for (size_t i = 0; i < n; i++) u = u << 8 | p[i];
  switch (type) {
  case 0x08: return (double)(uint8_t)u;
  case 0x09: return (double)(int8_t)(uint8_t)u;
  case 0x0B: return (double)(int16_t)(uint16_t)u;
  case 0x0C: return (double)(int32_t)(uint32_t)u;
  case 0x0D: { uint32_t v = (uint32_t)u; float f; memcpy(&f, &v, 4); return f; }
  default: { double d; memcpy(&d, &u, 8); return d; }
  }
}

/* Read the IDX file at path into a new contiguous tensor t. */
int ibsh_nn_idx_read(const char *path, ibsh_tensor *t) {
  source s;
  int rc = source_open(&s, path);
  if (rc) return rc;
  unsigned char head[4], dimb[4];
  size_t shape[IBSH_MAXDIM], count = 1;
  int ndim = 0, type = 0;
  if (fread(head, 1, 4, s.f) != 4 || head[0] != 0 || head[1] != 0 || !type_size(head[2]) || head[3] < 1 ||
      head[3] > IBSH_MAXDIM) {
    rc = ibsh_fail(IBSH_EFORMAT, "%s is not an IDX file (bad magic number)", path);
    goto done;
  }
  type = head[2];
  ndim = head[3];
  for (int i = 0; i < ndim; i++) {
    if (fread(dimb, 1, 4, s.f) != 4) { rc = ibsh_fail(IBSH_EFORMAT, "%s: truncated header", path); goto done; }
    shape[i] = (size_t)dimb[0] << 24 | (size_t)dimb[1] << 16 | (size_t)dimb[2] << 8 | dimb[3];
    count *= shape[i];
    if (count > ((size_t)1 << 32)) { rc = ibsh_fail(IBSH_EFORMAT, "%s: absurd dimensions", path); goto done; }
  }
  if ((rc = ibsh_tensor_alloc(t, ndim, shape))) goto done;
  double *out = ibsh_tensor_data(t);
  size_t sz = type_size(type), chunk = 65536;
  unsigned char *buf = malloc(chunk * sz);
  if (!buf) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory reading %s", path); goto done; }
  for (size_t done_ = 0; done_ < count;) {
    size_t want = count - done_ < chunk ? count - done_ : chunk;
    if (fread(buf, sz, want, s.f) != want) {
      rc = ibsh_fail(IBSH_EFORMAT, "%s: truncated data (%zu of %zu values)", path, done_, count);
      break;
    }
    for (size_t i = 0; i < want; i++) out[done_ + i] = decode(buf + i * sz, type);
    done_ += want;
  }
  free(buf);
  if (rc == IBSH_OK && fgetc(s.f) != EOF) rc = ibsh_fail(IBSH_EFORMAT, "%s: trailing data after %zu values", path, count);
done:
  if (source_close(&s)) rc = ibsh_fail(IBSH_EFORMAT, "%s: gzip could not decompress it (corrupted or not gzip)", path);
  if (rc) ibsh_tensor_release(t);
  return rc;
}
