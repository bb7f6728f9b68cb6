/*
** Drawing primitives shared by the figure walk and the legend: aligned text,
** series colours, dashed strokes and markers, on any device.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "colormap.h"
#include "ibsh/error.h"
#include "font.h"
#include "plot_layout.h"

/* Draw s aligned at (x, y): halign 0 left, 1 centre, 2 right; valign 0 baseline, 1 centre, 2 top, 3 bottom. */
int plot_text(plot_dev *dev, const char *s, double x, double y, double px, int halign, int valign, int rot,
                     const double rgba[4]) {
  if (!s || !*s) return IBSH_OK;
  double w, asc, desc;
  int rc = ibsh_font_measure(s, px, &w, &asc, &desc);
  if (rc) return rc;
  double along = halign == 1 ? w / 2 : halign == 2 ? w : 0;
  double across = valign == 1 ? (asc - desc) / 2 : valign == 2 ? asc : valign == 3 ? -desc : 0;
  if (rot) return dev->text(dev->ctx, s, x + across, y + along, px, 1, rgba);
  return dev->text(dev->ctx, s, x - along, y + across, px, 0, rgba);
}

/* The colour of value v under a series' colour map. */
void plot_map_color(const plot_series *s, double v, double rgba[4]) {
  double t = s->st.clog ? (v > 0 ? (log10(v) - s->lo) / s->span : 0) : (v - s->lo) / s->span;
  ibsh_colormap_eval(s->st.cmap, t, rgba);
  rgba[3] = (s->st.color[3] < 0 ? 1 : s->st.color[3]) * s->st.alpha;
}

/* A series' plain colour with its alpha applied. */
void plot_plain_color(const plot_series *s, double rgba[4]) {
  memcpy(rgba, s->st.color, 4 * sizeof *rgba);
  rgba[3] *= s->st.alpha;
}

/* Dash pattern in pixels for a style and line width (round caps eat lw from each dash). */
static int dash_pattern(int dash, double lw, double out[4]) {
  static const double pat[4][4] = {{0}, {3.7, 1.6}, {1, 1.65}, {6.4, 1.6, 1, 1.6}};
  static const int len[4] = {0, 2, 2, 4};
  if (dash <= 0 || dash > 3) return 0;
  double scale = lw < 1 ? 1 : lw;
  for (int i = 0; i < len[dash]; i++) {
    double v = pat[dash][i] * scale;
    out[i] = (i & 1) ? v + scale : fmax(v - scale, 0.01);
  }
  return len[dash];
}

/* Stroke a polyline given in pixels with a series style. */
int plot_stroke_styled(plot_dev *dev, const double *xy, size_t n, double lw, const double rgba[4], int dash) {
  double pat[4];
  int nd = dash_pattern(dash, lw, pat);
  return dev->stroke(dev->ctx, xy, n, lw, rgba, nd ? pat : NULL, nd);
}

/* Draw single-colour markers at pixel points. */
int plot_markers_one(plot_dev *dev, const double *xy, size_t n, double diam, int shape, const double rgba[4]) {
  unsigned char c[4];
  for (int k = 0; k < 4; k++) c[k] = (unsigned char)lround(fmin(fmax(rgba[k], 0), 1) * 255);
  float d = (float)diam;
  float *f = malloc((n ? n : 1) * 2 * sizeof *f);
  if (!f) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(xy[2 * i]) && isfinite(xy[2 * i + 1])) { f[2 * m] = (float)xy[2 * i]; f[2 * m + 1] = (float)xy[2 * i + 1]; m++; }
  int rc = dev->markers(dev->ctx, f, m, c, 0, &d, 0, shape);
  free(f);
  return rc;
}

