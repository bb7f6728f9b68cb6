/*
** Internal structures shared by the plot files (model, ticks, layout, devices).
*/
#ifndef IBSH_PLOT_INTERNAL_H
#define IBSH_PLOT_INTERNAL_H

#include <stdio.h>
#include "ibsh/plot.h"

enum { SERIES_LINE, SERIES_SCATTER, SERIES_BAND, SERIES_ERRORBAR, SERIES_HLINE, SERIES_VLINE, SERIES_TEXT, SERIES_IMAGE, SERIES_BARS };

typedef struct plot_series {
  int kind;
  size_t n;            /* points (line: rows * cols) */
  size_t rows, cols;   /* line: rows polylines of cols points */
  double *x, *y;       /* n values each */
  double *y2, *y3;     /* band: ylo = y, yhi = y2; errorbar: elo = y2, ehi = y3 */
  double *v;           /* colour values (line: rows; scatter: n; image: rows * cols) or NULL */
  double *s;           /* scatter sizes in points, bar widths in data units, or NULL */
  ibsh_style st;       /* st.label points to label below */
  char *label;
  char *text;
  double vmin, vmax;   /* resolved colour range */
  double lo, span;     /* mapping: t = (f(v) - lo) / span with f = identity or log10 */
} plot_series;

#define MAXTICKS 64

/* Ticks of one axis: major positions with labels, minor positions, an optional offset text. */
typedef struct plot_ticks {
  int n, nminor;
  double v[MAXTICKS];
  char label[MAXTICKS][40];
  double minor[4 * MAXTICKS];
  char offset[40];
} plot_ticks;

struct ibsh_axes {
  ibsh_figure *fig;
  plot_series *series;
  size_t nseries, cap;
  double lim[2][2];       /* fixed limits (NaN: automatic) */
  double view[2][2];      /* limits used by the last render */
  int log[2];
  int grid, legend, legend_loc, legend_ncol, legend_frame;
  char *legend_title;
  char *title, *xlabel, *ylabel;
  double title_pt, xlabel_pt, ylabel_pt;  /* label sizes in points (0: figure default) */
  int spines;             /* bit mask of drawn spines: 1 left, 2 bottom, 4 right, 8 top */
  int colorbar, cb_cmap;
  double cb_vmin, cb_vmax;
  char *cb_label;
  int cycle;
  plot_ticks *fixed[2];    /* ticks set by the user (NULL: automatic) */
  size_t last_skipped;
  size_t last_bytes;
  double box[4];          /* plot area in pixels after layout */
  double cbox[4];         /* colour bar in pixels */
};

struct ibsh_figure {
  int w, h, rows, cols;
  double dpi, fontsize;
  ibsh_axes *axes;
  char *suptitle;
  size_t skipped;
};

/* A drawing device: the raster or the SVG writer. Coordinates in pixels, y down. */
typedef struct plot_dev {
  void *ctx;
  void (*clip)(void *ctx, const double *box);  /* NULL: no clipping */
  int (*rect)(void *ctx, double x0, double y0, double x1, double y1, const double rgba[4]);
  int (*stroke)(void *ctx, const double *xy, size_t n, double width, const double rgba[4], const double *dash, int ndash);
  int (*poly)(void *ctx, const double *xy, size_t n, const double rgba[4]);
  int (*markers)(void *ctx, const float *xy, size_t n, const unsigned char *rgba8, int percolor,
                 const float *diam, int persize, int shape);
  /* s drawn with its origin (start of baseline) at (x, y); rot: reads bottom to top */
  int (*text)(void *ctx, const char *s, double x, double y, double px, int rot, const double rgba[4]);
  /* a w x h straight-alpha RGBA8 image with its top-left corner at (x, y) */
  int (*image)(void *ctx, double x, double y, int w, int h, const unsigned char *rgba);
  int vector;  /* nonzero for vector output (SVG): huge scatters go in as images */
} plot_dev;

/* Scatters with more points than this are embedded as an image on vector devices. */
#define PLOT_VECTOR_MAX_POINTS 20000

/* Lay out and draw the figure on a device. */
int plot_draw(ibsh_figure *fig, plot_dev *dev);

/* Linear ticks for [lo, hi] with at most maxn intervals. */
void plot_ticks_linear(double lo, double hi, int maxn, plot_ticks *t);

/* Linear ticks; with integer set, steps below 10 avoid 2.5 (for counts such as epochs). */
void plot_ticks_linear_int(double lo, double hi, int maxn, int integer, plot_ticks *t);

/* Decade ticks (with minor ticks) for [lo, hi] (both > 0). */
void plot_ticks_log(double lo, double hi, int maxn, plot_ticks *t);

/* Nice automatic limits: the data range [lo, hi] widened by a margin (log scale when logscale). */
void plot_autolimits(double *lo, double *hi, int logscale);

/* Devices. */
int plot_raster_dev(plot_dev *dev, ibsh_raster *r);
int plot_svg_begin(plot_dev *dev, FILE *f, int w, int h, const char *title);
int plot_svg_end(plot_dev *dev);

#endif
