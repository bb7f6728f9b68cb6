/*
** Lua binding of movies (ibsh.Movie): plot.movie(path, {ref = fig, ...}) and
** m:add(fig) for each frame, m:close() to finish; .gif or animated .png.
*/
#include <string.h>
#include "plot/colormap.h"
#include "lplot.h"

#define IBSH_MOVIE_T "ibsh.Movie"

typedef struct lmovie { ibsh_movie *m; } lmovie;

/* The figure at idx, or a Lua error. */
static ibsh_figure *check_fig(lua_State *L, int idx, const char *fname) {
  lfigure *f = (lfigure *)luaL_testudata(L, idx, IBSH_FIGURE_T);
  if (!f || !f->fig) lx_error(L, fname, "expected a figure, got %s", luaL_typename(L, idx));
  return f->fig;
}

/* The open movie at idx, or a Lua error. */
static lmovie *check_movie(lua_State *L, int idx, const char *fname) {
  lmovie *m = (lmovie *)luaL_checkudata(L, idx, IBSH_MOVIE_T);
  if (!m->m) lx_error(L, fname, "the movie is closed");
  return m;
}

/* plot.movie(path, {ref = fig, fps = 20, frames = n, cmap = "gnuplot"}) */
static int p_movie(lua_State *L) {
  static const char *const known[] = {"ref", "fps", "frames", "cmap", NULL};
  const char *fname = "plot.movie";
  const char *path = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lx_checkoptions(L, 2, known, fname);
  lua_getfield(L, 2, "ref");
  ibsh_figure *ref = check_fig(L, -1, fname);
  double fps = lx_optnumber(L, 2, "fps", 20, fname);
  lua_Integer frames = lx_optinteger(L, 2, "frames", 0, fname);
  const char *cname = lx_optstring(L, 2, "cmap", "gnuplot", fname);
  int cmap = ibsh_colormap_find(cname);
  if (cmap < 0) lx_error(L, fname, "unknown colour map '%s'", cname);
  if (frames < 0 || frames > 1000000) lx_error(L, fname, "frames must be in 1..1000000");
  /* render the reference into a tensor-free buffer held by a userdata (nothing leaks on errors) */
  ibsh_raster r;
  lx_check(L, ibsh_figure_render(ref, &r), fname);
  unsigned char *rgba = (unsigned char *)lua_newuserdatauv(L, (size_t)r.w * (size_t)r.h * 4, 0);
  ibsh_raster_export(&r, rgba);
  int w = r.w, h = r.h;
  ibsh_raster_free(&r);
  lmovie *m = (lmovie *)lua_newuserdatauv(L, sizeof *m, 0);
  m->m = NULL;
  luaL_setmetatable(L, IBSH_MOVIE_T);
  lx_check(L, ibsh_movie_open(&m->m, path, w, h, fps, (int)frames, cmap, rgba), fname);
  return 1;
}

/* m:add(fig): render fig (the size of the reference) as the next frame; returns m. */
static int m_add(lua_State *L) {
  lmovie *m = check_movie(L, 1, "Movie:add");
  ibsh_figure *fig = check_fig(L, 2, "Movie:add");
  lx_check(L, ibsh_movie_add_figure(m->m, fig), "Movie:add");
  lua_settop(L, 1);
  return 1;
}

/* m:frames(): frames added so far. */
static int m_frames(lua_State *L) {
  lmovie *m = check_movie(L, 1, "Movie:frames");
  lua_pushinteger(L, ibsh_movie_frames(m->m));
  return 1;
}

/* m:close(): finish the file (it appears at its path now). */
static int m_close(lua_State *L) {
  lmovie *m = check_movie(L, 1, "Movie:close");
  ibsh_movie *mv = m->m;
  m->m = NULL;
  lx_check(L, ibsh_movie_close(mv, 0), "Movie:close");
  return 0;
}

/* __gc/__close: a movie never closed is discarded (no partial file is left). */
static int m_gc(lua_State *L) {
  lmovie *m = (lmovie *)luaL_checkudata(L, 1, IBSH_MOVIE_T);
  if (m->m) ibsh_movie_close(m->m, 1);
  m->m = NULL;
  return 0;
}

/* __tostring */
static int m_tostring(lua_State *L) {
  lmovie *m = (lmovie *)luaL_checkudata(L, 1, IBSH_MOVIE_T);
  if (m->m) lua_pushfstring(L, "ibsh.Movie (%d frames so far)", ibsh_movie_frames(m->m));
  else lua_pushliteral(L, "ibsh.Movie (closed)");
  return 1;
}

static const lx_Reg movie_methods[] = {
  {"add", m_add, "m:add(fig)\n\nRender fig (of the reference figure's size) and append it as the next frame; only the rectangle that changed since the previous frame is stored. Returns m.\n\nExample: m:add(fig)"},
  {"frames", m_frames, "m:frames()\n\nThe number of frames added so far.\n\nExample: print(m:frames())"},
  {"close", m_close, "m:close()\n\nFinish the file: it is written to a temporary name and renamed over its path now (a movie that is never closed leaves no file). An animated PNG must have the frames announced at plot.movie.\n\nExample: m:close()"},
  {NULL, NULL, NULL}
};

static const luaL_Reg movie_meta[] = {
  {"__gc", m_gc},
  {"__close", m_gc},
  {"__tostring", m_tostring},
  {NULL, NULL}
};

const lx_Reg lplot_movie_funcs[] = {
  {"movie", p_movie, "plot.movie(path, {ref = fig, fps = 20, frames = n, cmap = \"gnuplot\"})\n\nA movie of figures written frame by frame (m:add(fig), then m:close()): path ending .gif gives an animated GIF (own LZW encoder; one 256-colour palette made of 96 samples of colour map cmap, a grey ramp and the commonest other colours of the reference figure ref, so use the last frame as ref), .png an animated PNG (APNG: full RGBA, frames = the number of frames is required, plain viewers show the first). ref also sets the size: every frame must have it. fps in (0, 100] (GIF delays are whole hundredths of a second). plot.animate builds on it.\n\nExample: local m = plot.movie('f.gif', {ref = last}); for _, f in ipairs(figs) do m:add(f) end; m:close()"},
  {NULL, NULL, NULL}
};

/* Create the ibsh.Movie class. */
void lplot_movie_open(lua_State *L) {
  lx_newclass(L, IBSH_MOVIE_T, movie_methods, movie_meta);
}
