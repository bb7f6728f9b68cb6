/*
** PNG files through libpng: 8-bit RGBA write (temp file, then rename, with tEXt
** chunks) and read (any PNG, converted to 8-bit RGBA).
*/
#ifndef IBSH_PNG_IO_H
#define IBSH_PNG_IO_H

#include <stddef.h>

/* Write w x h straight-alpha RGBA8 pixels to path; text holds ntext key/value pairs (key0, value0, ...);
   dpi > 0 is recorded in a pHYs chunk. */
int ibsh_png_write(const char *path, const unsigned char *rgba, int w, int h,
                   const char *const *text, int ntext, double dpi);

/* The resolution recorded in a PNG's pHYs chunk in dots per inch (0 when absent). */
double ibsh_png_dpi(const char *path);

/* Encode w x h straight-alpha RGBA8 pixels as a PNG in memory (*out malloc'd, *len bytes). */
int ibsh_png_encode(const unsigned char *rgba, int w, int h, unsigned char **out, size_t *len);

/* Read a PNG into a malloc'd RGBA8 buffer (*rgba, freed by the caller) of *w x *h pixels. */
int ibsh_png_read(const char *path, unsigned char **rgba, int *w, int *h);

/* Read the value of tEXt/iTXt chunk key into buf (empty if absent). */
int ibsh_png_text(const char *path, const char *key, char *buf, int len);

#endif
