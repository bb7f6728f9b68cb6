/*
** The raster drawing device: plot_dev callbacks that draw on an ibsh_raster.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "font.h"
#include "plot_internal.h"

/* Clip the raster to a box (NULL: whole image). */
static void r_clip(void *ctx, const double *box) {
  ibsh_raster *r = ctx;
  if (!box) ibsh_raster_noclip(r);
  else ibsh_raster_clip(r, (int)floor(box[0]), (int)floor(box[1]), (int)ceil(box[2]), (int)ceil(box[3]));
}

/* Fill a rectangle. */
static int r_rect(void *ctx, double x0, double y0, double x1, double y1, const double rgba[4]) {
  ibsh_raster_fill_rect(ctx, x0, y0, x1, y1, rgba);
  return IBSH_OK;
}

/* Stroke a polyline. */
static int r_stroke(void *ctx, const double *xy, size_t n, double width, const double rgba[4], const double *dash, int ndash) {
  return ibsh_raster_stroke(ctx, xy, n, width, rgba, dash, ndash);
}

/* Fill a polygon. */
static int r_poly(void *ctx, const double *xy, size_t n, const double rgba[4]) {
  return ibsh_raster_fill_poly(ctx, xy, n, rgba);
}

/* Draw markers. */
static int r_markers(void *ctx, const float *xy, size_t n, const unsigned char *rgba8, int percolor,
                     const float *diam, int persize, int shape) {
  return ibsh_raster_markers(ctx, xy, n, rgba8, percolor, diam, persize, shape);
}

/* Render text with FreeType and composite it (rotated 90 degrees when rot). */
static int r_text(void *ctx, const char *s, double x, double y, double px, int rot, const double rgba[4]) {
  ibsh_textimg img;
  int rc = ibsh_font_render(s, px, &img);
  if (rc == IBSH_OK && rot) rc = ibsh_textimg_rotate90(&img);
  if (rc == IBSH_OK)
    ibsh_raster_blit(ctx, img.cov, img.w, img.h, (int)lround(x) - img.ox, (int)lround(y) - img.oy, rgba);
  ibsh_textimg_free(&img);
  return rc;
}

/* Composite a straight-alpha RGBA8 image with its top-left pixel at (x, y). */
static int r_image(void *ctx, double x, double y, int w, int h, const unsigned char *rgba) {
  ibsh_raster_image(ctx, rgba, w, h, (int)lround(x), (int)lround(y));
  return IBSH_OK;
}

/* Make dev draw on raster r. */
int plot_raster_dev(plot_dev *dev, ibsh_raster *r) {
  dev->ctx = r;
  dev->clip = r_clip;
  dev->rect = r_rect;
  dev->stroke = r_stroke;
  dev->poly = r_poly;
  dev->markers = r_markers;
  dev->text = r_text;
  dev->image = r_image;
  dev->vector = 0;
  return IBSH_OK;
}
