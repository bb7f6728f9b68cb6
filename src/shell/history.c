/*
** Persistent, bounded command history: every entered chunk is appended to the
** history file at once (a crash keeps it); the file is trimmed to
** IBSH_HISTORY_MAX entries when opened and closed.
*/
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/history.h>
#include "shell.h"

static char *history_path = NULL;   /* NULL when history is not saved */
static int appended = 0;            /* entries appended since the last trim */

/* Open the history file ($IBSH_HISTORY or ~/.ibsh_history, "" disables) and load it. */
void history_open(void) {
  const char *env = getenv("IBSH_HISTORY");
  char path[4096];
  stifle_history(IBSH_HISTORY_MAX);
  if (env) {
    if (!*env) return;
    snprintf(path, sizeof path, "%s", env);
  } else {
    const char *home = getenv("HOME");
    if (!home || !*home) return;
    snprintf(path, sizeof path, "%s/.ibsh_history", home);
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return;   /* unwritable: keep history in memory only */
  close(fd);
  history_path = strdup(path);
  if (!history_path) return;
  history_truncate_file(history_path, IBSH_HISTORY_MAX);
  read_history(history_path);
}

/* Record one entered chunk in memory and append it to the history file. */
void history_record(const char *chunk) {
  if (!chunk || !*chunk) return;
  HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
  if (last && strcmp(last->line, chunk) == 0) return;   /* no consecutive duplicates */
  add_history(chunk);
  if (!history_path) return;
  append_history(1, history_path);
  if (++appended >= 100) {
    history_truncate_file(history_path, IBSH_HISTORY_MAX);
    appended = 0;
  }
}

/* Trim the history file to its bound and release it. */
void history_close(void) {
  if (history_path) history_truncate_file(history_path, IBSH_HISTORY_MAX);
  free(history_path);
  history_path = NULL;
}
