/*
** Layout of a figure: data limits, view limits, ticks that fit their labels,
** and the margins each axes needs for tick labels, axis labels, title and
** colour bar (a "tight layout" computed from measured text).
*/
#include <math.h>
#include <string.h>
#include "colormap.h"
#include "font.h"
#include "plot_layout.h"

/* Width and height (ascent + descent) of s at px, 0 when s is NULL or empty. */
void lay_measure(const char *s, double px, double *w, double *h) {
  double width = 0, asc = 0, desc = 0;
  if (s && *s) ibsh_font_measure(s, px, &width, &asc, &desc);
  if (w) *w = width;
  if (h) *h = (s && *s) ? asc + desc : 0;
}

/* Widest label and label height of a tick set. */
static void ticks_extent(const plot_ticks *t, double px, double *maxw, double *h) {
  *maxw = 0;
  *h = 0;
  for (int i = 0; i < t->n; i++) {
    double w, hh;
    lay_measure(t->label[i], px, &w, &hh);
    if (w > *maxw) *maxw = w;
    if (hh > *h) *h = hh;
  }
}

/* Include value v in [lo, hi] (positive values only on log axes); count the rejected. */
static void include(double v, int logscale, double *lo, double *hi, size_t *skipped) {
  if (!isfinite(v)) return;
  if (logscale && v <= 0) { (*skipped)++; return; }
  if (v < *lo) *lo = v;
  if (v > *hi) *hi = v;
}

/* Data range of axis (0 x, 1 y) over the series of ax. */
static void data_range(const ibsh_axes *ax, int axis, double *lo, double *hi, size_t *skipped) {
  *lo = INFINITY;
  *hi = -INFINITY;
  int lg = ax->log[axis];
  for (size_t k = 0; k < ax->nseries; k++) {
    const plot_series *s = &ax->series[k];
    if (s->kind == SERIES_TEXT) continue;
    if (s->kind == SERIES_HLINE) { if (axis == 1) include(s->y[0], lg, lo, hi, skipped); continue; }
    if (s->kind == SERIES_VLINE) { if (axis == 0) include(s->x[0], lg, lo, hi, skipped); continue; }
    const double *a = axis == 0 ? s->x : s->y;
    for (size_t i = 0; i < s->n; i++) {
      if (!isfinite(s->x[i]) || !isfinite(s->y[i])) continue;
      if (axis == 1 && s->kind == SERIES_ERRORBAR) {
        include(s->y[i] - fabs(s->y2[i]), lg, lo, hi, skipped);
        include(s->y[i] + fabs(s->y3[i]), lg, lo, hi, skipped);
        continue;
      }
      if (s->kind == SERIES_BARS) {
        if (axis == 0) { include(s->x[i] - fabs(s->s[i]) / 2, lg, lo, hi, skipped); include(s->x[i] + fabs(s->s[i]) / 2, lg, lo, hi, skipped); }
        else { include(s->y[i] + s->y2[i], lg, lo, hi, skipped); if (!lg || s->y2[i] > 0) include(s->y2[i], lg, lo, hi, skipped); }
        continue;
      }
      include(a[i], lg, lo, hi, skipped);
      if (axis == 1 && s->kind == SERIES_BAND) include(s->y2[i], lg, lo, hi, skipped);
    }
  }
}

/* View limits of axis: fixed ends, automatic ends from the data with a margin. */
static void view_limits(ibsh_axes *ax, int axis, size_t *skipped) {
  double lo, hi;
  data_range(ax, axis, &lo, &hi, skipped);
  double flo = ax->lim[axis][0], fhi = ax->lim[axis][1];
  if (isfinite(flo) && isfinite(fhi)) { lo = flo; hi = fhi; }
  else {
    if (isfinite(flo)) { if (!(hi > flo)) hi = ax->log[axis] ? flo * 10 : flo + 1; lo = flo; }
    if (isfinite(fhi)) { if (!(lo < fhi)) lo = ax->log[axis] ? fhi / 10 : fhi - 1; hi = fhi; }
    double a = lo, b = hi;
    plot_autolimits(&a, &b, ax->log[axis]);
    if (!isfinite(flo)) lo = a;
    if (!isfinite(fhi)) hi = b;
    if (!isfinite(lo) || !isfinite(hi) || !(hi > lo)) { lo = a; hi = b; }
  }
  /* bars standing on zero keep zero as the lower limit (matplotlib's sticky edges) */
  if (axis == 1 && !ax->log[1] && !isfinite(flo) && lo < 0) {
    int bars = 0, negative = 0;
    for (size_t k = 0; k < ax->nseries; k++) {
      const plot_series *s = &ax->series[k];
      if (s->kind == SERIES_BARS) bars = 1;
      for (size_t i = 0; i < s->n && s->kind != SERIES_TEXT && s->kind != SERIES_VLINE; i++)
        if (s->y[i] < 0 || (s->kind == SERIES_BARS && s->y2[i] < 0) || (s->kind == SERIES_BAND && s->y2[i] < 0)) negative = 1;
    }
    if (bars && !negative) lo = 0;
  }
  ax->view[axis][0] = lo;
  ax->view[axis][1] = hi;
}

/* Ticks for an axis of pixel length len whose labels need not overlap (horizontal when along_x). */
void lay_ticks(double lo, double hi, int logscale, double len, double fs, int along_x, plot_ticks *t) {
  int integer = !logscale && lo == floor(lo) && hi == floor(hi) && fabs(hi - lo) >= 4 && !along_x;
  int maxn = (int)(len / (fs * (along_x ? 3.0 : 2.2)));
  if (maxn > 9) maxn = 9;
  if (maxn < 1) maxn = 1;
  double a = fmin(lo, hi), b = fmax(lo, hi);
  for (; maxn >= 1; maxn--) {
    if (logscale) plot_ticks_log(a, b, maxn, t);
    else plot_ticks_linear_int(a, b, maxn, integer, t);
    if (t->n < 2) return;
    double maxw, h;
    ticks_extent(t, fs, &maxw, &h);
    double f0 = logscale ? log10(t->v[0]) : t->v[0], f1 = logscale ? log10(t->v[1]) : t->v[1];
    double span = logscale ? log10(b) - log10(a) : b - a;
    double spacing = len * fabs(f1 - f0) / span;
    if (spacing >= (along_x ? maxw : h) + fs * 0.8) return;
  }
}

/* Colour mapping of the colour bar: explicit settings, else the last colour-mapped series. */
void lay_colorbar_map(const ibsh_axes *ax, int *cmap, double *vmin, double *vmax, int *clog) {
  *clog = 0;
  *cmap = ibsh_colormap_find("viridis");
  *vmin = 0;
  *vmax = 1;
  for (size_t k = 0; k < ax->nseries; k++) {
    const plot_series *s = &ax->series[k];
    if (s->v && (s->kind == SERIES_LINE || s->kind == SERIES_SCATTER || s->kind == SERIES_IMAGE)) {
      *cmap = s->st.cmap; *vmin = s->vmin; *vmax = s->vmax; *clog = s->st.clog;
    }
  }
  if (ax->cb_cmap >= 0) *cmap = ax->cb_cmap;
  if (isfinite(ax->cb_vmin)) *vmin = ax->cb_vmin;
  if (isfinite(ax->cb_vmax)) *vmax = ax->cb_vmax;
  if (*clog && !(*vmin > 0)) *clog = 0;
  if (!(*vmax > *vmin)) { double c = *vmin; *vmin = c - 0.5; *vmax = c + 0.5; }
}

/* Lay out one axes inside the cell [cx0, cy0, cx1, cy1]; fills ax->box, ax->cbox and the ticks. */
void lay_axes(ibsh_axes *ax, const lay_metrics *m, const double cell[4], lay_axes_info *info) {
  size_t skipped = 0;
  view_limits(ax, 0, &skipped);
  view_limits(ax, 1, &skipped);
  info->skipped = skipped;
  lay_colorbar_map(ax, &info->cb_cmap, &info->cb_vmin, &info->cb_vmax, &info->cb_log);
  double fs = m->fs, pad = m->pad;
  double title_h = 0, xlabel_h = 0, ylabel_h = 0, cblabel_h = 0;
  lay_measure(ax->title, lay_title_px(ax, m), NULL, &title_h);
  lay_measure(ax->xlabel, lay_xlabel_px(ax, m), NULL, &xlabel_h);
  lay_measure(ax->ylabel, lay_ylabel_px(ax, m), NULL, &ylabel_h);
  lay_measure(ax->cb_label, fs, NULL, &cblabel_h);
  double box[4] = {cell[0] + 6 * fs, cell[1] + 2 * fs, cell[2] - 2 * fs, cell[3] - 4 * fs};
  for (int iter = 0; iter < 3; iter++) {
    double bw = fmax(box[2] - box[0], 8), bh = fmax(box[3] - box[1], 8);
    lay_ticks(ax->view[0][0], ax->view[0][1], ax->log[0], bw, fs, 1, &info->xt);
    lay_ticks(ax->view[1][0], ax->view[1][1], ax->log[1], bh, fs, 0, &info->yt);
    for (int a = 0; a < 2; a++) {
      if (!ax->fixed[a]) continue;
      plot_ticks *t = a == 0 ? &info->xt : &info->yt;
      *t = *ax->fixed[a];
      int j = 0;  /* keep the ticks inside the view */
      double lo = fmin(ax->view[a][0], ax->view[a][1]), hi = fmax(ax->view[a][0], ax->view[a][1]);
      for (int i = 0; i < t->n; i++)
        if (t->v[i] >= lo && t->v[i] <= hi && !(ax->log[a] && t->v[i] <= 0)) {
          t->v[j] = t->v[i];
          memmove(t->label[j], t->label[i], sizeof t->label[i]);
          j++;
        }
      t->n = j;
    }
    double xw, xh, yw, yh, cw = 0, ch = 0;
    ticks_extent(&info->xt, fs, &xw, &xh);
    ticks_extent(&info->yt, fs, &yw, &yh);
    double tick_space = m->ticklen + m->tickpad;
    double left = pad + (ylabel_h > 0 ? ylabel_h + m->labelpad : 0) + yw + tick_space;
    double bottom = pad + (xlabel_h > 0 ? xlabel_h + m->labelpad : 0) + xh + tick_space;
    if (info->xt.offset[0]) bottom += xh * 0.5;
    double top = pad + (title_h > 0 ? title_h + m->titlepad : yh * 0.5);
    if (info->yt.offset[0]) top = fmax(top, pad + yh + m->titlepad + (title_h > 0 ? title_h + m->titlepad : 0));
    double right = pad + (info->xt.n ? 0.5 * xw : 0);
    if (ax->colorbar) {
      lay_ticks(info->cb_vmin, info->cb_vmax, info->cb_log, bh, fs, 0, &info->ct);
      ticks_extent(&info->ct, fs, &cw, &ch);
      double cbw = fmax(fs * 1.4, 0.035 * (cell[2] - cell[0]));
      right = pad + m->cbgap + cbw + tick_space + cw + (cblabel_h > 0 ? m->labelpad + cblabel_h : 0);
      if (info->ct.offset[0]) top = fmax(top, pad + ch + m->titlepad);
      info->cbw = cbw;
    }
    box[0] = round(cell[0] + left);
    box[1] = round(cell[1] + top);
    box[2] = round(cell[2] - right);
    box[3] = round(cell[3] - bottom);
    if (box[2] - box[0] < 8) { double c = 0.5 * (cell[0] + cell[2]); box[0] = round(c - 4); box[2] = box[0] + 8; }
    if (box[3] - box[1] < 8) { double c = 0.5 * (cell[1] + cell[3]); box[1] = round(c - 4); box[3] = box[1] + 8; }
    info->xtick_h = xh;
    info->ytick_w = yw;
    info->ctick_w = cw;
  }
  memcpy(ax->box, box, sizeof box);
  ax->cbox[0] = box[2] + round(m->cbgap);
  ax->cbox[1] = box[1];
  ax->cbox[2] = ax->cbox[0] + round(info->cbw);
  ax->cbox[3] = box[3];
}

/* Map a data value on axis to its pixel coordinate (NaN when not representable). */
double lay_map(const ibsh_axes *ax, int axis, double v) {
  double lo = ax->view[axis][0], hi = ax->view[axis][1];
  if (ax->log[axis]) {
    if (!(v > 0)) return NAN;
    v = log10(v); lo = log10(lo); hi = log10(hi);
  }
  double t = (v - lo) / (hi - lo);
  if (axis == 0) return ax->box[0] + 0.5 + t * (ax->box[2] - ax->box[0] - 1);
  return ax->box[3] - 0.5 - t * (ax->box[3] - ax->box[1] - 1);
}

/* Map a pixel coordinate on axis back to a data value. */
double lay_unmap(const ibsh_axes *ax, int axis, double p) {
  double lo = ax->view[axis][0], hi = ax->view[axis][1];
  if (ax->log[axis]) { lo = log10(lo); hi = log10(hi); }
  double t = axis == 0 ? (p - ax->box[0] - 0.5) / (ax->box[2] - ax->box[0] - 1)
                       : (ax->box[3] - 0.5 - p) / (ax->box[3] - ax->box[1] - 1);
  double v = lo + t * (hi - lo);
  return ax->log[axis] ? pow(10, v) : v;
}

/* Map data (x, y) to pixels with the layout of the last render. */
void ibsh_axes_to_pixel(const ibsh_axes *ax, double x, double y, double *px, double *py) {
  *px = lay_map(ax, 0, x);
  *py = lay_map(ax, 1, y);
}
