/*
** Sixel encoding (sixel.h), from the DEC VT330/VT340 programmer reference:
** "\033Pq", raster attributes, colour registers in percent, then bands of six
** rows, one pass per colour present (run-length coded with '!'), '$' between
** passes and '-' between bands, "\033\\" at the end.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "palette.h"
#include "sixel.h"

/* A growable output buffer. */
typedef struct sbuf { unsigned char *p; size_t n, cap; int err; } sbuf;

/* Append n bytes. */
static void put(sbuf *b, const char *s, size_t n) {
  if (b->err) return;
  if (b->n + n > b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 65536;
    while (cap < b->n + n) cap *= 2;
    unsigned char *p = realloc(b->p, cap);
    if (!p) { b->err = 1; return; }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
}

/* Append a run of count copies of the sixel character ch. */
static void put_run(sbuf *b, int ch, int count) {
  char tmp[16];
  if (count > 3) { int k = snprintf(tmp, sizeof tmp, "!%d%c", count, ch); put(b, tmp, (size_t)k); return; }
  for (int i = 0; i < count; i++) { tmp[i] = (char)ch; }
  put(b, tmp, (size_t)count);
}

/* Encode w x h RGBA8 pixels as a sixel sequence. */
int ibsh_sixel_encode(const unsigned char *rgba, int w, int h, unsigned char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (w < 1 || h < 1) return ibsh_fail(IBSH_EINVAL, "empty image");
  unsigned char pal[768];
  ibsh_palette_map map;
  unsigned char *idx = malloc((size_t)w * (size_t)h);
  if (!idx) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  int rc = ibsh_palette_build(-1, rgba, w, h, pal);
  if (!rc) rc = ibsh_palette_map_init(&map, pal);
  if (rc) { free(idx); return rc; }
  ibsh_palette_apply(&map, rgba, (size_t)w * (size_t)h, idx);
  ibsh_palette_map_free(&map);
  sbuf b = {0};
  char tmp[64];
  int k = snprintf(tmp, sizeof tmp, "\033P0;1;0q\"1;1;%d;%d", w, h);
  put(&b, tmp, (size_t)k);
  for (int c = 0; c < 256; c++) {
    k = snprintf(tmp, sizeof tmp, "#%d;2;%d;%d;%d", c, (pal[3 * c] * 100 + 127) / 255, (pal[3 * c + 1] * 100 + 127) / 255,
                 (pal[3 * c + 2] * 100 + 127) / 255);
    put(&b, tmp, (size_t)k);
  }
  for (int y0 = 0; y0 < h; y0 += 6) {
    int rows = h - y0 < 6 ? h - y0 : 6;
    unsigned char present[256] = {0};
    for (int r = 0; r < rows; r++) for (int x = 0; x < w; x++) present[idx[(size_t)(y0 + r) * (size_t)w + (size_t)x]] = 1;
    int first = 1;
    for (int c = 0; c < 256; c++) {
      if (!present[c]) continue;
      if (!first) put(&b, "$", 1);
      first = 0;
      k = snprintf(tmp, sizeof tmp, "#%d", c);
      put(&b, tmp, (size_t)k);
      int run_ch = -1, run = 0;
      for (int x = 0; x < w; x++) {
        int bits = 0;
        for (int r = 0; r < rows; r++) if (idx[(size_t)(y0 + r) * (size_t)w + (size_t)x] == c) bits |= 1 << r;
        int ch = 63 + bits;
        if (ch == run_ch) { run++; continue; }
        if (run) put_run(&b, run_ch, run);
        run_ch = ch;
        run = 1;
      }
      if (run && run_ch != 63) put_run(&b, run_ch, run);   /* trailing empty sixels need not be sent */
    }
    put(&b, "-", 1);
  }
  put(&b, "\033\\", 2);
  free(idx);
  if (b.err) { free(b.p); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  *out = b.p;
  *len = b.n;
  return IBSH_OK;
}
