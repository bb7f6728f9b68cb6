/*
** Animated PNG (APNG) writing: RGBA8 frames, each stored as the rectangle that
** changed since the previous one, deflated with zlib; plain PNG viewers show frame 1.
*/
#ifndef IBSH_IO_APNG_H
#define IBSH_IO_APNG_H

#include <stdint.h>
#include "durable.h"

/* An APNG being written to a temporary file next to its path. */
typedef struct ibsh_apng {
  dur_file file;
  char *path, *tmp;
  int w, h, frames, nframes;
  uint32_t seq;            /* sequence number of the next fcTL/fdAT chunk */
  unsigned char *prev;     /* the previous frame's pixels */
} ibsh_apng;

/* Start path: w x h pixels, nframes frames (known in advance: the acTL chunk comes first), looping forever. */
int ibsh_apng_open(ibsh_apng *a, const char *path, int w, int h, int nframes);

/* Add a frame of w x h straight-alpha RGBA8 pixels shown for delay_cs hundredths of a second. */
int ibsh_apng_frame(ibsh_apng *a, const unsigned char *rgba, int delay_cs);

/* Finish the file (it must have nframes frames) and rename it over path (abort: remove it instead). */
int ibsh_apng_close(ibsh_apng *a, int abort);

#endif
