/*
** Layout helpers shared by the figure renderer (internal).
*/
#ifndef IBSH_PLOT_LAYOUT_H
#define IBSH_PLOT_LAYOUT_H

#include "plot_internal.h"

/* Sizes in pixels derived from the figure's dpi and font size. */
typedef struct lay_metrics {
  double pt;        /* pixels per point */
  double fs, tfs;   /* tick/label font and title font sizes in pixels */
  double pad, ticklen, minorlen, tickpad, labelpad, titlepad, cbgap;
} lay_metrics;

/* Per-axes layout results. */
typedef struct lay_axes_info {
  plot_ticks xt, yt, ct;
  double xtick_h, ytick_w, ctick_w, cbw;
  int cb_cmap;
  double cb_vmin, cb_vmax;
  int cb_log;
  size_t skipped;
} lay_axes_info;

/* Pixel sizes of an axes' title, x label and y label (their own sizes or the figure defaults). */
static inline double lay_title_px(const ibsh_axes *ax, const lay_metrics *m) { return ax->title_pt > 0 ? ax->title_pt * m->pt : m->tfs; }
static inline double lay_xlabel_px(const ibsh_axes *ax, const lay_metrics *m) { return ax->xlabel_pt > 0 ? ax->xlabel_pt * m->pt : m->fs; }
static inline double lay_ylabel_px(const ibsh_axes *ax, const lay_metrics *m) { return ax->ylabel_pt > 0 ? ax->ylabel_pt * m->pt : m->fs; }

/* Width and height (ascent + descent) of s at px, 0 when s is NULL or empty. */
void lay_measure(const char *s, double px, double *w, double *h);

/* Ticks for an axis of pixel length len whose labels need not overlap (horizontal when along_x). */
void lay_ticks(double lo, double hi, int logscale, double len, double fs, int along_x, plot_ticks *t);

/* Colour mapping of the colour bar: explicit settings, else the last colour-mapped series. */
void lay_colorbar_map(const ibsh_axes *ax, int *cmap, double *vmin, double *vmax, int *clog);

/* Lay out one axes inside the cell [cx0, cy0, cx1, cy1]; fills ax->box, ax->cbox and the ticks. */
void lay_axes(ibsh_axes *ax, const lay_metrics *m, const double cell[4], lay_axes_info *info);

/* Map a pixel coordinate on axis back to a data value. */
double lay_unmap(const ibsh_axes *ax, int axis, double p);

/* Map a data value on axis to its pixel coordinate (NaN when not representable). */
double lay_map(const ibsh_axes *ax, int axis, double v);

/* Draw s aligned at (x, y): halign 0 left, 1 centre, 2 right; valign 0 baseline, 1 centre, 2 top, 3 bottom. */
int plot_text(plot_dev *dev, const char *s, double x, double y, double px, int halign, int valign, int rot,
              const double rgba[4]);

/* Stroke a polyline given in pixels with line width lw (pixels) and dash style. */
int plot_stroke_styled(plot_dev *dev, const double *xy, size_t n, double lw, const double rgba[4], int dash);

/* Draw single-colour markers at pixel points. */
int plot_markers_one(plot_dev *dev, const double *xy, size_t n, double diam, int shape, const double rgba[4]);

/* The device marker shape of a series marker (circle when none). */
static inline int plot_marker_shape(int marker) { return marker > 0 ? marker - 1 : 0; }

/* The colour of value v under a series' colour map. */
void plot_map_color(const plot_series *s, double v, double rgba[4]);

/* A series' plain colour with its alpha applied. */
void plot_plain_color(const plot_series *s, double rgba[4]);

/* Draw the legend of labelled series. */
int plot_draw_legend(plot_dev *dev, const ibsh_axes *ax, const lay_metrics *m);

#endif
