/*
** Legends: a framed box of (handle, label) rows for the labelled series,
** placed at a named location or at the "best" one (the candidate box covering
** the fewest data points, as matplotlib does).
*/
#include <math.h>
#include <string.h>
#include "ibsh/error.h"
#include "font.h"
#include "plot_layout.h"

static const double BLACK[4] = {0, 0, 0, 1};
static const double FRAME_FILL[4] = {1, 1, 1, 0.8};
static const double FRAME_EDGE[4] = {0.8, 0.8, 0.8, 1};

/* Count data points of ax falling inside box (sampling long series). */
static size_t points_inside(const ibsh_axes *ax, const double box[4]) {
  size_t count = 0;
  for (size_t k = 0; k < ax->nseries; k++) {
    const plot_series *s = &ax->series[k];
    if (s->kind == SERIES_HLINE || s->kind == SERIES_VLINE) continue;
    if (s->kind == SERIES_TEXT) {  /* keep text readable: weigh it like many points */
      double px = lay_map(ax, 0, s->x[0]), py = lay_map(ax, 1, s->y[0]);
      if (px >= box[0] - 20 && px <= box[2] + 20 && py >= box[1] - 10 && py <= box[3] + 10) count += 1000;
      continue;
    }
    size_t step = s->n > 20000 ? s->n / 20000 : 1;
    for (size_t i = 0; i < s->n; i += step) {
      double px = lay_map(ax, 0, s->x[i]), py = lay_map(ax, 1, s->y[i]);
      if (px >= box[0] && px <= box[2] && py >= box[1] && py <= box[3]) count += step;
      if (s->kind == SERIES_LINE && i + 1 < s->n && (i + 1) % s->cols) {
        double qx = lay_map(ax, 0, s->x[i + 1]), qy = lay_map(ax, 1, s->y[i + 1]);
        double mx = 0.5 * (px + qx), my = 0.5 * (py + qy);
        if (mx >= box[0] && mx <= box[2] && my >= box[1] && my <= box[3]) count += step;
      }
    }
  }
  return count;
}

/* Position of a w x h legend box for location loc inside the axes (pad from the spines). */
static void place(const ibsh_axes *ax, int loc, double w, double h, double pad, double out[4]) {
  const double *b = ax->box;
  double l = b[0] + pad, r = b[2] - pad - w, cx = 0.5 * (b[0] + b[2] - w);
  double t = b[1] + pad, bo = b[3] - pad - h, cy = 0.5 * (b[1] + b[3] - h);
  double x = r, y = t;
  switch (loc) {
  case IBSH_LOC_UL: x = l; y = t; break;
  case IBSH_LOC_LL: x = l; y = bo; break;
  case IBSH_LOC_LR: x = r; y = bo; break;
  case IBSH_LOC_R: case IBSH_LOC_CR: x = r; y = cy; break;
  case IBSH_LOC_CL: x = l; y = cy; break;
  case IBSH_LOC_LC: x = cx; y = bo; break;
  case IBSH_LOC_UC: x = cx; y = t; break;
  case IBSH_LOC_C: x = cx; y = cy; break;
  default: break;
  }
  out[0] = round(x); out[1] = round(y); out[2] = out[0] + round(w); out[3] = out[1] + round(h);
}

/* Draw the handle (sample) of series s in the box [x0, x0 + len] around centre line y. */
static int draw_handle(plot_dev *dev, const plot_series *s, double x0, double len, double y, double hh,
                       const lay_metrics *m) {
  double rgba[4];
  if (s->v) plot_map_color(s, s->st.clog ? sqrt(s->vmin * s->vmax) : 0.5 * (s->vmin + s->vmax), rgba);
  else plot_plain_color(s, rgba);
  double mid[2] = {x0 + len / 2, y};
  switch (s->kind) {
  case SERIES_SCATTER: {
    double d = fmax(s->st.size * m->pt, 0.5 * m->fs);
    if (d > hh) d = hh;
    rgba[3] = fmax(rgba[3], 0.6);
    return plot_markers_one(dev, mid, 1, d, plot_marker_shape(s->st.marker), rgba);
  }
  case SERIES_BAND: case SERIES_BARS:
    return dev->rect(dev->ctx, x0, y - hh / 2, x0 + len, y + hh / 2, rgba);
  default: {
    int rc = IBSH_OK;
    double xy[4] = {x0, y, x0 + len, y};
    double lw = s->st.width * m->pt;
    if (lw > 0) rc = plot_stroke_styled(dev, xy, 2, lw, rgba, s->st.dash);
    if (rc == IBSH_OK && s->kind == SERIES_ERRORBAR) {
      double bar[4] = {mid[0], y - hh / 2, mid[0], y + hh / 2};
      rc = plot_stroke_styled(dev, bar, 2, fmax(lw, m->pt), rgba, 0);
    }
    if (rc == IBSH_OK && s->st.marker) rc = plot_markers_one(dev, mid, 1, fmin(s->st.size * m->pt, hh), plot_marker_shape(s->st.marker), rgba);
    return rc;
  }
  }
}

/* Outline of a rectangle with rounded corners of radius rad: closed polyline of the returned point count. */
static size_t rounded_rect(double x0, double y0, double x1, double y1, double rad, double *xy) {
  static const double cs[9][2] = {{1, 0}, {0.9848, 0.1736}, {0.9397, 0.3420}, {0.8660, 0.5}, {0.7660, 0.6428},
                                  {0.6428, 0.7660}, {0.5, 0.8660}, {0.3420, 0.9397}, {0.1736, 0.9848}};
  double cx[4] = {x1 - rad, x0 + rad, x0 + rad, x1 - rad}, cy[4] = {y0 + rad, y0 + rad, y1 - rad, y1 - rad};
  size_t n = 0;
  for (int c = 0; c < 4; c++)
    for (int i = 0; i < 9; i++) {
      double a = cs[i][0], b = cs[i][1], dx, dy;
      switch (c) {  /* corners: upper right, upper left, lower left, lower right (y down) */
      case 0: dx = a; dy = -b; break;
      case 1: dx = -b; dy = -a; break;
      case 2: dx = -a; dy = b; break;
      default: dx = b; dy = a; break;
      }
      xy[2 * n] = cx[c] + rad * dx;
      xy[2 * n + 1] = cy[c] + rad * dy;
      n++;
    }
  xy[2 * n] = xy[0];
  xy[2 * n + 1] = xy[1];
  return n + 1;
}

/* Draw the legend of labelled series. */
int plot_draw_legend(plot_dev *dev, const ibsh_axes *ax, const lay_metrics *m) {
  double fs = m->fs, handle = 2 * fs, gap = 0.8 * fs, bpad = 0.4 * fs, rowgap = 0.5 * fs, colgap = 2 * fs;
  double asc = 0, desc = 0;
  ibsh_font_measure_line(fs, &asc, &desc);
  double rowh = asc + desc;
  int n = 0;
  for (size_t k = 0; k < ax->nseries; k++)
    if (ax->series[k].label && ax->series[k].label[0] && ax->series[k].kind != SERIES_TEXT) n++;
  if (n == 0) return IBSH_OK;
  int ncol = ax->legend_ncol < 1 ? 1 : ax->legend_ncol > n ? n : ax->legend_ncol;
  int rows = (n + ncol - 1) / ncol;  /* filled column by column, as matplotlib */
  double colw[16] = {0};
  int e = 0;
  for (size_t k = 0; k < ax->nseries; k++) {
    const plot_series *s = &ax->series[k];
    if (!s->label || !s->label[0] || s->kind == SERIES_TEXT) continue;
    double w;
    lay_measure(s->label, fs, &w, NULL);
    int c = e / rows;
    if (w > colw[c]) colw[c] = w;
    e++;
  }
  double title_w = 0, title_h = 0;
  lay_measure(ax->legend_title, fs, &title_w, &title_h);
  double w = 2 * bpad - colgap;
  for (int c = 0; c < ncol; c++) w += handle + gap + colw[c] + colgap;
  if (title_w + 2 * bpad > w) w = title_w + 2 * bpad;
  double h = 2 * bpad + rows * rowh + (rows - 1) * rowgap + (title_h > 0 ? title_h + rowgap : 0);
  double box[4];
  int loc = ax->legend_loc;
  if (loc == IBSH_LOC_BEST) {
    size_t best = (size_t)-1;
    static const int order[] = {IBSH_LOC_UR, IBSH_LOC_UL, IBSH_LOC_LL, IBSH_LOC_LR, IBSH_LOC_CR,
                                IBSH_LOC_CL, IBSH_LOC_LC, IBSH_LOC_UC, IBSH_LOC_C};
    for (int i = 0; i < 9; i++) {
      double cand[4];
      place(ax, order[i], w, h, 0.5 * fs, cand);
      size_t c = points_inside(ax, cand);
      if (c < best) { best = c; loc = order[i]; }
      if (c == 0) break;
    }
  }
  place(ax, loc, w, h, 0.5 * fs, box);
  int rc = IBSH_OK;
  if (ax->legend_frame) {
    double frame[2 * 4 * 9 + 2];
    size_t nf = rounded_rect(box[0] + 0.5, box[1] + 0.5, box[2] - 0.5, box[3] - 0.5, 0.2 * fs, frame);
    rc = dev->poly(dev->ctx, frame, nf, FRAME_FILL);
    if (rc == IBSH_OK) rc = dev->stroke(dev->ctx, frame, nf, fmax(m->pt * 0.8, 1), FRAME_EDGE, NULL, 0);
  }
  double top = box[1] + bpad;
  if (title_h > 0 && rc == IBSH_OK) {
    rc = plot_text(dev, ax->legend_title, 0.5 * (box[0] + box[2]), top, fs, 1, 2, 0, BLACK);
    top += title_h + rowgap;
  }
  e = 0;
  double x = box[0] + bpad;
  for (size_t k = 0; k < ax->nseries && rc == IBSH_OK; k++) {
    const plot_series *s = &ax->series[k];
    if (!s->label || !s->label[0] || s->kind == SERIES_TEXT) continue;
    int c = e / rows, r = e % rows;
    if (r == 0 && c > 0) x += handle + gap + colw[c - 1] + colgap;
    double y = top + r * (rowh + rowgap);
    rc = draw_handle(dev, s, x, handle, y + rowh / 2, 0.7 * rowh, m);
    if (rc == IBSH_OK) rc = plot_text(dev, s->label, x + handle + gap, y + asc, fs, 0, 0, 0, BLACK);
    e++;
  }
  return rc;
}
