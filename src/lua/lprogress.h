/*
** Progress lines for bindings and the shell (core in src/core/base/progress.c):
** the stderr writer, the mode from quiet and isatty, and the list of active
** progresses that names an interrupted loop ("mi.infoplane: interrupted").
*/
#ifndef IBSH_LPROGRESS_H
#define IBSH_LPROGRESS_H

#include <lua.h>
#include "ibsh/progress.h"

/* Start p for a C loop (quiet, or nested inside another active progress: nothing shows); registers it as active. */
void lprogress_start(lua_State *L, ibsh_progress *p, const char *name, long total, const char *unit, int quiet);

/* Finish p started by lprogress_start (stopped: interrupted or failed) and unregister it. */
void lprogress_finish(lua_State *L, ibsh_progress *p, const char *note, int stopped);

/* Push the name of the outermost active progress, or nil. */
void lprogress_push_outermost(lua_State *L);

/* End every active progress as stopped (after an error unwound their loops). */
void lprogress_stop_all(lua_State *L);

#endif
