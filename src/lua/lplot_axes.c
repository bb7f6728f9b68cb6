/*
** Lua methods of ibsh.Axes: series (line, scatter, band, errorbar, hline,
** vline, text) and decorations (labels, limits, scales, grid, legend, colour bar).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "plot/colormap.h"
#include "lplot.h"

/* The axes at idx, or a Lua error. */
laxes *lplot_checkaxes(lua_State *L, int idx, const char *fname) {
  laxes *a = (laxes *)luaL_testudata(L, idx, IBSH_AXES_T);
  if (!a) lx_error(L, fname, "expected an ibsh.Axes (call it as ax:%s(...)), got %s", strchr(fname, ':') ? strchr(fname, ':') + 1 : fname, luaL_typename(L, idx));
  lua_getiuservalue(L, idx, 1);
  lfigure *f = (lfigure *)luaL_testudata(L, -1, IBSH_FIGURE_T);
  if (!f || !f->fig) lx_error(L, fname, "the axes' figure was closed");
  lua_pop(L, 1);
  return a;
}

/* Print a warning about skipped non-finite points on stderr. */
static void warn_skipped(lua_State *L, laxes *a, const char *fname) {
  size_t n = ibsh_axes_last_skipped(a->ax);
  if (n) fprintf(stderr, "warning: %s: skipped %zu point%s with NaN or Inf values\n", fname, n, n == 1 ? "" : "s");
  /* series data lives in C memory Lua cannot see: collect dead figures after every 256 MB added */
  static size_t added;
  added += ibsh_axes_last_bytes(a->ax);
  if (added > ((size_t)256 << 20)) {
    added = 0;
    lua_gc(L, LUA_GCCOLLECT, 0);
  }
}

/* ax:line(x, y [, opts]) */
static int a_line(lua_State *L) {
  const char *fname = "ax:line";
  laxes *a = lplot_checkaxes(L, 1, fname);
  ldata x, y;
  int opts = lplot_read_xy(L, 2, fname, &x, &y);
  static const char *const known[] = {"color", "cmap", "vmin", "vmax", "norm", "alpha", "width", "style", "marker", "size", "label", NULL};
  lx_checkoptions(L, opts, known, fname);
  lplot_broadcast_x(L, &x, &y, fname);
  ibsh_style st;
  lplot_read_style(L, opts, fname, &st);
  const double *v = lplot_read_values(L, opts, y.rows, fname, &st);
  lx_check(L, ibsh_axes_line(a->ax, x.p, y.p, y.rows, y.cols, v, &st), fname);
  warn_skipped(L, a, fname);
  lua_settop(L, 1);
  return 1;
}

/* ax:scatter(x, y [, opts]) */
static int a_scatter(lua_State *L) {
  const char *fname = "ax:scatter";
  laxes *a = lplot_checkaxes(L, 1, fname);
  ldata x, y;
  int opts = lplot_read_xy(L, 2, fname, &x, &y);
  static const char *const known[] = {"color", "cmap", "vmin", "vmax", "norm", "alpha", "size", "marker", "label", NULL};
  lx_checkoptions(L, opts, known, fname);
  size_t n = x.rows * x.cols;
  if (y.rows * y.cols != n) lx_error(L, fname, "x has %zu values and y %zu: sizes do not match", n, y.rows * y.cols);
  ibsh_style st;
  lplot_read_style(L, opts, fname, &st);
  const double *sizes = NULL;
  if (!lua_isnoneornil(L, opts)) {
    lua_getfield(L, opts, "size");
    if (!lua_isnil(L, -1) && !lua_isnumber(L, -1)) {
      ldata s;
      lplot_data(L, -1, fname, "size", 0, &s);
      if (s.rows * s.cols != n) lx_error(L, fname, "size has %zu values but there are %zu points", s.rows * s.cols, n);
      for (size_t i = 0; i < n; i++)
        if (!(s.p[i] >= 0 && s.p[i] <= 500)) lx_error(L, fname, "size[%zu] = %g is not in [0, 500] points", i + 1, s.p[i]);
      sizes = s.p;
    }
  }
  const double *v = lplot_read_values(L, opts, n, fname, &st);
  lx_check(L, ibsh_axes_scatter(a->ax, x.p, y.p, n, v, sizes, &st), fname);
  warn_skipped(L, a, fname);
  lua_settop(L, 1);
  return 1;
}

/* ax:band(x, ylo, yhi [, opts]) */
static int a_band(lua_State *L) {
  const char *fname = "ax:band";
  laxes *a = lplot_checkaxes(L, 1, fname);
  lua_settop(L, 5);  /* absent arguments become nil, so pushed values never take their slots */
  ldata x, lo, hi;
  lplot_data(L, 2, fname, "x", 0, &x);
  lplot_data(L, 3, fname, "ylo", 0, &lo);
  lplot_data(L, 4, fname, "yhi", 0, &hi);
  static const char *const known[] = {"color", "alpha", "label", NULL};
  lx_checkoptions(L, 5, known, fname);
  size_t n = x.rows * x.cols;
  if (lo.rows * lo.cols != n || hi.rows * hi.cols != n)
    lx_error(L, fname, "x, ylo and yhi have %zu, %zu and %zu values: sizes do not match", n, lo.rows * lo.cols, hi.rows * hi.cols);
  ibsh_style st;
  lplot_read_style(L, 5, fname, &st);
  if (lua_isnoneornil(L, 5) || (lua_getfield(L, 5, "alpha"), lua_isnil(L, -1))) st.alpha = 0.3;
  lx_check(L, ibsh_axes_band(a->ax, x.p, lo.p, hi.p, n, &st), fname);
  warn_skipped(L, a, fname);
  lua_settop(L, 1);
  return 1;
}

/* ax:errorbar(x, y, err [, opts]) with err a vector (symmetric) or opts.lower/upper */
static int a_errorbar(lua_State *L) {
  const char *fname = "ax:errorbar";
  laxes *a = lplot_checkaxes(L, 1, fname);
  lua_settop(L, 5);  /* absent arguments become nil, so pushed values never take their slots */
  ldata x, y, e, e2;
  lplot_data(L, 2, fname, "x", 0, &x);
  lplot_data(L, 3, fname, "y", 0, &y);
  lplot_data(L, 4, fname, "err", 0, &e);
  static const char *const known[] = {"color", "alpha", "width", "style", "marker", "size", "label", "capsize", "upper", NULL};
  lx_checkoptions(L, 5, known, fname);
  size_t n = x.rows * x.cols;
  if (y.rows * y.cols != n || e.rows * e.cols != n)
    lx_error(L, fname, "x, y and err have %zu, %zu and %zu values: sizes do not match", n, y.rows * y.cols, e.rows * e.cols);
  const double *upper = e.p;
  if (!lua_isnoneornil(L, 5)) {
    lua_getfield(L, 5, "upper");
    if (lplot_data(L, -1, fname, "upper", 1, &e2)) {
      if (e2.rows * e2.cols != n) lx_error(L, fname, "upper has %zu values but there are %zu points", e2.rows * e2.cols, n);
      upper = e2.p;
    }
  }
  ibsh_style st;
  lplot_read_style(L, 5, fname, &st);
  lx_check(L, ibsh_axes_errorbar(a->ax, x.p, y.p, e.p, upper, n, &st), fname);
  warn_skipped(L, a, fname);
  lua_settop(L, 1);
  return 1;
}

/* ax:image(m [, opts]) */
static int a_image(lua_State *L) {
  const char *fname = "ax:image";
  laxes *a = lplot_checkaxes(L, 1, fname);
  lua_settop(L, 3);  /* absent arguments become nil, so pushed values never take their slots */
  static const char *const known[] = {"cmap", "vmin", "vmax", "norm", "alpha", "extent", "origin", "label", NULL};
  lx_checkoptions(L, 3, known, fname);
  size_t rows, cols;
  const double *v;
  ibsh_tensor *t = lx_testtensor(L, 2);
  if (t) {
    t = lx_checkcontiguous(L, 2, fname);
    if (t->ndim != 2 && t->ndim != 1) lx_error(L, fname, "the matrix must be a 2-d tensor");
    rows = t->ndim == 2 ? t->shape[0] : 1;
    cols = t->ndim == 2 ? t->shape[1] : t->shape[0];
    v = ibsh_tensor_data(t);
  } else {
    luaL_checktype(L, 2, LUA_TTABLE);
    rows = (size_t)lua_rawlen(L, 2);
    cols = 0;
    if (rows > 0) { lua_rawgeti(L, 2, 1); cols = lua_istable(L, -1) ? (size_t)lua_rawlen(L, -1) : 0; lua_pop(L, 1); }
    double *b = lplot_buffer(L, rows * cols, fname);
    for (size_t i = 0; i < rows; i++) {
      lua_rawgeti(L, 2, (lua_Integer)i + 1);
      if (!lua_istable(L, -1) || (size_t)lua_rawlen(L, -1) != cols) lx_error(L, fname, "row %zu must be an array of %zu numbers", i + 1, cols);
      for (size_t j = 0; j < cols; j++) {
        lua_rawgeti(L, -1, (lua_Integer)j + 1);
        int ok;
        b[i * cols + j] = lua_tonumberx(L, -1, &ok);
        if (!ok) lx_error(L, fname, "element (%zu, %zu) must be a number", i + 1, j + 1);
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    v = b;
  }
  if (rows == 0 || cols == 0) lx_error(L, fname, "the matrix is empty");
  ibsh_style st;
  lplot_read_style(L, 3, fname, &st);
  const char *origin = lx_optstring(L, 3, "origin", "upper", fname);
  if (strcmp(origin, "upper") && strcmp(origin, "lower")) lx_error(L, fname, "origin must be \"upper\" or \"lower\", got '%s'", origin);
  int upper = strcmp(origin, "upper") == 0;
  double extent[4] = {0.5, cols + 0.5, upper ? rows + 0.5 : 0.5, upper ? 0.5 : rows + 0.5};
  if (!lua_isnoneornil(L, 3)) {
    lua_getfield(L, 3, "extent");
    if (!lua_isnil(L, -1)) {
      if (!lua_istable(L, -1) || lua_rawlen(L, -1) != 4) lx_error(L, fname, "extent must be {x0, x1, y0, y1}");
      for (int i = 0; i < 4; i++) { lua_rawgeti(L, -1, i + 1); extent[i] = lua_tonumber(L, -1); lua_pop(L, 1); }
    }
    lua_pop(L, 1);
  }
  lx_check(L, ibsh_axes_image(a->ax, v, rows, cols, extent, upper, &st), fname);
  warn_skipped(L, a, fname);
  lua_settop(L, 1);
  return 1;
}

/* The fill style of bars: colour, alpha, label (the "width" key means bar width, not line width). */
static void read_bar_style(lua_State *L, int opts, const char *fname, ibsh_style *st) {
  ibsh_style_default(st);
  if (lua_isnoneornil(L, opts)) return;
  st->alpha = lx_optnumber(L, opts, "alpha", 1, fname);
  if (!(st->alpha >= 0 && st->alpha <= 1)) lx_error(L, fname, "alpha must be in [0, 1], got %g", st->alpha);
  st->label = lx_optstring(L, opts, "label", NULL, fname);
  lua_getfield(L, opts, "color");
  if (!lua_isnil(L, -1)) lplot_parse_color(L, lua_gettop(L), fname, st->color);
  lua_pop(L, 1);
}

/* A per-item option (number or tensor/array of n values) as n doubles on the stack; def when absent. */
static const double *per_item(lua_State *L, int opts, const char *key, size_t n, double def, const char *fname) {
  double *b;
  if (!lua_isnoneornil(L, opts)) {
    lua_getfield(L, opts, key);
    if (!lua_isnil(L, -1) && !lua_isnumber(L, -1)) {
      ldata d;
      lplot_data(L, -1, fname, key, 0, &d);
      if (d.rows * d.cols != n) lx_error(L, fname, "%s has %zu values but there are %zu bars", key, d.rows * d.cols, n);
      return d.p;
    }
    if (lua_isnumber(L, -1)) def = lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  b = lplot_buffer(L, n, fname);
  for (size_t i = 0; i < n; i++) b[i] = def;
  return b;
}

/* ax:bar(x, heights [, opts]) */
static int a_bar(lua_State *L) {
  const char *fname = "ax:bar";
  laxes *a = lplot_checkaxes(L, 1, fname);
  lua_settop(L, 4);  /* absent arguments become nil, so pushed values never take their slots */
  ldata x, h;
  lplot_data(L, 2, fname, "x", 0, &x);
  lplot_data(L, 3, fname, "heights", 0, &h);
  static const char *const known[] = {"width", "bottom", "color", "alpha", "label", NULL};
  lx_checkoptions(L, 4, known, fname);
  size_t n = x.rows * x.cols;
  if (h.rows * h.cols != n) lx_error(L, fname, "x has %zu values and heights %zu: sizes do not match", n, h.rows * h.cols);
  const double *w = per_item(L, 4, "width", n, 0.8, fname);
  const double *b = per_item(L, 4, "bottom", n, 0, fname);
  ibsh_style st;
  read_bar_style(L, 4, fname, &st);
  lx_check(L, ibsh_axes_bars(a->ax, x.p, h.p, w, b, n, &st), fname);
  warn_skipped(L, a, fname);
  lua_settop(L, 1);
  return 1;
}

/* ax:hist(values [, opts]) -> counts, edges */
static int a_hist(lua_State *L) {
  const char *fname = "ax:hist";
  laxes *a = lplot_checkaxes(L, 1, fname);
  lua_settop(L, 3);  /* absent arguments become nil, so pushed values never take their slots */
  ldata v;
  lplot_data(L, 2, fname, "values", 0, &v);
  static const char *const known[] = {"bins", "range", "density", "color", "alpha", "label", NULL};
  lx_checkoptions(L, 3, known, fname);
  size_t n = v.rows * v.cols;
  lua_Integer bins = lx_optinteger(L, 3, "bins", 10, fname);
  if (bins < 1 || bins > 100000) lx_error(L, fname, "bins must be in 1..100000, got %lld", (long long)bins);
  double lo = INFINITY, hi = -INFINITY;
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(v.p[i])) { bad++; continue; }
    lo = fmin(lo, v.p[i]);
    hi = fmax(hi, v.p[i]);
  }
  if (!lua_isnoneornil(L, 3)) {
    lua_getfield(L, 3, "range");
    if (!lua_isnil(L, -1)) {
      if (!lua_istable(L, -1) || lua_rawlen(L, -1) != 2) lx_error(L, fname, "range must be {lo, hi}");
      lua_rawgeti(L, -1, 1); lo = lua_tonumber(L, -1); lua_pop(L, 1);
      lua_rawgeti(L, -1, 2); hi = lua_tonumber(L, -1); lua_pop(L, 1);
      if (!(hi > lo)) lx_error(L, fname, "range {%g, %g} is empty", lo, hi);
    }
    lua_pop(L, 1);
  }
  if (!isfinite(lo)) { lo = 0; hi = 1; }
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  ibsh_tensor *counts = lx_newtensor1(L, (size_t)bins, fname);
  int ci = lua_gettop(L);
  ibsh_tensor *edges = lx_newtensor1(L, (size_t)bins + 1, fname);
  int ei = lua_gettop(L);
  double *c = ibsh_tensor_data(counts), *e = ibsh_tensor_data(edges);
  lx_check(L, ibsh_histogram(v.p, n, (size_t)bins, lo, hi, lx_optboolean(L, 3, "density", 0, fname), c), fname);
  double *mid = lplot_buffer(L, (size_t)bins, fname), *w = lplot_buffer(L, (size_t)bins, fname);
  for (lua_Integer i = 0; i <= bins; i++) e[i] = lo + (hi - lo) * (double)i / (double)bins;
  for (lua_Integer i = 0; i < bins; i++) { mid[i] = 0.5 * (e[i] + e[i + 1]); w[i] = e[i + 1] - e[i]; }
  ibsh_style st;
  read_bar_style(L, 3, fname, &st);
  lx_check(L, ibsh_axes_bars(a->ax, mid, c, w, NULL, (size_t)bins, &st), fname);
  if (bad) fprintf(stderr, "warning: %s: skipped %zu value%s with NaN or Inf\n", fname, bad, bad == 1 ? "" : "s");
  lua_pushvalue(L, ci);
  lua_pushvalue(L, ei);
  return 2;
}

/* Shared body of ax:hline and ax:vline. */
static int refline(lua_State *L, int vertical, const char *fname) {
  laxes *a = lplot_checkaxes(L, 1, fname);
  lua_settop(L, 3);
  double v = luaL_checknumber(L, 2);
  static const char *const known[] = {"color", "alpha", "width", "style", "label", NULL};
  lx_checkoptions(L, 3, known, fname);
  ibsh_style st;
  lplot_read_style(L, 3, fname, &st);
  if (lua_isnoneornil(L, 3) || (lua_getfield(L, 3, "width"), lua_isnil(L, -1))) st.width = 1;
  lx_check(L, ibsh_axes_refline(a->ax, vertical, v, &st), fname);
  lua_settop(L, 1);
  return 1;
}

/* ax:hline(y [, opts]) */
static int a_hline(lua_State *L) { return refline(L, 0, "ax:hline"); }

/* ax:vline(x [, opts]) */
static int a_vline(lua_State *L) { return refline(L, 1, "ax:vline"); }

/* ax:text(x, y, s [, opts]) */
static int a_text(lua_State *L) {
  const char *fname = "ax:text";
  laxes *a = lplot_checkaxes(L, 1, fname);
  lua_settop(L, 5);  /* absent arguments become nil, so pushed values never take their slots */
  double x = luaL_checknumber(L, 2), y = luaL_checknumber(L, 3);
  const char *s = luaL_checkstring(L, 4);
  static const char *const known[] = {"color", "alpha", "fontsize", "align", "valign", NULL};
  lx_checkoptions(L, 5, known, fname);
  ibsh_style st;
  lplot_read_style(L, 5, fname, &st);
  const char *al = lx_optstring(L, 5, "align", "left", fname), *va = lx_optstring(L, 5, "valign", "baseline", fname);
  static const char *const hnames[] = {"left", "center", "right", NULL};
  static const char *const vnames[] = {"baseline", "center", "top", "bottom", NULL};
  st.halign = st.valign = -1;
  for (int i = 0; hnames[i]; i++) if (!strcmp(al, hnames[i])) st.halign = i;
  for (int i = 0; vnames[i]; i++) if (!strcmp(va, vnames[i])) st.valign = i;
  if (st.halign < 0) lx_error(L, fname, "align must be left, center or right, got '%s'", al);
  if (st.valign < 0) lx_error(L, fname, "valign must be baseline, center, top or bottom, got '%s'", va);
  lx_check(L, ibsh_axes_text(a->ax, x, y, s, &st), fname);
  lua_settop(L, 1);
  return 1;
}

/* Shared body of the label setters. */
static int set_label(lua_State *L, const char *which, const char *fname) {
  laxes *a = lplot_checkaxes(L, 1, fname);
  lua_settop(L, 3);
  const char *s = lua_isnoneornil(L, 2) ? NULL : luaL_checkstring(L, 2);
  static const char *const known[] = {"fontsize", NULL};
  lx_checkoptions(L, 3, known, fname);
  lx_check(L, ibsh_axes_label(a->ax, which, s), fname);
  lx_check(L, ibsh_axes_label_size(a->ax, which, lx_optnumber(L, 3, "fontsize", 0, fname)), fname);
  lua_settop(L, 1);
  return 1;
}

/* ax:xlabel(s) */
static int a_xlabel(lua_State *L) { return set_label(L, "xlabel", "ax:xlabel"); }
/* ax:ylabel(s) */
static int a_ylabel(lua_State *L) { return set_label(L, "ylabel", "ax:ylabel"); }
/* ax:title(s) */
static int a_title(lua_State *L) { return set_label(L, "title", "ax:title"); }

/* Shared body of xlim/ylim: set with (lo, hi), get with no arguments. */
static int limits(lua_State *L, int axis, const char *fname) {
  laxes *a = lplot_checkaxes(L, 1, fname);
  if (lua_gettop(L) == 1) {
    double lo, hi;
    ibsh_axes_get_limits(a->ax, axis, &lo, &hi);
    lua_pushnumber(L, lo);
    lua_pushnumber(L, hi);
    return 2;
  }
  double lo = lua_isnil(L, 2) ? NAN : luaL_checknumber(L, 2);
  double hi = lua_isnoneornil(L, 3) ? NAN : luaL_checknumber(L, 3);
  if (!isnan(lo) && !isnan(hi) && lo == hi) lx_error(L, fname, "limits must differ, got %g twice (lo > hi inverts the axis)", lo);
  lx_check(L, ibsh_axes_limits(a->ax, axis, lo, hi), fname);
  lua_settop(L, 1);
  return 1;
}

/* ax:xlim([lo, hi]) */
static int a_xlim(lua_State *L) { return limits(L, 0, "ax:xlim"); }
/* ax:ylim([lo, hi]) */
static int a_ylim(lua_State *L) { return limits(L, 1, "ax:ylim"); }

/* Shared body of xscale/yscale. */
static int scale(lua_State *L, int axis, const char *fname) {
  laxes *a = lplot_checkaxes(L, 1, fname);
  const char *s = luaL_checkstring(L, 2);
  if (strcmp(s, "log") && strcmp(s, "linear")) lx_error(L, fname, "scale must be \"linear\" or \"log\", got '%s'", s);
  lx_check(L, ibsh_axes_log(a->ax, axis, strcmp(s, "log") == 0), fname);
  lua_settop(L, 1);
  return 1;
}

/* ax:xscale("log" | "linear") */
static int a_xscale(lua_State *L) { return scale(L, 0, "ax:xscale"); }
/* ax:yscale("log" | "linear") */
static int a_yscale(lua_State *L) { return scale(L, 1, "ax:yscale"); }

/* ax:loglog() */
static int a_loglog(lua_State *L) {
  laxes *a = lplot_checkaxes(L, 1, "ax:loglog");
  lx_check(L, ibsh_axes_log(a->ax, 0, 1), "ax:loglog");
  lx_check(L, ibsh_axes_log(a->ax, 1, 1), "ax:loglog");
  lua_settop(L, 1);
  return 1;
}

/* ax:spines{left = true, bottom = true, right = true, top = true} */
static int a_spines(lua_State *L) {
  const char *fname = "ax:spines";
  laxes *a = lplot_checkaxes(L, 1, fname);
  static const char *const known[] = {"left", "bottom", "right", "top", NULL};
  lx_checkoptions(L, 2, known, fname);
  int mask = (lx_optboolean(L, 2, "left", 1, fname) ? 1 : 0) | (lx_optboolean(L, 2, "bottom", 1, fname) ? 2 : 0) |
             (lx_optboolean(L, 2, "right", 1, fname) ? 4 : 0) | (lx_optboolean(L, 2, "top", 1, fname) ? 8 : 0);
  ibsh_axes_spines(a->ax, mask);
  lua_settop(L, 1);
  return 1;
}

/* ax:grid([on]) */
static int a_grid(lua_State *L) {
  laxes *a = lplot_checkaxes(L, 1, "ax:grid");
  ibsh_axes_grid(a->ax, lua_isnone(L, 2) ? 1 : lua_toboolean(L, 2));
  lua_settop(L, 1);
  return 1;
}

/* ax:legend([loc | opts]) */
static int a_legend(lua_State *L) {
  const char *fname = "ax:legend";
  laxes *a = lplot_checkaxes(L, 1, fname);
  lua_settop(L, 2);  /* absent arguments become nil, so pushed values never take their slots */
  const char *loc = "best", *title = NULL;
  lua_Integer ncol = 1;
  int frame = 1;
  if (lua_type(L, 2) == LUA_TSTRING) loc = lua_tostring(L, 2);
  else {
    static const char *const known[] = {"loc", "ncol", "title", "frame", NULL};
    lx_checkoptions(L, 2, known, fname);
    loc = lx_optstring(L, 2, "loc", "best", fname);
    ncol = lx_optinteger(L, 2, "ncol", 1, fname);
    title = lx_optstring(L, 2, "title", NULL, fname);
    frame = lx_optboolean(L, 2, "frame", 1, fname);
  }
  int code = ibsh_legend_loc(loc);
  if (code < 0) lx_error(L, fname, "unknown location '%s' (best, upper right, upper left, lower left, lower right, right, center left, center right, lower center, upper center, center)", loc);
  if (ncol < 1 || ncol > 16) lx_error(L, fname, "ncol must be in 1..16, got %lld", (long long)ncol);
  lx_check(L, ibsh_axes_legend(a->ax, code, (int)ncol, title, frame), fname);
  lua_settop(L, 1);
  return 1;
}

/* ax:colorbar([opts]) */
static int a_colorbar(lua_State *L) {
  const char *fname = "ax:colorbar";
  laxes *a = lplot_checkaxes(L, 1, fname);
  lua_settop(L, 2);  /* absent arguments become nil, so pushed values never take their slots */
  static const char *const known[] = {"label", "cmap", "vmin", "vmax", NULL};
  if (lua_type(L, 2) == LUA_TSTRING) {
    lx_check(L, ibsh_axes_colorbar(a->ax, lua_tostring(L, 2), -1, NAN, NAN), fname);
  } else {
    lx_checkoptions(L, 2, known, fname);
    const char *cmap = lx_optstring(L, 2, "cmap", NULL, fname);
    lx_check(L, ibsh_axes_colorbar(a->ax, lx_optstring(L, 2, "label", NULL, fname), cmap ? lplot_parse_cmap(L, cmap, fname) : -1,
                                   lx_optnumber(L, 2, "vmin", NAN, fname), lx_optnumber(L, 2, "vmax", NAN, fname)), fname);
  }
  lua_settop(L, 1);
  return 1;
}

/* Shared body of xticks/yticks: values (nil: automatic) and optional labels. */
static int ticks(lua_State *L, int axis, const char *fname) {
  laxes *a = lplot_checkaxes(L, 1, fname);
  lua_settop(L, 3);
  if (lua_isnoneornil(L, 2)) {
    lx_check(L, ibsh_axes_ticks(a->ax, axis, NULL, NULL, -1), fname);
    lua_settop(L, 1);
    return 1;
  }
  ldata v;
  lplot_data(L, 2, fname, "tick values", 0, &v);
  size_t n = v.rows * v.cols;
  if (n > 64) lx_error(L, fname, "%zu ticks is too many (64 at most)", n);
  const char *labels[64];
  int has_labels = !lua_isnoneornil(L, 3);
  if (has_labels) {
    luaL_checktype(L, 3, LUA_TTABLE);
    if ((size_t)lua_rawlen(L, 3) != n) lx_error(L, fname, "%zu labels for %zu ticks", (size_t)lua_rawlen(L, 3), n);
    for (size_t i = 0; i < n; i++) {
      lua_rawgeti(L, 3, (lua_Integer)i + 1);
      labels[i] = lua_tostring(L, -1);
      if (!labels[i]) lx_error(L, fname, "label %zu must be a string", i + 1);
      /* the string stays referenced by the table at index 3 */
      lua_pop(L, 1);
    }
  }
  lx_check(L, ibsh_axes_ticks(a->ax, axis, v.p, has_labels ? labels : NULL, (int)n), fname);
  lua_settop(L, 1);
  return 1;
}

/* ax:xticks(values [, labels]) */
static int a_xticks(lua_State *L) { return ticks(L, 0, "ax:xticks"); }
/* ax:yticks(values [, labels]) */
static int a_yticks(lua_State *L) { return ticks(L, 1, "ax:yticks"); }

/* ax:topixel(x, y) -> px, py (pixels from the top-left corner, after the last render/save) */
static int a_topixel(lua_State *L) {
  laxes *a = lplot_checkaxes(L, 1, "ax:topixel");
  double px, py;
  ibsh_axes_to_pixel(a->ax, luaL_checknumber(L, 2), luaL_checknumber(L, 3), &px, &py);
  lua_pushnumber(L, px);
  lua_pushnumber(L, py);
  return 2;
}

/* ax:box() -> x0, y0, x1, y1 of the plot area in pixels (after the last render/save) */
static int a_box(lua_State *L) {
  laxes *a = lplot_checkaxes(L, 1, "ax:box");
  double b[4];
  ibsh_axes_box(a->ax, b);
  for (int i = 0; i < 4; i++) lua_pushnumber(L, b[i]);
  return 4;
}

const lx_Reg lplot_axes_methods[] = {
  {"line", a_line, "ax:line([x,] y [, opts])\n\nDraw a line through the points (x, y). x and y are tensors (1-d, n x 1) or arrays; a 2-d y (m x k) draws m lines (x may be a k-vector). Options: color (name, \"#rrggbb\", {r,g,b[,a]}, or one value per line mapped through cmap), cmap, vmin, vmax, norm (\"log\" for a log colour scale), alpha, width (points, default 1.5), style (solid, dashed, dotted, dashdot), marker (\"o\", \"s\"), size (marker diameter in points), label (legend entry). NaN/Inf points break the line and are counted in a warning.\n\nExample: ax:line(x, y, {color = \"black\", style = \"dashed\", label = \"bound\"})"},
  {"scatter", a_scatter, "ax:scatter(x, y [, opts])\n\nDraw a marker at each point. Options: color (a colour, or a tensor/array of one value per point mapped through cmap), cmap (viridis, plasma, magma, inferno, gnuplot, gray, hot, jet, coolwarm), vmin, vmax, norm (\"linear\" or \"log\" colour scale), size (diameter in points, a number or one per point; default 6), marker (\"o\" or \"s\"), alpha, label. Millions of points are drawn in C from cached marker stamps.\n\nExample: ax:scatter(x, y, {color = epochs, cmap = \"viridis\", size = 1})"},
  {"band", a_band, "ax:band(x, ylo, yhi [, opts])\n\nFill the region between the curves ylo and yhi over x (a confidence band). Options: color, alpha (default 0.3), label.\n\nExample: ax:band(epochs, mean - sd, mean + sd, {color = \"C0\"})"},
  {"errorbar", a_errorbar, "ax:errorbar(x, y, err [, opts])\n\nVertical error bars from y - err to y + err (or y + opts.upper) with caps, joined by a line. Options: color, alpha, width (0: no joining line), style, marker, size, capsize (points), upper, label.\n\nExample: ax:errorbar(x, mean, sd, {marker = \"o\", label = \"mean ± sd\"})"},
  {"image", a_image, "ax:image(m [, opts])\n\nShow a matrix (2-d tensor or array of rows) as an image of coloured cells, like matplotlib's imshow: row 1 at the top (origin = \"upper\", which inverts the y axis) or at the bottom (origin = \"lower\"). Cells span extent = {left, right, bottom, top} (matplotlib's order; default: column j and row i centred on j and i), and unfixed axis limits become the extent. Options: cmap, vmin, vmax, norm (\"log\"), alpha, extent, origin, label. NaN cells stay transparent; ax:colorbar() shows the mapping.\n\nExample: ax:image(pxy, {cmap = \"magma\"}); ax:colorbar{label = \"p(x, y)\"}"},
  {"bar", a_bar, "ax:bar(x, heights [, opts])\n\nBars centred at x. Options: width (data units, a number or one per bar; default 0.8), bottom (a number or one per bar; default 0), color, alpha, label. Bars standing on zero keep zero as the lower y limit.\n\nExample: ax:bar({1, 2, 3}, {5, 3, 4}, {color = \"C1\", label = \"counts\"})"},
  {"hist", a_hist, "ax:hist(values [, opts])\n\nHistogram of values (tensor or array) as bars; returns the counts and the bin edges as tensors. Options: bins (10), range ({lo, hi}; default the data range; values outside are ignored), density (scale to unit area), color, alpha, label. NaN/Inf values are skipped with a warning.\n\nExample: local counts, edges = ax:hist(w, {bins = 50, density = true})"},
  {"hline", a_hline, "ax:hline(y [, opts])\n\nA horizontal line across the axes at data value y. Options: color (default grey), alpha, width (default 1), style, label.\n\nExample: ax:hline(1, {style = \"dashed\", label = \"H(Y)\"})"},
  {"vline", a_vline, "ax:vline(x [, opts])\n\nA vertical line across the axes at data value x. Options: color (default grey), alpha, width (default 1), style, label.\n\nExample: ax:vline(370, {color = \"gray\"})"},
  {"text", a_text, "ax:text(x, y, s [, opts])\n\nText at data point (x, y); \"^{...}\" sets a superscript. Options: color, alpha, fontsize (points), align (left, center, right), valign (baseline, center, top, bottom).\n\nExample: ax:text(2, 0.5, \"compression\", {align = \"center\"})"},
  {"spines", a_spines, "ax:spines{left = true, bottom = true, right = true, top = true}\n\nChoose which sides of the axes frame are drawn (false hides one, as many paper styles hide the top and right).\n\nExample: ax:spines{top = false, right = false}"},
  {"xlabel", a_xlabel, "ax:xlabel(s [, {fontsize = pt}])\n\nSet the x axis label (optionally with its own size in points).\n\nExample: ax:xlabel(\"I(X;T) (bits)\")"},
  {"ylabel", a_ylabel, "ax:ylabel(s [, {fontsize = pt}])\n\nSet the y axis label (drawn rotated, reading bottom to top; optionally with its own size in points).\n\nExample: ax:ylabel(\"I(T;Y) (bits)\")"},
  {"title", a_title, "ax:title(s [, {fontsize = pt}])\n\nSet the axes title (default size 1.2 times the figure font size).\n\nExample: ax:title(\"Information plane\")"},
  {"xlim", a_xlim, "ax:xlim([lo, hi])\n\nFix the x range (nil for an automatic end; lo > hi inverts the axis); without arguments return the current limits.\n\nExample: ax:xlim(0, 12)"},
  {"ylim", a_ylim, "ax:ylim([lo, hi])\n\nFix the y range (nil for an automatic end; lo > hi inverts the axis); without arguments return the current limits.\n\nExample: ax:ylim(0, 1.05)"},
  {"xscale", a_xscale, "ax:xscale(\"log\" | \"linear\")\n\nSet the x axis scale; log axes get decade ticks, and non-positive values are skipped with a warning.\n\nExample: ax:xscale(\"log\")"},
  {"yscale", a_yscale, "ax:yscale(\"log\" | \"linear\")\n\nSet the y axis scale.\n\nExample: ax:yscale(\"log\")"},
  {"loglog", a_loglog, "ax:loglog()\n\nMake both axes logarithmic.\n\nExample: ax:loglog()"},
  {"grid", a_grid, "ax:grid([on])\n\nShow (default) or hide grid lines at the major ticks.\n\nExample: ax:grid(true)"},
  {"legend", a_legend, "ax:legend([loc | {loc = ..., ncol = 1, title = nil, frame = true}])\n\nShow a legend of the labelled series at loc: best (default: the place covering the fewest points), upper right, upper left, lower left, lower right, right, center left, center right, lower center, upper center, center; in ncol columns (filled column by column), with an optional title, and a rounded frame unless frame = false.\n\nExample: ax:legend{loc = \"lower right\", ncol = 2, title = \"layer\"}"},
  {"colorbar", a_colorbar, "ax:colorbar([opts])\n\nAdd a colour bar on the right of the axes showing the colour mapping of the last colour-mapped series. Options: label, cmap, vmin, vmax (override the mapping).\n\nExample: ax:colorbar{label = \"epoch\"}"},
  {"xticks", a_xticks, "ax:xticks(values [, labels])\n\nPlace the x ticks at the given values (a tensor or array), labelled with labels (an array of strings) or the numbers; ax:xticks(nil) restores automatic ticks. Ticks outside the limits are dropped.\n\nExample: ax:xticks({1, 10, 100}, {\"one\", \"ten\", \"hundred\"})"},
  {"yticks", a_yticks, "ax:yticks(values [, labels])\n\nPlace the y ticks at the given values, labelled with labels or the numbers; ax:yticks(nil) restores automatic ticks.\n\nExample: ax:yticks({0, 0.5, 1})"},
  {"topixel", a_topixel, "ax:topixel(x, y)\n\nThe pixel coordinates (from the top-left corner of the image; pixel (i, j) spans [i, i+1)) of data point (x, y), using the layout of the last save or render.\n\nExample: local px, py = ax:topixel(1, 0.5)"},
  {"box", a_box, "ax:box()\n\nThe plot area in pixels as x0, y0, x1, y1 (y down; x1, y1 exclusive), after the last save or render.\n\nExample: local x0, y0, x1, y1 = ax:box()"},
  {NULL, NULL, NULL}
};
