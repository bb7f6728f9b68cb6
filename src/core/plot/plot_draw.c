/*
** Drawing a laid-out figure on a device: series clipped to their axes, then
** spines, ticks, labels, titles, legends and colour bars.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "colormap.h"
#include "ibsh/error.h"
#include "font.h"
#include "ibsh/interrupt.h"
#include "plot_layout.h"

#define CHUNK 65536

static const double BLACK[4] = {0, 0, 0, 1};
static const double WHITE[4] = {1, 1, 1, 1};
static const double GRID[4] = {0.69, 0.69, 0.69, 1};

/* Pixel coordinates of a data point; NaN when not finite or not on a log axis. */
static void to_px(const ibsh_axes *ax, double x, double y, double *px, double *py) {
  if (!isfinite(x) || !isfinite(y)) { *px = *py = NAN; return; }
  *px = lay_map(ax, 0, x);
  *py = lay_map(ax, 1, y);
  if (isnan(*px) || isnan(*py)) *px = *py = NAN;
}

/* Draw a line series: each row a polyline, coloured by its value when mapped, with optional markers. */
static int draw_line(plot_dev *dev, const ibsh_axes *ax, const plot_series *s, const lay_metrics *m) {
  double *xy = malloc((s->cols ? s->cols : 1) * 2 * sizeof *xy);
  if (!xy) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  int rc = IBSH_OK;
  double lw = s->st.width * m->pt;
  for (size_t r = 0; r < s->rows && rc == IBSH_OK; r++) {
    double rgba[4];
    if (s->v) plot_map_color(s, s->v[r], rgba); else plot_plain_color(s, rgba);
    for (size_t i = 0; i < s->cols; i++)
      to_px(ax, s->x[r * s->cols + i], s->y[r * s->cols + i], &xy[2 * i], &xy[2 * i + 1]);
    if (lw > 0) rc = plot_stroke_styled(dev, xy, s->cols, lw, rgba, s->st.dash);
    if (rc == IBSH_OK && s->st.marker)
      rc = plot_markers_one(dev, xy, s->cols, s->st.size * m->pt, plot_marker_shape(s->st.marker), rgba);
    if ((r & 255) == 255 && ibsh_interrupted()) rc = ibsh_fail(IBSH_EINTR, "interrupted");
  }
  free(xy);
  return rc;
}

static int draw_scatter(plot_dev *dev, const ibsh_axes *ax, const plot_series *s, const lay_metrics *m);

/* Draw a large scatter on a vector device as an embedded image of the axes area. */
static int draw_scatter_image(plot_dev *dev, const ibsh_axes *ax, const plot_series *s, const lay_metrics *m) {
  int x0 = (int)ax->box[0], y0 = (int)ax->box[1], w = (int)(ax->box[2] - ax->box[0]), h = (int)(ax->box[3] - ax->box[1]);
  static const double clear[4] = {1, 1, 1, 0};
  ibsh_raster r;
  int rc = ibsh_raster_init(&r, w, h, clear);
  if (rc) return rc;
  plot_dev off;
  plot_raster_dev(&off, &r);
  ibsh_axes shifted = *ax;  /* the same axes moved so its box starts at the image origin */
  shifted.box[0] -= x0; shifted.box[2] -= x0; shifted.box[1] -= y0; shifted.box[3] -= y0;
  rc = draw_scatter(&off, &shifted, s, m);
  unsigned char *px = rc ? NULL : malloc((size_t)w * (size_t)h * 4);
  if (!rc && !px) rc = ibsh_fail(IBSH_ENOMEM, "out of memory");
  if (!rc) {
    ibsh_raster_export(&r, px);
    rc = dev->image(dev->ctx, x0, y0, w, h, px);
  }
  free(px);
  ibsh_raster_free(&r);
  return rc;
}

/* Draw a scatter series in chunks (bounded memory), colours through a 256-entry lookup table. */
static int draw_scatter(plot_dev *dev, const ibsh_axes *ax, const plot_series *s, const lay_metrics *m) {
  float *xy = malloc(CHUNK * 2 * sizeof *xy), *d = malloc(CHUNK * sizeof *d);
  unsigned char *col = malloc(CHUNK * 4);
  int rc = IBSH_OK;
  if (!xy || !d || !col) rc = ibsh_fail(IBSH_ENOMEM, "out of memory");
  unsigned char lut[256][4], one[4];
  double rgba[4];
  plot_plain_color(s, rgba);
  for (int k = 0; k < 4; k++) one[k] = (unsigned char)lround(fmin(fmax(rgba[k], 0), 1) * 255);
  if (s->v) ibsh_colormap_lut(s->st.cmap, (s->st.color[3] < 0 ? 1 : s->st.color[3]) * s->st.alpha, lut);
  double scale = 255.0 / s->span;
  int clog = s->st.clog;
  float d0 = (float)(s->st.size * m->pt);
  int shape = plot_marker_shape(s->st.marker);
  double lx0 = ax->view[0][0], lx1 = ax->view[0][1], ly0 = ax->view[1][0], ly1 = ax->view[1][1];
  int logx = ax->log[0], logy = ax->log[1];
  if (logx) { lx0 = log10(lx0); lx1 = log10(lx1); }
  if (logy) { ly0 = log10(ly0); ly1 = log10(ly1); }
  double ax0 = ax->box[0] + 0.5, sx = (ax->box[2] - ax->box[0] - 1) / (lx1 - lx0);
  double ay0 = ax->box[3] - 0.5, sy = (ax->box[3] - ax->box[1] - 1) / (ly1 - ly0);
  for (size_t base = 0; base < s->n && rc == IBSH_OK; base += CHUNK) {
    size_t end = base + CHUNK < s->n ? base + CHUNK : s->n, k = 0;
    for (size_t i = base; i < end; i++) {
      double x = s->x[i], y = s->y[i];
      if (!isfinite(x) || !isfinite(y)) continue;
      if (logx) { if (!(x > 0)) continue; x = log10(x); }
      if (logy) { if (!(y > 0)) continue; y = log10(y); }
      double px = ax0 + (x - lx0) * sx, py = ay0 - (y - ly0) * sy;
      if (!(px > -1e6 && px < 1e6 && py > -1e6 && py < 1e6)) continue;
      xy[2 * k] = (float)px;
      xy[2 * k + 1] = (float)py;
      if (s->v) {
        double v = s->v[i];
        if (!isfinite(v)) continue;
        double t = ((clog ? (v > 0 ? log10(v) : s->lo) : v) - s->lo) * scale;
        int li = !(t > 0) ? 0 : t >= 255 ? 255 : (int)(t + 0.5);
        memcpy(col + 4 * k, lut[li], 4);
      }
      if (s->s) d[k] = (float)(s->s[i] * m->pt);
      k++;
    }
    rc = dev->markers(dev->ctx, xy, k, s->v ? col : one, s->v != NULL, s->s ? d : &d0, s->s != NULL, shape);
  }
  free(xy); free(d); free(col);
  return rc;
}

/* Draw an image series: nearest-cell sampling at each pixel centre of the axes box, as one RGBA image. */
static int draw_image(plot_dev *dev, const ibsh_axes *ax, const plot_series *s) {
  int x0 = (int)ax->box[0], y0 = (int)ax->box[1], w = (int)(ax->box[2] - ax->box[0]), h = (int)(ax->box[3] - ax->box[1]);
  unsigned char *px = calloc((size_t)w * (size_t)h, 4);
  int *col = malloc((size_t)w * sizeof *col);
  if (!px || !col) { free(px); free(col); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  unsigned char lut[256][4];
  ibsh_colormap_lut(s->st.cmap, (s->st.color[3] < 0 ? 1 : s->st.color[3]) * s->st.alpha, lut);
  double ex0 = s->x[0], ex1 = s->x[1], ey0 = s->y[0], ey1 = s->y[1];
  for (int i = 0; i < w; i++) {
    double x = lay_unmap(ax, 0, x0 + i + 0.5);
    double f = (x - ex0) / (ex1 - ex0);
    col[i] = f >= 0 && f < 1 ? (int)(f * s->cols) : -1;
  }
  for (int j = 0; j < h; j++) {
    double y = lay_unmap(ax, 1, y0 + j + 0.5);
    double from = s->st.marker ? ey1 : ey0, to = s->st.marker ? ey0 : ey1;  /* row 1 sits at y1 when upper */
    double f = (y - from) / (to - from);
    if (!(f >= 0 && f < 1)) continue;
    size_t row = (size_t)(f * s->rows);
    for (int i = 0; i < w; i++) {
      if (col[i] < 0) continue;
      double v = s->v[row * s->cols + (size_t)col[i]];
      if (!isfinite(v)) continue;
      double t = s->st.clog ? (v > 0 ? (log10(v) - s->lo) / s->span : 0) : (v - s->lo) / s->span;
      int li = !(t > 0) ? 0 : t >= 1 ? 255 : (int)(t * 255 + 0.5);
      memcpy(px + 4 * ((size_t)j * (size_t)w + (size_t)i), lut[li], 4);
    }
  }
  int rc = dev->image(dev->ctx, x0, y0, w, h, px);
  free(px);
  free(col);
  return rc;
}

/* Draw bars as filled rectangles (bottoms at or below zero on a log axis start below the axes). */
static int draw_bars(plot_dev *dev, const ibsh_axes *ax, const plot_series *s) {
  double rgba[4];
  plot_plain_color(s, rgba);
  int rc = IBSH_OK;
  for (size_t i = 0; i < s->n && rc == IBSH_OK; i++) {
    double x = s->x[i], w = fabs(s->s[i]), b = s->y2[i], t = b + s->y[i];
    if (!isfinite(x) || !isfinite(w) || !isfinite(b) || !isfinite(t)) continue;
    double xa = lay_map(ax, 0, x - w / 2), xb = lay_map(ax, 0, x + w / 2);
    double ya = lay_map(ax, 1, b), yb = lay_map(ax, 1, t);
    if (isnan(ya) && ax->log[1]) ya = ax->box[3] + 10;
    if (isnan(xa) || isnan(xb) || isnan(ya) || isnan(yb)) continue;
    double poly[8] = {xa, ya, xb, ya, xb, yb, xa, yb};
    rc = dev->poly(dev->ctx, poly, 4, rgba);
  }
  return rc;
}

/* Draw a band: each run of finite points becomes one filled polygon. */
static int draw_band(plot_dev *dev, const ibsh_axes *ax, const plot_series *s) {
  double *poly = malloc((s->n ? s->n : 1) * 4 * sizeof *poly);
  if (!poly) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  double rgba[4];
  plot_plain_color(s, rgba);
  int rc = IBSH_OK;
  size_t i = 0;
  while (i < s->n && rc == IBSH_OK) {
    size_t j = i, k = 0;
    double px, py;
    for (; j < s->n; j++) {
      to_px(ax, s->x[j], s->y[j], &px, &py);
      double qx, qy;
      to_px(ax, s->x[j], s->y2[j], &qx, &qy);
      if (isnan(px) || isnan(qx)) break;
      k++;
    }
    for (size_t a = 0; a < k; a++) {
      to_px(ax, s->x[i + a], s->y[i + a], &poly[2 * a], &poly[2 * a + 1]);
      to_px(ax, s->x[i + k - 1 - a], s->y2[i + k - 1 - a], &poly[2 * (k + a)], &poly[2 * (k + a) + 1]);
    }
    if (k >= 2) rc = dev->poly(dev->ctx, poly, 2 * k, rgba);
    i = j + 1;
  }
  free(poly);
  return rc;
}

/* Draw error bars with caps, the joining line and optional markers. */
static int draw_errorbar(plot_dev *dev, const ibsh_axes *ax, const plot_series *s, const lay_metrics *m) {
  double rgba[4];
  plot_plain_color(s, rgba);
  double lw = fmax(s->st.width, 1) * m->pt, cap = s->st.capsize * m->pt;
  int rc = IBSH_OK;
  for (size_t i = 0; i < s->n && rc == IBSH_OK; i++) {
    double x, y0, y1, t;
    to_px(ax, s->x[i], s->y[i] - fabs(s->y2[i]), &x, &y0);
    to_px(ax, s->x[i], s->y[i] + fabs(s->y3[i]), &t, &y1);
    if (ax->log[1] && !isnan(t) && isnan(y0) && isfinite(s->y[i])) { x = t; y0 = ax->box[3] + 10; }  /* log axis: clip at the bottom */
    if (isnan(x) || isnan(t)) continue;
    double bar[4] = {x, y0, x, y1};
    rc = plot_stroke_styled(dev, bar, 2, lw, rgba, 0);
    if (cap > 0 && rc == IBSH_OK) {
      double c0[4] = {x - cap, y0, x + cap, y0}, c1[4] = {x - cap, y1, x + cap, y1};
      if ((rc = plot_stroke_styled(dev, c0, 2, lw, rgba, 0)) == IBSH_OK) rc = plot_stroke_styled(dev, c1, 2, lw, rgba, 0);
    }
  }
  if (rc == IBSH_OK && (s->st.width > 0 || s->st.marker)) {
    double *xy = malloc((s->n ? s->n : 1) * 2 * sizeof *xy);
    if (!xy) return ibsh_fail(IBSH_ENOMEM, "out of memory");
    for (size_t i = 0; i < s->n; i++) to_px(ax, s->x[i], s->y[i], &xy[2 * i], &xy[2 * i + 1]);
    if (s->st.width > 0) rc = plot_stroke_styled(dev, xy, s->n, s->st.width * m->pt, rgba, s->st.dash);
    if (rc == IBSH_OK && s->st.marker) rc = plot_markers_one(dev, xy, s->n, s->st.size * m->pt, plot_marker_shape(s->st.marker), rgba);
    free(xy);
  }
  return rc;
}

/* Draw one series of any kind. */
static int draw_series(plot_dev *dev, const ibsh_axes *ax, const plot_series *s, const lay_metrics *m) {
  double rgba[4];
  switch (s->kind) {
  case SERIES_LINE: return draw_line(dev, ax, s, m);
  case SERIES_IMAGE: return draw_image(dev, ax, s);
  case SERIES_SCATTER:
    if (dev->vector && s->n > PLOT_VECTOR_MAX_POINTS) return draw_scatter_image(dev, ax, s, m);
    return draw_scatter(dev, ax, s, m);
  case SERIES_BAND: return draw_band(dev, ax, s);
  case SERIES_BARS: return draw_bars(dev, ax, s);
  case SERIES_ERRORBAR: return draw_errorbar(dev, ax, s, m);
  case SERIES_HLINE: case SERIES_VLINE: {
    plot_plain_color(s, rgba);
    double xy[4];
    if (s->kind == SERIES_HLINE) {
      double y = lay_map(ax, 1, s->y[0]);
      if (isnan(y)) return IBSH_OK;
      xy[0] = ax->box[0]; xy[1] = y; xy[2] = ax->box[2]; xy[3] = y;
    } else {
      double x = lay_map(ax, 0, s->x[0]);
      if (isnan(x)) return IBSH_OK;
      xy[0] = x; xy[1] = ax->box[1]; xy[2] = x; xy[3] = ax->box[3];
    }
    return plot_stroke_styled(dev, xy, 2, s->st.width * m->pt, rgba, s->st.dash);
  }
  default: {
    double px, py;
    to_px(ax, s->x[0], s->y[0], &px, &py);
    if (isnan(px)) return IBSH_OK;
    plot_plain_color(s, rgba);
    double size = (s->st.fontsize > 0 ? s->st.fontsize * m->pt : m->fs);
    return plot_text(dev, s->text, px, py, size, s->st.halign, s->st.valign, 0, rgba);
  }
  }
}

/* Snap a coordinate to a pixel centre (crisp one-pixel lines). */
static double snap(double v) { return floor(v) + 0.5; }

/* Draw grid lines, spines, ticks and tick labels of one axes. */
static int draw_frame(plot_dev *dev, const ibsh_axes *ax, const lay_axes_info *info, const lay_metrics *m, int grid) {
  const double *b = ax->box;
  double lw = 0.8 * m->pt;
  int rc = IBSH_OK;
  for (int axis = 0; axis < 2 && rc == IBSH_OK; axis++) {
    const plot_ticks *t = axis == 0 ? &info->xt : &info->yt;
    for (int i = 0; i < t->n + t->nminor && rc == IBSH_OK; i++) {
      int minor = i >= t->n;
      double v = minor ? t->minor[i - t->n] : t->v[i];
      double p = lay_map(ax, axis, v);
      if (isnan(p)) continue;
      p = snap(p);
      if (grid) {
        if (minor) continue;
        double xy[4] = {axis == 0 ? p : b[0], axis == 0 ? b[1] : p, axis == 0 ? p : b[2], axis == 0 ? b[3] : p};
        rc = dev->stroke(dev->ctx, xy, 2, 0.8 * m->pt, GRID, NULL, 0);
        continue;
      }
      if (minor && !ax->log[axis]) continue;
      double len = minor ? m->minorlen : m->ticklen;
      if (axis == 0) {
        double xy[4] = {p, b[3], p, b[3] + len};
        rc = dev->stroke(dev->ctx, xy, 2, minor ? 0.6 * m->pt : lw, BLACK, NULL, 0);
        if (!minor && rc == IBSH_OK)
          rc = plot_text(dev, t->label[i], p, b[3] + m->ticklen + m->tickpad, m->fs, 1, 2, 0, BLACK);
      } else {
        double xy[4] = {b[0], p, b[0] - len, p};
        rc = dev->stroke(dev->ctx, xy, 2, minor ? 0.6 * m->pt : lw, BLACK, NULL, 0);
        if (!minor && rc == IBSH_OK)
          rc = plot_text(dev, t->label[i], b[0] - m->ticklen - m->tickpad, p, m->fs, 2, 1, 0, BLACK);
      }
    }
  }
  if (grid || rc) return rc;
  double x0 = b[0] + 0.5, x1 = b[2] - 0.5, y0 = b[1] + 0.5, y1 = b[3] - 0.5;
  if (ax->spines == 15) {
    double spine[10] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
    rc = dev->stroke(dev->ctx, spine, 5, lw, BLACK, NULL, 0);
  } else {
    double sides[4][4] = {{x0, y0, x0, y1}, {x0, y1, x1, y1}, {x1, y0, x1, y1}, {x0, y0, x1, y0}};
    for (int k = 0; k < 4 && rc == IBSH_OK; k++)
      if (ax->spines & (1 << k)) rc = dev->stroke(dev->ctx, sides[k], 2, lw, BLACK, NULL, 0);
  }
  if (rc == IBSH_OK && info->xt.offset[0])
    rc = plot_text(dev, info->xt.offset, b[2], b[3] + m->ticklen + m->tickpad + info->xtick_h, m->fs, 2, 2, 0, BLACK);
  if (rc == IBSH_OK && info->yt.offset[0])
    rc = plot_text(dev, info->yt.offset, b[0], b[1] - m->titlepad, m->fs, 0, 3, 0, BLACK);
  return rc;
}

/* Draw axis labels and the title of one axes. */
static int draw_labels(plot_dev *dev, const ibsh_axes *ax, const lay_axes_info *info, const lay_metrics *m) {
  const double *b = ax->box;
  int rc = IBSH_OK;
  double tick_space = m->ticklen + m->tickpad;
  if (ax->xlabel) {
    double y = b[3] + tick_space + info->xtick_h + m->labelpad + (info->xt.offset[0] ? info->xtick_h * 0.5 : 0);
    rc = plot_text(dev, ax->xlabel, 0.5 * (b[0] + b[2]), y, lay_xlabel_px(ax, m), 1, 2, 0, BLACK);
  }
  if (rc == IBSH_OK && ax->ylabel)
    rc = plot_text(dev, ax->ylabel, b[0] - tick_space - info->ytick_w - m->labelpad, 0.5 * (b[1] + b[3]), lay_ylabel_px(ax, m), 1, 3, 1, BLACK);
  if (rc == IBSH_OK && ax->title) {
    double y = b[1] - m->titlepad;
    if (info->yt.offset[0]) y -= info->xtick_h + m->titlepad;
    rc = plot_text(dev, ax->title, 0.5 * (b[0] + b[2]), y, lay_title_px(ax, m), 1, 3, 0, BLACK);
  }
  return rc;
}

/* Draw the colour bar: gradient strips, outline, ticks, labels. */
static int draw_colorbar(plot_dev *dev, const ibsh_axes *ax, const lay_axes_info *info, const lay_metrics *m) {
  const double *c = ax->cbox;
  int rc = IBSH_OK;
  double h = c[3] - c[1], rgba[4] = {0, 0, 0, 1};
  int strips = (int)h;
  for (int i = 0; i < strips && rc == IBSH_OK; i++) {
    ibsh_colormap_eval(info->cb_cmap, (i + 0.5) / strips, rgba);
    double y1 = c[3] - i, y0 = i + 1 == strips ? c[1] : y1 - 1.5;
    rc = dev->rect(dev->ctx, c[0], y0, c[2], y1, rgba);
  }
  double lw = 0.8 * m->pt;
  double x0 = c[0] + 0.5, x1 = c[2] - 0.5, y0 = c[1] + 0.5, y1 = c[3] - 0.5;
  double outline[10] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
  if (rc == IBSH_OK) rc = dev->stroke(dev->ctx, outline, 5, lw, BLACK, NULL, 0);
  const plot_ticks *t = &info->ct;
  double vmin = info->cb_vmin, vmax = info->cb_vmax;
  for (int i = 0; i < t->n && rc == IBSH_OK; i++) {
    double f = info->cb_log ? (log10(t->v[i]) - log10(vmin)) / (log10(vmax) - log10(vmin)) : (t->v[i] - vmin) / (vmax - vmin);
    double p = snap(c[3] - 0.5 - f * (h - 1));
    double xy[4] = {c[2], p, c[2] + m->ticklen, p};
    rc = dev->stroke(dev->ctx, xy, 2, lw, BLACK, NULL, 0);
    if (rc == IBSH_OK) rc = plot_text(dev, t->label[i], c[2] + m->ticklen + m->tickpad, p, m->fs, 0, 1, 0, BLACK);
  }
  if (rc == IBSH_OK && t->offset[0]) rc = plot_text(dev, t->offset, c[0], c[1] - m->titlepad, m->fs, 0, 3, 0, BLACK);
  if (rc == IBSH_OK && ax->cb_label)
    rc = plot_text(dev, ax->cb_label, c[2] + m->ticklen + m->tickpad + info->ctick_w + m->labelpad, 0.5 * (c[1] + c[3]),
                   m->fs, 1, 2, 1, BLACK);
  return rc;
}


/* Lay out and draw the figure on a device. */
int plot_draw(ibsh_figure *fig, plot_dev *dev) {
  int rc = ibsh_font_load();
  if (rc) return rc;
  lay_metrics m;
  m.pt = fig->dpi / 72.0;
  m.fs = fig->fontsize * m.pt;
  m.tfs = 1.2 * m.fs;
  m.pad = 0.8 * m.fs;
  m.ticklen = 3.5 * m.pt;
  m.minorlen = 2 * m.pt;
  m.tickpad = 3.5 * m.pt;
  m.labelpad = 4 * m.pt;
  m.titlepad = 6 * m.pt;
  m.cbgap = 1.2 * m.fs;
  fig->skipped = 0;
  dev->clip(dev->ctx, NULL);
  rc = dev->rect(dev->ctx, 0, 0, fig->w, fig->h, WHITE);
  double top = 0;
  if (rc == IBSH_OK && fig->suptitle) {
    double th;
    lay_measure(fig->suptitle, 1.2 * m.tfs, NULL, &th);
    rc = plot_text(dev, fig->suptitle, 0.5 * fig->w, m.pad, 1.2 * m.tfs, 1, 2, 0, BLACK);
    top = th + m.pad * 0.5;
  }
  lay_axes_info *info = malloc(sizeof *info);
  if (!info) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  double cw = (double)fig->w / fig->cols, ch = (fig->h - top) / fig->rows;
  for (int i = 0; i < fig->rows && rc == IBSH_OK; i++)
    for (int j = 0; j < fig->cols && rc == IBSH_OK; j++) {
      ibsh_axes *ax = &fig->axes[i * fig->cols + j];
      double cell[4] = {j * cw, top + i * ch, (j + 1) * cw, top + (i + 1) * ch};
      memset(info, 0, sizeof *info);
      lay_axes(ax, &m, cell, info);
      fig->skipped += info->skipped;
      rc = dev->rect(dev->ctx, ax->box[0], ax->box[1], ax->box[2], ax->box[3], WHITE);
      dev->clip(dev->ctx, ax->box);
      if (rc == IBSH_OK && ax->grid) rc = draw_frame(dev, ax, info, &m, 1);
      for (size_t k = 0; k < ax->nseries && rc == IBSH_OK; k++)
        if (ax->series[k].kind != SERIES_TEXT) rc = draw_series(dev, ax, &ax->series[k], &m);
      dev->clip(dev->ctx, NULL);
      for (size_t k = 0; k < ax->nseries && rc == IBSH_OK; k++)  /* text is not clipped, as in matplotlib */
        if (ax->series[k].kind == SERIES_TEXT) rc = draw_series(dev, ax, &ax->series[k], &m);
      if (rc == IBSH_OK) rc = draw_frame(dev, ax, info, &m, 0);
      if (rc == IBSH_OK) rc = draw_labels(dev, ax, info, &m);
      if (rc == IBSH_OK && ax->colorbar) rc = draw_colorbar(dev, ax, info, &m);
      if (rc == IBSH_OK && ax->legend) rc = plot_draw_legend(dev, ax, &m);
      if (rc == IBSH_OK && ibsh_interrupted()) rc = ibsh_fail(IBSH_EINTR, "interrupted");
    }
  free(info);
  return rc;
}
