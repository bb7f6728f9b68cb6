/*
** Animated GIF writer (gif.h): GIF89a with a global 256-colour table, the
** NETSCAPE2.0 loop extension, and per frame a graphic control extension and
** an LZW-coded image of the rectangle that changed since the previous frame.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ibsh/error.h"
#include "gif.h"

#define LZW_MAX_CODE 4095
#define LZW_HASH 16381   /* prime, a few times the table size */

/* Append n bytes to b. */
void gif_bytes_put(gif_bytes *b, const void *data, size_t n) {
  if (b->err) return;
  if (b->n + n > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->n + n) cap *= 2;
    unsigned char *p = realloc(b->p, cap);
    if (!p) { b->err = 1; return; }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, data, n);
  b->n += n;
}

/* LSB-first bit packing of variable-width codes. */
typedef struct bit_writer {
  gif_bytes *out;
  unsigned long acc;
  int bits;
} bit_writer;

/* Write code with size bits. */
static void put_code(bit_writer *w, unsigned code, int size) {
  w->acc |= (unsigned long)code << w->bits;
  w->bits += size;
  while (w->bits >= 8) {
    unsigned char byte = (unsigned char)(w->acc & 0xff);
    gif_bytes_put(w->out, &byte, 1);
    w->acc >>= 8;
    w->bits -= 8;
  }
}

/* LZW-compress n indices as a GIF code stream: clear code first, a clear whenever the table fills, EOI last. */
int ibsh_lzw_encode(const unsigned char *idx, size_t n, int mcs, gif_bytes *out) {
  if (mcs < 2 || mcs > 8) return ibsh_fail(IBSH_EINVAL, "LZW code size %d outside 2..8", mcs);
  int32_t *keys = malloc(LZW_HASH * sizeof *keys);
  uint16_t *codes = malloc(LZW_HASH * sizeof *codes);
  if (!keys || !codes) { free(keys); free(codes); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  const unsigned clear = 1u << mcs, eoi = clear + 1;
  unsigned next = eoi + 1;
  int size = mcs + 1;
  bit_writer w = {out, 0, 0};
  memset(keys, 0xff, LZW_HASH * sizeof *keys);
  put_code(&w, clear, size);
  if (n > 0) {
    unsigned prefix = idx[0];
    for (size_t i = 1; i < n; i++) {
      unsigned k = idx[i];
      int32_t key = (int32_t)((prefix << 8) | k);
      size_t h = (size_t)key % LZW_HASH;
      while (keys[h] != -1 && keys[h] != key) h = h + 1 == LZW_HASH ? 0 : h + 1;
      if (keys[h] == key) { prefix = codes[h]; continue; }
      put_code(&w, prefix, size);
      if (next < LZW_MAX_CODE) {
        keys[h] = key;
        codes[h] = (uint16_t)next++;
        if (next > (1u << size) && size < 12) size++;   /* the decoder widens one code later */
      } else {   /* table full: start again */
        put_code(&w, clear, size);
        memset(keys, 0xff, LZW_HASH * sizeof *keys);
        next = eoi + 1;
        size = mcs + 1;
      }
      prefix = k;
    }
    put_code(&w, prefix, size);
  }
  put_code(&w, eoi, size);
  if (w.bits > 0) put_code(&w, 0, 8 - w.bits);
  free(keys);
  free(codes);
  return out->err ? ibsh_fail(IBSH_ENOMEM, "out of memory") : IBSH_OK;
}

/* Write a 16-bit little-endian number. */
static void put16(dur_file *f, int v) {
  unsigned char b[2] = {(unsigned char)(v & 0xff), (unsigned char)((v >> 8) & 0xff)};
  dur_write(f, b, 2);
}

/* Start path: w x h, a 256-colour palette (RGB triples), looping forever. */
int ibsh_gif_open(ibsh_gif *g, const char *path, int w, int h, const unsigned char palette[768]) {
  memset(g, 0, sizeof *g);
  if (w < 1 || h < 1 || w > 65535 || h > 65535) return ibsh_fail(IBSH_EINVAL, "GIF size %dx%d outside 1..65535", w, h);
  size_t plen = strlen(path);
  g->path = malloc(plen + 1);
  g->tmp = malloc(plen + 32);
  g->prev = malloc((size_t)w * (size_t)h);
  if (!g->path || !g->tmp || !g->prev) { ibsh_gif_close(g, 1); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  memcpy(g->path, path, plen + 1);
  snprintf(g->tmp, plen + 32, "%s.tmp%ld", path, (long)getpid());
  int rc = dur_open(&g->file, g->tmp);
  if (rc) { free(g->path); free(g->tmp); free(g->prev); memset(g, 0, sizeof *g); return rc; }
  g->w = w;
  g->h = h;
  dur_write(&g->file, "GIF89a", 6);
  put16(&g->file, w);
  put16(&g->file, h);
  unsigned char lsd[3] = {0xf7, 0, 0};   /* global table of 256 colours, 8-bit colour resolution */
  dur_write(&g->file, lsd, 3);
  dur_write(&g->file, palette, 768);
  static const unsigned char loop[19] = {0x21, 0xff, 0x0b, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0',
                                         0x03, 0x01, 0x00, 0x00, 0x00};
  dur_write(&g->file, loop, sizeof loop);
  return IBSH_OK;
}

/* Add a frame of w x h palette indices shown for delay_cs hundredths of a second. */
int ibsh_gif_frame(ibsh_gif *g, const unsigned char *idx, int delay_cs) {
  int x0 = 0, y0 = 0, x1 = g->w - 1, y1 = g->h - 1;
  if (g->frames > 0) {   /* the bounding box of what changed */
    x0 = g->w; y0 = g->h; x1 = -1; y1 = -1;
    for (int y = 0; y < g->h; y++) {
      const unsigned char *a = idx + (size_t)y * (size_t)g->w, *b = g->prev + (size_t)y * (size_t)g->w;
      if (memcmp(a, b, (size_t)g->w) == 0) continue;
      if (y < y0) y0 = y;
      y1 = y;
      for (int x = 0; x < g->w; x++) if (a[x] != b[x]) { if (x < x0) x0 = x; if (x > x1) x1 = x; }
    }
    if (x1 < 0) { x0 = y0 = x1 = y1 = 0; }   /* nothing changed: one unchanged pixel */
  }
  int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
  unsigned char *sub = malloc((size_t)cw * (size_t)ch);
  if (!sub) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  for (int y = 0; y < ch; y++) memcpy(sub + (size_t)y * (size_t)cw, idx + (size_t)(y0 + y) * (size_t)g->w + x0, (size_t)cw);
  gif_bytes data = {0};
  int rc = ibsh_lzw_encode(sub, (size_t)cw * (size_t)ch, 8, &data);
  free(sub);
  if (rc) { free(data.p); return rc; }
  unsigned char gce[4] = {0x21, 0xf9, 0x04, 0x04};   /* disposal 1: leave the frame in place */
  dur_write(&g->file, gce, 4);
  put16(&g->file, delay_cs);
  unsigned char end[2] = {0, 0};
  dur_write(&g->file, end, 2);
  unsigned char sep = 0x2c;
  dur_write(&g->file, &sep, 1);
  put16(&g->file, x0);
  put16(&g->file, y0);
  put16(&g->file, cw);
  put16(&g->file, ch);
  unsigned char packed_mcs[2] = {0, 8};
  dur_write(&g->file, packed_mcs, 2);
  for (size_t at = 0; at < data.n; at += 255) {
    unsigned char len = (unsigned char)(data.n - at < 255 ? data.n - at : 255);
    dur_write(&g->file, &len, 1);
    dur_write(&g->file, data.p + at, len);
  }
  dur_write(&g->file, end, 1);
  free(data.p);
  memcpy(g->prev, idx, (size_t)g->w * (size_t)g->h);
  g->frames++;
  return IBSH_OK;
}

/* Finish the file and rename it over path (abort: remove it instead). */
int ibsh_gif_close(ibsh_gif *g, int abort) {
  int rc = IBSH_OK;
  if (g->file.f) {
    unsigned char trailer = 0x3b;
    if (!abort) dur_write(&g->file, &trailer, 1);
    rc = dur_close(&g->file);
    if (!rc && !abort && rename(g->tmp, g->path) != 0)
      rc = ibsh_fail(IBSH_EIO, "cannot rename to '%s': %s", g->path, strerror(errno));
    if (rc || abort) remove(g->tmp);
  }
  free(g->path);
  free(g->tmp);
  free(g->prev);
  memset(g, 0, sizeof *g);
  return rc;
}
