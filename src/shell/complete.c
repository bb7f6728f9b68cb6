/*
** Tab completion: readline asks, ibsh.repl.complete (Lua) answers for names,
** fields and methods; inside a string literal, file names complete.
*/
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <readline/readline.h>
#include <lauxlib.h>
#include "shell.h"

#define MAX_CANDIDATES 4096

static lua_State *completion_state = NULL;   /* the REPL's state, idle while the prompt shows */
static char *candidates[MAX_CANDIDATES];     /* the current Lua answers, handed out one by one */
static int ncandidates = 0, next_candidate = 0;

/* Fill candidates with ibsh.repl.complete(text); errors give no candidates. */
static void collect_candidates(const char *text) {
  lua_State *L = completion_state;
  int top = lua_gettop(L);
  for (int i = next_candidate; i < ncandidates; i++) free(candidates[i]);
  ncandidates = next_candidate = 0;
  if (shell_pushrepl(L) != LUA_TTABLE || lua_getfield(L, -1, "complete") != LUA_TFUNCTION) {
    lua_settop(L, top);
    return;
  }
  lua_pushstring(L, text);
  if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_istable(L, -1)) {
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n && ncandidates < MAX_CANDIDATES; i++) {
      if (lua_rawgeti(L, -1, i) == LUA_TSTRING) {
        char *copy = strdup(lua_tostring(L, -1));
        if (copy) candidates[ncandidates++] = copy;
      }
      lua_pop(L, 1);
    }
  }
  lua_settop(L, top);
}

/* readline generator: hand out the collected candidates (readline frees them). */
static char *candidate_generator(const char *text, int state) {
  if (state == 0) collect_candidates(text);
  return next_candidate < ncandidates ? candidates[next_candidate++] : NULL;
}

/* File names for the string literal ending at end; readline skipped word-break characters after its quote (a leading '/'). */
static char **complete_file_name(int start, int end) {
  int quote = start - 1;
  while (quote >= 0 && rl_line_buffer[quote] != rl_completion_quote_character) quote--;
  int skipped = start - (quote + 1);
  char *path = strndup(rl_line_buffer + quote + 1, (size_t)(end - quote - 1));
  if (!path) return NULL;
  char **matches = rl_completion_matches(path, rl_filename_completion_function);
  free(path);
  struct stat st;
  if (matches && matches[0] && !matches[1] && stat(matches[0], &st) == 0 && S_ISDIR(st.st_mode)) {
    size_t len = strlen(matches[0]);
    char *slashed = realloc(matches[0], len + 2);
    if (slashed) {
      if (len == 0 || slashed[len - 1] != '/') strcpy(slashed + len, "/");
      matches[0] = slashed;
      rl_completion_suppress_quote = 1;   /* a directory: keep the string open */
    }
  }
  for (int i = 0; matches && matches[i] && skipped > 0; i++) {
    size_t len = strlen(matches[i]);
    if (len >= (size_t)skipped) memmove(matches[i], matches[i] + skipped, len - (size_t)skipped + 1);
  }
  return matches;
}

/* readline's completion entry: file names inside a string, Lua names elsewhere. */
static char **attempt_completion(const char *text, int start, int end) {
  rl_attempted_completion_over = 1;   /* never fall back to readline's own file names */
  if (rl_completion_quote_character) {
    rl_completion_append_character = '\0';   /* readline closes the quote itself */
    return complete_file_name(start, end);
  }
  rl_completion_append_character = '\0';
  return rl_completion_matches(text, candidate_generator);
}

/* List several candidates by their last component (after the final '.' or ':'), not the whole path. */
static void display_matches(char **matches, int count, int max_length) {
  (void)max_length;
  char **shown = malloc(sizeof(char *) * (size_t)(count + 2));
  if (!shown) {
    rl_display_match_list(matches, count, max_length);
    rl_forced_update_display();
    return;
  }
  int longest = 0;
  for (int i = 0; i <= count; i++) {
    const char *cut = strrchr(matches[i], '.');
    const char *colon = strrchr(matches[i], ':');
    if (!cut || (colon && colon > cut)) cut = colon;
    if (rl_completion_quote_character) cut = strrchr(matches[i], '/');
    shown[i] = (char *)(cut && i > 0 ? cut + 1 : matches[i]);
    int len = (int)strlen(shown[i]);
    if (i > 0 && len > longest) longest = len;
  }
  shown[count + 1] = NULL;
  rl_display_match_list(shown, count, longest);
  rl_forced_update_display();
  free(shown);
}

/* Install readline tab completion backed by the Lua state (ibsh.repl's complete). */
void complete_install(lua_State *L) {
  completion_state = L;
  rl_attempted_completion_function = attempt_completion;
  rl_completer_word_break_characters = " \t\n\"'`<>=;|&{}()[],+-*/%^~#?!";
  rl_completer_quote_characters = "\"'";
  rl_completion_display_matches_hook = display_matches;
}
