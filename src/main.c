/*
** ibsh: the program. Options as in lua.c: ibsh [options] [script [args]];
** with no script it starts the REPL (line by line without prompts when stdin
** is not a terminal).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "lcommon.h"
#include "shell.h"
#include "ibsh/version.h"

enum { HAS_ERROR = 1, HAS_I = 2, HAS_V = 4, HAS_E = 8, HAS_H = 16 };

/* Print the usage text to f. */
static void print_usage(FILE *f) {
  fprintf(f,
    "usage: %s [options] [script [args]]\n"
    "Available options are:\n"
    "  -e stat   execute string 'stat' (repeatable)\n"
    "  -i        enter interactive mode after running the script\n"
    "  -l mod    require library 'mod' into global 'mod'\n"
    "  -l g=mod  require library 'mod' into global 'g'\n"
    "  -v, --version  show version information\n"
    "  -h, --help     show this help\n"
    "  --        stop handling options\n"
    "  -         run stdin as a script and stop handling options\n"
    "With no script: the interactive shell (REPL). See ibsh(1) and ibsh(3).\n",
    IBSH_PROGNAME);
}

/* Print the version line. */
static void print_version(void) {
  printf("%s %s (%s)\n", IBSH_PROGNAME, ibsh_version(), LUA_RELEASE);
  fflush(stdout);
}

/* Scan options; return the flags and set *first to the script's index (argc if none), as lua.c's collectargs. */
static int collect_args(char **argv, int *first) {
  int flags = 0, i;
  for (i = 1; argv[i] != NULL; i++) {
    *first = i;
    if (argv[i][0] != '-') return flags;   /* script name */
    if (strcmp(argv[i], "--version") == 0) { flags |= HAS_V; continue; }
    if (strcmp(argv[i], "--help") == 0) { flags |= HAS_H; continue; }
    switch (argv[i][1]) {
      case '-':
        if (argv[i][2] != '\0') return HAS_ERROR;
        *first = i + 1;
        return flags;
      case '\0':
        return flags;   /* '-' is the script (stdin) */
      case 'i':
        if (argv[i][2] != '\0') return HAS_ERROR;
        flags |= HAS_I | HAS_V;
        break;
      case 'v':
        if (argv[i][2] != '\0') return HAS_ERROR;
        flags |= HAS_V;
        break;
      case 'h':
        if (argv[i][2] != '\0') return HAS_ERROR;
        flags |= HAS_H;
        break;
      case 'e':
        flags |= HAS_E;
        /* FALLTHROUGH */
      case 'l':
        if (argv[i][2] == '\0') {
          i++;
          if (argv[i] == NULL || argv[i][0] == '-') return HAS_ERROR;
        }
        break;
      default:
        return HAS_ERROR;
    }
  }
  *first = i;
  return flags;
}

/* Create the global arg table: arg[0] = script, negatives = program and options, positives = script args. */
static void create_arg_table(lua_State *L, char **argv, int argc, int script) {
  if (script == argc) script = 0;   /* no script: arg[0] is the program */
  lua_createtable(L, argc - script - 1, script + 1);
  for (int i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}

/* require "mod" (or g=mod) and store the result in the global. */
static int do_library(lua_State *L, char *spec) {
  char *eq = strchr(spec, '=');
  const char *global = spec, *module = spec;
  if (eq) {
    *eq = '\0';
    module = eq + 1;
  }
  lua_getglobal(L, "require");
  lua_pushstring(L, module);
  int status = shell_docall(L, 1, 1);
  if (status == LUA_OK) lua_setglobal(L, global);
  if (eq) *eq = '=';
  return shell_report(L, status);
}

/* Run the -e and -l options in order; return 0 if one failed. */
static int run_options(lua_State *L, char **argv, int first) {
  for (int i = 1; i < first; i++) {
    int opt = argv[i][1];
    if (argv[i][0] != '-' || (opt != 'e' && opt != 'l')) continue;
    char *extra = argv[i] + 2;
    if (*extra == '\0') extra = argv[++i];
    int status = opt == 'e' ? shell_dostring(L, extra, "=(command line)") : do_library(L, extra);
    if (status != LUA_OK) return 0;
  }
  return 1;
}

/* Run the script argv[first] (or stdin for "-") with the script arguments. */
static int run_script(lua_State *L, char **argv, int first) {
  const char *name = argv[first];
  if (strcmp(name, "-") == 0 && strcmp(argv[first - 1], "--") != 0) name = NULL;
  int status = luaL_loadfile(L, name);
  if (status == LUA_OK) {
    int n = 0;
    lua_getglobal(L, "arg");
    if (lua_istable(L, -1)) {
      n = (int)luaL_len(L, -1);
      luaL_checkstack(L, n + 3, "too many arguments to script");
      for (int i = 1; i <= n; i++) lua_rawgeti(L, -i, i);
      lua_remove(L, -n - 1);
    } else {
      lua_pop(L, 1);
    }
    status = shell_docall(L, n, 0);
  }
  return shell_report(L, status);
}

/* Set the global help (from ibsh.help) so scripts and the REPL can ask for help. */
static void set_help_global(lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "ibsh.help");
  if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_istable(L, -1)) {
    lua_getfield(L, -1, "help");
    lua_setglobal(L, "help");
  }
  lua_pop(L, 1);
}

/* Protected main: everything that may raise runs here. */
static int pmain(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  int first = argc;
  int flags = collect_args(argv, &first);
  if (flags == HAS_ERROR) {
    fprintf(stderr, "%s: unrecognized option or missing argument: '%s'\n", IBSH_PROGNAME, argv[first]);
    print_usage(stderr);
    return 0;
  }
  if (flags & HAS_H) {
    print_usage(stdout);
    lua_pushboolean(L, 1);
    return 1;
  }
  if ((flags & HAS_V) && !(flags & HAS_I)) print_version();
  if ((flags & HAS_V) && first == argc && !(flags & (HAS_I | HAS_E))) {
    lua_pushboolean(L, 1);
    return 1;
  }
  shell_openlibs(L);
  set_help_global(L);
  create_arg_table(L, argv, argc, first);
  lua_gc(L, LUA_GCRESTART);
  if (!run_options(L, argv, first)) return 0;
  if (first < argc && run_script(L, argv, first) != LUA_OK) return 0;
  if (flags & HAS_I) {
    shell_repl(L, isatty(0));
  } else if (first == argc && !(flags & (HAS_E | HAS_V))) {
    shell_repl(L, isatty(0));
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* OpenBLAS's worker threads spin for 2^28 cycles (about a tenth of a second here) after start-up and after every
   call before they sleep, unless OPENBLAS_THREAD_TIMEOUT sets another power of two; the library reads it when it
   loads, before main. So ibsh sets 2^20 cycles (a few hundred microseconds) and starts itself again, once. A BLAS
   thread spinning beside ibsh's own two threads made the system share a core between them: a training run with its
   metrics helper waited 45 us per epoch (15 %) for the helper, which had been moved onto the trainer's core. */
static void restart_with_short_blas_spin(char **argv) {
  if (getenv("OPENBLAS_THREAD_TIMEOUT") || setenv("OPENBLAS_THREAD_TIMEOUT", "20", 1) != 0) return;
  execv("/proc/self/exe", argv);   /* returns only if that failed: run on with the library's default */
}

/* Entry point: run pmain protected and turn its result into the exit status. */
int main(int argc, char **argv) {
  restart_with_short_blas_spin(argv);
#ifdef __GLIBC__
  /* Keep freed tensor memory (below the 4 MB from which tensors are mapped directly) in the heap for the next
     tensors: glibc's default would hand it back and fault it in again, page by page, on every new tensor. */
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
  lua_State *L = luaL_newstate();
  if (L == NULL) {
    fprintf(stderr, "%s: cannot create state: not enough memory\n", IBSH_PROGNAME);
    return EXIT_FAILURE;
  }
  lua_gc(L, LUA_GCSTOP);
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  int status = lua_pcall(L, 2, 1, 0);
  int ok = lua_toboolean(L, -1);
  shell_report(L, status);
  lua_close(L);
  return (ok && status == LUA_OK) ? EXIT_SUCCESS : EXIT_FAILURE;
}
