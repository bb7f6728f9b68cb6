/*
** Option and data readers shared by the axes methods: styles, colours,
** colour values, (x, y) pairs.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "plot/colormap.h"
#include "lplot.h"

/* Parse a dash style name. */
int lplot_parse_dash(lua_State *L, const char *s, const char *fname) {
  if (!strcmp(s, "solid") || !strcmp(s, "-")) return IBSH_DASH_SOLID;
  if (!strcmp(s, "dashed") || !strcmp(s, "--")) return IBSH_DASH_DASHED;
  if (!strcmp(s, "dotted") || !strcmp(s, ":")) return IBSH_DASH_DOTTED;
  if (!strcmp(s, "dashdot") || !strcmp(s, "-.")) return IBSH_DASH_DASHDOT;
  return lx_error(L, fname, "unknown line style '%s' (solid, dashed, dotted, dashdot or -, --, :, -.)", s);
}

/* Parse a marker name. */
int lplot_parse_marker(lua_State *L, const char *s, const char *fname) {
  if (!strcmp(s, "") || !strcmp(s, "none")) return IBSH_MARK_NONE;
  if (!strcmp(s, "o") || !strcmp(s, "circle")) return IBSH_MARK_CIRCLE;
  if (!strcmp(s, "s") || !strcmp(s, "square")) return IBSH_MARK_SQUARE;
  if (!strcmp(s, "D") || !strcmp(s, "d") || !strcmp(s, "diamond")) return IBSH_MARK_DIAMOND;
  if (!strcmp(s, "^") || !strcmp(s, "triangle")) return IBSH_MARK_TRIUP;
  if (!strcmp(s, "v")) return IBSH_MARK_TRIDOWN;
  if (!strcmp(s, "+") || !strcmp(s, "plus")) return IBSH_MARK_PLUS;
  if (!strcmp(s, "x") || !strcmp(s, "cross")) return IBSH_MARK_CROSS;
  return lx_error(L, fname, "unknown marker '%s' (\"o\", \"s\", \"D\", \"^\", \"v\", \"+\", \"x\" or \"none\")", s);
}

/* Parse a colour map name. */
int lplot_parse_cmap(lua_State *L, const char *s, const char *fname) {
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
void lplot_parse_color(lua_State *L, int idx, const char *fname, double rgba[4]) {
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
void lplot_read_style(lua_State *L, int opts, const char *fname, ibsh_style *st) {
  ibsh_style_default(st);
  if (lua_isnoneornil(L, opts)) return;
  st->alpha = lx_optnumber(L, opts, "alpha", 1, fname);
  if (!(st->alpha >= 0 && st->alpha <= 1)) lx_error(L, fname, "alpha must be in [0, 1], got %g", st->alpha);
  st->width = lx_optnumber(L, opts, "width", st->width, fname);
  if (!(st->width >= 0 && st->width <= 100)) lx_error(L, fname, "width must be in [0, 100] points, got %g", st->width);
  const char *style = lx_optstring(L, opts, "style", NULL, fname);
  if (style) st->dash = lplot_parse_dash(L, style, fname);
  const char *marker = lx_optstring(L, opts, "marker", NULL, fname);
  if (marker) st->marker = lplot_parse_marker(L, marker, fname);
  const char *cmap = lx_optstring(L, opts, "cmap", NULL, fname);
  if (cmap) st->cmap = lplot_parse_cmap(L, cmap, fname);
  st->vmin = lx_optnumber(L, opts, "vmin", NAN, fname);
  st->vmax = lx_optnumber(L, opts, "vmax", NAN, fname);
  const char *norm = lx_optstring(L, opts, "norm", NULL, fname);
  if (norm && strcmp(norm, "log") && strcmp(norm, "linear")) lx_error(L, fname, "norm must be \"linear\" or \"log\", got '%s'", norm);
  st->clog = norm && strcmp(norm, "log") == 0;
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
  if (lua_type(L, -1) == LUA_TSTRING) lplot_parse_color(L, -1, fname, st->color);
  lua_pop(L, 1);
}

/* Per-item colour values from opts.color when it is a tensor or a numeric array of n entries; else NULL. */
const double *lplot_read_values(lua_State *L, int opts, size_t n, const char *fname, ibsh_style *st) {
  if (lua_isnoneornil(L, opts)) return NULL;
  lua_getfield(L, opts, "color");
  int t = lua_type(L, -1);
  if (t == LUA_TNIL || t == LUA_TSTRING) { lua_pop(L, 1); return NULL; }
  lua_getfield(L, opts, "cmap");
  int has_cmap = !lua_isnil(L, -1);
  lua_pop(L, 1);
  if (t == LUA_TTABLE && !has_cmap && lua_rawlen(L, -1) != n && (lua_rawlen(L, -1) == 3 || lua_rawlen(L, -1) == 4)) {
    lplot_parse_color(L, -1, fname, st->color);
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
int lplot_is_options(lua_State *L, int idx) {
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
int lplot_read_xy(lua_State *L, int idx, const char *fname, ldata *x, ldata *y) {
  lua_settop(L, idx + 2);  /* absent arguments become nil, so pushed buffers never take their slots */
  if (lplot_is_options(L, idx + 1)) {
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
void lplot_broadcast_x(lua_State *L, ldata *x, const ldata *y, const char *fname) {
  if (x->rows == y->rows && x->cols == y->cols) return;
  if (x->rows == 1 && x->cols == y->cols && y->rows > 1) {
    double *b = lplot_buffer(L, y->rows * y->cols, fname);
    for (size_t r = 0; r < y->rows; r++) memcpy(b + r * y->cols, x->p, y->cols * sizeof *b);
    x->p = b; x->rows = y->rows;
    return;
  }
  lx_error(L, fname, "x has %zux%zu values and y %zux%zu: sizes do not match", x->rows, x->cols, y->rows, y->cols);
}

