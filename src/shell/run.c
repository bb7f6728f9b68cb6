/*
** Running chunks: a message handler that appends a traceback, and signal
** handling while code runs (SIGINT and SIGTERM set the core's interrupt flag
** and a Lua hook that raises "interrupted", as lua.c does).
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lauxlib.h>
#include "ibsh/interrupt.h"
#include "shell.h"
#include "lprogress.h"

static lua_State *running_state = NULL;   /* the state whose code the signal interrupts */
static volatile sig_atomic_t interrupt_count = 0;   /* signals seen during the current call */
static int newline_after_echo = 0;   /* a terminal echoes ^C: end that line before messages follow */

/* The message handler: the message (with a "did you mean" hint), then a traceback without ibsh's internal
** frames, through ibsh.errors.format; the plain message and full traceback if that is unavailable. */
static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  int interrupted = ibsh_interrupted();
  lua_sethook(L, NULL, 0, 0);   /* the error is on its way: no second "interrupted" inside the formatting */
  int top = lua_gettop(L);
  lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_getfield(L, -1, "ibsh.errors");
  if (lua_istable(L, -1) && lua_getfield(L, -1, "format") == LUA_TFUNCTION) {
    lua_pushstring(L, msg);
    luaL_traceback(L, L, NULL, 1);
    lua_pushboolean(L, interrupted);
    lprogress_push_outermost(L);
    if (lua_pcall(L, 4, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING) return 1;
  }
  lua_settop(L, top);
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* The hook set by the signal handler: remove itself and raise "interrupted" (not inside the handler). */
static void interrupt_hook(lua_State *L, lua_Debug *ar) {
  lua_getinfo(L, "f", ar);
  int in_handler = lua_tocfunction(L, -1) == msghandler;
  lua_pop(L, 1);
  if (in_handler) return;   /* an error is already on its way; let the handler format it */
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted");
}

/* SIGINT/SIGTERM while code runs: ask C loops to stop and Lua code to raise; a third signal kills. */
static void on_interrupt(int signo) {
  if (signo == SIGINT && interrupt_count == 0 && newline_after_echo) {
    ssize_t ignored = write(STDERR_FILENO, "\n", 1);
    (void)ignored;
  }
  ibsh_interrupt_request(signo);
  if (running_state) lua_sethook(running_state, interrupt_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
  if (++interrupt_count >= 3) signal(signo, SIG_DFL);
}

/* Install handler for SIGINT and SIGTERM and save the previous actions. */
static void set_handlers(void (*handler)(int), struct sigaction *old_int, struct sigaction *old_term) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, old_int);
  sigaction(SIGTERM, &sa, old_term);
}

/* Call the function below nargs arguments with a traceback handler, SIGINT/SIGTERM interrupting it. */
int shell_docall(lua_State *L, int nargs, int nresults) {
  int base = lua_gettop(L) - nargs;
  struct sigaction old_int, old_term;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  ibsh_interrupt_clear();
  interrupt_count = 0;
  newline_after_echo = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
  running_state = L;
  set_handlers(on_interrupt, &old_int, &old_term);
  int status = lua_pcall(L, nargs, nresults, base);
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  running_state = NULL;
  lua_sethook(L, NULL, 0, 0);
  lua_remove(L, base);
  if (status != LUA_OK) lprogress_stop_all(L);   /* loops unwound by the error leave no progress line behind */
  return status;
}

/* Print the error message on top of the stack (if status is an error) to stderr and pop it. */
int shell_report(lua_State *L, int status) {
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "%s: %s\n", IBSH_PROGNAME, msg ? msg : "(error object is not a string)");
    fflush(stderr);
    lua_pop(L, 1);
  }
  return status;
}

/* Load and run a file (NULL: stdin) with the given arguments already on the stack. */
int shell_dofile(lua_State *L, const char *path) {
  int status = luaL_loadfile(L, path);
  if (status == LUA_OK) status = shell_docall(L, 0, 0);
  return shell_report(L, status);
}

/* Load and run a string of code named chunkname. */
int shell_dostring(lua_State *L, const char *code, const char *chunkname) {
  int status = luaL_loadbuffer(L, code, strlen(code), chunkname);
  if (status == LUA_OK) status = shell_docall(L, 0, 0);
  return shell_report(L, status);
}

/* Run the startup code: $IBSH_INIT (code, or @file) or else ~/.ibshrc when it exists. */
int shell_startup(lua_State *L) {
  const char *init = getenv("IBSH_INIT");
  if (init && *init) {
    if (init[0] == '@') return shell_dofile(L, init + 1);
    return shell_dostring(L, init, "=IBSH_INIT");
  }
  const char *home = getenv("HOME");
  if (!home || !*home) return LUA_OK;
  char path[4096];
  snprintf(path, sizeof path, "%s/.ibshrc", home);
  FILE *f = fopen(path, "r");
  if (!f) return LUA_OK;
  fclose(f);
  return shell_dofile(L, path);
}
