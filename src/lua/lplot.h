/*
** Internal interface between the plot binding files (lplot.c: module and
** figures; lplot_axes.c: axes methods; lplot_style.c: option readers;
** lplot_data.c: numeric argument readers).
*/
#ifndef IBSH_LPLOT_H
#define IBSH_LPLOT_H

#include "lcommon.h"
#include "ibsh/plot.h"

#define IBSH_FIGURE_T "ibsh.Figure"
#define IBSH_AXES_T "ibsh.Axes"

typedef struct lfigure { ibsh_figure *fig; } lfigure;
typedef struct laxes { ibsh_axes *ax; int row, col; } laxes;

/* A numeric argument as a matrix: rows x cols doubles (vectors have rows = 1). */
typedef struct ldata { const double *p; size_t rows, cols; } ldata;

/* Read a tensor (1-d, n x 1, 1 x n or m x k) or a Lua array of numbers at idx; NULL p when absent and optional. */
int lplot_data(lua_State *L, int idx, const char *fname, const char *what, int optional, ldata *out);

/* A scratch buffer of n doubles owned by a userdata pushed on the stack. */
double *lplot_buffer(lua_State *L, size_t n, const char *fname);

/* The axes at idx, or a Lua error. */
laxes *lplot_checkaxes(lua_State *L, int idx, const char *fname);

/* Parse a dash style name. */
int lplot_parse_dash(lua_State *L, const char *s, const char *fname);

/* Parse a marker name. */
int lplot_parse_marker(lua_State *L, const char *s, const char *fname);

/* Parse a colour map name. */
int lplot_parse_cmap(lua_State *L, const char *s, const char *fname);

/* Parse a colour given as a string or an {r, g, b[, a]} table into rgba. */
void lplot_parse_color(lua_State *L, int idx, const char *fname, double rgba[4]);

/* Read the style options common to all series from the table at opts. */
void lplot_read_style(lua_State *L, int opts, const char *fname, ibsh_style *st);

/* Per-item colour values from opts.color when it is a tensor or a numeric array of n entries; else NULL. */
const double *lplot_read_values(lua_State *L, int opts, size_t n, const char *fname, ibsh_style *st);

/* Nonzero when the value at idx is an options table (nil, or a non-empty table without element [1]). */
int lplot_is_options(lua_State *L, int idx);

/* Read x and y (y alone: x = 1..n) starting at idx; returns the index of the options table. */
int lplot_read_xy(lua_State *L, int idx, const char *fname, ldata *x, ldata *y);

/* Expand x (a vector of y's row length) to y's shape when y has several rows. */
void lplot_broadcast_x(lua_State *L, ldata *x, const ldata *y, const char *fname);

/* Methods of ibsh.Axes (defined in lplot_axes.c). */
extern const lx_Reg lplot_axes_methods[];

/* fig:show([opts]) for the figure (lplot_show.c): pushes how it was shown and the PNG's path. */
int lplot_show(lua_State *L, ibsh_figure *fig);

/* plot.movie (lplot_movie.c) and the ibsh.Movie class it creates. */
extern const lx_Reg lplot_movie_funcs[];
void lplot_movie_open(lua_State *L);

#endif
