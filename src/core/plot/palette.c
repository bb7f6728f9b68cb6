/*
** Palettes for GIF frames (palette.h). The entries: white and black, 96 samples
** of the colour map, a 24-step grey ramp, then the most frequent remaining
** colours of the reference image (5 bits per channel histogram, bin means).
*/
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "colormap.h"
#include "palette.h"

#define CMAP_SAMPLES 96
#define GREYS 24

/* The pixel composited over white, as 8-bit RGB. */
static void over_white(const unsigned char *p, int rgb[3]) {
  int a = p[3];
  for (int c = 0; c < 3; c++) rgb[c] = (p[c] * a + 255 * (255 - a) + 127) / 255;
}

/* Squared distance from rgb to palette entry e. */
static int dist2(const unsigned char *e, const int rgb[3]) {
  int d0 = e[0] - rgb[0], d1 = e[1] - rgb[1], d2 = e[2] - rgb[2];
  return d0 * d0 + d1 * d1 + d2 * d2;
}

/* Append rgb to pal (n entries so far) unless an entry is within min2 (squared); returns the new count. */
static int add_entry(unsigned char *pal, int n, const int rgb[3], int min2) {
  if (n >= 256) return n;
  for (int i = 0; i < n; i++) if (dist2(pal + 3 * i, rgb) <= min2) return n;
  for (int c = 0; c < 3; c++) pal[3 * n + c] = (unsigned char)rgb[c];
  return n + 1;
}

/* Build pal (256 RGB triples) from colour map cmap (-1: none) and the w x h RGBA8 reference image. */
int ibsh_palette_build(int cmap, const unsigned char *ref, int w, int h, unsigned char pal[768]) {
  memset(pal, 0, 768);
  int n = 0, rgb[3];
  rgb[0] = rgb[1] = rgb[2] = 255; n = add_entry(pal, n, rgb, -1);
  rgb[0] = rgb[1] = rgb[2] = 0; n = add_entry(pal, n, rgb, -1);
  if (cmap >= 0) {
    for (int i = 0; i < CMAP_SAMPLES; i++) {
      double c[3];
      ibsh_colormap_eval(cmap, (double)i / (CMAP_SAMPLES - 1), c);
      for (int k = 0; k < 3; k++) rgb[k] = (int)(c[k] * 255 + 0.5);
      n = add_entry(pal, n, rgb, 2);
    }
  }
  for (int i = 1; i < GREYS; i++) {
    rgb[0] = rgb[1] = rgb[2] = 255 * i / GREYS;
    n = add_entry(pal, n, rgb, 2);
  }
  if (ref && w > 0 && h > 0) {
    enum { BINS = 1 << 15 };
    uint32_t *count = calloc(BINS, sizeof *count);
    uint64_t *sum = calloc((size_t)BINS * 3, sizeof *sum);
    if (!count || !sum) { free(count); free(sum); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
    size_t npix = (size_t)w * (size_t)h;
    for (size_t i = 0; i < npix; i++) {
      over_white(ref + 4 * i, rgb);
      size_t b = (size_t)((rgb[0] >> 3) << 10 | (rgb[1] >> 3) << 5 | (rgb[2] >> 3));
      count[b]++;
      for (int c = 0; c < 3; c++) sum[3 * b + c] += (uint64_t)rgb[c];
    }
    while (n < 256) {   /* the most frequent bin not yet represented, repeatedly */
      size_t best = 0;
      uint32_t most = 0;
      for (size_t b = 0; b < BINS; b++) if (count[b] > most) { most = count[b]; best = b; }
      if (most == 0) break;
      for (int c = 0; c < 3; c++) rgb[c] = (int)(sum[3 * best + c] / most);
      count[best] = 0;
      n = add_entry(pal, n, rgb, 12);
    }
    free(count);
    free(sum);
  }
  return IBSH_OK;
}

/* Prepare the map for pal (copies it). */
int ibsh_palette_map_init(ibsh_palette_map *m, const unsigned char pal[768]) {
  memcpy(m->pal, pal, 768);
  m->cache = malloc(((size_t)1 << 18) * sizeof *m->cache);
  if (!m->cache) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  memset(m->cache, 0xff, ((size_t)1 << 18) * sizeof *m->cache);
  return IBSH_OK;
}

/* Release the cache. */
void ibsh_palette_map_free(ibsh_palette_map *m) {
  free(m->cache);
  m->cache = NULL;
}

/* Palette indices of n RGBA8 pixels (composited over white): the nearest entry to the 6-bit cell's centre. */
void ibsh_palette_apply(ibsh_palette_map *m, const unsigned char *rgba, size_t n, unsigned char *idx) {
  for (size_t i = 0; i < n; i++) {
    int rgb[3];
    over_white(rgba + 4 * i, rgb);
    size_t cell = (size_t)((rgb[0] >> 2) << 12 | (rgb[1] >> 2) << 6 | (rgb[2] >> 2));
    if (m->cache[cell] == 0xffff) {
      int centre[3] = {(rgb[0] & ~3) | 2, (rgb[1] & ~3) | 2, (rgb[2] & ~3) | 2};
      int best = 0, bestd = 1 << 30;
      for (int e = 0; e < 256; e++) {
        int d = dist2(m->pal + 3 * e, centre);
        if (d < bestd) { bestd = d; best = e; }
      }
      m->cache[cell] = (uint16_t)best;
    }
    idx[i] = (unsigned char)m->cache[cell];
  }
}
