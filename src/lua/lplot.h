/*
** Internal interface between the plot binding files (lplot.c: module and
** figures; lplot_axes.c: axes methods; lplot_data.c: argument readers).
*/
#ifndef IBSH_LPLOT_H
#define IBSH_LPLOT_H

#include "lcommon.h"
#include "plot.h"

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

/* Methods of ibsh.Axes (defined in lplot_axes.c). */
extern const lx_Reg lplot_axes_methods[];

#endif
