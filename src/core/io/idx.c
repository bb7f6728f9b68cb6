/*
** IDX reader through zlib (which also reads uncompressed files transparently).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "ibsh/error.h"
#include "ibsh/idx.h"
#include "ibsh/interrupt.h"
#include "tensor_file.h"

/* Size of the file at path and, for gzip files, the uncompressed size mod 2^32 from its trailer. */
static int probe(const char *path, long long *fsize, int *gz, uint32_t *isize) {
  FILE *f = fopen(path, "rb");
  if (!f) return ibsh_fail(IBSH_EIO, "%s: cannot open", path);
  *fsize = ibsh_file_size(f);
  unsigned char magic[2] = {0, 0}, tail[4];
  *gz = fread(magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  *isize = 0;
  if (*gz && *fsize >= 18 && fseek(f, -4, SEEK_END) == 0 && fread(tail, 1, 4, f) == 4)
    *isize = (uint32_t)tail[0] | ((uint32_t)tail[1] << 8) | ((uint32_t)tail[2] << 16) | ((uint32_t)tail[3] << 24);
  fclose(f);
  return IBSH_OK;
}

/* Read path (gzip detected by content) into a newly allocated tensor. */
int ibsh_idx_read(const char *path, ibsh_tensor *out) {
  long long fsize = -1;
  int gz = 0, rc;
  uint32_t isize = 0;
  if ((rc = probe(path, &fsize, &gz, &isize))) return rc;
  gzFile f = gzopen(path, "rb");
  if (!f) return ibsh_fail(IBSH_EIO, "%s: cannot open", path);
  unsigned char head[4 + 4 * 255], *raw = NULL;
  memset(out, 0, sizeof *out);
  if (gzread(f, head, 4) != 4) { rc = ibsh_fail(IBSH_EFORMAT, "%s: truncated header (shorter than 4 bytes)", path); goto done; }
  if (head[0] != 0 || head[1] != 0) { rc = ibsh_fail(IBSH_EFORMAT, "%s: bad magic at byte 0 (not an IDX file)", path); goto done; }
  int type = head[2], ndim = head[3], size;
  switch (type) {
    case 0x08: case 0x09: size = 1; break;
    case 0x0B: size = 2; break;
    case 0x0C: case 0x0D: size = 4; break;
    case 0x0E: size = 8; break;
    default: rc = ibsh_fail(IBSH_EFORMAT, "%s: unknown element type 0x%02x at byte 2", path, type); goto done;
  }
  if (ndim < 1 || ndim > IBSH_MAXDIM) { rc = ibsh_fail(IBSH_EFORMAT, "%s: %d dimensions at byte 3 (1..%d supported)", path, ndim, IBSH_MAXDIM); goto done; }
  if (gzread(f, head + 4, (unsigned)(4 * ndim)) != 4 * ndim) { rc = ibsh_fail(IBSH_EFORMAT, "%s: truncated header at byte 4", path); goto done; }
  size_t shape[IBSH_MAXDIM], numel = 1;
  for (int i = 0; i < ndim; i++) {
    const unsigned char *p = head + 4 + 4 * i;
    shape[i] = ((size_t)p[0] << 24) | ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
    if (shape[i] && numel > ((size_t)1 << 40) / shape[i]) { rc = ibsh_fail(IBSH_EFORMAT, "%s: absurd dimensions in header", path); goto done; }
    numel *= shape[i];
  }
  long long hbytes = 4 + 4LL * ndim, need = (long long)numel * size;
  if (!gz && fsize >= 0 && hbytes + need > fsize) {
    rc = ibsh_fail(IBSH_EFORMAT, "%s: truncated: header promises %lld data bytes from byte %lld, file has %lld", path, need, hbytes, fsize - hbytes);
    goto done;
  }
  if (gz && (fsize < 0 || need > fsize * 1100LL || (uint32_t)(hbytes + need) != isize)) {
    rc = ibsh_fail(IBSH_EFORMAT, "%s: header promises %lld data bytes, which does not match the compressed file (uncompressed size %u)", path, need, isize);
    goto done;
  }
  if ((rc = ibsh_tensor_alloc(out, ndim, shape))) goto done;
  enum { CHUNK = 1 << 16 };
  if (!(raw = malloc(CHUNK * 8))) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory"); goto done; }
  double *o = ibsh_tensor_data(out);
  for (size_t doneel = 0; doneel < numel;) {
    size_t want = numel - doneel < CHUNK ? numel - doneel : CHUNK;
    int got = gzread(f, raw, (unsigned)(want * (size_t)size));
    if (got != (int)(want * (size_t)size)) {
      rc = ibsh_fail(IBSH_EFORMAT, "%s: truncated data at byte %lld", path, hbytes + (long long)doneel * size + (got > 0 ? got : 0));
      goto done;
    }
    for (size_t i = 0; i < want; i++) {
      const unsigned char *p = raw + i * (size_t)size;
      double v;
      switch (type) {
        case 0x08: v = p[0]; break;
        case 0x09: v = (int8_t)p[0]; break;
        case 0x0B: v = (int16_t)(uint16_t)((p[0] << 8) | p[1]); break;
        case 0x0C: v = (int32_t)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]); break;
        case 0x0D: {
          uint32_t u = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
          float x; memcpy(&x, &u, 4); v = x; break;
        }
        default: {
          uint64_t u = 0;
          for (int k = 0; k < 8; k++) u = (u << 8) | p[k];
          memcpy(&v, &u, 8);
        }
      }
      o[doneel + i] = v;
    }
    doneel += want;
    if (ibsh_interrupted()) { rc = ibsh_fail(IBSH_EINTR, "interrupted"); goto done; }
  }
done:
  if (rc) ibsh_tensor_release(out);
  free(raw);
  gzclose(f);
  return rc;
}
