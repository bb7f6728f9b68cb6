/*
** Animated GIF (GIF89a) writing with our own LZW encoder: 256-colour frames of
** palette indices, each stored as the rectangle that changed since the last.
*/
#ifndef IBSH_IO_GIF_H
#define IBSH_IO_GIF_H

#include <stddef.h>
#include "durable.h"

/* A growable byte buffer. */
typedef struct gif_bytes {
  unsigned char *p;
  size_t n, cap;
  int err;   /* out of memory once: further appends are dropped */
} gif_bytes;

/* Append n bytes to b. */
void gif_bytes_put(gif_bytes *b, const void *data, size_t n);

/* LZW-compress n palette indices (each below 2^mcs) as GIF code stream data (without the size byte or blocks). */
int ibsh_lzw_encode(const unsigned char *idx, size_t n, int mcs, gif_bytes *out);

/* An animated GIF being written to a temporary file next to its path. */
typedef struct ibsh_gif {
  dur_file file;
  char *path, *tmp;
  int w, h, frames;
  unsigned char *prev;   /* the previous frame's indices (to store only what changed) */
} ibsh_gif;

/* Start path: w x h, a 256-colour palette (RGB triples), looping forever. */
int ibsh_gif_open(ibsh_gif *g, const char *path, int w, int h, const unsigned char palette[768]);

/* Add a frame of w x h palette indices shown for delay_cs hundredths of a second. */
int ibsh_gif_frame(ibsh_gif *g, const unsigned char *idx, int delay_cs);

/* Finish the file and rename it over path (abort: remove it instead). */
int ibsh_gif_close(ibsh_gif *g, int abort);

#endif
