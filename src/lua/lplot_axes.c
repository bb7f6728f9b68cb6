/*
** Lua methods of ibsh.Axes: series (line, scatter, band, errorbar, hline,
** vline, text) and decorations (labels, limits, scales, grid, legend, colour bar).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "colormap.h"
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
  (void)L;
  size_t n = ibsh_axes_last_skipped(a->ax);
  if (n) fprintf(stderr, "warning: %s: skipped %zu point%s with NaN or Inf values\n", fname, n, n == 1 ? "" : "s");
}

/* Parse a dash style name. */
static int parse_dash(lua_State *L, const char *s, const char *fname) {
  if (!strcmp(s, "solid") || !strcmp(s, "-")) return IBSH_DASH_SOLID;
  if (!strcmp(s, "dashed") || !strcmp(s, "--")) return IBSH_DASH_DASHED;
  if (!strcmp(s, "dotted") || !strcmp(s, ":")) return IBSH_DASH_DOTTED;
  if (!strcmp(s, "dashdot") || !strcmp(s, "-.")) return IBSH_DASH_DASHDOT;
  return lx_error(L, fname, "unknown line style '%s' (solid, dashed, dotted, dashdot or -, --, :, -.)", s);
}

/* Parse a marker name. */
static int parse_marker(lua_State *L, const char *s, const char *fname) {
  if (!strcmp(s, "") || !strcmp(s, "none")) return IBSH_MARK_NONE;
  if (!strcmp(s, "o") || !strcmp(s, "circle")) return IBSH_MARK_CIRCLE;
  if (!strcmp(s, "s") || !strcmp(s, "square")) return IBSH_MARK_SQUARE;
  return lx_error(L, fname, "unknown marker '%s' (\"o\", \"s\" or \"none\")", s);
}

/* Parse a colour map name. */
static int parse_cmap(lua_State *L, const char *s, const char *fname) {
  int c = ibsh_colormap_find(s);
  if (c < 0) {
    char list[256] = "";
    size_t used = 0;
    for (int i = 0; ibsh_colormap_name(i) && used < sizeof list; i++)
      used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", ibsh_colormap_name(i));
    lx_error(L, fname, "unknown colour map '%s' (known: %s)", s, list);
  }
  return c;
}

/* Parse a colour given as a string or an {r, g, b[, a]} table into rgba. */
static void parse_color(lua_State *L, int idx, const char *fname, double rgba[4]) {
  if (lua_type(L, idx) == LUA_TSTRING) {
    lx_check(L, ibsh_color_parse(lua_tostring(L, idx), rgba), fname);
    return;
  }
  size_t n = lua_istable(L, idx) ? (size_t)lua_rawlen(L, idx) : 0;
  if (n != 3 && n != 4) lx_error(L, fname, "colour must be a name, \"#rrggbb\" or {r, g, b[, a]} in [0, 1]");
  rgba[3] = 1;
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, idx, (lua_Integer)i + 1);
    double v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (!(v >= 0 && v <= 1)) lx_error(L, fname, "colour component %zu must be in [0, 1]", i + 1);
    rgba[i] = v;
  }
}

/* Read the style options common to all series from the table at opts. */
static void read_style(lua_State *L, int opts, const char *fname, ibsh_style *st) {
  ibsh_style_default(st);
  if (lua_isnoneornil(L, opts)) return;
  st->alpha = lx_optnumber(L, opts, "alpha", 1, fname);
  if (!(st->alpha >= 0 && st->alpha <= 1)) lx_error(L, fname, "alpha must be in [0, 1], got %g", st->alpha);
  st->width = lx_optnumber(L, opts, "width", st->width, fname);
  if (!(st->width >= 0 && st->width <= 100)) lx_error(L, fname, "width must be in [0, 100] points, got %g", st->width);
  const char *style = lx_optstring(L, opts, "style", NULL, fname);
  if (style) st->dash = parse_dash(L, style, fname);
  const char *marker = lx_optstring(L, opts, "marker", NULL, fname);
  if (marker) st->marker = parse_marker(L, marker, fname);
  const char *cmap = lx_optstring(L, opts, "cmap", NULL, fname);
  if (cmap) st->cmap = parse_cmap(L, cmap, fname);
  st->vmin = lx_optnumber(L, opts, "vmin", NAN, fname);
  st->vmax = lx_optnumber(L, opts, "vmax", NAN, fname);
  st->capsize = lx_optnumber(L, opts, "capsize", st->capsize, fname);
  st->fontsize = lx_optnumber(L, opts, "fontsize", 0, fname);
  if (!(st->fontsize >= 0 && st->fontsize <= 200)) lx_error(L, fname, "fontsize must be in (0, 200] points");
  st->label = lx_optstring(L, opts, "label", NULL, fname);
  lua_getfield(L, opts, "size");
  if (lua_isnumber(L, -1)) {
    st->size = lua_tonumber(L, -1);
    if (!(st->size >= 0 && st->size <= 500)) lx_error(L, fname, "size must be in [0, 500] points, got %g", st->size);
  }
  lua_pop(L, 1);
  lua_getfield(L, opts, "color");
  if (lua_type(L, -1) == LUA_TSTRING) parse_color(L, -1, fname, st->color);
  lua_pop(L, 1);
}

/* Per-item colour values from opts.color when it is a tensor or a numeric array of n entries; else NULL. */
static const double *read_values(lua_State *L, int opts, size_t n, const char *fname, ibsh_style *st) {
  if (lua_isnoneornil(L, opts)) return NULL;
  lua_getfield(L, opts, "color");
  int t = lua_type(L, -1);
  if (t == LUA_TNIL || t == LUA_TSTRING) { lua_pop(L, 1); return NULL; }
  lua_getfield(L, opts, "cmap");
  int has_cmap = !lua_isnil(L, -1);
  lua_pop(L, 1);
  if (t == LUA_TTABLE && !has_cmap && lua_rawlen(L, -1) != n && (lua_rawlen(L, -1) == 3 || lua_rawlen(L, -1) == 4)) {
    parse_color(L, -1, fname, st->color);
    lua_pop(L, 1);
    return NULL;
  }
  ldata d;
  lplot_data(L, -1, fname, "color values", 0, &d);
  if (d.rows * d.cols != n)
    lx_error(L, fname, "color has %zu values but %zu are needed (one per %s)", d.rows * d.cols, n, "item");
  return d.p;  /* kept alive on the stack */
}

/* Nonzero when the value at idx is an options table (nil, or a non-empty table without element [1]). */
static int is_options(lua_State *L, int idx) {
  if (lua_isnoneornil(L, idx)) return 1;
  if (!lua_istable(L, idx)) return 0;
  lua_rawgeti(L, idx, 1);
  int no_first = lua_isnil(L, -1);
  lua_pop(L, 1);
  if (!no_first) return 0;
  lua_pushnil(L);
  int nonempty = lua_next(L, idx);
  if (nonempty) lua_pop(L, 2);
  return nonempty;
}

/* Read x and y (y alone: x = 1..n) starting at idx; returns the index of the options table. */
static int read_xy(lua_State *L, int idx, const char *fname, ldata *x, ldata *y) {
  if (is_options(L, idx + 1)) {
    lplot_data(L, idx, fname, "y", 0, y);
    double *b = lplot_buffer(L, y->rows * y->cols, fname);
    for (size_t i = 0; i < y->rows * y->cols; i++) b[i] = (double)(i % (y->cols ? y->cols : 1) + 1);
    x->p = b; x->rows = y->rows; x->cols = y->cols;
    return idx + 1;
  }
  lplot_data(L, idx, fname, "x", 0, x);
  lplot_data(L, idx + 1, fname, "y", 0, y);
  return idx + 2;
}

/* Expand x (a vector of y's row length) to y's shape when y has several rows. */
static void broadcast_x(lua_State *L, ldata *x, const ldata *y, const char *fname) {
  if (x->rows == y->rows && x->cols == y->cols) return;
  if (x->rows == 1 && x->cols == y->cols && y->rows > 1) {
    double *b = lplot_buffer(L, y->rows * y->cols, fname);
    for (size_t r = 0; r < y->rows; r++) memcpy(b + r * y->cols, x->p, y->cols * sizeof *b);
    x->p = b; x->rows = y->rows;
    return;
  }
  lx_error(L, fname, "x has %zux%zu values and y %zux%zu: sizes do not match", x->rows, x->cols, y->rows, y->cols);
}

/* ax:line(x, y [, opts]) */
static int a_line(lua_State *L) {
  const char *fname = "ax:line";
  laxes *a = lplot_checkaxes(L, 1, fname);
  ldata x, y;
  int opts = read_xy(L, 2, fname, &x, &y);
  static const char *const known[] = {"color", "cmap", "vmin", "vmax", "alpha", "width", "style", "marker", "size", "label", NULL};
  lx_checkoptions(L, opts, known, fname);
  broadcast_x(L, &x, &y, fname);
  ibsh_style st;
  read_style(L, opts, fname, &st);
  const double *v = read_values(L, opts, y.rows, fname, &st);
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
  int opts = read_xy(L, 2, fname, &x, &y);
  static const char *const known[] = {"color", "cmap", "vmin", "vmax", "alpha", "size", "marker", "label", NULL};
  lx_checkoptions(L, opts, known, fname);
  size_t n = x.rows * x.cols;
  if (y.rows * y.cols != n) lx_error(L, fname, "x has %zu values and y %zu: sizes do not match", n, y.rows * y.cols);
  ibsh_style st;
  read_style(L, opts, fname, &st);
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
  const double *v = read_values(L, opts, n, fname, &st);
  lx_check(L, ibsh_axes_scatter(a->ax, x.p, y.p, n, v, sizes, &st), fname);
  warn_skipped(L, a, fname);
  lua_settop(L, 1);
  return 1;
}

/* ax:band(x, ylo, yhi [, opts]) */
static int a_band(lua_State *L) {
  const char *fname = "ax:band";
  laxes *a = lplot_checkaxes(L, 1, fname);
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
  read_style(L, 5, fname, &st);
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
  read_style(L, 5, fname, &st);
  lx_check(L, ibsh_axes_errorbar(a->ax, x.p, y.p, e.p, upper, n, &st), fname);
  warn_skipped(L, a, fname);
  lua_settop(L, 1);
  return 1;
}

/* Shared body of ax:hline and ax:vline. */
static int refline(lua_State *L, int vertical, const char *fname) {
  laxes *a = lplot_checkaxes(L, 1, fname);
  double v = luaL_checknumber(L, 2);
  static const char *const known[] = {"color", "alpha", "width", "style", "label", NULL};
  lx_checkoptions(L, 3, known, fname);
  ibsh_style st;
  read_style(L, 3, fname, &st);
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
  double x = luaL_checknumber(L, 2), y = luaL_checknumber(L, 3);
  const char *s = luaL_checkstring(L, 4);
  static const char *const known[] = {"color", "alpha", "fontsize", "align", "valign", NULL};
  lx_checkoptions(L, 5, known, fname);
  ibsh_style st;
  read_style(L, 5, fname, &st);
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
  const char *s = lua_isnoneornil(L, 2) ? NULL : luaL_checkstring(L, 2);
  lx_check(L, ibsh_axes_label(a->ax, which, s), fname);
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
  if (!isnan(lo) && !isnan(hi) && !(hi > lo)) lx_error(L, fname, "limits must satisfy lo < hi, got %g and %g", lo, hi);
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

/* ax:grid([on]) */
static int a_grid(lua_State *L) {
  laxes *a = lplot_checkaxes(L, 1, "ax:grid");
  ibsh_axes_grid(a->ax, lua_isnone(L, 2) ? 1 : lua_toboolean(L, 2));
  lua_settop(L, 1);
  return 1;
}

/* ax:legend([opts]) */
static int a_legend(lua_State *L) {
  const char *fname = "ax:legend";
  laxes *a = lplot_checkaxes(L, 1, fname);
  const char *loc = "best";
  if (lua_type(L, 2) == LUA_TSTRING) loc = lua_tostring(L, 2);
  else {
    static const char *const known[] = {"loc", NULL};
    lx_checkoptions(L, 2, known, fname);
    loc = lx_optstring(L, 2, "loc", "best", fname);
  }
  int code = ibsh_legend_loc(loc);
  if (code < 0) lx_error(L, fname, "unknown location '%s' (best, upper right, upper left, lower left, lower right, right, center left, center right, lower center, upper center, center)", loc);
  ibsh_axes_legend(a->ax, code);
  lua_settop(L, 1);
  return 1;
}

/* ax:colorbar([opts]) */
static int a_colorbar(lua_State *L) {
  const char *fname = "ax:colorbar";
  laxes *a = lplot_checkaxes(L, 1, fname);
  static const char *const known[] = {"label", "cmap", "vmin", "vmax", NULL};
  if (lua_type(L, 2) == LUA_TSTRING) {
    lx_check(L, ibsh_axes_colorbar(a->ax, lua_tostring(L, 2), -1, NAN, NAN), fname);
  } else {
    lx_checkoptions(L, 2, known, fname);
    const char *cmap = lx_optstring(L, 2, "cmap", NULL, fname);
    lx_check(L, ibsh_axes_colorbar(a->ax, lx_optstring(L, 2, "label", NULL, fname), cmap ? parse_cmap(L, cmap, fname) : -1,
                                   lx_optnumber(L, 2, "vmin", NAN, fname), lx_optnumber(L, 2, "vmax", NAN, fname)), fname);
  }
  lua_settop(L, 1);
  return 1;
}

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
  {"line", a_line, "ax:line([x,] y [, opts])\n\nDraw a line through the points (x, y). x and y are tensors (1-d, n x 1) or arrays; a 2-d y (m x k) draws m lines (x may be a k-vector). Options: color (name, \"#rrggbb\", {r,g,b[,a]}, or one value per line mapped through cmap), cmap, vmin, vmax, alpha, width (points, default 1.5), style (solid, dashed, dotted, dashdot), marker (\"o\", \"s\"), size (marker diameter in points), label (legend entry). NaN/Inf points break the line and are counted in a warning.\n\nExample: ax:line(x, y, {color = \"black\", style = \"dashed\", label = \"bound\"})"},
  {"scatter", a_scatter, "ax:scatter(x, y [, opts])\n\nDraw a marker at each point. Options: color (a colour, or a tensor/array of one value per point mapped through cmap), cmap (viridis, plasma, magma, inferno, gnuplot, gray, hot, jet, coolwarm), vmin, vmax, size (diameter in points, a number or one per point; default 6), marker (\"o\" or \"s\"), alpha, label. Millions of points are drawn in C from cached marker stamps.\n\nExample: ax:scatter(x, y, {color = epochs, cmap = \"viridis\", size = 1})"},
  {"band", a_band, "ax:band(x, ylo, yhi [, opts])\n\nFill the region between the curves ylo and yhi over x (a confidence band). Options: color, alpha (default 0.3), label.\n\nExample: ax:band(epochs, mean - sd, mean + sd, {color = \"C0\"})"},
  {"errorbar", a_errorbar, "ax:errorbar(x, y, err [, opts])\n\nVertical error bars from y - err to y + err (or y + opts.upper) with caps, joined by a line. Options: color, alpha, width (0: no joining line), style, marker, size, capsize (points), upper, label.\n\nExample: ax:errorbar(x, mean, sd, {marker = \"o\", label = \"mean ± sd\"})"},
  {"hline", a_hline, "ax:hline(y [, opts])\n\nA horizontal line across the axes at data value y. Options: color (default grey), alpha, width (default 1), style, label.\n\nExample: ax:hline(1, {style = \"dashed\", label = \"H(Y)\"})"},
  {"vline", a_vline, "ax:vline(x [, opts])\n\nA vertical line across the axes at data value x. Options: color (default grey), alpha, width (default 1), style, label.\n\nExample: ax:vline(370, {color = \"gray\"})"},
  {"text", a_text, "ax:text(x, y, s [, opts])\n\nText at data point (x, y); \"^{...}\" sets a superscript. Options: color, alpha, fontsize (points), align (left, center, right), valign (baseline, center, top, bottom).\n\nExample: ax:text(2, 0.5, \"compression\", {align = \"center\"})"},
  {"xlabel", a_xlabel, "ax:xlabel(s)\n\nSet the x axis label.\n\nExample: ax:xlabel(\"I(X;T) (bits)\")"},
  {"ylabel", a_ylabel, "ax:ylabel(s)\n\nSet the y axis label (drawn rotated, reading bottom to top).\n\nExample: ax:ylabel(\"I(T;Y) (bits)\")"},
  {"title", a_title, "ax:title(s)\n\nSet the axes title.\n\nExample: ax:title(\"Information plane\")"},
  {"xlim", a_xlim, "ax:xlim([lo, hi])\n\nFix the x range (nil for an automatic end); without arguments return the current limits.\n\nExample: ax:xlim(0, 12)"},
  {"ylim", a_ylim, "ax:ylim([lo, hi])\n\nFix the y range (nil for an automatic end); without arguments return the current limits.\n\nExample: ax:ylim(0, 1.05)"},
  {"xscale", a_xscale, "ax:xscale(\"log\" | \"linear\")\n\nSet the x axis scale; log axes get decade ticks, and non-positive values are skipped with a warning.\n\nExample: ax:xscale(\"log\")"},
  {"yscale", a_yscale, "ax:yscale(\"log\" | \"linear\")\n\nSet the y axis scale.\n\nExample: ax:yscale(\"log\")"},
  {"loglog", a_loglog, "ax:loglog()\n\nMake both axes logarithmic.\n\nExample: ax:loglog()"},
  {"grid", a_grid, "ax:grid([on])\n\nShow (default) or hide grid lines at the major ticks.\n\nExample: ax:grid(true)"},
  {"legend", a_legend, "ax:legend([loc | {loc = ...}])\n\nShow a legend of the labelled series at loc: best (default: the corner covering the fewest points), upper right, upper left, lower left, lower right, right, center left, center right, lower center, upper center, center.\n\nExample: ax:legend(\"lower right\")"},
  {"colorbar", a_colorbar, "ax:colorbar([opts])\n\nAdd a colour bar on the right of the axes showing the colour mapping of the last colour-mapped series. Options: label, cmap, vmin, vmax (override the mapping).\n\nExample: ax:colorbar{label = \"epoch\"}"},
  {"topixel", a_topixel, "ax:topixel(x, y)\n\nThe pixel coordinates (from the top-left corner of the image; pixel (i, j) spans [i, i+1)) of data point (x, y), using the layout of the last save or render.\n\nExample: local px, py = ax:topixel(1, 0.5)"},
  {"box", a_box, "ax:box()\n\nThe plot area in pixels as x0, y0, x1, y1 (y down; x1, y1 exclusive), after the last save or render.\n\nExample: local x0, y0, x1, y1 = ax:box()"},
  {NULL, NULL, NULL}
};
