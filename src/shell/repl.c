/*
** The read-eval-print loop, after lua.c: a line is first tried as an
** expression ("return " .. line) so its values print; otherwise it is a
** statement, continued over more lines while the chunk is incomplete (its
** syntax error ends at "<eof>"). ibsh.repl (Lua) preprocesses lines (?x help,
** :commands, trailing ';'), pretty-prints results and completes names.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lauxlib.h>
#include <lualib.h>
#include "shell.h"
#include "readline_io.h"
#include "ibsh/version.h"

#define CHUNKNAME "=stdin"


enum { CHUNK_READY, CHUNK_NONE, CHUNK_EOF };

/* Push ibsh.repl's function name, or return 0 (pushing nothing) if it is missing. */
static int push_repl_function(lua_State *L, const char *name) {
  if (shell_pushrepl(L) != LUA_TTABLE) {
    lua_pop(L, 1);
    return 0;
  }
  lua_getfield(L, -1, name);
  lua_remove(L, -2);
  if (lua_isfunction(L, -1)) return 1;
  lua_pop(L, 1);
  return 0;
}

/* The prompt: global _PROMPT or _PROMPT2 if set, else the default. */
static const char *get_prompt(lua_State *L, int first) {
  static char prompt[256];
  lua_getglobal(L, first ? "_PROMPT" : "_PROMPT2");
  const char *p = lua_tostring(L, -1);
  snprintf(prompt, sizeof prompt, "%s", p ? p : first ? "ibsh> " : "  ...> ");
  lua_pop(L, 1);
  return prompt;
}

/* Preprocess the first line through ibsh.repl.preprocess: pushes the code and sets *suppress. */
static void push_preprocessed(lua_State *L, const char *line, int *suppress) {
  int top = lua_gettop(L);
  *suppress = 0;
  if (push_repl_function(L, "preprocess")) {
    lua_pushstring(L, line);
    if (lua_pcall(L, 1, 2, 0) == LUA_OK && lua_type(L, -2) == LUA_TSTRING) {
      *suppress = lua_toboolean(L, -1);
      lua_pop(L, 1);
      return;
    }
    lua_settop(L, top);
  }
  lua_pushstring(L, line);
}

/* Check whether status is a syntax error ending at "<eof>"; if so pop the message. */
static int incomplete(lua_State *L, int status) {
  static const char mark[] = "<eof>";
  const size_t marklen = sizeof mark - 1;
  if (status == LUA_ERRSYNTAX) {
    size_t len;
    const char *msg = lua_tolstring(L, -1, &len);
    if (len >= marklen && strcmp(msg + len - marklen, mark) == 0) {
      lua_pop(L, 1);
      return 1;
    }
  }
  return 0;
}

/* Append text (with a newline before it unless first) to the growing raw chunk for history. */
static void raw_append(char **raw, const char *text) {
  size_t old = *raw ? strlen(*raw) : 0;
  char *grown = realloc(*raw, old + strlen(text) + 2);
  if (!grown) return;
  if (old) grown[old++] = '\n';
  strcpy(grown + old, text);
  *raw = grown;
}

/* Read and compile one chunk: on CHUNK_READY the compiled function (or error message) is pushed and *status set. */
static int load_chunk(lua_State *L, int interactive, int *status, int *suppress) {
  char *line = NULL, *raw = NULL;
  int got = read_line(get_prompt(L, 1), interactive, &line);
  if (got == LINE_EOF) return CHUNK_EOF;
  if (got == LINE_INTERRUPTED) return CHUNK_NONE;
  raw_append(&raw, line);
  push_preprocessed(L, line, suppress);
  free(line);
  int code = lua_gettop(L);
  const char *text = lua_tostring(L, code);
  if (text[strspn(text, " \t")] == '\0') {   /* blank line: nothing to do */
    lua_pop(L, 1);
    free(raw);
    return CHUNK_NONE;
  }
  const char *ret = lua_pushfstring(L, "return %s;", text);
  *status = luaL_loadbuffer(L, ret, strlen(ret), CHUNKNAME);
  if (*status == LUA_OK) {   /* an expression: its values will print */
    lua_remove(L, -2);
    lua_remove(L, code);
  } else {
    lua_pop(L, 2);
    for (;;) {   /* a statement, maybe over several lines */
      size_t len;
      text = lua_tolstring(L, code, &len);
      *status = luaL_loadbuffer(L, text, len, CHUNKNAME);
      if (!incomplete(L, *status)) break;
      got = read_line(get_prompt(L, 0), interactive, &line);
      if (got != LINE_OK) {   /* Ctrl-C or end of input abandons the chunk */
        if (got == LINE_EOF) {   /* say why the unfinished chunk did not run */
          text = lua_tolstring(L, code, &len);
          shell_report(L, luaL_loadbuffer(L, text, len, CHUNKNAME));
        }
        lua_settop(L, code - 1);
        if (interactive && got == LINE_EOF) history_record(raw);
        free(raw);
        return got == LINE_EOF ? CHUNK_EOF : CHUNK_NONE;
      }
      raw_append(&raw, line);
      lua_pushliteral(L, "\n");
      lua_pushstring(L, line);
      free(line);
      lua_concat(L, 3);
    }
    lua_remove(L, code);
  }
  if (interactive) history_record(raw);
  free(raw);
  return CHUNK_READY;
}

/* Seconds on the monotonic clock. */
static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Show the n values above base through ibsh.repl.show (or print), then drop them. */
static void show_results(lua_State *L, int base, int suppress, double elapsed) {
  int n = lua_gettop(L) - base;
  if (push_repl_function(L, "show")) {
    lua_insert(L, base + 1);
    lua_pushboolean(L, suppress);
    lua_insert(L, base + 2);
    lua_pushnumber(L, elapsed);
    lua_insert(L, base + 3);
    if (lua_pcall(L, n + 2, 0, 0) != LUA_OK) shell_report(L, LUA_ERRRUN);
  } else if (n > 0 && !suppress) {
    luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
    lua_getglobal(L, "print");
    lua_insert(L, base + 1);
    if (lua_pcall(L, n, 0, 0) != LUA_OK) shell_report(L, LUA_ERRRUN);
  }
  lua_settop(L, base);
}

/* Run the read-eval-print loop until end of input; interactive means a terminal with readline. */
int shell_repl(lua_State *L, int interactive) {
  if (interactive) {
    read_setup();
    history_open();
    complete_install(L);
    printf("%s %s (%s)  help() for help, Ctrl-D to exit\n", IBSH_PROGNAME, ibsh_version(), LUA_RELEASE);
    fflush(stdout);
  }
  shell_startup(L);
  if (shell_pushrepl(L) != LUA_TNIL) { /* loaded or reported once */ }
  lua_pop(L, 1);
  for (;;) {
    int base = lua_gettop(L), status = LUA_OK, suppress = 0;
    int chunk = load_chunk(L, interactive, &status, &suppress);
    if (chunk == CHUNK_EOF) break;
    if (chunk == CHUNK_NONE) continue;
    if (status == LUA_OK) {
      double start = now_seconds();
      lua_pushboolean(L, interactive);   /* tells net:fit that Ctrl-C should keep the partial run (see lnn_fit.c) */
      lua_setfield(L, LUA_REGISTRYINDEX, "ibsh.repl_line");
      status = shell_docall(L, 0, LUA_MULTRET);
      lua_pushnil(L);
      lua_setfield(L, LUA_REGISTRYINDEX, "ibsh.repl_line");
      if (status == LUA_OK) show_results(L, base, suppress, now_seconds() - start);
    }
    shell_report(L, status);
    lua_settop(L, base);
    fflush(stdout);
    int leave = lua_getfield(L, LUA_REGISTRYINDEX, "ibsh.repl_exit") != LUA_TNIL;   /* exit, quit (ibsh.repl.quit) */
    lua_pop(L, 1);
    if (leave) break;
  }
  if (interactive) history_close();
  return LUA_OK;
}
