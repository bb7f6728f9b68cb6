/*
** An anti-aliased RGBA raster: premultiplied 8-bit pixels, a clip rectangle,
** strokes (distance-based coverage, dashes), polygon fills (exact area
** coverage), marker stamps and coverage-bitmap blits (text).
** Coordinates are pixels with y down; pixel (i, j) covers [i, i+1) x [j, j+1).
*/
#ifndef IBSH_RASTER_H
#define IBSH_RASTER_H

#include <stddef.h>

typedef struct ibsh_stamp ibsh_stamp;

typedef struct ibsh_raster {
  int w, h;
  unsigned char *px;      /* premultiplied RGBA8, row-major, w*h*4 bytes */
  float *mask;            /* stroke coverage scratch, allocated on first stroke */
  int *span;              /* per row: first and last+1 column touched in the mask (2 ints per row) */
  int cx0, cy0, cx1, cy1; /* clip rectangle in pixels, cx1/cy1 exclusive */
  ibsh_stamp *stamps;     /* cached marker coverage stamps */
  int nstamps;
} ibsh_raster;

enum { IBSH_MARKER_CIRCLE = 0, IBSH_MARKER_SQUARE, IBSH_MARKER_DIAMOND, IBSH_MARKER_TRIUP, IBSH_MARKER_TRIDOWN,
       IBSH_MARKER_PLUS, IBSH_MARKER_CROSS };

/* Nonzero when offset (dx, dy) from a marker's centre lies inside marker shape of radius rad (y down). */
int ibsh_marker_inside(int shape, double dx, double dy, double rad);

/* Allocate a w x h raster filled with the straight-alpha colour bg (rgba in [0, 1]). */
int ibsh_raster_init(ibsh_raster *r, int w, int h, const double bg[4]);

/* Release the raster's memory. */
void ibsh_raster_free(ibsh_raster *r);

/* Restrict drawing to [x0, x1) x [y0, y1) (clamped to the image). */
void ibsh_raster_clip(ibsh_raster *r, int x0, int y0, int x1, int y1);

/* Drawing everywhere again. */
void ibsh_raster_noclip(ibsh_raster *r);

/* Fill the rectangle [x0, x1] x [y0, y1] with partial coverage on fractional edges. */
void ibsh_raster_fill_rect(ibsh_raster *r, double x0, double y0, double x1, double y1, const double rgba[4]);

/* Stroke a polyline of n points xy[2i], xy[2i+1] (a NaN point breaks it); dash lengths in pixels or NULL. */
int ibsh_raster_stroke(ibsh_raster *r, const double *xy, size_t n, double width, const double rgba[4],
                       const double *dash, int ndash);

/* Fill a polygon of n points (non-zero winding) with anti-aliased edges. */
int ibsh_raster_fill_poly(ibsh_raster *r, const double *xy, size_t n, const double rgba[4]);

/* Draw n markers centred at xy (float pairs); colours rgba8 straight alpha, one per point when
   percolor else one; diameters in pixels, one per point when persize else one. */
int ibsh_raster_markers(ibsh_raster *r, const float *xy, size_t n, const unsigned char *rgba8, int percolor,
                        const float *diam, int persize, int shape);

/* Composite a coverage bitmap (w x h) in colour rgba with its top-left pixel at (x, y). */
void ibsh_raster_blit(ibsh_raster *r, const unsigned char *cov, int w, int h, int x, int y, const double rgba[4]);

/* Composite a straight-alpha RGBA8 image (w x h) with its top-left pixel at (x, y). */
void ibsh_raster_image(ibsh_raster *r, const unsigned char *rgba, int w, int h, int x, int y);

/* Copy the pixels as straight-alpha RGBA8 into out (w*h*4 bytes). */
void ibsh_raster_export(const ibsh_raster *r, unsigned char *out);

#endif
