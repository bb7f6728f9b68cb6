/*
** Figures: a grid of axes holding series (lines, scatter, bands, error bars,
** reference lines, text), with linear or log scales, ticks, labels, legends,
** colour bars; rendered to a raster (PNG) or to SVG with the same layout.
*/
#ifndef IBSH_PLOT_H
#define IBSH_PLOT_H

#include <stddef.h>
#include "raster.h"

typedef struct ibsh_figure ibsh_figure;
typedef struct ibsh_axes ibsh_axes;

enum { IBSH_DASH_SOLID = 0, IBSH_DASH_DASHED, IBSH_DASH_DOTTED, IBSH_DASH_DASHDOT };
enum { IBSH_MARK_NONE = 0, IBSH_MARK_CIRCLE, IBSH_MARK_SQUARE, IBSH_MARK_DIAMOND, IBSH_MARK_TRIUP, IBSH_MARK_TRIDOWN,
       IBSH_MARK_PLUS, IBSH_MARK_CROSS };
enum { IBSH_LOC_BEST = 0, IBSH_LOC_UR, IBSH_LOC_UL, IBSH_LOC_LL, IBSH_LOC_LR,
       IBSH_LOC_R, IBSH_LOC_CL, IBSH_LOC_CR, IBSH_LOC_LC, IBSH_LOC_UC, IBSH_LOC_C };

/* Style of a series; ibsh_style_default fills the defaults. */
typedef struct ibsh_style {
  double color[4];    /* straight rgba in [0, 1]; color[3] < 0 means "next colour of the cycle" */
  double alpha;       /* multiplies the colour's alpha */
  double width;       /* line width in points (0: no line) */
  int dash;           /* IBSH_DASH_* */
  int marker;         /* IBSH_MARK_* (lines may carry markers; scatter uses circle when none) */
  double size;        /* marker diameter in points */
  int cmap;           /* colour map index for per-point or per-line values */
  double vmin, vmax;  /* value range of the colour map (NaN: from the data) */
  int clog;           /* map colour values on a log scale (non-positive values get the lowest colour) */
  const char *label;  /* legend entry or NULL (copied) */
  double fontsize;    /* text size in points (0: figure default) */
  int halign, valign; /* text anchor: 0 left/baseline, 1 centre, 2 right/top, 3 bottom */
  double capsize;     /* error bar caps in points */
} ibsh_style;

/* Fill st with defaults (cycle colour, alpha 1, width 1.5 pt, solid, no marker, size 6 pt, viridis). */
void ibsh_style_default(ibsh_style *st);

/* A new figure of w x h pixels at dpi with rows x cols axes and base font size fontsize points. */
int ibsh_figure_new(ibsh_figure **out, int w, int h, double dpi, int rows, int cols, double fontsize);

/* Release a figure and everything it holds. */
void ibsh_figure_free(ibsh_figure *fig);

/* The axes in row i, column j (0-based), or NULL when out of range. */
ibsh_axes *ibsh_figure_axes(ibsh_figure *fig, int i, int j);

/* Figure size and grid. */
void ibsh_figure_info(const ibsh_figure *fig, int *w, int *h, double *dpi, int *rows, int *cols);

/* Set a title over the whole figure (NULL clears). */
int ibsh_figure_suptitle(ibsh_figure *fig, const char *title);

/* Render into a new raster r (initialised here; release with ibsh_raster_free). */
int ibsh_figure_render(ibsh_figure *fig, ibsh_raster *r);

/* Write the figure to path: .png (libpng RGBA8) or .svg, by extension. */
int ibsh_figure_save(ibsh_figure *fig, const char *path);

/* A movie being written: frames from figures of one size (plot_movie.c). */
typedef struct ibsh_movie ibsh_movie;

/* Open a movie at path, .gif (256 colours: samples of colour map cmap (-1: none), greys and the commonest colours
   of the w x h RGBA8 reference frame ref, which may be NULL) or .png (APNG of nframes RGBA frames); fps in (0, 100]. */
int ibsh_movie_open(ibsh_movie **out, const char *path, int w, int h, double fps, int nframes, int cmap,
                    const unsigned char *ref);

/* Add a frame of w x h straight-alpha RGBA8 pixels. */
int ibsh_movie_add(ibsh_movie *m, const unsigned char *rgba);

/* Render fig (of the movie's size) and add it as a frame. */
int ibsh_movie_add_figure(ibsh_movie *m, ibsh_figure *fig);

/* The number of frames added so far. */
int ibsh_movie_frames(const ibsh_movie *m);

/* Finish and free the movie (abort: discard the file); the file appears at its path only on success. */
int ibsh_movie_close(ibsh_movie *m, int abort);

/* Points skipped while rendering (non-positive on a log axis) in the last render or save. */
size_t ibsh_figure_skipped(const ibsh_figure *fig);

/* Pixel box of the axes' plot area after the last render: x0, y0, x1, y1 (y down). */
void ibsh_axes_box(const ibsh_axes *ax, double box[4]);

/* Map data (x, y) to pixels with the layout of the last render. */
void ibsh_axes_to_pixel(const ibsh_axes *ax, double x, double y, double *px, double *py);

/* Lines: rows polylines of cols points each (x, y row-major); v (rows values or NULL) colours them by cmap. */
int ibsh_axes_line(ibsh_axes *ax, const double *x, const double *y, size_t rows, size_t cols,
                   const double *v, const ibsh_style *st);

/* Scatter of n points; v (n values or NULL) colours them by cmap; s (n diameters in points or NULL). */
int ibsh_axes_scatter(ibsh_axes *ax, const double *x, const double *y, size_t n, const double *v,
                      const double *s, const ibsh_style *st);

/* A filled band between ylo and yhi over x. */
int ibsh_axes_band(ibsh_axes *ax, const double *x, const double *ylo, const double *yhi, size_t n,
                   const ibsh_style *st);

/* Bars centred at x with the given heights, widths (data units) and bottoms (NULL: 0). */
int ibsh_axes_bars(ibsh_axes *ax, const double *x, const double *height, const double *width, const double *bottom,
                   size_t n, const ibsh_style *st);

/* Histogram counts of n values into nbins equal bins over [lo, hi] (values outside are ignored;
   hi itself falls in the last bin); density scales counts to unit area. */
int ibsh_histogram(const double *v, size_t n, size_t nbins, double lo, double hi, int density, double *counts);

/* Error bars at (x, y) from y - elo to y + ehi, joined by a line when st->width > 0. */
int ibsh_axes_errorbar(ibsh_axes *ax, const double *x, const double *y, const double *elo,
                       const double *ehi, size_t n, const ibsh_style *st);

/* An image of a rows x cols matrix v coloured through st->cmap over extent {left, right, bottom, top}
   (matplotlib's order); row 1 lies at the top edge when upper, else at the bottom edge. Unfixed
   limits become the extent. */
int ibsh_axes_image(ibsh_axes *ax, const double *v, size_t rows, size_t cols, const double extent[4], int upper,
                    const ibsh_style *st);

/* A horizontal (vertical = 0) or vertical (vertical = 1) reference line at value v. */
int ibsh_axes_refline(ibsh_axes *ax, int vertical, double v, const ibsh_style *st);

/* Text at data point (x, y). */
int ibsh_axes_text(ibsh_axes *ax, double x, double y, const char *text, const ibsh_style *st);

/* Non-finite points dropped by the last add call (for a warning). */
size_t ibsh_axes_last_skipped(const ibsh_axes *ax);

/* Bytes of data the last add call copied into the figure. */
size_t ibsh_axes_last_bytes(const ibsh_axes *ax);

/* Fixed limits for axis (0 x, 1 y); NaN ends stay automatic. */
int ibsh_axes_limits(ibsh_axes *ax, int axis, double lo, double hi);

/* Current limits of axis after the last render (or the fixed ones). */
void ibsh_axes_get_limits(const ibsh_axes *ax, int axis, double *lo, double *hi);

/* Logarithmic (1) or linear (0) scale for axis. */
int ibsh_axes_log(ibsh_axes *ax, int axis, int on);

/* Set "title", "xlabel" or "ylabel" text (NULL clears). */
int ibsh_axes_label(ibsh_axes *ax, const char *which, const char *text);

/* Font size in points (0: default) of "title", "xlabel" or "ylabel". */
int ibsh_axes_label_size(ibsh_axes *ax, const char *which, double pt);

/* Which spines to draw: bit mask 1 left, 2 bottom, 4 right, 8 top. */
void ibsh_axes_spines(ibsh_axes *ax, int mask);

/* Show (1) or hide (0) grid lines at major ticks. */
void ibsh_axes_grid(ibsh_axes *ax, int on);

/* Show a legend of labelled series at loc (IBSH_LOC_*) in ncol columns, with an optional title and frame. */
int ibsh_axes_legend(ibsh_axes *ax, int loc, int ncol, const char *title, int frame);

/* Add a colour bar: cmap < 0 and NaN limits take the mapping of the last colour-mapped series. */
int ibsh_axes_colorbar(ibsh_axes *ax, const char *label, int cmap, double vmin, double vmax);

/* Fixed ticks for axis at n values with labels (NULL labels: formatted numbers); n < 0 restores automatic ticks. */
int ibsh_axes_ticks(ibsh_axes *ax, int axis, const double *v, const char *const *labels, int n);

/* Legend location code from a name ("best", "upper right", ...), or -1. */
int ibsh_legend_loc(const char *name);

#endif
