/*
** The SVG drawing device: the same drawing calls as the raster device, written
** as SVG 1.1 elements (paths, circles, text with DejaVu Sans, clip paths).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "plot_internal.h"
#include "io/png_io.h"

typedef struct svg_ctx {
  FILE *f;
  int nclips;
  int in_group;
} svg_ctx;

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
  if (len == 0 || len > n || (len == 2 && s[0] < 0xc2)) return 0;
  for (size_t i = 1; i < len; i++) if ((s[i] & 0xc0) != 0x80) return 0;
  return len;
}

/* Write s with XML special characters escaped and invalid UTF-8 replaced by U+FFFD. */
static void xml_escape(FILE *f, const char *s, size_t n) {
  size_t i = 0;
  while (i < n && s[i]) {
    size_t len = utf8_len((const unsigned char *)s + i, n - i);
    if (len == 0) { fputs("&#xFFFD;", f); i++; continue; }
    if (len > 1) { fwrite(s + i, 1, len, f); i += len; continue; }
    switch (s[i]) {
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '"': fputs("&quot;", f); break;
    default:
      if ((unsigned char)s[i] >= 0x20 || s[i] == '\t') fputc(s[i], f);
    }
    i++;
  }
}

/* Write a colour attribute pair: name="rgb(...)" name-opacity="a" (opacity only when below 1). */
static void color_attr(FILE *f, const char *name, const double rgba[4]) {
  int c[3];
  for (int k = 0; k < 3; k++) c[k] = (int)lround(fmin(fmax(rgba[k], 0), 1) * 255);
  fprintf(f, " %s=\"#%02x%02x%02x\"", name, c[0], c[1], c[2]);
  if (rgba[3] < 1) fprintf(f, " %s-opacity=\"%.3g\"", name, fmax(rgba[3], 0));
}

/* Start clipping to box (NULL ends clipping). */
static void s_clip(void *ctx, const double *box) {
  svg_ctx *c = ctx;
  if (c->in_group) { fputs("</g>\n", c->f); c->in_group = 0; }
  if (!box) return;
  int id = c->nclips++;
  fprintf(c->f, "<clipPath id=\"clip%d\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/></clipPath>\n",
          id, box[0], box[1], box[2] - box[0], box[3] - box[1]);
  fprintf(c->f, "<g clip-path=\"url(#clip%d)\">\n", id);
  c->in_group = 1;
}

/* A filled rectangle. */
static int s_rect(void *ctx, double x0, double y0, double x1, double y1, const double rgba[4]) {
  svg_ctx *c = ctx;
  fprintf(c->f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"", x0, y0, x1 - x0, y1 - y0);
  color_attr(c->f, "fill", rgba);
  fputs("/>\n", c->f);
  return IBSH_OK;
}

/* Write path data for n points, a NaN point starting a new subpath; returns the points written. */
static size_t path_data(FILE *f, const double *xy, size_t n, int close) {
  int pen = 0;
  size_t written = 0;
  for (size_t i = 0; i < n; i++) {
    double x = xy[2 * i], y = xy[2 * i + 1];
    if (!isfinite(x) || !isfinite(y)) { pen = 0; continue; }
    x = fmin(fmax(x, -1e6), 1e6);
    y = fmin(fmax(y, -1e6), 1e6);
    fprintf(f, "%c%.2f %.2f", pen ? 'L' : 'M', x, y);
    pen = 1;
    written++;
  }
  if (close && written) fputc('Z', f);
  return written;
}

/* A stroked polyline with optional dashes. */
static int s_stroke(void *ctx, const double *xy, size_t n, double width, const double rgba[4], const double *dash, int ndash) {
  svg_ctx *c = ctx;
  fputs("<path d=\"", c->f);
  path_data(c->f, xy, n, 0);
  fputs("\" fill=\"none\"", c->f);
  color_attr(c->f, "stroke", rgba);
  fprintf(c->f, " stroke-width=\"%.2f\" stroke-linecap=\"round\" stroke-linejoin=\"round\"", width);
  if (ndash > 0) {
    fputs(" stroke-dasharray=\"", c->f);
    for (int i = 0; i < ndash; i++) fprintf(c->f, "%s%.2f", i ? "," : "", dash[i]);
    fputc('"', c->f);
  }
  fputs("/>\n", c->f);
  return ferror(c->f) ? ibsh_fail(IBSH_EIO, "write failed") : IBSH_OK;
}

/* A filled polygon. */
static int s_poly(void *ctx, const double *xy, size_t n, const double rgba[4]) {
  svg_ctx *c = ctx;
  fputs("<path d=\"", c->f);
  path_data(c->f, xy, n, 1);
  fputc('"', c->f);
  color_attr(c->f, "fill", rgba);
  fputs("/>\n", c->f);
  return IBSH_OK;
}

/* Markers as circles or squares. */
static int s_markers(void *ctx, const float *xy, size_t n, const unsigned char *rgba8, int percolor,
                     const float *diam, int persize, int shape) {
  svg_ctx *c = ctx;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *col = percolor ? rgba8 + 4 * i : rgba8;
    double d = persize ? diam[i] : diam[0], rgba[4];
    if (!(d > 0) || col[3] == 0) continue;
    for (int k = 0; k < 4; k++) rgba[k] = col[k] / 255.0;
    double x = xy[2 * i], y = xy[2 * i + 1], r = d / 2, h = fmax(0.5, 0.1 * r);
    if (shape == 1) fprintf(c->f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"", x - r, y - r, d, d);
    else if (shape == 2) fprintf(c->f, "<path d=\"M%.2f %.2fL%.2f %.2fL%.2f %.2fL%.2f %.2fZ\"", x, y - r, x + r, y, x, y + r, x - r, y);
    else if (shape == 3) fprintf(c->f, "<path d=\"M%.2f %.2fL%.2f %.2fL%.2f %.2fZ\"", x, y - r, x + r, y + r, x - r, y + r);
    else if (shape == 4) fprintf(c->f, "<path d=\"M%.2f %.2fL%.2f %.2fL%.2f %.2fZ\"", x, y + r, x + r, y - r, x - r, y - r);
    else if (shape == 5 || shape == 6) {
      double a = shape == 6 ? 45 : 0;
      fprintf(c->f, "<path transform=\"rotate(%g %.2f %.2f)\" d=\"M%.2f %.2fH%.2fV%.2fH%.2fV%.2fH%.2fV%.2fH%.2fV%.2fH%.2fV%.2fH%.2fZ\"",
              a, x, y, x - h, y - r, x + h, y - h, x + r, y + h, x + h, y + r, x - h, y + h, x - r, y - h, x - h);
    } else fprintf(c->f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\"", x, y, r);
    color_attr(c->f, "fill", rgba);
    fputs("/>\n", c->f);
    if ((i & 65535) == 65535 && ibsh_interrupted()) return ibsh_fail(IBSH_EINTR, "interrupted");
  }
  return ferror(c->f) ? ibsh_fail(IBSH_EIO, "write failed") : IBSH_OK;
}

/* Text in DejaVu Sans; "^{...}" runs become raised, smaller tspans. */
static int s_text(void *ctx, const char *s, double x, double y, double px, int rot, const double rgba[4]) {
  svg_ctx *c = ctx;
  fprintf(c->f, "<text x=\"%.2f\" y=\"%.2f\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"%.2f\"", x, y, px);
  if (rot) fprintf(c->f, " transform=\"rotate(-90 %.2f %.2f)\"", x, y);
  color_attr(c->f, "fill", rgba);
  fputc('>', c->f);
  double rise = 0.42 * px;
  while (*s) {
    const char *sup = strstr(s, "^{");
    const char *end = sup ? strchr(sup + 2, '}') : NULL;
    if (!sup || !end) { xml_escape(c->f, s, strlen(s)); break; }
    xml_escape(c->f, s, (size_t)(sup - s));
    fprintf(c->f, "<tspan dy=\"%.2f\" font-size=\"%.2f\">", -rise, 0.7 * px);
    xml_escape(c->f, sup + 2, (size_t)(end - sup - 2));
    fprintf(c->f, "</tspan><tspan dy=\"%.2f\">", rise);
    s = end + 1;
    fputs("</tspan>", c->f);
  }
  fputs("</text>\n", c->f);
  return IBSH_OK;
}

/* Write bytes as base64. */
static void base64(FILE *f, const unsigned char *p, size_t n) {
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    fputc(tab[v >> 18 & 63], f);
    fputc(tab[v >> 12 & 63], f);
    fputc(i + 1 < n ? tab[v >> 6 & 63] : '=', f);
    fputc(i + 2 < n ? tab[v & 63] : '=', f);
  }
}

/* An embedded PNG image (for scatters too large to write as circles). */
static int s_image(void *ctx, double x, double y, int w, int h, const unsigned char *rgba) {
  svg_ctx *c = ctx;
  unsigned char *png;
  size_t len;
  int rc = ibsh_png_encode(rgba, w, h, &png, &len);
  if (rc) return rc;
  fprintf(c->f, "<image x=\"%.2f\" y=\"%.2f\" width=\"%d\" height=\"%d\" preserveAspectRatio=\"none\" "
                "xlink:href=\"data:image/png;base64,", x, y, w, h);
  base64(c->f, png, len);
  fputs("\"/>\n", c->f);
  free(png);
  return ferror(c->f) ? ibsh_fail(IBSH_EIO, "write failed") : IBSH_OK;
}

/* Start an SVG document of w x h pixels on f and make dev write to it. */
int plot_svg_begin(plot_dev *dev, FILE *f, int w, int h, const char *title) {
  svg_ctx *c = calloc(1, sizeof *c);
  if (!c) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  c->f = f;
  dev->ctx = c;
  dev->clip = s_clip;
  dev->rect = s_rect;
  dev->stroke = s_stroke;
  dev->poly = s_poly;
  dev->markers = s_markers;
  dev->text = s_text;
  dev->image = s_image;
  dev->vector = 1;
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
          w, h, w, h);
  fputs("<title>", f);
  xml_escape(f, title ? title : "", title ? strlen(title) : 0);
  fputs("</title>\n<desc>Created by ibsh</desc>\n", f);
  return IBSH_OK;
}

/* Close the SVG document and release the device. */
int plot_svg_end(plot_dev *dev) {
  svg_ctx *c = dev->ctx;
  if (!c) return IBSH_OK;
  if (c->in_group) fputs("</g>\n", c->f);
  fputs("</svg>\n", c->f);
  int rc = ferror(c->f) ? ibsh_fail(IBSH_EIO, "write failed") : IBSH_OK;
  free(c);
  dev->ctx = NULL;
  return rc;
}
