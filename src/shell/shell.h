/*
** The ibsh program's shell layer: running chunks with tracebacks and
** interrupts, the read-eval-print loop, history and completion.
*/
#ifndef IBSH_SHELL_H
#define IBSH_SHELL_H

#include <lua.h>

#define IBSH_PROGNAME "ibsh"
#define IBSH_HISTORY_MAX 1000

/* Open the standard libraries and ibsh (require "ibsh"); its modules become globals. */
void shell_openlibs(lua_State *L);

/* Call the function below nargs arguments with a traceback handler, SIGINT/SIGTERM interrupting it. */
int shell_docall(lua_State *L, int nargs, int nresults);

/* Print the error message on top of the stack (if status is an error) to stderr and pop it. */
int shell_report(lua_State *L, int status);

/* Load and run a file (NULL: stdin) with the given arguments already on the stack. */
int shell_dofile(lua_State *L, const char *path);

/* Load and run a string of code named chunkname. */
int shell_dostring(lua_State *L, const char *code, const char *chunkname);

/* Run the read-eval-print loop until end of input; interactive means a terminal with readline. */
int shell_repl(lua_State *L, int interactive);

/* Run the startup code: $IBSH_INIT (code, or @file) or else ~/.ibshrc when it exists. */
int shell_startup(lua_State *L);

/* Open the history file ($IBSH_HISTORY or ~/.ibsh_history, "" disables) and load it. */
void history_open(void);

/* Record one entered chunk in memory and append it to the history file. */
void history_record(const char *chunk);

/* Trim the history file to its bound and release it. */
void history_close(void);

/* Install readline tab completion backed by the Lua state (ibsh.repl's complete). */
void complete_install(lua_State *L);

/* Push the ibsh.repl support table (loaded once); pushes nil if it failed to load. */
int shell_pushrepl(lua_State *L);

#endif
