/*
** Lua binding of the plot module: plot.figure, ibsh.Figure methods, PNG
** reading for checks, colour map queries. Axes methods live in lplot_axes.c.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plot/colormap.h"
#include "lplot.h"
#include "io/png_io.h"

/* The figure at idx, or a Lua error. */
static lfigure *check_figure(lua_State *L, int idx, const char *fname) {
  lfigure *f = (lfigure *)luaL_testudata(L, idx, IBSH_FIGURE_T);
  if (!f) lx_error(L, fname, "expected an ibsh.Figure (call it as fig:method(...)), got %s", luaL_typename(L, idx));
  if (!f->fig) lx_error(L, fname, "the figure was closed");
  return f;
}

/* plot.figure{width, height, dpi, rows, cols, fontsize, title} */
static int p_figure(lua_State *L) {
  const char *fname = "plot.figure";
  static const char *const known[] = {"width", "height", "dpi", "rows", "cols", "fontsize", "title", NULL};
  lx_checkoptions(L, 1, known, fname);
  lua_Integer w = lx_optinteger(L, 1, "width", 640, fname), h = lx_optinteger(L, 1, "height", 480, fname);
  double dpi = lx_optnumber(L, 1, "dpi", 100, fname), fs = lx_optnumber(L, 1, "fontsize", 10, fname);
  lua_Integer rows = lx_optinteger(L, 1, "rows", 1, fname), cols = lx_optinteger(L, 1, "cols", 1, fname);
  const char *title = lx_optstring(L, 1, "title", NULL, fname);
  if (w < 16 || h < 16 || w > 16384 || h > 16384)
    lx_error(L, fname, "width and height must be in 16..16384 pixels, got %lld x %lld", (long long)w, (long long)h);
  if (rows < 1 || cols < 1 || rows > 16 || cols > 16)
    lx_error(L, fname, "rows and cols must be in 1..16, got %lld x %lld", (long long)rows, (long long)cols);
  lfigure *f = (lfigure *)lua_newuserdatauv(L, sizeof *f, 1);
  f->fig = NULL;
  luaL_setmetatable(L, IBSH_FIGURE_T);
  lx_check(L, ibsh_figure_new(&f->fig, (int)w, (int)h, dpi, (int)rows, (int)cols, fs), fname);
  if (title) lx_check(L, ibsh_figure_suptitle(f->fig, title), fname);
  lua_newtable(L);  /* cache of axes userdata, so fig:axes(i, j) is always the same object */
  lua_setiuservalue(L, -2, 1);
  return 1;
}

/* fig:axes([i, j]) */
static int f_axes(lua_State *L) {
  const char *fname = "fig:axes";
  lfigure *f = check_figure(L, 1, fname);
  int rows, cols;
  ibsh_figure_info(f->fig, NULL, NULL, NULL, &rows, &cols);
  lua_Integer i = 1, j = 1;
  if (lua_gettop(L) >= 3) { i = luaL_checkinteger(L, 2); j = luaL_checkinteger(L, 3); }
  else if (lua_gettop(L) == 2) {
    lua_Integer k = luaL_checkinteger(L, 2);
    if (k < 1 || k > (lua_Integer)rows * cols) lx_error(L, fname, "axes %lld out of range 1..%d", (long long)k, rows * cols);
    i = (k - 1) / cols + 1;
    j = (k - 1) % cols + 1;
  } else if (rows * cols > 1) {
    lx_error(L, fname, "the figure has a %dx%d grid: give the row and column, e.g. fig:axes(1, 2)", rows, cols);
  }
  if (i < 1 || j < 1 || i > rows || j > cols)
    lx_error(L, fname, "axes (%lld, %lld) out of range: the grid is %d x %d", (long long)i, (long long)j, rows, cols);
  lua_getiuservalue(L, 1, 1);
  lua_Integer key = (i - 1) * cols + j;
  if (lua_rawgeti(L, -1, key) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  laxes *a = (laxes *)lua_newuserdatauv(L, sizeof *a, 1);
  a->ax = ibsh_figure_axes(f->fig, (int)i - 1, (int)j - 1);
  a->row = (int)i;
  a->col = (int)j;
  luaL_setmetatable(L, IBSH_AXES_T);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);  /* the axes keeps its figure alive */
  lua_pushvalue(L, -1);
  lua_rawseti(L, -3, key);
  return 1;
}

/* Warn about points a render skipped (non-positive values on log axes). */
static void warn_render(lfigure *f, const char *fname) {
  size_t n = ibsh_figure_skipped(f->fig);
  if (n) fprintf(stderr, "warning: %s: skipped %zu non-positive value%s on log axes\n", fname, n, n == 1 ? "" : "s");
}

/* fig:save(path) */
static int f_save(lua_State *L) {
  const char *fname = "fig:save";
  lfigure *f = check_figure(L, 1, fname);
  const char *path = luaL_checkstring(L, 2);
  lx_check(L, ibsh_figure_save(f->fig, path), fname);
  warn_render(f, fname);
  lua_settop(L, 1);
  return 1;
}

/* fig:show([opts]) */
static int f_show(lua_State *L) {
  lfigure *f = check_figure(L, 1, "fig:show");
  int n = lplot_show(L, f->fig);
  warn_render(f, "fig:show");
  return n;
}

/* fig:pixels() -> height x width x 4 tensor of 0..255 values (straight alpha) */
static int f_pixels(lua_State *L) {
  const char *fname = "fig:pixels";
  lfigure *f = check_figure(L, 1, fname);
  ibsh_raster r;
  lx_check(L, ibsh_figure_render(f->fig, &r), fname);
  warn_render(f, fname);
  size_t shape[3] = {(size_t)r.h, (size_t)r.w, 4};
  unsigned char *out = malloc((size_t)r.w * (size_t)r.h * 4);
  if (!out) { ibsh_raster_free(&r); lx_error(L, fname, "out of memory"); }
  ibsh_raster_export(&r, out);
  ibsh_raster_free(&r);
  /* lx_newtensor raises on failure: hold the pixels in a userdata so nothing leaks */
  unsigned char *keep = lua_newuserdatauv(L, shape[0] * shape[1] * 4, 0);
  memcpy(keep, out, shape[0] * shape[1] * 4);
  free(out);
  ibsh_tensor *px = lx_newtensor(L, 3, shape, fname);
  double *d = ibsh_tensor_data(px);
  for (size_t i = 0; i < shape[0] * shape[1] * 4; i++) d[i] = keep[i];
  return 1;
}

/* fig:title(s) */
static int f_title(lua_State *L) {
  lfigure *f = check_figure(L, 1, "fig:title");
  lx_check(L, ibsh_figure_suptitle(f->fig, lua_isnoneornil(L, 2) ? NULL : luaL_checkstring(L, 2)), "fig:title");
  lua_settop(L, 1);
  return 1;
}

/* fig:size() -> width, height, dpi */
static int f_size(lua_State *L) {
  lfigure *f = check_figure(L, 1, "fig:size");
  int w, h;
  double dpi;
  ibsh_figure_info(f->fig, &w, &h, &dpi, NULL, NULL);
  lua_pushinteger(L, w);
  lua_pushinteger(L, h);
  lua_pushnumber(L, dpi);
  return 3;
}

/* Release the figure (garbage collection or to-be-closed). */
static int f_gc(lua_State *L) {
  lfigure *f = (lfigure *)luaL_checkudata(L, 1, IBSH_FIGURE_T);
  /* axes userdata keep the figure alive, so no axes can outlive it */
  ibsh_figure_free(f->fig);
  f->fig = NULL;
  return 0;
}

/* tostring(fig) */
static int f_tostring(lua_State *L) {
  lfigure *f = (lfigure *)luaL_checkudata(L, 1, IBSH_FIGURE_T);
  if (!f->fig) { lua_pushstring(L, "ibsh.Figure (closed)"); return 1; }
  int w, h, rows, cols;
  double dpi;
  ibsh_figure_info(f->fig, &w, &h, &dpi, &rows, &cols);
  lua_pushfstring(L, "ibsh.Figure %dx%d px, %d dpi, %dx%d axes", w, h, (int)dpi, rows, cols);
  return 1;
}

/* tostring(ax) */
static int a_tostring(lua_State *L) {
  laxes *a = (laxes *)luaL_checkudata(L, 1, IBSH_AXES_T);
  lua_pushfstring(L, "ibsh.Axes (%d, %d)", a->row, a->col);
  return 1;
}

/* plot.readpng(path) -> height x width x 4 tensor of 0..255 values */
static int p_readpng(lua_State *L) {
  const char *fname = "plot.readpng";
  const char *path = luaL_checkstring(L, 1);
  unsigned char *px;
  int w, h;
  lx_check(L, ibsh_png_read(path, &px, &w, &h), fname);
  unsigned char *keep = lua_newuserdatauv(L, (size_t)w * (size_t)h * 4, 0);
  memcpy(keep, px, (size_t)w * (size_t)h * 4);
  free(px);
  size_t shape[3] = {(size_t)h, (size_t)w, 4};
  ibsh_tensor *t = lx_newtensor(L, 3, shape, fname);
  double *d = ibsh_tensor_data(t);
  for (size_t i = 0; i < shape[0] * shape[1] * 4; i++) d[i] = keep[i];
  return 1;
}

/* plot.pngtext(path, key) -> the value of a PNG text chunk or nil */
static int p_pngtext(lua_State *L) {
  char buf[1024];
  lx_check(L, ibsh_png_text(luaL_checkstring(L, 1), luaL_checkstring(L, 2), buf, sizeof buf), "plot.pngtext");
  if (buf[0]) lua_pushstring(L, buf); else lua_pushnil(L);
  return 1;
}

/* plot.colormaps() -> array of colour map names */
static int p_colormaps(lua_State *L) {
  lua_newtable(L);
  for (int i = 0; ibsh_colormap_name(i); i++) {
    lua_pushstring(L, ibsh_colormap_name(i));
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* plot.colormap(name, t) -> r, g, b in [0, 1] */
static int p_colormap(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  int c = ibsh_colormap_find(name);
  if (c < 0) lx_error(L, "plot.colormap", "unknown colour map '%s' (see plot.colormaps())", name);
  double rgb[3];
  ibsh_colormap_eval(c, luaL_checknumber(L, 2), rgb);
  for (int k = 0; k < 3; k++) lua_pushnumber(L, rgb[k]);
  return 3;
}

/* plot.color(spec) -> r, g, b, a in [0, 1] */
static int p_color(lua_State *L) {
  double rgba[4];
  lx_check(L, ibsh_color_parse(luaL_checkstring(L, 1), rgba), "plot.color");
  for (int k = 0; k < 4; k++) lua_pushnumber(L, rgba[k]);
  return 4;
}

static const lx_Reg plot_funcs[] = {
  {"figure", p_figure, "plot.figure{width = 640, height = 480, dpi = 100, rows = 1, cols = 1, fontsize = 10, title = nil}\n\nA new figure of width x height pixels with a rows x cols grid of axes. Text sizes and line widths are in points (1/72 inch) and scale with dpi; fontsize is the tick and label size. Save it with fig:save(\"x.png\") or fig:save(\"x.svg\").\n\nExample: local fig = plot.figure{width = 1200, height = 900}; local ax = fig:axes()"},
  {"readpng", p_readpng, "plot.readpng(path)\n\nDecode a PNG with libpng into a height x width x 4 tensor of RGBA values 0..255 (for checks and tests).\n\nExample: local img = plot.readpng(\"x.png\"); print(img:size())"},
  {"pngtext", p_pngtext, "plot.pngtext(path, key)\n\nThe text chunk key (e.g. \"Software\", \"Title\") of a PNG file, or nil.\n\nExample: print(plot.pngtext(\"x.png\", \"Title\"))"},
  {"colormaps", p_colormaps, "plot.colormaps()\n\nThe names of the colour maps (viridis, plasma, magma, inferno, gnuplot, gray, hot, jet, coolwarm).\n\nExample: for _, n in ipairs(plot.colormaps()) do print(n) end"},
  {"colormap", p_colormap, "plot.colormap(name, t)\n\nThe colour of map name at t in [0, 1] as r, g, b in [0, 1].\n\nExample: print(plot.colormap(\"viridis\", 0.5))"},
  {"color", p_color, "plot.color(spec)\n\nParse a colour (\"red\", \"#1f77b4\", \"C0\" .. \"C9\", a grey level \"0.5\") into r, g, b, a in [0, 1].\n\nExample: print(plot.color(\"C1\"))"},
  {NULL, NULL, NULL}
};

static const lx_Reg figure_methods[] = {
  {"axes", f_axes, "fig:axes([i, j])\n\nThe axes of a single-axes figure, or the one in row i, column j of a grid (or the k-th, row by row, with one argument). The same object is returned each time.\n\nExample: local ax = fig:axes(1, 2)"},
  {"save", f_save, "fig:save(path)\n\nRender and write the figure: PNG through libpng (8-bit RGBA, text chunks Software and Title) for .png, SVG for .svg. Written to a temporary file, then renamed.\n\nExample: fig:save(\"infoplane.png\")"},
  {"pixels", f_pixels, "fig:pixels()\n\nRender the figure and return its pixels as a height x width x 4 tensor of RGBA values 0..255.\n\nExample: local img = fig:pixels(); print(img:get(1, 1, 1))"},
  {"show", f_show, "fig:show([{path = p, method = m}])\n\nDisplay the figure without leaving the shell. The PNG is written first (to path, default $TMPDIR or /tmp/ibsh-figure-<pid>-<n>.png). When stdout is a terminal the image is shown inline with the protocol the terminal has: iTerm2 inline images when $TERM_PROGRAM or $LC_TERMINAL names iTerm2 (or WezTerm), else what the terminal answers to a query (kitty graphics, or sixel when its device attributes list 4). Otherwise xdg-open opens the file when $DISPLAY or $WAYLAND_DISPLAY is set, else the path is printed. method (or $IBSH_SHOW) forces one of auto, kitty, iterm, sixel, viewer, file. Returns how the figure was shown and the path.\n\nExample: plot.infoplane(plane, {epochs = epochs}):show()"},
  {"title", f_title, "fig:title(s)\n\nA title over the whole figure (above all axes).\n\nExample: fig:title(\"Run 3\")"},
  {"size", f_size, "fig:size()\n\nThe figure's width and height in pixels and its dpi.\n\nExample: local w, h, dpi = fig:size()"},
  {NULL, NULL, NULL}
};

static const luaL_Reg figure_meta[] = {
  {"__gc", f_gc},
  {"__close", f_gc},
  {"__tostring", f_tostring},
  {NULL, NULL}
};

static const luaL_Reg axes_meta[] = {
  {"__tostring", a_tostring},
  {NULL, NULL}
};

/* Open the C core of module ibsh.plot. */
int luaopen_ibsh_core_plot(lua_State *L) {
  lx_newclass(L, IBSH_FIGURE_T, figure_methods, figure_meta);
  lx_newclass(L, IBSH_AXES_T, lplot_axes_methods, axes_meta);
  lplot_movie_open(L);
  lua_newtable(L);
  lx_setfuncs(L, "plot.", plot_funcs);
  lx_setfuncs(L, "plot.", lplot_movie_funcs);
  return 1;
}
