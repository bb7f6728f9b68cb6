/*
** The figure model: creating figures and axes, and adding series (the data is
** copied, so the caller's arrays may change afterwards).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "colormap.h"
#include "ibsh/error.h"
#include "plot_internal.h"

#define MAX_POINTS ((size_t)1 << 31)

/* Fill st with defaults (cycle colour, alpha 1, width 1.5 pt, solid, no marker, size 6 pt, viridis). */
void ibsh_style_default(ibsh_style *st) {
  memset(st, 0, sizeof *st);
  st->color[3] = -1;
  st->alpha = 1;
  st->width = 1.5;
  st->size = 6;
  st->cmap = ibsh_colormap_find("viridis");
  st->vmin = st->vmax = NAN;
  st->capsize = 3;
}

/* A strdup that reports failure. */
static int dupstr(char **dst, const char *s) {
  free(*dst);
  *dst = NULL;
  if (!s) return IBSH_OK;
  size_t n = strlen(s);
  if (n > 4096) return ibsh_fail(IBSH_EINVAL, "text of %zu bytes is too long (4096 at most)", n);
  *dst = malloc(n + 1);
  if (!*dst) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  memcpy(*dst, s, n + 1);
  return IBSH_OK;
}

/* Initialise one axes of a figure. */
static void axes_init(ibsh_axes *ax, ibsh_figure *fig) {
  memset(ax, 0, sizeof *ax);
  ax->fig = fig;
  for (int a = 0; a < 2; a++) ax->lim[a][0] = ax->lim[a][1] = NAN;
  ax->cb_cmap = -1;
  ax->spines = 15;
  ax->cb_vmin = ax->cb_vmax = NAN;
}

/* A new figure of w x h pixels at dpi with rows x cols axes and base font size fontsize points. */
int ibsh_figure_new(ibsh_figure **out, int w, int h, double dpi, int rows, int cols, double fontsize) {
  *out = NULL;
  if (w < 16 || h < 16 || w > 16384 || h > 16384)
    return ibsh_fail(IBSH_EINVAL, "figure size %dx%d out of range (16..16384 pixels)", w, h);
  if (!(dpi >= 10 && dpi <= 2400)) return ibsh_fail(IBSH_EINVAL, "dpi %g out of range (10..2400)", dpi);
  if (rows < 1 || cols < 1 || rows > 16 || cols > 16)
    return ibsh_fail(IBSH_EINVAL, "grid %dx%d out of range (1..16 rows and columns)", rows, cols);
  if (!(fontsize >= 1 && fontsize <= 200)) return ibsh_fail(IBSH_EINVAL, "font size %g out of range (1..200 points)", fontsize);
  ibsh_figure *fig = calloc(1, sizeof *fig);
  if (!fig) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  fig->axes = calloc((size_t)rows * (size_t)cols, sizeof *fig->axes);
  if (!fig->axes) { free(fig); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  fig->w = w; fig->h = h; fig->dpi = dpi; fig->rows = rows; fig->cols = cols; fig->fontsize = fontsize;
  for (int i = 0; i < rows * cols; i++) axes_init(&fig->axes[i], fig);
  *out = fig;
  return IBSH_OK;
}

/* Release one series' arrays. */
static void series_free(plot_series *s) {
  free(s->x); free(s->y); free(s->y2); free(s->y3); free(s->v); free(s->s);
  free(s->label); free(s->text);
}

/* Release a figure and everything it holds. */
void ibsh_figure_free(ibsh_figure *fig) {
  if (!fig) return;
  for (int i = 0; i < fig->rows * fig->cols; i++) {
    ibsh_axes *ax = &fig->axes[i];
    for (size_t k = 0; k < ax->nseries; k++) series_free(&ax->series[k]);
    free(ax->fixed[0]); free(ax->fixed[1]);
    free(ax->series); free(ax->title); free(ax->legend_title); free(ax->xlabel); free(ax->ylabel); free(ax->cb_label);
  }
  free(fig->axes);
  free(fig->suptitle);
  free(fig);
}

/* The axes in row i, column j (0-based), or NULL when out of range. */
ibsh_axes *ibsh_figure_axes(ibsh_figure *fig, int i, int j) {
  if (i < 0 || j < 0 || i >= fig->rows || j >= fig->cols) return NULL;
  return &fig->axes[i * fig->cols + j];
}

/* Figure size and grid. */
void ibsh_figure_info(const ibsh_figure *fig, int *w, int *h, double *dpi, int *rows, int *cols) {
  if (w) *w = fig->w;
  if (h) *h = fig->h;
  if (dpi) *dpi = fig->dpi;
  if (rows) *rows = fig->rows;
  if (cols) *cols = fig->cols;
}

/* Set a title over the whole figure (NULL clears). */
int ibsh_figure_suptitle(ibsh_figure *fig, const char *title) {
  return dupstr(&fig->suptitle, title);
}

/* Points skipped while rendering (non-positive on a log axis) in the last render or save. */
size_t ibsh_figure_skipped(const ibsh_figure *fig) { return fig->skipped; }

/* Pixel box of the axes' plot area after the last render: x0, y0, x1, y1 (y down). */
void ibsh_axes_box(const ibsh_axes *ax, double box[4]) { memcpy(box, ax->box, sizeof ax->box); }

/* Non-finite points dropped by the last add call (for a warning). */
size_t ibsh_axes_last_skipped(const ibsh_axes *ax) { return ax->last_skipped; }

/* Bytes of data the last add call copied into the figure. */
size_t ibsh_axes_last_bytes(const ibsh_axes *ax) { return ax->last_bytes; }

/* A new series slot with style st resolved (cycle colour, label copy). */
static int new_series(ibsh_axes *ax, int kind, const ibsh_style *st, plot_series **out) {
  if (ax->nseries == ax->cap) {
    size_t cap = ax->cap ? 2 * ax->cap : 8;
    plot_series *p = realloc(ax->series, cap * sizeof *p);
    if (!p) return ibsh_fail(IBSH_ENOMEM, "out of memory");
    ax->series = p;
    ax->cap = cap;
  }
  plot_series *s = &ax->series[ax->nseries];
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->st = *st;
  if (st->cmap < 0 || !ibsh_colormap_name(st->cmap)) s->st.cmap = ibsh_colormap_find("viridis");
  if (s->st.color[3] < 0) {
    ibsh_color_cycle(kind == SERIES_TEXT || kind == SERIES_HLINE || kind == SERIES_VLINE ? 7 : ax->cycle, s->st.color);
    if (kind == SERIES_TEXT) { s->st.color[0] = s->st.color[1] = s->st.color[2] = 0; }
    else if (kind != SERIES_HLINE && kind != SERIES_VLINE) ax->cycle++;
  }
  s->st.label = NULL;
  int rc = dupstr(&s->label, st->label);
  if (rc) return rc;
  s->st.label = s->label;
  *out = s;
  return IBSH_OK;
}

/* Commit the series created by new_series, recording the bytes it holds. */
static void commit(ibsh_axes *ax) {
  plot_series *s = &ax->series[ax->nseries++];
  size_t per = 2 + (s->y2 != NULL) + (s->y3 != NULL) + (s->s != NULL);
  ax->last_bytes = (s->n * per + (s->v ? (s->kind == SERIES_LINE ? s->rows : s->kind == SERIES_IMAGE ? s->rows * s->cols : s->n) : 0)) * sizeof(double);
}

/* Copy n doubles (NULL stays NULL). */
static int copy(double **dst, const double *src, size_t n) {
  *dst = NULL;
  if (!src) return IBSH_OK;
  *dst = malloc((n ? n : 1) * sizeof **dst);
  if (!*dst) return ibsh_fail(IBSH_ENOMEM, "out of memory for %zu points", n);
  if (n) memcpy(*dst, src, n * sizeof **dst);
  return IBSH_OK;
}

/* Count points where any given coordinate is not finite. */
static size_t count_bad(size_t n, const double *a, const double *b, const double *c, const double *d) {
  size_t bad = 0;
  for (size_t i = 0; i < n; i++)
    if (!isfinite(a[i]) || !isfinite(b[i]) || (c && !isfinite(c[i])) || (d && !isfinite(d[i]))) bad++;
  return bad;
}

/* Resolve the colour range of a mapped series from its values when not fixed. */
static void value_range(plot_series *s, size_t nv) {
  double lo = INFINITY, hi = -INFINITY;
  int lg = s->st.clog;
  for (size_t i = 0; i < nv; i++)
    if (isfinite(s->v[i]) && (!lg || s->v[i] > 0)) { lo = fmin(lo, s->v[i]); hi = fmax(hi, s->v[i]); }
  if (!isfinite(lo)) { lo = lg ? 1 : 0; hi = lg ? 10 : 1; }
  s->vmin = isfinite(s->st.vmin) && (!lg || s->st.vmin > 0) ? s->st.vmin : lo;
  s->vmax = isfinite(s->st.vmax) && (!lg || s->st.vmax > 0) ? s->st.vmax : hi;
  if (!(s->vmax > s->vmin)) {
    double c = s->vmin;
    if (lg) { s->vmin = c / 2; s->vmax = c * 2; } else { s->vmin = c - 0.5; s->vmax = c + 0.5; }
  }
  s->lo = lg ? log10(s->vmin) : s->vmin;
  s->span = (lg ? log10(s->vmax) : s->vmax) - s->lo;
}

/* Check a point count. */
static int check_n(size_t n) {
  return n > MAX_POINTS ? ibsh_fail(IBSH_EINVAL, "%zu points is too many (2^31 at most)", n) : IBSH_OK;
}

/* Lines: rows polylines of cols points each (x, y row-major); v (rows values or NULL) colours them by cmap. */
int ibsh_axes_line(ibsh_axes *ax, const double *x, const double *y, size_t rows, size_t cols,
                   const double *v, const ibsh_style *st) {
  size_t n = rows * cols;
  int rc = check_n(n);
  if (rc) return rc;
  plot_series *s;
  if ((rc = new_series(ax, SERIES_LINE, st, &s))) return rc;
  s->n = n; s->rows = rows; s->cols = cols;
  if ((rc = copy(&s->x, x, n)) || (rc = copy(&s->y, y, n)) || (rc = copy(&s->v, v, rows))) { series_free(s); return rc; }
  if (v) value_range(s, rows);
  ax->last_skipped = count_bad(n, x, y, NULL, NULL);
  commit(ax);
  return IBSH_OK;
}

/* Scatter of n points; v (n values or NULL) colours them by cmap; s (n diameters in points or NULL). */
int ibsh_axes_scatter(ibsh_axes *ax, const double *x, const double *y, size_t n, const double *v,
                      const double *sz, const ibsh_style *st) {
  int rc = check_n(n);
  if (rc) return rc;
  plot_series *s;
  if ((rc = new_series(ax, SERIES_SCATTER, st, &s))) return rc;
  s->n = n; s->rows = 1; s->cols = n;
  if ((rc = copy(&s->x, x, n)) || (rc = copy(&s->y, y, n)) || (rc = copy(&s->v, v, n)) || (rc = copy(&s->s, sz, n))) {
    series_free(s);
    return rc;
  }
  if (v) value_range(s, n);
  ax->last_skipped = count_bad(n, x, y, v, NULL);
  commit(ax);
  return IBSH_OK;
}

/* A filled band between ylo and yhi over x. */
int ibsh_axes_band(ibsh_axes *ax, const double *x, const double *ylo, const double *yhi, size_t n,
                   const ibsh_style *st) {
  int rc = check_n(n);
  if (rc) return rc;
  plot_series *s;
  if ((rc = new_series(ax, SERIES_BAND, st, &s))) return rc;
  s->n = n; s->rows = 1; s->cols = n;
  if ((rc = copy(&s->x, x, n)) || (rc = copy(&s->y, ylo, n)) || (rc = copy(&s->y2, yhi, n))) { series_free(s); return rc; }
  ax->last_skipped = count_bad(n, x, ylo, yhi, NULL);
  commit(ax);
  return IBSH_OK;
}

/* Bars centred at x with the given heights, widths (data units) and bottoms (NULL: 0). */
int ibsh_axes_bars(ibsh_axes *ax, const double *x, const double *height, const double *width, const double *bottom,
                   size_t n, const ibsh_style *st) {
  int rc = check_n(n);
  if (rc) return rc;
  plot_series *s;
  if ((rc = new_series(ax, SERIES_BARS, st, &s))) return rc;
  s->n = n; s->rows = 1; s->cols = n;
  if ((rc = copy(&s->x, x, n)) || (rc = copy(&s->y, height, n)) || (rc = copy(&s->s, width, n))) { series_free(s); return rc; }
  s->y2 = calloc(n ? n : 1, sizeof *s->y2);
  if (!s->y2) { series_free(s); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  if (bottom) memcpy(s->y2, bottom, n * sizeof *s->y2);
  ax->last_skipped = count_bad(n, x, height, width, bottom);
  commit(ax);
  return IBSH_OK;
}

/* Histogram counts of n values into nbins equal bins over [lo, hi] (values outside are ignored;
   hi itself falls in the last bin); density scales counts to unit area. */
int ibsh_histogram(const double *v, size_t n, size_t nbins, double lo, double hi, int density, double *counts) {
  if (nbins == 0 || nbins > 100000) return ibsh_fail(IBSH_EINVAL, "bins must be in 1..100000, got %zu", nbins);
  if (!(hi > lo) || !isfinite(lo) || !isfinite(hi)) return ibsh_fail(IBSH_EINVAL, "histogram range [%g, %g] is empty", lo, hi);
  memset(counts, 0, nbins * sizeof *counts);
  size_t used = 0;
  double scale = nbins / (hi - lo);
  for (size_t i = 0; i < n; i++) {
    double x = v[i];
    if (!(x >= lo && x <= hi)) continue;
    size_t b = (size_t)((x - lo) * scale);
    if (b >= nbins) b = nbins - 1;
    counts[b] += 1;
    used++;
  }
  if (density && used > 0)
    for (size_t b = 0; b < nbins; b++) counts[b] /= used * (hi - lo) / nbins;
  return IBSH_OK;
}

/* Error bars at (x, y) from y - elo to y + ehi, joined by a line when st->width > 0. */
int ibsh_axes_errorbar(ibsh_axes *ax, const double *x, const double *y, const double *elo,
                       const double *ehi, size_t n, const ibsh_style *st) {
  int rc = check_n(n);
  if (rc) return rc;
  plot_series *s;
  if ((rc = new_series(ax, SERIES_ERRORBAR, st, &s))) return rc;
  s->n = n; s->rows = 1; s->cols = n;
  if ((rc = copy(&s->x, x, n)) || (rc = copy(&s->y, y, n)) || (rc = copy(&s->y2, elo, n)) ||
      (rc = copy(&s->y3, ehi ? ehi : elo, n))) {
    series_free(s);
    return rc;
  }
  ax->last_skipped = count_bad(n, x, y, elo, ehi);
  commit(ax);
  return IBSH_OK;
}

/* An image of a rows x cols matrix v coloured through st->cmap over extent {left, right, bottom, top}
   (matplotlib's order); row 1 lies at the top edge when upper, else at the bottom edge. Unfixed
   limits become the extent. */
int ibsh_axes_image(ibsh_axes *ax, const double *v, size_t rows, size_t cols, const double extent[4], int upper,
                    const ibsh_style *st) {
  size_t n = rows * cols;
  int rc = check_n(n);
  if (rc) return rc;
  if (rows == 0 || cols == 0) return ibsh_fail(IBSH_EINVAL, "the matrix is empty");
  for (int i = 0; i < 4; i++) if (!isfinite(extent[i])) return ibsh_fail(IBSH_EINVAL, "extent must be finite");
  if (extent[0] == extent[1] || extent[2] == extent[3]) return ibsh_fail(IBSH_EINVAL, "extent has zero width or height");
  plot_series *s;
  if ((rc = new_series(ax, SERIES_IMAGE, st, &s))) return rc;
  s->n = 2; s->rows = rows; s->cols = cols;
  double xs[2] = {extent[0], extent[1]}, ys[2] = {extent[2], extent[3]};
  if ((rc = copy(&s->x, xs, 2)) || (rc = copy(&s->y, ys, 2)) || (rc = copy(&s->v, v, n))) { series_free(s); return rc; }
  value_range(s, n);
  s->st.marker = upper;  /* reused: nonzero = row 1 at the top */
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) if (!isfinite(v[i])) bad++;
  ax->last_skipped = bad;
  for (int a = 0; a < 2; a++)  /* like imshow: the limits become the extent (y1 at the top) */
    if (isnan(ax->lim[a][0]) && isnan(ax->lim[a][1]) && !ax->log[a]) {
      ax->lim[a][0] = extent[2 * a];
      ax->lim[a][1] = extent[2 * a + 1];
    }
  commit(ax);
  return IBSH_OK;
}

/* A horizontal (vertical = 0) or vertical (vertical = 1) reference line at value v. */
int ibsh_axes_refline(ibsh_axes *ax, int vertical, double v, const ibsh_style *st) {
  if (!isfinite(v)) return ibsh_fail(IBSH_EINVAL, "position is not finite");
  plot_series *s;
  int rc = new_series(ax, vertical ? SERIES_VLINE : SERIES_HLINE, st, &s);
  if (rc) return rc;
  s->n = 1; s->rows = s->cols = 1;
  if ((rc = copy(&s->x, &v, 1)) || (rc = copy(&s->y, &v, 1))) { series_free(s); return rc; }
  ax->last_skipped = 0;
  commit(ax);
  return IBSH_OK;
}

/* Text at data point (x, y). */
int ibsh_axes_text(ibsh_axes *ax, double x, double y, const char *text, const ibsh_style *st) {
  if (!isfinite(x) || !isfinite(y)) return ibsh_fail(IBSH_EINVAL, "text position is not finite");
  plot_series *s;
  int rc = new_series(ax, SERIES_TEXT, st, &s);
  if (rc) return rc;
  s->n = 1; s->rows = s->cols = 1;
  if ((rc = copy(&s->x, &x, 1)) || (rc = copy(&s->y, &y, 1)) || (rc = dupstr(&s->text, text))) { series_free(s); return rc; }
  ax->last_skipped = 0;
  commit(ax);
  return IBSH_OK;
}

/* Fixed limits for axis (0 x, 1 y); NaN ends stay automatic. */
int ibsh_axes_limits(ibsh_axes *ax, int axis, double lo, double hi) {
  if (isinf(lo) || isinf(hi)) return ibsh_fail(IBSH_EINVAL, "limits must be finite numbers");
  if (!isnan(lo) && !isnan(hi) && lo == hi) return ibsh_fail(IBSH_EINVAL, "limits %g and %g are equal", lo, hi);
  if (ax->log[axis] && ((!isnan(lo) && lo <= 0) || (!isnan(hi) && hi <= 0)))
    return ibsh_fail(IBSH_EINVAL, "limits of a log axis must be positive, got %g and %g", lo, hi);
  ax->lim[axis][0] = lo;
  ax->lim[axis][1] = hi;
  return IBSH_OK;
}

/* Current limits of axis after the last render (or the fixed ones). */
void ibsh_axes_get_limits(const ibsh_axes *ax, int axis, double *lo, double *hi) {
  *lo = isnan(ax->lim[axis][0]) ? ax->view[axis][0] : ax->lim[axis][0];
  *hi = isnan(ax->lim[axis][1]) ? ax->view[axis][1] : ax->lim[axis][1];
}

/* Logarithmic (1) or linear (0) scale for axis. */
int ibsh_axes_log(ibsh_axes *ax, int axis, int on) {
  if (on && ((!isnan(ax->lim[axis][0]) && ax->lim[axis][0] <= 0) || (!isnan(ax->lim[axis][1]) && ax->lim[axis][1] <= 0)))
    return ibsh_fail(IBSH_EINVAL, "cannot make the axis logarithmic: its fixed limits are not positive");
  ax->log[axis] = on != 0;
  return IBSH_OK;
}

/* Set "title", "xlabel" or "ylabel" text (NULL clears). */
int ibsh_axes_label(ibsh_axes *ax, const char *which, const char *text) {
  if (strcmp(which, "title") == 0) return dupstr(&ax->title, text);
  if (strcmp(which, "xlabel") == 0) return dupstr(&ax->xlabel, text);
  if (strcmp(which, "ylabel") == 0) return dupstr(&ax->ylabel, text);
  return ibsh_fail(IBSH_EINVAL, "unknown label '%s'", which);
}

/* Font size in points (0: default) of "title", "xlabel" or "ylabel". */
int ibsh_axes_label_size(ibsh_axes *ax, const char *which, double pt) {
  if (!(pt >= 0 && pt <= 200)) return ibsh_fail(IBSH_EINVAL, "font size %g out of range (0..200 points)", pt);
  if (strcmp(which, "title") == 0) ax->title_pt = pt;
  else if (strcmp(which, "xlabel") == 0) ax->xlabel_pt = pt;
  else if (strcmp(which, "ylabel") == 0) ax->ylabel_pt = pt;
  else return ibsh_fail(IBSH_EINVAL, "unknown label '%s'", which);
  return IBSH_OK;
}

/* Which spines to draw: bit mask 1 left, 2 bottom, 4 right, 8 top. */
void ibsh_axes_spines(ibsh_axes *ax, int mask) { ax->spines = mask & 15; }

/* Show (1) or hide (0) grid lines at major ticks. */
void ibsh_axes_grid(ibsh_axes *ax, int on) { ax->grid = on != 0; }

/* Show a legend of labelled series at loc (IBSH_LOC_*) in ncol columns, with an optional title and frame. */
int ibsh_axes_legend(ibsh_axes *ax, int loc, int ncol, const char *title, int frame) {
  if (ncol < 1 || ncol > 16) return ibsh_fail(IBSH_EINVAL, "ncol %d out of range (1..16)", ncol);
  int rc = dupstr(&ax->legend_title, title);
  if (rc) return rc;
  ax->legend = 1;
  ax->legend_loc = loc;
  ax->legend_ncol = ncol;
  ax->legend_frame = frame != 0;
  return IBSH_OK;
}

/* Add a colour bar: cmap < 0 and NaN limits take the mapping of the last colour-mapped series. */
int ibsh_axes_colorbar(ibsh_axes *ax, const char *label, int cmap, double vmin, double vmax) {
  if (!isnan(vmin) && !isnan(vmax) && !(vmax > vmin))
    return ibsh_fail(IBSH_EINVAL, "colour bar range [%g, %g] is empty", vmin, vmax);
  int rc = dupstr(&ax->cb_label, label);
  if (rc) return rc;
  ax->colorbar = 1;
  ax->cb_cmap = cmap;
  ax->cb_vmin = vmin;
  ax->cb_vmax = vmax;
  return IBSH_OK;
}

/* Legend location code from a name ("best", "upper right", ...), or -1. */
int ibsh_legend_loc(const char *name) {
  static const char *const names[] = {"best", "upper right", "upper left", "lower left", "lower right", "right",
                                      "center left", "center right", "lower center", "upper center", "center", NULL};
  for (int i = 0; names[i]; i++) if (strcmp(name, names[i]) == 0) return i;
  return -1;
}

/* Fixed ticks for axis at n values with labels (NULL labels: formatted numbers); n < 0 restores automatic ticks. */
int ibsh_axes_ticks(ibsh_axes *ax, int axis, const double *v, const char *const *labels, int n) {
  free(ax->fixed[axis]);
  ax->fixed[axis] = NULL;
  if (n < 0) return IBSH_OK;
  if (n > MAXTICKS) return ibsh_fail(IBSH_EINVAL, "%d ticks is too many (%d at most)", n, MAXTICKS);
  plot_ticks *t = calloc(1, sizeof *t);
  if (!t) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  for (int i = 0; i < n; i++) {
    if (!isfinite(v[i])) { free(t); return ibsh_fail(IBSH_EINVAL, "tick %d is not finite", i + 1); }
    t->v[i] = v[i];
    if (labels) snprintf(t->label[i], sizeof t->label[i], "%s", labels[i]);
    else snprintf(t->label[i], sizeof t->label[i], "%g", v[i]);
  }
  t->n = n;
  ax->fixed[axis] = t;
  return IBSH_OK;
}
