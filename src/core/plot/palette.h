/*
** 256-colour palettes for GIF frames: samples of the figure's colour map, a grey
** ramp and the most frequent other colours of a reference image; pixels map to
** their nearest entry through a cache.
*/
#ifndef IBSH_PALETTE_H
#define IBSH_PALETTE_H

#include <stddef.h>
#include <stdint.h>

/* Build pal (256 RGB triples) from colour map cmap (-1: none) and the w x h RGBA8 reference image. */
int ibsh_palette_build(int cmap, const unsigned char *ref, int w, int h, unsigned char pal[768]);

/* A nearest-entry cache: 2^18 cells (6 bits per channel), 0xffff when not computed. */
typedef struct ibsh_palette_map {
  unsigned char pal[768];
  uint16_t *cache;
} ibsh_palette_map;

/* Prepare the map for pal (copies it). */
int ibsh_palette_map_init(ibsh_palette_map *m, const unsigned char pal[768]);

/* Release the cache. */
void ibsh_palette_map_free(ibsh_palette_map *m);

/* Palette indices of n RGBA8 pixels (composited over white). */
void ibsh_palette_apply(ibsh_palette_map *m, const unsigned char *rgba, size_t n, unsigned char *idx);

#endif
