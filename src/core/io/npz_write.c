/*
** numpy .npz writer: each tensor becomes a float64 .npy member (stored, or raw
** deflate), written with a local header, then the central directory and the end
** record; ZIP64 fields and records appear only where a size or offset needs them.
** A fixed timestamp (1980-01-01) keeps the output bit-identical across runs.
*/
#define _FILE_OFFSET_BITS 64
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/npy.h"
#include "ibsh/npz.h"
#include "npz_write.h"
#include "tensor_file.h"

#define ZIP32_MAX 0xFFFFFFFFu
enum { DOS_DATE = (0 << 9) | (1 << 5) | 1, DOS_TIME = 0 };

/* What the central directory needs to know of a written member. */
typedef struct written {
  uint32_t crc;
  uint64_t csize, usize, offset;
  unsigned method;
} written;

/* The bytes written so far, whether every write succeeded, and from which size or offset on ZIP64 fields are used. */
typedef struct out_file {
  FILE *f;
  uint64_t pos;
  int ok;
  uint64_t zip64_from;
} out_file;

/* Put a little-endian 16-bit value at p; returns p + 2. */
static unsigned char *put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); return p + 2; }

/* Put a little-endian 32-bit value at p; returns p + 4. */
static unsigned char *put32(unsigned char *p, uint32_t v) { return put16(put16(p, v & 0xFFFF), v >> 16); }

/* Put a little-endian 64-bit value at p; returns p + 8. */
static unsigned char *put64(unsigned char *p, uint64_t v) { return put32(put32(p, (uint32_t)v), (uint32_t)(v >> 32)); }

/* Append n bytes to the output. */
static void emit(out_file *o, const void *p, size_t n) {
  if (o->ok && n && fwrite(p, 1, n, o->f) != n) o->ok = 0;
  o->pos += n;
}

/* CRC-32 of n bytes at p. */
static uint32_t crc_of(const unsigned char *p, size_t n) {
  uLong c = crc32(0L, Z_NULL, 0);
  for (; n; ) {
    uInt k = n < (1u << 30) ? (uInt)n : (1u << 30);
    c = crc32(c, p, k);
    p += k;
    n -= k;
  }
  return (uint32_t)c;
}

/* Raw-deflate in[0..n) into a new buffer *out of *outn bytes. */
static int deflate_buffer(const unsigned char *in, size_t n, unsigned char **out, size_t *outn) {
  z_stream s;
  memset(&s, 0, sizeof s);
  if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  size_t cap = (size_t)deflateBound(&s, (uLong)n) + 64, done = 0, in_done = 0;
  unsigned char *buf = malloc(cap);
  if (!buf) { deflateEnd(&s); return ibsh_fail(IBSH_ENOMEM, "out of memory (%zu bytes to deflate a member)", cap); }
  int zr = Z_OK;
  while (zr == Z_OK) {
    size_t in_chunk = n - in_done < (1u << 30) ? n - in_done : (1u << 30), out_chunk = cap - done < (1u << 30) ? cap - done : (1u << 30);
    s.next_in = (unsigned char *)in + in_done;
    s.avail_in = (uInt)in_chunk;
    s.next_out = buf + done;
    s.avail_out = (uInt)out_chunk;
    zr = deflate(&s, in_done + in_chunk == n ? Z_FINISH : Z_NO_FLUSH);
    in_done += in_chunk - s.avail_in;
    done += out_chunk - s.avail_out;
    if (zr == Z_BUF_ERROR && done < cap) zr = Z_OK;
    if (ibsh_interrupted()) { deflateEnd(&s); free(buf); return ibsh_fail(IBSH_EINTR, "interrupted"); }
  }
  deflateEnd(&s);
  if (zr != Z_STREAM_END) { free(buf); return ibsh_fail(IBSH_ENOMEM, "deflate failed"); }
  *out = buf;
  *outn = done;
  return IBSH_OK;
}

/* Write the member name.npy holding t at the current position; w records what the directory needs. */
static int write_member(out_file *o, const char *name, const ibsh_tensor *t, int compress, written *w) {
  unsigned char *npy = NULL, *packed = NULL;
  size_t n = 0, pn = 0;
  int rc = ibsh_npy_encode(t, &npy, &n);
  if (rc) return rc;
  if (compress && (rc = deflate_buffer(npy, n, &packed, &pn))) { free(npy); return rc; }
  w->crc = crc_of(npy, n);
  w->usize = n;
  w->csize = compress ? pn : n;
  w->offset = o->pos;
  w->method = compress ? 8 : 0;
  int big = w->usize >= o->zip64_from || w->csize >= o->zip64_from;
  size_t nlen = strlen(name) + 4;
  unsigned char h[30 + 20], *p = h;
  p = put32(p, 0x04034b50);
  p = put16(p, big ? 45 : 20);
  p = put16(p, 0);
  p = put16(p, w->method);
  p = put16(p, DOS_TIME);
  p = put16(p, DOS_DATE);
  p = put32(p, w->crc);
  p = put32(p, big ? ZIP32_MAX : (uint32_t)w->csize);
  p = put32(p, big ? ZIP32_MAX : (uint32_t)w->usize);
  p = put16(p, (unsigned)nlen);
  p = put16(p, big ? 20 : 0);
  emit(o, h, 30);
  emit(o, name, nlen - 4);
  emit(o, ".npy", 4);
  if (big) {
    p = put16(h, 1);
    p = put16(p, 16);
    p = put64(p, w->usize);
    p = put64(p, w->csize);
    emit(o, h, 20);
  }
  emit(o, compress ? packed : npy, (size_t)w->csize);
  free(npy);
  free(packed);
  return IBSH_OK;
}

/* Write the central directory entry of member name.npy. */
static void write_entry(out_file *o, const char *name, const written *w) {
  unsigned char h[46 + 28], x[28], *p = x;
  int big_size = w->usize >= o->zip64_from || w->csize >= o->zip64_from, big_off = w->offset >= o->zip64_from;
  if (big_size || big_off) {
    p = put16(put16(p, 1), (unsigned)((big_size ? 16 : 0) + (big_off ? 8 : 0)));
    if (big_size) p = put64(put64(p, w->usize), w->csize);
    if (big_off) p = put64(p, w->offset);
  }
  size_t xlen = (size_t)(p - x), nlen = strlen(name) + 4;
  p = put32(h, 0x02014b50);
  p = put16(p, 45);
  p = put16(p, xlen ? 45 : 20);
  p = put16(p, 0);
  p = put16(p, w->method);
  p = put16(p, DOS_TIME);
  p = put16(p, DOS_DATE);
  p = put32(p, w->crc);
  p = put32(p, big_size ? ZIP32_MAX : (uint32_t)w->csize);
  p = put32(p, big_size ? ZIP32_MAX : (uint32_t)w->usize);
  p = put16(p, (unsigned)nlen);
  p = put16(p, (unsigned)xlen);
  p = put16(p, 0);                                /* comment length */
  p = put16(p, 0);                                /* disk */
  p = put16(p, 0);                                /* internal attributes */
  p = put32(p, 0);                                /* external attributes */
  p = put32(p, big_off ? ZIP32_MAX : (uint32_t)w->offset);
  emit(o, h, 46);
  emit(o, name, nlen - 4);
  emit(o, ".npy", 4);
  emit(o, x, xlen);
}

/* Write the end records for count entries in a directory of cd_size bytes at cd_offset. */
static void write_end(out_file *o, uint64_t count, uint64_t cd_offset, uint64_t cd_size) {
  unsigned char h[56 + 20 + 22], *p = h;
  int big = count >= 0xFFFF || cd_offset >= o->zip64_from || cd_size >= o->zip64_from;
  if (big) {
    uint64_t at = o->pos;
    p = put32(p, 0x06064b50);
    p = put64(p, 44);
    p = put16(put16(p, 45), 45);
    p = put32(put32(p, 0), 0);
    p = put64(put64(p, count), count);
    p = put64(put64(p, cd_size), cd_offset);
    p = put32(p, 0x07064b50);
    p = put32(p, 0);
    p = put64(p, at);
    p = put32(p, 1);
  }
  p = put32(p, 0x06054b50);
  p = put32(p, 0);
  p = put16(p, big ? 0xFFFF : (unsigned)count);
  p = put16(p, big ? 0xFFFF : (unsigned)count);
  p = put32(p, big ? ZIP32_MAX : (uint32_t)cd_size);
  p = put32(p, big ? ZIP32_MAX : (uint32_t)cd_offset);
  p = put16(p, 0);
  emit(o, h, (size_t)(p - h));
}

/* Write count tensors as members names[i].npy through a temporary file renamed over path. */
int ibsh_npz_write(const char *path, const char *const *names, const ibsh_tensor *const *tensors, size_t count, int compress) {
  return ibsh_npz_write_zip64_from(path, names, tensors, count, compress, ZIP32_MAX);
}

/* ibsh_npz_write, with ZIP64 fields for every size or offset of at least zip64_from (tests pass 0). */
int ibsh_npz_write_zip64_from(const char *path, const char *const *names, const ibsh_tensor *const *tensors, size_t count,
                              int compress, uint64_t zip64_from) {
  if (zip64_from > ZIP32_MAX) zip64_from = ZIP32_MAX;
  for (size_t i = 0; i < count; i++) {
    size_t len = strlen(names[i]);
    if (len == 0 || len > 65531) return ibsh_fail(IBSH_EINVAL, "%s: array names must have 1 to 65531 bytes", path);
    for (size_t j = 0; j < i; j++)
      if (strcmp(names[i], names[j]) == 0) return ibsh_fail(IBSH_EINVAL, "%s: duplicated array name '%s'", path, names[i]);
  }
  written *w = calloc(count ? count : 1, sizeof *w);
  if (!w) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  char tmp[4096];
  out_file o = {ibsh_tmpfile_open(path, tmp, sizeof tmp), 0, 1, zip64_from};
  if (!o.f) { free(w); return IBSH_EIO; }
  int rc = IBSH_OK;
  for (size_t i = 0; i < count && !rc; i++) rc = write_member(&o, names[i], tensors[i], compress, &w[i]);
  if (!rc) {
    uint64_t cd_offset = o.pos;
    for (size_t i = 0; i < count; i++) write_entry(&o, names[i], &w[i]);
    write_end(&o, count, cd_offset, o.pos - cd_offset);
    if (!o.ok) rc = ibsh_fail(IBSH_EIO, "%s: write failed", path);
  }
  free(w);
  int commit = ibsh_tmpfile_commit(o.f, tmp, path, !rc);
  return rc ? rc : commit;
}
