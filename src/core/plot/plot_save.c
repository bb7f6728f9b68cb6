/*
** Rendering and saving figures: a raster for PNG (through the raster device),
** or SVG through a temporary file; the format comes from the extension.
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
  int write_error = ferror(f) || fflush(f) != 0;   /* an earlier failed write is not reported by fclose */
  if ((fclose(f) != 0 || write_error) && rc == IBSH_OK) rc = ibsh_fail(IBSH_EIO, "cannot write '%s': %s", path, strerror(errno));
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
