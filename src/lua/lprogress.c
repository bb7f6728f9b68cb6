/*
** Lua binding of progress lines (ibsh.Progress, module ibsh.core.progress):
** loops written in Lua report done work; lines go to stderr, redrawn in place
** on a terminal, one summary line otherwise, nothing with quiet = true.
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "lcommon.h"
#include "lprogress.h"

#define PROGRESS_T "ibsh.Progress"
#define ACTIVE_KEY "ibsh.progress.active"   /* registry: array of active entries, outermost first */

/* The writer: stderr, flushed. */
static void write_stderr(const char *text, size_t len, void *ud) {
  (void)ud;
  fwrite(text, 1, len, stderr);
  fflush(stderr);
}

/* Push the registry's array of active progresses, creating it when missing. */
static void push_active(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, ACTIVE_KEY) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, ACTIVE_KEY);
}

/* Start p for a C loop: quiet, or nested in another active progress, shows nothing; registers p. */
void lprogress_start(lua_State *L, ibsh_progress *p, const char *name, long total, const char *unit, int quiet) {
  push_active(L);
  int nested = lua_rawlen(L, -1) > 0;
  ibsh_progress_mode mode = quiet || nested ? IBSH_PROGRESS_QUIET : isatty(STDERR_FILENO) ? IBSH_PROGRESS_TTY : IBSH_PROGRESS_LOG;
  ibsh_progress_start(p, name, total, unit, mode, write_stderr, NULL);
  struct winsize ws;
  if (mode == IBSH_PROGRESS_TTY && ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) p->width = ws.ws_col - 1;
  lua_pushlightuserdata(L, p);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  lua_pop(L, 1);
}

/* Remove p (light or full userdata pointer) from the active list. */
static void unregister(lua_State *L, const void *p) {
  push_active(L);
  lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
  for (lua_Integer i = n; i >= 1; i--) {
    lua_rawgeti(L, -1, i);
    const void *q = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (q != p) continue;
    for (lua_Integer j = i; j < n; j++) { lua_rawgeti(L, -1, j + 1); lua_rawseti(L, -2, j); }
    lua_pushnil(L);
    lua_rawseti(L, -2, n);
    break;
  }
  lua_pop(L, 1);
}

/* Finish p started by lprogress_start and unregister it. */
void lprogress_finish(lua_State *L, ibsh_progress *p, const char *note, int stopped) {
  ibsh_progress_finish(p, note, stopped);
  unregister(L, p);
}

/* Push the name of the outermost active progress, or nil. */
void lprogress_push_outermost(lua_State *L) {
  push_active(L);
  lua_rawgeti(L, -1, 1);
  ibsh_progress *p = (ibsh_progress *)lua_touserdata(L, -1);
  lua_pop(L, 2);
  if (p) lua_pushstring(L, p->name);
  else lua_pushnil(L);
}

/* End every active progress as stopped (their loops were unwound by an error). */
void lprogress_stop_all(lua_State *L) {
  push_active(L);
  for (lua_Integer i = (lua_Integer)lua_rawlen(L, -1); i >= 1; i--) {
    lua_rawgeti(L, -1, i);
    ibsh_progress *p = (ibsh_progress *)lua_touserdata(L, -1);
    if (p) ibsh_progress_finish(p, NULL, 1);
    lua_pop(L, 1);
    lua_pushnil(L);
    lua_rawseti(L, -2, i);
  }
  lua_pop(L, 1);
}

/* progress.new(name, total, [opts]): a progress for a loop of total steps. */
static int p_new(lua_State *L) {
  static const char *const known[] = {"quiet", "unit", NULL};
  const char *name = luaL_checkstring(L, 1);
  lua_Integer total = luaL_checkinteger(L, 2);
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    lx_checkoptions(L, 3, known, "progress.new");
  }
  int quiet = lx_optboolean(L, 3, "quiet", 0, "progress.new");
  const char *unit = lx_optstring(L, 3, "unit", "steps", "progress.new");
  ibsh_progress *p = (ibsh_progress *)lua_newuserdatauv(L, sizeof *p, 0);
  luaL_setmetatable(L, PROGRESS_T);
  lprogress_start(L, p, name, (long)total, unit, quiet);
  return 1;
}

/* p:update(done, [note]): record done steps; redraws on a terminal. */
static int pm_update(lua_State *L) {
  ibsh_progress *p = (ibsh_progress *)luaL_checkudata(L, 1, PROGRESS_T);
  ibsh_progress_update(p, (long)luaL_checkinteger(L, 2), luaL_optstring(L, 3, NULL));
  return 0;
}

/* p:step([n = 1], [note]): n more steps done. */
static int pm_step(lua_State *L) {
  ibsh_progress *p = (ibsh_progress *)luaL_checkudata(L, 1, PROGRESS_T);
  ibsh_progress_update(p, p->done + (long)luaL_optinteger(L, 2, 1), luaL_optstring(L, 3, NULL));
  return 0;
}

/* p:finish([note]): the summary line (runs of a second or more) and the end of the progress. */
static int pm_finish(lua_State *L) {
  ibsh_progress *p = (ibsh_progress *)luaL_checkudata(L, 1, PROGRESS_T);
  lprogress_finish(L, p, luaL_optstring(L, 2, NULL), 0);
  return 0;
}

/* p:status(): the status line (name, done/total, percent, rate, ETA) as text. */
static int pm_status(lua_State *L) {
  ibsh_progress *p = (ibsh_progress *)luaL_checkudata(L, 1, PROGRESS_T);
  char line[512];
  size_t n = ibsh_progress_format(p, ibsh_progress_now(), luaL_optstring(L, 2, NULL), line, sizeof line);
  lua_pushlstring(L, line, n);
  return 1;
}

/* p:mode(): "tty" (redrawn line), "log" (summary at the end) or "quiet". */
static int pm_mode(lua_State *L) {
  ibsh_progress *p = (ibsh_progress *)luaL_checkudata(L, 1, PROGRESS_T);
  lua_pushstring(L, p->mode == IBSH_PROGRESS_TTY ? "tty" : p->mode == IBSH_PROGRESS_LOG ? "log" : "quiet");
  return 1;
}

/* __tostring: the status line. */
static int pm_tostring(lua_State *L) {
  ibsh_progress *p = (ibsh_progress *)luaL_checkudata(L, 1, PROGRESS_T);
  char line[512];
  ibsh_progress_format(p, ibsh_progress_now(), NULL, line, sizeof line);
  lua_pushfstring(L, "ibsh.Progress: %s", line);
  return 1;
}

/* __gc: a progress never finished ends as stopped. */
static int pm_gc(lua_State *L) {
  ibsh_progress *p = (ibsh_progress *)luaL_checkudata(L, 1, PROGRESS_T);
  if (p->mode != IBSH_PROGRESS_QUIET) ibsh_progress_finish(p, NULL, 1);
  unregister(L, p);
  return 0;
}

/* progress.active(): the name of the outermost running progress, or nil. */
static int p_active(lua_State *L) {
  lprogress_push_outermost(L);
  return 1;
}

static const lx_Reg progress_methods[] = {
  {"update", pm_update, "p:update(done, [note])\n\nRecord that done steps are complete (note, e.g. \"loss 0.12\", is shown after the ETA); on a terminal the line is redrawn at most ten times a second.\n\nExample: p:update(i)"},
  {"step", pm_step, "p:step([n = 1], [note])\n\nRecord n more complete steps.\n\nExample: p:step()"},
  {"finish", pm_finish, "p:finish([note])\n\nEnd the progress: runs of a second or more leave one summary line (name: done unit in time (rate)); shorter ones leave nothing.\n\nExample: p:finish()"},
  {"status", pm_status, "p:status([note])\n\nThe status line as text: name, done/total unit, percent, rate and ETA (and note).\n\nExample: io.stderr:write(p:status(), '\\n')"},
  {"mode", pm_mode, "p:mode()\n\nHow the progress shows: \"tty\" (a line redrawn in place), \"log\" (one summary line at the end: stderr is not a terminal) or \"quiet\" (quiet = true, or nested in another progress).\n\nExample: if p:mode() == 'log' then io.stderr:write(p:status(), '\\n') end"},
  {NULL, NULL, NULL}
};

static const luaL_Reg progress_meta[] = {
  {"__gc", pm_gc},
  {"__tostring", pm_tostring},
  {NULL, NULL}
};

static const lx_Reg progress_funcs[] = {
  {"new", p_new, "progress.new(name, total, [opts])\n\nA progress line for a loop of total steps on stderr: on a terminal it shows done/total, percent, rate and ETA, redrawn in place; when stderr is not a terminal one summary line is written at the end (runs of a second or more). Options: quiet = true (nothing), unit = \"steps\". A progress started while another runs is silent (the outer one speaks). Ctrl-C inside names the outermost: \"name: interrupted\". mi.infoplane, mi.bootstrap, mi.permutation_test, ib.curve, sweep.run and net:fit use it.\n\nExample: local p = progress.new('my loop', n, {unit = 'items'}); for i = 1, n do work(i); p:update(i) end; p:finish()"},
  {"active", p_active, "progress.active()\n\nThe name of the outermost running progress, or nil.\n\nExample: print(progress.active())"},
  {NULL, NULL, NULL}
};

/* Open the module ibsh.core.progress. */
int luaopen_ibsh_core_progress(lua_State *L) {
  lx_newclass(L, PROGRESS_T, progress_methods, progress_meta);
  lua_newtable(L);
  lx_setfuncs(L, "progress.", progress_funcs);
  return 1;
}
