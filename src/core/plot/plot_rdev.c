/*
** The raster drawing device (for PNG output) and figure rendering/saving.
*/
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "ibsh/error.h"
#include "font.h"
#include "plot_internal.h"
#include "io/png_io.h"

#define IBSH_PLOT_VERSION "0.1"

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

/* Render into a new raster r (initialised here; release with ibsh_raster_free). */
int ibsh_figure_render(ibsh_figure *fig, ibsh_raster *r) {
  static const double white[4] = {1, 1, 1, 1};
  int rc = ibsh_raster_init(r, fig->w, fig->h, white);
  if (rc) return rc;
  plot_dev dev;
  plot_raster_dev(&dev, r);
  rc = plot_draw(fig, &dev);
  if (rc) ibsh_raster_free(r);
  return rc;
}

/* The first title of the figure (suptitle, else the first axes title), or "". */
static const char *figure_title(const ibsh_figure *fig) {
  if (fig->suptitle) return fig->suptitle;
  for (int i = 0; i < fig->rows * fig->cols; i++) if (fig->axes[i].title) return fig->axes[i].title;
  return "";
}

/* Write the PNG of a figure. */
static int save_png(ibsh_figure *fig, const char *path) {
  ibsh_raster r;
  int rc = ibsh_figure_render(fig, &r);
  if (rc) return rc;
  unsigned char *out = malloc((size_t)r.w * (size_t)r.h * 4);
  if (!out) { ibsh_raster_free(&r); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  ibsh_raster_export(&r, out);
  const char *text[4] = {"Software", "ibsh " IBSH_PLOT_VERSION " (libpng, FreeType)", "Title", figure_title(fig)};
  rc = ibsh_png_write(path, out, r.w, r.h, text, figure_title(fig)[0] ? 2 : 1, fig->dpi);
  free(out);
  ibsh_raster_free(&r);
  return rc;
}

/* Write the SVG of a figure through a temporary file. */
static int save_svg(ibsh_figure *fig, const char *path) {
  int rc = ibsh_font_load();
  if (rc) return rc;
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 24);
  if (!tmp) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  snprintf(tmp, plen + 24, "%s.tmp%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "w");
  if (!f) { rc = ibsh_fail(IBSH_EIO, "cannot write '%s': %s", path, strerror(errno)); free(tmp); return rc; }
  plot_dev dev;
  rc = plot_svg_begin(&dev, f, fig->w, fig->h, figure_title(fig));
  if (rc == IBSH_OK) rc = plot_draw(fig, &dev);
  int rc2 = plot_svg_end(&dev);
  if (rc == IBSH_OK) rc = rc2;
  if (fclose(f) != 0 && rc == IBSH_OK) rc = ibsh_fail(IBSH_EIO, "cannot write '%s': %s", path, strerror(errno));
  if (rc == IBSH_OK && rename(tmp, path) != 0) rc = ibsh_fail(IBSH_EIO, "cannot rename to '%s': %s", path, strerror(errno));
  if (rc != IBSH_OK) remove(tmp);
  free(tmp);
  return rc;
}

/* Write the figure to path: .png (libpng RGBA8) or .svg, by extension. */
int ibsh_figure_save(ibsh_figure *fig, const char *path) {
  const char *dot = strrchr(path, '.');
  if (dot && strcasecmp(dot, ".png") == 0) return save_png(fig, path);
  if (dot && strcasecmp(dot, ".svg") == 0) return save_svg(fig, path);
  return ibsh_fail(IBSH_EINVAL, "cannot tell the format of '%s': use a .png or .svg extension", path);
}
