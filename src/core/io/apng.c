/*
** APNG writer (apng.h), from the PNG and APNG 1.0 specifications: signature,
** IHDR, acTL, then per frame fcTL and IDAT (first frame) or fdAT chunks with
** a zlib stream of filtered scanlines (filter Sub), and IEND; CRCs by zlib.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "ibsh/error.h"
#include "apng.h"

/* Store v big-endian in b. */
static void be32(unsigned char *b, uint32_t v) {
  b[0] = (unsigned char)(v >> 24); b[1] = (unsigned char)(v >> 16); b[2] = (unsigned char)(v >> 8); b[3] = (unsigned char)v;
}

/* Write one chunk: length, type, data (head bytes then body bytes), CRC of type and data. */
static void put_chunk(dur_file *f, const char *type, const unsigned char *head, size_t nhead, const unsigned char *body, size_t nbody) {
  unsigned char b[4];
  be32(b, (uint32_t)(nhead + nbody));
  dur_write(f, b, 4);
  dur_write(f, type, 4);
  dur_write(f, head, nhead);
  dur_write(f, body, nbody);
  uLong crc = crc32(0L, (const Bytef *)type, 4);
  if (nhead) crc = crc32(crc, head, (uInt)nhead);
  for (size_t at = 0; at < nbody; at += 1u << 30) {
    size_t part = nbody - at < (1u << 30) ? nbody - at : (1u << 30);
    crc = crc32(crc, body + at, (uInt)part);
  }
  be32(b, (uint32_t)crc);
  dur_write(f, b, 4);
}

/* Start path: w x h pixels, nframes frames, looping forever. */
int ibsh_apng_open(ibsh_apng *a, const char *path, int w, int h, int nframes) {
  memset(a, 0, sizeof *a);
  if (w < 1 || h < 1 || w > 100000 || h > 100000) return ibsh_fail(IBSH_EINVAL, "PNG size %dx%d out of range", w, h);
  if (nframes < 1) return ibsh_fail(IBSH_EINVAL, "an animated PNG needs at least one frame");
  size_t plen = strlen(path);
  a->path = malloc(plen + 1);
  a->tmp = malloc(plen + 32);
  a->prev = malloc((size_t)w * (size_t)h * 4);
  if (!a->path || !a->tmp || !a->prev) { ibsh_apng_close(a, 1); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  memcpy(a->path, path, plen + 1);
  snprintf(a->tmp, plen + 32, "%s.tmp%ld", path, (long)getpid());
  int rc = dur_open(&a->file, a->tmp);
  if (rc) { free(a->path); free(a->tmp); free(a->prev); memset(a, 0, sizeof *a); return rc; }
  a->w = w;
  a->h = h;
  a->nframes = nframes;
  static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  dur_write(&a->file, sig, 8);
  unsigned char ihdr[13];
  be32(ihdr, (uint32_t)w);
  be32(ihdr + 4, (uint32_t)h);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;   /* 8-bit RGBA, deflate, adaptive, no interlace */
  put_chunk(&a->file, "IHDR", ihdr, 13, NULL, 0);
  unsigned char actl[8];
  be32(actl, (uint32_t)nframes);
  be32(actl + 4, 0);   /* loop forever */
  put_chunk(&a->file, "acTL", actl, 8, NULL, 0);
  return IBSH_OK;
}

/* Add a frame of w x h RGBA8 pixels shown for delay_cs hundredths of a second. */
int ibsh_apng_frame(ibsh_apng *a, const unsigned char *rgba, int delay_cs) {
  if (a->frames >= a->nframes) return ibsh_fail(IBSH_EINVAL, "more frames than the %d announced", a->nframes);
  size_t stride = (size_t)a->w * 4;
  int x0 = 0, y0 = 0, x1 = a->w - 1, y1 = a->h - 1;
  if (a->frames > 0) {   /* the bounding box of what changed */
    x0 = a->w; y0 = a->h; x1 = -1; y1 = -1;
    for (int y = 0; y < a->h; y++) {
      const unsigned char *p = rgba + (size_t)y * stride, *q = a->prev + (size_t)y * stride;
      if (memcmp(p, q, stride) == 0) continue;
      if (y < y0) y0 = y;
      y1 = y;
      for (int x = 0; x < a->w; x++)
        if (memcmp(p + 4 * x, q + 4 * x, 4) != 0) { if (x < x0) x0 = x; if (x > x1) x1 = x; }
    }
    if (x1 < 0) { x0 = y0 = x1 = y1 = 0; }
  }
  int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
  size_t row = 1 + (size_t)cw * 4, raw_len = row * (size_t)ch;
  unsigned char *raw = malloc(raw_len);
  uLongf zlen = compressBound((uLong)raw_len);
  unsigned char *z = malloc(zlen);
  if (!raw || !z) { free(raw); free(z); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  for (int y = 0; y < ch; y++) {   /* filter Sub: each byte minus the byte one pixel to the left */
    const unsigned char *src = rgba + (size_t)(y0 + y) * stride + (size_t)x0 * 4;
    unsigned char *dst = raw + (size_t)y * row;
    dst[0] = 1;
    for (size_t i = 0; i < (size_t)cw * 4; i++) dst[1 + i] = (unsigned char)(src[i] - (i >= 4 ? src[i - 4] : 0));
  }
  int zrc = compress2(z, &zlen, raw, (uLong)raw_len, 6);
  free(raw);
  if (zrc != Z_OK) { free(z); return ibsh_fail(IBSH_ENOMEM, "zlib could not compress a frame"); }
  unsigned char fctl[26];
  be32(fctl, a->seq++);
  be32(fctl + 4, (uint32_t)cw);
  be32(fctl + 8, (uint32_t)ch);
  be32(fctl + 12, (uint32_t)x0);
  be32(fctl + 16, (uint32_t)y0);
  fctl[20] = (unsigned char)(delay_cs >> 8); fctl[21] = (unsigned char)delay_cs;   /* delay = delay_cs / 100 s */
  fctl[22] = 0; fctl[23] = 100;
  fctl[24] = 0;   /* dispose: none (the next frame draws over this one) */
  fctl[25] = 0;   /* blend: source (the changed rectangle replaces what was there) */
  put_chunk(&a->file, "fcTL", fctl, 26, NULL, 0);
  if (a->frames == 0) put_chunk(&a->file, "IDAT", NULL, 0, z, zlen);
  else {
    unsigned char seq[4];
    be32(seq, a->seq++);
    put_chunk(&a->file, "fdAT", seq, 4, z, zlen);
  }
  free(z);
  memcpy(a->prev, rgba, stride * (size_t)a->h);
  a->frames++;
  return IBSH_OK;
}

/* Finish the file (it must have nframes frames) and rename it over path (abort: remove it instead). */
int ibsh_apng_close(ibsh_apng *a, int abort) {
  int rc = IBSH_OK;
  if (a->file.f) {
    if (!abort && a->frames != a->nframes) {
      rc = ibsh_fail(IBSH_EINVAL, "%d frames added, %d announced", a->frames, a->nframes);
      abort = 1;
    }
    if (!abort) put_chunk(&a->file, "IEND", NULL, 0, NULL, 0);
    int crc = dur_close(&a->file);
    if (!rc) rc = crc;
    if (!rc && !abort && rename(a->tmp, a->path) != 0)
      rc = ibsh_fail(IBSH_EIO, "cannot rename to '%s': %s", a->path, strerror(errno));
    if (rc || abort) remove(a->tmp);
  }
  free(a->path);
  free(a->tmp);
  free(a->prev);
  memset(a, 0, sizeof *a);
  return rc;
}
